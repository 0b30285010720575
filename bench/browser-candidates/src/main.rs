//! Two DevTools clients, one job: launch Debian's chromium once, render N script-built pages
//! whose every request is answered by our own code (`Fetch.requestPaused` → `fulfillRequest`,
//! as inkquire's fetcher will answer them), wait until the script has written the article,
//! and read the rendered HTML. Prints launch time, time per page, and whether every page's
//! article came through.
//!   cargo run --release -- /usr/bin/chromium 20

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;

const HOST: &str = "http://bench.invalid";

/// What our fetcher would answer for a path: page i is a shell whose script fetches its
/// paragraphs as JSON and writes them.
fn answer(url: &str) -> Option<(&'static str, Vec<u8>)> {
    let path = url.strip_prefix(HOST)?;
    if let Some(i) = path.strip_prefix("/page/") {
        return Some((
            "text/html",
            format!(
                "<!doctype html><html><head><title>Page {i}</title></head><body><div id=root></div>\
                 <script src=\"/app.js\"></script></body></html>"
            )
            .into_bytes(),
        ));
    }
    if path == "/app.js" {
        return Some((
            "text/javascript",
            b"fetch('/data' + location.pathname + '.json').then(r => r.json()).then(d => {\
                const a = document.createElement('article');\
                for (const p of d.paragraphs) { const e = document.createElement('p'); e.textContent = p; a.appendChild(e); }\
                document.getElementById('root').appendChild(a); });"
                .to_vec(),
        ));
    }
    if let Some(rest) = path.strip_prefix("/data/page/") {
        let i = rest.trim_end_matches(".json");
        let paras: Vec<String> = (1..=12)
            .map(|n| format!("Paragraph {n} of page {i}: the script wrote this sentence after the page loaded."))
            .collect();
        return Some((
            "application/json",
            format!("{{\"paragraphs\":{:?}}}", paras).into_bytes(),
        ));
    }
    None
}

const ARGS: &[&str] = &[
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-pings",
    "--mute-audio",
    "--blink-settings=imagesEnabled=false",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
];

fn rss_of_tree(pid: u32) -> u64 {
    // Resident memory of chromium and its children, in KiB.
    let out = std::process::Command::new("ps")
        .args(["-eo", "pid,ppid,rss"])
        .output()
        .unwrap();
    let rows: Vec<(u32, u32, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut it = l.split_whitespace().map(|x| x.parse::<u64>().ok());
            Some((it.next()?? as u32, it.next()?? as u32, it.next()??))
        })
        .collect();
    let mut tree = vec![pid];
    let mut total = 0;
    let mut i = 0;
    while i < tree.len() {
        for r in &rows {
            if r.1 == tree[i] {
                tree.push(r.0);
            }
            if r.0 == tree[i] {
                total += r.2;
            }
        }
        i += 1;
    }
    total
}

