//! The one door to the network: every HTTP request inkquire makes goes through a [`Fetcher`].
//!
//! [`HttpFetcher`] is polite and bounded: a User-Agent naming inkquire, per-host and global limits
//! on requests in flight, connect/read/total timeouts, a cap on body size, a redirect limit,
//! retries with backoff for timeouts, dropped connections and 5xx answers, conditional GET
//! (`If-None-Match`/`If-Modified-Since`; a 304 costs nothing), and gzip (decompressed here, the
//! compressed bytes kept for the ledger; not asked of a server on this machine, see
//! [`Compression`]). Tests put a fetcher over
//! a server on 127.0.0.1; nothing else changes.
//!
//! It is also a guard: what remote content links to (article pages, images, redirects) may not
//! reach loopback, private-network or link-local addresses. Every address a name resolves to is
//! checked by the resolver itself, on every connection and every redirect hop, so neither a
//! redirect nor a name that resolves to `127.0.0.1` gets past it. Only the hosts of sources the
//! user named ([`Fetcher::allow_private`]) and the config's `private-hosts` may be on such
//! addresses, so a feed served from the local network or a test server on 127.0.0.1 still works.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings for fetching, as in the config's `[fetch]` table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct FetchOptions {
    /// Seconds to wait for a connection.
    pub connect_timeout: f64,
    /// Seconds to wait for the next bytes of an answer.
    pub read_timeout: f64,
    /// Seconds one request may take in all, body and redirects included.
    pub total_timeout: f64,
    /// Largest answer read, in bytes.
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
    /// Further attempts after a timeout, a dropped connection or a 5xx answer.
    pub retries: u32,
    /// Requests in flight to one host.
    pub per_host: usize,
    /// Requests in flight in all.
    pub global: usize,
    /// Hosts on loopback or private-network addresses that links in remote content may reach
    /// (the hosts of your own sources always may).
    pub private_hosts: Vec<String>,
    /// When to ask servers to send gzip.
    pub compression: Compression,
    /// Folders of site rules in the Full-Text RSS format (the `ftr-site-config` collection,
    /// your own), in order: a later folder's file for a host wins. Relative to the config file.
    pub site_rules: Vec<std::path::PathBuf>,
    /// A headless Chromium for pages whose text a script builds: a name on PATH
    /// (`chromium`) or a path. Unset, such a page is a named wall.
    pub browser: Option<String>,
    /// Pages the browser renders at most in one run.
    pub browser_pages: usize,
    /// Seconds one page may take in the browser.
    pub browser_timeout: f64,
}

/// When to ask a server to compress what it sends (`Accept-Encoding: gzip`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compression {
    /// Ask every server except one on this machine (a loopback address, `localhost`). Over the
    /// network gzip makes pages about five times smaller; from a server on the same machine
    /// (RSS-Bridge or FreshRSS beside the cron job, a test server) the bytes cost nothing to
    /// move, and compressing them takes this machine's CPU: the corpus server spends 0.27 s at
    /// gzip level 9 on the whole job's 8 MB of pages, and on two cores the job takes 0.58 s
    /// asking for gzip, 0.46 s not (BENCHMARKS.md).
    #[default]
    Auto,
    /// Ask every server (an SSH tunnel to a distant server on a local port, say).
    Always,
    /// Ask none.
    Never,
}

impl Compression {
    /// Whether to ask for gzip from the server at `url`.
    fn wanted(self, url: &url::Url) -> bool {
        match self {
            Compression::Always => true,
            Compression::Never => false,
            Compression::Auto => !on_this_machine(url),
        }
    }
}

/// Whether `url` names this machine: a loopback address, or `localhost` (which RFC 6761 keeps
/// for loopback, with its subdomains).
fn on_this_machine(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => {
            a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: 10.0,
            read_timeout: 15.0,
            total_timeout: 30.0,
            max_bytes: 20 * 1024 * 1024,
            max_redirects: 5,
            retries: 1,
            per_host: 4,
            global: 8,
            private_hosts: Vec::new(),
            compression: Compression::Auto,
            site_rules: Vec::new(),
            browser: None,
            browser_pages: 20,
            browser_timeout: 20.0,
        }
    }
}

/// Validators from an earlier answer, for a conditional request (kept in `model`, so the
/// ledger can hold them without importing the fetcher).
pub use crate::model::Validators;

