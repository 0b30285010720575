//! What a script-built page carries besides its visible HTML. A page whose text a script
//! writes often sends that text along: as the JSON-LD `articleBody` it gives search engines, in
//! the state a framework hands its scripts (Next.js's `__NEXT_DATA__`, Nuxt's `__NUXT_DATA__`),
//! or in a `<template>` the script copies into the page. When the visible HTML holds little
//! and one of these holds an article's worth of prose, the article is read from it.
//!
//! Only what the site sends every reader is read; a page that says its body is for
//! subscribers (`isAccessibleForFree: false`) is not read past, and a page judged a wall stays
//! one (see `html::read_page`).

use dom_query::{Document, NodeRef};
use serde_json::Value;

/// The most a carried text is read at (bytes): framework state can be megabytes of catalogue.
const MOST: usize = 4 * 1024 * 1024;

/// At least this many words of prose make a carried article (a teaser's list is less).
pub(crate) const ARTICLE_WORDS: usize = 120;

/// The raw carriers found on a page, read only when the visible page falls short.
#[derive(Debug, Default)]
pub(crate) struct Carried {
    ld: Vec<String>,
    state: Vec<(&'static str, String)>,
    templates: Vec<String>,
}

/// An article read from a carrier.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    /// The body as HTML paragraphs.
    pub html: String,
    /// Where it was read from ("JSON-LD articleBody", "__NEXT_DATA__", "a <template>").
    pub from: &'static str,
    /// Its words.
    pub words: usize,
}

impl Carried {
    /// Collect the carriers' raw text (cheap: no JSON is parsed here).
    pub fn of(doc: &Document) -> Carried {
        let mut c = Carried::default();
        // One walk of the tree for every kind: what `script[type='application/ld+json'],
        // script#__NEXT_DATA__, script#__NUXT_DATA__, body template` selects, by hand (the
        // selector list cost more than the rest of this).
        let carrier = |n: &NodeRef| {
            n.query_or(false, |t| {
                t.as_element().is_some_and(|e| match &*e.name.local {
                    "script" => e.attrs.iter().any(|a| match &*a.name.local {
                        "type" => &*a.value == "application/ld+json",
                        "id" => matches!(&*a.value, "__NEXT_DATA__" | "__NUXT_DATA__"),
                        _ => false,
                    }),
                    "template" => true,
                    _ => false,
                })
            })
        };
        for n in doc.root().descendants_it().filter(carrier) {
            if n.has_name("template") && !n.ancestors_it(None).any(|a| a.has_name("body")) {
                continue;
            }
            if n.has_name("template") {
                // A template's content is a fragment of its own: its serialisation holds it.
                let html = n.html();
                if html.len() <= MOST && html.contains("<p") {
                    c.templates.push(html.to_string());
                }
                continue;
            }
            let t = n.text();
            if t.len() > MOST {
                continue;
            }
            match n.attr("id").as_deref() {
                Some("__NEXT_DATA__") => c.state.push(("__NEXT_DATA__", t.to_string())),
                Some("__NUXT_DATA__") => c.state.push(("__NUXT_DATA__", t.to_string())),
                _ if t.contains("articleBody") || super::recipe::may_have(&t) => {
                    c.ld.push(t.to_string())
                }
                _ => {}
            }
        }
        c
    }

    /// Does the page carry anything to read?
    pub fn is_empty(&self) -> bool {
        self.ld.is_empty() && self.state.is_empty() && self.templates.is_empty()
    }

