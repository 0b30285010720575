//! A second opinion on where a page's article is: its prose.
//!
//! Readability scores blocks by their text and commas, and on some pages a block that is not the
//! article outscores it: a table of names and addresses, a list of signatories, a disclosure box,
//! a consent dialog's long paragraphs, a contact card. The article is still there, as what the
//! other block is not: paragraphs of running text. This module finds the page's largest run of
//! such paragraphs — `<p>` elements of sentence length, few links, outside navigation, dialogs,
//! comments and hidden blocks — and the block that holds them, so the caller can tell when
//! Readability's choice has missed it and take that block instead.

use dom_query::{Document, NodeId, NodeRef};
use std::collections::HashMap;

/// A paragraph shorter than this (characters, whitespace collapsed) is not counted as prose.
const MIN_PARAGRAPH: usize = 80;
/// Less prose than this in one block is no article to fall back to.
const MIN_MASS: usize = 400;
/// How far up from the paragraphs' parent the block may grow.
const CLIMB: usize = 4;

/// The page's main run of prose.
pub(crate) struct Prose {
    /// The first [`KEY_PREFIX`] characters of the keys (see [`key`]) and the lengths of the
    /// paragraphs of the run.
    paragraphs: Vec<(String, usize)>,
    /// Their length, summed.
    mass: usize,
    /// The element that holds them.
    parent: NodeId,
    /// Every prose paragraph on the page: its length and its ancestors (nearest first), to
    /// grow the block by (done only when the block is used).
    found: Vec<(usize, Vec<NodeId>)>,
}

impl Prose {
    /// The run of prose on `doc`, if the page has one worth falling back to.
    pub(crate) fn find(doc: &Document) -> Option<Prose> {
        let mut judged: HashMap<NodeId, bool> = HashMap::new();
        // Each prose paragraph: its key, its length, and its ancestors (nearest first).
        let mut found: Vec<(String, usize, Vec<NodeId>)> = Vec::new();
        for p in doc.select("p").nodes() {
            let text = p.text();
            let n = collapsed_len(&text);
            if n < MIN_PARAGRAPH {
                continue;
            }
            let linked: usize = p
                .find(&["a"])
                .iter()
                .map(|a| collapsed_len(&a.text()))
                .sum();
            if linked * 3 > n {
                continue;
            }
            let mut ancestors = Vec::new();
            let mut ok = true;
            for a in p.ancestors_it(None) {
                if matches!(a.node_name().as_deref(), Some("body" | "html")) {
                    break;
                }
                let fine = *judged.entry(a.id).or_insert_with(|| !is_aside(&a));
                if !fine {
                    ok = false;
                    break;
                }
                ancestors.push(a.id);
            }
            if ok && !ancestors.is_empty() {
                found.push((key_prefix(&text, KEY_PREFIX), n, ancestors));
            }
        }
        // The parent holding the most prose.
        let mut by_parent: HashMap<NodeId, usize> = HashMap::new();
        for (_, n, anc) in &found {
            *by_parent.entry(anc[0]).or_default() += n;
        }
        let (&parent, &mass) = by_parent
            .iter()
            .max_by_key(|(id, m)| (**m, std::cmp::Reverse(**id)))?;
        if mass < MIN_MASS {
            return None;
        }
        let mut paragraphs = Vec::new();
        let found = found
            .into_iter()
            .map(|(k, n, anc)| {
                if anc[0] == parent {
                    paragraphs.push((k, n));
                }
                (n, anc)
            })
            .collect();
        Some(Prose {
            paragraphs,
            mass,
            parent,
            found,
        })
    }

    /// The block that holds the run: its parent, grown upward while what it gains is largely
    /// prose too (the article's other paragraph blocks, its lead), and stopped before it takes
    /// in the rest of the page. `doc` is the page parsed as for [`Prose::find`].
    fn block<'a>(&self, doc: &'a Document) -> Option<NodeRef<'a>> {
        let mass_in = |id: NodeId| -> usize {
            self.found
                .iter()
                .filter(|(_, anc)| anc.contains(&id))
                .map(|(n, _)| n)
                .sum()
        };
        let mut block = doc.tree.get(&self.parent)?;
        let mut block_text = text_len(&block);
        for _ in 0..CLIMB {
            let Some(up) = block.parent() else {
                break;
            };
            if !up.is_element() || matches!(up.node_name().as_deref(), Some("body" | "html")) {
                break;
            }
            let up_text = text_len(&up);
            let gained_text = up_text.saturating_sub(block_text);
            let gained_prose = mass_in(up.id).saturating_sub(mass_in(block.id));
            if gained_text > 0 && gained_prose * 4 < gained_text {
                break;
            }
            block = up;
            block_text = up_text;
        }
        Some(block)
    }

    /// Whether Readability's article (`text`, its text; `html`, its markup) missed this run of
    /// prose: it holds under a fifth of it, and it has less prose of its own.
    pub(crate) fn missed_by(&self, text: &str, html: &str) -> bool {
        if self.held_in(text) {
            return false;
        }
        let own: usize = Document::fragment(html)
            .select("p")
            .nodes()
            .iter()
            .map(|p| collapsed_len(&p.text()))
            .filter(|n| *n >= MIN_PARAGRAPH)
            .sum();
        self.mass * 5 >= own * 4
    }

    /// Whether `text` holds a fifth of this run of prose or more.
    pub(crate) fn held_in(&self, text: &str) -> bool {
        let have = key(text);
        let held: usize = self
            .paragraphs
            .iter()
            .filter(|(k, _)| have.contains(k.as_str()))
            .map(|(_, n)| n)
            .sum();
        held * 5 >= self.mass
    }

    /// The block's markup, from `doc`: the same page parsed the same way as the one this was
    /// found on (node ids follow the parse).
    pub(crate) fn html(&self, doc: &Document) -> Option<String> {
        self.block(doc).map(|n| n.html().to_string())
    }
}

