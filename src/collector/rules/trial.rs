//! A rule tried on the pages its file names (`test_url`, `test_contains`): whether its body
//! still finds the article there, and whether the texts it should hold are in it. What
//! `inkquire rules test` reports, to keep one's own rules working.

use super::{SiteRule, apply};
use crate::fetch::{Fetched, Fetcher, Validators};

/// How one `test_url` went.
#[derive(Debug, Clone)]
pub struct Trial {
    pub url: String,
    /// The page could not be fetched or read: why.
    pub failed: Option<String>,
    /// The rule's body found something (always true for a rule without `body`).
    pub body_found: bool,
    /// The `test_contains` texts not found in the article's text.
    pub missing: Vec<String>,
}

impl Trial {
    pub fn passed(&self) -> bool {
        self.failed.is_none() && self.body_found && self.missing.is_empty()
    }
}

/// Fetch each of the rule's test pages and try the rule on it.
pub fn try_rule(rule: &SiteRule, fetcher: &dyn Fetcher) -> Vec<Trial> {
    rule.tests
        .iter()
        .map(|t| {
            let mut trial = Trial {
                url: t.url.clone(),
                failed: None,
                body_found: false,
                missing: vec![],
            };
            // The user named these pages, as they name a source.
            fetcher.allow_private(&t.url);
            let text = match fetcher.get(&t.url, &Validators::default()) {
                Ok(Fetched::Body(page)) => match crate::collector::decode::decode(&page.body) {
                    Ok(d) => d.text,
                    Err(e) => {
                        trial.failed = Some(e.to_string());
                        return trial;
                    }
                },
                Ok(Fetched::NotModified) => {
                    trial.failed = Some("the server answered 304".to_owned());
                    return trial;
                }
                Err(e) => {
                    trial.failed = Some(e.to_string());
                    return trial;
                }
            };
            let ruled = apply(rule, &text);
            trial.body_found = ruled.body.is_some() || rule.body.is_empty();
            let shown = ruled.body.as_deref().unwrap_or(&ruled.page);
            let words = crate::filters::plain_text(shown);
            trial.missing = t
                .contains
                .iter()
                .filter(|c| !words.contains(&crate::filters::plain_text(c)))
                .cloned()
                .collect();
            trial
        })
        .collect()
}
