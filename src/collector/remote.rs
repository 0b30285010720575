//! Sources: feeds, OPML lists and single web pages, by URL or by file path.
//!
//! Each source is fetched (conditionally, with the validators the ledger kept), recognised by its
//! content, and read into articles. Items that carry only a summary get their linked page fetched
//! and reduced to the article (`full-text = "auto"`); per-source `keep`/`remove` selectors
//! override extraction. Sources are worked on in parallel; a failing source is a result like any
//! other, never a stop. Nothing here writes: the caller stores the results.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;

use super::discover;
use super::feed::{self, DocKind, Item};
use super::{html, normalize_lang, short_hash};
use crate::config::{Config, FullText, SourceConfig};
use crate::fetch::{Fetched, Fetcher, Validators};
use crate::model::{Article, Base};
use crate::report::{Failure, Kind};

/// Items whose text is shorter than this (characters) are summaries: `auto` fetches their page.
const SUMMARY_CHARS: usize = 600;

/// What the ledger already knows, so workers can ask without a database handle.
#[derive(Debug, Default)]
pub struct Known {
    /// Validators by URL.
    pub validators: HashMap<String, Validators>,
    /// Keys of stored articles.
    pub keys: HashSet<String>,
    /// What became of the addresses of read-later lists.
    pub links: HashMap<String, LinkState>,
}

/// What the ledger knows of an address of a read-later list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkState {
    /// Its page is stored.
    pub done: bool,
    /// How often fetching it failed.
    pub tries: u32,
}

/// Where a newsletter article's message is, for what `after` asks once it is delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRef {
    /// The article's key.
    pub key: String,
    /// The source's location (`imap://user@host:port/folder`).
    pub source: String,
    /// The folder's UIDVALIDITY when the message was read.
    pub validity: u32,
    pub uid: u32,
}

/// One try at an address of a read-later list, for the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTry {
    pub url: String,
    /// Why it failed; `None` when its page is stored (or was already).
    pub error: Option<String>,
}

