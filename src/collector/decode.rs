//! Bytes to text: byte-order marks, declared charsets, detection, and refusing binary data.

use encoding_rs::{Encoding, UTF_8};

/// Text decoded from a file, and the legacy encoding used when it was not UTF-8.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// `Some("windows-1252")` when the bytes were not UTF-8 and were decoded by a declared or
    /// detected charset.
    pub legacy_encoding: Option<&'static str>,
    /// Whether the legacy encoding was declared in the file (true) or guessed (false).
    pub declared: bool,
}

/// Why bytes could not be read as text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("not a text file (it holds binary data)")]
    Binary,
}

/// Decode `bytes` as text. A BOM wins; then valid UTF-8; then a charset declared in an HTML `<meta>`
/// or XML declaration; then detection (Windows-1252/Latin-1 and other legacy encodings).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let legacy = (enc != UTF_8).then_some(enc.name());
        return finish(text.into_owned(), legacy, true);
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_owned(), None, false);
    }
    let (enc, declared) = match declared_charset(bytes) {
        Some(enc) if enc != UTF_8 => (enc, true),
        _ => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            (det.guess(None, chardetng::Utf8Detection::Deny), false)
        }
    };
    let (text, _, _) = enc.decode(bytes);
    finish(text.into_owned(), Some(enc.name()), declared)
}

fn finish(
    text: String,
    legacy_encoding: Option<&'static str>,
    declared: bool,
) -> Result<Decoded, DecodeError> {
    // Text full of control characters is binary data that happened to have no NUL bytes.
    let (odd, total) = odd_chars(&text);
    if odd * 20 > total.max(1) {
        return Err(DecodeError::Binary);
    }
    Ok(Decoded {
        text,
        legacy_encoding,
        declared,
    })
}

/// Control characters (but line breaks, tabs and form feeds) and U+FFFD, and all characters, of
/// `text`: counted over its UTF-8 bytes, without decoding them.
fn odd_chars(text: &str) -> (usize, usize) {
    let b = text.as_bytes();
    let (mut odd, mut total) = (0, 0);
    // Blocks short enough for byte-wide counters, so that the loop runs on vectors.
    const BLOCK: usize = 255;
    for (n, block) in b.chunks(BLOCK).enumerate() {
        let (mut starts, mut controls, mut leads) = (0u8, 0u8, 0u8);
        for &x in block {
            // Every byte but a continuation byte starts a character.
            starts += u8::from(x & 0xC0 != 0x80);
            controls +=
                u8::from((x < 0x20 && !matches!(x, b'\n' | b'\r' | b'\t' | 0x0c)) || x == 0x7F);
            leads += u8::from(x == 0xC2 || x == 0xEF);
        }
        total += usize::from(starts);
        odd += usize::from(controls);
        if leads > 0 {
            // The block has the first byte of a C1 control (U+0080..U+009F: C2 80..C2 9F) or
            // of U+FFFD (EF BF BD); those may end in the next block.
            let start = n * BLOCK;
            for i in start..start + block.len() {
                odd += usize::from(match b[i] {
                    0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
                    0xEF => b.get(i + 1..i + 3) == Some(&[0xBF, 0xBD][..]),
                    _ => false,
                });
            }
        }
    }
    (odd, total)
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
}

/// A charset named in the first 2 KiB: `<meta charset>`, `<meta http-equiv content="…; charset=">`,
/// or an XML declaration's `encoding`.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    for key in [&b"charset="[..], &b"encoding="[..]] {
        let mut from = 0;
        while let Some(pos) = find(&lower[from..], key) {
            let start = from + pos + key.len();
            let rest = &head[start..];
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let end = rest
                .iter()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                })
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..end]) {
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_characters_are_counted_as_char_by_char() {
        let by_chars = |t: &str| {
            let odd = t
                .chars()
                .filter(|&c| {
                    (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')) || c == '\u{FFFD}'
                })
                .count();
            (odd, t.chars().count())
        };
        for t in [
            "",
            "plain text\r\n\twith\x0c breaks",
            "bell\x07 and del\x7f and nul\0",
            "C1: \u{80}\u{85}\u{9F} but not \u{A0}\u{A9}",
            "replacement \u{FFFD}\u{FFFD} but not \u{FFFC}\u{FFFE} or \u{EFBF}",
            "Grüße, 日本語, emoji 🗞️, ½",
        ] {
            assert_eq!(odd_chars(t), by_chars(t), "{t:?}");
        }
        // Long texts, with the two- and three-byte ones across the counting blocks' edges.
        for pad in 250..260 {
            let t = format!(
                "{}\u{85}{}\u{FFFD}é\x07{}",
                "a".repeat(pad),
                "ü".repeat(pad / 2),
                "\u{9F}x".repeat(300)
            );
            assert_eq!(odd_chars(&t), by_chars(&t), "pad {pad}");
        }
    }

    #[test]
    fn utf8_passes_through() {
        let d = decode("Café – ok".as_bytes()).unwrap();
        assert_eq!(d.text, "Café – ok");
        assert_eq!(d.legacy_encoding, None);
    }

    #[test]
    fn latin1_is_detected() {
        let bytes =
            b"Le caf\xe9 \xe9tait d\xe9j\xe0 ferm\xe9 quand nous sommes arriv\xe9s \xe0 la gare.";
        let d = decode(bytes).unwrap();
        assert!(d.text.contains("café était déjà fermé"), "{}", d.text);
        assert_eq!(d.legacy_encoding, Some("windows-1252"));
        assert!(!d.declared);
    }

    #[test]
    fn declared_charset_wins() {
        let bytes =
            b"<html><head><meta charset=\"iso-8859-15\"></head><body>\xa4 price</body></html>";
        let d = decode(bytes).unwrap();
        assert!(d.text.contains("€ price"), "{}", d.text);
        assert!(d.declared);
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b"  \n").unwrap_err(), DecodeError::Empty);
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
            DecodeError::Binary
        );
        let noise: Vec<u8> = (1..=255u8).cycle().take(4000).collect();
        assert_eq!(decode(&noise).unwrap_err(), DecodeError::Binary);
    }

    #[test]
    fn utf16_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Hé".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "Hé");
    }
}
