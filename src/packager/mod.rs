//! Stage 3: put formatted articles into an issue and write it as an EPUB.
//!
//! [`assemble`] groups articles into sections and settles the issue's metadata and cover;
//! [`epub::write`] lays the issue out as EPUB 3 documents with an EPUB 2 NCX and streams the zip
//! into an [`AtomicFile`], which puts it in place through a temporary file, so a reader never
//! sees half a book.
//!
//! The container is written directly over `zip` rather than with `epub-builder`: that crate's
//! output is not byte-stable (current time in `dcterms:modified` and zip entries), its NCX lacks
//! `dtb:uid` and depth, and 0.8.3 writes duplicate ids (see ARCHITECTURE.md).

pub mod access;
pub mod cover;
pub mod epub;
pub mod kepub;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::formatter::human_date;
use crate::model::{Asset, FormattedArticle, Issue, IssueMeta, Section};
use crate::words::title_case;

pub use crate::model::{BookFormat, GroupBy};

/// Settings for the issue as a whole.
#[derive(Debug, Clone)]
pub struct IssueOptions {
    pub title: String,
    pub date: NaiveDate,
    pub number: u32,
    pub group_by: GroupBy,
    pub css: String,
    /// `dcterms:modified`, already formatted (`2026-11-28T06:00:00Z`).
    pub modified: String,
    /// The screen the issue is made for (cover size, image fitting).
    pub profile: crate::profiles::Profile,
    /// The user's own cover, already prepared; `None` draws one.
    pub cover: Option<Asset>,
    pub format: BookFormat,
}

/// Group `articles` (already in reading order) into an issue.
pub fn assemble(articles: Vec<FormattedArticle>, opts: &IssueOptions) -> Issue {
    let lang = majority_lang(&articles);
    let rtl = mostly_rtl(&articles);
    let sections = group(articles, opts.group_by, &opts.title);
    let headlines: Vec<&str> = sections
        .iter()
        .flat_map(|s| s.articles.first())
        .chain(sections.iter().flat_map(|s| s.articles.iter().skip(1)))
        .map(|a| a.title.as_str())
        .take(8)
        .collect();
    let date_line = format!("{} · No. {}", long_date(opts.date), opts.number);
    let cover = opts.cover.clone().unwrap_or_else(|| Asset {
        href: "images/cover.png".into(),
        media_type: "image/png",
        data: std::sync::Arc::new(cover::render(&cover::CoverText {
            title: &opts.title,
            date_line: &date_line,
            headlines,
            width: opts.profile.width,
            height: opts.profile.height,
            eink: opts.profile.gray,
        })),
    });
    let identifier = format!(
        "urn:uuid:{}",
        uuid_from(&format!(
            "inkquire\n{}\n{}\n{}",
            opts.title, opts.date, opts.number
        ))
    );
    Issue {
        meta: IssueMeta {
            title: opts.title.clone(),
            date: opts.date,
            number: opts.number,
            lang,
            rtl,
            identifier,
            modified: opts.modified.clone(),
            // One section is no section: the contents page is its list.
            sectioned: opts.group_by != GroupBy::None && sections.len() > 1,
        },
        sections,
        css: opts.css.clone(),
        cover,
        kepub: opts.format == BookFormat::Kepub,
    }
}

fn group(articles: Vec<FormattedArticle>, by: GroupBy, issue_title: &str) -> Vec<Section> {
    if by == GroupBy::None {
        return vec![Section {
            title: issue_title.to_owned(),
            articles,
        }];
    }
    // Key → (sort key, title). BTreeMap keeps sections in a stable order.
    let mut groups: BTreeMap<String, Section> = BTreeMap::new();
    for a in articles {
        let (key, title) = match by {
            GroupBy::Topic => match a.topics.first() {
                Some(t) => (format!("0{t}"), title_case(t)),
                None => ("1".to_owned(), "Other".to_owned()),
            },
            GroupBy::Source if a.source.trim().is_empty() => {
                ("1".to_owned(), "Your files".to_owned())
            }
            GroupBy::Source => (format!("0{}", a.source.to_lowercase()), a.source.clone()),
            GroupBy::Date => match a.published {
                // Newest day first: sort on the inverted day number.
                Some(p) => {
                    let d = p.at.date_naive();
                    (
                        format!("0{:08}", 99_999_999 - d.num_days_from_ce()),
                        long_date(d),
                    )
                }
                None => ("1".to_owned(), "Undated".to_owned()),
            },
            GroupBy::None => unreachable!(),
        };
        groups
            .entry(key)
            .or_insert_with(|| Section {
                title,
                articles: Vec::new(),
            })
            .articles
            .push(a);
    }
    merge_small(groups.into_values().collect())
}

/// Sections smaller than this are gathered into one, when there are two or more of them.
const MIN_SECTION: usize = 2;

