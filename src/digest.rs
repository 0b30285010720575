//! The unattended daily job, as a sequence of the library's steps:
//!
//! 1. settle the settings (issue and deliveries) before anything is written;
//! 2. take the ledger's run lock (`store::LedgerLock`);
//! 3. finish what a killed run left (`shelf::recover`) and retry what the outbox owes
//!    (`deliver::outbox`);
//! 4. collect and build an issue of the pending articles (`pipeline::build`), which reserves,
//!    writes and records it;
//! 5. deliver it through the outbox, write its report (`shelf::IssueReport`), prune to `keep`
//!    (`shelf::prune`).
//!
//! [`preview`] (`digest --dry-run`) runs the same build on a copy of the ledger in a temporary
//! folder, so it lists exactly what the real run would deliver. What happens along the way is
//! told to the caller as [`Event`]s; what to print and which exit code to give is the command
//! line's.
//!
//! Every article reaches the reader once: an article is pending until an issue holds it, and
//! an issue stays in the outbox until every target has it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};

use crate::config::Config;
use crate::deliver::{self, Reader, outbox};
use crate::fetch::HttpFetcher;
use crate::issue::{IssueSettings, SettingsError};
use crate::pipeline::{BuildError, BuildOutcome, BuildRequest, SourceReport, build};
use crate::shelf::{self, DeliveryNote, IssueReport};
use crate::store::{Held, HoldError, LockError, OutboxEntry, Store, StoreError};

/// What happens during a digest, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// Another run holds the ledger (`wait`): this one waits for it.
    Waiting(&'a Path),
    /// An issue a killed run left was finished or forgotten.
    Recovered(shelf::Recovered),
    /// One source was collected (or failed).
    Source(&'a SourceReport),
    /// A delivery was made, failed, or is no longer owed.
    Delivery(&'a outbox::Event),
    /// The new issue is written and recorded; its deliveries come next.
    Built(&'a BuildOutcome),
    /// Old issue files were removed (or could not be).
    Pruned(&'a shelf::Pruned),
    /// Newsletter messages of delivered issues were marked read, moved or left (or could not be).
    Mail(&'a crate::deliver::mailbox::Settled),
}

/// Why a digest did not run.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    /// An issue setting cannot be used.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Delivery settings that cannot work (each problem on its own).
    #[error("{}", .0.join("\n       "))]
    Deliveries(Vec<String>),
    /// There is nowhere to keep the ledger.
    #[error("no place for the ledger: give --store FILE")]
    NoLedger,
    /// Another digest holds the ledger's run lock.
    #[error(
        "Another inkquire digest is running with this ledger (lock {}); not starting a second one. Use --wait to wait for it.",
        .0.display()
    )]
    Busy(PathBuf),
    /// The ledger could not be read or written.
    #[error(transparent)]
    Ledger(#[from] StoreError),
    /// The build failed as a whole.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The issue's report could not be written.
    #[error(transparent)]
    Report(#[from] shelf::WriteError),
    /// A folder the run needs could not be made.
    #[error("cannot create {}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The ledger's lock could not be taken.
    #[error(transparent)]
    Lock(LockError),
}

impl From<HoldError> for DigestError {
    fn from(e: HoldError) -> Self {
        match e {
            HoldError::Lock(e) => e.into(),
            HoldError::Store(e) => e.into(),
        }
    }
}

impl From<LockError> for DigestError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Busy(p) => DigestError::Busy(p),
            e => DigestError::Lock(e),
        }
    }
}

/// What a digest did.
#[derive(Debug)]
pub struct Digested {
    /// The build of this run's issue (`written` is `None` when nothing new was built).
    pub outcome: BuildOutcome,
    /// Deliveries still owed when the run ended, of any issue.
    pub owed: Vec<OutboxEntry>,
    /// The report written beside the new issue.
    pub report: Option<IssueReport>,
}

impl DigestError {
    /// What kind of failure, for the command line's advice.
    pub fn kind(&self) -> crate::report::Kind {
        use crate::report::Kind;
        match self {
            DigestError::Ledger(e) => e.kind(),
            DigestError::Build(e) => e.kind(),
            DigestError::Report(e) => e.kind(),
            DigestError::Folder { source, .. } => Kind::of_io(source),
            DigestError::Lock(LockError::Io { source, .. }) => Kind::of_io(source),
            DigestError::Busy(_) | DigestError::Lock(_) => Kind::Conflict,
            DigestError::Settings(_) | DigestError::Deliveries(_) | DigestError::NoLedger => {
                Kind::Other
            }
        }
    }
}

impl Digested {
    /// Sources this run could not read.
    pub fn sources_failed(&self) -> usize {
        self.outcome
            .sources
            .iter()
            .filter(|s| s.failed.is_some())
            .count()
    }

    /// There were sources, and not one of them could be read.
    pub fn no_source(&self) -> bool {
        let n = self.outcome.sources.len();
        n > 0 && self.sources_failed() == n
    }
}

/// The issue's settings and where it goes, settled once for the real run and the dry run.
pub struct Plan {
    pub settings: IssueSettings,
    /// Readers found mounted for `kind = "device"` deliveries.
    pub devices: Vec<deliver::Mounted>,
    /// The ledger's file.
    pub ledger: PathBuf,
}

impl Plan {
    /// Check every setting before anything is written or built.
    pub fn checked(
        config: &Config,
        store: Option<&Path>,
        now: DateTime<FixedOffset>,
    ) -> Result<Plan, DigestError> {
        let ledger = config.store_path(store).ok_or(DigestError::NoLedger)?;
        let problems = deliver::check_settings(&config.deliveries, config.smtp.as_ref());
        if !problems.is_empty() {
            return Err(DigestError::Deliveries(problems));
        }
        let devices: Vec<deliver::Mounted> = config
            .deliveries
            .iter()
            .filter_map(|d| match d {
                deliver::Delivery::Device { path } => Some(deliver::find_devices(path.as_deref())),
                _ => None,
            })
            .flatten()
            .collect();
        let kobo = devices.iter().any(|d| d.reader == Reader::Kobo);
        let settings = IssueSettings::for_digest(config, now, kobo)?;
        Ok(Plan {
            settings,
            devices,
            ledger,
        })
    }

    /// The output folder.
    pub fn folder(&self) -> &Path {
        match &self.settings.output {
            shelf::Output::Shelf { folder, .. } => folder,
            shelf::Output::File(p) => p.parent().unwrap_or(Path::new(".")),
        }
    }
}

/// The one build request of a digest: the real run and the dry run differ only in the ledger
/// and the folder written to.
fn request<'a>(
    config: &'a Config,
    mut settings: IssueSettings,
    folder: &Path,
    store: &'a mut Store,
    fetcher: &'a HttpFetcher,
    on_source: Option<&'a dyn Fn(&SourceReport)>,
) -> BuildRequest<'a> {
    if let shelf::Output::Shelf { folder: f, .. } = &mut settings.output {
        *f = folder.to_path_buf();
    }
    BuildRequest {
        sources: config.sources.clone(),
        store: Some(store),
        on_source,
        ..BuildRequest::new(settings, config, fetcher)
    }
}

