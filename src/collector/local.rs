//! Local files as a source: Markdown, HTML and text files, and folders of them, read into
//! [`Article`]s. Each kind of file has a reader (`markdown`, `html`, `text`) that turns decoded
//! text into the article's metadata and an HTML body; this module walks folders, reads bytes
//! within limits, and fills in what a reader could not know (id, topics from the folder, source
//! name, language).
//!
//! One unreadable input never stops the others: it is reported in the [`Report`] and skipped.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::decode::decode;
use super::parsed::{Parsed, ReadError};
use super::{html, markdown, text};
use crate::ids::short_hash;
use crate::lang::{detect_lang, normalize_lang};
use crate::model::{Article, Base};
use crate::report::{Kind as ProblemKind, Report};
use crate::words::title_case;

use super::context::Collect;
use super::harvest::{Harvest, Harvested, SourceResult};
use crate::config::SourceConfig;
use crate::report::Failure;

/// The kinds of local file inkquire reads, by file name extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Html,
    Text,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "mdown" => Some(Kind::Markdown),
            "html" | "htm" | "xhtml" => Some(Kind::Html),
            "txt" | "text" => Some(Kind::Text),
            _ => None,
        }
    }
}

/// Read every article under `inputs` (files, or folders walked recursively in name order).
///
/// Files of other kinds inside a folder are skipped silently; a file named explicitly that cannot
/// be read, or is of no known kind, is a failure in `report`. A saved page that does not look
/// like an article is a failure too, unless `keep_non_articles` (`--force`): then it is kept,
/// with a warning.
pub fn collect_local(
    inputs: &[PathBuf],
    max_bytes: u64,
    keep_non_articles: bool,
    origin: &PageOrigin,
    report: &mut Report,
) -> Vec<Article> {
    // First the list of files (cheap, in order), then reading and extraction in parallel: a year
    // of saved pages is thousands of files, and Readability is the expensive part.
    let mut jobs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for input in inputs {
        let meta = match fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                report.fail_as(
                    ProblemKind::of_io(&e),
                    input.display().to_string(),
                    format!("cannot read: {e}"),
                );
                continue;
            }
        };
        if meta.is_dir() {
            let mut files = Vec::new();
            if let Err(e) = walk(input, &mut files) {
                report.fail_as(
                    ProblemKind::of_io(&e),
                    input.display().to_string(),
                    format!("cannot list folder: {e}"),
                );
            }
            // Links are followed only where they stay inside the folder named.
            let root = fs::canonicalize(input).unwrap_or_else(|_| input.clone());
            for f in files.into_iter().filter(|f| Kind::of(f).is_some()) {
                match fs::canonicalize(&f) {
                    Ok(real) if real.starts_with(&root) => jobs.push((f, input.clone())),
                    Ok(_) => report.fail_as(
                        ProblemKind::Unsafe,
                        f.display().to_string(),
                        format!(
                            "a link to a file outside {}: left out (inkquire reads only what is inside the folder named)",
                            input.display()
                        ),
                    ),
                    Err(e) => report.fail_as(
                        ProblemKind::of_io(&e),
                        f.display().to_string(),
                        format!("cannot read: {e}"),
                    ),
                }
            }
        } else {
            let root = input.parent().unwrap_or(Path::new(".")).to_path_buf();
            if Kind::of(input).is_none() {
                report.fail_as(
                    ProblemKind::Other,
                    input.display().to_string(),
                    "not a kind inkquire reads (use .md, .html/.htm or .txt)",
                );
                continue;
            }
            jobs.push((input.clone(), root));
        }
    }
    use rayon::prelude::*;
    let read: Vec<(Option<Article>, Report)> = jobs
        .par_iter()
        .map(|(path, root)| {
            let mut own = Report::default();
            let article = match read_file_from(path, root, max_bytes, origin, &mut own) {
                Ok(a) => Some(a),
                Err(ReadError::NotArticle { why, article }) if keep_non_articles => {
                    own.warn_as(
                        ProblemKind::NotArticle,
                        path.display().to_string(),
                        format!("does not look like an article ({why}): kept, as --force asks"),
                    );
                    Some(*article)
                }
                Err(e) => {
                    own.fail_as(
                        e.kind(),
                        path.display().to_string(),
                        crate::report::chain(&e),
                    );
                    None
                }
            };
            (article, own)
        })
        .collect();
    let mut articles = Vec::with_capacity(read.len());
    for (article, own) in read {
        report.extend(own);
        articles.extend(article);
    }
    articles
}

/// Files below `dir`, sorted by name, hidden files and folders left out.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follow links to files, not to folders (no loops).
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The bytes of a local input: only a regular file (never a device, FIFO or socket, which could
/// hang or never end), refused before reading when over `max_bytes`, and never read past it.
pub fn read_local(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = fs::metadata(path)?;
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge(max_bytes));
    }
    let file = fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge(max_bytes));
    }
    Ok(bytes)
}

