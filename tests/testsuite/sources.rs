//! The sources people have: a site's address (feed discovery, `inkquire add`).

use crate::server::{Resp, TestServer};
use std::path::Path;

use crate::util::*;

/// A paragraph long enough that an item carrying it is full text (no page is fetched).
fn long_text(n: usize) -> String {
    format!(
        "<p>Story {n} of the loop site. {}</p>",
        "The harbour board met on Monday and agreed the new timetable for the ferries. ".repeat(10)
    )
}

fn rss(srv: &TestServer, title: &str) -> String {
    let items: String = (1..=2)
        .map(|n| {
            format!(
                "<item><title>{title} story {n}</title><link>{}</link><description><![CDATA[{}]]></description></item>",
                srv.url(&format!("/posts/{n}.html")),
                long_text(n)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>{}</link>{items}</channel></rss>",
        srv.url("/")
    )
}

fn atom(srv: &TestServer, title: &str) -> String {
    let entries: String = (1..=2)
        .map(|n| {
            format!(
                "<entry><title>{title} story {n}</title><id>{u}</id><link href=\"{u}\"/><updated>2026-11-29T08:00:00Z</updated><content type=\"html\">{}</content></entry>",
                long_text(n).replace('<', "&lt;"),
                u = srv.url(&format!("/entries/{n}"))
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{title}</title><id>urn:x</id><updated>2026-11-29T08:00:00Z</updated>{entries}</feed>"
    )
}

fn json_feed(srv: &TestServer, title: &str) -> String {
    let items: Vec<serde_json::Value> = (1..=2)
        .map(|n| {
            serde_json::json!({
                "id": srv.url(&format!("/j/{n}")),
                "url": srv.url(&format!("/j/{n}")),
                "title": format!("{title} story {n}"),
                "content_html": long_text(n),
            })
        })
        .collect();
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": items,
    })
    .to_string()
}

/// A front page: a list of linked headlines, and `head` in its `<head>`.
fn front(head: &str) -> String {
    let items: String = (1..=12)
        .map(|n| format!("<li><a href=\"/posts/{n}.html\">Headline number {n} of the day</a></li>"))
        .collect();
    format!(
        "<!doctype html><html><head><title>Loop site</title>{head}</head><body><h1>Loop site</h1><ul>{items}</ul></body></html>"
    )
}

/// An article page, naming the site's feed as WordPress pages do.
fn article_page(feed: &str) -> String {
    let paras: String = (1..=8)
        .map(|i| format!("<p>Paragraph {i} of the story: the harbour authority said on Monday that the work on the old pier would start in May and last most of next year.</p>"))
        .collect();
    format!(
        "<!doctype html><html><head><title>Pier to close</title>\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Loop » Feed\" href=\"{feed}\"></head>\
         <body><article><h1>Pier to close</h1>{paras}</article></body></html>"
    )
}

fn html(body: String) -> Resp {
    Resp::ok("text/html; charset=utf-8", body)
}

fn config(dir: &Dir, sources: &str) -> String {
    dir.write(
        "inkquire.toml",
        format!("store = \"ledger.db\"\n[issue]\noutput = \"issues\"\n{sources}"),
    )
    .to_str()
    .unwrap()
    .to_owned()
}

#[test]
fn a_sites_address_is_read_through_the_feed_it_names_of_each_type() {
    for (kind, path, ctype) in [
        ("application/rss+xml", "/news.rss", "application/rss+xml"),
        ("application/atom+xml", "/news.atom", "application/atom+xml"),
        (
            "application/feed+json",
            "/news.json",
            "application/feed+json",
        ),
    ] {
        let srv = TestServer::start();
        let body = match path {
            "/news.rss" => rss(&srv, "Loop"),
            "/news.atom" => atom(&srv, "Loop"),
            _ => json_feed(&srv, "Loop"),
        };
        srv.route(
            "/",
            html(front(&format!(
                "<link rel=\"alternate\" type=\"{kind}\" title=\"Loop\" href=\"{path}\">"
            ))),
        );
        srv.route(path, Resp::ok(ctype, body));
        let dir = Dir::new();
        let cfg = config(&dir, &format!("[[source]]\nurl = \"{}\"\n", srv.url("/")));

        let o = inkquire(&["collect", "--config", &cfg]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{kind}: {err}");
        assert!(
            err.contains(&format!("read through its feed {}", srv.url(path))),
            "{kind}: collect says which feed: {err}"
        );
        assert!(err.contains("2 new articles"), "{kind}: {err}");
        assert_eq!(
            stored_titles(&cfg),
            ["Loop story 1", "Loop story 2"],
            "{kind}"
        );
        // No usual place was asked: the page named its feed.
        assert!(
            !srv.requests().iter().any(|r| r.starts_with("GET /feed ")),
            "{kind}: {:?}",
            srv.requests()
        );

        // The next collect asks the feed conditionally (its ETag was kept), not the page.
        let o = inkquire(&["collect", "--config", &cfg]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            srv.requests().contains(&format!("GET {path} 304")),
            "{kind}: {:?}",
            srv.requests()
        );
        assert_eq!(stored_titles(&cfg).len(), 2, "{kind}: nothing twice");

        let o = inkquire(&["check", "--config", &cfg]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{kind}: {err}");
        assert!(
            err.contains(&format!(
                "its feed is {}: feed \"Loop\", 2 items",
                srv.url(path)
            )),
            "{kind}: check says which feed: {err}"
        );
    }
}

#[test]
fn a_site_without_a_named_feed_is_asked_at_the_usual_places_by_content() {
    let srv = TestServer::start();
    srv.route("/", html(front("")));
    // Many sites answer every address with a page; that is no feed, whatever it says it is.
    srv.route("/rss", Resp::ok("application/rss+xml", front("")));
    // The feed itself comes as text/html: its content decides.
    srv.route("/rss.xml", Resp::ok("text/html", rss(&srv, "Probed")));
    srv.route(
        "/atom.xml",
        Resp::ok("application/atom+xml", atom(&srv, "Later")),
    );
    let dir = Dir::new();
    let cfg = config(&dir, &format!("[[source]]\nurl = \"{}\"\n", srv.url("/")));
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("read through its feed {}", srv.url("/rss.xml"))),
        "{err}"
    );
    assert_eq!(stored_titles(&cfg), ["Probed story 1", "Probed story 2"]);
    let asked: Vec<String> = srv
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("GET /") && !r.starts_with("GET / "))
        .collect();
    assert_eq!(
        asked,
        ["GET /feed 404", "GET /rss 200", "GET /rss.xml 200"],
        "one at a time, stopping at the first feed"
    );

    // A site whose only feed is at /feed: found there at the first ask, and said so.
    let srv = TestServer::start();
    srv.route("/", html(front("")));
    srv.route("/feed", Resp::ok("application/xml", atom(&srv, "Only")));
    let dir = Dir::new();
    let cfg = config(&dir, &format!("[[source]]\nurl = \"{}\"\n", srv.url("/")));
    let o = inkquire(&["check", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "its feed was found at {}: feed \"Only\", 2 items",
            srv.url("/feed")
        )),
        "{err}"
    );
    assert_eq!(
        srv.requests()
            .iter()
            .filter(|r| !r.starts_with("GET / "))
            .count(),
        1,
        "{:?}",
        srv.requests()
    );
}

