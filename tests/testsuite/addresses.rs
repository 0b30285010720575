//! Clean addresses: tracking parameters removed before an article is fetched or recorded (one
//! article reached with different tracking is one article), the source's `rewrite` rules (a
//! site's print version), an AMP page read as the page it stands for, and a rewrite that is no
//! regular expression refused before anything is fetched.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

fn feed(srv: &TestServer, links: &[(&str, &str)]) -> String {
    let items: String = links
        .iter()
        .map(|(title, path)| {
            format!(
                "<item><title>{title}</title><link>{}</link><description>Short.</description></item>",
                srv.url(path).replace('&', "&amp;")
            )
        })
        .collect();
    format!(
        "<rss version=\"2.0\"><channel><title>Harbour</title><link>{}</link>{items}</channel></rss>",
        srv.url("/")
    )
}

#[test]
fn tracking_rewrites_and_amp_make_one_clean_address_each() {
    let srv = TestServer::start();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            feed(
                &srv,
                &[
                    ("Pier", "/pier?utm_source=rss&mc_cid=1&id=7"),
                    ("Pier again", "/pier?id=7&fbclid=abc&MC_EID=9"),
                    ("Ferry", "/story/12/ferry"),
                    ("Quay", "/amp/quay"),
                ],
            ),
        ),
    );
    srv.route("/pier", Resp::ok(HTML, story("Pier to Close")));
    srv.route(
        "/story/12/ferry",
        Resp::ok(HTML, story("Ferry page one only")),
    );
    srv.route(
        "/print/12/ferry",
        Resp::ok(HTML, story("Ferry Whole Story")),
    );
    srv.route(
        "/amp/quay",
        Resp::ok(
            HTML,
            format!(
                "<!doctype html><html amp lang=\"en\"><head><title>Quay AMP</title>\
                 <link rel=\"canonical\" href=\"{}\"></head><body><p>Tap to read.</p></body></html>",
                srv.url("/quay")
            ),
        ),
    );
    srv.route("/quay", Resp::ok(HTML, story("Quay Full Page")));
    let dir = Dir::new();
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\nfull-text = \"always\"\n\
             rewrite = [{{ match = '^(https?://[^/]+)/story/(\\d+)/(.*)$', to = '$1/print/$2/$3' }}]\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reqs = srv.requests();
    let gets: Vec<&String> = reqs.iter().filter(|r| r.starts_with("GET /")).collect();
    assert!(
        gets.iter().all(|r| !r.contains("utm_")
            && !r.contains("mc_cid")
            && !r.contains("fbclid")
            && !r.contains("MC_EID")),
        "no tracking sent: {gets:?}"
    );
    assert!(
        gets.iter().any(|r| r.starts_with("GET /print/12/ferry ")),
        "{gets:?}"
    );
    assert!(
        !gets.iter().any(|r| r.starts_with("GET /story/12/ferry ")),
        "{gets:?}"
    );
    assert!(gets.iter().any(|r| r.starts_with("GET /quay ")), "{gets:?}");
    let titles = stored_titles(cfg);
    // The two tracked links of one article are one article.
    assert_eq!(titles.len(), 3, "{titles:?}");
    let o = inkquire(&["list", "--config", cfg, "--json"]);
    let listed = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(listed.contains(&srv.url("/pier?id=7")), "{listed}");
    assert!(
        !listed.contains("utm_") && !listed.contains("mc_cid"),
        "{listed}"
    );
    assert!(
        listed.contains("Quay Full Page") || listed.contains("Quay"),
        "{listed}"
    );

    // A second run stores nothing again.
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stored_titles(cfg).len(), 3);
}

#[test]
fn a_rewrite_that_is_no_regex_is_refused_before_anything_is_fetched() {
    let srv = TestServer::start();
    srv.route(
        "/feed.xml",
        Resp::ok("application/rss+xml", feed(&srv, &[("Pier", "/pier")])),
    );
    let dir = Dir::new();
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\nrewrite = [{{ match = '(unclosed', to = 'x' }}]\n",
            srv.url("/feed.xml")
        ),
    );
    for cmd in ["check", "collect", "digest"] {
        let o = inkquire(&[cmd, "--config", cfg.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("(unclosed"), "{cmd}: {}", stderr(&o));
    }
    assert!(srv.requests().is_empty(), "{:?}", srv.requests());
}

