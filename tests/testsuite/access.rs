//! Accessible books: the OPF's accessibility metadata says what the book holds, every document's
//! semantics (roles, headings, pictures' text, tables, links, language) read back right, and
//! Ace by DAISY finds nothing.

use std::collections::HashMap;

use crate::util::*;

const DATE: &str = "2026-11-28";

/// The ARIA role each `epub:type` the books use must carry (DPUB-ARIA).
fn role_for(epub_type: &str) -> Option<&'static str> {
    Some(match epub_type {
        "toc" => "doc-toc",
        "noteref" => "doc-noteref",
        "footnote" => "doc-footnote",
        "cover" => "doc-cover",
        "backlink" => "doc-backlink",
        _ => return None,
    })
}

fn is_html(n: &roxmltree::Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name
}

fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Read every XHTML document of `book` back and check what a screen reader depends on. Returns
/// the pictures (img elements outside the cover) and how many of them say nothing.
fn assert_accessible(book: &Book) -> (usize, usize) {
    const EPUB_NS: &str = "http://www.idpf.org/2007/ops";
    let (mut pictures, mut bare) = (0, 0);
    for (name, _) in book.files.iter().filter(|(k, _)| k.ends_with(".xhtml")) {
        let text = book.text(name);
        let doc = xml(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let html = doc.root_element();
        assert!(
            html.attribute("lang").is_some_and(|l| !l.is_empty()),
            "{name}: <html> has a lang"
        );
        let ids: HashMap<&str, roxmltree::Node> = doc
            .descendants()
            .filter_map(|n| n.attribute("id").map(|id| (id, n)))
            .collect();
        let mut last_level = 0u8;
        for n in doc.descendants().filter(|n| n.is_element()) {
            // Every epub:type has its role (the landmarks list names pages, it has no roles).
            if let Some(t) = n.attribute((EPUB_NS, "type")) {
                let in_landmarks = n
                    .ancestors()
                    .any(|a| a.attribute((EPUB_NS, "type")) == Some("landmarks"));
                if !in_landmarks {
                    let want = role_for(t)
                        .unwrap_or_else(|| panic!("{name}: no role known for epub:type {t:?}"));
                    assert_eq!(
                        n.attribute("role"),
                        Some(want),
                        "{name}: <{} epub:type=\"{t}\">",
                        n.tag_name().name()
                    );
                }
            }
            let tag = n.tag_name().name();
            // Headings never skip a level; the first is the page's h1.
            if let Some(level) = tag
                .strip_prefix('h')
                .and_then(|d| d.parse::<u8>().ok())
                .filter(|_| tag.len() == 2)
            {
                assert!(
                    level <= last_level + 1,
                    "{name}: <{tag}> \"{}\" after h{last_level}",
                    text_of(n)
                );
                assert!(!text_of(n).is_empty(), "{name}: an empty <{tag}>");
                last_level = level;
            }
            match tag {
                "img" => {
                    let alt = n.attribute("alt");
                    let named_by = n.attribute("aria-labelledby").map(|id| {
                        let target = ids
                            .get(id)
                            .unwrap_or_else(|| panic!("{name}: aria-labelledby={id} names no id"));
                        text_of(*target)
                    });
                    assert!(
                        alt.is_some() || named_by.as_ref().is_some_and(|t| !t.is_empty()),
                        "{name}: a picture with neither alt nor caption"
                    );
                    if let Some(a) = alt {
                        let lower = a.to_lowercase();
                        assert!(
                            !lower.ends_with(".jpg")
                                && !lower.ends_with(".png")
                                && !["image", "photo", "picture"].contains(&lower.as_str()),
                            "{name}: alt text that pretends: {a:?}"
                        );
                    }
                    if n.attribute("role") != Some("doc-cover") {
                        pictures += 1;
                        if alt.is_none_or(str::is_empty) && named_by.is_none() {
                            bare += 1;
                        }
                    }
                }
                "table" if n.attribute("role") != Some("presentation") => {
                    assert!(
                        n.descendants().any(|c| is_html(&c, "th")),
                        "{name}: a table of data without header cells"
                    );
                }
                "a" if n.attribute("href").is_some() => {
                    let named = !text_of(n).is_empty()
                        || n.attribute("aria-labelledby").is_some()
                        || n.descendants().any(|c| {
                            is_html(&c, "img") && c.attribute("alt").is_some_and(|a| !a.is_empty())
                        });
                    assert!(named, "{name}: a link with nothing to read out");
                }
                _ => {}
            }
        }
    }
    (pictures, bare)
}

/// The accessibility metadata of the OPF: property → values, in order.
fn a11y_meta(book: &Book) -> HashMap<String, Vec<String>> {
    let opf = book.opf();
    let doc = xml(&opf).unwrap();
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for m in doc.descendants().filter(|n| is_html(n, "meta")) {
        if let Some(p) = m.attribute("property")
            && (p.starts_with("schema:")
                || p.starts_with("dcterms:conformsTo")
                || p.starts_with("a11y:"))
        {
            out.entry(p.to_owned())
                .or_default()
                .push(m.text().unwrap_or("").to_owned());
        }
    }
    out
}

fn values<'a>(meta: &'a HashMap<String, Vec<String>>, p: &str) -> Vec<&'a str> {
    meta.get(p)
        .map(|v| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn a_markdown_book_with_notes_a_table_and_two_languages_reads_well_aloud() {
    let dir = Dir::new();
    dir.write(
        "in/a.md",
        "---\ntitle: Field notes from the harbour\ntopics: local\n---\n\n\
         The quay reopened on Monday.[^1] Boats came back within the hour.\n\n\
         #### A heading four levels down\n\nIt should read as the second level.\n\n\
         ###### And one deeper still\n\nRead as the third.\n\n\
         | Berth | Boats |\n|---|---|\n| North | 12 |\n| South | 9 |\n\n\
         An empty link [](https://example.org/) says nothing and goes.\n\n\
         [^1]: The harbour master said so.\n",
    );
    dir.write(
        "in/b.md",
        "---\ntitle: Second story in English\ntopics: local\nauthor: April 28, 2019 at 6:01 am Updated\n---\n\n\
         A plain story with enough words to be an article for the reader today.\n",
    );
    dir.write(
        "in/c.md",
        "---\ntitle: Le port rouvre ses quais\ntopics: local\nlang: fr\nauthor: Camille Morel\ndate: 2026-11-25\n---\n\n\
         Le port a rouvert ses quais lundi matin, sous un ciel clair.\n",
    );
    let book = Book::open(&build_folder(&dir, "in"));
    let (pictures, _) = assert_accessible(&book);
    assert_eq!(pictures, 0);

    // The book's language is English; the French article says it is French, in its own page
    // and where the contents and the navigation name it.
    assert!(book.opf().contains("<dc:language>en</dc:language>"));
    let french = book.article_titled("port rouvre");
    assert!(
        book.text(&format!("OEBPS/{french}"))
            .contains("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"fr\"")
    );
    // Its header speaks French; a byline that is a date is no byline.
    let header = book.doc_text(&french, Some("article-header"));
    for words in ["Par Camille Morel", "25 novembre 2026", "1 min de lecture"] {
        assert!(header.contains(words), "{words}: {header}");
    }
    let second = book.article_titled("Second story");
    let header = book.doc_text(&second, Some("article-header"));
    assert!(
        !header.contains("2019") && !header.contains("By "),
        "{header}"
    );
    assert!(header.contains("1 min read"), "{header}");
    for page in ["OEBPS/contents.xhtml", "OEBPS/nav.xhtml"] {
        let x = book.text(page);
        assert!(
            x.contains(&format!(
                "<li lang=\"fr\" xml:lang=\"fr\"><a href=\"{french}\">"
            )),
            "{page}: {x}"
        );
        assert_eq!(
            x.matches(" lang=\"fr\"").count(),
            1,
            "{page}: only the French one"
        );
    }

    // Notes, headings, the table and the empty link as written.
    let notes = book.article_titled("Field notes");
    let x = book.text(&format!("OEBPS/{notes}"));
    assert!(x.contains("<h2>A heading four levels down</h2>"), "{x}");
    assert!(x.contains("<h3>And one deeper still</h3>"), "{x}");
    assert!(x.contains("<th scope=\"col\">Berth</th>"), "{x}");
    assert!(x.contains("role=\"doc-noteref\""), "{x}");
    assert!(x.contains("role=\"doc-footnote\""), "{x}");
    assert!(x.contains("role=\"doc-backlink\""), "{x}");
    assert!(!x.contains("href=\"https://example.org/\""), "{x}");
    assert!(x.contains("An empty link  says nothing"), "{x}");
    // Landmarks: the article and the links between pages.
    assert!(x.contains("<article class=\"article\">"), "{x}");
    assert!(
        x.contains("<nav class=\"issue-nav\" aria-label=\"Issue\">"),
        "{x}"
    );
    assert!(
        book.text("OEBPS/contents.xhtml")
            .contains("<nav epub:type=\"toc\" role=\"doc-toc\" aria-labelledby=\"masthead\">")
    );
    let cover = book.text("OEBPS/cover.xhtml");
    assert!(
        cover.contains("role=\"doc-cover\" alt=\"The cover of Morning Digest, Saturday 28 November 2026 · No. 1\""),
        "{cover}"
    );

    // Text only: no visual access mode, and everything a reader needs is text.
    let meta = a11y_meta(&book);
    assert_eq!(values(&meta, "schema:accessMode"), ["textual"]);
    assert_eq!(values(&meta, "schema:accessModeSufficient"), ["textual"]);
    let features = values(&meta, "schema:accessibilityFeature");
    for f in [
        "tableOfContents",
        "readingOrder",
        "structuralNavigation",
        "displayTransformability",
    ] {
        assert!(features.contains(&f), "{features:?}");
    }
    assert!(
        !features.contains(&"alternativeText"),
        "no pictures to describe"
    );
    assert_eq!(values(&meta, "schema:accessibilityHazard"), ["none"]);
    assert!(
        values(&meta, "schema:accessibilitySummary")[0].contains("no pictures besides the cover")
    );
    assert_eq!(
        values(&meta, "dcterms:conformsTo"),
        ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    );
    assert_eq!(values(&meta, "a11y:certifiedBy").len(), 1);
}

/// An HTML page with enough words to be an article, showing `pictures` (HTML).
fn page(title: &str, pictures: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body><article>\
         <h1>{title}</h1>\
         <p>The river rose through the night and by morning the lower town stood in water, \
         though the new walls held where the old ones had failed two winters ago.</p>\
         {pictures}\
         <p>Volunteers filled sandbags at the school until the rain eased after noon, and the \
         council said the road to the coast would open again before the weekend.</p>\
         </article></body></html>"
    )
}

