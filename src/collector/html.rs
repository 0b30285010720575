//! HTML files. A saved full web page has its main content extracted with a Readability port
//! (`dom_smoothie`, which matched Readability.js on Mozilla's fixtures) and its metadata read from
//! `<title>`/`<h1>`, OpenGraph, JSON-LD, `<time>` and meta tags. An HTML fragment (no `<html>`,
//! `<head>` or `<body>`) is already clean content and is kept whole.

use std::path::Path;

use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability};

use super::parsed::Parsed;
use crate::dates::parse_published;
use crate::words::collapse;

pub(crate) fn read(text: &str, abs_path: &Path) -> Parsed {
    let file_url = url::Url::from_file_path(abs_path)
        .map(|u| u.to_string())
        .ok();
    if is_full_page(text) {
        read_page(text, file_url.as_deref(), &[], &[], None)
    } else {
        read_fragment(text)
    }
}

/// A web page reduced to its article.
#[derive(Debug, Clone, Default)]
pub struct PageArticle {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<crate::model::Published>,
    pub lang: Option<String>,
    pub site_name: Option<String>,
    pub summary: Option<String>,
    pub lead_image: Option<String>,
    /// The page's canonical address, when it names one.
    pub url: Option<String>,
    pub body_html: String,
    /// Set when the page is no article (a front page, a listing, an error page).
    pub not_article: Option<super::verdict::NotArticle>,
    /// What the site's rule did that a reader of the report should know ("found no body").
    pub rule_note: Option<String>,
    /// Where the page was fetched from, after redirects (set by the fetching helper).
    pub final_url: Option<String>,
}

/// Extract the article of a fetched page at `url`. `remove` selectors are taken out first; when
/// any `keep` selector matches, the article is exactly what they match.
pub fn extract_page(
    text: &str,
    url: Option<&str>,
    keep: &[String],
    remove: &[String],
) -> PageArticle {
    let p = read_page(text, url, keep, remove, None);
    page_article(p)
}

/// The body a site's rule found on a page, and how to treat it.
pub(crate) struct Given<'a> {
    /// The body's HTML.
    pub html: &'a str,
    /// Clean it as an extracted body is cleaned.
    pub prune: bool,
}

/// Extract the article of a page whose site's rule found its body (`given`): the page's
/// metadata is read as for any page, the body is the rule's, with the source's `remove`
/// selectors applied to it after the rule (and its `keep` selectors winning over it).
pub(crate) fn extract_given(
    text: &str,
    url: Option<&str>,
    keep: &[String],
    remove: &[String],
    given: &Given,
) -> PageArticle {
    page_article(read_page(text, url, keep, remove, Some(given)))
}

fn page_article(p: Parsed) -> PageArticle {
    PageArticle {
        title: p.title,
        byline: p.byline,
        published: p.published,
        lang: p.lang,
        site_name: p.source,
        summary: p.summary,
        lead_image: p.lead_image,
        url: p.url,
        body_html: p.body_html,
        not_article: p.not_article,
        rule_note: None,
        final_url: None,
    }
}

/// The address a saved page says it was saved from: its `<link rel="canonical">` or
/// `og:url` (only its head is parsed).
pub(crate) fn declared_address(text: &str) -> Option<String> {
    let end = text
        .find("</head>")
        .or_else(|| text.find("</HEAD>"))
        .unwrap_or(text.len().min(256 * 1024));
    let end = (0..=end)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let facts = super::facts::Facts::of(&Document::from(&text[..end]));
    facts
        .canonical
        .clone()
        .or_else(|| facts.meta(&["og:url"]))
        .filter(|u| is_web(u))
}

/// Does the text look like a whole page rather than a fragment of content?
pub(crate) fn is_full_page(text: &str) -> bool {
    // A saved page may open with a long style sheet or script before its `<html>` (one of
    // the dev set's opens with 5 KB of CSS): the first 64 KiB are looked at, not 4.
    const LOOK: usize = 64 * 1024;
    let b = text.as_bytes();
    let head = &b[..b.len().min(LOOK)];
    // Each `<`, then the tag names after it in any case.
    head.iter()
        .enumerate()
        .filter(|(_, c)| **c == b'<')
        .any(|(i, _)| {
            [&b"html"[..], b"head", b"body", b"!doctype"]
                .iter()
                .any(|t| {
                    b.get(i + 1..i + 1 + t.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(t))
                })
        })
}

/// A `<noscript>` with this much text (bytes) and paragraphs in it holds the page's text, not a
/// tracking picture or a "turn on JavaScript" line.
const NOSCRIPT_TEXT: usize = 1000;

/// The page's tree, without what the `remove` selectors match.
fn page_tree(text: &str, remove: &[String]) -> Document {
    let doc = Document::from(text);
    // Some pages (Blogger's among them) put the article itself in a `<noscript>` for readers
    // without scripts, and fill the page from a script. Readability drops `<noscript>`; one
    // that holds paragraphs is the page's text, and gives them up to where it stood.
    if !may_have_noscript(text) {
        return finish_page_tree(doc, text, remove);
    }
    for ns in body_noscripts(&doc) {
        if ns.text().len() >= NOSCRIPT_TEXT && !ns.find(&["p"]).is_empty() {
            ns.replace_with_html(ns.inner_html());
        }
    }
    unwrap_noscript_pictures(&doc);
    finish_page_tree(doc, text, remove)
}

/// The rest of `page_tree`: formulas, then what the `remove` selectors match.
fn finish_page_tree(doc: Document, text: &str, remove: &[String]) -> Document {
    if super::maths::may_have(text) {
        super::maths::convert(&doc, text);
    }
    for sel in remove {
        if let Some(found) = doc.try_select(sel) {
            found.remove();
        }
    }
    doc
}

/// A picture a page shows only to readers without scripts, `<noscript><img src=…></noscript>`
/// beside a lazy-loading placeholder, is the picture. Readability unwraps these on its own
/// path; the page's marked article, its prose block, a `keep` selector and a site rule take
/// their block as it is, and the sanitizer drops `<noscript>` with the picture in it (a caption
/// under no picture). So here, for every path: a noscript holding one picture and no text takes
/// the place of the placeholder before it (an `<img>`, or a block holding one and no text), or,
/// with none before it, stands where it is.
fn unwrap_noscript_pictures(doc: &Document) {
    let real = |img: &NodeRef| {
        img.attr("src")
            .is_some_and(|s| !s.trim().is_empty() && !s.trim_start().starts_with("data:"))
    };
    for ns in body_noscripts(doc) {
        let pictures = ns.find(&["img"]);
        let [picture] = pictures.as_slice() else {
            continue;
        };
        if !ns.text().trim().is_empty() || !real(picture) {
            continue;
        }
        let placeholder = ns.prev_element_sibling().filter(|prev| {
            let is_img = prev.node_name().as_deref() == Some("img");
            is_img || (prev.find(&["img"]).len() == 1 && prev.text().trim().is_empty())
        });
        let inner = ns.inner_html();
        match placeholder {
            Some(prev) => {
                let shown = if prev.node_name().as_deref() == Some("img") {
                    Some(prev)
                } else {
                    prev.find(&["img"]).into_iter().next()
                };
                let lazy = shown.as_ref().is_none_or(|img| {
                    !real(img)
                        || ["data-src", "data-srcset", "data-lazy-src", "data-original"]
                            .iter()
                            .any(|a| img.has_attr(a))
                });
                if lazy {
                    prev.replace_with_html(inner);
                }
                // A real picture already shown: the noscript's copy would print it twice.
                ns.remove_from_parent();
            }
            None => ns.replace_with_html(inner),
        }
    }
}

/// Whether the page's source has a `<noscript` tag (any case): most pages' trees need no walk
/// for one.
fn may_have_noscript(text: &str) -> bool {
    static TAG: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["<noscript"])
            .expect("one plain word builds")
    });
    TAG.is_match(text)
}

