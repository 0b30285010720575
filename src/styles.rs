//! Stylesheets: the built-in themes from `styles/` (the shared `base.css` plus a theme's face,
//! paragraphs and quotes), embedded in the binary, and the user's own.

use std::path::Path;

/// The built-in themes: name, one-line description, CSS.
pub const THEMES: &[(&str, &str, &str)] = &[
    (
        "serif",
        "justified serif text with indented paragraphs, like a newspaper (default)",
        concat!(
            include_str!("../styles/base.css"),
            include_str!("../styles/serif.css")
        ),
    ),
    (
        "sans",
        "ragged-right sans-serif text with spaced paragraphs",
        concat!(
            include_str!("../styles/base.css"),
            include_str!("../styles/sans.css")
        ),
    ),
];

/// The CSS for `--style`: a theme name, or a `.css` file added on top of the default theme (so it
/// can change a few rules and keep the rest).
pub fn resolve(style: Option<&str>) -> Result<String, StyleError> {
    let default = THEMES[0].2;
    let Some(style) = style else {
        return Ok(default.to_owned());
    };
    if let Some((_, _, css)) = THEMES.iter().find(|(name, _, _)| *name == style) {
        return Ok((*css).to_owned());
    }
    let path = Path::new(style);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("css"))
        || path.exists()
    {
        let own = std::fs::read_to_string(path).map_err(|error| StyleError::Unreadable {
            path: path.to_owned(),
            error,
        })?;
        return Ok(format!("{default}\n/* {} */\n{own}\n", path.display()));
    }
    Err(StyleError::Unknown {
        name: style.to_owned(),
    })
}

/// A `--style` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StyleError {
    #[error("cannot read style sheet {}: {error}", path.display())]
    Unreadable {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    #[error(
        "no style named `{name}`: use one of {} or a path to a .css file",
        THEMES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
    )]
    Unknown { name: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_e_ink_safe() {
        for (name, _, css) in THEMES {
            for banned in [
                "display: flex",
                "display:flex",
                "grid",
                "position: fixed",
                "color:",
                "px;",
            ] {
                let hits: Vec<&str> = css
                    .lines()
                    .filter(|l| {
                        l.contains(banned) && !l.contains("1px solid") && !l.contains("2px solid")
                    })
                    .collect();
                assert!(hits.is_empty(), "{name} uses {banned}: {hits:?}");
            }
        }
    }

    /// Every declaration of a theme, as (selector, property, value), comments removed.
    fn declarations(css: &str) -> Vec<(String, String, String)> {
        let mut text = String::new();
        let mut rest = css;
        while let Some(i) = rest.find("/*") {
            text.push_str(&rest[..i]);
            rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
        }
        text.push_str(rest);
        let mut out = Vec::new();
        for rule in text.split('}') {
            let Some((selector, body)) = rule.split_once('{') else {
                continue;
            };
            for decl in body.split(';') {
                if let Some((p, v)) = decl.split_once(':') {
                    out.push((
                        selector.trim().to_owned(),
                        p.trim().to_lowercase(),
                        v.trim().to_lowercase(),
                    ));
                }
            }
        }
        out
    }

    /// WCAG AA and reflow: no theme sets a text or background colour (the reader's own colours,
    /// and their contrast settings, always apply: black on white is 21:1), and every length
    /// that sizes text or space is relative (em, rem, %, or a plain number), so the reader's
    /// font size and line spacing work; only rules (borders) are drawn in pixels, and nothing
    /// has a fixed height.
    #[test]
    fn themes_keep_the_readers_colours_and_scale_with_their_font_size() {
        for (name, _, css) in THEMES {
            let decls = declarations(css);
            assert!(
                decls.len() > 50,
                "{name}: {} declarations read",
                decls.len()
            );
            for (selector, property, value) in &decls {
                let at = format!("{name}: {selector} {{ {property}: {value} }}");
                assert!(
                    !(property == "color"
                        || property.starts_with("background")
                        || property.ends_with("-color")
                        || property == "opacity"),
                    "a fixed colour: {at}"
                );
                if property.starts_with("border") {
                    continue;
                }
                if property == "height" || property == "min-height" {
                    // Only a formula picture has a height, in ems: it follows the font size.
                    assert!(
                        value == "auto" || (selector.starts_with("img.") && value.ends_with("em")),
                        "a fixed height: {at}"
                    );
                }
                for word in value.split_whitespace() {
                    let number_end = word
                        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                        .unwrap_or(word.len());
                    if number_end == 0 || !word[..number_end].chars().any(|c| c.is_ascii_digit()) {
                        continue;
                    }
                    let unit = &word[number_end..];
                    assert!(
                        matches!(unit, "" | "em" | "rem" | "%" | "ex" | "ch"),
                        "an absolute length ({word}): {at}"
                    );
                }
            }
        }
    }

    /// No picture is wider than the text block, in any theme: every picture is limited to the
    /// width of its block (`max-width: 100%`) and no rule gives one a width, a negative or
    /// fixed margin, or a position that would carry it past the margin. (A check on the rules
    /// that guarantees it, rather than a render.)
    #[test]
    fn no_picture_is_wider_than_the_text() {
        for (name, _, css) in THEMES {
            let decls = declarations(css);
            let img_rules: Vec<&(String, String, String)> = decls
                .iter()
                .filter(|(sel, _, _)| {
                    sel.split(',').any(|s| {
                        s.split_whitespace()
                            .last()
                            .is_some_and(|l| l.starts_with("img"))
                    })
                })
                .collect();
            assert!(
                img_rules
                    .iter()
                    .any(|(sel, p, v)| sel == "img" && p == "max-width" && v == "100%"),
                "{name}: img {{ max-width: 100% }}"
            );
            for (sel, p, v) in img_rules {
                assert!(
                    !matches!(
                        p.as_str(),
                        "width"
                            | "min-width"
                            | "margin-left"
                            | "margin-right"
                            | "position"
                            | "left"
                            | "right"
                            | "float"
                    ) || v == "auto"
                        || (p == "max-width" && v == "100%"),
                    "{name}: {sel} {{ {p}: {v} }}"
                );
                if p == "max-width" {
                    assert_eq!(v, "100%", "{name}: {sel}");
                }
            }
            // A paragraph of pictures is neither indented nor pushed aside.
            assert!(
                decls
                    .iter()
                    .any(|(sel, p, v)| sel == "p.picture" && p == "text-indent" && v == "0"),
                "{name}"
            );
            assert!(
                decls
                    .iter()
                    .any(|(sel, p, v)| sel == "figure" && p == "margin" && !v.contains('-')),
                "{name}"
            );
        }
    }

    #[test]
    fn unknown_style_names_the_choices() {
        let err = resolve(Some("fancy")).unwrap_err().to_string();
        assert!(err.contains("serif, sans"), "{err}");
        assert!(resolve(Some("sans")).unwrap().contains("sans-serif"));
    }
}
