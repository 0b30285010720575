//! `inkquire digest` and `digest --dry-run`: the library's daily job (`inkquire::digest`), told
//! on stderr as it happens, and its exit code.

use std::io::Write;

use chrono::Local;

use inkquire::config::Config;
use inkquire::deliver::outbox;
use inkquire::digest::{self, DigestError, Event, Plan};
use inkquire::pipeline::BuildOutcome;
use inkquire::shelf::Recovered;
use inkquire::units::human_size;

use super::print::{plural, print_report, printable};
use super::{DigestArgs, Exit, usage_error};

pub fn run(args: DigestArgs) -> anyhow::Result<Exit> {
    let now = Local::now().fixed_offset();
    let config = Config::load(args.state.config.as_deref())?;
    // Every setting is checked before anything is written or built.
    let plan = match Plan::checked(&config, args.state.store.as_deref(), now) {
        Ok(p) => p,
        Err(e) => return stopped(e),
    };
    if args.dry_run {
        return dry_run(&config, &plan);
    }
    let digested = match digest::run(&config, plan, args.wait, &say) {
        Ok(d) => d,
        Err(e) => return stopped(e),
    };
    let outcome = &digested.outcome;
    let built = outcome.written.is_some();
    if !built {
        // A built issue was told as it was written (`Event::Built`).
        problems(outcome);
        let sources = outcome.sources.len();
        if digested.no_source() {
            eprintln!(
                "error: none of the {sources} source{} could be read: nothing was built (each failure is above).",
                plural(sources)
            );
        } else if digested.owed.is_empty() {
            inkquire::info_line!("Nothing new since the last issue: no issue built.");
        } else {
            inkquire::info_line!("No new articles: no new issue built.");
        }
    }
    let owed = &digested.owed;
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
    let _ = std::io::stderr().flush();
    Ok(if digested.no_source() && !built {
        Exit::NoSource
    } else if digested.sources_failed() > 0
        || !owed.is_empty()
        || !outcome.report.failures.is_empty()
    {
        Exit::Partial
    } else {
        Exit::Done
    })
}

/// How a digest that did not run ends: another run holds the ledger (3), a setting is wrong
/// (2, said as it is), or a failure (2, with advice where there is some).
fn stopped(e: DigestError) -> anyhow::Result<Exit> {
    match e {
        DigestError::Busy(_) => {
            eprintln!("{e}");
            Ok(Exit::Locked)
        }
        DigestError::Settings(_) | DigestError::Deliveries(_) | DigestError::NoLedger => {
            Ok(usage_error(&e.to_string()))
        }
        e => Err(e.into()),
    }
}

/// The build's problems, and what the selection held back.
fn problems(outcome: &BuildOutcome) {
    print_report(&outcome.report);
    crate::cli::print::duplicates(&outcome.duplicates);
    if outcome.held_back > 0 {
        inkquire::info_line!(
            "{} pending article{} held back by `since` or `limit` under [issue]: still pending, for a later issue.",
            outcome.held_back,
            plural(outcome.held_back)
        );
    }
}

/// Tell one event of the run on stderr.
fn say(e: Event) {
    match e {
        Event::Waiting(p) => inkquire::info_line!(
            "Another inkquire run holds the ledger ({}); waiting for it.",
            p.display()
        ),
        Event::Recovered(Recovered::Finished(n)) => inkquire::info_line!(
            "Issue {n} was written by a run that stopped before delivering it: delivering it now."
        ),
        Event::Recovered(Recovered::Abandoned(n)) => inkquire::info_line!(
            "Issue {n} was left unfinished by a run that stopped; its articles go into this issue."
        ),
        Event::Source(s) => {
            if let (None, Some(feed)) = (&s.failed, &s.feed) {
                inkquire::info_line!(
                    "{}: {}",
                    printable(&s.location),
                    super::commands::found_feed(feed)
                );
            }
            match &s.failed {
                Some(e) => eprintln!("error: {}: {}", printable(&s.location), printable(e)),
                None => inkquire::info_line!("{}", super::print::source_counts(s)),
            }
            for w in &s.warnings {
                inkquire::warn_line!("warning: {}: {}", printable(&s.location), printable(w));
            }
        }
        Event::Delivery(e) => say_delivery(e),
        Event::Mail(m) => say_mail(m),
        Event::Built(outcome) => {
            problems(outcome);
            if let Some(written) = &outcome.written {
                inkquire::info_line!(
                    "Wrote {}: issue {}, {} article{}, {}.",
                    written.display(),
                    outcome.number,
                    outcome.articles,
                    plural(outcome.articles),
                    human_size(outcome.bytes as u64)
                );
            }
        }
        Event::Pruned(pruned) => {
            for p in &pruned.removed {
                inkquire::info_line!("Removed old issue file {}.", p.display());
            }
            for (p, why) in &pruned.kept {
                inkquire::warn_line!(
                    "warning: could not remove the old issue file {} ({why}); tried again next time",
                    p.display()
                );
            }
        }
    }
}

