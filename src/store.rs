//! The ledger: a SQLite file that remembers every article collected, the HTTP validators of every
//! address fetched, and which issue delivered which article.
//!
//! Articles are keyed by canonical URL (or GUID when an item has no link); a hash of the text
//! catches the same story reached through two addresses. Every write is a transaction and the
//! database runs in WAL mode, so a run killed at any moment leaves a ledger that opens and keeps
//! everything committed. The schema is versioned (`PRAGMA user_version`) and migrated forward.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::fetch::Validators;
use crate::model::{Article, Base, Published};

/// The schema this build writes.
pub const SCHEMA_VERSION: i32 = 3;

/// Steps from each older schema to the next, applied in order in one transaction after a copy of
/// the old file is saved beside it (`<ledger>.schema-N.bak`): a migration never discards a ledger.
const MIGRATIONS: &[(i32, &str)] = &[(1, SCHEMA_V1_TO_V2), (2, SCHEMA_V2_TO_V3)];

/// v2: "was this article in an issue?" and the date window look articles up by these columns;
/// without the indexes listing a large ledger is quadratic.
const SCHEMA_V1_TO_V2: &str = r#"
CREATE INDEX IF NOT EXISTS issue_articles_article ON issue_articles(article);
CREATE INDEX IF NOT EXISTS articles_first_seen ON articles(first_seen);
"#;

/// v3: an article page is kept gzip-compressed (`raw_gzip`, a gzip file; then `raw_html` is
/// empty), about a fifth of its text's size: as the server sent it, or compressed at level 1 when
/// it came plain.
const SCHEMA_V2_TO_V3: &str = r#"
ALTER TABLE articles ADD COLUMN raw_gzip BLOB;
"#;

