//! Pages that fight back: a bot check (answered 200, and answered 503), a consent wall, a
//! paywall's teaser and a page built by scripts are named as walls of their kind and never go
//! into the book as the article: a feed item keeps the feed's own text with a line that says why;
//! `save` of a walled page fails naming the wall; a saved wall given as a file is kept with a
//! warning. The shared corpus's real articles are never called walls.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body>{body}</body></html>"
    )
}

fn challenge() -> String {
    page(
        "Just a moment...",
        "<div id=\"cf-wrapper\"><h1>Checking your browser before accessing the site.</h1>\
         <form id=\"challenge-form\" action=\"/?__cf_chl_f_tk=x\" method=\"POST\"></form></div>\
         <script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1\"></script>",
    )
}

fn walls(srv: &TestServer) {
    srv.route("/challenge", Resp::ok(HTML, challenge()));
    srv.route(
        "/challenge-503",
        Resp {
            status: 503,
            content_type: HTML.into(),
            body: challenge().into_bytes(),
            ..Resp::default()
        },
    );
    srv.route(
        "/consent",
        Resp::ok(
            HTML,
            page(
                "Before you continue",
                "<div class=\"consent\"><h2>We value your privacy</h2><p>We use cookies to give you \
                 the best experience.</p><button>Accept all cookies</button><button>Manage cookies</button></div>",
            ),
        ),
    );
    srv.route(
        "/paywall",
        Resp::ok(
            HTML,
            page(
                "Pier works",
                "<article><h1>Pier works</h1><p>The harbour authority said on Monday that the old \
                 pier would close.</p><div class=\"paywall\"><p>Subscribe to continue reading. \
                 Already a subscriber? Log in.</p></div></article>",
            ),
        ),
    );
    srv.route(
        "/app",
        Resp::ok(
            HTML,
            page(
                "News",
                "<noscript>You need to enable JavaScript to run this app.</noscript>\
                 <div id=\"root\"></div><script src=\"/static/js/main.js\"></script>",
            ),
        ),
    );
    srv.route("/story", Resp::ok(HTML, story("Open Story")));
}

const WALLS: &[(&str, &str, &str)] = &[
    ("/challenge", "Challenge", "challenge"),
    ("/challenge-503", "Challenge 503", "bot check (HTTP 503)"),
    ("/consent", "Consent", "consent"),
    ("/paywall", "Paywall", "paywall"),
    ("/app", "Script", "script-only"),
];

#[test]
fn walls_are_named_and_the_feed_text_is_kept_with_a_note() {
    let srv = TestServer::start();
    walls(&srv);
    let mut items: String = WALLS
        .iter()
        .map(|(path, title, _)| {
            format!(
                "<item><title>{title}</title><link>{}</link><description>The feed's own summary of {title}.</description></item>",
                srv.url(path)
            )
        })
        .collect();
    items.push_str(&format!(
        "<item><title>Open Story</title><link>{}</link><description>Short.</description></item>",
        srv.url("/story")
    ));
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!("<rss version=\"2.0\"><channel><title>Walls</title><link>{}</link>{items}</channel></rss>", srv.url("/")),
        ),
    );
    let dir = Dir::new();
    // keep-non-articles does not let a wall through.
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\nfull-text = \"always\"\nkeep-non-articles = true\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for (path, _, reason) in WALLS {
        let line = err
            .lines()
            .find(|l| l.contains(&srv.url(path)) && !l.contains(&format!("{}-", srv.url(path))))
            .unwrap_or_else(|| panic!("no line for {path}: {err}"));
        assert!(
            line.contains("blocked") && line.contains(reason),
            "{path}: {line}"
        );
    }
    assert_eq!(
        srv.requests()
            .iter()
            .filter(|r| r.starts_with("GET /challenge-503 "))
            .count(),
        1,
        "a bot check is not asked again: {:?}",
        srv.requests()
    );
    let out = dir.path("walls.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), WALLS.len() + 1);
    for a in book.articles() {
        let title = book.title_of(&a);
        let body = book.doc_text(&a, Some("article-body"));
        if title == "Open Story" {
            assert!(body.contains("Paragraph 8 of Open Story"), "{body}");
            continue;
        }
        assert!(
            body.contains(&format!("own summary of {title}.")),
            "{title}: {body}"
        );
        assert!(
            body.contains("The full article could not be read"),
            "{title}: {body}"
        );
        for junk in [
            "Accept all cookies",
            "enable JavaScript",
            "Checking your browser",
            "Subscribe to continue",
        ] {
            assert!(!body.contains(junk), "{title}: {body}");
        }
    }
}

