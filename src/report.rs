//! Problems met along the way, each tied to the input it concerns.
//!
//! A failure means an input was left out of the issue; a warning means something inside an input
//! was dropped or changed (an image that could not be found, unsafe markup removed) while the
//! article itself made it in. Each has a [`Kind`]; the command line decides the exit code.

use serde::{Deserialize, Serialize};

/// An error and its causes, as one line: `cannot write x: No space left on device`.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let said = c.to_string();
        if !out.ends_with(&said) {
            out.push_str(": ");
            out.push_str(&said);
        }
        cause = c.source();
    }
    out
}

/// What kind of problem: the report carries it, retries and the command line's advice go by
/// it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The network: a host that cannot be reached, a timeout, an answer cut short, an error
    /// status from the server.
    Network,
    /// The input is not what it claims to be: a broken feed, page, front matter or picture.
    Parse,
    /// Refused or removed as unsafe: a private address, a link out of a folder, active content.
    Unsafe,
    /// Over a size limit.
    TooLarge,
    /// A web page that is no article: a front page, a listing, an error page.
    NotArticle,
    /// A wall in front of the article: a bot check, a consent wall, a paywall, a page built by
    /// scripts (the message says which).
    Blocked,
    /// A file could not be read or written: missing, not permitted, the disk full.
    Disk,
    /// The ledger is damaged, another program's, or newer than this inkquire.
    Ledger,
    /// Two runs met on one ledger.
    Conflict,
    /// A delivery could not be made (mail, device, folder).
    Delivery,
    /// A bug in inkquire (a crash, output that failed the safety audit).
    Bug,
    /// Nothing more specific is known.
    #[default]
    Other,
}

impl Kind {
    /// The kind of a failed read or write.
    pub fn of_io(e: &std::io::Error) -> Kind {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::TimedOut
            | K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::BrokenPipe
            | K::HostUnreachable
            | K::NetworkUnreachable => Kind::Network,
            K::InvalidData => Kind::Parse,
            K::FileTooLarge => Kind::TooLarge,
            _ => Kind::Disk,
        }
    }

    /// The kind of a failed ledger operation.
    pub fn of_sql(e: &rusqlite::Error) -> Kind {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::NotADatabase | C::DatabaseCorrupt) => Kind::Ledger,
            Some(
                C::DiskFull
                | C::ReadOnly
                | C::CannotOpen
                | C::SystemIoFailure
                | C::PermissionDenied,
            ) => Kind::Disk,
            _ => Kind::Other,
        }
    }
}

/// Why an input or a source was left out: what happened, and its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::new(Kind::Other, message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::new(Kind::Other, message)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Problem {
    /// The input it concerns: a path or a URL.
    pub source: String,
    pub message: String,
    /// What kind of problem it is.
    #[serde(default)]
    pub kind: Kind,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Report {
    pub failures: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl Report {
    /// An input left out of the issue, for a reason of no more specific kind.
    pub fn fail(&mut self, source: impl Into<String>, message: impl Into<String>) {
        self.fail_as(Kind::Other, source, message);
    }

    /// An input left out of the issue.
    pub fn fail_as(&mut self, kind: Kind, source: impl Into<String>, message: impl Into<String>) {
        self.failures.push(Problem {
            source: source.into(),
            message: message.into(),
            kind,
        });
    }

    /// Something inside an input dropped or changed, of no more specific kind.
    pub fn warn(&mut self, source: impl Into<String>, message: impl Into<String>) {
        self.warn_as(Kind::Other, source, message);
    }

    /// Something inside an input dropped or changed.
    pub fn warn_as(&mut self, kind: Kind, source: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Problem {
            source: source.into(),
            message: message.into(),
            kind,
        });
    }

    pub fn extend(&mut self, other: Report) {
        self.failures.extend(other.failures);
        self.warnings.extend(other.warnings);
    }
}

/// An article the filters left out, and the entry that matched.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Filtered {
    pub title: String,
    pub rule: String,
}

/// What collecting one source did.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SourceReport {
    pub location: String,
    pub name: String,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The source answered 304 Not Modified.
    pub not_modified: bool,
    /// The titles of its new articles (for the command line; not in the report).
    #[serde(skip)]
    pub titles: Vec<String>,
    /// The source is a read-later list: holding nothing new is no failure.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub list: bool,
    /// The source is a site's page, and this is the feed found for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed: Option<String>,
    pub failed: Option<String>,
    /// What kind of failure `failed` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    pub warnings: Vec<String>,
    /// New articles the filters left out.
    pub filtered: Vec<Filtered>,
}

/// An article left out of an issue because it is a copy of another's story: in this issue
/// (`earlier` false) or in one before it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Duplicate {
    pub title: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// The article kept for the story: its title and source.
    pub of: String,
    pub of_source: String,
    /// The story was in an earlier issue.
    pub earlier: bool,
    #[serde(skip)]
    pub id: String,
    #[serde(skip)]
    pub of_id: String,
}
