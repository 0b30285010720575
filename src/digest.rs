//! `inkquire digest`: the unattended daily job — collect, build what is new, deliver, record.
//!
//! Safe under cron: a lock next to the ledger (`std::fs::File::try_lock`) keeps two runs from
//! overlapping; books are written through temporary files renamed into place, so a run killed at
//! any point leaves no partial book; the ledger records the issue only after the book is written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Local;

use crate::cli::{DigestArgs, Overrides, look, plural, print_report, slug, usage_error};
use crate::config::Config;
use crate::deliver::{self, Delivery, Reader};
use crate::fetch::HttpFetcher;
use crate::packager::{BookFormat, IssueOptions};
use crate::report::{EXIT_NOTHING, EXIT_PARTIAL};
use crate::select::Selection;
use crate::{BuildRequest, build, collect, human_size};

/// Exit code: another digest holds the lock.
pub const EXIT_LOCKED: i32 = 3;

pub fn run(args: DigestArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let now = Local::now().fixed_offset();
    let config = Config::load(args.state.config.as_deref())?;
    let store_path = config
        .store_path(args.state.store.as_deref())
        .ok_or_else(|| anyhow::anyhow!("no place for the ledger: give --store FILE"))?;
    if let Some(dir) = store_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }

    // One run at a time per ledger: the lock is taken before the ledger is even opened.
    let lock_path = store_path.with_extension("lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) if args.wait => {
            crate::info_line!(
                "Another digest is running ({}); waiting for it.",
                lock_path.display()
            );
            lock.lock()?;
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "Another inkquire digest is running with this ledger (lock {}); not starting a second one. Use --wait to wait for it.",
                lock_path.display()
            );
            return Ok(EXIT_LOCKED);
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
    }
    let mut store = crate::store::Store::open(&store_path)?;

    let look = match look(&config, &Overrides::default(), now) {
        Ok(l) => l,
        Err(e) => return Ok(usage_error(&e)),
    };
    let since = config
        .issue
        .since
        .clone()
        .unwrap_or_else(|| "last-issue".to_owned());
    let (from, since_last_issue) = match since.as_str() {
        "last-issue" => (None, true),
        "all" => (None, false),
        s => match crate::dates::parse_instant(s, now, false) {
            Ok(t) => (Some(t), false),
            Err(e) => return Ok(usage_error(&format!("since in the config: {e}"))),
        },
    };
    let folder = config
        .issue
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("issues"));
    remove_stale_parts(&folder);
    let number = store.last_issue()?.map_or(1, |(n, _)| n + 1);
    let base = format!("{}-{}-No{number}", slug(&look.title), look.date);
    let epub = folder.join(format!("{base}.epub"));
    let devices: Vec<deliver::Mounted> = config
        .deliveries
        .iter()
        .filter_map(|d| match d {
            Delivery::Device { path } => Some(deliver::find_devices(path.as_deref())),
            _ => None,
        })
        .flatten()
        .collect();
    let wants_kepub =
        look.format == BookFormat::Kepub || devices.iter().any(|d| d.reader == Reader::Kobo);
    let kepub = folder.join(format!("{base}.kepub.epub"));

    if args.dry_run {
        return dry_run(
            &config,
            &store_path,
            &look,
            from,
            since_last_issue,
            &epub,
            wants_kepub.then_some(&kepub),
            &devices,
        );
    }

    // Collect and build in one go: pictures of the articles already read are fetched and
    // prepared while other pages are still arriving. Each source is reported as it is done.
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let on_source = |s: &crate::SourceReport| {
        match &s.failed {
            Some(e) => eprintln!("error: {}: {e}", s.location),
            None => crate::info_line!(
                "{}: {} new, {} updated, {} unchanged",
                s.name,
                s.new,
                s.updated,
                s.unchanged
            ),
        }
        for w in &s.warnings {
            crate::warn_line!("warning: {}: {w}", s.location);
        }
    };

    // Build.
    let req = BuildRequest {
        inputs: Vec::new(),
        sources: config.sources.clone(),
        output: epub.clone(),
        selection: Selection {
            from,
            to: None,
            topics: Vec::new(),
            limit: config.issue.limit,
        },
        since_last_issue,
        issue: IssueOptions {
            title: look.title.clone(),
            date: look.date,
            number,
            group_by: look.group_by,
            css: look.css.clone(),
            modified: look.modified.clone(),
            profile: look.profile,
            cover: look.cover.clone(),
            format: BookFormat::Epub,
        },
        store: Some(&mut store),
        config: &config,
        fetcher: &fetcher,
        max_size: look.max_size,
        image_quality: look.image_quality,
        kepub_copy: wants_kepub.then(|| kepub.clone()),
        on_source: Some(&on_source),
    };
    let outcome = build(req)?;
    let sources = &outcome.sources;
    let source_failures = sources.iter().filter(|s| s.failed.is_some()).count();
    print_report(&outcome.report);
    let Some(written) = outcome.written.clone() else {
        crate::info_line!("Nothing new since the last issue: no issue built.");
        return Ok(if source_failures > 0 && source_failures == sources.len() {
            EXIT_PARTIAL
        } else {
            0
        });
    };
    crate::info_line!(
        "Wrote {}: issue {}, {} article{}, {}.",
        written.display(),
        outcome.number,
        outcome.articles,
        plural(outcome.articles),
        human_size(outcome.bytes as u64)
    );

    // Deliver.
    let mut delivery_failures = 0;
    let mut delivered = Vec::new();
    for d in &config.deliveries {
        let r = deliver_one(d, &config, &written, outcome.kepub.as_deref());
        match &r {
            Ok(where_to) => crate::info_line!("Delivered to {where_to}."),
            Err(e) => {
                delivery_failures += 1;
                eprintln!("error: delivery to {}: {e:#}", d.describe());
            }
        }
        delivered.push(serde_json::json!({
            "to": d.describe(),
            "ok": r.is_ok(),
            "detail": match &r { Ok(s) => s.clone(), Err(e) => format!("{e:#}") },
        }));
    }

    // The report beside the issue.
    let report = serde_json::json!({
        "issue": outcome.number,
        "title": look.title,
        "date": look.date.to_string(),
        "book": written,
        "kepub": outcome.kepub,
        "bytes": outcome.bytes,
        "articles": outcome.titles,
        "skipped_as_repeats": outcome.repeats_skipped,
        "warnings": outcome.report.warnings,
        "failures": outcome.report.failures,
        "sources": sources,
        "images": outcome.images_report,
        "deliveries": delivered,
        "seconds": started.elapsed().as_secs_f64(),
    });
    let report_path = folder.join(format!("{base}.report.json"));
    crate::packager::write_atomic(
        &report_path,
        serde_json::to_string_pretty(&report)?.as_bytes(),
    )?;

    if let Some(keep) = config.issue.keep {
        prune(&folder, &slug(&look.title), keep)?;
    }
    let _ = std::io::stderr().flush();
    Ok(
        if source_failures + delivery_failures > 0 || !outcome.report.failures.is_empty() {
            EXIT_PARTIAL
        } else {
            0
        },
    )
}

