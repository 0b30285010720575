//! E-mail delivery (Send to Kindle and friends) over SMTP with lettre.
//!
//! Settings are the config's `[smtp]`; the password never lives in the file: it comes from an
//! environment variable (`password-env`) or a command (`password-command`, e.g. a keyring).
//! Before mailing a Kindle address the book is checked against the rules Send to Kindle enforces,
//! so a book Amazon would silently drop fails loudly here instead.

use std::path::Path;

use anyhow::{Context, bail};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

/// Send to Kindle's limit on a message.
pub const KINDLE_MAX_BYTES: u64 = 50 * 1000 * 1000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption (a local relay only).
    None,
}

/// The config's `[smtp]` table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// The sender; for Send to Kindle it must be on the account's approved list.
    pub from: String,
    /// Log in as this user; without it no AUTH is attempted.
    pub username: Option<String>,
    /// Read the password from this environment variable.
    pub password_env: Option<String>,
    /// Or run this command (through `sh -c`) and use the first line of its output.
    pub password_command: Option<String>,
}

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
pub fn send(smtp: &SmtpConfig, title: &str, to: &str, epub: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(epub).with_context(|| format!("cannot read {}", epub.display()))?;
    if bytes.len() as u64 > KINDLE_MAX_BYTES {
        bail!(
            "the book is {}, over Send to Kindle's 50 MB limit: set max-size = \"50MB\" under [issue]",
            crate::human_size(bytes.len() as u64)
        );
    }
    if is_kindle_address(to) {
        let problems = crate::deliver::kindle_preflight(&bytes);
        if !problems.is_empty() {
            bail!(
                "Send to Kindle would reject this book: {}",
                problems.join("; ")
            );
        }
    }
    let filename = format!("{}.epub", crate::shelf::slug(title));
    let from: Mailbox = smtp
        .from
        .parse()
        .with_context(|| format!("`{}` is not a sender address", smtp.from))?;
    let to_box: Mailbox = to
        .parse()
        .with_context(|| format!("`{to}` is not an address"))?;
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
        )?;
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
            builder = builder.tls(Tls::Required(TlsParameters::new(smtp.host.clone())?))
        }
        Security::Tls => {
            builder = builder.tls(Tls::Wrapper(TlsParameters::new(smtp.host.clone())?))
        }
    }
    if let Some(user) = &smtp.username {
        builder = builder.credentials(Credentials::new(user.clone(), password(smtp)?));
    }
    builder
        .build()
        .send(&message)
        .with_context(|| format!("the SMTP server {}:{port} refused the message", smtp.host))?;
    Ok(format!("{to} via {}:{port}", smtp.host))
}

fn password(smtp: &SmtpConfig) -> anyhow::Result<String> {
    if let Some(var) = &smtp.password_env {
        return std::env::var(var)
            .with_context(|| format!("the password variable {var} is not set"));
    }
    if let Some(cmd) = &smtp.password_command {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .output()
            .with_context(|| format!("cannot run the password command `{cmd}`"))?;
        anyhow::ensure!(out.status.success(), "the password command `{cmd}` failed");
        return Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned());
    }
    bail!("[smtp] has a username but no password-env or password-command")
}
