//! A site's rule applied to one page: the replacements on its HTML, then the page parsed by
//! html5ever into an `sxd-document` tree (`sxd_html`) where the rule's XPath 1.0 expressions
//! are evaluated by `sxd-xpath`; what `strip` names is taken out, and the title, author,
//! date, body and the links to the next or the single page are read. The page comes back as
//! HTML for the rest of extraction (its head's metadata, Readability when the rule finds no
//! body).

use sxd_document::QName;
use sxd_document::dom::{ChildOfElement, ChildOfRoot, Document, Element};
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, Value};

use super::file::SiteRule;
use crate::words::collapse;

/// What a rule made of a page.
#[derive(Debug, Clone, Default)]
pub struct Ruled {
    /// The page after the replacements and the strips, as HTML.
    pub page: String,
    /// The body the rule found: its elements' HTML in the page's order, or `None`.
    pub body: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    /// The single-page version's address, as the page writes it.
    pub single_page: Option<String>,
    /// The next page's address, as the page writes it.
    pub next_page: Option<String>,
    /// The rule's `native_ad_clue` matched.
    pub native_ad: bool,
}

/// Apply `rule` to the page `html`.
pub fn apply(rule: &SiteRule, html: &str) -> Ruled {
    let mut text = html.to_owned();
    for (needle, replacement) in &rule.replace {
        if text.contains(needle.as_str()) {
            text = text.replace(needle.as_str(), replacement);
        }
    }
    let package = sxd_html::parse_html(&text);
    let doc = package.as_document();
    let context = Context::new();
    let eval = |expr: &str| -> Option<Value<'_>> {
        let xpath = Factory::new().build(expr).ok().flatten()?;
        xpath.evaluate(&context, doc.root()).ok()
    };
    let nodes = |expr: &str| -> Vec<Node<'_>> {
        match eval(expr) {
            Some(Value::Nodeset(set)) => set.document_order(),
            _ => vec![],
        }
    };
    let mut out = Ruled {
        native_ad: rule.native_ad_clue.iter().any(|e| match eval(e) {
            Some(Value::Nodeset(set)) => set.size() > 0,
            Some(Value::Boolean(b)) => b,
            _ => false,
        }),
        ..Ruled::default()
    };
    // What the page says of itself, and its links, first (as Full-Text RSS does): the strips
    // may take out the byline or the bar that holds them.
    out.title = first_text(&rule.title, &eval, false);
    out.date = first_text(&rule.date, &eval, false);
    out.author = rule.author.iter().find_map(|e| {
        let names: Vec<String> = match eval(e)? {
            Value::Nodeset(set) => set
                .document_order()
                .iter()
                .map(|n| collapse(&n.string_value()))
                .filter(|s| !s.is_empty())
                .collect(),
            Value::String(s) => vec![collapse(&s)],
            _ => vec![],
        };
        let mut unique: Vec<String> = vec![];
        for n in names {
            if !unique.contains(&n) {
                unique.push(n);
            }
        }
        Some(unique.join(", ")).filter(|s| !s.is_empty())
    });
    out.single_page = first_text(&rule.single_page_link, &eval, true);
    out.next_page = first_text(&rule.next_page_link, &eval, true);
    for expr in &rule.strip {
        remove_all(&nodes(expr));
    }
    for name in &rule.strip_id_or_class {
        remove_all(&nodes(&id_or_class(name)));
    }
    for part in &rule.strip_image_src {
        let quoted = if part.contains('\'') {
            format!("\"{part}\"")
        } else {
            format!("'{part}'")
        };
        remove_all(&nodes(&format!("//img[contains(@src, {quoted})]")));
    }
    out.body = rule.body.iter().find_map(|e| {
        let found: Vec<Element> = nodes(e).into_iter().filter_map(|n| n.element()).collect();
        // An element inside another found one is already in it.
        let outer: Vec<Element> = found
            .iter()
            .copied()
            .filter(|el| !has_ancestor_in(*el, &found))
            .collect();
        let mut html = String::new();
        for el in outer {
            write_element(el, &mut html);
            html.push('\n');
        }
        Some(html).filter(|h| has_text(h))
    });
    out.page = write_document(&doc);
    out
}

/// The XPath of an element whose `id` is `name` or whose classes include it (`a.b`: all of
/// them), as the format means `strip_id_or_class`.
fn id_or_class(name: &str) -> String {
    let q = |s: &str| {
        if s.contains('\'') {
            format!("\"{s}\"")
        } else {
            format!("'{s}'")
        }
    };
    let classes: Vec<String> = name
        .split('.')
        .filter(|c| !c.is_empty())
        .map(|c| {
            format!(
                "contains(concat(' ', normalize-space(@class), ' '), {})",
                q(&format!(" {c} "))
            )
        })
        .collect();
    format!("//*[@id = {} or ({})]", q(name), classes.join(" and "))
}

/// The first expression's text: an attribute's value, an element's text (`link`: an
/// element's `href`), or a string the expression computes.
fn first_text<'d>(
    exprs: &[String],
    eval: &dyn Fn(&str) -> Option<Value<'d>>,
    link: bool,
) -> Option<String> {
    exprs.iter().find_map(|e| {
        let s = match eval(e)? {
            Value::Nodeset(set) => {
                let first = set.document_order_first()?;
                match first.element() {
                    Some(el) if link => el
                        .attribute_value("href")
                        .map(str::to_owned)
                        .unwrap_or_else(|| first.string_value()),
                    _ => first.string_value(),
                }
            }
            Value::String(s) => s,
            _ => return None,
        };
        Some(collapse(&s)).filter(|s| !s.is_empty())
    })
}