/// Read one local file into an article. `root` is the folder its images must stay inside.
/// Where a saved page came from: the address it was saved from (`--url`; without it, the
/// page's own `<link rel="canonical">` or `og:url`), which decides its site rule and resolves
/// its relative links, and the config's site-rules folders.
#[derive(Debug, Clone, Default)]
pub struct PageOrigin {
    pub url: Option<String>,
    pub site_rules: Vec<PathBuf>,
}

pub fn read_file(
    path: &Path,
    root: &Path,
    max_bytes: u64,
    report: &mut Report,
) -> Result<Article, ReadError> {
    read_file_from(path, root, max_bytes, &PageOrigin::default(), report)
}

/// [`read_file`] of a page saved from `origin`.
pub fn read_file_from(
    path: &Path,
    root: &Path,
    max_bytes: u64,
    origin: &PageOrigin,
    report: &mut Report,
) -> Result<Article, ReadError> {
    let kind = Kind::of(path).ok_or(ReadError::NotAKind)?;
    let bytes = read_local(path, max_bytes)?;
    let abs = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let seen = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| DateTime::<chrono::Local>::from(t).fixed_offset());
    let root = fs::canonicalize(root).ok();
    read_bytes_from(&bytes, kind, path, &abs, root, seen, origin, report)
}

/// Read a file's bytes already in hand (the fuzz targets call this; nothing touches the disk):
/// decode, parse by kind, fill in the article. `path` names it in messages; `abs` is where
/// relative images resolve from, inside `root`.
pub fn read_bytes(
    bytes: &[u8],
    kind: Kind,
    path: &Path,
    abs: &Path,
    root: Option<PathBuf>,
    seen: Option<DateTime<FixedOffset>>,
    report: &mut Report,
) -> Result<Article, ReadError> {
    let origin = PageOrigin::default();
    read_bytes_from(bytes, kind, path, abs, root, seen, &origin, report)
}

#[allow(clippy::too_many_arguments)]
fn read_bytes_from(
    bytes: &[u8],
    kind: Kind,
    path: &Path,
    abs: &Path,
    root: Option<PathBuf>,
    seen: Option<DateTime<FixedOffset>>,
    page: &PageOrigin,
    report: &mut Report,
) -> Result<Article, ReadError> {
    let decoded = decode(bytes)?;
    let origin = path.display().to_string();
    if let Some(enc) = decoded.legacy_encoding {
        let how = if decoded.declared {
            "declared"
        } else {
            "detected"
        };
        report.warn_as(
            ProblemKind::Parse,
            &origin,
            format!("not UTF-8: decoded as {enc} ({how})"),
        );
    }
    let dir = abs.parent().map(Path::to_path_buf);
    let parsed = match kind {
        Kind::Markdown => markdown::read(&decoded.text)?,
        Kind::Html => read_html(&decoded.text, abs, page, &origin, report),
        Kind::Text => text::read(&decoded.text),
    };
    let folder = abs
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let not_article = parsed.not_article.clone();
    let article = finish(
        parsed,
        Local {
            origin,
            abs: abs.to_path_buf(),
            dir,
            root,
            folder,
            stem,
            seen,
        },
    );
    match not_article {
        // A saved page is what the user saved: a wall in it is named, and what it shows kept.
        // An error page saved as a file is no article, as any other page that is none.
        Some(why)
            if why
                .wall()
                .is_some_and(|w| w != super::verdict::Wall::ErrorPage) =>
        {
            report.warn_as(
                ProblemKind::Blocked,
                path.display().to_string(),
                format!("{why}: kept as it was saved"),
            );
            Ok(article)
        }
        Some(why) => Err(ReadError::NotArticle {
            why,
            article: Box::new(article),
        }),
        None => Ok(article),
    }
}

/// A saved page: read as any HTML file, except that its original address (given, or the one
/// it declares) names it and chooses its site rule.
fn read_html(
    text: &str,
    abs: &Path,
    page: &PageOrigin,
    origin: &str,
    report: &mut Report,
) -> Parsed {
    if page.url.is_none() && page.site_rules.is_empty() {
        return html::read(text, abs);
    }
    let address = page
        .url
        .clone()
        .or_else(|| html::declared_address(text).filter(|_| html::is_full_page(text)));
    let Some(address) = address else {
        return html::read(text, abs);
    };
    if !html::is_full_page(text) || super::ruled::site_rule(&page.site_rules, &address).is_none() {
        let mut p = html::read(text, abs);
        if page.url.is_some() {
            p.url = Some(address);
        }
        return p;
    }
    let file_url = url::Url::from_file_path(abs).map(|u| u.to_string()).ok();
    let p = super::ruled::reduce(
        text,
        Some(&address),
        &SourceConfig::from_arg(&address),
        &page.site_rules,
        None,
        file_url.as_deref(),
    );
    if let Some(note) = p.rule_note {
        report.warn_as(ProblemKind::Parse, origin, note);
    }
    Parsed {
        title: p.title,
        byline: p.byline,
        published: p.published,
        topics: Vec::new(),
        source: p.site_name,
        url: Some(address),
        lang: p.lang,
        summary: p.summary,
        lead_image: p.lead_image,
        body_html: p.body_html,
        base_url: None,
        not_article: p.not_article,
    }
}

