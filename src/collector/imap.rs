//! A small IMAP4rev1 client: what reading newsletters needs and nothing more — log in (over TLS,
//! STARTTLS, or in the clear to a server on this machine), select a folder, search, fetch
//! messages without marking them read (`BODY.PEEK[]`), and later mark or move them.
//!
//! Responses are read line by line; a literal (`{n}`) is read as exactly n bytes, whatever they
//! hold. Every read and write has a time limit, and nothing the server sends can make a line or a
//! literal larger than the limits below.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// A plain connection upgraded with STARTTLS (port 143).
    StartTls,
    /// No protection: only for a server on this machine.
    None,
}

/// Why talking to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot connect to {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("the connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the server refused the login: {0}")]
    Login(String),
    #[error("the server said no to {command}: {reason}")]
    No { command: String, reason: String },
    #[error("the server closed the connection: {0}")]
    Bye(String),
    #[error("the server's answer is not IMAP: {0}")]
    Protocol(String),
    #[error("the server does not offer STARTTLS")]
    NoStartTls,
}

/// The longest line, and the largest literal, a server may send.
const MAX_LINE: usize = 64 * 1024;

enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One untagged answer (`* …`), its literals taken out: `text` holds `{n}` where each was.
#[derive(Debug, Default)]
pub struct Untagged {
    pub text: String,
    pub literals: Vec<Vec<u8>>,
}

/// Where to connect and how.
pub struct Server<'a> {
    pub host: &'a str,
    pub port: u16,
    pub security: Security,
    /// PEM certificates to trust besides the usual roots (a home server's own).
    pub ca_file: Option<&'a std::path::Path>,
    pub timeout: Duration,
}

pub struct Session {
    conn: BufReader<Stream>,
    tag: u32,
    /// The largest message fetched.
    max_literal: usize,
}

impl Session {
    /// Connect and read the greeting (upgrading with STARTTLS when asked).
    pub fn connect(server: &Server, max_message: usize) -> Result<Session, ImapError> {
        let addr = format!("{}:{}", server.host, server.port);
        let tcp = std::net::ToSocketAddrs::to_socket_addrs(&addr)
            .and_then(|mut a| {
                a.next()
                    .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address"))
            })
            .and_then(|a| TcpStream::connect_timeout(&a, server.timeout))
            .map_err(|e| ImapError::Connect(addr.clone(), e))?;
        tcp.set_read_timeout(Some(server.timeout))?;
        tcp.set_write_timeout(Some(server.timeout))?;
        let stream = match server.security {
            Security::Tls => tls(tcp, server)?,
            _ => Stream::Plain(tcp),
        };
        let mut session = Session {
            conn: BufReader::new(stream),
            tag: 0,
            max_literal: max_message.max(MAX_LINE),
        };
        let greeting = session.line()?;
        if let Some(why) = greeting.strip_prefix("* BYE") {
            return Err(ImapError::Bye(why.trim().to_owned()));
        }
        if !(greeting.starts_with("* OK") || greeting.starts_with("* PREAUTH")) {
            return Err(ImapError::Protocol(truncate(&greeting)));
        }
        if server.security == Security::StartTls {
            let caps = session.command("CAPABILITY")?;
            if !caps
                .iter()
                .any(|u| u.text.to_ascii_uppercase().contains("STARTTLS"))
            {
                return Err(ImapError::NoStartTls);
            }
            session.command("STARTTLS")?;
            let Stream::Plain(tcp) = session.conn.into_inner() else {
                unreachable!("STARTTLS on a plain connection")
            };
            session.conn = BufReader::new(tls(tcp, server)?);
        }
        Ok(session)
    }

    /// Log in with a user name and password (sent as quoted strings).
    pub fn login(&mut self, user: &str, password: &str) -> Result<(), ImapError> {
        let cmd = format!("LOGIN {} {}", quote(user)?, quote(password)?);
        match self.command(&cmd) {
            Err(ImapError::No { reason, .. }) => Err(ImapError::Login(reason)),
            other => other.map(|_| ()),
        }
    }

