//! `inkquire extract` in each format, and pages that are no article: a front page given as a
//! file or an address is named and left out (or kept with --force), and a feed item whose link
//! leads to one keeps the feed's own text.

use crate::server::{Resp, TestServer};
use crate::util::*;

fn story_page() -> String {
    let paras: String = (1..=6)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of the story: the harbour authority said on Monday that the old \
                 pier would close for repairs lasting most of next year, and ferries would move.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en-GB\"><head><title>Pier to Close | Harbour News</title>\
         <meta property=\"og:title\" content=\"Pier to Close\"/>\
         <meta property=\"og:site_name\" content=\"Harbour News\"/>\
         <meta property=\"article:published_time\" content=\"2026-11-27T08:30:00+00:00\"/>\
         <meta name=\"author\" content=\"Ann Lee\"/></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>Pier to Close</h1>\
         <div class=\"share-tools\"><a href=\"https://facebook.com/s\">Facebook</a> <a href=\"https://x.com/s\">Post</a></div>\
         {paras}<h2>What comes next</h2><ul><li>Ferries move to the <em>north</em> quay</li><li>Repairs start in May</li></ul>\
         <p>Read <a href=\"https://harbour.example/plan\">the plan</a>.</p>\
         </article><footer>© 2026 Harbour News</footer></body></html>"
    )
}

/// A newspaper's front page: sections of linked headlines with a byline and a time each.
fn front_page() -> String {
    let mut body = String::from("<h1>Harbour News</h1><p>The morning paper.</p>");
    for section in ["Town", "Sport", "Business"] {
        body.push_str(&format!("<h2>{section}</h2><ul>"));
        for i in 1..=8 {
            body.push_str(&format!(
                "<li><a href=\"/{section}/{i}.html\">{section} story number {i}: the council, the quay and the ferries</a> <small>Staff, 08:{i:02}</small></li>"
            ));
        }
        body.push_str("</ul>");
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Harbour News</title></head><body>{body}</body></html>"
    )
}