/// The `<noscript>` elements inside `<body>`, in document order (what `body noscript` selects,
/// in one walk).
fn body_noscripts(doc: &Document) -> Vec<NodeRef<'_>> {
    let named = |n: &NodeRef, name: &str| {
        n.query_or(false, |t| {
            t.as_element().is_some_and(|e| &*e.name.local == name)
        })
    };
    // A parsed page has one body (the parser merges a second `<body>` into it): the walk
    // stops there instead of reading the rest of the page for another.
    let Some(body) = doc.root().descendants_it().find(|n| named(n, "body")) else {
        return Vec::new();
    };
    body.descendants_it()
        .filter(|n| named(n, "noscript"))
        .collect()
}

/// What the page says about itself, read once from its tree before Readability takes it.
struct Head {
    lang: Option<String>,
    base_url: Option<String>,
    meta_date: Option<String>,
    og_image: Option<String>,
    canonical: Option<String>,
    title: Option<String>,
    /// The page's own description of itself (OpenGraph's, its `description`, Twitter's).
    description: Option<String>,
    claims: super::verdict::Claims,
    /// The JSON-LD texts that may carry a recipe or how-to.
    recipe_ld: Vec<String>,
}

impl Head {
    fn of(doc: &Document) -> Head {
        let f = super::facts::Facts::of(doc);
        let nonempty = |t: &Option<String>| t.as_deref().map(collapse).filter(|t| !t.is_empty());
        Head {
            lang: f.lang.clone(),
            base_url: f.base_href.clone().filter(|u| is_web(u)),
            meta_date: f
                .meta(&[
                    "article:published_time",
                    "og:published_time",
                    "date",
                    "dc.date",
                    "dcterms.created",
                    "pubdate",
                    "sailthru.date",
                ])
                .or_else(|| f.time_datetime.clone()),
            og_image: f.meta(&["og:image", "twitter:image", "og:image:url"]),
            canonical: f
                .canonical
                .clone()
                .or_else(|| f.meta(&["og:url"]))
                .filter(|u| is_web(u)),
            title: f
                .meta(&["og:title"])
                .or_else(|| nonempty(&f.h1))
                .or_else(|| nonempty(&f.title)),
            description: f.meta(&["og:description", "description", "twitter:description"]),
            claims: super::verdict::Claims::from_facts(&f),
            recipe_ld: f
                .ld_json
                .iter()
                .filter(|t| super::recipe::may_have(t))
                .cloned()
                .collect(),
        }
    }
}

/// Which block of the page is the article's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Readability's choice.
    Readability,
    /// The page's own marked article container (its selector).
    Marked(&'static str),
    /// The page's main run of prose.
    Prose,
    /// The block holding the recipe or how-to the page says it has.
    Recipe,
}

