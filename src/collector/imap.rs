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
use std::time::{Duration, Instant};

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
    #[error("the server sent no complete answer within {0} s")]
    Stalled(u64),
}

/// The longest line, and the smallest largest literal, a server may send.
const MAX_LINE: usize = 64 * 1024;

/// What one command's answer may hold in all, counted in bytes as sent (line ends included):
/// the largest message allowed and this much more. Whatever the server sends, the client holds
/// no more than about this much of one answer.
const ANSWER_BYTES: usize = 32 << 20;

/// The most lines one command's answer may have: an endless stream of empty or `*` lines costs
/// memory for each line kept, however short.
const ANSWER_LINES: usize = 100_000;

/// A connection whose reads end at a deadline as well as after a pause: a server that sends a
/// byte a second keeps no command waiting beyond its time.
struct Conn {
    stream: Stream,
    /// The most a read may wait for the next bytes.
    idle: Duration,
    /// When the answer being read must be complete.
    deadline: Option<Instant>,
    /// A read ended because the deadline had passed.
    expired: bool,
}

impl Conn {
    fn socket(&self) -> &TcpStream {
        match &self.stream {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.expired = true;
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the answer's time is up",
                ));
            }
            self.socket().set_read_timeout(Some(left.min(self.idle)))?;
        }
        match self.stream.read(buf) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) && self.deadline.is_some_and(|d| Instant::now() >= d) =>
            {
                self.expired = true;
                Err(e)
            }
            other => other,
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

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
    /// The most a read waits for the next bytes.
    pub timeout: Duration,
    /// The most one command's whole answer may take (`[fetch] total-timeout`); the session as
    /// a whole gets ten times this.
    pub total: Duration,
}

pub struct Session {
    conn: BufReader<Conn>,
    tag: u32,
    /// The largest message fetched.
    max_literal: usize,
    /// One command's time, and when the whole session must be over.
    per_command: Duration,
    ends: Instant,
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
        let started = Instant::now();
        let ends = started + server.total.saturating_mul(10);
        let first = (started + server.total).min(ends);
        let stream = match server.security {
            Security::Tls => tls(tcp, server, first)?,
            _ => Stream::Plain(tcp),
        };
        let mut session = Session {
            conn: BufReader::new(Conn {
                stream,
                idle: server.timeout,
                deadline: None,
                expired: false,
            }),
            tag: 0,
            max_literal: max_message.max(MAX_LINE),
            per_command: server.total,
            ends,
        };
        let greeting = session.timed(|s| s.line())?;
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
            let conn = session.conn.into_inner();
            let Stream::Plain(tcp) = conn.stream else {
                unreachable!("STARTTLS on a plain connection")
            };
            let by = (Instant::now() + server.total).min(ends);
            session.conn = BufReader::new(Conn {
                stream: tls(tcp, server, by)?,
                ..conn
            });
        }
        Ok(session)
    }

    /// Run `read` (one answer) within the command's time: `[fetch] total-timeout` from now, and
    /// never past the session's end. A server still sending when it is up has stalled.
    fn timed<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, ImapError>,
    ) -> Result<T, ImapError> {
        let now = Instant::now();
        let deadline = (now + self.per_command).min(self.ends);
        let limit = if deadline == self.ends && self.ends < now + self.per_command {
            self.per_command.saturating_mul(10)
        } else {
            self.per_command
        };
        let conn = self.conn.get_mut();
        conn.deadline = Some(deadline);
        conn.expired = false;
        let out = read(self);
        let conn = self.conn.get_mut();
        conn.deadline = None;
        match out {
            Err(_) if conn.expired => Err(ImapError::Stalled(limit.as_secs_f64().ceil() as u64)),
            other => other,
        }
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

    /// Send one command and read until its tagged answer: the untagged answers before it, all
    /// within the command's time.
    fn command(&mut self, cmd: &str) -> Result<Vec<Untagged>, ImapError> {
        self.timed(|s| s.exchange(cmd))
    }

    fn exchange(&mut self, cmd: &str) -> Result<Vec<Untagged>, ImapError> {
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
        // However the server answers, one command's answer holds at most this much: bytes as
        // sent (a line's CRLF too), and lines (each kept line costs more than its bytes).
        let budget = ANSWER_BYTES.max(self.max_literal.saturating_add(4 * MAX_LINE));
        let (mut read, mut lines) = (0usize, 0usize);
        let too_large = |name: &str| {
            ImapError::Protocol(format!("the answer to {name} is larger than allowed"))
        };
        loop {
            let mut u = Untagged {
                text: self.line()?,
                literals: Vec::new(),
            };
            read += u.text.len() + 2;
            lines += 1;
            // A line ending in {n} is followed by n bytes, then the rest of the line.
            while let Some(n) = literal_size(&u.text) {
                if n > self.max_literal {
                    return Err(ImapError::Protocol(format!(
                        "a literal of {n} bytes is larger than allowed"
                    )));
                }
                if read.saturating_add(n) > budget {
                    return Err(too_large(&name));
                }
                let mut buf = vec![0; n];
                self.conn.read_exact(&mut buf)?;
                u.literals.push(buf);
                let rest = self.line()?;
                read += n + rest.len() + 2;
                lines += 1;
                u.text.push_str(&rest);
                if u.text.len() > 4 * MAX_LINE {
                    return Err(ImapError::Protocol("a line too long".into()));
                }
            }
            if read > budget || lines > ANSWER_LINES {
                return Err(too_large(&name));
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

/// TLS over `tcp`, the handshake done by `by`.
fn tls(tcp: TcpStream, server: &Server, by: Instant) -> Result<Stream, ImapError> {
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
        let left = by.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ImapError::Stalled(server.total.as_secs_f64().ceil() as u64));
        }
        stream
            .sock
            .set_read_timeout(Some(left.min(server.timeout)))?;
        stream
            .conn
            .complete_io(&mut stream.sock)
            .map_err(|e| ImapError::Tls(e.to_string()))?;
    }
    stream.sock.set_read_timeout(Some(server.timeout))?;
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
