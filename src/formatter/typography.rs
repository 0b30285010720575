//! Typography: straight quotes to the language's quotation marks, `--` to an em dash, `...` to an
//! ellipsis. Code (`code`, `pre`, `kbd`, `samp`, `var`) is left alone.
//!
//! A straight double quote is decided by what is around it — after a space or an opening mark it
//! opens, before a space or punctuation it closes — and where that says nothing (between two
//! letters, as Chinese and Japanese text puts quotes, or at an element's edge) by position: it
//! closes the quote that is open, else opens one. The state is carried across element
//! boundaries within a block (so `"<em>word</em>"` gets an opening and a closing mark) and
//! starts afresh with each block.

use super::tree::{Node, is_phrasing};

/// The quotation marks of a language: (open double, close double, open single, close single).
#[derive(Clone, Copy)]
pub struct Quotes {
    open2: &'static str,
    close2: &'static str,
    open1: &'static str,
    close1: &'static str,
}

impl Quotes {
    pub fn for_lang(lang: &str) -> Quotes {
        let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            // French: guillemets with a narrow no-break space inside.
            "fr" => Quotes {
                open2: "«\u{202f}",
                close2: "\u{202f}»",
                open1: "“",
                close1: "”",
            },
            "de" | "cs" | "sk" | "pl" | "ro" | "hu" | "bg" | "lt" | "et" | "is" => Quotes {
                open2: "„",
                close2: "“",
                open1: "‚",
                close1: "‘",
            },
            // Hebrew (CLDR): the same mark opens and closes.
            "he" | "iw" => Quotes {
                open2: "”",
                close2: "”",
                open1: "’",
                close1: "’",
            },
            "es" | "it" | "pt" | "ru" | "uk" | "el" | "ca" | "nb" | "no" | "ar" | "fa" | "ur" => {
                Quotes {
                    open2: "«",
                    close2: "»",
                    open1: "“",
                    close1: "”",
                }
            }
            // Japanese, and Chinese as written in Taiwan and Hong Kong: corner brackets.
            "ja" => CORNERS,
            "zh" if lang.split('-').skip(1).any(|p| {
                matches!(p.to_ascii_lowercase().as_str(), "hant" | "tw" | "hk" | "mo")
            }) =>
            {
                CORNERS
            }
            _ => Quotes {
                open2: "“",
                close2: "”",
                open1: "‘",
                close1: "’",
            },
        }
    }
}

/// 「…」 with 『…』 inside.
const CORNERS: Quotes = Quotes {
    open2: "「",
    close2: "」",
    open1: "『",
    close1: "』",
};

/// Typeset the text of `nodes` in place.
pub fn typeset_nodes(nodes: &mut [Node], q: Quotes) {
    let mut st = State::default();
    walk(nodes, q, &mut st);
}

/// What the text so far tells about the next quote.
#[derive(Default)]
struct State {
    prev: Option<char>,
    /// A single quotation mark was opened and not yet closed.
    single_open: bool,
    /// A double quotation mark was opened and not yet closed.
    double_open: bool,
}

fn walk(nodes: &mut [Node], q: Quotes, st: &mut State) {
    for n in nodes {
        match n {
            Node::Text(t) => {
                if is_plain(t) {
                    // Nothing to set: only the last character is remembered.
                    st.prev = t.chars().last().or(st.prev);
                } else {
                    *t = typeset_with(t, q, st);
                }
            }
            Node::El(e) => {
                if matches!(e.name, "code" | "pre" | "kbd" | "samp" | "var" | "math") {
                    let mut s = String::new();
                    super::tree::text_of(&e.children, &mut s);
                    st.prev = s.chars().last().or(st.prev);
                    continue;
                }
                if !is_phrasing(e.name) || e.name == "br" {
                    *st = State::default();
                }
                walk(&mut e.children, q, st);
                if !is_phrasing(e.name) {
                    *st = State::default();
                }
            }
        }
    }
}

/// Typeset a standalone string (titles, summaries).
pub fn typeset(s: &str, lang: &str) -> String {
    typeset_with(s, Quotes::for_lang(lang), &mut State::default())
}

fn is_opening_context(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '(' | '['
                        | '{'
                        | '—'
                        | '–'
                        | '-'
                        | '/'
                        | '“'
                        | '‘'
                        | '„'
                        | '‚'
                        | '«'
                        | '\u{202f}'
                        | '「'
                        | '『'
                        | '（'
                        | '\u{3000}'
                )
        }
    }
}

/// What may follow a closing quote: a space, or punctuation that ends a phrase.
fn is_closing_context(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | ')'
                | ']'
                | '}'
                | '…'
                | '。'
                | '，'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | '）'
        )
}

/// Whether `s` has nothing typesetting changes: no quotation mark, no `--`, no `...`.
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    !b.iter().enumerate().any(|(i, &c)| match c {
        b'"' | b'\'' => true,
        b'-' => b.get(i + 1) == Some(&b'-'),
        b'.' => b.get(i + 1) == Some(&b'.') && b.get(i + 2) == Some(&b'.'),
        _ => false,
    })
}

