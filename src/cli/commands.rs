//! `build`, `collect`, `list`, `init`, `check`, `serve` and `schedule`: each reads its
//! arguments, asks the library, prints what it did and says how it ended.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Local;

use inkquire::collector::remote::{Offer, offer};
use inkquire::config::{Config, SourceConfig};
use inkquire::fetch::{Fetcher, HttpFetcher};
use inkquire::issue::IssueSettings;
use inkquire::pipeline::{BuildRequest, build as build_issue, collect as collect_sources};
use inkquire::units::human_size;

use super::print::{Progress, plural, print_report, printable, truncate};
use super::{
    BuildArgs, CheckArgs, CollectArgs, DedupeArgs, InitArgs, ListArgs, ScheduleArgs, ServeArgs,
};
use super::{Exit, Hold, hold_ledger, usage_error};

pub fn build(args: BuildArgs) -> anyhow::Result<Exit> {
    let now = Local::now().fixed_offset();
    // A build that records its issue is one run on the ledger: it waits for another, before it
    // even opens the ledger.
    let config = Config::load(args.state.config.as_deref())?;
    let mut held = if args.state.store.is_some() || config.path.is_some() {
        Some(hold_ledger(&config, &args.state, Hold::Run)?)
    } else {
        None
    };
    let settings = match IssueSettings::for_build(&config, &args.overrides(), now) {
        Ok(s) => s,
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    if settings.pending_only && held.is_none() {
        return Ok(usage_error(
            "--since last-issue needs a ledger: give --store FILE or --config FILE",
        ));
    }
    if args.inputs.is_empty() && held.is_none() {
        return Ok(usage_error(
            "nothing to build from: name files, folders or feeds, or give --store/--config to build from the ledger",
        ));
    }
    let (inputs, mut sources) =
        inkquire::collector::classify(&args.inputs, config.input.max_bytes());
    for s in sources.iter_mut() {
        // Sources named on the command line take the settings of a configured source at the same
        // address, if there is one.
        if let Some(c) = config.sources.iter().find(|c| c.location() == s.location()) {
            *s = c.clone();
        }
        s.keep_non_articles |= args.force;
    }
    if let Some(u) = &args.url {
        let one_page = sources.is_empty()
            && inputs.len() == 1
            && inkquire::collector::Kind::of(&inputs[0]) == Some(inkquire::collector::Kind::Html);
        if !one_page {
            return Ok(usage_error(
                "--url names the address of one saved page: give exactly one .html file with it",
            ));
        }
        if !is_web_address(u) {
            return Ok(usage_error(&format!(
                "--url {u}: give the page's web address (http:// or https://)"
            )));
        }
    }
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let profile = settings.issue.profile;
    let req = BuildRequest {
        inputs,
        sources,
        store: held.as_mut().map(|h| &mut h.store),
        keep_non_articles: args.force,
        page_url: args.url.clone(),
        ..BuildRequest::new(settings, &config, &fetcher)
    };
    let outcome = build_issue(req)?;
    print_report(&outcome.report);
    crate::cli::print::duplicates(&outcome.duplicates);
    if outcome.held_back > 0 {
        inkquire::info_line!(
            "{} pending article{} left out by the selection: still pending.",
            outcome.held_back,
            plural(outcome.held_back)
        );
    }
    for (i, t) in outcome.titles.iter().enumerate() {
        inkquire::debug_line!("  {:>3}. {}", i + 1, printable(t));
    }
    for step in &outcome.budget {
        inkquire::info_line!("size budget: {step}");
    }
    let im = &outcome.images_report;
    if outcome.written.is_some() && (im.kept + im.converted + im.resized + im.dropped.len()) > 0 {
        let dropped: Vec<String> = im.dropped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        inkquire::info_line!(
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
            human_size(im.bytes_in as u64),
            human_size(im.bytes_out as u64),
        );
    }
    match &outcome.written {
        Some(path) => inkquire::info_line!(
            "Wrote {}: issue {}, {} article{}{}, {} image{}, {}.",
            path.display(),
            outcome.number,
            outcome.articles,
            plural(outcome.articles),
            match outcome.sections {
                0 => String::new(),
                n => format!(" in {n} section{}", plural(n)),
            },
            outcome.images,
            plural(outcome.images),
            human_size(outcome.bytes as u64)
        ),
        None if outcome.report.failures.is_empty() => inkquire::info_line!(
            "No EPUB written: no article matched the selection (see --since, --from, --to, --topic)."
        ),
        None => eprintln!("No EPUB written: none of the inputs could be read."),
    }
    Ok(
        match (&outcome.written, outcome.report.failures.is_empty()) {
            (None, _) => Exit::Nothing,
            (Some(_), true) => Exit::Done,
            (Some(_), false) => Exit::Partial,
        },
    )
}

pub fn collect(args: CollectArgs) -> anyhow::Result<Exit> {
    let config = Config::load(args.state.config.as_deref())?;
    // Collects share the ledger with each other; one that meets a build waits for it, so an
    // hourly collect from cron never loses its turn.
    let mut held = hold_ledger(&config, &args.state, Hold::Collect)?;
    let store = &mut held.store;
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
    let reports = collect_sources(&sources, &config, store, &fetcher, &|r| {
        progress.tick(&printable(&r.name))
    })?;
    progress.finish();
    let (mut new, mut failed) = (0, 0);
    for r in &reports {
        for w in &r.warnings {
            inkquire::warn_line!("warning: {}: {}", printable(&r.location), printable(w));
        }
        if let (None, Some(feed)) = (&r.failed, &r.feed) {
            inkquire::info_line!("{}: {}", printable(&r.location), found_feed(feed));
        }
        match &r.failed {
            Some(e) => {
                failed += 1;
                eprintln!("error: {}: {}", printable(&r.location), printable(e));
            }
            None if r.not_modified => {
                inkquire::info_line!(
                    "{}: not modified since the last collect",
                    printable(&r.name)
                )
            }
            None => {
                new += r.new;
                inkquire::info_line!("{}", super::print::source_counts(r))
            }
        }
    }
    inkquire::info_line!(
        "Collected {} source{}: {new} new article{}, {failed} failed.",
        reports.len(),
        plural(reports.len()),
        plural(new)
    );
    Ok(match failed {
        0 => Exit::Done,
        f if f == reports.len() => Exit::Nothing,
        _ => Exit::Partial,
    })
}

pub fn list(args: ListArgs) -> anyhow::Result<Exit> {
    let now = Local::now().fixed_offset();
    let (selection, last_issue) = match args.select.overrides().selection(now) {
        Ok(s) => s,
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    let config = Config::load(args.state.config.as_deref())?;
    let store = hold_ledger(&config, &args.state, Hold::Look)?.store;
    if args.filtered {
        let rows = store.filtered_articles()?;
        if args.json {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "title": f.title,
                        "url": f.url.as_deref().map(inkquire::fetch::redact),
                        "source": f.source,
                        "rule": f.rule,
                        "first_seen": f.first_seen,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        } else {
            for f in &rows {
                println!(
                    "{}  {}  ({})",
                    printable(&f.title),
                    printable(&f.source),
                    printable(&f.rule)
                );
            }
            inkquire::info_line!(
                "{} article{} left out by the filters.",
                rows.len(),
                plural(rows.len())
            );
        }
        return Ok(Exit::Done);
    }
    if args.duplicates {
        let rows = store.duplicate_articles()?;
        if args.json {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "title": d.title,
                        "url": d.url.as_deref().map(inkquire::fetch::redact),
                        "source": d.source,
                        "duplicate_of": {
                            "title": d.of_title,
                            "url": d.of_url.as_deref().map(inkquire::fetch::redact),
                            "source": d.of_source,
                        },
                        "issue": d.issue,
                        "first_seen": d.first_seen,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        } else {
            for d in &rows {
                println!(
                    "{}  {}  (a copy of \"{}\", {})",
                    printable(&d.title),
                    printable(&d.source),
                    printable(&d.of_title),
                    printable(&d.of_source)
                );
            }
            inkquire::info_line!(
                "{} article{} left out as copies of a story.",
                rows.len(),
                plural(rows.len())
            );
        }
        return Ok(Exit::Done);
    }
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
                    "url": s.article.url.as_deref().map(inkquire::fetch::redact),
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
            inkquire::fetch::redact_text(&serde_json::to_string_pretty(&items)?)
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
        inkquire::info_line!("{} article{}", rows.len(), plural(rows.len()));
    }
    Ok(Exit::Done)
}

pub fn init(args: InitArgs) -> anyhow::Result<Exit> {
    let path = match args.config.or_else(inkquire::config::default_config_path) {
        Some(p) => p,
        None => {
            return Ok(usage_error(
                "no config folder known here: give --config FILE",
            ));
        }
    };
    // Under the config's editing lock, so an `add` running now is not written over.
    let edit = super::edit::ConfigEdit::open(&path)?;
    if edit.text().is_some() && !args.force {
        return Ok(usage_error(&format!(
            "{} already exists (use --force to replace it)",
            path.display()
        )));
    }
    edit.save(inkquire::config::STARTER)?;
    inkquire::info_line!(
        "Wrote {}. Edit its [[source]] entries, then run: inkquire collect && inkquire build --since last-issue",
        path.display()
    );
    Ok(Exit::Done)
}

/// An `http://` or `https://` address with a host.
pub(super) fn is_web_address(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|x| matches!(x.scheme(), "http" | "https") && x.has_host())
}

