//! After Readability: take out of an article's body what is not the article.
//!
//! Readability finds the block that holds the article, but keeps what sits inside that block
//! with it: share bars, newsletter prompts, "related" lists and teasers for other stories,
//! gallery counters, copyright lines, empty paragraphs, and the title or byline repeated above
//! the text. Each rule here is general (markup roles, link density, short boilerplate phrases in
//! many languages), never a site's own markup, and none removes a block that holds a large share
//! of the article's text.

use dom_query::{Document, NodeRef};

/// What the page said about itself, to recognise it repeated at the top of the body.
#[derive(Debug, Default)]
pub(crate) struct Known<'a> {
    pub title: Option<&'a str>,
    pub byline: Option<&'a str>,
}

/// Class or id words that mark page furniture rather than the article.
const FURNITURE: &[&str] = &[
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
];

/// Landmark roles that are not the article.
const ROLES: &[&str] = &[
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

/// Clean `body_html` (Readability's article) and return it, with the shapes of the body
/// before and after (for the judgement whether the page is an article at all).
pub(crate) fn clean(body_html: &str, known: &Known) -> (String, [super::verdict::Shape; 2]) {
    let doc = Document::fragment(body_html);
    let total = chars_of(&doc.root());
    if total == 0 {
        return (body_html.to_owned(), Default::default());
    }
    let before = super::verdict::Shape::of(&doc.root());
    // A block holding this much of the article is never taken out, whatever it is called.
    let limit = total / 2;
    for node in doc.select("*").nodes().iter() {
        if is_furniture(node) && chars_of(node) <= limit {
            node.remove_from_parent();
        }
    }
    for node in doc.select("ul, ol, div, section, p, table").nodes().iter() {
        if is_link_list(node) && chars_of(node) <= limit {
            node.remove_from_parent();
        }
    }
    // Blocks of one short line: boilerplate phrases (and the list a "Related" heading
    // introduces), gallery counters, copyright lines.
    for node in doc
        .select("p, div, h2, h3, h4, h5, h6, li, span, strong, b, figcaption, small")
        .nodes()
        .iter()
    {
        if node.parent().is_none() || has_block_child(node) {
            continue;
        }
        let text = normalized(&node.text());
        if text.is_empty() {
            continue;
        }
        if is_boilerplate_line(&text) {
            if is_heading_like(node)
                && let Some(next) = node.next_element_sibling()
                && is_link_list(&next)
            {
                next.remove_from_parent();
            }
            node.remove_from_parent();
        } else if is_counter(&text, is_inline(node)) || is_copyright(&text) {
            node.remove_from_parent();
        }
    }
    drop_repeated_header(&doc, known);
    drop_empty(&doc);
    let after = super::verdict::Shape::of(&doc.root());
    (doc.html().to_string(), [before, after])
}

/// Elements that start a new block when inside another.
const BLOCKS: &[&str] = &[
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

fn has_block_child(node: &NodeRef) -> bool {
    node.descendants_it()
        .any(|d| d.is_element() && d.node_name().is_some_and(|n| BLOCKS.contains(&n.as_ref())))
}

fn is_heading_like(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("h2" | "h3" | "h4" | "h5" | "h6" | "strong" | "b" | "p" | "div" | "span")
    )
}

/// Lower case, whitespace collapsed, and the arrows, colons and dots that decorate a label
/// taken off its ends.
fn normalized(text: &str) -> String {
    let t = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    t.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '.'
                    | '…'
                    | '»'
                    | '«'
                    | '›'
                    | '‹'
                    | '→'
                    | '>'
                    | '|'
                    | '-'
                    | '–'
                    | '—'
                    | '!'
                    | '+'
                    | '#'
                    | '▶'
                    | '►'
            )
    })
    .to_owned()
}

