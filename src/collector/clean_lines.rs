//! The line tests of cleaning: whether one short line of an article's body is furniture — a
//! boilerplate phrase, a gallery counter, a credit, a date or a label alone, a reading time, a
//! disclosure, a call to action, a paywall's prompt, a copyright line, or a line that says the
//! article has ended — with the phrase tables they read, in the languages of the pages people
//! read. Plain text in, yes or no out: no DOM here. The words are in [`super::words`], a file a
//! language.

use super::words::{ALL as WORDS, SEARCH};

/// Lower case, whitespace collapsed, and the arrows, colons and dots that decorate a label
/// taken off its ends.
pub(super) fn normalized(text: &str) -> String {
    let mut t = crate::words::collapse(text);
    // ASCII lowers in place; other text by the case tables (final sigma and all).
    if t.is_ascii() {
        t.make_ascii_lowercase();
    } else {
        t = t.to_lowercase();
    }
    let kept = t.trim_matches(|c: char| c.is_whitespace() || is_decoration(c));
    if kept.len() == t.len() {
        t
    } else {
        kept.to_owned()
    }
}

/// What `normalized` takes off a line's ends besides white space.
fn is_decoration(c: char) -> bool {
    matches!(
        c,
        ':' | '.'
            | '…'
            | '»'
            | '«'
            | '›'
            | '‹'
            | '→'
            | '>'
            | '|'
            | '-'
            | '–'
            | '—'
            | '!'
            | '+'
            | '#'
            | '▶'
            | '►'
    )
}

/// The longest line any test here looks at, in characters (a disclosure's): every test says no
/// to a longer one.
pub(super) const LONGEST_LINE: usize = 400;

/// Whether `raw` is longer than any line the tests look at, however it is normalized (or
/// stripped of brackets): counted without copying it, so an article's paragraphs cost a pass
/// over their bytes, not a lower-cased copy and a dozen searches.
pub(super) fn too_long_for_tests(raw: &str) -> bool {
    // Characters `normalized` can neither take off nor merge; lower-casing never shortens.
    let mut kept = 0;
    for c in raw.chars() {
        if !c.is_whitespace() && !is_decoration(c) {
            kept += 1;
            // Two more for the brackets a line may be read without.
            if kept > LONGEST_LINE + 2 {
                return true;
            }
        }
    }
    false
}

pub(super) fn is_boilerplate_line(text: &str) -> bool {
    // A line that opens "Read more:" goes on with a headline, which may be long.
    let n = text.chars().count();
    // "Category : News" is "Category: News".
    let text: std::borrow::Cow<str> = if text.contains(" :") {
        text.replace(" :", ":").into()
    } else {
        text.into()
    };
    let text = text.as_ref();
    (n <= 60 && WORDS.phrases.contains(&text))
        || (n <= 200 && WORDS.prefixes.iter().any(|p| text.starts_with(p)))
        || (n <= 60 && WORDS.suffixes.iter().any(|p| text.ends_with(p)))
}

/// A bar of short items set apart by `|`, one of them furniture: "Comments feed | Comments
/// closed | Trackback URL".
pub(super) fn is_link_bar(text: &str) -> bool {
    let parts: Vec<&str> = text
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    text.chars().count() <= 120
        && parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.split_whitespace().count() <= 3 && p.chars().count() <= 30)
        && parts
            .iter()
            .any(|p| is_boilerplate_line(p) || is_end_marker(p))
}

/// A gallery counter: `6` on a line of its own, `3 / 8`, `image 2 of 12`, `bild 3 von 9`,
/// `image / 8`. Inside a line (`inline`), a bare number is a quantity, not a counter.
pub(super) fn is_counter(text: &str, inline: bool) -> bool {
    let bare = text.chars().all(|c| c.is_ascii_digit());
    if bare && inline {
        return false;
    }
    // A counter holds a number.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 3;
    let label = |w: &str| {
        matches!(
            w,
            "image"
                | "images"
                | "photo"
                | "photos"
                | "picture"
                | "slide"
                | "bild"
                | "foto"
                | "fotos"
                | "of"
                | "von"
                | "de"
                | "sur"
                | "z"
                | "di"
                | "van"
                | "из"
        )
    };
    !words.is_empty()
        && words.len() <= 5
        && words.iter().any(|w| number(w))
        && words.iter().all(|w| number(w) || label(w))
}

