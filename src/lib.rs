//! inkquire: the day's reading — feeds, web pages, Markdown, text and HTML files — made into a
//! well-set EPUB issue for e-readers.
//!
//! The pipeline, in the order [`build`] runs it:
//!
//! 1. [`collector`] reads inputs into [`model::Article`]s;
//! 2. [`select`] keeps those in the date window and topics asked for;
//! 3. [`formatter`] makes each one safe, valid, typeset XHTML ([`model::FormattedArticle`]);
//! 4. [`packager`] groups them into an [`model::Issue`] and writes the EPUB.
//!
//! Problems with single inputs are collected in a [`report::Report`] and never stop the others.

pub mod cli;
pub mod collector;
pub mod dates;
pub mod formatter;
pub mod model;
pub mod packager;
pub mod report;
pub mod select;
pub mod styles;

use std::path::PathBuf;

use crate::formatter::{FormatOptions, ImageCache, LocalImages};
use crate::model::FormattedArticle;
use crate::packager::IssueOptions;
use crate::report::Report;
use crate::select::Selection;

/// Everything one `build` needs.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// Files and folders to read.
    pub inputs: Vec<PathBuf>,
    /// Where the EPUB goes.
    pub output: PathBuf,
    pub selection: Selection,
    pub issue: IssueOptions,
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
    pub report: Report,
}

/// The whole pipeline: collect → select → format → package → write.
///
/// An `Err` is a failure of the build itself (the book could not be written); problems with
/// single inputs are in the outcome's report.
pub fn build(req: &BuildRequest) -> anyhow::Result<BuildOutcome> {
    let mut outcome = BuildOutcome::default();
    let articles = collector::collect_local(&req.inputs, &mut outcome.report);
    let selected = select::apply(articles, &req.selection);
    if selected.is_empty() {
        return Ok(outcome);
    }
    let formatted = format_all(selected, &mut outcome.report);
    let issue = packager::assemble(formatted, &req.issue);
    let bytes = packager::epub::render(&issue)?;
    packager::write_atomic(&req.output, &bytes)?;
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
fn format_all(articles: Vec<model::Article>, report: &mut Report) -> Vec<FormattedArticle> {
    use rayon::prelude::*;
    let cache = ImageCache::default();
    let opts = FormatOptions {
        default_lang: "en",
        images: &LocalImages,
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
