//! Titles without the site: a site's name after or before a separator goes from the heading,
//! the contents and the reader's table of contents — in feeds (the feed's title, a suffix the
//! items repeat) and on pages (their `og:site_name`, their domain), in Latin, Arabic, Japanese
//! and Chinese script — and a separator that is the headline's own stays.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

fn page(lang: &str, title: &str, site: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"og:site_name\" content=\"{site}\"></head><body><article>{body}</article></body></html>"
    )
}

fn paras(text: &str) -> String {
    (1..=6).map(|i| format!("<p>{text} ({i})</p>")).collect()
}

#[test]
fn the_sites_name_leaves_every_title_and_the_headlines_own_separator_stays() {
    let srv = TestServer::start();
    let story = |t: &str| {
        Resp::ok(
            HTML,
            page(
                "en",
                t,
                "Harbour Daily",
                &paras(
                    "The harbour authority said on Monday that the old pier would close for two years while the new quay is built, and ferries would move.",
                ),
            ),
        )
    };
    let items = [
        ("/a", "Pier to close for two years - Harbour Daily"),
        ("/b", "Ferries move to the north landing - Harbour Daily"),
        ("/c", "Quay plans go on show - Harbour Daily"),
        ("/d", "Biden – a life in politics"),
    ];
    let mut xml = String::new();
    for (path, t) in items {
        srv.route(path, story(t));
        xml.push_str(&format!(
            "<item><title>{t}</title><link>{}</link><description>Short.</description></item>",
            srv.url(path)
        ));
    }
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!("<rss version=\"2.0\"><channel><title>Harbour news</title><link>{}</link>{xml}</channel></rss>", srv.url("/")),
        ),
    );
    srv.route(
        "/ja",
        Resp::ok(
            HTML,
            page(
                "ja",
                "新しい橋が六月に開通へ｜日本経済新聞",
                "日本経済新聞",
                &paras("市は月曜日、新しい橋が六月に開通すると発表した。工事は三年かかった。"),
            ),
        ),
    );
    srv.route(
        "/zh",
        Resp::ok(
            HTML,
            page(
                "zh",
                "新大桥六月通车_国内新闻_新浪网",
                "新浪网",
                &paras("市政府周一宣布，新大桥将于六月通车，工程历时三年。"),
            ),
        ),
    );
    srv.route(
        "/ar",
        Resp::ok(
            HTML,
            page("ar", "جسر جديد يفتح في يونيو - الجزيرة نت", "الجزيرة نت", &paras("قالت السلطات يوم الاثنين إن الجسر الجديد سيفتح في يونيو بعد ثلاث سنوات من العمل.")),
        ),
    );
    let dir = Dir::new();
    let list = dir.write(
        "later.txt",
        format!(
            "{}\n{}\n{}\n",
            srv.url("/ja"),
            srv.url("/zh"),
            srv.url("/ar")
        ),
    );
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\nfull-text = \"always\"\n\
             [[source]]\nkind = \"links\"\npath = \"{}\"\n",
            srv.url("/feed.xml"),
            list.display()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path("titles.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let mut want = vec![
        "Pier to close for two years",
        "Ferries move to the north landing",
        "Quay plans go on show",
        "Biden – a life in politics",
        "新しい橋が六月に開通へ",
        "新大桥六月通车",
        "جسر جديد يفتح في يونيو",
    ];
    want.sort();
    let mut titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    titles.sort();
    assert_eq!(titles, want);
    let mut nav: Vec<String> = book
        .nav()
        .into_iter()
        .filter(|e| e.href.starts_with("article-"))
        .map(|e| e.label)
        .collect();
    nav.sort();
    assert_eq!(nav, want, "the reader's table of contents");
}

