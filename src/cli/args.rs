//! The command line's arguments: every subcommand and its help.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use inkquire::dates::parse_issue_date;
use inkquire::issue::Overrides;
use inkquire::packager::{BookFormat, GroupBy};

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
    /// Save web pages for the next issue: each is fetched now into the ledger.
    #[command(after_help = SAVE_HELP)]
    Save(SaveArgs),
    /// List the articles in the ledger.
    List(ListArgs),
    /// Write a commented starter config.
    Init(InitArgs),
    /// Add a source to the config from an address: a feed, a site (its feed is found), or an
    /// article page. Tries it once first.
    #[command(after_help = ADD_HELP)]
    Add(AddArgs),
    /// Check the config and try every source, writing nothing.
    Check(CheckArgs),
    /// Print one page's article as the book would hold it (title, byline, date, site, language,
    /// body), to check a source before adding it, or for scripts. Writes nothing.
    #[command(after_help = EXTRACT_HELP)]
    Extract(ExtractArgs),
    /// Site rules (`[fetch] site-rules`): try them on the pages their files name.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// One story once: see why two stored articles are, or are not, the same story.
    #[command(after_help = DEDUPE_HELP)]
    Dedupe(DedupeArgs),
    /// List the built-in style themes.
    Styles,
    /// List the device profiles (screen sizes) for --profile.
    Profiles,
    /// Print a crontab line and a systemd user timer that run `digest` every day.
    Schedule(ScheduleArgs),
    /// Serve the issues over HTTP: an OPDS catalog (KOReader and other catalog browsers) and a
    /// web page for a phone's or an e-reader's browser.
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
pub struct ExtractArgs {
    /// A saved page (.html), a Markdown or text file, or a web page's address.
    #[arg(value_name = "PAGE|URL")]
    pub input: String,

    /// What to print.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "html", "text", "json"])]
    pub format: String,

    /// Print the page even when it does not look like an article (a front page, a listing).
    #[arg(long)]
    pub force: bool,

    /// The config whose fetch settings (and a [[source]]'s keep/remove selectors at the same
    /// address) apply.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The address a saved page was saved from: it chooses the site rule and resolves the
    /// page's links (default: the page's own canonical address, if it names one).
    #[arg(long, value_name = "ORIGINAL")]
    pub url: Option<String>,
}

const EXTRACT_HELP: &str = "\
Examples:
  inkquire extract saved/page.html                     # Markdown on stdout
  inkquire extract https://example.org/story --format text | less
  inkquire extract page.html --format json | jq .title

Formats: markdown (the default), html (a small standalone page), text (a paragraph a line),
json (title, byline, published, site, lang, url, words, not_article, warnings, html, text).
Pictures keep their addresses; nothing is fetched but the page itself.

A page that does not look like an article (a front page, a listing, search results, an error
or consent page) is named on stderr and not printed, as `build` would leave it out; --force
prints it anyway.

Exit codes: 0 printed; 2 the page could not be read, or does not look like an article.";

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

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Fetch each rule file's `test_url` pages and say whether the rule still finds a body there
    /// and whether every `test_contains` text is in it. Exit 1 when one does not.
    #[command(after_help = RULES_TEST_HELP)]
    Test {
        /// Hosts (`example.com`) or file names (`.example.com`) to test; all rule files with a
        /// `test_url` when none is given.
        #[arg(value_name = "HOST")]
        hosts: Vec<String>,

        /// The config whose `[fetch] site-rules` folders are read.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

const RULES_TEST_HELP: &str = "\
Examples:
  inkquire rules test                   # every rule file that names a test_url
  inkquire rules test example.com       # the file www.example.com's pages take

A rule file is in the Full-Text RSS format (README: \"Sites that need help\"):
  body: //div[@id='story']
  test_url: https://example.com/2024/05/a-story.html
  test_contains: a sentence of that story";

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

pub const BUILD_EXAMPLES: &str = "\
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
    #[arg(long, value_parser = choice(GroupBy::CHOICES))]
    pub group_by: Option<GroupBy>,

    /// A built-in theme (see `inkquire styles`) or a .css file added on top of the default theme.
    #[arg(long, value_name = "NAME|FILE.css")]
    pub style: Option<String>,

    /// The reader's screen (see `inkquire profiles`): images are fitted to it, grayscale on
    /// e-ink [default: the config's, else generic-eink].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// `epub`, or `kepub` for Kobo (written as .kepub.epub unless -o names the file).
    #[arg(long, value_parser = choice(BookFormat::CHOICES))]
    pub format: Option<BookFormat>,

    /// Largest book, e.g. 50MB: images are made smaller, then the largest left out, to fit.
    #[arg(long, value_name = "SIZE", value_parser = inkquire::units::parse_size)]
    pub max_size: Option<u64>,

    /// JPEG quality of pictures, 1–100 [default: 80].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub image_quality: Option<u8>,

    /// Your own cover picture instead of the drawn front page.
    #[arg(long, value_name = "FILE")]
    pub cover: Option<PathBuf>,

    /// Keep the pages named here that do not look like articles (a front page, a listing, an
    /// error or consent page); without it each is named on stderr and left out.
    #[arg(long)]
    pub force: bool,

    /// The address the one saved page given was saved from: it chooses the site rule and
    /// resolves the page's links (default: the page's own canonical address, if it names one).
    #[arg(long, value_name = "ORIGINAL")]
    pub url: Option<String>,

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
pub struct SaveArgs {
    /// The pages' addresses.
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,

    /// A topic for these pages (may be given several times).
    #[arg(long = "topic", value_name = "T")]
    pub topics: Vec<String>,

    #[command(flatten)]
    pub state: StateArgs,
}

const SAVE_HELP: &str = "\
Examples:
  inkquire save https://example.org/a-long-read
  inkquire save https://example.org/one https://example.org/two --topic science

Each page is fetched now and kept in the ledger; the next `digest` (or `build --since
last-issue`) puts it in the issue, once. A page that cannot be fetched is named and nothing is
kept of it: run save again later. For a list a phone or a sync folder keeps, use a
[[source]] with kind = \"links\" (see the README).";

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

    /// List the articles the filters left out instead, each with the entry that matched.
    #[arg(long, conflicts_with = "duplicates")]
    pub filtered: bool,

    /// List the articles left out as copies of a story instead, each with the article kept for
    /// it (one story once: the same news from several sources is delivered once).
    #[arg(long)]
    pub duplicates: bool,

    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Args, Debug)]