/// The title of the section that gathers the small ones.
pub const GATHERED: &str = "Also in this issue";

/// Gather sections of fewer than [`MIN_SECTION`] articles into one last section ("Also in this
/// issue"), in their order, when there are two or more: a section of one article is a heading
/// for a single title.
fn merge_small(sections: Vec<Section>) -> Vec<Section> {
    let small = sections
        .iter()
        .filter(|s| s.articles.len() < MIN_SECTION)
        .count();
    if small < 2 {
        return sections;
    }
    let (mut kept, gathered): (Vec<Section>, Vec<Section>) = sections
        .into_iter()
        .partition(|s| s.articles.len() >= MIN_SECTION);
    kept.push(Section {
        title: GATHERED.to_owned(),
        articles: gathered.into_iter().flat_map(|s| s.articles).collect(),
    });
    kept
}

/// "Friday 27 November 2026".
pub fn long_date(d: NaiveDate) -> String {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    format!(
        "{} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        human_date(d)
    )
}

/// The issue's language: the one most of its words are in (`en-US` and `en-GB` are both
/// English; the tag written is the one with most words of that language; ties: the first seen),
/// or English. A library app shows it and files the book under it.
fn majority_lang(articles: &[FormattedArticle]) -> String {
    /// A language: its primary subtag, its words, and its tags with their words.
    type Count<'a> = (String, usize, Vec<(&'a str, usize)>);
    let mut counts: Vec<Count> = Vec::new();
    for a in articles {
        let primary = a.lang.split('-').next().unwrap_or("").to_ascii_lowercase();
        let words = a.words.max(1);
        let i = match counts.iter().position(|c| c.0 == primary) {
            Some(i) => i,
            None => {
                counts.push((primary, 0, Vec::new()));
                counts.len() - 1
            }
        };
        let c = &mut counts[i];
        c.1 += words;
        match c.2.iter_mut().find(|t| t.0 == a.lang) {
            Some(t) => t.1 += words,
            None => c.2.push((&a.lang, words)),
        }
    }
    let best = counts.iter().map(|c| c.1).max().unwrap_or(0);
    counts
        .iter()
        .find(|c| c.1 == best)
        .and_then(|c| {
            let top = c.2.iter().map(|t| t.1).max()?;
            c.2.iter().find(|t| t.1 == top).map(|t| t.0.to_owned())
        })
        .unwrap_or_else(|| "en".to_owned())
}

/// Whether most of the issue's words are in articles set right to left.
fn mostly_rtl(articles: &[FormattedArticle]) -> bool {
    let rtl: usize = articles
        .iter()
        .filter(|a| a.rtl)
        .map(|a| a.words.max(1))
        .sum();
    let all: usize = articles.iter().map(|a| a.words.max(1)).sum();
    rtl * 2 > all
}

/// A name-based (version 5 style, SHA-1) UUID: the same name always gives the same id.
fn uuid_from(name: &str) -> String {
    let mut b = sha1_smol::Sha1::from(name).digest().bytes();
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b[..16].iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_is_stable_and_versioned() {
        let a = uuid_from("x");
        assert_eq!(a, uuid_from("x"));
        assert_ne!(a, uuid_from("y"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
    }

    #[test]
    fn long_dates() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2016, 7, 27).unwrap()),
            "Wednesday 27 July 2016"
        );
    }

    fn article(lang: &str, words: usize, rtl: bool) -> FormattedArticle {
        FormattedArticle {
            id: String::new(),
            title: String::new(),
            byline: None,
            published: None,
            topics: Vec::new(),
            source: String::new(),
            url: None,
            lang: lang.into(),
            rtl,
            summary: String::new(),
            words,
            reading_minutes: 1,
            xhtml: String::new(),
            assets: Vec::new(),
            image_refs: 0,
            undescribed_pictures: 0,
            headerless_tables: 0,
        }
    }

    #[test]
    fn the_issues_language_is_the_one_most_of_its_words_are_in() {
        // The first article's language does not win by being first, nor by number of articles.
        let a = [
            article("de", 300, false),
            article("en-GB", 900, false),
            article("de", 200, false),
            article("en-US", 1200, false),
        ];
        assert_eq!(majority_lang(&a), "en-US");
        assert_eq!(majority_lang(&a[..1]), "de");
        assert_eq!(majority_lang(&[]), "en");
        assert!(!mostly_rtl(&a));
        let mixed = [
            article("en", 400, false),
            article("ar", 900, true),
            article("he", 100, true),
        ];
        assert!(mostly_rtl(&mixed));
        assert_eq!(majority_lang(&mixed), "ar");
        assert!(!mostly_rtl(&[
            article("en", 600, false),
            article("ar", 500, true)
        ]));
    }
}