fn deliver_one(
    d: &Delivery,
    config: &Config,
    epub: &Path,
    kepub: Option<&Path>,
) -> anyhow::Result<String> {
    match d {
        Delivery::Folder { path } => {
            let dest = deliver::copy_into(epub, path)?;
            Ok(dest.display().to_string())
        }
        Delivery::Device { path } => {
            let devices = deliver::find_devices(path.as_deref());
            anyhow::ensure!(
                !devices.is_empty(),
                "no Kindle, Kobo or PocketBook is mounted"
            );
            let mut done = Vec::new();
            for dev in devices {
                let file = match (dev.reader, kepub) {
                    (Reader::Kobo, Some(k)) => k,
                    _ => epub,
                };
                let dest = deliver::copy_into(file, &dev.books)?;
                done.push(format!("{:?} at {}", dev.reader, dest.display()));
            }
            Ok(done.join(", "))
        }
        Delivery::Email { to } => crate::mail::send(config, to, epub),
    }
}

/// A run killed while writing leaves its temporary file (`.inkquire-….part`, never an `.epub`);
/// the next run, holding the lock, clears them.
fn remove_stale_parts(folder: &Path) {
    let Ok(rd) = std::fs::read_dir(folder) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(".inkquire-") && name.ends_with(".part") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Remove issues older than the newest `keep` (by issue number) from `folder`.
fn prune(folder: &Path, slug: &str, keep: usize) -> anyhow::Result<()> {
    let mut numbers: Vec<(u32, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(folder)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&format!("{slug}-")) {
            continue;
        }
        let Some(no) = name.split("-No").nth(1) else {
            continue;
        };
        let digits: String = no.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse() {
            numbers.push((n, e.path()));
        }
    }
    let mut distinct: Vec<u32> = numbers.iter().map(|(n, _)| *n).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let cut = distinct.len().saturating_sub(keep);
    let old: Vec<u32> = distinct[..cut].to_vec();
    for (n, p) in numbers {
        if old.contains(&n) {
            std::fs::remove_file(&p)?;
            crate::info_line!("Removed old issue file {}.", p.display());
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn dry_run(
    config: &Config,
    store_path: &Path,
    look: &crate::cli::Look,
    from: Option<chrono::DateTime<chrono::FixedOffset>>,
    since_last_issue: bool,
    epub: &Path,
    kepub: Option<&PathBuf>,
    devices: &[deliver::Mounted],
) -> anyhow::Result<i32> {
    // Work on a copy of the ledger in a temporary folder: nothing real is written.
    let tmp = tempfile::tempdir()?;
    {
        let conn = rusqlite::Connection::open(store_path)?;
        conn.execute_batch(&format!(
            "VACUUM INTO '{}'",
            tmp.path()
                .join("ledger.db")
                .display()
                .to_string()
                .replace('\'', "''")
        ))?;
    }
    let mut copy = crate::store::Store::open(&tmp.path().join("ledger.db"))?;
    let fetcher = HttpFetcher::new(config.fetch.clone());
    if !config.sources.is_empty() {
        collect(&config.sources, config, &mut copy, &fetcher, &|_| {})?;
    }
    let out = tmp.path().join("issue.epub");
    let outcome = build(BuildRequest {
        inputs: Vec::new(),
        sources: Vec::new(),
        output: out,
        selection: Selection {
            from,
            to: None,
            topics: Vec::new(),
            limit: config.issue.limit,
        },
        since_last_issue,
        issue: IssueOptions {
            title: look.title.clone(),
            date: look.date,
            number: 1,
            group_by: look.group_by,
            css: look.css.clone(),
            modified: look.modified.clone(),
            profile: look.profile,
            cover: None,
            format: BookFormat::Epub,
        },
        store: Some(&mut copy),
        config,
        fetcher: &fetcher,
        max_size: None,
        image_quality: look.image_quality,
        kepub_copy: None,
        on_source: None,
    })?;
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
        println!("  {t}");
    }
    println!("It would be written to {}", epub.display());
    if let Some(k) = kepub {
        println!("and {}", k.display());
    }
    for d in &config.deliveries {
        println!("and delivered to {}", d.describe());
    }
    for dev in devices {
        println!("  ({:?} found at {})", dev.reader, dev.root.display());
    }
    let _ = EXIT_NOTHING;
    Ok(0)
}
