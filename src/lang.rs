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
        whatlang::Lang::Pes => "fa",
        whatlang::Lang::Urd => "ur",
        whatlang::Lang::Yid => "yi",
        whatlang::Lang::Hin => "hi",
        _ => return None,
    };
    Some(code.to_owned())
}

/// Whether a language is written right to left (Arabic, Hebrew, Persian, Urdu, Pashto, Yiddish,
/// Dhivehi, Uyghur, Sorani, Sindhi, Syriac), from its BCP 47 tag; a script subtag decides when
/// there is one (`az-Arab` is, `ku-Latn` is not).
pub fn is_rtl_lang(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    if let Some(script) = parts.find(|p| p.len() == 4) {
        return matches!(
            script.to_ascii_lowercase().as_str(),
            "arab" | "hebr" | "syrc" | "thaa" | "nkoo" | "adlm" | "rohg"
        );
    }
    matches!(
        primary.as_str(),
        "ar" | "he"
            | "iw"
            | "fa"
            | "ur"
            | "ps"
            | "yi"
            | "ji"
            | "dv"
            | "ug"
            | "ckb"
            | "sd"
            | "syr"
            | "arc"
            | "prs"
            | "pnb"
            | "azb"
            | "lrc"
            | "mzn"
            | "glk"
            | "bal"
            | "ks"
    )
}

/// Whether a character is a strong right-to-left letter: Hebrew, Arabic, Syriac, Thaana, N'Ko
/// and their presentation forms.
pub fn is_rtl_char(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
        && c.is_alphabetic()
}

/// The direction the letters of `text` mostly run: `Some(true)` when most of its letters are
/// right-to-left ones, `Some(false)` when most are others, `None` when it has no letters.
pub fn text_is_rtl(text: &str) -> Option<bool> {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    // ASCII letters (most of most pages) are counted from their bytes; other characters are
    // decoded one by one.
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.bytes().take_while(u8::is_ascii).count();
        ltr += rest.as_bytes()[..ascii]
            .iter()
            .filter(|b| b.is_ascii_alphabetic())
            .count();
        rest = &rest[ascii..];
        let other = rest.bytes().take_while(|b| !b.is_ascii()).count();
        for c in rest[..other].chars().filter(|c| c.is_alphabetic()) {
            if is_rtl_char(c) {
                rtl += 1;
            } else {
                ltr += 1;
            }
        }
        rest = &rest[other..];
    }
    (rtl + ltr > 0).then_some(rtl > ltr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_direction_is_counted_as_letter_by_letter() {
        let reference = |text: &str| {
            let (mut rtl, mut ltr) = (0, 0);
            for c in text.chars().filter(|c| c.is_alphabetic()) {
                if is_rtl_char(c) {
                    rtl += 1;
                } else {
                    ltr += 1;
                }
            }
            (rtl + ltr > 0).then_some(rtl > ltr)
        };
        for text in [
            "",
            "123 !?",
            "The bridge",
            "שלום עולם and a few words",
            "مرحبا بالعالم",
            "Straße, ÉTÉ, 東京 — مرحبا",
            "ab مر",
            "a\u{10900}\u{10901}",
        ] {
            assert_eq!(text_is_rtl(text), reference(text), "{text:?}");
        }
        assert_eq!(text_is_rtl("مرحبا بالعالم and"), Some(true));
    }

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

    #[test]
    fn right_to_left_languages_and_scripts_are_known() {
        for rtl in [
            "ar", "ar-EG", "he", "iw", "fa-IR", "ur", "yi", "az-Arab", "ckb",
        ] {
            assert!(is_rtl_lang(rtl), "{rtl}");
        }
        for ltr in ["en", "de-DE", "zh-Hant", "ku-Latn", "az", ""] {
            assert!(!is_rtl_lang(ltr), "{ltr}");
        }
        assert_eq!(
            text_is_rtl("قال الوزير إن الاتفاق مع Reuters نهائي"),
            Some(true)
        );
        assert_eq!(text_is_rtl("שלום עולם"), Some(true));
        assert_eq!(text_is_rtl("The minister said الاتفاق"), Some(false));
        assert_eq!(text_is_rtl("2025 — 17:30"), None);
    }
}