/// One source's harvest.
#[derive(Debug)]
pub struct SourceResult {
    /// The source as configured (its location is the report's name for it).
    pub location: String,
    /// The name shown for its articles.
    pub name: String,
    pub outcome: Result<Harvest, Failure>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Harvest {
    /// The source itself answered 304: nothing new.
    pub not_modified: bool,
    /// The source is a site's page, and this is the feed it stands for (found on the page, or
    /// at a usual place).
    pub discovered: Option<String>,
    /// The source is a read-later list (nothing new in it is no failure).
    pub list: bool,
    /// What became of the list's addresses tried this time.
    pub links: Vec<LinkTry>,
    /// Where each newsletter article's message is.
    pub mail: Vec<MailRef>,
    /// Items in the source that are already in the ledger and were not fetched again.
    pub known: usize,
    /// Validators of every address fetched.
    pub validators: Vec<(String, Validators)>,
    pub articles: Vec<Harvested>,
}

/// One article as collected, with what the ledger keeps beside it.
#[derive(Debug, Clone)]
pub struct Harvested {
    /// Canonical URL, else GUID.
    pub key: String,
    pub article: Article,
    /// The feed or page address it came from.
    pub source_url: Option<String>,
    /// The feed item's HTML, when no article page was fetched.
    pub raw_html: Option<String>,
    /// Instead of `raw_html`, the article page gzip-compressed: as the server sent it, or
    /// compressed here when it came plain.
    pub raw_gzip: Option<Vec<u8>>,
    /// `ok`, or why the full text could not be had.
    pub status: String,
}

pub struct Collect<'a> {
    pub fetcher: &'a dyn Fetcher,
    pub config: &'a Config,
    pub known: &'a Known,
    /// Workers fetching sources at once.
    pub workers: usize,
    /// Told of each new article as soon as it is read, before its source is done (a build uses
    /// it to start on the article's pictures while other pages are still arriving).
    pub on_article: Option<&'a (dyn Fn(&Article) + Sync)>,
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

/// The source's bytes and its final address; `None` when the server said 304.
#[allow(clippy::type_complexity)]
fn read_source(
    s: &SourceConfig,
    ctx: &Collect,
    v: &Validators,
) -> Result<Option<(Vec<u8>, Option<(String, Validators)>)>, Failure> {
    if let Some(url) = &s.url {
        return match ctx.fetcher.get(url, v) {
            Ok(Fetched::NotModified) => Ok(None),
            Ok(Fetched::Body(page)) => Ok(Some((page.body, Some((page.url, page.validators))))),
            Err(e) => Err(e.into()),
        };
    }
    let path = s.path.as_ref().ok_or("no url or path")?;
    Ok(super::read_local(path, ctx.config.input.max_bytes()).map(|b| Some((b, None)))?)
}

/// A source that is a folder of articles, or one Markdown/text/HTML article file (not a feed).
pub(crate) fn local_articles(path: &std::path::Path, max_bytes: u64) -> bool {
    use super::Kind;
    path.is_dir()
        || matches!(Kind::of(path), Some(Kind::Markdown | Kind::Text))
        || (Kind::of(path) == Some(Kind::Html)
            && super::read_local(path, max_bytes).is_ok_and(|b| feed::sniff(&b) == DocKind::Page))
}

/// Read a local folder or article file as a source: each article keyed by its file.
fn collect_local_source(s: &SourceConfig, path: &std::path::Path, ctx: &Collect) -> SourceResult {
    let mut report = crate::report::Report::default();
    let articles = super::collect_local(
        &[path.to_path_buf()],
        ctx.config.input.max_bytes(),
        s.keep_non_articles,
        &mut report,
    );
    let mut harvest = Harvest::default();
    for mut a in articles {
        let key = format!("file:{}", a.id);
        if ctx.known.keys.contains(&key) {
            harvest.known += 1;
            continue;
        }
        // The ledger keeps the folder as a file: URL so local pictures are found later.
        a.base.url = a
            .base
            .dir
            .as_deref()
            .and_then(|d| url::Url::from_directory_path(d).ok())
            .map(|u| u.to_string())
            .or(a.base.url);
        if let Some(name) = &s.name {
            a.source = name.clone();
        }
        for t in &s.topics {
            let t = t.to_lowercase();
            if !a.topics.contains(&t) {
                a.topics.push(t);
            }
        }
        if let Some(tell) = ctx.on_article {
            tell(&a);
        }
        harvest.articles.push(Harvested {
            key,
            article: a,
            source_url: None,
            raw_html: None,
            raw_gzip: None,
            status: "ok".into(),
        });
    }
    let mut warnings: Vec<String> = report
        .warnings
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect();
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect();
    let outcome = if failures.is_empty() || !harvest.articles.is_empty() || harvest.known > 0 {
        warnings.extend(failures);
        Ok(harvest)
    } else {
        // The kind every file failed for, if they agree.
        let first = report.failures[0].kind;
        let kind = if report.failures.iter().all(|p| p.kind == first) {
            first
        } else {
            Kind::Other
        };
        Err(Failure::new(kind, failures.join("; ")))
    };
    SourceResult {
        location: s.location(),
        name: s.name.clone().unwrap_or_else(|| s.location()),
        outcome,
        warnings,
    }
}

fn collect_one(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    match s.kind {
        Some(crate::config::SourceKind::Links) => return collect_links(s, ctx),
        Some(crate::config::SourceKind::Imap) => return super::mailbox::collect(s, ctx),
        None => {}
    }
    if let Some(p) = s
        .path
        .as_deref()
        .filter(|p| s.url.is_none() && local_articles(p, ctx.config.input.max_bytes()))
    {
        return collect_local_source(s, p, ctx);
    }
    let mut warnings = Vec::new();
    let location = s.location();
    let v = s
        .url
        .as_ref()
        .and_then(|u| ctx.known.validators.get(u).cloned())
        .unwrap_or_default();
    let mut harvest = Harvest::default();
    let fetched = match read_source(s, ctx, &v) {
        Ok(Some(x)) => x,
        Ok(None) => {
            harvest.not_modified = true;
            return SourceResult {
                name: s.name.clone().unwrap_or_else(|| location.clone()),
                location,
                outcome: Ok(harvest),
                warnings,
            };
        }
        Err(e) => {
            return SourceResult {
                name: s.name.clone().unwrap_or_else(|| location.clone()),
                location,
                outcome: Err(e),
                warnings,
            };
        }
    };
    let (bytes, final_and_validators) = fetched;
    let base_url = final_and_validators
        .as_ref()
        .map(|(u, _)| u.clone())
        .or_else(|| s.url.clone());
    let own_validators = match (&s.url, &final_and_validators) {
        (Some(url), Some((_, val))) => Some((url.clone(), val.clone())),
        _ => None,
    };
    let mut name = s.name.clone();
    // A web page named as a source is an article, or the way to a site's feed.
    let mut discovered = None;
    let doc = match feed::sniff(&bytes) {
        DocKind::Opml => Err(Failure::from("an OPML list inside a list is not followed")),
        DocKind::Feed => {
            harvest.validators.extend(own_validators);
            feed::parse(&bytes, base_url.as_deref())
                .map(|d| Some((d, base_url.clone())))
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))
        }
        DocKind::Page => match super::decode(&bytes)
            .map_err(|e| Failure::new(Kind::Parse, e.to_string()))
            .and_then(|d| {
                let known = |u: &str| ctx.known.validators.get(u).cloned().unwrap_or_default();
                let look = Look {
                    s,
                    config: ctx.config,
                    fetcher: ctx.fetcher,
                    known: &known,
                    all: false,
                };
                judge_page(&d.text, base_url.as_deref(), &look)
            }) {
            Err(e) => Err(e),
            Ok(Judged::Feeds(mut found)) => {
                let found = found.swap_remove(0);
                discovered = Some(found.url.clone());
                match found.fetched {
                    discover::FeedFetch::NotModified => {
                        harvest.not_modified = true;
                        Ok(None)
                    }
                    discover::FeedFetch::Read { doc, validators } => {
                        harvest.validators.push((found.url.clone(), validators));
                        Ok(Some((*doc, Some(found.url))))
                    }
                }
            }
            Ok(Judged::Article(a) | Judged::Kept(a)) => {
                harvest.validators.extend(own_validators);
                name = name.or(Some(a.source.clone()));
                let key = a.url.clone().unwrap_or_else(|| location.clone());
                if ctx.known.keys.contains(&key) {
                    harvest.known += 1;
                } else {
                    if let Some(tell) = ctx.on_article {
                        tell(&a);
                    }
                    harvest.articles.push(Harvested {
                        key,
                        article: *a,
                        source_url: s.url.clone(),
                        raw_html: None,
                        raw_gzip: None,
                        status: "ok".into(),
                    });
                }
                Ok(None)
            }
        },
    };
    harvest.discovered = discovered;
    let outcome = doc.map(|doc| {
        let Some((doc, feed_url)) = doc else { return };
        if let Some(what) = &doc.repaired {
            warnings.push(format!("repaired the feed to read it: {what}"));
        }
        let source_name = s
            .name
            .clone()
            .or(doc.title.clone())
            .unwrap_or_else(|| host_or(&location));
        name = Some(source_name.clone());
        items_to_articles(
            &doc,
            s,
            &source_name,
            feed_url.as_deref(),
            ctx,
            &mut harvest,
            &mut warnings,
        );
    });
    SourceResult {
        name: name.unwrap_or_else(|| location.clone()),
        location,
        outcome: outcome.map(|_| harvest),
        warnings,
    }
}