pub struct DedupeArgs {
    /// Two stored articles (an id, an address or a feed item's GUID, as `inkquire list --json`
    /// shows them): print how alike their texts are and the verdict.
    #[arg(long, num_args = 2, value_names = ["A", "B"], required = true)]
    pub explain: Vec<String>,

    #[command(flatten)]
    pub state: StateArgs,
}

const DEDUPE_HELP: &str = "\
An issue carries each story once. Articles whose texts are the same story — wire copy printed by
several outlets under their own headlines, trimmed, with an editor's note or a caption added; a
page republished at a second address — are one article: the fullest copy (or, with
`[issue] prefer = \"config-order\"`, the one from the source listed first), headed \"Also in:\"
with the others' sources. A copy of a story an earlier issue delivered is not delivered again.
Two texts are the same story when the longer holds at least half of the shorter's four-word
phrases and the shorter is at least a fifth of the longer; texts under about 40 words are never
merged, and two articles of one source must also have alike titles. Different stories on one
subject share far less (under a fifth on the labelled set).

Examples:
  inkquire list --duplicates                       # what was left out, and for which story
  inkquire dedupe --explain https://a.example/x https://b.example/y
";

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
pub struct AddArgs {
    /// A feed's address, a site's address (https://example.org: its feed is found), or an
    /// article page's address.
    #[arg(value_name = "URL")]
    pub url: String,

    /// A topic for the source's articles (may be given several times).
    #[arg(long = "topic", value_name = "T")]
    pub topics: Vec<String>,

    /// The name shown for its articles (default: the feed's title).
    #[arg(long, value_name = "N")]
    pub name: Option<String>,

    /// When to fetch an item's page for its full text.
    #[arg(long, value_name = "WHEN", value_parser = ["auto", "always", "never"])]
    pub full_text: Option<String>,

    /// When the site has several feeds, take the Nth of the list `add` prints.
    #[arg(long, value_name = "N")]
    pub pick: Option<usize>,

    /// The config file to add to (default: as for the other commands; created if missing).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

const ADD_HELP: &str = "\
Examples:
  inkquire add https://example.org                  # finds the site's feed
  inkquire add https://example.org/feed.xml --topic science --name \"Example\"
  inkquire add https://example.org --pick 2         # the second of the feeds it lists

A site's page is looked at for the feeds it names (<link rel=\"alternate\">: RSS, Atom, JSON
Feed); a page that names none is asked at /feed, /rss, /rss.xml, /atom.xml, /index.xml and
/feed.json. An article's address is added as a single page. The source is tried once, then a
[[source]] table is added at the end of the config: the rest of the file, its comments and its
layout, are kept as they are.";

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

    /// At most this many articles, newest first (1 or more).
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub limit: Option<usize>,
}

impl SelectArgs {
    /// The selection part of the issue's overrides.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            since: self.since.clone().or(self.from.clone()),
            to: self.to.clone(),
            topics: self.topics.clone(),
            limit: self.limit,
            ..Default::default()
        }
    }
}

impl BuildArgs {
    /// What the command line says about the issue.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            title: self.title.clone(),
            date: self.date,
            style: self.style.clone(),
            profile: self.profile.clone(),
            format: self.format,
            max_size: self.max_size,
            image_quality: self.image_quality,
            cover: self.cover.clone(),
            group_by: self.group_by,
            output: self.output.clone(),
            ..self.select.overrides()
        }
    }
}

/// A choice among a library enum's named values, with their help.
fn choice<T: Copy + Send + Sync + 'static>(
    choices: &'static [(T, &'static str, &'static str)],
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(
        choices
            .iter()
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .map(move |s| {
        choices
            .iter()
            .find(|(_, name, _)| *name == s)
            .map(|(v, _, _)| *v)
            .expect("clap accepts only the listed names")
    })
}
