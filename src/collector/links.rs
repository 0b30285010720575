//! A read-later list: a text file of addresses, one a line, as phone shortcuts and sync folders
//! write it (`[[source]] kind = "links"`).
//!
//! ```text
//! # comments and blank lines are ignored
//! https://example.org/a-story
//! science: https://example.org/another     (a topic for this one)
//! ```
//!
//! Each address becomes an article once; a page that cannot be had is tried again on the next
//! runs, [`MAX_TRIES`] times in all, then reported and left alone.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::context::Collect;
use super::feed::{self, DocKind};
use super::harvest::{Harvest, Harvested, LinkTry, SourceResult, gzip_fast};
use super::page::{canonical_url, get_plain, host_or, page_article, read_source};
use crate::config::SourceConfig;
use crate::model::Validators;
use crate::report::{Failure, Kind};

/// Tries a page of a links list gets before it is given up.
pub const MAX_TRIES: u32 = 3;

/// The most pages of one list fetched in one run; the rest come on the next runs.
pub const MAX_PER_RUN: usize = 100;

/// One address of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// The topic written before it (`topic: URL`), lower-cased.
    pub topic: Option<String>,
    /// Its line in the file, from 1.
    pub line: usize,
}

/// Lines of one kind told one by one before the rest are counted in one line.
const TOLD_PER_KIND: usize = 20;

/// What is wrong with a line that is neither an address, a comment nor blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Odd {
    NotAnAddress,
    NotWeb,
    Nul,
}

impl Odd {
    /// The summary line for `n` more lines of this kind.
    fn more(self, n: usize) -> String {
        let what = match self {
            Odd::NotAnAddress => "that are not addresses",
            Odd::NotWeb => "whose addresses are not web addresses",
            Odd::Nul => "that hold a NUL byte",
        };
        format!(
            "… and {} more line{} {what}, left out",
            thousands(n),
            if n == 1 { "" } else { "s" }
        )
    }
}

/// 99980 → "99,980".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The lines said about so far, at most [`TOLD_PER_KIND`] of each kind.
#[derive(Default)]
struct OddLines {
    told: Vec<String>,
    counts: std::collections::BTreeMap<Odd, usize>,
}

impl OddLines {
    fn push(&mut self, kind: Odd, say: impl FnOnce() -> String) {
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        if *n <= TOLD_PER_KIND {
            self.told.push(say());
        }
    }

    fn finish(mut self) -> Vec<String> {
        for (kind, n) in self.counts {
            if n > TOLD_PER_KIND {
                self.told.push(kind.more(n - TOLD_PER_KIND));
            }
        }
        self.told
    }
}

/// A links list's bytes as text to [`parse`]: a line holding a NUL byte (which no text file
/// has) is left out and named, and the rest of the list is read as usual. A file of which no
/// line is text is refused as binary data.
pub fn text_of(bytes: &[u8]) -> Result<(String, Vec<String>), super::decode::DecodeError> {
    // UTF-16 has NUL bytes in every line: decoded as it is, by its byte-order mark.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 || !bytes.contains(&0) {
        return super::decode::decode(bytes).map(|d| (d.text, Vec::new()));
    }
    let mut odd = OddLines::default();
    let mut kept = Vec::with_capacity(bytes.len());
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            kept.push(b'\n');
        }
        if line.contains(&0) {
            odd.push(Odd::Nul, || {
                format!("line {}: holds a NUL byte, left out", i + 1)
            });
        } else {
            kept.extend_from_slice(line);
        }
    }
    let text = super::decode::decode(&kept)?.text;
    Ok((text, odd.finish()))
}

/// The addresses of a links list, each once, and a word for each line that is neither an
/// address, a comment nor blank (after [`TOLD_PER_KIND`] lines of one kind, one line counts
/// the rest: a list of 100,000 bad lines is not 100,000 warnings every run).
pub fn parse(text: &str) -> (Vec<Link>, Vec<String>) {
    let mut links: Vec<Link> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut odd = OddLines::default();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (topic, rest) = if has_scheme(line) {
            (None, line)
        } else {
            match line.split_once(':') {
                Some((t, rest)) if has_scheme(rest.trim()) && !t.trim().is_empty() => {
                    (Some(t.trim().to_lowercase()), rest.trim())
                }
                _ => {
                    odd.push(Odd::NotAnAddress, || {
                        format!(
                            "line {}: not an address (nor `topic: address`), left out",
                            i + 1
                        )
                    });
                    continue;
                }
            }
        };
        // An address ends at the first space: a title after it (`URL  Some title`) is not part of it.
        let url = rest.split_whitespace().next().unwrap_or_default();
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
                let url = u.to_string();
                if seen.insert(url.clone()) {
                    links.push(Link {
                        url,
                        topic,
                        line: i + 1,
                    });
                }
            }
            _ => odd.push(Odd::NotWeb, || {
                format!(
                    "line {}: {} is not a web address (http or https), left out",
                    i + 1,
                    url.chars().take(80).collect::<String>()
                )
            }),
        }
    }
    (links, odd.finish())
}

