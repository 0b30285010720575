//! Collecting over HTTP into the ledger, against a server on 127.0.0.1 started by each test.

use std::time::Duration;

use crate::server::{Resp, TestServer};
use crate::util::*;

/// Paragraphs of an article page, distinct per article (each its own story: one story once
/// would merge pages that differ only in their numbers).
fn paragraphs(n: usize) -> Vec<String> {
    (0..6)
        .map(|p| {
            format!(
                "Paragraph {p} of story number {n} tells how the walkway number {n} fared and counted the ferries: {}",
                prose(&format!("collect story {n} paragraph {p}"), 36)
            )
        })
        .collect()
}

/// `data` as a gzip file.
fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// The text a gzip file holds.
fn gunzip(zipped: &[u8]) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(zipped), &mut text).unwrap();
    text
}

fn page(n: usize) -> String {
    let body: String = paragraphs(n)
        .iter()
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Story {n} | Loop News</title>\
         <meta property=\"og:site_name\" content=\"Loop News\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/sub\">Subscribe</a></nav>\
         <article><h1>Story {n}</h1>{body}</article><footer>Copyright Loop News</footer></body></html>"
    )
}

fn content(n: usize) -> String {
    paragraphs(n)
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect()
}

fn rfc2822(hours_ago: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::hours(hours_ago)).to_rfc2822()
}

fn rfc3339(hours_ago: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::hours(hours_ago)).to_rfc3339()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A site with one feed of each kind. Story 2 is in the RSS and the Atom feed.
fn news_site() -> TestServer {
    let srv = TestServer::start();
    let u = |p: &str| srv.url(p);
    for n in 1..=6 {
        srv.route(
            &format!("/a/{n}.html"),
            Resp::ok("text/html; charset=utf-8", page(n)),
        );
    }
    srv.route(
        "/feeds/rss.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loop News</title><link>{home}</link>
<item><title>Story 1</title><link>{a1}</link><guid>{a1}</guid><pubDate>{d1}</pubDate>
<description>Short summary one.</description><category>Harbours</category></item>
<item><title>Story 2</title><link>{a2}?utm_source=rss</link><pubDate>{d2}</pubDate>
<description>Short summary two.</description></item>
</channel></rss>"#,
                home = u("/"),
                a1 = u("/a/1.html"),
                a2 = u("/a/2.html"),
                d1 = rfc2822(2),
                d2 = rfc2822(5)
            ),
        ),
    );
    srv.route(
        "/feeds/atom.xml",
        Resp::ok(
            "application/atom+xml",
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Loop Atom</title><id>tag:loop,2026:atom</id><updated>{d2}</updated>
<entry><title>Story 2</title><link href="{a2}"/><id>tag:loop,2026:2</id><updated>{d2}</updated>
<author><name>Ann Writer</name></author><content type="html">{c2}</content></entry>
<entry><title>Story 3</title><link href="{a3}"/><id>tag:loop,2026:3</id><published>{d3}</published><updated>{d3}</updated>
<content type="html">{c3}</content></entry>
</feed>"#,
                a2 = u("/a/2.html"),
                a3 = u("/a/3.html"),
                d2 = rfc3339(5),
                d3 = rfc3339(30),
                c2 = xml_escape(&content(2)),
                c3 = xml_escape(&content(3)),
            ),
        ),
    );
    srv.route(
        "/feeds/feed.json",
        Resp::ok(
            "application/feed+json",
            serde_json::json!({
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Loop JSON",
                "items": [{
                    "id": "4", "url": u("/a/4.html"), "title": "Story 4",
                    "content_html": content(4), "date_published": rfc3339(50), "tags": ["Ports"]
                }]
            })
            .to_string(),
        ),
    );
    srv.route(
        "/feeds/rdf.xml",
        Resp::ok(
            "application/rdf+xml",
            format!(
                r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{home}"><title>Loop RDF</title><link>{home}</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="{a5}"/></rdf:Seq></items></channel>
<item rdf:about="{a5}"><title>Story 5</title><link>{a5}</link><description>Summary five.</description><dc:date>{d5}</dc:date></item>
</rdf:RDF>"#,
                home = u("/"),
                a5 = u("/a/5.html"),
                d5 = rfc3339(70)
            ),
        ),
    );
    srv
}