/// Whole lines that are page furniture, in the languages of the pages people read.
const PHRASES: &[&str] = &[
    // English
    "read more",
    "read more about",
    "read the full story",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "related news",
    "see also",
    "more on this story",
    "more on this topic",
    "more from",
    "more stories",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "also read",
    "most popular",
    "most read",
    "latest news",
    "latest articles",
    "latest stories",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "print this article",
    "follow us",
    "subscribe",
    "subscribe now",
    "subscribe to our newsletter",
    "sign up",
    "sign up for our newsletter",
    "newsletter",
    "advertisement",
    "sponsored",
    "comments",
    "leave a comment",
    "leave a reply",
    "post a comment",
    "back to top",
    "permalink",
    "click here",
    "continue reading",
    "caption",
    "close",
    "hide caption",
    "toggle caption",
    "enlarge this image",
    "view gallery",
    "open gallery",
    "skip advertisement",
    "story continues below advertisement",
    // German
    "weiterlesen",
    "mehr lesen",
    "mehr zum thema",
    "mehr zum thema:",
    "lesen sie auch",
    "lesen sie mehr",
    "auch interessant",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "das könnte sie interessieren",
    "ähnliche artikel",
    "verwandte artikel",
    "weitere artikel",
    "weitere meldungen",
    "teilen",
    "artikel teilen",
    "drucken",
    "artikel drucken",
    "anzeige",
    "werbung",
    "kommentare",
    "kommentar schreiben",
    "newsletter abonnieren",
    "jetzt abonnieren",
    "zum newsletter",
    "nach oben",
    "schließen",
    "bildunterschrift",
    // French
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "lire la suite",
    "voir aussi",
    "sur le même sujet",
    "articles similaires",
    "partager",
    "partager cet article",
    "imprimer",
    "publicité",
    "commentaires",
    "s'abonner",
    "abonnez-vous",
    "fermer",
    // Spanish, Portuguese, Italian
    "leer más",
    "lea también",
    "te puede interesar",
    "también te puede interesar",
    "noticias relacionadas",
    "relacionados",
    "compartir",
    "imprimir",
    "publicidad",
    "comentarios",
    "suscríbete",
    "leia também",
    "leia mais",
    "veja também",
    "compartilhe",
    "publicidade",
    "leggi anche",
    "leggi di più",
    "potrebbe interessarti",
    "condividi",
    "pubblicità",
    "commenti",
    // Dutch, Polish, Czech, Russian, Swedish
    "lees ook",
    "lees meer",
    "delen",
    "advertentie",
    "czytaj też",
    "czytaj także",
    "zobacz też",
    "zobacz także",
    "czytaj więcej",
    "udostępnij",
    "drukuj",
    "reklama",
    "komentarze",
    "čtěte také",
    "sdílet",
    "читайте также",
    "читать далее",
    "поделиться",
    "реклама",
    "läs också",
    "läs mer",
    "dela",
    "annons",
];

/// Lines that begin this way are furniture whatever follows (a teaser's link, a count).
const PREFIXES: &[&str] = &[
    "read more:",
    "read more about",
    "related:",
    "see also:",
    "also read:",
    "recommended:",
    "advertisement",
    "share on ",
    "share this",
    "follow us on",
    "subscribe to ",
    "sign up for",
    "sign up to",
    "click here to",
    "lesen sie auch:",
    "mehr zum thema:",
    "auch interessant:",
    "weiterlesen:",
    "lire aussi :",
    "lire aussi:",
    "à lire aussi",
    "voir aussi :",
    "lee también:",
    "lea también:",
    "leia também:",
    "leggi anche:",
    "czytaj też:",
    "czytaj także:",
    "zobacz też:",
    "читайте также:",
];

fn is_boilerplate_line(text: &str) -> bool {
    text.chars().count() <= 60
        && (PHRASES.contains(&text) || PREFIXES.iter().any(|p| text.starts_with(p)))
}

fn is_inline(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("span" | "strong" | "b" | "small")
    )
}

