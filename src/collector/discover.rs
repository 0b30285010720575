//! Feed discovery: from a site's address to its feed.
//!
//! A page names its feeds with `<link rel="alternate" type="application/rss+xml" href=…>` (RSS,
//! Atom, JSON Feed); a page that names none is asked, politely (one address at a time, stopping
//! at the first feed), at the places feeds usually live: `/feed`, `/rss`, `/rss.xml`,
//! `/atom.xml`, `/index.xml`, `/feed.json`, under the page's own folder first when it is not the
//! site's root. What an address holds is judged by its content, never by its Content-Type: a
//! probe that answers with a web page (many sites answer every address with their front page) is
//! no feed.

use super::feed::{self, DocKind, FeedDoc};
use crate::fetch::{Fetched, Fetcher, Validators};

/// The names tried when a page names no feed, in order.
pub const PROBES: &[&str] = &[
    "feed",
    "rss",
    "rss.xml",
    "atom.xml",
    "index.xml",
    "feed.json",
];

/// At most this many named feeds are fetched to be looked at.
const MAX_NAMED: usize = 8;

/// A feed a page names with `<link rel="alternate">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    /// The address, resolved against the page.
    pub url: String,
    /// The link's own title ("Example » Feed"), if it has one.
    pub title: Option<String>,
    /// A feed of comments rather than of articles (WordPress names both).
    pub comments: bool,
}

/// The feeds `html` (a page at `page_url`) names, articles' feeds before comments' feeds, each
/// address once.
pub fn named_feeds(html: &str, page_url: &str) -> Vec<FeedLink> {
    let doc = dom_query::Document::from(html);
    let base = doc
        .select("base[href]")
        .first()
        .attr("href")
        .and_then(|b| url::Url::parse(page_url).ok()?.join(b.trim()).ok())
        .or_else(|| url::Url::parse(page_url).ok());
    let Some(base) = base else {
        return Vec::new();
    };
    let mut found: Vec<FeedLink> = Vec::new();
    for link in doc.select("link[rel][href], a[rel][href]").nodes() {
        let rel = link.attr("rel").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_ascii_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let kind = link.attr("type").unwrap_or_default().to_ascii_lowercase();
        let kind = kind.split(';').next().unwrap_or_default().trim();
        if !matches!(
            kind,
            "application/rss+xml"
                | "application/atom+xml"
                | "application/feed+json"
                | "application/rdf+xml"
                | "application/json"
                | "application/xml"
                | "text/xml"
        ) {
            continue;
        }
        let href = link.attr("href").unwrap_or_default();
        let Ok(url) = base.join(href.trim()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        // A page's own JSON (WordPress's REST API names itself with `application/json`) is no
        // feed; JSON Feeds say what they are, or live where feeds do.
        if kind == "application/json" && !url.path().to_ascii_lowercase().contains("feed") {
            continue;
        }
        let url = url.to_string();
        if found.iter().any(|f| f.url == url) {
            continue;
        }
        let title = link
            .attr("title")
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty());
        let lower = format!(
            "{} {}",
            url.to_ascii_lowercase(),
            title.as_deref().unwrap_or_default().to_lowercase()
        );
        let comments = ["comments", "kommentare", "commentaires", "comentarios"]
            .iter()
            .any(|w| lower.contains(w));
        found.push(FeedLink {
            url,
            title,
            comments,
        });
    }
    found.sort_by_key(|f| f.comments);
    found
}

/// The addresses tried when a page names no feed, in order: under the page's folder, then at
/// the site's root.
pub fn probe_urls(page_url: &str) -> Vec<String> {
    let Ok(page) = url::Url::parse(page_url) else {
        return Vec::new();
    };
    let mut folders: Vec<url::Url> = Vec::new();
    // The folder of the page: `/blog/` for `/blog/` and `/blog/index.html`; `/blog/` for `/blog`.
    let mut own = page.clone();
    own.set_query(None);
    own.set_fragment(None);
    let path = own.path().to_owned();
    let folder = if path.ends_with('/') {
        path
    } else if path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        path[..=path.rfind('/').unwrap_or(0)].to_owned()
    } else {
        format!("{path}/")
    };
    own.set_path(&folder);
    if folder != "/" {
        folders.push(own);
    }
    if let Ok(root) = page.join("/") {
        folders.push(root);
    }
    folders
        .iter()
        .flat_map(|f| PROBES.iter().filter_map(move |p| f.join(p).ok()))
        .map(|u| u.to_string())
        .collect()
}

