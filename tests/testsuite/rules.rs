//! Site rules in the Full-Text RSS format (`[fetch] site-rules`), driven through the binary
//! against pages on 127.0.0.1: a rule's body, title, author and strips win over extraction; a
//! multi-page article is joined in order, each page once; a rule that finds nothing falls back
//! to extraction and says so; a bad file is named with its line and costs nothing else; a
//! native ad is named; the source's `remove` selectors still apply after the rule.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

fn para(part: &str, i: usize) -> String {
    format!(
        "<p>{part}, paragraph {i}: the ferry company said the new timetable would start in the \
         spring, with more crossings on weekdays and fewer at night.</p>"
    )
}

/// A page whose automatic reading goes wrong: the long "most read" block outweighs the story.
fn tricky_page(part: &str, next: Option<&str>) -> String {
    let story: String = (1..=3).map(|i| para(part, i)).collect();
    let junk: String = (1..=12)
        .map(|i| {
            format!(
                "<p>Most read {i}: a long teaser about something else entirely, which goes on and \
                 on so that it is the biggest block of text on the page by far.</p>"
            )
        })
        .collect();
    let next = next
        .map(|n| format!("<div class=\"pager\"><a class=\"next\" href=\"{n}\">Next page</a></div>"))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Ferry Timetable | Harbour News</title>\
         <meta property=\"og:title\" content=\"Ferry timetable changes\"/></head><body>\
         <div id=\"story\"><h1>Ferry timetable changes</h1><p class=\"by\">Jo Bloggs</p>\
         <div class=\"share\">Share on Facebook</div>{story}{next}</div>\
         <div id=\"most-read\">{junk}</div></body></html>"
    )
}

fn config(dir: &Dir, srv: &TestServer, sources: &str) -> String {
    dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[issue]\ntitle = \"Rules\"\n[fetch]\nsite-rules = [\"collection\", \"mine\"]\n\
             private-hosts = [\"127.0.0.1\"]\n{}",
            sources.replace("BASE", &srv.url(""))
        ),
    )
    .to_string_lossy()
    .into_owned()
}

fn extract_json(cfg: &str, url: &str) -> (serde_json::Value, String, Option<i32>) {
    let o = inkquire(&["extract", url, "--config", cfg, "--format", "json"]);
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (v, stderr(&o), o.status.code())
}

#[test]
fn a_site_rule_wins_over_extraction_and_the_later_folder_wins() {
    let srv = TestServer::start();
    srv.route("/ferry.html", Resp::ok(HTML, tricky_page("Story", None)));
    let dir = Dir::new();
    let cfg = config(&dir, &srv, "");
    // Without a rule, the "most read" block is what extraction takes.
    let (v, err, code) = extract_json(&cfg, &srv.url("/ferry.html"));
    assert_eq!(code, Some(0), "{err}");
    assert!(v["text"].as_str().unwrap().contains("Most read"), "{v}");

    // The collection's rule, and the user's own for the same host, which wins.
    dir.write("collection/127.0.0.1.txt", "body: //div[@id='most-read']\n");
    dir.write(
        "mine/127.0.0.1.txt",
        "# my own rule\ntitle: //meta[@property='og:title']/@content\nauthor: //p[@class='by']\n\
         body: //div[@id='story']\nstrip: //h1 | //p[@class='by']\nstrip_id_or_class: share\n\
         prune: no\ntest_url: http://127.0.0.1/ferry.html\n",
    );
    let (v, err, code) = extract_json(&cfg, &srv.url("/ferry.html"));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["title"], "Ferry timetable changes");
    assert_eq!(v["byline"], "Jo Bloggs");
    let text = v["text"].as_str().unwrap();
    for i in 1..=3 {
        assert!(text.contains(&format!("Story, paragraph {i}")), "{text}");
    }
    assert!(!text.contains("Most read"), "{text}");
    assert!(!text.contains("Share on Facebook"), "stripped: {text}");
    assert!(
        !err.contains("site rules"),
        "a good rule draws no warning: {err}"
    );
}