/// Does `s` start with a URL scheme (`https://`, `ftp://`)?
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A read-later list: each address not yet stored is fetched as a page (a few at a time) and
/// becomes an article; one that fails is tried again on the next runs, then given up.
pub fn collect(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    let location = s.location();
    let name = s.name.clone().unwrap_or_else(|| {
        s.path
            .as_deref()
            .and_then(|p| p.file_stem())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| host_or(&location))
    });
    let mut harvest = Harvest {
        list: true,
        ..Harvest::default()
    };
    let text = read_source(s, ctx, &Validators::default()).and_then(|b| {
        let (bytes, _) =
            b.ok_or_else(|| Failure::new(Kind::Network, "answered 304 to a plain request"))?;
        text_of(&bytes).map_err(|e| Failure::new(Kind::Parse, e.to_string()))
    });
    let (text, nul_lines) = match text {
        Ok(t) => t,
        Err(e) => {
            return SourceResult {
                location,
                name,
                outcome: Err(e),
                warnings: Vec::new(),
            };
        }
    };
    let (links, mut warnings) = parse(&text);
    warnings.splice(0..0, nul_lines);
    let todo: Vec<&Link> = links
        .iter()
        .filter(|l| {
            let state = ctx.known.links.get(&l.url).copied().unwrap_or_default();
            !state.done && state.tries < MAX_TRIES
        })
        .collect();
    harvest.known = links.len() - todo.len();
    let mut todo = todo;
    if todo.len() > MAX_PER_RUN {
        warnings.push(format!(
            "{} new addresses: {} are fetched now, the rest on the next runs",
            todo.len(),
            MAX_PER_RUN
        ));
        todo.truncate(MAX_PER_RUN);
    }
    let next = AtomicUsize::new(0);
    type Tried = Result<Option<(Harvested, Option<String>)>, Failure>;
    let results: Mutex<Vec<(usize, Tried)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4.min(todo.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(link) = todo.get(i) else { break };
                    let r = link_article(link, s, ctx);
                    results.lock().expect("results").push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    for (i, r) in results {
        let link = todo[i];
        match r {
            Ok(Some((h, warning))) => {
                warnings.extend(warning);
                harvest.articles.push(h);
            }
            Ok(None) => harvest.known += 1,
            Err(e) => {
                let tries = ctx.known.links.get(&link.url).map_or(0, |l| l.tries) + 1;
                warnings.push(if tries >= MAX_TRIES {
                    format!(
                        "{} (line {}): {}; given up after {tries} tries",
                        link.url, link.line, e.message
                    )
                } else {
                    format!(
                        "{} (line {}): {} (try {tries} of {}; tried again on the next run)",
                        link.url, link.line, e.message, MAX_TRIES
                    )
                });
                harvest.links.push(LinkTry {
                    url: link.url.clone(),
                    error: Some(e.message),
                });
                continue;
            }
        }
        harvest.links.push(LinkTry {
            url: link.url.clone(),
            error: None,
        });
    }
    SourceResult {
        location,
        name,
        outcome: Ok(harvest),
        warnings,
    }
}

