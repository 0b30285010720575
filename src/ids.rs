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
