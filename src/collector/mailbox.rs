//! Newsletters over IMAP (`[[source]] kind = "imap"`): each new message of a folder becomes an
//! article. Messages are read without being marked (`BODY.PEEK`), so nothing on the server
//! changes at collection. A message is keyed by its Message-ID (else by the folder's UIDVALIDITY
//! and its UID), so it is never collected twice, even when it is copied to another folder or the
//! server renumbers the folder.

use chrono::Utc;

use super::context::Collect;
use super::harvest::{Harvest, Harvested, MailRef, SourceResult, gzip_fast};
use super::imap::{Security, Server, Session};
use super::mail;
use crate::config::{MailSecurity, SourceConfig};
use crate::ids::short_hash;
use crate::model::{Article, Base};
use crate::report::{Failure, Kind};

/// The most messages one run collects from a folder (the newest); the rest wait.
const MAX_MESSAGES: usize = 200;
/// Messages are fetched this many at a time, and at most this many bytes (by the sizes the
/// server gave) in one answer, so one answer stays well within what the client holds of one.
const BATCH: usize = 20;
const BATCH_BYTES: u64 = 16 << 20;

pub fn collect(s: &SourceConfig, ctx: &Collect) -> SourceResult {
    let location = s.location();
    let mut warnings = Vec::new();
    let outcome = harvest(s, ctx, &mut warnings);
    SourceResult {
        name: s.name.clone().unwrap_or_else(|| location.clone()),
        location,
        outcome,
        warnings,
    }
}

/// The folder's address, the prefix of its messages' keys.
fn folder_url(s: &SourceConfig, validity: u32) -> String {
    format!("{};UIDVALIDITY={validity}", s.location())
}

fn harvest(
    s: &SourceConfig,
    ctx: &Collect,
    warnings: &mut Vec<String>,
) -> Result<Harvest, Failure> {
    let max = ctx.config.fetch.max_bytes;
    let (mut session, validity) = open(s, ctx.config)?;
    let host = s.host.as_deref().unwrap_or_default();
    let base = folder_url(s, validity);
    let mut uids = session.uid_search(&criteria(s)).map_err(failure)?;
    let mut harvest = Harvest::default();
    if uids.len() > MAX_MESSAGES {
        warnings.push(format!(
            "{} new messages: the newest {MAX_MESSAGES} are read now, the rest on the next runs",
            uids.len()
        ));
        uids.drain(..uids.len() - MAX_MESSAGES);
    }
    // First the sizes and Message-IDs, to fetch only what is new and not too large.
    let heads = session
        .uid_fetch(
            &uids,
            "UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]",
        )
        .map_err(failure)?;
    let mut wanted: Vec<(u32, String, u64)> = Vec::new();
    for h in heads {
        let id = h
            .literals
            .first()
            .and_then(|b| message_id_of(b))
            .map(|m| format!("mid:{m}"));
        let key = id.unwrap_or_else(|| format!("{base};UID={}", h.uid));
        if ctx.known.keys.contains(&key) {
            harvest.known += 1;
            continue;
        }
        if h.size.is_some_and(|n| n as u64 > max) {
            warnings.push(format!(
                "message UID {} is {}, over the {} limit ([fetch] max-size): left out",
                h.uid,
                crate::units::human_size(u64::from(h.size.unwrap_or(0))),
                crate::units::human_size(max)
            ));
            continue;
        }
        wanted.push((h.uid, key, h.size.map_or(0, u64::from)));
    }
    let now = Utc::now().fixed_offset();
    for batch in batches(&wanted) {
        let batch: Vec<(u32, String)> = batch.iter().map(|(u, k, _)| (*u, k.clone())).collect();
        let batch = &batch[..];
        let uids: Vec<u32> = batch.iter().map(|(u, _)| *u).collect();
        let bodies = session
            .uid_fetch(&uids, "UID BODY.PEEK[]")
            .map_err(failure)?;
        for (uid, key) in batch {
            let Some(raw) = bodies
                .iter()
                .find(|b| b.uid == *uid)
                .and_then(|b| b.literals.first())
            else {
                warnings.push(format!("message UID {uid} was not sent by the server"));
                continue;
            };
            let Some(letter) = mail::read(raw) else {
                warnings.push(format!("message UID {uid} is not a mail message: left out"));
                continue;
            };
            if letter.html.trim().is_empty() {
                warnings.push(format!("message UID {uid} has no text: left out"));
                continue;
            }
            let origin = format!("{base};UID={uid}");
            let article = Article {
                id: short_hash(key),
                title: letter
                    .subject
                    .clone()
                    .unwrap_or_else(|| "(no subject)".to_owned()),
                byline: None,
                published: letter.published,
                topics: s.topics.iter().map(|t| t.to_lowercase()).collect(),
                source: letter
                    .sender
                    .clone()
                    .or_else(|| s.name.clone())
                    .unwrap_or_else(|| host.to_owned()),
                url: None,
                lang: None,
                summary: None,
                lead_image: None,
                body_html: letter.html,
                base: Base::default(),
                origin,
                seen: Some(now),
                story: Default::default(),
            };
            if let Some(tell) = ctx.on_article {
                tell(&article);
            }
            harvest.mail.push(MailRef {
                key: key.clone(),
                source: s.location(),
                validity,
                uid: *uid,
            });
            harvest.articles.push(Harvested {
                key: key.clone(),
                article,
                source_url: Some(base.clone()),
                raw_html: None,
                raw_gzip: Some(gzip_fast(raw)),
                status: "ok".into(),
            });
        }
    }
    session.logout();
    // A folder with nothing new is no failure.
    harvest.list = true;
    Ok(harvest)
}

