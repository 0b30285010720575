//! `inkquire add URL`: a source into the config, from the address a user knows.
//!
//! The address is tried once (a feed is read; a site's page is looked at for its feeds; an
//! article page is offered as a single page), then a `[[source]]` table is added at the end of
//! the config file, written through a temporary file renamed into place: the text before it is
//! kept byte for byte, and the result is checked to load before it replaces the file.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use inkquire::collector::remote::{Offer, offer};
use inkquire::config::{Config, FullText, SourceConfig};

use super::edit::ConfigEdit;
use inkquire::fetch::{HttpFetcher, redact};

use super::args::{AddArgs, SaveArgs};
use super::commands::{describe_found, describe_offer};
use super::print::printable;
use super::{Exit, usage_error};

pub fn run(args: AddArgs) -> anyhow::Result<Exit> {
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        return Ok(usage_error(&format!(
            "{} is not a web address (http:// or https://); a local folder or file is added by hand as [[source]] path = \"…\"",
            printable(&args.url)
        )));
    }
    let Some(path) = config_path(args.config.clone()) else {
        return Ok(usage_error(
            "no config folder known here: give --config FILE",
        ));
    };
    // A config reached through a link (dotfiles) is edited where it lives.
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let (before, config) = if path.exists() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let config = Config::parse(&text, &path)?;
        (text, config)
    } else {
        (String::new(), Config::default())
    };
    if let Some(there) = already(&config, &args.url) {
        say_already("", &args.url, &path, &there);
        return Ok(Exit::Done);
    }
    let mut source = SourceConfig {
        url: Some(args.url.clone()),
        name: args.name.clone(),
        topics: args.topics.clone(),
        full_text: match args.full_text.as_deref() {
            Some("always") => FullText::Always,
            Some("never") => FullText::Never,
            _ => FullText::Auto,
        },
        ..Default::default()
    };
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let shown = printable(&redact(&args.url)).into_owned();
    inkquire::info_line!("Looking at {shown} …");
    let found = match offer(&source, &fetcher, &config, true) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {shown}: {}", printable(&e.message));
            return Ok(Exit::Nothing);
        }
    };
    match &found {
        Offer::Found(feeds) => {
            let chosen = match choose(feeds.len(), args.pick, || {
                let mut list = String::new();
                for (i, f) in feeds.iter().enumerate() {
                    list.push_str(&format!(
                        "  {}. {} — \"{}\", {} item{}\n",
                        i + 1,
                        printable(&redact(&f.url)),
                        printable(f.title().unwrap_or_default()),
                        f.items(),
                        if f.items() == 1 { "" } else { "s" }
                    ));
                }
                list
            }) {
                Ok(i) => i,
                Err(exit) => return Ok(exit),
            };
            let f = &feeds[chosen];
            if let Some(there) = already(&config, &f.url) {
                say_already("Its feed ", &f.url, &path, &there);
                return Ok(Exit::Done);
            }
            inkquire::info_line!("{shown}: {}", describe_found(f));
            source.url = Some(f.url.clone());
        }
        Offer::Article { site_feeds, .. } => {
            inkquire::info_line!(
                "{shown}: {}; added as a single page",
                describe_offer(&found)
            );
            if let Some(feed) = site_feeds.first() {
                inkquire::info_line!(
                    "  (for everything the site publishes: inkquire add {})",
                    printable(&redact(feed))
                );
            }
        }
        _ => inkquire::info_line!("{shown}: {}", describe_offer(&found)),
    }
    // The config as it is now, under its lock: another `add` may have written it while this
    // one was looking at the site, and its source must stay.
    let edit = ConfigEdit::open(&path)?;
    let text = edit.text().unwrap_or_default().to_owned();
    if text != before {
        let now = Config::parse(&text, &path)?;
        if let Some(there) = already(&now, source.url.as_deref().unwrap_or_default()) {
            say_already("", &args.url, &path, &there);
            return Ok(Exit::Done);
        }
    }
    let new_text = inkquire::config::append_source(&text, &path, &source)?;
    edit.save(&new_text)?;
    let added = &new_text[text.len()..];
    // Line by line: printable() shows a line end as a control character.
    let shown_lines: Vec<String> = added
        .trim()
        .lines()
        .map(|l| printable(&redact_line(l)).into_owned())
        .collect();
    inkquire::info_line!(
        "Added to {}:\n{}\nIts articles come with the next `inkquire collect` or `inkquire digest`.",
        path.display(),
        shown_lines.join("\n")
    );
    Ok(Exit::Done)
}