/// Choose the article's body among Readability's choice, the page's marked article and its
/// main run of prose: which one, and why. Readability sometimes settles on something beside
/// the article: a cookie notice, a login form, an author box, or a block bigger than the
/// article (a table of names, a list of signatories, a disclosure). When the page marks its
/// article, Readability's text is mostly not in it and it holds the page's main run of prose,
/// the marked article wins; else, when Readability's choice holds little of that run and less
/// prose of its own, the run's block wins.
fn choose_body(
    readability: &dom_smoothie::Article,
    marked: Option<&(&'static str, String)>,
    prose: Option<&super::prose::Prose>,
    recipe: Option<&super::recipe::Recipe>,
) -> (Body, &'static str) {
    let text = &readability.text_content;
    if recipe.is_some_and(|r| overlap(&r.text, text) < 0.5 && text.len() < r.text.len() * 2) {
        return (
            Body::Recipe,
            "Readability's text holds little of the recipe the page says it has",
        );
    }
    let marked = marked.filter(|(_, text)| {
        overlap(&readability.text_content, text) < 0.5 && prose.is_none_or(|p| p.held_in(text))
    });
    if let Some((sel, _)) = marked {
        return (
            Body::Marked(sel),
            "Readability's text is mostly outside the article the page marks, which holds the page's prose",
        );
    }
    if prose.is_some_and(|p| p.missed_by(&readability.text_content, &readability.content)) {
        return (
            Body::Prose,
            "Readability's choice holds little of the page's main run of prose",
        );
    }
    (Body::Readability, "Readability's choice")
}

/// What the `keep` selectors match on the page, in order.
fn kept_html(doc: &Document, keep: &[String]) -> Vec<String> {
    keep.iter()
        .filter_map(|sel| doc.try_select(sel))
        .flat_map(|found| {
            found
                .nodes()
                .iter()
                .map(|n| n.html().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Readability's article, with the tree it was built in (the page's, rearranged).
fn readability(doc: Document, file_url: Option<&str>) -> Option<(dom_smoothie::Article, Document)> {
    let cfg = Config {
        max_elements_to_parse: 200_000,
        // The classes tell `clean` a share bar from a paragraph; the sanitizer drops them after.
        keep_classes: true,
        ..Config::default()
    };
    let mut r = Readability::with_document(doc, file_url, Some(cfg)).ok()?;
    let a = r.parse().ok()?;
    (a.text_content.trim().chars().count() >= 80).then_some((a, r.doc))
}

/// Readability's article cleaned in the tree Readability built it in (its `#readability-page-1`,
/// taken out of the page), so it is not serialized and parsed again: what `clean` does with
/// `content`, the same article serialized, which it falls back to.
fn clean_grabbed(
    doc: &Document,
    content: &str,
    known: &super::clean::Known,
) -> (String, [super::verdict::Shape; 2]) {
    let Some(page) = doc
        .select_single("#readability-page-1")
        .nodes()
        .first()
        .copied()
    else {
        return super::clean::clean(content, known);
    };
    page.remove_from_parent();
    let scope = doc.tree.new_element("div");
    scope.append_child(&page);
    // A parse merges the text next to each other that Readability's moves left as pieces.
    page.normalize();
    super::clean::clean_in(&scope, known)
}

/// A block of a page, known by its name and its `id` or `class`, to find it again in another
/// parse of the same page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NamedBlock {
    name: String,
    id: Option<String>,
    class: Option<String>,
}

impl NamedBlock {
    /// Take every element by this name (its id, else its tag and class) out of `doc`.
    fn remove_from(&self, doc: &Document) {
        let found: Vec<NodeRef> = doc
            .root()
            .descendants_it()
            .filter(|n| {
                n.is_element()
                    && match &self.id {
                        Some(id) => n.attr("id").as_deref() == Some(id.as_str()),
                        None => {
                            n.has_name(&self.name)
                                && n.attr("class").as_deref() == self.class.as_deref()
                        }
                    }
            })
            .collect();
        for n in found {
            n.remove_from_parent();
        }
    }
}

/// The block Readability's article (in the tree it was built in, `grabbed`) mostly is, when
/// that block's class or id names it as never the article (`eu-cookie-law`,
/// `author-description`): a block inside the article holding three fifths of its text or more.
/// A block named only by what it holds or how it looks (`has-related`) is not one.
fn furniture_choice(grabbed: &Document) -> Option<NamedBlock> {
    use super::clean_passes::chars_of;
    let page = *grabbed
        .select_single("#readability-page-1")
        .nodes()
        .first()?;
    // The blocks holding three fifths of the text are one line of descent from the article,
    // so the first named block in document order that holds that much is the topmost. Names
    // are checked first: most articles have no such block, and their text is never counted.
    let mut total = None;
    let child = page.descendants_it().find(|n| {
        n.is_element()
            && names_never_article(n)
            && chars_of(n) * 5 >= *total.get_or_insert_with(|| chars_of(&page)) * 3
    })?;
    if total == Some(0) {
        return None;
    }
    let attr = |a: &str| child.attr(a).map(|v| v.to_string());
    Some(NamedBlock {
        name: child.node_name()?.to_string(),
        id: attr("id"),
        class: attr("class"),
    })
    .filter(|b| b.id.is_some() || b.class.is_some())
}

/// Class and id words of blocks that are never an article, whatever they hold: consent
/// notices, related posts, newsletter boxes, dialogs, an author's box. Narrower than the
/// cleaner's furniture: a `paywall` or `ad` block may wrap the article, and a layout's
/// `sidebar_right` or `banner` names the page around it.
const NEVER_ARTICLE: &[&str] = &[
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "related",
    "recommended",
    "newsletter",
    "modal",
    "popup",
    "authorbox",
    "bio",
];

/// Whether `node`'s class or id names a block that is never the article (see
/// [`NEVER_ARTICLE`]; an author's box is `author` with `box`, `bio`, `info`, `about` or
/// `description`). A state (`has-sidebar`) is not a name.
fn names_never_article(node: &NodeRef) -> bool {
    let mut cur = String::new();
    let mut never = false;
    for a in ["class", "id"] {
        let Some(v) = node.attr(a) else { continue };
        for name in v.split_whitespace() {
            if super::clean_passes::is_state_name(name) {
                continue;
            }
            let mut author = false;
            let mut about = false;
            super::clean_passes::for_each_word(name, &mut cur, |w| {
                never = never || NEVER_ARTICLE.contains(&w);
                author = author || w == "author";
                about = about || matches!(w, "box" | "info" | "about" | "description");
            });
            if never || (author && about) {
                return true;
            }
        }
    }
    false
}

/// Readability's metadata into `parsed`.
fn take_metadata(parsed: &mut Parsed, a: &dom_smoothie::Article, head: &Head) {
    parsed.title = Some(a.title.clone()).filter(|t| !t.trim().is_empty());
    parsed.byline = a.byline.clone();
    parsed.summary = a.excerpt.clone();
    parsed.source = a.site_name.clone();
    parsed.lang = parsed.lang.take().or(a.lang.clone());
    parsed.url = a
        .url
        .clone()
        .filter(|u| is_web(u))
        .or(head.canonical.clone());
    parsed.published = a
        .published_time
        .as_deref()
        .and_then(parse_published)
        .or_else(|| head.meta_date.as_deref().and_then(parse_published));
    parsed.lead_image = a.image.clone().or(head.og_image.clone());
}

/// A page read into its article. The page is parsed once; only a choice that needs the tree
/// Readability took (the marked article, the main run of prose, a page too short for
/// Readability) parses it once more. What the `keep` selectors match is decided first: when
/// they match, that is the body, and no extraction or cleaning is done to be thrown away.
fn read_page(
    text: &str,
    file_url: Option<&str>,
    keep: &[String],
    remove: &[String],
    given: Option<&Given>,
) -> Parsed {
    let doc = page_tree(text, remove);
    let again = std::cell::OnceCell::new();
    let reparsed = || again.get_or_init(|| page_tree(text, remove));
    let head = Head::of(&doc);
    let mut parsed = Parsed {
        lang: head.lang.clone(),
        base_url: head.base_url.clone(),
        ..Parsed::default()
    };
    let kept = kept_html(&doc, keep);
    let given = given.filter(|_| kept.is_empty());
    if !kept.is_empty() || given.is_some() {
        match readability(doc, file_url) {
            Some((a, _)) => take_metadata(&mut parsed, &a, &head),
            None => {
                parsed.title = head.title;
                parsed.url = head.canonical;
                parsed.published = head.meta_date.as_deref().and_then(parse_published);
            }
        }
        parsed.body_html = match given {
            Some(g) => {
                let body = Document::fragment(g.html);
                for sel in remove {
                    if let Some(found) = body.try_select(sel) {
                        found.remove();
                    }
                }
                let body = body.html().to_string();
                if g.prune {
                    let known = super::clean::Known {
                        title: parsed.title.as_deref(),
                        byline: parsed.byline.as_deref(),
                        site: parsed.source.as_deref(),
                        address: parsed.url.as_deref(),
                    };
                    super::clean::clean(&body, &known).0
                } else {
                    body
                }
            }
            None => kept.join("\n"),
        };
        untitle_site(&mut parsed, file_url);
        return parsed;
    }
    let carried = super::embedded::Carried::of(&doc);
    let standfirst = Standfirst::find(&doc, head.description.as_deref());
    // The page's own article container, and its main run of prose, to check Readability's
    // choice against.
    let mut marked = marked_article(&doc);
    let mut prose = super::prose::Prose::find(&doc);
    let recipe = if super::recipe::may_have(text) {
        super::recipe::Recipe::find(&doc, &head.recipe_ld)
    } else {
        None
    };
    // Readability takes the tree (copying it costs more than parsing the page again in the rare
    // case that needs it).
    // The visible page's words, to weigh against what it carries.
    let visible;
    let mut read = readability(doc, file_url);
    // Readability settled on a block the page names as furniture (a cookie notice, an author
    // box): read the page again without it, and take that reading unless it lands on
    // furniture too.
    if let Some(block) = read.as_ref().and_then(|(_, g)| furniture_choice(g)) {
        let again = page_tree(text, remove);
        block.remove_from(&again);
        if let Some(other) =
            readability(again, file_url).filter(|(_, g)| furniture_choice(g).is_none())
        {
            crate::debug_line!(
                "{}: Readability's choice was a block named as furniture ({block:?}); read again without it",
                file_url.unwrap_or("a page")
            );
            read = Some(other);
            // The page's marked article and prose without the block, in a parse whose node
            // ids are those of every other parse of the page.
            let without = page_tree(text, remove);
            block.remove_from(&without);
            marked = marked_article(&without);
            prose = super::prose::Prose::find(&without);
        }
    }
    match read {
        Some((a, grabbed)) => {
            take_metadata(&mut parsed, &a, &head);
            let known = super::clean::Known {
                title: parsed.title.as_deref(),
                byline: parsed.byline.as_deref(),
                site: parsed.source.as_deref(),
                address: parsed.url.as_deref(),
            };
            let (choice, why) = choose_body(&a, marked.as_ref(), prose.as_ref(), recipe.as_ref());
            if choice != Body::Readability {
                crate::debug_line!(
                    "{}: the body is {choice:?}: {why}",
                    file_url.unwrap_or("a page")
                );
            }
            let chosen = match choice {
                Body::Marked(sel) => Some(reparsed().select(sel).html().to_string()),
                Body::Prose => prose.as_ref().and_then(|p| p.html(reparsed())),
                Body::Recipe => recipe.as_ref().and_then(|r| r.html(reparsed())),
                Body::Readability => None,
            };
            let body = chosen.as_deref().unwrap_or(&a.content);
            let (mut cleaned, [before, after]) = match &chosen {
                Some(body) => super::clean::clean(body, &known),
                None => clean_grabbed(&grabbed, &a.content, &known),
            };
            if let Some(lead) = standfirst.above(&a.text_content) {
                cleaned.insert_str(0, &lead);
            }
            // A listing is one before cleaning takes its link lists out; after, what is left
            // may be too little to be anything.
            // A paywall's prompt is furniture cleaning takes out, so a teaser is judged before.
            parsed.not_article = super::verdict::judge(&before, &head.claims)
                .filter(|n| n.is_listing() || n.wall() == Some(super::verdict::Wall::Paywall))
                .or_else(|| super::verdict::judge(&after, &head.claims));
            visible = after.words;
            // A page kept anyway (`--force`) keeps what cleaning would have taken.
            parsed.body_html = if parsed.not_article.is_some() {
                body.to_owned()
            } else {
                cleaned
            };
        }
        None => {
            // Too little for Readability: the page is short; keep its main element whole.
            let doc = reparsed();
            // The page's main run of prose if it has one, else its main element.
            let main = prose
                .as_ref()
                .and_then(|p| p.html(doc))
                .unwrap_or_else(|| main_html(doc));
            let fallback = read_fragment(&main);
            parsed.title = head.title.or(fallback.title);
            parsed.summary = meta(doc, &["og:description", "description"]);
            parsed.source = meta(doc, &["og:site_name", "application-name"]);
            parsed.byline = meta(doc, &["author", "article:author"]);
            parsed.url = head.canonical;
            parsed.published = head.meta_date.as_deref().and_then(parse_published);
            let shape =
                super::verdict::Shape::of(&Document::fragment(fallback.body_html.as_str()).root());
            parsed.not_article = super::verdict::judge(&shape, &head.claims);
            visible = shape.words;
            parsed.body_html = fallback.body_html;
            parsed.lead_image = head.og_image;
        }
    }
    if !carried.is_empty() {
        read_carried(&mut parsed, &carried, visible, file_url);
    }
    untitle_site(&mut parsed, file_url);
    parsed
}

/// The title without the site's name (its `og:site_name`, its address's domain).
fn untitle_site(parsed: &mut Parsed, file_url: Option<&str>) {
    let site = super::title::SiteNames::new()
        .name(parsed.source.as_deref())
        .address(file_url)
        .address(parsed.url.as_deref());
    if let Some(t) = &parsed.title {
        parsed.title = Some(super::title::without_site(t, &site));
    }
}

/// Below this many words, a page that carries more of itself in its scripts' data is read
/// from there.
const SHORT_PAGE: usize = 500;

/// A script-built page whose visible HTML holds little (a shell, or a few lines) but which
/// carries its article in JSON-LD, framework state or a template: the article is that. A
/// page judged a wall (a bot check, a consent or paywall, an error page) or a listing stays
/// what it is: what it carries past a wall is for the site's subscribers.
fn read_carried(
    parsed: &mut Parsed,
    carried: &super::embedded::Carried,
    visible: usize,
    file_url: Option<&str>,
) {
    use super::verdict::{NotArticle, Wall};
    let open = match &parsed.not_article {
        None => visible < SHORT_PAGE,
        Some(NotArticle::Empty { .. } | NotArticle::Wall(Wall::ScriptOnly)) => true,
        Some(_) => false,
    };
    if !open {
        return;
    }
    let Some(found) = carried.article(parsed.title.as_deref()) else {
        return;
    };
    if found.words < visible * 2 {
        return;
    }
    crate::debug_line!(
        "{}: the visible page holds {visible} words; the article ({} words) is read from {}",
        file_url.unwrap_or("a page"),
        found.words,
        found.from
    );
    let known = super::clean::Known {
        title: parsed.title.as_deref(),
        byline: parsed.byline.as_deref(),
        site: parsed.source.as_deref(),
        address: parsed.url.as_deref(),
    };
    parsed.body_html = super::clean::clean(&found.html, &known).0;
    parsed.not_article = None;
}

fn read_fragment(text: &str) -> Parsed {
    let doc = Document::fragment(text);
    let mut parsed = Parsed::default();
    // A leading <h1> is the title; it leaves the body so it is not printed twice.
    let h1 = doc.select("h1").first();
    if h1.exists() {
        let title = collapse(&h1.text());
        if !title.is_empty() {
            parsed.title = Some(title);
            h1.remove();
        }
    }
    if let Some(t) = doc.select("time[datetime]").attr("datetime") {
        parsed.published = parse_published(&t);
    }
    parsed.body_html = doc.html().to_string();
    parsed
}

/// The article's standfirst (the paragraph under the headline that sums it up), which many
/// pages set apart above the body, out of the block Readability keeps. It is found by the page's
/// own description (`og:description`, `description`), which is usually that paragraph, or by
/// the class the page gives it (`dek`, `lead`, `chapo`, …).
#[derive(Default)]
struct Standfirst {
    /// The page's text, whitespace collapsed, as far as [`Standfirst::above`] reads it.
    page: String,
    /// The paragraphs that may be it, best first, whitespace collapsed, each with where it
    /// starts in `page`.
    found: Vec<(String, usize)>,
}

/// `collapse(&node.text())`, read in place, or `None` once it is longer than `most` characters
/// (an element far up a page holds most of its text: copying it to learn that was the cost).
fn collapsed_text_within(node: &NodeRef, most: usize) -> Option<String> {
    let mut out = String::new();
    let mut chars = 0;
    let mut space = false;
    for d in std::iter::once(*node).chain(node.descendants_it()) {
        let over = super::clean_passes::with_text(&d, |contents| {
            for c in contents.chars() {
                if c.is_whitespace() {
                    space = !out.is_empty();
                    continue;
                }
                if space {
                    out.push(' ');
                    chars += 1;
                    space = false;
                }
                out.push(c);
                chars += 1;
                if chars > most {
                    return true;
                }
            }
            false
        })
        .unwrap_or(false);
        if over {
            return None;
        }
    }
    Some(out)
}

impl Standfirst {
    /// Characters of the description that must open the paragraph.
    const KEY: usize = 40;

    /// The paragraph that opens with the page's own description, then the one the page names
    /// as its standfirst.
    fn find(doc: &Document, description: Option<&str>) -> Standfirst {
        let texts: Vec<String> = [
            description.and_then(|d| Self::described(doc, d)),
            Self::marked(doc),
        ]
        .into_iter()
        .flatten()
        .collect();
        // The page's text is only needed when there is something to place in it, and only as
        // far as `above` reads after each paragraph found.
        let Some(body) = doc.select_single("body").nodes().first().copied() else {
            return Standfirst::default();
        };
        if texts.is_empty() {
            return Standfirst::default();
        }
        let (page, at) = Self::page_until_found(&body, &texts);
        let found = texts
            .into_iter()
            .zip(at)
            .filter_map(|(text, at)| Some((text, at?)))
            .collect();
        Standfirst { page, found }
    }

    /// How far past a paragraph found `above` reads the page: where the body's opening may
    /// start ([`Self::NEAR`] bytes) and the opening itself.
    const READ_PAST: usize = Self::NEAR + 4 * Self::KEY;
    /// How close (bytes) below the paragraph the body must start.
    const NEAR: usize = 3000;

    /// The text of `body`, whitespace collapsed, and where each of `texts` first stands in it:
    /// read only until each is found and [`Self::READ_PAST`] bytes more (a standfirst is near
    /// the top; collapsing the whole page to learn that was this search's cost).
    fn page_until_found(body: &NodeRef, texts: &[String]) -> (String, Vec<Option<usize>>) {
        let mut page = crate::words::Collapsed::default();
        let mut at: Vec<Option<usize>> = vec![None; texts.len()];
        // Bytes of the page already searched for each text not yet found.
        let mut searched: usize = 0;
        // Searched every so many bytes read, not at every text node (a page has thousands).
        const STEP: usize = 4096;
        let mut nodes = std::iter::once(*body).chain(body.descendants_it());
        loop {
            let more = nodes.next();
            if let Some(node) = &more {
                super::clean_passes::with_text(node, |t| page.add(t));
                if page.text.len() < searched + STEP {
                    continue;
                }
            }
            let text = &page.text;
            for (i, t) in texts.iter().enumerate() {
                if at[i].is_none() {
                    // An occurrence ending inside what was searched would have been found.
                    let mut from = searched.saturating_sub(t.len());
                    while !text.is_char_boundary(from) {
                        from -= 1;
                    }
                    at[i] = text[from..].find(t.as_str()).map(|p| from + p);
                }
            }
            searched = text.len();
            if more.is_none()
                || at
                    .iter()
                    .all(|a| a.is_some_and(|a| a + Self::READ_PAST <= searched))
            {
                break;
            }
        }
        (page.text, at)
    }

    /// The paragraph that opens with the page's own description.
    fn described(doc: &Document, desc: &str) -> Option<String> {
        let desc = collapse(desc);
        if desc.chars().count() < Self::KEY {
            return None;
        }
        let key: String = desc.chars().take(Self::KEY).collect();
        // Walk the text, not the elements (asking each element for its text is quadratic): a
        // text node that opens the description, then up to the block that holds all of it.
        let first_word: String = key
            .split(' ')
            .next()
            .unwrap_or_default()
            .chars()
            .take(12)
            .collect();
        let mut found = None;
        for t in doc.root().descendants_it() {
            // Read in place: copying every text node of the page out was this search's cost.
            let opens = super::clean_passes::with_text(&t, |contents| {
                // Most text nodes are indentation or open with another letter: told by their
                // first byte that is not ASCII white space, without Unicode's tables.
                let b = contents.as_bytes();
                match b
                    .iter()
                    .find(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
                {
                    None => false,
                    Some(&c) if c < 0x80 => {
                        first_word.as_bytes().first() == Some(&c)
                            && contents.trim_start().starts_with(&first_word)
                    }
                    Some(_) => {
                        let own = contents.trim_start();
                        !own.is_empty() && own.starts_with(&first_word)
                    }
                }
            })
            .unwrap_or(false);
            if !opens {
                continue;
            }
            let mut at = t.parent();
            for _ in 0..4 {
                let Some(el) = at else { break };
                if el.ancestors_it(None).any(|a| {
                    matches!(
                        a.node_name().as_deref(),
                        Some("a" | "li" | "nav" | "footer" | "aside" | "script" | "head")
                    )
                }) {
                    break;
                }
                // A block longer than a standfirst is; those that hold it are longer still.
                let Some(text) = collapsed_text_within(&el, 800) else {
                    break;
                };
                if !key.starts_with(&text) && !text.starts_with(&key) {
                    break;
                }
                let n = text.chars().count();
                let block = matches!(
                    el.node_name().as_deref(),
                    Some("p" | "h2" | "h3" | "div" | "span" | "strong")
                );
                if block && (Self::KEY..=800).contains(&n) {
                    let linked: usize = el
                        .find(&["a"])
                        .iter()
                        .map(|a| collapse(&a.text()).chars().count())
                        .sum();
                    if linked * 5 <= n {
                        found = Some(text);
                    }
                    break;
                }
                at = el.parent();
            }
        }
        found
    }

    /// A paragraph under the headline that the page names as its standfirst (`class="lead"`,
    /// `dek`, `chapo`, `bajada`, `intro`, …), before the article's first paragraph of prose.
    fn marked(doc: &Document) -> Option<String> {
        /// Class or id words that name a standfirst.
        const NAMES: &[&str] = &[
            "lead",
            "lede",
            "leader",
            "intro",
            "introduction",
            "standfirst",
            "dek",
            "deck",
            "chapo",
            "sapo",
            "bajada",
            "entradilla",
            "summary",
            "subtitle",
            "subheadline",
            "subline",
            "strapline",
            "abstract",
            "vorspann",
            "einleitung",
            "teaser",
            "excerpt",
            "description",
        ];
        /// Words that make the same block something else: an author's box, a teaser list, a
        /// caption, a prompt.
        const NOT: &[&str] = &[
            "author",
            "comment",
            "comments",
            "cookie",
            "newsletter",
            "list",
            "item",
            "card",
            "widget",
            "related",
            "image",
            "img",
            "caption",
            "meta",
            "breadcrumb",
            "modal",
            "share",
            "site",
            "footer",
            "nav",
            "menu",
            "ad",
            "promo",
            "cta",
            "banner",
            "product",
            "gallery",
            "video",
            "rating",
            "box",
        ];
        /// A paragraph this long (characters) is the article's prose: the standfirst is above.
        const PROSE: usize = 80;
        // The first `body h1`: a page has one body, and the first match is all that is needed.
        let h1 = *doc
            .select_single("body")
            .select_single("h1")
            .nodes()
            .first()?;
        let title = collapse(&h1.text());
        let mut after = false;
        for el in doc.root().descendants_it().filter(|n| n.is_element()) {
            if el.id == h1.id {
                after = true;
                continue;
            }
            if !after || el.ancestors_it(None).any(|a| a.id == h1.id) {
                continue;
            }
            let name = el.node_name();
            let name = name.as_deref().unwrap_or_default();
            if !matches!(name, "p" | "div" | "h2" | "span" | "section" | "header") {
                continue;
            }
            let named = ["class", "id"]
                .iter()
                .filter_map(|a| el.attr(a))
                .flat_map(|v| super::clean::words(&v))
                .collect::<Vec<_>>();
            if named.iter().any(|w| NAMES.contains(&w.as_str()))
                && !named.iter().any(|w| NOT.contains(&w.as_str()))
                && let Some(text) = Self::one_paragraph(&el, &title)
            {
                return Some(text);
            }
            if name == "p" && collapse(&el.text()).chars().count() >= PROSE {
                return None;
            }
        }
        None
    }

    /// The text of `el` when it is one paragraph of sentences: not inside navigation, a list or
    /// a caption; holding no heading, list, table or picture and at most one `<p>`; not the
    /// title; 60 to 1,000 characters of at least eight words, at most a fifth of it linked.
    fn one_paragraph(el: &NodeRef, title: &str) -> Option<String> {
        if el.ancestors_it(None).any(|a| {
            matches!(
                a.node_name().as_deref(),
                Some(
                    "nav"
                        | "footer"
                        | "aside"
                        | "form"
                        | "li"
                        | "a"
                        | "figure"
                        | "figcaption"
                        | "button"
                        | "label"
                )
            )
        }) {
            return None;
        }
        let inner = el.find(&["p"]).len();
        let blocked = el.descendants_it().any(|d| {
            matches!(
                d.node_name().as_deref(),
                Some(
                    "h1" | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "ul"
                        | "ol"
                        | "table"
                        | "img"
                        | "picture"
                        | "figure"
                        | "video"
                        | "blockquote"
                )
            )
        });
        if inner > 1 || blocked {
            return None;
        }
        let text = collapse(&el.text());
        let n = text.chars().count();
        if !(60..=1000).contains(&n)
            || text.split(' ').count() < 8
            || (!title.is_empty() && text.contains(title))
        {
            return None;
        }
        let linked: usize = el
            .find(&["a"])
            .iter()
            .map(|a| collapse(&a.text()).chars().count())
            .sum();
        (linked * 5 <= n).then_some(text)
    }

    /// The standfirst as a paragraph to put above `body` (Readability's text), when the body
    /// does not hold it and starts soon after it on the page.
    fn above(&self, body: &str) -> Option<String> {
        let collapsed = collapse(body);
        // Lines of the body that say where it starts on the page (one Readability keeps may be
        // laid out differently there, so three are tried).
        let openings: Vec<String> = body
            .lines()
            .map(collapse)
            .filter(|l| l.chars().count() >= 30)
            .take(3)
            .map(|l| l.chars().take(Self::KEY).collect())
            .collect();
        self.found.iter().find_map(|(text, at)| {
            let key: String = text.chars().take(Self::KEY).collect();
            if collapsed.contains(&key) {
                return None;
            }
            let start = openings
                .iter()
                .filter_map(|o| self.page[*at..].find(o.as_str()))
                .min()?;
            // Close above the body: a paragraph far up the page is something else.
            (start <= Self::NEAR).then(|| format!("<p>{}</p>\n", super::text::escape(text)))
        })
    }
}

/// An element `marked_article` looks at: what its selectors `[itemprop=articleBody], article,
/// .entry-content, .post-content, .article-body, .article-content, main, [role=main]` match
/// (names and values compared exactly, classes split on ASCII white space).
fn is_mark(e: &dom_query::Element) -> bool {
    matches!(&*e.name.local, "article" | "main")
        || e.attrs.iter().any(|a| match &*a.name.local {
            "itemprop" => &*a.value == "articleBody",
            "role" => &*a.value == "main",
            "class" => a.value.split_ascii_whitespace().any(|c| {
                matches!(
                    c,
                    "entry-content" | "post-content" | "article-body" | "article-content"
                )
            }),
            _ => false,
        })
}

/// The one element a page marks as its article (`itemprop=articleBody`, a single `<article>`,
/// a common content class, `<main>`), with enough text to be one: its selector and its text
/// (its HTML is made only in the rare case it is used).
fn marked_article(doc: &Document) -> Option<(&'static str, String)> {
    const MARKS: &[&str] = &[
        "[itemprop=articleBody]",
        "article",
        ".entry-content",
        ".post-content",
        ".article-body",
        ".article-content",
        "main",
        "[role=main]",
    ];
    // One walk for them all (a selector list of eight cost a twentieth of the extractor's
    // time), then each mark in order of preference: the first that the page has exactly once,
    // holding 40 words or more.
    let nodes: Vec<NodeRef> = doc
        .root()
        .descendants_it()
        .filter(|n| n.query_or(false, |t| t.as_element().is_some_and(is_mark)))
        .collect();
    let is = |n: &NodeRef, mark: usize| -> bool {
        let class = || n.attr("class");
        let has_class = |c: &str| class().is_some_and(|v| v.split_whitespace().any(|x| x == c));
        match mark {
            0 => n.attr("itemprop").is_some_and(|v| &*v == "articleBody"),
            1 => n.has_name("article"),
            2 => has_class("entry-content"),
            3 => has_class("post-content"),
            4 => has_class("article-body"),
            5 => has_class("article-content"),
            6 => n.has_name("main"),
            _ => n.attr("role").is_some_and(|v| &*v == "main"),
        }
    };
    for (i, sel) in MARKS.iter().enumerate() {
        let mut matching = nodes.iter().filter(|n| is(n, i));
        let (Some(only), None) = (matching.next(), matching.next()) else {
            continue;
        };
        let text = only.text();
        if text.split_whitespace().nth(39).is_none() {
            continue;
        }
        return Some((sel, text.to_string()));
    }
    None
}

/// The share of `text`'s words (its first 300) that are words of `within`.
fn overlap<'a>(text: &'a str, within: &'a str) -> f64 {
    // An ASCII word already in lower case is not copied.
    let lower = |w: &'a str| -> std::borrow::Cow<'a, str> {
        if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            w.into()
        } else {
            w.to_lowercase().into()
        }
    };
    let mine: Vec<std::borrow::Cow<str>> = text.split_whitespace().take(300).map(lower).collect();
    if mine.is_empty() {
        return 1.0;
    }
    // The (at most 300) words looked for, each marked when `within` has it: `within` is read
    // until every one is found, not stored.
    let mut found: std::collections::HashMap<&str, bool> =
        mine.iter().map(|w| (w.as_ref(), false)).collect();
    let mut missing = found.len();
    for w in within.split_whitespace() {
        if let Some(seen) = found.get_mut(lower(w).as_ref())
            && !*seen
        {
            *seen = true;
            missing -= 1;
            if missing == 0 {
                break;
            }
        }
    }
    mine.iter().filter(|w| found[w.as_ref()]).count() as f64 / mine.len() as f64
}

/// The inner HTML of `<article>`, `<main>` or `<body>`, in that order of preference.
fn main_html(doc: &Document) -> String {
    for sel in ["article", "main", "[role=main]", "body"] {
        let s = doc.select(sel).first();
        if s.exists() {
            return s.inner_html().to_string();
        }
    }
    doc.html().to_string()
}

/// The first `<meta>` whose `property` or `name` is one of `keys` (case-insensitive).
fn meta(doc: &Document, keys: &[&str]) -> Option<String> {
    let metas = doc.select("meta");
    for key in keys {
        for node in metas.nodes() {
            let name = node.attr("property").or_else(|| node.attr("name"));
            if name.is_some_and(|n| n.eq_ignore_ascii_case(key))
                && let Some(c) = node.attr("content").filter(|c| !c.trim().is_empty())
            {
                return Some(c.trim().to_owned());
            }
        }
    }
    None
}

fn is_web(u: &str) -> bool {
    u.starts_with("http://") || u.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's text is read only as far as the standfirst's search needs it, and gives what
    /// the whole page's text gives: where each paragraph first stands (also across the points
    /// where it stops to search, and the second time a paragraph is said), and the text up to
    /// [`Standfirst::READ_PAST`] bytes after it.
    #[test]
    fn the_standfirst_is_placed_in_the_page_read_only_as_far_as_needed() {
        let filler = |n: usize| -> String {
            (0..n)
                .map(|i| format!("<p>Filler paragraph number {i} of the page, said once.</p>\n"))
                .collect()
        };
        let lead = "The council voted on Tuesday to close the old bridge for a year of repairs";
        let other = "Ferries will run every hour while the bridge is closed to all traffic";
        // The first paragraph in pieces (a text node a word), so that some of these pages
        // stop to search in the middle of it.
        let pieces: String = lead.split(' ').map(|w| format!("<b>{w}</b> ")).collect();
        let cases = (60..140).map(|b| (b, 1, 100));
        for (before, between, after) in [(0, 0, 0), (3, 1, 2), (90, 200, 300), (400, 0, 0)]
            .into_iter()
            .chain(cases)
        {
            let page = format!(
                "<html><body>{}<p>{pieces}</p>{}<div><span>{other}</span></div>{}<p>{lead}</p></body></html>",
                filler(before),
                filler(between),
                filler(after)
            );
            let doc = Document::from(page.as_str());
            let body = doc.select_single("body").nodes()[0];
            let whole = super::super::clean_passes::collapsed_text(&body);
            let texts = [
                lead.to_owned(),
                other.to_owned(),
                "Not on the page at all".to_owned(),
            ];
            let (read, at) = Standfirst::page_until_found(&body, &texts);
            let want: Vec<Option<usize>> = texts.iter().map(|t| whole.find(t.as_str())).collect();
            assert_eq!(at, want, "{before} {between} {after}");
            assert!(whole.starts_with(&read), "{before} {between} {after}");
            // A text not on the page is looked for to the end.
            assert_eq!(read, whole);
            let found = &texts[..2];
            let (read, at) = Standfirst::page_until_found(&body, found);
            let last = at.iter().map(|a| a.expect("found")).max().unwrap();
            assert!(whole.starts_with(&read));
            assert!(
                read.len() >= whole.len().min(last + Standfirst::READ_PAST),
                "{before} {between} {after}"
            );
            if whole.len() > last + Standfirst::READ_PAST + 8192 {
                assert!(
                    read.len() < whole.len(),
                    "read to the end: {before} {between} {after}"
                );
            }
        }
    }

    /// Cleaning Readability's article in its own tree gives what cleaning its serialized
    /// article gives, furniture taken and text kept, and leaves the page's tree whole.
    #[test]
    fn the_article_is_cleaned_in_readabilitys_tree_as_in_its_html() {
        let para = "<p>The council voted on Tuesday to close the old bridge for repairs, which \
                    will take a year, and the ferry will run every hour until it opens again.</p>";
        let page = format!(
            "<html><head><title>Old bridge to close</title></head><body><nav><a href='/'>Home</a></nav>\
             <article><h1>Old bridge to close</h1><p>By Jane Doe</p>{}\
             <div class='share-bar'><a href='#'>Facebook</a> <a href='#'>Twitter</a></div>\
             <p>Subscribe to our newsletter</p>{}<p>© 2026 Example News. All rights reserved.</p>\
             </article><footer>Contact us</footer></body></html>",
            para.repeat(4),
            para.repeat(3)
        );
        let known = super::super::clean::Known {
            title: Some("Old bridge to close"),
            byline: Some("Jane Doe"),
            ..Default::default()
        };
        let (a, grabbed) = readability(page_tree(&page, &[]), None).expect("an article");
        let (in_tree, [before, after]) = clean_grabbed(&grabbed, &a.content, &known);
        let (from_html, [before2, after2]) = super::super::clean::clean(&a.content, &known);
        let text = |h: &str| collapse(&Document::fragment(h).root().text());
        assert_eq!(text(&in_tree), text(&from_html));
        assert_eq!((before.words, after.words), (before2.words, after2.words));
        for gone in ["Facebook", "Subscribe", "rights reserved", "By Jane Doe"] {
            assert!(!in_tree.contains(gone), "{gone}: {in_tree}");
        }
        assert_eq!(in_tree.matches("old bridge for repairs").count(), 7);
        assert!(
            in_tree.starts_with("<div id=\"readability-page-1\""),
            "{in_tree}"
        );
    }

    /// A short post beside a long consent notice: Readability takes the notice, the page is read
    /// again without it, and the post is the article.
    #[test]
    fn readabilitys_choice_of_a_consent_notice_is_read_again_without_it() {
        let notice = "Privacy and cookies: this site uses cookies. By continuing to use this \
                      website, you agree to their use. To find out more, including how to \
                      control cookies, see here: our cookie policy, which says more, and more.";
        let page = format!(
            "<html><head><title>Nothing to do</title></head><body>\
             <div class='post'><h2>Nothing to do</h2>\
             <p>\u{201e}I know I am tired and should perhaps not say it, but the night is long.\u{201c}</p>\
             <p>\u{2013} \u{201e}Then do not say it, and go to sleep, my friend.\u{201c}</p>\
             <p>\u{2013} \u{201e}Ok.\u{201c}</p></div>\
             <div class='widget'><div id='eu-cookie-law'><p>{notice}</p><p>{notice}</p></div></div>\
             </body></html>"
        );
        let (_, grabbed) = readability(page_tree(&page, &[]), None).expect("an article");
        let block = furniture_choice(&grabbed).expect("Readability took the notice");
        assert_eq!(block.id.as_deref(), Some("eu-cookie-law"));
        let parsed = read_page(&page, None, &[], &[], None);
        assert!(
            parsed.body_html.contains("should perhaps not say it"),
            "{:?} {}",
            parsed.not_article,
            parsed.body_html
        );
        assert!(
            !parsed.body_html.contains("cookie policy"),
            "{}",
            parsed.body_html
        );
    }

    #[test]
    fn a_recipe_the_page_declares_wins_over_readabilitys_service_box_but_not_over_a_story() {
        let service = "<p>Our service team gladly answers your questions about our products, \
                       recipes and ingredients, about complaints, tours, seminars and more, \
                       from Monday to Friday, and we look forward to your call, always.</p>";
        let steps = [
            "Cream the butter with the sugar until it is pale and light.",
            "Fold in the flour, then the eggs, one at a time, gently.",
            "Bake at 180 degrees for forty minutes, until golden on top.",
        ];
        let ld = serde_json::json!({"@type": "Recipe",
            "recipeIngredient": ["200 g butter", "150 g sugar", "250 g flour", "3 eggs"],
            "recipeInstructions": steps.join("\n")});
        let card = format!(
            "<div class=card><table><tr><td>200 g</td><td>Butter</td></tr><tr><td>150 g</td><td>Sugar</td></tr>\
             <tr><td>250 g</td><td>Flour</td></tr></table><ol><li>{}</li><li>{}</li><li>{}</li></ol></div>",
            steps[0], steps[1], steps[2]
        );
        let page = |story: &str| {
            format!(
                "<html><head><title>Butter cake</title><script type='application/ld+json'>{ld}</script></head>\
                 <body><div class=entry>{story}{card}</div><div class=service>{service}{service}</div></body></html>"
            )
        };
        let parsed = read_page(&page(""), None, &[], &[], None);
        for t in [steps[0], steps[2], "Flour"] {
            assert!(parsed.body_html.contains(t), "{t} in {}", parsed.body_html);
        }
        assert!(
            !parsed.body_html.contains("service team"),
            "{}",
            parsed.body_html
        );
        // A story around the recipe is Readability's to keep.
        let story: String = (0..8)
            .map(|i| format!("<p>My grandmother baked this cake every Sunday, number {i}, and the whole house smelled of it, from the kitchen to the attic, for hours.</p>"))
            .collect();
        let parsed = read_page(&page(&story), None, &[], &[], None);
        assert!(
            parsed.body_html.contains("every Sunday, number 7"),
            "{}",
            parsed.body_html
        );
    }

    /// The words that make a block never the article, and names that do not.
    #[test]
    fn a_block_named_as_a_notice_or_an_authors_box_is_never_the_article() {
        let named = |attrs: &str| {
            let doc = Document::fragment(format!("<div {attrs}>x</div>"));
            let div = *doc.select_single("div").nodes().first().expect("a div");
            names_never_article(&div)
        };
        for yes in [
            "id='eu-cookie-law'",
            "class='widget widget_eu_cookie_law_widget'",
            "id='related_posts'",
            "class='author-description'",
            "id='authorBox'",
            "class='newsletterSignup'",
            // Any text may be a name: one that opens with letters of two bytes is read whole.
            "class='h\u{e4}\u{e4}-cookie'",
        ] {
            assert!(named(yes), "{yes}");
        }
        for no in [
            "class='content-behind-paywall'",
            "id='cuerpo-ad'",
            "id='authorGuidelines' class='author_guidelines'",
            "class='has-sidebar entry-content'",
            "class='post'",
            "class='main_color container_wrap sidebar_right'",
        ] {
            assert!(!named(no), "{no}");
        }
    }

    #[test]
    fn overlap_is_the_share_of_the_words_found_in_the_other_text() {
        // The set of every word of `within`, as it was built before.
        let reference = |text: &str, within: &str| {
            let words: std::collections::HashSet<String> =
                within.split_whitespace().map(str::to_lowercase).collect();
            let mine: Vec<String> = text
                .split_whitespace()
                .take(300)
                .map(str::to_lowercase)
                .collect();
            if mine.is_empty() {
                return 1.0;
            }
            mine.iter().filter(|w| words.contains(*w)).count() as f64 / mine.len() as f64
        };
        let long = "the bridge closes ".repeat(200) + "Ferry";
        for (text, within) in [
            (
                "The old Bridge closes the bridge",
                "the BRIDGE is old and it closes",
            ),
            (
                "Die Brücke SCHLIESST",
                "die brücke schließt nicht, sie schliesst",
            ),
            ("", "anything"),
            ("words here", ""),
            ("a a a b", "b"),
            (long.as_str(), "the bridge closes ferry"),
            ("ferry night", long.as_str()),
        ] {
            assert_eq!(
                overlap(text, within),
                reference(text, within),
                "{text:?} in {within:?}"
            );
        }
        assert_eq!(overlap("a a a b", "b"), 0.25);
    }

    #[test]
    fn a_page_that_opens_with_a_long_style_sheet_is_a_full_page() {
        let css = format!(
            "<style>{}</style>\n",
            "div.grid { opacity: 1; }\n".repeat(400)
        );
        assert!(css.len() > 8000);
        let page = format!(
            "{css}<!DOCTYPE html><HTML lang=en><head><title>T</title></head><body><p>x</p></body></html>"
        );
        assert!(is_full_page(&page));
        assert!(is_full_page("<Body><p>a</p></Body>"));
        assert!(!is_full_page(
            "<p>A fragment of my own.</p><div>no page here</div>"
        ));
        assert!(!is_full_page(&css));
    }

    #[test]
    fn an_elements_text_is_collapsed_in_place_up_to_a_bound() {
        let doc = Document::from(
            "<div id=a> The  old<b>bridge</b>\n\t<i> closes </i><!-- not text -->today. </div><p id=e> </p>",
        );
        let a = doc.select("#a").nodes()[0];
        let whole = collapse(&a.text());
        assert_eq!(whole, "The oldbridge closes today.");
        let n = whole.chars().count();
        assert_eq!(
            collapsed_text_within(&a, n).as_deref(),
            Some(whole.as_str())
        );
        assert_eq!(collapsed_text_within(&a, n - 1), None);
        let e = doc.select("#e").nodes()[0];
        assert_eq!(collapsed_text_within(&e, 0).as_deref(), Some(""));
        let text = doc.select("b").nodes()[0].first_child().unwrap();
        assert_eq!(collapsed_text_within(&text, 10).as_deref(), Some("bridge"));
    }

    #[test]
    fn a_noscript_tag_is_found_in_any_case_and_only_as_a_tag() {
        assert!(may_have_noscript(
            "<body><NoScript><img src=a.jpg></NOSCRIPT>"
        ));
        assert!(may_have_noscript("<noscript>"));
        assert!(!may_have_noscript("<p>Turn on noscript mode</p>"));
        // The walk it spares finds what `body noscript` selects, in order.
        let doc = Document::from(
            "<head><noscript>h</noscript></head><body><noscript id=a>1</noscript><div><noscript id=b>2</noscript></div></body>\
             <body class=second><noscript id=c>3</noscript></body><svg><body><noscript id=d>4</noscript></body></svg>",
        );
        let ids: Vec<_> = body_noscripts(&doc).iter().map(|n| n.attr("id")).collect();
        let selected: Vec<_> = doc
            .select("body noscript")
            .nodes()
            .iter()
            .map(|n| n.attr("id"))
            .collect();
        assert_eq!(ids, selected);
        assert_eq!(ids.len(), 4);
    }

    #[test]
    fn the_marks_of_an_article_are_what_their_selectors_select() {
        let doc = Document::from(
            "<body><main><div itemprop=articleBody>a</div><div itemprop=articlebody>b</div>\
             <section class='x entry-content'>c</section><div class='Article-Body'>d</div>\
             <div role=main>e</div><article>f</article><div class='post-content\u{a0}x'>g</div></main></body>",
        );
        let walked: Vec<String> = doc
            .root()
            .descendants_it()
            .filter(|n| n.query_or(false, |t| t.as_element().is_some_and(is_mark)))
            .map(|n| n.html().to_string())
            .collect();
        let selected: Vec<String> = doc
            .select("[itemprop=articleBody], article, .entry-content, .post-content, .article-body, .article-content, main, [role=main]")
            .nodes()
            .iter()
            .map(|n| n.html().to_string())
            .collect();
        assert_eq!(walked, selected);
    }

    #[test]
    fn fragment_is_kept_whole() {
        let p = read_fragment("<h1>Title here</h1><p>One.</p><p>Two.</p>");
        assert_eq!(p.title.as_deref(), Some("Title here"));
        assert!(
            p.body_html.contains("<p>One.</p><p>Two.</p>"),
            "{}",
            p.body_html
        );
        assert!(!p.body_html.contains("h1"));
    }

    #[test]
    fn short_page_falls_back_to_main_element() {
        let html = r#"<!doctype html><html lang="de"><head><title>Kurz</title>
            <meta property="og:site_name" content="Blog"></head>
            <body><nav>menu</nav><article><p>Ein kurzer Text.</p></article></body></html>"#;
        let p = read(html, Path::new("/tmp/x.html"));
        assert_eq!(p.title.as_deref(), Some("Kurz"));
        assert_eq!(p.lang.as_deref(), Some("de"));
        assert_eq!(p.source.as_deref(), Some("Blog"));
        assert!(p.body_html.contains("Ein kurzer Text."));
        assert!(!p.body_html.contains("menu"));
    }

    #[test]
    fn a_picture_in_a_noscript_replaces_its_lazy_placeholder_on_every_path() {
        let paras: String = (1..=6)
            .map(|i| format!("<p>Paragraph {i} of the story, long enough to be read as prose by every path that reads it.</p>"))
            .collect();
        let page = format!(
            "<html><head><title>T</title></head><body><article class='story'>{paras}\
             <figure><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' data-src='/lazy.jpg' class='lazy'>\
             <noscript><img src='/real.jpg' alt='The pier at dawn'></noscript>\
             <figcaption>The pier at dawn</figcaption></figure>\
             <p><span><img src='/shown.jpg' alt='Shown'></span><noscript><img src='/shown.jpg' alt='Shown'></noscript></p>\
             <div><noscript><img src='/alone.jpg' alt='Alone'></noscript></div>{paras}</article></body></html>"
        );
        for keep in [vec![], vec![".story".to_owned()]] {
            let p = extract_page(&page, Some("https://e.x/a"), &keep, &[]);
            let b = &p.body_html;
            assert!(
                b.contains("real.jpg") && !b.contains("data:image"),
                "{keep:?}: {b}"
            );
            assert_eq!(b.matches("shown.jpg").count(), 1, "{keep:?}: {b}");
            assert!(b.contains("alone.jpg"), "{keep:?}: {b}");
            assert!(!b.contains("<noscript"), "{keep:?}: {b}");
        }
    }

    #[test]
    fn an_article_in_a_noscript_is_read() {
        let paras: String = (1..=6)
            .map(|i| format!("<p>Paragraph {i}: the harbour authority said on Monday that the new ferry timetable starts in May, with boats every twenty minutes.</p>"))
            .collect();
        let page = format!(
            "<!doctype html><html><head><title>Ferries</title></head><body>\
             <nav><a href='/'>Home</a></nav><div class='post-body'><noscript>{paras}</noscript>\
             </div><script>render()</script></body></html>"
        );
        let p = read(&page, Path::new("/tmp/x.html"));
        assert!(p.not_article.is_none(), "{:?}", p.not_article);
        assert!(p.body_html.contains("Paragraph 1:"), "{}", p.body_html);
        assert!(p.body_html.contains("Paragraph 6:"), "{}", p.body_html);
    }

    #[test]
    fn the_article_wins_over_a_longer_list_of_names_readability_prefers() {
        // A letter and its signatories: Readability scores the list (many short paragraphs
        // with commas) above the letter.
        let names: String = (0..300)
            .map(|i| format!("<p>Signatory {i}, writer, of North University, and editor</p>"))
            .collect();
        let paras: String = (1..=5)
            .map(|i| format!("<p>Paragraph {i}: chefs and charities wrote to every member of parliament on Sunday, asking for free school meals to continue through the holidays.</p>"))
            .collect();
        let page = format!(
            "<!doctype html><html><head><title>Letter</title></head><body>\
             <div class='story'><h2>The letter</h2>{paras}</div>\
             <div class='signatories'><div>{names}</div></div></body></html>"
        );
        let p = read(&page, Path::new("/tmp/x.html"));
        let start: String = p.body_html.chars().take(500).collect();
        assert!(p.body_html.contains("Paragraph 1:"), "{start}");
        assert!(p.body_html.contains("Paragraph 5:"));
        assert!(!p.body_html.contains("Signatory 7,"), "{start}");
    }

    #[test]
    fn the_standfirst_above_the_body_joins_it_once() {
        let lead = "The old pier closes for a year of repairs, and the ferries move north.";
        let paras: String = (1..=8)
            .map(|i| format!("<p>Paragraph {i} of the story: the harbour authority said on Monday that the work would start in May and last most of next year.</p>"))
            .collect();
        let page = |body_lead: bool| {
            format!(
                "<!doctype html><html><head><title>Pier</title>\
                 <meta name=\"description\" content=\"{lead}\"></head><body>\
                 <header><h1>Pier to close</h1><p class=\"standfirst\">{lead}</p></header>\
                 <div class=\"story-body\">{}{paras}</div>\
                 <aside><p>{lead}</p></aside></body></html>",
                if body_lead {
                    format!("<p>{lead}</p>")
                } else {
                    String::new()
                }
            )
        };
        let p = read(&page(false), Path::new("/tmp/x.html"));
        assert!(
            p.body_html.starts_with(&format!("<p>{lead}</p>")),
            "{}",
            p.body_html
        );
        assert_eq!(p.body_html.matches(lead).count(), 1, "{}", p.body_html);
        // A body that holds it already gets it once.
        let p = read(&page(true), Path::new("/tmp/x.html"));
        assert_eq!(p.body_html.matches(lead).count(), 1, "{}", p.body_html);
    }

    #[test]
    fn a_standfirst_the_page_names_joins_the_body_but_an_author_box_does_not() {
        let lead =
            "Rents rose faster than wages for the ninth year running, and the city has no plan.";
        let paras: String = (1..=8)
            .map(|i| format!("<p>Paragraph {i} of the story: the housing office said on Monday that the figures came from three thousand leases signed last year.</p>"))
            .collect();
        // No description to find it by: only its class says what it is.
        let page = |class: &str| {
            format!(
                "<!doctype html><html><head><title>Rents</title></head><body>\
                 <header><h1>Rents outpace wages</h1><div class=\"{class}\">{lead}</div></header>\
                 <div class=\"story-body\">{paras}</div></body></html>"
            )
        };
        for class in ["article-dek", "c-intro", "Post__lead", "bajada"] {
            let p = read(&page(class), Path::new("/tmp/x.html"));
            assert!(
                p.body_html.starts_with(&format!("<p>{lead}</p>")),
                "{class}: {}",
                p.body_html
            );
            assert_eq!(p.body_html.matches(lead).count(), 1, "{}", p.body_html);
        }
        for class in ["author-description", "teaser-list", "newsletter-intro"] {
            let p = read(&page(class), Path::new("/tmp/x.html"));
            assert!(!p.body_html.contains(lead), "{class}: {}", p.body_html);
        }
    }
}