#[test]
fn a_multi_page_article_is_joined_in_order_once_each_and_remove_applies_after() {
    let srv = TestServer::start();
    srv.route(
        "/story/1",
        Resp::ok(HTML, tricky_page("Part one", Some("/story/2"))),
    );
    srv.route(
        "/story/2",
        Resp::ok(HTML, tricky_page("Part two", Some("3"))),
    );
    // The last page links back to the first: not read twice.
    srv.route(
        "/story/3",
        Resp::ok(HTML, tricky_page("Part three", Some("/story/1"))),
    );
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<rss version=\"2.0\"><channel><title>Harbour</title><link>{}</link>\
                 <item><title>Ferry timetable changes</title><link>{}</link>\
                 <description>Short summary.</description></item></channel></rss>",
                srv.url("/"),
                srv.url("/story/1")
            ),
        ),
    );
    let dir = Dir::new();
    dir.write(
        "collection/127.0.0.1.txt",
        "body: //div[@id='story']\nstrip: //h1\nnext_page_link: //a[@class='next']\n\
         strip: //div[@class='pager']\n",
    );
    std::fs::create_dir_all(dir.path("mine")).unwrap();
    let cfg = config(
        &dir,
        &srv,
        "[[source]]\nurl = \"BASE/feed.xml\"\nremove = [\".share\"]\n",
    );
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path("ferry.epub");
    let o = inkquire(&["build", "--config", &cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), 1);
    let body = book.doc_text(&book.articles()[0], Some("article-body"));
    let at = |s: &str| {
        assert_eq!(body.matches(s).count(), 1, "{s:?} once in: {body}");
        body.find(s).unwrap()
    };
    let (one, two, three) = (
        at("Part one, paragraph 1"),
        at("Part two, paragraph 2"),
        at("Part three, paragraph 3"),
    );
    assert!(one < two && two < three, "{body}");
    assert!(
        !body.contains("Most read") && !body.contains("Next page"),
        "{body}"
    );
    assert!(
        !body.contains("Share on Facebook"),
        "remove applied after the rule: {body}"
    );
    let gets = |p: &str| {
        srv.requests()
            .iter()
            .filter(|r| r.starts_with(&format!("GET {p} ")))
            .count()
    };
    assert_eq!(
        (gets("/story/1"), gets("/story/2"), gets("/story/3")),
        (1, 1, 1)
    );
}

