//! The ledger: a SQLite file that remembers every article collected, the HTTP validators of every
//! address fetched, and which issue delivered which article.
//!
//! Articles are keyed by canonical URL (or GUID when an item has no link); a hash of the text
//! catches the same story reached through two addresses. Every write is a transaction and the
//! database runs in WAL mode, so a run killed at any moment leaves a ledger that opens and keeps
//! everything committed. The schema is versioned (`PRAGMA user_version`) and migrated forward.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::dedupe::Signature;
use crate::model::Validators;
use crate::model::{Article, Base, Published};

/// The schema this build writes.
pub const SCHEMA_VERSION: i32 = 7;

/// Steps from each older schema to the next, applied in order in one transaction after a copy of
/// the old file is saved beside it (`<ledger>.schema-N.bak`): a migration never discards a ledger.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, SCHEMA_V1_TO_V2),
    (2, SCHEMA_V2_TO_V3),
    (3, SCHEMA_V3_TO_V4),
    (4, SCHEMA_V4_TO_V5),
    (5, SCHEMA_V5_TO_V6),
    (6, SCHEMA_V6_TO_V7),
];

/// v7: one story once. Each article's text signature (`dedupe::Signature`, computed when it is
/// stored; an upgrade computes it for every article already there), and, for an article that is
/// a copy of another's story, which (`duplicate_of`) and the issue that found it
/// (`duplicate_issue`, NULL when the story went out in an earlier issue: then it is final).
/// A copy is never pending and never in an issue; forgetting an issue frees the copies it found.
/// With `[issue] updates = "deliver"`, a delivered article whose text grew is stored again as a
/// new article (`update_of` the first, `update_note` what changed), pending.
const SCHEMA_V6_TO_V7: &str = r#"
ALTER TABLE articles ADD COLUMN signature BLOB;
ALTER TABLE articles ADD COLUMN duplicate_of TEXT;
ALTER TABLE articles ADD COLUMN duplicate_issue INTEGER;
CREATE INDEX IF NOT EXISTS articles_duplicate_issue ON articles(duplicate_issue);
ALTER TABLE articles ADD COLUMN update_of TEXT;
ALTER TABLE articles ADD COLUMN update_note TEXT;
"#;

/// v6: an article the filters left out (`[filters]`, a source's `block`, `allow`, `min-words`)
/// is kept with the entry that matched (`filtered`): known, so never collected again, and never
/// pending or in an issue. Changing the filters later does not bring it back.
const SCHEMA_V5_TO_V6: &str = r#"
ALTER TABLE articles ADD COLUMN filtered TEXT;
"#;

/// v5: the addresses of read-later lists (`kind = "links"`): done once their page is stored
/// (its own address may differ after redirects), else how often it failed and why, so a page
/// that cannot be had is tried a few times, then left alone. And newsletter messages
/// (`kind = "imap"`): where each article's message is (its source, the folder's UIDVALIDITY, its
/// UID), and whether what `after` asks was done once an issue holding it was delivered.
const SCHEMA_V4_TO_V5: &str = r#"
CREATE TABLE IF NOT EXISTS links (
    url        TEXT PRIMARY KEY,
    done       INTEGER NOT NULL DEFAULT 0,
    tries      INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mail_messages (
    key        TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    validity   INTEGER NOT NULL,
    uid        INTEGER NOT NULL,
    settled    INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
"#;

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

/// v4: delivery state instead of time stamps. An issue is `building` (its number taken, its
/// articles and files reserved), then `built` (the book is in place; its deliveries wait in
/// `deliveries`), then `delivered`. An article is *pending* until an issue holds it; `settled`
/// marks the articles an older inkquire had already passed over (seen before its last issue and
/// in none), so an upgrade does not bring a backlog back. `issue_files` lists every file an issue
/// wrote: `keep` removes only those.
const SCHEMA_V3_TO_V4: &str = r#"
ALTER TABLE issues ADD COLUMN state TEXT NOT NULL DEFAULT 'delivered';
ALTER TABLE articles ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET settled = 1
 WHERE NOT EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = articles.id)
   AND first_seen <= (SELECT max(built_at) FROM issues);
CREATE TABLE IF NOT EXISTS issue_files (
    issue INTEGER NOT NULL REFERENCES issues(number),
    path  TEXT NOT NULL,
    role  TEXT NOT NULL,
    PRIMARY KEY (issue, path)
);
INSERT OR IGNORE INTO issue_files (issue, path, role)
  SELECT number, path, 'book' FROM issues WHERE path LIKE '%.epub' AND path NOT LIKE '%.kepub.epub';
INSERT OR IGNORE INTO issue_files (issue, path, role)
  SELECT number, substr(path, 1, length(path) - 5) || '.kepub.epub', 'kepub' FROM issues
   WHERE path LIKE '%.epub' AND path NOT LIKE '%.kepub.epub';
INSERT OR IGNORE INTO issue_files (issue, path, role)
  SELECT number, substr(path, 1, length(path) - 5) || '.report.json', 'report' FROM issues
   WHERE path LIKE '%.epub' AND path NOT LIKE '%.kepub.epub';
CREATE TABLE IF NOT EXISTS deliveries (
    issue      INTEGER NOT NULL REFERENCES issues(number),
    target     TEXT NOT NULL,
    label      TEXT NOT NULL,
    state      TEXT NOT NULL,
    reason     TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (issue, target)
);
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
    /// New, and left out by the filters (recorded as filtered).
    Filtered,
}