/// A successful answer.
#[derive(Debug, Clone)]
pub enum Fetched {
    Body(Page),
    /// 304: what was fetched before is still current.
    NotModified,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The address after redirects.
    pub url: String,
    pub content_type: Option<String>,
    /// The body, decompressed.
    pub body: Vec<u8>,
    /// The body as it came, when the server sent it gzip-compressed (the ledger keeps a page as
    /// fetched; this way it need not compress it again).
    pub gzip: Option<Vec<u8>>,
    pub validators: Validators,
}

/// Why a fetch failed, in words a user can act on.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("the server answered {code}{phrase}", code = .0, phrase = status_phrase(*.0))]
    Status(u16),
    #[error("timed out ({0})")]
    Timeout(Stall),
    #[error("blocked: the site answered with a bot check (HTTP {0}), not the page")]
    Challenged(u16),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(u32),
    #[error("the answer is larger than {} MiB", .0 >> 20)]
    TooLarge(u64),
    #[error("cannot connect: {0}")]
    Connect(Unreachable),
    #[error("not a web address: {0}")]
    BadUrl(String),
    #[error(
        "refused: {0} is a loopback or private-network address, and only the hosts of your own sources may be"
    )]
    Private(String),
    /// The connection broke before the answer was whole (reset, closed early): tried again.
    #[error("{0}")]
    Cut(String),
    /// The answer came whole but cannot be read (broken compression).
    #[error("{0}")]
    Garbled(String),
    #[error("{0}")]
    Other(String),
}

impl From<FetchError> for crate::report::Failure {
    fn from(e: FetchError) -> Self {
        crate::report::Failure::new(e.kind(), e.to_string())
    }
}

/// How an answer failed to come in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stall {
    /// No connection was made in time.
    NoConnection,
    /// The whole answer took longer than allowed: asking again would take as long.
    TookTooLong,
    /// The server stopped sending part-way.
    StoppedSending,
    /// No answer came.
    NoAnswer,
}

impl std::fmt::Display for Stall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stall::NoConnection => "no connection",
            Stall::TookTooLong => "the answer took too long",
            Stall::StoppedSending => "the server stopped sending",
            Stall::NoAnswer => "no answer",
        })
    }
}

/// Why a server could not be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    HostNotFound,
    Refused,
    RefusedOrUnreachable,
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unreachable::HostNotFound => "host not found",
            Unreachable::Refused => "connection refused",
            Unreachable::RefusedOrUnreachable => "connection refused or unreachable",
        })
    }
}

impl FetchError {
    /// Whether asking again may help: decided by what failed, never by the message's words.
    fn retryable(&self) -> bool {
        match self {
            FetchError::Status(s) => *s >= 500 || *s == 429,
            // A server that kept sending for the whole time allowed will do so again.
            FetchError::Timeout(stall) => *stall != Stall::TookTooLong,
            FetchError::Connect(_) | FetchError::Cut(_) => true,
            _ => false,
        }
    }

    /// What kind of problem, for the report.
    pub fn kind(&self) -> crate::report::Kind {
        use crate::report::Kind;
        match self {
            FetchError::TooLarge(_) => Kind::TooLarge,
            FetchError::Private(_) => Kind::Unsafe,
            FetchError::BadUrl(_) | FetchError::Garbled(_) => Kind::Parse,
            FetchError::Challenged(_) => Kind::Blocked,
            FetchError::Status(_)
            | FetchError::Timeout(_)
            | FetchError::TooManyRedirects(_)
            | FetchError::Connect(_)
            | FetchError::Cut(_)
            | FetchError::Other(_) => Kind::Network,
        }
    }
}

/// The reason phrase of common statuses, with what it means for a feed where that helps.
fn status_phrase(code: u16) -> &'static str {
    match code {
        304 => " Not Modified to a request that asked for nothing conditional",
        400 => " Bad Request",
        401 => " Unauthorized: the feed needs a login",
        403 => " Forbidden",
        404 => " Not Found",
        410 => " Gone: the feed has been removed",
        429 => " Too Many Requests: try again later",
        500 => " Internal Server Error",
        502 => " Bad Gateway",
        503 => " Service Unavailable",
        504 => " Gateway Timeout",
        _ => "",
    }
}