/// Build the pages in `dir/name/` (with two pictures beside them) into one book.
fn build_pages(dir: &Dir, name: &str, pages: &[(&str, &str)]) -> std::path::PathBuf {
    for (i, (title, pictures)) in pages.iter().enumerate() {
        dir.write(&format!("{name}/p{i}.html"), page(title, pictures));
    }
    dir.write(&format!("{name}/red.png"), png(80, 60));
    dir.write(&format!("{name}/blue.png"), png(90, 50));
    build_folder(dir, name)
}

/// Build the folder `dir/name` into `dir/name.epub`, judged by both EPUBChecks and Ace.
fn build_folder(dir: &Dir, name: &str) -> std::path::PathBuf {
    let out = dir.path(&format!("{name}.epub"));
    let o = inkquire(&[
        "build",
        dir.path(name).to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        DATE,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    ace(&out);
    out
}

#[test]
fn the_metadata_claims_only_what_the_pictures_allow() {
    let dir = Dir::new();
    // Every picture described: by its alt, or by its figure's caption.
    let described = Book::open(&build_pages(
        &dir,
        "described",
        &[
            (
                "Flood water reaches the lower town",
                "<p><img src=\"red.png\" alt=\"Sandbags along the river wall\"></p>",
            ),
            (
                "The road to the coast reopens",
                "<figure><img src=\"blue.png\"><figcaption>The coast road at noon, \
                 open again</figcaption></figure>",
            ),
        ],
    ));
    assert_eq!(assert_accessible(&described), (2, 0));
    let meta = a11y_meta(&described);
    assert_eq!(values(&meta, "schema:accessMode"), ["textual", "visual"]);
    assert_eq!(
        values(&meta, "schema:accessModeSufficient"),
        ["textual", "textual,visual"]
    );
    assert!(values(&meta, "schema:accessibilityFeature").contains(&"alternativeText"));
    assert_eq!(values(&meta, "dcterms:conformsTo").len(), 1);
    assert!(
        values(&meta, "schema:accessibilitySummary")[0].contains("All 2 pictures are described")
    );
    let road = described.article_titled("coast");
    let x = described.text(&format!("OEBPS/{road}"));
    assert!(
        x.contains("aria-labelledby=\""),
        "the caption names the picture: {x}"
    );

    // A picture with no alt and no caption, and one whose alt is its file name: neither is
    // described, so the book claims neither alternative text nor conformance.
    let bare = Book::open(&build_pages(
        &dir,
        "bare",
        &[
            (
                "Flood water reaches the lower town",
                "<p><img src=\"red.png\" alt=\"Sandbags along the river wall\"></p>",
            ),
            (
                "The road to the coast reopens",
                "<p><img src=\"blue.png\"></p>",
            ),
            (
                "Rain eases after noon",
                "<p><img src=\"red.png\" alt=\"IMG_0042.JPG\" title=\"IMG_0042.JPG\"></p>",
            ),
        ],
    ));
    assert_eq!(assert_accessible(&bare), (3, 2));
    let meta = a11y_meta(&bare);
    assert_eq!(values(&meta, "schema:accessMode"), ["textual", "visual"]);
    assert_eq!(
        values(&meta, "schema:accessModeSufficient"),
        ["textual,visual"]
    );
    assert!(!values(&meta, "schema:accessibilityFeature").contains(&"alternativeText"));
    assert!(values(&meta, "dcterms:conformsTo").is_empty());
    assert!(values(&meta, "a11y:certifiedBy").is_empty());
    assert!(
        values(&meta, "schema:accessibilitySummary")[0]
            .contains("2 of 3 pictures have no text description")
    );
    let rain = bare.article_titled("Rain");
    let x = bare.text(&format!("OEBPS/{rain}"));
    assert!(
        !x.contains("IMG_0042"),
        "a file name is no description: {x}"
    );
}
