//! Stage 1 of the pipeline: collect named sources (feeds, pages, OPML lists) into the ledger.
//!
//! Sources are fetched and read in parallel (`collector::remote`), and each source's articles
//! are saved in one transaction as soon as that source is done: a run killed half-way keeps the
//! sources it finished. Credentials in a source's address never reach a message or the report.

use chrono::Utc;

use crate::collector::remote::{self, SourceResult};
use crate::config::{Config, SourceConfig};
use crate::fetch::{self, Fetcher};
use crate::model;
pub use crate::report::SourceReport;
use crate::store::{Store, Stored};

/// Collect `sources` into `store`: fetch and read them in parallel, and save each source's
/// articles in one transaction as soon as that source is done (a run killed half-way keeps the
/// sources it finished). Failures are per source, in the reports, in the order of `sources`.
pub fn collect(
    sources: &[SourceConfig],
    config: &Config,
    store: &mut Store,
    fetcher: &dyn Fetcher,
    on_done: &dyn Fn(&SourceReport),
) -> Result<Vec<SourceReport>, super::error::BuildError> {
    collect_watching(sources, config, store, fetcher, on_done, None)
}

/// [`collect`], telling `on_article` of each new article as soon as it is read.
pub(crate) fn collect_watching(
    sources: &[SourceConfig],
    config: &Config,
    store: &mut Store,
    fetcher: &dyn Fetcher,
    on_done: &dyn Fn(&SourceReport),
    on_article: Option<&(dyn Fn(&model::Article) + Sync)>,
) -> Result<Vec<SourceReport>, super::error::BuildError> {
    for s in sources {
        if let Some(url) = &s.url {
            fetcher.allow_private(url);
        }
    }
    let known = store.known()?;
    // A delivered article that grows is stored again, as an update, only when asked for.
    store.set_deliver_updates(config.issue.updates == crate::dedupe::Updates::Deliver);
    let filters = SourceFilters::new(sources, config);
    // Started at the first page that needs it; killed when the collection ends.
    let browser = crate::browser::Browser::configured(&config.fetch);
    let ctx = remote::Collect {
        browser: browser.as_ref(),
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
            Err(e) => {
                rep.failed = Some(hide(&e.message));
                rep.kind = Some(e.kind);
            }
            Ok(h) => {
                rep.not_modified = h.not_modified;
                rep.list = h.list;
                rep.feed = h.discovered.as_deref().map(fetch::redact);
                rep.unchanged = h.known;
                let filtered: Vec<Option<String>> = h
                    .articles
                    .iter()
                    .map(|a| filters.verdict(i, &a.article))
                    .collect();
                match store.save_batch(
                    &h.validators,
                    &h.articles,
                    &filtered,
                    &h.links,
                    &h.mail,
                    Utc::now(),
                ) {
                    Ok(stored) => {
                        for ((s, h), why) in stored.into_iter().zip(&h.articles).zip(&filtered) {
                            match s {
                                Stored::New => {
                                    rep.new += 1;
                                    rep.titles.push(h.article.title.clone());
                                }
                                Stored::Filtered => rep.filtered.push(crate::report::Filtered {
                                    title: h.article.title.clone(),
                                    rule: why.clone().unwrap_or_default(),
                                }),
                                Stored::Updated => rep.updated += 1,
                                Stored::Unchanged | Stored::Duplicate => rep.unchanged += 1,
                            }
                        }
                    }
                    Err(e) => {
                        rep.failed =
                            Some(format!("could not be stored: {}", crate::report::chain(&e)));
                        rep.kind = Some(e.kind());
                        store_error.get_or_insert(e);
                    }
                }
            }
        }
        on_done(&rep);
        reports.push((i, rep));
    });
    if let Some(e) = store_error {
        return Err(super::error::BuildError::Collect(e));
    }
    reports.sort_by_key(|(i, _)| *i);
    Ok(reports.into_iter().map(|(_, r)| r).collect())
}

/// The filters each source's articles go through: `[filters]`, then the source's own. (The
/// config was checked when it was read; an entry that still does not parse is left out.)
struct SourceFilters {
    global: crate::filters::Filters,
    own: Vec<crate::filters::Filters>,
}

impl SourceFilters {
    fn new(sources: &[SourceConfig], config: &Config) -> SourceFilters {
        let g = &config.filters;
        SourceFilters {
            global: crate::filters::Filters::new(&g.block, &g.allow, g.min_words)
                .unwrap_or_default(),
            own: sources
                .iter()
                .map(|s| {
                    crate::filters::Filters::new(&s.block, &s.allow, s.min_words)
                        .unwrap_or_default()
                })
                .collect(),
        }
    }

    /// Why source `i`'s article `a` is left out, if it is.
    fn verdict(&self, i: usize, a: &model::Article) -> Option<String> {
        let own = self.own.get(i).filter(|f| !f.is_empty());
        if self.global.is_empty() && own.is_none() {
            return None;
        }
        let text = crate::filters::plain_text(&a.body_html);
        self.global
            .verdict(a, &text, "[filters]")
            .or_else(|| own.and_then(|f| f.verdict(a, &text, "the source's")))
    }
}

/// Put what went wrong with each source into `report`: its warnings, its failure, or that it
/// holds no articles.
pub fn report_sources(sources: &[SourceReport], report: &mut crate::report::Report) {
    for s in sources {
        for w in &s.warnings {
            report.warn(&s.location, w);
        }
        if let Some(e) = &s.failed {
            report.fail_as(s.kind.unwrap_or_default(), &s.location, e);
        } else if !s.not_modified && !s.list && s.new + s.updated + s.unchanged == 0 {
            report.fail_as(
                crate::report::Kind::Parse,
                &s.location,
                "holds no articles (the feed has no items)",
            );
        }
    }
}
