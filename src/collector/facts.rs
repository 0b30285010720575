//! What a page says about itself — its language, base, metadata, canonical address, title,
//! headline, JSON-LD, the marks of a bot check or an app shell — read in one walk of its tree.
//! (It was some thirty selector searches of the whole tree a page, a tenth of the extractor's
//! time: BENCHMARKS.md, "Extraction speed".) `html::Head` and `verdict::Claims` are made from it.

use dom_query::{Document, NodeRef};

/// The app frameworks' root elements: empty, with scripts, they mark an app shell.
pub const APP_ROOT_IDS: &[&str] = &["root", "app", "__next", "__nuxt", "svelte"];

/// Ids and classes of the common bot checks' forms (Cloudflare, PerimeterX).
const CHALLENGE_IDS: &[&str] = &[
    "challenge-form",
    "challenge-running",
    "cf-challenge-running",
    "px-captcha",
];
const CHALLENGE_CLASSES: &[&str] = &["cf-browser-verification"];
/// Parts of the addresses of bot checks' scripts (Cloudflare, DataDome).
const CHALLENGE_SCRIPTS: &[&str] = &["/cdn-cgi/challenge-platform/", "captcha-delivery.com"];

#[derive(Debug, Default)]
pub struct Facts {
    /// The `<html>` element's `lang`, else its `xml:lang` (trimmed, not empty).
    pub lang: Option<String>,
    /// The first `<base>`'s `href`.
    pub base_href: Option<String>,
    /// Each `<meta>` with content: its `property` (else its `name`) and its content, in order.
    pub metas: Vec<(String, String)>,
    /// The first `<meta property="og:type">`'s content.
    pub og_type: Option<String>,
    /// The first `<time datetime>`'s `datetime`.
    pub time_datetime: Option<String>,
    /// The first `<link rel=canonical>`'s `href`.
    pub canonical: Option<String>,
    /// The text of the first `<title>` and of the first `<h1>`, as they are.
    pub title: Option<String>,
    pub h1: Option<String>,
    /// The text of each `<script type="application/ld+json">`.
    pub ld_json: Vec<String>,
    /// `<script>`s inside `<body>`.
    pub body_scripts: usize,
    /// A bot check's form or script is on the page.
    pub challenge_mark: bool,
    /// An app root element (`#root`, `#app`, …, `<app-root>`) is on the page and empty.
    pub empty_root: bool,
    /// A `<noscript>` asks to turn on JavaScript.
    pub turn_on_javascript: bool,
}

