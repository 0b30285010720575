//! What a reader of one kind of document (Markdown, HTML, text) found in it, and why a local
//! file could not be read into an article.

use super::decode::DecodeError;
use super::verdict::NotArticle;
use crate::model::{Article, Published};

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
