//! A source read over the web or from a file by its content: a feed (RSS, Atom, JSON Feed), a
//! single web page, or a site's page that stands for its feed. Items that carry only a summary
//! get their linked page fetched and reduced to the article (`full-text = "auto"`); per-source
//! `keep`/`remove` selectors override extraction.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;

use super::context::Collect;
use super::discover;
use super::feed::{self, DocKind, Item};
use super::harvest::{Harvest, Harvested, SourceResult};
use super::html;
use super::offer::Offer;
use super::page::{
    canonical_url, fetch_page, host_or, not_article_failure, page_article, read_source,
};
use crate::config::{Config, FullText, SourceConfig};
use crate::fetch::Fetcher;
use crate::ids::short_hash;
use crate::lang::normalize_lang;
use crate::model::{Article, Base, Validators};
use crate::report::{Failure, Kind};

/// The page's own canonical address, when it names an article page (not a site's front page).
fn canonical_address(p: &html::PageArticle) -> Option<String> {
    p.url
        .as_deref()
        .filter(|u| url::Url::parse(u).is_ok_and(|x| x.path().trim_matches('/').len() > 1))
        .map(canonical_url)
}

/// Whether the page `p` (an item's link `link`) is an article stored under another address:
/// where the page was read after redirects is a stored article's address; or the page's own
/// canonical address is, and that article has the item's title (a site whose every page names
/// one canonical address would otherwise lose all but its first article).
fn stored_elsewhere(
    p: &html::PageArticle,
    link: &str,
    title: Option<&str>,
    urls: &std::collections::HashMap<String, String>,
) -> bool {
    let same = |a: &str, b: &str| {
        a.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            == b.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
    };
    if p.final_url
        .as_deref()
        .is_some_and(|f| f != link && urls.contains_key(f))
    {
        return true;
    }
    match (canonical_address(p), title) {
        (Some(c), Some(t)) if c != link => urls.get(&c).is_some_and(|stored| same(stored, t)),
        _ => false,
    }
}

/// Items whose text is shorter than this (characters) are summaries: `auto` fetches their page.
const SUMMARY_CHARS: usize = 600;

