//! The pipeline: collect → select → format → package → record, as ARCHITECTURE.md draws it.
//!
//! [`build`] is the one driver: `build`, `digest` and `digest --dry-run` each settle an
//! [`IssueSettings`](crate::issue::IssueSettings) and hand it here in a [`BuildRequest`].
//!
//! 1. [`collect`] fetches named sources into the ledger (their pictures are prepared while other
//!    pages still arrive); local files are read straight in, with the ledger's articles;
//! 2. [`select`](crate::select) keeps those in the date window and topics asked for;
//! 3. the formatter makes each one safe, typeset XHTML ([`formatter::batch`]);
//! 4. the packager writes the EPUB within the size budget ([`budget`]);
//! 5. the issue is recorded: reserved in the ledger before its book is written, its book put in
//!    place, then marked built with its deliveries owed.
//!
//! Problems with single inputs are collected in the outcome's [`Report`] and never stop the
//! others; an `Err` is a failure of the build itself.

pub mod budget;
pub mod collect;
mod error;
pub mod extract;
pub mod offline;
pub mod stories;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc;

use chrono::Utc;

use crate::config::{Config, SourceConfig};
use crate::fetch::Fetcher;
use crate::formatter::FetchedImages;
use crate::formatter::batch::Formatting;
use crate::issue::IssueSettings;
use crate::model::{Article, FormattedArticle, Issue};
use crate::report::Report;
use crate::store::Store;
use crate::units::human_size;
use crate::{collector, dedupe, formatter, imaging, packager, select, shelf, store};

pub use collect::{SourceReport, collect};
pub use error::BuildError;

type Result<T, E = BuildError> = std::result::Result<T, E>;

/// Everything one build needs.
pub struct BuildRequest<'a> {
    /// The issue's settings, settled (`IssueSettings::for_build` or `for_digest`).
    pub settings: IssueSettings,
    /// Local files and folders to read.
    pub inputs: Vec<PathBuf>,
    /// Feeds, pages and OPML lists (URLs or files) to collect first.
    pub sources: Vec<SourceConfig>,
    /// The ledger; `None` keeps no state (collected sources live in memory for this build).
    pub store: Option<&'a mut Store>,
    pub config: &'a Config,
    pub fetcher: &'a dyn Fetcher,
    /// Told of each source as soon as it is collected. A caller that gives it reports the
    /// sources itself: their failures and warnings are then not repeated in the outcome's report.
    pub on_source: Option<&'a dyn Fn(&SourceReport)>,
    /// Keep the local pages that do not look like articles (`--force`); sources say it each
    /// for itself (`keep-non-articles`).
    pub keep_non_articles: bool,
    /// The address the one saved page of `inputs` was saved from (`--url`).
    pub page_url: Option<String>,
}

