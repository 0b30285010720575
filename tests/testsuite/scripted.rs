//! Pages built by scripts. What the HTML already carries is read first: the JSON-LD
//! `articleBody`, Next.js's `__NEXT_DATA__`, Nuxt's `__NUXT_DATA__` and a `<template>` give the
//! article when the visible page is a shell. A JSON-LD body the page marks as for subscribers
//! is not read past its wall, and a shell that carries nothing is a named wall.

use crate::server::{Resp, TestServer};
use crate::util::*;

const HTML: &str = "text/html; charset=utf-8";

/// Paragraph `i` of the story `name`.
fn said(name: &str, i: usize) -> String {
    // Each story its own words: one story once merges texts that differ only in a name.
    format!(
        "Paragraph {i} of {name}: {}",
        prose(&format!("scripted {name} {i}"), 22)
    )
}

fn paragraphs(name: &str) -> Vec<String> {
    (1..=9).map(|i| said(name, i)).collect()
}

fn shell(title: &str, root: &str, carried: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title}</title>{}</head><body>\
         <noscript>You need to enable JavaScript to run this app.</noscript>\
         <div id=\"{root}\"></div><script src=\"/static/app.js\"></script>{}</body></html>",
        if carried.contains("ld+json") {
            carried
        } else {
            ""
        },
        if carried.contains("ld+json") {
            ""
        } else {
            carried
        },
    )
}

/// The script-built pages, by path: (path, title, what it carries).
fn pages() -> Vec<(&'static str, &'static str, String)> {
    let ld = |name: &str, free: &str| {
        format!(
            "<script type=\"application/ld+json\">{}</script>",
            serde_json::json!([{"@type": "WebSite", "name": "Bridges"},
                {"@type": "NewsArticle", "headline": name, "isAccessibleForFree": free,
                 "articleBody": paragraphs(name).join("\n\n")}])
        )
    };
    let next = serde_json::json!({"props": {"pageProps": {"story": {
        "title": "Next Story",
        "related": [{"headline": "Another story to read next, about other things"},
                    {"headline": "A third story to read next, about other things"}],
        "blocks": paragraphs("Next Story").iter().enumerate()
            .map(|(i, p)| serde_json::json!({"id": i, "type": "paragraph", "text": p}))
            .collect::<Vec<_>>()}}}, "page": "/story/[slug]"});
    let mut nuxt = vec![
        serde_json::json!({"state": 1}),
        serde_json::json!("Nuxt Story"),
    ];
    nuxt.extend(
        paragraphs("Nuxt Story")
            .into_iter()
            .map(serde_json::Value::from),
    );
    let template: String = paragraphs("Template Story")
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    vec![
        ("/ld", "Linked Story", ld("Linked Story", "true")),
        (
            "/next",
            "Next Story",
            format!("<script id=\"__NEXT_DATA__\" type=\"application/json\">{next}</script>"),
        ),
        (
            "/nuxt",
            "Nuxt Story",
            format!(
                "<script type=\"application/json\" id=\"__NUXT_DATA__\">{}</script>",
                serde_json::Value::Array(nuxt)
            ),
        ),
        (
            "/template",
            "Template Story",
            format!("<template id=\"story\"><article>{template}</article></template>"),
        ),
        ("/closed", "Closed Story", ld("Closed Story", "False")),
        ("/empty", "Empty Story", String::new()),
    ]
}

#[test]
fn a_script_built_page_is_read_from_what_it_carries() {
    let srv = TestServer::start();
    let mut items = String::new();
    for (path, title, carried) in pages() {
        let root = if path == "/nuxt" { "__nuxt" } else { "root" };
        srv.route(path, Resp::ok(HTML, shell(title, root, &carried)));
        items.push_str(&format!(
            "<item><title>{title}</title><link>{}</link><description>The feed's summary of {title}.</description></item>",
            srv.url(path)
        ));
    }
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!("<rss version=\"2.0\"><channel><title>Scripts</title><link>{}</link>{items}</channel></rss>", srv.url("/")),
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
    // The two that carry nothing to read are named walls, with the way to read them.
    for path in ["/closed", "/empty"] {
        let line = err
            .lines()
            .find(|l| l.contains(&srv.url(path)))
            .unwrap_or_else(|| panic!("no line for {path}: {err}"));
        assert!(
            line.contains("blocked") && line.contains("script-only"),
            "{path}: {line}"
        );
        assert!(line.contains("set [fetch] browser"), "{path}: {line}");
    }
    let out = dir.path("scripts.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), 6);
    for a in book.articles() {
        let title = book.title_of(&a);
        let body = book.doc_text(&a, Some("article-body"));
        if title == "Closed Story" || title == "Empty Story" {
            assert!(body.contains(&format!("summary of {title}.")), "{body}");
            assert!(!body.contains("Paragraph 1 of"), "{title}: {body}");
            continue;
        }
        for i in 1..=9 {
            assert!(body.contains(&said(&title, i)), "{title}: {i}: {body}");
        }
        let order: Vec<usize> = (1..=9)
            .map(|i| body.find(&said(&title, i)).unwrap())
            .collect();
        assert!(order.is_sorted(), "{title}: in order");
        assert!(!body.contains("to read next"), "{title}: {body}");
        assert!(!body.contains("JavaScript"), "{title}: {body}");
        assert!(!body.contains("could not be read"), "{title}: {body}");
    }
}

/// A page whose script writes the story `name` from `/data/{name}.json`, and on the way tries
/// to reach `secret` (another server on this machine), load a picture and a font, and send a
/// beacon.
fn app_page(name: &str, secret: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{name}</title>\
         <style>@font-face {{ font-family: X; src: url(/font.woff2); }} body {{ font-family: X; }}</style>\
         </head><body><div id=\"root\"></div><img src=\"/pic.png\" alt=\"\">\
         <script src=\"/app.js\"></script></body></html>"
    )
    .replace("</body>", &format!("<script>fetch('{secret}').catch(() => {{}}); navigator.sendBeacon('/beacon', 'x');</script></body>"))
}

