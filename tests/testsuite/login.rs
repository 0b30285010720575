//! Logins and headers: a source's `headers`, `headers-env` and `cookies` (the cookies.txt that
//! browser extensions export) go with its feed and its article pages; cookies a server sets
//! during the run are kept, across redirects; a redirect to another site drops them all; a site
//! rule's `http_header` applies to its site's pages; secrets are never printed or stored; and
//! `check` says whether the cookies file loads and how many cookies apply.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

fn teaser() -> Resp {
    Resp::ok(
        HTML,
        "<!doctype html><html><head><title>Locked</title></head><body><article><h1>Locked</h1>\
         <p>The first lines of the story.</p><p>Subscribe to continue reading.</p></article></body></html>",
    )
}

fn needs(header: &str, text: &str, full: Resp) -> Resp {
    Resp {
        needs: Some((header.to_owned(), text.to_owned(), Box::new(teaser()))),
        ..full
    }
}

#[test]
fn a_sources_cookies_and_headers_open_its_pages_and_stay_on_its_site() {
    let srv = TestServer::start();
    let other = TestServer::start();
    let item = |title: &str, url: String| {
        format!(
            "<item><title>{title}</title><link>{url}</link><description>Short.</description></item>"
        )
    };
    // The feed answers only with the token from the environment.
    srv.route(
        "/feed.xml",
        needs(
            "x-api-key",
            "token-from-env-123",
            Resp::ok(
                "application/rss+xml",
                format!(
                    "<rss version=\"2.0\"><channel><title>Members</title><link>{}</link>{}{}{}</channel></rss>",
                    srv.url("/"),
                    item("Members Story", srv.url("/story")),
                    item("Hop Story", srv.url("/hop")),
                    item("Away Story", srv.url("/bounce")),
                ),
            ),
        ),
    );
    // The story shows itself only to the cookie from the file.
    srv.route(
        "/story",
        needs(
            "cookie",
            "session=file-cookie-456",
            Resp::ok(HTML, story("Members Story")),
        ),
    );
    // A login hop sets a cookie on its redirect; the page it leads to needs it.
    srv.route(
        "/hop",
        Resp {
            status: 302,
            location: Some(srv.url("/landing")),
            set_cookie: Some("hop=set-on-redirect; Path=/".into()),
            ..Resp::default()
        },
    );
    srv.route(
        "/landing",
        needs(
            "cookie",
            "hop=set-on-redirect",
            Resp::ok(HTML, story("Hop Story")),
        ),
    );
    // A redirect to another site: nothing of the source's goes there.
    srv.route(
        "/bounce",
        Resp {
            status: 302,
            location: Some(other.url("/away").replace("127.0.0.1", "localhost")),
            ..Resp::default()
        },
    );
    other.route("/away", Resp::ok(HTML, story("Away Story")));

    let dir = Dir::new();
    dir.write(
        "cookies.txt",
        "# Netscape HTTP Cookie File\n\
         #HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tfile-cookie-456\n\
         127.0.0.1\tFALSE\t/\tFALSE\t1000000\told\tstale-value-789\n",
    );
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[fetch]\nprivate-hosts = [\"localhost\"]\n\
             [[source]]\nurl = \"{}\"\nfull-text = \"always\"\ncookies = \"cookies.txt\"\n\
             headers = {{ \"User-Agent\" = \"MyReader/1.0\", \"X-Custom\" = \"custom-value\" }}\n\
             headers-env = {{ \"X-Api-Key\" = \"INKQUIRE_TEST_TOKEN\" }}\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let env = [("INKQUIRE_TEST_TOKEN", "token-from-env-123")];

    let o = inkquire_env(&["check", "--config", cfg], &env);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("cookies.txt") && err.contains("1 cookie"),
        "{err}"
    );
    assert!(
        err.contains("expired") && err.contains("old for 127.0.0.1"),
        "{err}"
    );

    let o = inkquire_env(&["collect", "--config", cfg, "-v"], &env);
    let mut err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = dir.path("members.epub");
    let o = inkquire_env(
        &["build", "--config", cfg, "-o", out.to_str().unwrap(), "-v"],
        &env,
    );
    err.push_str(&stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{err}");
    epubcheck(&out);
    let book = Book::open(&out);
    let text: String = book
        .articles()
        .iter()
        .map(|a| book.doc_text(a, Some("article-body")))
        .collect();
    assert!(
        text.contains("Paragraph 8 of Members Story"),
        "the cookie opened it: {text}"
    );
    assert!(
        text.contains("Paragraph 8 of Hop Story"),
        "the hop's cookie was kept: {text}"
    );
    assert!(text.contains("Paragraph 8 of Away Story"), "{text}");
    assert!(!text.contains("Subscribe to continue"), "{text}");

    // The source's own site got its headers; the other site got none of them.
    let feed = &srv.headers_of("/feed.xml")[0];
    assert_eq!(
        feed.get("user-agent").map(String::as_str),
        Some("MyReader/1.0")
    );
    assert_eq!(
        feed.get("x-custom").map(String::as_str),
        Some("custom-value")
    );
    let away = other.headers_of("/away");
    assert!(!away.is_empty());
    for h in &away {
        assert!(!h.contains_key("cookie"), "{h:?}");
        assert!(
            !h.contains_key("x-api-key") && !h.contains_key("x-custom"),
            "{h:?}"
        );
        assert_ne!(
            h.get("user-agent").map(String::as_str),
            Some("MyReader/1.0")
        );
    }
    // No secret printed, in the report or in the ledger.
    for secret in [
        "token-from-env-123",
        "file-cookie-456",
        "stale-value-789",
        "set-on-redirect",
    ] {
        assert!(!err.contains(secret), "{secret} printed: {err}");
        let ledger = std::fs::read(dir.path("ledger.db")).unwrap();
        assert!(
            !String::from_utf8_lossy(&ledger).contains(secret),
            "{secret} in the ledger"
        );
    }

    // Without the variable, the source fails naming it (not a value), and nothing else breaks.
    let o = inkquire(&["collect", "--config", cfg]);
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("INKQUIRE_TEST_TOKEN") && err.contains("not set"),
        "{err}"
    );
}