/// A feed, a page or an OPML list, by address or by file: fetched (conditionally, with the
/// validators the ledger kept), recognised by its content, and read into articles. A web page
/// named as a source is an article, or the way to a site's feed.
pub fn collect(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    let mut warnings = Vec::new();
    let location = s.location();
    let v = s
        .url
        .as_ref()
        .and_then(|u| ctx.known.validators.get(u).cloned())
        .unwrap_or_default();
    let mut harvest = Harvest::default();
    let fetched = match read_source(s, ctx, &v) {
        Ok(Some(x)) => x,
        Ok(None) => {
            harvest.not_modified = true;
            return SourceResult {
                name: s.name.clone().unwrap_or_else(|| location.clone()),
                location,
                outcome: Ok(harvest),
                warnings,
            };
        }
        Err(e) => {
            return SourceResult {
                name: s.name.clone().unwrap_or_else(|| location.clone()),
                location,
                outcome: Err(e),
                warnings,
            };
        }
    };
    let (bytes, final_and_validators) = fetched;
    let base_url = final_and_validators
        .as_ref()
        .map(|(u, _)| u.clone())
        .or_else(|| s.url.clone());
    let own_validators = match (&s.url, &final_and_validators) {
        (Some(url), Some((_, val))) => Some((url.clone(), val.clone())),
        _ => None,
    };
    let mut name = s.name.clone();
    // A web page named as a source is an article, or the way to a site's feed.
    let mut discovered = None;
    let doc = match feed::sniff(&bytes) {
        DocKind::Opml => Err(Failure::from("an OPML list inside a list is not followed")),
        DocKind::Feed => {
            harvest.validators.extend(own_validators);
            feed::parse(&bytes, base_url.as_deref())
                .map(|d| Some((d, base_url.clone())))
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))
        }
        DocKind::Page => match super::decode::decode(&bytes)
            .map_err(|e| Failure::new(Kind::Parse, e.to_string()))
            .and_then(|d| {
                let known = |u: &str| ctx.known.validators.get(u).cloned().unwrap_or_default();
                let look = Look {
                    s,
                    config: ctx.config,
                    fetcher: ctx.fetcher,
                    known: &known,
                    all: false,
                    browser: ctx.browser,
                };
                judge_page(&d.text, base_url.as_deref(), &look)
            }) {
            Err(e) => Err(e),
            Ok(Judged::Feeds(mut found)) => {
                let found = found.swap_remove(0);
                discovered = Some(found.url.clone());
                match found.fetched {
                    discover::FeedFetch::NotModified => {
                        harvest.not_modified = true;
                        Ok(None)
                    }
                    discover::FeedFetch::Read { doc, validators } => {
                        harvest.validators.push((found.url.clone(), validators));
                        Ok(Some((*doc, Some(found.url))))
                    }
                }
            }
            Ok(Judged::Article(a) | Judged::Kept(a)) => {
                harvest.validators.extend(own_validators);
                name = name.or(Some(a.source.clone()));
                let key = a.url.clone().unwrap_or_else(|| location.clone());
                if ctx.known.keys.contains(&key) {
                    harvest.known += 1;
                } else {
                    if let Some(tell) = ctx.on_article {
                        tell(&a);
                    }
                    harvest.articles.push(Harvested {
                        key,
                        article: *a,
                        source_url: s.url.clone(),
                        raw_html: None,
                        raw_gzip: None,
                        status: "ok".into(),
                    });
                }
                Ok(None)
            }
        },
    };
    harvest.discovered = discovered;
    let outcome = doc.map(|doc| {
        let Some((doc, feed_url)) = doc else { return };
        if let Some(what) = &doc.repaired {
            warnings.push(format!("repaired the feed to read it: {what}"));
        }
        let source_name = s
            .name
            .clone()
            .or(doc.title.clone())
            .unwrap_or_else(|| host_or(&location));
        name = Some(source_name.clone());
        items_to_articles(
            &doc,
            s,
            &source_name,
            feed_url.as_deref(),
            ctx,
            &mut harvest,
            &mut warnings,
        );
    });
    SourceResult {
        name: name.unwrap_or_else(|| location.clone()),
        location,
        outcome: outcome.map(|_| harvest),
        warnings,
    }
}

/// What a feed, an OPML list or a page (its `bytes`, from `page_url`) is, as [`Offer`] says;
/// for a site's page every feed it names (`all`), or the first that reads.
pub fn offer(
    s: &SourceConfig,
    bytes: &[u8],
    page_url: Option<String>,
    fetcher: &dyn Fetcher,
    config: &Config,
    all: bool,
) -> Result<Offer, Failure> {
    match feed::sniff(bytes) {
        DocKind::Feed => {
            let d = feed::parse(bytes, page_url.as_deref())
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?;
            Ok(Offer::Feed {
                title: d.title,
                items: d.items.len(),
                repaired: d.repaired,
            })
        }
        DocKind::Opml => feed::parse_opml(bytes)
            .map(|f| Offer::Opml { feeds: f.len() })
            .map_err(|e| Failure::new(Kind::Parse, e.to_string())),
        DocKind::Page => {
            let text = super::decode::decode(bytes)
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
                .text;
            let no_validators = |_: &str| Validators::default();
            let look = Look {
                s,
                config,
                fetcher,
                known: &no_validators,
                all,
                browser: None,
            };
            Ok(match judge_page(&text, page_url.as_deref(), &look)? {
                Judged::Feeds(found) => Offer::Found(found),
                Judged::Kept(a) => Offer::Kept { title: a.title },
                Judged::Article(a) => Offer::Article {
                    title: a.title,
                    site_feeds: page_url
                        .as_deref()
                        .map(|u| discover::named_feeds(&text, u))
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|f| !f.comments)
                        .map(|f| f.url)
                        .collect(),
                },
            })
        }
    }
}

/// What a web page named as a source stands for.
enum Judged {
    /// The page is the way to these feeds (the first is the one collected).
    Feeds(Vec<discover::Found>),
    /// The page is an article.
    Article(Box<Article>),
    /// The page is kept as it is (`keep-non-articles`), though it is no article.
    Kept(Box<Article>),
}

