//! E-mail delivery (Send to Kindle and friends) over SMTP with lettre.
//!
//! Settings are the config's `[smtp]`; the password never lives in the file: it comes from an
//! environment variable (`password-env`) or a command (`password-command`, e.g. a keyring).
//! Before mailing a Kindle address the book is checked against the rules Send to Kindle enforces,
//! so a book Amazon would silently drop fails loudly here instead.

use std::path::Path;

use super::error::DeliverError;
use crate::config::{Security, SmtpConfig};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

/// A mail failure, said as `what: why`.
fn failed(what: String, why: impl std::fmt::Display) -> DeliverError {
    DeliverError::Mail(format!("{what}: {why}"))
}

macro_rules! mail_error {
    ($($t:tt)*) => { DeliverError::Mail(format!($($t)*)) };
}

/// Send to Kindle's limit on a message.
pub const KINDLE_MAX_BYTES: u64 = 50 * 1000 * 1000;

fn is_kindle_address(to: &str) -> bool {
    let to = to.to_ascii_lowercase();
    to.ends_with("@kindle.com") || to.ends_with("@free.kindle.com")
}

/// What is wrong with the `[smtp]` settings, checked before anything is built (the password
/// command is not run here: it may ask for a keyring's passphrase).
pub fn check(smtp: &SmtpConfig) -> Vec<String> {
    let mut problems = Vec::new();
    if smtp.host.trim().is_empty() {
        problems.push("[smtp] host is empty".to_owned());
    }
    if smtp.from.parse::<Mailbox>().is_err() {
        problems.push(format!(
            "[smtp] from: `{}` is not a sender address",
            smtp.from
        ));
    }
    if smtp.username.is_some() {
        match (&smtp.password_env, &smtp.password_command) {
            (Some(var), _) if std::env::var_os(var).is_none_or(|v| v.is_empty()) => problems.push(
                format!("[smtp] password-env: the variable {var} is not set in this environment"),
            ),
            (None, None) => problems
                .push("[smtp] has a username but no password-env or password-command".to_owned()),
            _ => {}
        }
    }
    problems
}

/// Send `epub` to `to` as an issue of `title`; returns a description of what was done.
pub fn send(smtp: &SmtpConfig, title: &str, to: &str, epub: &Path) -> Result<String, DeliverError> {
    let bytes =
        std::fs::read(epub).map_err(|e| failed(format!("cannot read {}", epub.display()), e))?;
    if bytes.len() as u64 > KINDLE_MAX_BYTES {
        return Err(mail_error!(
            "the book is {}, over Send to Kindle's 50 MB limit: set max-size = \"50MB\" under [issue]",
            crate::units::human_size(bytes.len() as u64)
        ));
    }
    if is_kindle_address(to) {
        let problems = kindle_preflight(&bytes);
        if !problems.is_empty() {
            return Err(mail_error!(
                "Send to Kindle would reject this book: {}",
                problems.join("; ")
            ));
        }
    }
    let filename = format!("{}.epub", crate::shelf::slug(title));
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| failed(format!("`{}` is not a sender address", smtp.from), e))?;
    let to_box: Mailbox = to
        .parse()
        .map_err(|e| failed(format!("`{to}` is not an address"), e))?;
    let message = Message::builder()
        .from(from)
        .to(to_box)
        .subject(format!(
            "{title} — {}",
            epub.file_stem().unwrap_or_default().to_string_lossy()
        ))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(format!(
                    "{title}, delivered by inkquire.\n"
                )))
                .singlepart(Attachment::new(filename).body(
                    bytes,
                    ContentType::parse("application/epub+zip").expect("valid MIME type"),
                )),
        )
        .map_err(|e| DeliverError::Mail(e.to_string()))?;
    let port = smtp.port.unwrap_or(match smtp.security {
        Security::Starttls => 587,
        Security::Tls => 465,
        Security::None => 25,
    });
    let mut builder = SmtpTransport::builder_dangerous(&smtp.host)
        .port(port)
        .timeout(Some(std::time::Duration::from_secs(60)));
    match smtp.security {
        Security::None => {}
        Security::Starttls => {
            builder = builder.tls(Tls::Required(
                TlsParameters::new(smtp.host.clone())
                    .map_err(|e| DeliverError::Mail(e.to_string()))?,
            ))
        }
        Security::Tls => {
            builder = builder.tls(Tls::Wrapper(
                TlsParameters::new(smtp.host.clone())
                    .map_err(|e| DeliverError::Mail(e.to_string()))?,
            ))
        }
    }
    if let Some(user) = &smtp.username {
        builder = builder.credentials(Credentials::new(user.clone(), password(smtp)?));
    }
    builder.build().send(&message).map_err(|e| {
        failed(
            format!("the SMTP server {}:{port} refused the message", smtp.host),
            e,
        )
    })?;
    Ok(format!("{to} via {}:{port}", smtp.host))
}