fn remove_all(nodes: &[Node]) {
    for n in nodes {
        match n {
            Node::Element(e) => e.remove_from_parent(),
            Node::Text(t) => t.remove_from_parent(),
            Node::Comment(c) => c.remove_from_parent(),
            Node::Attribute(a) => a.remove_from_parent(),
            _ => {}
        }
    }
}

fn has_ancestor_in(el: Element, set: &[Element]) -> bool {
    let mut at = el.parent();
    while let Some(p) = at {
        match p {
            sxd_document::dom::ParentOfChild::Element(e) => {
                if set.contains(&e) {
                    return true;
                }
                at = e.parent();
            }
            sxd_document::dom::ParentOfChild::Root(_) => return false,
        }
    }
    false
}

fn has_text(html: &str) -> bool {
    // Text, or a picture: a body of one figure is a body.
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => return true,
            _ => {}
        }
    }
    html.contains("<img")
}

/// Elements with no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn name_of(q: QName) -> String {
    match q.namespace_uri() {
        Some("http://www.w3.org/1999/xlink") => format!("xlink:{}", q.local_part()),
        Some("http://www.w3.org/XML/1998/namespace") => format!("xml:{}", q.local_part()),
        _ => q.local_part().to_owned(),
    }
}

fn escape(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' if !attribute => out.push_str("&lt;"),
            '>' if !attribute => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

fn write_element(el: Element, out: &mut String) {
    let name = name_of(el.name());
    out.push('<');
    out.push_str(&name);
    for a in el.attributes() {
        out.push(' ');
        out.push_str(&name_of(a.name()));
        out.push_str("=\"");
        escape(a.value(), true, out);
        out.push('"');
    }
    out.push('>');
    if VOID.contains(&name.as_str()) {
        return;
    }
    let raw = matches!(name.as_str(), "script" | "style");
    for child in el.children() {
        match child {
            ChildOfElement::Element(e) => write_element(e, out),
            ChildOfElement::Text(t) if raw => out.push_str(t.text()),
            ChildOfElement::Text(t) => escape(t.text(), false, out),
            ChildOfElement::Comment(_) | ChildOfElement::ProcessingInstruction(_) => {}
        }
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
}

fn write_document(doc: &Document) -> String {
    let mut out = String::from("<!DOCTYPE html>\n");
    for child in doc.root().children() {
        if let ChildOfRoot::Element(e) = child {
            write_element(e, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collector::rules::file::parse;
    use std::path::Path;

    fn rule(text: &str) -> SiteRule {
        let r = parse(text, Path::new("t.txt"));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        r.rule
    }

    const PAGE: &str = r#"<!DOCTYPE html><html lang="de"><head><title>T | Site</title>
        <meta property="og:title" content="The Real Title"><meta name="author" content="Jane Roe">
        </head><body><header><h1>Headline</h1></header>
        <div class="story main"><p>First part &amp; more.</p><div class="share-bar">Share</div>
        <img src="/pixel.gif?x=1"><img src="/photo.jpg" alt="A photo"></div>
        <div id="ad">Buy</div><div class="story"><p>Second part.</p></div>
        <p class="byline">By <a href="/a">Ann</a></p><p class="byline">By <a href="/b">Bob</a></p>
        <a class="next" href="/page/2">Next</a></body></html>"#;

    #[test]
    fn a_rule_strips_reads_and_joins_the_body_in_order() {
        let r = rule(
            "title: //meta[@property='og:title']/@content\nbody: //nonexistent\n\
             body: //div[contains(@class,'story')]\nauthor: //p[@class='byline']/a\n\
             strip_id_or_class: share-bar\nstrip: //div[@id='ad']\nstrip_image_src: pixel.gif\n\
             next_page_link: //a[@class='next']\nreplace_string(Second part.): Second part, replaced.\n",
        );
        let out = apply(&r, PAGE);
        assert_eq!(out.title.as_deref(), Some("The Real Title"));
        assert_eq!(out.author.as_deref(), Some("Ann, Bob"));
        assert_eq!(out.next_page.as_deref(), Some("/page/2"));
        let body = out.body.expect("a body");
        let first = body.find("First part &amp; more.").expect("first");
        let second = body.find("Second part, replaced.").expect("second");
        assert!(first < second);
        assert!(!body.contains("Share"), "{body}");
        assert!(
            !body.contains("pixel.gif") && body.contains("photo.jpg"),
            "{body}"
        );
        assert!(!out.page.contains("Buy"));
        assert!(out.page.contains("<html lang=\"de\">"));
    }

    #[test]
    fn a_body_that_finds_nothing_or_only_space_is_none() {
        let out = apply(&rule("body: //main\nbody: //div[@id='ad']/span\n"), PAGE);
        assert!(out.body.is_none());
        let out = apply(&rule("body: //header/following-sibling::nav\n"), PAGE);
        assert!(out.body.is_none());
    }

    #[test]
    fn nested_matches_are_written_once_and_expressions_may_compute_strings() {
        let out = apply(
            &rule("body: //div | //div/p\ndate: substring-before('2024-05-06T10:00', 'T')\n"),
            PAGE,
        );
        let body = out.body.unwrap();
        assert_eq!(body.matches("First part").count(), 1, "{body}");
        assert_eq!(out.date.as_deref(), Some("2024-05-06"));
    }

    #[test]
    fn a_native_ad_clue_marks_the_page() {
        assert!(apply(&rule("native_ad_clue: //div[@id='ad']\n"), PAGE).native_ad);
        assert!(!apply(&rule("native_ad_clue: //div[@id='sponsor']\n"), PAGE).native_ad);
    }
}
