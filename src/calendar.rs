//! Month names by language, in one table: the formatter writes an article's date with them,
//! and the cleaner recognises a line that is only a date by them. Adding a language's months is
//! one entry here (and one in [`ALL`]).

use std::collections::HashSet;
use std::sync::OnceLock;

/// One language's months.
pub struct Months {
    /// The language's BCP 47 primary tag.
    pub lang: &'static str,
    /// January to December, as a date writes them in that language (English and German
    /// capitalised, the others in lower case).
    pub names: [&'static str; 12],
    /// Other ways pages write them, in lower case: abbreviations, regional forms.
    pub also: &'static [&'static str],
}

pub const EN: Months = Months {
    lang: "en",
    names: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    also: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ],
};

pub const DE: Months = Months {
    lang: "de",
    names: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    also: &["jänner"],
};

pub const FR: Months = Months {
    lang: "fr",
    names: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    also: &[],
};

pub const ES: Months = Months {
    lang: "es",
    names: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    also: &[],
};

pub const IT: Months = Months {
    lang: "it",
    names: [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    also: &[],
};

pub const PT: Months = Months {
    lang: "pt",
    names: [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    also: &[],
};

pub const NL: Months = Months {
    lang: "nl",
    names: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    also: &[],
};

/// Polish, in the genitive a date uses ("5 stycznia 2024").
pub const PL: Months = Months {
    lang: "pl",
    names: [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    also: &[],
};

/// Arabic, the Gregorian months as Egyptian and Gulf papers write them. (Not in [`ALL`]: the
/// cleaner's date lines are read in the languages whose month words are not also common words.)
pub const AR: Months = Months {
    lang: "ar",
    names: [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    also: &[],
};

/// Hebrew.
pub const HE: Months = Months {
    lang: "he",
    names: [
        "ינואר",
        "פברואר",
        "מרץ",
        "אפריל",
        "מאי",
        "יוני",
        "יולי",
        "אוגוסט",
        "ספטמבר",
        "אוקטובר",
        "נובמבר",
        "דצמבר",
    ],
    also: &[],
};

/// Persian, the Gregorian months as Iranian papers write them.
pub const FA: Months = Months {
    lang: "fa",
    names: [
        "ژانویه",
        "فوریه",
        "مارس",
        "آوریل",
        "مه",
        "ژوئن",
        "ژوئیه",
        "اوت",
        "سپتامبر",
        "اکتبر",
        "نوامبر",
        "دسامبر",
    ],
    also: &[],
};

/// Every language's months.
pub const ALL: &[&Months] = &[&EN, &DE, &FR, &ES, &IT, &PT, &NL, &PL];

/// Whether `word` (in lower case) names a month in any language of [`ALL`].
pub fn is_month(word: &str) -> bool {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS
        .get_or_init(|| {
            ALL.iter()
                .flat_map(|m| {
                    m.names
                        .iter()
                        .map(|n| n.to_lowercase())
                        .chain(m.also.iter().map(|a| (*a).to_owned()))
                })
                .collect()
        })
        .contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_every_language_are_known_in_lower_case() {
        for w in [
            "january",
            "sept",
            "märz",
            "jänner",
            "août",
            "diciembre",
            "maggio",
            "março",
            "mei",
            "grudnia",
        ] {
            assert!(is_month(w), "{w}");
        }
        assert!(!is_month("January"), "lower case only");
        assert!(!is_month("monday"));
        for m in ALL {
            assert!(m.also.iter().all(|a| a.to_lowercase() == *a), "{}", m.lang);
        }
    }
}