    /// Select `folder`; its UIDVALIDITY.
    pub fn select(&mut self, folder: &str) -> Result<u32, ImapError> {
        let answers = self.command(&format!("SELECT {}", quote(folder)?))?;
        answers
            .iter()
            .find_map(|u| {
                let t = u.text.to_ascii_uppercase();
                let at = t.find("[UIDVALIDITY ")?;
                t[at + 13..].split(']').next()?.trim().parse::<u32>().ok()
            })
            .ok_or_else(|| ImapError::Protocol("no UIDVALIDITY for the folder".into()))
    }

    /// `UID SEARCH criteria`: the UIDs found, in order.
    pub fn uid_search(&mut self, criteria: &str) -> Result<Vec<u32>, ImapError> {
        let answers = self.command(&format!("UID SEARCH {criteria}"))?;
        let mut uids: Vec<u32> = answers
            .iter()
            .filter_map(|u| u.text.strip_prefix("* SEARCH"))
            .flat_map(|rest| rest.split_whitespace().filter_map(|n| n.parse().ok()))
            .collect();
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// `UID FETCH uids items`: for each message, its UID, the sizes it gave, and its literals in
    /// the order the server sent them.
    pub fn uid_fetch(&mut self, uids: &[u32], items: &str) -> Result<Vec<Fetched>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        let answers = self.command(&format!("UID FETCH {} ({items})", set.join(",")))?;
        Ok(answers
            .into_iter()
            .filter(|u| u.text.contains(" FETCH ("))
            .filter_map(|u| {
                let upper = u.text.to_ascii_uppercase();
                let uid = number_after(&upper, "UID ")?;
                let size = number_after(&upper, "RFC822.SIZE ");
                Some(Fetched {
                    uid,
                    size,
                    literals: u.literals,
                })
            })
            .collect())
    }

    /// `UID STORE uids +FLAGS.SILENT (flags)`.
    pub fn add_flags(&mut self, uids: &[u32], flags: &str) -> Result<(), ImapError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        self.command(&format!(
            "UID STORE {} +FLAGS.SILENT ({flags})",
            set.join(",")
        ))
        .map(|_| ())
    }

    /// Move messages to `folder` (`UID MOVE`, else copy, mark deleted and expunge them).
    pub fn move_to(&mut self, uids: &[u32], folder: &str) -> Result<(), ImapError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        let set = set.join(",");
        let folder = quote(folder)?;
        match self.command(&format!("UID MOVE {set} {folder}")) {
            Ok(_) => Ok(()),
            Err(ImapError::No { reason, .. }) if reason.contains("TRYCREATE") => {
                self.command(&format!("CREATE {folder}"))?;
                self.command(&format!("UID MOVE {set} {folder}"))
                    .map(|_| ())
            }
            Err(ImapError::No { .. }) => {
                self.command(&format!("UID COPY {set} {folder}"))?;
                self.command(&format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"))?;
                self.command(&format!("UID EXPUNGE {set}")).map(|_| ())
            }
            Err(e) => Err(e),
        }
    }

    pub fn logout(mut self) {
        let _ = self.command("LOGOUT");
    }

    /// Send one command and read until its tagged answer: the untagged answers before it.
    fn command(&mut self, cmd: &str) -> Result<Vec<Untagged>, ImapError> {
        self.tag += 1;
        let tag = format!("a{}", self.tag);
        let stream = self.conn.get_mut();
        stream.write_all(format!("{tag} {cmd}\r\n").as_bytes())?;
        stream.flush()?;
        let name: String = cmd
            .split_whitespace()
            .take(if cmd.starts_with("UID ") { 2 } else { 1 })
            .collect::<Vec<_>>()
            .join(" ");
        let mut answers = Vec::new();
        // However the server answers, one command's answer holds at most this much.
        let budget = self.max_literal.saturating_mul(4).saturating_add(64 << 20);
        let mut read = 0usize;
        loop {
            let mut u = Untagged {
                text: self.line()?,
                literals: Vec::new(),
            };
            read += u.text.len();
            // A line ending in {n} is followed by n bytes, then the rest of the line.
            while let Some(n) = literal_size(&u.text) {
                if n > self.max_literal {
                    return Err(ImapError::Protocol(format!(
                        "a literal of {n} bytes is larger than allowed"
                    )));
                }
                let mut buf = vec![0; n];
                self.conn.read_exact(&mut buf)?;
                u.literals.push(buf);
                let rest = self.line()?;
                read += n + rest.len();
                u.text.push_str(&rest);
            }
            if read > budget {
                return Err(ImapError::Protocol(format!(
                    "the answer to {name} is larger than allowed"
                )));
            }
            if let Some(status) = u.text.strip_prefix(&format!("{tag} ")) {
                let (word, reason) = status.split_once(' ').unwrap_or((status, ""));
                return match word.to_ascii_uppercase().as_str() {
                    "OK" => Ok(answers),
                    _ => Err(ImapError::No {
                        command: name,
                        reason: truncate(reason.trim()),
                    }),
                };
            }
            if let Some(why) = u.text.strip_prefix("* BYE")
                && name != "LOGOUT"
            {
                return Err(ImapError::Bye(truncate(why.trim())));
            }
            answers.push(u);
        }
    }

    /// One line, without its CRLF.
    fn line(&mut self) -> Result<String, ImapError> {
        let mut buf = Vec::new();
        let read = (&mut self.conn)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Err(ImapError::Bye("the connection ended".into()));
        }
        if !buf.ends_with(b"\n") {
            return Err(ImapError::Protocol("a line too long".into()));
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
}