pub fn check(args: CheckArgs) -> anyhow::Result<Exit> {
    let config = Config::load(args.config.as_deref())?;
    match &config.path {
        Some(p) => inkquire::info_line!("{}: the config is valid", p.display()),
        None => inkquire::info_line!("no config file: using the defaults"),
    }
    let mut failed = 0;
    for problem in inkquire::deliver::check_settings(&config.deliveries, config.smtp.as_ref()) {
        failed += 1;
        eprintln!("error: {}", printable(&problem.to_string()));
    }
    if !config.fetch.site_rules.is_empty() {
        match inkquire::collector::rules::Library::open(&config.fetch.site_rules) {
            Ok(lib) => inkquire::info_line!(
                "ok: site rules: {} files in {} folders",
                lib.len(),
                config.fetch.site_rules.len()
            ),
            Err(e) => {
                failed += 1;
                eprintln!("error: {}", printable(&e.to_string()));
            }
        }
    }
    if let Some(browser) = inkquire::browser::Browser::configured(&config.fetch) {
        match browser.probe() {
            Ok((path, product)) => inkquire::info_line!(
                "ok: browser: {} ({product}) started and answered; it renders at most {} pages a run, {} s each",
                path.display(),
                browser.options().pages,
                browser.options().timeout.as_secs_f64()
            ),
            Err(e) => {
                failed += 1;
                eprintln!("error: [fetch] browser: {}", printable(&e.to_string()));
            }
        }
    }
    let fetcher = HttpFetcher::new(config.fetch.clone());
    for s in &config.sources {
        if let Some(u) = &s.url {
            fetcher.allow_private(u);
        }
    }
    for s in &config.sources {
        let loc = printable(&inkquire::fetch::redact(&s.location())).into_owned();
        if s.url.is_none() && s.path.as_deref().is_some_and(Path::is_dir) {
            inkquire::info_line!("ok: {loc}: a folder of articles");
            continue;
        }
        if let Some(path) = &s.cookies {
            match inkquire::cookies::read_file(path, chrono::Utc::now().timestamp()) {
                Ok(read) => {
                    let jar = inkquire::cookies::Jar::new(read.cookies.clone());
                    let apply = jar.count_for(&s.location(), chrono::Utc::now().timestamp());
                    inkquire::info_line!(
                        "ok: {loc}: {}: {} cookie{} loaded, {apply} for its address",
                        path.display(),
                        read.cookies.len(),
                        plural(read.cookies.len())
                    );
                    if !read.expired.is_empty() {
                        inkquire::warn_line!(
                            "warning: {loc}: {}: {} expired cookie{} left out ({})",
                            path.display(),
                            read.expired.len(),
                            plural(read.expired.len()),
                            read.expired.join(", ")
                        );
                    }
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {loc}: {}", printable(&e.to_string()));
                    continue;
                }
            }
        }
        let verdict = offer(s, &fetcher, &config, false)
            .map(|o| describe_offer(&o))
            .map_err(|e| e.message);
        match verdict {
            Ok(v) => inkquire::info_line!("ok: {loc}: {v}"),
            Err(e) => {
                failed += 1;
                eprintln!("error: {loc}: {}", printable(&e));
            }
        }
    }
    Ok(if failed == 0 {
        Exit::Done
    } else {
        Exit::Partial
    })
}

