//! The command line: the only place that parses arguments, prints, and turns outcomes into
//! exit codes. The work is the library's (`inkquire::pipeline`, `inkquire::digest`, …).
//!
//! - `args.rs`: every subcommand's arguments and help;
//! - `commands.rs`: `build`, `collect`, `list`, `init`, `check`, `serve`, `schedule`;
//! - `digest.rs`: `digest` and `digest --dry-run`;
//! - `extract.rs`: `extract`, one page's article in four formats;
//! - `print.rs`: reports, progress, and text from feeds made safe for a terminal.

mod add;
mod args;
mod commands;
mod digest;
mod edit;
mod extract;
mod print;
mod rules;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use inkquire::config::Config;
use inkquire::store::Held;

pub use args::*;

/// How a command ended: the one table of exit codes (README's "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, with every input (or nothing new to do).
    Done = 0,
    /// 1: the issue was written, but some inputs or sources failed, or a delivery is owed.
    Partial = 1,
    /// 2: nothing was written: an error (config, settings, ledger, output), nothing selected,
    /// or bad usage.
    Nothing = 2,
    /// 3: another digest is running with this ledger.
    Locked = 3,
    /// 4: no source could be read, and nothing was built.
    NoSource = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Say what is wrong with how the command was used: exit 2.
pub fn usage_error(msg: &str) -> Exit {
    eprintln!("error: {}", inkquire::fetch::redact_text(msg));
    Exit::Nothing
}

/// Run the command line; the process's exit code is its outcome.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Nothing
            } else {
                Exit::Done
            }
            .into();
        }
    };
    inkquire::log::init(cli.quiet, cli.verbose);
    let result = match cli.command {
        Command::Build(args) => commands::build(*args),
        Command::Collect(args) => commands::collect(args),
        Command::Digest(args) => digest::run(args),
        Command::List(args) => commands::list(args),
        Command::Init(args) => commands::init(args),
        Command::Add(args) => add::run(args),
        Command::Save(args) => add::save(args),
        Command::Check(args) => commands::check(args),
        Command::Extract(args) => extract::run(args),
        Command::Rules(RulesCommand::Test { hosts, config }) => rules::test(&hosts, config),
        Command::Dedupe(args) => commands::dedupe(args),
        Command::Profiles => {
            for p in inkquire::profiles::PROFILES {
                println!(
                    "{:<18} {:>4}×{:<4} {:<9} {}",
                    p.name,
                    p.width,
                    p.height,
                    if p.gray { "grayscale" } else { "colour" },
                    p.about
                );
            }
            Ok(Exit::Done)
        }
        Command::Schedule(args) => commands::schedule(args),
        Command::Serve(args) => commands::serve(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "inkquire", &mut std::io::stdout());
            Ok(Exit::Done)
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map(|_| Exit::Done)
                .map_err(Into::into)
        }
        Command::Styles => {
            for (name, about, _) in inkquire::styles::THEMES {
                println!("{name:<8} {about}");
            }
            Ok(Exit::Done)
        }
    };
    result
        .unwrap_or_else(|e| {
            eprintln!("error: {}", inkquire::fetch::redact_text(&said(&e)));
            if let Some(h) = hint(&e) {
                eprintln!("hint: {h}");
            }
            Exit::Nothing
        })
        .into()
}

/// An error and its causes on one line, each said once (a wrapper that repeats its cause's
/// words adds nothing).
fn said(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// What to do about the failures a user can fix: a damaged ledger, a full or read-only disk.
fn hint(e: &anyhow::Error) -> Option<&'static str> {
    for cause in e.chain() {
        if let Some(sql) = cause.downcast_ref::<rusqlite::Error>() {
            use rusqlite::ErrorCode::{DatabaseCorrupt, DiskFull, NotADatabase, ReadOnly};
            return match sql.sqlite_error_code() {
                Some(NotADatabase | DatabaseCorrupt) => Some(
                    "the ledger file is damaged; inkquire left it exactly as it was. Restore it from a \
                     backup (or a .schema-N.bak copy beside it), or move it away to start a new one: \
                     articles still in the feeds are collected again",
                ),
                Some(DiskFull) => Some("the disk is full: free some space and run again"),
                Some(ReadOnly) => {
                    Some("the ledger's folder cannot be written; choose another with --store")
                }
                _ => None,
            };
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::StorageFull => Some(
                    "the disk is full: free some space and run again. Nothing was replaced: the previous issue and the ledger are as they were",
                ),
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                    Some(
                        "the output folder cannot be written: choose another with --output (or [issue] output in the config). Nothing was replaced",
                    )
                }
                _ => None,
            };
        }
    }
    None
}

/// The ledger a command uses: `--store`, else the config's, else the XDG default.
pub fn ledger_path(config: &Config, store: Option<&Path>) -> anyhow::Result<PathBuf> {
    config
        .store_path(store)
        .ok_or_else(|| anyhow::anyhow!("no place for the ledger: give --store FILE"))
}

/// How a command holds the ledger.
#[derive(Clone, Copy)]
pub enum Hold {
    /// A run that records issues (`build` with a ledger): alone, waiting for another run.
    Run,
    /// A collect (`collect`, `save`): beside other collects, waiting while a build holds it.
    Collect,
    /// A look (`list`): the database opened, no lock.
    Look,
}

/// The ledger `config` and `state` name, held as `how` says (its lock first, then the
/// database; the lock lasts as long as the returned value), telling the user when it waits.
pub fn hold_ledger(config: &Config, state: &StateArgs, how: Hold) -> anyhow::Result<Held> {
    let path = ledger_path(config, state.store.as_deref())?;
    let held = match how {
        Hold::Run => Held::for_run(&path, true, &|p| {
            inkquire::info_line!(
                "Another inkquire run holds the ledger ({}); waiting for it.",
                p.display()
            )
        })?,
        Hold::Collect => Held::for_collect(&path, &|p| {
            inkquire::info_line!(
                "A build is using the ledger ({}); waiting for it.",
                p.display()
            )
        })?,
        Hold::Look => Held::unlocked(&path)?,
    };
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        assert!(BUILD_EXAMPLES.contains("Exit codes"));
    }
}
