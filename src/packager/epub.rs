//! The EPUB container: EPUB 3 package with an EPUB 2 NCX, written deterministically.
//!
//! Layout inside the zip (everything under `OEBPS/` is flat, so links never need `../`):
//!
//! ```text
//! mimetype                      stored, first, no extra fields
//! META-INF/container.xml
//! OEBPS/content.opf             metadata, manifest, spine, guide
//! OEBPS/toc.ncx                 EPUB 2 TOC (Kindle, older readers); playOrder = spine order
//! OEBPS/nav.xhtml               EPUB 3 TOC and landmarks
//! OEBPS/cover.xhtml, contents.xhtml, article-NNN.xhtml
//! OEBPS/style.css, OEBPS/images/…
//! ```
//!
//! Every zip entry carries the issue's date as its time stamp, and nothing else varies, so the
//! same issue gives the same bytes.

use std::io::{Seek, Write};
use std::sync::Arc;

use zip::write::{PreparedZipFile, SimpleFileOptions};
use zip::{CompressionMethod, ZipWriter};

use crate::formatter::tree::{esc, esc_attr};
use crate::model::{Asset, FormattedArticle, Issue, IssueMeta};

/// One document of the spine.
struct Doc {
    href: String,
    id: String,
}

/// An article's place in the book.
struct Placed<'a> {
    article: &'a FormattedArticle,
    doc: Doc,
    section: usize,
}

/// Why a book could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Write `issue` as an EPUB into `out` (an [`AtomicFile`](crate::shelf::AtomicFile)'s temporary file).
///
/// The book is streamed: the pages are drawn and deflated a few at a time on all cores, each
/// entry written as soon as it and those before it are done, so memory holds a few pages, never
/// the whole book.
pub fn write(issue: &Issue, out: &mut dyn crate::shelf::WriteSeek) -> Result<(), PackageError> {
    let m = &issue.meta;
    let full_title = format!("{} — {}", m.title, crate::formatter::human_date(m.date));

    let mut placed: Vec<Placed> = Vec::new();
    for (si, s) in issue.sections.iter().enumerate() {
        for a in &s.articles {
            let n = placed.len() + 1;
            placed.push(Placed {
                article: a,
                doc: Doc {
                    href: format!("article-{n:03}.xhtml"),
                    id: format!("article-{n:03}"),
                },
                section: si,
            });
        }
    }
    // A section has no page of its own (it would only repeat the contents' list): its entry in
    // the navigation leads to its first article (reading order stays the spine's), and its
    // heading on the contents page carries its id.
    let section_docs: Vec<Doc> = (0..issue.sections.len())
        .map(|si| Doc {
            href: placed
                .iter()
                .find(|p| p.section == si)
                .map_or_else(|| "contents.xhtml".to_owned(), |p| p.doc.href.clone()),
            id: format!("section-{:02}", si + 1),
        })
        .collect();
    // Spine: cover, contents, then the articles, section by section.
    let mut spine: Vec<&Doc> = Vec::new();
    let cover_doc = Doc {
        href: "cover.xhtml".into(),
        id: "cover".into(),
    };
    let contents_doc = Doc {
        href: "contents.xhtml".into(),
        id: "contents".into(),
    };
    spine.push(&cover_doc);
    spine.push(&contents_doc);
    spine.extend(placed.iter().map(|p| &p.doc));

    // Images: each distinct file once.
    let mut assets: Vec<&Asset> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in issue.articles() {
        for asset in &a.assets {
            if seen.insert(asset.href.as_str()) {
                assets.push(asset);
            }
        }
    }

    let mut files: Vec<(String, Content)> = Vec::new();
    let mut add = |name: &str, data: Vec<u8>| {
        files.push((format!("OEBPS/{name}"), Content::Bytes(Arc::new(data))))
    };
    add(
        "content.opf",
        opf(issue, &full_title, &spine, &placed, &assets).into_bytes(),
    );
    add(
        "toc.ncx",
        ncx(issue, &full_title, &section_docs, &placed).into_bytes(),
    );
    add("nav.xhtml", nav(issue, &section_docs, &placed).into_bytes());
    add("style.css", issue.css.clone().into_bytes());
    add("cover.xhtml", cover_page(issue).into_bytes());
    add(
        "contents.xhtml",
        contents_page(issue, &full_title, &section_docs, &placed).into_bytes(),
    );
    for (i, p) in placed.iter().enumerate() {
        files.push((format!("OEBPS/{}", p.doc.href), Content::Article(i)));
    }
    files.push((
        format!("OEBPS/{}", issue.cover.href),
        Content::Bytes(issue.cover.data.clone()),
    ));
    for a in &assets {
        files.push((format!("OEBPS/{}", a.href), Content::Bytes(a.data.clone())));
    }
    let size = |c: &Content| match c {
        Content::Bytes(b) => b.len(),
        Content::Article(i) => placed[*i].article.xhtml.len() + 4096,
    };
    let draw = |c: &Content| match c {
        Content::Bytes(b) => b.clone(),
        Content::Article(i) => {
            Arc::new(article_page(issue, *i, &section_docs, &placed).into_bytes())
        }
    };
    zip_stream(
        m.date,
        files,
        &size,
        &draw,
        rayon::current_num_threads(),
        out,
    )?;
    Ok(())
}

