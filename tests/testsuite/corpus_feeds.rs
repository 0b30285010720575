//! Real feeds from ../shared/corpus/feeds, and the corpus server's news site
//! (../shared/tools/corpus-server.py) started on a free port. Skipped with a message without
//! ../shared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::util::*;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Items a feed file declares (RSS items, Atom entries, JSON Feed items).
fn declared_items(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        return v["items"].as_array().map_or(0, Vec::len);
    }
    let t = String::from_utf8_lossy(&bytes);
    ["<item>", "<item ", "<entry>", "<entry "]
        .iter()
        .map(|p| t.matches(p).count())
        .sum()
}

/// Run `f` over `items` on two threads (epubcheck is a JVM start each).
fn par<T: Sync>(items: &[T], f: impl Fn(&T) + Sync) {
    std::thread::scope(|s| {
        for chunk in items.chunks(items.len().div_ceil(2).max(1)) {
            let f = &f;
            s.spawn(move || chunk.iter().for_each(f));
        }
    });
}

#[test]
fn every_valid_corpus_feed_builds_an_issue_with_its_items() {
    let Some(corpus) = corpus("every_valid_corpus_feed_builds_an_issue_with_its_items") else {
        return;
    };
    let dir = Dir::new();
    let feeds = files(&corpus.join("feeds/valid"));
    assert_eq!(feeds.len(), 32);
    par(&feeds, |feed| {
        let name = feed.file_name().unwrap().to_string_lossy().into_owned();
        let out = dir.path(&format!("{name}.epub"));
        let o = inkquire(&[
            "build",
            feed.to_str().unwrap(),
            "--group-by",
            "none",
            "--date",
            "2026-11-28",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        epubcheck(&out);
        let book = Book::open(&out);
        let arts = book.articles();
        let declared = declared_items(feed);
        // Items that share an address are one article; nothing else may be lost.
        assert!(
            !arts.is_empty() && arts.len() * 10 >= declared * 9,
            "{name}: {} articles of {declared} items",
            arts.len()
        );
        for a in &arts {
            assert!(
                !book.title_of(a).trim().is_empty(),
                "{name}: {a} has no title"
            );
        }
        let nav: Vec<Entry> = book.nav();
        assert_eq!(
            nav.len(),
            arts.len() + 1,
            "{name}: every article in the TOC"
        );
    });
}

#[test]
fn malformed_corpus_feeds_build_after_repair_or_fail_naming_the_file() {
    let Some(corpus) = corpus("malformed_corpus_feeds_build_after_repair_or_fail_naming_the_file")
    else {
        return;
    };
    let dir = Dir::new();
    let feeds = files(&corpus.join("feeds/malformed"));
    let built = std::sync::Mutex::new(Vec::new());
    par(&feeds, |feed| {
        let name = feed.file_name().unwrap().to_string_lossy().into_owned();
        let out = dir.path(&format!("{name}.epub"));
        let o = inkquire(&["build", feed.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        let err = stderr(&o);
        match o.status.code() {
            Some(0) => {
                epubcheck(&out);
                built.lock().unwrap().push(name);
            }
            Some(2) => {
                assert!(
                    err.lines()
                        .any(|l| l.starts_with("error:") && l.contains(&name)),
                    "{name}: the failure must name the file:\n{err}"
                );
                assert!(!out.exists());
            }
            other => panic!("{name}: exit {other:?} (a crash?):\n{err}"),
        }
    });
    let built = built.into_inner().unwrap();
    // The repairable faults are repaired: encodings, prolog, entities, Atom 0.3, wrong extension.
    for must in [
        "feed-rs--atom_example_4.xml",
        "feed-rs--rss_2.0_dbengines.xml",
        "feedparser--koi8r.xml",
        "feedparser--shiftjis.xml",
        "feedparser--entry_title_script_cdata.xml",
        "rsparser--phpxml.rss",
        "rsparser--DaringFireball.rss",
    ] {
        assert!(
            built.iter().any(|b| b == must),
            "{must} should build after repair; built: {built:?}"
        );
    }
}

/// The corpus server, stopped when dropped.
pub struct CorpusServer {
    child: Child,
    pub base: String,
    _dir: Dir,
}

impl CorpusServer {
    pub fn start(shared: &Path) -> CorpusServer {
        let dir = Dir::new();
        let port_file = dir.path("port");
        let child = Command::new("python3")
            .arg(shared.join("tools/corpus-server.py"))
            .args(["--port", "0", "--quiet", "--port-file"])
            .arg(&port_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the corpus server");
        for _ in 0..200 {
            if let Ok(p) = std::fs::read_to_string(&port_file)
                && !p.trim().is_empty()
            {
                return CorpusServer {
                    child,
                    base: format!("http://127.0.0.1:{}", p.trim()),
                    _dir: dir,
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        panic!("the corpus server did not start");
    }
}

impl Drop for CorpusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `original` links of a book's articles: their web addresses.
fn urls_in(book: &Book) -> BTreeSet<String> {
    book.articles()
        .iter()
        .filter_map(|a| {
            let x = book.text(&format!("OEBPS/{a}"));
            let at = x.find("<p class=\"original\"><a href=\"")?
                + "<p class=\"original\"><a href=\"".len();
            Some(x[at..at + x[at..].find('"')?].to_owned())
        })
        .collect()
}

#[test]
fn corpus_site_feeds_collect_all_articles_and_build_by_window_and_topic() {
    let Some(corpus) =
        corpus("corpus_site_feeds_collect_all_articles_and_build_by_window_and_topic")
    else {
        return;
    };
    let server = CorpusServer::start(corpus.parent().unwrap());
    let manifest: serde_json::Value = serde_json::from_str(
        &ureq::get(format!("{}/manifest.json", server.base))
            .call()
            .expect("manifest")
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    let arts = manifest["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 40);

    let dir = Dir::new();
    let feeds = [
        ("world", "xml"),
        ("tech", "atom"),
        ("business", "json"),
        ("science", "xml"),
        ("culture", "rss"),
    ];
    let mut cfg = String::from("store = \"ledger.db\"\n");
    for (topic, ext) in feeds {
        cfg.push_str(&format!(
            "[[source]]\nurl = \"{}/feeds/{topic}.{ext}\"\ntopics = [\"{topic}\"]\n",
            server.base
        ));
    }
    let cfg = dir.write("inkquire.toml", cfg);
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["collect", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("40 new articles"), "{}", stderr(&o));

    let o = inkquire(&["list", "--config", cfg, "--json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(listed.len(), 40);
    let by_url: BTreeMap<&str, &serde_json::Value> = listed
        .iter()
        .map(|i| (i["url"].as_str().unwrap(), i))
        .collect();
    let mut within_24h = BTreeSet::new();
    let mut tech = BTreeSet::new();
    let now = chrono::Utc::now();
    for a in arts {
        let url = a["url"].as_str().unwrap();
        let item = by_url
            .get(url)
            .unwrap_or_else(|| panic!("{url} not collected"));
        let section = a["section"].as_str().unwrap();
        let topics: Vec<&str> = item["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            topics.contains(&section),
            "{url}: topics {topics:?} lack {section}"
        );
        let want = chrono::DateTime::parse_from_rfc3339(a["published"].as_str().unwrap()).unwrap();
        let got =
            chrono::DateTime::parse_from_rfc3339(item["published"].as_str().unwrap()).unwrap();
        assert_eq!(got, want, "{url}: publication instant");
        if now.signed_duration_since(want) < chrono::Duration::hours(24) {
            within_24h.insert(url.to_owned());
        }
        if section == "tech" {
            tech.insert(url.to_owned());
        }
    }

    let day = dir.path("day.epub");
    let o = inkquire(&[
        "build",
        "--config",
        cfg,
        "--since",
        "24h",
        "-o",
        day.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&day);
    assert_eq!(urls_in(&Book::open(&day)), within_24h);

    let t = dir.path("tech.epub");
    let o = inkquire(&[
        "build",
        "--config",
        cfg,
        "--topic",
        "TECH",
        "-o",
        t.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&t);
    assert_eq!(urls_in(&Book::open(&t)), tech);

    // Full text: each article against the corpus's readable version.
    let all = dir.path("all.epub");
    let o = inkquire(&[
        "build",
        "--config",
        cfg,
        "--group-by",
        "none",
        "-o",
        all.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    epubcheck(&all);
    let book = Book::open(&all);
    let mut scores = Vec::new();
    for a in book.articles() {
        let x = book.text(&format!("OEBPS/{a}"));
        let name = arts
            .iter()
            .find(|m| x.contains(&format!("href=\"{}\"", m["url"].as_str().unwrap())))
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{a}: no original link"));
        let expected =
            std::fs::read_to_string(corpus.join("articles").join(&name).join("expected.html"))
                .unwrap();
        let want = dom_query::Document::fragment(expected.as_str())
            .text()
            .to_string();
        scores.push((
            token_f1(&book.doc_text(&a, Some("article-body")), &want),
            name,
        ));
    }
    assert_eq!(scores.len(), 40);
    scores.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let median = (scores[19].0 + scores[20].0) / 2.0;
    eprintln!(
        "collected full text F1: min {:.3} ({}), median {median:.3}",
        scores[0].0, scores[0].1
    );
    assert!(median >= 0.95, "median {median:.3}: {:?}", &scores[..5]);
    assert!(
        scores[0].0 >= 0.8,
        "minimum {:.3} ({})",
        scores[0].0,
        scores[0].1
    );
}
