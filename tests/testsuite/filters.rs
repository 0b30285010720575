//! Filters: `[filters]` and a source's own `block`, `allow` and `min-words` leave articles out
//! of every issue; each is recorded as filtered with the entry that matched, counted and named
//! in the report and by `list --filtered`, and changing the filters does not bring it back. A
//! regex that does not compile is refused before anything is fetched. The ledger's upgrade to
//! the schema that records them keeps a copy of the old file.

use crate::server::{Resp, TestServer};
use crate::util::*;

fn long(topic: &str) -> String {
    (1..=6)
        .map(|i| format!("Sentence {i} about {topic}: the council met on Monday and agreed the plan for the town."))
        .collect::<Vec<_>>()
        .join(" ")
}

fn feed(srv: &TestServer, items: &[(&str, &str, String)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, path, text)| {
            format!(
                "<item><title>{title}</title><link>{}</link><description>{text}</description></item>",
                srv.url(path)
            )
        })
        .collect();
    format!(
        "<rss version=\"2.0\"><channel><title>Harbour</title><link>{}</link>{items}</channel></rss>",
        srv.url("/")
    )
}

fn filtered(cfg: &str) -> Vec<(String, String)> {
    let o = inkquire(&["list", "--filtered", "--json", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut out: Vec<(String, String)> = v
        .iter()
        .map(|f| {
            (
                f["title"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn filtered_articles_are_recorded_named_and_never_in_an_issue() {
    let srv = TestServer::start();
    let items = vec![
        ("Harbour works begin", "/a", long("the works")),
        ("Football: City win again", "/b", long("the match")),
        ("Offer of the week", "/ads/1", long("a bargain")),
        ("Short note", "/c", "Only a few words here.".to_owned()),
    ];
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", feed(&srv, &items)),
    );
    let dir = Dir::new();
    let write_cfg = |filters: &str, own: &str| {
        dir.write(
            "inkquire.toml",
            format!(
                "store = \"ledger.db\"\n[issue]\ntitle = \"Filtered\"\noutput = \"issues\"\n{filters}\n\
                 [[source]]\nurl = \"{}\"\nfull-text = \"never\"\n{own}\n",
                srv.url("/feed.xml")
            ),
        )
        .to_string_lossy()
        .into_owned()
    };
    let cfg = write_cfg(
        "[filters]\nblock = [\"title: football\"]\nmin-words = 20",
        "block = [\"url: /ads/\"]",
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("1 new, 0 updated, 0 unchanged, 3 filtered"),
        "{err}"
    );
    assert!(
        err.contains("filtered: \u{201c}Football: City win again\u{201d} ([filters] block \"title: football\")"),
        "{err}"
    );
    let book_path = book_in(&dir.path("issues"));
    epubcheck(&book_path);
    let book = Book::open(&book_path);
    let titles: Vec<String> = book.nav().iter().map(|e| e.label.clone()).collect();
    assert!(
        titles.iter().any(|t| t == "Harbour works begin"),
        "{titles:?}"
    );
    assert_eq!(book.articles().len(), 1, "{titles:?}");
    // The report names each with its rule.
    let report_path = std::fs::read_dir(dir.path("issues"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".report.json"))
        .unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report_path).unwrap()).unwrap();
    let named = report["sources"][0]["filtered"].as_array().unwrap();
    assert_eq!(named.len(), 3, "{report}");
    let want = vec![
        (
            "Football: City win again".to_owned(),
            "[filters] block \"title: football\"".to_owned(),
        ),
        (
            "Offer of the week".to_owned(),
            "the source's block \"url: /ads/\"".to_owned(),
        ),
        (
            "Short note".to_owned(),
            "[filters] min-words = 20 (it has 5)".to_owned(),
        ),
    ];
    assert_eq!(filtered(&cfg), want);
    assert_eq!(stored_titles(&cfg), ["Harbour works begin"]);

    // Without the filters, and a new item (the feed is read again): what was filtered stays so.
    let cfg = write_cfg("", "");
    let mut more = items.clone();
    more.push(("Ferry news", "/d", long("the ferry")));
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", feed(&srv, &more)),
    );
    let o = inkquire(&["digest", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(filtered(&cfg), want);
    assert_eq!(stored_titles(&cfg), ["Ferry news", "Harbour works begin"]);
    let o = inkquire(&["list", "--config", &cfg, "--since", "last-issue", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "[]",
        "nothing pending"
    );

    // An allow list keeps only what matches.
    more.push(("Harbour ferry timetable", "/e", long("timetables")));
    more.push(("Gardening tips", "/f", long("tomatoes")));
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", feed(&srv, &more)),
    );
    let cfg = write_cfg("[filters]\nallow = [\"harbour\", \"/[Ff]erry/\"]", "");
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f = filtered(&cfg);
    assert!(
        f.contains(&(
            "Gardening tips".to_owned(),
            "[filters] allow: matches none of its entries".to_owned()
        )),
        "{f:?}"
    );
    assert!(
        !f.iter().any(|(t, _)| t == "Harbour ferry timetable"),
        "{f:?}"
    );
}

#[test]
fn a_filter_that_is_no_regex_is_refused_before_anything_is_fetched() {
    let srv = TestServer::start();
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", feed(&srv, &[])),
    );
    let dir = Dir::new();
    for (filters, own, shown) in [
        (
            "[filters]\nblock = [\"title: /(unclosed/\"]",
            "",
            "(unclosed",
        ),
        ("", "allow = [\"url: /[z-a]/\"]", "[z-a]"),
    ] {
        let cfg = dir.write(
            "inkquire.toml",
            format!(
                "store = \"ledger.db\"\n{filters}\n[[source]]\nurl = \"{}\"\n{own}\n",
                srv.url("/feed.xml")
            ),
        );
        for cmd in ["check", "collect", "digest"] {
            let o = inkquire(&[cmd, "--config", cfg.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
            assert!(stderr(&o).contains(shown), "{cmd}: {}", stderr(&o));
        }
    }
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());
}

/// What makes a version 7 ledger (one story once's columns) a version 6 one.
pub const V7_COLUMNS_DROPPED: &str = "DROP INDEX articles_duplicate_issue; \
    ALTER TABLE articles DROP COLUMN signature; ALTER TABLE articles DROP COLUMN duplicate_of; \
    ALTER TABLE articles DROP COLUMN duplicate_issue; ALTER TABLE articles DROP COLUMN update_of; \
    ALTER TABLE articles DROP COLUMN update_note;";

#[test]
fn a_version_5_ledger_is_upgraded_with_a_copy_kept() {
    let srv = TestServer::start();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            feed(&srv, &[("Harbour works begin", "/a", long("the works"))]),
        ),
    );
    let dir = Dir::new();
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\nfull-text = \"never\"\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Make it the ledger the version before wrote.
    let conn = rusqlite::Connection::open(dir.path("ledger.db")).unwrap();
    conn.execute_batch(&format!(
        "{V7_COLUMNS_DROPPED} ALTER TABLE articles DROP COLUMN filtered; PRAGMA user_version = 5;"
    ))
    .unwrap();
    drop(conn);
    let o = inkquire(&["list", "--config", cfg, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Harbour works begin"));
    let conn = rusqlite::Connection::open(dir.path("ledger.db")).unwrap();
    let v: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 7);
    let bak = rusqlite::Connection::open(dir.path("ledger.db.schema-5.bak")).unwrap();
    let v: i32 = bak
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 5, "the old ledger kept as it was");
}