/// A read-later list: each address not yet stored is fetched as a page (a few at a time) and
/// becomes an article; one that fails is tried again on the next runs, then given up.
fn collect_links(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    let location = s.location();
    let name = s.name.clone().unwrap_or_else(|| {
        s.path
            .as_deref()
            .and_then(|p| p.file_stem())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| host_or(&location))
    });
    let mut harvest = Harvest {
        list: true,
        ..Harvest::default()
    };
    let text = read_source(s, ctx, &Validators::default()).and_then(|b| {
        let (bytes, _) =
            b.ok_or_else(|| Failure::new(Kind::Network, "answered 304 to a plain request"))?;
        super::links::text_of(&bytes).map_err(|e| Failure::new(Kind::Parse, e.to_string()))
    });
    let (text, nul_lines) = match text {
        Ok(t) => t,
        Err(e) => {
            return SourceResult {
                location,
                name,
                outcome: Err(e),
                warnings: Vec::new(),
            };
        }
    };
    let (links, mut warnings) = super::links::parse(&text);
    warnings.splice(0..0, nul_lines);
    let todo: Vec<&super::links::Link> = links
        .iter()
        .filter(|l| {
            let state = ctx.known.links.get(&l.url).copied().unwrap_or_default();
            !state.done && state.tries < super::links::MAX_TRIES
        })
        .collect();
    harvest.known = links.len() - todo.len();
    let mut todo = todo;
    if todo.len() > super::links::MAX_PER_RUN {
        warnings.push(format!(
            "{} new addresses: {} are fetched now, the rest on the next runs",
            todo.len(),
            super::links::MAX_PER_RUN
        ));
        todo.truncate(super::links::MAX_PER_RUN);
    }
    let next = AtomicUsize::new(0);
    type Tried = Result<Option<(Harvested, Option<String>)>, Failure>;
    let results: Mutex<Vec<(usize, Tried)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4.min(todo.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(link) = todo.get(i) else { break };
                    let r = link_article(link, s, ctx);
                    results.lock().expect("results").push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    for (i, r) in results {
        let link = todo[i];
        match r {
            Ok(Some((h, warning))) => {
                warnings.extend(warning);
                harvest.articles.push(h);
            }
            Ok(None) => harvest.known += 1,
            Err(e) => {
                let tries = ctx.known.links.get(&link.url).map_or(0, |l| l.tries) + 1;
                warnings.push(if tries >= super::links::MAX_TRIES {
                    format!(
                        "{} (line {}): {}; given up after {tries} tries",
                        link.url, link.line, e.message
                    )
                } else {
                    format!(
                        "{} (line {}): {} (try {tries} of {}; tried again on the next run)",
                        link.url,
                        link.line,
                        e.message,
                        super::links::MAX_TRIES
                    )
                });
                harvest.links.push(LinkTry {
                    url: link.url.clone(),
                    error: Some(e.message),
                });
                continue;
            }
        }
        harvest.links.push(LinkTry {
            url: link.url.clone(),
            error: None,
        });
    }
    SourceResult {
        location,
        name,
        outcome: Ok(harvest),
        warnings,
    }
}

