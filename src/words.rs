//! Words across scripts: Chinese, Japanese and Korean put no spaces between words, so their
//! characters are counted instead. The formatter's reading times and the collector's judgement of
//! a page both count this way.

/// Whitespace runs as one space, none at either end.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Words, counting each CJK character as half a word (about how fast they are read).
pub fn count_words(text: &str) -> usize {
    Counts::of(text).words()
}

/// A text's words and its characters other than white space, counted in one pass (the judge
/// of a page asks both of every text node, and a page has thousands).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Characters that are not white space.
    pub chars: usize,
    /// Words with a letter outside CJK (a word all CJK counts by its characters).
    pub plain: usize,
    /// CJK characters.
    pub cjk: usize,
}

impl Counts {
    pub fn of(text: &str) -> Counts {
        let mut c = Counts::default();
        // Inside a word; whether it has a character outside CJK.
        let (mut inside, mut plain) = (false, false);
        let end_word = |c: &mut Counts, inside: &mut bool, plain: &mut bool| {
            if *inside && *plain {
                c.plain += 1;
            }
            *inside = false;
            *plain = false;
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // ASCII, most text: no decoding.
            if b < 0x80 {
                i += 1;
                if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
                    end_word(&mut c, &mut inside, &mut plain);
                } else {
                    c.chars += 1;
                    inside = true;
                    plain = true;
                }
                continue;
            }
            let ch = text[i..].chars().next().unwrap_or(' ');
            i += ch.len_utf8();
            if ch.is_whitespace() {
                end_word(&mut c, &mut inside, &mut plain);
            } else {
                c.chars += 1;
                inside = true;
                if is_cjk(ch) {
                    c.cjk += 1;
                } else {
                    plain = true;
                }
            }
        }
        end_word(&mut c, &mut inside, &mut plain);
        c
    }

    /// Words, each CJK character half a word.
    pub fn words(&self) -> usize {
        self.plain + self.cjk / 2
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-pass count this replaced, kept as the reference.
    fn reference(text: &str) -> (usize, usize) {
        let mut words = 0;
        let mut cjk = 0;
        for w in text.split_whitespace() {
            let n = w.chars().filter(|c| is_cjk(*c)).count();
            cjk += n;
            if n < w.chars().count() {
                words += 1;
            }
        }
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        (words + cjk / 2, chars)
    }

    #[test]
    fn one_pass_counts_as_the_two_passes_did() {
        for text in [
            "",
            "   ",
            "The council voted on Tuesday.",
            "  two\twords\n",
            "vertical\u{0b}tab and\u{a0}no-break\u{2003}em space",
            "東京都の人口は約1400万人です。",
            "Seoul 서울특별시 is big",
            "mixed東京word and 東京 alone",
            "Ünïcödé wörds, ça va — “quoted”",
            "a\u{3000}b",
        ] {
            let c = Counts::of(text);
            assert_eq!((c.words(), c.chars), reference(text), "{text:?}");
            assert_eq!(count_words(text), reference(text).0, "{text:?}");
        }
    }
}
