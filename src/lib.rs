//! inkquire: the day's reading — feeds, web pages, Markdown, text and HTML files — made into a
//! well-set EPUB issue for e-readers.
//!
//! The pipeline, in the order [`build`] runs it:
//!
//! 1. [`collector`] reads local files into [`model::Article`]s, and fetches feeds and pages
//!    ([`collect`]) into the ledger ([`store`]);
//! 2. [`select`] keeps those in the date window and topics asked for;
//! 3. [`formatter`] makes each one safe, valid, typeset XHTML ([`model::FormattedArticle`]);
//! 4. [`packager`] groups them into an [`model::Issue`] and writes the EPUB.
//!
//! Problems with single inputs are collected in a [`report::Report`] and never stop the others.

pub mod cli;
pub mod collector;
pub mod config;
pub mod dates;
pub mod deliver;
pub mod digest;
pub mod fetch;
pub mod formatter;
pub mod fuzzing;
pub mod imaging;
pub mod log;
pub mod model;
pub mod packager;
pub mod profiles;
pub mod report;
pub mod select;
pub mod serve;
pub mod shelf;
pub mod store;
pub mod styles;

use std::path::PathBuf;

use chrono::Utc;

use crate::collector::remote::{self, SourceResult};
use crate::config::{Config, SourceConfig};
use crate::fetch::Fetcher;
use crate::formatter::{FetchedImages, FormatOptions, ImageCache};
use crate::model::FormattedArticle;
use crate::packager::IssueOptions;
use crate::report::Report;
use crate::select::Selection;
use crate::store::{Store, Stored};

/// Everything one `build` needs.
pub struct BuildRequest<'a> {
    /// Local files and folders to read.
    pub inputs: Vec<PathBuf>,
    /// Feeds, pages and OPML lists (URLs or files) to collect first.
    pub sources: Vec<SourceConfig>,
    /// Where the EPUB goes (and, on a shelf, the KEPUB beside it).
    pub output: shelf::Output,
    pub selection: Selection,
    /// Take only the ledger's pending articles (those no issue holds yet); what the selection
    /// leaves out of them stays pending.
    pub since_last_issue: bool,
    pub issue: IssueOptions,
    /// The ledger; `None` keeps no state (collected sources live in memory for this build).
    pub store: Option<&'a mut Store>,
    pub config: &'a Config,
    pub fetcher: &'a dyn Fetcher,
    /// Largest book, in bytes: images are made smaller, then left out, to stay under it.
    pub max_size: Option<u64>,
    /// JPEG quality for pictures, 1–100.
    pub image_quality: u8,
    /// Where the recorded issue is to be delivered, as (key, label): its outbox entries. With
    /// none, writing the book is its delivery.
    pub deliver_to: Vec<(String, String)>,
    /// Told of each source as soon as it is collected. A caller that gives it reports the
    /// sources itself: their failures and warnings are then not repeated in the outcome's report.
    pub on_source: Option<&'a dyn Fn(&SourceReport)>,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildOutcome {
    /// The book written, or `None` when nothing was selected.
    pub written: Option<PathBuf>,
    pub articles: usize,
    pub sections: usize,
    pub images: usize,
    pub bytes: usize,
    pub number: u32,
    pub sources: Vec<SourceReport>,
    pub report: Report,
    /// What became of the images.
    pub images_report: formatter::ImageStats,
    /// What was done to meet `--max-size`, step by step.
    pub budget: Vec<String>,
    /// The KEPUB written beside the book, if asked for.
    pub kepub: Option<PathBuf>,
    /// Titles of the articles in the issue, in order.
    pub titles: Vec<String>,
    /// Articles in the ledger left out because an earlier issue delivered them.
    pub repeats_skipped: usize,
    /// Pending articles the selection (`since`, `limit`, topics) left out: still pending.
    pub held_back: usize,
    /// Every file the issue wrote (the report's path is for the caller to write).
    pub files: Option<shelf::IssueFiles>,
}

