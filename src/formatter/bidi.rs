//! Direction. An article in a right-to-left language (from its `lang`, or the letters of its
//! text when the tag says nothing or says a left-to-right language of a page whose text is not)
//! is set right to left: the packager puts `dir="rtl"` on its page and on its entries in the
//! contents. Inside an article, a block whose letters mostly run the other way (an English
//! quotation in an Arabic report, an Arabic one in an English report, a code block) gets its own
//! `dir`, so its punctuation and alignment follow its words, not the article's.
//!
//! A block's direction is decided by counting its letters, not by its first strong letter
//! (`dir="auto"`): an Arabic sentence that opens with a Latin name stays right to left.

use super::tree::{Node, text_of};
use crate::lang::{is_rtl_lang, text_is_rtl};

/// Letters a block needs before its own direction is worth saying.
const MIN_LETTERS: usize = 8;

/// Whether an article in `lang` whose text is `text` reads right to left.
pub fn article_is_rtl(lang: &str, text: &str) -> bool {
    is_rtl_lang(lang) || text_is_rtl(text) == Some(true)
}

/// Give each block of `nodes` whose letters run against `rtl` (the article's direction) its own
/// `dir`. A page's own `dir` is kept, and what it holds follows it.
pub fn mark_blocks(nodes: &mut [Node], rtl: bool) {
    for n in nodes {
        let Node::El(e) = n else { continue };
        let inner = match e.attr("dir") {
            Some("rtl") => true,
            Some("ltr") => false,
            Some(_) => rtl,
            None if is_block(e.name) => {
                let mut text = String::new();
                text_of(&e.children, &mut text);
                let letters = text.chars().filter(|c| c.is_alphabetic()).count();
                match text_is_rtl(&text) {
                    Some(own) if own != rtl && letters >= MIN_LETTERS => {
                        e.set_attr("dir", if own { "rtl" } else { "ltr" });
                        // Its language too, when its words say it: a reader hyphenates and
                        // speaks it by that.
                        if e.attr("lang").is_none()
                            && let Some(l) = crate::lang::detect_lang(&text)
                        {
                            e.set_attr("lang", l.clone());
                            e.set_attr("xml:lang", l);
                        }
                        own
                    }
                    _ => rtl,
                }
            }
            None if e.name == "pre" && rtl => {
                // Code reads left to right whatever the article's language.
                e.set_attr("dir", "ltr");
                false
            }
            None => rtl,
        };
        mark_blocks(&mut e.children, inner);
    }
}

/// Blocks that carry a line of text of their own.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "figcaption"
            | "caption"
            | "td"
            | "th"
            | "dt"
            | "dd"
            | "aside"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formatter::tree::{Element, write_nodes};

    fn p(text: &str) -> Node {
        let mut e = Element::new("p");
        e.children.push(Node::Text(text.into()));
        Node::El(e)
    }

    fn html(nodes: &[Node]) -> String {
        let mut s = String::new();
        write_nodes(nodes, &mut s);
        s
    }

    #[test]
    fn an_article_is_right_to_left_by_its_language_or_its_letters() {
        assert!(article_is_rtl("ar", "Reuters"));
        assert!(article_is_rtl("he-IL", ""));
        assert!(article_is_rtl("en", "قال الوزير إن الاتفاق نهائي"));
        assert!(!article_is_rtl(
            "en",
            "The minister said the deal was final"
        ));
        assert!(!article_is_rtl("fr", ""));
    }

    #[test]
    fn blocks_running_against_the_article_get_their_own_direction() {
        let mut nodes = vec![
            p("قال Reuters إن الاتفاق مع الحكومة نهائي"),
            p("“We will sign it tomorrow,” the minister told the press."),
            p("2025"),
            {
                let mut pre = Element::new("pre");
                pre.children.push(Node::Text("let x = 1;".into()));
                Node::El(pre)
            },
        ];
        mark_blocks(&mut nodes, true);
        let out = html(&nodes);
        assert!(
            out.starts_with("<p>قال"),
            "an Arabic paragraph opening with a Latin name: {out}"
        );
        assert!(
            out.contains("<p dir=\"ltr\" lang=\"en\" xml:lang=\"en\">“We will"),
            "{out}"
        );
        assert!(
            out.contains("<p>2025</p>"),
            "no letters, no direction: {out}"
        );
        assert!(out.contains("<pre dir=\"ltr\">"), "{out}");

        let mut nodes = vec![
            p("The minister said:"),
            p("الاتفاق مع الحكومة نهائي وسيوقع غدا"),
        ];
        mark_blocks(&mut nodes, false);
        let out = html(&nodes);
        assert!(out.contains("<p>The minister said:</p>"), "{out}");
        assert!(out.contains("<p dir=\"rtl\">الاتفاق"), "{out}");
    }

    #[test]
    fn a_pages_own_direction_is_kept_and_followed() {
        let mut quote = Element::new("blockquote");
        quote.set_attr("dir", "ltr");
        quote
            .children
            .push(p("An English quotation of some length here."));
        let mut nodes = vec![Node::El(quote)];
        mark_blocks(&mut nodes, true);
        let out = html(&nodes);
        assert!(
            out.contains("<blockquote dir=\"ltr\"><p>An English"),
            "{out}"
        );
    }
}
