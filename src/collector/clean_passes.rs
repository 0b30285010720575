//! The DOM passes of cleaning: furniture by class, id and role, link lists, a header repeated
//! above the text, caption credits, blocks left empty, a short tail, everything after a line
//! that says the article ended, and headings left with nothing under them. Each is a
//! `drop_…` function over the body (the node it is in, its scope); the order they run in is
//! `clean.rs`'s.

use dom_query::{NodeRef, Selection};

use super::clean_lines::{
    credit_start, is_boilerplate_line, is_date_line, is_end_marker, is_label_line, is_reading_time,
    normalized,
};

/// The elements under `scope` that `sel` matches, in document order.
pub(super) fn select<'a>(scope: &NodeRef<'a>, sel: &str) -> Selection<'a> {
    Selection::from(*scope).select(sel)
}

/// What the page said about itself, to recognise it repeated at the top of the body, and the
/// publication promoting itself at its end.
#[derive(Debug, Default)]
pub(crate) struct Known<'a> {
    pub title: Option<&'a str>,
    pub byline: Option<&'a str>,
    /// The publication's name (`og:site_name`).
    pub site: Option<&'a str>,
    /// The page's address.
    pub address: Option<&'a str>,
}

/// Letters and digits only, lower-cased: "Jamaica Gleaner", "@JamaicaGleaner" and
/// "jamaica-gleaner" all read `jamaicagleaner`.
fn squashed(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The names a publication goes by, squashed (see [`squashed`]): its site name, and the
/// name in its address (`gleaner` of `jamaica.gleaner.com`); only names long enough not to be
/// a common word inside a sentence.
fn own_names(known: &Known) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(site) = known.site.map(squashed).filter(|s| s.chars().count() >= 8) {
        names.push(site);
    }
    let host = known
        .address
        .and_then(|a| url::Url::parse(a).ok())
        .and_then(|u| u.host_str().map(str::to_owned));
    if let Some(host) = host {
        let labels: Vec<&str> = host.split('.').collect();
        if labels.len() >= 2 {
            let name = squashed(labels[labels.len() - 2]);
            if name.chars().count() >= 7 && !names.iter().any(|n| n.contains(&name)) {
                names.push(name);
            }
        }
    }
    names
}

/// The article's last lines, when they name the publication itself, are its promotion, not
/// the article: "Download the Nationnews apps", "Follow The Gleaner on Twitter", "Do you want to
/// be informed of DiEM25's actions?". From the end, up to three short blocks (a paragraph of
/// the article is longer) go while each names it.
pub(super) fn drop_own_promotion(scope: &NodeRef, known: &Known) {
    /// A block longer than this (characters) is the article's, whatever it names: a blog's
    /// closing paragraph about itself, a festival's report naming the festival.
    const SHORT: usize = 220;
    const MOST: usize = 3;
    let names = own_names(known);
    if names.is_empty() {
        return;
    }
    // From the end, each block's length read only when it is reached; taken out after the
    // look, so that none taken changes which blocks hold another.
    let mut promotion = Vec::new();
    let mut looked = 0;
    for node in leaves_from_end(scope) {
        let len = block_len(&node);
        if len == 0 {
            continue;
        }
        looked += 1;
        if looked > MOST || len > SHORT {
            break;
        }
        let text = squashed(&collapsed_text(&node));
        if !names.iter().any(|n| text.contains(n.as_str())) {
            break;
        }
        promotion.push(node);
    }
    for node in promotion {
        node.remove_from_parent();
    }
}

/// Class or id words that mark page furniture rather than the article.
pub(super) const FURNITURE: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "related",
    "recommended",
    "recommendation",
    "recommendations",
    "promo",
    "teaser",
    "teasers",
    "advert",
    "advertisement",
    "adsense",
    "ad",
    "ads",
    "sponsored",
    "sponsor",
    "breadcrumb",
    "breadcrumbs",
    "toolbar",
    "follow",
    "outbrain",
    "taboola",
    "disqus",
    "pagination",
    "pager",
    "cookie",
    "consent",
    "popup",
    "modal",
    "tags",
    "taglist",
    "bio",
    "authorbox",
    "author",
    "authors",
    "byline",
    "timestamp",
    "postmeta",
    "entrymeta",
    "rating",
    "cta",
    "donate",
    "donation",
    "paywall",
    "login",
    "widgettitle",
    "credit",
    "credits",
    "sidebar",
];

