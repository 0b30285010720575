//! `data:` addresses: the pictures the sanitizer makes itself (an inline `<svg>` becomes an
//! `<img>` of its own source), and pictures a page or a newsletter carries inline (a mail's
//! `cid:` parts become these): base64 both ways. Nothing is fetched for them.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `data:{media_type};base64,…` holding `bytes`.
pub fn encode(media_type: &str, bytes: &[u8]) -> String {
    let mut out = format!("data:{media_type};base64,");
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of a base64 `data:` address; `None` for anything else.
pub fn decode(url: &str) -> Option<Vec<u8>> {
    let rest = url.strip_prefix("data:")?;
    let (head, body) = rest.split_once(',')?;
    if !head.ends_with(";base64") {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        for s in ["", "a", "ab", "abc", "abcd", "<svg xmlns=\"x\"/>\u{e9}"] {
            let url = super::encode("image/svg+xml", s.as_bytes());
            assert!(url.starts_with("data:image/svg+xml;base64,"));
            assert_eq!(super::decode(&url).unwrap(), s.as_bytes(), "{url}");
        }
        assert_eq!(super::encode("t", b"Man"), "data:t;base64,TWFu");
        assert_eq!(super::decode("data:t;base64,TWE="), Some(b"Ma".to_vec()));
        assert_eq!(super::decode("data:text/plain,hi"), None);
        assert_eq!(super::decode("https://e.x/a.png"), None);
    }
}