/// A picture credit on a line of its own: `Foto: dpa`, `Photograph by …`, `Getty Images`,
/// `AFP / Jane Doe`, `Jahr Media/Shutterstock.com`.
pub(super) fn is_credit(text: &str) -> bool {
    if text.chars().count() > 80 {
        return false;
    }
    let t = text.trim_start_matches('(').trim_end_matches(')');
    // `Foto: …`, `Photo by …`.
    if let Some((label, rest)) = t.split_once(':')
        && WORDS.credit_labels.contains(&label.trim())
        && rest.split_whitespace().count() <= 8
    {
        return true;
    }
    if WORDS.credit_labels.iter().any(|l| {
        t == *l
            || t.strip_prefix(l)
                .is_some_and(|r| r.starts_with(" by ") && r.split_whitespace().count() <= 6)
    }) {
        return true;
    }
    // `Name/Agency`, `AGENCY / NAME`: short parts, one of them an agency.
    let parts: Vec<&str> = t.split(['/', '|']).map(str::trim).collect();
    let sentence = t.contains(['.', ',', '!', '?']) && !t.contains(".com");
    WORDS.agencies.contains(&t)
        || ((2..=4).contains(&parts.len())
            && t.split_whitespace().count() <= 8
            && !sentence
            && parts.iter().any(|p| WORDS.agencies.contains(p)))
}

/// A line that is only a date or a time (`23.10.2018`, `5. Februar 2020`, `3:59 PM`,
/// `Aktualisiert am 6. Mai 2014`): the article's own date is in our header.
pub(super) fn is_date_line(text: &str) -> bool {
    if text.chars().count() > 48 {
        return false;
    }
    // A month's name, or a number written as a date or a time, makes it a date; bare numbers
    // beside them are the day and the year (alone, a number is a quantity).
    let mut dated = false;
    for token in text.split(|c: char| c.is_whitespace() || c == ',') {
        let token = token.trim_matches(|c: char| matches!(c, '(' | ')' | '|' | '.'));
        if token.is_empty() {
            continue;
        }
        if is_numeric_date(token) {
            dated = true;
            continue;
        }
        for w in token.split(['.', '/', '-', ':']).filter(|w| !w.is_empty()) {
            if crate::calendar::is_month(w) {
                dated = true;
            } else if !((w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 4)
                || WORDS.days.contains(&w)
                || WORDS.date_words.contains(&w))
            {
                return false;
            }
        }
    }
    dated
}

/// `23.10.2018`, `2018-10-23`, `10/23/18`, `19:49`.
pub(super) fn is_numeric_date(token: &str) -> bool {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    for sep in ['.', '/', '-'] {
        let parts: Vec<&str> = token.split(sep).collect();
        if parts.len() == 3
            && ((digits(parts[0], 1, 2) && digits(parts[1], 1, 2) && digits(parts[2], 2, 4))
                || (digits(parts[0], 4, 4) && digits(parts[1], 1, 2) && digits(parts[2], 1, 2)))
        {
            return true;
        }
    }
    matches!(token.split_once(':'), Some((h, m)) if digits(h, 1, 2) && digits(m, 2, 2))
}

/// A metadata label, alone or with a short value: `Von: Jane Doe`, `Kategorie: News`,
/// `Autoren:`, `Release date:`, `Tags: a, b`.
pub(super) fn is_label_line(text: &str) -> bool {
    if is_label_run(text) {
        return true;
    }
    if text.chars().count() > 70 {
        return false;
    }
    if WORDS.meta_labels.contains(&text) {
        return true;
    }
    text.split_once(':').is_some_and(|(label, rest)| {
        WORDS.meta_labels.contains(&label.trim())
            && rest.split_whitespace().count() <= 5
            && !rest.contains(['.', '!', '?'])
    })
}