/// A site's page was read through this feed.
pub(crate) fn found_feed(feed: &str) -> String {
    format!("a site's page: read through its feed {}", printable(feed))
}

/// A feed found for a site's page, in a few words.
pub(crate) fn describe_found(f: &inkquire::collector::discover::Found) -> String {
    format!(
        "a site's page; its feed {}{}: feed \"{}\", {} item{}",
        if f.named { "is " } else { "was found at " },
        printable(&inkquire::fetch::redact(&f.url)),
        printable(f.title().unwrap_or_default()),
        f.items(),
        plural(f.items())
    )
}

/// What a source is, in a few words (`check`, `add`).
pub(crate) fn describe_offer(o: &Offer) -> String {
    let feed = |title: Option<&str>, items: usize| {
        format!(
            "feed \"{}\", {items} item{}",
            printable(title.unwrap_or_default()),
            plural(items)
        )
    };
    match o {
        Offer::Feed {
            title,
            items,
            repaired,
        } => format!(
            "{}{}",
            feed(title.as_deref(), *items),
            repaired
                .as_ref()
                .map(|r| format!(" (repaired: {r})"))
                .unwrap_or_default()
        ),
        Offer::Opml { feeds } => format!("OPML list of {feeds} feeds"),
        Offer::Found(found) => match found.first() {
            Some(f) => describe_found(f),
            None => "a site's page".into(),
        },
        Offer::Article { title, .. } => {
            format!("a web page (one article: \"{}\")", printable(title))
        }
        Offer::Links { links, odd } => format!(
            "a read-later list of {links} address{}{}",
            if *links == 1 { "" } else { "es" },
            if odd.is_empty() {
                String::new()
            } else {
                format!(" ({})", printable(&odd.join("; ")))
            }
        ),
        Offer::Mailbox { unread } => format!(
            "a mail folder: logged in, {unread} unread message{} for the next collect",
            plural(*unread)
        ),
        Offer::Kept { title } => format!(
            "a web page kept as it is (keep-non-articles): \"{}\"",
            printable(title)
        ),
    }
}