pub struct Store {
    conn: Connection,
    /// `[issue] updates = "deliver"`: a delivered article whose text grows substantially is
    /// stored again as an update, pending (see [`Store::set_deliver_updates`]).
    deliver_updates: bool,
}

/// An article the filters left out, as `inkquire list --filtered` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FilteredArticle {
    pub title: String,
    pub source: String,
    pub url: Option<String>,
    /// The entry that matched ("[filters] block \"title: horoscope\"").
    pub rule: String,
    pub first_seen: String,
}

/// A stored article with the ledger's own fields.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    pub article: Article,
    pub first_seen: DateTime<FixedOffset>,
    /// An issue that holds it has been delivered.
    pub delivered: bool,
    /// No issue holds it yet: the next issue is for it.
    pub pending: bool,
    /// The feed or page address the article was collected from.
    pub source_url: Option<String>,
    /// Its text's signature (`None` only if the stored one is damaged).
    pub signature: Option<Signature>,
}

/// An article recorded as a copy of another's story, as `inkquire list --duplicates` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DuplicateArticle {
    pub title: String,
    pub source: String,
    pub url: Option<String>,
    /// The article whose story it is: its title, source and address.
    pub of_title: String,
    pub of_source: String,
    pub of_url: Option<String>,
    /// The issue that found it; `None` when the story was in an earlier issue.
    pub issue: Option<u32>,
    pub first_seen: String,
}

/// An article an issue took, as the next issues compare their articles with it.
#[derive(Debug, Clone)]
pub struct IssuedStory {
    pub id: String,
    pub title: String,
    pub source: String,
    pub url: Option<String>,
    pub signature: Signature,
}

/// A stored article as `inkquire dedupe --explain` compares it.
#[derive(Debug, Clone)]
pub struct ArticleText {
    pub id: String,
    pub title: String,
    pub source: String,
    pub url: Option<String>,
    pub signature: Signature,
    /// The article whose copy it is recorded as, if any.
    pub duplicate_of: Option<String>,
}