/// Landmark roles that are not the article.
pub(super) const ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "banner",
    "search",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
];

/// Elements that start a new block when inside another.
pub(super) const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "ul",
    "ol",
    "li",
    "table",
    "blockquote",
    "pre",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dl",
    "header",
    "footer",
    "aside",
    "nav",
    "form",
];

pub(super) fn has_block_child(node: &NodeRef) -> bool {
    node.descendants_it().any(|d| {
        d.query_or(false, |n| {
            n.as_element()
                .is_some_and(|e| BLOCKS.contains(&&*e.name.local))
        })
    })
}

/// `f` of the text of `node`, read in place, when it is a text node.
pub(super) fn with_text<R>(node: &NodeRef, f: impl FnOnce(&str) -> R) -> Option<R> {
    node.query(|n| match &n.data {
        dom_query::NodeData::Text { contents } => Some(f(contents)),
        _ => None,
    })
    .flatten()
}

/// `f` of each text node of `node` (itself and its descendants, in the order `text()` joins
/// them), read in place.
fn each_text(node: &NodeRef, mut f: impl FnMut(&str)) {
    for d in std::iter::once(*node).chain(node.descendants_it()) {
        with_text(&d, &mut f);
    }
}

/// `collapse(&node.text())`, read in place.
pub(super) fn collapsed_text(node: &NodeRef) -> String {
    let mut c = crate::words::Collapsed::default();
    each_text(node, |t| c.add(t));
    c.text
}

/// What `node`'s text (its own and its descendants', joined as `text()` joins them) holds:
/// characters other than white space and words, read in place.
pub(super) fn text_run(node: &NodeRef) -> crate::words::Run {
    let mut run = crate::words::Run::default();
    each_text(node, |t| run.add(t));
    run
}

pub(super) fn is_heading_like(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("h2" | "h3" | "h4" | "h5" | "h6" | "strong" | "b" | "p" | "div" | "span")
    )
}

/// A block of lines set apart by `<br>`, each of them a date, a metadata label or a
/// boilerplate line: "24.01.2022 11:38<br>Kategorie: News".
pub(super) fn is_meta_lines(node: &NodeRef) -> bool {
    let is_br = |c: &NodeRef| c.node_name().as_deref() == Some("br");
    if !node.children_it(false).any(|c| is_br(&c)) {
        return false;
    }
    let mut lines = vec![String::new()];
    for child in node.children_it(false) {
        if is_br(&child) {
            lines.push(String::new());
        } else if let Some(last) = lines.last_mut() {
            last.push_str(&child.text());
            last.push(' ');
        }
    }
    let lines: Vec<String> = lines
        .iter()
        .map(|l| normalized(l))
        .filter(|l| !l.is_empty())
        .collect();
    lines.len() >= 2
        && lines.iter().all(|l| {
            is_date_line(l) || is_label_line(l) || is_boilerplate_line(l) || is_reading_time(l)
        })
}

pub(super) fn is_inline(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("span" | "strong" | "b" | "small")
    )
}