/// A bot check in an answer's raw bytes (an error status's body, which is not parsed).
fn is_challenge_body(body: &[u8]) -> bool {
    let head = &body[..body.len().min(256 * 1024)];
    let text = String::from_utf8_lossy(head).to_lowercase();
    [
        "cf-browser-verification",
        "/cdn-cgi/challenge-platform/",
        "_cf_chl_opt",
        "px-captcha",
        "captcha-delivery.com",
        "<title>just a moment",
        "checking your browser",
        "verify you are a human",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Something that can GET a URL.
pub trait Fetcher: Sync {
    fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError>;

    /// GET a resource shown on the page at `referer` (images: some sites want to see where).
    /// [`HttpFetcher`] lets these go before pages waiting for a slot.
    fn get_from(&self, url: &str, referer: Option<&str>) -> Result<Fetched, FetchError> {
        let _ = referer;
        self.get(url, &Validators::default())
    }

    /// `url` is a source the user named: its host may be on a loopback or private address.
    fn allow_private(&self, url: &str) {
        let _ = url;
    }

    /// GET with a source's headers and cookies, sent only while the request is on the
    /// source's site (a redirect to another site drops them).
    fn get_with(
        &self,
        url: &str,
        validators: &Validators,
        creds: &Credentials,
    ) -> Result<Fetched, FetchError> {
        let _ = creds;
        self.get(url, validators)
    }
}

/// What a source adds to its requests: its headers (its own, its site rule's) and its cookies.
/// They go only to the source's site: the host, or the domain just above it
/// (`feeds.example.com` → `example.com`, whose `www.` pages the feed links).
#[derive(Debug, Default)]
pub struct Credentials {
    /// The site the headers and cookies may go to.
    pub site: String,
    /// Header names and values (names as written).
    pub headers: Vec<(String, String)>,
    /// The source's cookies for this run: its file's and what its site sets.
    pub jar: Option<Arc<crate::cookies::Jar>>,
}

impl Credentials {
    /// Credentials for the site of `url`.
    pub fn for_site_of(url: &str) -> Credentials {
        Credentials {
            site: url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(site_of))
                .unwrap_or_default(),
            ..Credentials::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.jar.is_none()
    }

    /// Whether a request to `url` is on the source's site.
    pub fn covers(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        !self.site.is_empty()
            && (host == self.site
                || (host.len() > self.site.len()
                    && host.ends_with(&self.site)
                    && host.as_bytes()[host.len() - self.site.len() - 1] == b'.'))
    }
}

/// The site of a host: the domain just above it when the host has more than two labels and
/// that domain is not a public suffix's shape (`co.uk`, `com.au`), else the host itself.
pub fn site_of(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() <= 2 {
        return host;
    }
    let parent = labels[1..].join(".");
    let tld = labels[labels.len() - 1];
    let second = labels[labels.len() - 2];
    let suffix_shaped = labels.len() == 3
        && tld.len() == 2
        && (second.len() <= 3 || matches!(second, "gouv" | "govt" | "ltd" | "plc"));
    if suffix_shaped { host } else { parent }
}

/// A fetcher that sends one source's credentials with every page it gets.
pub struct WithCredentials<'a> {
    pub inner: &'a dyn Fetcher,
    pub creds: &'a Credentials,
}

impl Fetcher for WithCredentials<'_> {
    fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        self.inner.get_with(url, validators, self.creds)
    }

    fn get_from(&self, url: &str, referer: Option<&str>) -> Result<Fetched, FetchError> {
        self.inner.get_from(url, referer)
    }

    fn allow_private(&self, url: &str) {
        self.inner.allow_private(url)
    }

    fn get_with(
        &self,
        url: &str,
        validators: &Validators,
        creds: &Credentials,
    ) -> Result<Fetched, FetchError> {
        self.inner.get_with(url, validators, creds)
    }
}

/// A URL fit to show: a password in it, and the values of query parameters that carry secrets
/// (`token`, `key`, `password`, `secret`, `auth`, `sig`, …), become `***`. Text that is no URL
/// is returned as it is.
pub fn redact(url: &str) -> String {
    let Ok(mut u) = url::Url::parse(url) else {
        return url.to_owned();
    };
    if !u.has_host() {
        return url.to_owned();
    }
    let mut changed = false;
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
        changed = true;
    } else if !u.username().is_empty() {
        // A name alone before the host is how tokens are often given (`https://TOKEN@host/`).
        let _ = u.set_username("***");
        changed = true;
    }
    let secret = |k: &str| {
        let k = k.to_ascii_lowercase().replace(['-', '_'], "");
        [
            "token",
            "key",
            "apikey",
            "password",
            "passwd",
            "pass",
            "pwd",
            "secret",
            "auth",
            "sig",
            "signature",
            "session",
            "sid",
            "accesstoken",
            "authtoken",
            "code",
            "credential",
            "credentials",
        ]
        .iter()
        .any(|s| k == *s || k.ends_with("token") || k.ends_with("secret") || k.ends_with("key"))
    };
    if u.query().is_some() && u.query_pairs().any(|(k, _)| secret(&k)) {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if secret(&k) {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        changed = true;
    }
    if changed {
        u.to_string()
    } else {
        url.to_owned()
    }
}

