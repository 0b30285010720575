//! The command line: `inkquire build …` and friends. Parsing and printing only; the work is in
//! [`crate::build`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};

use crate::collector::Kind;
use crate::collector::feed::{self, DocKind, sniff};
use crate::config::{Config, SourceConfig};
use crate::dates::{parse_instant, parse_issue_date};
use crate::fetch::{Fetched, Fetcher, HttpFetcher};
use crate::packager::{GroupBy, IssueOptions};
use crate::report::{EXIT_NOTHING, Report};
use crate::select::Selection;
use crate::store::Store;
use crate::{BuildRequest, build, collect, styles};

#[derive(Parser, Debug)]
#[command(
    name = "inkquire",
    version,
    about = "Turn the day's reading into a well-made EPUB issue for your e-reader.",
    long_about = "Turn the day's reading — feeds, web pages, Markdown notes, saved pages, plain-text news \
copy — into one EPUB issue, like a morning newspaper, to read offline on a Kindle, Kobo, PocketBook or phone.",
    after_help = "Start with:  inkquire build examples/ -o issue.epub\n\
Feeds:       inkquire init, edit the config, then inkquire collect && inkquire build --since last-issue\n\
More:        inkquire help build"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Say only errors (for cron jobs). INKQUIRE_LOG=error|warn|info|debug sets the default.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Say more: each article of the issue and where it came from.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build an EPUB issue from files, folders, feeds and the ledger.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(Box<BuildArgs>),
    /// The daily job: collect, build what is new, deliver, and record the issue.
    #[command(after_help = DIGEST_HELP)]
    Digest(DigestArgs),
    /// Fetch every source (config and command line) into the ledger.
    #[command(after_help = COLLECT_EXAMPLES)]
    Collect(CollectArgs),
    /// List the articles in the ledger.
    List(ListArgs),
    /// Write a commented starter config.
    Init(InitArgs),
    /// Check the config and try every source, writing nothing.
    Check(CheckArgs),
    /// List the built-in style themes.
    Styles,
    /// List the device profiles (screen sizes) for --profile.
    Profiles,
    /// Print a crontab line and a systemd user timer that run `digest` every day.
    Schedule(ScheduleArgs),
    /// Serve the issues as an OPDS catalog (for KOReader and other catalog browsers).
    Serve(ServeArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `inkquire man > ~/.local/share/man/man1/inkquire.1`.
    Man,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The config whose output folder is served.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Serve this folder instead.
    #[arg(long, value_name = "DIR")]
    pub folder: Option<PathBuf>,

    /// Port to listen on (0: any free port, printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,

    /// Address to listen on. Use 0.0.0.0 to let a reader on your Wi-Fi connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
}

#[derive(Args, Debug)]
pub struct ScheduleArgs {
    /// Time of day to run, HH:MM (24 h).
    #[arg(long, default_value = "06:00", value_parser = parse_hhmm)]
    pub at: (u32, u32),

