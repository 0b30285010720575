//! A newsletter message as an article: its HTML part (else its text part), the sender as the
//! source, the subject as the title, the Date header as the date; and the clutter newsletters
//! carry taken out — tracking pixels, hidden preheader text, "view in browser" lines,
//! unsubscribe footers — with layout tables turned into flowing blocks. MIME, transfer encodings
//! and charsets are `mail-parser`'s.

use dom_query::Document;
use mail_parser::MimeHeaders;

use crate::model::Published;

/// What an article needs of one message.
#[derive(Debug, Clone)]
pub struct Letter {
    pub subject: Option<String>,
    /// The sender's name, else their address.
    pub sender: Option<String>,
    pub published: Option<Published>,
    /// The body as HTML, cleaned of newsletter clutter.
    pub html: String,
}

/// Read a message; `None` when it is no message at all.
pub fn read(raw: &[u8]) -> Option<Letter> {
    let msg = mail_parser::MessageParser::default().parse(raw)?;
    let from = msg.from().and_then(|a| a.first());
    let sender_address = from.and_then(|f| f.address()).map(str::to_owned);
    let sender = from
        .and_then(|f| f.name())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| sender_address.clone());
    let published = msg.date().and_then(|d| {
        let at = chrono::DateTime::from_timestamp(d.to_timestamp(), 0)?;
        let offset = chrono::FixedOffset::east_opt(
            (i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60)
                * if d.tz_before_gmt { -1 } else { 1 },
        )
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
        Some(Published {
            at: at.with_timezone(&offset),
            has_time: true,
        })
    });
    let html = msg
        .body_html(0)
        .map(|h| h.into_owned())
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_default();
    let has_html = msg
        .html_body
        .first()
        .and_then(|i| msg.parts.get(*i as usize))
        .is_some_and(|p| matches!(p.body, mail_parser::PartType::Html(_)));
    // Pictures the letter carries as parts (`cid:` references) go inline as data addresses.
    let html = if has_html && html.contains("cid:") {
        inline_parts(&msg, &html)
    } else {
        html
    };
    let html = if has_html {
        clean(&html)
    } else if html.trim().is_empty() {
        // Broken MIME (a boundary that never comes): what follows the headers, as it is.
        raw_body(raw)
    } else {
        html
    };
    Some(Letter {
        subject: msg
            .subject()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty()),
        sender,
        published,
        html,
    })
}

/// `html` with each `cid:` picture reference replaced by the part it names, as a `data:`
/// address (parts that are no picture, or missing, are left: the sanitizer drops them).
fn inline_parts(msg: &mail_parser::Message, html: &str) -> String {
    let mut out = html.to_owned();
    for part in &msg.parts {
        let Some(id) = part.content_id() else {
            continue;
        };
        let id = id.trim().trim_start_matches('<').trim_end_matches('>');
        let Some(ct) = part.content_type() else {
            continue;
        };
        if !ct.ctype().eq_ignore_ascii_case("image") {
            continue;
        }
        let media = format!(
            "image/{}",
            ct.subtype().unwrap_or("png").to_ascii_lowercase()
        );
        let data = crate::data_url::encode(&media, part.contents());
        for quote in ['"', '\''] {
            out = out.replace(
                &format!("{quote}cid:{id}{quote}"),
                &format!("{quote}{data}{quote}"),
            );
        }
    }
    out
}

/// The text after a message's headers, when its MIME structure gives none: as HTML when it
/// reads like HTML, else as paragraphs of text.
fn raw_body(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let body = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .map(|(_, b)| b)
        .unwrap_or_default();
    let lower = body.to_ascii_lowercase();
    if ["<p", "<div", "<br", "<table", "<html"]
        .iter()
        .any(|t| lower.contains(t))
    {
        return clean(body);
    }
    body.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", super::text::escape(&p)))
        .collect()
}

/// Lines that point away from the letter: read it elsewhere, or stop getting it.
const AWAY: &[&str] = &[
    "view in browser",
    "view in your browser",
    "view this email in",
    "view it in your browser",
    "view online",
    "read online",
    "web version",
    "having trouble viewing",
    "trouble reading this",
    "unsubscribe",
    "manage your preferences",
    "update your preferences",
    "manage preferences",
    "email preferences",
    "you are receiving this",
    "you're receiving this",
    "you received this email",
    "you are subscribed",
    "no longer wish to receive",
    "forwarded this email",
    "im browser ansehen",
    "im browser öffnen",
    "abbestellen",
    "abmelden",
    "newsletter abbestellen",
    "voir la version en ligne",
    "se désabonner",
    "se desinscrire",
    "désinscription",
    "darse de baja",
    "ver en el navegador",
    "annulla l'iscrizione",
];