/// What collecting one source did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SourceReport {
    pub location: String,
    pub name: String,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The source answered 304 Not Modified.
    pub not_modified: bool,
    pub failed: Option<String>,
    pub warnings: Vec<String>,
}

/// Collect `sources` into `store`: fetch and read them in parallel, and save each source's
/// articles in one transaction as soon as that source is done (a run killed half-way keeps the
/// sources it finished). Failures are per source, in the reports, in the order of `sources`.
pub fn collect(
    sources: &[SourceConfig],
    config: &Config,
    store: &mut Store,
    fetcher: &dyn Fetcher,
    on_done: &dyn Fn(&SourceReport),
) -> anyhow::Result<Vec<SourceReport>> {
    collect_watching(sources, config, store, fetcher, on_done, None)
}

/// [`collect`], telling `on_article` of each new article as soon as it is read.
fn collect_watching(
    sources: &[SourceConfig],
    config: &Config,
    store: &mut Store,
    fetcher: &dyn Fetcher,
    on_done: &dyn Fn(&SourceReport),
    on_article: Option<&(dyn Fn(&model::Article) + Sync)>,
) -> anyhow::Result<Vec<SourceReport>> {
    for s in sources {
        if let Some(url) = &s.url {
            fetcher.allow_private(url);
        }
    }
    let known = store.known()?;
    let ctx = remote::Collect {
        fetcher,
        config,
        known: &known,
        workers: config.fetch.global.max(1),
        on_article,
    };
    let mut reports: Vec<(usize, SourceReport)> = Vec::new();
    let mut store_error = None;
    remote::collect_sources(sources, &ctx, &mut |i, r: SourceResult| {
        // Credentials in a source's address never reach a message or the report.
        let shown = fetch::redact(&r.location);
        let hide = |m: &str| {
            if shown == r.location {
                m.to_owned()
            } else {
                m.replace(&r.location, &shown)
            }
        };
        let mut rep = SourceReport {
            location: shown.clone(),
            name: hide(&r.name),
            warnings: r.warnings.iter().map(|w| hide(w)).collect(),
            ..Default::default()
        };
        match r.outcome {
            Err(e) => rep.failed = Some(hide(&e)),
            Ok(h) => {
                rep.not_modified = h.not_modified;
                rep.unchanged = h.known;
                match store.save_batch(&h.validators, &h.articles, Utc::now()) {
                    Ok(stored) => {
                        for s in stored {
                            match s {
                                Stored::New => rep.new += 1,
                                Stored::Updated => rep.updated += 1,
                                Stored::Unchanged | Stored::Duplicate => rep.unchanged += 1,
                            }
                        }
                    }
                    Err(e) => {
                        rep.failed = Some(format!("could not be stored: {e:#}"));
                        store_error.get_or_insert(e);
                    }
                }
            }
        }
        on_done(&rep);
        reports.push((i, rep));
    });
    if let Some(e) = store_error {
        return Err(e.context("the ledger could not be written"));
    }
    reports.sort_by_key(|(i, _)| *i);
    Ok(reports.into_iter().map(|(_, r)| r).collect())
}

/// The whole pipeline: collect → select → format → package → write (→ record the issue).
///
/// An `Err` is a failure of the build itself (the book or the ledger could not be written);
/// problems with single inputs are in the outcome's report.
pub fn build(req: BuildRequest) -> anyhow::Result<BuildOutcome> {
    let base = imaging::Settings {
        max_width: req.issue.profile.width,
        max_height: req.issue.profile.height,
        gray: req.issue.profile.gray,
        quality: req.image_quality,
    };
    let cache = ImageCache::default();
    let images = FetchedImages {
        fetcher: req.fetcher,
    };
    let threads = req.config.fetch.global.max(rayon::current_num_threads());
    let drafts = EarlyDrafts::default();
    std::thread::scope(|scope| {
        // Articles collected by this build get their pictures fetched and prepared while the
        // other pages are still arriving, instead of all after the last one.
        let early = (!req.sources.is_empty()).then(|| {
            let (tx, rx) = std::sync::mpsc::channel::<model::Article>();
            let (images, cache, drafts) = (&images, &cache, &drafts);
            scope.spawn(move || warm_early(rx, images, cache, drafts, base, threads));
            tx
        });
        build_with(req, &cache, &images, &drafts, base, early)
    })
}

