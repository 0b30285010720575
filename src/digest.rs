//! `inkquire digest`: the unattended daily job. It only sequences the library's steps:
//!
//! 1. check the settings (issue and deliveries) before anything is written;
//! 2. take the ledger's run lock (`store::LedgerLock`);
//! 3. finish what a killed run left (`shelf::recover`) and retry what the outbox owes
//!    (`deliver::outbox`);
//! 4. collect and build an issue of the pending articles (`build`), which reserves, writes and
//!    records it;
//! 5. deliver it through the outbox, write its report, prune to `keep` (`shelf::prune`).
//!
//! Every article reaches the reader once: an article is pending until an issue holds it, and
//! an issue stays in the outbox until every target has it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Local;

use crate::cli::{DigestArgs, Look, Overrides, look, plural, print_report, printable, usage_error};
use crate::config::Config;
use crate::deliver::{self, Reader, outbox};
use crate::fetch::HttpFetcher;
use crate::packager::{BookFormat, IssueOptions};
use crate::report::{EXIT_NOTHING, EXIT_PARTIAL};
use crate::select::Selection;
use crate::shelf::{self, Output};
use crate::store::{LedgerLock, LockError, Store};
use crate::{BuildRequest, SourceReport, build, human_size};

/// Exit code: another digest holds the lock.
pub const EXIT_LOCKED: i32 = 3;
/// Exit code: no source could be read, and nothing was built.
pub const EXIT_NO_SOURCE: i32 = 4;

/// The issue's settings as the config gives them, settled once for the real run and the dry run.
struct Plan {
    look: Look,
    /// The date window `since` gives (none for `last-issue` and `all`).
    from: Option<chrono::DateTime<chrono::FixedOffset>>,
    folder: PathBuf,
    kepub: bool,
    devices: Vec<deliver::Mounted>,
}

fn plan(config: &Config, now: chrono::DateTime<chrono::FixedOffset>) -> Result<Plan, String> {
    let look = look(config, &Overrides::default(), now)?;
    let since = config.issue.since.as_deref().unwrap_or("last-issue");
    let from = match since {
        "last-issue" | "all" => None,
        s => Some(
            crate::dates::parse_instant(s, now, false)
                .map_err(|e| format!("since in the config: {e}"))?,
        ),
    };
    let problems = deliver::check_settings(&config.deliveries, config.smtp.as_ref());
    if !problems.is_empty() {
        return Err(problems.join("\n       "));
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
    let kepub =
        look.format == BookFormat::Kepub || devices.iter().any(|d| d.reader == Reader::Kobo);
    Ok(Plan {
        folder: config
            .issue
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from("issues")),
        look,
        from,
        kepub,
        devices,
    })
}

/// The one build request of a digest: the real run and the dry run differ only in the ledger,
/// the folder written to and whether sources are reported as they are done.
fn request<'a>(
    config: &'a Config,
    plan: &Plan,
    folder: &Path,
    store: &'a mut Store,
    fetcher: &'a HttpFetcher,
    on_source: Option<&'a dyn Fn(&SourceReport)>,
) -> BuildRequest<'a> {
    let look = &plan.look;
    BuildRequest {
        inputs: Vec::new(),
        sources: config.sources.clone(),
        output: Output::Shelf {
            folder: folder.to_path_buf(),
            title: look.title.clone(),
            date: look.date,
            kepub: plan.kepub,
        },
        selection: Selection {
            from: plan.from,
            to: None,
            topics: Vec::new(),
            limit: config.issue.limit,
        },
        since_last_issue: true,
        issue: IssueOptions {
            title: look.title.clone(),
            date: look.date,
            number: 1,
            group_by: look.group_by,
            css: look.css.clone(),
            modified: look.modified.clone(),
            profile: look.profile,
            cover: look.cover.clone(),
            format: BookFormat::Epub,
        },
        store: Some(store),
        config,
        fetcher,
        max_size: look.max_size,
        image_quality: look.image_quality,
        deliver_to: outbox::targets(&config.deliveries),
        on_source,
    }
}

fn say(e: &outbox::Event) {
    use outbox::Event::*;
    match e {
        Delivered {
            issue,
            target,
            detail,
        } => crate::info_line!("Issue {issue} delivered to {target}: {detail}."),
        Failed {
            issue,
            target,
            reason,
        } => eprintln!(
            "error: issue {issue}: delivery to {target} failed: {reason} (it is retried on the next run)"
        ),
        Cancelled { issue, target } => crate::warn_line!(
            "warning: issue {issue} is no longer owed to {target}: it left the config"
        ),
        Requeued { issue } => crate::warn_line!(
            "warning: issue {issue}'s book is gone before it was delivered; its articles go into the next issue"
        ),
        Lost { issue, target } => eprintln!(
            "error: issue {issue}'s book is gone, so {target} cannot get it (other targets have it)"
        ),
    }
}