struct Local {
    origin: String,
    abs: PathBuf,
    dir: Option<PathBuf>,
    root: Option<PathBuf>,
    folder: Option<String>,
    stem: String,
    seen: Option<DateTime<FixedOffset>>,
}

fn finish(p: Parsed, local: Local) -> Article {
    let url = p
        .url
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let web_base = url.clone();
    let key = url
        .clone()
        .unwrap_or_else(|| format!("file:{}", local.abs.display()));
    let mut topics: Vec<String> = p
        .topics
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    if topics.is_empty()
        && let Some(folder) = &local.folder
    {
        topics.push(folder.to_lowercase());
    }
    topics.dedup();
    let source = p
        .source
        .filter(|s| !s.trim().is_empty())
        .or_else(|| url.as_deref().and_then(host_of))
        // A folder of your own is no site: the article names none unless the config does
        // (`name =` on its [[source]]). The folder stays its topic.
        .unwrap_or_default();
    let title = p
        .title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_case(&local.stem.replace(['-', '_'], " ")));
    let lang = p
        .lang
        .as_deref()
        .and_then(normalize_lang)
        .or_else(|| detect_lang(&p.body_html));
    Article {
        id: short_hash(&key),
        title,
        byline: p.byline.filter(|b| !b.trim().is_empty()),
        published: p.published,
        topics,
        source,
        url,
        lang,
        summary: p.summary.filter(|s| !s.trim().is_empty()),
        lead_image: p.lead_image,
        body_html: p.body_html,
        base: Base {
            url: p.base_url.or(web_base),
            dir: local.dir,
            root: local.root,
        },
        origin: local.origin,
        seen: local.seen,
        story: Default::default(),
    }
}

fn host_of(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_owned();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_owned())
}

/// A source that is a folder of articles, or one Markdown/text/HTML article file (not a feed).
pub fn is_articles(path: &std::path::Path, max_bytes: u64) -> bool {
    path.is_dir()
        || matches!(Kind::of(path), Some(Kind::Markdown | Kind::Text))
        || (Kind::of(path) == Some(Kind::Html)
            && read_local(path, max_bytes)
                .is_ok_and(|b| super::feed::sniff(&b) == super::feed::DocKind::Page))
}

/// A local folder of articles, or one Markdown, text or HTML article file, as a source: each
/// article keyed by its file.
pub fn collect(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    match s.path.as_deref() {
        Some(path) => collect_folder(s, path, ctx),
        None => SourceResult {
            location: s.location(),
            name: s.name.clone().unwrap_or_else(|| s.location()),
            outcome: Err(Failure::from("no path")),
            warnings: Vec::new(),
        },
    }
}

/// Read a local folder or article file as a source: each article keyed by its file.
fn collect_folder(s: &SourceConfig, path: &Path, ctx: &Collect) -> SourceResult {
    let mut report = crate::report::Report::default();
    let articles = collect_local(
        &[path.to_path_buf()],
        ctx.config.input.max_bytes(),
        s.keep_non_articles,
        &PageOrigin {
            url: None,
            site_rules: ctx.config.fetch.site_rules.clone(),
        },
        &mut report,
    );
    let mut harvest = Harvest::default();
    for mut a in articles {
        let key = format!("file:{}", a.id);
        if ctx.known.keys.contains(&key) {
            harvest.known += 1;
            continue;
        }
        // The ledger keeps the folder as a file: URL so local pictures are found later.
        a.base.url = a
            .base
            .dir
            .as_deref()
            .and_then(|d| url::Url::from_directory_path(d).ok())
            .map(|u| u.to_string())
            .or(a.base.url);
        if let Some(name) = &s.name {
            a.source = name.clone();
        }
        for t in &s.topics {
            let t = t.to_lowercase();
            if !a.topics.contains(&t) {
                a.topics.push(t);
            }
        }
        if let Some(tell) = ctx.on_article {
            tell(&a);
        }
        harvest.articles.push(Harvested {
            key,
            article: a,
            source_url: None,
            raw_html: None,
            raw_gzip: None,
            status: "ok".into(),
        });
    }
    let mut warnings: Vec<String> = report
        .warnings
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect();
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect();
    let outcome = if failures.is_empty() || !harvest.articles.is_empty() || harvest.known > 0 {
        warnings.extend(failures);
        Ok(harvest)
    } else {
        // The kind every file failed for, if they agree.
        let first = report.failures[0].kind;
        let kind = if report.failures.iter().all(|p| p.kind == first) {
            first
        } else {
            ProblemKind::Other
        };
        Err(Failure::new(kind, failures.join("; ")))
    };
    SourceResult {
        location: s.location(),
        name: s.name.clone().unwrap_or_else(|| s.location()),
        outcome,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of(Path::new("a/b.MD")), Some(Kind::Markdown));
        assert_eq!(Kind::of(Path::new("a/b.htm")), Some(Kind::Html));
        assert_eq!(Kind::of(Path::new("a/b.jpg")), None);
    }
}