const APP_JS: &str = "fetch('/data' + location.pathname + '.json').then(r => r.json()).then(d => {\
    const a = document.createElement('article');\
    const h = document.createElement('h1'); h.textContent = d.title; a.appendChild(h);\
    for (const p of d.paragraphs) { const e = document.createElement('p'); e.textContent = p; a.appendChild(e); }\
    document.getElementById('root').appendChild(a); });";

fn serve_app(srv: &TestServer, secret: &str, names: &[&str]) {
    srv.route("/app.js", Resp::ok("text/javascript", APP_JS));
    for name in names {
        let path = format!("/{}", name.replace(' ', "-"));
        srv.route(&path, Resp::ok(HTML, app_page(name, secret)));
        srv.route(
            &format!("/data{path}.json"),
            Resp::ok(
                "application/json",
                serde_json::json!({"title": name, "paragraphs": paragraphs(name)}).to_string(),
            ),
        );
    }
}

/// Processes whose command line holds `needle` (a browser left running would).
fn running_with(needle: &str) -> Vec<String> {
    let mut found = vec![];
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline"))
            && String::from_utf8_lossy(&cmd).contains(needle)
        {
            found.push(String::from_utf8_lossy(&cmd).replace('\0', " "));
        }
    }
    found
}

#[test]
fn a_page_built_by_scripts_is_rendered_in_the_browser_through_the_fetchers_guards() {
    let Some(chromium) = chromium() else {
        return;
    };
    let srv = TestServer::start();
    // Another server on this machine: the page's script tries to reach it; it must see nothing.
    let private = TestServer::start();
    private.route("/secret", Resp::ok("text/plain", "secret"));
    let names = ["App Story", "Second App Story"];
    serve_app(&srv, &private.url("/secret"), &names);
    let items: String = names
        .iter()
        .map(|n| {
            format!(
                "<item><title>{n}</title><link>{}</link><description>Short.</description></item>",
                srv.url(&format!("/{}", n.replace(' ', "-")))
            )
        })
        .collect();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!("<rss version=\"2.0\"><channel><title>Apps</title><link>{}</link>{items}</channel></rss>", srv.url("/")),
        ),
    );
    let dir = Dir::new();
    let tmp = dir.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let cfg = dir.write(
        "inkquire.toml",
        format!(
            "store = \"ledger.db\"\n[fetch]\nbrowser = \"{chromium}\"\n[[source]]\nurl = \"{}\"\nfull-text = \"always\"\n",
            srv.url("/feed.xml")
        ),
    );
    let cfg = cfg.to_str().unwrap();
    let o = inkquire_env(
        &["collect", "--config", cfg],
        &[("TMPDIR", tmp.to_str().unwrap())],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("blocked"), "{err}");
    // Nothing reached the other server; no picture, font or beacon was asked for.
    assert!(private.requests().is_empty(), "{:?}", private.requests());
    let asked = srv.requests();
    for path in ["/pic.png", "/font.woff2", "/beacon"] {
        assert!(
            !asked.iter().any(|r| r.contains(path)),
            "{path} asked: {asked:?}"
        );
    }
    // The pages' own scripts and data were fetched through inkquire, each page once (the
    // browser is served the answer already fetched).
    for n in names {
        let path = format!("/{}", n.replace(' ', "-"));
        assert_eq!(
            asked
                .iter()
                .filter(|r| r.starts_with(&format!("GET {path} ")))
                .count(),
            1,
            "{asked:?}"
        );
        assert!(
            asked
                .iter()
                .any(|r| r.starts_with(&format!("GET /data{path}.json ")))
        );
    }
    // The browser is gone, and so is its profile.
    assert!(running_with(tmp.to_str().unwrap()).is_empty());
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the profile is removed"
    );

    let out = dir.path("apps.epub");
    let o = inkquire(&["build", "--config", cfg, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&out);
    let book = Book::open(&out);
    assert_eq!(book.articles().len(), 2);
    for a in book.articles() {
        let title = book.title_of(&a);
        let body = book.doc_text(&a, Some("article-body"));
        for i in 1..=9 {
            assert!(body.contains(&said(&title, i)), "{title}: {i}: {body}");
        }
    }
}