fn typeset_with(s: &str, q: Quotes, st: &mut State) -> String {
    let prev = &mut st.prev;
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '"' => {
                let open = if next.is_some_and(is_closing_context) {
                    false
                } else if is_opening_context(*prev) {
                    true
                } else {
                    // After a letter and before one (or at a node's edge): pair by position.
                    !st.double_open
                };
                st.double_open = open;
                out.push_str(if open { q.open2 } else { q.close2 });
            }
            '\'' => {
                let after_word = prev.is_some_and(|p| {
                    p.is_alphanumeric() || matches!(p, '.' | ',' | '!' | '?' | '”' | '»' | '“')
                });
                let next_is_letter = next.is_some_and(char::is_alphanumeric);
                if after_word && st.single_open && !next_is_letter {
                    out.push_str(q.close1);
                    st.single_open = false;
                } else if after_word {
                    out.push('’');
                } else if is_opening_context(*prev) && next.is_some_and(|n| n.is_ascii_digit()) {
                    // '90s
                    out.push('’');
                } else if is_opening_context(*prev) && next.is_none_or(|n| !n.is_whitespace()) {
                    out.push_str(q.open1);
                    st.single_open = true;
                } else {
                    out.push_str(q.close1);
                }
            }
            '-' if next == Some('-') => {
                let mut j = i;
                while chars.get(j) == Some(&'-') {
                    j += 1;
                }
                out.push('—');
                *prev = Some('—');
                i = j;
                continue;
            }
            '.' if next == Some('.') && chars.get(i + 2) == Some(&'.') => {
                out.push('…');
                *prev = Some('…');
                i += 3;
                continue;
            }
            c => out.push(c),
        }
        *prev = out.chars().last();
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::tree::{Element, write_nodes};

    #[test]
    fn a_plain_text_is_left_as_it_is_and_remembered() {
        for s in ["The bridge. It closes - today.", "", "a.b..c", "東京"] {
            assert!(is_plain(s), "{s:?}");
            let mut st = State::default();
            assert_eq!(typeset_with(s, Quotes::for_lang("en"), &mut st), s);
            assert_eq!(st.prev, s.chars().last());
        }
        for s in ["it's", "\"a\"", "a--b", "and...", "..."] {
            assert!(!is_plain(s), "{s:?}");
        }
        // A quotation opened across a plain node closes after it.
        let mut nodes = vec![
            Node::Text("He said \"the".into()),
            Node::Text(" bridge".into()),
            Node::Text("\" and left".into()),
        ];
        walk(&mut nodes, Quotes::for_lang("en"), &mut State::default());
        let mut out = String::new();
        crate::formatter::tree::text_of(&nodes, &mut out);
        assert_eq!(out, "He said “the bridge” and left");
    }

    #[test]
    fn english() {
        assert_eq!(
            typeset(r#"He said "it's the '90s" -- and left..."#, "en"),
            "He said “it’s the ’90s” — and left…"
        );
        assert_eq!(typeset("'Quoted' word", "en-US"), "‘Quoted’ word");
        assert_eq!(typeset("rock 'n' roll", "en"), "rock ‘n’ roll");
    }

    #[test]
    fn french_and_german() {
        assert_eq!(
            typeset(r#"Il a dit "bonjour"."#, "fr"),
            "Il a dit «\u{202f}bonjour\u{202f}»."
        );
        assert_eq!(
            typeset(r#"Er sagte "Hallo" und 'tschüss'."#, "de"),
            "Er sagte „Hallo“ und ‚tschüss‘."
        );
    }

    /// Opening and closing marks in `s`, in order, must nest: every close answers an open.
    fn paired(s: &str, open: char, close: char) -> bool {
        let mut depth = 0i32;
        for c in s.chars() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
        }
        depth == 0
    }

    /// Quotes come out paired in five languages and three scripts, whatever letter they follow.
    #[test]
    fn quotes_pair_by_position_in_every_script() {
        let zh = typeset(
            r#"一來到"美樹"馬上就看到"露營區"的招牌，他說"好"。"#,
            "zh-Hant",
        );
        assert_eq!(zh, "一來到「美樹」馬上就看到「露營區」的招牌，他說「好」。");
        let zh_cn = typeset(r#"他说"今天天气很好"，然后走了。"#, "zh-CN");
        assert_eq!(zh_cn, "他说“今天天气很好”，然后走了。");
        let ja = typeset(r#"彼は"こんにちは"と言った。"また明日"とも。"#, "ja");
        assert_eq!(ja, "彼は「こんにちは」と言った。「また明日」とも。");
        assert!(paired(&ja, '「', '」'));
        let en = typeset(
            r#"She said"no"to the plan, then "yes" (a "maybe"), and "later"."#,
            "en",
        );
        assert!(paired(&en, '“', '”'), "{en}");
        assert_eq!(en.matches('“').count(), 4, "{en}");
        let fr = typeset(r#"Il répond"non"puis "oui", enfin "peut-être"."#, "fr");
        assert!(paired(&fr, '«', '»'), "{fr}");
        assert_eq!(fr.matches('«').count(), 3, "{fr}");
        let de = typeset(r#"Sie sagte"nein"und dann "ja", "vielleicht"."#, "de");
        assert!(paired(&de, '„', '“'), "{de}");
        assert_eq!(de.matches('„').count(), 3, "{de}");
    }

    #[test]
    fn across_elements_but_not_in_code() {
        let mut em = Element::new("em");
        em.children.push(Node::Text("word".into()));
        let mut code = Element::new("code");
        code.children.push(Node::Text("a -- \"b\"".into()));
        let mut p = Element::new("p");
        p.children = vec![
            Node::Text("\"".into()),
            Node::El(em),
            Node::Text("\" and ".into()),
            Node::El(code),
        ];
        let mut nodes = vec![Node::El(p)];
        typeset_nodes(&mut nodes, Quotes::for_lang("en"));
        let mut out = String::new();
        write_nodes(&nodes, &mut out);
        assert_eq!(out, "<p>“<em>word</em>” and <code>a -- \"b\"</code></p>");
    }
}
