//! Maths as MathML: a Markdown file's `$…$` and `$$…$$`, a MathJax page's TeX (in
//! `<script type="math/tex">` and between `\(…\)` in its text) and a KaTeX page's own MathML
//! come out as MathML 3 in the book, each formula with its TeX as `alttext`, the page declared
//! `mathml` in the manifest, TeX's thin space a space and not a comma; EPUBCheck 4 and 5 and Ace
//! say nothing.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

/// The page `name`'s own paragraphs (two pages with the same text would be one story).
fn paras(name: &str) -> String {
    (1..=4)
        .map(|i| {
            format!(
                "<p>The energy of a body at rest, {}, as the well-known equation says ({i}).</p>",
                prose(&format!("{name} {i}"), 16)
            )
        })
        .collect()
}

#[test]
fn markdown_mathjax_and_katex_maths_become_mathml() {
    let srv = TestServer::start();
    srv.route(
        "/mathjax",
        Resp::ok(
            HTML,
            format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mass and energy</title>\
                 <script src=\"/js/mathjax/MathJax.js?config=TeX-AMS_HTML\"></script></head><body><article>{}\
                 <p>The equation <span class=\"MathJax_Preview\">[loading the formula]</span><script type=\"math/tex\">E = mc^2</script> links them, \
                 and the integral \\(\\int_0^1 x\\,dx = \\tfrac12\\) is a half.</p></article></body></html>",
                paras("mathjax")
            ),
        ),
    );
    srv.route(
        "/katex",
        Resp::ok(
            HTML,
            format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>A ratio</title>\
                 <link rel=\"stylesheet\" href=\"/katex/katex.min.css\"></head><body><article>{}\
                 <p>The ratio <span class=\"katex\"><span class=\"katex-mathml\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">\
                 <semantics><mrow><mfrac><mi>a</mi><mi>b</mi></mfrac></mrow><annotation encoding=\"application/x-tex\">\\frac{{a}}{{b}}</annotation></semantics></math></span>\
                 <span class=\"katex-html\" aria-hidden=\"true\"><span class=\"mord\">ab</span></span></span> is kept.</p></article></body></html>",
                paras("katex")
            ),
        ),
    );
    let dir = Dir::new();
    dir.write(
        "notes/maths.md",
        "# Two formulas\n\nThe area of a circle is $A = \\pi r^2$, and\n\n$$\\int_0^\\infty e^{-x^2} \\, dx = \\frac{\\sqrt{\\pi}}{2}$$\n\nends the note. A matrix: $\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$.\n",
    );
    let list = dir.write(
        "later.txt",
        format!("{}\n{}\n", srv.url("/mathjax"), srv.url("/katex")),
    );
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\npath = \"{}\"\n[[source]]\nkind = \"links\"\npath = \"{}\"\n",
            dir.path("notes").display(),
            list.display()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path("maths.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    ace(&out);
    let book = Book::open(&out);
    let opf = book.text("OEBPS/content.opf");
    let mut seen = 0;
    for a in book.articles() {
        let title = book.title_of(&a);
        let x = book.text(&format!("OEBPS/{a}"));
        assert!(
            opf.contains(&format!(
                "href=\"{a}\" media-type=\"application/xhtml+xml\" properties=\"mathml\"/>"
            )),
            "{title}: declared mathml: {opf}"
        );
        let body = book.doc_text(&a, Some("article-body"));
        match title.as_str() {
            "Two formulas" => {
                assert!(x.contains("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" alttext=\"A = \\pi r^2\">"), "{x}");
                assert!(x.contains("display=\"block\""), "{x}");
                assert!(x.contains("<msqrt>"), "{x}");
                assert!(x.contains("<mtable"), "the matrix: {x}");
                assert!(!body.contains('$'), "no raw TeX: {body}");
                assert!(!x.contains("<mo>,</mo>"), "the thin space is no comma: {x}");
                assert!(body.contains("ends the note"), "{body}");
            }
            "Mass and energy" => {
                assert!(x.contains("alttext=\"E = mc^2\""), "{x}");
                assert!(x.contains("<msup><mi>c</mi><mn>2</mn></msup>"), "{x}");
                assert!(
                    x.contains("alttext=\"\\int_0^1 x\\,dx = \\tfrac12\""),
                    "{x}"
                );
                assert!(
                    !body.contains("loading the formula"),
                    "MathJax's preview goes: {body}"
                );
                assert!(!body.contains("\\("), "{body}");
                assert!(body.contains("is a half"), "{body}");
            }
            "A ratio" => {
                assert!(x.contains("alttext=\"\\frac{a}{b}\""), "{x}");
                assert!(x.contains("<mfrac><mi>a</mi><mi>b</mi></mfrac>"), "{x}");
                assert_eq!(x.matches("<math ").count(), 1, "KaTeX's drawing goes: {x}");
                assert!(body.contains("is kept"), "{body}");
            }
            other => panic!("unexpected article {other}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 3);
}
