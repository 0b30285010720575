//! The words of the article header in the article's own language: the byline's "By", the
//! reading time and the date, for English, French, German, Spanish, Italian, Portuguese, Dutch,
//! Chinese, Japanese, Arabic, Hebrew and Persian (anything else reads English); and whether a
//! byline names a person at all.

use chrono::{Datelike, NaiveDate};

use crate::calendar;

/// How one language writes the header.
pub struct Locale {
    /// The byline's lead word ("By"), written before the name; `""` for none.
    by: &'static str,
    /// Reading time, `{}` standing for the minutes.
    minutes: &'static str,
    months: [&'static str; 12],
    /// The date: `D` day, `M` month name, `Y` year, `N` month number.
    date: &'static str,
    /// The digits zero to nine the language writes numbers with; `None` for 0–9.
    digits: Option<[char; 10]>,
}

const EN_MONTHS: [&str; 12] = calendar::EN.names;

const EN: Locale = Locale {
    by: "By ",
    minutes: "{} min read",
    months: EN_MONTHS,
    date: "D M Y",
    digits: None,
};

const LOCALES: &[(&str, Locale)] = &[
    (
        "fr",
        Locale {
            by: "Par ",
            minutes: "{} min de lecture",
            months: calendar::FR.names,
            date: "D M Y",
            digits: None,
        },
    ),
    (
        "de",
        Locale {
            by: "Von ",
            minutes: "{} Min. Lesezeit",
            months: calendar::DE.names,
            date: "D. M Y",
            digits: None,
        },
    ),
    (
        "es",
        Locale {
            by: "Por ",
            minutes: "{} min de lectura",
            months: calendar::ES.names,
            date: "D de M de Y",
            digits: None,
        },
    ),
    (
        "it",
        Locale {
            by: "Di ",
            minutes: "{} min di lettura",
            months: calendar::IT.names,
            date: "D M Y",
            digits: None,
        },
    ),
    (
        "pt",
        Locale {
            by: "Por ",
            minutes: "{} min de leitura",
            months: calendar::PT.names,
            date: "D de M de Y",
            digits: None,
        },
    ),
    (
        "nl",
        Locale {
            by: "Door ",
            minutes: "{} min leestijd",
            months: calendar::NL.names,
            date: "D M Y",
            digits: None,
        },
    ),
    (
        "zh",
        Locale {
            by: "作者：",
            minutes: "阅读约 {} 分钟",
            months: EN_MONTHS,
            date: "Y年N月D日",
            digits: None,
        },
    ),
    (
        "ja",
        Locale {
            by: "著者：",
            minutes: "約{}分で読めます",
            months: EN_MONTHS,
            date: "Y年N月D日",
            digits: None,
        },
    ),
    (
        "ar",
        Locale {
            by: "بقلم ",
            minutes: "مدة القراءة {} دقيقة",
            months: calendar::AR.names,
            date: "D M Y",
            digits: None,
        },
    ),
    (
        "he",
        Locale {
            by: "מאת ",
            minutes: "{} דקות קריאה",
            months: calendar::HE.names,
            date: "D בM Y",
            digits: None,
        },
    ),
    (
        "fa",
        Locale {
            by: "نوشتهٔ ",
            minutes: "{} دقیقه مطالعه",
            months: calendar::FA.names,
            date: "D M Y",
            digits: Some(['۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹']),
        },
    ),
];

/// Chinese as written in Taiwan and Hong Kong: the same words in traditional characters.
const ZH_HANT: Locale = Locale {
    by: "作者：",
    minutes: "閱讀約 {} 分鐘",
    months: EN_MONTHS,
    date: "Y年N月D日",
    digits: None,
};

impl Locale {
    /// The locale for a BCP 47 tag (`fr-CA` → French), English when there is none.
    pub fn for_lang(lang: &str) -> &'static Locale {
        let mut parts = lang.split(['-', '_']);
        let primary = parts.next().unwrap_or("").to_ascii_lowercase();
        if primary == "zh"
            && parts.any(|p| matches!(p.to_ascii_lowercase().as_str(), "hant" | "tw" | "hk" | "mo"))
        {
            return &ZH_HANT;
        }
        LOCALES
            .iter()
            .find(|(l, _)| *l == primary)
            .map_or(&EN, |(_, loc)| loc)
    }

    /// "By Ann Lee"; a byline that already starts with the lead word is left as it is.
    #[cfg(test)]
    pub fn byline(&self, name: &str) -> String {
        let (lead, name) = self.byline_parts(name);
        format!("{lead}{name}")
    }

    /// The byline's lead word (`"By "`, or `""` when the byline already has one) and the name.
    pub fn byline_parts<'a>(&self, name: &'a str) -> (&'static str, &'a str) {
        let by = self.by.trim();
        let starts = name
            .get(..by.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(by));
        if by.is_empty() || starts || name.to_lowercase().starts_with("by ") {
            ("", name)
        } else {
            (self.by, name)
        }
    }

    pub fn reading_time(&self, minutes: u32) -> String {
        self.minutes.replace("{}", &self.number(minutes as i64))
    }

    /// A number in the language's digits.
    fn number(&self, n: i64) -> String {
        let s = n.to_string();
        match self.digits {
            None => s,
            Some(d) => s
                .chars()
                .map(|c| c.to_digit(10).map_or(c, |v| d[v as usize]))
                .collect(),
        }
    }

    pub fn date(&self, d: NaiveDate) -> String {
        let mut out = String::new();
        for c in self.date.chars() {
            match c {
                'D' => out.push_str(&self.number(d.day().into())),
                'M' => out.push_str(self.months[d.month0() as usize]),
                'N' => out.push_str(&self.number(d.month().into())),
                'Y' => out.push_str(&self.number(d.year().into())),
                c => out.push(c),
            }
        }
        out
    }
}

