//! A page's maths, kept as MathML a book may carry: its own `<math>` (KaTeX's and MathJax's
//! accessible copies included), and MathJax's TeX source (`<script type="math/tex">`) converted.
//! What comes out is MathML 3 presentation markup (what EPUB 3 requires and EPUBCheck checks):
//! known elements with their own attributes only, a style that only `<mstyle>` may carry moved
//! onto one, text outside a token element set as `<mtext>`, nothing that links or loads; and
//! every formula has its TeX (or its text) as `alttext`.

use dom_query::{Document, NodeRef};

use super::tree::{Element, Node};
use crate::math::{self, MATHML_NS};
use crate::words::collapse;

/// A `<math>` element of a page, cleaned; `None` when nothing of it is left.
pub fn clean(n: &NodeRef) -> Option<Element> {
    let mut m = Element::new("math");
    m.set_attr("xmlns", MATHML_NS);
    if n.attr("display").is_some_and(|d| d.trim() == "block") {
        m.set_attr("display", "block");
    }
    let mut kids = Vec::new();
    for c in n.children() {
        node(&c, &mut kids);
    }
    if !kids.iter().any(|k| matches!(k, Node::El(_))) {
        return None;
    }
    let alt = n
        .attr("alttext")
        .map(|a| a.to_string())
        .filter(|a| !a.trim().is_empty())
        .or_else(|| tex_of(n))
        .unwrap_or_else(|| collapse(&n.text()));
    m.set_attr("alttext", alt);
    m.children = kids;
    Some(m)
}

/// MathJax's TeX source (`<script type="math/tex">`, `; mode=display` for a display formula) as
/// MathML; `None` when it is not TeX or the converter cannot read it.
pub fn from_script(n: &NodeRef) -> Option<Element> {
    let ty = n.attr("type")?.to_ascii_lowercase();
    if !ty.starts_with("math/tex") {
        return None;
    }
    let mathml = math::tex_to_mathml(&n.text(), ty.contains("mode=display"))?;
    let doc = Document::fragment(mathml);
    let found = doc.select("math").nodes().first().cloned();
    found.as_ref().and_then(clean)
}

/// The TeX a formula was written in, from its `application/x-tex` annotation.
fn tex_of(n: &NodeRef) -> Option<String> {
    n.descendants().into_iter().find_map(|d| {
        (local_name(&d) == "annotation"
            && d.attr("encoding")
                .is_some_and(|e| e.trim().eq_ignore_ascii_case("application/x-tex")))
        .then(|| d.text().trim().to_owned())
        .filter(|t| !t.is_empty())
    })
}

fn local_name(n: &NodeRef) -> String {
    n.node_name()
        .map(|s| s.rsplit(':').next().unwrap_or("").to_ascii_lowercase())
        .unwrap_or_default()
}

fn node(n: &NodeRef, out: &mut Vec<Node>) {
    if n.is_text() {
        let t = n.text();
        if !t.trim().is_empty() {
            let mut mtext = Element::new("mtext");
            mtext.children.push(Node::Text(t.to_string()));
            out.push(Node::El(mtext));
        }
        return;
    }
    if !n.is_element() {
        return;
    }
    let name = local_name(n);
    match name.as_str() {
        "semantics" => semantics(n, out),
        "annotation" | "annotation-xml" => {}
        // Its first child is what it shows.
        "maction" => {
            if let Some(first) = n.children().into_iter().find(|c| c.is_element()) {
                node(&first, out);
            }
        }
        _ => match math::element(&name) {
            Some("math") | None => {
                // Not MathML (or a formula in a formula): what it holds, as one expression.
                let mut kids = Vec::new();
                for c in n.children() {
                    node(&c, &mut kids);
                }
                out.extend(one(kids));
            }
            Some(known) => out.push(Node::El(element(n, known))),
        },
    }
}

/// Several expressions where one is expected: an `<mrow>` of them.
fn one(mut kids: Vec<Node>) -> Option<Node> {
    match kids.len() {
        0 => None,
        1 => kids.pop(),
        _ => {
            let mut row = Element::new("mrow");
            row.children = kids;
            Some(Node::El(row))
        }
    }
}

fn element(n: &NodeRef, name: &'static str) -> Element {
    let mut el = Element::new(name);
    let mut style = Vec::new();
    for a in n.attrs() {
        let an = a.name.local.to_ascii_lowercase();
        let value = a.value.trim().to_owned();
        if math::is_style_only(&an) && name != "mstyle" {
            if let Some(s) = math::attribute("mstyle", &an) {
                style.push((s, value));
            }
        } else if let Some(an) = math::attribute(name, &an) {
            el.set_attr(an, value);
        }
    }
    if math::is_token(name) {
        let t = n.text();
        if !t.is_empty() {
            el.children.push(Node::Text(t.to_string()));
        }
    } else if !matches!(name, "mspace" | "none" | "mprescripts") {
        for c in n.children() {
            node(&c, &mut el.children);
        }
    }
    if style.is_empty() {
        return el;
    }
    let mut mstyle = Element::new("mstyle");
    for (k, v) in style {
        mstyle.set_attr(k, v);
    }
    if math::is_structural(name) {
        // A row or a cell keeps its place: the style goes inside it.
        mstyle.children = std::mem::take(&mut el.children);
        el.children.push(Node::El(mstyle));
        el
    } else {
        mstyle.children.push(Node::El(el));
        mstyle
    }
}

