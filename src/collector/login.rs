//! A source's login: its `headers`, `headers-env` and `cookies` file made into the credentials
//! its requests carry, once a run (the cookies its site sets during the run are kept with
//! them), and a site rule's `http_header`s added for the pages of that rule's site. Secrets are
//! never printed: a message names the file or the variable, never a value.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::SourceConfig;
use crate::cookies::{self, Jar};
use crate::fetch::Credentials;
use crate::report::{Failure, Kind};

/// The credentials of source `s` for this run (`None`: it has none).
pub(crate) fn of(s: &SourceConfig) -> Result<Option<Arc<Credentials>>, Failure> {
    if s.headers.is_empty() && s.headers_env.is_empty() && s.cookies.is_none() {
        return Ok(None);
    }
    type Known = Mutex<HashMap<String, Result<Arc<Credentials>, String>>>;
    static KNOWN: OnceLock<Known> = OnceLock::new();
    let key = format!("{}\u{0}{:?}", s.location(), s.cookies);
    let mut known = match KNOWN.get_or_init(Default::default).lock() {
        Ok(k) => k,
        Err(poisoned) => poisoned.into_inner(),
    };
    known
        .entry(key)
        .or_insert_with(|| make(s).map(Arc::new))
        .clone()
        .map(Some)
        .map_err(|m| Failure::new(Kind::Other, m))
}

fn make(s: &SourceConfig) -> Result<Credentials, String> {
    let mut creds = Credentials::for_site_of(&s.location());
    for (name, value) in &s.headers {
        creds.headers.push((name.clone(), value.clone()));
    }
    for (name, var) in &s.headers_env {
        match std::env::var(var) {
            Ok(v) if !v.is_empty() && !v.contains(['\r', '\n']) => {
                creds.headers.push((name.clone(), v));
            }
            Ok(_) => {
                return Err(format!(
                    "headers-env: the variable {var} for the header {name} is empty or holds a line break"
                ));
            }
            Err(_) => {
                return Err(format!(
                    "headers-env: the variable {var} for the header {name} is not set"
                ));
            }
        }
    }
    let mut jar = Vec::new();
    if let Some(path) = &s.cookies {
        let read =
            cookies::read_file(path, chrono::Utc::now().timestamp()).map_err(|e| e.to_string())?;
        if !read.expired.is_empty() {
            crate::warn_line!(
                "warning: {}: {} expired cookie{} left out ({}): export them again from the browser",
                path.display(),
                read.expired.len(),
                if read.expired.len() == 1 { "" } else { "s" },
                read.expired.join(", ")
            );
        }
        if !read.bad_lines.is_empty() {
            crate::warn_line!(
                "warning: {}: line{} {} not in the cookies.txt format, left out",
                path.display(),
                if read.bad_lines.len() == 1 { "" } else { "s" },
                read.bad_lines
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        jar = read.cookies;
    }
    // A source with headers keeps the cookies its site sets during the run, too.
    creds.jar = Some(Arc::new(Jar::new(jar)));
    Ok(creds)
}

/// The credentials for the page at `url` of source `s`: the source's (when the page is on its
/// site) and the `http_header`s of the page's site rule (for the page's own site).
pub(crate) fn for_page(
    source: Option<&Arc<Credentials>>,
    rule_headers: &[(String, String)],
    url: &str,
) -> Option<Arc<Credentials>> {
    if rule_headers.is_empty() {
        return source.cloned();
    }
    let mut creds = Credentials::for_site_of(url);
    let parsed = url::Url::parse(url).ok()?;
    if let Some(src) = source.filter(|c| c.covers(&parsed)) {
        creds.headers = src.headers.clone();
        creds.jar = src.jar.clone();
    }
    for (name, value) in rule_headers {
        // The source's own header of that name wins over the rule's.
        if !creds
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            creds.headers.push((name.clone(), value.clone()));
        }
    }
    Some(Arc::new(creds))
}