fn say_delivery(e: &outbox::Event) {
    use outbox::Event::*;
    match e {
        Delivered {
            issue,
            target,
            detail,
        } => inkquire::info_line!("Issue {issue} delivered to {target}: {detail}."),
        Failed {
            issue,
            target,
            reason,
        } => eprintln!(
            "error: issue {issue}: delivery to {target} failed: {reason} (it is retried on the next run)"
        ),
        Cancelled { issue, target } => inkquire::warn_line!(
            "warning: issue {issue} is no longer owed to {target}: it left the config"
        ),
        Requeued { issue } => inkquire::warn_line!(
            "warning: issue {issue}'s book is gone before it was delivered; its articles go into the next issue"
        ),
        Lost { issue, target } => eprintln!(
            "error: issue {issue}'s book is gone, so {target} cannot get it (other targets have it)"
        ),
    }
}

/// What the real run would do, printed on stdout; writes nothing.
fn dry_run(config: &Config, plan: &Plan) -> anyhow::Result<Exit> {
    let preview = match digest::preview(config, plan) {
        Ok(p) => p,
        Err(e) => return stopped(e),
    };
    for o in &preview.owed {
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
    let outcome = &preview.outcome;
    let copies = |outcome: &inkquire::BuildOutcome| {
        for d in &outcome.duplicates {
            println!(
                "  left out as a copy: {} ({}), the story of \"{}\" ({}){}",
                printable(&d.title),
                printable(&d.source),
                printable(&d.of),
                printable(&d.of_source),
                if d.earlier { ", delivered before" } else { "" }
            );
        }
    };
    if outcome.titles.is_empty() {
        println!("Nothing new: no issue would be built.");
        copies(outcome);
        return Ok(Exit::Done);
    }
    println!(
        "The issue would hold {} article{}:",
        outcome.titles.len(),
        plural(outcome.titles.len())
    );
    for t in &outcome.titles {
        println!("  {}", printable(t));
    }
    copies(outcome);
    if outcome.held_back > 0 {
        println!(
            "{} pending article{} would be held back by `since` or `limit`.",
            outcome.held_back,
            plural(outcome.held_back)
        );
    }
    println!("It would be written to {}", preview.files.book.display());
    if let Some(k) = &preview.files.kepub {
        println!("and {}", k.display());
    }
    for d in &config.deliveries {
        println!("and delivered to {}", d.describe());
    }
    for dev in &plan.devices {
        println!("  ({:?} found at {})", dev.reader, dev.root.display());
    }
    Ok(Exit::Done)
}

/// What was done to delivered newsletters.
fn say_mail(m: &inkquire::deliver::mailbox::Settled) {
    use inkquire::config::AfterDelivery;
    use inkquire::deliver::mailbox::Settled;
    let messages = |n: usize| format!("{n} message{}", if n == 1 { "" } else { "s" });
    match m {
        Settled::Done {
            source,
            count,
            after,
        } => inkquire::info_line!(
            "{}: {} of delivered issues {}",
            printable(source),
            messages(*count),
            match after {
                AfterDelivery::Read => "marked read".to_owned(),
                AfterDelivery::Move(f) => format!("moved to {}", printable(f)),
                AfterDelivery::Leave => "left as they are".to_owned(),
            }
        ),
        Settled::Failed {
            source,
            count,
            reason,
        } => inkquire::warn_line!(
            "warning: {}: {} of delivered issues could not be marked or moved ({}); tried again on the next run",
            printable(source),
            messages(*count),
            printable(reason)
        ),
    }
}