/// Run the daily job. `wait`: wait for another run holding the ledger instead of stopping.
pub fn run(
    config: &Config,
    plan: Plan,
    wait: bool,
    on: &dyn Fn(Event),
) -> Result<Digested, DigestError> {
    let started = Instant::now();
    // One run at a time per ledger, whatever name reaches it.
    let (mut store, _lock) =
        Held::for_run(&plan.ledger, wait, &|p| on(Event::Waiting(p)))?.into_parts();
    let targets = outbox::targets(&config.deliveries);
    let folder = plan.folder().to_path_buf();

    // What a killed run left: its temporary files, an issue half-made, deliveries owed.
    shelf::remove_own_parts(&store)?;
    for r in shelf::recover(&mut store, &targets)? {
        if let shelf::Recovered::Finished(number) = r {
            recovered_report(&store, number)?;
        }
        on(Event::Recovered(r));
    }
    let tell = |e: &outbox::Event| on(Event::Delivery(e));
    outbox::flush(
        &mut store,
        &config.deliveries,
        config.smtp.as_ref(),
        None,
        &tell,
    )?;

    // Collect and build in one go: pictures of the articles already read are fetched and
    // prepared while other pages are still arriving.
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let on_source = |s: &SourceReport| on(Event::Source(s));
    let (title, date) = (plan.settings.issue.title.clone(), plan.settings.issue.date);
    let req = request(
        config,
        plan.settings,
        &folder,
        &mut store,
        &fetcher,
        Some(&on_source),
    );
    let outcome = build(req)?;
    let (Some(written), Some(files)) = (outcome.written.clone(), outcome.files.clone()) else {
        for m in crate::deliver::mailbox::after_delivery(&mut store, config)? {
            on(Event::Mail(&m));
        }
        // Nothing new is no reason to keep more than `keep` issues (a delivery just made or
        // a `keep` just lowered may leave more).
        if let Some(keep) = config.issue.keep {
            let pruned = shelf::prune(&mut store, keep)?;
            on(Event::Pruned(&pruned));
        }
        let owed = store.undelivered()?;
        return Ok(Digested {
            outcome,
            owed,
            report: None,
        });
    };
    on(Event::Built(&outcome));

    // Deliver this issue (the outbox holds its targets now).
    let events = outbox::flush(
        &mut store,
        &config.deliveries,
        config.smtp.as_ref(),
        Some(outcome.number),
        &tell,
    )?;
    let deliveries = events
        .iter()
        .filter_map(|e| match e {
            outbox::Event::Delivered { target, detail, .. } => Some(DeliveryNote {
                to: target.clone(),
                ok: true,
                detail: detail.clone(),
            }),
            outbox::Event::Failed { target, reason, .. } => Some(DeliveryNote {
                to: target.clone(),
                ok: false,
                detail: reason.clone(),
            }),
            _ => None,
        })
        .collect();
    // Newsletters of what is now delivered: marked read or moved, as their source says.
    for m in crate::deliver::mailbox::after_delivery(&mut store, config)? {
        on(Event::Mail(&m));
    }

    // The report beside the issue.
    let report = IssueReport {
        issue: outcome.number,
        title,
        date: date.to_string(),
        book: written,
        kepub: outcome.kepub.clone(),
        bytes: outcome.bytes,
        articles: outcome.titles.clone(),
        skipped_as_repeats: outcome.repeats_skipped,
        held_back: outcome.held_back,
        duplicates: shelf::Duplicates::of(&outcome.duplicates),
        warnings: outcome.report.warnings.clone(),
        failures: outcome.report.failures.clone(),
        sources: outcome.sources.clone(),
        images: outcome.images_report.clone(),
        deliveries,
        seconds: started.elapsed().as_secs_f64(),
        finished_by_later_run: false,
    };
    if let Some(path) = &files.report {
        report.write(path)?;
    }

    if let Some(keep) = config.issue.keep {
        let pruned = shelf::prune(&mut store, keep)?;
        on(Event::Pruned(&pruned));
    }
    let owed = store.undelivered()?;
    Ok(Digested {
        outcome,
        owed,
        report: Some(report),
    })
}