#[test]
fn a_site_with_no_feed_fails_alone_naming_what_was_tried() {
    let srv = TestServer::start();
    srv.route("/", html(front("")));
    let good = TestServer::start();
    good.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", rss(&good, "Good")),
    );
    let dir = Dir::new();
    let cfg = config(
        &dir,
        &format!(
            "[[source]]\nurl = \"{}\"\n\n[[source]]\nurl = \"{}\"\n",
            srv.url("/"),
            good.url("/feed.xml")
        ),
    );
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error:") && l.contains(&srv.url("/")))
        .unwrap_or_else(|| panic!("the site is named: {err}"));
    assert!(line.contains("does not look like an article"), "{line}");
    assert!(line.contains("the page names none"), "{line}");
    for p in [
        "/feed",
        "/rss",
        "/rss.xml",
        "/atom.xml",
        "/index.xml",
        "/feed.json",
    ] {
        assert!(line.contains(&srv.url(p)), "{p} named as tried: {line}");
    }
    assert_eq!(stored_titles(&cfg), ["Good story 1", "Good story 2"]);

    // `add` says the same, and leaves its config as it was.
    let mine = dir.write("mine.toml", "# mine\n");
    let o = inkquire(&["add", &srv.url("/"), "--config", mine.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("found no feed"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "# mine\n");
}

const HAND_WRITTEN: &str = "# My morning paper.\n\
store = \"ledger.db\"   # beside this file\n\
\n\
[issue]\n\
output = \"issues\"\n\
\n\
# --- sources ---\n\
[[source]]\n\
url   = \"FEED\"     # aligned by hand\n\
topics = [ \"local\" ]\n\
\n\
# trailing comment, no newline at the end";

#[test]
fn add_finds_the_feed_keeps_the_config_byte_for_byte_and_passes_check() {
    let srv = TestServer::start();
    srv.route(
        "/",
        html(front(
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Loop » Comments\" href=\"/comments/feed\">\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Loop » Feed\" href=\"/feed.xml\">",
        )),
    );
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", rss(&srv, "Loop \"Daily\"")),
    );
    srv.route(
        "/comments/feed",
        Resp::ok("application/rss+xml", rss(&srv, "Comments")),
    );
    let other = TestServer::start();
    other.route(
        "/f.xml",
        Resp::ok("application/rss+xml", rss(&other, "Other")),
    );
    let dir = Dir::new();
    let original = HAND_WRITTEN.replace("FEED", &other.url("/f.xml"));
    let cfg = dir.write("inkquire.toml", &original);
    let cfg = cfg.to_str().unwrap();

    // Two feeds and no terminal to ask at: they are listed, articles' first, and nothing changes.
    let o = inkquire(&["add", &srv.url("/"), "--config", cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let one = err.find(&format!("1. {}", srv.url("/feed.xml")));
    let two = err.find(&format!("2. {}", srv.url("/comments/feed")));
    assert!(one.is_some() && two.is_some(), "{err}");
    assert!(err.contains("--pick"), "{err}");
    assert_eq!(std::fs::read_to_string(cfg).unwrap(), original);

    let o = inkquire(&[
        "add",
        &srv.url("/"),
        "--config",
        cfg,
        "--pick",
        "1",
        "--topic",
        "harbour",
        "--topic",
        "Local news",
        "--name",
        "The \"Loop\"",
        "--full-text",
        "never",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("its feed is {}", srv.url("/feed.xml"))),
        "{err}"
    );
    let after = std::fs::read_to_string(cfg).unwrap();
    assert!(after.starts_with(&original), "kept byte for byte:\n{after}");
    let added = &after[original.len()..];
    assert_eq!(
        added,
        format!(
            "\n\n[[source]]\nurl = \"{}\"\nname = 'The \"Loop\"'\ntopics = [\"harbour\", \"Local news\"]\nfull-text = \"never\"\n",
            srv.url("/feed.xml")
        )
    );

    // The result passes check, and collects.
    let o = inkquire(&["check", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stored_titles(cfg),
        [
            "Loop \"Daily\" story 1",
            "Loop \"Daily\" story 2",
            "Other story 1",
            "Other story 2"
        ]
    );

    // Adding it again (the site or its feed) changes nothing.
    for again in [srv.url("/feed.xml"), srv.url("/")] {
        let o = inkquire(&["add", &again, "--config", cfg, "--pick", "1"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stderr(&o).contains("already a source"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(cfg).unwrap(), after);
    }
    // A pick out of range is refused.
    let o = inkquire(&["add", &srv.url("/"), "--config", cfg, "--pick", "3"]);
    assert_eq!(o.status.code(), Some(2));

    // When the new file cannot be written, the old one is left whole and nothing else is.
    other.route(
        "/f2.xml",
        Resp::ok("application/rss+xml", rss(&other, "Other two")),
    );
    let o = inkquire_env(
        &["add", &other.url("/f2.xml"), "--config", cfg],
        &[("INKQUIRE_FAULT", "read-only")],
    );
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("feed \"Other two\""),
        "it got as far as writing: {}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(cfg).unwrap(), after);
    let names: Vec<String> = std::fs::read_dir(dir.path("."))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("inkquire.toml"))
        .collect();
    assert_eq!(names, ["inkquire.toml"], "no temporary file left");
}

#[test]
fn add_offers_an_article_as_a_page_and_creates_a_missing_config() {
    let srv = TestServer::start();
    srv.route("/2026/pier.html", html(article_page("/feed.xml")));
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", rss(&srv, "Loop")),
    );
    let dir = Dir::new();
    let cfg = dir.path("new/inkquire.toml");
    let o = inkquire(&[
        "add",
        &srv.url("/2026/pier.html"),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("one article: \"Pier to close\""), "{err}");
    assert!(err.contains("added as a single page"), "{err}");
    assert!(
        err.contains(&format!("inkquire add {}", srv.url("/feed.xml"))),
        "the site's feed is offered too: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        format!("[[source]]\nurl = \"{}\"\n", srv.url("/2026/pier.html"))
    );
    // A feed's address is added as it is; something that is not a web address is refused.
    let o = inkquire(&[
        "add",
        &srv.url("/feed.xml"),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("feed \"Loop\", 2 items"),
        "{}",
        stderr(&o)
    );
    let o = inkquire(&["add", "example.org", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a web address"), "{}", stderr(&o));
}

#[test]
fn a_links_list_gives_each_address_once_and_retries_a_failing_page_then_gives_up() {
    let srv = TestServer::start();
    srv.route("/one.html", html(story("First saved")));
    srv.route("/two.html", html(story("Second saved")));
    // Moved: the list's address and the page's differ; it is still fetched once.
    let mut moved = Resp::status(301);
    moved.location = Some(srv.url("/two.html"));
    srv.route("/old-two", moved);
    srv.route("/flaky.html", Resp::status(503));
    let dir = Dir::new();
    dir.write(
        "reading-list.txt",
        format!(
            "# saved from my phone\n\n{}\nscience: {}\n{}\nnot an address\n{}\n",
            srv.url("/one.html"),
            srv.url("/old-two"),
            srv.url("/one.html"),
            srv.url("/flaky.html")
        ),
    );
    let cfg = config(
        &dir,
        "[[source]]\nkind = \"links\"\npath = \"reading-list.txt\"\n",
    );
    let o = inkquire(&["collect", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("2 new"), "{err}");
    assert!(err.contains("line 6: not an address"), "{err}");
    assert!(
        err.contains(&format!("{} (line 7)", srv.url("/flaky.html"))) && err.contains("try 1 of 3"),
        "{err}"
    );
    assert_eq!(stored_titles(&cfg), ["First saved", "Second saved"]);
    let o = inkquire(&["list", "--config", &cfg, "--json"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let second = items.iter().find(|i| i["title"] == "Second saved").unwrap();
    assert!(
        second["topics"]
            .as_array()
            .unwrap()
            .contains(&"science".into()),
        "{second}"
    );

    // The next runs fetch only the failing page, until it is given up.
    let fetched = |p: &str| {
        srv.requests()
            .iter()
            .filter(|r| r.starts_with(&format!("GET {p} ")))
            .count()
    };
    let first_flaky = fetched("/flaky.html");
    for run in 2..=4 {
        let o = inkquire(&["collect", "--config", &cfg]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        match run {
            2 => assert!(err.contains("try 2 of 3"), "{err}"),
            3 => assert!(err.contains("given up after 3 tries"), "{err}"),
            _ => assert!(!err.contains("flaky"), "left alone: {err}"),
        }
    }
    assert_eq!(fetched("/one.html"), 1, "{:?}", srv.requests());
    assert_eq!(fetched("/old-two"), 1, "{:?}", srv.requests());
    assert_eq!(
        fetched("/flaky.html") / first_flaky,
        3,
        "three runs tried it: {:?}",
        srv.requests()
    );

    // A page that comes back to life later is not fetched again: it was given up. A new line is.
    srv.route("/three.html", html(story("Third saved")));
    let list = std::fs::read_to_string(dir.path("reading-list.txt")).unwrap();
    dir.write(
        "reading-list.txt",
        format!("{list}{}\n", srv.url("/three.html")),
    );
    let o = inkquire(&["collect", "--config", &cfg]);
    assert!(stderr(&o).contains("1 new"), "{}", stderr(&o));
    assert_eq!(
        stored_titles(&cfg),
        ["First saved", "Second saved", "Third saved"]
    );

    // check says what the list holds.
    let o = inkquire(&["check", "--config", &cfg]);
    assert!(
        stderr(&o).contains("a read-later list of 4 addresses"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_emptied_links_list_is_no_failure_and_a_missing_one_is_named() {
    let dir = Dir::new();
    dir.write("list.txt", "# nothing yet\n");
    let cfg = config(&dir, "[[source]]\nkind = \"links\"\npath = \"list.txt\"\n");
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_file(dir.path("list.txt")).unwrap();
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("list.txt"), "{}", stderr(&o));
}

#[test]
fn save_fetches_pages_now_for_the_next_issue_once() {
    let srv = TestServer::start();
    srv.route("/long-read.html", html(story("A long read")));
    srv.route("/front", html(front("")));
    let dir = Dir::new();
    let cfg = config(&dir, "");
    let o = inkquire(&[
        "save",
        &srv.url("/long-read.html"),
        &srv.url("/gone.html"),
        "--topic",
        "weekend",
        "--config",
        &cfg,
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Saved \"A long read\"") && err.contains("next issue"),
        "{err}"
    );
    assert!(
        err.contains(&srv.url("/gone.html")) && err.contains("404"),
        "{err}"
    );
    assert_eq!(stored_titles(&cfg), ["A long read"]);
    let o = inkquire(&["save", &srv.url("/long-read.html"), "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("already in the ledger"),
        "{}",
        stderr(&o)
    );
    // A page the user chose is kept even when it reads like a front page.
    let o = inkquire(&["save", &srv.url("/front"), "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stored_titles(&cfg).len(), 2);

    // The next issue holds them, once.
    let o = inkquire(&["build", "--config", &cfg, "--since", "last-issue", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let book = book_in(&dir.path("issues"));
    epubcheck(&book);
    let b = Book::open(&book);
    let page = b.article_titled("A long read");
    assert!(
        b.doc_text(&page, None)
            .contains("Paragraph 8 of A long read")
    );
    assert_eq!(b.articles().len(), 2, "the long read and the front page");
    let o = inkquire(&["build", "--config", &cfg, "--since", "last-issue", "-q"]);
    assert_eq!(o.status.code(), Some(2), "nothing left: {}", stderr(&o));
}

#[test]
fn add_asks_at_a_terminal_which_feed() {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("SKIPPED: util-linux's script (a terminal for the question) is not here");
        return;
    }
    let srv = TestServer::start();
    srv.route(
        "/",
        html(front(
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"News\" href=\"/news.xml\">\
             <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Notes\" href=\"/notes.atom\">",
        )),
    );
    srv.route(
        "/news.xml",
        Resp::ok("application/rss+xml", rss(&srv, "News")),
    );
    srv.route(
        "/notes.atom",
        Resp::ok("application/atom+xml", atom(&srv, "Notes")),
    );
    let dir = Dir::new();
    let cfg = dir.write("inkquire.toml", "# mine\n");
    // `script` gives inkquire a terminal; the answers come on it: a wrong one, then 2.
    let mut child = std::process::Command::new("/usr/bin/script")
        .arg("-qec")
        .arg(format!(
            "{} add {} --config {}",
            env!("CARGO_BIN_EXE_inkquire"),
            srv.url("/"),
            cfg.display()
        ))
        .arg("/dev/null")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // Answer once the question is likely up, and keep the terminal open until both answers
        // are in (`script` ends the session when its input ends).
        std::thread::sleep(std::time::Duration::from_millis(1500));
        stdin.write_all(b"7\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        stdin.write_all(b"2\n").unwrap();
    }
    let o = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{shown}");
    assert!(shown.contains("Which one (1-2)?"), "{shown}");
    assert!(shown.contains("A number from 1 to 2"), "{shown}");
    let after = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        after.contains(&format!("url = \"{}\"", srv.url("/notes.atom"))),
        "{after}"
    );
}