/// A folder of your own is no site: its articles carry no source line (the folder stays their
/// section), unless the config names the source; Chinese paragraphs lose the page's own
/// ideographic indent.
#[test]
fn a_folder_names_no_site_and_ideographic_indents_go() {
    let dir = Dir::new();
    dir.write(
        "notes/Own/essay.md",
        "# On bridges\n\nBridges are built to last, and this one took three years of work to finish.\n\nIt opens in June.\n",
    );
    dir.write(
        "notes/Hold/bridge.html",
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>新大桥六月通车</title></head><body><article>\
         <p>\u{3000}\u{3000}市政府周一宣布，新大桥将于六月通车，工程历时三年。</p>\
         <p>\u{3000}\u{3000}大桥全长两公里，连接东西两岸，预计每天通行车辆五万辆。</p>\
         <p>\u{3000}\u{3000}市民表示期待已久，希望交通状况得到改善。</p></article></body></html>",
    );
    dir.write(
        "named/story.md",
        "# A named story\n\nThis story comes from a source the config names, and it says so.\n",
    );
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\npath = \"{}\"\n[[source]]\npath = \"{}\"\nname = \"My Desk\"\n",
            dir.path("notes").display(),
            dir.path("named").display()
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path("own.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), 3);
    for a in book.articles() {
        let title = book.title_of(&a);
        let x = book.text(&format!("OEBPS/{a}"));
        let meta = book.doc_text(&a, Some("article-meta"));
        match title.as_str() {
            "A named story" => assert!(x.contains("<bdi class=\"source\">My Desk</bdi>"), "{x}"),
            _ => {
                assert!(!x.contains("class=\"source\""), "{title}: {x}");
                for folder in ["Own", "Hold", "Local files"] {
                    assert!(!meta.contains(folder), "{title}: {meta}");
                }
            }
        }
        if title == "新大桥六月通车" {
            let body = book.doc_text(&a, Some("article-body"));
            assert!(!body.contains('\u{3000}'), "{body}");
            assert!(body.contains("市政府周一宣布"), "{body}");
        }
    }
    // The folders stay the articles' topics: the book's subjects, with "News" as calibre's
    // news downloads are tagged; the publication is the author (role `aut`, sorted as
    // written) and the publisher, as library apps (calibre, Kobo, KOReader) read them, and
    // inkquire is the book's producer.
    let opf = book.text("OEBPS/content.opf");
    for line in [
        "<dc:creator id=\"creator\">Morning Digest</dc:creator>",
        "<meta refines=\"#creator\" property=\"role\" scheme=\"marc:relators\">aut</meta>",
        "<meta refines=\"#creator\" property=\"file-as\">Morning Digest</meta>",
        "<dc:publisher>Morning Digest</dc:publisher>",
        "<dc:contributor id=\"producer\">inkquire</dc:contributor>",
        "<meta refines=\"#producer\" property=\"role\" scheme=\"marc:relators\">bkp</meta>",
        "<dc:subject>News</dc:subject>",
    ] {
        assert!(opf.contains(line), "{line}: {opf}");
    }
    for t in ["own", "hold"] {
        assert!(
            opf.contains(&format!("<dc:subject>{t}</dc:subject>")),
            "{opf}"
        );
    }
}

/// The contents page's line for an article without a summary of its own is its lede: never the
/// breadcrumb trail above it, nor the caption of the picture that opens it.
#[test]
fn the_contents_line_is_the_lede_not_a_breadcrumb_or_a_caption() {
    let dir = Dir::new();
    let lede = "The harbour authority said on Monday that the old pier would close for two years.";
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pier to close</title></head><body><article>\
         <p><a href=\"/\">Home</a> › <a href=\"/news\">News</a> › <a href=\"/news/harbour\">Harbour</a></p>\
         <figure><img src=\"pier.png\" alt=\"The old pier\"><figcaption>The old pier at dawn. Photo: Ann Lee</figcaption></figure>\
         <p><em>The old pier at dawn, seen from the morning ferry.</em></p>\
         <p>{lede}</p><p>Ferries will move to the north landing while the new quay is built, the authority said.</p>\
         <p>The work is to start in the spring and to end before the summer season two years later.</p></article></body></html>"
    );
    let file = dir.write("pier.html", page);
    // A small picture beside the page.
    let png = image::RgbImage::from_pixel(64, 48, image::Rgb([90, 120, 150]));
    png.save(dir.path("pier.png")).unwrap();
    let out = dir.path("lede.epub");
    let o = inkquire(&["build", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let summary = book.doc_text("contents.xhtml", Some("toc-summary"));
    assert!(
        summary.starts_with("The harbour authority said"),
        "{summary}"
    );
}
