//! A page's maths, before extraction: what MathJax and KaTeX would draw in a browser becomes
//! MathML in the page, where the extractor keeps it with the text around it and the formatter
//! keeps it as MathML 3.
//!
//! - MathJax 2's TeX source, `<script type="math/tex">` (`; mode=display` for a display
//!   formula), is converted (the extractor drops scripts);
//! - a drawn formula — MathJax's spans (`.MathJax`, `.MathJax_Display`, `.MathJax_CHTML`,
//!   `.MathJax_SVG`, `<mjx-container>`), KaTeX's `.katex` — gives way to the MathML copy it
//!   carries for assistive technology, or goes when the TeX source beside it says the same;
//!   MathJax's previews and KaTeX's drawing (`.katex-html`) go;
//! - on a page that loads MathJax or KaTeX, TeX written in the text between `\(…\)`, `\[…\]`
//!   or `$$…$$` (their default delimiters) is converted.
//!
//! A formula the converter cannot read stays as its TeX.

use dom_query::{Document, NodeRef};

use crate::math::tex_to_mathml;

/// Whether `text` (a page's HTML) may hold maths for [`convert`]: a cheap look before a walk.
pub fn may_have(text: &str) -> bool {
    // Every mark holds one `x` (a rare letter): the page is searched for that byte (memchr's,
    // vectorized; the standard library's char search was two thirds of this look's cost)
    // and each mark is compared where it would stand around it. Five searches were a hundredth
    // of the extractor's time, and one automaton over every byte still a sixtieth.
    const MARKS: [(&str, usize); 5] = [
        ("math/tex", 7),
        ("MathJax", 6),
        ("mathjax", 6),
        ("katex", 4),
        ("mjx-", 2),
    ];
    let b = text.as_bytes();
    memchr::memchr_iter(b'x', b).any(|p| {
        MARKS
            .iter()
            .any(|(mark, at)| p >= *at && b[p - at..].starts_with(mark.as_bytes()))
    })
}

/// Turn the page's TeX and drawn formulas into MathML, in place.
pub fn convert(doc: &Document, text: &str) {
    for d in doc
        .select(".MathJax_Preview, .katex-html, .MJX_Assistive_MathML + .MJX_Assistive_MathML")
        .nodes()
    {
        d.remove_from_parent();
    }
    for drawn in doc
        .select(".MathJax, .MathJax_Display, .MathJax_CHTML, .MathJax_SVG, mjx-container, .katex")
        .nodes()
    {
        // MathJax 2 keeps the TeX in a script right after what it drew: that is the formula.
        let source_follows = drawn.next_element_sibling().is_some_and(|n| {
            n.node_name().as_deref() == Some("script")
                && n.attr("type")
                    .is_some_and(|t| t.to_ascii_lowercase().starts_with("math/tex"))
        });
        let math = drawn.find(&["math"]);
        match math.first().filter(|_| !source_follows) {
            Some(m) => drawn.replace_with_html(m.html()),
            None => drawn.remove_from_parent(),
        }
    }
    for s in doc.select("script[type^='math/tex']").nodes() {
        let ty = s.attr("type").unwrap_or_default().to_ascii_lowercase();
        let tex = s.text();
        match tex_to_mathml(&tex, ty.contains("mode=display")) {
            Some(m) => s.replace_with_html(m),
            None => s.replace_with_html(escape(&format!("\\({}\\)", tex.trim()))),
        }
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("mathjax") || lower.contains("katex") {
        delimited(doc);
    }
}

/// TeX between the default delimiters in the text of the page's body.
fn delimited(doc: &Document) {
    let mut texts: Vec<NodeRef> = Vec::new();
    for body in doc.select("body").nodes() {
        for d in body.descendants() {
            if d.is_text() && d.text().contains('\\') || d.is_text() && d.text().contains("$$") {
                let inside_code = d.ancestors(None).iter().any(|a| {
                    a.node_name().is_some_and(|n| {
                        matches!(
                            n.to_ascii_lowercase().as_str(),
                            "script" | "style" | "pre" | "code" | "textarea" | "math"
                        )
                    })
                });
                if !inside_code {
                    texts.push(d);
                }
            }
        }
    }
    for t in texts {
        let text = t.text();
        let pieces = split(&text);
        if pieces.iter().all(|p| matches!(p, Piece::Text(_))) {
            continue;
        }
        let mut html = String::with_capacity(text.len() * 2);
        for p in pieces {
            match p {
                Piece::Text(s) => html.push_str(&escape(s)),
                Piece::Math(tex, display, whole) => match tex_to_mathml(tex, display) {
                    Some(m) => html.push_str(&m),
                    None => html.push_str(&escape(whole)),
                },
            }
        }
        t.replace_with_html(html);
    }
}

#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    /// The TeX, whether it is a display formula, and the whole run with its delimiters.
    Math(&'a str, bool, &'a str),
}

