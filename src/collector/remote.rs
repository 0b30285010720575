//! Sources: the one place a source's kind is chosen. Each kind lives in a file of its own,
//! entered the same way (`collect(s, ctx) -> SourceResult`):
//!
//! - a feed, a single page or a site's page, by address or file (`web.rs`);
//! - a read-later list (`links.rs`);
//! - a mail folder of newsletters (`mailbox.rs`);
//! - a local folder or article file (`local.rs`).
//!
//! Sources are worked on in parallel; a failing source is a result like any other, never a
//! stop. Nothing here writes: the caller stores the results. Adding a kind is a new file and
//! one line in [`kind_of`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::feed::{self, DocKind};
use super::{links, local, mailbox, web};
use crate::config::{Config, SourceConfig};
use crate::fetch::Fetcher;
use crate::model::Validators;
use crate::report::{Failure, Kind};

pub use super::context::Collect;
pub use super::harvest::{
    Harvest, Harvested, Known, LinkState, LinkTry, MailRef, SourceResult, gzip_fast,
};
pub use super::offer::Offer;
pub use super::page::{canonical_url, page_at};
use super::page::{get_plain, read_source};

/// The kinds of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Web,
    Links,
    Mailbox,
    Local,
}

/// Which kind `s` is: as its `kind` says, else a path to local articles, else by content over
/// the web or from its file.
fn kind_of(s: &SourceConfig, max_bytes: u64) -> SourceKind {
    match s.kind {
        Some(crate::config::SourceKind::Links) => SourceKind::Links,
        Some(crate::config::SourceKind::Imap) => SourceKind::Mailbox,
        None if s.url.is_none()
            && s.path
                .as_deref()
                .is_some_and(|p| local::is_articles(p, max_bytes)) =>
        {
            SourceKind::Local
        }
        None => SourceKind::Web,
    }
}

/// Collect one source, by its kind.
fn collect_one(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    let collect: fn(&SourceConfig, &Collect) -> SourceResult =
        match kind_of(s, ctx.config.input.max_bytes()) {
            SourceKind::Web => web::collect,
            SourceKind::Links => links::collect,
            SourceKind::Mailbox => mailbox::collect,
            SourceKind::Local => local::collect,
        };
    collect(s, ctx)
}

/// Collect every source. Each result is handed to `sink` on the calling thread as soon as its
/// source is done (so the caller can store it at once), with the source's position in the
/// expanded list; OPML lists count as the feeds they list.
pub fn collect_sources(
    sources: &[SourceConfig],
    ctx: &Collect,
    sink: &mut dyn FnMut(usize, SourceResult),
) {
    // OPML lists expand into the feeds they list (fetched once, here).
    let mut expanded: Vec<SourceConfig> = Vec::new();
    let mut early: Vec<SourceResult> = Vec::new();
    for s in sources {
        match opml_children(s, ctx) {
            Ok(Some(children)) => expanded.extend(children),
            Ok(None) => expanded.push(s.clone()),
            Err(e) => early.push(SourceResult {
                location: s.location(),
                name: s.name.clone().unwrap_or_else(|| s.location()),
                outcome: Err(e),
                warnings: Vec::new(),
            }),
        }
    }
    let n_early = early.len();
    for (i, r) in early.into_iter().enumerate() {
        sink(i, r);
    }
    let next = AtomicUsize::new(0);
    let workers = ctx.workers.clamp(1, expanded.len().max(1));
    let (tx, rx) = std::sync::mpsc::channel::<(usize, SourceResult)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, expanded) = (&next, &expanded);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(src) = expanded.get(i) else { break };
                    // A bug met on one source's content must not cost the others.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        collect_one(src, ctx)
                    }))
                    .unwrap_or_else(|panic| SourceResult {
                        location: src.location(),
                        name: src.name.clone().unwrap_or_else(|| src.location()),
                        outcome: Err(Failure::new(
                            Kind::Bug,
                            format!(
                                "inkquire failed on this source (a bug; please report it): {}",
                                panic
                                    .downcast_ref::<String>()
                                    .map(String::as_str)
                                    .or(panic.downcast_ref::<&str>().copied())
                                    .unwrap_or("panic")
                            ),
                        )),
                        warnings: Vec::new(),
                    });
                    if tx.send((n_early + i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            sink(i, r);
        }
    });
}