/// The title, the byline or a date line repeated at the top of the body, above the text: our
/// own header already says them.
pub(super) fn drop_repeated_header(scope: &NodeRef, known: &Known) {
    let title = known.title.map(normalized).filter(|t| !t.is_empty());
    let byline = known.byline.map(normalized).filter(|b| !b.is_empty());
    let leaves: Vec<NodeRef> = select(scope, "h1, h2, h3, h4, h5, h6, p, div, span, time, address")
        .nodes()
        .iter()
        .filter(|n| !has_block_child(n) && chars_of(n) > 0)
        .take(6)
        .cloned()
        .collect();
    // The header ends at the last of these lines that is the title, the byline or a date; short
    // labels before it (a kicker, a section: "Artikel", "Corona") go with it.
    let mut end = None;
    for (i, node) in leaves.iter().enumerate() {
        let text = normalized(&node.text());
        let is_title = title.as_deref() == Some(text.as_str());
        let is_byline = byline.as_deref().is_some_and(|b| {
            text == b || text.strip_prefix("by ").or(text.strip_prefix("von ")) == Some(b)
        });
        let is_date = text.chars().count() <= 40 && crate::dates::parse_published(&text).is_some();
        let is_label = text.chars().count() <= 30
            && text.split(' ').count() <= 3
            && !text.contains(['.', '!', '?']);
        if is_title || is_byline || is_date {
            end = Some(i);
        } else if !is_label {
            // The first line that is the article's own ends the header.
            break;
        }
    }
    if let Some(end) = end {
        for node in &leaves[..=end] {
            node.remove_from_parent();
        }
    }
}

/// A credit that ends a caption's text ("… in Kyiv. (REUTERS/Jane Doe)", "… (Foto: Getty)",
/// "Jane Doe, photo:"): the caption stays, its credit goes (a credit alone in its element is
/// taken by the line rules above).
pub(super) fn drop_caption_credits(scope: &NodeRef) {
    for cap in select(scope, "figcaption, [class*=caption], [class*=Caption]")
        .nodes()
        .iter()
    {
        let Some(last) = cap
            .descendants_it()
            .filter(|d| d.is_text() && !d.text().trim().is_empty())
            .last()
        else {
            continue;
        };
        let text = last.text().to_string();
        if let Some(cut) = credit_start(&text) {
            last.set_text(text[..cut].trim_end());
        }
    }
}

/// The few short lines left after the article's last paragraph: what a page sets under a story
/// ("No comments", "Was this useful?", "Read next", a date, a category) and the rules above
/// have no phrase for. A list, a table, code or a picture there is left alone, and so is a tail
/// longer than a few lines.
pub(super) fn drop_short_tail(scope: &NodeRef) {
    /// A paragraph at least this long (characters) is the article's.
    const PARAGRAPH: usize = 200;
    /// Lines this short after it are not.
    const SHORT: usize = 40;
    const MOST: usize = 3;
    // From the end back to the last paragraph, each block's length read only when reached.
    let mut tail: Vec<(NodeRef, usize)> = Vec::new();
    let mut found = false;
    for n in leaves_from_end(scope) {
        let len = block_len(&n);
        if len >= PARAGRAPH {
            found = true;
            break;
        }
        if len > 0 || has_picture(&n) {
            tail.push((n, len));
            if tail.len() > MOST {
                return;
            }
        }
    }
    if !found {
        return;
    }
    tail.reverse();
    if tail.is_empty() || tail.len() > MOST {
        return;
    }
    let plain = tail.iter().all(|(n, len)| {
        *len < SHORT
            && !has_picture(n)
            && !matches!(
                n.node_name().as_deref(),
                Some("li" | "pre" | "table" | "figure" | "dd" | "dt")
            )
    });
    if plain {
        for (n, _) in tail {
            n.remove_from_parent();
        }
    }
}

