//! `inkquire extract`: one page's article, as the book would hold it, and nothing written.
//!
//! A local file is read as `build` reads it; a URL is fetched now and reduced as `collect`
//! reduces a page. The body then goes through the formatter's first half (sanitize, repair,
//! typography), so what is printed is what the book would hold, its pictures left at their
//! addresses instead of being fetched.

use std::path::Path;

use crate::collector::{NotArticle, PageOrigin, ReadError, read_file_from, remote};
use crate::config::{Config, SourceConfig};
use crate::fetch::Fetcher;
use crate::formatter::{Body, ImageCache};
use crate::model::Article;
use crate::report::{Failure, Report};

/// One page's article.
#[derive(Debug)]
pub struct Extracted {
    /// The article's metadata (its `body_html` is empty: the body is `body`).
    pub article: Article,
    pub body: Body,
    /// Why the page does not look like an article, if it does not.
    pub not_article: Option<NotArticle>,
    /// What was changed or dropped on the way (a legacy encoding, unsafe markup removed).
    pub warnings: Vec<String>,
}

/// A page that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{}: {}", .0.display(), crate::report::chain(.1))]
    Read(std::path::PathBuf, #[source] ReadError),
    #[error("{0}: {1}")]
    Fetch(String, #[source] Failure),
}

/// The article of `input`: a local file (HTML, Markdown or text), or a web page's address (a
/// configured `[[source]]` at the same address lends its `keep` and `remove` selectors).
pub fn extract(
    input: &str,
    config: &Config,
    fetcher: &dyn Fetcher,
) -> Result<Extracted, ExtractError> {
    extract_saved(input, None, config, fetcher)
}

/// [`extract`], for a saved page saved from `page_url` (which chooses its site rule and
/// resolves its links; without it, the page's own canonical address does).
pub fn extract_saved(
    input: &str,
    page_url: Option<&str>,
    config: &Config,
    fetcher: &dyn Fetcher,
) -> Result<Extracted, ExtractError> {
    let mut warnings = Vec::new();
    let (article, not_article) = if input.starts_with("http://") || input.starts_with("https://") {
        let source = config
            .sources
            .iter()
            .find(|s| s.url.as_deref() == Some(input))
            .cloned()
            .unwrap_or_else(|| SourceConfig::from_arg(input));
        let browser = crate::browser::Browser::configured(&config.fetch);
        remote::page_at(&source, fetcher, config, browser.as_ref())
            .map_err(|f| ExtractError::Fetch(crate::fetch::redact(input), f))?
    } else {
        let path = Path::new(input);
        let root = path.parent().unwrap_or(Path::new("."));
        let mut report = Report::default();
        let origin = PageOrigin {
            url: page_url.map(str::to_owned),
            site_rules: config.fetch.site_rules.clone(),
        };
        let read = read_file_from(path, root, config.input.max_bytes(), &origin, &mut report);
        warnings.extend(report.warnings.into_iter().map(|w| w.message));
        match read {
            Ok(a) => (a, None),
            Err(ReadError::NotArticle { why, article }) => (*article, Some(why)),
            Err(e) => return Err(ExtractError::Read(path.to_path_buf(), e)),
        }
    };
    let cache = ImageCache::default();
    let opts = super::offline::options(&cache);
    let (article, body, more) = crate::formatter::preview(article, &opts);
    warnings.extend(more);
    Ok(Extracted {
        article,
        body,
        not_article,
        warnings,
    })
}
