//! Stage 1: gather articles from sources.
//!
//! This module reads local inputs — files and folders given on the command line — into
//! [`Article`]s. Each kind of file has a reader (`markdown`, `html`, `text`) that turns decoded text
//! into the article's metadata and an HTML body; this module walks folders, decodes bytes, and fills
//! in what a reader could not know (id, topics from the folder, source name, language).
//!
//! One unreadable input never stops the others: it is reported in the [`Report`] and skipped.

mod clean;
mod decode;
pub mod discover;
pub mod feed;
pub mod html;
pub mod imap;
pub mod links;
mod mail;
pub mod mailbox;
mod markdown;
mod prose;
pub mod remote;
mod text;
mod verdict;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::model::{Article, Base, Published};
use crate::report::{Kind as ProblemKind, Report};

pub use decode::{DecodeError, Decoded, decode};
pub use verdict::NotArticle;

/// What a kind-specific reader found in one file.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<Published>,
    pub topics: Vec<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    pub summary: Option<String>,
    pub lead_image: Option<String>,
    pub body_html: String,
    /// The page's own base address (e.g. `<base href>`), if any.
    pub base_url: Option<String>,
    /// A whole web page that is no article (a front page, a listing, an error page).
    pub not_article: Option<NotArticle>,
}

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
            let article = match read_file(path, root, max_bytes, &mut own) {
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

pub use crate::config::MAX_INPUT_BYTES;

/// Split command-line inputs into local articles (files and folders read straight in) and
/// sources to collect (URLs, and files that are feeds or OPML lists), by the same test a
/// `[[source]] path` gets.
pub fn classify(
    inputs: &[String],
    max_bytes: u64,
) -> (Vec<PathBuf>, Vec<crate::config::SourceConfig>) {
    let mut local = Vec::new();
    let mut sources = Vec::new();
    for arg in inputs {
        let path = PathBuf::from(arg);
        if arg.starts_with("http://") || arg.starts_with("https://") {
            sources.push(crate::config::SourceConfig::from_arg(arg));
        } else if !path.exists() || remote::local_articles(&path, max_bytes) {
            local.push(path);
        } else {
            sources.push(crate::config::SourceConfig::from_arg(arg));
        }
    }
    (local, sources)
}

/// Topics from the config's keyword rules that an article's title or text matches, the text
/// read from `body_html` only when some rule has keywords (reading it means parsing the HTML).
pub fn keyword_topics(config: &crate::config::Config, title: &str, body_html: &str) -> Vec<String> {
    if config.topics.values().all(|rule| rule.keywords.is_empty()) {
        return Vec::new();
    }
    let text = feed::plain_text(body_html);
    config.keyword_topics(&format!("{title} {text}"))
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

/// Why a local file could not be read into an article.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("is a folder, not a file")]
    Folder,
    #[error("not a regular file (a device, a FIFO or a socket): left out")]
    NotRegular,
    #[error("larger than {} ([input] max-file-size): left out", crate::units::human_size(*.0))]
    TooLarge(u64),
    #[error("not a kind inkquire reads")]
    NotAKind,
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("front matter is not valid TOML")]
    FrontMatterToml(#[source] toml::de::Error),
    #[error("front matter is not valid YAML")]
    FrontMatterYaml(#[source] serde_norway::Error),
    #[error("front matter opened with `{0}` is never closed")]
    Unclosed(&'static str),
    /// The page read, but it is no article; `article` is what it reduced to, for a caller that
    /// keeps it anyway (`--force`).
    #[error("does not look like an article: {why} (--force keeps it)")]
    NotArticle {
        why: NotArticle,
        article: Box<Article>,
    },
}

impl From<ReadError> for crate::report::Failure {
    fn from(e: ReadError) -> Self {
        crate::report::Failure::new(e.kind(), crate::report::chain(&e))
    }
}

impl ReadError {
    /// What kind of problem, for the report.
    pub fn kind(&self) -> crate::report::Kind {
        use crate::report::Kind;
        match self {
            ReadError::Io(e) => Kind::of_io(e),
            ReadError::Folder | ReadError::NotAKind => Kind::Other,
            ReadError::NotArticle { .. } => Kind::NotArticle,
            ReadError::NotRegular => Kind::Unsafe,
            ReadError::TooLarge(_) => Kind::TooLarge,
            ReadError::Decode(_)
            | ReadError::FrontMatterToml(_)
            | ReadError::FrontMatterYaml(_)
            | ReadError::Unclosed(_) => Kind::Parse,
        }
    }
}

/// Read one local file into an article. `root` is the folder its images must stay inside.
pub fn read_file(
    path: &Path,
    root: &Path,
    max_bytes: u64,
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
    read_bytes(&bytes, kind, path, &abs, root, seen, report)
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
        Kind::Html => html::read(&decoded.text, abs),
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
        Some(why) => Err(ReadError::NotArticle {
            why,
            article: Box::new(article),
        }),
        None => Ok(article),
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
        .or_else(|| local.folder.as_deref().map(title_case))
        .unwrap_or_else(|| "Local files".to_owned());
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
    }
}

/// First 12 hex digits of the SHA-1 of `key`: short, stable, and a valid XML name after a letter.
pub fn short_hash(key: &str) -> String {
    let hex = sha1_smol::Sha1::from(key).digest().to_string();
    hex[..12].to_owned()
}

/// First 12 hex digits of the SHA-1 of `bytes` (content addresses for images).
pub fn short_hash_bytes(bytes: &[u8]) -> String {
    let hex = sha1_smol::Sha1::from(bytes).digest().to_string();
    hex[..12].to_owned()
}

/// Markdown (no front matter) to HTML, as the Markdown reader renders bodies.
pub fn markdown_to_html(md: &str) -> String {
    markdown::read(md).map(|p| p.body_html).unwrap_or_default()
}

fn host_of(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_owned();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_owned())
}

/// "world news" → "World News".
pub fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A BCP 47 tag in its usual case (`en-us` → `en-US`, `zh_tw` → `zh-TW`), or `None` when the
/// value is not a language tag.
pub fn normalize_lang(tag: &str) -> Option<String> {
    let tag = tag.trim().replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary;
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        match part.len() {
            2 => out.push_str(&part.to_ascii_uppercase()),
            4 => {
                let mut c = part.chars();
                out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                out.push_str(&c.as_str().to_ascii_lowercase());
            }
            _ => out.push_str(&part.to_ascii_lowercase()),
        }
    }
    Some(out)
}