/// A gallery counter: `6` on a line of its own, `3 / 8`, `image 2 of 12`, `bild 3 von 9`,
/// `image / 8`. Inside a line (`inline`), a bare number is a quantity, not a counter.
fn is_counter(text: &str, inline: bool) -> bool {
    let bare = text.chars().all(|c| c.is_ascii_digit());
    if bare && inline {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 3;
    let label = |w: &str| {
        matches!(
            w,
            "image"
                | "images"
                | "photo"
                | "photos"
                | "picture"
                | "slide"
                | "bild"
                | "foto"
                | "fotos"
                | "of"
                | "von"
                | "de"
                | "sur"
                | "z"
                | "di"
                | "van"
                | "из"
        )
    };
    !words.is_empty()
        && words.len() <= 5
        && words.iter().any(|w| number(w))
        && words.iter().all(|w| number(w) || label(w))
}

/// A copyright or rights line at the end of a page.
fn is_copyright(text: &str) -> bool {
    text.chars().count() <= 300
        && (text.starts_with('©')
            || text.starts_with("(c) ")
            || text.starts_with("copyright")
            || text.contains("all rights reserved")
            || text.contains("alle rechte vorbehalten")
            || text.contains("tous droits réservés")
            || text.contains("todos los derechos reservados")
            || text.contains("is the copyrighted property of")
            || text.contains("must be obtained before reprint"))
}

/// The title, the byline or a date line repeated at the top of the body, above the text: our
/// own header already says them.
fn drop_repeated_header(doc: &Document, known: &Known) {
    let title = known.title.map(normalized).filter(|t| !t.is_empty());
    let byline = known.byline.map(normalized).filter(|b| !b.is_empty());
    let leaves: Vec<NodeRef> = doc
        .select("h1, h2, h3, p, div, span, time, address")
        .nodes()
        .iter()
        .filter(|n| !has_block_child(n) && chars_of(n) > 0)
        .take(4)
        .cloned()
        .collect();
    for node in leaves {
        let text = normalized(&node.text());
        let is_title = title.as_deref() == Some(text.as_str());
        let is_byline = byline.as_deref().is_some_and(|b| {
            text == b || text.strip_prefix("by ").or(text.strip_prefix("von ")) == Some(b)
        });
        let is_date = text.chars().count() <= 40 && crate::dates::parse_published(&text).is_some();
        if is_title || is_byline || is_date {
            node.remove_from_parent();
        } else {
            // The first line that is the article's own ends the header.
            break;
        }
    }
}

/// Paragraphs and divisions left with nothing to read or see.
fn drop_empty(doc: &Document) {
    for node in doc
        .select("p, div, span, section, li, ul, ol")
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

/// A list or block that is mostly links to elsewhere: "related" lists, teasers, tag clouds.
fn is_link_list(node: &NodeRef) -> bool {
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
    let text = chars_of(node);
    let linked: usize = links.iter().map(chars_of).sum();
    text > 0 && text < 1000 && linked * 10 >= text * 8
}

fn chars_of(node: &NodeRef) -> usize {
    node.text().chars().filter(|c| !c.is_whitespace()).count()
}

/// The words of a class or id: `post-share__bar` → post, share, bar; `shareBar` → share, bar.
fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in value.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that name furniture only when the block links elsewhere (a "teaser" without a link is
/// a story's own lead).
const LINKING: &[&str] = &["teaser", "teasers", "related", "recommended"];

fn is_furniture(node: &NodeRef) -> bool {
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
    let mut w = Vec::new();
    for a in ["class", "id"] {
        let Some(v) = node.attr(a) else { continue };
        for name in v.split_whitespace() {
            // A state (`has-sharing`, `is-related`) or a BEM modifier (`Section--Ads`) says
            // what the block holds or how it looks, not what it is.
            let lower = name.to_ascii_lowercase();
            if ["has-", "with-", "is-", "no-", "js-"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                continue;
            }
            let base = name.split("--").next().unwrap_or(name);
            w.extend(words(base));
        }
    }
    // "screen reader only" and "visually hidden" come in pieces.
    let joined = w.join("");
    let links = || !node.find(&["a"]).is_empty();
    w.iter()
        .any(|w| FURNITURE.contains(&w.as_str()) && (!LINKING.contains(&w.as_str()) || links()))
        || joined.contains("visuallyhidden")
        || joined.contains("screenreader")
        || joined.contains("sronly")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> String {
        clean(html, &Known::default()).0
    }

    #[test]
    fn class_words_are_split_on_case_and_punctuation() {
        assert_eq!(words("post-share__bar"), ["post", "share", "bar"]);
        assert_eq!(words("shareBar sr-only"), ["share", "bar", "sr", "only"]);
        assert_eq!(words("header"), ["header"]);
    }

    #[test]
    fn a_share_bar_inside_the_article_goes_and_the_text_stays() {
        let text =
            "<p>The council voted on Tuesday to close the old bridge for repairs.</p>".repeat(5);
        let out = cleaned(&format!(
            "<div class=\"article\">{text}<div class=\"share-bar\"><a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a></div></div>"
        ));
        assert!(!out.contains("Facebook"), "{out}");
        assert!(out.contains("old bridge"));
    }

    /// Five paragraphs of article, so that no furniture is a large share of it.
    fn story() -> String {
        "<p>The council voted on Tuesday to close the old bridge for repairs, which will take a year.</p>"
            .repeat(5)
    }

    #[test]
    fn a_container_named_like_furniture_that_holds_the_article_stays() {
        let out = cleaned(&format!(
            "<div class=\"post-with-comments has-sharing\">{}</div><p>Short tail.</p>",
            story()
        ));
        assert!(out.contains("old bridge"), "{out}");
    }

    #[test]
    fn gallery_chrome_and_counters_go() {
        let out = cleaned(&format!(
            "{}<figure><img src=\"a.jpg\" alt=\"The bridge\"/><figcaption>The old bridge at dawn</figcaption></figure>\
             <div>6</div><p>Image / 8</p><p>Bild 3 von 9</p><span>Caption</span><div>Close</div>\
             <p>Add <span>6</span> eggs.</p>",
            story()
        ));
        for gone in [
            "<div>6</div>",
            "Image / 8",
            "Bild 3 von 9",
            "Caption<",
            "Close",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("The old bridge at dawn"));
        assert!(
            out.contains("<span>6</span> eggs"),
            "a quantity is not a counter: {out}"
        );
    }

    #[test]
    fn teaser_blocks_and_related_lists_go() {
        let out = cleaned(&format!(
            "{}<h3>Related</h3><ul><li><a href=\"/a\">Bridge closures across the county</a></li>\
             <li><a href=\"/b\">What the budget means for roads</a></li><li><a href=\"/c\">Ferry times</a></li></ul>\
             <div class=\"teaser\"><a href=\"/d\"><span>Politics</span><h4>Mayor resigns</h4><p>The mayor quit today.</p></a></div>\
             <div class=\"teaser-text\"><p>A lead paragraph that is the story's own.</p></div>",
            story()
        ));
        for gone in ["Related", "Bridge closures", "Ferry times", "Mayor resigns"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(
            out.contains("the story's own"),
            "a teaser without a link is a lead: {out}"
        );
    }

    #[test]
    fn share_bars_and_newsletter_prompts_go() {
        let out = cleaned(&format!(
            "<p>Share this article</p>{}<div class=\"social-share\"><a href=\"https://facebook.com/x\">Facebook</a>\
             <a href=\"https://twitter.com/x\">X</a></div><div class=\"newsletter-signup\"><p>Get the morning briefing.</p>\
             <form><input type=\"email\"/><button>Sign up</button></form></div><p>Subscribe to our newsletter</p>\
             <p>Lesen Sie auch: Die Brücke im Winter</p>",
            story()
        ));
        for gone in [
            "Share this",
            "Facebook",
            "morning briefing",
            "Subscribe",
            "Lesen Sie auch",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("old bridge"));
    }

    #[test]
    fn empty_paragraphs_go_and_pictures_stay() {
        let out = cleaned(&format!(
            "<p> </p><p><br/></p>{}<div><span></span></div><p><img src=\"b.jpg\" alt=\"\"/></p>",
            story()
        ));
        assert!(
            !out.contains("<p> </p>") && !out.contains("<span></span>"),
            "{out}"
        );
        assert!(!out.contains("<p><br></p>"), "{out}");
        assert!(
            out.contains("b.jpg"),
            "a paragraph holding a picture stays: {out}"
        );
    }

    #[test]
    fn the_title_byline_and_date_repeated_above_the_text_go() {
        let known = Known {
            title: Some("Old Bridge to Close"),
            byline: Some("Jane Doe"),
        };
        let out = clean(
            &format!(
                "<h1>Old Bridge to Close</h1><p>By Jane Doe</p><p>28 November 2026</p>{}<p>Jane Doe contributed reporting.</p>",
                story()
            ),
            &known,
        )
        .0;
        assert!(!out.contains("<h1>"), "{out}");
        assert!(!out.contains("By Jane Doe"), "{out}");
        assert!(!out.contains("28 November 2026"), "{out}");
        assert!(
            out.contains("Jane Doe contributed"),
            "the byline further down stays: {out}"
        );
    }

    #[test]
    fn copyright_lines_go() {
        let out = cleaned(&format!(
            "{}<p>© 2026 Example News. All rights reserved.</p><p>This article is the copyrighted property of Example News.</p>",
            story()
        ));
        assert!(
            !out.contains("rights reserved") && !out.contains("copyrighted"),
            "{out}"
        );
    }
}