#[test]
fn the_browser_renders_at_most_its_pages_and_a_page_that_hangs_is_cut_off() {
    let Some(chromium) = chromium() else {
        return;
    };
    let srv = TestServer::start();
    let names = ["First App", "Second App"];
    serve_app(&srv, "/nothing", &names);
    // A page whose data never comes within the browser's time.
    srv.route(
        "/Slow-App",
        Resp::ok(HTML, app_page("Slow App", "/nothing")),
    );
    srv.route(
        "/data/Slow-App.json",
        Resp {
            delay: std::time::Duration::from_secs(8),
            ..Resp::ok("application/json", "{}")
        },
    );
    let dir = Dir::new();
    let tmp = dir.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // One run, one list, one setting each: the hanging page alone, then two pages for a
    // browser that renders one.
    let run = |name: &str, pages: &[&str], setting: &str| {
        let list: String = pages.iter().map(|p| srv.url(p) + "\n").collect();
        let list = dir.write(&format!("{name}.txt"), list);
        let cfg = dir.write(
            &format!("{name}.toml"),
            format!(
                "store = \"{name}.db\"\n[fetch]\nbrowser = \"{chromium}\"\n{setting}\n\
                 [[source]]\nkind = \"links\"\npath = \"{}\"\n",
                list.display()
            ),
        );
        let cfg = cfg.to_str().unwrap().to_owned();
        let o = inkquire_env(
            &["collect", "--config", &cfg],
            &[("TMPDIR", tmp.to_str().unwrap())],
        );
        assert!(running_with(tmp.to_str().unwrap()).is_empty());
        assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
        (stderr(&o), stored_titles(&cfg))
    };
    let (err, stored) = run("slow", &["/Slow-App"], "browser-timeout = 3");
    assert!(
        err.contains("did not finish within 3 s"),
        "the hanging page is named: {err}"
    );
    assert!(stored.is_empty(), "{stored:?}");
    let (err, stored) = run("two", &["/First-App", "/Second-App"], "browser-pages = 1");
    assert!(
        err.contains("1 pages were rendered already") && err.contains("browser-pages"),
        "the second page meets the limit: {err}"
    );
    // The list's pages are read a few at a time: which one met the limit is not fixed.
    assert_eq!(stored.len(), 1, "{stored:?}: {err}");
    assert!(
        ["First App", "Second App"].contains(&stored[0].as_str()),
        "{stored:?}"
    );
}

#[test]
fn a_browser_that_is_not_there_is_named_and_the_page_stays_a_wall() {
    let srv = TestServer::start();
    serve_app(&srv, "/nothing", &["Lone App"]);
    let dir = Dir::new();
    let cfg = dir.write(
        "inkquire.toml",
        "store = \"ledger.db\"\n[fetch]\nbrowser = \"/nowhere/chromium\"\n",
    );
    let o = inkquire(&[
        "save",
        &srv.url("/Lone-App"),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/nowhere/chromium could not be started"),
        "{err}"
    );
    assert!(err.contains("script-only"), "{err}");
    assert!(!err.contains("set [fetch] browser"), "{err}");
}

#[test]
fn check_starts_the_browser_once_and_names_one_that_is_not_there() {
    let dir = Dir::new();
    if let Some(chromium) = chromium() {
        let cfg = dir.write(
            "good.toml",
            format!("store = \"ledger.db\"\n[fetch]\nbrowser = \"{chromium}\"\n"),
        );
        let o = inkquire(&["check", "--config", cfg.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(
            err.contains(&format!("ok: browser: {chromium}")) && err.contains("20 pages a run"),
            "{err}"
        );
    }
    let cfg = dir.write(
        "bad.toml",
        "store = \"ledger.db\"\n[fetch]\nbrowser = \"no-such-browser\"\n",
    );
    let o = inkquire(&["check", "--config", cfg.to_str().unwrap()]);
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "[fetch] browser: the browser no-such-browser could not be started: no such program"
        ),
        "{err}"
    );
}
