//! The second door to the network: a headless Chromium, for pages whose text a script builds
//! (`[fetch] browser`). Only pages that need it are rendered (see `collector::page`); this
//! module renders one page at a time in one browser process for the run.
//!
//! The browser makes no request of its own. Every request a page makes is paused
//! (`Fetch.requestPaused`, DevTools protocol) and answered here through the run's
//! [`Fetcher`], with its guards: no loopback or private-network address but the source's own
//! host and port, the size limit, the timeouts, the source's cookies only on its site. A
//! document, a script, an XHR or a `fetch()` is fetched (GET only, at most
//! [`REQUESTS_A_PAGE`] a page); pictures, media, fonts, stylesheets, beacons and sockets are
//! refused unasked. Chromium is also started with no resolver and a proxy that leads
//! nowhere, so a request that ever escaped the pause would fail, not reach the network.
//!
//! The process is started by inkquire itself (in its own process group, told to die with
//! inkquire), its profile is a temporary folder removed with it, and it is killed when the
//! run ends, after any failure (a page that hangs, a protocol error), and when inkquire dies.
//! The DevTools client is `chromiumoxide` (measured against `headless_chrome`:
//! ARCHITECTURE.md, "Decisions").

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use chromiumoxide::cdp::browser_protocol::fetch::{
    EnableParams, EventRequestPaused, FailRequestParams, FulfillRequestParams, HeaderEntry,
    RequestPattern,
};
use chromiumoxide::cdp::browser_protocol::network::{ErrorReason, ResourceType};
use futures_util::StreamExt;
use futures_util::future::{Either, select};

use crate::fetch::{FetchError, Fetched, Fetcher, Validators};

/// Requests one page may make before the rest are refused (a page that asks forever).
pub const REQUESTS_A_PAGE: usize = 150;

/// How to run the browser, from `[fetch]`.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// The program: a name on PATH (`chromium`) or a path.
    pub program: String,
    /// Pages rendered at most in one run.
    pub pages: usize,
    /// The most one page may take.
    pub timeout: Duration,
}

/// Why a page was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("the browser {program} could not be started: {why}")]
    Start { program: String, why: String },
    #[error("the browser could not be started earlier in this run ({0})")]
    Unavailable(String),
    #[error("{0} pages were rendered already, the most a run renders ([fetch] browser-pages)")]
    Limit(usize),
    #[error("the page did not finish within {0} s in the browser ([fetch] browser-timeout)")]
    Timeout(u64),
    #[error("the browser failed: {0}")]
    Protocol(String),
}

/// A page as the browser left it once its scripts had written it.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The rendered document, serialised.
    pub html: String,
    /// Requests the page made that were fetched.
    pub fetched: usize,
    /// Requests refused by the fetcher's guards (a private address, too large), with why.
    pub refused: Vec<String>,
    /// Requests not made for their kind (pictures, fonts, media, stylesheets, beacons).
    pub skipped: usize,
}

/// One headless browser for a run, started at the first page that needs it.
pub struct Browser {
    opts: BrowserOptions,
    state: Mutex<State>,
}

enum State {
    Idle { rendered: usize },
    Running(Box<Running>),
    Broken(String),
}

struct Running {
    rt: tokio::runtime::Runtime,
    browser: chromiumoxide::Browser,
    child: Child,
    /// The thread that started the browser, kept until it is stopped.
    keeper: Option<(std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
    _profile: tempfile::TempDir,
    rendered: usize,
}

impl Browser {
    pub fn new(opts: BrowserOptions) -> Browser {
        Browser {
            opts,
            state: Mutex::new(State::Idle { rendered: 0 }),
        }
    }

    /// The browser `[fetch]` configures, if it names one (not started until a page needs it).
    pub fn configured(f: &crate::fetch::FetchOptions) -> Option<Browser> {
        let program = f.browser.as_deref()?.trim();
        Some(Browser::new(BrowserOptions {
            program: program.to_owned(),
            pages: f.browser_pages,
            timeout: Duration::from_secs_f64(f.browser_timeout),
        }))
    }