impl Store {
    /// Open (creating if needed) the ledger at `path`, migrating an older schema.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let store = Store {
            conn,
            deliver_updates: false,
        };
        store
            .init(Some(path))
            .map_err(|source| StoreError::Unusable {
                path: path.to_owned(),
                source: Box::new(source),
            })?;
        Ok(store)
    }

    /// A consistent copy of the ledger at `from` into `to` (SQLite's `VACUUM INTO`), made
    /// without creating anything at `from`: for a dry run.
    pub fn copy(from: &Path, to: &Path) -> Result<()> {
        use rusqlite::OpenFlags;
        let conn = Connection::open_with_flags(
            from,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: from.to_owned(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute("VACUUM INTO ?1", [to.to_string_lossy()])
            .map_err(|source| StoreError::Copy {
                path: from.to_owned(),
                source,
            })?;
        Ok(())
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
    pub fn memory() -> Result<Store> {
        let store = Store {
            conn: Connection::open_in_memory()?,
            deliver_updates: false,
        };
        store.init(None)?;
        Ok(store)
    }

    /// Set up the connection and the schema, waiting out another process that holds the file
    /// (switching to WAL and creating tables need it alone; SQLite may answer "busy" at once).
    fn init(&self, path: Option<&Path>) -> Result<()> {
        let mut tries = 0;
        loop {
            match self.init_once(path) {
                Err(e)
                    if tries < 50
                        && matches!(&e, StoreError::Sql(e) if
                            e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                                || e.sqlite_error_code()
                                    == Some(rusqlite::ErrorCode::DatabaseLocked)
                        ) =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    fn init_once(&self, path: Option<&Path>) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Look before changing anything (even switching to WAL rewrites the header): a damaged
        // file, another program's database or a newer ledger is left exactly as it is.
        let version: i32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Newer { found: version });
        }
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if version < 1 && tables > 0 {
            return Err(StoreError::Foreign);
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
    fn migrate(&self, from: i32, path: Option<&Path>) -> Result<()> {
        if let Some(path) = path {
            let backup = path.with_file_name(format!(
                "{}.schema-{from}.bak",
                path.file_name().unwrap_or_default().to_string_lossy()
            ));
            if !backup.exists() {
                self.conn
                    .execute("VACUUM INTO ?1", [backup.to_string_lossy()])
                    .map_err(|source| StoreError::Backup {
                        path: backup.clone(),
                        source,
                    })?;
            }
        }
        let tx = self.conn.unchecked_transaction()?;
        for (at, step) in MIGRATIONS {
            if *at >= from {
                tx.execute_batch(step)
                    .map_err(|source| StoreError::Upgrade { at: *at, source })?;
            }
        }
        if from < 7 {
            fill_signatures(&tx).map_err(|source| StoreError::Upgrade { at: 6, source })?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        crate::info_line!(
            "upgraded the ledger from schema {from} to {SCHEMA_VERSION} (the old one is kept beside it)"
        );
        Ok(())
    }

    /// Validators of the last answer from `url`.
    pub fn validators(&self, url: &str) -> Result<Validators> {
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
    pub fn known(&self) -> Result<crate::collector::harvest::Known> {
        let mut known = crate::collector::harvest::Known::default();
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
        let mut stmt = self
            .conn
            .prepare("SELECT key, url, title, content_hash FROM articles")?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (key, url, title, hash) = row?;
            known.hashes.insert(key.clone(), hash);
            known.keys.insert(key);
            if let Some(u) = url {
                known.urls.insert(u, title);
            }
        }
        let mut stmt = self.conn.prepare("SELECT url, done, tries FROM links")?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                crate::collector::harvest::LinkState {
                    done: r.get(1)?,
                    tries: r.get(2)?,
                },
            ))
        })? {
            let (u, state) = row?;
            known.links.insert(u, state);
        }
        Ok(known)
    }

    /// Is an article with this key stored, and with which content hash?
    pub fn hash_of(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT content_hash FROM articles WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Store one source's results in one transaction: validators for the addresses fetched, the
    /// articles, and what became of a links list's addresses. Returns what happened to each
    /// article, in order.
    pub fn save_batch(
        &mut self,
        validators: &[(String, Validators)],
        articles: &[crate::collector::harvest::Harvested],
        filtered: &[Option<String>],
        links: &[crate::collector::harvest::LinkTry],
        mail: &[crate::collector::harvest::MailRef],
        now: DateTime<Utc>,
    ) -> Result<Vec<Stored>> {
        let tx = self.conn.transaction()?;
        let now_s = now.to_rfc3339();
        for m in mail {
            tx.execute(
                "INSERT OR IGNORE INTO mail_messages (key, source, validity, uid) VALUES (?1, ?2, ?3, ?4)",
                params![m.key, m.source, m.validity, m.uid],
            )?;
        }
        for l in links {
            tx.execute(
                "INSERT INTO links (url, done, tries, last_error, updated_at)
                   VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(url) DO UPDATE SET done = excluded.done,
                   tries = links.tries + excluded.tries, last_error = excluded.last_error,
                   updated_at = excluded.updated_at",
                params![
                    l.url,
                    l.error.is_none(),
                    u32::from(l.error.is_some()),
                    l.error,
                    now_s
                ],
            )?;
        }
        for (url, v) in validators {
            tx.execute(
                "INSERT INTO http_cache (url, etag, last_modified, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                   last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                params![url, v.etag, v.last_modified, now_s],
            )?;
        }
        let mut out = Vec::with_capacity(articles.len());
        for (i, h) in articles.iter().enumerate() {
            let (key, a, source_url) = (&h.key, &h.article, &h.source_url);
            let filtered_by = filtered.get(i).cloned().flatten();
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
                Some((old_id, _, old_topics)) => {
                    if self.deliver_updates {
                        self::update_of_delivered(&tx, key, &old_id, h, &hash, &now_s)?;
                    }
                    tx.execute(
                        "UPDATE articles SET content_hash = ?1, title = ?2, byline = coalesce(?3, byline),
                           published = coalesce(?4, published),
                           has_time = CASE WHEN ?4 IS NULL THEN has_time ELSE ?5 END,
                           lang = coalesce(?6, lang), summary = coalesce(?7, summary), topics = ?8,
                           body_html = ?9, base_url = ?10, url = ?11, updated_at = ?12, source = ?13,
                           raw_html = ?15, fetch_status = ?16, lead_image = coalesce(?17, lead_image),
                           raw_gzip = ?18, signature = ?19
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
                            Signature::of_html(&a.body_html).to_bytes(),
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
                           first_seen, updated_at, fetch_status, lead_image, raw_gzip, filtered, signature)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?17, ?14, ?15, ?16, ?16, ?18, ?19, ?20, ?21, ?22)",
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
                            filtered_by,
                            Signature::of_html(&a.body_html).to_bytes(),
                        ],
                    )?;
                    out.push(if filtered_by.is_some() {
                        Stored::Filtered
                    } else {
                        Stored::New
                    });
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// `[issue] updates = "deliver"`: a delivered article whose text grows substantially is
    /// stored again, as an update, when it is collected (off by default: an update is skipped).
    pub fn set_deliver_updates(&mut self, on: bool) {
        self.deliver_updates = on;
    }

    /// Newsletter messages whose `after` is owed: an issue holding their article is delivered,
    /// and nothing was done to them yet. Oldest first.
    pub fn mail_owed(&self) -> Result<Vec<crate::collector::harvest::MailRef>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.key, m.source, m.validity, m.uid FROM mail_messages m
              WHERE m.settled = 0 AND EXISTS (
                SELECT 1 FROM articles a JOIN issue_articles ia ON ia.article = a.id
                  JOIN issues i ON i.number = ia.issue
                 WHERE a.key = m.key AND i.state = 'delivered')
              ORDER BY m.rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::collector::harvest::MailRef {
                key: r.get(0)?,
                source: r.get(1)?,
                validity: r.get(2)?,
                uid: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Record that `after` was done to these messages (`error`: it could not be, and why; they
    /// stay owed).
    pub fn mail_settled(&mut self, keys: &[String], error: Option<&str>) -> Result<()> {
        let tx = self.conn.transaction()?;
        for k in keys {
            tx.execute(
                "UPDATE mail_messages SET settled = ?2, last_error = ?3 WHERE key = ?1",
                params![k, error.is_none(), error],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every stored article, newest first.
    pub fn articles(&self) -> Result<Vec<StoredArticle>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, key, title, byline, published, has_time, topics, source, url, lang, summary,
                    body_html, base_url, first_seen, lead_image,
                    EXISTS (SELECT 1 FROM issue_articles ia JOIN issues i ON i.number = ia.issue
                             WHERE ia.article = articles.id AND i.state = 'delivered'),
                    source_url,
                    settled = 0 AND NOT EXISTS
                      (SELECT 1 FROM issue_articles ia WHERE ia.article = articles.id),
                    signature, update_note
             FROM articles WHERE filtered IS NULL AND duplicate_of IS NULL
             ORDER BY coalesce(published, first_seen) DESC, title",
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
                    story: crate::model::StoryNote {
                        also_in: Vec::new(),
                        updated: r.get(19)?,
                    },
                },
                first_seen,
                delivered: r.get(15)?,
                source_url: r.get(16)?,
                pending: r.get(17)?,
                signature: r
                    .get::<_, Option<Vec<u8>>>(18)?
                    .and_then(|b| Signature::from_bytes(&b)),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each article an issue holds that is built or delivered (its story has gone out), with
    /// its signature, handed to `each` one at a time (a ledger's thousands are never held
    /// together).
    pub fn each_issued_story(&self, each: &mut dyn FnMut(IssuedStory)) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.title, a.source, a.url, a.signature FROM articles a
              WHERE a.signature IS NOT NULL AND EXISTS
                (SELECT 1 FROM issue_articles ia JOIN issues i ON i.number = ia.issue
                  WHERE ia.article = a.id AND i.state IN ('built', 'delivered'))",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let bytes: Vec<u8> = r.get(4)?;
            if let Some(signature) = Signature::from_bytes(&bytes) {
                each(IssuedStory {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    source: r.get(2)?,
                    url: r.get(3)?,
                    signature,
                });
            }
        }
        Ok(())
    }

    /// Record `(copy, earlier)`: articles that are copies of a story an issue already took
    /// (built or delivered). Final: no issue is needed for it, and none frees it. A copy another
    /// issue holds, or one already recorded, is left as it is. Returns how many were recorded.
    pub fn record_copies_of_issued(&mut self, copies: &[(&str, &str)]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut copy = tx.prepare(
                "UPDATE articles SET duplicate_of = ?2, duplicate_issue = NULL
                  WHERE id = ?1 AND duplicate_of IS NULL AND filtered IS NULL
                    AND NOT EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = ?1)
                    AND EXISTS (SELECT 1 FROM issue_articles ia JOIN issues i ON i.number = ia.issue
                                 WHERE ia.article = ?2 AND i.state IN ('built', 'delivered'))",
            )?;
            for (dup, of) in copies {
                n += copy.execute(params![dup, of])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// The articles recorded as copies of another's story, newest first.
    pub fn duplicate_articles(&self) -> Result<Vec<DuplicateArticle>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.title, d.source, d.url, k.title, k.source, k.url, d.duplicate_issue, d.first_seen
               FROM articles d JOIN articles k ON k.id = d.duplicate_of
              ORDER BY d.first_seen DESC, d.title",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DuplicateArticle {
                title: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
                of_title: r.get(3)?,
                of_source: r.get(4)?,
                of_url: r.get(5)?,
                issue: r.get(6)?,
                first_seen: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The copies an issue found of the stories it holds, as its report names them.
    pub fn issue_copies(&self, issue: u32) -> Result<Vec<crate::report::Duplicate>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.title, d.source, d.url, k.title, k.source, d.id, k.id
               FROM articles d JOIN articles k ON k.id = d.duplicate_of
              WHERE d.duplicate_issue = ?1 ORDER BY d.title",
        )?;
        let rows = stmt.query_map([issue], |r| {
            Ok(crate::report::Duplicate {
                title: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
                of: r.get(3)?,
                of_source: r.get(4)?,
                earlier: false,
                id: r.get(5)?,
                of_id: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One stored article by its id, its address or its key (feed GUID), for comparing.
    pub fn article_text(&self, which: &str) -> Result<Option<ArticleText>> {
        let found = self
            .conn
            .query_row(
                "SELECT id, title, source, url, signature, body_html, duplicate_of FROM articles
                  WHERE id = ?1 OR url = ?1 OR key = ?1 ORDER BY id = ?1 DESC LIMIT 1",
                [which],
                |r| {
                    let sig: Option<Vec<u8>> = r.get(4)?;
                    let body: String = r.get(5)?;
                    Ok(ArticleText {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        source: r.get(2)?,
                        url: r.get(3)?,
                        signature: sig
                            .and_then(|b| Signature::from_bytes(&b))
                            .unwrap_or_else(|| Signature::of_html(&body)),
                        duplicate_of: r.get(6)?,
                    })
                },
            )
            .optional()?;
        Ok(found)
    }

    /// The articles the filters left out, newest first: title, source, address, the entry that
    /// matched, and when it was collected.
    pub fn filtered_articles(&self) -> Result<Vec<FilteredArticle>> {
        let mut stmt = self.conn.prepare(
            "SELECT title, source, url, filtered, first_seen FROM articles
              WHERE filtered IS NOT NULL ORDER BY first_seen DESC, title",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FilteredArticle {
                title: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
                rule: r.get(3)?,
                first_seen: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Take the next issue number and reserve `article_ids` and the files it will write, in one
    /// transaction: the issue is `building` until [`Store::mark_built`]. With `exclusive`, an
    /// article another issue already holds is a [`Conflict`] and nothing is reserved (two builds
    /// never put the same pending article in two issues). Articles that are not in the ledger
    /// (local files named on the command line) are not tracked.
    pub fn reserve_issue(
        &mut self,
        new: &NewIssue,
        article_ids: &[&str],
        exclusive: bool,
        files: &dyn Fn(u32) -> Vec<(std::path::PathBuf, FileRole)>,
    ) -> Result<u32> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let number: u32 =
            tx.query_row("SELECT coalesce(max(number), 0) + 1 FROM issues", [], |r| {
                r.get(0)
            })?;
        let files = files(number);
        let book = files
            .iter()
            .find(|(_, role)| *role == FileRole::Book)
            .map(|(p, _)| p.display().to_string());
        tx.execute(
            "INSERT INTO issues (number, title, date, path, built_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, 'building')",
            params![
                number,
                new.title,
                new.date.to_string(),
                book,
                new.now.to_rfc3339()
            ],
        )?;
        if exclusive {
            let mut held = tx.prepare(
                "SELECT a.title FROM issue_articles ia JOIN articles a ON a.id = ia.article
                 WHERE ia.article = ?1 LIMIT 1",
            )?;
            for id in article_ids {
                if let Some(title) = held.query_row([id], |r| r.get::<_, String>(0)).optional()? {
                    return Err(Conflict { title }.into());
                }
            }
        }
        {
            let mut add = tx.prepare(
                "INSERT OR IGNORE INTO issue_articles (issue, article)
                 SELECT ?1, id FROM articles WHERE id = ?2",
            )?;
            for id in article_ids {
                add.execute(params![number, id])?;
            }
            let mut file = tx.prepare(
                "INSERT OR IGNORE INTO issue_files (issue, path, role) VALUES (?1, ?2, ?3)",
            )?;
            for (path, role) in &files {
                file.execute(params![number, path.display().to_string(), role.as_str()])?;
            }
            // A copy is recorded only while no issue holds it and its story is in this one.
            let mut copy = tx.prepare(
                "UPDATE articles SET duplicate_of = ?2, duplicate_issue = ?3
                  WHERE id = ?1 AND duplicate_of IS NULL AND filtered IS NULL
                    AND NOT EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = ?1)
                    AND EXISTS (SELECT 1 FROM issue_articles ia WHERE ia.article = ?2 AND ia.issue = ?3)",
            )?;
            for (dup, kept) in new.copies {
                copy.execute(params![dup, kept, number])?;
            }
        }
        tx.commit()?;
        Ok(number)
    }

    /// The book of a `building` issue is written: it holds exactly `article_ids` (an article
    /// left out on the way, by a size budget or a crash while formatting, is pending again).
    pub fn settle_articles(&mut self, number: u32, article_ids: &[&str]) -> Result<()> {
        let tx = self.conn.transaction()?;
        let held: Vec<String> = {
            let mut stmt = tx.prepare("SELECT article FROM issue_articles WHERE issue = ?1")?;
            stmt.query_map([number], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let keep: std::collections::HashSet<&str> = article_ids.iter().copied().collect();
        for id in held.iter().filter(|id| !keep.contains(id.as_str())) {
            tx.execute(
                "DELETE FROM issue_articles WHERE issue = ?1 AND article = ?2",
                params![number, id],
            )?;
            tx.execute(
                "UPDATE articles SET duplicate_of = NULL, duplicate_issue = NULL
                  WHERE duplicate_issue = ?1 AND duplicate_of = ?2",
                params![number, id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The issue's book is in place: it waits for `targets` (key, label) in the outbox, or, with
    /// none, writing it was its delivery.
    pub fn mark_built(
        &mut self,
        number: u32,
        targets: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (key, label) in targets {
            tx.execute(
                "INSERT OR IGNORE INTO deliveries (issue, target, label, state, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4)",
                params![number, key, label, now.to_rfc3339()],
            )?;
        }
        let state = if targets.is_empty() {
            IssueState::Delivered
        } else {
            IssueState::Built
        };
        tx.execute(
            "UPDATE issues SET state = ?2 WHERE number = ?1",
            params![number, state.as_str()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forget an issue whose book was never put in place: its articles are pending again.
    pub fn abandon_issue(&mut self, number: u32) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE articles SET duplicate_of = NULL, duplicate_issue = NULL
              WHERE duplicate_issue = ?1",
            [number],
        )?;
        for table in ["issue_articles", "issue_files", "deliveries"] {
            tx.execute(&format!("DELETE FROM {table} WHERE issue = ?1"), [number])?;
        }
        tx.execute("DELETE FROM issues WHERE number = ?1", [number])?;
        tx.commit()?;
        Ok(())
    }

    /// Issues in a state, oldest first, with their files.
    pub fn issues_in(&self, state: IssueState) -> Result<Vec<IssueRecord>> {
        let mut stmt = self
            .conn
            .prepare("SELECT number, title, date FROM issues WHERE state = ?1 ORDER BY number")?;
        let rows: Vec<(u32, String, String)> = stmt
            .query_map([state.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut files = self
            .conn
            .prepare("SELECT path, role FROM issue_files WHERE issue = ?1 ORDER BY path")?;
        let mut out = Vec::with_capacity(rows.len());
        for (number, title, date) in rows {
            let files = files
                .query_map([number], |r| {
                    Ok((
                        std::path::PathBuf::from(r.get::<_, String>(0)?),
                        FileRole::parse(&r.get::<_, String>(1)?),
                    ))
                })?
                .collect::<Result<_, _>>()?;
            out.push(IssueRecord {
                number,
                title,
                date,
                state,
                files,
            });
        }
        Ok(out)
    }

    /// The outbox: every delivery of a `built` issue not yet done, oldest issue first.
    pub fn undelivered(&self) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.issue, d.target, d.label, d.state, d.reason, d.attempts
             FROM deliveries d JOIN issues i ON i.number = d.issue
             WHERE i.state = 'built' AND d.state IN ('pending', 'failed')
             ORDER BY d.issue, d.target",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxEntry {
                issue: r.get(0)?,
                target: r.get(1)?,
                label: r.get(2)?,
                failed: r.get::<_, String>(3)? == "failed",
                reason: r.get(4)?,
                attempts: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record one delivery attempt; an issue whose every target has it becomes `delivered`.
    /// `Err` carries the reason it failed. `cancelled` (the target left the config) counts as
    /// done.
    pub fn record_delivery(
        &mut self,
        issue: u32,
        target: &str,
        outcome: DeliveryOutcome<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let (state, reason) = match outcome {
            DeliveryOutcome::Delivered(detail) => ("delivered", Some(detail)),
            DeliveryOutcome::Failed(why) => ("failed", Some(why)),
            DeliveryOutcome::Cancelled => ("cancelled", None),
        };
        tx.execute(
            "UPDATE deliveries SET state = ?3, reason = ?4, updated_at = ?5,
               attempts = attempts + CASE WHEN ?3 = 'cancelled' THEN 0 ELSE 1 END
             WHERE issue = ?1 AND target = ?2",
            params![issue, target, state, reason, now.to_rfc3339()],
        )?;
        let open: i64 = tx.query_row(
            "SELECT count(*) FROM deliveries WHERE issue = ?1 AND state IN ('pending', 'failed')",
            [issue],
            |r| r.get(0),
        )?;
        if open == 0 {
            tx.execute(
                "UPDATE issues SET state = 'delivered' WHERE number = ?1 AND state = 'built'",
                [issue],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Whether any target of the issue has it already.
    pub fn delivered_anywhere(&self, issue: u32) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM deliveries WHERE issue = ?1 AND state = 'delivered')",
            [issue],
            |r| r.get(0),
        )?)
    }

    /// Every file the ledger records as written by one of its issues (each path once).
    pub fn recorded_files(&self) -> Result<Vec<PathBuf>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT path FROM issue_files ORDER BY path")?;
        let paths = stmt
            .query_map([], |r| Ok(PathBuf::from(r.get::<_, String>(0)?)))?
            .collect::<Result<_, _>>()?;
        Ok(paths)
    }

    /// Forget files `keep` removed (or that are gone).
    pub fn forget_file(&mut self, issue: u32, path: &Path) -> Result<()> {
        self.conn.execute(
            "DELETE FROM issue_files WHERE issue = ?1 AND path = ?2",
            params![issue, path.display().to_string()],
        )?;
        Ok(())
    }

    /// The titles of the articles an issue holds, in the order they were reserved (the book's).
    pub fn issue_titles(&self, issue: u32) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.title FROM issue_articles ia JOIN articles a ON a.id = ia.article
             WHERE ia.issue = ?1 ORDER BY ia.rowid",
        )?;
        Ok(stmt
            .query_map([issue], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    /// The article ids an issue holds.
    pub fn issue_articles(&self, issue: u32) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT article FROM issue_articles WHERE issue = ?1 ORDER BY article")?;
        Ok(stmt
            .query_map([issue], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }
}

/// What [`Store::reserve_issue`] records of a new issue.
pub struct NewIssue<'a> {
    pub title: &'a str,
    pub date: chrono::NaiveDate,
    pub now: DateTime<Utc>,
    /// `(copy, kept)`: articles that are copies of an article this issue holds, recorded as
    /// such with the reservation (and freed again if the issue is forgotten or `kept` leaves it).
    pub copies: &'a [(&'a str, &'a str)],
}

/// Why the ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the ledger's folder {}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the ledger {}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the ledger {} cannot be used", path.display())]
    Unusable {
        path: PathBuf,
        source: Box<StoreError>,
    },
    #[error("it was written by a newer inkquire (schema {found}, this one knows {SCHEMA_VERSION})")]
    Newer { found: i32 },
    #[error("it is a SQLite database but not an inkquire ledger (it was left as it is)")]
    Foreign,
    #[error("cannot save a copy of the ledger before upgrading it to {}", path.display())]
    Backup {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("upgrading the ledger from schema {at}")]
    Upgrade { at: i32, source: rusqlite::Error },
    #[error("cannot copy the ledger {}", path.display())]
    Copy {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Conflict(#[from] Conflict),
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    /// What kind of failure this is, for the report and the command line's advice.
    pub fn kind(&self) -> crate::report::Kind {
        use crate::report::Kind;
        match self {
            StoreError::Folder { source, .. } => Kind::of_io(source),
            StoreError::Unusable { source, .. } => source.kind(),
            StoreError::Conflict(_) => Kind::Conflict,
            StoreError::Newer { .. } | StoreError::Foreign => Kind::Ledger,
            StoreError::Open { source, .. }
            | StoreError::Backup { source, .. }
            | StoreError::Upgrade { source, .. }
            | StoreError::Copy { source, .. }
            | StoreError::Sql(source) => Kind::of_sql(source),
        }
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Another issue already holds an article this one was to hold.
#[derive(Debug, thiserror::Error)]
#[error("another issue already holds “{title}”: two builds ran on one ledger at once")]
pub struct Conflict {
    pub title: String,
}

/// Where an issue is on its way to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueState {
    /// Number and articles reserved; the book is not in place yet.
    Building,
    /// The book is in place; deliveries are in the outbox.
    Built,
    /// Every target has it.
    Delivered,
}

impl IssueState {
    fn as_str(self) -> &'static str {
        match self {
            IssueState::Building => "building",
            IssueState::Built => "built",
            IssueState::Delivered => "delivered",
        }
    }
}

/// What a file an issue wrote is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    Book,
    Kepub,
    Report,
}

impl FileRole {
    fn as_str(self) -> &'static str {
        match self {
            FileRole::Book => "book",
            FileRole::Kepub => "kepub",
            FileRole::Report => "report",
        }
    }

    fn parse(s: &str) -> FileRole {
        match s {
            "kepub" => FileRole::Kepub,
            "report" => FileRole::Report,
            _ => FileRole::Book,
        }
    }
}

/// An issue as the ledger knows it.
#[derive(Debug, Clone)]
pub struct IssueRecord {
    pub number: u32,
    pub title: String,
    pub date: String,
    pub state: IssueState,
    /// Every file it wrote, with what it is.
    pub files: Vec<(std::path::PathBuf, FileRole)>,
}

impl IssueRecord {
    pub fn file(&self, role: FileRole) -> Option<&Path> {
        self.files
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(p, _)| p.as_path())
    }
}

/// One delivery still owed.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub issue: u32,
    /// The target's stable key (its config entry as JSON).
    pub target: String,
    /// The target as the user knows it.
    pub label: String,
    pub failed: bool,
    pub reason: Option<String>,
    pub attempts: u32,
}

/// What one delivery attempt did.
pub enum DeliveryOutcome<'a> {
    Delivered(&'a str),
    Failed(&'a str),
    /// The target is no longer in the config.
    Cancelled,
}

/// The locks that keep runs on one ledger apart, keyed by the ledger file's resolved path (a
/// symlink or a `..` reaches the same lock), in files beside it:
///
/// - the *run* lock (`<ledger>.lock`): one `digest` or `build` that records issues at a time;
/// - the *store* lock (`<ledger>.store.lock`): builders hold it alone, any number of `collect`s
///   share it. A collect that meets a build waits for it, and a build waits for collects.
#[derive(Debug)]
pub struct LedgerLock {
    _files: Vec<std::fs::File>,
    /// The run lock's file.
    pub path: std::path::PathBuf,
}

/// Why a lock could not be had.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another inkquire run holds the ledger's lock {}", .0.display())]
    Busy(std::path::PathBuf),
    #[error("cannot lock the ledger ({}): {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl LedgerLock {
    /// The ledger's resolved path: symlinks followed, for a ledger not yet made its folder's.
    pub fn resolve(ledger: &Path) -> std::io::Result<std::path::PathBuf> {
        if let Ok(p) = ledger.canonicalize() {
            return Ok(p);
        }
        let name = ledger
            .file_name()
            .ok_or_else(|| std::io::Error::other("the ledger path names no file"))?;
        let dir = match ledger.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Ok(dir.canonicalize()?.join(name))
    }

    fn lock_file(path: &Path) -> Result<std::fs::File, LockError> {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|source| LockError::Io {
                path: path.to_owned(),
                source,
            })
    }

    fn paths(ledger: &Path) -> Result<(std::path::PathBuf, std::path::PathBuf), LockError> {
        let real = Self::resolve(ledger).map_err(|source| LockError::Io {
            path: ledger.to_owned(),
            source,
        })?;
        Ok((
            real.with_extension("lock"),
            real.with_extension("store.lock"),
        ))
    }

    /// For a run that records issues (`digest`, `build` with a ledger). `wait`: wait for another
    /// run instead of answering [`LockError::Busy`]; `on_wait` is told once before waiting
    /// (for another run, or for collects that are storing).
    pub fn exclusive(
        ledger: &Path,
        wait: bool,
        on_wait: &dyn Fn(&Path),
    ) -> Result<LedgerLock, LockError> {
        let (run, store) = Self::paths(ledger)?;
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| LockError::Io { path, source }
        };
        let run_file = Self::lock_file(&run)?;
        match run_file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) if wait => {
                on_wait(&run);
                run_file.lock().map_err(io(&run))?;
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(LockError::Busy(run)),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&run)(e)),
        }
        let store_file = Self::lock_file(&store)?;
        match store_file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                on_wait(&store);
                store_file.lock().map_err(io(&store))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&store)(e)),
        }
        Ok(LedgerLock {
            _files: vec![run_file, store_file],
            path: run,
        })
    }

    /// No lock at all (for [`Held::unlocked`]).
    fn none() -> LedgerLock {
        LedgerLock {
            _files: Vec::new(),
            path: std::path::PathBuf::new(),
        }
    }

    /// For `collect`: shared with other collects; waits while a build holds the ledger.
    pub fn shared(ledger: &Path, on_wait: &dyn Fn(&Path)) -> Result<LedgerLock, LockError> {
        let (run, store) = Self::paths(ledger)?;
        let file = Self::lock_file(&store)?;
        match file.try_lock_shared() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                on_wait(&store);
                file.lock_shared().map_err(|source| LockError::Io {
                    path: store.clone(),
                    source,
                })?;
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(LockError::Io {
                    path: store,
                    source,
                });
            }
        }
        Ok(LedgerLock {
            _files: vec![file],
            path: run,
        })
    }
}

/// A ledger held by one command, opened as every command that uses one opens it: its folder
/// made, its lock taken (a recording run's alone, or shared among collects), then the database
/// opened. The lock lasts as long as this does.
pub struct Held {
    pub store: Store,
    _lock: LedgerLock,
}

/// Why a ledger could not be held.
#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Held {
    /// For a run that records issues (`digest`, `build` with a ledger): see
    /// [`LedgerLock::exclusive`].
    pub fn for_run(path: &Path, wait: bool, on_wait: &dyn Fn(&Path)) -> Result<Held, HoldError> {
        make_folder(path)?;
        let lock = LedgerLock::exclusive(path, wait, on_wait)?;
        Ok(Held {
            store: Store::open(path)?,
            _lock: lock,
        })
    }

    /// Without a lock, for a command that only reads (`list`).
    pub fn unlocked(path: &Path) -> Result<Held, HoldError> {
        make_folder(path)?;
        Ok(Held {
            store: Store::open(path)?,
            _lock: LedgerLock::none(),
        })
    }

    /// The ledger and its lock, apart (keep the lock bound to a name while the ledger is used).
    pub fn into_parts(self) -> (Store, LedgerLock) {
        (self.store, self._lock)
    }

    /// For `collect` and `save`: shared with other collects, waiting while a build holds it.
    pub fn for_collect(path: &Path, on_wait: &dyn Fn(&Path)) -> Result<Held, HoldError> {
        make_folder(path)?;
        let lock = LedgerLock::shared(path, on_wait)?;
        Ok(Held {
            store: Store::open(path)?,
            _lock: lock,
        })
    }
}

/// The folder of the ledger at `path`, made when missing (the lock is resolved inside it).
fn make_folder(path: &Path) -> Result<(), StoreError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.to_owned(),
                source,
            })
        }
        _ => Ok(()),
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

