//! Clutter that survives extraction inside the blocks it keeps: wiki `[edit]` links in
//! headings, gallery labels ("Gallery: Xbox One X | 14 Photos"), price tags ("$499 at Amazon"),
//! captions glued to their credits ("…on Thursday.Anthony Wallace"), a caption printed again
//! as the paragraph beside its figure, and the ideographic spaces Chinese and Japanese pages
//! indent paragraphs with (the stylesheet indents them).

use super::tree::{Node, is_phrasing, text_of};

/// The words of a wiki's edit link, in the languages Wikipedia is most read in.
const EDIT_WORDS: &[&str] = &[
    "edit",
    "edit source",
    "modifier",
    "modifier le code",
    "bearbeiten",
    "quelltext bearbeiten",
    "editar",
    "editar código-fonte",
    "editar código",
    "modifica",
    "modifica wikitesto",
    "bewerken",
    "brontekst bewerken",
    "править",
    "править код",
    "edytuj",
    "edytuj kod",
    "编辑",
    "編輯",
    "编辑源代码",
    "編集",
    "ソースを編集",
];

/// Tidy `nodes` in place.
pub fn tidy(nodes: &mut Vec<Node>) {
    drop_repeated_captions(nodes);
    let mut i = 0;
    while i < nodes.len() {
        if let Node::El(e) = &mut nodes[i] {
            if matches!(e.name, "h2" | "h3" | "h4" | "h5" | "h6") {
                let _ = drop_edit_links(&mut e.children);
            } else if e.name == "figcaption" {
                unglue(&mut e.children);
            } else if e.name == "p" {
                drop_leading_indent(&mut e.children);
            }
            let is_block = matches!(e.name, "p" | "div" | "li" | "dd" | "figcaption");
            // Gallery labels and price tags are short: a block's text is read only up to
            // that length (reading every block's whole text made this pass quadratic in the
            // nesting of a page's divisions).
            if is_block
                && let Some(text) = short_text(&e.children, LONGEST_LABEL)
                && (is_gallery_label(&text) || is_price_tag(&text))
            {
                nodes.remove(i);
                continue;
            }
            tidy(&mut e.children);
        }
        i += 1;
    }
}

/// A paragraph's leading ideographic spaces (U+3000, the page's own indent, often with
/// ordinary spaces around them): on top of the stylesheet's indent they indent it twice.
fn drop_leading_indent(children: &mut [Node]) {
    let Some(first) = children.first_mut() else {
        return;
    };
    match first {
        Node::Text(t) => {
            let lead = t.len() - t.trim_start_matches(|c: char| c.is_whitespace()).len();
            if t[..lead].contains('\u{3000}') {
                t.drain(..lead);
            }
        }
        Node::El(e) if matches!(e.name, "span" | "font" | "strong" | "b" | "em" | "i") => {
            drop_leading_indent(&mut e.children)
        }
        Node::El(_) => {}
    }
}