#[test]
fn a_bad_rule_file_is_named_with_its_line_and_costs_nothing_else() {
    let srv = TestServer::start();
    srv.route("/ferry.html", Resp::ok(HTML, tricky_page("Story", None)));
    srv.route("/other.html", Resp::ok(HTML, story("Other Story")));
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("mine")).unwrap();
    dir.write(
        "collection/127.0.0.1.txt",
        "title: //h1\nbody: //div[@id='story'\nbody: //div[@id='gone']\nwibble: 3\n\
         test http://127.0.0.1/x\n",
    );
    let cfg = config(&dir, &srv, "");
    let (v, err, code) = extract_json(&cfg, &srv.url("/ferry.html"));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("127.0.0.1.txt, line 2"), "{err}");
    assert!(err.contains("line 5"), "{err}");
    assert!(err.contains("wibble"), "{err}");
    assert!(
        err.contains("found no body") && err.contains("extracted automatically"),
        "the rule's miss is said: {err}"
    );
    // Automatic extraction took over; the rule's title still applies.
    assert_eq!(v["title"], "Ferry timetable changes");
    assert!(!v["text"].as_str().unwrap().is_empty());

    // `autodetect_on_failure: no`: the page is given up, naming the rule.
    dir.write(
        "mine/127.0.0.1.txt",
        "body: //div[@id='gone']\nautodetect_on_failure: no\n",
    );
    let (_, err, code) = extract_json(&cfg, &srv.url("/ferry.html"));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("found no body, and says not to extract one"),
        "{err}"
    );

    // A missing rules folder is named, and pages are read all the same.
    let cfg2 = dir.write(
        "other.toml",
        "[fetch]\nsite-rules = [\"nowhere\"]\nprivate-hosts = [\"127.0.0.1\"]\n",
    );
    let o = inkquire(&[
        "extract",
        &srv.url("/other.html"),
        "--config",
        cfg2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("nowhere"), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Other Story"));
}

#[test]
fn a_native_ad_is_named_not_printed() {
    let srv = TestServer::start();
    srv.route("/ferry.html", Resp::ok(HTML, tricky_page("Story", None)));
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("mine")).unwrap();
    dir.write(
        "collection/global.txt",
        "native_ad_clue: //div[@class='share']\n",
    );
    let cfg = config(&dir, &srv, "");
    let (_, err, code) = extract_json(&cfg, &srv.url("/ferry.html"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("says it is advertising"), "{err}");
}

#[test]
fn rules_test_tries_each_test_url_and_check_counts_the_files() {
    let srv = TestServer::start();
    srv.route("/ferry.html", Resp::ok(HTML, tricky_page("Story", None)));
    srv.route("/moved.html", Resp::status(404));
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("mine")).unwrap();
    dir.write(
        "collection/127.0.0.1.txt",
        format!(
            "body: //div[@id='story']\ntest_url: {}\ntest_contains: Story, paragraph 2\n",
            srv.url("/ferry.html")
        ),
    );
    dir.write("collection/.example.org.txt", "body: //article\n");
    let cfg = config(&dir, &srv, "");
    let o = inkquire(&["rules", "test", "--config", &cfg]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.starts_with("ok ") && out.contains("127.0.0.1.txt"),
        "{out}"
    );
    assert!(stderr(&o).contains("1 test pages passed, 0 failed; 1 rule files name no test_url"));

    // The user's own file for the host wins: its text is not on the page, its second page is gone.
    dir.write(
        "mine/127.0.0.1.txt",
        format!(
            "body: //div[@id='story']\ntest_url: {}\ntest_contains: not on the page\n\
             test_url: {}\n",
            srv.url("/ferry.html"),
            srv.url("/moved.html")
        ),
    );
    let o = inkquire(&["rules", "test", "127.0.0.1", "--config", &cfg]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("body found, but not: not on the page"),
        "{out}"
    );
    assert!(out.contains("not fetched") && out.contains("404"), "{out}");

    let o = inkquire(&["rules", "test", "nowhere.net", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no rule file for nowhere.net"),
        "{}",
        stderr(&o)
    );

    let o = inkquire(&["check", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("site rules: 2 files in 2 folders"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_saved_page_takes_the_rule_of_its_address_given_or_declared() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("mine")).unwrap();
    dir.write(
        "collection/harbour.example.txt",
        "title: //meta[@property='og:title']/@content\nbody: //div[@id='story']\nstrip: //h1\n",
    );
    dir.write(
        "collection/other.example.txt",
        "body: //div[@id='most-read']\n",
    );
    let page = tricky_page("Saved", None).replace(
        "</head>",
        "<link rel=\"canonical\" href=\"https://www.harbour.example/2024/ferry.html\"/></head>",
    );
    // A relative link in the story resolves against the page's original address.
    let page = page.replace(
        "<div class=\"share\">",
        "<p>See <a href=\"/timetable\">the timetable</a> for the times.</p><div class=\"share\">",
    );
    let saved = dir.write("saved/ferry.html", &page);
    let saved = saved.to_str().unwrap();
    let cfg = dir.write(
        "inkquire.toml",
        "[fetch]\nsite-rules = [\"collection\", \"mine\"]\n",
    );
    let cfg = cfg.to_str().unwrap();
    let json = |extra: &[&str]| {
        let mut args = vec!["extract", saved, "--config", cfg, "--format", "json"];
        args.extend_from_slice(extra);
        let o = inkquire(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    // The page's own canonical address chooses harbour.example's rule.
    let v = json(&[]);
    let text = v["text"].as_str().unwrap();
    assert!(
        text.contains("Saved, paragraph 3") && !text.contains("Most read"),
        "{text}"
    );
    assert_eq!(v["url"], "https://www.harbour.example/2024/ferry.html");
    assert!(
        v["html"]
            .as_str()
            .unwrap()
            .contains("https://www.harbour.example/timetable"),
        "{}",
        v["html"]
    );
    // --url wins: other.example's rule, which takes the "most read" block.
    let v = json(&["--url", "https://other.example/x.html"]);
    assert_eq!(v["url"], "https://other.example/x.html");
    assert!(v["text"].as_str().unwrap().contains("Most read 3"), "{v}");

    // build PAGE.html --url: one book, the rule's body, valid.
    let out = dir.path("saved.epub");
    let o = inkquire(&[
        "build",
        saved,
        "--config",
        cfg,
        "--url",
        "https://www.harbour.example/2024/ferry.html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(
        book.title_of(&book.articles()[0]),
        "Ferry timetable changes"
    );
    let body = book.doc_text(&book.articles()[0], Some("article-body"));
    assert!(
        body.contains("Saved, paragraph 1") && !body.contains("Most read"),
        "{body}"
    );

    // --url with two inputs, or with an address to extract, is a usage error.
    let o = inkquire(&[
        "build",
        saved,
        saved,
        "--url",
        "https://e.example/",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("one saved page"), "{}", stderr(&o));
    let o = inkquire(&[
        "extract",
        "https://e.example/a",
        "--url",
        "https://e.example/",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--url is for a saved page"),
        "{}",
        stderr(&o)
    );
}
