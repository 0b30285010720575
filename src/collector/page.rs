//! The page helpers several kinds of source share: a source's bytes (by address or path), a
//! page fetched plainly, a web page reduced to an article, and addresses in their canonical
//! form. Nothing here chooses a kind of source.

use chrono::Utc;

use super::context::Collect;
use super::harvest::gzip_fast;
use super::verdict::NotArticle;
use super::{feed, html, local};
use crate::config::{Config, SourceConfig};
use crate::fetch::{Fetched, Fetcher, WithCredentials};
use crate::ids::short_hash;
use crate::lang::normalize_lang;
use crate::model::{Article, Base, Validators};
use crate::report::{Failure, Kind};
use feed::DocKind;

/// The source's bytes and its final address; `None` when the server said 304.
#[allow(clippy::type_complexity)]
pub(crate) fn read_source(
    s: &SourceConfig,
    ctx: &Collect,
    v: &Validators,
) -> Result<Option<(Vec<u8>, Option<(String, Validators)>)>, Failure> {
    if let Some(url) = &s.url {
        let creds = super::login::of(s)?;
        let got = match &creds {
            Some(c) => ctx.fetcher.get_with(url, v, c),
            None => ctx.fetcher.get(url, v),
        };
        return match got {
            Ok(Fetched::NotModified) => Ok(None),
            Ok(Fetched::Body(page)) => Ok(Some((page.body, Some((page.url, page.validators))))),
            Err(e) => Err(e.into()),
        };
    }
    let path = s.path.as_ref().ok_or("no url or path")?;
    Ok(local::read_local(path, ctx.config.input.max_bytes()).map(|b| Some((b, None)))?)
}