/// Words of class and id names that mark a block as not the article's text even when it holds
/// paragraphs: dialogs and overlays, comments, consent and privacy notices, sidebars,
/// newsletter boxes, disclosures.
const ASIDE: &[&str] = &[
    "modal",
    "popup",
    "dialog",
    "overlay",
    "lightbox",
    "comment",
    "comments",
    "privacy",
    "consent",
    "cookie",
    "cookies",
    "dsgvo",
    "gdpr",
    "newsletter",
    "subscribe",
    "sidebar",
    "related",
    "disclosure",
    "disclosures",
    "disclaimer",
];

/// Whether `node` is a block whose paragraphs are not the article's: navigation, a list item or
/// table cell, a caption or quotation, something hidden, or a block whose class or id says so.
fn is_aside(node: &NodeRef) -> bool {
    if !node.is_element() {
        return false;
    }
    if matches!(
        node.node_name().as_deref(),
        Some(
            "nav"
                | "footer"
                | "header"
                | "aside"
                | "form"
                | "li"
                | "td"
                | "th"
                | "a"
                | "figcaption"
                | "blockquote"
                | "dialog"
                | "template"
        )
    ) {
        return true;
    }
    if super::clean_passes::is_hidden(node) {
        return true;
    }
    ["class", "id"].iter().any(|a| {
        node.attr(a)
            .is_some_and(|v| v.split_whitespace().any(names_aside))
    })
}

/// One class or id name: `comments-area`, `modal__body`, `editorial-disclosure` name an aside;
/// a state (`has-sidebar`, `use-lightbox`) or a long compound (`dialog-off-canvas-main-canvas`,
/// a layout wrapper) does not.
fn names_aside(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["has-", "use-", "with-", "no-", "is-", "js-"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return false;
    }
    let parts: Vec<&str> = lower.split(['-', '_']).filter(|p| !p.is_empty()).collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if parts.len() > 3 {
        return false;
    }
    // A footer first (`footer-links`), not last (`above-footer` wraps the whole post).
    ASIDE.contains(first) || ASIDE.contains(last) || *first == "footer"
}

/// A paragraph's letters and digits, lower-cased: what survives quotes, dashes and spacing
/// being set differently by the typesetter.
fn key(text: &str) -> String {
    key_prefix(text, usize::MAX)
}

/// How much of a paragraph's key is looked for in a text.
const KEY_PREFIX: usize = 30;

/// The first `most` characters of `text`'s key (ASCII without decoding or case tables).
fn key_prefix(text: &str, most: usize) -> String {
    let mut out = String::with_capacity(text.len().min(most));
    let mut n = 0;
    for c in text.chars() {
        if n >= most {
            break;
        }
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
                n += 1;
            }
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                if n >= most {
                    break;
                }
                out.push(l);
                n += 1;
            }
        }
    }
    out
}

fn text_len(node: &NodeRef) -> usize {
    collapsed_len(&node.text())
}

/// The length in characters of `s` with its whitespace collapsed to single spaces.
fn collapsed_len(s: &str) -> usize {
    let mut n = 0;
    for w in s.split_whitespace() {
        n += w.chars().count() + usize::from(n > 0);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(words: &str) -> String {
        format!("<p>{words} {words} {words}, and so the sentence goes on until it is long.</p>")
    }

    #[test]
    fn names_of_asides() {
        assert!(names_aside("comments-area"));
        assert!(names_aside("modal__body"));
        assert!(names_aside("editorial-disclosure"));
        assert!(names_aside("footer-links"));
        assert!(!names_aside("above-footer"));
        assert!(!names_aside("has-sidebar"));
        assert!(!names_aside("use-lightbox"));
        assert!(!names_aside("dialog-off-canvas-main-canvas"));
        assert!(!names_aside("entry-content"));
    }

    #[test]
    fn the_article_is_found_beside_a_bigger_table() {
        let rows: String = (0..200)
            .map(|i| format!("<tr><td>Member {i}</td><td>member{i}@example.org</td></tr>"))
            .collect();
        let story: String = (0..6)
            .map(|i| para(&format!("The council met on day {i}")))
            .collect();
        let page = format!(
            "<html><body><div class=story><h2>Lead</h2>{story}</div>\
             <div class=comments>{c}</div><table>{rows}</table></body></html>",
            c = para("A reader wrote in to say that they disagree")
        );
        let doc = Document::from(page.as_str());
        let prose = Prose::find(&doc).expect("prose");
        let html = prose.html(&doc).unwrap();
        assert!(html.starts_with("<div class=\"story\">"), "{html}");
        assert!(html.contains("<h2>Lead</h2>"));
        // Readability's pick, the table, missed it; an article that holds it did not.
        let table = format!("<table>{rows}</table>");
        assert!(prose.missed_by(&Document::fragment(table.as_str()).text(), &table));
        let text = Document::fragment(story.as_str()).text();
        assert!(!prose.missed_by(&text, &story));
    }

    #[test]
    fn comments_hidden_blocks_and_short_pages_are_no_prose() {
        let many: String = (0..8).map(|i| para(&format!("Comment {i}"))).collect();
        for page in [
            format!("<body><div id=comments>{many}</div></body>"),
            format!("<body><div style='display: none'>{many}</div></body>"),
            format!("<body><div class=modal>{many}</div></body>"),
            format!("<body><div>{}</div></body>", para("Short")),
        ] {
            assert!(
                Prose::find(&Document::from(page.as_str())).is_none(),
                "{page}"
            );
        }
    }
}