pub fn run(args: DigestArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let now = Local::now().fixed_offset();
    let config = Config::load(args.state.config.as_deref())?;
    let store_path = config
        .store_path(args.state.store.as_deref())
        .ok_or_else(|| anyhow::anyhow!("no place for the ledger: give --store FILE"))?;
    // Every setting is checked before anything is written or built.
    let plan = match plan(&config, now) {
        Ok(p) => p,
        Err(e) => return Ok(usage_error(&e)),
    };
    if args.dry_run {
        return dry_run(&config, &store_path, &plan);
    }
    let store_path = crate::cli::ledger_path(&config, Some(&store_path))?;

    // One run at a time per ledger, whatever name reaches it.
    let waiting = |p: &Path| {
        crate::info_line!(
            "Another inkquire run holds the ledger ({}); waiting for it.",
            p.display()
        )
    };
    let _lock = match LedgerLock::exclusive(&store_path, args.wait, &waiting) {
        Ok(l) => l,
        Err(LockError::Busy(p)) => {
            eprintln!(
                "Another inkquire digest is running with this ledger (lock {}); not starting a second one. Use --wait to wait for it.",
                p.display()
            );
            return Ok(EXIT_LOCKED);
        }
        Err(e) => return Err(e.into()),
    };
    let mut store = Store::open(&store_path)?;
    let targets = outbox::targets(&config.deliveries);

    // What a killed run left: its temporary files, an issue half-made, deliveries owed.
    shelf::remove_stale_parts(&plan.folder);
    for r in shelf::recover(&mut store, &targets)? {
        match r {
            shelf::Recovered::Finished(n) => crate::info_line!(
                "Issue {n} was written by a run that stopped before delivering it: delivering it now."
            ),
            shelf::Recovered::Abandoned(n) => crate::info_line!(
                "Issue {n} was left unfinished by a run that stopped; its articles go into this issue."
            ),
        }
    }
    outbox::flush(
        &mut store,
        &config.deliveries,
        config.smtp.as_ref(),
        None,
        &say,
    )?;

    // Collect and build in one go: pictures of the articles already read are fetched and
    // prepared while other pages are still arriving. Each source is reported as it is done.
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let on_source = |s: &SourceReport| {
        match &s.failed {
            Some(e) => eprintln!("error: {}: {}", printable(&s.location), printable(e)),
            None => crate::info_line!(
                "{}: {} new, {} updated, {} unchanged",
                printable(&s.name),
                s.new,
                s.updated,
                s.unchanged
            ),
        }
        for w in &s.warnings {
            crate::warn_line!("warning: {}: {}", printable(&s.location), printable(w));
        }
    };
    let req = request(
        &config,
        &plan,
        &plan.folder,
        &mut store,
        &fetcher,
        Some(&on_source),
    );
    let outcome = build(req)?;
    let sources = &outcome.sources;
    let source_failures = sources.iter().filter(|s| s.failed.is_some()).count();
    let no_source = !sources.is_empty() && source_failures == sources.len();
    print_report(&outcome.report);
    if outcome.held_back > 0 {
        crate::info_line!(
            "{} pending article{} held back by `since` or `limit` under [issue]: still pending, for a later issue.",
            outcome.held_back,
            plural(outcome.held_back)
        );
    }
    let exit = |store: &Store, built: bool| -> anyhow::Result<i32> {
        let owed = store.undelivered()?;
        if !owed.is_empty() {
            let issues: std::collections::BTreeSet<u32> = owed.iter().map(|o| o.issue).collect();
            eprintln!(
                "error: {} deliver{} still owed (issue{} {}); the next run tries again.",
                owed.len(),
                if owed.len() == 1 { "y is" } else { "ies are" },
                plural(issues.len()),
                issues
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Ok(if no_source && !built {
            EXIT_NO_SOURCE
        } else if source_failures > 0 || !owed.is_empty() || !outcome.report.failures.is_empty() {
            EXIT_PARTIAL
        } else {
            0
        })
    };
    let (Some(written), Some(files)) = (outcome.written.clone(), outcome.files.clone()) else {
        if no_source {
            eprintln!(
                "error: none of the {} source{} could be read: nothing was built (each failure is above).",
                sources.len(),
                plural(sources.len())
            );
        } else if store.undelivered()?.is_empty() {
            crate::info_line!("Nothing new since the last issue: no issue built.");
        } else {
            crate::info_line!("No new articles: no new issue built.");
        }
        return exit(&store, false);
    };
    crate::info_line!(
        "Wrote {}: issue {}, {} article{}, {}.",
        written.display(),
        outcome.number,
        outcome.articles,
        plural(outcome.articles),
        human_size(outcome.bytes as u64)
    );

    // Deliver this issue (the outbox holds its targets now).
    let events = outbox::flush(
        &mut store,
        &config.deliveries,
        config.smtp.as_ref(),
        Some(outcome.number),
        &say,
    )?;
    let delivered: Vec<serde_json::Value> = events
        .iter()
        .filter_map(|e| match e {
            outbox::Event::Delivered { target, detail, .. } => Some(serde_json::json!({
                "to": target, "ok": true, "detail": detail,
            })),
            outbox::Event::Failed { target, reason, .. } => Some(serde_json::json!({
                "to": target, "ok": false, "detail": reason,
            })),
            _ => None,
        })
        .collect();

    // The report beside the issue.
    let report = serde_json::json!({
        "issue": outcome.number,
        "title": plan.look.title,
        "date": plan.look.date.to_string(),
        "book": written,
        "kepub": outcome.kepub,
        "bytes": outcome.bytes,
        "articles": outcome.titles,
        "skipped_as_repeats": outcome.repeats_skipped,
        "held_back": outcome.held_back,
        "warnings": outcome.report.warnings,
        "failures": outcome.report.failures,
        "sources": sources,
        "images": outcome.images_report,
        "deliveries": delivered,
        "seconds": started.elapsed().as_secs_f64(),
    });
    if let Some(report_path) = &files.report {
        crate::packager::write_atomic(
            report_path,
            serde_json::to_string_pretty(&report)?.as_bytes(),
        )?;
    }

    if let Some(keep) = config.issue.keep {
        let pruned = shelf::prune(&mut store, keep)?;
        for p in &pruned.removed {
            crate::info_line!("Removed old issue file {}.", p.display());
        }
        for (p, why) in &pruned.kept {
            crate::warn_line!(
                "warning: could not remove the old issue file {} ({why}); tried again next time",
                p.display()
            );
        }
    }
    let _ = std::io::stderr().flush();
    exit(&store, true)
}

/// What the real run would do, from a copy of the ledger in a temporary folder, through the
/// same build request: nothing real is written (no ledger, no lock, no book).
fn dry_run(config: &Config, store_path: &Path, plan: &Plan) -> anyhow::Result<i32> {
    let tmp = tempfile::tempdir()?;
    let copy_path = tmp.path().join("ledger.db");
    if store_path.exists() {
        Store::copy(store_path, &copy_path)?;
    }
    let mut copy = Store::open(&copy_path)?;
    let owed = copy.undelivered()?;
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let shelf = tmp.path().join("issues");
    let outcome = build(request(config, plan, &shelf, &mut copy, &fetcher, None))?;
    for o in &owed {
        let last = match (&o.reason, o.failed) {
            (Some(why), true) => format!(
                " (tried {} time{}; last: {why})",
                o.attempts,
                plural(o.attempts as usize)
            ),
            _ => String::new(),
        };
        println!(
            "Would retry delivering issue {} to {}{last}.",
            o.issue, o.label
        );
    }
    if outcome.titles.is_empty() {
        println!("Nothing new: no issue would be built.");
        return Ok(0);
    }
    println!(
        "The issue would hold {} article{}:",
        outcome.titles.len(),
        plural(outcome.titles.len())
    );
    for t in &outcome.titles {
        println!("  {}", printable(t));
    }
    if outcome.held_back > 0 {
        println!(
            "{} pending article{} would be held back by `since` or `limit`.",
            outcome.held_back,
            plural(outcome.held_back)
        );
    }
    let real = Output::Shelf {
        folder: plan.folder.clone(),
        title: plan.look.title.clone(),
        date: plan.look.date,
        kepub: plan.kepub,
    }
    .files(outcome.number);
    println!("It would be written to {}", real.book.display());
    if let Some(k) = &real.kepub {
        println!("and {}", k.display());
    }
    for d in &config.deliveries {
        println!("and delivered to {}", d.describe());
    }
    for dev in &plan.devices {
        println!("  ({:?} found at {})", dev.reader, dev.root.display());
    }
    let _ = EXIT_NOTHING;
    Ok(0)
}
