//! Words across scripts: Chinese, Japanese and Korean put no spaces between words, so their
//! characters are counted instead. The formatter's reading times and the collector's judgement of
//! a page both count this way.

/// Whitespace runs as one space, none at either end (white space as `char::is_whitespace`
/// says). Read byte by byte, not char by char: a page's whole text goes through here.
pub fn collapse(s: &str) -> String {
    let mut c = Collapsed::with_capacity(s.len());
    c.add(s);
    c.text
}

/// A text collapsed as [`collapse`] does, read in pieces (a node's text nodes, in place): the
/// white space between two pieces, or at the end of one, is one space only when a word
/// follows.
#[derive(Debug, Default)]
pub struct Collapsed {
    pub text: String,
    /// White space was read after the last word.
    space: bool,
}

impl Collapsed {
    pub fn with_capacity(n: usize) -> Collapsed {
        Collapsed {
            text: String::with_capacity(n),
            space: false,
        }
    }

    /// Read one more piece, byte by byte.
    pub fn add(&mut self, s: &str) {
        let b = s.as_bytes();
        let n = b.len();
        let mut i = 0;
        loop {
            while i < n {
                match whitespace_at(b, i) {
                    0 => break,
                    w => {
                        self.space = true;
                        i += w;
                    }
                }
            }
            if i >= n {
                return;
            }
            // A run of text: words, and the single plain spaces between them (already
            // collapsed). Its ends are character boundaries: it starts after white space or at
            // the start, and white space is only found at a character's first byte.
            let start = i;
            while i < n {
                let c = b[i];
                if c > b' ' && c < 0x80 {
                    i += 1;
                } else if c == b' ' && i + 1 < n && whitespace_at(b, i + 1) == 0 {
                    i += 2;
                } else if whitespace_at(b, i) == 0 {
                    i += 1;
                } else {
                    break;
                }
            }
            if self.space && !self.text.is_empty() {
                self.text.push(' ');
            }
            self.space = false;
            self.text.push_str(&s[start..i]);
        }
    }
}

/// Characters other than white space and words (runs of them) of a text read in pieces (a
/// node's text nodes, in place): a word may run on from one piece into the next, as it does
/// when the pieces are joined.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Characters that are not white space.
    pub chars: usize,
    /// Words: runs of characters between white space.
    pub words: usize,
    in_word: bool,
}

impl Run {
    /// Read one more piece, byte by byte.
    pub fn add(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c > b' ' && c < 0x80 {
                self.chars += 1;
                if !self.in_word {
                    self.words += 1;
                    self.in_word = true;
                }
                i += 1;
                continue;
            }
            // A continuation byte belongs to the character already counted.
            if c & 0xC0 == 0x80 {
                i += 1;
                continue;
            }
            match whitespace_at(b, i) {
                0 => {
                    self.chars += 1;
                    if !self.in_word {
                        self.words += 1;
                        self.in_word = true;
                    }
                    i += 1;
                }
                w => {
                    self.in_word = false;
                    i += w;
                }
            }
        }
    }
}

/// The length in bytes of the white space character that starts at `b[i]`, or 0. UTF-8's
/// white space beyond ASCII: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000; a continuation byte (0x80–0xBF) is never taken for a first byte.
#[inline]
fn whitespace_at(b: &[u8], i: usize) -> usize {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => 1,
        0xC2 if matches!(at(1), 0x85 | 0xA0) => 2,
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => 3,
        0xE2 if at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
        0xE2 if at(1) == 0x81 && at(2) == 0x9F => 3,
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => 3,
        _ => 0,
    }
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

    /// A run read in pieces counts what the joined text's characters and words are.
    #[test]
    fn a_run_counts_the_joined_texts_characters_and_words() {
        let reference = |s: &str| Run {
            chars: s.chars().filter(|c| !c.is_whitespace()).count(),
            words: s.split_whitespace().count(),
            in_word: false,
        };
        let pieces = [
            "",
            " ",
            "The",
            " old",
            "bridge",
            "\u{a0}closes ",
            "東京",
            "\u{3000}",
            "é",
            "\u{200a}x",
            "\u{2060}",
            "\t\n",
            "\u{85}",
            "end.",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let mut run = Run::default();
                    for p in [a, b, c] {
                        run.add(p);
                    }
                    let joined = format!("{a}{b}{c}");
                    let want = reference(&joined);
                    assert_eq!(
                        (run.chars, run.words),
                        (want.chars, want.words),
                        "{joined:?}"
                    );
                }
            }
        }
    }

    /// Collapsing byte by byte says what splitting on `char::is_whitespace` says, for every
    /// white space character and the characters around them.
    #[test]
    fn collapse_matches_splitting_on_white_space() {
        let reference = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(spaces.len(), 25, "{spaces:?}");
        // Characters that share first bytes with the white space but are not.
        let near = [
            '\u{a9}', '\u{1681}', '\u{200b}', '\u{2030}', '\u{2060}', '\u{3001}', 'é', '東', 'x',
        ];
        let mut samples = vec![String::new(), " ".into(), "a".into(), "  a  b  ".into()];
        for &sp in &spaces {
            for &c in &near {
                samples.push(format!("{c}{sp}{c}"));
                samples.push(format!("{sp}{c}{sp}{sp}{c}{c}{sp}"));
                samples.push(format!("{sp}{sp}"));
                samples.push(format!("word{sp}\t{c}"));
            }
        }
        for s in &samples {
            assert_eq!(collapse(s), reference(s), "{s:?}");
        }
        // Read in pieces, the same text collapses the same.
        for s in &samples {
            for cut in (0..=s.len()).filter(|&k| s.is_char_boundary(k)) {
                let mut c = Collapsed::default();
                c.add(&s[..cut]);
                c.add(&s[cut..]);
                assert_eq!(c.text, reference(s), "{s:?} cut at {cut}");
            }
        }
        for c in (0..0x11000u32).filter_map(char::from_u32) {
            let s = format!("a{c}b {c} {c}{c}");
            assert_eq!(collapse(&s), reference(&s), "{c:?}");
        }
    }

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
