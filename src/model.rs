//! The types that flow between the pipeline's stages.
//!
//! ```text
//! collector ──Article──▶ select ──Article──▶ formatter ──FormattedArticle──▶ packager::assemble ──Issue──▶ EPUB
//! ```
//!
//! Each stage takes the previous stage's values by value and hands on new ones; nothing here does I/O.
//! Everything derives `Serialize`, so `--json` listings and expected-output tests come for free.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

/// One piece of reading, as the collector found it: metadata plus a body of (untrusted) HTML.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Article {
    /// Stable identifier: the same source location always gives the same id.
    pub id: String,
    /// Headline as found (not yet typeset).
    pub title: String,
    pub byline: Option<String>,
    /// When the piece was published, if the source says.
    pub published: Option<Published>,
    /// Lower-case topic names (front matter, feed categories, or the folder the file sits in).
    pub topics: Vec<String>,
    /// Human name of where it came from: a site name, a feed title, or the folder.
    pub source: String,
    /// The original web address, when there is one.
    pub url: Option<String>,
    /// BCP 47 language tag, if known.
    pub lang: Option<String>,
    /// A one-line summary from the source (meta description, excerpt, front matter).
    pub summary: Option<String>,
    /// The page's lead picture (`og:image`), shown when the body has none.
    pub lead_image: Option<String>,
    /// The body as HTML. Untrusted: the formatter sanitizes it.
    pub body_html: String,
    /// Where the body's relative references point.
    pub base: Base,
    /// Where the article was read from, for messages ("notes/a.md").
    pub origin: String,
    /// When the article was first seen (file mtime for local files), for date windows when
    /// `published` is unknown.
    pub seen: Option<DateTime<FixedOffset>>,
    /// What one story once says of it: where else it ran, whether it is an update.
    pub story: StoryNote,
}

/// What the issue says of an article's story in its header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoryNote {
    /// Where else the same story ran (the sources of the copies an issue left out for it).
    pub also_in: Vec<String>,
    /// It is a new version of an article an earlier issue delivered (`[issue] updates =
    /// "deliver"`): what changed, in size ("4 new paragraphs").
    pub updated: Option<String>,
}

/// A publication instant, and whether the source gave a time of day or only a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Published {
    pub at: DateTime<FixedOffset>,
    pub has_time: bool,
}

impl Published {
    pub fn date_only(day: NaiveDate) -> Self {
        let at = day
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .fixed_offset();
        Published {
            at,
            has_time: false,
        }
    }
}

/// How relative references in an article body are resolved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Base {
    /// Absolute web address that relative links resolve against.
    pub url: Option<String>,
    /// For local inputs: the folder the file is in (relative images resolve here) …
    pub dir: Option<PathBuf>,
    /// … and the folder images must stay inside (the input named on the command line).
    pub root: Option<PathBuf>,
}

/// An image or other file that goes into the book beside the documents.
#[derive(Debug, Clone, Serialize)]
pub struct Asset {
    /// Path inside the book's content folder, e.g. `images/3f2a….jpg`.
    pub href: String,
    pub media_type: &'static str,
    /// The file's bytes, shared: the same image in many articles is one allocation.
    #[serde(skip)]
    pub data: std::sync::Arc<Vec<u8>>,
}

/// An article after the formatter: safe, well-formed XHTML and the files it needs.
#[derive(Debug, Clone, Serialize)]
pub struct FormattedArticle {
    pub id: String,
    /// Typeset headline (curly quotes, dashes), whitespace collapsed.
    pub title: String,
    pub byline: Option<String>,
    pub published: Option<Published>,
    pub topics: Vec<String>,
    pub source: String,
    pub url: Option<String>,
    pub lang: String,
    /// Set right to left (its language or its letters say so).
    pub rtl: bool,
    /// One line for the contents page.
    pub summary: String,
    pub words: usize,
    pub reading_minutes: u32,
    /// The article header and body as an XHTML fragment (no `<html>`/`<body>`).
    pub xhtml: String,
    /// Images the fragment refers to, by `href`.
    pub assets: Vec<Asset>,
    /// How many `<img>` the fragment has (several may share an asset).
    pub image_refs: usize,
    /// How many of them have no text alternative (no alt that says something, no caption).
    pub undescribed_pictures: usize,
    /// Tables of data without a header cell.
    pub headerless_tables: usize,
}

/// A section of an issue: a topic, a source or a day.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub articles: Vec<FormattedArticle>,
}

/// What readers see about the issue as a whole.
#[derive(Debug, Clone, Serialize)]
pub struct IssueMeta {
    /// The publication's name, e.g. "Morning Digest".
    pub title: String,
    pub date: NaiveDate,
    /// Series index: the issue number.
    pub number: u32,
    /// BCP 47 language of the issue (the language of most of its words).
    pub lang: String,
    /// Most of the issue's words are right to left: pages turn from right to left.
    pub rtl: bool,
    /// Stable `urn:uuid:` identifier derived from title, date and number.
    pub identifier: String,
    /// `dcterms:modified`, ISO 8601 in UTC, to the second.
    pub modified: String,
    /// Whether sections are shown as a level of the TOC (false for `--group-by none`, and when
    /// the issue comes to one section).
    pub sectioned: bool,
}

/// A whole issue, ready to be written.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub meta: IssueMeta,
    pub sections: Vec<Section>,
    /// The stylesheet's text.
    #[serde(skip)]
    pub css: String,
    /// The cover image (PNG or JPEG) and its media type.
    #[serde(skip)]
    pub cover: Asset,
    /// Write Kobo's KEPUB flavour.
    pub kepub: bool,
}

impl Issue {
    pub fn articles(&self) -> impl Iterator<Item = &FormattedArticle> {
        self.sections.iter().flat_map(|s| s.articles.iter())
    }
}

/// How articles are grouped into sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    /// One section per topic (an article goes under its first topic).
    #[default]
    Topic,
    /// One section per source (site, feed or folder).
    Source,
    /// One section per day, newest first.
    Date,
    /// No sections: articles straight under the contents.
    None,
}

impl GroupBy {
    /// Each grouping by its name in the config and on the command line, with what it does.
    pub const CHOICES: &[(GroupBy, &str, &str)] = &[
        (
            GroupBy::Topic,
            "topic",
            "One section per topic (an article goes under its first topic)",
        ),
        (
            GroupBy::Source,
            "source",
            "One section per source (site, feed or folder)",
        ),
        (GroupBy::Date, "date", "One section per day, newest first"),
        (
            GroupBy::None,
            "none",
            "No sections: articles straight under the contents",
        ),
    ];
}

impl BookFormat {
    /// Each format by its name in the config and on the command line, with what it is.
    pub const CHOICES: &[(BookFormat, &str, &str)] = &[
        (
            BookFormat::Epub,
            "epub",
            "A standard EPUB 3 (with an EPUB 2 NCX): every reader",
        ),
        (
            BookFormat::Kepub,
            "kepub",
            "Kobo's KEPUB (.kepub.epub): sentence spans for Kobo's reader; still a valid EPUB",
        ),
    ];
}

/// Which kind of EPUB to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BookFormat {
    /// A standard EPUB 3 (with an EPUB 2 NCX): every reader.
    #[default]
    Epub,
    /// Kobo's KEPUB (`.kepub.epub`): sentence spans for Kobo's reader; still a valid EPUB.
    Kepub,
}

/// Validators from an earlier answer (ETag, Last-Modified), for a conditional request: what the
/// fetcher sends and the ledger keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}