impl<'a> BuildRequest<'a> {
    /// A build of `settings` that reads nothing yet and keeps no state: set its inputs,
    /// sources and ledger. `build`, `digest` and the dry run all start here.
    pub fn new(settings: IssueSettings, config: &'a Config, fetcher: &'a dyn Fetcher) -> Self {
        BuildRequest {
            settings,
            inputs: Vec::new(),
            sources: Vec::new(),
            store: None,
            config,
            fetcher,
            on_source: None,
            keep_non_articles: false,
            page_url: None,
        }
    }
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildOutcome {
    /// The book written, or `None` when nothing was selected.
    pub written: Option<PathBuf>,
    pub articles: usize,
    /// Sections the issue is divided into; 0 when it is not (one section is none).
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
    /// Copies of a story this issue or an earlier one holds, left out (recorded as copies).
    pub duplicates: Vec<crate::report::Duplicate>,
    /// Every file the issue wrote (the report's path is for the caller to write).
    pub files: Option<shelf::IssueFiles>,
}

/// The whole pipeline: collect → select → format → package → record.
///
/// An `Err` is a failure of the build itself (the book or the ledger could not be written);
/// problems with single inputs are in the outcome's report.
pub fn build(req: BuildRequest) -> Result<BuildOutcome> {
    let images = FetchedImages {
        fetcher: req.fetcher,
    };
    let profile = req.settings.issue.profile;
    let base = imaging::Settings {
        max_width: profile.width,
        max_height: profile.height,
        gray: profile.gray,
        quality: req.settings.image_quality,
    };
    let formatting = Formatting::new(&images, base, req.config.fetch.global);
    std::thread::scope(|scope| {
        // Articles collected by this build get their pictures fetched and prepared while the
        // other pages are still arriving, instead of all after the last one.
        let early = (!req.sources.is_empty()).then(|| {
            let (tx, rx) = mpsc::channel::<Article>();
            let formatting = &formatting;
            scope.spawn(move || formatting.warm_early(rx));
            tx
        });
        drive(req, &formatting, early)
    })
}

/// The stages, in order.
fn drive(
    mut req: BuildRequest,
    formatting: &Formatting,
    early: Option<mpsc::Sender<Article>>,
) -> Result<BuildOutcome> {
    let mut outcome = BuildOutcome::default();
    let mut memory;
    let recording = req.store.is_some();
    let store: &mut Store = match req.store.take() {
        Some(s) => s,
        None => {
            memory = Store::memory()?;
            &mut memory
        }
    };

    // 1. Collect: named sources into the ledger, local files straight in, with the ledger's.
    if !req.sources.is_empty() {
        let selection = &req.settings.selection;
        let warm = |a: &Article| {
            if let Some(tx) = early.as_ref().filter(|_| selection.keeps(a)) {
                let _ = tx.send(a.clone());
            }
        };
        let on_source = req.on_source.unwrap_or(&|_| {});
        outcome.sources = collect::collect_watching(
            &req.sources,
            req.config,
            store,
            req.fetcher,
            on_source,
            Some(&warm),
        )?;
        if req.on_source.is_none() {
            collect::report_sources(&outcome.sources, &mut outcome.report);
        }
    }
    // Nothing more is coming: the early pictures finish in the background.
    drop(early);
    let origin = collector::PageOrigin {
        url: req.page_url.clone(),
        site_rules: req.config.fetch.site_rules.clone(),
    };
    let local = collector::collect_local(
        &req.inputs,
        req.config.input.max_bytes(),
        req.keep_non_articles,
        &origin,
        &mut outcome.report,
    );
    let from = with_ledger(local, store, &req, &mut outcome)?;

    // 2. Select, and one story once.
    let (mut selected, stories) = select_stories(from, store, &req, recording, &mut outcome)?;
    if selected.is_empty() {
        return Ok(outcome);
    }

    // 3. Format, 4. package (within the size budget), 5. record. What collecting wrote goes
    // into the ledger file meanwhile.
    let checkpoint = store.checkpoint_in_background();
    let mut ledger = Ledger {
        store,
        recording,
        reserved: None,
        stories,
    };
    let result = package(&req, &mut selected, formatting, &mut ledger, &mut outcome);
    if let Some(done) = checkpoint {
        let _ = done.join();
    }
    if result.is_err() {
        ledger.abandon();
    }
    result.map(|()| outcome)
}

/// Keep what the selection asks for, then make each story's copies one article (before the
/// limit, so that a copy takes no place in the issue) and record the copies of stories earlier
/// issues took; `held_back` counts the pending articles left for later.
fn select_stories(
    from: FromLedger,
    store: &mut Store,
    req: &BuildRequest,
    recording: bool,
    outcome: &mut BuildOutcome,
) -> Result<(Vec<Article>, stories::Stories)> {
    let pending = from.pending;
    let limit = req.settings.selection.limit;
    let unlimited = select::Selection {
        limit: None,
        ..req.settings.selection.clone()
    };
    let mut selected = select::apply(from.articles, &unlimited);
    // Stories earlier issues took count only for the ledger's pending articles.
    let issued = (recording && req.settings.pending_only).then_some(&*store);
    let stories = stories::merge(
        &mut selected,
        &from.signatures,
        &from.ranks,
        issued,
        req.config.issue.prefer,
    )?;
    if recording && !stories.earlier.is_empty() {
        let copies: Vec<(&str, &str)> = stories
            .earlier
            .iter()
            .map(|(c, e)| (c.as_str(), e.as_str()))
            .collect();
        store.record_copies_of_issued(&copies)?;
        shelf::pause_point("copies");
    }
    outcome.duplicates = stories
        .left_out
        .iter()
        .filter(|d| d.earlier)
        .cloned()
        .collect();
    if let Some(n) = limit {
        selected.truncate(n);
    }
    if req.settings.pending_only {
        let taken = selected.iter().filter(|a| pending.contains(&a.id)).count();
        let copies = stories.copies.len() + stories.earlier.len();
        outcome.held_back = pending.len().saturating_sub(taken + copies);
    }
    Ok((selected, stories))
}

/// What a build takes from the ledger.
struct FromLedger {
    /// The local articles with the ledger's (only its pending ones with `pending_only`).
    articles: Vec<Article>,
    /// The ids of those pending.
    pending: HashSet<String>,
    /// The stored articles' signatures, by id (files named on the command line have none: one
    /// story once leaves them as they are).
    signatures: HashMap<String, dedupe::Signature>,
    /// Where each stored article's source is listed in the config, by id.
    ranks: HashMap<String, usize>,
}

fn with_ledger(
    articles: Vec<Article>,
    store: &Store,
    req: &BuildRequest,
    outcome: &mut BuildOutcome,
) -> Result<FromLedger> {
    let mut from = FromLedger {
        articles,
        pending: HashSet::new(),
        signatures: HashMap::new(),
        ranks: HashMap::new(),
    };
    for s in store.articles()? {
        if !req.settings.pending_only || s.pending {
            if let Some(url) = &s.source_url {
                req.fetcher.allow_private(url);
            }
            if s.pending {
                from.pending.insert(s.article.id.clone());
            }
            let id = &s.article.id;
            let rank = stories::source_rank(req.config, s.source_url.as_deref(), &s.article.source);
            from.ranks.insert(id.clone(), rank);
            if let Some(sig) = s.signature {
                from.signatures.insert(id.clone(), sig);
            }
            from.articles.push(s.article);
        } else if s.delivered {
            outcome.repeats_skipped += 1;
        }
    }
    Ok(from)
}

/// The issue's place in the ledger while it is made: reserved once its articles are formatted
/// (its number goes into the book), released if the book never gets into place.
struct Ledger<'s> {
    store: &'s mut Store,
    /// The copies of this issue's stories, recorded with its reservation.
    stories: stories::Stories,
    /// A build without a ledger (the in-memory one) records nothing.
    recording: bool,
    reserved: Option<u32>,
}

