//! Clean addresses: an article's address without the parameters that only track who clicked
//! (`utm_*`, `fbclid`, `mc_cid`, …), rewritten by the source's own `rewrite` rules, before it is
//! fetched and before it is recorded, so one article reached with different tracking is one
//! article. And an AMP page's own address for the page it stands for.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::config::{Rewrite, SourceConfig};

/// Query parameters that track a click and never choose what a page shows (lower case; a name
/// ending in `*` is a prefix). From the lists privacy tools share (ClearURLs, Firefox's query
/// stripping): ad networks' click ids, newsletter and social sharing tags.
const TRACKING: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "igshid",
    "igsh",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsctatracking",
    "mkt_tok",
    "yclid",
    "ysclid",
    "_openstat",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "vero_conv",
    "wickedid",
    "rb_clickid",
    "s_cid",
    "ncid",
    "ref_src",
    "ref_url",
    "sr_share",
    "at_campaign",
    "at_medium",
    "xtor",
    "fb_action_ids",
    "fb_action_types",
    "fb_source",
    "fb_ref",
    "ga_source",
    "ga_medium",
    "ga_campaign",
    "ga_content",
    "ga_term",
    "_ga",
    "_gl",
    "cmpid",
    "itm_*",
    "pk_campaign",
    "pk_kwd",
    "pk_source",
    "pk_medium",
    "mtm_*",
];

fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    TRACKING.iter().any(|t| match t.strip_suffix('*') {
        Some(prefix) => n.starts_with(prefix),
        None => n == *t,
    })
}

/// `u` without tracking parameters; the fragment stays (blogs like Scripting News give each post
/// of a day's page its own `#anchor`). Text that is no address is returned as it is.
pub fn without_tracking(u: &str) -> String {
    strip_query(u, is_tracking)
}

/// The form addresses were recorded in before the fuller list of tracking parameters (only
/// `utm_*`, `fbclid`, `gclid` removed): an article stored then is still known by it.
pub fn legacy_key(u: &str) -> String {
    strip_query(u, |k| {
        k.starts_with("utm_") || k == "fbclid" || k == "gclid"
    })
}

fn strip_query(u: &str, drop: impl Fn(&str) -> bool) -> String {
    let Ok(mut url) = url::Url::parse(u) else {
        return u.to_owned();
    };
    if url.query().is_none() {
        return url.to_string();
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !drop(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// An article's address as the source `s` wants it fetched and recorded: without tracking,
/// then through the source's `rewrite` rules in order.
pub fn article_address(u: &str, s: &SourceConfig) -> String {
    let mut out = without_tracking(u);
    for r in &s.rewrite {
        if let Some(re) = compiled(r) {
            let next = re.replace(&out, r.to.as_str()).into_owned();
            // A rule may only make another web address of it.
            if next != out
                && url::Url::parse(&next).is_ok_and(|n| matches!(n.scheme(), "http" | "https"))
            {
                out = next;
            }
        }
    }
    out
}

/// The rule's regex, compiled once a process (the config was checked when it was read).
fn compiled(r: &Rewrite) -> Option<regex::Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex::Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().ok()?;
    cache
        .entry(r.pattern.clone())
        .or_insert_with(|| regex::Regex::new(&r.pattern).ok())
        .clone()
}

/// The address of the page an AMP page stands for: an `<html amp>` (or `<html ⚡>`) page's
/// `<link rel="canonical">`, when it names another web page.
pub fn amp_canonical(html: &str, url: &str) -> Option<String> {
    let head_end = html
        .get(..html.len().min(64 * 1024))
        .map(|h| h.find("</head>").unwrap_or(h.len()))?;
    let head = &html[..head_end];
    let lower = head.to_ascii_lowercase();
    let at = lower.find("<html")?;
    let tag_end = lower[at..].find('>')? + at;
    let is_amp = head[at + 5..tag_end]
        .split(|c: char| c.is_whitespace() || c == '=')
        .any(|a| a.eq_ignore_ascii_case("amp") || a == "⚡");
    if !is_amp {
        return None;
    }
    let doc = dom_query::Document::from(head);
    let href = doc.select("link[rel~=canonical]").attr("href")?;
    let abs = url::Url::parse(url).ok()?.join(href.trim()).ok()?;
    (matches!(abs.scheme(), "http" | "https") && abs.as_str() != url).then(|| abs.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_goes_the_rest_stays() {
        assert_eq!(
            without_tracking("https://e.x/a?utm_source=rss&id=3&mc_cid=1&MC_EID=2&fbclid=z#top"),
            "https://e.x/a?id=3#top"
        );
        assert_eq!(
            without_tracking("https://e.x/a?utm_medium=x"),
            "https://e.x/a"
        );
        assert_eq!(
            without_tracking("https://e.x/a?page=2"),
            "https://e.x/a?page=2"
        );
        assert_eq!(without_tracking("not an address"), "not an address");
        // The legacy key keeps what the fuller list now removes.
        assert_eq!(
            legacy_key("https://e.x/a?utm_source=rss&mc_cid=1"),
            "https://e.x/a?mc_cid=1"
        );
    }

    #[test]
    fn rewrites_apply_in_order_and_only_to_web_addresses() {
        let mut s = SourceConfig::from_arg("https://e.x/feed");
        s.rewrite = vec![
            Rewrite {
                pattern: r"^https://e\.x/(\d+)/(.*)$".into(),
                to: "https://e.x/print/$1/$2".into(),
            },
            Rewrite {
                pattern: r"^https://e\.x/print/7/.*$".into(),
                to: "javascript:alert(1)".into(),
            },
        ];
        assert_eq!(
            article_address("https://e.x/7/story?utm_source=x", &s),
            "https://e.x/print/7/story"
        );
        assert_eq!(
            article_address("https://e.x/about", &s),
            "https://e.x/about"
        );
    }

    #[test]
    fn an_amp_page_names_its_canonical_page() {
        let amp = r#"<!doctype html><html ⚡ lang="en"><head><link rel="canonical" href="/story.html"></head><body></body></html>"#;
        assert_eq!(
            amp_canonical(amp, "https://e.x/amp/story.html").as_deref(),
            Some("https://e.x/story.html")
        );
        let amp2 = r#"<html amp><head><link rel="canonical" href="https://e.x/s"></head></html>"#;
        assert_eq!(
            amp_canonical(amp2, "https://e.x/s/amp").as_deref(),
            Some("https://e.x/s")
        );
        let plain = r#"<html lang="en"><head><link rel="canonical" href="/other"></head></html>"#;
        assert_eq!(amp_canonical(plain, "https://e.x/s"), None);
        let itself = r#"<html amp><head><link rel="canonical" href="https://e.x/s"></head></html>"#;
        assert_eq!(amp_canonical(itself, "https://e.x/s"), None);
        // `example` holds "amp" but is no `amp` attribute.
        let word = r#"<html class="example"><head><link rel="canonical" href="/o"></head></html>"#;
        assert_eq!(amp_canonical(word, "https://e.x/s"), None);
    }
}
