//! The content-security boundary (ARCHITECTURE.md) as a check over finished XHTML.
//!
//! The sanitizer builds safe output by construction; this is the second, independent look. It
//! parses the formatter's fragment as XML and lists anything a book must not carry: an element that
//! runs code, loads something or submits something, an event handler or inline style, or a
//! reference that leaves the book other than a link the reader follows. `build` runs it on every
//! article (an article that fails is left out, as a bug to report); the fuzz targets and the
//! property tests assert that it finds nothing.

/// Elements that never belong in a book: code, frames, plugins, media that loads by itself,
/// forms, SVG (it can carry scripts and links), and head elements that fetch or redirect.
/// MathML is carried, in its own namespace and vocabulary only ([`crate::math`]).
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "noscript", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object",
    "embed", "applet", "param", "video", "audio", "source", "track", "picture", "form", "input",
    "button", "textarea", "select", "option", "svg", "image", "canvas", "template", "portal",
    "dialog",
];

/// Attributes that run code, style, or load something.
const FORBIDDEN_ATTRIBUTES: &[&str] = &[
    "style",
    "srcdoc",
    "srcset",
    "sizes",
    "poster",
    "background",
    "action",
    "formaction",
    "lowsrc",
    "dynsrc",
    "longdesc",
    "usemap",
    "ping",
    "manifest",
    "data",
    "codebase",
    "http-equiv",
];

const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// What in `fragment` (an article's XHTML, without `<html>`) breaks the boundary; empty if
/// nothing does. Not well-formed XML is itself a violation.
pub fn violations(fragment: &str) -> Vec<String> {
    let wrapped = format!(
        "<div xmlns=\"{XHTML}\" xmlns:epub=\"http://www.idpf.org/2007/ops\">{fragment}</div>"
    );
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = match roxmltree::Document::parse_with_options(&wrapped, opts) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let mut found = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name();
        let tag = name.name().to_ascii_lowercase();
        let mathml = name.namespace() == Some(crate::math::MATHML_NS);
        if mathml {
            if crate::math::element(&tag).is_none() {
                found.push(format!("<{tag}> in MathML"));
            }
            for a in node.attributes() {
                if a.namespace().is_some() || crate::math::attribute(&tag, a.name()).is_none() {
                    found.push(format!("{}= on MathML <{tag}>", a.name()));
                }
            }
            continue;
        }
        if name.namespace() != Some(XHTML) {
            found.push(format!("<{tag}> outside XHTML"));
        }
        if FORBIDDEN_ELEMENTS.contains(&tag.as_str()) {
            found.push(format!("<{tag}>"));
        }
        for a in node.attributes() {
            let an = a.name().to_ascii_lowercase();
            if an.starts_with("on") || FORBIDDEN_ATTRIBUTES.contains(&an.as_str()) {
                found.push(format!("{an}= on <{tag}>"));
                continue;
            }
            if a.namespace().is_some_and(|ns| ns.contains("xlink")) {
                found.push(format!("xlink:{an} on <{tag}>"));
                continue;
            }
            let ok = match an.as_str() {
                "href" => tag == "a" && (is_web_link(a.value()) || is_inside(a.value())),
                "src" => tag == "img" && is_inside(a.value()),
                "cite" => is_web_link(a.value()),
                _ => true,
            };
            if !ok {
                found.push(format!("{an}=\"{}\" on <{tag}>", a.value()));
            }
        }
    }
    found
}

/// A link a reader may follow out of the book.
fn is_web_link(v: &str) -> bool {
    let v = v.trim_start().to_ascii_lowercase();
    v.starts_with("http://") || v.starts_with("https://") || v.starts_with("mailto:")
}

/// A reference to a file in the book (or a fragment of one): relative, no scheme, no way out.
fn is_inside(v: &str) -> bool {
    let path = v.split('#').next().unwrap_or("");
    !v.is_empty()
        && !path.contains(':')
        && !path.contains('\\')
        && !path.starts_with('/')
        && !path.split('/').any(|seg| seg == "..")
        && !v.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::violations;

    #[test]
    fn clean_fragments_pass() {
        let ok = r##"<header class="article-header"><h1>T</h1></header>
            <p>Text <a href="https://example.org/x?a=1&amp;b=2">web</a>
            <a href="#a1-fn1" epub:type="noteref">1</a> <a href="mailto:x@example.org">m</a></p>
            <p><img src="images/0a1b.jpg" alt="x"/></p><blockquote cite="https://e.org/">q</blockquote>
            <p><math xmlns="http://www.w3.org/1998/Math/MathML" alttext="x"><mi mathvariant="bold">x</mi></math></p>"##;
        assert_eq!(violations(ok), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_escape_is_found() {
        for bad in [
            "<script>alert(1)</script>",
            "<p onclick=\"x()\">a</p>",
            "<p style=\"background:url(file:///etc/passwd)\">a</p>",
            "<img src=\"file:///etc/passwd\" alt=\"\"/>",
            "<img src=\"http://tracker.example/p.gif\" alt=\"\"/>",
            "<img src=\"../../etc/passwd\" alt=\"\"/>",
            "<img src=\"/etc/passwd\" alt=\"\"/>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"file:///etc/shadow\">x</a>",
            "<a href=\"data:text/html,x\">x</a>",
            "<iframe srcdoc=\"x\"></iframe>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x</script></svg>",
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi href=\"javascript:x()\">x</mi></math>",
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><maction actiontype=\"statusline\"><mi>x</mi></maction></math>",
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi style=\"x\">x</mi></math>",
            "<object data=\"x\"></object>",
            "<meta http-equiv=\"refresh\" content=\"0;url=file:///\"/>",
            "<link rel=\"stylesheet\" href=\"http://e.org/s.css\"/>",
            "<p>unclosed",
            "<p>&nbsp;</p>",
        ] {
            assert!(!violations(bad).is_empty(), "{bad}");
        }
    }
}
