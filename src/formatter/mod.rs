//! Stage 2: make each article safe, valid and well set.
//!
//! [`format`] runs an article's body through these passes, in order:
//! 1. `sanitize` — allowlisted elements and attributes, safe links, image sources resolved;
//! 2. `repair` — XHTML content models (no blocks in inline elements, list items in lists…);
//! 3. footnotes — Markdown footnotes become EPUB note references with backlinks;
//! 4. ids — prefixed per article, so they are unique in the book; dead fragment links unlinked;
//! 5. `images` — each image loaded, checked, converted if needed, stored once by content;
//! 6. `typography` — quotes by language, dashes, ellipses;
//!
//! then adds the article header (title, byline, source, date, reading time, original link) and
//! serializes well-formed XHTML. What it removed or dropped comes back as warnings.

mod access;
pub mod audit;
pub mod batch;
mod bidi;
mod export;
mod hyphenate;
mod images;
mod locale;
mod mathml;
mod repair;
mod sanitize;
mod summary;
mod tables;
mod tidy;
pub mod tree;
mod typography;

pub use images::{FetchedImages, ImageCache, ImageSource, ImageStats, LocalImages};
pub use sanitize::Removed;
pub use typography::typeset;

use crate::model::{Article, FormattedArticle};
use tree::{Element, Node, esc, esc_attr};

/// The text of a formatted article's body (its `article-body` division, without our header),
/// each block on a line of its own, without soft hyphens, formulas' TeX annotations or ruby
/// readings: what
/// `scripts/extraction-eval` scores.
pub fn body_text(xhtml: &str) -> String {
    let doc = format!("<r>{xhtml}</r>");
    let Ok(tree) = roxmltree::Document::parse(&doc) else {
        return String::new();
    };
    let Some(body) = tree
        .descendants()
        .find(|n| n.attribute("class") == Some("article-body"))
    else {
        return String::new();
    };
    let mut out = String::new();
    text_of(body, &mut out);
    out
}

fn text_of(node: roxmltree::Node, out: &mut String) {
    for child in node.children() {
        if child.is_text() {
            // Soft hyphens are break points, not text.
            out.extend(
                child
                    .text()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| *c != '\u{ad}'),
            );
            continue;
        }
        // A formula's TeX annotation repeats the formula; a ruby's reading (`rt`, and the
        // brackets `rp` shows without ruby) is set above its base, not in the running text.
        if matches!(child.tag_name().name(), "annotation" | "rt" | "rp") {
            continue;
        }
        // The note left for a picture that could not be had is ours, not the article's.
        if child.attribute("class") == Some("missing-picture") {
            continue;
        }
        let name = child.tag_name().name();
        let block = matches!(
            name,
            "p" | "div"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "li"
                | "ul"
                | "ol"
                | "dl"
                | "dt"
                | "dd"
                | "blockquote"
                | "pre"
                | "figure"
                | "figcaption"
                | "table"
                | "tr"
                | "section"
                | "aside"
                | "hr"
        );
        if name == "br" {
            out.push('\n');
            continue;
        }
        if block {
            out.push('\n');
        }
        if matches!(name, "td" | "th") {
            out.push(' ');
        }
        text_of(child, out);
        if block {
            out.push('\n');
        }
    }
}

/// Words per minute for reading-time estimates (CJK: characters per minute / 2).
const WORDS_PER_MINUTE: usize = 230;

pub struct FormatOptions<'a> {
    /// Language assumed for articles that do not say (BCP 47).
    pub default_lang: &'a str,
    pub images: &'a dyn ImageSource,
    pub image_cache: &'a ImageCache,
    /// How pictures are made for the profile's screen.
    pub image_settings: crate::imaging::Settings,
}

/// Format one article. Returns it with the warnings it raised (each about this article).
pub fn format(article: Article, opts: &FormatOptions) -> (FormattedArticle, Vec<String>) {
    finish(draft(article, opts), opts)
}