/// `wanted` (UID, key, size) cut into the fetches it takes: at most [`BATCH`] messages and
/// [`BATCH_BYTES`] each, but always at least one message.
fn batches(wanted: &[(u32, String, u64)]) -> Vec<&[(u32, String, u64)]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, (_, _, size)) in wanted.iter().enumerate() {
        let n = i - start;
        if n > 0 && (n >= BATCH || bytes + size > BATCH_BYTES) {
            out.push(&wanted[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < wanted.len() {
        out.push(&wanted[start..]);
    }
    out
}

/// The search for the messages a source collects: unread ones, through its filters.
fn criteria(s: &SourceConfig) -> String {
    let mut criteria = String::from("UNSEEN");
    for (field, value) in [("FROM", &s.from), ("HEADER List-Id", &s.list_id)] {
        if let Some(v) = value {
            criteria.push_str(&format!(" {field} {}", quoted(v)));
        }
    }
    criteria
}

/// How many messages the source would look at now (unread, through its filters), found by
/// logging in; nothing is read or changed.
pub fn look(s: &SourceConfig, config: &crate::config::Config) -> Result<usize, Failure> {
    let (mut session, _) = open(s, config)?;
    let n = session.uid_search(&criteria(s)).map_err(failure)?.len();
    session.logout();
    Ok(n)
}

/// Connect to the source's server, log in and select its folder: the session and the folder's
/// UIDVALIDITY.
pub fn open(s: &SourceConfig, config: &crate::config::Config) -> Result<(Session, u32), Failure> {
    let host = s.host.as_deref().ok_or("no host")?;
    let user = s.username.as_deref().ok_or("no username")?;
    let password = password(s)?;
    let security = match s.security {
        MailSecurity::Tls => Security::Tls,
        MailSecurity::Starttls => Security::StartTls,
        MailSecurity::None => Security::None,
    };
    if security == Security::None && !is_this_machine(host) {
        return Err(Failure::new(
            Kind::Unsafe,
            format!(
                "security = \"none\" would send the password in the clear to {host}: it is only for a server on this machine (use \"tls\" or \"starttls\")"
            ),
        ));
    }
    let server = Server {
        host,
        port: s
            .port
            .unwrap_or(if security == Security::Tls { 993 } else { 143 }),
        security,
        ca_file: s.ca_file.as_deref(),
        timeout: std::time::Duration::from_secs_f64(config.fetch.read_timeout.max(1.0)),
        total: std::time::Duration::from_secs_f64(config.fetch.total_timeout),
    };
    let max = usize::try_from(config.fetch.max_bytes).unwrap_or(usize::MAX);
    let mut session = Session::connect(&server, max).map_err(failure)?;
    session.login(user, &password).map_err(failure)?;
    let validity = session
        .select(s.folder.as_deref().unwrap_or("INBOX"))
        .map_err(failure)?;
    Ok((session, validity))
}

/// An IMAP failure as a source's failure, with its kind.
fn failure(e: super::imap::ImapError) -> Failure {
    let kind = match e {
        super::imap::ImapError::Tls(_) => Kind::Unsafe,
        super::imap::ImapError::Protocol(_) => Kind::Parse,
        _ => Kind::Network,
    };
    Failure::new(kind, e.to_string())
}

/// The password, from the environment or a command; never from the config file.
fn password(s: &SourceConfig) -> Result<String, Failure> {
    if let Some(var) = &s.password_env {
        return std::env::var(var).map_err(|_| {
            Failure::new(
                Kind::Other,
                format!("password-env: the environment variable {var} is not set"),
            )
        });
    }
    if let Some(cmd) = &s.password_command {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| Failure::new(Kind::Other, format!("password-command: {e}")))?;
        if !out.status.success() {
            return Err(Failure::new(
                Kind::Other,
                format!("password-command failed ({})", out.status),
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        return Ok(text.lines().next().unwrap_or_default().to_owned());
    }
    Err(Failure::new(
        Kind::Other,
        "no password-env or password-command",
    ))
}

/// Is `host` this machine (a loopback name or address)?
fn is_this_machine(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `v` as an IMAP quoted string (line breaks dropped).
fn quoted(v: &str) -> String {
    let v: String = v.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The Message-ID in a header block (`Message-ID: <…>`), without its angle brackets.
fn message_id_of(headers: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(headers);
    // Unfold continuation lines first.
    let unfolded = text.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("message-id")
            .then(|| {
                value
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
            .filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bodies are fetched at most 20 and 16 MiB (by the sizes given) an answer, one message
    /// always.
    #[test]
    fn fetches_are_cut_by_count_and_size() {
        let mb = 1 << 20;
        let wanted: Vec<(u32, String, u64)> = [5, 5, 5, 30, 1, 1]
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, String::new(), s * mb))
            .collect();
        let sizes: Vec<usize> = batches(&wanted).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [3, 1, 2]);
        let many: Vec<(u32, String, u64)> = (0..45).map(|i| (i, String::new(), 10)).collect();
        let sizes: Vec<usize> = batches(&many).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [20, 20, 5]);
        assert!(batches(&[]).is_empty());
    }

    #[test]
    fn message_ids_and_this_machine() {
        assert_eq!(
            message_id_of(b"Message-ID:\r\n <abc@example.org>\r\n\r\n").as_deref(),
            Some("abc@example.org")
        );
        assert_eq!(message_id_of(b"\r\n"), None);
        assert!(is_this_machine("127.0.0.1"));
        assert!(is_this_machine("localhost"));
        assert!(is_this_machine("[::1]"));
        assert!(!is_this_machine("mail.example.org"));
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
    }
}