/// One line of the config snippet `add` shows, with a password or token in an address hidden.
fn redact_line(line: &str) -> String {
    match line.split_once(" = \"") {
        Some((key, rest)) if key == "url" => {
            let value = rest.strip_suffix('"').unwrap_or(rest);
            format!("{key} = \"{}\"", redact(value))
        }
        _ => line.to_owned(),
    }
}

/// `url` (introduced by `what`) is a source of the config at `path` already, as `there`.
fn say_already(what: &str, url: &str, path: &std::path::Path, there: &str) {
    inkquire::info_line!(
        "{what}{} is already a source in {} ({}): nothing to add.",
        printable(&redact(url)),
        path.display(),
        printable(&redact(there))
    );
}

/// The config file `add` edits: `--config`, else `$INKQUIRE_CONFIG`, else the XDG one.
fn config_path(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .or_else(|| {
            std::env::var_os("INKQUIRE_CONFIG")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        })
        .or_else(inkquire::config::default_config_path)
}

/// The source of `config` at `url` already, if any (the same address, give or take a final
/// slash or tracking parameters).
fn already(config: &Config, url: &str) -> Option<String> {
    let same = |u: &str| {
        inkquire::collector::remote::canonical_url(u)
            .trim_end_matches('/')
            .to_owned()
    };
    let want = same(url);
    config
        .sources
        .iter()
        .filter_map(|s| s.url.clone())
        .find(|u| same(u) == want)
}

/// Which of `n` feeds: the only one, `--pick N`, or the user's answer at a terminal.
fn choose(n: usize, pick: Option<usize>, list: impl Fn() -> String) -> Result<usize, Exit> {
    if let Some(p) = pick {
        if (1..=n).contains(&p) {
            return Ok(p - 1);
        }
        eprint!(
            "The site has {n} feed{}:\n{}",
            if n == 1 { "" } else { "s" },
            list()
        );
        return Err(usage_error(&format!("--pick {p}: choose 1 to {n}")));
    }
    if n == 1 {
        return Ok(0);
    }
    eprint!("The site has {n} feeds:\n{}", list());
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(usage_error("choose one with --pick N"));
    }
    let stdin = std::io::stdin();
    loop {
        eprint!("Which one (1-{n})? ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
            return Err(usage_error("no feed chosen"));
        }
        match line.trim().parse::<usize>() {
            Ok(p) if (1..=n).contains(&p) => return Ok(p - 1),
            _ => eprintln!("A number from 1 to {n}, please."),
        }
    }
}

/// `inkquire save URL...`: each page fetched now into the ledger, pending for the next issue.
pub fn save(args: SaveArgs) -> anyhow::Result<Exit> {
    if let Some(bad) = args
        .urls
        .iter()
        .find(|u| !(u.starts_with("http://") || u.starts_with("https://")))
    {
        return Ok(usage_error(&format!(
            "{} is not a web address (http:// or https://)",
            printable(bad)
        )));
    }
    let config = Config::load(args.state.config.as_deref())?;
    // A save is a collect: it shares the ledger with collects and waits for a build.
    let mut held = super::hold_ledger(&config, &args.state, super::Hold::Collect)?;
    let store = &mut held.store;
    // A saved page is kept even when it does not read like an article: the user chose it.
    let sources: Vec<SourceConfig> = args
        .urls
        .iter()
        .map(|u| SourceConfig {
            url: Some(u.clone()),
            topics: args.topics.clone(),
            keep_non_articles: true,
            ..Default::default()
        })
        .collect();
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let reports = inkquire::pipeline::collect(&sources, &config, store, &fetcher, &|_| {})?;
    let mut failed = 0;
    for r in &reports {
        let shown = printable(&r.location).into_owned();
        match &r.failed {
            Some(e) => {
                failed += 1;
                eprintln!(
                    "error: {shown}: {} (nothing was kept; save it again later)",
                    printable(e)
                );
            }
            None if r.new > 0 => {
                for t in &r.titles {
                    inkquire::info_line!(
                        "Saved \"{}\" ({shown}): it goes into the next issue.",
                        printable(t)
                    );
                }
            }
            None => {
                inkquire::info_line!("{shown} is already in the ledger: it is not saved twice.")
            }
        }
        for w in &r.warnings {
            inkquire::warn_line!("warning: {shown}: {}", printable(w));
        }
    }
    // A page that was reached but stands behind a wall is a failed page (1), not a failed run.
    let walled = reports
        .iter()
        .any(|r| r.kind == Some(inkquire::report::Kind::Blocked));
    Ok(match failed {
        0 => Exit::Done,
        f if f == reports.len() && !walled => Exit::Nothing,
        _ => Exit::Partial,
    })
}