/// Late in the article, a line that says it has ended ("Related", "Mehr Themen", "3
/// comments") goes, and with it everything after it: teasers, comments, an author's box.
/// Only the last two fifths of the text are looked at, so a section of the article that
/// happens to be called "Comments" early on is not cut.
pub(super) fn drop_from_end_marker(scope: &NodeRef) {
    /// Share of the text (characters) that must come before the marker.
    const BEFORE: (usize, usize) = (3, 5);
    const SHORT: usize = 60;
    /// A paragraph this long after the marker, mostly unlinked and in the block that holds the
    /// article's paragraphs before it, is the article going on: the marker headed a box inside
    /// it ("Mehr zum Thema" over three links), and the cut waits for a later marker.
    const PROSE: usize = 200;
    let (leaves, lens) = leaf_blocks(scope);
    let total: usize = lens.iter().sum();
    let mut seen = 0;
    for (i, (leaf, len)) in leaves.iter().zip(&lens).enumerate() {
        if seen * BEFORE.1 >= total * BEFORE.0
            && (1..SHORT).contains(len)
            && is_end_marker(&normalized(&leaf.text()))
        {
            // The article's paragraphs so far sit in these blocks; one of them going on
            // after the marker is the article going on.
            let article: Vec<_> = leaves[..i]
                .iter()
                .zip(&lens[..i])
                .filter(|(_, len)| **len >= PROSE)
                .filter_map(|(n, _)| n.parent().map(|p| p.id))
                .collect();
            let goes_on = leaves[i + 1..].iter().zip(&lens[i + 1..]).any(|(n, len)| {
                *len >= PROSE
                    && n.parent().is_some_and(|p| article.contains(&p.id))
                    && chars_of_links(n) * 3 < *len
            });
            if goes_on {
                seen += len;
                continue;
            }
            // Everything after the marker in document order: its following siblings, and
            // those of each block that holds it.
            let mut at = Some(*leaf);
            while let Some(node) = at {
                while let Some(next) = node.next_sibling() {
                    next.remove_from_parent();
                }
                at = node.parent();
            }
            leaf.remove_from_parent();
            return;
        }
        seen += len;
    }
}

/// Characters of the linked text in `node`.
pub(super) fn chars_of_links(node: &NodeRef) -> usize {
    node.find(&["a"]).iter().map(chars_of).sum()
}

/// The blocks that hold no other block, in document order, with the characters of each
/// (whitespace collapsed: each word and one space).
pub(super) fn leaf_blocks<'a>(scope: &NodeRef<'a>) -> (Vec<NodeRef<'a>>, Vec<usize>) {
    let leaves = leaves(scope);
    let lens = leaves.iter().map(block_len).collect();
    (leaves, lens)
}

/// The blocks that hold no other block, in document order.
fn leaves<'a>(scope: &NodeRef<'a>) -> Vec<NodeRef<'a>> {
    leaves_from_end(scope).rev().collect()
}

/// The blocks that hold no other block, from the last: the passes that read only the last few
/// ask no more of the others (whether they hold a block, how long they are).
fn leaves_from_end<'a>(scope: &NodeRef<'a>) -> impl DoubleEndedIterator<Item = NodeRef<'a>> {
    select(
        scope,
        "p, div, h2, h3, h4, h5, h6, li, blockquote, pre, figure, table, dd, dt",
    )
    .nodes()
    .to_vec()
    .into_iter()
    .rev()
    .filter(|n| !has_block_child(n))
}

/// A block's characters, whitespace collapsed: each word's characters and one space.
fn block_len(node: &NodeRef) -> usize {
    let run = text_run(node);
    run.chars + run.words
}

/// A heading with nothing after it heads a section that was taken out ("Weitere Tourentipps",
/// "Heute empfehlen wir"): an article does not end on a heading (unless it is a sentence).
pub(super) fn drop_trailing_headings(scope: &NodeRef) {
    loop {
        let Some(last) = select(scope, "h1, h2, h3, h4, h5, h6")
            .nodes()
            .last()
            .copied()
        else {
            return;
        };
        // A sentence ("He set up a fake profile. It backs his story.") may be the article's
        // last line, set large.
        let text = last.text();
        let sentence = text
            .trim_end()
            .ends_with(['.', '!', '?', '…', '"', '“', '”', '»', '«']);
        if sentence || !nothing_after(&last) {
            return;
        }
        last.remove_from_parent();
    }
}

/// Whether nothing to read or see follows `node` in document order.
pub(super) fn nothing_after(node: &NodeRef) -> bool {
    let mut at = Some(*node);
    while let Some(n) = at {
        let mut next = n.next_sibling();
        while let Some(sib) = next {
            if !sib.text().trim().is_empty() || has_picture(&sib) || is_picture(&sib) {
                return false;
            }
            next = sib.next_sibling();
        }
        at = n.parent();
    }
    true
}

