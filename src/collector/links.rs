//! A read-later list: a text file of addresses, one a line, as phone shortcuts and sync folders
//! write it (`[[source]] kind = "links"`).
//!
//! ```text
//! # comments and blank lines are ignored
//! https://example.org/a-story
//! science: https://example.org/another     (a topic for this one)
//! ```
//!
//! Each address becomes an article once; a page that cannot be had is tried again on the next
//! runs, [`MAX_TRIES`] times in all, then reported and left alone.

/// Tries a page of a links list gets before it is given up.
pub const MAX_TRIES: u32 = 3;

/// The most pages of one list fetched in one run; the rest come on the next runs.
pub const MAX_PER_RUN: usize = 100;

/// One address of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// The topic written before it (`topic: URL`), lower-cased.
    pub topic: Option<String>,
    /// Its line in the file, from 1.
    pub line: usize,
}

/// The addresses of a links list, each once, and a word for each line that is neither an
/// address, a comment nor blank.
pub fn parse(text: &str) -> (Vec<Link>, Vec<String>) {
    let mut links: Vec<Link> = Vec::new();
    let mut odd = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (topic, rest) = if has_scheme(line) {
            (None, line)
        } else {
            match line.split_once(':') {
                Some((t, rest)) if has_scheme(rest.trim()) && !t.trim().is_empty() => {
                    (Some(t.trim().to_lowercase()), rest.trim())
                }
                _ => {
                    odd.push(format!(
                        "line {}: not an address (nor `topic: address`), left out",
                        i + 1
                    ));
                    continue;
                }
            }
        };
        // An address ends at the first space: a title after it (`URL  Some title`) is not part of it.
        let url = rest.split_whitespace().next().unwrap_or_default();
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
                let url = u.to_string();
                if !links.iter().any(|l| l.url == url) {
                    links.push(Link {
                        url,
                        topic,
                        line: i + 1,
                    });
                }
            }
            _ => odd.push(format!(
                "line {}: {} is not a web address (http or https), left out",
                i + 1,
                url.chars().take(80).collect::<String>()
            )),
        }
    }
    (links, odd)
}

/// Does `s` start with a URL scheme (`https://`, `ftp://`)?
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_topics_and_odd_lines() {
        let text = "\u{feff}# my list\n\n  https://example.org/a  \nScience: https://example.org/b?x=1#frag\n\
                    https://example.org/a\nnot a link\nftp://example.org/file\nnote: nothing here\n\
                    https://example.org/c A title after it\r\n";
        let (links, odd) = parse(text);
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.org/a",
                "https://example.org/b?x=1#frag",
                "https://example.org/c"
            ]
        );
        assert_eq!(links[1].topic.as_deref(), Some("science"));
        assert_eq!(links[0].topic, None);
        assert_eq!(links[2].line, 9);
        assert_eq!(odd.len(), 3, "{odd:?}");
        assert!(odd[0].starts_with("line 6:"), "{odd:?}");
        assert!(odd[1].contains("ftp://example.org/file"), "{odd:?}");
    }
}