/// Words of a block, lower case, for comparing a caption with the text beside it.
fn words_of(nodes: &[Node]) -> String {
    let mut t = String::new();
    text_of(nodes, &mut t);
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A figure's caption said again in the paragraph right before or after the figure (pages
/// print it under the picture and in the text version too): the paragraph goes, the caption
/// stays.
fn drop_repeated_captions(nodes: &mut Vec<Node>) {
    let mut i = 0;
    while i < nodes.len() {
        let caption = match &nodes[i] {
            Node::El(f) if f.name == "figure" => f
                .children
                .iter()
                .find_map(|c| match c {
                    Node::El(fc) if fc.name == "figcaption" => Some(words_of(&fc.children)),
                    _ => None,
                })
                .filter(|c| c.chars().count() >= 20),
            _ => None,
        };
        if let Some(caption) = caption {
            let neighbour = |j: usize, nodes: &[Node]| matches!(&nodes[j], Node::El(p) if p.name == "p" && words_of(&p.children) == caption);
            let next = (i + 1..nodes.len())
                .find(|&j| !matches!(&nodes[j], Node::Text(t) if t.trim().is_empty()));
            if let Some(j) = next.filter(|&j| neighbour(j, nodes)) {
                nodes.remove(j);
            }
            let prev = (0..i)
                .rev()
                .find(|&j| !matches!(&nodes[j], Node::Text(t) if t.trim().is_empty()));
            if let Some(j) = prev.filter(|&j| neighbour(j, nodes)) {
                nodes.remove(j);
                i -= 1;
            }
        }
        i += 1;
    }
}

fn is_edit_word(s: &str) -> bool {
    let t = s.trim().to_lowercase();
    EDIT_WORDS.contains(&t.as_str())
}

/// Remove a heading's edit links (`[edit]`, `[ edit | edit source ]`) and their brackets;
/// whether any went.
fn drop_edit_links(children: &mut Vec<Node>) -> bool {
    // Links whose text is an edit word.
    let before = children.len();
    children.retain(|c| match c {
        Node::El(a) if a.name == "a" => {
            let mut t = String::new();
            text_of(&a.children, &mut t);
            !is_edit_word(&t)
        }
        _ => true,
    });
    let removed = children.len() != before;
    let mut any = removed;
    for c in children.iter_mut() {
        match c {
            Node::El(e) => any |= drop_edit_links(&mut e.children),
            Node::Text(t) => {
                // The brackets (and a separator bar) left around removed links, or the whole
                // "[edit]" when it was written as text.
                let mut s = t.clone();
                loop {
                    let trimmed = s.trim_end();
                    let stripped = if let Some(open) = trimmed.rfind('[')
                        && trimmed.ends_with(']')
                        && is_edit_word(
                            trimmed[open + 1..trimmed.len() - 1]
                                .split('|')
                                .next()
                                .unwrap_or(""),
                        ) {
                        Some(trimmed[..open].trim_end().to_owned())
                    } else {
                        None
                    };
                    match stripped {
                        Some(rest) => s = rest,
                        None => break,
                    }
                }
                if removed {
                    let only_marks = s
                        .chars()
                        .all(|c| c.is_whitespace() || matches!(c, '[' | ']' | '|'));
                    if only_marks {
                        s = String::new();
                    } else {
                        s = s
                            .trim_end_matches(|c: char| c.is_whitespace() || c == '[')
                            .to_owned();
                    }
                }
                *t = s;
            }
        }
    }
    // What held only the link and its brackets is gone too.
    children.retain(|c| match c {
        Node::Text(t) => !t.is_empty(),
        Node::El(e) if any => {
            let mut t = String::new();
            text_of(&e.children, &mut t);
            !t.trim().is_empty()
                || e.name == "img"
                || super::tree::has_picture(&e.children)
                || e.attr("id").is_some()
        }
        Node::El(_) => true,
    });
    any
}

/// The last and first characters of the text of a node.
fn edge(n: &Node, last: bool) -> Option<char> {
    let mut t = String::new();
    match n {
        Node::Text(s) => t.push_str(s),
        Node::El(e) => super::tree::text_of_raw(&e.children, &mut t),
    }
    if last {
        t.chars().last()
    } else {
        t.chars().next()
    }
}

/// A caption and its credit written without a space between ("Thursday.Anthony Wallace"): a
/// space between the pieces where one sentence ends, or a lower-case word meets a capital.
fn unglue(children: &mut Vec<Node>) {
    let mut i = 1;
    while i < children.len() {
        let (a, b) = (edge(&children[i - 1], true), edge(&children[i], false));
        if let (Some(a), Some(b)) = (a, b) {
            let ends_sentence = matches!(a, '.' | '!' | '?' | ':' | ')' | '”' | '"');
            let glued = !a.is_whitespace()
                && b.is_alphabetic()
                && b.is_uppercase()
                && (ends_sentence || a.is_lowercase());
            if glued {
                children.insert(i, Node::Text(" ".into()));
                i += 1;
            }
        }
        i += 1;
    }
}

/// "Gallery: Xbox One X | 14 Photos", "Photo gallery", "12 photos", "View gallery".
/// The longest gallery label or price tag (characters other than spaces).
const LONGEST_LABEL: usize = 120;

/// The text of `nodes`, or `None` once it holds more than `max` characters other than spaces.
fn short_text(nodes: &[Node], max: usize) -> Option<String> {
    fn walk(nodes: &[Node], max: usize, seen: &mut usize, out: &mut String) -> bool {
        for n in nodes {
            match n {
                Node::Text(t) => {
                    *seen += t.chars().filter(|c| !c.is_whitespace()).count();
                    if *seen > max {
                        return false;
                    }
                    out.push_str(t);
                }
                // Spaced as `text_of` spaces blocks.
                Node::El(e) => {
                    let block = !is_phrasing(e.name) || e.name == "br";
                    if block && !out.is_empty() && !out.ends_with([' ', '\n']) {
                        out.push(' ');
                    }
                    if !walk(&e.children, max, seen, out) {
                        return false;
                    }
                    if block && !out.ends_with([' ', '\n']) {
                        out.push(' ');
                    }
                }
            }
        }
        true
    }
    let mut out = String::new();
    walk(nodes, max, &mut 0, &mut out).then_some(out)
}

fn is_gallery_label(text: &str) -> bool {
    let t = crate::words::collapse(text);
    if t.is_empty() || t.chars().count() > 120 {
        return false;
    }
    let lower = t.to_lowercase();
    let counted = |s: &str| {
        let mut w = s.split_whitespace();
        matches!(
            (w.next(), w.next(), w.next()),
            (Some(n), Some("photos" | "images" | "pictures" | "slides"), None)
                if n.chars().all(|c| c.is_ascii_digit())
        )
    };
    counted(&lower)
        || lower
            .rsplit('|')
            .next()
            .is_some_and(|tail| lower.contains('|') && counted(tail.trim()))
        || (lower.starts_with("gallery:") || lower.starts_with("photo gallery"))
            && lower.chars().count() <= 80
        || matches!(
            lower.as_str(),
            "view gallery" | "view all photos" | "see all photos" | "open gallery" | "gallery"
        )
}

/// A short block that is only a price and where to pay it: "$499 at Amazon", "£29.99",
/// "€199 from Fnac", "See price", "Check price".
fn is_price_tag(text: &str) -> bool {
    let t = crate::words::collapse(text);
    if t.is_empty() || t.chars().count() > 60 {
        return false;
    }
    let lower = t.to_lowercase();
    if matches!(
        lower.as_str(),
        "see price" | "check price" | "see prices" | "check prices" | "buy now" | "shop now"
    ) {
        return true;
    }
    let mut words = lower.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let is_price = |w: &str| {
        let w = w.trim_end_matches(['.', ',', '*']);
        let amount = w
            .strip_prefix(['$', '£', '€', '¥'])
            .or_else(|| w.strip_suffix(['€', '$']))
            .or_else(|| w.strip_prefix("us$"));
        amount.is_some_and(|a| {
            !a.is_empty()
                && a.chars().next().is_some_and(|c| c.is_ascii_digit())
                && a.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        })
    };
    if !is_price(first) {
        return false;
    }
    match words.next() {
        None => true,
        Some("at" | "from" | "on" | "@" | "in" | "chez" | "bei" | "en" | "da" | "bij") => {
            words.count() <= 4
        }
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_ideographic_indent_goes_and_other_spaces_stay() {
        let p = |children: Vec<Node>| {
            Node::El(super::super::tree::Element {
                name: "p",
                attrs: vec![],
                children,
            })
        };
        let mut nodes = vec![
            p(vec![Node::Text("\u{3000}\u{3000}市政府周一宣布。".into())]),
            p(vec![Node::El(super::super::tree::Element {
                name: "span",
                attrs: vec![],
                children: vec![Node::Text(" \u{3000}\u{3000}新大桥将于六月通车。".into())],
            })]),
            p(vec![Node::Text("  An English paragraph.".into())]),
        ];
        tidy(&mut nodes);
        let texts: Vec<String> = nodes
            .iter()
            .map(|n| {
                let mut t = String::new();
                text_of(std::slice::from_ref(n), &mut t);
                t.trim_end().to_owned()
            })
            .collect();
        assert_eq!(
            texts,
            [
                "市政府周一宣布。",
                "新大桥将于六月通车。",
                "  An English paragraph."
            ]
        );
    }
    use crate::formatter::tree::write_nodes;

    fn run(html: &str) -> String {
        let base = crate::model::Base::default();
        let mut s = crate::formatter::sanitize::Sanitizer::new(&base, 1000);
        let mut nodes = crate::formatter::repair::repair(s.clean(html));
        tidy(&mut nodes);
        let mut out = String::new();
        write_nodes(&nodes, &mut out);
        out
    }

    #[test]
    fn wiki_edit_links_leave_headings() {
        let out = run(
            "<h2>History<span>[<a href='https://w.x/e?1'>edit</a>]</span></h2>\
             <h3>Early years [ <a href='https://w.x/e?2'>edit</a> | <a href='https://w.x/e?3'>edit source</a> ]</h3>\
             <h2>Geschichte [Bearbeiten]</h2><h2>Editing [in practice]</h2>\
             <h3><span><img src='https://e.x/avatar.png' alt=''/></span> Ann wrote</h3>\
             <p>To fix a typo, press [edit] at the top.</p>",
        );
        assert!(out.contains("<h2>History</h2>"), "{out}");
        assert!(
            !out.contains("edit</a>") && !out.contains("edit source"),
            "{out}"
        );
        assert!(out.contains("<h3>Early years</h3>"), "{out}");
        assert!(out.contains("<h2>Geschichte</h2>"), "{out}");
        assert!(out.contains("<h2>Editing [in practice]</h2>"), "{out}");
        assert!(
            out.contains("avatar.png"),
            "a heading's picture stays: {out}"
        );
        assert!(
            out.contains("press [edit] at the top"),
            "body text is left alone: {out}"
        );
        assert!(!out.contains('[') || out.matches('[').count() == 2, "{out}");
    }

    #[test]
    fn gallery_labels_and_price_tags_go_prose_stays() {
        let out = run(
            "<p>Gallery: Xbox One X | 14 Photos</p><p>14 photos</p><p>View gallery</p>\
             <p>$499 at Amazon</p><p>£29.99</p><p>199€ chez Fnac</p><p>See price</p>\
             <p>The console sold for $499 at launch, a price many found steep.</p>\
             <p>Gallery owners in the old town say the fair drew record crowds this year.</p>",
        );
        for gone in [
            "Gallery: Xbox",
            "14 photos",
            "View gallery",
            "$499 at Amazon",
            "£29.99",
            "See price",
        ] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(out.contains("sold for $499 at launch"), "{out}");
        assert!(out.contains("Gallery owners"), "{out}");
    }

    /// A caption printed again as the paragraph after (or before) its figure shows once.
    #[test]
    fn a_caption_repeated_beside_its_figure_shows_once() {
        let out = run("<p>Before the storm.</p>\
             <figure><img src='https://e.x/a.jpg' alt='x'><figcaption>The harbour wall at high tide on Monday</figcaption></figure>\
             <p>The harbour wall at high tide on Monday</p><p>The harbour wall held.</p>\
             <p>Ferries wait in the outer basin for the wind to drop</p>\
             <figure><img src='https://e.x/b.jpg' alt='y'><figcaption>Ferries wait in the outer basin for the wind to drop</figcaption></figure>");
        assert_eq!(
            out.matches("The harbour wall at high tide").count(),
            1,
            "{out}"
        );
        assert_eq!(
            out.matches("Ferries wait in the outer basin").count(),
            1,
            "{out}"
        );
        assert!(out.contains("<p>The harbour wall held.</p>"), "{out}");
        assert!(out.contains("<p>Before the storm.</p>"), "{out}");
    }

    #[test]
    fn a_caption_and_its_credit_are_kept_apart() {
        let out = run(
            "<figure><img src='https://e.x/a.jpg' alt='x'><figcaption>Lawmakers leave the chamber on \
             Thursday.<span>Anthony Wallace</span></figcaption></figure>\
             <figure><img src='https://e.x/b.jpg' alt='y'><figcaption>The quay at dawn<small>Photo: Ann Lee</small></figcaption></figure>\
             <figure><img src='https://e.x/c.jpg' alt='z'><figcaption>A <em>very</em> calm sea</figcaption></figure>",
        );
        assert!(
            out.contains("Thursday. <span>Anthony Wallace</span>"),
            "{out}"
        );
        assert!(out.contains("dawn <small>Photo: Ann Lee</small>"), "{out}");
        assert!(out.contains("A <em>very</em> calm sea"), "{out}");
    }
}