/// How to look at a page named as a source.
struct Look<'a> {
    s: &'a SourceConfig,
    config: &'a Config,
    fetcher: &'a dyn Fetcher,
    /// The validators the ledger kept for an address.
    known: &'a dyn Fn(&str) -> Validators,
    /// Read every feed the page names, not only the first that reads.
    all: bool,
    /// The headless browser, for a page a script builds.
    browser: Option<&'a crate::browser::Browser>,
}

/// A web page named as a source: a site's front page, or a page that is no article (a listing,
/// a section), stands for the feed it names or that lives at a usual place; an article stands
/// for itself. `keep-non-articles` keeps any page as it is. A local page is never a way to a
/// feed.
fn judge_page(text: &str, url: Option<&str>, look: &Look) -> Result<Judged, Failure> {
    let s = look.s;
    let site_url = url.filter(|_| s.url.is_some() && !s.keep_non_articles);
    let find = |u: &str| discover::discover(text, u, look.fetcher, look.known, look.all);
    let mut tried = None;
    if let Some(u) = site_url.filter(|u| discover::is_site_root(u)) {
        let d = find(u);
        if !d.found.is_empty() {
            return Ok(Judged::Feeds(d.found));
        }
        tried = Some(d);
    }
    let (article, verdict) = page_article(
        text,
        url,
        s,
        look.config,
        Some(look.fetcher),
        look.browser.map(|b| (b, None)),
    );
    match (verdict, site_url) {
        (None, _) => Ok(Judged::Article(Box::new(article))),
        // A wall is never kept as the article, whatever `keep-non-articles` says.
        (Some(why), _) if why.wall().is_some() => {
            Err(not_article_failure(&why, look.browser.is_some()))
        }
        (Some(_), None) if s.keep_non_articles => Ok(Judged::Kept(Box::new(article))),
        (Some(why), None) => Err(not_article_failure(&why, look.browser.is_some())),
        (Some(why), Some(u)) => {
            let d = tried.unwrap_or_else(|| find(u));
            if d.found.is_empty() {
                Err(Failure::new(
                    Kind::NotArticle,
                    format!(
                        "does not look like an article ({why}), and {} (keep-non-articles = true on its [[source]] keeps the page)",
                        d.nothing_found()
                    ),
                ))
            } else {
                Ok(Judged::Feeds(d.found))
            }
        }
    }
}

/// A feed text this long (characters) is an article of its own; a page with a third of it is
/// a teaser.
const TEASED_FEED: usize = 1500;

fn text_len(html: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    n
}

fn items_to_articles(
    doc: &feed::FeedDoc,
    s: &SourceConfig,
    source_name: &str,
    feed_url: Option<&str>,
    ctx: &Collect,
    harvest: &mut Harvest,
    warnings: &mut Vec<String>,
) {
    let now = Utc::now().fixed_offset();
    let mut page_failures: Vec<String> = Vec::new();
    // What names the site in its items' titles: the feed's title, the source's name, the
    // site's address, and a suffix most of the titles repeat.
    let site = super::title::SiteNames::new()
        .name(Some(source_name))
        .name(doc.title.as_deref())
        .name(
            super::title::repeated_suffix(doc.items.iter().filter_map(|i| i.title.as_deref()))
                .as_deref(),
        )
        .address(doc.link.as_deref())
        .address(feed_url);
    // Items are independent; fetch their pages a few at a time.
    let items: Vec<&Item> = doc.items.iter().collect();
    let prepared: Vec<Option<Harvested>> = {
        let next = AtomicUsize::new(0);
        let out: Mutex<Vec<Option<Harvested>>> = Mutex::new(vec![None; items.len()]);
        let fails: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let known_count = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4.min(items.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(i) else { break };
                        match item_article(item, doc, s, (source_name, &site), feed_url, ctx, now) {
                            ItemOutcome::Article(h) => {
                                if let Some(tell) = ctx.on_article {
                                    tell(&h.article);
                                }
                                if h.status != "ok" {
                                    fails.lock().expect("fails").push(h.status.clone());
                                }
                                out.lock().expect("out")[i] = Some(*h);
                            }
                            ItemOutcome::Known => {
                                known_count.fetch_add(1, Ordering::SeqCst);
                            }
                            ItemOutcome::Skip(why) => fails.lock().expect("fails").push(why),
                        }
                    }
                });
            }
        });
        harvest.known += known_count.into_inner();
        page_failures.extend(fails.into_inner().expect("fails"));
        out.into_inner().expect("out")
    };
    harvest.articles.extend(prepared.into_iter().flatten());
    warnings.extend(page_failures);
}