/// What a zip entry holds: bytes at hand, or a page drawn only when its turn comes.
enum Content {
    Bytes(Arc<Vec<u8>>),
    Article(usize),
}

/// How many bytes of entries (before deflating) are drawn and deflated at once, per core.
const WINDOW_PER_CORE: usize = 1 << 20;

/// The book's zip, streamed into `out`: `mimetype` first and stored, then the entries in order,
/// in windows of about `cores` × [`WINDOW_PER_CORE`] bytes (by `size`) whose entries are drawn
/// by `draw` and deflated at once on rayon's threads. Every entry is deflated on its own, so the
/// bytes are the same whatever the number of cores.
fn zip_stream<T: Sync, W: Write + Seek>(
    date: chrono::NaiveDate,
    entries: Vec<(String, T)>,
    size: &dyn Fn(&T) -> usize,
    draw: &(dyn Fn(&T) -> Arc<Vec<u8>> + Sync),
    cores: usize,
    out: W,
) -> Result<W, PackageError> {
    use chrono::Datelike;
    use rayon::prelude::*;
    let stamp = zip::DateTime::from_date_and_time(
        date.year().clamp(1980, 2107) as u16,
        date.month() as u8,
        date.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    // Images are compressed already; deflating them again costs time for nothing.
    let compress =
        |name: &str| !(name.ends_with(".jpg") || name.ends_with(".png") || name.ends_with(".gif"));
    let mut zip = ZipWriter::new(out);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(CONTAINER.as_bytes())?;
    let window = cores.max(1) * WINDOW_PER_CORE;
    let mut rest = &entries[..];
    while !rest.is_empty() {
        let mut filled = 0;
        let n = rest
            .iter()
            .take_while(|(_, c)| {
                let go = filled < window;
                filled += size(c);
                go
            })
            .count();
        let (now, later) = rest.split_at(n);
        let prepared = now
            .par_iter()
            .map(|(name, c)| {
                let options = if compress(name) { deflated } else { stored };
                PreparedZipFile::from_data(name, options, &draw(c))
            })
            .collect::<Result<Vec<_>, _>>()?;
        zip.add_prepared_files(prepared)?;
        rest = later;
    }
    Ok(zip.finish()?)
}

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

/// An XHTML document with the book's stylesheet, right to left when `rtl`.
fn xhtml(lang: &str, rtl: bool, title: &str, body_attrs: &str, body: &str) -> String {
    let lang = esc_attr(lang);
    let dir = if rtl { " dir=\"rtl\"" } else { "" };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}"{dir}>
<head>
<meta charset="UTF-8"/>
<title>{}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body{body_attrs}>
{body}</body>
</html>
"#,
        esc(title)
    )
}

