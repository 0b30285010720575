//! Disk and ledger faults: a full or read-only output folder, a damaged ledger, an old schema.
//! Tests run as root, which ignores permissions, so write failures come in through the
//! `INKQUIRE_FAULT` seam of `packager::AtomicFile`.

use std::path::Path;

use crate::digest::{examples_copy, issues};
use crate::util::*;

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_full_or_read_only_output_folder_loses_nothing() {
    for (fault, says, hint) in [
        ("disk-full", "No space left on device", "the disk is full"),
        ("read-only", "Read-only file system", "cannot be written"),
    ] {
        let dir = Dir::new();
        let cfg = examples_copy(&dir);
        let cfg = cfg.to_str().unwrap();
        let o = inkquire(&["digest", "--config", cfg]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let first = issues(&dir);
        assert_eq!(first.len(), 1);
        let book1 = std::fs::read(dir.path("issues").join(&first[0])).unwrap();
        let before = files_in(&dir.path("issues"));

        // A new article, and the disk fails while the issue is written.
        dir.write(
            "examples/science/new-probe.md",
            "---\ntitle: A new probe reaches orbit\ndate: 2026-11-28\n---\nThe probe entered orbit at dawn.\n",
        );
        let o = inkquire_env(&["digest", "--config", cfg], &[("INKQUIRE_FAULT", fault)]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{fault}: {err}");
        assert!(err.contains(says), "{fault}: {err}");
        assert!(
            err.contains(&format!("hint: {hint}")) || err.contains(hint),
            "{fault}: {err}"
        );
        // The previous issue is byte for byte the same, nothing half-written is left, nothing was
        // delivered.
        assert_eq!(files_in(&dir.path("issues")), before, "{fault}");
        assert!(
            std::fs::read(dir.path("issues").join(&first[0])).unwrap() == book1,
            "{fault}: the previous issue changed"
        );
        assert_eq!(files_in(&dir.path("issues/outbox")).len(), 1, "{fault}");

        // The disk is fine again: the next issue is number 2 and holds the new article, so the
        // ledger neither lost it nor counted it as delivered.
        let o = inkquire(&["digest", "--config", cfg]);
        assert_eq!(o.status.code(), Some(0), "{fault}: {}", stderr(&o));
        let now = issues(&dir);
        let second = now
            .iter()
            .find(|n| n.ends_with("-No2.epub"))
            .unwrap_or_else(|| panic!("{fault}: no issue 2 in {now:?}"));
        let b2 = Book::open(&dir.path("issues").join(second));
        let titles: Vec<String> = b2.articles().iter().map(|a| b2.title_of(a)).collect();
        assert_eq!(titles, ["A new probe reaches orbit"], "{fault}");
        epubcheck(&dir.path("issues").join(second));
    }
}

#[test]
fn a_build_to_a_full_disk_keeps_the_old_book_at_that_path() {
    let dir = Dir::new();
    let out = dir.path("out/issue.epub");
    let store = dir.path("ledger.db");
    let args = [
        "build",
        "examples",
        "-o",
        out.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ];
    let o = inkquire(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let old = std::fs::read(&out).unwrap();
    let o = inkquire_env(&args, &[("INKQUIRE_FAULT", "disk-full")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(out.to_str().unwrap()), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap() == old, "the old book changed");
    assert_eq!(files_in(&dir.path("out")), ["issue.epub"]);
    let o = inkquire(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("issue 2"), "{}", stderr(&o));
}

#[test]
fn a_damaged_ledger_is_named_and_left_exactly_as_it_was() {
    let dir = Dir::new();
    let cfg = examples_copy(&dir);
    let cfg = cfg.to_str().unwrap();
    let o = inkquire(&["digest", "--config", cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ledger = dir.path("issues/ledger.db");
    assert!(ledger.is_file(), "{:?}", files_in(&dir.path("issues")));
    let good = std::fs::read(&ledger).unwrap();
    let issues_before = files_in(&dir.path("issues"));

    let garbage = b"this is not a database, it is a shopping list\n".repeat(200);
    // A header torn off, and a file cut in half.
    let mut torn = good.clone();
    torn[..100].copy_from_slice(&[0x55; 100]);
    let half = good[..good.len() / 2].to_vec();
    for (what, bytes) in [("garbage", garbage), ("torn header", torn), ("cut", half)] {
        std::fs::write(&ledger, &bytes).unwrap();
        let _ = std::fs::remove_file(dir.path("issues/ledger.db-wal"));
        let _ = std::fs::remove_file(dir.path("issues/ledger.db-shm"));
        dir.write(
            "examples/world/more.md",
            format!("# More news ({what})\n\nAnother thing happened.\n"),
        );
        for cmd in [
            vec!["digest", "--config", cfg],
            vec!["list", "--config", cfg],
        ] {
            let o = inkquire(&cmd);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{what} {cmd:?}: {err}");
            assert!(
                err.contains(ledger.to_str().unwrap()) || err.contains("ledger.db"),
                "{what}: the ledger is not named: {err}"
            );
            assert!(
                err.contains("damaged") || err.contains("malformed"),
                "{what}: {err}"
            );
            assert!(
                std::fs::read(&ledger).unwrap() == bytes,
                "{what} {cmd:?}: the ledger was changed"
            );
        }
        assert_eq!(files_in(&dir.path("issues")), issues_before, "{what}");
    }
}

#[test]
fn another_programs_database_is_not_taken_over() {
    let dir = Dir::new();
    let path = dir.path("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let o = inkquire(&["list", "--store", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not an inkquire ledger"),
        "{}",
        stderr(&o)
    );
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the database changed"
    );
}

/// The schema as inkquire 0.1 (schema 1) wrote it.
const SCHEMA_V1: &str = r#"
CREATE TABLE articles (
    id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    source TEXT NOT NULL, source_url TEXT, url TEXT, title TEXT NOT NULL, byline TEXT,
    published TEXT, has_time INTEGER NOT NULL DEFAULT 0, lang TEXT, summary TEXT,
    lead_image TEXT, topics TEXT NOT NULL DEFAULT '[]', raw_html TEXT, body_html TEXT NOT NULL,
    base_url TEXT, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
    fetch_status TEXT NOT NULL DEFAULT 'ok'
);
CREATE INDEX articles_hash ON articles(content_hash);
CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched_at TEXT NOT NULL);
CREATE TABLE issues (number INTEGER PRIMARY KEY, title TEXT NOT NULL, date TEXT NOT NULL, path TEXT, built_at TEXT NOT NULL);
CREATE TABLE issue_articles (
    issue INTEGER NOT NULL REFERENCES issues(number),
    article TEXT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (issue, article)
);
"#;

#[test]
fn an_older_ledger_is_upgraded_with_a_copy_kept_and_nothing_lost() {
    let dir = Dir::new();
    let path = dir.path("ledger.db");
    let now = chrono::Utc::now();
    let hours_ago = |h: i64| (now - chrono::Duration::hours(h)).to_rfc3339();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(SCHEMA_V1).unwrap();
        for (id, title, delivered, seen) in [
            ("aaaaaaaaaaaa", "Old delivered story", true, hours_ago(3)),
            ("bbbbbbbbbbbb", "Old waiting story", false, hours_ago(1)),
            // Seen before the last issue and in none: the old version had passed it over, and
            // the upgrade does not bring it back as a backlog.
            ("cccccccccccc", "Old passed-over story", false, hours_ago(5)),
        ] {
            c.execute(
                "INSERT INTO articles (id, key, content_hash, source, url, title, published,
                 has_time, body_html, first_seen, updated_at)
                 VALUES (?1, ?2, ?1, 'Old Times', ?2, ?3, ?4, 1, ?5, ?4, ?4)",
                rusqlite::params![
                    id,
                    format!("https://old.example/{id}"),
                    title,
                    seen,
                    format!("<p>{title}: the body text of a story kept from before.</p>")
                ],
            )
            .unwrap();
            if delivered {
                c.execute(
                    "INSERT OR IGNORE INTO issues VALUES (1, 'Old', '2026-11-01', NULL, ?1)",
                    [hours_ago(2)],
                )
                .unwrap();
                c.execute("INSERT INTO issue_articles VALUES (1, ?1)", [id])
                    .unwrap();
            }
        }
        c.pragma_update(None, "user_version", 1).unwrap();
    }
    let out = dir.path("issue.epub");
    let o = inkquire(&[
        "build",
        "--store",
        path.to_str().unwrap(),
        "--since",
        "last-issue",
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "upgraded the ledger from schema 1 to {}",
            inkquire::store::SCHEMA_VERSION
        )),
        "{err}"
    );
    // The waiting story is issue 2; the delivered one is not repeated.
    assert!(err.contains("issue 2"), "{err}");
    let book = Book::open(&out);
    let titles: Vec<String> = book.articles().iter().map(|a| book.title_of(a)).collect();
    assert_eq!(titles, ["Old waiting story"]);
    epubcheck(&out);

    let c = rusqlite::Connection::open(&path).unwrap();
    let version: i32 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, inkquire::store::SCHEMA_VERSION);
    let articles: i64 = c
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(articles, 3, "nothing is lost in the upgrade");
    let settled: i64 = c
        .query_row("SELECT count(*) FROM articles WHERE settled = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(settled, 1, "only the passed-over story is settled");
    let index: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'issue_articles_article'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(index, 1);
    // Schema 3: pages that came gzip-compressed are kept so (none here).
    let zipped: i64 = c
        .query_row("SELECT count(raw_gzip) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(zipped, 0);
    // The copy from before the upgrade is whole and still schema 1.
    let bak = rusqlite::Connection::open(dir.path("ledger.db.schema-1.bak")).unwrap();
    let (v, n): (i32, i64) = (
        bak.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap(),
        bak.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap(),
    );
    assert_eq!((v, n), (1, 3));
}