/// The article at an address of a read-later list (`None` when it is stored already).
fn link_article(
    link: &super::links::Link,
    s: &SourceConfig,
    ctx: &Collect,
) -> Result<Option<(Harvested, Option<String>)>, Failure> {
    if ctx.known.keys.contains(&canonical_url(&link.url)) {
        return Ok(None);
    }
    let mut own = s.clone();
    if let Some(t) = &link.topic
        && !own.topics.iter().any(|x| x.eq_ignore_ascii_case(t))
    {
        own.topics.push(t.clone());
    }
    // The user wrote the address down, as they name a source: it may be on their own network.
    ctx.fetcher.allow_private(&link.url);
    let page = get_plain(ctx.fetcher, &link.url)?;
    if feed::sniff(&page.body) != DocKind::Page {
        return Err(Failure::new(
            Kind::Parse,
            "is a feed or a list, not a page (a feed is added as a [[source]] of its own)",
        ));
    }
    let text = super::decode(&page.body)
        .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
        .text;
    let (article, verdict) = page_article(&text, Some(&page.url), &own, ctx.config);
    let key = canonical_url(&page.url);
    if ctx.known.keys.contains(&key) {
        return Ok(None);
    }
    if let Some(tell) = ctx.on_article {
        tell(&article);
    }
    Ok(Some((
        Harvested {
            key,
            article,
            source_url: s.url.clone(),
            raw_html: None,
            raw_gzip: Some(page.gzip.unwrap_or_else(|| gzip_fast(&page.body))),
            status: "ok".into(),
            // A page on the list is kept even when it does not read like an article: it was saved.
        },
        verdict.map(|why| {
            format!(
                "{} does not look like an article ({why}); kept, as it is on the list",
                link.url
            )
        }),
    )))
}