fn opf(
    issue: &Issue,
    full_title: &str,
    spine: &[&Doc],
    placed: &[Placed],
    assets: &[&Asset],
) -> String {
    let m = &issue.meta;
    let mut s = String::new();
    s.push_str(&format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" xml:lang="{lang}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="pub-id">{id}</dc:identifier>
<dc:title id="title">{title}</dc:title>
<meta refines="#title" property="title-type">main</meta>
<dc:language>{lang}</dc:language>
<dc:creator id="creator">{name}</dc:creator>
<meta refines="#creator" property="role" scheme="marc:relators">aut</meta>
<meta refines="#creator" property="file-as">{name}</meta>
<dc:contributor id="producer">inkquire</dc:contributor>
<meta refines="#producer" property="role" scheme="marc:relators">bkp</meta>
<dc:publisher>{name}</dc:publisher>
<dc:date>{date}</dc:date>
<dc:description>{desc}</dc:description>
"##,
        lang = esc_attr(&m.lang),
        id = esc(&m.identifier),
        title = esc(full_title),
        name = esc(&m.title),
        date = dc_date(m.date),
        desc = esc(&description(issue)),
    ));
    let mut subjects: Vec<&str> = issue
        .articles()
        .flat_map(|a| a.topics.iter().map(String::as_str))
        .collect();
    // "News", as calibre's news downloads tag theirs: library apps shelve the issues together.
    if !subjects.iter().any(|t| t.eq_ignore_ascii_case("news")) {
        subjects.push("News");
    }
    subjects.sort_unstable();
    subjects.dedup();
    for t in subjects {
        s.push_str(&format!("<dc:subject>{}</dc:subject>\n", esc(t)));
    }
    s.push_str(&super::access::Access::of(issue).opf_metadata());
    s.push_str(&format!(
        r##"<meta property="dcterms:modified">{modified}</meta>
<meta property="belongs-to-collection" id="series">{name}</meta>
<meta refines="#series" property="collection-type">series</meta>
<meta refines="#series" property="group-position">{n}</meta>
<meta name="calibre:series" content="{name_attr}"/>
<meta name="calibre:series_index" content="{n}"/>
<meta name="cover" content="cover-image"/>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
<item id="css" href="style.css" media-type="text/css"/>
<item id="cover-image" href="{cover_href}" media-type="{cover_type}" properties="cover-image"/>
<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
<item id="contents" href="contents.xhtml" media-type="application/xhtml+xml"/>
"##,
        modified = esc(&m.modified),
        name = esc(&m.title),
        name_attr = esc_attr(&m.title),
        n = m.number,
        cover_href = esc_attr(&issue.cover.href),
        cover_type = issue.cover.media_type,
    ));
    for p in placed {
        // A page with a formula says so: reading systems switch their MathML renderer on.
        let props = if p.article.xhtml.contains("<math ") {
            " properties=\"mathml\""
        } else {
            ""
        };
        s.push_str(&format!(
            "<item id=\"{}\" href=\"{}\" media-type=\"application/xhtml+xml\"{props}/>\n",
            p.doc.id, p.doc.href
        ));
    }
    for (i, a) in assets.iter().enumerate() {
        s.push_str(&format!(
            "<item id=\"img-{:03}\" href=\"{}\" media-type=\"{}\"/>\n",
            i + 1,
            esc_attr(&a.href),
            a.media_type
        ));
    }
    s.push_str(if m.rtl {
        "</manifest>\n<spine toc=\"ncx\" page-progression-direction=\"rtl\">\n"
    } else {
        "</manifest>\n<spine toc=\"ncx\">\n"
    });
    for d in spine {
        s.push_str(&format!("<itemref idref=\"{}\"/>\n", d.id));
    }
    let first = spine
        .get(2)
        .map(|d| d.href.as_str())
        .unwrap_or("contents.xhtml");
    s.push_str(&format!(
        r#"</spine>
<guide>
<reference type="cover" title="Cover" href="cover.xhtml"/>
<reference type="toc" title="Contents" href="contents.xhtml"/>
<reference type="text" title="Start" href="{first}"/>
</guide>
</package>
"#
    ));
    s
}