/// A newsletter's HTML without its clutter.
pub fn clean(html: &str) -> String {
    let doc = Document::from(html);
    doc.select("head, style, script, title, meta, link")
        .remove();
    // Hidden text: the preheader shown only in an inbox's list, and tricks for one mail client.
    for el in doc.select("[style]").nodes() {
        let style = el
            .attr("style")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace(' ', "");
        if style.contains("display:none")
            || style.contains("visibility:hidden")
            || style.contains("mso-hide:all")
            || style.contains("max-height:0")
            || style.contains("opacity:0")
            || (style.contains("font-size:0") && !style.contains("font-size:0."))
        {
            el.remove_from_parent();
        }
    }
    doc.select("[hidden], [aria-hidden=true]").remove();
    // Tracking pixels: pictures a pixel or two in size.
    for img in doc.select("img").nodes() {
        let tiny = |a: &str| {
            img.attr(a)
                .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
                .is_some_and(|n| n <= 3)
        };
        if tiny("width") || tiny("height") {
            img.remove_from_parent();
        }
    }
    // "View in browser", "Unsubscribe": the smallest block holding such a line goes, when it
    // is short (a footer, not the letter).
    for link in doc.select("a, p, td, div, span, li").nodes().iter().rev() {
        if !link.is_element() || link.parent().is_none() {
            continue;
        }
        let text = link.text().to_lowercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.len() > 400 || !AWAY.iter().any(|w| text.contains(w)) {
            continue;
        }
        // Only the innermost: an element holding another such element leaves that one to go.
        let inner_hit = link.descendants().iter().any(|d| {
            d.is_element()
                && matches!(
                    d.node_name().as_deref(),
                    Some("a" | "p" | "td" | "div" | "span" | "li")
                )
                && {
                    let t = d.text().to_lowercase();
                    AWAY.iter().any(|w| t.contains(w))
                }
        });
        if inner_hit {
            continue;
        }
        // A link alone goes with its block when the block says little else.
        let mut gone = *link;
        if let Some(parent) = link.parent()
            && matches!(
                parent.node_name().as_deref(),
                Some("p" | "td" | "div" | "li" | "span" | "center")
            )
            && parent.text().split_whitespace().count() <= 40
        {
            gone = parent;
        }
        gone.remove_from_parent();
    }
    // Layout tables become flowing blocks; a table with header cells holds data and stays.
    for table in doc.select("table").nodes().iter().rev() {
        if !table.find(&["th"]).is_empty() {
            continue;
        }
        for name in ["td", "tr", "tbody", "thead", "tfoot"] {
            for part in table.find(&[name]) {
                part.rename("div");
            }
        }
        table.rename("div");
    }
    let body = doc.select("body");
    if body.exists() {
        body.inner_html().to_string()
    } else {
        doc.html().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_pictures_go_inline() {
        let png = crate::data_url::encode("image/png", &[0x89, b'P', b'N', b'G', 1, 2, 3]);
        let b64 = png.split_once(',').unwrap().1;
        let raw = format!(
            "From: A <a@x.example>\r\nSubject: Pic\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"r1\"\r\n\r\n\
             --r1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Text.</p><p><img src=\"cid:chart@x\" alt=\"Chart\"></p>\r\n\
             --r1\r\nContent-Type: image/png\r\nContent-ID: <chart@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--r1--\r\n"
        );
        let l = read(raw.as_bytes()).unwrap();
        assert!(l.html.contains(&png), "{}", l.html);
        assert!(!l.html.contains("cid:"), "{}", l.html);
    }

    #[test]
    fn clutter_goes_and_the_letter_stays() {
        let html = r#"<html><head><style>p{}</style></head><body>
            <span style="display: none; max-height:0">Preheader: this week's news in short</span>
            <table role="presentation"><tr><td><a href="https://x.example/web">View in browser</a></td></tr>
            <tr><td><h1>Weekly Letter</h1><p>The harbour opens in May, and the ferries move north.</p>
            <img src="https://x.example/p.jpg" width="600" alt="The harbour">
            <img src="https://x.example/open.gif" width="1" height="1" alt=""></td></tr>
            <tr><td><p>You are receiving this because you signed up. <a href="https://x.example/u">Unsubscribe</a></p></td></tr>
            </table>
            <table><tr><th>Year</th><th>Ferries</th></tr><tr><td>2025</td><td>4</td></tr></table>
            </body></html>"#;
        let out = clean(html);
        assert!(out.contains("The harbour opens in May"), "{out}");
        assert!(out.contains("p.jpg"), "{out}");
        assert!(out.contains("<th>Year</th>"), "a data table stays: {out}");
        for gone in [
            "Preheader",
            "View in browser",
            "open.gif",
            "Unsubscribe",
            "receiving this",
            "<td><a",
        ] {
            assert!(!out.contains(gone), "{gone} left: {out}");
        }
        assert!(!out.contains("role=\"presentation\"><tr>"), "{out}");
    }
}