#[test]
fn a_site_rules_http_header_goes_to_its_sites_pages() {
    let srv = TestServer::start();
    srv.route(
        "/story",
        needs(
            "user-agent",
            "RuleAgent/2.0",
            Resp::ok(HTML, story("Rule Story")),
        ),
    );
    let dir = Dir::new();
    dir.write(
        "rules/127.0.0.1.txt",
        "http_header(user-agent): RuleAgent/2.0\nhttp_header(referer): https://www.google.com/\n",
    );
    let cfg = dir.write(
        "inkquire.toml",
        "[fetch]\nsite-rules = [\"rules\"]\nprivate-hosts = [\"127.0.0.1\"]\n",
    );
    let o = inkquire(&[
        "extract",
        &srv.url("/story"),
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Paragraph 8 of Rule Story"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let h = &srv.headers_of("/story")[0];
    assert_eq!(
        h.get("referer").map(String::as_str),
        Some("https://www.google.com/")
    );
}

#[test]
fn a_cookies_file_that_cannot_be_read_fails_its_source_alone() {
    let srv = TestServer::start();
    let feed = |title: &str| {
        format!(
            "<rss version=\"2.0\"><channel><title>{title}</title><item><title>{title} item</title>\
             <link>{}</link><description>A long enough description of the item to be its text. \
             It says what happened at the harbour today and why it matters to the town.</description></item></channel></rss>",
            srv.url(&format!("/{title}"))
        )
    };
    srv.route("/a.xml", Resp::ok("application/rss+xml", feed("A")));
    srv.route("/b.xml", Resp::ok("application/rss+xml", feed("B")));
    let dir = Dir::new();
    dir.write(
        "empty-cookies.txt",
        "# Netscape HTTP Cookie File\nnot a cookie\n",
    );
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\ncookies = \"missing.txt\"\nfull-text = \"never\"\n\
             [[source]]\nurl = \"{}\"\ncookies = \"empty-cookies.txt\"\nfull-text = \"never\"\n\
             [[source]]\nurl = \"{}\"\nfull-text = \"never\"\n",
            srv.url("/a.xml"),
            srv.url("/b.xml"),
            srv.url("/b.xml").replace("b.xml", "b.xml?again=1")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("missing.txt") && err.contains("cannot be read"),
        "{err}"
    );
    assert!(
        err.contains("empty-cookies.txt") && err.contains("no cookie"),
        "{err}"
    );
    assert_eq!(stored_titles(cfg), ["B item"], "the third source is read");
    let o = inkquire(&["check", "--config", cfg]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.txt"), "{}", stderr(&o));
}