/// Drafts made while articles were being collected, by article id with their [`formatter::draft_key`],
/// for the formatter to use instead of drafting the same article again.
#[derive(Default)]
struct EarlyDrafts(std::sync::Mutex<std::collections::HashMap<String, (u64, formatter::Draft)>>);

impl EarlyDrafts {
    /// Drafts kept at most: beyond this (a very large first collect) they are made again later,
    /// rather than all held in memory at once.
    const MAX: usize = 512;

    fn keep(&self, id: String, key: u64, d: formatter::Draft) {
        let mut m = self.0.lock().expect("early drafts");
        if m.len() < Self::MAX {
            m.insert(id, (key, d));
        }
    }

    /// The early draft of `a`, if one was made from the same content.
    fn take(&self, a: &model::Article, opts: &FormatOptions) -> Option<formatter::Draft> {
        let (key, d) = self.0.lock().expect("early drafts").remove(&a.id)?;
        (key == formatter::draft_key(a, opts)).then_some(d)
    }
}

/// Draft each article that comes through `rx` and fetch and prepare its pictures into `cache`,
/// several articles at once, until the sender is dropped and every picture asked for is done.
fn warm_early(
    rx: std::sync::mpsc::Receiver<model::Article>,
    images: &dyn formatter::ImageSource,
    cache: &ImageCache,
    drafts: &EarlyDrafts,
    settings: imaging::Settings,
    threads: usize,
) {
    let opts = FormatOptions {
        default_lang: "en",
        images,
        image_cache: cache,
        image_settings: settings,
    };
    // The pictures an article shows (a panic here only means they are prepared later, as the
    // formatter asks for them).
    let wanted = |a: model::Article| -> Vec<(String, Option<String>)> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (id, key) = (a.id.clone(), formatter::draft_key(&a, &opts));
            let draft = formatter::draft(a, &opts);
            let referer = draft.referer().map(str::to_owned);
            let wanted = draft
                .image_sources()
                .into_iter()
                .map(|src| (src, referer.clone()))
                .collect();
            drafts.keep(id, key, draft);
            wanted
        }))
        .unwrap_or_default()
    };
    // Each picture on its own: one is prepared as soon as it has arrived, not after the
    // article's other pictures.
    let warm = |w: (String, Option<String>)| {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cache.warm(vec![w], images, &settings)
        }));
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.in_place_scope(|s| {
            // Drafted here, as each article arrives (a draft is quick, and this thread would
            // otherwise wait), so the formatter finds it even while pictures fill the pool.
            // A picture several articles show is fetched and prepared once: a second job for
            // it would only hold a worker until the first is done.
            let mut asked = std::collections::HashSet::new();
            for a in rx {
                for w in wanted(a).into_iter().filter(|w| asked.insert(w.0.clone())) {
                    let warm = &warm;
                    s.spawn(move |_| warm(w));
                }
            }
        }),
        Err(_) => rx.into_iter().flat_map(wanted).for_each(warm),
    }
}