#[test]
fn saving_a_walled_page_fails_and_a_saved_wall_is_kept_with_a_warning() {
    let srv = TestServer::start();
    walls(&srv);
    let dir = Dir::new();
    let cfg = dir.write("inkquire.toml", "store = \"ledger.db\"\n");
    let cfg = cfg.to_str().unwrap();
    for (path, _, reason) in WALLS {
        let o = inkquire(&["save", &srv.url(path), "--config", cfg]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{path}: {err}");
        assert!(err.contains(reason), "{path}: {err}");
    }
    let o = inkquire(&["list", "--config", cfg, "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "[]",
        "nothing kept"
    );

    let file = dir.write(
        "saved/paywall.html",
        page(
            "Pier works",
            "<article><h1>Pier works</h1><p>The harbour authority said on Monday that the old \
             pier would close.</p><div class=\"paywall\"><p>Subscribe to continue reading. \
             Already a subscriber? Log in.</p></div></article>",
        ),
    );
    let o = inkquire(&["extract", file.to_str().unwrap(), "--format", "text"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("paywall") && err.contains("kept as it was saved"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("the old pier would close"));
}

/// The detector over every real article of the shared corpus: none is called a wall.
#[test]
fn no_real_article_of_the_corpus_is_called_a_wall() {
    let Some(root) = corpus("no_real_article_of_the_corpus_is_called_a_wall") else {
        return;
    };
    let mut pages: Vec<std::path::PathBuf> = vec![];
    for e in std::fs::read_dir(root.join("articles")).unwrap().flatten() {
        pages.push(e.path().join("source.html"));
    }
    for folder in ["extraction/cache", "extraction/eval"] {
        if let Ok(rd) = std::fs::read_dir(root.join(folder)) {
            pages.extend(rd.flatten().map(|e| e.path()));
        }
    }
    let mut walls = vec![];
    for p in &pages {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let a =
            inkquire::collector::html::extract_page(&text, Some("https://example.com/a"), &[], &[]);
        if let Some(w) = a.not_article.as_ref().and_then(|n| n.wall()) {
            walls.push(format!("{}: {w}", p.display()));
        }
    }
    assert!(pages.len() > 1000, "{}", pages.len());
    assert!(walls.is_empty(), "{} false alarms: {walls:#?}", walls.len());
}

/// A page far shorter than the feed's own text is a teaser: the report names it a paywall, and
/// the book has the feed's text.
#[test]
fn a_page_much_shorter_than_the_feed_is_named_a_teaser_and_the_feed_text_kept() {
    let srv = TestServer::start();
    srv.route(
        "/teaser",
        Resp::ok(
            HTML,
            page(
                "Harbour plans",
                "<article><h1>Harbour plans</h1><p>The harbour authority said on Monday that the \
                 old pier would close for two years while the new quay is built.</p><p>Work starts \
                 in May, and ferries will move to the north landing until it is done.</p></article>",
            ),
        ),
    );
    let feed_text: String = (1..=20)
        .map(|i| format!("<p>Feed paragraph {i}: the harbour authority set out its plans for the pier, the quay and the ferries in a long statement.</p>"))
        .collect();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                "<rss version=\"2.0\"><channel><title>Harbour</title><link>{}</link>\
                 <item><title>Harbour plans</title><link>{}</link><description><![CDATA[{feed_text}]]></description></item>\
                 </channel></rss>",
                srv.url("/"),
                srv.url("/teaser")
            ),
        ),
    );
    let dir = Dir::new();
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[[source]]\nurl = \"{}\"\nfull-text = \"always\"\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains(&srv.url("/teaser")))
        .unwrap_or_else(|| panic!("no line for the teaser: {err}"));
    assert!(
        line.contains("blocked (paywall)") && line.contains("a teaser"),
        "{line}"
    );
    let out = dir.path("harbour.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    let a = &book.articles()[0];
    assert_eq!(book.title_of(a), "Harbour plans");
    let body = book.doc_text(a, Some("article-body"));
    assert!(body.contains("Feed paragraph 20:"), "{body}");
    assert!(!body.contains("north landing"), "{body}");
}

/// An error page answered with status 200 is a wall of its kind (`blocked (error page)`).
#[test]
fn an_error_page_answered_as_the_page_is_blocked_as_an_error_page() {
    let srv = TestServer::start();
    srv.route(
        "/gone",
        Resp::ok(
            HTML,
            page(
                "Page not found | The Harbour Times",
                "<h1>Page not found</h1><p>Sorry, the page you were looking for does not exist.</p>",
            ),
        ),
    );
    let dir = Dir::new();
    let cfg = dir.write("inkquire.toml", "store = \"ledger.db\"\n");
    let o = inkquire(&["save", &srv.url("/gone"), "--config", cfg.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("blocked (error page)") && err.contains("Page not found"),
        "{err}"
    );
}