impl Ledger<'_> {
    /// Reserve the issue's number, its articles and its files in one transaction, and name
    /// its files.
    fn reserve(
        &mut self,
        settings: &IssueSettings,
        formatted: &[FormattedArticle],
        opts: &mut packager::IssueOptions,
    ) -> Result<shelf::IssueFiles> {
        if self.recording {
            let ids: Vec<&str> = formatted.iter().map(|a| a.id.as_str()).collect();
            let copies: Vec<(&str, &str)> = self
                .stories
                .copies
                .iter()
                .map(|(c, k)| (c.as_str(), k.as_str()))
                .collect();
            let new = store::NewIssue {
                title: &opts.title,
                date: opts.date,
                now: Utc::now(),
                copies: &copies,
            };
            let number =
                self.store
                    .reserve_issue(&new, &ids, settings.pending_only, &|number| {
                        settings.output.files(number).roles()
                    })?;
            self.reserved = Some(number);
            opts.number = number;
            shelf::pause_point("reserved");
        }
        let files = settings.output.files(opts.number);
        shelf::check_output(&files.book).map_err(BuildError::Output)?;
        Ok(files)
    }

    /// The reservation holds exactly the articles the book holds.
    fn trim_to_book(&mut self, issue: &Issue) -> Result<()> {
        if let Some(number) = self.reserved {
            let ids: Vec<&str> = issue.articles().map(|a| a.id.as_str()).collect();
            self.store.settle_articles(number, &ids)?;
        }
        Ok(())
    }

    /// The book is in place: the issue is built, its deliveries owed.
    fn built(&mut self, deliver_to: &[(String, String)]) -> Result<()> {
        if let Some(number) = self.reserved.take() {
            self.store.mark_built(number, deliver_to, Utc::now())?;
            shelf::pause_point("built");
        }
        Ok(())
    }

    /// The book never got into place: the issue's number and articles are free again.
    fn abandon(&mut self) {
        if let Some(n) = self.reserved.take()
            && let Err(undo) = self.store.abandon_issue(n)
        {
            crate::debug_line!("ledger: could not release issue {n}: {undo:#}");
        }
    }
}