/// `dc:date`: noon of the issue's day in this machine's time zone, with its offset. A date alone
/// is read as midnight UTC, which readers west of Greenwich show as the day before; noon with
/// the zone stays on the issue's day wherever the reader is within twelve hours of it.
fn dc_date(date: chrono::NaiveDate) -> String {
    use chrono::TimeZone;
    let noon = date.and_hms_opt(12, 0, 0).unwrap_or_default();
    match chrono::Local.from_local_datetime(&noon).earliest() {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        None => format!("{date}T12:00:00Z"),
    }
}

/// The issue's description: its first headlines.
fn description(issue: &Issue) -> String {
    issue
        .articles()
        .take(5)
        .map(|a| a.title.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn ncx(issue: &Issue, full_title: &str, section_docs: &[Doc], placed: &[Placed]) -> String {
    let m = &issue.meta;
    let depth = if m.sectioned { 2 } else { 1 };
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="{lang}">
<head>
<meta name="dtb:uid" content="{uid}"/>
<meta name="dtb:depth" content="{depth}"/>
<meta name="dtb:totalPageCount" content="0"/>
<meta name="dtb:maxPageNumber" content="0"/>
</head>
<docTitle><text>{title}</text></docTitle>
<navMap>
"#,
        lang = esc_attr(&m.lang),
        uid = esc_attr(&m.identifier),
        title = esc(full_title),
    );
    // playOrder numbers the targets 1, 2, … in spine order, the contents page first; a section
    // and its first article share a target, and so their number.
    let mut orders: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut point = |s: &mut String, id: &str, label: &str, href: &str, class: &str| {
        let next = orders.len() + 1;
        let order = *orders.entry(href.to_owned()).or_insert(next);
        s.push_str(&format!(
            "<navPoint id=\"nav-{id}\" playOrder=\"{order}\" class=\"{class}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/>",
            esc(label),
            esc_attr(href)
        ));
    };
    point(&mut s, "contents", "Contents", "contents.xhtml", "contents");
    s.push_str("</navPoint>\n");
    for (si, sec) in issue.sections.iter().enumerate() {
        if m.sectioned {
            point(
                &mut s,
                &section_docs[si].id,
                &sec.title,
                &section_docs[si].href,
                "section",
            );
            s.push('\n');
        }
        for p in placed.iter().filter(|p| p.section == si) {
            point(&mut s, &p.doc.id, &p.article.title, &p.doc.href, "article");
            s.push_str("</navPoint>\n");
        }
        if m.sectioned {
            s.push_str("</navPoint>\n");
        }
    }
    s.push_str("</navMap>\n</ncx>\n");
    s
}

fn nav(issue: &Issue, section_docs: &[Doc], placed: &[Placed]) -> String {
    let m = &issue.meta;
    let mut body = String::from(
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">Contents</h1>\n<ol>\n<li><a href=\"contents.xhtml\">Contents</a></li>\n",
    );
    for (si, sec) in issue.sections.iter().enumerate() {
        let items: String = placed
            .iter()
            .filter(|p| p.section == si)
            .map(|p| {
                format!(
                    "<li{}><a href=\"{}\">{}</a></li>\n",
                    lang_if_other(p.article, m),
                    p.doc.href,
                    esc(&p.article.title)
                )
            })
            .collect();
        if m.sectioned {
            body.push_str(&format!(
                "<li><a href=\"{}\">{}</a>\n<ol>\n{items}</ol>\n</li>\n",
                section_docs[si].href,
                esc(&sec.title)
            ));
        } else {
            body.push_str(&items);
        }
    }
    let first = placed
        .first()
        .map(|p| p.doc.href.as_str())
        .unwrap_or("contents.xhtml");
    body.push_str(&format!(
        r#"</ol>
</nav>
<nav epub:type="landmarks" id="landmarks" aria-label="Landmarks" hidden="hidden">
<ol>
<li><a epub:type="cover" href="cover.xhtml">Cover</a></li>
<li><a epub:type="toc" href="contents.xhtml">Contents</a></li>
<li><a epub:type="bodymatter" href="{first}">Start</a></li>
</ol>
</nav>
"#
    ));
    xhtml(&m.lang, m.rtl, "Contents", "", &body)
}

fn cover_page(issue: &Issue) -> String {
    let body = format!(
        "<div class=\"cover\"><img src=\"{}\" epub:type=\"cover\" role=\"doc-cover\" alt=\"{}\"/></div>\n",
        esc_attr(&issue.cover.href),
        esc_attr(&format!(
            "The cover of {}, {} · No. {}",
            issue.meta.title,
            super::long_date(issue.meta.date),
            issue.meta.number
        ))
    );
    xhtml(
        &issue.meta.lang,
        issue.meta.rtl,
        "Cover",
        " class=\"cover-page\"",
        &body,
    )
}

/// ` lang="…"` when an article's language is not the book's, and ` dir="…"` when its direction
/// is not, for the lists that name it.
fn lang_if_other(a: &FormattedArticle, book: &IssueMeta) -> String {
    let mut s = String::new();
    if a.lang != book.lang {
        let l = esc_attr(&a.lang);
        s.push_str(&format!(" lang=\"{l}\" xml:lang=\"{l}\""));
    }
    if a.rtl != book.rtl {
        s.push_str(if a.rtl {
            " dir=\"rtl\""
        } else {
            " dir=\"ltr\""
        });
    }
    s
}

fn article_list(out: &mut String, items: &[&Placed], book: &IssueMeta) {
    out.push_str("<ul class=\"toc-articles\">\n");
    for p in items {
        let a = p.article;
        // Each part isolated: a Latin site's name beside an Arabic byline keeps its place.
        let mut by: Vec<String> = Some(&a.source)
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("<bdi>{}</bdi>", esc(s)))
            .into_iter()
            .collect();
        if let Some(b) = &a.byline
            && b != &a.source
        {
            by.push(format!("<bdi>{}</bdi>", esc(b)));
        }
        by.push(format!("<bdi>{} min</bdi>", a.reading_minutes));
        out.push_str(&format!(
            "<li{}><a href=\"{}\">{}</a>\n<p class=\"toc-byline\">{}</p>\n<p class=\"toc-summary\">{}</p></li>\n",
            lang_if_other(a, book),
            p.doc.href,
            esc(&a.title),
            by.join(" · "),
            esc(&a.summary)
        ));
    }
    out.push_str("</ul>\n");
}