fn trimmed(v: Option<impl AsRef<str>>) -> Option<String> {
    v.map(|v| v.as_ref().trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl Facts {
    pub fn of(doc: &Document) -> Facts {
        let mut f = Facts::default();
        let mut html_seen = false;
        let mut base_seen = false;
        let mut time_seen = false;
        let mut canonical_seen = false;
        let mut og_type_seen = false;
        // App roots by selector: (seen, all of them empty).
        let mut roots = [(false, true); 6];
        let mut stack: Vec<(NodeRef, bool)> = Vec::with_capacity(64);
        if let Some(first) = doc.root().first_child() {
            stack.push((first, false));
        }
        while let Some((n, in_body)) = stack.pop() {
            if let Some(next) = n.next_sibling() {
                stack.push((next, in_body));
            }
            if !n.is_element() {
                continue;
            }
            let Some(q) = n.qual_name_ref() else {
                continue;
            };
            let name: &str = &q.local;
            let inner_body = in_body || name == "body";
            match name {
                "html" if !html_seen => {
                    html_seen = true;
                    f.lang = trimmed(n.attr("lang")).or_else(|| trimmed(n.attr("xml:lang")));
                }
                "base" if !base_seen => {
                    base_seen = true;
                    f.base_href = trimmed(n.attr("href"));
                }
                "meta" => {
                    let key = n.attr("property").or_else(|| n.attr("name"));
                    if !og_type_seen && n.attr("property").is_some_and(|p| &*p == "og:type") {
                        og_type_seen = true;
                        f.og_type = n.attr("content").map(|c| c.to_string());
                    }
                    if let (Some(key), Some(content)) = (key, trimmed(n.attr("content"))) {
                        f.metas.push((key.to_string(), content));
                    }
                }
                "time" if !time_seen && n.attr("datetime").is_some() => {
                    time_seen = true;
                    f.time_datetime = trimmed(n.attr("datetime"));
                }
                "link" if !canonical_seen && n.attr("rel").is_some_and(|r| &*r == "canonical") => {
                    canonical_seen = true;
                    f.canonical = trimmed(n.attr("href"));
                }
                "title" if f.title.is_none() => f.title = Some(n.text().to_string()),
                "h1" if f.h1.is_none() => f.h1 = Some(n.text().to_string()),
                "script" => {
                    if in_body {
                        f.body_scripts += 1;
                    }
                    if n.attr("type").is_some_and(|t| &*t == "application/ld+json") {
                        f.ld_json.push(n.text().to_string());
                    }
                    if n.attr("src")
                        .is_some_and(|s| CHALLENGE_SCRIPTS.iter().any(|c| s.contains(c)))
                    {
                        f.challenge_mark = true;
                    }
                }
                "noscript" if !f.turn_on_javascript => {
                    let t = n.text().to_lowercase();
                    f.turn_on_javascript =
                        t.contains("javascript") && (t.contains("enable") || t.contains("turn on"));
                }
                _ => {}
            }
            if let Some(id) = n.attr("id") {
                let id = &*id;
                if CHALLENGE_IDS.contains(&id) {
                    f.challenge_mark = true;
                }
                if let Some(i) = APP_ROOT_IDS.iter().position(|r| *r == id) {
                    roots[i].0 = true;
                    roots[i].1 &= n.text().trim().is_empty();
                }
            }
            if name == "app-root" {
                roots[5].0 = true;
                roots[5].1 &= n.text().trim().is_empty();
            }
            if let Some(class) = n.attr("class")
                && class
                    .split_whitespace()
                    .any(|c| CHALLENGE_CLASSES.contains(&c))
            {
                f.challenge_mark = true;
            }
            if let Some(child) = n.first_child() {
                stack.push((child, inner_body));
            }
        }
        f.empty_root = roots.iter().any(|(seen, empty)| *seen && *empty);
        f
    }

    /// The first `<meta>` whose `property` or `name` is one of `keys` (case-insensitive), the
    /// keys in order of preference.
    pub fn meta(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|key| {
            self.metas
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, c)| c.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_walk_reads_what_the_page_says_about_itself() {
        let page = r#"<!doctype html><html lang=" de-AT "><head><title>Ein Titel</title>
            <base href="https://example.org/a/"><base href="https://example.org/b/">
            <meta property="og:type" content="article"><meta name="Description" content=" Kurz. ">
            <meta property="og:title" content=""><meta name="author" content="Ann Lee">
            <link rel="canonical" href="https://example.org/story">
            <script type="application/ld+json">{"@type":"NewsArticle"}</script>
            <script src="https://x.example/cdn-cgi/challenge-platform/h/b/orchestrate"></script></head>
            <body><h1>Erste</h1><h1>Zweite</h1><time>heute</time><time datetime=" 2025-01-14 ">x</time>
            <div id="root"></div><script>1</script><script>2</script>
            <noscript>Please enable JavaScript.</noscript></body></html>"#;
        let f = Facts::of(&Document::from(page));
        assert_eq!(f.lang.as_deref(), Some("de-AT"));
        assert_eq!(f.base_href.as_deref(), Some("https://example.org/a/"));
        assert_eq!(
            f.meta(&["og:title", "description"]).as_deref(),
            Some("Kurz.")
        );
        assert_eq!(f.meta(&["author"]).as_deref(), Some("Ann Lee"));
        assert_eq!(f.og_type.as_deref(), Some("article"));
        assert_eq!(f.time_datetime.as_deref(), Some("2025-01-14"));
        assert_eq!(f.canonical.as_deref(), Some("https://example.org/story"));
        assert_eq!(f.title.as_deref(), Some("Ein Titel"));
        assert_eq!(f.h1.as_deref(), Some("Erste"));
        assert_eq!(f.ld_json, [r#"{"@type":"NewsArticle"}"#]);
        assert_eq!(f.body_scripts, 2);
        assert!(f.challenge_mark);
        assert!(f.empty_root);
        assert!(f.turn_on_javascript);

        let plain = Facts::of(&Document::from(
            "<html><body><div id=\"app\"><p>Text</p></div><p class=\"cf-browser-verification x\">y</p></body></html>",
        ));
        assert!(!plain.empty_root, "a root with text is no empty shell");
        assert!(plain.challenge_mark);
        assert_eq!(plain.lang, None);
        assert_eq!(plain.body_scripts, 0);
    }
}