/// The article at `key` (`old_id`) changed to `h`'s text: when an issue holds it and the new
/// text adds enough (`dedupe::Change::is_substantial`), store the new version as an article of
/// its own, pending, noting what changed — in the same transaction as the change itself. The
/// same version is stored once (its key names its text's hash).
fn update_of_delivered(
    tx: &rusqlite::Transaction,
    key: &str,
    old_id: &str,
    h: &crate::collector::harvest::Harvested,
    hash: &str,
    now: &str,
) -> rusqlite::Result<()> {
    let held: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM issue_articles WHERE article = ?1)",
        [old_id],
        |r| r.get(0),
    )?;
    if !held {
        return Ok(());
    }
    let old_body: String = tx.query_row(
        "SELECT body_html FROM articles WHERE id = ?1",
        [old_id],
        |r| r.get(0),
    )?;
    let a = &h.article;
    let change = crate::dedupe::Change::between(&old_body, &a.body_html);
    if !change.is_substantial() {
        return Ok(());
    }
    let update_key = format!("{key}#update-{hash}");
    let id = crate::ids::short_hash(&update_key);
    tx.execute(
        "INSERT OR IGNORE INTO articles (id, key, content_hash, source, source_url, url, title, byline,
           published, has_time, lang, summary, topics, raw_html, body_html, base_url,
           first_seen, updated_at, fetch_status, lead_image, raw_gzip, signature, update_of, update_note)
         SELECT ?1, ?2, ?3, ?4, source_url, ?5, ?6, ?7, ?8, ?9, ?10, ?11, topics, NULL, ?12, ?13,
                ?14, ?14, 'ok', ?15, NULL, ?16, ?17, ?18
           FROM articles WHERE id = ?17",
        params![
            id,
            update_key,
            format!("update-{hash}"),
            a.source,
            a.url,
            a.title,
            a.byline,
            a.published.map(|p| p.at.to_rfc3339()),
            a.published.is_some_and(|p| p.has_time),
            a.lang,
            a.summary,
            a.body_html,
            a.base.url,
            now,
            a.lead_image,
            Signature::of_html(&a.body_html).to_bytes(),
            old_id,
            change.describe(),
        ],
    )?;
    Ok(())
}