fn with_headless_chrome(bin: &str, n: usize) {
    use headless_chrome::browser::tab::RequestPausedDecision;
    use headless_chrome::protocol::cdp::Fetch::{FulfillRequest, HeaderEntry, RequestPattern};
    use headless_chrome::{Browser, LaunchOptions};
    let t = Instant::now();
    let args: Vec<&std::ffi::OsStr> = ARGS.iter().map(std::ffi::OsStr::new).collect();
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(bin.into()))
            .sandbox(false)
            .args(args)
            .idle_browser_timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    )
    .unwrap();
    let pid = browser.get_process_id().unwrap_or(0);
    let launch = t.elapsed();
    let tab = browser.new_tab().unwrap();
    tab.enable_fetch(
        Some(&[RequestPattern {
            url_pattern: Some("*".into()),
            resource_Type: None,
            request_stage: None,
        }]),
        None,
    )
    .unwrap();
    tab.enable_request_interception(Arc::new(|_t, _s, ev: headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent| {
        let (ct, body) = answer(&ev.params.request.url).unwrap_or(("text/plain", Vec::new()));
        RequestPausedDecision::Fulfill(FulfillRequest {
            request_id: ev.params.request_id,
            response_code: 200,
            response_headers: Some(vec![HeaderEntry { name: "Content-Type".into(), value: ct.into() }]),
            binary_response_headers: None,
            body: Some(base64::engine::general_purpose::STANDARD.encode(body)),
            response_phrase: None,
        })
    }))
    .unwrap();
    let t = Instant::now();
    let mut ok = 0;
    let mut peak = 0;
    for i in 0..n {
        let t0 = Instant::now();
        tab.navigate_to(&format!("{HOST}/page/{i}")).unwrap();
        let t1 = t0.elapsed();
        if std::env::var("NOWAIT").is_err() {
            tab.wait_until_navigated().unwrap();
        }
        if i < 2 && std::env::var("SHOW").is_ok() {
            eprintln!("navigate {t1:?} wait {:?}", t0.elapsed());
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let html = tab.get_content().unwrap();
            if html.contains(&format!("Paragraph 12 of page {i}:")) {
                ok += 1;
                break;
            }
            if Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        peak = peak.max(rss_of_tree(pid));
    }
    let per = t.elapsed() / n as u32;
    drop(tab);
    drop(browser);
    println!(
        "headless_chrome: launch {launch:?}, {per:?} a page, {ok}/{n} pages read, peak RSS {} MiB",
        peak / 1024
    );
}

fn with_chromiumoxide(bin: &str, n: usize) {
    use chromiumoxide::cdp::browser_protocol::fetch::{
        EnableParams, EventRequestPaused, FulfillRequestParams, HeaderEntry, RequestPattern,
    };
    use chromiumoxide::{Browser, BrowserConfig};
    use futures::StreamExt;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let t = Instant::now();
        let mut cfg = BrowserConfig::builder().chrome_executable(bin).no_sandbox();
        for a in ARGS {
            cfg = cfg.arg(*a);
        }
        let (mut browser, mut handler) = Browser::launch(cfg.build().unwrap()).await.unwrap();
        let h = tokio::spawn(async move { while let Some(_e) = handler.next().await {} });
        let pid = browser.get_mut_child().map(|c| c.inner.id().unwrap_or(0)).unwrap_or(0);
        let launch = t.elapsed();
        let page = browser.new_page("about:blank").await.unwrap();
        let mut paused = page.event_listener::<EventRequestPaused>().await.unwrap();
        page.execute(
            EnableParams::builder()
                .pattern(RequestPattern::builder().url_pattern("*").build())
                .build(),
        )
        .await
        .unwrap();
        let p2 = page.clone();
        tokio::spawn(async move {
            while let Some(ev) = paused.next().await {
                let (ct, body) = answer(&ev.request.url).unwrap_or(("text/plain", Vec::new()));
                let _ = p2
                    .execute(
                        FulfillRequestParams::builder()
                            .request_id(ev.request_id.clone())
                            .response_code(200)
                            .response_header(HeaderEntry::new("Content-Type", ct))
                            .body(base64::engine::general_purpose::STANDARD.encode(body))
                            .build()
                            .unwrap(),
                    )
                    .await;
            }
        });
        let t = Instant::now();
        let mut ok = 0;
        let mut peak = 0;
        for i in 0..n {
            page.goto(format!("{HOST}/page/{i}")).await.unwrap();
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let html = page.content().await.unwrap();
                if html.contains(&format!("Paragraph 12 of page {i}:")) {
                    ok += 1;
                    break;
                }
                if Instant::now() > deadline {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak = peak.max(rss_of_tree(pid));
        }
        let per = t.elapsed() / n as u32;
        browser.close().await.ok();
        browser.wait().await.ok();
        h.abort();
        println!(
            "chromiumoxide: launch {launch:?}, {per:?} a page, {ok}/{n} pages read, peak RSS {} MiB",
            peak / 1024
        );
    });
}

fn main() {
    let mut args = std::env::args().skip(1);
    let bin = args.next().unwrap_or_else(|| "/usr/bin/chromium".into());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    for _ in 0..2 {
        with_headless_chrome(&bin, n);
        with_chromiumoxide(&bin, n);
    }
}