/// `text` with every web address in it made fit to show ([`redact`]): for messages, reports
/// and listings that quote addresses among other words.
pub fn redact_text(text: &str) -> std::borrow::Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    let starts: Vec<usize> = lower
        .match_indices("http")
        .map(|(i, _)| i)
        .filter(|&i| lower[i..].starts_with("http://") || lower[i..].starts_with("https://"))
        .collect();
    if starts.is_empty() {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for start in starts {
        if start < at {
            continue;
        }
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\'))
            .map_or(text.len(), |n| start + n);
        out.push_str(&text[at..start]);
        out.push_str(&redact(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    if out == text { text.into() } else { out.into() }
}

/// Whether an address is one that remote content must not make us connect to: loopback,
/// private networks, link-local, shared (CGNAT), unspecified, broadcast or multicast.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1)
        }
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space 100.64/10
        || a >= 240
}

/// The hosts that may be on private addresses, lower-case, IPv6 without brackets: a named
/// source allows its own host on its own port; a `[fetch] private-hosts` entry allows a bare
/// host on every port, or `host:port` on one.
#[derive(Debug, Default)]
struct Allowed(RwLock<HashSet<(String, Option<u16>)>>);

fn host_key(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// A `private-hosts` entry: `host`, `host:port`, `[v6]:port` or a bare IPv6 address.
fn parse_host_entry(entry: &str) -> (String, Option<u16>) {
    let e = entry.trim();
    if let Some(rest) = e.strip_prefix('[')
        && let Some((h, tail)) = rest.split_once(']')
    {
        return (
            host_key(h),
            tail.strip_prefix(':').and_then(|p| p.parse().ok()),
        );
    }
    match e.split_once(':') {
        Some((h, p)) if !p.contains(':') => match p.parse() {
            Ok(port) => (host_key(h), Some(port)),
            Err(_) => (host_key(e), None),
        },
        _ => (host_key(e), None),
    }
}

impl Allowed {
    fn add(&self, host: &str, port: Option<u16>) {
        self.0
            .write()
            .expect("allowed hosts")
            .insert((host_key(host), port));
    }

    fn contains(&self, host: &str, port: u16) -> bool {
        let set = self.0.read().expect("allowed hosts");
        let h = host_key(host);
        set.contains(&(h.clone(), None)) || set.contains(&(h, Some(port)))
    }
}

/// The resolver's refusal, carried through ureq to [`HttpFetcher::map_err`].
#[derive(Debug)]
struct PrivateAddress(String);

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is on a private address", self.0)
    }
}

impl std::error::Error for PrivateAddress {}

/// ureq's resolver, keeping only public addresses unless the host is allowed.
#[derive(Debug)]
struct GuardedResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    allowed: Arc<Allowed>,
}

impl ureq::unversioned::resolver::Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let host = uri.host().unwrap_or("");
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        if self.allowed.contains(host, port) {
            return Ok(addrs);
        }
        let mut kept = self.empty();
        for a in addrs.iter().filter(|a| !is_private(a.ip())) {
            kept.push(*a);
        }
        if kept.is_empty() {
            return Err(ureq::Error::Other(Box::new(PrivateAddress(host_key(host)))));
        }
        Ok(kept)
    }
}

/// Counting semaphore over hosts: at most `per_host` per host and `global` in all.
struct Limiter {
    state: Mutex<Slots>,
    freed: Condvar,
    per_host: usize,
    global: usize,
}

/// Requests in flight, in all and by host, and requests waiting that go first, by host.
#[derive(Default)]
struct Slots {
    in_flight: usize,
    by_host: HashMap<String, usize>,
    first: HashMap<String, usize>,
}

impl Limiter {
    /// Wait for a slot to `host`. A request that goes `first` (a picture for an article already
    /// read) takes the next slot it can use before any other waiting request (a page): work
    /// started is finished before new work is begun.
    fn acquire(&self, host: &str, first: bool) {
        let mut st = self.state.lock().expect("limiter");
        if first {
            *st.first.entry(host.to_owned()).or_insert(0) += 1;
        }
        loop {
            if self.admits(&st, host, first) {
                st.in_flight += 1;
                *st.by_host.entry(host.to_owned()).or_insert(0) += 1;
                if first && let Some(n) = st.first.get_mut(host) {
                    *n -= 1;
                    if *n == 0 {
                        st.first.remove(host);
                    }
                }
                return;
            }
            st = self.freed.wait(st).expect("limiter");
        }
    }