pub(super) fn is_picture(node: &NodeRef) -> bool {
    node.node_name()
        .is_some_and(|n| matches!(n.as_ref(), "img" | "picture" | "video" | "svg"))
}

pub(super) fn has_picture(node: &NodeRef) -> bool {
    node.descendants_it().any(|d| {
        d.node_name()
            .is_some_and(|n| matches!(n.as_ref(), "img" | "picture" | "video" | "svg"))
    })
}

/// A caption printed again word for word (a gallery's caption under each of its pictures, or
/// once under the picture and again as a paragraph classed a caption) is kept where it first
/// stands: a `figcaption` or a caption-classed block of one line, 20–300 characters, holding no
/// picture. Only captions: any short block said twice was tried and took songs' choruses and
/// repeated instructions (BENCHMARKS.md).
pub(super) fn drop_repeated_captions(scope: &NodeRef) {
    let mut seen = std::collections::HashSet::new();
    for node in select(scope, "figcaption, [class*=caption], [class*=Caption]").nodes() {
        if node.parent().is_none() || has_block_child(node) {
            continue;
        }
        let text = node.text();
        if text.len() > 1200 || !node.find(&["br", "img", "picture"]).is_empty() {
            continue;
        }
        let key = normalized(&text);
        let n = key.chars().count();
        if !(20..=300).contains(&n) {
            continue;
        }
        if !seen.insert(key) {
            node.remove_from_parent();
        }
    }
}

/// Paragraphs and divisions left with nothing to read or see.
pub(super) fn drop_empty(scope: &NodeRef) {
    for node in select(scope, "p, div, span, section, li, ul, ol")
        .nodes()
        .iter()
        .rev()
    {
        // The first word or picture found ends the look.
        let something = node.descendants_it().any(|d| {
            if d.is_text() {
                return d.text().chars().any(|c| !c.is_whitespace());
            }
            d.node_name().is_some_and(|n| {
                matches!(
                    n.as_ref(),
                    "img"
                        | "picture"
                        | "video"
                        | "audio"
                        | "iframe"
                        | "table"
                        | "svg"
                        | "math"
                        | "hr"
                        | "object"
                        | "embed"
                        | "canvas"
                )
            })
        });
        if !something {
            node.remove_from_parent();
        }
    }
}

/// A paragraph that is one link to another page and nothing else (a teaser's headline set
/// between or under the article's paragraphs).
pub(super) fn drop_link_lines(scope: &NodeRef) {
    for node in select(scope, "p, div, h3, h4").nodes().iter() {
        if has_block_child(node) {
            continue;
        }
        let text = chars_of(node);
        if text < 20 {
            continue;
        }
        let links: Vec<NodeRef> = node
            .find(&["a"])
            .into_iter()
            .filter(|a| a.attr("href").is_some_and(|h| !h.starts_with('#')))
            .collect();
        if links.len() != 1 {
            continue;
        }
        // An address written out (a web site, a mail address) is the article's reference.
        let shown = links[0].text();
        if links[0]
            .attr("href")
            .is_some_and(|h| h.starts_with("mailto:"))
            || shown.contains("://")
            || shown.contains("www.")
            || shown.contains('@')
        {
            continue;
        }
        if chars_of(&links[0]) * 10 >= text * 9 {
            node.remove_from_parent();
        }
    }
}

/// A list or block that is mostly links to elsewhere: "related" lists, teasers, tag clouds.
pub(super) fn is_link_list(node: &NodeRef) -> bool {
    // A block of 1,000 characters or more is no list of links: counted first, and only up to
    // there (a wrapper around the whole article is not read whole, nor searched for links).
    let text = chars_up_to(node, LINK_LIST_MOST);
    if text == 0 || text >= LINK_LIST_MOST {
        return false;
    }
    // Links within the page (a table of contents) lead nowhere else.
    let links: Vec<NodeRef> = node
        .find(&["a"])
        .into_iter()
        .filter(|a| !a.attr("href").is_some_and(|h| h.starts_with('#')))
        .collect();
    let items = match node.node_name().as_deref() {
        Some("ul" | "ol") => node.element_children().len(),
        _ => links.len(),
    };
    if items < 3 || links.is_empty() {
        return false;
    }
    let linked: usize = links.iter().map(chars_of).sum();
    linked * 10 >= text * 8
}

