//! A small, owned document tree of allowed elements, and its XHTML serialization.
//!
//! The sanitizer builds this tree from parsed HTML; later passes (content-model repair, ids,
//! typography) edit it; [`write_nodes`] writes it as well-formed XML: void elements self-closed,
//! `& < > "` escaped, characters XML forbids removed.

/// A node of the cleaned tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    El(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn new(name: &'static str) -> Self {
        Element {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_attr(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.attrs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name, value)),
        }
    }

    pub fn remove_attr(&mut self, name: &str) -> Option<String> {
        let pos = self.attrs.iter().position(|(n, _)| *n == name)?;
        Some(self.attrs.remove(pos).1)
    }
}

/// Whether any node below shows a picture.
pub fn has_picture(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::El(e) => e.name == "img" || has_picture(&e.children),
        Node::Text(_) => false,
    })
}

/// Elements written as `<x/>`.
pub fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img" | "wbr" | "col")
}

/// Elements of phrasing content (may sit inside a paragraph).
pub fn is_phrasing(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "br"
            | "cite"
            | "code"
            | "del"
            | "dfn"
            | "em"
            | "i"
            | "img"
            | "ins"
            | "kbd"
            | "mark"
            | "math"
            | "q"
            | "ruby"
            | "rt"
            | "rp"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
            | "wbr"
    )
}

/// Put all the text below `nodes` in Unicode NFC, the form EPUB expects, without soft hyphens.
/// A page may spell one letter two ways (a precomposed letter, or a letter and its combining
/// mark), and the reader's search, hyphenation and text-to-speech then see two different words;
/// the soft hyphens a page sets for its own column widths (`Mit\u{ad}tel\u{ad}al\u{ad}ter`) hide
/// a word from the reader's search the same way, and the book hyphenates by its language.
pub fn nfc(nodes: &mut [Node]) {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    fn walk(nodes: &mut [Node], nfc: &icu_normalizer::ComposingNormalizerBorrowed) {
        for n in nodes {
            match n {
                Node::Text(t) => {
                    if t.is_ascii() {
                        continue;
                    }
                    if t.contains('\u{ad}') {
                        t.retain(|c| c != '\u{ad}');
                    }
                    if let std::borrow::Cow::Owned(done) = nfc.normalize(t) {
                        *t = done;
                    }
                }
                Node::El(e) => walk(&mut e.children, nfc),
            }
        }
    }
    walk(nodes, &nfc);
}

/// `text` in Unicode NFC (see [`nfc`]).
pub fn nfc_str(text: &str) -> String {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc()
        .normalize(text)
        .into_owned()
}

/// All the text below `nodes`, in order.
pub fn text_of(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::El(e) => {
                if is_block_break(e.name) && !out.ends_with([' ', '\n']) && !out.is_empty() {
                    out.push(' ');
                }
                text_of(&e.children, out);
                if is_block_break(e.name) && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            }
        }
    }
}

/// The text of `nodes` exactly as it stands (for code: no spaces added between blocks).
pub fn text_of_raw(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::El(e) if e.name == "br" => out.push('\n'),
            Node::El(e) => text_of_raw(&e.children, out),
        }
    }
}

fn is_block_break(name: &str) -> bool {
    !is_phrasing(name) || name == "br"
}

/// Write `nodes` as XHTML into `out`.
pub fn write_nodes(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => escape_text(t, out),
            Node::El(e) => write_element(e, out),
        }
    }
}

fn write_element(e: &Element, out: &mut String) {
    out.push('<');
    out.push_str(e.name);
    for (name, value) in &e.attrs {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_attr(value, out);
        out.push('"');
    }
    if is_void(e.name) {
        out.push_str("/>");
        return;
    }
    out.push('>');
    write_nodes(&e.children, out);
    out.push_str("</");
    out.push_str(e.name);
    out.push('>');
}

/// Characters XML 1.0 does not allow, even escaped.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\u{fffe}' | '\u{ffff}')
}

pub fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if xml_forbidden(c) => {}
            c => out.push(c),
        }
    }
}

pub fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if xml_forbidden(c) => {}
            c => out.push(c),
        }
    }
}

/// Escape a string for use as text content.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_text(s, &mut out);
    out
}

/// Escape a string for use inside a double-quoted attribute.
pub fn esc_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_attr(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_well_formed_xml() {
        let mut p = Element::new("p");
        p.set_attr("title", "a \"b\" <c> & d");
        p.children.push(Node::Text("x < y & z\u{1}".into()));
        p.children.push(Node::El(Element::new("br")));
        let mut out = String::new();
        write_nodes(&[Node::El(p)], &mut out);
        assert_eq!(
            out,
            "<p title=\"a &quot;b&quot; &lt;c&gt; &amp; d\">x &lt; y &amp; z<br/></p>"
        );
    }

    #[test]
    fn text_is_put_in_nfc_without_soft_hyphens() {
        let mut p = Element::new("p");
        // A Bengali letter written precomposed (U+09DF, which NFC spells as two), "é" as e and
        // a combining accent, and a word with the page's soft hyphens.
        p.children.push(Node::Text(
            "\u{9df} Cafe\u{301} Mit\u{ad}tel\u{ad}al\u{ad}ter".into(),
        ));
        let mut nodes = vec![Node::El(p)];
        nfc(&mut nodes);
        let mut out = String::new();
        text_of(&nodes, &mut out);
        assert_eq!(out.trim(), "\u{9af}\u{9bc} Café Mittelalter");
        assert_eq!(nfc_str("Cafe\u{301}"), "Café");
    }
}