fn build_with(
    mut req: BuildRequest,
    cache: &ImageCache,
    images: &FetchedImages,
    drafts: &EarlyDrafts,
    base: imaging::Settings,
    early: Option<std::sync::mpsc::Sender<model::Article>>,
) -> anyhow::Result<BuildOutcome> {
    let mut outcome = BuildOutcome::default();
    let mut memory;
    let has_ledger = req.store.is_some();
    let store: &mut Store = match req.store.take() {
        Some(s) => s,
        None => {
            memory = Store::memory()?;
            &mut memory
        }
    };

    // 1. Collect: named sources into the ledger, local files straight in.
    if !req.sources.is_empty() {
        let selection = &req.selection;
        let tell = |a: &model::Article| {
            if let Some(tx) = early.as_ref().filter(|_| selection.keeps(a)) {
                let _ = tx.send(a.clone());
            }
        };
        outcome.sources = collect_watching(
            &req.sources,
            req.config,
            store,
            req.fetcher,
            req.on_source.unwrap_or(&|_| {}),
            Some(&tell),
        )?;
        for s in outcome.sources.iter().filter(|_| req.on_source.is_none()) {
            for w in &s.warnings {
                outcome.report.warn(&s.location, w);
            }
            if let Some(e) = &s.failed {
                outcome.report.fail(&s.location, e);
            } else if !s.not_modified && s.new + s.updated + s.unchanged == 0 {
                outcome
                    .report
                    .fail(&s.location, "holds no articles (the feed has no items)");
            }
        }
    }
    // Nothing more is coming: the early pictures finish in the background.
    drop(early);
    let mut articles = collector::collect_local(
        &req.inputs,
        req.config.input.max_bytes(),
        &mut outcome.report,
    );
    let mut pending = std::collections::HashSet::new();
    for s in store.articles()? {
        if !req.since_last_issue || s.pending {
            if let Some(url) = &s.source_url {
                req.fetcher.allow_private(url);
            }
            if s.pending {
                pending.insert(s.article.id.clone());
            }
            articles.push(s.article);
        } else if s.delivered {
            outcome.repeats_skipped += 1;
        }
    }

    // 2. Select.
    let mut selected = select::apply(articles, &req.selection);
    if req.since_last_issue {
        let taken = selected.iter().filter(|a| pending.contains(&a.id)).count();
        outcome.held_back = pending.len().saturating_sub(taken);
    }
    if selected.is_empty() {
        return Ok(outcome);
    }

    // What collecting wrote goes into the ledger file while the pictures and the zip are made.
    let checkpoint = store.checkpoint_in_background();
    // 3. Format, 4. package — within the size budget, if there is one.
    let mut reserved: Option<u32> = None;
    let result = package(
        &req,
        &mut selected,
        &mut outcome,
        store,
        has_ledger,
        &mut reserved,
        cache,
        images,
        drafts,
        base,
    );
    if let Some(done) = checkpoint {
        let _ = done.join();
    }
    match result {
        Ok(()) => Ok(outcome),
        Err(e) => {
            // The book never got into place: the issue's number and articles are free again.
            if let Some(n) = reserved
                && let Err(undo) = store.abandon_issue(n)
            {
                crate::debug_line!("ledger: could not release issue {n}: {undo:#}");
            }
            Err(e)
        }
    }
}