    /// Whether a request to `host` may start now.
    fn admits(&self, st: &Slots, host: &str, first: bool) -> bool {
        let used = st.by_host.get(host).copied().unwrap_or(0);
        // Slots that waiting first requests could take are held for them.
        let (held, held_here) = if first {
            (0, 0)
        } else {
            let held = st
                .first
                .iter()
                .map(|(h, &n)| {
                    n.min(
                        self.per_host
                            .saturating_sub(st.by_host.get(h).copied().unwrap_or(0)),
                    )
                })
                .sum();
            (held, st.first.get(host).copied().unwrap_or(0))
        };
        st.in_flight + held < self.global && used + held_here < self.per_host
    }

    fn release(&self, host: &str) {
        let mut st = self.state.lock().expect("limiter");
        st.in_flight -= 1;
        // A host with nothing in flight leaves the map, as `first` does.
        if let Some(n) = st.by_host.get_mut(host) {
            *n -= 1;
            if *n == 0 {
                st.by_host.remove(host);
            }
        }
        self.freed.notify_all();
    }
}

pub struct HttpFetcher {
    agent: ureq::Agent,
    opts: FetchOptions,
    limiter: Limiter,
    /// Hosts that could not be reached in this run, and why: not tried again.
    unreachable: Mutex<HashMap<String, FetchError>>,
    /// Hosts that may be on loopback or private addresses.
    allowed: Arc<Allowed>,
}

pub const USER_AGENT: &str = concat!(
    "inkquire/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/inkquire/inkquire; e-reader digest)"
);