/// Format and package the selected articles within the size budget, reserving the issue once
/// the first pass has formatted them, then put the files in place — the KEPUB, then the book,
/// whose rename is the moment the issue exists — and record it as built.
fn package(
    req: &BuildRequest,
    selected: &mut Vec<Article>,
    formatting: &Formatting,
    ledger: &mut Ledger,
    outcome: &mut BuildOutcome,
) -> Result<()> {
    let steps = budget::steps(req.settings.max_size);
    let mut opts = req.settings.issue.clone();
    let (mut files, mut book, mut done) = (None, None, None);
    for (n, &step) in steps.iter().enumerate() {
        let settings = budget::scaled(formatting.base, step);
        let last = n + 1 == steps.len();
        // The last step takes the articles; earlier ones (a size budget) work on a copy.
        let articles = if last {
            std::mem::take(selected)
        } else {
            selected.clone()
        };
        let mut report = Report::default();
        let formatted = formatting.format_all(articles, settings, &mut report);
        if formatted.is_empty() && files.is_none() {
            // Every selected article failed: no book, and nothing reserved.
            outcome.report.extend(report);
            return Ok(());
        }
        let paths: &shelf::IssueFiles = match &files {
            Some(f) => f,
            None => files.insert(ledger.reserve(&req.settings, &formatted, &mut opts)?),
        };
        let refs: usize = formatted.iter().map(|a| a.image_refs).sum();
        let issue = packager::assemble(formatted, &opts);
        // The book goes straight into a temporary file beside the output; a step over the
        // budget writes it again.
        let file = match &mut book {
            Some(file) => file,
            None => book.insert(shelf::AtomicFile::create(&paths.book)?),
        };
        let size = file.write_with(|w| packager::epub::write(&issue, w))?;
        if n > 0 {
            outcome.budget.push(format!(
                "images at {:.0}% of the screen, JPEG quality {}: {}",
                step.0 * 100.0,
                settings.quality,
                human_size(size)
            ));
        }
        if last || req.settings.max_size.is_none_or(|m| size <= m) {
            outcome.images_report = formatting.stats(&settings, refs);
            done = Some((issue, size, report));
            break;
        }
    }
    let (mut issue, mut size, report) = done.expect("the last step always ends the loop");
    let files = files.expect("named with the first step");
    let mut book = book.expect("written with the issue");
    outcome.report.extend(report);
    // Still over: leave out the largest pictures, one at a time.
    if let Some(max) = req.settings.max_size {
        while size > max {
            let Some(biggest) = budget::largest_image(&issue) else {
                break;
            };
            budget::drop_image(&mut issue, &biggest);
            size = book.write_with(|w| packager::epub::write(&issue, w))?;
            outcome
                .budget
                .push(format!("left out {biggest}: {}", human_size(size)));
        }
        if size > max {
            outcome.report.warn_as(
                crate::report::Kind::TooLarge,
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
    ledger.trim_to_book(&issue)?;
    // The copies left out for a story the book holds (one whose kept copy failed is pending
    // again: the ledger freed it with the trim).
    let in_book: HashSet<&str> = issue.articles().map(|a| a.id.as_str()).collect();
    outcome.duplicates.extend(
        ledger
            .stories
            .left_out
            .iter()
            .filter(|d| !d.earlier && in_book.contains(d.of_id.as_str()))
            .cloned(),
    );
    if let Some(k) = &files.kepub {
        let mut kepub = issue.clone();
        kepub.kepub = true;
        let mut copy = shelf::AtomicFile::create(k)?;
        copy.write_with(|w| packager::epub::write(&kepub, w))?;
        copy.commit()?;
        outcome.kepub = Some(k.clone());
    }
    // The issue exists from here: a run killed after this rename has its issue finished by
    // the next one (`shelf::recover`).
    book.commit()?;
    shelf::pause_point("renamed");
    ledger.built(&req.settings.deliver_to)?;
    outcome.number = opts.number;
    outcome.titles = issue.articles().map(|a| a.title.clone()).collect();
    outcome.articles = issue.articles().count();
    outcome.sections = if issue.meta.sectioned {
        issue.sections.len()
    } else {
        0
    };
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