pub fn serve(args: ServeArgs) -> anyhow::Result<Exit> {
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
    // Said once, in one write; a closed stdout (a service manager, a test that read the first
    // line) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Serving the issues in {} at http://{addr}/opds\nFor a web browser: http://{addr}/ (stop with Ctrl-C)",
        folder.display()
    );
    let _ = out.flush();
    drop(out);
    inkquire::serve::serve(listener, folder)?;
    Ok(Exit::Done)
}

pub fn schedule(args: ScheduleArgs) -> anyhow::Result<Exit> {
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
    Ok(Exit::Done)
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

/// `inkquire dedupe --explain A B`: how alike two stored articles' texts are, and the verdict.
pub fn dedupe(args: DedupeArgs) -> anyhow::Result<Exit> {
    use inkquire::dedupe::Similarity;
    let config = Config::load(args.state.config.as_deref())?;
    let store = hold_ledger(&config, &args.state, Hold::Look)?.store;
    let mut found = Vec::new();
    for which in &args.explain {
        match store.article_text(which)? {
            Some(a) => found.push(a),
            None => {
                return Ok(usage_error(&format!(
                    "no stored article has the id, address or GUID {}; `inkquire list --json` shows them",
                    printable(which)
                )));
            }
        }
    }
    let (a, b) = (&found[0], &found[1]);
    for (label, x) in [("A", a), ("B", b)] {
        println!(
            "{label}: \"{}\" ({}){}",
            printable(&x.title),
            printable(&x.source),
            x.url
                .as_deref()
                .map(|u| format!(" <{}>", printable(&inkquire::fetch::redact(u))))
                .unwrap_or_default()
        );
    }
    let sim = Similarity::of(&a.signature, &b.signature);
    println!(
        "words: {} and {}; four-word phrases sampled: {} and {}, {} in both",
        a.signature.words(),
        b.signature.words(),
        a.signature.len(),
        b.signature.len(),
        sim.shared
    );
    println!(
        "containment {:.2} (the share of the shorter's phrases the longer holds), resemblance {:.2}, length ratio {:.2}",
        sim.containment, sim.resemblance, sim.length_ratio
    );
    fn origin(x: &inkquire::store::ArticleText) -> inkquire::dedupe::Origin<'_> {
        inkquire::dedupe::Origin {
            source: &x.source,
            title: &x.title,
        }
    }
    println!(
        "verdict: {}",
        sim.verdict_for(&origin(a), &origin(b)).describe()
    );
    let recorded = match (&a.duplicate_of, &b.duplicate_of) {
        (Some(k), _) if *k == b.id => "A is recorded as a copy of B".to_owned(),
        (_, Some(k)) if *k == a.id => "B is recorded as a copy of A".to_owned(),
        (Some(_), _) | (_, Some(_)) => {
            "recorded: one of them is a copy of a third article".to_owned()
        }
        _ => "recorded: neither is a copy".to_owned(),
    };
    println!("{recorded}");
    Ok(Exit::Done)
}