impl HttpFetcher {
    pub fn new(opts: FetchOptions) -> HttpFetcher {
        let secs = |s: f64| Some(Duration::from_secs_f64(s.max(0.05)));
        let config = ureq::Agent::config_builder()
            .user_agent(USER_AGENT)
            .http_status_as_error(false)
            .max_redirects(opts.max_redirects)
            .max_redirects_will_error(true)
            .timeout_connect(secs(opts.connect_timeout))
            .timeout_per_read(secs(opts.read_timeout))
            .timeout_global(secs(opts.total_timeout))
            .build();
        let allowed = Arc::new(Allowed::default());
        for h in &opts.private_hosts {
            let (host, port) = parse_host_entry(h);
            allowed.add(&host, port);
        }
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            GuardedResolver {
                inner: Default::default(),
                allowed: allowed.clone(),
            },
        );
        HttpFetcher {
            allowed,
            agent,
            limiter: Limiter {
                state: Mutex::new(Slots::default()),
                freed: Condvar::new(),
                per_host: opts.per_host.max(1),
                global: opts.global.max(1),
            },
            opts,
            unreachable: Mutex::new(HashMap::new()),
        }
    }

    fn once(
        &self,
        url: &str,
        v: &Validators,
        referer: Option<&str>,
        gzip: bool,
        creds: Option<&Credentials>,
    ) -> Result<Fetched, FetchError> {
        // Without the header any coding would do (RFC 9110), so "identity" is said outright; a
        // server that sends gzip anyway is still understood.
        let coding = if gzip { "gzip" } else { "identity" };
        let request = |to: &str| {
            let mut req = self.agent.get(to).header("Accept-Encoding", coding);
            if let Some(r) = referer {
                req = req.header("Referer", r);
            }
            if let Some(e) = &v.etag {
                req = req.header("If-None-Match", e);
            }
            if let Some(lm) = &v.last_modified {
                req = req.header("If-Modified-Since", lm);
            }
            req
        };
        let (mut resp, final_url) = match creds.filter(|c| !c.is_empty()) {
            None => {
                use ureq::ResponseExt;
                let resp = request(url).call().map_err(|e| self.map_err(e))?;
                let at = resp.get_uri().to_string();
                (resp, at)
            }
            Some(c) => self.redirects_with(url, c, &request)?,
        };
        let status = resp.status().as_u16();
        if status == 304 {
            if v.etag.is_none() && v.last_modified.is_none() {
                // Nothing was asked conditionally: a 304 is a broken answer, not "unchanged".
                return Err(FetchError::Status(304));
            }
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            // A bot check answers 403, 429 or 503 with a page of its own: say so, and do not
            // try again (it would answer the same).
            if matches!(status, 403 | 429 | 503) {
                let body = resp
                    .body_mut()
                    .with_config()
                    .limit(256 * 1024)
                    .read_to_vec()
                    .unwrap_or_default();
                if is_challenge_body(&body) {
                    return Err(FetchError::Challenged(status));
                }
            }
            return Err(FetchError::Status(status));
        }
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type");
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let gzipped = header("content-encoding").is_some_and(|e| {
            let e = e.trim();
            e.eq_ignore_ascii_case("gzip") || e.eq_ignore_ascii_case("x-gzip")
        });
        let wire = resp
            .body_mut()
            .with_config()
            .limit(self.opts.max_bytes)
            .read_to_vec()
            .map_err(|e| self.map_err(e))?;
        let (body, gzip) = if gzipped {
            (self.gunzip(&wire)?, Some(wire))
        } else {
            (wire, None)
        };
        Ok(Fetched::Body(Page {
            url: final_url,
            content_type,
            body,
            gzip,
            validators,
        }))
    }

    /// Follow redirects by hand, sending `creds` while the address is on their site and never
    /// again once it has left it; cookies the site sets are kept in the source's jar.
    #[allow(clippy::type_complexity)]
    fn redirects_with(
        &self,
        url: &str,
        creds: &Credentials,
        request: &dyn Fn(&str) -> ureq::RequestBuilder<ureq::typestate::WithoutBody>,
    ) -> Result<(ureq::http::Response<ureq::Body>, String), FetchError> {
        let now = chrono::Utc::now().timestamp();
        let mut current = url.to_owned();
        let mut on_site = true;
        for _ in 0..=self.opts.max_redirects {
            let at = url::Url::parse(&current).map_err(|_| FetchError::BadUrl(current.clone()))?;
            if !matches!(at.scheme(), "http" | "https") {
                return Err(FetchError::BadUrl(current));
            }
            on_site = on_site && creds.covers(&at);
            let mut req = request(&current);
            if on_site {
                for (name, value) in &creds.headers {
                    req = req.header(name.as_str(), value.as_str());
                }
                if let Some(cookie) = creds.jar.as_ref().and_then(|j| j.header_for(&current, now)) {
                    req = req.header("Cookie", cookie);
                }
            }
            let resp = req
                .config()
                .max_redirects(0)
                .max_redirects_will_error(false)
                .build()
                .call()
                .map_err(|e| self.map_err(e))?;
            if on_site && let Some(jar) = &creds.jar {
                for set in resp.headers().get_all("set-cookie") {
                    if let Ok(set) = set.to_str() {
                        jar.set_from(&current, set, now);
                    }
                }
            }
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            match location {
                Some(to) if matches!(status, 301 | 302 | 303 | 307 | 308) => {
                    current = at
                        .join(to.trim())
                        .map_err(|_| FetchError::BadUrl(to.clone()))?
                        .to_string();
                }
                _ => return Ok((resp, current)),
            }
        }
        Err(FetchError::TooManyRedirects(self.opts.max_redirects))
    }

    /// A gzip body decompressed, within the same size cap as a plain one (a small file that
    /// would inflate to gigabytes is refused, not read).
    fn gunzip(&self, wire: &[u8]) -> Result<Vec<u8>, FetchError> {
        use std::io::Read;
        let mut body = Vec::with_capacity(wire.len().saturating_mul(4));
        flate2::read::MultiGzDecoder::new(wire)
            .take(self.opts.max_bytes.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Garbled(format!("the server sent broken gzip data ({e})")))?;
        if body.len() as u64 > self.opts.max_bytes {
            return Err(FetchError::TooLarge(self.opts.max_bytes));
        }
        Ok(body)
    }

    fn map_err(&self, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::StatusCode(s) => FetchError::Status(s),
            ureq::Error::Timeout(t) => FetchError::Timeout(match t {
                ureq::Timeout::Connect => Stall::NoConnection,
                ureq::Timeout::Global => Stall::TookTooLong,
                ureq::Timeout::PerRead | ureq::Timeout::RecvBody | ureq::Timeout::RecvResponse => {
                    Stall::StoppedSending
                }
                _ => Stall::NoAnswer,
            }),
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
                FetchError::TooManyRedirects(self.opts.max_redirects)
            }
            ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n.max(self.opts.max_bytes)),
            ureq::Error::HostNotFound => FetchError::Connect(Unreachable::HostNotFound),
            ureq::Error::ConnectionFailed => FetchError::Connect(Unreachable::RefusedOrUnreachable),
            ureq::Error::BadUri(u) => FetchError::BadUrl(u),
            ureq::Error::Other(e) if e.is::<PrivateAddress>() => FetchError::Private(
                e.downcast_ref::<PrivateAddress>()
                    .map_or_else(String::new, |p| p.0.clone()),
            ),
            ureq::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    FetchError::Timeout(Stall::StoppedSending)
                }
                std::io::ErrorKind::ConnectionRefused => FetchError::Connect(Unreachable::Refused),
                std::io::ErrorKind::UnexpectedEof => {
                    FetchError::Cut("the connection closed before the answer was complete".into())
                }
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe => FetchError::Cut(format!("network error: {io}")),
                _ => FetchError::Other(format!("network error: {io}")),
            },
            other => FetchError::Other(other.to_string()),
        }
    }
}