/// An article cleaned and repaired, its pictures not yet loaded: between the two halves of
/// [`format`], a build can load and prepare every picture of a batch of articles at once,
/// biggest first ([`ImageCache::warm`]), instead of each article waiting for its own.
pub struct Draft {
    /// The article, without its `body_html` (now in `nodes`).
    article: Article,
    nodes: Vec<tree::Node>,
    warnings: Vec<String>,
    /// How long the source HTML was (for sizing the output).
    source_len: usize,
}

impl Draft {
    /// The picture addresses the article shows, as `finish` will ask the image cache for them.
    pub fn image_sources(&self) -> Vec<String> {
        images::sources(&self.nodes)
    }

    /// The address pictures are fetched from (the Referer).
    pub fn referer(&self) -> Option<&str> {
        self.article.url.as_deref()
    }

    /// This draft, carrying `a` (the same article, as read back from the ledger) into `finish`.
    pub fn for_article(mut self, mut a: Article) -> Draft {
        a.body_html = String::new();
        self.article = a;
        self
    }
}

/// What a draft of `a` depends on, as one number: a draft made earlier (while the article was
/// still being collected) can stand in for a new one when the numbers match.
pub fn draft_key(a: &Article, opts: &FormatOptions) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    a.id.hash(&mut h);
    a.title.hash(&mut h);
    a.byline.hash(&mut h);
    a.published
        .map(|p| {
            (
                p.at.timestamp(),
                p.at.offset().local_minus_utc(),
                p.has_time,
            )
        })
        .hash(&mut h);
    a.lead_image.hash(&mut h);
    a.body_html.hash(&mut h);
    a.base.url.hash(&mut h);
    a.base.dir.hash(&mut h);
    a.base.root.hash(&mut h);
    opts.image_settings.max_width.hash(&mut h);
    h.finish()
}

pub use export::Body;

/// The article's body as [`format`] would put it in the book, without loading its pictures
/// (they stay at their addresses) and without the header: for `inkquire extract`. The warnings
/// say what the sanitizer removed.
pub fn preview(article: Article, opts: &FormatOptions) -> (Article, Body, Vec<String>) {
    let Draft {
        article,
        mut nodes,
        warnings,
        ..
    } = draft(article, opts);
    let lang = article
        .lang
        .clone()
        .unwrap_or_else(|| opts.default_lang.to_owned());
    typography::typeset_nodes(&mut nodes, typography::Quotes::for_lang(&lang));
    access::finish(&mut nodes, &format!("a{}-", article.id));
    (article, Body { nodes }, warnings)
}

/// The first half of [`format`]: sanitize, repair, footnotes, ids.
pub fn draft(mut article: Article, opts: &FormatOptions) -> Draft {
    let mut warnings = Vec::new();
    article.title = tree::nfc_str(&article.title);
    let mut cleaner = sanitize::Sanitizer::new(&article.base, opts.image_settings.max_width);
    let mut nodes = cleaner.clean(&article.body_html);
    tree::nfc(&mut nodes);
    // The tree holds the text from here on: the source need not stay in memory until `finish`.
    let source_len = std::mem::take(&mut article.body_html).len();
    lead_image(&mut nodes, &article, &mut cleaner);
    warnings.extend(cleaner.removed.describe());
    let mut nodes = repair::repair(nodes);
    tidy::tidy(&mut nodes);
    tables::fit(&mut nodes);
    access::alt_texts(&mut nodes);
    drop_repeated_header(&mut nodes, &article);
    footnotes(&mut nodes);
    let prefix = format!("a{}-", article.id);
    repair::fix_ids(&mut nodes, &prefix);
    Draft {
        article,
        nodes,
        warnings,
        source_len,
    }
}

