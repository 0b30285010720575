//! The fuzz targets' bodies, shared with the regression test that replays every input in
//! `fuzz/regressions/` (so a crash found once stays fixed). Each takes arbitrary bytes and panics
//! only when inkquire breaks a promise: a crash inside a reader, or output that fails the
//! content-security audit.

use std::path::Path;

use crate::collector::{Kind, feed, html, read_bytes};
use crate::formatter::{FormatOptions, ImageCache, LocalImages, audit, format};
use crate::imaging::{Settings, prepare};
use crate::model::{Article, Base};
use crate::report::Report;

/// Feed repair + parsing, and OPML: a feed or an error message.
pub fn feed(data: &[u8]) {
    let _ = feed::sniff(data);
    if let Ok(doc) = feed::parse(data, Some("https://feeds.example.org/")) {
        for item in &doc.items {
            if let Some(t) = &item.title {
                let _ = feed::plain_text(t);
            }
        }
    }
    let _ = feed::parse_opml(data);
}

/// HTML cleaning + XHTML: the first byte picks a whole page through the article extractor (even)
/// or a feed fragment straight to the sanitizer (odd); either way the XHTML passes the audit.
pub fn html(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let url = "https://news.example.org/2026/story.html";
    let body = if mode & 1 == 0 {
        html::extract_page(&text, Some(url), &[], &[]).body_html
    } else {
        text.into_owned()
    };
    formatted_safely(Article {
        id: "0123456789ab".into(),
        title: "Fuzzed".into(),
        byline: None,
        published: None,
        topics: Vec::new(),
        source: "fuzz".into(),
        url: Some(url.into()),
        lang: None,
        summary: None,
        lead_image: None,
        body_html: body,
        base: Base {
            url: Some(url.into()),
            ..Default::default()
        },
        origin: "fuzz".into(),
        seen: None,
        story: Default::default(),
    });
}

/// Decoding + the plain-text reader: an article or an error; the article passes the audit.
pub fn text(data: &[u8]) {
    let path = Path::new("/nonexistent/wire/story.txt");
    let mut report = Report::default();
    if let Ok(article) = read_bytes(data, Kind::Text, path, path, None, None, &mut report) {
        formatted_safely(article);
    }
}

/// Image decoding and preparation: a picture within the screen, or a refusal.
pub fn image(data: &[u8]) {
    let settings = Settings {
        max_width: 600,
        max_height: 800,
        gray: data.first().is_some_and(|b| b & 1 == 1),
        quality: 75,
    };
    if let Ok(p) = prepare(data, &settings) {
        assert!(!p.data.is_empty() && p.width <= 600 && p.height <= 800);
    }
}

fn formatted_safely(article: Article) {
    let cache = ImageCache::default();
    let opts = FormatOptions {
        default_lang: "en",
        images: &LocalImages,
        image_cache: &cache,
        image_settings: Settings::default(),
    };
    let (formatted, _warnings) = format(article, &opts);
    let bad = audit::violations(&formatted.xhtml);
    assert!(bad.is_empty(), "{bad:?}\n{}", formatted.xhtml);
}
