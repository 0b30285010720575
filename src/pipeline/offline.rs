//! One saved page read as `inkquire build PAGE.html` reads it, with every picture missing (as
//! offline): the article body's text as the book would hold it. `scripts/extraction-eval` and
//! the corpus's extraction floor score this.

use std::path::Path;

use crate::collector::{Kind, read_bytes};
use crate::formatter::{FormatOptions, ImageCache, ImageSource};
use crate::report::{Failure, Report};

/// Refuses every picture.
pub struct Offline;

impl ImageSource for Offline {
    fn load(&self, url: &url::Url, _referer: Option<&str>) -> Result<Vec<u8>, Failure> {
        Err(Failure::new(
            crate::report::Kind::Network,
            format!("{url}: offline"),
        ))
    }
}

/// The article body of the saved page `bytes` (named `path`), or `None` when inkquire leaves
/// the page out.
pub fn page_text(bytes: &[u8], path: &Path) -> Option<String> {
    let mut report = Report::default();
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // A page `build` would leave out as no article scores as an empty extraction.
    let article = read_bytes(bytes, Kind::Html, path, &abs, None, None, &mut report).ok()?;
    let cache = ImageCache::default();
    let (formatted, _) = crate::formatter::format(article, &options(&cache));
    Some(crate::formatter::body_text(&formatted.xhtml))
}

/// The formatter's options for a page read offline: every picture refused, a Kindle-sized
/// screen, English unless the page says otherwise.
pub fn options(cache: &ImageCache) -> FormatOptions<'_> {
    FormatOptions {
        default_lang: "en",
        images: &Offline,
        image_cache: cache,
        image_settings: crate::imaging::Settings {
            max_width: 1072,
            max_height: 1448,
            gray: true,
            quality: 80,
        },
    }
}