/// A run of labels with short values and dates, as Chinese news pages print under the title:
/// `来源：新华社 作者：张三 2024-01-05 10:30` — two labels, or a label and a date, and no sentence.
pub(super) fn is_label_run(text: &str) -> bool {
    // A label is a word before a colon.
    if text.chars().count() > 90 || text.contains(['。', '！', '？']) || !text.contains([':', '：'])
    {
        return false;
    }
    let mut labels = 0;
    let mut dated = false;
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, '|' | '丨' | '｜')) {
        let token = token.trim();
        if token.is_empty() {
            continue;
        }
        if let Some((label, _)) = token.split_once(['：', ':'])
            && WORDS.meta_labels.contains(&label.trim())
        {
            labels += 1;
        } else if is_numeric_date(token) || is_cjk_date(token) {
            dated = true;
        }
    }
    labels >= 2 || (labels == 1 && dated)
}

/// `2024年1月5日`, `2024年01月05日10:30`.
fn is_cjk_date(token: &str) -> bool {
    let digits = token.chars().filter(|c| c.is_ascii_digit()).count();
    digits >= 4
        && token.contains('年')
        && token.contains('月')
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | ':' | '：'))
}

/// "5 min read", "Lesezeit: 3 Minuten", "Ten tekst przeczytasz w 1 minutę": our header says it.
pub(super) fn is_reading_time(text: &str) -> bool {
    if text.chars().count() > 60 || !text.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '·' | '|'))
        .filter(|w| !w.is_empty())
        .collect();
    // A label, not a sentence: a few words that end on the minutes or the reading.
    let minutes = |w: &str| WORDS.minutes.contains(&w) || w.ends_with("min");
    words.len() <= 6
        && words.iter().any(|w| minutes(w))
        && words.iter().any(|w| WORDS.reading.contains(w))
        && words
            .last()
            .is_some_and(|w| minutes(w) || WORDS.reading.contains(w))
}

/// An affiliate disclosure: "Für Links auf dieser Seite erhält CHIP ggf. eine Provision",
/// "We may earn a commission when you buy through links on our site".
pub(super) fn is_disclosure(text: &str) -> bool {
    let n = text.chars().count();
    if n <= 200 && SEARCH.sponsored.is_match(text) {
        return true;
    }
    n <= 400
        && [
            "affiliate",
            "provision",
            "commission",
            "comisión",
            "commissione",
        ]
        .iter()
        .any(|w| text.contains(w))
        && [
            "link", "buy", "purchase", "kauf", "achat", "compra", "acquist",
        ]
        .iter()
        .any(|w| text.contains(w))
}

/// A short line asking the reader to subscribe, download the app, follow a channel or support
/// the site: what it names is a channel, what it asks is an action.
pub(super) fn is_call_to_action(text: &str) -> bool {
    // Spoken to the reader, about the site's own channel: an imperative, or "our"/"you".
    text.chars().count() <= 250
        && SEARCH.channels.is_match(text)
        && SEARCH.actions.is_match(text)
        && (WORDS.actions.iter().any(|a| text.starts_with(a))
            || text.starts_with('¡')
            || SEARCH.address.is_match(text))
}

/// A paywall's prompt left in the article ("To view the full story, please subscribe", "Already
/// a subscriber? Log in"): short, and in words only such a prompt uses.
pub(super) fn is_paywall_prompt(text: &str) -> bool {
    text.chars().count() <= 300 && SEARCH.paywall.is_match(text)
}

/// A copyright or rights line at the end of a page.
pub(super) fn is_copyright(text: &str) -> bool {
    text.chars().count() <= 300
        && (text.starts_with('©')
            || text.starts_with("(c) ")
            || text.starts_with("copyright")
            || text.contains("all rights reserved")
            || text.contains("alle rechte vorbehalten")
            || text.contains("tous droits réservés")
            || text.contains("todos los derechos reservados")
            || text.contains("is the copyrighted property of")
            || text.contains("must be obtained before reprint"))
}