/// What an address given to `inkquire add` (or a source `inkquire check` looks at) is.
#[derive(Debug)]
pub enum Offer {
    /// A feed, at the address given.
    Feed {
        title: Option<String>,
        items: usize,
        repaired: Option<String>,
    },
    /// An OPML list of feeds.
    Opml { feeds: usize },
    /// A site's page: the feeds found for it (the page's own, or one at a usual place).
    Found(Vec<discover::Found>),
    /// A page that is an article; `site_feeds` are the feeds it names (not fetched).
    Article {
        title: String,
        site_feeds: Vec<String>,
    },
    /// A page kept as it is (`keep-non-articles`), though it does not look like an article.
    Kept { title: String },
    /// A read-later list: its addresses, and what was wrong with its other lines.
    Links { links: usize, odd: Vec<String> },
    /// A mail folder: how many unread messages its filters let through.
    Mailbox { unread: usize },
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
        return super::mailbox::look(s, config).map(|unread| Offer::Mailbox { unread });
    }
    let (bytes, page_url) = match (&s.url, &s.path) {
        (Some(u), _) => {
            fetcher.allow_private(u);
            let page = get_plain(fetcher, u)?;
            (page.body, Some(page.url))
        }
        (None, Some(p)) => (super::read_local(p, config.input.max_bytes())?, None),
        (None, None) => return Err(Failure::from("no url or path")),
    };
    if s.kind == Some(crate::config::SourceKind::Links) {
        let (text, mut odd) =
            super::links::text_of(&bytes).map_err(|e| Failure::new(Kind::Parse, e.to_string()))?;
        let (links, more) = super::links::parse(&text);
        odd.extend(more);
        return Ok(Offer::Links {
            links: links.len(),
            odd,
        });
    }
    match feed::sniff(&bytes) {
        DocKind::Feed => {
            let d = feed::parse(&bytes, page_url.as_deref())
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?;
            Ok(Offer::Feed {
                title: d.title,
                items: d.items.len(),
                repaired: d.repaired,
            })
        }
        DocKind::Opml => feed::parse_opml(&bytes)
            .map(|f| Offer::Opml { feeds: f.len() })
            .map_err(|e| Failure::new(Kind::Parse, e.to_string())),
        DocKind::Page => {
            let text = super::decode(&bytes)
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
                .text;
            let no_validators = |_: &str| Validators::default();
            let look = Look {
                s,
                config,
                fetcher,
                known: &no_validators,
                all,
            };
            Ok(match judge_page(&text, page_url.as_deref(), &look)? {
                Judged::Feeds(found) => Offer::Found(found),
                Judged::Kept(a) => Offer::Kept { title: a.title },
                Judged::Article(a) => Offer::Article {
                    title: a.title,
                    site_feeds: page_url
                        .as_deref()
                        .map(|u| discover::named_feeds(&text, u))
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|f| !f.comments)
                        .map(|f| f.url)
                        .collect(),
                },
            })
        }
    }
}

/// What a web page named as a source stands for.
enum Judged {
    /// The page is the way to these feeds (the first is the one collected).
    Feeds(Vec<discover::Found>),
    /// The page is an article.
    Article(Box<Article>),
    /// The page is kept as it is (`keep-non-articles`), though it is no article.
    Kept(Box<Article>),
}

/// How to look at a page named as a source.
struct Look<'a> {
    s: &'a SourceConfig,
    config: &'a Config,
    fetcher: &'a dyn Fetcher,
    /// The validators the ledger kept for an address.
    known: &'a dyn Fn(&str) -> Validators,
    /// Read every feed the page names, not only the first that reads.
    all: bool,
}

