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
pub mod fetch;
pub mod formatter;
pub mod model;
pub mod packager;
pub mod report;
pub mod select;
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
    /// Where the EPUB goes.
    pub output: PathBuf,
    pub selection: Selection,
    /// Leave out articles already delivered in an issue and those seen before the last one.
    pub since_last_issue: bool,
    pub issue: IssueOptions,
    /// The ledger; `None` keeps no state (collected sources live in memory for this build).
    pub store: Option<&'a mut Store>,
    pub config: &'a Config,
    pub fetcher: &'a dyn Fetcher,
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
    let known = store.known()?;
    let ctx = remote::Collect {
        fetcher,
        config,
        known: &known,
        workers: config.fetch.global.max(1),
    };
    let mut reports: Vec<(usize, SourceReport)> = Vec::new();
    let mut store_error = None;
    remote::collect_sources(sources, &ctx, &mut |i, r: SourceResult| {
        let mut rep = SourceReport {
            location: r.location.clone(),
            name: r.name.clone(),
            warnings: r.warnings.clone(),
            ..Default::default()
        };
        match r.outcome {
            Err(e) => rep.failed = Some(e),
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
    let mut outcome = BuildOutcome::default();
    let mut memory;
    let has_ledger = req.store.is_some();
    let store: &mut Store = match req.store {
        Some(s) => s,
        None => {
            memory = Store::memory()?;
            &mut memory
        }
    };

    // 1. Collect: named sources into the ledger, local files straight in.
    if !req.sources.is_empty() {
        outcome.sources = collect(&req.sources, req.config, store, req.fetcher, &|_| {})?;
        for s in &outcome.sources {
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
    let mut articles = collector::collect_local(&req.inputs, &mut outcome.report);
    let last = store.last_issue()?;
    for s in store.articles()? {
        let fresh =
            !req.since_last_issue || (!s.delivered && last.is_none_or(|(_, at)| s.first_seen > at));
        if fresh {
            articles.push(s.article);
        }
    }

    // 2. Select.
    let selected = select::apply(articles, &req.selection);
    if selected.is_empty() {
        return Ok(outcome);
    }

    // 3. Format, 4. package.
    let formatted = format_all(selected, req.fetcher, &mut outcome.report);
    let number = if has_ledger {
        last.map_or(1, |(n, _)| n + 1)
    } else {
        req.issue.number
    };
    let opts = IssueOptions {
        number,
        ..req.issue.clone()
    };
    let issue = packager::assemble(formatted, &opts);
    let bytes = packager::epub::render(&issue)?;
    packager::write_atomic(&req.output, &bytes)?;
    if has_ledger {
        let ids: Vec<&str> = issue.articles().map(|a| a.id.as_str()).collect();
        store.record_issue(
            number,
            &opts.title,
            opts.date,
            &req.output,
            &ids,
            Utc::now(),
        )?;
    }
    outcome.number = number;
    outcome.articles = issue.articles().count();
    outcome.sections = issue.sections.len();
    let mut images: Vec<&str> = issue
        .articles()
        .flat_map(|a| a.assets.iter().map(|x| x.href.as_str()))
        .collect();
    images.sort_unstable();
    images.dedup();
    outcome.images = images.len();
    outcome.bytes = bytes.len();
    outcome.written = Some(req.output.clone());
    Ok(outcome)
}

/// Format every article, in parallel but keeping their order, collecting each one's warnings under
/// its origin.
fn format_all(
    articles: Vec<model::Article>,
    fetcher: &dyn Fetcher,
    report: &mut Report,
) -> Vec<FormattedArticle> {
    use rayon::prelude::*;
    let cache = ImageCache::default();
    let images = FetchedImages { fetcher };
    let opts = FormatOptions {
        default_lang: "en",
        images: &images,
        image_cache: &cache,
    };
    let done: Vec<(String, FormattedArticle, Vec<String>)> = articles
        .into_par_iter()
        .map(|a| {
            let origin = a.origin.clone();
            let (f, warnings) = formatter::format(a, &opts);
            (origin, f, warnings)
        })
        .collect();
    done.into_iter()
        .map(|(origin, f, warnings)| {
            for w in warnings {
                report.warn(&origin, w);
            }
            f
        })
        .collect()
}
