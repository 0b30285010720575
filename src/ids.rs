//! Short stable ids: the first 12 hex digits of a SHA-1, for articles (of their key) and
//! pictures (of their bytes). Used by the collector, the ledger and the formatter alike.

/// First 12 hex digits of the SHA-1 of `key`: short, stable, and a valid XML name after a letter.
pub fn short_hash(key: &str) -> String {
    let hex = sha1_smol::Sha1::from(key).digest().to_string();
    hex[..12].to_owned()
}

/// First 12 hex digits of the SHA-1 of `bytes` (content addresses for images).
pub fn short_hash_bytes(bytes: &[u8]) -> String {
    let hex = sha1_smol::Sha1::from(bytes).digest().to_string();
    hex[..12].to_owned()
}

/// Hash of what makes two copies of an article the same text: its title's and body's words,
/// lowercased, outside the body's tags (the ledger's `content_hash`; hashes already stored must
/// not change).
pub fn content_hash(title: &str, body_html: &str) -> String {
    // The lowercased words of the title and the text, joined by single spaces: one pass that
    // builds the joined string directly (hashes stored in existing ledgers must not change).
    let mut words = String::with_capacity(body_html.len() / 2);
    let mut gap = false;
    let mut push = |c: char| {
        if c.is_alphanumeric() {
            if gap && !words.is_empty() {
                words.push(' ');
            }
            words.push(c);
            gap = false;
        } else {
            gap = true;
        }
    };
    title.to_lowercase().chars().for_each(&mut push);
    let mut in_tag = false;
    for c in body_html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                push(' ');
            }
            _ if in_tag => {}
            c if c.is_ascii() => push(c.to_ascii_lowercase()),
            c => c.to_lowercase().for_each(&mut push),
        }
    }
    short_hash(&words)
}