    /// The article the page carries, if one of the carriers holds an article's worth of prose:
    /// the JSON-LD body first (the page's own statement of its text), then framework state,
    /// then templates; within a kind, the longest.
    pub fn article(&self, title: Option<&str>) -> Option<Found> {
        let best = |found: Vec<Found>| {
            found
                .into_iter()
                .filter(|f| f.words >= ARTICLE_WORDS)
                .max_by_key(|f| f.words)
        };
        let values: Vec<Value> = self
            .ld
            .iter()
            .filter_map(|t| serde_json::from_str::<Value>(t.trim()).ok())
            .collect();
        let ld = gathered(&values, article_bodies)
            .into_iter()
            .map(|b| paragraphs_of(&[b], "JSON-LD articleBody"))
            .collect();
        if let Some(f) = best(ld) {
            return Some(f);
        }
        let how_to = gathered(&values, how_tos)
            .into_iter()
            .map(|pieces| paragraphs_of(&pieces, "JSON-LD how-to steps"))
            .collect();
        if let Some(f) = best(how_to) {
            return Some(f);
        }
        let state = self
            .state
            .iter()
            .filter_map(|(name, t)| {
                let v = serde_json::from_str::<Value>(t.trim()).ok()?;
                let runs = prose_runs(&v);
                let run = runs.into_iter().max_by_key(|r| words_of(r))?;
                let run: Vec<String> = run
                    .into_iter()
                    .filter(|p| title.is_none_or(|t| p.trim() != t.trim()))
                    .collect();
                Some(paragraphs_of(&run, name))
            })
            .collect();
        if let Some(f) = best(state) {
            return Some(f);
        }
        let templates = self
            .templates
            .iter()
            .map(|t| {
                let inner = t
                    .split_once('>')
                    .map(|(_, rest)| rest.strip_suffix("</template>").unwrap_or(rest))
                    .unwrap_or_default();
                let words = words_of(&[text_of(inner)]);
                Found {
                    html: inner.to_owned(),
                    from: "a <template>",
                    words,
                }
            })
            .collect();
        best(templates)
    }
}

/// What `walk` (one of the JSON-LD walkers below) finds in each of `values`, in order.
fn gathered<T>(values: &[Value], walk: fn(&Value, usize, &mut Vec<T>)) -> Vec<T> {
    let mut found = Vec::new();
    for v in values {
        walk(v, 0, &mut found);
    }
    found
}

/// The `articleBody` strings of JSON-LD objects, unless the object says it is for
/// subscribers.
fn article_bodies(v: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 12 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| article_bodies(i, depth + 1, out)),
        Value::Object(map) => {
            let closed = map.get("isAccessibleForFree").is_some_and(|f| {
                f == &Value::Bool(false)
                    || f.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
            });
            if let Some(Value::String(body)) = map.get("articleBody")
                && !closed
            {
                out.push(body.clone());
            }
            for (k, child) in map {
                if k != "articleBody" {
                    article_bodies(child, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// The recipes and how-tos of JSON-LD, each as its pieces in reading order: its description,
/// its ingredients, its steps (a section's name before its steps).
fn how_tos(v: &Value, depth: usize, out: &mut Vec<Vec<String>>) {
    if depth > 12 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| how_tos(i, depth + 1, out)),
        Value::Object(map) => {
            let steps = map.get("recipeInstructions").or_else(|| map.get("step"));
            let Some(steps) = steps else {
                map.values()
                    .for_each(|child| how_tos(child, depth + 1, out));
                return;
            };
            let mut pieces = Vec::new();
            if let Some(Value::String(d)) = map.get("description") {
                pieces.push(d.clone());
            }
            if let Some(Value::Array(items)) = map.get("recipeIngredient") {
                pieces.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            steps_of(steps, 0, &mut pieces);
            out.push(pieces);
        }
        _ => {}
    }
}

/// A how-to's steps: texts, lists of them, `HowToStep`s (their `text`), `HowToSection`s (their
/// `name`, then their `itemListElement`).
fn steps_of(v: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 6 {
        return;
    }
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| steps_of(i, depth + 1, out)),
        Value::Object(map) => match (map.get("text"), map.get("itemListElement")) {
            (Some(text), _) => steps_of(text, depth + 1, out),
            (None, Some(items)) => {
                if let Some(Value::String(name)) = map.get("name") {
                    out.push(name.clone());
                }
                steps_of(items, depth + 1, out);
            }
            (None, None) => {}
        },
        _ => {}
    }
}

/// Is this string a piece of prose (rather than a name, an address, a key or a date)?
fn is_prose(s: &str) -> bool {
    let s = s.trim();
    if s.len() < 30 || s.starts_with("http") || s.starts_with('/') || s.starts_with('{') {
        return false;
    }
    let text = if s.contains('<') {
        text_of(s)
    } else {
        s.to_owned()
    };
    let words = text.split_whitespace().count();
    let wide = text.chars().filter(|c| is_wide(*c)).count();
    words >= 6 || wide >= 20
}

/// Ideographs and kana, written without spaces between words.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF)
}

