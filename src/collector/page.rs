//! The page helpers several kinds of source share: a source's bytes (by address or path), a
//! page fetched plainly, a web page reduced to an article, and addresses in their canonical
//! form. Nothing here chooses a kind of source.

use chrono::Utc;

use super::context::Collect;
use super::harvest::gzip_fast;
use super::verdict::NotArticle;
use super::{feed, html, local, rules};
use crate::config::{Config, SourceConfig};
use crate::fetch::{Fetched, Fetcher};
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
        return match ctx.fetcher.get(url, v) {
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
    let page = get_plain(ctx.fetcher, url)?;
    let text = super::decode::decode(&page.body)
        .map_err(|e| Failure::new(Kind::Parse, e.to_string()))?
        .text;
    let article = reduce(&text, Some(&page.url), s, ctx.config, Some(ctx.fetcher));
    let gzip = match page.gzip {
        Some(wire) => wire,
        None => gzip_fast(&page.body),
    };
    Ok((article, gzip))
}

/// One web page at `url`, fetched now and reduced to its article, for a look at it
/// (`inkquire extract`), with the source's `keep` and `remove` selectors: the article, and why
/// it does not look like one, if it does not. A feed or an OPML list is no page.
pub fn page_at(
    s: &SourceConfig,
    fetcher: &dyn Fetcher,
    config: &Config,
) -> Result<(Article, Option<NotArticle>), Failure> {
    let url = s
        .url
        .as_deref()
        .ok_or_else(|| Failure::from("no address".to_owned()))?;
    fetcher.allow_private(url);
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
    ))
}

/// The most pages one article is read from (its first and the next pages its rule links).
const MAX_PAGES: usize = 20;

/// A web page at `url` reduced to its article, by its site's rule when the config's rules
/// folders have one for it, else by extraction alone; the source's `keep` and `remove`
/// selectors apply after either. With a `fetcher`, a rule's single-page version is read
/// instead of the page, and its next pages are joined to it (at most [`MAX_PAGES`], none
/// twice), each fetched through the same guards as any page.
pub(crate) fn reduce(
    text: &str,
    url: Option<&str>,
    s: &SourceConfig,
    config: &Config,
    fetcher: Option<&dyn Fetcher>,
) -> html::PageArticle {
    let automatic =
        |text: &str, url: Option<&str>| html::extract_page(text, url, &s.keep, &s.remove);
    let Some((rule, page_url)) = url.and_then(|u| site_rule(config, u).map(|r| (r, u))) else {
        return automatic(text, url);
    };
    let name = rule
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fetch = |link: &str, base: &str| -> Option<(String, String)> {
        let f = fetcher?;
        let abs = url::Url::parse(base).ok()?.join(link).ok()?;
        if !matches!(abs.scheme(), "http" | "https") {
            return None;
        }
        let page = get_plain(f, abs.as_str()).ok()?;
        let text = super::decode::decode(&page.body).ok()?.text;
        Some((text, page.url))
    };
    let mut ruled = rules::apply(&rule, text);
    let mut page_url = page_url.to_owned();
    let mut page_text = None;
    if let Some(link) = ruled.single_page.clone()
        && let Some((single, at)) = fetch(&link, &page_url)
        && at != page_url
    {
        let r = rules::apply(&rule, &single);
        if r.body.is_some() || rule.body.is_empty() {
            (ruled, page_url, page_text) = (r, at, Some(single));
        }
    }
    if ruled.native_ad {
        let mut p = automatic(page_text.as_deref().unwrap_or(text), Some(&page_url));
        p.not_article = Some(super::verdict::NotArticle::Advertising { rule: name });
        return p;
    }
    if let Some(first) = ruled.body.as_mut() {
        let mut seen = vec![page_url.clone()];
        let (mut next, mut at) = (ruled.next_page.clone(), page_url.clone());
        while let Some(link) = next.take() {
            if seen.len() >= MAX_PAGES {
                crate::debug_line!("{page_url}: more than {MAX_PAGES} pages; the rest left out");
                break;
            }
            let Some(abs) = url::Url::parse(&at).ok().and_then(|b| b.join(&link).ok()) else {
                break;
            };
            if seen.iter().any(|u| u == abs.as_str()) {
                break;
            }
            let Some((more, final_url)) = fetch(abs.as_str(), &at) else {
                break;
            };
            seen.push(abs.to_string());
            if !seen.contains(&final_url) {
                seen.push(final_url.clone());
            }
            let r = rules::apply(&rule, &more);
            let Some(body) = r.body else { break };
            first.push_str(&body);
            (next, at) = (r.next_page, final_url);
        }
    }
    let page_text = ruled.page.as_str();
    let mut p = match &ruled.body {
        Some(body) => html::extract_given(
            page_text,
            Some(&page_url),
            &s.keep,
            &s.remove,
            &html::Given {
                html: body,
                prune: rule.prune.unwrap_or(true),
            },
        ),
        None if rule.body.is_empty() => automatic(page_text, Some(&page_url)),
        None if rule.autodetect_on_failure == Some(false) => {
            let mut p = automatic(page_text, Some(&page_url));
            p.not_article = Some(super::verdict::NotArticle::RuleMissed { rule: name.clone() });
            p
        }
        None => {
            let mut p = automatic(page_text, Some(&page_url));
            p.rule_note = Some(format!(
                "the site rule {name} found no body on {page_url}; extracted automatically"
            ));
            p
        }
    };
    if let Some(t) = ruled.title {
        p.title = Some(t);
    }
    if let Some(a) = ruled.author {
        p.byline = Some(a);
    }
    if let Some(d) = ruled
        .date
        .as_deref()
        .and_then(crate::dates::parse_published)
    {
        p.published = Some(d);
    }
    p
}

/// The site rule for the page at `url`, when the config names rules folders and they hold
/// one that says how to read a page.
fn site_rule(config: &Config, url: &str) -> Option<std::sync::Arc<rules::SiteRule>> {
    if config.fetch.site_rules.is_empty() {
        return None;
    }
    rules::library(&config.fetch.site_rules)
        .ok()?
        .for_url(url)
        .filter(|r| r.shapes_the_page())
}

/// A single web page as an article, and whether it looks like none.
pub(crate) fn page_article(
    text: &str,
    url: Option<&str>,
    s: &SourceConfig,
    config: &Config,
    fetcher: Option<&dyn Fetcher>,
) -> (Article, Option<NotArticle>) {
    let p = reduce(text, url, s, config, fetcher);
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
    };
    (article, verdict)
}

pub(crate) fn not_article_failure(why: &NotArticle) -> Failure {
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

/// Canonical form of an article address: no tracking parameters. The fragment stays: blogs like
/// Scripting News give each post of a day's page its own `#anchor`.
pub fn canonical_url(u: &str) -> String {
    let Ok(mut url) = url::Url::parse(u) else {
        return u.to_owned();
    };
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_") && k != "fbclid" && k != "gclid")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
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
