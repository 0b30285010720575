//! The formatter's own scheduling: how many articles are formatted at once, and when their
//! pictures are fetched and prepared.
//!
//! - While sources are still being collected, each article that arrives is drafted and its
//!   pictures are fetched and prepared ([`Formatting::warm_early`]), so the work overlaps the
//!   network instead of following it.
//! - [`Formatting::format_all`] formats the selected articles in batches of [`BATCH`]: a batch's
//!   pictures are all started at once, the biggest first, and each article is finished as soon as
//!   its pictures are ready. The early drafts are used when the article did not change since.
//!
//! One article's bug (a panic, or output that fails the boundary audit) costs that article,
//! never the issue.

use crate::formatter::{self, FormatOptions, ImageCache, ImageSource, ImageStats};
use crate::imaging;
use crate::model::{self, FormattedArticle};
use crate::report::Report;

/// Why an article was left out by the formatter: always a bug in inkquire, never the input's
/// fault (bad input is cleaned, not refused).
#[derive(Debug, Clone, thiserror::Error)]
pub enum FormatError {
    #[error("left out: formatting it crashed; this is a bug in inkquire, please report it")]
    Crashed,
    #[error(
        "left out: the formatter's output failed the safety audit ({}); this is a bug in inkquire, please report it",
        .0.join(", ")
    )]
    Audit(Vec<String>),
}

/// Articles formatted together: a draft (the parsed tree) is several times the size of its
/// source, so holding every draft of a year of articles at once would be most of the memory.
pub const BATCH: usize = 256;

/// The formatter's shared state for one build: where pictures come from, the prepared
/// pictures, and the drafts made early.
pub struct Formatting<'a> {
    images: &'a dyn ImageSource,
    cache: ImageCache,
    drafts: EarlyDrafts,
    /// How pictures are made for the profile's screen (a size budget scales it down).
    pub base: imaging::Settings,
    /// Threads for fetching pictures (more than cores, so that fetches overlap).
    threads: usize,
}

impl<'a> Formatting<'a> {
    pub fn new(images: &'a dyn ImageSource, base: imaging::Settings, fetches: usize) -> Self {
        Formatting {
            images,
            cache: ImageCache::default(),
            drafts: EarlyDrafts::default(),
            base,
            threads: fetches.max(rayon::current_num_threads()),
        }
    }

    /// Draft each article that comes through `rx` and fetch and prepare its pictures, several
    /// articles at once, until the sender is dropped and every picture asked for is done.
    pub fn warm_early(&self, rx: std::sync::mpsc::Receiver<model::Article>) {
        warm_early(
            rx,
            self.images,
            &self.cache,
            &self.drafts,
            self.base,
            self.threads,
        )
    }

    /// Format every article with pictures made by `settings`, in parallel but keeping their
    /// order; each one's warnings and failure go into `report` under its origin.
    pub fn format_all(
        &self,
        articles: Vec<model::Article>,
        settings: imaging::Settings,
        report: &mut Report,
    ) -> Vec<FormattedArticle> {
        format_all(
            articles,
            self.images,
            &self.cache,
            &self.drafts,
            settings,
            self.threads,
            report,
        )
    }

    /// What became of the pictures made with `settings`, `refs` of them shown.
    pub fn stats(&self, settings: &imaging::Settings, refs: usize) -> ImageStats {
        self.cache.stats(settings, refs)
    }
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

/// One article's result: its origin, the formatted article or why it was left out, and its
/// warnings.
type Done = (String, Result<FormattedArticle, FormatError>, Vec<String>);
/// One article drafted (cleaned and repaired), or why it could not be.
type Drafted = (String, Result<formatter::Draft, FormatError>);

/// `work`, with a panic in it made [`FormatError::Crashed`]: one article's bug costs that
/// article, never the issue.
fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, FormatError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| FormatError::Crashed)
}

/// The per-article work, apart from any scheduling: draft an article (or take the draft made
/// while it was collected), then finish it (pictures, typography, header) and audit it.
struct ArticleWorker<'a> {
    opts: FormatOptions<'a>,
    early: &'a EarlyDrafts,
}

impl ArticleWorker<'_> {
    /// Clean and repair `a`.
    fn draft(&self, a: model::Article) -> Drafted {
        let origin = a.origin.clone();
        let draft = guarded(|| match self.early.take(&a, &self.opts) {
            Some(d) => d.for_article(a),
            None => formatter::draft(a, &self.opts),
        });
        (origin, draft)
    }

    /// Pictures, typography and header; then the safety audit.
    fn finish(&self, (origin, draft): Drafted) -> Done {
        let draft = match draft {
            Ok(d) => d,
            Err(e) => return (origin, Err(e), Vec::new()),
        };
        match guarded(|| formatter::finish(draft, &self.opts)) {
            Ok((f, warnings)) => {
                let bad = formatter::audit::violations(&f.xhtml);
                if bad.is_empty() {
                    (origin, Ok(f), warnings)
                } else {
                    (origin, Err(FormatError::Audit(bad)), warnings)
                }
            }
            Err(e) => (origin, Err(e), Vec::new()),
        }
    }
}