/// Where a credit at the end of `text` starts, if it ends with one.
pub(super) fn credit_start(text: &str) -> Option<usize> {
    let lower = text.to_lowercase();
    // Lower-casing may change lengths; only cut where the two agree.
    if lower.len() != text.len() {
        return None;
    }
    let mut starts: Vec<usize> = WORDS
        .credit_marks
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(i, _)| i))
        .collect();
    // A trailing "photo:" with nothing after it names no one but is a credit's label all the same.
    for label in ["photo:", "foto:", "bild:"] {
        if let Some(at) = lower.trim_end().strip_suffix(label).map(str::len) {
            starts.push(at);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts.into_iter().find(|&at| {
        let tail = normalized(&text[at..]);
        text[..at].trim().chars().count() >= 3
            && (is_credit(&tail)
                || (tail.starts_with('©') && tail.chars().count() <= 80)
                || ["photo:", "foto:", "bild:"].contains(&tail.as_str()))
    })
}

/// A line that says the article has ended: one of the end markers, or a comment count
/// ("3 Kommentare", "160 comments").
pub(super) fn is_end_marker(text: &str) -> bool {
    if WORDS.end_markers.contains(&text) {
        return true;
    }
    let Some((count, word)) = text.split_once(' ') else {
        return false;
    };
    count.chars().all(|c| c.is_ascii_digit())
        && matches!(
            word,
            "comment"
                | "comments"
                | "kommentar"
                | "kommentare"
                | "comentario"
                | "comentarios"
                | "commentaire"
                | "commentaires"
                | "komentarze"
        )
}

#[cfg(test)]
mod label_run_tests {
    use super::*;

    #[test]
    fn a_line_is_normalized_as_the_case_tables_say() {
        let reference = |t: &str| {
            crate::words::collapse(t)
                .to_lowercase()
                .trim_matches(|c: char| c.is_whitespace() || is_decoration(c))
                .to_owned()
        };
        for line in [
            "  Read   MORE » ",
            "» Weiterlesen:",
            "ΟΔΟΣ ΣΤΗΝ ΠΟΛΗ",
            "Straße — İstanbul",
            "plain",
            "",
            " : . ",
            "ÀB\u{a0}CD ...",
        ] {
            assert_eq!(normalized(line), reference(line), "{line:?}");
        }
        // A capital sigma ending a word lowers to the final form.
        assert_eq!(normalized("ΟΔΟΣ"), "οδο\u{3c2}");
    }

    #[test]
    fn a_chinese_source_line_is_metadata_and_a_sentence_is_not() {
        for line in [
            "来源：新华社 作者：张三 2024-01-05 10:30",
            "来源： 人民网 2024年01月05日10:30",
            "责任编辑：李四 | 发布时间：2024-01-05",
        ] {
            assert!(is_label_line(line), "{line}");
        }
        for line in [
            "来源：新华社。市政府周一宣布，新大桥将于六月通车。",
            "作者说，这座桥花了三年时间才建成",
        ] {
            assert!(!is_label_line(line), "{line}");
        }
    }
}

#[cfg(test)]
mod longest_line_tests {
    use super::*;

    /// Every line test, as `clean` asks them.
    fn any_test(line: &str) -> bool {
        let line = normalized(line);
        is_boilerplate_line(&line)
            || is_counter(&line, false)
            || is_copyright(&line)
            || is_credit(&line)
            || is_date_line(&line)
            || is_label_line(&line)
            || is_reading_time(&line)
            || is_disclosure(&line)
            || is_call_to_action(&line)
            || is_paywall_prompt(&line)
            || is_link_bar(&line)
    }

    /// A line each test says yes to, made longer and longer: from the length `clean` stops
    /// asking (`too_long_for_tests`), none says yes any more — the shortcut changes nothing.
    #[test]
    fn no_test_says_yes_to_a_line_too_long_for_the_tests() {
        let furniture = [
            "We may earn a commission when you buy through links on our site.",
            "Already a subscriber? Log in",
            "© 2026 Example News. All rights reserved.",
            "Read more: the bridge in winter",
            "Follow us on Instagram",
            "Foto: dpa",
            "Kategorie: News",
            "28 November 2026",
        ];
        for line in furniture {
            assert!(any_test(line), "the tests should catch {line:?}");
            let mut long = line.to_owned();
            // Padding of every kind: words, decoration, white space.
            for pad in [" word", " ...", "   ", " »", " ab"].iter().cycle() {
                if too_long_for_tests(&long) {
                    break;
                }
                long.push_str(pad);
            }
            assert!(!any_test(&long), "a test said yes to {long:?}");
            assert!(!any_test(&format!("({long})")), "in brackets: {long:?}");
        }
        assert!(!too_long_for_tests(&"x".repeat(LONGEST_LINE)));
        assert!(!too_long_for_tests(&format!(
            "{}{}",
            "x".repeat(300),
            " -".repeat(400)
        )));
        assert!(too_long_for_tests(&"x".repeat(LONGEST_LINE + 3)));
    }
}