/// A web page named as a source: a site's front page, or a page that is no article (a listing,
/// a section), stands for the feed it names or that lives at a usual place; an article stands
/// for itself. `keep-non-articles` keeps any page as it is. A local page is never a way to a
/// feed.
fn judge_page(text: &str, url: Option<&str>, look: &Look) -> Result<Judged, Failure> {
    let s = look.s;
    let site_url = url.filter(|_| s.url.is_some() && !s.keep_non_articles);
    let find = |u: &str| discover::discover(text, u, look.fetcher, look.known, look.all);
    let mut tried = None;
    if let Some(u) = site_url.filter(|u| discover::is_site_root(u)) {
        let d = find(u);
        if !d.found.is_empty() {
            return Ok(Judged::Feeds(d.found));
        }
        tried = Some(d);
    }
    let (article, verdict) = page_article(text, url, s, look.config);
    match (verdict, site_url) {
        (None, _) => Ok(Judged::Article(Box::new(article))),
        (Some(_), None) if s.keep_non_articles => Ok(Judged::Kept(Box::new(article))),
        (Some(why), None) => Err(not_article_failure(&why)),
        (Some(why), Some(u)) => {
            let d = tried.unwrap_or_else(|| find(u));
            if d.found.is_empty() {
                Err(Failure::new(
                    Kind::NotArticle,
                    format!(
                        "does not look like an article ({why}), and {} (keep-non-articles = true on its [[source]] keeps the page)",
                        d.nothing_found()
                    ),
                ))
            } else {
                Ok(Judged::Feeds(d.found))
            }
        }
    }
}

fn not_article_failure(why: &super::NotArticle) -> Failure {
    Failure::new(
        Kind::NotArticle,
        format!(
            "does not look like an article: {why} (--force, or keep-non-articles = true on its [[source]], keeps it)"
        ),
    )
}

fn host_or(location: &str) -> String {
    url::Url::parse(location)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| location.to_owned())
}

/// Canonical form of an article address: no tracking parameters. The fragment stays: blogs like
/// Scripting News give each post of a day's page its own `#anchor`.
pub fn canonical_url(u: &str) -> String {
    let Ok(mut url) = url::Url::parse(u) else {
        return u.to_owned();
    };
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_") && k != "fbclid" && k != "gclid")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

fn text_len(html: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    n
}

fn items_to_articles(
    doc: &feed::FeedDoc,
    s: &SourceConfig,
    source_name: &str,
    feed_url: Option<&str>,
    ctx: &Collect,
    harvest: &mut Harvest,
    warnings: &mut Vec<String>,
) {
    let now = Utc::now().fixed_offset();
    let mut page_failures: Vec<String> = Vec::new();
    // Items are independent; fetch their pages a few at a time.
    let items: Vec<&Item> = doc.items.iter().collect();
    let prepared: Vec<Option<Harvested>> = {
        let next = AtomicUsize::new(0);
        let out: Mutex<Vec<Option<Harvested>>> = Mutex::new(vec![None; items.len()]);
        let fails: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let known_count = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4.min(items.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(i) else { break };
                        match item_article(item, doc, s, source_name, feed_url, ctx, now) {
                            ItemOutcome::Article(h) => {
                                if let Some(tell) = ctx.on_article {
                                    tell(&h.article);
                                }
                                if h.status != "ok" {
                                    fails.lock().expect("fails").push(h.status.clone());
                                }
                                out.lock().expect("out")[i] = Some(*h);
                            }
                            ItemOutcome::Known => {
                                known_count.fetch_add(1, Ordering::SeqCst);
                            }
                            ItemOutcome::Skip(why) => fails.lock().expect("fails").push(why),
                        }
                    }
                });
            }
        });
        harvest.known += known_count.into_inner();
        page_failures.extend(fails.into_inner().expect("fails"));
        out.into_inner().expect("out")
    };
    harvest.articles.extend(prepared.into_iter().flatten());
    warnings.extend(page_failures);
}

enum ItemOutcome {
    Article(Box<Harvested>),
    Known,
    Skip(String),
}