/// Guess the language of an HTML body from its text, when the guess is reliable.
fn detect_lang(html: &str) -> Option<String> {
    let mut text = String::with_capacity(html.len().min(4000));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
        if text.len() > 4000 {
            break;
        }
    }
    let info = whatlang::detect(&text)?;
    if !info.is_reliable() {
        return None;
    }
    let code = match info.lang() {
        whatlang::Lang::Eng => "en",
        whatlang::Lang::Fra => "fr",
        whatlang::Lang::Deu => "de",
        whatlang::Lang::Spa => "es",
        whatlang::Lang::Por => "pt",
        whatlang::Lang::Ita => "it",
        whatlang::Lang::Nld => "nl",
        whatlang::Lang::Ces => "cs",
        whatlang::Lang::Slk => "sk",
        whatlang::Lang::Pol => "pl",
        whatlang::Lang::Rus => "ru",
        whatlang::Lang::Ukr => "uk",
        whatlang::Lang::Cmn => "zh",
        whatlang::Lang::Jpn => "ja",
        whatlang::Lang::Kor => "ko",
        whatlang::Lang::Swe => "sv",
        whatlang::Lang::Dan => "da",
        whatlang::Lang::Nob => "nb",
        whatlang::Lang::Fin => "fi",
        whatlang::Lang::Tur => "tr",
        whatlang::Lang::Ell => "el",
        whatlang::Lang::Hun => "hu",
        whatlang::Lang::Ron => "ro",
        whatlang::Lang::Ara => "ar",
        whatlang::Lang::Heb => "he",
        whatlang::Lang::Hin => "hi",
        _ => return None,
    };
    Some(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_topics_read_the_articles_text_only_when_a_rule_has_keywords() {
        let cfg: crate::config::Config = toml::from_str(crate::config::STARTER).unwrap();
        assert_eq!(
            keyword_topics(&cfg, "Results", "<p>New <b>physics</b></p>"),
            ["science"]
        );
        let none: crate::config::Config =
            toml::from_str("[topics.science]\nkeywords = []\n").unwrap();
        assert!(keyword_topics(&none, "Physics", "<p>physics</p>").is_empty());
    }

    #[test]
    fn lang_tags_are_normalized() {
        assert_eq!(normalize_lang("en-us").as_deref(), Some("en-US"));
        assert_eq!(normalize_lang("zh_tw").as_deref(), Some("zh-TW"));
        assert_eq!(normalize_lang("sr-latn-rs").as_deref(), Some("sr-Latn-RS"));
        assert_eq!(normalize_lang("english"), None);
        assert_eq!(normalize_lang(""), None);
    }

    #[test]
    fn language_is_detected_from_text() {
        let fr = "<p>Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera présentée au parlement la semaine prochaine.</p>";
        assert_eq!(detect_lang(fr).as_deref(), Some("fr"));
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of(Path::new("a/b.MD")), Some(Kind::Markdown));
        assert_eq!(Kind::of(Path::new("a/b.htm")), Some(Kind::Html));
        assert_eq!(Kind::of(Path::new("a/b.jpg")), None);
    }
}