/// Format and package the selected articles within the size budget, reserving the issue in the
/// ledger once the first pass has formatted them (its number goes into the book), then put
/// the files in place — the KEPUB, then the book, whose rename is the moment the issue exists —
/// and record it as built.
#[allow(clippy::too_many_arguments)]
fn package(
    req: &BuildRequest,
    selected: &mut Vec<model::Article>,
    outcome: &mut BuildOutcome,
    store: &mut Store,
    has_ledger: bool,
    reserved: &mut Option<u32>,
    cache: &ImageCache,
    images: &FetchedImages,
    drafts: &EarlyDrafts,
    base: imaging::Settings,
) -> anyhow::Result<()> {
    // Each step down: a fraction of the screen size and a JPEG quality.
    let steps: &[(f64, u8)] = match req.max_size {
        None => &[(1.0, 0)],
        Some(_) => &[
            (1.0, 0),
            (1.0, 65),
            (0.8, 55),
            (0.6, 45),
            (0.45, 35),
            (0.3, 30),
        ],
    };
    let mut done = None;
    let mut book: Option<packager::AtomicFile> = None;
    let mut opts = req.issue.clone();
    let mut files = None;
    for (n, &(scale, quality)) in steps.iter().enumerate() {
        let settings = imaging::Settings {
            max_width: ((f64::from(base.max_width) * scale) as u32).max(64),
            max_height: ((f64::from(base.max_height) * scale) as u32).max(64),
            quality: if quality == 0 {
                base.quality
            } else {
                quality.min(base.quality)
            },
            ..base
        };
        let mut report = Report::default();
        // The last step takes the articles; earlier ones (a size budget) work on a copy.
        let articles = if n + 1 == steps.len() {
            std::mem::take(selected)
        } else {
            selected.clone()
        };
        let formatted = format_all(
            articles,
            images,
            cache,
            drafts,
            settings,
            req.config.fetch.global,
            &mut report,
        );
        if formatted.is_empty() && files.is_none() {
            // Every selected article failed: no book, and nothing reserved.
            outcome.report.extend(report);
            return Ok(());
        }
        let paths = match &files {
            Some(f) => f,
            None => {
                // The issue's number, its articles and its files, in one transaction.
                if has_ledger {
                    let ids: Vec<&str> = formatted.iter().map(|a| a.id.as_str()).collect();
                    let new = store::NewIssue {
                        title: &opts.title,
                        date: opts.date,
                        now: Utc::now(),
                    };
                    let number =
                        store.reserve_issue(&new, &ids, req.since_last_issue, &|number| {
                            req.output.files(number).roles()
                        })?;
                    *reserved = Some(number);
                    opts.number = number;
                    shelf::pause_point("reserved");
                }
                let f = req.output.files(opts.number);
                shelf::check_output(&f.book).map_err(|e| anyhow::anyhow!(e))?;
                files.insert(f)
            }
        };
        let refs: usize = formatted.iter().map(|a| a.image_refs).sum();
        let issue = packager::assemble(formatted, &opts);
        // The book goes straight into a temporary file beside the output; a step over the
        // budget writes it again.
        let file = match &mut book {
            Some(file) => file,
            None => book.insert(packager::AtomicFile::create(&paths.book)?),
        };
        let size = file.write_with(|w| packager::epub::write(&issue, w))?;
        let over = req.max_size.is_some_and(|m| size > m);
        if n > 0 {
            outcome.budget.push(format!(
                "images at {:.0}% of the screen, JPEG quality {}: {}",
                scale * 100.0,
                settings.quality,
                human_size(size)
            ));
        }
        let last_step = n + 1 == steps.len();
        if !over || last_step {
            outcome.images_report = cache.stats(&settings, refs);
            done = Some((issue, size, report));
            break;
        }
    }
    let (mut issue, mut size, report) = done.expect("at least one step runs");
    let files = files.expect("named with the first step");
    let mut book = book.expect("written with the issue");
    outcome.report.extend(report);
    // Still over: leave out the largest images, one at a time.
    if let Some(max) = req.max_size {
        while size > max {
            let Some(biggest) = largest_image(&issue) else {
                break;
            };
            drop_image(&mut issue, &biggest);
            size = book.write_with(|w| packager::epub::write(&issue, w))?;
            outcome
                .budget
                .push(format!("left out {biggest}: {}", human_size(size)));
        }
        if size > max {
            outcome.report.warn(
                files.book.display().to_string(),
                format!(
                    "the book is {} even without images, over the {} budget",
                    human_size(size),
                    human_size(max)
                ),
            );
        }
    }
    shelf::pause_point("written");
    let ids: Vec<&str> = issue.articles().map(|a| a.id.as_str()).collect();
    if let Some(number) = *reserved {
        store.settle_articles(number, &ids)?;
    }
    if let Some(k) = &files.kepub {
        issue.kepub = true;
        let mut copy = packager::AtomicFile::create(k)?;
        copy.write_with(|w| packager::epub::write(&issue, w))?;
        copy.commit()?;
        issue.kepub = false;
        outcome.kepub = Some(k.clone());
    }
    // The issue exists from here: a run killed after this rename has its issue finished by
    // the next one (`shelf::recover`).
    book.commit()?;
    shelf::pause_point("renamed");
    if let Some(number) = reserved.take() {
        store.mark_built(number, &req.deliver_to, Utc::now())?;
        shelf::pause_point("built");
    }
    outcome.number = opts.number;
    outcome.titles = issue.articles().map(|a| a.title.clone()).collect();
    outcome.articles = issue.articles().count();
    outcome.sections = issue.sections.len();
    let mut images: Vec<&str> = issue
        .articles()
        .flat_map(|a| a.assets.iter().map(|x| x.href.as_str()))
        .collect();
    images.sort_unstable();
    images.dedup();
    outcome.images = images.len();
    outcome.bytes = size as usize;
    outcome.written = Some(files.book.clone());
    outcome.files = Some(files);
    Ok(())
}