    /// Start the browser, ask its version and stop it again (`inkquire check`): its path and
    /// what it says it is.
    pub fn probe(&self) -> Result<(PathBuf, String), BrowserError> {
        let path = program_path(&self.opts.program).ok_or_else(|| BrowserError::Start {
            program: self.opts.program.clone(),
            why: "no such program (give a name on PATH or a path, e.g. chromium)".to_owned(),
        })?;
        let running = Running::start(&self.opts.program, 0)?;
        let asked = running.rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), running.browser.version()).await
        });
        running.stop();
        match asked {
            Ok(Ok(v)) => Ok((path, v.product.clone())),
            Ok(Err(e)) => Err(BrowserError::Protocol(e.to_string())),
            Err(_) => Err(BrowserError::Protocol(
                "it did not say its version within 10 s".to_owned(),
            )),
        }
    }

    pub fn options(&self) -> &BrowserOptions {
        &self.opts
    }

    /// Render the page at `url` (whose answer `first` the caller already has: it is served
    /// to the browser as the page, not fetched again), its requests answered through
    /// `fetcher`. Pages are rendered one at a time.
    pub fn render(
        &self,
        url: &str,
        first: Option<&crate::fetch::Page>,
        fetcher: &dyn Fetcher,
    ) -> Result<Rendered, BrowserError> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let rendered = match &*state {
            State::Broken(why) => return Err(BrowserError::Unavailable(why.clone())),
            State::Idle { rendered } => *rendered,
            State::Running(r) => r.rendered,
        };
        if rendered >= self.opts.pages {
            return Err(BrowserError::Limit(rendered));
        }
        if let State::Idle { rendered } = &*state {
            match Running::start(&self.opts.program, *rendered) {
                Ok(r) => *state = State::Running(Box::new(r)),
                Err(e) => {
                    *state = State::Broken(e.to_string());
                    return Err(e);
                }
            }
        }
        let State::Running(running) = &mut *state else {
            unreachable!("started above")
        };
        running.rendered += 1;
        let result = running.render(url, first, fetcher, self.opts.timeout);
        if result.is_err() {
            // Any failure kills the browser: a page that hangs keeps nothing running. The next
            // page starts a new one.
            let rendered = running.rendered;
            if let State::Running(r) = std::mem::replace(&mut *state, State::Idle { rendered }) {
                r.stop();
            }
        }
        result
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        if let State::Running(r) = std::mem::replace(state, State::Idle { rendered: 0 }) {
            r.stop();
        }
    }
}

/// The program to run: a path as it is, a name looked up on PATH.
fn program_path(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return p.is_file().then(|| p.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|c| c.is_file())
}

/// Whether inkquire runs as root (Chromium's sandbox refuses root; it runs without it then).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// Chromium's switches: headless, no background traffic of its own, no pictures, no resolver,
/// a proxy that leads nowhere (a request that escaped the pause fails).
const SWITCHES: &[&str] = &[
    "--headless=new",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-extensions",
    "--disable-sync",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--no-service-autorun",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--blink-settings=imagesEnabled=false",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--window-size=1280,2000",
];

