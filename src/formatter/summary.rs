//! The contents page's line for an article that brings no summary of its own: its opening
//! paragraphs' text, about 200 characters — never a picture's caption, a breadcrumb trail, a
//! line of links, a note marker or a formula's TeX.

use super::tree::{Element, Node};
use crate::words::collapse;

/// The opening paragraphs' text, and the lines above it that are not the article's.
pub struct Lead {
    /// About 200 characters of the opening paragraphs.
    pub text: String,
    /// Captions and trails passed over on the way (collapsed).
    passed: Vec<String>,
}

impl Lead {
    pub fn of(nodes: &[Node]) -> Lead {
        let mut lead = Lead {
            text: String::new(),
            passed: Vec::new(),
        };
        let mut after_picture = false;
        paragraphs(nodes, &mut lead, &mut after_picture);
        if lead.text.is_empty() {
            text(nodes, &mut lead.text);
        }
        lead.text = collapse(&lead.text);
        lead
    }

    /// Whether a summary the page gave (Readability's excerpt is its first paragraph) is a line
    /// the lead passed over — a caption or a trail — or reads as a trail itself.
    pub fn passes_over(&self, summary: &str) -> bool {
        let s = collapse(summary);
        is_crumbs(&s)
            || self
                .passed
                .iter()
                .any(|p| *p == s || (s.len() > 20 && p.starts_with(&s)))
    }
}

/// The opening paragraphs' text (about 200 characters).
#[cfg(test)]
pub fn lead_text(nodes: &[Node]) -> String {
    Lead::of(nodes).text
}

fn paragraphs(nodes: &[Node], lead: &mut Lead, after_picture: &mut bool) {
    for n in nodes {
        if lead.text.chars().count() > 200 {
            return;
        }
        let Node::El(e) = n else { continue };
        match e.name {
            "p" => {
                let mut t = String::new();
                text(&e.children, &mut t);
                let t = collapse(&t);
                let picture = super::tree::has_picture(&e.children);
                let skip = t.is_empty()
                    || picture
                    || (*after_picture && is_caption(e, &t))
                    || is_trail(e, &t);
                *after_picture = picture;
                if skip {
                    if !t.is_empty() {
                        lead.passed.push(t);
                    }
                    continue;
                }
                if !lead.text.is_empty() {
                    lead.text.push(' ');
                }
                lead.text.push_str(&t);
            }
            "figure" => {
                *after_picture = true;
                let mut t = String::new();
                text(&e.children, &mut t);
                let t = collapse(&t);
                if !t.is_empty() {
                    lead.passed.push(t);
                }
            }
            "aside" => {}
            _ => paragraphs(&e.children, lead, after_picture),
        }
    }
}

/// The text a reader reads in the summary: no note markers (`<sup>`), no formula's TeX
/// annotation.
fn text(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::El(e) if matches!(e.name, "sup" | "annotation") => {}
            Node::El(e) => text(&e.children, out),
        }
    }
}

/// A paragraph right after a picture that reads as its caption: set entirely in italics or
/// small type, or naming the picture's credit.
fn is_caption(p: &Element, text: &str) -> bool {
    let styled = p.children.iter().all(|c| match c {
        Node::Text(t) => t.trim().is_empty(),
        Node::El(e) => matches!(e.name, "em" | "i" | "small" | "cite"),
    });
    let lower = text.to_lowercase();
    let credit = text.contains('©')
        || [
            "photo:",
            "foto:",
            "image:",
            "bild:",
            "credit:",
            "photograph:",
            "illustration:",
        ]
        .iter()
        .any(|w| lower.contains(w))
        || lower.ends_with("getty images")
        || lower.ends_with("getty images)");
    styled || credit
}

/// A breadcrumb trail or a line of links: every word in links, or short items joined by
/// `›`, `»`, `>`, `/`, `|` or `→` with no sentence among them.
fn is_trail(p: &Element, text: &str) -> bool {
    let mut linked = String::new();
    linked_text(&p.children, false, &mut linked);
    let all_links = collapse(&linked).len() == text.len() && text.split_whitespace().count() < 20;
    let crumbs = is_crumbs(text);
    all_links || crumbs
}

/// Short items joined by `›`, `»`, `>`, `/`, `|` or `→`, with no sentence among them.
fn is_crumbs(text: &str) -> bool {
    let items: Vec<&str> = text
        .split(['›', '»', '>', '/', '|', '→'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    items.len() >= 3
        && items.iter().all(|i| i.split_whitespace().count() <= 4)
        && !text.trim_end().ends_with(['.', '!', '?', '。'])
}

fn linked_text(nodes: &[Node], inside: bool, out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) if inside => {
                out.push_str(t);
            }
            Node::Text(_) => {}
            Node::El(e) => linked_text(&e.children, inside || e.name == "a", out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(name: &'static str, kids: Vec<Node>) -> Node {
        let mut e = Element::new(name);
        e.children = kids;
        Node::El(e)
    }

    fn t(s: &str) -> Node {
        Node::Text(s.into())
    }

    fn img() -> Node {
        let mut e = Element::new("img");
        e.set_attr("src", "images/a.jpg");
        e.set_attr("alt", "");
        Node::El(e)
    }

    const LEDE: &str = "The harbour authority said on Monday that the old pier would close.";

    #[test]
    fn the_summary_is_the_lede_not_a_caption_a_trail_or_a_formula() {
        let nodes = vec![
            el(
                "p",
                vec![
                    el("a", vec![t("Home")]),
                    t(" › "),
                    el("a", vec![t("News")]),
                    t(" › "),
                    el("a", vec![t("Harbour")]),
                ],
            ),
            el("p", vec![img()]),
            el(
                "p",
                vec![el(
                    "em",
                    vec![t("The old pier at dawn, seen from the ferry.")],
                )],
            ),
            el("p", vec![t(LEDE)]),
        ];
        assert_eq!(lead_text(&nodes), LEDE);

        let nodes = vec![
            el("figure", vec![img()]),
            el("p", vec![t("The old pier. Photo: Ann Lee")]),
            el("p", vec![t("News / World / Europe")]),
            el(
                "p",
                vec![
                    t("Energy is "),
                    el(
                        "math",
                        vec![
                            el("mi", vec![t("E")]),
                            el("annotation", vec![t("E = mc^2")]),
                        ],
                    ),
                    t(" here."),
                    el("sup", vec![t("1")]),
                ],
            ),
        ];
        assert_eq!(lead_text(&nodes), "Energy is E here.");
    }

    #[test]
    fn a_pages_own_summary_that_is_a_trail_or_a_caption_is_passed_over() {
        let nodes = vec![
            el(
                "figure",
                vec![img(), el("figcaption", vec![t("The old pier at dawn.")])],
            ),
            el("p", vec![t(LEDE)]),
        ];
        let lead = Lead::of(&nodes);
        assert!(lead.passes_over("The old pier at dawn."));
        assert!(lead.passes_over("Home › News › Harbour"));
        assert!(!lead.passes_over("A page's own description of the story, in a sentence."));
    }

    #[test]
    fn a_lede_after_a_picture_is_the_summary() {
        // Plain text after a picture, no credit and not in italics: the lede itself.
        let nodes = vec![el("p", vec![img()]), el("p", vec![t(LEDE)])];
        assert_eq!(lead_text(&nodes), LEDE);
        // A sentence with slashes is no trail.
        let s = "The 24/7 service runs between A/B and C/D, the operator said.";
        assert_eq!(lead_text(&[el("p", vec![t(s)])]), s);
    }
}