#[test]
fn extract_prints_a_saved_page_in_each_format() {
    let dir = Dir::new();
    let page = dir.write("pier.html", story_page());
    let p = page.to_str().unwrap();

    let o = inkquire(&["extract", p]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.starts_with("# Pier to Close\n\n"), "{md}");
    assert!(
        md.contains("Ann Lee · Harbour News · 2026-11-27T08:30:00+00:00 · en-GB"),
        "{md}"
    );
    assert!(
        md.contains("\n\nParagraph 1 of the story: the harbour authority"),
        "{md}"
    );
    assert!(
        md.contains(
            "## What comes next\n\n- Ferries move to the *north* quay\n- Repairs start in May\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("Read [the plan](https://harbour.example/plan)."),
        "{md}"
    );
    for gone in ["Facebook", "Home", "© 2026"] {
        assert!(!md.contains(gone), "{gone} is furniture: {md}");
    }

    let o = inkquire(&["extract", p, "--format", "text"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with("Pier to Close\nAnn Lee · Harbour News"),
        "{text}"
    );
    assert!(text.contains("\n\nWhat comes next\n\nFerries move to the north quay\n\nRepairs start in May\n\nRead the plan.\n"), "{text}");
    assert!(!text.contains('<') && !text.contains("Facebook"), "{text}");

    let o = inkquire(&["extract", p, "--format", "html"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = String::from_utf8(o.stdout).unwrap();
    let doc =
        xml(html.trim_start_matches("<!DOCTYPE html>\n")).expect("the page is well-formed XHTML");
    let h1: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("h1")).collect();
    assert_eq!(h1.len(), 1, "one title: {html}");
    assert_eq!(h1[0].text(), Some("Pier to Close"));
    assert_eq!(doc.root_element().attribute("lang"), Some("en-GB"));
    let paras = doc
        .descendants()
        .filter(|n| n.has_tag_name("p") && n.text().is_some_and(|t| t.starts_with("Paragraph")))
        .count();
    assert_eq!(paras, 6, "{html}");
    assert!(!html.contains("Facebook"), "{html}");

    let o = inkquire(&["extract", p, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["title"], "Pier to Close");
    assert_eq!(v["byline"], "Ann Lee");
    assert_eq!(v["site"], "Harbour News");
    assert_eq!(v["lang"], "en-GB");
    assert_eq!(v["published"], "2026-11-27T08:30:00+00:00");
    assert!(v["not_article"].is_null());
    assert!(v["words"].as_u64().unwrap() > 150, "{v}");
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .contains("Paragraph 6 of the story")
    );
    assert!(
        v["html"]
            .as_str()
            .unwrap()
            .contains("<li>Repairs start in May</li>")
    );

    // Nothing was written beside the page.
    let names: Vec<_> = std::fs::read_dir(dir.path(".")).unwrap().collect();
    assert_eq!(names.len(), 1, "extract writes nothing");

    // A file that is not there, or of no kind inkquire reads: exit 2, named.
    let o = inkquire(&["extract", dir.path("gone.html").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("gone.html"), "{}", stderr(&o));
}

#[test]
fn extract_reads_an_address_and_names_a_front_page() {
    let srv = TestServer::start();
    srv.route(
        "/pier.html",
        Resp::ok("text/html; charset=utf-8", story_page()),
    );
    srv.route("/", Resp::ok("text/html; charset=utf-8", front_page()));
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>F</title></channel></rss>",
        ),
    );
    let o = inkquire(&["extract", &srv.url("/pier.html"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["title"], "Pier to Close");
    assert_eq!(v["url"], srv.url("/pier.html"));

    let o = inkquire(&["extract", &srv.url("/")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing printed");
    let err = stderr(&o);
    assert!(
        err.contains(&srv.url("/")) && err.contains("does not look like an article"),
        "{err}"
    );
    assert!(err.contains("--force"), "the way out is said: {err}");

    let o = inkquire(&["extract", &srv.url("/"), "--force", "--format", "text"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Town story number 1"));
    assert!(
        stderr(&o).contains("does not look like an article"),
        "still said: {}",
        stderr(&o)
    );

    let o = inkquire(&["extract", &srv.url("/feed.xml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a feed, not a page"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn build_leaves_out_a_front_page_and_force_keeps_it() {
    let dir = Dir::new();
    let story = dir.write("pier.html", story_page());
    let front = dir.write("front.html", front_page());
    let out = dir.path("issue.epub");
    let args = |force: bool| {
        let mut a = vec![
            "build",
            story.to_str().unwrap(),
            front.to_str().unwrap(),
            "--date",
            "2026-11-28",
            "-o",
            out.to_str().unwrap(),
        ];
        if force {
            a.push("--force");
        }
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |force| {
        let a = args(force);
        inkquire(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let o = run(false);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an input left out: {}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(
        err.contains("front.html") && err.contains("does not look like an article"),
        "{err}"
    );
    epubcheck(&out);
    let book = Book::open(&out);
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    assert_eq!(titles, ["Pier to Close"]);

    let o = run(true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("kept, as --force asks"),
        "{}",
        stderr(&o)
    );
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), 2);

    // The same page at an address, given to build directly, is left out the same way.
    let srv = TestServer::start();
    srv.route("/", Resp::ok("text/html; charset=utf-8", front_page()));
    let o = inkquire(&["build", &srv.url("/"), "-o", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "nothing else to build: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("does not look like an article"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_feed_item_that_links_to_a_front_page_keeps_the_feed_text() {
    let srv = TestServer::start();
    srv.route("/", Resp::ok("text/html; charset=utf-8", front_page()));
    srv.route(
        "/pier.html",
        Resp::ok("text/html; charset=utf-8", story_page()),
    );
    let when = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc2822();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<rss version=\"2.0\"><channel><title>Harbour News</title>\
                 <item><title>The morning paper</title><link>{front}</link><pubDate>{when}</pubDate>\
                 <description>The stories from the quay, in one place.</description></item>\
                 <item><title>Pier to Close</title><link>{pier}</link><pubDate>{when}</pubDate>\
                 <description>The pier closes.</description></item>\
                 </channel></rss>",
                front = srv.url("/"),
                pier = srv.url("/pier.html"),
            ),
        ),
    );
    let dir = Dir::new();
    let out = dir.path("issue.epub");
    let o = inkquire(&["build", &srv.url("/feed.xml"), "-o", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains(&srv.url("/"))
            && err.contains("does not look like an article")
            && err.contains("kept the feed's own text"),
        "the page is named: {err}"
    );
    epubcheck(&out);
    let book = Book::open(&out);
    let arts = book.articles();
    assert_eq!(arts.len(), 2, "{err}");
    let by_title = |t: &str| {
        arts.iter()
            .find(|a| book.title_of(a) == t)
            .map(|a| book.doc_text(a, Some("article-body")))
            .unwrap_or_else(|| panic!("no article {t}"))
    };
    let paper = by_title("The morning paper");
    assert!(paper.contains("The stories from the quay"), "{paper}");
    assert!(!paper.contains("Town story number"), "{paper}");
    assert!(by_title("Pier to Close").contains("Paragraph 6 of the story"));
}

#[test]
fn check_names_a_page_source_that_is_no_article() {
    let srv = TestServer::start();
    srv.route("/", Resp::ok("text/html; charset=utf-8", front_page()));
    srv.route(
        "/pier.html",
        Resp::ok("text/html; charset=utf-8", story_page()),
    );
    let dir = Dir::new();
    let cfg = dir.write(
        "config.toml",
        format!(
            "[[source]]\nurl = \"{}\"\n\n[[source]]\nurl = \"{}\"\n",
            srv.url("/pier.html"),
            srv.url("/")
        ),
    );
    let o = inkquire(&["check", "--config", cfg.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("one article: \"Pier to Close\""), "{err}");
    assert!(
        err.contains(&format!("{}: does not look like an article", srv.url("/"))),
        "{err}"
    );
    // Kept on purpose, it passes.
    let cfg = dir.write(
        "config.toml",
        format!(
            "[[source]]\nurl = \"{}\"\nkeep-non-articles = true\n",
            srv.url("/")
        ),
    );
    let o = inkquire(&["check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A picture the page shows only inside `<noscript>`, beside a lazy placeholder, reaches the
/// book as the picture (with its caption), whichever path chose the body; the placeholder does
/// not.
#[test]
fn a_picture_hidden_in_a_noscript_reaches_the_book() {
    let srv = TestServer::start();
    let paras: String = (1..=6)
        .map(|i| format!("<p>Paragraph {i} of the pier story: the harbour authority said the work would start in May and last most of next year.</p>"))
        .collect();
    srv.route(
        "/pier.html",
        Resp::ok(
            "text/html; charset=utf-8",
            format!(
                "<!doctype html><html lang=\"en\"><head><title>Pier Works</title></head><body>\
                 <article class=\"story\"><h1>Pier Works</h1>{paras}<figure>\
                 <img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" class=\"lazyload\" data-sizes=\"auto\">\
                 <noscript><img src=\"/pier.png\" alt=\"The pier at dawn\"></noscript>\
                 <figcaption>The pier at dawn, before the works.</figcaption></figure>{paras}\
                 </article></body></html>"
            ),
        ),
    );
    srv.route("/pier.png", Resp::ok("image/png", png(640, 480)));
    let dir = Dir::new();
    for keep in ["", "keep = [\".story\"]\n"] {
        let cfg = dir.write(
            "inkquire.toml",
            format!(
                "store = \"ledger-{}.db\"\n[[source]]\nurl = \"{}\"\n{keep}",
                keep.len(),
                srv.url("/pier.html")
            ),
        );
        let out = dir.path("pier.epub");
        let o = inkquire(&[
            "build",
            "--config",
            cfg.to_str().unwrap(),
            &srv.url("/pier.html"),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{keep}: {}", stderr(&o));
        epubcheck(&out);
        let book = Book::open(&out);
        let pictures: Vec<&String> = book
            .files
            .keys()
            .filter(|k| k.starts_with("OEBPS/images/") && !k.contains("/cover."))
            .collect();
        assert_eq!(
            pictures.len(),
            1,
            "{keep}: {:?} {}",
            book.files.keys(),
            stderr(&o)
        );
        let article = book.doc_text(&book.articles()[0], None);
        assert!(article.contains("The pier at dawn"), "{keep}: {article}");
    }
}
