//! inkquire: the day's reading — feeds, web pages, Markdown, text and HTML files — made into a
//! well-set EPUB issue for e-readers.
//!
//! The pipeline, in the order [`pipeline::build`] runs it:
//!
//! 1. [`collector`] reads local files into [`model::Article`]s, and fetches feeds and pages
//!    ([`pipeline::collect`]) into the ledger ([`store`]);
//! 2. [`select`] keeps those in the date window and topics asked for;
//! 3. [`formatter`] makes each one safe, valid, typeset XHTML ([`model::FormattedArticle`]);
//! 4. [`packager`] groups them into an [`model::Issue`] and writes the EPUB;
//! 5. the issue is recorded in the ledger, and [`deliver`]ed.
//!
//! Around it: [`issue`] settles an issue's settings once, [`digest`] is the daily job, [`shelf`]
//! owns the output folder, [`serve`] serves it. Problems with single inputs are collected in a
//! [`report::Report`] and never stop the others. The command line is the binary's (`src/cli/`).

pub mod browser;
pub mod calendar;
pub mod collector;
pub mod config;
pub mod cookies;
pub mod data_url;
pub mod dates;
pub mod dedupe;
pub mod deliver;
pub mod digest;
pub mod fetch;
pub mod filters;
pub mod formatter;
pub mod fuzzing;
pub mod ids;
pub mod imaging;
pub mod issue;
pub mod lang;
pub mod log;
pub mod math;
pub mod model;
pub mod packager;
pub mod pipeline;
pub mod profiles;
pub mod report;
pub mod select;
pub mod serve;
pub mod shelf;
pub mod store;
pub mod styles;
pub mod units;
pub mod words;

pub use issue::{IssueSettings, Overrides};
pub use pipeline::{BuildOutcome, BuildRequest, SourceReport, build, collect};
