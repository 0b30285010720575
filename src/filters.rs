//! Filters: which collected articles a reader never wants (`block`), or the only ones they want
//! (`allow`), and the shortest they will read (`min-words`), globally (`[filters]`) and per
//! source. An entry is words (case-insensitive, whole words: `football` does not match
//! `footballer`) or a `/regular expression/`, optionally after the field it looks at:
//! `title:`, `author:`, `url:`, `text:`; without one it looks at the title and the text.
//! A filtered article is recorded with the entry that matched, never pending, never in an issue.

use crate::model::Article;

/// What an entry looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Author,
    Url,
    Text,
    /// The title and the text.
    Any,
}

#[derive(Debug, Clone)]
enum Pattern {
    /// Lower-case words, matched as a run of whole words.
    Words(Vec<String>),
    Regex(regex::Regex),
}

/// One `block` or `allow` entry.
#[derive(Debug, Clone)]
pub struct Entry {
    field: Field,
    pattern: Pattern,
    /// The entry as written, to name in the report.
    pub written: String,
}

/// An entry that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("\"{entry}\": /{regex}/ is not a regular expression ({why})")]
    Regex {
        entry: String,
        regex: String,
        why: String,
    },
    #[error("\"{0}\" has nothing to look for")]
    Empty(String),
}

impl Entry {
    /// Read one entry.
    pub fn parse(written: &str) -> Result<Entry, FilterError> {
        let w = written.trim();
        let (field, rest) = match w.split_once(':') {
            Some((f, rest)) => match f.trim().to_ascii_lowercase().as_str() {
                "title" => (Field::Title, rest.trim()),
                "author" => (Field::Author, rest.trim()),
                "url" => (Field::Url, rest.trim()),
                "text" => (Field::Text, rest.trim()),
                _ => (Field::Any, w),
            },
            None => (Field::Any, w),
        };
        let pattern = if rest.len() >= 2 && rest.starts_with('/') && rest.ends_with('/') {
            let inner = &rest[1..rest.len() - 1];
            if inner.is_empty() {
                return Err(FilterError::Empty(written.to_owned()));
            }
            match regex::Regex::new(inner) {
                Ok(re) => Pattern::Regex(re),
                Err(e) => {
                    let why = e.to_string();
                    return Err(FilterError::Regex {
                        entry: written.to_owned(),
                        regex: inner.to_owned(),
                        why: why.lines().last().unwrap_or_default().trim().to_owned(),
                    });
                }
            }
        } else {
            let words = words_of(rest);
            if words.is_empty() {
                return Err(FilterError::Empty(written.to_owned()));
            }
            Pattern::Words(words)
        };
        Ok(Entry {
            field,
            pattern,
            written: w.to_owned(),
        })
    }

    /// Whether the entry matches the article (`text`: its body as plain text).
    fn matches(&self, a: &Article, text: &str) -> bool {
        let fields: Vec<&str> = match self.field {
            Field::Title => vec![&a.title],
            Field::Author => vec![a.byline.as_deref().unwrap_or("")],
            Field::Url => vec![a.url.as_deref().unwrap_or("")],
            Field::Text => vec![text],
            Field::Any => vec![&a.title, text],
        };
        fields.iter().any(|f| match &self.pattern {
            Pattern::Regex(re) => re.is_match(f),
            Pattern::Words(want) => {
                let have = words_of(f);
                have.windows(want.len()).any(|w| w == want.as_slice())
            }
        })
    }
}

/// Lower-case words: runs of letters and digits.
fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// One list of filters: `[filters]`, or a source's own.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub block: Vec<Entry>,
    pub allow: Vec<Entry>,
    pub min_words: Option<usize>,
}

impl Filters {
    /// Read `block` and `allow` entries (the first bad one is the error).
    pub fn new(
        block: &[String],
        allow: &[String],
        min_words: Option<usize>,
    ) -> Result<Filters, FilterError> {
        Ok(Filters {
            block: block
                .iter()
                .map(|e| Entry::parse(e))
                .collect::<Result<_, _>>()?,
            allow: allow
                .iter()
                .map(|e| Entry::parse(e))
                .collect::<Result<_, _>>()?,
            min_words,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.block.is_empty() && self.allow.is_empty() && self.min_words.is_none()
    }

    /// Why the article is filtered out by these filters (`scope`: "[filters]" or the source),
    /// or `None` when it is kept.
    pub fn verdict(&self, a: &Article, text: &str, scope: &str) -> Option<String> {
        if let Some(e) = self.block.iter().find(|e| e.matches(a, text)) {
            return Some(format!("{scope} block \"{}\"", e.written));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|e| e.matches(a, text)) {
            return Some(format!("{scope} allow: matches none of its entries"));
        }
        if let Some(n) = self.min_words {
            let words = crate::words::count_words(text);
            if words < n {
                return Some(format!("{scope} min-words = {n} (it has {words})"));
            }
        }
        None
    }
}

/// The article's body as plain text, for the filters to read.
pub fn plain_text(body_html: &str) -> String {
    dom_query::Document::fragment(body_html)
        .root()
        .text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> Article {
        Article {
            title: title.to_owned(),
            byline: Some("Jo Bloggs".into()),
            url: Some("https://e.x/sport/123?ref=x".into()),
            body_html: format!("<p>{body}</p>"),
            ..Article::default()
        }
    }

    #[test]
    fn entries_match_whole_words_in_their_field_or_a_regex() {
        let a = article("Football results: City win", "The footballer scored twice.");
        let text = plain_text(&a.body_html);
        let m = |e: &str| Entry::parse(e).unwrap().matches(&a, &text);
        assert!(m("football"));
        assert!(m("FOOTBALL RESULTS"));
        assert!(!m("footballers"));
        assert!(m("text: scored twice"));
        assert!(!m("title: scored"));
        assert!(m("author: bloggs"));
        assert!(m("url: /sport/[0-9]+/"));
        assert!(!m("url: /politics/"));
        assert!(m("/[Ff]oot(ball)?er/"));
        assert!(!m("/Footballer/"), "a regex is as written: case counts");
        // A colon in a phrase with no field before it is part of the words.
        assert!(m("results: city"));
    }

    #[test]
    fn block_then_allow_then_length() {
        let f = Filters::new(
            &["title: horoscope".into()],
            &["rust".into(), "/Linux/".into()],
            Some(5),
        )
        .unwrap();
        let v = |t: &str, b: &str| {
            let a = article(t, b);
            f.verdict(&a, &plain_text(&a.body_html), "[filters]")
        };
        assert_eq!(
            v("Rust horoscope", "Rust news in many many words."),
            Some("[filters] block \"title: horoscope\"".into())
        );
        assert_eq!(
            v("Gardening", "Tomatoes in many many words."),
            Some("[filters] allow: matches none of its entries".into())
        );
        assert_eq!(
            v("Rust 2.0", "Too short."),
            Some("[filters] min-words = 5 (it has 2)".into())
        );
        assert_eq!(v("Linux kernel", "A long enough text about it."), None);
    }

    #[test]
    fn a_bad_regex_is_named_with_its_entry() {
        let e = Filters::new(&["title: /(unclosed/".into()], &[], None).unwrap_err();
        assert!(e.to_string().contains("(unclosed"), "{e}");
        assert!(matches!(Entry::parse("//"), Err(FilterError::Empty(_))));
        assert!(matches!(
            Entry::parse("title:   "),
            Err(FilterError::Empty(_))
        ));
    }
}
