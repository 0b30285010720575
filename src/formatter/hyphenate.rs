//! Soft hyphens where a reader may ignore CSS hyphenation. Headings (set `hyphens: manual`, so a
//! break never lands after two letters of a headline) and table cells (narrow columns) get a
//! soft hyphen at each Knuth–Liang break of every word of 12 letters or more, from the TeX
//! patterns of the text's language (`hypher`: chosen by measurement, ARCHITECTURE.md,
//! "Decisions"). Body text is left to the reader's own hyphenation (`hyphens: auto` with the
//! page's `lang`): soft hyphens there would only hide words from its search.

use super::tree::Node;

/// Letters a word needs before it is hyphenated.
pub const MIN_LETTERS: usize = 12;

const SOFT_HYPHEN: char = '\u{ad}';

/// The patterns for a BCP 47 tag's language, if there are any.
pub fn patterns(lang: &str) -> Option<hypher::Lang> {
    let primary = lang.split(['-', '_']).next()?.to_ascii_lowercase();
    let code: [u8; 2] = match primary.as_str() {
        "nb" | "nn" => *b"no",
        p => p.as_bytes().try_into().ok()?,
    };
    hypher::Lang::from_iso(code)
}

/// `text` with soft hyphens in its long words.
pub fn text(text: &str, lang: hypher::Lang) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut word_start = None;
    let flush = |out: &mut String, word: &str| {
        if word.chars().count() >= MIN_LETTERS {
            let mut first = true;
            for syllable in hypher::hyphenate(word, lang) {
                if !first {
                    out.push(SOFT_HYPHEN);
                }
                out.push_str(syllable);
                first = false;
            }
        } else {
            out.push_str(word);
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_alphabetic() {
            word_start.get_or_insert(i);
        } else {
            if let Some(s) = word_start.take() {
                flush(&mut out, &text[s..i]);
            }
            out.push(c);
        }
    }
    if let Some(s) = word_start {
        flush(&mut out, &text[s..]);
    }
    out
}

/// Soft hyphens in the long words of the headings and table cells of `nodes`, in the language
/// of each (an element's own `lang`, else `lang`). Code, maths and links are left alone.
pub fn headings_and_cells(nodes: &mut [Node], lang: Option<hypher::Lang>, inside: bool) {
    for n in nodes {
        match n {
            Node::Text(t) if inside => {
                if let Some(l) = lang
                    && t.chars().filter(|c| c.is_alphabetic()).count() >= MIN_LETTERS
                {
                    *t = text(t, l);
                }
            }
            Node::Text(_) => {}
            Node::El(e) => {
                if matches!(e.name, "code" | "pre" | "kbd" | "samp" | "math" | "a") {
                    continue;
                }
                let lang = match e.attr("lang") {
                    Some(l) => patterns(l),
                    None => lang,
                };
                let inside =
                    inside || matches!(e.name, "h2" | "h3" | "h4" | "h5" | "h6" | "td" | "th");
                headings_and_cells(&mut e.children, lang, inside);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::tree::{Element, write_nodes};

    #[test]
    fn long_words_get_soft_hyphens_in_their_language() {
        let de = patterns("de-AT").expect("German");
        assert_eq!(
            text("Die Donaudampfschifffahrtsgesellschaft tagte", de),
            "Die Do\u{ad}nau\u{ad}dampf\u{ad}schiff\u{ad}fahrts\u{ad}ge\u{ad}sell\u{ad}schaft tagte"
        );
        let en = patterns("en").expect("English");
        assert_eq!(
            text("internationalization, short words", en),
            "in\u{ad}ter\u{ad}na\u{ad}tion\u{ad}al\u{ad}iza\u{ad}tion, short words"
        );
        // Eleven letters: left whole.
        assert_eq!(text("parliaments", en), "parliaments");
        assert!(patterns("zh").is_none());
        assert!(patterns("").is_none());
        assert!(patterns("nb").is_some());
    }

    #[test]
    fn only_headings_and_cells_and_never_code_links_or_maths() {
        let el = |name: &'static str, text: &str| {
            let mut e = Element::new(name);
            e.children.push(Node::Text(text.into()));
            Node::El(e)
        };
        let mut nodes = vec![
            el("h2", "Bundesverfassungsgericht urteilt"),
            el("p", "Bundesverfassungsgericht urteilt"),
            el("td", "Geschwindigkeitsbegrenzung"),
            {
                let mut h = Element::new("h3");
                h.children.push(el("code", "Geschwindigkeitsbegrenzung"));
                h.children.push(el("a", "Geschwindigkeitsbegrenzung"));
                Node::El(h)
            },
            {
                let mut h = Element::new("h4");
                h.set_attr("lang", "en");
                h.children.push(Node::Text("internationalization".into()));
                Node::El(h)
            },
        ];
        headings_and_cells(&mut nodes, patterns("de"), false);
        let mut out = String::new();
        write_nodes(&nodes, &mut out);
        assert!(
            out.contains(
                "<h2>Bun\u{ad}des\u{ad}ver\u{ad}fas\u{ad}sungs\u{ad}ge\u{ad}richt urteilt</h2>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<p>Bundesverfassungsgericht urteilt</p>"),
            "{out}"
        );
        assert!(
            out.contains("<td>Ge\u{ad}schwin\u{ad}dig\u{ad}keits\u{ad}be\u{ad}gren\u{ad}zung</td>"),
            "{out}"
        );
        assert!(
            out.contains("<code>Geschwindigkeitsbegrenzung</code>"),
            "{out}"
        );
        assert!(out.contains(">Geschwindigkeitsbegrenzung</a>"), "{out}");
        assert!(
            out.contains("in\u{ad}ter\u{ad}na\u{ad}tion"),
            "its own language: {out}"
        );
    }
}