/// The most characters a list of links holds.
const LINK_LIST_MOST: usize = 1000;

/// The characters of `node`'s text other than spaces, counted up to `limit` (then `limit`).
pub(super) fn chars_up_to(node: &NodeRef, limit: usize) -> usize {
    let mut run = crate::words::Run::default();
    for t in node.descendants_it() {
        with_text(&t, |t| run.add(t));
        if run.chars >= limit {
            return limit;
        }
    }
    run.chars
}

pub(super) fn chars_of(node: &NodeRef) -> usize {
    text_run(node).chars
}

/// The words of a class or id: `post-share__bar` → post, share, bar; `shareBar` → share, bar.
pub(crate) fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(value, &mut String::new(), |w| out.push(w.to_owned()));
    out
}

/// Each word of `value` as [`words`] splits it, handed to `f` in turn from the buffer `cur`
/// (no word is kept).
pub(crate) fn for_each_word(value: &str, cur: &mut String, mut f: impl FnMut(&str)) {
    cur.clear();
    let mut prev_lower = false;
    for c in value.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                f(cur);
                cur.clear();
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            f(cur);
            cur.clear();
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        f(cur);
        cur.clear();
    }
}

/// Words that name furniture only when the block links elsewhere (a "teaser" without a link is
/// a story's own lead).
pub(super) const LINKING: &[&str] = &["teaser", "teasers", "related", "recommended"];

/// Hidden from every reader: the `hidden` attribute, `aria-hidden="true"`, or a style of
/// `display: none` or `visibility: hidden`. (What screen readers alone hear, `sr-only` and the
/// like, is [`is_furniture`]'s by its class.)
pub(super) fn is_hidden(node: &NodeRef) -> bool {
    node.query_or(false, |t| {
        t.as_element().is_some_and(|e| {
            e.attrs.iter().any(|a| match &*a.name.local {
                "hidden" => true,
                "aria-hidden" => a.value.trim().eq_ignore_ascii_case("true"),
                "style" => {
                    let style: String = a
                        .value
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    style.contains("display:none") || style.contains("visibility:hidden")
                }
                _ => false,
            })
        })
    })
}

/// Hidden, and holding no picture: text no reader of the page sees, glued into the article's
/// sentences when it is kept ("…a new window…", a player's labels). A hidden block that holds a
/// picture is a lazy loader's, and the picture is the article's.
pub(super) fn is_hidden_text(node: &NodeRef) -> bool {
    const PICTURES: [&str; 5] = ["img", "picture", "svg", "video", "math"];
    is_hidden(node)
        // A decorative picture is marked hidden itself: it is left to the formatter.
        && !node
            .node_name()
            .is_some_and(|n| PICTURES.contains(&n.as_ref()))
        && PICTURES.iter().all(|p| node.find(&[p]).is_empty())
        && node.text().chars().any(|c| !c.is_whitespace())
}

/// A class name that says what a block holds or how it looks (`has-sharing`, `is-related`,
/// `js-sidebar`), not what it is. Compared as bytes: a name may be any text.
pub(super) fn is_state_name(name: &str) -> bool {
    ["has-", "with-", "is-", "no-", "js-"].iter().any(|p| {
        name.len() >= p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    })
}

