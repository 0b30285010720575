//! Language tags: a page's or feed's tag in its usual case, and a guess from the text when
//! nothing says.

/// A BCP 47 tag in its usual case (`en-us` → `en-US`, `zh_tw` → `zh-TW`), or `None` when the
/// value is not a language tag.
pub fn normalize_lang(tag: &str) -> Option<String> {
    let tag = tag.trim().replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary;
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        match part.len() {
            2 => out.push_str(&part.to_ascii_uppercase()),
            4 => {
                let mut c = part.chars();
                out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                out.push_str(&c.as_str().to_ascii_lowercase());
            }
            _ => out.push_str(&part.to_ascii_lowercase()),
        }
    }
    Some(out)
}

/// Guess the language of an HTML body from its text, when the guess is reliable.
pub fn detect_lang(html: &str) -> Option<String> {
    let mut text = String::with_capacity(html.len().min(4000));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
        if text.len() > 4000 {
            break;
        }
    }
    let info = whatlang::detect(&text)?;
    if !info.is_reliable() {
        return None;
    }
    let code = match info.lang() {
        whatlang::Lang::Eng => "en",
        whatlang::Lang::Fra => "fr",
        whatlang::Lang::Deu => "de",
        whatlang::Lang::Spa => "es",
        whatlang::Lang::Por => "pt",
        whatlang::Lang::Ita => "it",
        whatlang::Lang::Nld => "nl",
        whatlang::Lang::Ces => "cs",
        whatlang::Lang::Slk => "sk",
        whatlang::Lang::Pol => "pl",
        whatlang::Lang::Rus => "ru",
        whatlang::Lang::Ukr => "uk",
        whatlang::Lang::Cmn => "zh",
        whatlang::Lang::Jpn => "ja",
        whatlang::Lang::Kor => "ko",
        whatlang::Lang::Swe => "sv",
        whatlang::Lang::Dan => "da",
        whatlang::Lang::Nob => "nb",
        whatlang::Lang::Fin => "fi",
        whatlang::Lang::Tur => "tr",
        whatlang::Lang::Ell => "el",
        whatlang::Lang::Hun => "hu",
        whatlang::Lang::Ron => "ro",
        whatlang::Lang::Ara => "ar",
        whatlang::Lang::Heb => "he",
        whatlang::Lang::Hin => "hi",
        _ => return None,
    };
    Some(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_tags_are_normalized() {
        assert_eq!(normalize_lang("en-us").as_deref(), Some("en-US"));
        assert_eq!(normalize_lang("zh_tw").as_deref(), Some("zh-TW"));
        assert_eq!(normalize_lang("sr-latn-rs").as_deref(), Some("sr-Latn-RS"));
        assert_eq!(normalize_lang("english"), None);
        assert_eq!(normalize_lang(""), None);
    }

    #[test]
    fn language_is_detected_from_text() {
        let fr = "<p>Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera présentée au parlement la semaine prochaine.</p>";
        assert_eq!(detect_lang(fr).as_deref(), Some("fr"));
    }
}