/// Whether `page_url` is a site's front door (`https://example.org/`, `/index.html`), where a
/// feed is what a reader means even when the page reads like an article.
pub fn is_site_root(page_url: &str) -> bool {
    url::Url::parse(page_url).is_ok_and(|u| {
        let p = u.path().to_ascii_lowercase();
        matches!(
            p.as_str(),
            "" | "/" | "/index.html" | "/index.htm" | "/index.php" | "/home"
        ) && u.query().is_none()
    })
}

/// A feed found for a page.
#[derive(Debug)]
pub struct Found {
    /// Where it lives (after redirects).
    pub url: String,
    /// How it was found: named by the page, or at a usual place.
    pub named: bool,
    /// The page's title for it, if the page named it with one.
    pub link_title: Option<String>,
    pub fetched: FeedFetch,
}

/// What asking a found feed gave.
#[derive(Debug)]
pub enum FeedFetch {
    /// The feed, read.
    Read {
        doc: Box<FeedDoc>,
        validators: Validators,
    },
    /// The server says the feed has not changed since the validators the ledger kept.
    NotModified,
}

impl Found {
    /// The feed's own title, else the page's title for it.
    pub fn title(&self) -> Option<&str> {
        match &self.fetched {
            FeedFetch::Read { doc, .. } => doc.title.as_deref().or(self.link_title.as_deref()),
            FeedFetch::NotModified => self.link_title.as_deref(),
        }
    }

    /// Items in the feed (0 when it was not modified).
    pub fn items(&self) -> usize {
        match &self.fetched {
            FeedFetch::Read { doc, .. } => doc.items.len(),
            FeedFetch::NotModified => 0,
        }
    }
}

/// What discovery found, and what it asked.
#[derive(Debug, Default)]
pub struct Discovery {
    pub found: Vec<Found>,
    /// Every address asked, in order, with what it held when it held no feed.
    pub tried: Vec<(String, String)>,
}