impl Fetcher for HttpFetcher {
    fn get(&self, url: &str, v: &Validators) -> Result<Fetched, FetchError> {
        self.fetch(url, v, None, false, None)
    }

    fn get_from(&self, url: &str, referer: Option<&str>) -> Result<Fetched, FetchError> {
        self.fetch(url, &Validators::default(), referer, true, None)
    }

    fn get_with(
        &self,
        url: &str,
        v: &Validators,
        creds: &Credentials,
    ) -> Result<Fetched, FetchError> {
        self.fetch(url, v, None, false, Some(creds))
    }

    fn allow_private(&self, url: &str) {
        if let Ok(u) = url::Url::parse(url)
            && let Some(host) = u.host_str()
        {
            self.allowed.add(host, u.port_or_known_default());
        }
    }
}

impl HttpFetcher {
    fn fetch(
        &self,
        url: &str,
        v: &Validators,
        referer: Option<&str>,
        first: bool,
        creds: Option<&Credentials>,
    ) -> Result<Fetched, FetchError> {
        let parsed = url::Url::parse(url).map_err(|_| FetchError::BadUrl(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl(url.to_owned()));
        }
        // Unreachable servers are remembered by host and port: a dead server on one port says
        // nothing about another on the same machine.
        let host = format!(
            "{}:{}",
            parsed.host_str().unwrap_or(""),
            parsed.port_or_known_default().unwrap_or(0)
        );
        if let Some(e) = self.unreachable.lock().expect("hosts").get(&host) {
            return Err(e.clone());
        }
        let gzip = self.opts.compression.wanted(&parsed);
        let mut attempt = 0;
        loop {
            // What a page shows goes before further pages.
            self.limiter.acquire(&host, first);
            let r = self.once(url, v, referer, gzip, creds);
            self.limiter.release(&host);
            match r {
                Err(e @ FetchError::Connect(Unreachable::HostNotFound)) => {
                    self.unreachable
                        .lock()
                        .expect("hosts")
                        .insert(host, e.clone());
                    return Err(e);
                }
                Err(e @ FetchError::Connect(_)) if attempt >= self.opts.retries => {
                    self.unreachable
                        .lock()
                        .expect("hosts")
                        .insert(host, e.clone());
                    return Err(e);
                }
                Err(e) if e.retryable() && attempt < self.opts.retries => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(300 * (1 << attempt.min(4))));
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn gzip_is_asked_of_every_server_but_one_on_this_machine() {
        let wanted = |c: Compression, u: &str| c.wanted(&url::Url::parse(u).unwrap());
        for local in [
            "http://127.0.0.1:8080/feed.xml",
            "http://127.9.9.9/",
            "http://[::1]:3000/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/rss",
            "http://LocalHost./rss",
            "http://bridge.localhost:8000/",
        ] {
            assert!(!wanted(Compression::Auto, local), "{local}");
            assert!(wanted(Compression::Always, local), "{local}");
        }
        for remote in [
            "https://example.org/feed.xml",
            "http://192.168.1.10/feed",
            "http://10.0.0.2/",
            "http://[2001:db8::1]/",
            "http://localhost.example.org/",
            "http://notlocalhost/",
        ] {
            assert!(wanted(Compression::Auto, remote), "{remote}");
            assert!(!wanted(Compression::Never, remote), "{remote}");
        }
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_private() {
        for a in [
            "127.0.0.1",
            "127.3.4.5",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a}");
        }
        for a in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(!is_private(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn allowed_hosts_match_whatever_the_case_brackets_or_trailing_dot() {
        let a = Allowed::default();
        a.add("Intranet.Example.", None);
        a.add("[::1]", None);
        assert!(a.contains("intranet.example", 80));
        assert!(a.contains("::1", 3000));
        assert!(!a.contains("example", 80));
    }

    #[test]
    fn a_named_source_opens_its_host_and_port_only() {
        let f = HttpFetcher::new(FetchOptions::default());
        assert!(!f.allowed.contains("127.0.0.1", 8080));
        f.allow_private("http://127.0.0.1:8080/feed.xml");
        assert!(f.allowed.contains("127.0.0.1", 8080));
        assert!(!f.allowed.contains("127.0.0.1", 22));
        assert!(!f.allowed.contains("localhost", 8080));
        f.allow_private("http://rss.lan/feed.xml");
        assert!(f.allowed.contains("rss.lan", 80));
        assert!(!f.allowed.contains("rss.lan", 443));
    }

    #[test]
    fn private_hosts_entries_name_a_host_or_a_host_and_port() {
        assert_eq!(parse_host_entry("NAS.lan"), ("nas.lan".into(), None));
        assert_eq!(
            parse_host_entry("nas.lan:3000"),
            ("nas.lan".into(), Some(3000))
        );
        assert_eq!(parse_host_entry("[::1]:8080"), ("::1".into(), Some(8080)));
        assert_eq!(parse_host_entry("fd00::1"), ("fd00::1".into(), None));
        assert_eq!(parse_host_entry("[fd00::1]"), ("fd00::1".into(), None));
    }

    #[test]
    fn secrets_in_addresses_are_redacted() {
        assert_eq!(
            redact("https://u:pw@x.org/f.xml?token=abc&page=2"),
            "https://u:***@x.org/f.xml?token=***&page=2"
        );
        assert_eq!(
            redact("https://x.org/f?api_key=1"),
            "https://x.org/f?api_key=***"
        );
        assert_eq!(redact("https://x.org/f?page=2"), "https://x.org/f?page=2");
        assert_eq!(redact("notes/today.md"), "notes/today.md");
    }

    #[test]
    fn a_plain_request_answered_304_is_an_error_that_says_so() {
        let e = FetchError::Status(304).to_string();
        assert!(e.contains("304 Not Modified"), "{e}");
        assert!(!FetchError::Status(404).retryable());
        assert!(FetchError::Status(503).retryable());
        assert!(!FetchError::Timeout(Stall::TookTooLong).retryable());
        assert!(FetchError::Timeout(Stall::StoppedSending).retryable());
        assert!(FetchError::Cut("reset".into()).retryable());
        assert!(!FetchError::Other("connection reset by peer".into()).retryable());
    }

    fn limiter(per_host: usize, global: usize) -> Limiter {
        Limiter {
            state: Mutex::new(Slots::default()),
            freed: Condvar::new(),
            per_host,
            global,
        }
    }

    #[test]
    fn pictures_go_before_waiting_pages_but_only_where_they_can_go() {
        let limiter = limiter(1, 2);
        let order = Mutex::new(Vec::new());
        // Pictures waiting for a slot to `host`.
        let waiting = |host: &str| {
            let st = limiter.state.lock().unwrap();
            st.first.get(host).copied().unwrap_or(0)
        };
        // a:1 is taken; a page for a:1 waits, then a picture for a:1.
        limiter.acquire("a:1", false);
        std::thread::scope(|s| {
            s.spawn(|| {
                limiter.acquire("a:1", false);
                order.lock().unwrap().push("page");
                limiter.release("a:1");
            });
            std::thread::sleep(Duration::from_millis(50));
            s.spawn(|| {
                limiter.acquire("a:1", true);
                order.lock().unwrap().push("picture");
                std::thread::sleep(Duration::from_millis(20));
                limiter.release("a:1");
            });
            while waiting("a:1") == 0 {
                std::thread::yield_now();
            }
            // A page for another host is not held up by a picture that waits for a:1.
            limiter.acquire("b:1", false);
            limiter.release("b:1");
            limiter.release("a:1");
        });
        assert_eq!(*order.lock().unwrap(), ["picture", "page"]);
        assert_eq!(limiter.state.lock().unwrap().in_flight, 0);
    }

    #[test]
    fn a_waiting_picture_holds_a_slot_only_where_it_can_use_it() {
        let limiter = limiter(1, 2);
        let mut st = Slots::default();
        st.first.insert("a:1".into(), 1);
        // a:1 has room: its waiting picture goes before a page to a:1, and holds one of the
        // two slots in all.
        assert!(!limiter.admits(&st, "a:1", false));
        assert!(limiter.admits(&st, "a:1", true));
        assert!(limiter.admits(&st, "c:1", false));
        st.in_flight = 1;
        st.by_host.insert("b:1".into(), 1);
        assert!(!limiter.admits(&st, "c:1", false), "the last slot is held");
        // a:1 busy: nothing is held for the picture, which cannot start anyway.
        st.by_host.insert("a:1".into(), 1);
        st.by_host.insert("b:1".into(), 0);
        assert!(limiter.admits(&st, "c:1", false));
        assert!(!limiter.admits(&st, "a:1", true));
    }
}