/// Month names and their usual short forms in the header's languages (lower case), to tell a
/// byline that is really a date.
fn is_month(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.chars().count() < 3 {
        return false;
    }
    // Every locale's months in lower case, made once.
    static MONTHS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        std::iter::once(&EN)
            .chain(LOCALES.iter().map(|(_, l)| l))
            .flat_map(|l| l.months.iter())
            .map(|m| m.to_lowercase())
            .collect()
    });
    MONTHS.iter().any(|m| *m == w || m.starts_with(&w))
}

/// Does a byline name someone? Not when it is a date ("April 28, 2019 at 6:01 am Updated…"),
/// an address, or the site's own name.
pub fn names_a_person(byline: &str, source: &str, url: Option<&str>) -> bool {
    let b = byline.trim();
    let lower = b.to_lowercase();
    let name = lower.strip_prefix("by ").unwrap_or(&lower).trim();
    if name.is_empty() {
        return false;
    }
    // An address.
    if name.contains("://") || name.starts_with("www.") || name.contains('@') && !name.contains(' ')
    {
        return false;
    }
    if !name.contains(' ')
        && name.contains('.')
        && name
            .rsplit('.')
            .next()
            .is_some_and(|tld| (2..=6).contains(&tld.len()) && tld.chars().all(char::is_alphabetic))
    {
        return false;
    }
    // The site's name, or its host.
    let site = source.trim().to_lowercase();
    if !site.is_empty() && name == site {
        return false;
    }
    if let Some(host) = url.and_then(|u| url::Url::parse(u).ok()).and_then(|u| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_lowercase())
    }) && (name == host || host.split('.').next() == Some(name))
    {
        return false;
    }
    // A date: a year and a month or a time, or a date the date parser reads.
    if crate::dates::parse_published(name).is_some() {
        return false;
    }
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let has_year = words.iter().any(|w| {
        let digits = w.trim_matches(|c: char| !c.is_ascii_digit());
        digits.len() == 4 && matches!(&digits[..2], "19" | "20")
    });
    let has_month = words.iter().any(|w| is_month(w));
    let has_time = words.iter().any(|w| {
        *w == "am" || *w == "pm" || (w.contains(':') && w.chars().any(|c| c.is_ascii_digit()))
    });
    let starts_dated = words
        .first()
        .is_some_and(|w| is_month(w) || w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    !(has_year && (has_month || has_time || starts_dated)
        || starts_dated && has_time
        || lower.contains("updated") && (has_year || has_time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_twelve_languages() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let cases = [
            ("en", "By Ann Lee", "4 min read", "27 November 2026"),
            (
                "fr-FR",
                "Par Ann Lee",
                "4 min de lecture",
                "27 novembre 2026",
            ),
            ("de", "Von Ann Lee", "4 Min. Lesezeit", "27. November 2026"),
            (
                "es",
                "Por Ann Lee",
                "4 min de lectura",
                "27 de noviembre de 2026",
            ),
            ("it", "Di Ann Lee", "4 min di lettura", "27 novembre 2026"),
            (
                "pt-BR",
                "Por Ann Lee",
                "4 min de leitura",
                "27 de novembro de 2026",
            ),
            ("nl", "Door Ann Lee", "4 min leestijd", "27 november 2026"),
            ("zh", "作者：Ann Lee", "阅读约 4 分钟", "2026年11月27日"),
            ("zh-TW", "作者：Ann Lee", "閱讀約 4 分鐘", "2026年11月27日"),
            ("ja", "著者：Ann Lee", "約4分で読めます", "2026年11月27日"),
            (
                "ar-EG",
                "بقلم Ann Lee",
                "مدة القراءة 4 دقيقة",
                "27 نوفمبر 2026",
            ),
            ("he", "מאת Ann Lee", "4 דקות קריאה", "27 בנובמבר 2026"),
            ("fa", "نوشتهٔ Ann Lee", "۴ دقیقه مطالعه", "۲۷ نوامبر ۲۰۲۶"),
            ("sv", "By Ann Lee", "4 min read", "27 November 2026"),
        ];
        for (lang, by, min, date) in cases {
            let l = Locale::for_lang(lang);
            assert_eq!(l.byline("Ann Lee"), by, "{lang}");
            assert_eq!(l.reading_time(4), min, "{lang}");
            assert_eq!(l.date(d), date, "{lang}");
        }
        assert_eq!(Locale::for_lang("fr").byline("par Ann Lee"), "par Ann Lee");
        assert_eq!(Locale::for_lang("de").byline("By Ann Lee"), "By Ann Lee");
    }

    #[test]
    fn bylines_that_are_dates_addresses_or_the_site_are_no_bylines() {
        let site = "The Harbour Times";
        let url = Some("https://www.harbourtimes.example/news/1");
        for not in [
            "By April 28, 2019 at 6:01 am Updated April 29",
            "April 28, 2019",
            "28 avril 2019",
            "2019-04-28",
            "Updated 6:01 pm",
            "https://harbourtimes.example/",
            "harbourtimes.example",
            "The Harbour Times",
            "harbourtimes",
            "",
        ] {
            assert!(!names_a_person(not, site, url), "{not:?}");
        }
        for name in [
            "Ann Lee",
            "By Ann Lee and Tom May",
            "Marie-Claire Dubois",
            "June Carter",
            "Ann Lee, Science Editor",
            "李明",
        ] {
            assert!(names_a_person(name, site, url), "{name:?}");
        }
    }
}