/// A ledger written when fewer parameters counted as tracking (the article's key and id kept
/// `mc_cid`): the same item is known, not stored and delivered again.
#[test]
fn an_article_stored_under_the_older_clean_form_is_not_stored_again() {
    let srv = TestServer::start();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            feed(&srv, &[("Pier", "/pier?mc_cid=1&id=7")]),
        ),
    );
    srv.route("/pier", Resp::ok(HTML, story("Pier to Close")));
    let dir = Dir::new();
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Make the ledger what the older build wrote: key and id from the address with mc_cid.
    let old = srv.url("/pier?mc_cid=1&id=7");
    let conn = rusqlite::Connection::open(dir.path("ledger.db")).unwrap();
    let changed = conn
        .execute(
            "UPDATE articles SET key = ?1, id = ?2",
            rusqlite::params![old, inkquire::ids::short_hash(&old)],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);
    // The feed changes (so it is read again, not answered 304), and still lists the article.
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            feed(&srv, &[("Pier", "/pier?mc_cid=1&id=7"), ("Quay", "/quay")]),
        ),
    );
    srv.route("/quay", Resp::ok(HTML, story("Quay")));
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stored_titles(cfg), ["Pier", "Quay"], "the pier stored once");
    // Known by its older key: not even fetched again.
    assert_eq!(srv.downloads("/pier"), 1);
}

/// A feed proxy's link is followed and the page's address recorded; the same article reached
/// later by that address, or by a page whose canonical address it is (with the same title), is
/// not stored again; a page that only claims the canonical address of another story is.
#[test]
fn the_address_after_redirects_and_the_canonical_one_store_an_article_once() {
    let srv = TestServer::start();
    srv.route(
        "/a.xml",
        Resp::ok(
            "application/rss+xml",
            feed(&srv, &[("Pier", "/go/1"), ("Quay", "/story/2")]),
        ),
    );
    srv.route(
        "/go/1",
        Resp {
            status: 302,
            location: Some(srv.url("/story/1")),
            ..Resp::default()
        },
    );
    srv.route("/story/1", Resp::ok(HTML, story("Pier")));
    srv.route("/story/2", Resp::ok(HTML, story("Quay")));
    let with_canonical = |title: &str, extra: &str| {
        story(title)
            .replace(
                "</head>",
                &format!(
                    "<link rel=\"canonical\" href=\"{}\"></head>",
                    srv.url("/story/2")
                ),
            )
            .replace("</article>", &format!("<p>{extra}</p></article>"))
    };
    srv.route(
        "/print/2",
        Resp::ok(HTML, with_canonical("Quay", "Printed on Monday.")),
    );
    srv.route(
        "/decoy",
        Resp::ok(HTML, with_canonical("Decoy", "Another story entirely.")),
    );
    let dir = Dir::new();
    let write = |sources: &[&str]| {
        let mut cfg = String::from("store = \"ledger.db\"\n");
        for s in sources {
            cfg.push_str(&format!(
                "[[source]]\nurl = \"{}\"\nfull-text = \"always\"\n",
                srv.url(s)
            ));
        }
        dir.write("inkquire.toml", cfg)
            .to_string_lossy()
            .into_owned()
    };
    let cfg = write(&["/a.xml"]);
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = inkquire(&["list", "--config", &cfg, "--json"]);
    let listed = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        listed.contains(&srv.url("/story/1")),
        "the address after the redirect: {listed}"
    );

    srv.route(
        "/b.xml",
        Resp::ok(
            "application/rss+xml",
            feed(
                &srv,
                &[
                    ("Pier", "/story/1?utm_source=b"),
                    ("Quay", "/print/2"),
                    ("Decoy", "/decoy"),
                ],
            ),
        ),
    );
    let cfg = write(&["/a.xml", "/b.xml"]);
    let o = inkquire(&["collect", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stored_titles(&cfg), ["Decoy", "Pier", "Quay"]);
}