impl Discovery {
    /// Why nothing was found, in words: what the page named and which places were tried.
    pub fn nothing_found(&self) -> String {
        let named: Vec<&(String, String)> =
            self.tried.iter().filter(|(_, why)| why != PROBED).collect();
        let probed = self.tried.iter().filter(|(_, why)| why == PROBED).count();
        let mut out = String::from("found no feed: ");
        if named.is_empty() {
            out.push_str("the page names none (<link rel=\"alternate\">)");
        } else {
            let list: Vec<String> = named
                .iter()
                .map(|(u, why)| format!("{u} ({why})"))
                .collect();
            out.push_str(&format!(
                "the feeds the page names fail: {}",
                list.join(", ")
            ));
        }
        if probed > 0 {
            out.push_str(&format!(
                ", and none of {} holds one",
                self.tried
                    .iter()
                    .filter(|(_, why)| why == PROBED)
                    .map(|(u, _)| u.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }
}

/// The reason recorded for a usual place that held no feed.
const PROBED: &str = "no feed there";

/// Find the feeds of the page `html` at `page_url`. With `all`, every feed the page names is
/// fetched and read (to offer a choice); otherwise discovery stops at the first that reads.
/// `known` gives the validators the ledger kept for an address, for a conditional request.
pub fn discover(
    html: &str,
    page_url: &str,
    fetcher: &dyn Fetcher,
    known: &dyn Fn(&str) -> Validators,
    all: bool,
) -> Discovery {
    let mut out = Discovery::default();
    for link in named_feeds(html, page_url).into_iter().take(MAX_NAMED) {
        if out.found.iter().any(|f| f.url == link.url) {
            continue;
        }
        match read_feed(&link.url, fetcher, &known(&link.url)) {
            Ok((url, fetched)) => {
                out.found.push(Found {
                    url,
                    named: true,
                    link_title: link.title,
                    fetched,
                });
                if !all {
                    return out;
                }
            }
            Err(why) => out.tried.push((link.url, why)),
        }
    }
    if !out.found.is_empty() {
        return out;
    }
    for url in probe_urls(page_url) {
        match read_feed(&url, fetcher, &known(&url)) {
            Ok((final_url, fetched)) => {
                out.found.push(Found {
                    url: final_url,
                    named: false,
                    link_title: None,
                    fetched,
                });
                return out;
            }
            Err(_) => out.tried.push((url, PROBED.to_owned())),
        }
    }
    out
}

/// Fetch `url` and read it as a feed: its final address and the feed, or why it is none.
fn read_feed(
    url: &str,
    fetcher: &dyn Fetcher,
    validators: &Validators,
) -> Result<(String, FeedFetch), String> {
    let page = match fetcher.get(url, validators) {
        Ok(Fetched::Body(p)) => p,
        Ok(Fetched::NotModified) if *validators != Validators::default() => {
            return Ok((url.to_owned(), FeedFetch::NotModified));
        }
        Ok(Fetched::NotModified) => return Err("answered 304 to a plain request".into()),
        Err(e) => return Err(e.to_string()),
    };
    if feed::sniff(&page.body) != DocKind::Feed {
        return Err("a web page, not a feed".into());
    }
    let doc = feed::parse(&page.body, Some(&page.url)).map_err(|e| e.to_string())?;
    Ok((
        page.url,
        FeedFetch::Read {
            doc: Box::new(doc),
            validators: page.validators,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_feeds_are_resolved_and_comments_come_last() {
        let html = r#"<html><head><base href="https://example.org/blog/">
            <link rel="alternate" type="application/rss+xml" title="Example » Comments Feed" href="comments/feed/">
            <link rel="alternate" type="application/rss+xml" title="Example » Feed" href="feed/">
            <link rel="alternate" type="application/atom+xml" href="/atom.xml">
            <link rel="alternate" type="application/feed+json" href="https://example.org/feed.json">
            <link rel="alternate" type="application/json" href="https://example.org/wp-json/wp/v2/posts/7">
            <link rel="alternate" hreflang="de" href="https://example.org/de/">
            <link rel="stylesheet" type="text/css" href="x.css">
            <link rel="alternate" type="application/rss+xml" href="feed/">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let feeds = named_feeds(html, "https://example.org/blog/post.html");
        let urls: Vec<&str> = feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.org/blog/feed/",
                "https://example.org/atom.xml",
                "https://example.org/feed.json",
                "https://example.org/blog/comments/feed/",
            ]
        );
        assert_eq!(feeds[0].title.as_deref(), Some("Example » Feed"));
        assert!(feeds[3].comments);
    }

    #[test]
    fn probes_look_in_the_folder_then_at_the_root() {
        let root = probe_urls("https://example.org/");
        assert_eq!(root.len(), PROBES.len());
        assert_eq!(root[0], "https://example.org/feed");
        assert_eq!(root[5], "https://example.org/feed.json");
        let blog = probe_urls("https://example.org/blog?page=2");
        assert_eq!(blog[0], "https://example.org/blog/feed");
        assert_eq!(blog[PROBES.len()], "https://example.org/feed");
        let page = probe_urls("https://example.org/blog/index.html");
        assert_eq!(page[1], "https://example.org/blog/rss");
        assert!(probe_urls("not a url").is_empty());
    }

    #[test]
    fn site_roots() {
        for u in [
            "https://example.org",
            "https://example.org/",
            "http://127.0.0.1:8080/index.html",
        ] {
            assert!(is_site_root(u), "{u}");
        }
        for u in [
            "https://example.org/2024/05/a-story",
            "https://example.org/?p=3",
            "https://example.org/blog/",
        ] {
            assert!(!is_site_root(u), "{u}");
        }
    }
}
