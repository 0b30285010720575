//! Words across scripts: Chinese, Japanese and Korean put no spaces between words, so their
//! characters are counted instead. The formatter's reading times and the collector's judgement of
//! a page both count this way.

/// Whitespace runs as one space, none at either end.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words, counting each CJK character as half a word (about how fast they are read).
pub fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut cjk = 0;
    for w in text.split_whitespace() {
        let n = w.chars().filter(|c| is_cjk(*c)).count();
        cjk += n;
        if n < w.chars().count() {
            words += 1;
        }
    }
    words + cjk / 2
}

/// A Chinese, Japanese or Korean character.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff)
}

/// "world news" → "World News".
pub fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
