//! Choosing which collected articles go into an issue: a date window, topics, and a limit.

use chrono::{DateTime, FixedOffset};

use crate::model::Article;

/// What to keep. Empty fields keep everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Keep articles dated at or after this instant.
    pub from: Option<DateTime<FixedOffset>>,
    /// Keep articles dated at or before this instant.
    pub to: Option<DateTime<FixedOffset>>,
    /// Keep articles with any of these topics (case-insensitive).
    pub topics: Vec<String>,
    /// Keep at most this many, newest first.
    pub limit: Option<usize>,
}

impl Selection {
    fn has_window(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    pub fn keeps(&self, a: &Article) -> bool {
        if self.has_window() {
            let Some(when) = article_time(a) else {
                return false;
            };
            if self.from.is_some_and(|f| when < f) || self.to.is_some_and(|t| when > t) {
                return false;
            }
        }
        self.topics.is_empty()
            || self
                .topics
                .iter()
                .any(|want| a.topics.iter().any(|t| t.eq_ignore_ascii_case(want.trim())))
    }
}

/// When an article counts as being from: its publication time, else when it was first seen.
pub fn article_time(a: &Article) -> Option<DateTime<FixedOffset>> {
    a.published.map(|p| p.at).or(a.seen)
}

/// Apply `sel` to `articles`. The result is newest first (undated last), ties by title, so that
/// the same inputs always give the same order.
pub fn apply(mut articles: Vec<Article>, sel: &Selection) -> Vec<Article> {
    articles.retain(|a| sel.keeps(a));
    articles.sort_by(|a, b| {
        let (ta, tb) = (a.published.map(|p| p.at), b.published.map(|p| p.at));
        tb.cmp(&ta)
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.id.cmp(&b.id))
    });
    // The same file named twice (or reached through two folders) appears once.
    let mut seen = std::collections::HashSet::new();
    articles.retain(|a| seen.insert(a.id.clone()));
    if let Some(n) = sel.limit {
        articles.truncate(n);
    }
    articles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Base, Published};

    fn art(title: &str, day: Option<&str>, topics: &[&str]) -> Article {
        Article {
            id: title.to_owned(),
            title: title.to_owned(),
            byline: None,
            published: day.map(|d| Published {
                at: DateTime::parse_from_rfc3339(d).unwrap(),
                has_time: true,
            }),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            source: "s".into(),
            url: None,
            lang: None,
            summary: None,
            lead_image: None,
            body_html: String::new(),
            base: Base::default(),
            origin: title.to_owned(),
            seen: None,
            story: Default::default(),
        }
    }

    #[test]
    fn window_topic_limit() {
        let arts = vec![
            art("old", Some("2026-11-01T00:00:00Z"), &["world"]),
            art("new", Some("2026-11-27T00:00:00Z"), &["Tech"]),
            art("mid", Some("2026-11-20T00:00:00Z"), &["tech"]),
            art("undated", None, &["tech"]),
        ];
        let since = Selection {
            from: Some(DateTime::parse_from_rfc3339("2026-11-15T00:00:00Z").unwrap()),
            ..Default::default()
        };
        let got: Vec<_> = apply(arts.clone(), &since)
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(got, ["new", "mid"]);
        let tech = Selection {
            topics: vec!["TECH".into()],
            limit: Some(2),
            ..Default::default()
        };
        let got: Vec<_> = apply(arts.clone(), &tech)
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(got, ["new", "mid"]);
        let all: Vec<_> = apply(arts, &Selection::default())
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(all, ["new", "mid", "old", "undated"]);
    }
}
