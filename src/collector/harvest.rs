//! What collecting hands the ledger: each source's [`SourceResult`] (its [`Harvest`] of
//! [`Harvested`] articles, with the validators, read-later tries and newsletter places beside
//! them), and what the ledger tells collecting beforehand ([`Known`]). Plain data: the ledger
//! (`store.rs`) imports these and nothing from a module that fetches.

use std::collections::{HashMap, HashSet};

use crate::model::{Article, Validators};
use crate::report::Failure;

/// What the ledger already knows, so workers can ask without a database handle.
#[derive(Debug, Default)]
pub struct Known {
    /// Validators by URL.
    pub validators: HashMap<String, Validators>,
    /// Keys of stored articles.
    pub keys: HashSet<String>,
    /// Each stored article's content hash by key (`ids::content_hash`): with `[issue] updates =
    /// "deliver"`, a known feed item whose own text now hashes differently is read again.
    pub hashes: HashMap<String, String>,
    /// The addresses stored articles were read at (after redirects, or the page's own
    /// canonical address), with their titles: an item whose page turns out to be one of these
    /// is stored already.
    pub urls: HashMap<String, String>,
    /// What became of the addresses of read-later lists.
    pub links: HashMap<String, LinkState>,
}

/// What the ledger knows of an address of a read-later list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkState {
    /// Its page is stored.
    pub done: bool,
    /// How often fetching it failed.
    pub tries: u32,
}

/// Where a newsletter article's message is, for what `after` asks once it is delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRef {
    /// The article's key.
    pub key: String,
    /// The source's location (`imap://user@host:port/folder`).
    pub source: String,
    /// The folder's UIDVALIDITY when the message was read.
    pub validity: u32,
    pub uid: u32,
}

/// One try at an address of a read-later list, for the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTry {
    pub url: String,
    /// Why it failed; `None` when its page is stored (or was already).
    pub error: Option<String>,
}

/// One source's harvest.
#[derive(Debug)]
pub struct SourceResult {
    /// The source as configured (its location is the report's name for it).
    pub location: String,
    /// The name shown for its articles.
    pub name: String,
    pub outcome: Result<Harvest, Failure>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Harvest {
    /// The source itself answered 304: nothing new.
    pub not_modified: bool,
    /// The source is a site's page, and this is the feed it stands for (found on the page, or
    /// at a usual place).
    pub discovered: Option<String>,
    /// The source is a read-later list (nothing new in it is no failure).
    pub list: bool,
    /// What became of the list's addresses tried this time.
    pub links: Vec<LinkTry>,
    /// Where each newsletter article's message is.
    pub mail: Vec<MailRef>,
    /// Items in the source that are already in the ledger and were not fetched again.
    pub known: usize,
    /// Validators of every address fetched.
    pub validators: Vec<(String, Validators)>,
    pub articles: Vec<Harvested>,
}

/// One article as collected, with what the ledger keeps beside it.
#[derive(Debug, Clone)]
pub struct Harvested {
    /// Canonical URL, else GUID.
    pub key: String,
    pub article: Article,
    /// The feed or page address it came from.
    pub source_url: Option<String>,
    /// The feed item's HTML, when no article page was fetched.
    pub raw_html: Option<String>,
    /// Instead of `raw_html`, the article page gzip-compressed: as the server sent it, or
    /// compressed here when it came plain.
    pub raw_gzip: Option<Vec<u8>>,
    /// `ok`, or why the full text could not be had.
    pub status: String,
}

/// A page that came plain, gzip-compressed for the ledger at level 1: about a fifth of its size
/// (the whole job's ledger 9.4 -> 3.2 MB) for ~7 ms of CPU over its 8.3 MB of pages (a server on
/// this machine is not asked for gzip, and some servers never send it).
pub fn gzip_fast(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    e.write_all(bytes)
        .and_then(|()| e.finish())
        .expect("writing to memory cannot fail")
}