fn contents_page(
    issue: &Issue,
    full_title: &str,
    section_docs: &[Doc],
    placed: &[Placed],
) -> String {
    let m = &issue.meta;
    let count = placed.len();
    let mut body = format!(
        "<nav epub:type=\"toc\" role=\"doc-toc\" aria-labelledby=\"masthead\">\n<h1 class=\"masthead\" id=\"masthead\">{}</h1>\n<p class=\"issue-line\">{} · No. {} · {} article{}</p>\n",
        esc(&m.title),
        super::long_date(m.date),
        m.number,
        count,
        if count == 1 { "" } else { "s" }
    );
    for (si, sec) in issue.sections.iter().enumerate() {
        let items: Vec<&Placed> = placed.iter().filter(|p| p.section == si).collect();
        if m.sectioned {
            body.push_str(&format!(
                "<h2 class=\"toc-section\" id=\"{}\">{}</h2>\n",
                section_docs[si].id,
                esc(&sec.title)
            ));
        }
        article_list(&mut body, &items, m);
    }
    body.push_str("</nav>\n");
    xhtml(&m.lang, m.rtl, full_title, " class=\"contents\"", &body)
}

fn article_page(issue: &Issue, i: usize, section_docs: &[Doc], placed: &[Placed]) -> String {
    let p = &placed[i];
    let a = p.article;
    let mut links = Vec::new();
    if i > 0 {
        links.push(format!(
            "<a href=\"{}\" class=\"prev\">‹ Previous</a>",
            placed[i - 1].doc.href
        ));
    }
    if issue.meta.sectioned {
        links.push(format!(
            "<a href=\"{}\" class=\"up\">{}</a>",
            section_docs[p.section].href,
            esc(&issue.sections[p.section].title)
        ));
    }
    links.push("<a href=\"contents.xhtml\" class=\"contents-link\">Contents</a>".to_owned());
    if let Some(next) = placed.get(i + 1) {
        links.push(format!(
            "<a href=\"{}\" class=\"next\">Next ›</a>",
            next.doc.href
        ));
    }
    let content = if issue.kepub {
        // The formatter wrote well-formed XHTML; a failure here is a bug, and the plain
        // fragment is still a valid page.
        super::kepub::kepubify(&a.xhtml).unwrap_or_else(|_| a.xhtml.clone())
    } else {
        a.xhtml.clone()
    };
    let body = format!(
        "<article class=\"article\">\n{}</article>\n{}",
        content,
        issue_nav(&links, a)
    );
    xhtml(&a.lang, a.rtl, &a.title, " class=\"article-page\"", &body)
}