/// GET `url` without validators: a 304 answer to that is the server's error.
pub(crate) fn get_plain(fetcher: &dyn Fetcher, url: &str) -> Result<crate::fetch::Page, Failure> {
    match fetcher.get(url, &Validators::default()) {
        Ok(Fetched::Body(p)) => Ok(p),
        Ok(Fetched::NotModified) => Err(Failure::new(
            Kind::Network,
            "the server answered 304 to a plain request",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Fetch an article page and reduce it to the article; with it, the page gzip-compressed for
/// the ledger.
pub(crate) fn fetch_page(
    url: &str,
    s: &SourceConfig,
    ctx: &Collect,
) -> Result<(html::PageArticle, Vec<u8>), Failure> {
    let creds = page_credentials(s, &ctx.config.fetch.site_rules, url)?;
    let with = creds.as_deref().map(|creds| WithCredentials {
        inner: ctx.fetcher,
        creds,
    });
    let fetcher: &dyn Fetcher = match &with {
        Some(w) => w,
        None => ctx.fetcher,
    };
    let (page, text) = not_amp(fetcher, get_plain(fetcher, url)?)?;
    let mut article = reduce_page(
        &text,
        Some(&page.url),
        s,
        &ctx.config.fetch.site_rules,
        Some(fetcher),
        ctx.browser.map(|b| (b, Some(&page))),
    );
    // Where the page was read, after redirects (a feed proxy's link leads to the article), is
    // the address recorded; `url` keeps the page's own canonical address when it names one.
    article.final_url = Some(canonical_url(&page.url));
    let gzip = match page.gzip {
        Some(wire) => wire,
        None => gzip_fast(&page.body),
    };
    Ok((article, gzip))
}

/// A page reduced to its article (its site's rule, else automatic extraction); a page built
/// by scripts (an app shell, a body with next to nothing in it) is rendered in the browser,
/// when one is configured, and read from what the scripts wrote. `browser` carries the answer
/// already fetched for the page, when there is one, so the browser does not ask again.
pub(crate) fn reduce_page(
    text: &str,
    url: Option<&str>,
    s: &SourceConfig,
    site_rules: &[std::path::PathBuf],
    fetcher: Option<&dyn Fetcher>,
    browser: Option<(&crate::browser::Browser, Option<&crate::fetch::Page>)>,
) -> html::PageArticle {
    let article = super::ruled::reduce(text, url, s, site_rules, fetcher, None);
    let (Some((browser, first)), Some(url), Some(fetcher)) = (browser, url, fetcher) else {
        return article;
    };
    if !needs_browser(&article) {
        return article;
    }
    match browser.render(url, first, fetcher) {
        Ok(r) => {
            crate::debug_line!(
                "{url}: rendered in the browser ({} requests fetched, {} not made for their kind, {} refused{})",
                r.fetched,
                r.skipped,
                r.refused.len(),
                if r.refused.is_empty() {
                    String::new()
                } else {
                    format!(": {}", r.refused.join("; "))
                }
            );
            let rendered =
                super::ruled::reduce(&r.html, Some(url), s, site_rules, Some(fetcher), None);
            if needs_browser(&rendered) {
                // Still nothing to read: the page stays the wall it was.
                return article;
            }
            rendered
        }
        Err(e) => {
            crate::warn_line!("{}: not rendered: {e}", crate::fetch::redact(url));
            article
        }
    }
}

/// A page whose text a script builds: an app shell, or a body with next to nothing in it.
fn needs_browser(a: &html::PageArticle) -> bool {
    matches!(
        a.not_article,
        Some(NotArticle::Wall(super::verdict::Wall::ScriptOnly) | NotArticle::Empty { .. })
    )
}

/// One web page at `url`, fetched now and reduced to its article, for a look at it
/// (`inkquire extract`), with the source's `keep` and `remove` selectors: the article, and why
/// it does not look like one, if it does not. A feed or an OPML list is no page.
pub fn page_at(
    s: &SourceConfig,
    fetcher: &dyn Fetcher,
    config: &Config,
    browser: Option<&crate::browser::Browser>,
) -> Result<(Article, Option<NotArticle>), Failure> {
    let url = s
        .url
        .as_deref()
        .ok_or_else(|| Failure::from("no address".to_owned()))?;
    fetcher.allow_private(url);
    let creds = page_credentials(s, &config.fetch.site_rules, url)?;
    let with = creds.as_deref().map(|creds| WithCredentials {
        inner: fetcher,
        creds,
    });
    let fetcher: &dyn Fetcher = match &with {
        Some(w) => w,
        None => fetcher,
    };
    let page = get_plain(fetcher, url)?;
    match feed::sniff(&page.body) {
        DocKind::Page => {}
        DocKind::Feed => return Err(Failure::new(Kind::Other, "is a feed, not a page")),
        DocKind::Opml => return Err(Failure::new(Kind::Other, "is an OPML list, not a page")),
    }
    let text = super::decode::decode(&page.body)
        .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
        .text;
    Ok(page_article(
        &text,
        Some(&page.url),
        s,
        config,
        Some(fetcher),
        browser.map(|b| (b, Some(&page))),
    ))
}

/// What a page of source `s` at `url` is fetched with: the source's headers and cookies, and
/// the `http_header`s of the page's site rule.
pub(crate) fn page_credentials(
    s: &SourceConfig,
    site_rules: &[std::path::PathBuf],
    url: &str,
) -> Result<Option<std::sync::Arc<crate::fetch::Credentials>>, Failure> {
    let source = super::login::of(s)?;
    let rule_headers = super::ruled::any_rule(site_rules, url)
        .map(|r| r.http_headers.clone())
        .unwrap_or_default();
    Ok(super::login::for_page(source.as_ref(), &rule_headers, url))
}

/// A fetched page decoded; an AMP page gives way to the page it stands for (its canonical
/// page), when that can be fetched.
pub(crate) fn not_amp(
    fetcher: &dyn Fetcher,
    page: crate::fetch::Page,
) -> Result<(crate::fetch::Page, String), Failure> {
    let text = super::decode::decode(&page.body)
        .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
        .text;
    if let Some(canonical) = super::address::amp_canonical(&text, &page.url) {
        let full = get_plain(fetcher, &canonical).and_then(|p| {
            let t = super::decode::decode(&p.body)
                .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
                .text;
            Ok((p, t))
        });
        match full {
            Ok(found) => return Ok(found),
            Err(e) => crate::debug_line!(
                "{}: the AMP page's own page {canonical} not fetched ({e}); reading the AMP page",
                page.url
            ),
        }
    }
    Ok((page, text))
}

/// A single web page as an article, and whether it looks like none.
pub(crate) fn page_article(
    text: &str,
    url: Option<&str>,
    s: &SourceConfig,
    config: &Config,
    fetcher: Option<&dyn Fetcher>,
    browser: Option<(&crate::browser::Browser, Option<&crate::fetch::Page>)>,
) -> (Article, Option<NotArticle>) {
    let p = reduce_page(text, url, s, &config.fetch.site_rules, fetcher, browser);
    if let Some(note) = &p.rule_note {
        crate::warn_line!("{note}");
    }
    let verdict = p.not_article.clone();
    let key = url.map(canonical_url).unwrap_or_else(|| s.location());
    let title = p.title.clone().unwrap_or_else(|| s.location());
    let mut topics: Vec<String> = s.topics.iter().map(|t| t.to_lowercase()).collect();
    for t in super::topics::keyword_topics(config, &title, &p.body_html) {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let article = Article {
        id: short_hash(&key),
        title,
        byline: p.byline,
        published: p.published,
        topics,
        source: s
            .name
            .clone()
            .or(p.site_name)
            .unwrap_or_else(|| host_or(&s.location())),
        url: url.map(str::to_owned).or(p.url.clone()),
        lang: p.lang.as_deref().and_then(normalize_lang),
        summary: p.summary,
        lead_image: p.lead_image,
        body_html: p.body_html,
        base: Base {
            url: url.map(str::to_owned),
            dir: None,
            root: None,
        },
        origin: s.location(),
        seen: Some(Utc::now().fixed_offset()),
        story: Default::default(),
    };
    (article, verdict)
}

pub(crate) fn not_article_failure(why: &NotArticle, browser: bool) -> Failure {
    if let (Some(wall), Some(said)) = (why.wall(), why.wall_said()) {
        let hint = wall
            .hint(browser)
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        return Failure::new(
            Kind::Blocked,
            format!("blocked ({}): {said}{hint}", wall.reason()),
        );
    }
    Failure::new(
        Kind::NotArticle,
        format!(
            "does not look like an article: {why} (--force, or keep-non-articles = true on its [[source]], keeps it)"
        ),
    )
}

pub(crate) fn host_or(location: &str) -> String {
    url::Url::parse(location)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| location.to_owned())
}

/// Canonical form of an article address: no tracking parameters (see [`super::address`]).
pub fn canonical_url(u: &str) -> String {
    super::address::without_tracking(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_urls_drop_tracking() {
        assert_eq!(
            canonical_url("https://e.x/a?utm_source=rss&id=3#top"),
            "https://e.x/a?id=3#top"
        );
        assert_eq!(canonical_url("https://e.x/a?utm_medium=x"), "https://e.x/a");
    }
}
