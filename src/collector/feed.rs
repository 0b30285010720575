//! Feeds: telling what a fetched document is, repairing the faults real feeds have, and reading
//! RSS 0.9x/1.0/2.0, Atom and JSON Feed (through feed-rs) and OPML lists.
//!
//! Repairs, each tried only after the feed failed to parse as it came: legacy encodings decoded
//! (declared, or detected when the declaration is missing or wrong) and re-declared as UTF-8;
//! anything before the XML declaration or root removed (whitespace, broken prologs such as
//! `<?phpxml …?>`); `<rss>` without a usable version given one; HTML named entities turned into
//! characters; bare `&` escaped; a JSON Feed without `version` given one; a truncated document
//! closed.

use super::decode;
use crate::model::Published;

/// What a fetched document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Feed,
    Opml,
    Page,
}

/// Tell a feed, an OPML list and a web page apart by their first bytes, not by their name.
pub fn sniff(bytes: &[u8]) -> DocKind {
    let head: String =
        String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let t = head.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        return DocKind::Feed;
    }
    if head.contains("<opml") {
        return DocKind::Opml;
    }
    if head.contains("<rss")
        || head.contains("<feed")
        || head.contains("<rdf:rdf")
        || head.contains("<channel")
    {
        return DocKind::Feed;
    }
    if t.starts_with("<?xml") && !head.contains("<html") {
        return DocKind::Feed;
    }
    DocKind::Page
}

/// One item of a feed, as inkquire needs it.
#[derive(Debug, Clone, Default)]
pub struct Item {
    pub guid: Option<String>,
    pub link: Option<String>,
    pub title: Option<String>,
    /// Summary as HTML.
    pub summary: Option<String>,
    /// Full content as HTML, when the feed carries it.
    pub content: Option<String>,
    pub published: Option<Published>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FeedDoc {
    pub title: Option<String>,
    pub link: Option<String>,
    pub lang: Option<String>,
    pub items: Vec<Item>,
    /// What was repaired to read it, if anything.
    pub repaired: Option<String>,
}

/// Parse a feed, repairing it if it does not parse as it is.
/// Why a feed or an OPML list cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// Not a feed even after repair; says what the parser met first.
    #[error("not a feed inkquire can read: {0}")]
    NotAFeed(String),
    /// The parser itself failed on the document.
    #[error("the feed parser failed on this document")]
    ParserFailed,
    #[error("{0}")]
    Parser(String),
    #[error(transparent)]
    Decode(#[from] decode::DecodeError),
    #[error("not a valid OPML document: {0}")]
    Opml(String),
}

/// Parse a feed, repairing it if it does not parse as it is.
pub fn parse(bytes: &[u8], base: Option<&str>) -> Result<FeedDoc, FeedError> {
    // A second `<?xml … encoding=…?>` inside the document makes quick-xml panic (found by
    // fuzzing): take such declarations out before the parser sees them.
    // The same panic comes from a leading declaration that is long or unclosed (quick-xml has
    // moved past its first buffer when it sees it): such a declaration is rewritten short.
    let closed = close_declaration(bytes);
    let bytes = closed.as_deref().unwrap_or(bytes);
    let stripped = strip_stray_declarations(bytes);
    let bytes = stripped.as_deref().unwrap_or(bytes);
    let spaced = space_out_emails(bytes);
    let bytes = spaced.as_deref().unwrap_or(bytes);
    let first = parse_raw(bytes, base);
    match first {
        Ok(doc) if !doc.items.is_empty() || !looks_itemful(bytes) => Ok(doc),
        first => {
            let (fixed, what) = repair(bytes);
            match parse_raw(&fixed, base) {
                Ok(mut doc) => {
                    doc.repaired = Some(what.join(", ")).filter(|s| !s.is_empty());
                    Ok(doc)
                }
                Err(e) => Err(FeedError::NotAFeed(match first {
                    Err(first) => first.to_string(),
                    Ok(_) => e.to_string(),
                })),
            }
        }
    }
}

/// A leading `<?xml …` declaration that does not close with `?>` at its first `>`, or is longer
/// or odder than a declaration needs to be, rewritten as a short one with the same encoding;
/// `None` when the start is fine (or is no declaration).
fn close_declaration(bytes: &[u8]) -> Option<Vec<u8>> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let lead = body.len() - body.trim_ascii_start().len();
    let body = &body[lead..];
    if !body.starts_with(b"<?xml") || body.get(5).is_some_and(|b| !b.is_ascii_whitespace()) {
        return None;
    }
    let gt = body.iter().position(|&b| b == b'>');
    let plain = |d: &[u8]| {
        d.iter()
            .all(|&b| (0x20..0x7f).contains(&b) || b"\t\r\n".contains(&b))
    };
    if gt.is_some_and(|g| g > 0 && body[g - 1] == b'?' && g < 120 && plain(&body[..g])) {
        return None;
    }
    let head = &body[..gt.unwrap_or(body.len())];
    let mut out = b"<?xml version=\"1.0\"".to_vec();
    if let Some(enc) = xml_encoding(&[head, b"?>"].concat()).filter(|e| {
        e.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
    }) {
        out.extend_from_slice(format!(" encoding=\"{enc}\"").as_bytes());
    }
    out.extend_from_slice(b"?>");
    if let Some(g) = gt {
        out.extend_from_slice(&body[g + 1..]);
    }
    Some(out)
}