/// The second half of [`format`]: pictures, typography, the header.
pub fn finish(draft: Draft, opts: &FormatOptions) -> (FormattedArticle, Vec<String>) {
    let Draft {
        article,
        mut nodes,
        mut warnings,
        source_len,
    } = draft;
    let lang = article
        .lang
        .clone()
        .unwrap_or_else(|| opts.default_lang.to_owned());
    let (assets, image_refs, image_warnings) = images::embed(
        &mut nodes,
        opts.images,
        opts.image_cache,
        &opts.image_settings,
        article.url.as_deref(),
    );
    warnings.extend(image_warnings);
    typography::typeset_nodes(&mut nodes, typography::Quotes::for_lang(&lang));
    let found = access::finish(&mut nodes, &format!("a{}-", article.id));

    let mut text = String::new();
    tree::text_of(&nodes, &mut text);
    let rtl = bidi::article_is_rtl(&lang, &text);
    // A left-to-right article without a right-to-left letter has no block to mark.
    if rtl || text.chars().any(crate::lang::is_rtl_char) {
        bidi::mark_blocks(&mut nodes, rtl);
    }
    let patterns = hyphenate::patterns(&lang);
    hyphenate::headings_and_cells(&mut nodes, patterns, false);
    let words = count_words(&text);
    let reading_minutes = (words.div_ceil(WORDS_PER_MINUTE)).max(1) as u32;
    let title = typeset(&collapse(&article.title), &lang);
    let lead = summary::Lead::of(&nodes);
    let summary = article
        .summary
        .as_deref()
        .map(collapse)
        .filter(|s| s.chars().count() >= 20 && !is_header_line(s, &article) && !lead.passes_over(s))
        .unwrap_or(lead.text);
    let summary = typeset(&truncate_words(&summary, 180), &lang);

    // A byline that is a date, an address or the site's name names no one.
    let byline = article
        .byline
        .as_deref()
        .map(collapse)
        .filter(|b| locale::names_a_person(b, &article.source, article.url.as_deref()));
    let mut xhtml = String::with_capacity(source_len + 1024);
    // The headline, hyphenated like the headings below it (the contents and the reader's
    // table of contents show it whole).
    let headline = match patterns {
        Some(p) => hyphenate::text(&title, p),
        None => title.clone(),
    };
    header(
        &article,
        byline.as_deref(),
        &headline,
        &lang,
        reading_minutes,
        &mut xhtml,
    );
    xhtml.push_str("<div class=\"article-body\">\n");
    tree::write_nodes(&nodes, &mut xhtml);
    xhtml.push_str("\n</div>\n");

    let formatted = FormattedArticle {
        id: article.id,
        title,
        byline,
        published: article.published,
        topics: article.topics,
        source: collapse(&article.source),
        url: article.url,
        lang,
        rtl,
        summary,
        words,
        reading_minutes,
        xhtml,
        assets,
        image_refs,
        undescribed_pictures: found.undescribed,
        headerless_tables: found.headerless_tables,
    };
    (formatted, warnings)
}