/// The links between the issue's pages, as a navigation landmark. Their words are English (the
/// book's own), so on a page in another language they say so, and on a right-to-left page they
/// keep their own direction.
fn issue_nav(links: &[String], a: &FormattedArticle) -> String {
    let lang = if a.lang.split('-').next() == Some("en") {
        ""
    } else {
        " lang=\"en\" xml:lang=\"en\""
    };
    let dir = if a.rtl { " dir=\"ltr\"" } else { "" };
    format!(
        "<nav class=\"issue-nav\" aria-label=\"Issue\"{lang}{dir}><p>{}</p></nav>\n",
        links.join(" · ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    /// However many entries are deflated at once, the book is the same, byte for byte,
    /// with `mimetype` first and stored, and every entry read back whole and in order.
    #[test]
    fn the_zip_is_the_same_whatever_the_number_of_cores() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        let files: Vec<(String, Arc<Vec<u8>>)> = (0..40)
            .map(|i| {
                let text = format!("<p>page {i} </p>").repeat(2_000 + i * 300);
                (
                    format!("OEBPS/article-{i:03}.xhtml"),
                    Arc::new(text.into_bytes()),
                )
            })
            .chain([(
                "OEBPS/images/a.jpg".to_owned(),
                Arc::new((0..70_000u32).map(|i| (i * 7 % 251) as u8).collect()),
            )])
            .collect();
        let books: Vec<Vec<u8>> = [1, 2, 7]
            .iter()
            .map(|&cores| {
                zip_stream(
                    date,
                    files.clone(),
                    &|d| d.len(),
                    &|d| d.clone(),
                    cores,
                    Cursor::new(Vec::new()),
                )
                .expect("zip")
                .into_inner()
            })
            .collect();
        assert_eq!(books[0], books[1]);
        assert_eq!(books[0], books[2]);
        let mut zip = zip::ZipArchive::new(Cursor::new(&books[2])).expect("reads back");
        assert_eq!(zip.len(), files.len() + 2);
        let first = zip.by_index(0).expect("first entry");
        assert_eq!(first.name().expect("name"), "mimetype");
        assert_eq!(first.compression(), CompressionMethod::Stored);
        drop(first);
        assert_eq!(
            zip.by_index(1).expect("second").name().expect("name"),
            "META-INF/container.xml"
        );
        for (i, (name, data)) in files.iter().enumerate() {
            let mut entry = zip.by_index(i + 2).expect("entry");
            assert_eq!(entry.name().expect("name"), name.as_str());
            let mut back = Vec::new();
            entry.read_to_end(&mut back).expect("inflates");
            assert_eq!(&back, data.as_ref());
        }
    }
}