impl Running {
    fn start(program: &str, rendered: usize) -> Result<Running, BrowserError> {
        let fail = |why: String| BrowserError::Start {
            program: program.to_owned(),
            why,
        };
        let path = program_path(program).ok_or_else(|| {
            fail("no such program (give a name on PATH or a path, e.g. chromium)".to_owned())
        })?;
        let profile = tempfile::Builder::new()
            .prefix("inkquire-browser-")
            .tempdir()
            .map_err(|e| fail(format!("no temporary profile folder: {e}")))?;
        // Chromium's own temporary files go into the profile too, and go with it.
        let tmp = profile.path().join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| fail(format!("no temporary folder: {e}")))?;
        let mut cmd = Command::new(&path);
        cmd.env("TMPDIR", &tmp)
            .args(SWITCHES)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        if is_root() {
            cmd.arg("--no-sandbox");
        }
        die_with_parent(&mut cmd);
        // The parent-death signal follows the thread that started the process, not the
        // process: a collector's worker thread ends long before the run does. The browser is
        // started from a thread of its own that lives as long as it.
        let (spawned_tx, spawned_rx) = std::sync::mpsc::channel();
        let (parent, parent_rx) = std::sync::mpsc::channel::<()>();
        let keeper = std::thread::Builder::new()
            .name("inkquire-browser-parent".into())
            .spawn(move || {
                let _ = spawned_tx.send(cmd.spawn());
                // Until the browser is stopped (the sender dropped).
                let _ = parent_rx.recv();
            })
            .map_err(|e| fail(e.to_string()))?;
        let mut child = match spawned_rx.recv() {
            Ok(Ok(child)) => child,
            Ok(Err(e)) => return Err(fail(e.to_string())),
            Err(_) => return Err(fail("it could not be started".to_owned())),
        };
        // Chromium says where its DevTools listen on its standard error.
        let stderr = child.stderr.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut said = Vec::new();
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(ws) = line.split_whitespace().find(|w| w.starts_with("ws://")) {
                        let _ = tx.send(Ok(ws.to_owned()));
                        sent = true;
                    } else if said.len() < 20 {
                        said.push(line);
                    }
                }
                // Later lines are read and dropped, so the browser never blocks on a full pipe.
            }
            if !sent {
                let _ = tx.send(Err(said.join("\n")));
            }
        });
        let ws = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Ok(ws)) => ws,
            Ok(Err(said)) => {
                kill(&mut child);
                return Err(fail(format!(
                    "it exited: {}",
                    said.lines().last().unwrap_or("no message")
                )));
            }
            Err(_) => {
                kill(&mut child);
                return Err(fail("it did not answer within 20 s".to_owned()));
            }
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("inkquire-browser")
            .enable_all()
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let connected = rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(20), chromiumoxide::Browser::connect(ws)).await
        });
        let (browser, mut handler) = match connected {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => {
                kill(&mut child);
                return Err(fail(format!("its DevTools did not answer: {e}")));
            }
            Err(_) => {
                kill(&mut child);
                return Err(fail("its DevTools did not answer within 20 s".to_owned()));
            }
        };
        rt.spawn(async move { while handler.next().await.is_some() {} });
        Ok(Running {
            rt,
            browser,
            child,
            keeper: Some((parent, keeper)),
            _profile: profile,
            rendered,
        })
    }

    fn render(
        &mut self,
        url: &str,
        first: Option<&crate::fetch::Page>,
        fetcher: &dyn Fetcher,
        timeout: Duration,
    ) -> Result<Rendered, BrowserError> {
        let browser = &self.browser;
        let proto = |e: chromiumoxide::error::CdpError| BrowserError::Protocol(e.to_string());
        // Everything a page costs is under its time limit: a browser that died mid-way
        // leaves commands that are never answered.
        let all = async {
            let page = browser.new_page("about:blank").await.map_err(proto)?;
            let mut paused = page
                .event_listener::<EventRequestPaused>()
                .await
                .map_err(proto)?;
            page.execute(
                EnableParams::builder()
                    .pattern(RequestPattern::builder().url_pattern("*").build())
                    .build(),
            )
            .await
            .map_err(proto)?;
            let start = Instant::now();
            let mut answers = Answers {
                first,
                first_url: url,
                fetcher,
                rendered: Rendered {
                    html: String::new(),
                    fetched: 0,
                    refused: Vec::new(),
                    skipped: 0,
                },
            };
            let driven = {
                let work = async {
                    page.goto(url).await?;
                    settle(&page, start + timeout.mul_f32(0.8)).await;
                    page.content().await
                };
                let mut work = std::pin::pin!(work);
                tokio::time::timeout(timeout, async {
                    loop {
                        match select(work.as_mut(), paused.next()).await {
                            Either::Left((done, _)) => return done,
                            Either::Right((Some(ev), _)) => answers.answer(&page, &ev).await,
                            Either::Right((None, _)) => return work.as_mut().await,
                        }
                    }
                })
                .await
            };
            let _ = tokio::time::timeout(Duration::from_secs(2), page.close()).await;
            match driven {
                Err(_) => Err(BrowserError::Timeout(timeout.as_secs())),
                Ok(Err(e)) => Err(proto(e)),
                Ok(Ok(html)) => {
                    answers.rendered.html = html;
                    Ok(answers.rendered)
                }
            }
        };
        self.rt.block_on(async {
            tokio::time::timeout(timeout + Duration::from_secs(5), all)
                .await
                .unwrap_or(Err(BrowserError::Timeout(timeout.as_secs())))
        })
    }

    /// Close the browser and kill what is left of it, and wait for it.
    fn stop(mut self) {
        let browser = &mut self.browser;
        let _ = self.rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(2), browser.close()).await
        });
        kill(&mut self.child);
        if let Some((parent, keeper)) = self.keeper.take() {
            drop(parent);
            let _ = keeper.join();
        }
        self.rt.shutdown_timeout(Duration::from_millis(200));
    }
}