/// feed-rs 3.0.0 splits a person field (`<author>`, `<managingEditor>`…) around an e-mail
/// address by byte arithmetic and panics when the address touches a non-ASCII character (found
/// by fuzzing: `‰š’aster@…`). Put a space between such a character and the ASCII run holding
/// the address; `None` when no address touches one.
fn space_out_emails(bytes: &[u8]) -> Option<Vec<u8>> {
    let run = |b: u8| b.is_ascii_alphanumeric() || b"._%+-<>[]():@".contains(&b);
    let mut cuts = Vec::new();
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'@').map(|p| p + i) {
        let mut start = at;
        while start > 0 && run(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && run(bytes[end]) {
            end += 1;
        }
        if start > 0 && bytes[start - 1] >= 0x80 {
            cuts.push(start);
        }
        if end < bytes.len() && bytes[end] >= 0x80 {
            cuts.push(end);
        }
        i = end.max(at + 1);
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + cuts.len());
    let mut from = 0;
    for cut in cuts {
        out.extend_from_slice(&bytes[from..cut]);
        out.push(b' ');
        from = cut;
    }
    out.extend_from_slice(&bytes[from..]);
    Some(out)
}

/// `bytes` without the XML declarations (`<?xml …?>`) that are not at its very start, or `None`
/// when there are none. Only ASCII ranges are removed, so UTF-8 stays UTF-8.
fn strip_stray_declarations(bytes: &[u8]) -> Option<Vec<u8>> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut out = Vec::new();
    // bytes[..copied] are settled: copied into `out`, or a declaration left out.
    let mut copied = 0;
    let mut at = 1;
    let mut changed = false;
    while let Some(i) = bytes.get(at..).and_then(|rest| find(rest, b"<?xml")) {
        let start = at + i;
        let after = bytes.get(start + 5).copied().unwrap_or(b'>');
        match find(&bytes[start..], b"?>") {
            Some(e) if after.is_ascii_whitespace() => {
                out.extend_from_slice(&bytes[copied..start]);
                copied = start + e + 2;
                at = copied;
                changed = true;
            }
            _ => at = start + 5,
        }
    }
    changed.then(|| {
        out.extend_from_slice(&bytes[copied..]);
        out
    })
}

/// Does the document seem to hold items (so parsing to none is a silent failure)?
fn looks_itemful(bytes: &[u8]) -> bool {
    let s = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    s.contains("<item") || s.contains("<entry") || s.contains("\"items\"")
}