const SCHEMA_V1: &str = r#"
CREATE TABLE IF NOT EXISTS articles (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    source       TEXT NOT NULL,
    source_url   TEXT,
    url          TEXT,
    title        TEXT NOT NULL,
    byline       TEXT,
    published    TEXT,
    has_time     INTEGER NOT NULL DEFAULT 0,
    lang         TEXT,
    summary      TEXT,
    lead_image   TEXT,
    topics       TEXT NOT NULL DEFAULT '[]',
    raw_html     TEXT,
    body_html    TEXT NOT NULL,
    base_url     TEXT,
    first_seen   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    fetch_status TEXT NOT NULL DEFAULT 'ok'
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_first_seen ON articles(first_seen);
CREATE TABLE IF NOT EXISTS http_cache (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issues (
    number   INTEGER PRIMARY KEY,
    title    TEXT NOT NULL,
    date     TEXT NOT NULL,
    path     TEXT,
    built_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issue_articles (
    issue   INTEGER NOT NULL REFERENCES issues(number),
    article TEXT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (issue, article)
);
"#;

/// What storing an article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    Updated,
    Unchanged,
    /// The same text is already stored under another address.
    Duplicate,
}

pub struct Store {
    conn: Connection,
}

/// A stored article with the ledger's own fields.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    pub article: Article,
    pub first_seen: DateTime<FixedOffset>,
    pub delivered: bool,
    /// The feed or page address the article was collected from.
    pub source_url: Option<String>,
}

impl Store {
    /// Open (creating if needed) the ledger at `path`, migrating an older schema.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the ledger's folder {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the ledger {}", path.display()))?;
        let store = Store { conn };
        store
            .init(Some(path))
            .with_context(|| format!("the ledger {} cannot be used", path.display()))?;
        Ok(store)
    }

    /// Copy what the write-ahead log holds into the ledger file on a second connection, in the
    /// background (SQLite's passive checkpoint: it never blocks a writer). A build starts it once
    /// the collected articles are read, so the copying and syncing overlap the pictures and the
    /// zip, and closing the ledger at the end has only the issue's own record left to copy.
    /// Nothing for an in-memory ledger. A failure costs nothing: closing checkpoints anyway.
    pub fn checkpoint_in_background(&self) -> Option<std::thread::JoinHandle<()>> {
        let path = self.conn.path().filter(|p| !p.is_empty())?.to_owned();
        Some(std::thread::spawn(move || {
            let done = Connection::open(&path).and_then(|c| {
                c.busy_timeout(std::time::Duration::from_secs(10))?;
                c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            });
            if let Err(e) = done {
                crate::debug_line!("ledger: background checkpoint skipped: {e}");
            }
        }))
    }

    /// An in-memory ledger (for builds without `--store`).
    pub fn memory() -> anyhow::Result<Store> {
        let store = Store {
            conn: Connection::open_in_memory()?,
        };
        store.init(None)?;
        Ok(store)
    }

    /// Set up the connection and the schema, waiting out another process that holds the file
    /// (switching to WAL and creating tables need it alone; SQLite may answer "busy" at once).
    fn init(&self, path: Option<&Path>) -> anyhow::Result<()> {
        let mut tries = 0;
        loop {
            match self.init_once(path) {
                Err(e)
                    if tries < 50
                        && e.downcast_ref::<rusqlite::Error>().is_some_and(|e| {
                            e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                                || e.sqlite_error_code()
                                    == Some(rusqlite::ErrorCode::DatabaseLocked)
                        }) =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    fn init_once(&self, path: Option<&Path>) -> anyhow::Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Look before changing anything (even switching to WAL rewrites the header): a damaged
        // file, another program's database or a newer ledger is left exactly as it is.
        let version: i32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            anyhow::bail!(
                "it was written by a newer inkquire (schema {version}, this one knows {SCHEMA_VERSION})"
            );
        }
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if version < 1 && tables > 0 {
            anyhow::bail!(
                "it is a SQLite database but not an inkquire ledger (it was left as it is)"
            );
        }
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if version < 1 {
            let tx = self.conn.unchecked_transaction()?;
            tx.execute_batch(SCHEMA_V1)?;
            for (_, step) in MIGRATIONS {
                tx.execute_batch(step)?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        } else if version < SCHEMA_VERSION {
            self.migrate(version, path)?;
        }
        // Check that it really is our ledger (a file of the right name but other content fails here).
        self.conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    /// Bring a ledger of schema `from` up to [`SCHEMA_VERSION`]: first a copy of it as it is
    /// (`<ledger>.schema-<from>.bak`, made by SQLite, consistent even in WAL mode), then every step
    /// in one transaction, so a failure leaves the ledger at `from`, whole.
    fn migrate(&self, from: i32, path: Option<&Path>) -> anyhow::Result<()> {
        if let Some(path) = path {
            let backup = path.with_file_name(format!(
                "{}.schema-{from}.bak",
                path.file_name().unwrap_or_default().to_string_lossy()
            ));
            if !backup.exists() {
                self.conn
                    .execute("VACUUM INTO ?1", [backup.to_string_lossy()])
                    .with_context(|| {
                        format!(
                            "cannot save a copy of the ledger before upgrading it to {}",
                            backup.display()
                        )
                    })?;
            }
        }
        let tx = self.conn.unchecked_transaction()?;
        for (at, step) in MIGRATIONS {
            if *at >= from {
                tx.execute_batch(step)
                    .with_context(|| format!("upgrading the ledger from schema {at}"))?;
            }
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        crate::info_line!(
            "upgraded the ledger from schema {from} to {SCHEMA_VERSION} (the old one is kept beside it)"
        );
        Ok(())
    }

    /// Validators of the last answer from `url`.
    pub fn validators(&self, url: &str) -> anyhow::Result<Validators> {
        Ok(self
            .conn
            .query_row(
                "SELECT etag, last_modified FROM http_cache WHERE url = ?1",
                [url],
                |r| {
                    Ok(Validators {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// What workers need to know of the ledger: validators and the keys of stored articles.
    pub fn known(&self) -> anyhow::Result<crate::collector::remote::Known> {
        let mut known = crate::collector::remote::Known::default();
        let mut stmt = self
            .conn
            .prepare("SELECT url, etag, last_modified FROM http_cache")?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Validators {
                    etag: r.get(1)?,
                    last_modified: r.get(2)?,
                },
            ))
        })? {
            let (u, v) = row?;
            known.validators.insert(u, v);
        }
        let mut stmt = self.conn.prepare("SELECT key FROM articles")?;
        for key in stmt.query_map([], |r| r.get::<_, String>(0))? {
            known.keys.insert(key?);
        }
        Ok(known)
    }

    /// Is an article with this key stored, and with which content hash?
    pub fn hash_of(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT content_hash FROM articles WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Store one source's results in one transaction: validators for the addresses fetched, then
    /// the articles. Returns what happened to each article, in order.
    pub fn save_batch(
        &mut self,
        validators: &[(String, Validators)],
        articles: &[crate::collector::remote::Harvested],
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<Stored>> {
        let tx = self.conn.transaction()?;
        let now_s = now.to_rfc3339();
        for (url, v) in validators {
            tx.execute(
                "INSERT INTO http_cache (url, etag, last_modified, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                   last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                params![url, v.etag, v.last_modified, now_s],
            )?;
        }
        let mut out = Vec::with_capacity(articles.len());
        for h in articles {
            let (key, a, source_url) = (&h.key, &h.article, &h.source_url);
            let hash = content_hash(a);
            let existing: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT id, content_hash, topics FROM articles WHERE key = ?1",
                    [key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let topics_json = |extra: &str| -> String {
                let mut t: Vec<String> = serde_json::from_str(extra).unwrap_or_default();
                for x in &a.topics {
                    if !t.contains(x) {
                        t.push(x.clone());
                    }
                }
                serde_json::to_string(&t).expect("strings serialize")
            };
            match existing {
                Some((_, old_hash, old_topics)) if old_hash == hash => {
                    // Same text; a second feed may still add topics, and fill in what the first
                    // lacked (an author, a date, a language), whichever feed was read first.
                    let merged = topics_json(&old_topics);
                    tx.execute(
                        "UPDATE articles SET topics = ?1, byline = coalesce(byline, ?2),
                           published = coalesce(published, ?3),
                           has_time = CASE WHEN published IS NULL THEN ?4 ELSE has_time END,
                           lang = coalesce(lang, ?5), summary = coalesce(summary, ?6),
                           lead_image = coalesce(lead_image, ?7)
                         WHERE key = ?8",
                        params![
                            merged,
                            a.byline,
                            a.published.map(|p| p.at.to_rfc3339()),
                            a.published.is_some_and(|p| p.has_time),
                            a.lang,
                            a.summary,
                            a.lead_image,
                            key
                        ],
                    )?;
                    out.push(Stored::Unchanged);
                }
                Some((_, _, old_topics)) => {
                    tx.execute(
                        "UPDATE articles SET content_hash = ?1, title = ?2, byline = coalesce(?3, byline),
                           published = coalesce(?4, published),
                           has_time = CASE WHEN ?4 IS NULL THEN has_time ELSE ?5 END,
                           lang = coalesce(?6, lang), summary = coalesce(?7, summary), topics = ?8,
                           body_html = ?9, base_url = ?10, url = ?11, updated_at = ?12, source = ?13,
                           raw_html = ?15, fetch_status = ?16, lead_image = coalesce(?17, lead_image),
                           raw_gzip = ?18
                         WHERE key = ?14",
                        params![
                            hash,
                            a.title,
                            a.byline,
                            a.published.map(|p| p.at.to_rfc3339()),
                            a.published.is_some_and(|p| p.has_time),
                            a.lang,
                            a.summary,
                            topics_json(&old_topics),
                            a.body_html,
                            a.base.url,
                            a.url,
                            now_s,
                            a.source,
                            key,
                            h.raw_html,
                            h.status,
                            a.lead_image,
                            h.raw_gzip,
                        ],
                    )?;
                    out.push(Stored::Updated);
                }
                None => {
                    let dup: Option<String> = tx
                        .query_row(
                            "SELECT topics FROM articles WHERE content_hash = ?1",
                            [&hash],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if let Some(old_topics) = dup {
                        let merged = topics_json(&old_topics);
                        tx.execute(
                            "UPDATE articles SET topics = ?1 WHERE content_hash = ?2",
                            params![merged, hash],
                        )?;
                        out.push(Stored::Duplicate);
                        continue;
                    }
                    tx.execute(
                        "INSERT INTO articles (id, key, content_hash, source, source_url, url, title, byline,
                           published, has_time, lang, summary, topics, raw_html, body_html, base_url,
                           first_seen, updated_at, fetch_status, lead_image, raw_gzip)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?17, ?14, ?15, ?16, ?16, ?18, ?19, ?20)",
                        params![
                            a.id,
                            key,
                            hash,
                            a.source,
                            source_url,
                            a.url,
                            a.title,
                            a.byline,
                            a.published.map(|p| p.at.to_rfc3339()),
                            a.published.is_some_and(|p| p.has_time),
                            a.lang,
                            a.summary,
                            topics_json("[]"),
                            a.body_html,
                            a.base.url,
                            now_s,
                            h.raw_html,
                            h.status,
                            a.lead_image,
                            h.raw_gzip,
                        ],
                    )?;
                    out.push(Stored::New);
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Every stored article, newest first.
    pub fn articles(&self) -> anyhow::Result<Vec<StoredArticle>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, key, title, byline, published, has_time, topics, source, url, lang, summary,
                    body_html, base_url, first_seen, lead_image,
                    EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = articles.id),
                    source_url
             FROM articles ORDER BY coalesce(published, first_seen) DESC, title",
        )?;
        let rows = stmt.query_map([], |r| {
            let published: Option<String> = r.get(4)?;
            let has_time: bool = r.get(5)?;
            let topics: String = r.get(6)?;
            let first_seen: String = r.get(13)?;
            let first_seen = DateTime::parse_from_rfc3339(&first_seen).unwrap_or_default();
            Ok(StoredArticle {
                article: Article {
                    id: r.get(0)?,
                    origin: r.get::<_, Option<String>>(8)?.unwrap_or(r.get(1)?),
                    title: r.get(2)?,
                    byline: r.get(3)?,
                    published: published
                        .and_then(|p| DateTime::parse_from_rfc3339(&p).ok())
                        .map(|at| Published { at, has_time }),
                    topics: serde_json::from_str(&topics).unwrap_or_default(),
                    source: r.get(7)?,
                    url: r.get(8)?,
                    lang: r.get(9)?,
                    summary: r.get(10)?,
                    lead_image: r.get(14)?,
                    body_html: r.get(11)?,
                    base: local_base(r.get(12)?),
                    seen: Some(first_seen),
                },
                first_seen,
                delivered: r.get(15)?,
                source_url: r.get(16)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last issue: number and when it was built.
    pub fn last_issue(&self) -> anyhow::Result<Option<(u32, DateTime<FixedOffset>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT number, built_at FROM issues ORDER BY number DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(n, at)| (n, DateTime::parse_from_rfc3339(&at).unwrap_or_default())))
    }

    /// Record that issue `number` held `article_ids`. Articles that are not in the ledger (local
    /// files named on the command line go straight into the book) are not tracked.
    pub fn record_issue(
        &mut self,
        number: u32,
        title: &str,
        date: chrono::NaiveDate,
        path: &Path,
        article_ids: &[&str],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO issues (number, title, date, path, built_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                number,
                title,
                date.to_string(),
                path.display().to_string(),
                now.to_rfc3339()
            ],
        )?;
        for id in article_ids {
            tx.execute(
                "INSERT OR IGNORE INTO issue_articles (issue, article)
                 SELECT ?1, id FROM articles WHERE id = ?2",
                params![number, id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A stored base address: a `file:` folder (a local article) gives back the folder its pictures
/// are read from (and must stay inside); a web address stays the base for links.
fn local_base(url: Option<String>) -> Base {
    match url.as_deref().map(url::Url::parse) {
        Some(Ok(u)) if u.scheme() == "file" => {
            let dir = u.to_file_path().ok();
            Base {
                url: None,
                root: dir.clone(),
                dir,
            }
        }
        _ => Base {
            url,
            dir: None,
            root: None,
        },
    }
}

/// Hash of what makes two copies the same story: the title and the body's words.
pub fn content_hash(a: &Article) -> String {
    // The lowercased words of the title and the text, joined by single spaces: one pass that
    // builds the joined string directly (hashes stored in existing ledgers must not change).
    let mut words = String::with_capacity(a.body_html.len() / 2);
    let mut gap = false;
    let mut push = |c: char| {
        if c.is_alphanumeric() {
            if gap && !words.is_empty() {
                words.push(' ');
            }
            words.push(c);
            gap = false;
        } else {
            gap = true;
        }
    };
    a.title.to_lowercase().chars().for_each(&mut push);
    let mut in_tag = false;
    for c in a.body_html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                push(' ');
            }
            _ if in_tag => {}
            c if c.is_ascii() => push(c.to_ascii_lowercase()),
            c => c.to_lowercase().for_each(&mut push),
        }
    }
    crate::collector::short_hash(&words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_the_hash_of_the_joined_lowercase_words() {
        // The definition, as first written: stored hashes depend on it.
        let reference = |a: &Article| {
            let mut text = a.title.to_lowercase();
            let mut in_tag = false;
            for c in a.body_html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push(' ');
                    }
                    c if !in_tag => text.extend(c.to_lowercase()),
                    _ => {}
                }
            }
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            crate::collector::short_hash(&words.join(" "))
        };
        let mut a = harvested(None).article;
        for (title, body) in [
            ("", ""),
            ("T", "<p>Hello, World!</p>"),
            ("ΟΔΟΣ Title", "word<b>joined</b> — dash...   spaces\n\tTAB"),
            ("Ends", "no tag first"),
            (
                "İstanbul ΣΑΣ",
                "<p>İSTANBUL ǅemal 日本語 Ⅻ ½ x²</p><br/>tail",
            ),
            ("  ", "<a href='x>y'>odd > tag</a> 3.14 café"),
        ] {
            a.title = title.into();
            a.body_html = body.into();
            assert_eq!(content_hash(&a), reference(&a), "{title:?} {body:?}");
        }
    }
    use crate::collector::remote::Harvested;

    fn harvested(byline: Option<&str>) -> Harvested {
        Harvested {
            key: "https://e.x/a".into(),
            article: Article {
                id: "a1".into(),
                title: "T".into(),
                byline: byline.map(str::to_owned),
                published: None,
                topics: vec!["x".into()],
                source: "S".into(),
                url: Some("https://e.x/a".into()),
                lang: None,
                summary: None,
                lead_image: None,
                body_html: "<p>Same words.</p>".into(),
                base: Base::default(),
                origin: "o".into(),
                seen: None,
            },
            source_url: None,
            raw_html: None,
            raw_gzip: None,
            status: "ok".into(),
        }
    }

    /// After the background checkpoint the ledger file alone (without its write-ahead log)
    /// holds what was written; before it, it does not.
    #[test]
    fn a_background_checkpoint_moves_the_log_into_the_ledger_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let mut s = Store::open(&path).unwrap();
        s.save_batch(&[], &[harvested(Some("Ann"))], Utc::now())
            .unwrap();
        let file_alone = |name: &str| {
            let copy = dir.path().join(name);
            std::fs::copy(&path, &copy).unwrap();
            Store::open(&copy).unwrap().articles().unwrap().len()
        };
        assert_eq!(file_alone("before.db"), 0, "still in the log");
        s.checkpoint_in_background()
            .expect("a file ledger")
            .join()
            .unwrap();
        assert_eq!(file_alone("after.db"), 1, "copied into the file");
        // The ledger goes on working, and an in-memory one has nothing to copy.
        s.save_batch(&[], &[harvested(None)], Utc::now()).unwrap();
        assert_eq!(s.articles().unwrap().len(), 1);
        assert!(
            Store::memory()
                .unwrap()
                .checkpoint_in_background()
                .is_none()
        );
    }

    #[test]
    fn the_same_story_from_two_feeds_keeps_what_either_knew() {
        for order in [[None, Some("Ann")], [Some("Ann"), None]] {
            let mut s = Store::memory().unwrap();
            for b in order {
                s.save_batch(&[], &[harvested(b)], Utc::now()).unwrap();
            }
            let all = s.articles().unwrap();
            assert_eq!(all.len(), 1);
            assert_eq!(all[0].article.byline.as_deref(), Some("Ann"), "{order:?}");
        }
    }
}