/// The article's header, in the article's language: title, byline, source, date, reading time
/// and address.
fn header(
    a: &Article,
    byline: Option<&str>,
    title: &str,
    lang: &str,
    minutes: u32,
    out: &mut String,
) {
    let loc = locale::Locale::for_lang(lang);
    out.push_str("<header class=\"article-header\">\n");
    out.push_str(&format!(
        "<h1 class=\"article-title\">{}</h1>\n",
        esc(title)
    ));
    // Names, the site, the date and the reading time are each isolated (`<bdi>`): a Latin name
    // in an Arabic header, or an Arabic site's name beside an English date, keeps its own
    // direction and does not pull its neighbours' words around it.
    if let Some(by) = byline {
        let (lead, name) = loc.byline_parts(by);
        out.push_str(&format!(
            "<p class=\"byline\">{}<bdi>{}</bdi></p>\n",
            esc(&typeset(lead, lang)),
            esc(&typeset(name, lang))
        ));
    }
    // A file of your own names no site: no source line for it.
    let mut meta: Vec<String> = Some(collapse(&a.source))
        .filter(|s| !s.is_empty())
        .map(|s| format!("<bdi class=\"source\">{}</bdi>", esc(&s)))
        .into_iter()
        .collect();
    if let Some(p) = a.published {
        meta.push(format!(
            "<bdi><time datetime=\"{}\">{}</time></bdi>",
            if p.has_time {
                p.at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
            } else {
                p.at.date_naive().to_string()
            },
            esc(&loc.date(p.at.date_naive()))
        ));
    }
    meta.push(format!("<bdi>{}</bdi>", esc(&loc.reading_time(minutes))));
    out.push_str(&format!(
        "<p class=\"article-meta\">{}</p>\n",
        meta.join(" · ")
    ));
    // The story lines' words are English: say so on a page in another language.
    let en = if lang.split('-').next() == Some("en") {
        ""
    } else {
        " lang=\"en\" xml:lang=\"en\" dir=\"ltr\""
    };
    // A new version of an article an earlier issue delivered.
    if let Some(what) = &a.story.updated {
        out.push_str(&format!(
            "<p class=\"updated\"{en}><strong>Updated</strong>: {}</p>\n",
            esc(what)
        ));
    }
    // The same story ran elsewhere too: the issue left those copies out for this one.
    if !a.story.also_in.is_empty() {
        let names: Vec<String> = a
            .story
            .also_in
            .iter()
            .map(|n| format!("<bdi>{}</bdi>", esc(&collapse(n))))
            .collect();
        out.push_str(&format!(
            "<p class=\"also-in\"{en}>Also in: {}</p>\n",
            names.join(", ")
        ));
    }
    if let Some(url) = &a.url {
        out.push_str(&format!(
            "<p class=\"original\"><a href=\"{}\" dir=\"ltr\">{}</a></p>\n",
            esc_attr(url),
            esc(&short_url(url))
        ));
    }
    out.push_str("</header>\n");
}

/// "27 November 2026".
pub fn human_date(d: chrono::NaiveDate) -> String {
    locale::Locale::for_lang("en").date(d)
}

/// `https://www.example.org/a/very/long/path` → `example.org/a/very/long/…`.
fn short_url(url: &str) -> String {
    let s = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(58).collect();
        format!("{cut}…")
    } else {
        s.to_owned()
    }
}

/// Markdown footnotes (pulldown-cmark's `footnote-reference`/`footnote-definition` markup) as EPUB
/// note references and notes, each note with a link back to where it was cited. Ids are still
/// unprefixed here.
fn footnotes(nodes: &mut [Node]) {
    for n in nodes.iter_mut() {
        let Node::El(e) = n else { continue };
        let class = e.attr("class").unwrap_or("").to_owned();
        if e.name == "sup" && class.contains("footnote-reference") {
            for c in e.children.iter_mut() {
                if let Node::El(a) = c
                    && a.name == "a"
                    && let Some(target) = a.attr("href").and_then(|h| h.strip_prefix('#'))
                {
                    let back = format!("fnref-{target}");
                    a.set_attr("id", back);
                    a.set_attr("epub:type", "noteref");
                    a.set_attr("role", "doc-noteref");
                }
            }
            continue;
        }
        if e.name == "div" && class.contains("footnote-definition") {
            e.name = "aside";
            e.set_attr("epub:type", "footnote");
            e.set_attr("role", "doc-footnote");
            if let Some(id) = e.attr("id").map(str::to_owned) {
                let mut back = Element::new("a");
                back.set_attr("href", format!("#fnref-{id}"));
                back.set_attr("class", "footnote-back");
                back.set_attr("role", "doc-backlink");
                back.children.push(Node::Text("↩".into()));
                // Into the note's last paragraph, or at its end.
                let last_p = e.children.iter_mut().rev().find_map(|c| match c {
                    Node::El(p) if p.name == "p" => Some(p),
                    _ => None,
                });
                match last_p {
                    Some(p) => {
                        p.children.push(Node::Text(" ".into()));
                        p.children.push(Node::El(back));
                    }
                    None => e.children.push(Node::El(back)),
                }
            }
            continue;
        }
        footnotes(&mut e.children);
    }
}

