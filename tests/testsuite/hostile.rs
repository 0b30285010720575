//! Hostile content and faulty sources: what a book may never carry, the private-address guard,
//! and every fault route of the corpus server in one build.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::corpus_feeds::CorpusServer;
use crate::server::{Resp, TestServer};
use crate::util::*;

/// Elements that must never reach a book: code, frames, plugins, forms, media that loads by
/// itself, SVG (which can hold scripts), `<base>`, and style sheets other than our own.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "video",
    "audio", "source", "track", "form", "input", "button", "textarea", "select", "svg", "image",
    "base", "math", "canvas", "portal", "noscript", "template",
];

/// Check every file of `book` against the content-security boundary (ARCHITECTURE.md): markup
/// is parsed, not grepped, so text that merely talks about `javascript:` is allowed.
pub fn assert_safe(book: &Book) {
    let names: BTreeSet<&str> = book.files.keys().map(String::as_str).collect();
    for (name, data) in &book.files {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".css") {
            let css = String::from_utf8_lossy(data).to_ascii_lowercase();
            for bad in ["url(", "@import", "expression(", "javascript:", "behavior:"] {
                assert!(!css.contains(bad), "{name} holds {bad}");
            }
            continue;
        }
        if lower.starts_with("oebps/images/") {
            image::load_from_memory(data).unwrap_or_else(|e| panic!("{name} is no picture: {e}"));
            continue;
        }
        if name == "mimetype" {
            continue;
        }
        let text = std::str::from_utf8(data).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        let doc = xml(text).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        let dir = match name.rfind('/') {
            Some(i) => &name[..=i],
            None => "",
        };
        for node in doc.descendants() {
            if node.is_text() {
                let t = node.text().unwrap_or("");
                for bad in ["alert(", "document.title", "pwned"] {
                    assert!(!t.contains(bad), "{name}: script text leaked: {t:?}");
                }
                continue;
            }
            if !node.is_element() {
                continue;
            }
            let tag = node.tag_name().name().to_ascii_lowercase();
            assert!(
                !FORBIDDEN_ELEMENTS.contains(&tag.as_str()),
                "{name}: <{tag}> in the book"
            );
            if tag == "meta" {
                assert!(
                    node.attribute("http-equiv").is_none(),
                    "{name}: <meta http-equiv>"
                );
            }
            for a in node.attributes() {
                let an = a.name().to_ascii_lowercase();
                let v = a.value().trim().to_ascii_lowercase();
                assert!(!an.starts_with("on"), "{name}: handler {an} on <{tag}>");
                assert!(
                    !matches!(
                        an.as_str(),
                        "style" | "srcdoc" | "srcset" | "poster" | "action"
                    ),
                    "{name}: attribute {an} on <{tag}>"
                );
                for bad in ["javascript:", "vbscript:", "file:", "data:", "/etc/", ".."] {
                    assert!(!v.contains(bad), "{name}: {an}=\"{v}\" on <{tag}>");
                }
                let is_ref = matches!(an.as_str(), "href" | "src" | "data" | "content")
                    && !(tag == "meta" && an == "content");
                if !is_ref {
                    continue;
                }
                let web = v.starts_with("http://") || v.starts_with("https://");
                if web || v.starts_with("mailto:") {
                    // Only a link the reader follows may point outside the book.
                    assert!(
                        tag == "a" || (name.ends_with(".opf") && tag == "identifier"),
                        "{name}: <{tag} {an}=\"{v}\"> loads from outside the book"
                    );
                    continue;
                }
                if v.starts_with('#') || v.starts_with("urn:") {
                    continue;
                }
                let file = a.value().split('#').next().unwrap_or("");
                let full = if name.starts_with("META-INF/") {
                    file.to_owned()
                } else {
                    format!("{dir}{file}")
                };
                assert!(
                    names.contains(full.as_str()),
                    "{name}: <{tag} {an}=\"{}\"> is not a file of the book",
                    a.value()
                );
            }
        }
    }
}

fn article_text(book: &Book) -> String {
    book.articles()
        .iter()
        .map(|a| book.doc_text(a, None))
        .collect::<Vec<_>>()
        .join("\n")
}

fn pictures(book: &Book) -> Vec<&String> {
    book.files
        .keys()
        .filter(|n| n.starts_with("OEBPS/images/") && !n.contains("cover"))
        .collect()
}

