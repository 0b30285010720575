//! `inkquire rules test [HOST…]`: each rule file's test pages fetched and the rule tried on
//! them, a line a page.

use std::path::PathBuf;

use inkquire::collector::rules::{Library, trial};
use inkquire::config::Config;
use inkquire::fetch::HttpFetcher;

use super::Exit;

pub fn test(hosts: &[String], config: Option<PathBuf>) -> anyhow::Result<Exit> {
    let config = Config::load(config.as_deref())?;
    if config.fetch.site_rules.is_empty() {
        eprintln!("error: the config names no site rules folder");
        eprintln!("hint: [fetch] site-rules = [\"path/to/ftr-site-config\", \"my-rules\"]");
        return Ok(Exit::Nothing);
    }
    let library = match Library::open(&config.fetch.site_rules) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Exit::Nothing);
        }
    };
    // A host given is the file its pages take; a name with a leading dot is that file.
    let mut names: Vec<String> = if hosts.is_empty() {
        library.names()
    } else {
        let mut names = vec![];
        for h in hosts {
            match library.file_name_for(h) {
                Some(n) => names.push(n),
                None => {
                    eprintln!("error: no rule file for {h} in {}", shown(&library));
                    return Ok(Exit::Nothing);
                }
            }
        }
        names
    };
    names.dedup();
    let fetcher = HttpFetcher::new(config.fetch.clone());
    let (mut passed, mut failed, mut untested) = (0, 0, 0);
    for name in &names {
        let Some(read) = library.read_named(name) else {
            continue;
        };
        for w in read.warnings() {
            inkquire::warn_line!("warning: {w}");
        }
        let file = read.rule.file.display().to_string();
        if read.rule.tests.is_empty() {
            untested += 1;
            if !hosts.is_empty() {
                println!("{file}: names no test_url");
            }
            continue;
        }
        for t in trial::try_rule(&read.rule, &fetcher) {
            let url = inkquire::fetch::redact(&t.url);
            let verdict = if let Some(why) = &t.failed {
                format!("not fetched ({why})")
            } else if !t.body_found {
                "the body finds nothing".to_owned()
            } else if !t.missing.is_empty() {
                format!("body found, but not: {}", t.missing.join(" | "))
            } else {
                "ok".to_owned()
            };
            if t.passed() {
                passed += 1;
                println!("ok    {file}  {url}");
            } else {
                failed += 1;
                println!("FAIL  {file}  {url}: {verdict}");
            }
        }
    }
    inkquire::info_line!(
        "{passed} test pages passed, {failed} failed; {untested} rule files name no test_url"
    );
    Ok(if failed > 0 {
        Exit::Partial
    } else {
        Exit::Done
    })
}

fn shown(library: &Library) -> String {
    library
        .folders()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