/// The article at an address of a read-later list (`None` when it is stored already).
fn link_article(
    link: &Link,
    s: &SourceConfig,
    ctx: &Collect,
) -> Result<Option<(Harvested, Option<String>)>, Failure> {
    if ctx.known.keys.contains(&canonical_url(&link.url))
        || ctx
            .known
            .keys
            .contains(&super::address::legacy_key(&link.url))
    {
        return Ok(None);
    }
    let mut own = s.clone();
    if let Some(t) = &link.topic
        && !own.topics.iter().any(|x| x.eq_ignore_ascii_case(t))
    {
        own.topics.push(t.clone());
    }
    // The user wrote the address down, as they name a source: it may be on their own network.
    ctx.fetcher.allow_private(&link.url);
    // Without tracking and through the source's rewrites (a site's print version, say).
    let address = super::address::article_address(&link.url, s);
    let creds = super::page::page_credentials(s, &ctx.config.fetch.site_rules, &address)?;
    let with = creds.as_deref().map(|creds| crate::fetch::WithCredentials {
        inner: ctx.fetcher,
        creds,
    });
    let fetcher: &dyn crate::fetch::Fetcher = match &with {
        Some(w) => w,
        None => ctx.fetcher,
    };
    let page = get_plain(fetcher, &address)?;
    if feed::sniff(&page.body) != DocKind::Page {
        return Err(Failure::new(
            Kind::Parse,
            "is a feed or a list, not a page (a feed is added as a [[source]] of its own)",
        ));
    }
    let (page, text) = super::page::not_amp(fetcher, page)?;
    let (article, verdict) = page_article(
        &text,
        Some(&page.url),
        &own,
        ctx.config,
        Some(fetcher),
        ctx.browser.map(|b| (b, Some(&page))),
    );
    // A wall is no saved page: it fails, and the link is tried again at the next runs.
    if let Some(why) = verdict.as_ref().filter(|v| v.wall().is_some()) {
        return Err(super::page::not_article_failure(why, ctx.has_browser()));
    }
    let key = canonical_url(&page.url);
    if ctx.known.keys.contains(&key) {
        return Ok(None);
    }
    if let Some(tell) = ctx.on_article {
        tell(&article);
    }
    Ok(Some((
        Harvested {
            key,
            article,
            source_url: s.url.clone(),
            raw_html: None,
            raw_gzip: Some(page.gzip.unwrap_or_else(|| gzip_fast(&page.body))),
            status: "ok".into(),
            // A page on the list is kept even when it does not read like an article: it was saved.
        },
        verdict.map(|why| {
            format!(
                "{} does not look like an article ({why}); kept, as it is on the list",
                link.url
            )
        }),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_topics_and_odd_lines() {
        let text = "\u{feff}# my list\n\n  https://example.org/a  \nScience: https://example.org/b?x=1#frag\n\
                    https://example.org/a\nnot a link\nftp://example.org/file\nnote: nothing here\n\
                    https://example.org/c A title after it\r\n";
        let (links, odd) = parse(text);
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.org/a",
                "https://example.org/b?x=1#frag",
                "https://example.org/c"
            ]
        );
        assert_eq!(links[1].topic.as_deref(), Some("science"));
        assert_eq!(links[0].topic, None);
        assert_eq!(links[2].line, 9);
        assert_eq!(odd.len(), 3, "{odd:?}");
        assert!(odd[0].starts_with("line 6:"), "{odd:?}");
        assert!(odd[1].contains("ftp://example.org/file"), "{odd:?}");
    }

    /// After twenty lines of one kind, one line counts the rest.
    #[test]
    fn many_odd_lines_are_counted_not_told() {
        let mut text = String::from("https://example.org/good\n");
        for n in 0..100_000 {
            text.push_str(&format!("junk {n}\n"));
        }
        text.push_str("ftp://example.org/x\n");
        let (links, odd) = parse(&text);
        assert_eq!(links.len(), 1);
        assert_eq!(odd.len(), 22, "{:?}", &odd[..3]);
        assert!(odd[19].starts_with("line 21:"), "{}", odd[19]);
        assert!(odd[20].contains("ftp://example.org/x"), "{}", odd[20]);
        assert_eq!(
            odd[21],
            "… and 99,980 more lines that are not addresses, left out"
        );
    }

    /// A line with a NUL byte is left out alone; the good lines stay.
    #[test]
    fn a_nul_byte_costs_its_line_only() {
        let bytes = b"https://example.org/a\nhttps://exa\0mple.org/b\nhttps://example.org/c\n";
        let (text, odd) = text_of(bytes).unwrap();
        assert_eq!(odd, ["line 2: holds a NUL byte, left out"]);
        let (links, more) = parse(&text);
        assert!(more.is_empty(), "{more:?}");
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["https://example.org/a", "https://example.org/c"]);
        assert_eq!(links[1].line, 3, "line numbers stay the file's");
        assert!(
            text_of(b"\0\0\0\n\0").is_err(),
            "nothing but NULs is no list"
        );
    }
}