/// Split text at `\(…\)`, `\[…\]` and `$$…$$`; an opening without its closing is text.
fn split(text: &str) -> Vec<Piece<'_>> {
    const DELIMITERS: [(&str, &str, bool); 3] = [
        ("\\(", "\\)", false),
        ("\\[", "\\]", true),
        ("$$", "$$", true),
    ];
    let mut out = Vec::new();
    let mut rest = text;
    let mut start = 0;
    loop {
        let next = DELIMITERS
            .iter()
            .filter_map(|d| rest[start..].find(d.0).map(|i| (start + i, d)))
            .min_by_key(|(i, _)| *i);
        let Some((open, &(o, c, display))) = next else {
            break;
        };
        let body = open + o.len();
        match rest[body..].find(c) {
            Some(len) if !rest[body..body + len].trim().is_empty() => {
                if open > 0 {
                    out.push(Piece::Text(&rest[..open]));
                }
                let end = body + len + c.len();
                out.push(Piece::Math(
                    &rest[body..body + len],
                    display,
                    &rest[open..end],
                ));
                rest = &rest[end..];
                start = 0;
            }
            _ => start = body,
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimited_tex_is_found_and_a_lone_opening_is_text() {
        assert_eq!(
            split(r"Energy \(E = mc^2\) and $$\int x$$ end"),
            vec![
                Piece::Text("Energy "),
                Piece::Math("E = mc^2", false, r"\(E = mc^2\)"),
                Piece::Text(" and "),
                Piece::Math(r"\int x", true, r"$$\int x$$"),
                Piece::Text(" end"),
            ]
        );
        assert_eq!(
            split(r"costs $$ only \( here"),
            vec![Piece::Text(r"costs $$ only \( here")]
        );
        assert_eq!(split(r"\[x\]"), vec![Piece::Math("x", true, r"\[x\]")]);
    }

    #[test]
    fn the_marks_are_found_wherever_they_stand() {
        let marks = ["math/tex", "MathJax", "mathjax", "katex", "mjx-"];
        let by_search = |t: &str| marks.iter().any(|m| t.contains(m));
        let mut pages = vec![
            String::new(),
            "x".into(),
            "max-width: 10px; flex box".into(),
            "MathJa".into(),
            "athJax".into(),
            "mj-x mjx".into(),
            "kate x".into(),
        ];
        for m in marks {
            for (before, after) in [("", ""), ("xx", ""), ("", "xx"), ("é x", "x é")] {
                pages.push(format!("{before}{m}{after}"));
            }
        }
        for page in &pages {
            assert_eq!(may_have(page), by_search(page), "{page:?}");
        }
    }

    #[test]
    fn mathjax_and_katex_pages_carry_mathml() {
        let page = r#"<html><head><script src="https://cdn.example/mathjax/tex-mml-chtml.js"></script></head><body>
            <p>Mass <span class="MathJax_Preview">E=mc2</span><span class="MathJax" id="MathJax-Element-1-Frame"><span>E</span></span><script type="math/tex" id="MathJax-Element-1">E = mc^2</script> and energy.</p>
            <p>KaTeX <span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>a</mi></mrow><annotation encoding="application/x-tex">a</annotation></semantics></math></span><span class="katex-html" aria-hidden="true"><span>a</span></span></span>.</p>
            <p>Inline \(x^2\) here.</p><pre>\(not maths\)</pre></body></html>"#;
        assert!(may_have(page));
        let doc = Document::from(page);
        convert(&doc, page);
        let html = doc.select("body").html().to_string();
        assert_eq!(html.matches("<math").count(), 3, "{html}");
        assert!(html.contains("<msup><mi>c</mi><mn>2</mn></msup>"), "{html}");
        assert!(!html.contains("MathJax_Preview"), "{html}");
        assert!(!html.contains("katex-html"), "{html}");
        assert!(!html.contains("math/tex"), "{html}");
        assert!(
            html.contains(r"<pre>\(not maths\)</pre>"),
            "code is not maths: {html}"
        );
        assert!(!may_have("<p>No formulas here.</p>"));
    }
}