pub(super) fn is_furniture(node: &NodeRef) -> bool {
    if matches!(
        node.node_name().as_deref(),
        Some("article" | "main" | "body")
    ) {
        return false;
    }
    if let Some(role) = node.attr("role")
        && ROLES.contains(&role.trim().to_ascii_lowercase().as_str())
    {
        return true;
    }
    if matches!(
        node.node_name().as_deref(),
        Some("nav" | "aside" | "footer" | "form" | "button")
    ) {
        return true;
    }
    let links = || !node.find(&["a"]).is_empty();
    // The words of every name, run together: "screen reader only" and "visually hidden" come
    // in pieces.
    let mut joined = String::new();
    let mut cur = String::new();
    let mut furniture = false;
    for a in ["class", "id"] {
        let Some(v) = node.attr(a) else { continue };
        for name in v.split_whitespace() {
            // A state (`has-sharing`, `is-related`) or a BEM modifier (`Section--Ads`) says
            // what the block holds or how it looks, not what it is.
            if is_state_name(name) {
                continue;
            }
            let base = name.split("--").next().unwrap_or(name);
            for_each_word(base, &mut cur, |w| {
                furniture =
                    furniture || (FURNITURE.contains(&w) && (!LINKING.contains(&w) || links()));
                joined.push_str(w);
            });
            if furniture {
                return true;
            }
        }
    }
    joined.contains("visuallyhidden")
        || joined.contains("screenreader")
        || joined.contains("sronly")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    #[test]
    fn a_nodes_text_is_read_in_place_as_text_reads_it() {
        let doc = Document::fragment(
            "<div> The <b>old</b>bridge\u{a0}\n<i> closes</i> <!-- x --><script>var a = 1;</script> today. </div><p></p>",
        );
        for node in doc.select("div, b, i, p, script").nodes() {
            let text = node.text();
            assert_eq!(collapsed_text(node), crate::words::collapse(&text));
            let run = text_run(node);
            assert_eq!(
                run.chars,
                text.chars().filter(|c| !c.is_whitespace()).count()
            );
            assert_eq!(run.words, text.split_whitespace().count());
        }
        let div = doc.select("div").nodes()[0];
        assert_eq!(
            collapsed_text(&div),
            "The oldbridge closes var a = 1; today."
        );
    }

    #[test]
    fn furniture_is_named_by_its_class_or_id_words() {
        let furniture = |html: &str| {
            let doc = Document::fragment(html);
            let node = doc.select("body > *, html > *").nodes()[0];
            is_furniture(&node)
        };
        for html in [
            "<div class='post-share__bar'>x</div>",
            "<div id='NewsletterSignup'>x</div>",
            "<span class='sr-only'>x</span>",
            "<span class='visually-hidden'>x</span>",
            "<span class='a screenReader b'>x</span>",
            "<div class='teaser'><a href='/x'>x</a></div>",
            "<div class='Has-Sharing share'>x</div>",
            "<div role='Navigation'>x</div>",
            "<nav>x</nav>",
        ] {
            assert!(furniture(html), "{html}");
        }
        for html in [
            "<div class='has-sharing is-related'>x</div>",
            "<div class='Section--Ads'>x</div>",
            "<div class='teaser'>a lead</div>",
            "<div class='story-body'>x</div>",
            "<article class='share'>x</article>",
            "<div>x</div>",
        ] {
            assert!(!furniture(html), "{html}");
        }
    }

    #[test]
    fn characters_are_counted_up_to_the_limit_and_long_blocks_are_no_link_lists() {
        let doc = Document::fragment("<div><p>ab c</p><p> d e </p></div>");
        let div = doc.select("div").nodes()[0];
        assert_eq!(chars_up_to(&div, 100), 5);
        assert_eq!(chars_up_to(&div, 3), 3);
        let links: String = (1..=4)
            .map(|i| format!("<li><a href=\"/story-{i}\">Another story number {i}</a></li>"))
            .collect();
        let list = Document::fragment(format!("<ul>{links}</ul>"));
        assert!(is_link_list(&list.select("ul").nodes()[0]));
        // The same links inside a block of prose of 1,000 characters or more: no list.
        let long = Document::fragment(format!(
            "<div><ul>{links}</ul><p>{}</p></div>",
            "Words of the article itself. ".repeat(45)
        ));
        assert!(!is_link_list(&long.select("div").nodes()[0]));
    }
}