/// A formula and its annotations: the formula, and its TeX when it has one.
fn semantics(n: &NodeRef, out: &mut Vec<Node>) {
    let mut shown = Vec::new();
    let mut tex = None;
    for c in n.children() {
        match local_name(&c).as_str() {
            "annotation"
                if tex.is_none()
                    && c.attr("encoding")
                        .is_some_and(|e| e.trim().eq_ignore_ascii_case("application/x-tex")) =>
            {
                tex = Some(c.text().to_string());
            }
            "annotation" => {}
            "annotation-xml" => {}
            _ if shown.is_empty() => node(&c, &mut shown),
            _ => {}
        }
    }
    let Some(shown) = one(shown) else { return };
    let Some(tex) = tex else {
        out.push(shown);
        return;
    };
    let mut sem = Element::new("semantics");
    sem.children.push(shown);
    let mut ann = Element::new("annotation");
    ann.set_attr("encoding", "application/x-tex");
    ann.children.push(Node::Text(tex));
    sem.children.push(Node::El(ann));
    out.push(Node::El(sem));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::tree::write_nodes;

    fn cleaned(html: &str) -> String {
        let doc = Document::fragment(html);
        let m = doc
            .select("math")
            .nodes()
            .first()
            .cloned()
            .expect("a math element");
        let mut s = String::new();
        if let Some(e) = clean(&m) {
            write_nodes(&[Node::El(e)], &mut s);
        }
        s
    }

    #[test]
    fn a_pages_math_is_kept_as_mathml_3_with_its_tex() {
        let katex = r#"<span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow><mfrac displaystyle="true"><mn>1</mn><mi href="javascript:x()" style="color:red">n</mi></mfrac><mtable scriptlevel="1"><mtr><mtd scriptlevel="0" style="text-align:left"><mi>a</mi></mtd></mtr></mtable></mrow><annotation encoding="application/x-tex">\frac{1}{n}</annotation><annotation-xml encoding="MathML-Content"><ci>n</ci></annotation-xml></semantics></math></span>"#;
        let out = cleaned(katex);
        assert!(
            out.starts_with(
                "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" alttext=\"\\frac{1}{n}\">"
            ),
            "{out}"
        );
        assert!(
            out.contains("<mstyle displaystyle=\"true\"><mfrac>"),
            "displaystyle moves onto an mstyle: {out}"
        );
        assert!(out.contains("<mstyle scriptlevel=\"1\"><mtable>"), "{out}");
        assert!(
            out.contains("<mtd><mstyle scriptlevel=\"0\"><mi>a</mi></mstyle></mtd>"),
            "a cell keeps its place: {out}"
        );
        assert!(!out.contains("href"), "{out}");
        assert!(!out.contains(" style="), "{out}");
        assert!(!out.contains("annotation-xml"), "{out}");
        assert!(
            out.contains("<annotation encoding=\"application/x-tex\">\\frac{1}{n}</annotation>"),
            "{out}"
        );
    }

    #[test]
    fn loose_text_and_unknown_markup_become_mathml() {
        let out =
            cleaned("<math><mrow>x <mfoo>plus</mfoo><mtext><b>bold</b></mtext></mrow></math>");
        assert!(out.contains("<mtext>x </mtext>"), "{out}");
        assert!(out.contains("<mtext>bold</mtext>"), "{out}");
        assert!(out.contains("alttext=\""), "{out}");
        assert!(out.contains("<mtext>plus</mtext>"), "{out}");
        assert!(!out.contains("mfoo"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert_eq!(cleaned("<math> </math>"), "", "nothing left, no formula");
    }

    #[test]
    fn mathjax_tex_source_is_converted() {
        let doc = Document::fragment(
            r#"<script type="math/tex; mode=display">E = mc^2</script><script type="text/javascript">x</script>"#,
        );
        let scripts = doc.select("script").nodes().to_vec();
        let m = from_script(&scripts[0]).expect("converted");
        let mut s = String::new();
        write_nodes(&[Node::El(m)], &mut s);
        assert!(s.contains("display=\"block\""), "{s}");
        assert!(s.contains("alttext=\"E = mc^2\""), "{s}");
        assert!(s.contains("<msup><mi>c</mi><mn>2</mn></msup>"), "{s}");
        assert!(from_script(&scripts[1]).is_none());
    }
}
