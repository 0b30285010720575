//! The one door to the network: every HTTP request inkquire makes goes through a [`Fetcher`].
//!
//! [`HttpFetcher`] is polite and bounded: a User-Agent naming inkquire, per-host and global limits
//! on requests in flight, connect/read/total timeouts, a cap on body size, a redirect limit,
//! retries with backoff for timeouts, dropped connections and 5xx answers, conditional GET
//! (`If-None-Match`/`If-Modified-Since`; a 304 costs nothing), and gzip. Tests put a fetcher over
//! a server on 127.0.0.1; nothing else changes.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
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
        }
    }
}

/// Validators from an earlier answer, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

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
    pub body: Vec<u8>,
    pub validators: Validators,
}

/// Why a fetch failed, in words a user can act on.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("the server answered {0}")]
    Status(u16),
    #[error("timed out ({0})")]
    Timeout(String),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(u32),
    #[error("the answer is larger than {} MiB", .0 >> 20)]
    TooLarge(u64),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("not a web address: {0}")]
    BadUrl(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    fn retryable(&self) -> bool {
        match self {
            FetchError::Status(s) => *s >= 500 || *s == 429,
            FetchError::Timeout(_) | FetchError::Connect(_) => true,
            FetchError::Other(m) => {
                m.contains("reset") || m.contains("closed") || m.contains("EOF")
            }
            _ => false,
        }
    }
}

/// Something that can GET a URL.
pub trait Fetcher: Sync {
    fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError>;

    /// GET a resource shown on the page at `referer` (images: some sites want to see where).
    fn get_from(&self, url: &str, referer: Option<&str>) -> Result<Fetched, FetchError> {
        let _ = referer;
        self.get(url, &Validators::default())
    }
}

/// Counting semaphore over hosts: at most `per_host` per host and `global` in all.
struct Limiter {
    state: Mutex<(usize, HashMap<String, usize>)>,
    freed: Condvar,
    per_host: usize,
    global: usize,
}

impl Limiter {
    fn acquire(&self, host: &str) {
        let mut st = self.state.lock().expect("limiter");
        loop {
            let used = st.1.get(host).copied().unwrap_or(0);
            if st.0 < self.global && used < self.per_host {
                st.0 += 1;
                *st.1.entry(host.to_owned()).or_insert(0) += 1;
                return;
            }
            st = self.freed.wait(st).expect("limiter");
        }
    }

    fn release(&self, host: &str) {
        let mut st = self.state.lock().expect("limiter");
        st.0 -= 1;
        if let Some(n) = st.1.get_mut(host) {
            *n -= 1;
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
}

pub const USER_AGENT: &str = concat!(
    "inkquire/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/inkquire/inkquire; e-reader digest)"
);

impl HttpFetcher {
    pub fn new(opts: FetchOptions) -> HttpFetcher {
        let secs = |s: f64| Some(Duration::from_secs_f64(s.max(0.05)));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .user_agent(USER_AGENT)
            .http_status_as_error(false)
            .max_redirects(opts.max_redirects)
            .max_redirects_will_error(true)
            .timeout_connect(secs(opts.connect_timeout))
            .timeout_per_read(secs(opts.read_timeout))
            .timeout_global(secs(opts.total_timeout))
            .build()
            .into();
        HttpFetcher {
            agent,
            limiter: Limiter {
                state: Mutex::new((0, HashMap::new())),
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
    ) -> Result<Fetched, FetchError> {
        let mut req = self.agent.get(url).header("Accept-Encoding", "gzip");
        if let Some(r) = referer {
            req = req.header("Referer", r);
        }
        if let Some(e) = &v.etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(lm) = &v.last_modified {
            req = req.header("If-Modified-Since", lm);
        }
        let mut resp = req.call().map_err(|e| self.map_err(e))?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        use ureq::ResponseExt;
        let final_url = resp.get_uri().to_string();
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
        let body = resp
            .body_mut()
            .with_config()
            .limit(self.opts.max_bytes)
            .read_to_vec()
            .map_err(|e| self.map_err(e))?;
        Ok(Fetched::Body(Page {
            url: final_url,
            content_type,
            body,
            validators,
        }))
    }

    fn map_err(&self, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::StatusCode(s) => FetchError::Status(s),
            ureq::Error::Timeout(t) => FetchError::Timeout(
                match t {
                    ureq::Timeout::Connect => "no connection",
                    ureq::Timeout::Global => "the answer took too long",
                    ureq::Timeout::PerRead
                    | ureq::Timeout::RecvBody
                    | ureq::Timeout::RecvResponse => "the server stopped sending",
                    _ => "no answer",
                }
                .to_owned(),
            ),
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
                FetchError::TooManyRedirects(self.opts.max_redirects)
            }
            ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n.max(self.opts.max_bytes)),
            ureq::Error::HostNotFound => FetchError::Connect("host not found".into()),
            ureq::Error::ConnectionFailed => {
                FetchError::Connect("connection refused or unreachable".into())
            }
            ureq::Error::BadUri(u) => FetchError::BadUrl(u),
            ureq::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    FetchError::Timeout("the server stopped sending".into())
                }
                std::io::ErrorKind::ConnectionRefused => {
                    FetchError::Connect("connection refused".into())
                }
                std::io::ErrorKind::UnexpectedEof => {
                    FetchError::Other("the connection closed before the answer was complete".into())
                }
                _ => FetchError::Other(format!("network error: {io}")),
            },
            other => FetchError::Other(other.to_string()),
        }
    }
}

impl Fetcher for HttpFetcher {
    fn get(&self, url: &str, v: &Validators) -> Result<Fetched, FetchError> {
        self.fetch(url, v, None)
    }

    fn get_from(&self, url: &str, referer: Option<&str>) -> Result<Fetched, FetchError> {
        self.fetch(url, &Validators::default(), referer)
    }
}

impl HttpFetcher {
    fn fetch(
        &self,
        url: &str,
        v: &Validators,
        referer: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        let parsed = url::Url::parse(url).map_err(|_| FetchError::BadUrl(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl(url.to_owned()));
        }
        let host = parsed.host_str().unwrap_or("").to_owned();
        if let Some(e) = self.unreachable.lock().expect("hosts").get(&host) {
            return Err(e.clone());
        }
        let mut attempt = 0;
        loop {
            self.limiter.acquire(&host);
            let r = self.once(url, v, referer);
            self.limiter.release(&host);
            match r {
                Err(e @ FetchError::Connect(_)) if e.to_string().contains("host not found") => {
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