/// Write the report of issue `number`, which this run finished for a killed one, unless the
/// killed run got as far as writing it.
fn recovered_report(store: &Store, number: u32) -> Result<(), DigestError> {
    use crate::store::IssueState;
    let mut finished = store.issues_in(IssueState::Built)?;
    finished.extend(store.issues_in(IssueState::Delivered)?);
    let Some(issue) = finished.into_iter().find(|i| i.number == number) else {
        return Ok(());
    };
    if let Some(path) = issue.file(crate::store::FileRole::Report)
        && !path.exists()
    {
        IssueReport::recovered(store, &issue)?.write(path)?;
    }
    Ok(())
}

/// What a digest would do now.
#[derive(Debug)]
pub struct Preview {
    /// The build the real run would make (its book was written to a temporary folder, now
    /// gone).
    pub outcome: BuildOutcome,
    /// Deliveries an earlier run still owes, which the real run retries first.
    pub owed: Vec<OutboxEntry>,
    /// The files the real run would write.
    pub files: shelf::IssueFiles,
}

/// What the real run would do, through the same build, on a copy of the ledger in a temporary
/// folder: nothing real is written (no ledger, no lock, no book).
pub fn preview(config: &Config, plan: &Plan) -> Result<Preview, DigestError> {
    let tmp = tempfile::tempdir().map_err(|source| DigestError::Folder {
        path: std::env::temp_dir(),
        source,
    })?;
    let copy_path = tmp.path().join("ledger.db");
    if plan.ledger.exists() {
        Store::copy(&plan.ledger, &copy_path)?;
    }
    let mut copy = Store::open(&copy_path)?;
    let owed = copy.undelivered()?;
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let shelf = tmp.path().join("issues");
    let req = request(
        config,
        plan.settings.clone(),
        &shelf,
        &mut copy,
        &fetcher,
        None,
    );
    let outcome = build(req)?;
    let files = plan.settings.output.files(outcome.number);
    Ok(Preview {
        outcome,
        owed,
        files,
    })
}
