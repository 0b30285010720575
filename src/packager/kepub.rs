//! KEPUB: the Kobo flavour of EPUB. Kobo's reader paginates, counts reading time and syncs
//! positions by sentence: each sentence is wrapped in `<span class="koboSpan" id="kobo.P.S">`
//! (P counts block elements, S sentences within one; each image is a span of its own), and the
//! body content sits in `div#book-columns > div#book-inner`. The result is still a valid EPUB.

use crate::formatter::tree::{esc, esc_attr};

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

/// Elements that start a new paragraph number.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "dt"
            | "dd"
            | "td"
            | "th"
            | "figcaption"
            | "caption"
            | "pre"
            | "blockquote"
            | "div"
            | "aside"
            | "header"
            | "figure"
    )
}

/// Elements whose text children may not be wrapped (only certain children are allowed).
fn holds_no_text(name: &str) -> bool {
    matches!(
        name,
        "ul" | "ol" | "dl" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "ruby"
    )
}

struct Counter {
    para: usize,
    sentence: usize,
}

impl Counter {
    fn next_para(&mut self) {
        self.para += 1;
        self.sentence = 0;
    }

    fn id(&mut self) -> String {
        self.sentence += 1;
        format!("kobo.{}.{}", self.para, self.sentence)
    }
}

/// Add Kobo spans to an XHTML fragment (the article header and body as the formatter wrote them)
/// and wrap it in Kobo's column divs.
pub fn kepubify(fragment: &str) -> Result<String, roxmltree::Error> {
    let wrapped = format!("<div xmlns=\"{XHTML_NS}\" xmlns:epub=\"{EPUB_NS}\">{fragment}</div>");
    let doc = roxmltree::Document::parse(&wrapped)?;
    let mut out = String::with_capacity(fragment.len() * 2);
    out.push_str("<div id=\"book-columns\"><div id=\"book-inner\">");
    let mut c = Counter {
        para: 0,
        sentence: 0,
    };
    for child in doc.root_element().children() {
        write(child, &mut out, &mut c, false);
    }
    out.push_str("</div></div>\n");
    Ok(out)
}

fn write(n: roxmltree::Node, out: &mut String, c: &mut Counter, in_no_text: bool) {
    if n.is_text() {
        let t = n.text().unwrap_or("");
        if t.trim().is_empty() || in_no_text {
            out.push_str(&esc(t));
            return;
        }
        if c.para == 0 {
            c.next_para();
        }
        for sentence in sentences(t) {
            if sentence.trim().is_empty() {
                out.push_str(&esc(sentence));
            } else {
                out.push_str(&format!(
                    "<span class=\"koboSpan\" id=\"{}\">{}</span>",
                    c.id(),
                    esc(sentence)
                ));
            }
        }
        return;
    }
    if !n.is_element() {
        return;
    }
    let name = n.tag_name().name();
    if is_block(name) {
        c.next_para();
    }
    let mut tag = format!("<{name}");
    for a in n.attributes() {
        let qname = match a.namespace() {
            Some(EPUB_NS) => format!("epub:{}", a.name()),
            Some("http://www.w3.org/XML/1998/namespace") => format!("xml:{}", a.name()),
            _ => a.name().to_owned(),
        };
        tag.push_str(&format!(" {qname}=\"{}\"", esc_attr(a.value())));
    }
    if name == "img" {
        c.next_para();
        out.push_str(&format!(
            "<span class=\"koboSpan\" id=\"{}\">{tag}/></span>",
            c.id()
        ));
        return;
    }
    if crate::formatter::tree::is_void(name) {
        out.push_str(&tag);
        out.push_str("/>");
        return;
    }
    out.push_str(&tag);
    out.push('>');
    for child in n.children() {
        let text_only = name == "time" && n.attribute("datetime").is_none();
        write(child, out, c, holds_no_text(name) || text_only);
    }
    out.push_str(&format!("</{name}>"));
}

/// Split text after sentence-ending punctuation, keeping the spaces with the sentence before.
fn sentences(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    for (i, &(pos, ch)) in chars.iter().enumerate() {
        if matches!(ch, '.' | '!' | '?' | '…' | '。' | '！' | '？') {
            // End after closing quotes/brackets and the following spaces.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '”' | '’' | '»' | ')' | '\u{202f}')
            {
                j += 1;
            }
            if j < chars.len() && chars[j].1.is_whitespace() {
                while j < chars.len() && chars[j].1.is_whitespace() {
                    j += 1;
                }
                let end = chars.get(j).map_or(t.len(), |c| c.0);
                out.push(&t[start..end]);
                start = end;
            } else if j >= chars.len() {
                let _ = pos;
            }
        }
    }
    if start < t.len() {
        out.push(&t[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_spans() {
        assert_eq!(sentences("One. Two! Three"), ["One. ", "Two! ", "Three"]);
        let out =
            kepubify("<p>One. Two.</p><p>Three <em>four.</em></p><img src=\"a.jpg\" alt=\"\"/>")
                .unwrap();
        assert_eq!(
            out,
            "<div id=\"book-columns\"><div id=\"book-inner\">\
             <p><span class=\"koboSpan\" id=\"kobo.1.1\">One. </span><span class=\"koboSpan\" id=\"kobo.1.2\">Two.</span></p>\
             <p><span class=\"koboSpan\" id=\"kobo.2.1\">Three </span><em><span class=\"koboSpan\" id=\"kobo.2.2\">four.</span></em></p>\
             <span class=\"koboSpan\" id=\"kobo.3.1\"><img src=\"a.jpg\" alt=\"\"/></span></div></div>\n"
        );
    }

    #[test]
    fn namespaced_attributes_survive() {
        let out = kepubify("<aside epub:type=\"footnote\" id=\"n\"><p lang=\"fr\" xml:lang=\"fr\">Note.</p></aside>").unwrap();
        assert!(out.contains("epub:type=\"footnote\""), "{out}");
        assert!(out.contains("xml:lang=\"fr\""), "{out}");
    }
}