#[test]
fn corpus_hostile_page_and_feed_build_books_with_nothing_unsafe() {
    let Some(corpus) = corpus("corpus_hostile_page_and_feed_build_books_with_nothing_unsafe")
    else {
        return;
    };
    let server = CorpusServer::start(corpus.parent().unwrap());
    for route in ["/hostile.html", "/feeds/hostile.xml"] {
        let dir = Dir::new();
        let out = dir.path("hostile.epub");
        let url = format!("{}{route}", server.base);
        let o = inkquire(&[
            "build",
            &url,
            "-o",
            out.to_str().unwrap(),
            "--store",
            dir.path("ledger.db").to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{route}: {err}");
        assert!(err.contains("removed unsafe content"), "{route}: {err}");
        epubcheck(&out);
        let book = Book::open(&out);
        assert_safe(&book);
        assert_eq!(book.articles().len(), 1, "{route}");
        let text = article_text(&book);
        for kept in [
            "embeds no local file, no script and no remote resource",
            "Inline style with a file URL.",
            "The last paragraph of real text. It should survive cleaning.",
        ] {
            assert!(text.contains(kept), "{route}: lost {kept:?}:\n{text}");
        }
        // The one legitimate picture is embedded; the others are gone (their alt text stays).
        let pics = pictures(&book);
        assert_eq!(pics.len(), 1, "{route}: {pics:?}");
        let page = book.text(&format!("OEBPS/{}", book.articles()[0]));
        assert!(
            page.contains(&format!(
                "src=\"{}\" alt=\"a legitimate local picture\"",
                pics[0].trim_start_matches("OEBPS/")
            )),
            "{route}: {page}"
        );
        let title = book.title_of(&book.articles()[0]);
        assert!(title.starts_with("Hostile"), "{route}: {title}");
        assert!(!title.contains('<'), "{route}: {title}");
    }
}

/// A feed on `localhost` whose content points at `127.0.0.1`: the same machine under another
/// name, standing in for a public feed that links into the reader's network.
#[test]
fn remote_content_cannot_reach_private_addresses_but_named_sources_can() {
    let srv = TestServer::start();
    let p = srv.port;
    let outside = |path: &str| format!("http://localhost:{p}{path}");
    let private = |path: &str| format!("http://127.0.0.1:{p}{path}");
    srv.route("/ok.png", Resp::ok("image/png", png(40, 30)));
    srv.route("/secret.png", Resp::ok("image/png", png(41, 31)));
    srv.route("/hopped.png", Resp::ok("image/png", png(42, 32)));
    srv.route(
        "/hop",
        Resp {
            status: 302,
            location: Some(private("/hopped.png")),
            ..Resp::status(302)
        },
    );
    srv.route(
        "/private.html",
        Resp::ok(
            "text/html",
            "<html><body><article><p>Router admin page.</p></article></body></html>",
        ),
    );
    let body = format!(
        "<p>A story that links into the reader's own network, and is long enough to be the \
         whole article without fetching the page it came from.</p>\
         <p><img src=\"{}\" alt=\"allowed picture\"></p>\
         <p><img src=\"{}\" alt=\"private picture\"></p>\
         <p><img src=\"{}\" alt=\"redirected picture\"></p>",
        outside("/ok.png"),
        private("/secret.png"),
        outside("/hop"),
    );
    let when = chrono::Utc::now().to_rfc2822();
    srv.route(
        "/feed.xml",
        Resp::ok(
            "application/rss+xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Outside</title><link>{home}</link>
<item><title>Pictures</title><link>{home}story</link><guid>s1</guid><pubDate>{when}</pubDate>
<description><![CDATA[{body}]]></description></item>
<item><title>Admin</title><link>{admin}</link><guid>s2</guid><pubDate>{when}</pubDate>
<description>Short.</description></item>
</channel></rss>"#,
                home = outside("/"),
                admin = private("/private.html"),
            ),
        ),
    );
    let dir = Dir::new();
    let out = dir.path("out.epub");
    let o = inkquire(&["build", &outside("/feed.xml"), "-o", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
    let log = srv.requests();
    for never in ["/secret.png", "/hopped.png", "/private.html"] {
        assert!(
            !log.iter().any(|r| r.contains(&format!(" {never} "))),
            "{never} was requested: {log:?}"
        );
    }
    assert_eq!(srv.downloads("/ok.png"), 1, "{log:?}");
    assert!(
        err.contains("127.0.0.1 is a loopback or private-network address"),
        "{err}"
    );
    epubcheck(&out);
    let book = Book::open(&out);
    assert_safe(&book);
    assert_eq!(pictures(&book).len(), 1);
    let text = article_text(&book);
    assert!(
        text.contains("private picture") && !text.contains("[private"),
        "{text}"
    );
    assert!(!text.contains("Router admin page"), "{text}");
}

/// One build: a good feed plus every fault route of the corpus server, with default settings.
#[test]
fn every_fault_route_fails_alone_and_names_itself_while_the_issue_builds() {
    let Some(corpus) =
        corpus("every_fault_route_fails_alone_and_names_itself_while_the_issue_builds")
    else {
        return;
    };
    let server = CorpusServer::start(corpus.parent().unwrap());
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let b = &server.base;
    let good = format!("{b}/feeds/science.xml");
    // (route, what the message must say)
    let faults: Vec<(String, &str)> = vec![
        (format!("{b}/slow/120"), "timed out"),
        (format!("{b}/slow/120?mode=headers&as=rss"), "timed out"),
        (format!("{b}/slow/120?mode=trickle&as=rss"), "timed out"),
        (format!("{b}/status/404"), "404"),
        (format!("{b}/status/410"), "410"),
        (format!("{b}/status/401"), "401"),
        (format!("{b}/status/429"), "429"),
        (format!("{b}/status/500"), "500"),
        (format!("{b}/status/503"), "503"),
        (format!("{b}/status/204"), "empty"),
        (format!("{b}/status/304"), "304"),
        (format!("{b}/redirect/12"), "too many redirects"),
        (format!("{b}/redirect-loop"), "too many redirects"),
        (format!("{b}/huge?mb=64"), "larger than"),
        (format!("{b}/huge?mb=64&type=xml&chunked=1"), "larger than"),
        (format!("{b}/truncated.xml?mode=connection"), "closed"),
        (
            format!("http://127.0.0.1:{dead}/feed.xml"),
            "cannot connect",
        ),
    ];
    let dir = Dir::new();
    let out = dir.path("faults.epub");
    let mut args: Vec<&str> = vec!["build", &good];
    args.extend(faults.iter().map(|(u, _)| u.as_str()));
    // Faulty but readable: repaired with a warning, their articles kept.
    let repaired = [
        format!("{b}/bad-encoding.xml"),
        format!("{b}/truncated.xml"),
    ];
    args.extend(repaired.iter().map(String::as_str));
    let store = dir.path("ledger.db");
    args.extend([
        "-o",
        out.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ]);
    let started = Instant::now();
    let o = inkquire(&args);
    let took = started.elapsed();
    let err = stderr(&o);
    assert!(took < Duration::from_secs(90), "took {took:?}:\n{err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (url, why) in &faults {
        let line = err
            .lines()
            .find(|l| l.starts_with(&format!("error: {url}: ")))
            .unwrap_or_else(|| panic!("{url} not named as failed:\n{err}"));
        assert!(
            line.to_ascii_lowercase().contains(why),
            "{url}: expected {why:?} in {line:?}"
        );
    }
    for url in &repaired {
        assert!(
            !err.lines()
                .any(|l| l.starts_with(&format!("error: {url}: "))),
            "{url} failed:\n{err}"
        );
    }
    epubcheck(&out);
    let book = Book::open(&out);
    // Every item of the good feed is in the book.
    let feed = String::from_utf8(fetch_plain(&good)).unwrap();
    let doc = xml(&feed).unwrap();
    let want: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|i| {
            i.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .map(str::to_owned)
        })
        .collect();
    assert!(want.len() >= 3, "{feed}");
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    for t in &want {
        let key: String = t.chars().filter(|c| c.is_alphanumeric()).collect();
        assert!(
            titles.iter().any(|g| g
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                == key),
            "{t:?} missing from {titles:?}"
        );
    }
    // The ledger kept what was collected.
    assert!(Path::new(&store).is_file());
}

/// GET over plain TCP (the corpus server speaks HTTP/1.1 without gzip unless asked).
fn fetch_plain(url: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let at = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    all.split_off(at)
}