fn item_article(
    item: &Item,
    doc: &feed::FeedDoc,
    s: &SourceConfig,
    source_name: &str,
    feed_url: Option<&str>,
    ctx: &Collect,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> ItemOutcome {
    let link = item.link.as_deref().map(canonical_url);
    let key = match (&link, &item.guid) {
        (Some(l), _) => l.clone(),
        (None, Some(g)) => g.clone(),
        (None, None) => match &item.title {
            Some(t) => format!("{}#{}", feed_url.unwrap_or(source_name), short_hash(t)),
            None => {
                return ItemOutcome::Skip("an item with no link, id or title was left out".into());
            }
        },
    };
    if ctx.known.keys.contains(&key) {
        return ItemOutcome::Known;
    }
    let feed_html = item
        .content
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| item.summary.clone())
        .unwrap_or_default();
    let web_link = link
        .as_deref()
        .filter(|l| l.starts_with("http://") || l.starts_with("https://"));
    // A link to a part of a page (`#post-3`) is not a page of its own: its full text is the item.
    let whole_page = web_link.is_some_and(|l| !l.contains('#'));
    let want_page = whole_page
        && match s.full_text {
            FullText::Never => false,
            FullText::Always => true,
            FullText::Auto => text_len(&feed_html) < SUMMARY_CHARS,
        };
    let mut page = None;
    let mut status = "ok".to_owned();
    let mut raw_html = Some(feed_html.clone());
    let mut raw_gzip = None;
    if let (true, Some(l)) = (want_page, web_link) {
        match fetch_page(l, s, ctx) {
            Ok((p, _)) if p.not_article.is_some() && !s.keep_non_articles => {
                let why = p.not_article.expect("checked");
                status =
                    format!("{l} does not look like an article ({why}); kept the feed's own text");
            }
            Ok((p, gzip)) => {
                page = Some(p);
                (raw_html, raw_gzip) = (None, Some(gzip));
            }
            Err(e) => {
                status = format!("full text of {l} not fetched ({e}); kept the feed's own text")
            }
        }
    }
    let summary_text = item
        .summary
        .as_deref()
        .map(feed::plain_text)
        .filter(|t| !t.is_empty());
    let title = item
        .title
        .clone()
        .or_else(|| {
            page.as_ref()
                .and_then(|p: &html::PageArticle| p.title.clone())
        })
        .unwrap_or_else(|| {
            let t = feed::plain_text(&feed_html);
            let short: String = t.chars().take(80).collect();
            if short.is_empty() {
                "Untitled".to_owned()
            } else {
                short
            }
        });
    let body_html = match &page {
        Some(p) if text_len(&p.body_html) >= text_len(&feed_html) / 2 => p.body_html.clone(),
        _ => feed_html.clone(),
    };
    let mut topics: Vec<String> = s.topics.iter().map(|t| t.to_lowercase()).collect();
    for c in &item.categories {
        let c = c.trim().to_lowercase();
        if !c.is_empty() && !topics.contains(&c) {
            topics.push(c);
        }
    }
    for t in super::keyword_topics(ctx.config, &title, &body_html) {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let byline = Some(item.authors.join(", "))
        .filter(|b| !b.is_empty())
        .or_else(|| page.as_ref().and_then(|p| p.byline.clone()));
    let lang = item
        .lang
        .as_deref()
        .or(page.as_ref().and_then(|p| p.lang.as_deref()))
        .or(doc.lang.as_deref())
        .and_then(normalize_lang);
    let published = item.published.or(page.as_ref().and_then(|p| p.published));
    let article = Article {
        id: short_hash(&key),
        title,
        byline,
        published,
        topics,
        source: source_name.to_owned(),
        url: web_link.map(str::to_owned),
        lang,
        summary: summary_text,
        lead_image: page.as_ref().and_then(|p| p.lead_image.clone()),
        body_html,
        base: Base {
            url: web_link
                .map(str::to_owned)
                .or_else(|| feed_url.map(str::to_owned)),
            dir: None,
            root: None,
        },
        origin: web_link.map(str::to_owned).unwrap_or_else(|| key.clone()),
        seen: Some(now),
    };
    ItemOutcome::Article(Box::new(Harvested {
        key,
        article,
        source_url: s.url.clone(),
        raw_html,
        raw_gzip,
        status,
    }))
}

/// GET `url` without validators: a 304 answer to that is the server's error.
fn get_plain(fetcher: &dyn Fetcher, url: &str) -> Result<crate::fetch::Page, Failure> {
    match fetcher.get(url, &Validators::default()) {
        Ok(Fetched::Body(p)) => Ok(p),
        Ok(Fetched::NotModified) => Err(Failure::new(
            Kind::Network,
            "the server answered 304 to a plain request",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Fetch an article page and reduce it to the article; with it, the page gzip-compressed for
/// the ledger.
fn fetch_page(
    url: &str,
    s: &SourceConfig,
    ctx: &Collect,
) -> Result<(html::PageArticle, Vec<u8>), Failure> {
    let page = get_plain(ctx.fetcher, url)?;
    let text = super::decode(&page.body)
        .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
        .text;
    let article = html::extract_page(&text, Some(&page.url), &s.keep, &s.remove);
    let gzip = match page.gzip {
        Some(wire) => wire,
        None => gzip_fast(&page.body),
    };
    Ok((article, gzip))
}

/// A page that came plain, gzip-compressed for the ledger at level 1: about a fifth of its size
/// (the whole job's ledger 9.4 -> 3.2 MB) for ~7 ms of CPU over its 8.3 MB of pages (a server on
/// this machine is not asked for gzip, and some servers never send it).
pub(crate) fn gzip_fast(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    e.write_all(bytes)
        .and_then(|()| e.finish())
        .expect("writing to memory cannot fail")
}

/// One web page at `url`, fetched now and reduced to its article, for a look at it
/// (`inkquire extract`), with the source's `keep` and `remove` selectors: the article, and why
/// it does not look like one, if it does not. A feed or an OPML list is no page.
pub fn page_at(
    s: &SourceConfig,
    fetcher: &dyn Fetcher,
    config: &Config,
) -> Result<(Article, Option<super::NotArticle>), Failure> {
    let url = s
        .url
        .as_deref()
        .ok_or_else(|| Failure::from("no address".to_owned()))?;
    fetcher.allow_private(url);
    let page = get_plain(fetcher, url)?;
    match feed::sniff(&page.body) {
        DocKind::Page => {}
        DocKind::Feed => return Err(Failure::new(Kind::Other, "is a feed, not a page")),
        DocKind::Opml => return Err(Failure::new(Kind::Other, "is an OPML list, not a page")),
    }
    let text = super::decode(&page.body)
        .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
        .text;
    Ok(page_article(&text, Some(&page.url), s, config))
}

/// A single web page as an article, and whether it looks like none.
fn page_article(
    text: &str,
    url: Option<&str>,
    s: &SourceConfig,
    config: &Config,
) -> (Article, Option<super::NotArticle>) {
    let p = html::extract_page(text, url, &s.keep, &s.remove);
    let verdict = p.not_article.clone();
    let key = url.map(canonical_url).unwrap_or_else(|| s.location());
    let title = p.title.clone().unwrap_or_else(|| s.location());
    let mut topics: Vec<String> = s.topics.iter().map(|t| t.to_lowercase()).collect();
    for t in super::keyword_topics(config, &title, &p.body_html) {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let article = Article {
        id: short_hash(&key),
        title,
        byline: p.byline,
        published: p.published,
        topics,
        source: s
            .name
            .clone()
            .or(p.site_name)
            .unwrap_or_else(|| host_or(&s.location())),
        url: url.map(str::to_owned).or(p.url.clone()),
        lang: p.lang.as_deref().and_then(normalize_lang),
        summary: p.summary,
        lead_image: p.lead_image,
        body_html: p.body_html,
        base: Base {
            url: url.map(str::to_owned),
            dir: None,
            root: None,
        },
        origin: s.location(),
        seen: Some(Utc::now().fixed_offset()),
    };
    (article, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_urls_drop_tracking() {
        assert_eq!(
            canonical_url("https://e.x/a?utm_source=rss&id=3#top"),
            "https://e.x/a?id=3#top"
        );
        assert_eq!(canonical_url("https://e.x/a?utm_medium=x"), "https://e.x/a");
    }
}