/// The href of the largest image in the issue.
fn largest_image(issue: &model::Issue) -> Option<String> {
    issue
        .articles()
        .flat_map(|a| a.assets.iter())
        .max_by_key(|a| (a.data.len(), a.href.clone()))
        .map(|a| a.href.clone())
}

/// Take an image out of every article that shows it.
fn drop_image(issue: &mut model::Issue, href: &str) {
    let needle = format!("<img src=\"{href}\"");
    for s in issue.sections.iter_mut() {
        for a in s.articles.iter_mut() {
            a.assets.retain(|x| x.href != href);
            while let Some(start) = a.xhtml.find(&needle) {
                let end = a.xhtml[start..]
                    .find("/>")
                    .map_or(a.xhtml.len(), |e| start + e + 2);
                a.xhtml.replace_range(start..end, "");
            }
        }
    }
}

/// "3.2 MB", "812 kB": the one way sizes are shown (`build`, `digest`, the report's messages),
/// decimal as e-mail limits and `max-size` are given.
pub fn human_size(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{} kB", n.div_ceil(1000))
    }
}

/// Parse a size: `50MB`, `800kB`, `1.5 GB`, `120000` (bytes).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size: write it like 50MB or 800kB"))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1048576.0,
        "g" | "gb" => 1e9,
        "gib" => 1073741824.0,
        _ => {
            return Err(format!(
                "`{s}`: unknown unit `{unit}` (use B, kB, MB or GB)"
            ));
        }
    };
    Ok((n * mult) as u64)
}