    /// The config the job uses (default: the one inkquire would find now).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

fn parse_hhmm(s: &str) -> Result<(u32, u32), String> {
    let (h, m) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}` is not HH:MM"))?;
    let (h, m): (u32, u32) = (
        h.parse().map_err(|_| "bad hour")?,
        m.parse().map_err(|_| "bad minute")?,
    );
    if h > 23 || m > 59 {
        return Err(format!("`{s}` is not a time of day"));
    }
    Ok((h, m))
}

const BUILD_EXAMPLES: &str = "\
Examples:
  # Everything under examples/, grouped by topic (the folder each file sits in):
  inkquire build examples/ -o issue.epub

  # Only what was published in the last 36 hours, about science or tech, at most 20 articles:
  inkquire build ~/reading --since 36h --topic science --topic tech --limit 20 -o today.epub

  # A feed, fetched now (with each item's full text), plus a saved page:
  inkquire build https://example.org/feed.xml saved/page.html -o today.epub

  # From the ledger that `inkquire collect` fills: everything not yet delivered in an issue:
  inkquire build --config ~/.config/inkquire/config.toml --since last-issue

  # A fixed date makes the book byte-for-byte reproducible:
  inkquire build notes/ --title \"Weekend Reader\" --date 2026-11-28 --group-by source -o weekend.epub

Inputs: .md/.markdown (optional YAML --- or TOML +++ front matter: title, date, author, tags,
source, url, lang, summary), .html/.htm (full pages are reduced to the article; fragments are kept
whole), .txt (news copy: headline, body paragraphs separated by blank lines), feeds (RSS, Atom,
JSON Feed) and OPML lists by URL or file, and web pages by URL. Folders are read recursively;
other files in them (images, configs) are skipped.

With --store or a config, collected articles are kept in the ledger, the issue is recorded there,
and its number counts up; without, build keeps no state and the issue is number 1.

Exit codes:
  0  the issue was written with every input
  1  the issue was written, but some inputs or sources failed (each is named on stderr)
  2  nothing was written: no input could be read, nothing was selected, or bad usage";

const DIGEST_HELP: &str = "\
Examples:
  inkquire digest --config examples/inkquire.toml      # the bundled examples, offline
  inkquire digest --dry-run                            # what the issue would hold, writing nothing
  inkquire schedule --at 06:00                         # a crontab line / systemd timer for it

Each run: retry every delivery an earlier run owes, collect every [[source]], build an issue of
the pending articles (those no issue holds yet, whichever command stored them), write
<Title>-<date>-No<N>.epub (and .kepub.epub when a Kobo delivery or format = \"kepub\" wants it)
and <…>.report.json into the output folder, deliver to every [[deliver]] entry, and record it.
`since` and `limit` under [issue] only narrow what goes into this issue: what they leave out
stays pending. A failed delivery is retried on the next run (the issue's files are kept until
every target has them). With nothing new it builds nothing and says so. Runs never overlap: a
second one waits (--wait) or stops; `collect` and `build` wait for it.

Exit codes:
  0  an issue was built and delivered, or there was nothing new
  1  an issue was built, but some sources failed, or a delivery is still owed (each is named)
  2  nothing was built: an error (config, delivery settings, ledger, output folder)
  3  another digest is running with this ledger
  4  no source could be read, and nothing was built";

const COLLECT_EXAMPLES: &str = "\
Examples:
  inkquire collect                                   # every [[source]] of the config
  inkquire collect https://example.org/feed.xml      # one more feed, with the config's settings
  inkquire collect --store /tmp/l.db feeds.opml      # an OPML list into a given ledger

A second collect asks each server only for what changed (ETag / Last-Modified) and never fetches
an article page it already has.

Exit codes: 0 every source was read; 1 some sources failed; 2 none could be read, or bad usage.";

#[derive(Args, Debug, Clone, Default)]
pub struct StateArgs {
    /// The config file (default: $INKQUIRE_CONFIG, else the XDG config folder's inkquire/config.toml).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// The article ledger (SQLite; default: the config's `store`, else the XDG data folder).
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Files, folders, feed or page URLs, feed or OPML files.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Where to write the EPUB: a file, or a folder to put `<Title>-<date>.epub` in.
    /// Default: the config's output folder, else the current folder.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// The publication's name, shown on the cover and as "<Title> — <date>" [default: the
    /// config's, else "Morning Digest"].
    #[arg(long)]
    pub title: Option<String>,

    /// The issue's date, YYYY-MM-DD (default: today). With a fixed date the same inputs give a
    /// byte-identical book.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_issue_date)]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub select: SelectArgs,

    /// How to divide the issue into sections [default: the config's, else topic].
    #[arg(long, value_enum)]
    pub group_by: Option<GroupBy>,

    /// A built-in theme (see `inkquire styles`) or a .css file added on top of the default theme.
    #[arg(long, value_name = "NAME|FILE.css")]
    pub style: Option<String>,

    /// The reader's screen (see `inkquire profiles`): images are fitted to it, grayscale on
    /// e-ink [default: the config's, else generic-eink].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// `epub`, or `kepub` for Kobo (written as .kepub.epub unless -o names the file).
    #[arg(long, value_enum)]
    pub format: Option<crate::packager::BookFormat>,

    /// Largest book, e.g. 50MB: images are made smaller, then the largest left out, to fit.
    #[arg(long, value_name = "SIZE", value_parser = crate::parse_size)]
    pub max_size: Option<u64>,

    /// JPEG quality of pictures, 1–100 [default: 80].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub image_quality: Option<u8>,

    /// Your own cover picture instead of the drawn front page.
    #[arg(long, value_name = "FILE")]
    pub cover: Option<PathBuf>,

    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Args, Debug)]
pub struct CollectArgs {
    /// More sources: feed, page or OPML URLs, or feed files.
    #[arg(value_name = "SOURCE")]
    pub sources: Vec<String>,

    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Args, Debug)]
pub struct DigestArgs {
    /// List what the issue would hold and where it would go; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// If another digest is running, wait for it instead of stopping.
    #[arg(long)]
    pub wait: bool,

    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Print JSON (one array) instead of a table.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to write it (default: the XDG config folder's inkquire/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Replace a config that is already there.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The config file to check (default as for the other commands).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug, Default)]
pub struct SelectArgs {
    /// Only articles published since then: a duration back from now (36h, 3d, 2w), a date
    /// (2026-11-01), `last-issue` (not yet delivered in an issue; needs a ledger), or `all`.
    /// Inputs named on the command line have no date window otherwise.
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
    /// The selection, and whether `--since last-issue` was asked for.
    pub fn to_selection(
        &self,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<(Selection, bool), String> {
        let since = self.since.as_deref().or(self.from.as_deref());
        let last_issue = since == Some("last-issue");
        let from = match since {
            None | Some("all") | Some("last-issue") => None,
            Some(s) => Some(parse_instant(s, now, false)?),
        };
        let to = match self.to.as_deref() {
            None => None,
            Some(s) => Some(parse_instant(s, now, true)?),
        };
        Ok((
            Selection {
                from,
                to,
                topics: self.topics.clone(),
                limit: self.limit,
            },
            last_issue,
        ))
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
    crate::log::init(cli.quiet, cli.verbose);
    let result = match cli.command {
        Command::Build(args) => run_build(*args),
        Command::Collect(args) => run_collect(args),
        Command::Digest(args) => crate::digest::run(args),
        Command::List(args) => run_list(args),
        Command::Init(args) => run_init(args),
        Command::Check(args) => run_check(args),
        Command::Profiles => {
            for p in crate::profiles::PROFILES {
                println!(
                    "{:<18} {:>4}×{:<4} {:<9} {}",
                    p.name,
                    p.width,
                    p.height,
                    if p.gray { "grayscale" } else { "colour" },
                    p.about
                );
            }
            Ok(0)
        }
        Command::Schedule(args) => run_schedule(args),
        Command::Serve(args) => run_serve(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "inkquire", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map(|_| 0)
                .map_err(Into::into)
        }
        Command::Styles => {
            for (name, about, _) in styles::THEMES {
                println!("{name:<8} {about}");
            }
            Ok(0)
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        if let Some(h) = hint(&e) {
            eprintln!("hint: {h}");
        }
        EXIT_NOTHING
    })
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

/// What the command line may say about an issue's look, over the config's `[issue]`.
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub style: Option<String>,
    pub profile: Option<String>,
    pub format: Option<crate::packager::BookFormat>,
    pub max_size: Option<u64>,
    pub image_quality: Option<u8>,
    pub cover: Option<PathBuf>,
    pub group_by: Option<GroupBy>,
}

/// An issue's settings, settled.
pub(crate) struct Look {
    pub title: String,
    pub date: NaiveDate,
    pub modified: String,
    pub css: String,
    pub profile: crate::profiles::Profile,
    pub format: crate::packager::BookFormat,
    pub max_size: Option<u64>,
    pub image_quality: u8,
    pub cover: Option<crate::model::Asset>,
    pub group_by: GroupBy,
}

/// Settle the issue's settings: command line over config over defaults. Errors are usage errors.
pub(crate) fn look(
    config: &Config,
    o: &Overrides,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Look, String> {
    let style = o.style.clone().or(config.issue.style.clone());
    let css = styles::resolve(style.as_deref()).map_err(|e| format!("{e:#}"))?;
    let profile = crate::profiles::find(
        o.profile
            .as_deref()
            .or(config.issue.profile.as_deref())
            .unwrap_or(crate::profiles::DEFAULT),
    )?;
    let max_size = match (o.max_size, config.issue.max_size.as_deref()) {
        (Some(m), _) => Some(m),
        (None, Some(s)) => {
            Some(crate::parse_size(s).map_err(|e| format!("max-size in the config: {e}"))?)
        }
        (None, None) => None,
    };
    let image_quality = o
        .image_quality
        .or(config.issue.image_quality)
        .unwrap_or(80)
        .clamp(1, 100);
    let cover = match o.cover.as_ref().or(config.issue.cover.as_ref()) {
        None => None,
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read the cover {}: {e}", path.display()))?;
            let settings = crate::imaging::Settings {
                max_width: profile.width,
                max_height: profile.height,
                gray: profile.gray,
                quality: image_quality.max(85),
            };
            let p = crate::imaging::prepare(&bytes, &settings)
                .map_err(|r| format!("the cover {}: {}", path.display(), r.detail))?;
            Some(crate::model::Asset {
                href: format!("images/cover.{}", p.ext),
                media_type: p.media_type,
                data: std::sync::Arc::new(p.data),
            })
        }
    };
    Ok(Look {
        title: o
            .title
            .clone()
            .unwrap_or_else(|| config.issue.title.clone()),
        date: o.date.unwrap_or_else(|| now.date_naive()),
        modified: match o.date {
            Some(d) => format!("{d}T00:00:00Z"),
            None => Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        },
        css,
        profile,
        format: o.format.unwrap_or(config.issue.format),
        max_size,
        image_quality,
        cover,
        group_by: o.group_by.unwrap_or(config.issue.group_by),
    })
}

/// A config and, when the user asked for state (a `--store`, or a config file), the ledger.
pub(crate) fn load_state(
    state: &StateArgs,
    need_store: bool,
) -> anyhow::Result<(Config, Option<Store>)> {
    let config = Config::load(state.config.as_deref())?;
    let stateful = need_store || state.store.is_some() || config.path.is_some();
    let store = if stateful {
        let path = config
            .store_path(state.store.as_deref())
            .ok_or_else(|| anyhow::anyhow!("no place for the ledger: give --store FILE"))?;
        Some(Store::open(&path)?)
    } else {
        None
    };
    Ok((config, store))
}

/// Split command-line inputs into local files and folders, and sources to collect (URLs, and
/// files whose content is a feed or an OPML list).
fn classify(inputs: &[String]) -> (Vec<PathBuf>, Vec<SourceConfig>) {
    let mut local = Vec::new();
    let mut sources = Vec::new();
    for arg in inputs {
        if arg.starts_with("http://") || arg.starts_with("https://") {
            sources.push(SourceConfig::from_arg(arg));
            continue;
        }
        let path = PathBuf::from(arg);
        let is_feed_file = path.is_file()
            && !matches!(Kind::of(&path), Some(Kind::Markdown | Kind::Text))
            && std::fs::File::open(&path)
                .and_then(|mut f| {
                    use std::io::Read;
                    let mut head = vec![0; 2048];
                    let n = f.read(&mut head)?;
                    head.truncate(n);
                    Ok(head)
                })
                .is_ok_and(|head| sniff(&head) != DocKind::Page);
        if is_feed_file {
            sources.push(SourceConfig::from_arg(arg));
        } else {
            local.push(path);
        }
    }
    (local, sources)
}

fn run_build(args: BuildArgs) -> anyhow::Result<i32> {
    let now = Local::now().fixed_offset();
    let (selection, since_last_issue) = match args.select.to_selection(now) {
        Ok(s) => s,
        Err(e) => return Ok(usage_error(&e)),
    };
    // A build that records its issue is one run on the ledger: it waits for another, before it
    // even opens the ledger.
    let _lock = {
        let config = Config::load(args.state.config.as_deref())?;
        if args.state.store.is_some() || config.path.is_some() {
            Some(lock_ledger(&config, &args.state)?)
        } else {
            None
        }
    };
    let (config, mut store) = load_state(&args.state, false)?;
    if since_last_issue && store.is_none() {
        return Ok(usage_error(
            "--since last-issue needs a ledger: give --store FILE or --config FILE",
        ));
    }
    if args.inputs.is_empty() && store.is_none() {
        return Ok(usage_error(
            "nothing to build from: name files, folders or feeds, or give --store/--config to build from the ledger",
        ));
    }
    let look = match look(
        &config,
        &Overrides {
            title: args.title.clone(),
            date: args.date,
            style: args.style.clone(),
            profile: args.profile.clone(),
            format: args.format,
            max_size: args.max_size,
            image_quality: args.image_quality,
            cover: args.cover.clone(),
            group_by: args.group_by,
        },
        now,
    ) {
        Ok(l) => l,
        Err(e) => return Ok(usage_error(&e)),
    };
    let Look {
        title,
        date,
        modified,
        css,
        profile,
        format,
        max_size,
        image_quality,
        cover,
        group_by,
    } = look;
    let out_dir = args.output.clone().or(config.issue.output.clone());
    let ext = match format {
        crate::packager::BookFormat::Epub => "epub",
        crate::packager::BookFormat::Kepub => "kepub.epub",
    };
    let output = output_path(out_dir.as_deref(), &title, date, args.output.is_none(), ext);
    if let Err(e) = crate::shelf::check_output(&output) {
        return Ok(usage_error(&e));
    }

    let (inputs, mut sources) = classify(&args.inputs);
    for s in sources.iter_mut() {
        // Sources named on the command line take the settings of a configured source at the same
        // address, if there is one.
        if let Some(c) = config.sources.iter().find(|c| c.location() == s.location()) {
            *s = c.clone();
        }
    }
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let mut selection = selection;
    if selection.limit.is_none() {
        selection.limit = config.issue.limit;
    }
    let req = BuildRequest {
        inputs,
        sources,
        output: crate::shelf::Output::File(output),
        selection,
        since_last_issue,
        issue: IssueOptions {
            title,
            date,
            number: 1,
            group_by,
            css,
            modified,
            profile,
            cover,
            format,
        },
        store: store.as_mut(),
        config: &config,
        fetcher: &fetcher,
        max_size,
        image_quality,
        deliver_to: Vec::new(),
        on_source: None,
    };
    let outcome = build(req)?;
    print_report(&outcome.report);
    if outcome.held_back > 0 {
        crate::info_line!(
            "{} pending article{} left out by the selection: still pending.",
            outcome.held_back,
            plural(outcome.held_back)
        );
    }
    for (i, t) in outcome.titles.iter().enumerate() {
        crate::debug_line!("  {:>3}. {}", i + 1, printable(t));
    }
    for step in &outcome.budget {
        crate::info_line!("size budget: {step}");
    }
    let im = &outcome.images_report;
    if outcome.written.is_some() && (im.kept + im.converted + im.resized + im.dropped.len()) > 0 {
        let dropped: Vec<String> = im.dropped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        crate::info_line!(
            "Images for {}: {} kept as they were, {} converted, {} resized, {} shared, {} dropped{}; {} → {}.",
            profile.name,
            im.kept,
            im.converted,
            im.resized,
            im.deduplicated,
            im.dropped.values().sum::<usize>(),
            if dropped.is_empty() {
                String::new()
            } else {
                format!(" ({})", dropped.join(", "))
            },
            crate::human_size(im.bytes_in as u64),
            crate::human_size(im.bytes_out as u64),
        );
    }
    match &outcome.written {
        Some(path) => crate::info_line!(
            "Wrote {}: issue {}, {} article{} in {} section{}, {} image{}, {}.",
            path.display(),
            outcome.number,
            outcome.articles,
            plural(outcome.articles),
            outcome.sections,
            plural(outcome.sections),
            outcome.images,
            plural(outcome.images),
            crate::human_size(outcome.bytes as u64)
        ),
        None if outcome.report.failures.is_empty() => crate::info_line!(
            "No EPUB written: no article matched the selection (see --since, --from, --to, --topic)."
        ),
        None => eprintln!("No EPUB written: none of the inputs could be read."),
    }
    Ok(outcome.report.exit_code(outcome.written.is_some()))
}

/// The ledger's path (`--store`, else the config's, else the XDG default), its folder made.
pub(crate) fn ledger_path(config: &Config, store: Option<&Path>) -> anyhow::Result<PathBuf> {
    let path = config
        .store_path(store)
        .ok_or_else(|| anyhow::anyhow!("no place for the ledger: give --store FILE"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(path)
}

/// The run lock of the ledger `state` names, waiting for another run.
fn lock_ledger(config: &Config, state: &StateArgs) -> anyhow::Result<crate::store::LedgerLock> {
    let path = ledger_path(config, state.store.as_deref())?;
    let waiting = |p: &Path| {
        crate::info_line!(
            "Another inkquire run holds the ledger ({}); waiting for it.",
            p.display()
        )
    };
    Ok(crate::store::LedgerLock::exclusive(&path, true, &waiting)?)
}

fn run_collect(args: CollectArgs) -> anyhow::Result<i32> {
    let config = Config::load(args.state.config.as_deref())?;
    let path = ledger_path(&config, args.state.store.as_deref())?;
    // Collects share the ledger with each other; one that meets a build waits for it, so an
    // hourly collect from cron never loses its turn.
    let waiting = |p: &Path| {
        crate::info_line!(
            "A build is using the ledger ({}); waiting for it.",
            p.display()
        )
    };
    let _lock = crate::store::LedgerLock::shared(&path, &waiting)?;
    let (config, store) = load_state(&args.state, true)?;
    let mut store = store.expect("collect always opens the ledger");
    let mut sources = config.sources.clone();
    for s in &args.sources {
        let extra = SourceConfig::from_arg(s);
        if !sources.iter().any(|c| c.location() == extra.location()) {
            sources.push(extra);
        }
    }
    if sources.is_empty() {
        return Ok(usage_error(
            "no sources: add [[source]] entries to the config (inkquire init writes one) or name feeds here",
        ));
    }
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let progress = Progress::new(sources.len() as u64, "collecting");
    let reports = collect(&sources, &config, &mut store, &fetcher, &|r| {
        progress.tick(&printable(&r.name))
    })?;
    progress.finish();
    let (mut new, mut failed) = (0, 0);
    for r in &reports {
        for w in &r.warnings {
            crate::warn_line!("warning: {}: {}", printable(&r.location), printable(w));
        }
        match &r.failed {
            Some(e) => {
                failed += 1;
                eprintln!("error: {}: {}", printable(&r.location), printable(e));
            }
            None if r.not_modified => {
                crate::info_line!(
                    "{}: not modified since the last collect",
                    printable(&r.name)
                )
            }
            None => {
                new += r.new;
                crate::info_line!(
                    "{}: {} new, {} updated, {} unchanged",
                    printable(&r.name),
                    r.new,
                    r.updated,
                    r.unchanged
                )
            }
        }
    }
    crate::info_line!(
        "Collected {} source{}: {new} new article{}, {failed} failed.",
        reports.len(),
        plural(reports.len()),
        plural(new)
    );
    Ok(match failed {
        0 => 0,
        f if f == reports.len() => EXIT_NOTHING,
        _ => 1,
    })
}

fn run_list(args: ListArgs) -> anyhow::Result<i32> {
    let now = Local::now().fixed_offset();
    let (selection, last_issue) = match args.select.to_selection(now) {
        Ok(s) => s,
        Err(e) => return Ok(usage_error(&e)),
    };
    let (_, store) = load_state(&args.state, true)?;
    let store = store.expect("list always opens the ledger");
    let rows: Vec<_> = store
        .articles()?
        .into_iter()
        .filter(|s| !last_issue || s.pending)
        .filter(|s| selection.keeps(&s.article))
        .take(selection.limit.unwrap_or(usize::MAX))
        .collect();
    if args.json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.article.id,
                    "title": s.article.title,
                    "url": s.article.url.as_deref().map(crate::fetch::redact),
                    "source": s.article.source,
                    "topics": s.article.topics,
                    "published": s.article.published.map(|p| p.at.to_rfc3339()),
                    "first_seen": s.first_seen.to_rfc3339(),
                    "delivered": s.delivered,
                    "pending": s.pending,
                })
            })
            .collect();
        // A closed pipe (`inkquire list | head`) is not an error: stop writing.
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&items)?
        );
    } else {
        let mut out = std::io::stdout().lock();
        for s in &rows {
            let when = s
                .article
                .published
                .map(|p| p.at.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "undated         ".into());
            let line = writeln!(
                out,
                "{when}  {}{:<20}  {:<16}  {}",
                if s.delivered { "✓ " } else { "  " },
                truncate(&printable(&s.article.source), 20),
                truncate(&printable(&s.article.topics.join(",")), 16),
                printable(&s.article.title)
            );
            if line.is_err() {
                break;
            }
        }
        crate::info_line!("{} article{}", rows.len(), plural(rows.len()));
    }
    Ok(0)
}

fn run_init(args: InitArgs) -> anyhow::Result<i32> {
    let path = match args.config.or_else(crate::config::default_config_path) {
        Some(p) => p,
        None => {
            return Ok(usage_error(
                "no config folder known here: give --config FILE",
            ));
        }
    };
    if path.exists() && !args.force {
        return Ok(usage_error(&format!(
            "{} already exists (use --force to replace it)",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, crate::config::STARTER)?;
    crate::info_line!(
        "Wrote {}. Edit its [[source]] entries, then run: inkquire collect && inkquire build --since last-issue",
        path.display()
    );
    Ok(0)
}

fn run_check(args: CheckArgs) -> anyhow::Result<i32> {
    let config = Config::load(args.config.as_deref())?;
    match &config.path {
        Some(p) => crate::info_line!("{}: the config is valid", p.display()),
        None => crate::info_line!("no config file: using the defaults"),
    }
    let mut failed = 0;
    for problem in crate::deliver::check_settings(&config.deliveries, config.smtp.as_ref()) {
        failed += 1;
        eprintln!("error: {problem}");
    }
    let fetcher = HttpFetcher::new(config.fetch.clone());
    for s in &config.sources {
        if let Some(u) = &s.url {
            fetcher.allow_private(u);
        }
    }
    for s in &config.sources {
        let loc = printable(&crate::fetch::redact(&s.location())).into_owned();
        if s.url.is_none() && s.path.as_deref().is_some_and(Path::is_dir) {
            crate::info_line!("ok: {loc}: a folder of articles");
            continue;
        }
        let bytes = match (&s.url, &s.path) {
            (Some(u), _) => match fetcher.get(u, &Default::default()) {
                Ok(Fetched::Body(p)) => Ok(p.body),
                Ok(Fetched::NotModified) => Err("answered 304 to a plain request".to_owned()),
                Err(e) => Err(e.to_string()),
            },
            (None, Some(p)) => crate::collector::read_local(p, config.input.max_bytes()),
            (None, None) => Err("no url or path".into()),
        };
        let verdict = bytes.and_then(|b| match sniff(&b) {
            DocKind::Feed => feed::parse(&b, s.url.as_deref()).map(|d| {
                format!(
                    "feed \"{}\", {} item{}{}",
                    printable(&d.title.unwrap_or_default()),
                    d.items.len(),
                    plural(d.items.len()),
                    d.repaired
                        .map(|r| format!(" (repaired: {r})"))
                        .unwrap_or_default()
                )
            }),
            DocKind::Opml => {
                feed::parse_opml(&b).map(|f| format!("OPML list of {} feeds", f.len()))
            }
            DocKind::Page => Ok("a web page (one article)".to_owned()),
        });
        match verdict {
            Ok(v) => crate::info_line!("ok: {loc}: {v}"),
            Err(e) => {
                failed += 1;
                eprintln!("error: {loc}: {}", printable(&e));
            }
        }
    }
    Ok(if failed == 0 { 0 } else { 1 })
}

fn run_serve(args: ServeArgs) -> anyhow::Result<i32> {
    let folder = match args.folder {
        Some(f) => f,
        None => Config::load(args.config.as_deref())?
            .issue
            .output
            .unwrap_or_else(|| PathBuf::from("issues")),
    };
    let listener = std::net::TcpListener::bind((args.bind.as_str(), args.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", args.bind, args.port))?;
    let addr = listener.local_addr()?;
    println!(
        "Serving the issues in {} at http://{addr}/opds",
        folder.display()
    );
    let _ = std::io::stdout().flush();
    crate::serve::serve(listener, folder)?;
    Ok(0)
}

fn run_schedule(args: ScheduleArgs) -> anyhow::Result<i32> {
    let exe = std::env::current_exe()?.canonicalize()?;
    let config = match args.config {
        Some(c) => Some(std::path::absolute(c)?),
        None => Config::load(None)?.path,
    };
    let config_arg = config
        .as_ref()
        .map(|c| format!(" --config {}", shell_quote(&c.display().to_string())))
        .unwrap_or_default();
    let (h, m) = args.at;
    let exe_q = shell_quote(&exe.display().to_string());
    println!("# crontab -e, then add this line (runs every day at {h:02}:{m:02}):");
    println!(
        "{m} {h} * * * {exe_q} digest{config_arg} >> \"$HOME/.cache/inkquire-digest.log\" 2>&1"
    );
    println!();
    println!("# Or a systemd user timer: save as ~/.config/systemd/user/inkquire-digest.service");
    println!(
        "[Unit]\nDescription=inkquire daily digest\nWants=network-online.target\nAfter=network-online.target\n"
    );
    println!("[Service]\nType=oneshot\nExecStart={exe_q} digest{config_arg}\n");
    println!("# … and ~/.config/systemd/user/inkquire-digest.timer");
    println!("[Unit]\nDescription=Run inkquire digest every day\n");
    println!("[Timer]\nOnCalendar=*-*-* {h:02}:{m:02}:00\nPersistent=true\n");
    println!("[Install]\nWantedBy=timers.target");
    println!();
    println!(
        "# then: systemctl --user daemon-reload && systemctl --user enable --now inkquire-digest.timer"
    );
    Ok(0)
}

/// Quote for a POSIX shell when needed.
fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A progress bar on a terminal; plain lines otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(len: u64, what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new(len);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(what.to_owned());
        Progress { bar: Some(bar) }
    }

    fn tick(&self, name: &str) {
        if let Some(b) = &self.bar {
            b.set_message(name.to_owned());
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub(crate) fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {msg}");
    EXIT_NOTHING
}

pub(crate) fn print_report(report: &Report) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (warn, fail, reset) = if color {
        ("\x1b[33mwarning\x1b[0m", "\x1b[31merror\x1b[0m", "")
    } else {
        ("warning", "error", "")
    };
    for p in &report.warnings {
        crate::warn_line!(
            "{warn}: {}: {}{reset}",
            printable(&p.source),
            printable(&p.message)
        );
    }
    for p in &report.failures {
        eprintln!(
            "{fail}: {}: {}{reset}",
            printable(&p.source),
            printable(&p.message)
        );
    }
}

/// `-o` as given (a folder gets the default name inside it), else the default name here.
/// `is_folder` says the path is a folder even when it does not exist yet (the config's output).
pub(crate) fn output_path(
    given: Option<&Path>,
    title: &str,
    date: NaiveDate,
    is_folder: bool,
    ext: &str,
) -> PathBuf {
    let name = format!("{}-{date}.{ext}", slug(title));
    match given {
        Some(p) if p.is_dir() || is_folder => p.join(name),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(name),
    }
}

pub use crate::shelf::slug;

/// Text from feeds and pages made safe for a terminal or a cron mail: control characters
/// (escape sequences, carriage returns, bells, bidirectional overrides) are shown as `�`.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if s.chars().any(bad) {
        s.chars()
            .map(|c| if bad(c) { '\u{fffd}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
    fn terminal_text_has_no_control_characters() {
        assert_eq!(printable("plain — café"), "plain — café");
        assert_eq!(
            printable("a\x1b[2Jb\r\x07"),
            "a\u{fffd}[2Jb\u{fffd}\u{fffd}"
        );
        assert_eq!(printable("x\u{202e}y"), "x\u{fffd}y");
    }
}