/// The page's lead picture (`og:image`) at the top, when the article shows none of its own.
fn lead_image(nodes: &mut Vec<Node>, a: &Article, cleaner: &mut sanitize::Sanitizer) {
    let Some(lead) = a.lead_image.as_deref() else {
        return;
    };
    if tree::has_picture(nodes) {
        return;
    }
    let figure = cleaner.clean(&format!(
        "<figure class=\"lead\"><img src=\"{}\" alt=\"\"></figure>",
        tree::esc_attr(lead)
    ));
    if figure
        .iter()
        .any(|n| matches!(n, Node::El(e) if tree::has_picture(&e.children)))
    {
        nodes.splice(0..0, figure);
    }
}

/// Is `text` only the article's title, byline or date, as pages repeat them above the story?
fn is_header_line(text: &str, a: &Article) -> bool {
    let t = collapse(text).to_lowercase();
    let t = t.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        // Nothing to compare: punctuation or spaces are no header (between pictures they are
        // the gap of a gallery).
        return false;
    }
    let title = collapse(&a.title).to_lowercase();
    let by = a.byline.as_deref().map(|b| collapse(b).to_lowercase());
    t == title.trim_matches(|c: char| !c.is_alphanumeric())
        || by
            .as_deref()
            .is_some_and(|b| t == b || t == format!("by {b}"))
        || a.published.is_some_and(|p| {
            let d = p.at.date_naive();
            t == human_date(d).to_lowercase() || t == d.to_string()
        })
}

/// The article header shows title, byline and date; pages often repeat them at the top of the
/// body. Remove those repeats from the first few elements (looking inside wrapper `div`s).
fn drop_repeated_header(nodes: &mut Vec<Node>, a: &Article) {
    let mut seen_elements = 0;
    let mut i = 0;
    while i < nodes.len() && seen_elements < 6 {
        match &mut nodes[i] {
            Node::Text(t) if t.trim().is_empty() => {
                i += 1;
                continue;
            }
            Node::Text(_) => return,
            Node::El(e)
                if e.name == "div" && e.children.iter().any(|c| matches!(c, Node::El(_))) =>
            {
                drop_repeated_header(&mut e.children, a);
                return;
            }
            Node::El(e) => {
                let is_meta = matches!(e.name, "p" | "h2" | "h3" | "time" | "span" | "div");
                let mut text = String::new();
                tree::text_of(&e.children, &mut text);
                // A block that shows a picture is content, whatever its text says.
                let pictured = tree::has_picture(&e.children);
                if is_meta
                    && !pictured
                    && !text.is_empty()
                    && text.len() < 300
                    && is_header_line(&text, a)
                {
                    nodes.remove(i);
                    continue;
                }
                seen_elements += 1;
            }
        }
        i += 1;
    }
}

pub use crate::words::{collapse, count_words, is_cjk};

