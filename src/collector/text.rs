//! Plain text in the shape of raw news copy (see `shared/corpus/seed/README.md`):
//!
//! ```text
//! Get the latest updates as we post them — right on your browser     ← promotional line: dropped
//! . Last Updated: 07/27/2016                                         ← stamp: the article's date
//! North Korea Apologizes For Japanese Abductions                    ← headline: the title
//! PYONGYANG, North Korea -- North Korea on Tuesday apologized …     ← body, dateline kept
//! ```
//!
//! Paragraphs are separated by blank lines; lines inside a paragraph are joined. Everything before a
//! "Last Updated" stamp is page furniture. Without a stamp, known promotional lines are dropped and
//! the first remaining short paragraph is the headline.

use chrono::NaiveDate;

use super::parsed::Parsed;
use crate::model::Published;

/// Paragraphs longer than this are body text, never a headline.
const MAX_HEADLINE_CHARS: usize = 200;

pub(crate) fn read(text: &str) -> Parsed {
    let paragraphs = split_paragraphs(text);
    let mut parsed = Parsed::default();
    let mut rest: Vec<String> = Vec::new();
    let mut stamp_at = None;
    for (i, para) in paragraphs.iter().enumerate() {
        if let Some(date) = last_updated(para) {
            if parsed.published.is_none() {
                parsed.published = Some(Published::date_only(date));
                stamp_at = Some(i);
            }
            continue;
        }
        rest.push(para.clone());
    }
    // Page furniture before the stamp is not part of the story.
    if let Some(at) = stamp_at {
        let leading = paragraphs[..at]
            .iter()
            .filter(|p| last_updated(p).is_none())
            .count();
        rest.drain(..leading.min(rest.len()));
    }
    rest.retain(|p| !is_promotional(p));
    if let Some(first) = rest.first()
        && first.chars().count() <= MAX_HEADLINE_CHARS
        && !first.ends_with(['.', ',', ';', ':'])
    {
        parsed.title = Some(rest.remove(0));
    }
    if let Some(first) = rest.first()
        && let Some(byline) = byline(first)
    {
        parsed.byline = Some(byline);
        rest.remove(0);
    }
    let mut html = String::new();
    for (i, para) in rest.iter().enumerate() {
        html.push_str("<p>");
        match dateline(para).filter(|_| i == 0) {
            Some(len) => {
                html.push_str("<span class=\"dateline\">");
                html.push_str(&escape(&para[..len]));
                html.push_str("</span>");
                html.push_str(&escape(&para[len..]));
            }
            None => html.push_str(&escape(para)),
        }
        html.push_str("</p>\n");
    }
    parsed.body_html = html;
    parsed
}

fn split_paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(cur.join(" "));
                cur.clear();
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    out
}

/// A "Last Updated: MM/DD/YYYY" stamp (with any leading punctuation), as its date.
fn last_updated(para: &str) -> Option<NaiveDate> {
    let lower = para.to_ascii_lowercase();
    let pos = lower.find("last updated")?;
    if pos > 3 || para.len() > 80 {
        return None;
    }
    let rest = para[pos + "last updated".len()..].trim_start_matches([':', ' ', '\t']);
    let date: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '/')
        .collect();
    NaiveDate::parse_from_str(&date, "%m/%d/%Y").ok()
}

/// Lines that web pages add around wire copy: app and update promotions, share and subscribe
/// prompts.
fn is_promotional(para: &str) -> bool {
    if para.chars().count() > MAX_HEADLINE_CHARS {
        return false;
    }
    let lower = para.to_lowercase();
    const PHRASES: &[&str] = &[
        "get the latest updates",
        "right on your browser",
        "sign up for",
        "subscribe to",
        "click here",
        "download our app",
        "download the app",
        "follow us on",
        "share this article",
        "share on facebook",
        "advertisement",
        "read more:",
        "all rights reserved",
        "copyright ©",
    ];
    PHRASES.iter().any(|p| lower.contains(p))
}

/// "By Jane Doe" / "By Jane Doe, Associated Press".
fn byline(para: &str) -> Option<String> {
    let rest = para
        .strip_prefix("By ")
        .or_else(|| para.strip_prefix("BY "))?;
    (rest.chars().count() < 80 && !rest.ends_with('.')).then(|| rest.trim().to_owned())
}

/// The length in bytes of an AP-style dateline at the start of a paragraph:
/// `PYONGYANG, North Korea --` or `WASHINGTON (AP) —`, including the dash.
fn dateline(para: &str) -> Option<usize> {
    let dash = ["--", "—", " – "]
        .iter()
        .filter_map(|d| para.find(d).map(|p| (p, d.trim_end().len())))
        .min()?;
    let (pos, len) = dash;
    let head = &para[..pos];
    if head.is_empty() || head.chars().count() > 60 {
        return None;
    }
    let place = head.split([',', '(']).next()?.trim();
    let caps = place.chars().filter(|c| c.is_alphabetic()).count();
    if caps < 3 || place.chars().any(|c| c.is_lowercase()) {
        return None;
    }
    Some(pos + len)
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const COPY: &str = "Get the latest updates as we post them \u{2014} right on your browser\n\n. Last Updated: 07/27/2016\n\nBig Headline Here\n\nPYONGYANG, North Korea -- It happened on Tuesday.\nSecond line.\n\n\"Quote,\" he said.\n";

    #[test]
    fn wire_copy_shape() {
        let p = read(COPY);
        assert_eq!(p.title.as_deref(), Some("Big Headline Here"));
        assert_eq!(
            p.published.unwrap().at.date_naive().to_string(),
            "2016-07-27"
        );
        assert!(!p.body_html.contains("latest updates"));
        assert!(!p.body_html.contains("Last Updated"));
        assert!(p.body_html.starts_with(
            "<p><span class=\"dateline\">PYONGYANG, North Korea --</span> It happened on Tuesday. Second line.</p>"
        ), "{}", p.body_html);
        assert_eq!(p.body_html.matches("<p>").count(), 2);
    }

    #[test]
    fn notes_without_stamp() {
        let p = read("Shopping list\n\nMilk, eggs & bread.\n");
        assert_eq!(p.title.as_deref(), Some("Shopping list"));
        assert!(p.published.is_none());
        assert_eq!(p.body_html, "<p>Milk, eggs &amp; bread.</p>\n");
    }

    #[test]
    fn no_dateline_in_ordinary_text() {
        assert_eq!(dateline("He said -- quietly -- no."), None);
        assert_eq!(
            dateline("WASHINGTON (AP) -- Word"),
            Some("WASHINGTON (AP) --".len())
        );
    }
}
