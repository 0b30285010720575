//! A page read by its site's rule: the rule found for its address in the config's rules
//! folders, its single-page version and next pages fetched (when a fetcher is given), and the
//! body the rule found handed to extraction as the article's; a page without a rule, or whose
//! rule finds nothing, is extracted automatically. Shared by fetched pages (`page.rs`) and
//! saved ones (`local.rs`).

use std::path::PathBuf;

use super::{html, rules};
use crate::config::SourceConfig;
use crate::fetch::{Fetched, Fetcher, Validators};

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
    site_rules: &[PathBuf],
    fetcher: Option<&dyn Fetcher>,
    saved_at: Option<&str>,
) -> html::PageArticle {
    // A saved page's pictures and links resolve from where it is saved (its `file:` address);
    // its web address only chooses the rule.
    let doc_url = |u: &str| saved_at.unwrap_or(u).to_owned();
    let automatic =
        |text: &str, url: Option<&str>| html::extract_page(text, url, &s.keep, &s.remove);
    let Some((rule, page_url)) = url.and_then(|u| site_rule(site_rules, u).map(|r| (r, u))) else {
        return automatic(text, saved_at.or(url));
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
        let Ok(Fetched::Body(page)) = f.get(abs.as_str(), &Validators::default()) else {
            return None;
        };
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
        let mut p = automatic(
            page_text.as_deref().unwrap_or(text),
            Some(doc_url(&page_url).as_str()),
        );
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
            Some(doc_url(&page_url).as_str()),
            &s.keep,
            &s.remove,
            &html::Given {
                html: body,
                prune: rule.prune.unwrap_or(true),
            },
        ),
        None if rule.body.is_empty() => automatic(page_text, Some(doc_url(&page_url).as_str())),
        None if rule.autodetect_on_failure == Some(false) => {
            let mut p = automatic(page_text, Some(doc_url(&page_url).as_str()));
            p.not_article = Some(super::verdict::NotArticle::RuleMissed { rule: name.clone() });
            p
        }
        None => {
            let mut p = automatic(page_text, Some(doc_url(&page_url).as_str()));
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
pub(crate) fn site_rule(
    site_rules: &[PathBuf],
    url: &str,
) -> Option<std::sync::Arc<rules::SiteRule>> {
    any_rule(site_rules, url).filter(|r| r.shapes_the_page())
}

/// The site rule for the page at `url`, whatever it says (its `http_header`s, say).
pub(crate) fn any_rule(
    site_rules: &[PathBuf],
    url: &str,
) -> Option<std::sync::Arc<rules::SiteRule>> {
    if site_rules.is_empty() {
        return None;
    }
    rules::library(site_rules).ok()?.for_url(url)
}
