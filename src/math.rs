//! Maths. TeX (Markdown's `$…$` and `$$…$$`, a page's MathJax or KaTeX source) becomes MathML
//! through `math-core` (chosen by measurement: ARCHITECTURE.md, "Decisions"), each formula
//! keeping its TeX as `alttext` and as an `application/x-tex` annotation; and the vocabulary a
//! book's MathML may use — the presentation elements of MathML 3, which EPUB 3 requires, with
//! each element's own attributes — for the formatter, which keeps a page's own `<math>` and
//! the converter's within it.

use std::sync::OnceLock;

pub const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";

/// TeX as a `<math>` element (with its namespace, `alttext` and the TeX annotation), or `None`
/// when the converter does not know a command in it (the caller keeps the TeX as text).
pub fn tex_to_mathml(tex: &str, display: bool) -> Option<String> {
    static CONVERTER: OnceLock<Option<math_core::LatexToMathML>> = OnceLock::new();
    let converter = CONVERTER
        .get_or_init(|| {
            math_core::LatexToMathML::new(math_core::MathCoreConfig {
                xml_namespace: true,
                annotation: true,
                ..Default::default()
            })
            .ok()
        })
        .as_ref()?;
    let tex = tex.trim();
    if tex.is_empty() {
        return None;
    }
    let mode = if display {
        math_core::MathDisplay::Block
    } else {
        math_core::MathDisplay::Inline
    };
    let out = converter.convert_with_local_state(tex, mode).ok()?.mathml;
    // The TeX as alttext, for readers that read no MathML and for speech.
    let alt = escape_attr(tex);
    Some(out.replacen("<math ", &format!("<math alttext=\"{alt}\" "), 1))
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The MathML elements a book may carry (MathML 3 presentation markup), by their static names.
const ELEMENTS: &[&str] = &[
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "merror",
    "mpadded",
    "mphantom",
    "mfenced",
    "menclose",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "none",
    "mtable",
    "mtr",
    "mlabeledtr",
    "mtd",
];

/// A MathML element's name as a static string, if a book may carry it.
pub fn element(name: &str) -> Option<&'static str> {
    ELEMENTS.iter().copied().find(|e| *e == name)
}

/// Token elements: they hold text only.
pub fn is_token(name: &str) -> bool {
    matches!(name, "mi" | "mn" | "mo" | "ms" | "mtext")
}

/// Elements whose place in the tree is fixed (a table's rows and cells, the scripts' markers):
/// a style for one of them goes inside it, not around it.
pub fn is_structural(name: &str) -> bool {
    matches!(name, "mtr" | "mlabeledtr" | "mtd" | "mprescripts" | "none")
}

/// Attributes only `<mstyle>` (and `<math>`) may carry in MathML 3; elsewhere the element is
/// wrapped in an `<mstyle>` that carries them.
pub fn is_style_only(attr: &str) -> bool {
    matches!(attr, "displaystyle" | "scriptlevel")
}

/// The attribute's static name if `element` may carry it. Nothing that loads or links (`href`,
/// `xlink:href`, `src`) and no `style`.
pub fn attribute(element: &str, attr: &str) -> Option<&'static str> {
    const COMMON: &[&str] = &["mathcolor", "mathbackground"];
    let own: &[&'static str] = match element {
        "math" => &["display", "alttext", "dir"],
        "annotation" => &["encoding"],
        "mi" | "mn" | "mtext" => &["mathvariant", "mathsize", "dir"],
        "ms" => &["mathvariant", "mathsize", "dir", "lquote", "rquote"],
        "mo" => &[
            "mathvariant",
            "mathsize",
            "dir",
            "form",
            "fence",
            "separator",
            "lspace",
            "rspace",
            "stretchy",
            "symmetric",
            "maxsize",
            "minsize",
            "largeop",
            "movablelimits",
            "accent",
        ],
        "mspace" => &["width", "height", "depth"],
        "mstyle" => &[
            "displaystyle",
            "scriptlevel",
            "mathvariant",
            "mathsize",
            "dir",
        ],
        "mfrac" => &["linethickness", "numalign", "denomalign", "bevelled"],
        "mover" => &["accent", "align"],
        "munder" => &["accentunder", "align"],
        "munderover" => &["accent", "accentunder", "align"],
        "mtable" => &[
            "columnalign",
            "rowalign",
            "columnspacing",
            "rowspacing",
            "columnlines",
            "rowlines",
            "frame",
            "framespacing",
            "equalrows",
            "equalcolumns",
            "width",
            "align",
        ],
        "mtr" | "mlabeledtr" => &["columnalign", "rowalign"],
        "mtd" => &["columnalign", "rowalign", "rowspan", "columnspan"],
        "mpadded" => &["width", "height", "depth", "lspace", "voffset"],
        "menclose" => &["notation"],
        "mfenced" => &["open", "close", "separators"],
        "mrow" => &["dir"],
        _ => &[],
    };
    own.iter()
        .chain(if element == "annotation" {
            &[][..]
        } else {
            COMMON
        })
        .copied()
        .find(|a| *a == attr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_becomes_mathml_with_its_tex_kept() {
        let m = tex_to_mathml(r"\frac{a}{b} + \sqrt{x^2}", false).expect("converted");
        assert!(
            m.starts_with("<math alttext=\"\\frac{a}{b} + \\sqrt{x^2}\""),
            "{m}"
        );
        assert!(
            m.contains("xmlns=\"http://www.w3.org/1998/Math/MathML\""),
            "{m}"
        );
        assert!(m.contains("<mfrac>"), "{m}");
        assert!(m.contains("<msqrt>"), "{m}");
        assert!(
            m.contains("<annotation encoding=\"application/x-tex\">"),
            "{m}"
        );
        let block = tex_to_mathml(r"\int_0^1 x \, dx", true).expect("converted");
        assert!(block.contains("display=\"block\""), "{block}");
        // TeX's thin space is a space, not a comma.
        assert!(!block.contains("<mo>,</mo>"), "{block}");
        assert!(tex_to_mathml(r"\nosuchcommand{x}", false).is_none());
        assert!(tex_to_mathml("  ", false).is_none());
    }

    #[test]
    fn only_mathml_3_presentation_markup_with_its_own_attributes() {
        assert_eq!(element("mfrac"), Some("mfrac"));
        assert_eq!(element("maction"), None);
        assert_eq!(element("script"), None);
        assert_eq!(attribute("mo", "stretchy"), Some("stretchy"));
        assert_eq!(attribute("mfrac", "displaystyle"), None);
        assert_eq!(attribute("mi", "href"), None);
        assert_eq!(attribute("mi", "style"), None);
        assert_eq!(attribute("mtd", "mathcolor"), Some("mathcolor"));
        assert!(is_style_only("scriptlevel"));
    }
}