/// At most `max` characters, cut at a word boundary, with an ellipsis when cut.
fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let at = cut
        .rfind(char::is_whitespace)
        .filter(|&i| i > max / 2)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', ' ', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Base;

    #[test]
    fn the_scored_text_leaves_out_ruby_readings_soft_hyphens_and_tex() {
        let text = body_text(
            "<div class=\"article-body\"><p><ruby>\u{5b50}<rp>(</rp><rt>\u{3053}</rt><rp>)</rp></ruby>\u{3069}\u{3082} Ge\u{ad}setz \
             <math><semantics><mi>x</mi><annotation encoding=\"application/x-tex\">x</annotation></semantics></math></p></div>",
        );
        assert_eq!(text.trim(), "\u{5b50}\u{3069}\u{3082} Gesetz x");
    }

    fn article(body: &str) -> Article {
        Article {
            id: "0123abcd".into(),
            title: "A \"quoted\" title".into(),
            byline: Some("Ann Author".into()),
            published: crate::dates::parse_published("2026-11-27"),
            topics: vec!["tech".into()],
            source: "Notes".into(),
            url: Some("https://example.org/post".into()),
            lang: Some("en".into()),
            summary: None,
            lead_image: None,
            body_html: body.into(),
            base: Base::default(),
            origin: "t.md".into(),
            seen: None,
            story: Default::default(),
        }
    }

    #[test]
    fn formats_header_body_and_footnotes() {
        let md = crate::collector::markdown_to_html("Text with a note.[^n]\n\n[^n]: The note.\n");
        let opts = FormatOptions {
            default_lang: "en",
            images: &LocalImages,
            image_cache: &ImageCache::default(),
            image_settings: Default::default(),
        };
        let (f, warnings) = format(article(&md), &opts);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(f.title, "A “quoted” title");
        assert!(
            f.xhtml
                .contains("<h1 class=\"article-title\">A “quoted” title</h1>")
        );
        assert!(
            f.xhtml
                .contains("<p class=\"byline\">By <bdi>Ann Author</bdi></p>")
        );
        assert!(
            f.xhtml
                .contains("<time datetime=\"2026-11-27\">27 November 2026</time>")
        );
        assert!(f.xhtml.contains("href=\"#a0123abcd-n\""), "{}", f.xhtml);
        assert!(
            f.xhtml
                .contains("epub:type=\"noteref\" role=\"doc-noteref\""),
            "{}",
            f.xhtml
        );
        assert!(
            f.xhtml.contains(
                "<aside class=\"footnote-definition\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"a0123abcd-n\">"
            ),
            "{}",
            f.xhtml
        );
        assert!(
            f.xhtml.contains("href=\"#a0123abcd-fnref-n\""),
            "{}",
            f.xhtml
        );
        assert_eq!(f.summary, "Text with a note.");
    }

    /// A paragraph of pictures alone (a gallery) near the top is kept with every picture and
    /// its alt text; a repeated title line still goes.
    #[test]
    fn a_paragraph_of_pictures_is_not_a_repeated_header() {
        let dir = tempfile::tempdir().unwrap();
        let png = |w: u32, h: u32| {
            let mut out = std::io::Cursor::new(Vec::new());
            image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 9) as u8, (y * 5) as u8, 90]))
                .write_to(&mut out, image::ImageFormat::Png)
                .unwrap();
            out.into_inner()
        };
        std::fs::write(dir.path().join("x.png"), png(60, 40)).unwrap();
        std::fs::write(dir.path().join("y.png"), png(50, 30)).unwrap();
        let mut a = article(
            "<p>A &quot;quoted&quot; title</p><p><img src=\"x.png\" alt=\"First\"/> <img src=\"y.png\" alt=\"Second\"/></p><p>Text.</p>",
        );
        let root = dir.path().canonicalize().unwrap();
        a.base = Base {
            url: None,
            dir: Some(root.clone()),
            root: Some(root),
        };
        let cache = ImageCache::default();
        let (f, _) = format(
            a,
            &FormatOptions {
                default_lang: "en",
                images: &images::LocalImages,
                image_cache: &cache,
                image_settings: crate::imaging::Settings {
                    max_width: 600,
                    max_height: 800,
                    gray: false,
                    quality: 80,
                },
            },
        );
        let body = &f.xhtml[f.xhtml.find("article-body").expect("a body")..];
        assert_eq!(body.matches("<img ").count(), 2, "{body}");
        assert!(
            body.contains("alt=\"First\"") && body.contains("alt=\"Second\""),
            "{body}"
        );
        assert!(!body.contains("<p>A"), "the repeated title goes: {body}");
    }

    #[test]
    fn word_counts_and_truncation() {
        assert_eq!(count_words("one two three"), 3);
        assert_eq!(count_words("宇航员在太空中"), 3);
        assert_eq!(truncate_words("alpha beta gamma delta", 12), "alpha beta…");
    }
}