/// Every stored article's signature, for a ledger upgraded to v7: computed from its body, in
/// the upgrade's transaction.
fn fill_signatures(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let rows: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT id, body_html FROM articles WHERE signature IS NULL")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut set = tx.prepare("UPDATE articles SET signature = ?2 WHERE id = ?1")?;
    for (id, body) in rows {
        set.execute(params![id, Signature::of_html(&body).to_bytes()])?;
    }
    Ok(())
}

/// Hash of what makes two copies the same story: the title and the body's words.
pub fn content_hash(a: &Article) -> String {
    crate::ids::content_hash(&a.title, &a.body_html)
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
            crate::ids::short_hash(&words.join(" "))
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
    use crate::collector::harvest::Harvested;

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
                story: Default::default(),
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
        s.save_batch(&[], &[harvested(Some("Ann"))], &[], &[], &[], Utc::now())
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
        s.save_batch(&[], &[harvested(None)], &[], &[], &[], Utc::now())
            .unwrap();
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
                s.save_batch(&[], &[harvested(b)], &[], &[], &[], Utc::now())
                    .unwrap();
            }
            let all = s.articles().unwrap();
            assert_eq!(all.len(), 1);
            assert_eq!(all[0].article.byline.as_deref(), Some("Ann"), "{order:?}");
        }
    }
}
