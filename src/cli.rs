//! The command line: `inkquire build …` and friends. Parsing and printing only; the work is in
//! [`crate::build`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};

use crate::dates::{parse_instant, parse_issue_date};
use crate::packager::{GroupBy, IssueOptions};
use crate::report::{EXIT_NOTHING, Report};
use crate::select::Selection;
use crate::{BuildRequest, build, styles};

#[derive(Parser, Debug)]
#[command(
    name = "inkquire",
    version,
    about = "Turn the day's reading into a well-made EPUB issue for your e-reader.",
    long_about = "Turn the day's reading — Markdown notes, saved web pages, plain-text news copy — into \
one EPUB issue, like a morning newspaper, to read offline on a Kindle, Kobo, PocketBook or phone.",
    after_help = "Start with:  inkquire build examples/ -o issue.epub\nMore:        inkquire build --help"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build an EPUB issue from files and folders.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(Box<BuildArgs>),
    /// List the built-in style themes.
    Styles,
}

const BUILD_EXAMPLES: &str = "\
Examples:
  # Everything under examples/, grouped by topic (the folder each file sits in):
  inkquire build examples/ -o issue.epub

  # Only what was published in the last 36 hours, about science or tech, at most 20 articles:
  inkquire build ~/reading --since 36h --topic science --topic tech --limit 20 -o today.epub

  # A fixed date makes the book byte-for-byte reproducible:
  inkquire build notes/ --title \"Weekend Reader\" --date 2026-11-28 --group-by source -o weekend.epub

  # Your own CSS on top of the default theme:
  inkquire build notes/ --style my.css -o issue.epub

Inputs: .md/.markdown (optional YAML --- or TOML +++ front matter: title, date, author, tags,
source, url, lang, summary), .html/.htm (full pages are reduced to the article; fragments are kept
whole), .txt (news copy: headline, body paragraphs separated by blank lines). Folders are read
recursively; other files in them (images, configs) are skipped.

Exit codes:
  0  the issue was written with every input
  1  the issue was written, but some inputs failed (each is named on stderr)
  2  nothing was written: no input could be read, nothing was selected, or bad usage";

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Files and folders to read (folders recursively).
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Where to write the EPUB: a file, or a folder to put `<Title>-<date>.epub` in.
    /// Default: `<Title>-<date>.epub` in the current folder.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// The publication's name, shown on the cover and as "<Title> — <date>".
    #[arg(long, default_value = "Morning Digest")]
    pub title: String,

    /// The issue's date, YYYY-MM-DD (default: today). With a fixed date the same inputs give a
    /// byte-identical book.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_issue_date)]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub select: SelectArgs,

    /// How to divide the issue into sections.
    #[arg(long, value_enum, default_value_t = GroupBy::Topic)]
    pub group_by: GroupBy,

    /// A built-in theme (see `inkquire styles`) or a .css file added on top of the default theme.
    #[arg(long, value_name = "NAME|FILE.css")]
    pub style: Option<String>,
}

#[derive(Args, Debug, Default)]
pub struct SelectArgs {
    /// Only articles published since then: a duration back from now (36h, 3d, 2w), a date
    /// (2026-11-01), or `all`. Inputs named on the command line have no date window otherwise.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Only articles published at or after this date or time (like --since).
    #[arg(long, value_name = "WHEN", conflicts_with = "since")]
    pub from: Option<String>,

    /// Only articles published at or before this date (inclusive) or time.
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,

    /// Only articles with this topic (case-insensitive; repeat for several).
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,

    /// At most this many articles, newest first.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

impl SelectArgs {
    pub fn to_selection(
        &self,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<Selection, String> {
        let from = match self.since.as_deref().or(self.from.as_deref()) {
            None | Some("all") => None,
            Some(s) => Some(parse_instant(s, now, false)?),
        };
        let to = match self.to.as_deref() {
            None => None,
            Some(s) => Some(parse_instant(s, now, true)?),
        };
        Ok(Selection {
            from,
            to,
            topics: self.topics.clone(),
            limit: self.limit,
        })
    }
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_NOTHING } else { 0 };
        }
    };
    match cli.command {
        Command::Build(args) => run_build(*args),
        Command::Styles => {
            for (name, about, _) in styles::THEMES {
                println!("{name:<8} {about}");
            }
            0
        }
    }
}

fn run_build(args: BuildArgs) -> i32 {
    let now = Local::now().fixed_offset();
    let selection = match args.select.to_selection(now) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let css = match styles::resolve(args.style.as_deref()) {
        Ok(css) => css,
        Err(e) => return usage_error(&format!("{e:#}")),
    };
    let date = args.date.unwrap_or_else(|| now.date_naive());
    let modified = match args.date {
        Some(d) => format!("{d}T00:00:00Z"),
        None => Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    let output = output_path(args.output.as_deref(), &args.title, date);
    let req = BuildRequest {
        inputs: args.inputs,
        output,
        selection,
        issue: IssueOptions {
            title: args.title,
            date,
            number: 1,
            group_by: args.group_by,
            css,
            modified,
        },
    };
    match build(&req) {
        Ok(outcome) => {
            print_report(&outcome.report);
            match &outcome.written {
                Some(path) => eprintln!(
                    "Wrote {}: {} article{} in {} section{}, {} image{}, {}.",
                    path.display(),
                    outcome.articles,
                    plural(outcome.articles),
                    outcome.sections,
                    plural(outcome.sections),
                    outcome.images,
                    plural(outcome.images),
                    human_bytes(outcome.bytes)
                ),
                None if outcome.report.failures.is_empty() => {
                    eprintln!(
                        "No EPUB written: no article matched the selection (see --since, --from, --to, --topic)."
                    )
                }
                None => eprintln!("No EPUB written: none of the inputs could be read."),
            }
            outcome.report.exit_code(outcome.written.is_some())
        }
        Err(e) => {
            print_report(&Report::default());
            eprintln!("error: {e:#}");
            EXIT_NOTHING
        }
    }
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {msg}");
    EXIT_NOTHING
}

fn print_report(report: &Report) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (warn, fail, reset) = if color {
        ("\x1b[33mwarning\x1b[0m", "\x1b[31merror\x1b[0m", "")
    } else {
        ("warning", "error", "")
    };
    for p in &report.warnings {
        eprintln!("{warn}: {}: {}{reset}", p.source, p.message);
    }
    for p in &report.failures {
        eprintln!("{fail}: {}: {}{reset}", p.source, p.message);
    }
}

/// `-o` as given (a folder gets the default name inside it), else the default name here.
fn output_path(given: Option<&Path>, title: &str, date: NaiveDate) -> PathBuf {
    let name = format!("{}-{date}.epub", slug(title));
    match given {
        Some(p) if p.is_dir() => p.join(name),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(name),
    }
}

/// "Morning Digest!" → "Morning-Digest".
pub fn slug(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join("-");
    if s.is_empty() { "issue".to_owned() } else { s }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
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

    #[test]
    fn slugs() {
        assert_eq!(slug("Morning Digest!"), "Morning-Digest");
        assert_eq!(slug("***"), "issue");
    }
}