/// The runs of prose in framework state: for every array, the prose strings found in its items
/// in order (a list of paragraphs, of blocks with a `text` field, or Nuxt's flat array of every
/// value), and every single string that is HTML with paragraphs.
fn prose_runs(v: &Value) -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    walk(v, 0, &mut runs);
    runs
}

fn walk(v: &Value, depth: usize, runs: &mut Vec<Vec<String>>) {
    if depth > 40 {
        return;
    }
    match v {
        Value::String(s) if s.matches("<p").count() >= 2 => runs.push(vec![s.clone()]),
        Value::Array(items) => {
            let mut run = Vec::new();
            for i in items {
                strings(i, depth + 1, &mut run);
            }
            if run.len() >= 2 {
                runs.push(run);
            }
            items.iter().for_each(|i| walk(i, depth + 1, runs));
        }
        Value::Object(map) => map.values().for_each(|c| walk(c, depth + 1, runs)),
        _ => {}
    }
}

/// The prose strings within a value, in order.
fn strings(v: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 40 {
        return;
    }
    match v {
        Value::String(s) if is_prose(s) && out.last().is_none_or(|l| l != s) => {
            out.push(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|i| strings(i, depth + 1, out)),
        Value::Object(map) => map.values().for_each(|c| strings(c, depth + 1, out)),
        _ => {}
    }
}

/// Strings (plain text with paragraphs at blank lines or line ends, or HTML) as HTML
/// paragraphs.
fn paragraphs_of(pieces: &[String], from: &'static str) -> Found {
    let mut html = String::new();
    for p in pieces {
        if p.contains("</p>") || p.contains("<br") {
            html.push_str(p);
            html.push('\n');
            continue;
        }
        let p = if p.contains('<') {
            text_of(p)
        } else {
            p.clone()
        };
        let blocks: Vec<&str> = if p.contains("\n\n") {
            p.split("\n\n").collect()
        } else {
            p.split('\n').collect()
        };
        for b in blocks {
            let b = b.split_whitespace().collect::<Vec<_>>().join(" ");
            if !b.is_empty() {
                html.push_str("<p>");
                html.push_str(&escape(&b));
                html.push_str("</p>\n");
            }
        }
    }
    let words = words_of(&[text_of(&html)]);
    Found { html, from, words }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The text of an HTML fragment.
fn text_of(html: &str) -> String {
    Document::fragment(html).root().text().to_string()
}

/// Words of prose (a run of ideographs counts as one word for every two characters).
pub(crate) fn words_of(texts: &[String]) -> usize {
    texts
        .iter()
        .map(|t| {
            let wide = t.chars().filter(|c| is_wide(*c)).count();
            t.split_whitespace().count() + wide / 2
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(i: usize) -> String {
        format!("This is sentence number {i} of the story, and it tells the reader something new.")
    }

    #[test]
    fn json_ld_article_body_is_read_in_paragraphs_unless_it_is_for_subscribers() {
        let body = (0..20).map(sentence).collect::<Vec<_>>().join("\n\n");
        let page = |free: &str| {
            format!(
                r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle"{free},"articleBody":{}}}</script></head><body><div id="root"></div></body></html>"#,
                serde_json::to_string(&body).unwrap()
            )
        };
        let doc = Document::from(page("").as_str());
        let f = Carried::of(&doc).article(None).unwrap();
        assert_eq!(f.from, "JSON-LD articleBody");
        assert_eq!(f.html.matches("<p>").count(), 20);
        assert!(f.html.contains(&sentence(19)));
        let closed = Document::from(page(r#","isAccessibleForFree":false"#).as_str());
        assert_eq!(Carried::of(&closed).article(None), None);
    }

    #[test]
    fn a_how_to_is_read_as_its_description_ingredients_and_steps_in_order() {
        let steps: Vec<Value> = (0..8)
            .map(|i| serde_json::json!({"@type": "HowToStep", "text": format!("<p>{}</p>", sentence(i))}))
            .collect();
        let ld = serde_json::json!({"@context": "https://schema.org", "@graph": [
            {"@type": "BreadcrumbList"},
            {"@type": "HowTo", "name": "A round tablecloth",
             "description": format!("<p>{}</p>", sentence(100)),
             "recipeIngredient": ["Two metres of linen cloth", "A spool of thread"],
             "step": [{"@type": "HowToSection", "name": "Measuring", "itemListElement": steps}]}
        ]});
        let page = format!(
            r#"<html><head><script type="application/ld+json">{ld}</script></head><body><div id="app"></div></body></html>"#
        );
        let f = Carried::of(&Document::from(page.as_str()))
            .article(None)
            .unwrap();
        assert_eq!(f.from, "JSON-LD how-to steps");
        let at = |t: &str| {
            f.html
                .find(t)
                .unwrap_or_else(|| panic!("{t} in {}", f.html))
        };
        assert!(at(&sentence(100)) < at("Two metres of linen cloth"));
        assert!(at("A spool of thread") < at("<p>Measuring</p>"));
        assert!(at("<p>Measuring</p>") < at(&sentence(0)));
        assert!(at(&sentence(0)) < at(&sentence(7)));
        // Two short steps are no article.
        let ld = serde_json::json!({"@type": "HowTo", "step": ["Cut it.", "Sew it."]});
        let page = format!(r#"<script type="application/ld+json">{ld}</script>"#);
        assert_eq!(
            Carried::of(&Document::from(page.as_str())).article(None),
            None
        );
    }

    #[test]
    fn next_data_blocks_are_read_in_order_and_a_short_list_is_not_an_article() {
        let blocks: Vec<Value> = (0..15)
            .map(|i| serde_json::json!({"type": "paragraph", "id": i, "text": sentence(i)}))
            .collect();
        let state = serde_json::json!({"props": {"pageProps": {
            "title": "The story",
            "related": [{"headline": "Another story is here for you to read now"}, {"headline": "A third story is here for you to read now"}],
            "article": {"url": "https://e.x/a", "blocks": blocks}
        }}});
        let page = format!(
            r#"<html><body><div id="__next"></div><script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>"#
        );
        let f = Carried::of(&Document::from(page.as_str()))
            .article(Some("The story"))
            .unwrap();
        assert_eq!(f.from, "__NEXT_DATA__");
        let first = f.html.find(&sentence(0)).unwrap();
        let last = f.html.find(&sentence(14)).unwrap();
        assert!(first < last);
        assert!(!f.html.contains("Another story"), "{}", f.html);
        // Only the related list: not an article.
        let state = serde_json::json!({"props": {"related": [{"headline": "Another story is here for you to read now"}, {"headline": "A third story is here for you to read now"}]}});
        let page = format!(r#"<script id="__NEXT_DATA__">{state}</script>"#);
        assert_eq!(
            Carried::of(&Document::from(page.as_str())).article(None),
            None
        );
    }

    #[test]
    fn nuxt_flat_state_and_a_template_are_read() {
        let mut flat = vec![
            serde_json::json!({"data": 1}),
            serde_json::json!("The story"),
        ];
        flat.extend((0..15).map(|i| serde_json::json!(sentence(i))));
        let page = format!(
            r#"<html><body><div id="__nuxt"></div><script type="application/json" id="__NUXT_DATA__">{}</script></body></html>"#,
            Value::Array(flat)
        );
        let f = Carried::of(&Document::from(page.as_str()))
            .article(Some("The story"))
            .unwrap();
        assert_eq!(f.from, "__NUXT_DATA__");
        assert!(!f.html.contains(">The story<"));
        assert_eq!(f.html.matches("<p>").count(), 15);

        let ps: String = (0..12).map(|i| format!("<p>{}</p>", sentence(i))).collect();
        let page = format!(
            r#"<html><body><div id="app"></div><template id="t"><article>{ps}</article></template></body></html>"#
        );
        let f = Carried::of(&Document::from(page.as_str()))
            .article(None)
            .unwrap();
        assert_eq!(f.from, "a <template>");
        assert!(f.html.starts_with("<article><p>"), "{}", f.html);
        assert!(f.words >= ARTICLE_WORDS);
    }
}