fn password(smtp: &SmtpConfig) -> Result<String, DeliverError> {
    if let Some(var) = &smtp.password_env {
        return std::env::var(var)
            .map_err(|e| failed(format!("the password variable {var} is not set"), e));
    }
    if let Some(cmd) = &smtp.password_command {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .output()
            .map_err(|e| failed(format!("cannot run the password command `{cmd}`"), e))?;
        if !out.status.success() {
            return Err(DeliverError::Mail(format!(
                "the password command `{cmd}` failed"
            )));
        }
        return Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned());
    }
    Err(mail_error!(
        "[smtp] has a username but no password-env or password-command"
    ))
}

/// The Send to Kindle rules a book must meet, checked before mailing it to a Kindle address:
/// an error for each rule broken (empty when the book passes).
pub fn kindle_preflight(epub: &[u8]) -> Vec<String> {
    use std::io::Read;
    let mut problems = Vec::new();
    if epub.len() as u64 > 50 * 1000 * 1000 {
        problems.push(format!(
            "the book is {} bytes; Send to Kindle takes at most 50 MB",
            epub.len()
        ));
    }
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(epub)) else {
        problems.push("not a zip archive".into());
        return problems;
    };
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else { continue };
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut data = String::new();
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            let _ = f.read_to_string(&mut data);
        }
        files.push((name, data));
    }
    let opf = files
        .iter()
        .find(|(n, _)| n.ends_with(".opf"))
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    match opf
        .split("<dc:language>")
        .nth(1)
        .and_then(|r| r.split('<').next())
    {
        Some(l) if crate::lang::normalize_lang(l).is_some() && l != "und" => {}
        _ => problems.push("dc:language is missing or not a language".into()),
    }
    for (name, data) in &files {
        if (name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx"))
            && !data.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        {
            problems.push(format!("{name} has no XML encoding declaration"));
        }
        if name.ends_with(".xhtml") {
            if data.contains("<img>")
                || data
                    .split("<img")
                    .skip(1)
                    .any(|t| !t.split('>').next().unwrap_or("").contains("src="))
            {
                problems.push(format!("{name} has an <img> without src"));
            }
            let body_id = data
                .split("<body")
                .nth(1)
                .and_then(|b| b.split('>').next())
                .and_then(|b| b.split("id=\"").nth(1))
                .and_then(|b| b.split('"').next());
            if let Some(id) = body_id
                && files.iter().any(|(_, d)| d.contains(&format!("#{id}\"")))
            {
                problems.push(format!("{name}: a link points at the <body> id"));
            }
        }
    }
    // Spine order must be NCX playOrder order.
    let ncx = files
        .iter()
        .find(|(n, _)| n.ends_with(".ncx"))
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    let nav_targets: Vec<&str> = ncx
        .split("<content src=\"")
        .skip(1)
        .filter_map(|s| s.split(['"', '#']).next())
        .collect();
    let items: std::collections::HashMap<&str, &str> = opf
        .split("<item ")
        .skip(1)
        .filter_map(|s| {
            let id = s.split("id=\"").nth(1)?.split('"').next()?;
            let href = s.split("href=\"").nth(1)?.split('"').next()?;
            Some((id, href))
        })
        .collect();
    let spine: Vec<&str> = opf
        .split("<itemref idref=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|id| items.get(id).copied())
        .collect();
    let in_spine: Vec<&str> = spine
        .iter()
        .copied()
        .filter(|h| nav_targets.contains(h))
        .collect();
    let mut seen = Vec::new();
    for t in &nav_targets {
        if !seen.contains(t) {
            seen.push(*t);
        }
    }
    if seen != in_spine {
        problems.push("the NCX's playOrder does not follow the spine".into());
    }
    problems
}