fn write_config(dir: &Dir, srv: &TestServer, sources: &str, fetch: &str) -> String {
    let cfg = format!(
        "store = \"ledger.db\"\n[issue]\ntitle = \"Loop Digest\"\noutput = \"issues\"\n[fetch]\n{fetch}\n{sources}\n\
         [topics.maritime]\nkeywords = [\"ferries\"]\n",
    );
    let cfg = cfg.replace("BASE", &srv.url(""));
    dir.write("inkquire.toml", cfg).to_str().unwrap().to_owned()
}

fn list(config: &str) -> Vec<serde_json::Value> {
    let o = inkquire(&["list", "--config", config, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("list --json prints JSON")
}

const FOUR_FEEDS: &str = r#"
[[source]]
url = "BASE/feeds/rss.xml"
topics = ["World"]
[[source]]
url = "BASE/feeds/atom.xml"
name = "Atom Desk"
topics = ["tech"]
[[source]]
url = "BASE/feeds/feed.json"
[[source]]
url = "BASE/feeds/rdf.xml"
full-text = "never"
"#;

#[test]
fn each_feed_format_full_text_dedupe_and_conditional_get() {
    let srv = news_site();
    let dir = Dir::new();
    let cfg = write_config(&dir, &srv, FOUR_FEEDS, "");
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("Collected 4 sources: 5 new articles, 0 failed."),
        "{err}"
    );

    let items = list(&cfg);
    let mut titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    titles.sort();
    assert_eq!(
        titles,
        ["Story 1", "Story 2", "Story 3", "Story 4", "Story 5"],
        "story 2 stored once"
    );
    let get = |t: &str| items.iter().find(|i| i["title"] == t).unwrap();
    let topics = |t: &str| -> Vec<String> {
        get(t)["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        topics("Story 1").contains(&"world".to_owned())
            && topics("Story 1").contains(&"harbours".to_owned())
    );
    assert!(
        topics("Story 1").contains(&"maritime".to_owned()),
        "keyword rule: {:?}",
        topics("Story 1")
    );
    let t2 = topics("Story 2");
    assert!(
        t2.contains(&"world".to_owned()) && t2.contains(&"tech".to_owned()),
        "both feeds' topics: {t2:?}"
    );
    assert!(topics("Story 4").contains(&"ports".to_owned()));
    assert_eq!(
        get("Story 2")["url"],
        srv.url("/a/2.html"),
        "tracking parameters dropped"
    );
    assert!(get("Story 3")["published"].as_str().is_some());

    // Full text: fetched for summary-only items, not for items with content, never when told.
    assert_eq!(srv.downloads("/a/1.html"), 1);
    assert_eq!(srv.downloads("/a/3.html"), 0);
    assert_eq!(srv.downloads("/a/4.html"), 0);
    assert_eq!(srv.downloads("/a/5.html"), 0, "full-text = never");

    // The ledger keeps what was fetched beside what was extracted.
    let conn = rusqlite::Connection::open(dir.path("ledger.db")).unwrap();
    let (zipped, body, status): (Vec<u8>, String, String) = conn
        .query_row(
            "SELECT raw_gzip, body_html, fetch_status FROM articles WHERE title = 'Story 1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let raw = gunzip(&zipped);
    assert!(
        raw.contains("<nav>") && !body.contains("<nav>"),
        "raw page kept, extracted body stored"
    );
    assert_eq!(status, "ok");
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, inkquire::store::SCHEMA_VERSION);
    drop(conn);

    // A second collect downloads nothing again: feeds answer 304, pages are not asked for.
    let before = srv.requests().len();
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again: Vec<String> = srv.requests()[before..].to_vec();
    assert_eq!(again.len(), 4, "{again:?}");
    assert!(
        again
            .iter()
            .all(|r| r.starts_with("GET /feeds/") && r.ends_with(" 304")),
        "{again:?}"
    );

    // The book holds the page's full text for story 1 and the feed's summary for story 5.
    let out = dir.path("book.epub");
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "-o",
        out.to_str().unwrap(),
        "--group-by",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let by_title = |t: &str| {
        book.articles()
            .into_iter()
            .find(|a| book.title_of(a) == t)
            .unwrap()
    };
    let one = book.doc_text(&by_title("Story 1"), Some("article-body"));
    assert!(one.contains("Paragraph 5 of story number 1"), "{one}");
    assert!(
        !one.contains("Subscribe") && !one.contains("Copyright"),
        "{one}"
    );
    assert!(
        book.doc_text(&by_title("Story 5"), Some("article-body"))
            .contains("Summary five.")
    );
    assert!(
        book.doc_text(&by_title("Story 2"), Some("article-header"))
            .contains("Ann Writer")
    );
}

#[test]
fn failing_sources_are_named_and_the_rest_are_collected() {
    let srv = news_site();
    srv.route(
        "/slow.xml",
        Resp {
            delay: Duration::from_secs(6),
            ..Resp::ok(
                "application/rss+xml",
                "<rss version=\"2.0\"><channel><title>Slow</title></channel></rss>",
            )
        },
    );
    srv.route("/error.xml", Resp::status(500));
    srv.route(
        "/loop",
        Resp {
            location: Some("/loop".into()),
            ..Resp::status(302)
        },
    );
    srv.route(
        "/huge.xml",
        Resp::ok("application/rss+xml", vec![b'x'; 3 * 1024 * 1024]),
    );
    srv.route(
        "/bad.xml",
        Resp::ok("application/rss+xml", "this is not a feed <at all"),
    );
    let sources = r#"
[[source]]
url = "BASE/feeds/rss.xml"
[[source]]
url = "BASE/slow.xml"
[[source]]
url = "BASE/missing.xml"
[[source]]
url = "BASE/error.xml"
[[source]]
url = "BASE/loop"
[[source]]
url = "BASE/huge.xml"
[[source]]
url = "http://127.0.0.1:1/refused.xml"
"#;
    let dir = Dir::new();
    let cfg = write_config(
        &dir,
        &srv,
        sources,
        "total-timeout = 2.0\nread-timeout = 1.0\nretries = 0\nmax-bytes = 1000000",
    );
    let started = std::time::Instant::now();
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    for (path, why) in [
        ("/slow.xml", "timed out"),
        ("/missing.xml", "404"),
        ("/error.xml", "500"),
        ("/loop", "too many redirects"),
        ("/huge.xml", "larger than"),
        ("127.0.0.1:1/refused.xml", "connect"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("error:") && l.contains(path) && l.contains(why)),
            "{path} should fail with `{why}`:\n{err}"
        );
    }
    assert!(err.contains("Loop News: 2 new"), "{err}");
    assert_eq!(list(&cfg).len(), 2);
}

#[test]
fn since_last_issue_holds_only_what_came_after_the_last_build() {
    let srv = news_site();
    let dir = Dir::new();
    let first = "[[source]]\nurl = \"BASE/feeds/atom.xml\"\n";
    let cfg = write_config(&dir, &srv, first, "");
    assert!(inkquire(&["collect", "--config", &cfg]).status.success());
    let one = dir.path("one.epub");
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "--since",
        "last-issue",
        "-o",
        one.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("issue 1,"), "{}", stderr(&o));
    let b1 = Book::open(&one);
    let mut t1: Vec<String> = b1.articles().iter().map(|a| b1.title_of(a)).collect();
    t1.sort();
    assert_eq!(t1, ["Story 2", "Story 3"]);

    // Nothing new: no book.
    let none = dir.path("none.epub");
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "--since",
        "last-issue",
        "-o",
        none.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!none.exists());

    // More sources later: only their articles are in the next issue, which is number 2.
    std::thread::sleep(Duration::from_millis(1100));
    let more = format!(
        "{first}[[source]]\nurl = \"BASE/feeds/feed.json\"\n[[source]]\nurl = \"BASE/feeds/rss.xml\"\n"
    );
    let cfg = write_config(&dir, &srv, &more, "");
    assert!(inkquire(&["collect", "--config", &cfg]).status.success());
    let two = dir.path("two.epub");
    let o = inkquire(&[
        "build",
        "--config",
        &cfg,
        "--since",
        "last-issue",
        "-o",
        two.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("issue 2,"), "{}", stderr(&o));
    epubcheck(&two);
    let b2 = Book::open(&two);
    let mut t2: Vec<String> = b2.articles().iter().map(|a| b2.title_of(a)).collect();
    t2.sort();
    assert_eq!(
        t2,
        ["Story 1", "Story 4"],
        "story 2 was delivered in issue 1"
    );
    assert!(
        b2.opf()
            .contains("<meta name=\"calibre:series_index\" content=\"2\"/>")
    );
    // A plain build still selects by window and topic only.
    let all = dir.path("all.epub");
    let o = inkquire(&["build", "--config", &cfg, "-o", all.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(Book::open(&all).articles().len(), 4);
}

#[test]
fn a_killed_collect_leaves_a_ledger_with_what_it_committed() {
    let srv = news_site();
    srv.route(
        "/slow.xml",
        Resp {
            delay: Duration::from_secs(60),
            ..Resp::status(200)
        },
    );
    let dir = Dir::new();
    let sources =
        "[[source]]\nurl = \"BASE/feeds/atom.xml\"\n[[source]]\nurl = \"BASE/slow.xml\"\n";
    let cfg = write_config(
        &dir,
        &srv,
        sources,
        "total-timeout = 120.0\nread-timeout = 120.0",
    );
    let mut child = crate::util::command()
        .args(["collect", "--config", &cfg])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the fast source is committed, then kill -9 while the slow one is in flight.
    let db = dir.path("ledger.db");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the fast source was never committed"
        );
        if db.exists() {
            let conn = rusqlite::Connection::open(&db).unwrap();
            let n: i64 = conn
                .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
                .unwrap_or(0);
            if n == 2 {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "collect is still waiting for the slow source"
    );
    unsafe_kill(child.id());
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed");
    let items = list(&cfg);
    assert_eq!(items.len(), 2, "committed articles kept");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

fn unsafe_kill(pid: u32) {
    let o = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .output()
        .unwrap();
    assert!(o.status.success());
}

#[test]
fn a_feed_file_whose_links_are_unreachable_builds_from_its_own_text() {
    let dir = Dir::new();
    let feed = dir.write(
        "offline.xml",
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Offline</title>
<item><title>Refused</title><link>http://127.0.0.1:1/story</link><description>Text kept from the feed, one.</description></item>
<item><title>Nowhere</title><link>http://news.example.invalid/story</link><description>Text kept from the feed, two.</description></item>
</channel></rss>"#,
    );
    let out = dir.path("offline.epub");
    let started = std::time::Instant::now();
    let o = inkquire(&["build", feed.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(err.matches("not fetched").count(), 2, "{err}");
    epubcheck(&out);
    let book = Book::open(&out);
    let texts: Vec<String> = book
        .articles()
        .iter()
        .map(|a| book.doc_text(a, Some("article-body")))
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Text kept from the feed, one."))
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Text kept from the feed, two."))
    );
}

#[test]
fn config_errors_name_the_key_and_init_and_check_help() {
    let dir = Dir::new();
    let bad = dir.write("bad.toml", "[issue]\ntitel = \"typo\"\n");
    let o = inkquire(&["collect", "--config", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("titel") && stderr(&o).contains("bad.toml"),
        "{}",
        stderr(&o)
    );

    let fresh = dir.path("conf/inkquire.toml");
    let o = inkquire(&["init", "--config", fresh.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fresh.exists());
    let o = inkquire(&["init", "--config", fresh.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "no overwrite without --force");

    let srv = news_site();
    let cfg = write_config(
        &dir,
        &srv,
        "[[source]]\nurl = \"BASE/feeds/rss.xml\"\n[[source]]\nurl = \"BASE/nope.xml\"\n",
        "retries = 0",
    );
    let o = inkquire(&["check", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("the config is valid"));
    assert!(err.contains("feed \"Loop News\", 2 items"), "{err}");
    assert!(err.contains("nope.xml: the server answered 404"), "{err}");
    assert!(!dir.path("ledger.db").exists(), "check writes nothing");
}

#[test]
fn retries_after_a_server_error_and_site_selectors_override_extraction() {
    let srv = news_site();
    srv.route(
        "/flaky.xml",
        Resp {
            fail_first: 1,
            ..Resp::ok(
                "application/rss+xml",
                format!(
                    "<rss version=\"2.0\"><channel><title>Flaky</title><item><title>Picky page</title>\
                     <link>{}</link><description>x</description></item></channel></rss>",
                    srv.url("/picky.html")
                ),
            )
        },
    );
    srv.route(
        "/picky.html",
        Resp::ok(
            "text/html",
            format!(
                "<html><body><div class=\"story\"><p>The story text that matters.</p>\
                 <p class=\"ad\">Buy our newsletter now.</p></div>\
                 <div class=\"sidebar\">{}</div></body></html>",
                content(9)
            ),
        ),
    );
    let dir = Dir::new();
    let sources = "[[source]]\nurl = \"BASE/flaky.xml\"\nkeep = [\".story\"]\nremove = [\".ad\"]\n";
    let cfg = write_config(&dir, &srv, sources, "retries = 1");
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let flaky: Vec<String> = srv
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("GET /flaky.xml"))
        .collect();
    assert_eq!(
        flaky,
        ["GET /flaky.xml 503", "GET /flaky.xml 200"],
        "one retry after the 503"
    );
    let out = dir.path("picky.epub");
    let o = inkquire(&["build", "--config", &cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = Book::open(&out);
    let body = book.doc_text(&book.articles()[0], Some("article-body"));
    assert!(body.contains("The story text that matters."), "{body}");
    assert!(!body.contains("newsletter"), "removed by selector: {body}");
    assert!(
        !body.contains("Paragraph 0 of story number 9"),
        "kept only .story: {body}"
    );
}

/// With `compression = "always"` (an SSH tunnel to a distant server, say) gzip is asked of a
/// server on 127.0.0.1 too; by default it is not (see the next test).
#[test]
fn gzip_pages_are_kept_as_they_came_and_a_gzip_bomb_is_refused() {
    let srv = TestServer::start();
    let item = |n: usize, path: &str| {
        format!(
            "<item><title>Story {n}</title><link>{}</link><description>Summary {n}.</description>\
             <pubDate>{}</pubDate></item>",
            srv.url(path),
            rfc2822(2)
        )
    };
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<rss version=\"2.0\"><channel><title>Zipped</title>{}{}</channel></rss>",
                item(1, "/a/1.html"),
                item(2, "/bomb.html")
            ),
        ),
    );
    let wire = gzip(page(1).as_bytes());
    srv.route(
        "/a/1.html",
        Resp {
            gzip: true,
            ..Resp::ok("text/html; charset=utf-8", wire.clone())
        },
    );
    // 2 MiB of page from 2 KiB of gzip, over the 1 MiB cap.
    let mut huge = b"<html><body><p>".to_vec();
    huge.resize(2 << 20, b'a');
    srv.route(
        "/bomb.html",
        Resp {
            gzip: true,
            ..Resp::ok("text/html", gzip(&huge))
        },
    );
    let dir = Dir::new();
    let sources = "[[source]]\nurl = \"BASE/feed.xml\"\n";
    let cfg = write_config(
        &dir,
        &srv,
        sources,
        "max-bytes = 1048576\ncompression = \"always\"",
    );
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("bomb.html") && err.contains("larger than 1 MiB"),
        "the refused page is named with why: {err}"
    );
    assert_eq!(srv.accept_encodings("/a/1.html"), ["gzip"]);

    // The page was decompressed for reading, and the ledger keeps the bytes that came.
    let conn = rusqlite::Connection::open(dir.path("ledger.db")).unwrap();
    let row = |title: &str| -> (Option<String>, Option<Vec<u8>>, String, String) {
        conn.query_row(
            "SELECT raw_html, raw_gzip, body_html, fetch_status FROM articles WHERE title = ?1",
            [title],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    };
    let (raw, zipped, body, status) = row("Story 1");
    assert_eq!(status, "ok");
    assert_eq!(raw, None, "no second copy as text");
    assert_eq!(zipped.as_deref(), Some(&wire[..]), "kept as it came");
    assert!(body.contains("Paragraph 5 of story number 1"), "{body}");
    assert!(
        !body.contains("Subscribe"),
        "extracted from the page: {body}"
    );
    // The bomb's item keeps the feed's own text, and what the feed said as its raw HTML.
    let (raw, zipped, body, status) = row("Story 2");
    assert!(status.contains("larger than 1 MiB"), "{status}");
    assert_eq!(zipped, None);
    assert!(raw.is_some_and(|r| r.contains("Summary 2")));
    assert!(body.contains("Summary 2"), "{body}");
}

/// A server on this machine is not asked to compress: moving its bytes costs nothing, and
/// compressing them would take this machine's CPU. The ledger still keeps its page gzip-compressed
/// (at level 1, here).
#[test]
fn a_server_on_this_machine_is_not_asked_for_gzip() {
    let srv = TestServer::start();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<rss version=\"2.0\"><channel><title>Local</title><item><title>Story 1</title>\
                 <link>{}</link><description>Summary 1.</description><pubDate>{}</pubDate>\
                 </item></channel></rss>",
                srv.url("/a/1.html"),
                rfc2822(2)
            ),
        ),
    );
    srv.route(
        "/a/1.html",
        Resp {
            gzip: true,
            ..Resp::ok("text/html; charset=utf-8", gzip(page(1).as_bytes()))
        },
    );
    let dir = Dir::new();
    let cfg = write_config(&dir, &srv, "[[source]]\nurl = \"BASE/feed.xml\"\n", "");
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(srv.accept_encodings("/feed.xml"), ["identity"]);
    assert_eq!(srv.accept_encodings("/a/1.html"), ["identity"]);
    let conn = rusqlite::Connection::open(dir.path("ledger.db")).unwrap();
    let (raw, zipped, body): (Option<String>, Option<Vec<u8>>, String) = conn
        .query_row(
            "SELECT raw_html, raw_gzip, body_html FROM articles WHERE title = 'Story 1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(raw, None, "no copy as text");
    assert_eq!(gunzip(&zipped.expect("kept compressed")), page(1));
    assert!(body.contains("Paragraph 5 of story number 1"), "{body}");
}

/// A feed of `n` stories (at least two): the first page shows a picture, the second page is
/// slow. One process collects and builds, so the picture is fetched while the slow page is still
/// coming (before, every picture waited for the last page).
fn slow_second_page_site(n: usize) -> TestServer {
    let srv = TestServer::start();
    let item = |n: usize| {
        format!(
            "<item><title>Story {n}</title><link>{}</link><guid>story-{n}</guid>\
             <pubDate>{}</pubDate><description>Short.</description></item>",
            srv.url(&format!("/story-{n}.html")),
            rfc2822(1)
        )
    };
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loop News</title>\
                 <link>{}</link>{}</channel></rss>",
                srv.url("/"),
                (1..=n).map(item).collect::<String>()
            ),
        ),
    );
    srv.route(
        "/story-1.html",
        Resp::ok(
            "text/html; charset=utf-8",
            page(1).replace(
                "<h1>Story 1</h1>",
                "<h1>Story 1</h1><figure><img src=\"/harbour.png\" alt=\"The harbour\"></figure>",
            ),
        ),
    );
    srv.route(
        "/story-2.html",
        Resp {
            delay: Duration::from_millis(1500),
            ..Resp::ok("text/html; charset=utf-8", page(2))
        },
    );
    for k in 3..=n {
        srv.route(
            &format!("/story-{k}.html"),
            Resp::ok("text/html; charset=utf-8", page(k)),
        );
    }
    srv.route("/harbour.png", Resp::ok("image/png", png(640, 480)));
    srv
}

/// Where `path` was answered in the server's log.
fn answered_at(srv: &TestServer, path: &str) -> usize {
    srv.requests()
        .iter()
        .position(|r| r.starts_with(&format!("GET {path} ")))
        .unwrap_or_else(|| panic!("{path} never asked for: {:?}", srv.requests()))
}

#[test]
fn pictures_are_fetched_while_slow_pages_still_arrive() {
    // `build` with a feed: collect and build in one process.
    let srv = slow_second_page_site(2);
    let dir = Dir::new();
    let out = dir.path("loop.epub");
    let o = inkquire(&[
        "build",
        "--store",
        dir.path("ledger.db").to_str().unwrap(),
        &srv.url("/feed.xml"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        answered_at(&srv, "/harbour.png") < answered_at(&srv, "/story-2.html"),
        "the picture waited for the slow page: {:?}",
        srv.requests()
    );
    assert_eq!(srv.downloads("/harbour.png"), 1, "{:?}", srv.requests());
    epubcheck(&out);
    let book = Book::open(&out);
    let pictures: Vec<&String> = book
        .files
        .keys()
        .filter(|k| k.starts_with("OEBPS/images/") && !k.contains("/cover."))
        .collect();
    assert_eq!(pictures.len(), 1, "{:?}", book.files.keys());
    let all: String = book
        .order
        .iter()
        .filter(|n| n.ends_with(".xhtml"))
        .map(|n| book.text(n))
        .collect();
    assert!(all.contains("alt=\"The harbour\""), "picture in the text");
    assert!(
        all.contains("walkway number 2"),
        "the slow story is in the book"
    );

    // `digest` runs the same way, and reports each source as it is done.
    let srv = slow_second_page_site(2);
    let dir = Dir::new();
    let cfg = write_config(
        &dir,
        &srv,
        "[[source]]\nurl = \"BASE/feed.xml\"\n",
        "per-host = 4",
    );
    let o = inkquire_in(&dir.path(""), &["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("Loop News: 2 new"), "{err}");
    assert!(
        answered_at(&srv, "/harbour.png") < answered_at(&srv, "/story-2.html"),
        "digest: the picture waited for the slow page: {:?}",
        srv.requests()
    );
    let issue = std::fs::read_dir(dir.path("issues"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .expect("an issue in the output folder");
    epubcheck(&issue);
    assert!(
        Book::open(&issue)
            .files
            .keys()
            .any(|k| k.starts_with("OEBPS/images/") && !k.contains("/cover.")),
        "digest's issue has the picture"
    );
}

#[test]
fn one_process_and_two_commands_write_the_same_book() {
    // A one-process build reuses the drafts and pictures made while collecting; the book must be
    // exactly the one that collect, then build, writes.
    let srv = slow_second_page_site(8);
    let dir = Dir::new();
    let one = dir.path("one.epub");
    let o = inkquire(&[
        "build",
        "--store",
        dir.path("one.db").to_str().unwrap(),
        &srv.url("/feed.xml"),
        "--date",
        "2026-11-28",
        "-o",
        one.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let two = dir.path("two.epub");
    let ledger = dir.path("two.db");
    let o = inkquire(&[
        "collect",
        "--store",
        ledger.to_str().unwrap(),
        &srv.url("/feed.xml"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = inkquire(&[
        "build",
        "--store",
        ledger.to_str().unwrap(),
        "--date",
        "2026-11-28",
        "-o",
        two.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&one);
    let (a, b) = (Book::open(&one), Book::open(&two));
    assert_eq!(a.order, b.order);
    for (name, bytes) in &a.files {
        assert!(b.files.get(name) == Some(bytes), "{name} differs");
    }
    assert_eq!(a.articles().len(), 8);
}