fn parse_raw(bytes: &[u8], base: Option<&str>) -> Result<FeedDoc, FeedError> {
    let parser = feed_rs::parser::Builder::new().base_uri(base).build();
    // feed-rs (and quick-xml under it) can panic on odd documents (fuzzing found a second
    // `<?xml … encoding?>` inside an item): a panic is a parse error, not a crash.
    let feed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| FeedError::ParserFailed)?
        .map_err(|e| FeedError::Parser(e.to_string()))?;
    let text = |t: &Option<feed_rs::model::Text>| t.as_ref().map(|t| t.content.clone());
    let feed_link = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.clone());
    let items = feed
        .entries
        .into_iter()
        .map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(e.links.first())
                .map(|l| l.href.clone());
            let published = e.published.or(e.updated).map(|d| Published {
                at: d.fixed_offset(),
                has_time: true,
            });
            Item {
                guid: Some(e.id).filter(|g| !g.is_empty()),
                link,
                title: text(&e.title)
                    .map(|t| plain_text(&t))
                    .filter(|t| !t.is_empty()),
                summary: text(&e.summary),
                content: e.content.and_then(|c| c.body),
                published,
                authors: e.authors.into_iter().filter_map(|p| p.name).collect(),
                // An Atom category is matched by its term and by its label; the label comes
                // first, so a section is titled by it (`term="tech" label="Technology"`).
                categories: e
                    .categories
                    .into_iter()
                    .flat_map(|c| {
                        let label = c.label.filter(|l| !l.trim().is_empty());
                        let term = Some(c.term).filter(|t| {
                            !t.trim().is_empty()
                                && label.as_ref().is_none_or(|l| !l.eq_ignore_ascii_case(t))
                        });
                        label.into_iter().chain(term)
                    })
                    .collect(),
                lang: e.language,
            }
        })
        .collect();
    Ok(FeedDoc {
        title: text(&feed.title)
            .map(|t| plain_text(&t))
            .filter(|t| !t.is_empty()),
        link: feed_link,
        lang: feed.language,
        items,
        repaired: None,
    })
}

/// Text of a possibly-HTML string (titles may carry markup, even `<script>`).
pub fn plain_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let doc = dom_query::Document::fragment(s);
    doc.select("script, style").remove();
    let t = doc.text();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Apply every repair that applies; returns the new bytes and what was done.
pub fn repair(bytes: &[u8]) -> (Vec<u8>, Vec<&'static str>) {
    let mut done = Vec::new();
    let trimmed = {
        let t = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let start = t.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
        &t[start..]
    };
    if trimmed.starts_with(b"{") {
        let mut text = String::from_utf8_lossy(trimmed).into_owned();
        if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text)
            && v.get("items").is_some()
        {
            match v.get("version").and_then(|x| x.as_str()).map(str::to_owned) {
                None => {
                    v["version"] = "https://jsonfeed.org/version/1.1".into();
                    done.push("added the JSON Feed version");
                }
                Some(old) if old.starts_with("http://jsonfeed.org/") => {
                    v["version"] = old.replacen("http://", "https://", 1).into();
                    done.push("corrected the JSON Feed version");
                }
                Some(_) => {}
            }
            // `"tags": "a,b"` (a string, as some real feeds write it) is a list of two tags.
            let mut split = false;
            if let Some(items) = v.get_mut("items").and_then(|i| i.as_array_mut()) {
                for item in items.iter_mut() {
                    if let Some(tags) = item.get("tags").and_then(|t| t.as_str()) {
                        let list: Vec<serde_json::Value> = tags
                            .split(',')
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(|t| t.into())
                            .collect();
                        item["tags"] = list.into();
                        split = true;
                    }
                }
            }
            if split {
                done.push("made string tags a list");
            }
            text = v.to_string();
        }
        return (text.into_bytes(), done);
    }

    // Text: by the declared encoding when it is real and fits, else detected.
    let declared = xml_encoding(trimmed);
    let mut text = match declared
        .as_deref()
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
    {
        Some(enc) if enc != encoding_rs::UTF_8 => {
            let (t, _, bad) = enc.decode(trimmed);
            if bad {
                done.push("decoded by detection (the declared encoding does not fit)");
                detect(trimmed)
            } else {
                t.into_owned()
            }
        }
        _ => match std::str::from_utf8(trimmed) {
            Ok(t) => t.to_owned(),
            Err(_) => {
                done.push("decoded an undeclared legacy encoding");
                detect(trimmed)
            }
        },
    };

    // Prolog: keep from the root element on, with a clean UTF-8 declaration.
    let root_at = ["<rss", "<feed", "<rdf:RDF", "<RDF", "<opml"]
        .iter()
        .filter_map(|r| text.find(r))
        .min();
    if let Some(at) = root_at {
        let prolog = &text[..at];
        let odd_prolog = !prolog.trim().is_empty()
            && !prolog.trim_start().starts_with("<?xml ")
            && !prolog.trim_start().starts_with("<?xml-stylesheet")
            && !prolog.trim_start().starts_with("<!--");
        if odd_prolog || declared.is_some() || text.starts_with(char::is_whitespace) {
            if odd_prolog {
                done.push("removed a broken prolog");
            }
            text = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
                &text[at..]
            );
        }
    }

    // XML declarations anywhere but the start (pasted documents) are not XML.
    if let Some(fixed) = strip_stray_declarations(text.as_bytes()) {
        text = String::from_utf8(fixed).expect("only ASCII ranges were removed");
        done.push("removed a misplaced XML declaration");
    }

    // Atom 0.3 is close enough to Atom 1.0 to read as it.
    if text.contains("http://purl.org/atom/ns#") {
        text = text
            .replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom")
            .replace("type=\"text/html\"", "type=\"html\"")
            .replace("type=\"text/plain\"", "type=\"text\"")
            .replace("<issued>", "<published>")
            .replace("</issued>", "</published>")
            .replace("<modified>", "<updated>")
            .replace("</modified>", "</updated>");
        done.push("read Atom 0.3 as Atom 1.0");
    }

    // <rss> with no version, or one feed-rs does not know.
    if let Some(start) = text.find("<rss")
        && let Some(end) = text[start..].find('>').map(|e| start + e)
    {
        let tag = &text[start..end];
        let version_ok = [
            "version=\"2.0\"",
            "version=\"0.91\"",
            "version=\"0.92\"",
            "version='2.0'",
        ]
        .iter()
        .any(|v| tag.contains(v));
        if !version_ok {
            let new_tag = if let Some(v) = tag.find("version=") {
                // The value's quote, and where the value ends (fuzzing found a tag that ends
                // right after `version=`).
                let q = tag[v + 8..].chars().next().unwrap_or('"');
                let from = v + 8 + q.len_utf8();
                let vend = tag
                    .get(from..)
                    .and_then(|rest| rest.find(q))
                    .map_or(tag.len(), |e| from + e + q.len_utf8());
                format!("{}version=\"2.0\"{}", &tag[..v], &tag[vend..])
            } else {
                format!("<rss version=\"2.0\"{}", &tag[4..])
            };
            text.replace_range(start..end, &new_tag);
            done.push("gave <rss> a version");
        }
    }

    // Entities and ampersands.
    let (fixed, entities, amps) = fix_ampersands(&text);
    if entities {
        done.push("turned HTML entities into characters");
    }
    if amps {
        done.push("escaped bare `&`");
    }
    text = fixed;

    // A truncated feed: close what is open.
    let mut tail_start = text.len().saturating_sub(64);
    while !text.is_char_boundary(tail_start) {
        tail_start -= 1;
    }
    let lower_tail: String = text[tail_start..].to_ascii_lowercase();
    if text.contains("<rss") && !lower_tail.contains("</rss>") {
        if let Some(cut) = text.rfind("</item>") {
            text.truncate(cut + "</item>".len());
            text.push_str("</channel></rss>");
            done.push("closed a truncated feed");
        }
    } else if text.contains("<feed")
        && !lower_tail.contains("</feed>")
        && let Some(cut) = text.rfind("</entry>")
    {
        text.truncate(cut + "</entry>".len());
        text.push_str("</feed>");
        done.push("closed a truncated feed");
    }
    (text.into_bytes(), done)
}

