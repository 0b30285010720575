//! Property tests of the sanitizer: whatever HTML comes in, the article's XHTML parses as XML
//! and holds nothing the content-security boundary forbids (`inkquire::formatter::audit`).

use proptest::prelude::*;

const TAGS: &[&str] = &[
    "p",
    "div",
    "span",
    "a",
    "img",
    "b",
    "i",
    "em",
    "table",
    "tr",
    "td",
    "th",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "pre",
    "code",
    "blockquote",
    "figure",
    "figcaption",
    "sup",
    "sub",
    "br",
    "hr",
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "image",
    "video",
    "audio",
    "source",
    "picture",
    "form",
    "input",
    "button",
    "textarea",
    "base",
    "meta",
    "link",
    "template",
    "noscript",
    "frameset",
    "frame",
    "applet",
    "xmp",
    "plaintext",
    "title",
    "head",
    "body",
    "html",
    "foreignObject",
    "annotation-xml",
    "select",
    "option",
    "dialog",
    "details",
    "summary",
    "time",
    "abbr",
    "q",
    "dl",
    "dt",
    "dd",
    "caption",
    "col",
    "colgroup",
    "ruby",
    "rt",
    "bdo",
    "wbr",
];

const ATTRS: &[&str] = &[
    "href",
    "src",
    "srcset",
    "style",
    "onclick",
    "onerror",
    "onload",
    "srcdoc",
    "data",
    "action",
    "formaction",
    "poster",
    "background",
    "xlink:href",
    "xmlns",
    "xmlns:xlink",
    "id",
    "class",
    "lang",
    "title",
    "alt",
    "width",
    "height",
    "colspan",
    "datetime",
    "http-equiv",
    "content",
    "cite",
    "name",
    "rel",
    "type",
    "dir",
    "epub:type",
    "xml:lang",
    "ping",
    "usemap",
    "lowsrc",
];

const VALUES: &[&str] = &[
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:x",
    "data:text/html;base64,PHNjcmlwdD4=",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
    "FILE:/etc/shadow",
    "/etc/passwd",
    "../../../../etc/hostname",
    "..\\..\\windows\\win.ini",
    "//tracker.example/p.gif",
    "http://tracker.example/p.gif",
    "https://example.org/a?b=1&c=2",
    "mailto:x@example.org",
    "#frag",
    "refresh",
    "0;url=file:///",
    "background:url(file:///etc/passwd)",
    "expression(alert(1))",
    "x\" onmouseover=\"alert(1)",
    "<script>alert(1)</script>",
    "]]>",
    "\u{0}\u{1}\u{b}",
    "smb://host/share",
    "",
];

const TEXTS: &[&str] = &[
    "Plain words",
    "a & b",
    "x < y > z",
    "\"quoted\" 'single'",
    "&nbsp;&amp;&lt;&bogus;&#0;&#xD800;&#x110000;",
    "<!-- comment -->",
    "<![CDATA[ data ]]>",
    "<!DOCTYPE html>",
    "<?xml version=\"1.0\"?>",
    "\u{0}\u{7}\u{fffe}\u{1b}",
    "élan — “quotes” 日本語 עברית",
    "]]>",
    "</p></div></body></html>",
];

fn token() -> impl Strategy<Value = String> {
    let attr = (
        prop::sample::select(ATTRS),
        prop::sample::select(VALUES),
        any::<bool>(),
    )
        .prop_map(|(a, v, quoted)| {
            if quoted {
                format!(" {a}=\"{}\"", v.replace('"', "&quot;"))
            } else {
                format!(" {a}={}", v.replace([' ', '>'], ""))
            }
        });
    prop_oneof![
        (
            prop::sample::select(TAGS),
            prop::collection::vec(attr, 0..4)
        )
            .prop_map(|(t, attrs)| format!("<{t}{}>", attrs.concat())),
        prop::sample::select(TAGS).prop_map(|t| format!("</{t}>")),
        prop::sample::select(TEXTS).prop_map(str::to_owned),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..40).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_fragment_gives_safe_well_formed_xhtml(html in document()) {
        let mut data = vec![1u8];
        data.extend_from_slice(html.as_bytes());
        inkquire::fuzzing::html(&data);
    }

    #[test]
    fn any_page_through_the_extractor_gives_safe_well_formed_xhtml(body in document()) {
        let page = format!(
            "<!DOCTYPE html><html><head><title>T</title></head><body><article>\
             <p>An opening paragraph long enough to look like an article body to the extractor, \
             with a few commas, sentences, and words.</p>{body}</article></body></html>"
        );
        let mut data = vec![0u8];
        data.extend_from_slice(page.as_bytes());
        inkquire::fuzzing::html(&data);
    }
}