/// If `s` is an OPML list, the sources it names (inheriting its topics and settings).
fn opml_children(s: &SourceConfig, ctx: &Collect) -> Result<Option<Vec<SourceConfig>>, Failure> {
    let looks_opml = s.url.as_deref().is_some_and(|u| u.ends_with(".opml"))
        || s.path
            .as_ref()
            .is_some_and(|p| p.extension().is_some_and(|e| e == "opml"));
    if !looks_opml {
        return Ok(None);
    }
    let (bytes, _) = match read_source(s, ctx, &Validators::default())? {
        Some(x) => x,
        None => return Ok(None),
    };
    if feed::sniff(&bytes) != DocKind::Opml {
        return Ok(None);
    }
    let feeds = feed::parse_opml(&bytes).map_err(|e| Failure::new(Kind::Parse, e.to_string()))?;
    Ok(Some(
        feeds
            .into_iter()
            .map(|(url, title, category)| {
                let mut topics = s.topics.clone();
                topics.extend(category);
                let resolved = match &s.url {
                    Some(base) => url::Url::parse(base)
                        .and_then(|b| b.join(&url))
                        .map(|u| u.to_string())
                        .unwrap_or(url),
                    None => url,
                };
                SourceConfig {
                    url: Some(resolved),
                    path: None,
                    name: title,
                    topics,
                    ..s.clone()
                }
            })
            .collect(),
    ))
}

/// Look at the source `s` as collecting would, fetching now: what it is, and for a site's
/// page every feed it names (`all`), or the first that reads. Nothing is stored.
pub fn offer(
    s: &SourceConfig,
    fetcher: &dyn Fetcher,
    config: &Config,
    all: bool,
) -> Result<Offer, Failure> {
    if s.kind == Some(crate::config::SourceKind::Imap) {
        return mailbox::look(s, config).map(|unread| Offer::Mailbox { unread });
    }
    let (bytes, page_url) = match (&s.url, &s.path) {
        (Some(u), _) => {
            fetcher.allow_private(u);
            let page = match super::login::of(s)? {
                Some(creds) => get_plain(
                    &crate::fetch::WithCredentials {
                        inner: fetcher,
                        creds: &creds,
                    },
                    u,
                )?,
                None => get_plain(fetcher, u)?,
            };
            (page.body, Some(page.url))
        }
        (None, Some(p)) => (local::read_local(p, config.input.max_bytes())?, None),
        (None, None) => return Err(Failure::from("no url or path")),
    };
    if s.kind == Some(crate::config::SourceKind::Links) {
        let (text, mut odd) =
            links::text_of(&bytes).map_err(|e| Failure::new(Kind::Parse, e.to_string()))?;
        let (links, more) = links::parse(&text);
        odd.extend(more);
        return Ok(Offer::Links {
            links: links.len(),
            odd,
        });
    }
    web::offer(s, &bytes, page_url, fetcher, config, all)
}

/// Split command-line inputs into local articles (files and folders read straight in) and
/// sources to collect (URLs, and files that are feeds or OPML lists), by the same test a
/// `[[source]] path` gets.
pub fn classify(
    inputs: &[String],
    max_bytes: u64,
) -> (Vec<PathBuf>, Vec<crate::config::SourceConfig>) {
    let mut local = Vec::new();
    let mut sources = Vec::new();
    for arg in inputs {
        let path = PathBuf::from(arg);
        if arg.starts_with("http://") || arg.starts_with("https://") {
            sources.push(crate::config::SourceConfig::from_arg(arg));
        } else if !path.exists() || local::is_articles(&path, max_bytes) {
            local.push(path);
        } else {
            sources.push(crate::config::SourceConfig::from_arg(arg));
        }
    }
    (local, sources)
}