enum ItemOutcome {
    Article(Box<Harvested>),
    Known,
    Skip(String),
}

fn item_article(
    item: &Item,
    doc: &feed::FeedDoc,
    s: &SourceConfig,
    (source_name, site): (&str, &super::title::SiteNames),
    feed_url: Option<&str>,
    ctx: &Collect,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> ItemOutcome {
    // Without tracking and through the source's rewrites, before it is fetched or recorded.
    let link = item
        .link
        .as_deref()
        .map(|l| super::address::article_address(l, s));
    let key = match (&link, &item.guid) {
        (Some(l), _) => l.clone(),
        (None, Some(g)) => g.clone(),
        (None, None) => match &item.title {
            Some(t) => format!("{}#{}", feed_url.unwrap_or(source_name), short_hash(t)),
            None => {
                return ItemOutcome::Skip("an item with no link, id or title was left out".into());
            }
        },
    };
    let feed_html = item
        .content
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| item.summary.clone())
        .unwrap_or_default();
    let web_link = link
        .as_deref()
        .filter(|l| l.starts_with("http://") || l.starts_with("https://"));
    // A link to a part of a page (`#post-3`) is not a page of its own: its full text is the item.
    let whole_page = web_link.is_some_and(|l| !l.contains('#'));
    let want_page = whole_page
        && match s.full_text {
            FullText::Never => false,
            FullText::Always => true,
            FullText::Auto => text_len(&feed_html) < SUMMARY_CHARS,
        };
    // An article stored when fewer parameters counted as tracking is known by that address.
    let legacy = item.link.as_deref().map(super::address::legacy_key);
    let known = ctx.known.keys.contains(&key);
    if legacy.is_some_and(|l| l != key && ctx.known.keys.contains(&l)) {
        return ItemOutcome::Known;
    }
    // With `updates = "deliver"`, a known item whose own text is the article is read again
    // (no page is fetched for it): stored again only if its text changed (below).
    let recheck =
        known && !want_page && ctx.config.issue.updates == crate::dedupe::Updates::Deliver;
    if known && !recheck {
        return ItemOutcome::Known;
    }
    let mut page = None;
    let mut status = "ok".to_owned();
    // Why the page behind the item could not be read, said in the book under the feed's text.
    let mut wall_note: Option<String> = None;
    let mut raw_html = Some(feed_html.clone());
    let mut raw_gzip = None;
    if let (true, Some(l)) = (want_page, web_link) {
        match fetch_page(l, s, ctx) {
            // A wall is never the article, whatever `keep-non-articles` says.
            Ok((p, _))
                if p.not_article
                    .as_ref()
                    .is_some_and(|w| w.wall().is_some() || !s.keep_non_articles) =>
            {
                let why = p.not_article.expect("checked");
                status = match (why.wall(), why.wall_said()) {
                    (Some(wall), Some(said)) => {
                        let hint = wall
                            .hint(ctx.has_browser())
                            .map(|h| format!(" ({h})"))
                            .unwrap_or_default();
                        let status = format!(
                            "{l}: blocked ({}): {said}; kept the feed's own text{hint}",
                            wall.reason()
                        );
                        wall_note = Some(said);
                        status
                    }
                    _ => format!(
                        "{l} does not look like an article ({why}); kept the feed's own text"
                    ),
                };
            }
            Ok((p, gzip)) => {
                // The same article reached by another address (a feed proxy's redirect, the
                // page's own canonical address) is stored already.
                if stored_elsewhere(&p, l, item.title.as_deref(), &ctx.known.urls) {
                    return ItemOutcome::Known;
                }
                if let Some(note) = &p.rule_note {
                    status = note.clone();
                }
                // Far less on the page than in the feed: a teaser for subscribers. The feed's
                // text is the article (below); the report names the wall.
                let (on_page, in_feed) = (text_len(&p.body_html), text_len(&feed_html));
                if in_feed >= TEASED_FEED && on_page * 3 < in_feed {
                    status = format!(
                        "{l}: blocked (paywall): the page holds {on_page} characters of text against the feed's {in_feed} (a teaser); kept the feed's own text"
                    );
                }
                page = Some(p);
                (raw_html, raw_gzip) = (None, Some(gzip));
            }
            Err(e) => {
                if e.kind == Kind::Blocked {
                    wall_note = Some(e.message.trim_start_matches("blocked: ").to_owned());
                }
                status = format!("full text of {l} not fetched ({e}); kept the feed's own text")
            }
        }
    }
    let summary_text = item
        .summary
        .as_deref()
        .map(feed::plain_text)
        .filter(|t| !t.is_empty());
    let site = site
        .clone()
        .address(web_link)
        .name(page.as_ref().and_then(|p| p.site_name.as_deref()));
    let title = item
        .title
        .as_deref()
        .map(|t| super::title::without_site(t, &site))
        .or_else(|| {
            page.as_ref()
                .and_then(|p: &html::PageArticle| p.title.clone())
        })
        .unwrap_or_else(|| {
            let t = feed::plain_text(&feed_html);
            let short: String = t.chars().take(80).collect();
            if short.is_empty() {
                "Untitled".to_owned()
            } else {
                short
            }
        });
    let mut body_html = match &page {
        Some(p) if text_len(&p.body_html) >= text_len(&feed_html) / 2 => p.body_html.clone(),
        _ => feed_html.clone(),
    };
    if let Some(why) = &wall_note {
        body_html.push_str(&format!(
            "<p><em>The full article could not be read: {}.</em></p>",
            why.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        ));
    }
    if recheck && ctx.known.hashes.get(&key) == Some(&crate::ids::content_hash(&title, &body_html))
    {
        return ItemOutcome::Known;
    }
    let mut topics: Vec<String> = s.topics.iter().map(|t| t.to_lowercase()).collect();
    for c in &item.categories {
        let c = c.trim().to_lowercase();
        if !c.is_empty() && !topics.contains(&c) {
            topics.push(c);
        }
    }
    for t in super::topics::keyword_topics(ctx.config, &title, &body_html) {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let byline = Some(item.authors.join(", "))
        .filter(|b| !b.is_empty())
        .or_else(|| page.as_ref().and_then(|p| p.byline.clone()));
    let lang = item
        .lang
        .as_deref()
        .or(page.as_ref().and_then(|p| p.lang.as_deref()))
        .or(doc.lang.as_deref())
        .and_then(normalize_lang);
    let published = item.published.or(page.as_ref().and_then(|p| p.published));
    let article = Article {
        id: short_hash(&key),
        title,
        byline,
        published,
        topics,
        source: source_name.to_owned(),
        // Where the page was read, after redirects (a feed proxy's link leads to the article).
        url: page
            .as_ref()
            .and_then(|p| p.final_url.clone())
            .or_else(|| web_link.map(str::to_owned)),
        lang,
        summary: summary_text,
        lead_image: page.as_ref().and_then(|p| p.lead_image.clone()),
        body_html,
        base: Base {
            // The body's relative links resolve from where its page was read.
            url: page
                .as_ref()
                .and_then(|p| p.final_url.clone())
                .or_else(|| web_link.map(str::to_owned))
                .or_else(|| feed_url.map(str::to_owned)),
            dir: None,
            root: None,
        },
        origin: web_link.map(str::to_owned).unwrap_or_else(|| key.clone()),
        seen: Some(now),
        story: Default::default(),
    };
    ItemOutcome::Article(Box::new(Harvested {
        key,
        article,
        source_url: s.url.clone(),
        raw_html,
        raw_gzip,
        status,
    }))
}
