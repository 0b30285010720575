//! Content-model repair and ids: what makes a cleaned tree valid XHTML5, not only well-formed.
//!
//! Web pages nest freely (`<span><div>…`, `<p>` around lists, text straight inside `<ul>`); the
//! EPUB schema does not. [`repair`] unwraps inline elements that hold blocks, turns paragraphs
//! that hold blocks into `div`s, puts stray list content into `li`, keeps table parts in tables,
//! and keeps links out of links. [`fix_ids`] prefixes every id with the article's prefix (so ids
//! are unique across the book and valid XML names), drops duplicates, and unlinks fragment links
//! whose target is gone.

use std::collections::HashSet;

use super::tree::{Element, Node, is_phrasing};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Flow,
    Phrasing,
}

/// Repair `nodes` as flow content (the body of an article).
pub fn repair(nodes: Vec<Node>) -> Vec<Node> {
    repair_in(nodes, Ctx::Flow, false)
}

fn has_block(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::El(e) if e.name == "math" => false,
        Node::El(e) => !is_phrasing(e.name) || has_block(&e.children),
        Node::Text(_) => false,
    })
}

fn repair_in(nodes: Vec<Node>, ctx: Ctx, in_link: bool) -> Vec<Node> {
    let mut out = Vec::with_capacity(nodes.len());
    for n in nodes {
        let mut e = match n {
            Node::Text(t) => {
                out.push(Node::Text(t));
                continue;
            }
            // A formula is phrasing, and MathML of its own within: nothing here to mend.
            Node::El(e) if e.name == "math" => {
                out.push(Node::El(e));
                continue;
            }
            Node::El(e) => e,
        };
        let phrasing = is_phrasing(e.name);
        // Blocks cannot sit in phrasing content; links cannot hold links.
        if (ctx == Ctx::Phrasing && !phrasing) || (in_link && e.name == "a") {
            out.extend(repair_in(e.children, ctx, in_link));
            continue;
        }
        // Inline elements that hold blocks give way to their content.
        if phrasing && ctx == Ctx::Flow && has_block(&e.children) {
            if e.name == "a" || e.attr("id").is_none() {
                out.extend(repair_in(e.children, ctx, in_link));
            } else {
                e.name = "div";
                e.children = repair_in(e.children, Ctx::Flow, in_link);
                out.push(Node::El(e));
            }
            continue;
        }
        if e.name == "p" && has_block(&e.children) {
            e.name = "div";
        }
        let link = in_link || e.name == "a";
        let inner = match e.name {
            "p" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "dt" | "caption" => Ctx::Phrasing,
            n if is_phrasing(n) => Ctx::Phrasing,
            _ => Ctx::Flow,
        };
        e.children = repair_in(e.children, inner, link);
        match e.name {
            "ul" | "ol" => e.children = only_items(e.children, "li", &["li"]),
            "dl" => {
                e.children = only_items(e.children, "dd", &["dt", "dd", "div"]);
                if !is_valid_dl(&e.children) {
                    // Wikipedia-style indents (a `dd` with no term): plain blocks instead.
                    e.name = "div";
                    for c in e.children.iter_mut() {
                        if let Node::El(x) = c {
                            x.name = "div";
                        }
                    }
                }
            }
            "table" => {
                e.children =
                    only_children(e.children, &["caption", "thead", "tbody", "tfoot", "tr"]);
                if !e
                    .children
                    .iter()
                    .any(|c| matches!(c, Node::El(x) if x.name != "caption"))
                {
                    continue;
                }
            }
            "thead" | "tbody" | "tfoot" => e.children = only_children(e.children, &["tr"]),
            "tr" => e.children = only_children(e.children, &["td", "th"]),
            "figure" => fix_figcaptions(&mut e),
            "ruby" => {}
            _ => {}
        }
        out.push(Node::El(e));
    }
    // Parts that only make sense inside their container become neutral elsewhere.
    for n in out.iter_mut() {
        if let Node::El(e) = n {
            e.children = fix_orphans(std::mem::take(&mut e.children), e.name);
        }
    }
    out
}

/// Rename children that need a particular parent when the parent is not it.
fn fix_orphans(children: Vec<Node>, parent: &str) -> Vec<Node> {
    children
        .into_iter()
        .map(|n| match n {
            Node::El(mut c) => {
                let ok = match c.name {
                    "li" => matches!(parent, "ul" | "ol"),
                    "dt" | "dd" => matches!(parent, "dl" | "div"),
                    "figcaption" => parent == "figure",
                    "caption" | "thead" | "tbody" | "tfoot" => parent == "table",
                    "tr" => matches!(parent, "table" | "thead" | "tbody" | "tfoot"),
                    "td" | "th" => parent == "tr",
                    "rt" | "rp" => parent == "ruby",
                    _ => true,
                };
                if !ok {
                    c.name = if is_phrasing(c.name) { "span" } else { "div" };
                }
                Node::El(c)
            }
            t => t,
        })
        .collect()
}