fn detect(bytes: &[u8]) -> String {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    enc.decode(bytes).0.into_owned()
}

/// The `encoding` of an XML declaration at the start, if any.
fn xml_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let decl_end = head.find("?>")?;
    let decl = &head[..decl_end];
    if !decl.starts_with("<?xml") {
        return None;
    }
    let at = decl.find("encoding=")? + 9;
    let q = decl[at..].chars().next()?;
    let rest = &decl[at + q.len_utf8()..];
    Some(rest[..rest.find(q)?].to_owned())
}

/// Replace HTML named entities XML does not know with characters, and escape `&` that starts no
/// entity. Returns the text and whether each kind of fix was made.
fn fix_ampersands(text: &str) -> (String, bool, bool) {
    let mut out = String::with_capacity(text.len());
    let (mut entities, mut amps) = (false, false);
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let name = end
            .filter(|&e| rest.as_bytes().get(e) == Some(&b';'))
            .map(|e| &rest[1..e]);
        match name {
            Some(n) if matches!(n, "amp" | "lt" | "gt" | "quot" | "apos") || n.starts_with('#') => {
                out.push_str(&rest[..n.len() + 2]);
                rest = &rest[n.len() + 2..];
            }
            Some(n) if html_entity(n).is_some() => {
                let c = html_entity(n).expect("checked");
                // Inside markup-escaped content the character is as good as the entity.
                out.push_str(&format!("&#{};", c as u32));
                entities = true;
                rest = &rest[n.len() + 2..];
            }
            _ => {
                out.push_str("&amp;");
                amps = true;
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    (out, entities, amps)
}

/// The HTML named entities feeds use most.
fn html_entity(name: &str) -> Option<char> {
    const TABLE: &[(&str, char)] = &[
        ("nbsp", '\u{a0}'),
        ("iexcl", '¡'),
        ("cent", '¢'),
        ("pound", '£'),
        ("curren", '¤'),
        ("yen", '¥'),
        ("brvbar", '¦'),
        ("sect", '§'),
        ("uml", '¨'),
        ("copy", '©'),
        ("ordf", 'ª'),
        ("laquo", '«'),
        ("not", '¬'),
        ("shy", '\u{ad}'),
        ("reg", '®'),
        ("macr", '¯'),
        ("deg", '°'),
        ("plusmn", '±'),
        ("sup2", '²'),
        ("sup3", '³'),
        ("acute", '´'),
        ("micro", 'µ'),
        ("para", '¶'),
        ("middot", '·'),
        ("cedil", '¸'),
        ("sup1", '¹'),
        ("ordm", 'º'),
        ("raquo", '»'),
        ("frac14", '¼'),
        ("frac12", '½'),
        ("frac34", '¾'),
        ("iquest", '¿'),
        ("Agrave", 'À'),
        ("Aacute", 'Á'),
        ("Acirc", 'Â'),
        ("Atilde", 'Ã'),
        ("Auml", 'Ä'),
        ("Aring", 'Å'),
        ("AElig", 'Æ'),
        ("Ccedil", 'Ç'),
        ("Egrave", 'È'),
        ("Eacute", 'É'),
        ("Ecirc", 'Ê'),
        ("Euml", 'Ë'),
        ("Igrave", 'Ì'),
        ("Iacute", 'Í'),
        ("Icirc", 'Î'),
        ("Iuml", 'Ï'),
        ("ETH", 'Ð'),
        ("Ntilde", 'Ñ'),
        ("Ograve", 'Ò'),
        ("Oacute", 'Ó'),
        ("Ocirc", 'Ô'),
        ("Otilde", 'Õ'),
        ("Ouml", 'Ö'),
        ("times", '×'),
        ("Oslash", 'Ø'),
        ("Ugrave", 'Ù'),
        ("Uacute", 'Ú'),
        ("Ucirc", 'Û'),
        ("Uuml", 'Ü'),
        ("Yacute", 'Ý'),
        ("THORN", 'Þ'),
        ("szlig", 'ß'),
        ("agrave", 'à'),
        ("aacute", 'á'),
        ("acirc", 'â'),
        ("atilde", 'ã'),
        ("auml", 'ä'),
        ("aring", 'å'),
        ("aelig", 'æ'),
        ("ccedil", 'ç'),
        ("egrave", 'è'),
        ("eacute", 'é'),
        ("ecirc", 'ê'),
        ("euml", 'ë'),
        ("igrave", 'ì'),
        ("iacute", 'í'),
        ("icirc", 'î'),
        ("iuml", 'ï'),
        ("eth", 'ð'),
        ("ntilde", 'ñ'),
        ("ograve", 'ò'),
        ("oacute", 'ó'),
        ("ocirc", 'ô'),
        ("otilde", 'õ'),
        ("ouml", 'ö'),
        ("divide", '÷'),
        ("oslash", 'ø'),
        ("ugrave", 'ù'),
        ("uacute", 'ú'),
        ("ucirc", 'û'),
        ("uuml", 'ü'),
        ("yacute", 'ý'),
        ("thorn", 'þ'),
        ("yuml", 'ÿ'),
        ("OElig", 'Œ'),
        ("oelig", 'œ'),
        ("Scaron", 'Š'),
        ("scaron", 'š'),
        ("Yuml", 'Ÿ'),
        ("fnof", 'ƒ'),
        ("circ", 'ˆ'),
        ("tilde", '˜'),
        ("ensp", '\u{2002}'),
        ("emsp", '\u{2003}'),
        ("thinsp", '\u{2009}'),
        ("zwnj", '\u{200c}'),
        ("zwj", '\u{200d}'),
        ("ndash", '–'),
        ("mdash", '—'),
        ("lsquo", '‘'),
        ("rsquo", '’'),
        ("sbquo", '‚'),
        ("ldquo", '“'),
        ("rdquo", '”'),
        ("bdquo", '„'),
        ("dagger", '†'),
        ("Dagger", '‡'),
        ("bull", '•'),
        ("hellip", '…'),
        ("permil", '‰'),
        ("prime", '′'),
        ("lsaquo", '‹'),
        ("rsaquo", '›'),
        ("euro", '€'),
        ("trade", '™'),
        ("larr", '←'),
        ("rarr", '→'),
        ("uarr", '↑'),
        ("darr", '↓'),
        ("hearts", '♥'),
    ];
    TABLE.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// Feeds listed in an OPML document: (URL, title, category).
/// A feed named in an OPML list: its address, title and category.
pub type OpmlFeed = (String, Option<String>, Option<String>);

pub fn parse_opml(bytes: &[u8]) -> Result<Vec<OpmlFeed>, FeedError> {
    let text = decode::decode(bytes)?.text;
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .map_err(|e| FeedError::Opml(e.to_string()))?;
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("outline")) {
        if let Some(url) = n.attribute("xmlUrl") {
            let title = n
                .attribute("title")
                .or(n.attribute("text"))
                .map(str::to_owned);
            let category = n.attribute("category").map(str::to_owned).or_else(|| {
                n.parent()
                    .filter(|p| p.has_tag_name("outline") && p.attribute("xmlUrl").is_none())
                    .and_then(|p| p.attribute("text").or(p.attribute("title")))
                    .map(str::to_owned)
            });
            out.push((url.to_owned(), title, category));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_xml_declarations_are_taken_out_and_nothing_else() {
        let doc = b"<?xml version=\"1.0\"?><rss><a>x<?xml version=\"1.0\" encoding=\"utf-8\"?>y</a><?xml-stylesheet href=\"s\"?></rss>";
        let out = strip_stray_declarations(doc).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<?xml version=\"1.0\"?><rss><a>xy</a><?xml-stylesheet href=\"s\"?></rss>"
        );
        assert!(strip_stray_declarations(b"<?xml version=\"1.0\"?><rss/>").is_none());
        assert!(strip_stray_declarations(b"<rss><?xml unclosed").is_none());
    }

    #[test]
    fn an_unclosed_leading_declaration_is_closed() {
        let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?\n><rss/>";
        assert_eq!(
            close_declaration(doc).unwrap(),
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>".to_vec()
        );
        assert!(close_declaration(b"<?xml version=\"1.0\"?><rss/>").is_none());
        assert!(close_declaration(b"<rss/>").is_none());
        assert_eq!(
            close_declaration(b"<?xml junk").unwrap(),
            b"<?xml version=\"1.0\"?>".to_vec()
        );
    }

    #[test]
    fn addresses_touching_non_ascii_text_get_a_space() {
        let doc = "<author>‰š’aster@fc.net’</author><p>a@b.org</p>";
        let out = String::from_utf8(space_out_emails(doc.as_bytes()).unwrap()).unwrap();
        assert_eq!(out, "<author>‰š’ aster@fc.net ’</author><p>a@b.org</p>");
        assert!(space_out_emails(b"<author>x@y.org (X)</author>").is_none());
        // And feed-rs reads it without panicking.
        let feed = format!(
            "<rss version=\"2.0\"><channel><title>T</title><managingEditor>{}</managingEditor>\
             <item><title>I</title><link>http://e.org/1</link><author>Ёж«a@b.ru»</author></item></channel></rss>",
            "‰š’aster@fcutrecht.net"
        );
        let doc = parse(feed.as_bytes(), None).unwrap();
        assert_eq!(doc.items.len(), 1);
    }

    #[test]
    fn a_long_leading_declaration_is_made_short() {
        let padded = [
            b"<?xml vers".as_slice(),
            &[0u8; 150],
            b"ion=\"1.0\" encoding=\"iso-8859-7\"?><rss/>",
        ]
        .concat();
        assert_eq!(
            close_declaration(&padded).unwrap(),
            b"<?xml version=\"1.0\" encoding=\"iso-8859-7\"?><rss/>".to_vec()
        );
    }

    #[test]
    fn odd_declarations_and_rss_tags_do_not_panic() {
        assert_eq!(
            xml_encoding("<?xml encoding=\u{e9}x\u{e9}?>".as_bytes()),
            Some("x".into())
        );
        assert_eq!(xml_encoding(b"<?xml encoding=?>"), None);
        for doc in [
            "<rss version=",
            "<rss version=>",
            "<rss version=\u{e9}>",
            "<rss",
        ] {
            let _ = repair(doc.as_bytes());
        }
        let (fixed, done) =
            repair(b"<rss version=><channel><item><title>t</title></item></channel></rss>");
        assert!(done.contains(&"gave <rss> a version"), "{done:?}");
        assert!(
            String::from_utf8(fixed)
                .unwrap()
                .contains("<rss version=\"2.0\">")
        );
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(
            sniff(b"  <?xml version=\"1.0\"?><rss version=\"2.0\">"),
            DocKind::Feed
        );
        assert_eq!(
            sniff(b"<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            DocKind::Feed
        );
        assert_eq!(
            sniff(b"{\"version\":\"https://jsonfeed.org/version/1.1\"}"),
            DocKind::Feed
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><opml version=\"2.0\">"),
            DocKind::Opml
        );
        assert_eq!(sniff(b"<!doctype html><html><body>hi"), DocKind::Page);
    }

    #[test]
    fn repairs_common_faults() {
        let bad = "\n<?phpxml version=\"1.0\"?>\n<rss><channel><title>T &amp; caf&eacute; & co</title>\
            <item><title>One&nbsp;item</title><link>https://e.x/1</link></item></channel></rss>";
        let doc = parse(bad.as_bytes(), None).unwrap();
        assert_eq!(doc.title.as_deref(), Some("T & café & co"));
        assert_eq!(doc.items.len(), 1);
        assert_eq!(doc.items[0].title.as_deref(), Some("One item"));
        let what = doc.repaired.unwrap();
        assert!(
            what.contains("prolog") && what.contains("version") && what.contains("entities"),
            "{what}"
        );
    }

    #[test]
    fn undeclared_latin1_and_truncation() {
        let mut bytes = b"<rss version=\"2.0\"><channel><title>Caf\xe9</title><item><title>Un caf\xe9</title></item>".to_vec();
        bytes.extend_from_slice(b"<item><title>cut");
        let doc = parse(&bytes, None).unwrap();
        assert_eq!(doc.items.len(), 1);
        assert_eq!(doc.items[0].title.as_deref(), Some("Un café"));
    }

    #[test]
    fn json_feed_tags_given_as_a_string_are_a_list() {
        let raw = br#"{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[
            {"id":"1","url":"https://e.x/1","title":"A","content_text":"x","tags":"tech, science"}]}"#;
        let (fixed, done) = repair(raw);
        assert!(done.contains(&"made string tags a list"), "{done:?}");
        let doc = parse(&fixed, None).expect("the repaired feed parses");
        assert_eq!(doc.items[0].categories, ["tech", "science"]);
    }

    #[test]
    fn atom_categories_match_by_term_and_are_titled_by_label() {
        let raw =
            br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
            <id>urn:x</id><updated>2026-11-30T00:00:00Z</updated>
            <entry><title>A</title><id>urn:a</id><updated>2026-11-30T00:00:00Z</updated>
            <link href="https://e.x/a"/><content type="html">x</content>
            <category term="tech" label="Technology"/><category term="science"/></entry></feed>"#;
        let doc = parse(raw, None).expect("parses");
        assert_eq!(doc.items[0].categories, ["Technology", "tech", "science"]);
    }

    #[test]
    fn json_feed_without_version() {
        let doc = parse(br#"{"title":"J","items":[{"id":"1","url":"https://e.x/1","title":"Hi","content_html":"<p>x</p>"}]}"#, None).unwrap();
        assert_eq!(doc.items.len(), 1);
        assert_eq!(doc.items[0].content.as_deref(), Some("<p>x</p>"));
    }

    #[test]
    fn opml_lists_feeds_with_categories() {
        let opml = br#"<?xml version="1.0"?><opml version="2.0"><body>
            <outline text="Tech"><outline text="A" xmlUrl="https://a.example/feed"/></outline>
            <outline text="B" title="Bee" xmlUrl="https://b.example/rss" category="science"/></body></opml>"#;
        let feeds = parse_opml(opml).unwrap();
        assert_eq!(
            feeds[0],
            (
                "https://a.example/feed".into(),
                Some("A".into()),
                Some("Tech".into())
            )
        );
        assert_eq!(
            feeds[1],
            (
                "https://b.example/rss".into(),
                Some("Bee".into()),
                Some("science".into())
            )
        );
    }
}