/// Kill the browser's whole process group and reap its main process.
fn kill(child: &mut Child) {
    // SAFETY: kill(2) on the group this process started (`process_group(0)`: its id is the
    // child's); no memory is touched.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The browser dies with inkquire, even when inkquire is killed (Linux: the parent-death
/// signal).
fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl(2) is async-signal-safe, and it is all the closure does between fork and
    // exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Wait until the page's text stops changing (its scripts have written it), or `until`.
async fn settle(page: &chromiumoxide::Page, until: Instant) {
    let mut last = None;
    let mut steady = 0;
    while Instant::now() < until {
        let len = page
            .evaluate("document.body ? document.body.innerText.length : 0")
            .await
            .ok()
            .and_then(|r| r.into_value::<u64>().ok());
        if len.is_some_and(|l| l > 0) && len == last {
            steady += 1;
            if steady >= 3 {
                return;
            }
        } else {
            steady = 0;
        }
        last = len;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Answers the page's requests through the fetcher.
struct Answers<'a> {
    first: Option<&'a crate::fetch::Page>,
    first_url: &'a str,
    fetcher: &'a dyn Fetcher,
    rendered: Rendered,
}

impl Answers<'_> {
    async fn answer(&mut self, page: &chromiumoxide::Page, ev: &EventRequestPaused) {
        let id = ev.request_id.clone();
        let url = ev.request.url.as_str();
        let wanted = matches!(
            ev.resource_type,
            ResourceType::Document | ResourceType::Script | ResourceType::Xhr | ResourceType::Fetch
        );
        let web = url.starts_with("http://") || url.starts_with("https://");
        let fail = |reason| FailRequestParams::new(id.clone(), reason);
        if !wanted || !web || ev.request.method != "GET" {
            self.rendered.skipped += 1;
            let _ = page.execute(fail(ErrorReason::BlockedByClient)).await;
            return;
        }
        if self.rendered.fetched >= REQUESTS_A_PAGE {
            self.rendered.refused.push(format!(
                "{url}: more than {REQUESTS_A_PAGE} requests from one page"
            ));
            let _ = page.execute(fail(ErrorReason::BlockedByClient)).await;
            return;
        }
        let got = match self.first {
            Some(p) if ev.resource_type == ResourceType::Document && url == self.first_url => {
                self.first = None;
                Ok(p.clone())
            }
            _ => match self.fetcher.get(url, &Validators::default()) {
                Ok(Fetched::Body(p)) => Ok(p),
                Ok(Fetched::NotModified) => Err(FetchError::Status(304)),
                Err(e) => Err(e),
            },
        };
        self.rendered.fetched += 1;
        match got {
            Ok(p) => {
                let mut headers = vec![];
                if let Some(ct) = &p.content_type {
                    headers.push(HeaderEntry::new("Content-Type", ct.clone()));
                }
                let body = base64::engine::general_purpose::STANDARD.encode(&p.body);
                let mut fulfil = FulfillRequestParams::new(id, 200);
                fulfil.response_headers = Some(headers);
                fulfil.body = Some(body.into());
                let _ = page.execute(fulfil).await;
            }
            Err(e) => {
                let reason = match e {
                    FetchError::Private(_) => ErrorReason::AddressUnreachable,
                    FetchError::Timeout(_) => ErrorReason::TimedOut,
                    _ => ErrorReason::Failed,
                };
                self.rendered
                    .refused
                    .push(format!("{}: {e}", crate::fetch::redact(url)));
                let _ = page.execute(fail(reason)).await;
            }
        }
    }
}