/// Keep `allowed` children; gather anything else (text, other elements) into `wrap` elements.
fn only_items(children: Vec<Node>, wrap: &'static str, allowed: &[&str]) -> Vec<Node> {
    let mut out = Vec::new();
    let mut pending: Vec<Node> = Vec::new();
    let flush = |pending: &mut Vec<Node>, out: &mut Vec<Node>| {
        let meaningful = pending
            .iter()
            .any(|n| !matches!(n, Node::Text(t) if t.trim().is_empty()));
        if meaningful {
            let mut w = Element::new(wrap);
            w.children = std::mem::take(pending);
            out.push(Node::El(w));
        }
        pending.clear();
    };
    for n in children {
        match n {
            Node::El(e) if allowed.contains(&e.name) => {
                flush(&mut pending, &mut out);
                out.push(Node::El(e));
            }
            other => pending.push(other),
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// A description list is groups of one or more terms followed by one or more descriptions.
fn is_valid_dl(children: &[Node]) -> bool {
    let names: Vec<&str> = children
        .iter()
        .filter_map(|n| match n {
            Node::El(e) => Some(e.name),
            Node::Text(_) => None,
        })
        .collect();
    if names.iter().all(|n| *n == "div") {
        return true;
    }
    let mut prev = "";
    for n in &names {
        match (*n, prev) {
            ("dt", _) | ("dd", "dt") | ("dd", "dd") => {}
            _ => return false,
        }
        prev = n;
    }
    prev == "dd"
}

/// Keep only `allowed` element children (table structure); whitespace and strays go.
fn only_children(children: Vec<Node>, allowed: &[&str]) -> Vec<Node> {
    children
        .into_iter()
        .filter(|n| matches!(n, Node::El(e) if allowed.contains(&e.name)))
        .collect()
}

/// A figure may have one caption, first or last.
fn fix_figcaptions(fig: &mut Element) {
    let elems: Vec<usize> = fig
        .children
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::El(_)))
        .map(|(i, _)| i)
        .collect();
    let (first, last) = (elems.first().copied(), elems.last().copied());
    let mut seen = false;
    for (i, n) in fig.children.iter_mut().enumerate() {
        if let Node::El(e) = n
            && e.name == "figcaption"
        {
            if seen || (Some(i) != first && Some(i) != last) {
                e.name = "div";
            } else {
                seen = true;
            }
        }
    }
}

/// Prefix ids with `prefix`, drop duplicates, and unlink fragment links without a target.
pub fn fix_ids(nodes: &mut Vec<Node>, prefix: &str) {
    let mut ids = HashSet::new();
    prefix_ids(nodes, prefix, &mut ids);
    fix_fragments(nodes, prefix, &ids);
}

fn clean_id(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn prefix_ids(nodes: &mut [Node], prefix: &str, ids: &mut HashSet<String>) {
    for n in nodes {
        if let Node::El(e) = n {
            if let Some(id) = e.remove_attr("id") {
                let new = format!("{prefix}{}", clean_id(&id));
                if ids.insert(new.clone()) {
                    e.set_attr("id", new);
                }
            }
            prefix_ids(&mut e.children, prefix, ids);
        }
    }
}

fn fix_fragments(nodes: &mut Vec<Node>, prefix: &str, ids: &HashSet<String>) {
    let mut i = 0;
    while i < nodes.len() {
        let mut unwrap = false;
        if let Node::El(e) = &mut nodes[i] {
            if e.name == "a"
                && let Some(frag) = e.attr("href").and_then(|h| h.strip_prefix('#'))
            {
                let target = format!("{prefix}{}", clean_id(frag));
                if ids.contains(&target) {
                    e.set_attr("href", format!("#{target}"));
                } else {
                    unwrap = true;
                }
            }
            fix_fragments(&mut e.children, prefix, ids);
        }
        if unwrap {
            let Node::El(e) = nodes.remove(i) else {
                unreachable!()
            };
            let kids = e.children;
            let n = kids.len();
            for (k, kid) in kids.into_iter().enumerate() {
                nodes.insert(i + k, kid);
            }
            i += n;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::sanitize::Sanitizer;
    use crate::formatter::tree::write_nodes;
    use crate::model::Base;

    fn run(html: &str) -> String {
        let base = Base::default();
        let mut s = Sanitizer::new(&base, 1072);
        let mut nodes = repair(s.clean(html));
        fix_ids(&mut nodes, "x-");
        let mut out = String::new();
        write_nodes(&nodes, &mut out);
        out
    }

    #[test]
    fn blocks_leave_inline_elements() {
        assert_eq!(
            run("<span><div>a</div><p>b</p></span>"),
            "<div>a</div><p>b</p>"
        );
        assert_eq!(run("<em>x<ul><li>y</li></ul></em>"), "x<ul><li>y</li></ul>");
    }

    #[test]
    fn lists_hold_items() {
        assert_eq!(
            run("<ul> text <li>a</li><b>c</b></ul>"),
            "<ul><li> text </li><li>a</li><li><b>c</b></li></ul>"
        );
        assert_eq!(
            run("<div><li>stray</li></div>"),
            "<div><div>stray</div></div>"
        );
    }

    #[test]
    fn links_do_not_nest_and_fragments_resolve() {
        let out = run(
            r##"<p id="top">a <a href="#top">up</a> <a href="#gone">gone</a></p><h1 id="top">dup</h1>"##,
        );
        assert_eq!(
            out,
            r##"<p id="x-top">a <a href="#x-top">up</a> gone</p><h2>dup</h2>"##
        );
    }

    #[test]
    fn description_lists_without_terms_become_blocks() {
        assert_eq!(
            run("<dl><dd>indent</dd></dl>"),
            "<div><div>indent</div></div>"
        );
        assert_eq!(
            run("<dl><dt>a</dt><dd>b</dd></dl>"),
            "<dl><dt>a</dt><dd>b</dd></dl>"
        );
    }

    #[test]
    fn empty_tables_go() {
        assert_eq!(run("<table> </table><p>k</p>"), "<p>k</p>");
    }
}