/// One message of a FETCH answer.
#[derive(Debug)]
pub struct Fetched {
    pub uid: u32,
    pub size: Option<u32>,
    pub literals: Vec<Vec<u8>>,
}

fn tls(tcp: TcpStream, server: &Server) -> Result<Stream, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = server.ca_file {
        use rustls_pki_types::pem::PemObject;
        let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| ImapError::Tls(format!("ca-file {}: {e}", path.display())))?
            .collect::<Result<_, _>>()
            .map_err(|e| ImapError::Tls(format!("ca-file {}: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(ImapError::Tls(format!(
                "ca-file {} holds no certificate",
                path.display()
            )));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| ImapError::Tls(format!("ca-file {}: {e}", path.display())))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Tls(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from(server.host.to_owned())
        .map_err(|e| ImapError::Tls(format!("{}: {e}", server.host)))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    // Finish the handshake now, so a certificate the client does not trust is said as such.
    while stream.conn.is_handshaking() {
        stream
            .conn
            .complete_io(&mut stream.sock)
            .map_err(|e| ImapError::Tls(e.to_string()))?;
    }
    Ok(Stream::Tls(Box::new(stream)))
}

/// `s` as an IMAP quoted string; CR and LF cannot be quoted.
fn quote(s: &str) -> Result<String, ImapError> {
    if s.contains(['\r', '\n', '\0']) {
        return Err(ImapError::Protocol(
            "a line break in a user name, password or folder".into(),
        ));
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// The size of the literal a line ends with (`{123}` or `{123+}`).
fn literal_size(line: &str) -> Option<usize> {
    let inner = line.strip_suffix('}')?;
    let open = inner.rfind('{')?;
    inner[open + 1..].trim_end_matches('+').parse().ok()
}

fn number_after(text: &str, key: &str) -> Option<u32> {
    let at = text.find(key)?;
    text[at + key.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_quotes_and_numbers() {
        assert_eq!(literal_size("* 1 FETCH (UID 5 BODY[] {193}"), Some(193));
        assert_eq!(literal_size("a1 LOGIN {3+}"), Some(3));
        assert_eq!(literal_size("* OK done"), None);
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert!(quote("x\r\ny").is_err());
        assert_eq!(
            number_after("* 3 FETCH (UID 17 RFC822.SIZE 2048", "UID "),
            Some(17)
        );
        assert_eq!(
            number_after("* 3 FETCH (UID 17 RFC822.SIZE 2048", "RFC822.SIZE "),
            Some(2048)
        );
    }
}