/// One batch of drafted articles waiting for their pictures: each is finished once, by
/// whichever thread gets to it first.
struct Waiting<'a> {
    worker: &'a ArticleWorker<'a>,
    /// The pictures each article shows.
    srcs: Vec<Vec<String>>,
    slots: Vec<std::sync::Mutex<Option<Drafted>>>,
    done: Vec<std::sync::Mutex<Option<Done>>>,
    /// Where the next look for a ready article starts.
    look_from: std::sync::atomic::AtomicUsize,
}

impl<'a> Waiting<'a> {
    fn new(worker: &'a ArticleWorker<'a>, drafts: Vec<Drafted>) -> Self {
        let srcs = drafts
            .iter()
            .map(|(_, d)| {
                d.as_ref()
                    .map(formatter::Draft::image_sources)
                    .unwrap_or_default()
            })
            .collect();
        let done = drafts.iter().map(|_| std::sync::Mutex::new(None)).collect();
        Waiting {
            worker,
            srcs,
            slots: drafts
                .into_iter()
                .map(|d| std::sync::Mutex::new(Some(d)))
                .collect(),
            done,
            look_from: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Every picture of the batch with the page it is shown on.
    fn wanted(&self) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for (slot, srcs) in self.slots.iter().zip(&self.srcs) {
            let slot = slot.lock().expect("waiting");
            let Some((_, Ok(d))) = slot.as_ref() else {
                continue;
            };
            let referer = d.referer().map(str::to_owned);
            out.extend(srcs.iter().map(|src| (src.clone(), referer.clone())));
        }
        out
    }

    /// Finish article `i` unless another thread has it or had it.
    fn finish_one(&self, i: usize) -> bool {
        let Some(taken) = self.slots[i].try_lock().ok().and_then(|mut s| s.take()) else {
            return false;
        };
        *self.done[i].lock().expect("finished") = Some(self.worker.finish(taken));
        true
    }

    /// Finish one article whose pictures are all ready, if there is one. Each look goes on
    /// from where the last one found one, round the batch once: an article held up by a slow
    /// picture is passed over, not scanned again for every article after it.
    fn finish_ready(&self, cache: &ImageCache, settings: &imaging::Settings) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let (n, from) = (self.slots.len(), self.look_from.load(Relaxed));
        (0..n).map(|k| (from + k) % n).any(|i| {
            let waiting = self.slots[i].try_lock().is_ok_and(|s| s.is_some());
            let found = waiting
                && self.srcs[i].iter().all(|src| cache.ready(src, settings))
                && self.finish_one(i);
            if found {
                self.look_from.store(i + 1, Relaxed);
            }
            found
        })
    }

    /// Finish whatever is left, in parallel, and give every result in order.
    fn finish_rest(self) -> Vec<Done> {
        use rayon::prelude::*;
        (0..self.slots.len()).into_par_iter().for_each(|i| {
            self.finish_one(i);
        });
        self.done
            .into_iter()
            .map(|d| {
                d.into_inner()
                    .expect("finished")
                    .expect("every article is finished")
            })
            .collect()
    }
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
    let worker = ArticleWorker {
        opts: FormatOptions {
            default_lang: "en",
            images,
            image_cache: cache,
            image_settings: settings,
        },
        early,
    };
    let run_batch = |articles: Vec<model::Article>| -> Vec<Done> {
        // 1. Clean and repair every article.
        let drafts: Vec<Drafted> = articles.into_par_iter().map(|a| worker.draft(a)).collect();
        // 2. Every picture of the batch at once, the biggest first; 3. once they have all been
        // started, the articles whose pictures are ready are finished on the cores the last
        // pictures leave free, and the others when those are done.
        let waiting = Waiting::new(&worker, drafts);
        let wanted = waiting.wanted();
        // A panic here only means the pictures are prepared as the articles ask for them.
        let _ = guarded(|| {
            cache.warm_while(wanted, images, &settings, &|| {
                waiting.finish_ready(cache, &settings)
            })
        });
        waiting.finish_rest()
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
            Err(e) => report.fail_as(crate::report::Kind::Bug, &origin, e.to_string()),
        }
    }
    out
}