/// Format every article, in parallel but keeping their order, collecting each one's warnings under
/// its origin.
fn format_all(
    articles: Vec<model::Article>,
    images: &dyn formatter::ImageSource,
    cache: &ImageCache,
    early: &EarlyDrafts,
    settings: imaging::Settings,
    fetches: usize,
    report: &mut Report,
) -> Vec<FormattedArticle> {
    use rayon::prelude::*;
    let opts = FormatOptions {
        default_lang: "en",
        images,
        image_cache: cache,
        image_settings: settings,
    };
    // One article's bug (a panic, or output that fails the boundary audit) costs that article,
    // never the issue.
    const CRASHED: &str =
        "left out: formatting it crashed; this is a bug in inkquire, please report it";
    // Articles go through in batches: a draft (the parsed tree) is several times the size of its
    // source, so holding every draft of a year of articles at once would be most of the memory.
    const BATCH: usize = 256;
    type Done = (String, Result<FormattedArticle, String>, Vec<String>);
    type Drafted = (String, Result<formatter::Draft, String>);
    let run_batch = |articles: Vec<model::Article>| -> Vec<Done> {
        // 1. Clean and repair every article.
        let drafts: Vec<Drafted> = articles
            .into_par_iter()
            .map(|a| {
                let origin = a.origin.clone();
                let draft = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match early
                    .take(&a, &opts)
                {
                    Some(d) => d.for_article(a),
                    None => formatter::draft(a, &opts),
                }));
                (origin, draft.map_err(|_| CRASHED.to_owned()))
            })
            .collect();
        // Pictures, typography and headers; then the safety audit.
        let finish = |(origin, draft): Drafted| -> Done {
            let draft = match draft {
                Ok(d) => d,
                Err(e) => return (origin, Err(e), Vec::new()),
            };
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                formatter::finish(draft, &opts)
            }));
            match done {
                Ok((f, warnings)) => {
                    let bad = formatter::audit::violations(&f.xhtml);
                    if bad.is_empty() {
                        (origin, Ok(f), warnings)
                    } else {
                        let why = format!(
                            "left out: the formatter's output failed the safety audit ({}); \
                                 this is a bug in inkquire, please report it",
                            bad.join(", ")
                        );
                        (origin, Err(why), warnings)
                    }
                }
                Err(_) => (origin, Err(CRASHED.to_owned()), Vec::new()),
            }
        };
        // 2. Every picture of the batch at once, the biggest first; 3. once they have all been
        // started, the articles whose pictures are ready are finished on the cores the last
        // pictures leave free, and the others when those are done.
        let srcs: Vec<Vec<String>> = drafts
            .iter()
            .map(|(_, d)| {
                d.as_ref()
                    .map(formatter::Draft::image_sources)
                    .unwrap_or_default()
            })
            .collect();
        let wanted: Vec<(String, Option<String>)> = drafts
            .iter()
            .zip(&srcs)
            .filter_map(|((_, d), srcs)| Some((d.as_ref().ok()?.referer(), srcs)))
            .flat_map(|(referer, srcs)| {
                srcs.iter()
                    .map(move |src| (src.clone(), referer.map(str::to_owned)))
            })
            .collect();
        let slots: Vec<std::sync::Mutex<Option<Drafted>>> = drafts
            .into_iter()
            .map(|d| std::sync::Mutex::new(Some(d)))
            .collect();
        let done: Vec<std::sync::Mutex<Option<Done>>> =
            slots.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let finish_one = |i: usize| -> bool {
            let Some(taken) = slots[i].try_lock().ok().and_then(|mut s| s.take()) else {
                return false;
            };
            *done[i].lock().expect("finished") = Some(finish(taken));
            true
        };
        // Each look for a ready article goes on from where the last one was found, round the
        // batch once: one article held up by a slow picture is passed over, not scanned again
        // for every article after it.
        let look_from = std::sync::atomic::AtomicUsize::new(0);
        let finish_ready = || {
            use std::sync::atomic::Ordering::Relaxed;
            let (n, from) = (slots.len(), look_from.load(Relaxed));
            (0..n).map(|k| (from + k) % n).any(|i| {
                let waiting = slots[i].try_lock().is_ok_and(|s| s.is_some());
                let found = waiting
                    && srcs[i].iter().all(|src| cache.ready(src, &settings))
                    && finish_one(i);
                if found {
                    look_from.store(i + 1, Relaxed);
                }
                found
            })
        };
        // A panic here only means the pictures are prepared as the articles ask for them.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cache.warm_while(wanted, images, &settings, &finish_ready)
        }));
        (0..slots.len()).into_par_iter().for_each(|i| {
            finish_one(i);
        });
        done.into_iter()
            .map(|d| {
                d.into_inner()
                    .expect("finished")
                    .expect("every article is finished")
            })
            .collect()
    };
    let run = || {
        let mut done = Vec::with_capacity(articles.len());
        let mut rest = articles.into_iter();
        loop {
            let batch: Vec<model::Article> = rest.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break done;
            }
            done.extend(run_batch(batch));
        }
    };
    // Pictures come over the network while articles are formatted: more threads than cores, so
    // that fetches overlap (the image cache lets only one picture per core decode at a time).
    let threads = fetches.max(rayon::current_num_threads());
    let done = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) if threads > rayon::current_num_threads() => pool.install(run),
        _ => run(),
    };
    let mut out = Vec::with_capacity(done.len());
    for (origin, f, warnings) in done {
        for w in warnings {
            report.warn(&origin, w);
        }
        match f {
            Ok(f) => out.push(f),
            Err(e) => report.fail(&origin, e),
        }
    }
    out
}
