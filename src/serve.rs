//! `inkquire serve`: the issues in the output folder over HTTP, for an e-reader's catalog browser
//! (KOReader and others read the OPDS feed) or a phone's web browser (the plain page at `/`).
//!
//! - `GET /` is an HTML page listing each issue by title, date and number, newest first;
//! - `GET /opds` is an OPDS 1.2 acquisition feed of the same issues;
//! - `GET /issues/<file>` serves a book (EPUB, or KEPUB with the type the catalog announces),
//!   streamed from the disk, with `Range` for readers that resume a download;
//! - `GET /covers/<file>` serves the book's cover, found through its OPF.
//!
//! Only regular files the folder lists are served (a symlink is not followed, and no path from a
//! request reaches the disk); `HEAD` is answered like `GET` without the body; other methods get
//! 405 with `Allow`. It runs on hyper over a small tokio runtime: an idle connection costs a
//! little memory, never a thread; a request's head is read into a bounded buffer (an over-long
//! request line or header is refused with 431, and the connection closed); at most
//! [`Limits::connections`] are open at once, the oldest closed to make room.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::formatter::tree::{esc, esc_attr};
use crate::shelf::IssueReport;

/// How much the server takes on.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once; a new one beyond this closes the oldest.
    pub connections: usize,
    /// A request's head (request line and headers) larger than this is refused (431).
    pub head_bytes: usize,
    /// A connection that sends no complete request head for this long is closed.
    pub idle: Duration,
    /// Worker threads for the connections.
    pub workers: usize,
    /// Threads reading files.
    pub readers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 1024,
            head_bytes: 16 * 1024,
            idle: Duration::from_secs(20),
            workers: 2,
            readers: 4,
        }
    }
}

/// One issue in the folder: the EPUB and, when present, its KEPUB and report.
#[derive(Debug, Clone)]
struct Entry {
    epub: String,
    kepub: Option<String>,
    title: String,
    number: Option<u32>,
    date: String,
    summary: String,
    modified: String,
}

/// The regular files of `folder` by name (a symlink, a folder or a device is not listed).
fn regular_files(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

/// The issues in `folder`, newest first.
fn list(folder: &Path) -> Vec<Entry> {
    let names = regular_files(folder);
    let mut out: Vec<(std::time::SystemTime, Entry)> = Vec::new();
    for n in &names {
        if !n.ends_with(".epub") || n.ends_with(".kepub.epub") {
            continue;
        }
        let stem = n.trim_end_matches(".epub");
        let kepub = format!("{stem}.kepub.epub");
        let report = IssueReport::read(&folder.join(format!("{stem}.report.json")))
            .filter(|r| !r.title.is_empty());
        let mtime = std::fs::symlink_metadata(folder.join(n))
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        let (title, number, date, summary) = match report {
            Some(r) => (
                shown(&r.title),
                Some(r.issue),
                shown(&r.date),
                r.articles
                    .iter()
                    .take(6)
                    .map(|t| shown(t))
                    .collect::<Vec<_>>()
                    .join(" · "),
            ),
            None => (stem.replace('-', " "), None, String::new(), String::new()),
        };
        out.push((
            mtime,
            Entry {
                epub: n.clone(),
                kepub: names.contains(&kepub).then_some(kepub),
                title,
                number,
                date,
                summary,
                modified: chrono::DateTime::<chrono::Utc>::from(mtime).to_rfc3339(),
            },
        ));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.epub.cmp(&a.1.epub)));
    out.into_iter().map(|(_, e)| e).collect()
}

/// Text from a report (titles come from feeds) fit for a page: no control characters, and no
/// bidirectional overrides or embeddings that would turn the rest of the page around (each
/// title is isolated where it is shown instead).
fn shown(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            !(c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

impl Entry {
    /// "Morning Digest — No. 3", or the file's name without a report.
    fn heading(&self) -> String {
        match self.number {
            Some(n) => format!("{} — No. {n}", self.title),
            None => self.title.clone(),
        }
    }
}

const OPDS: &str = "application/atom+xml;profile=opds-catalog;kind=acquisition";
const EPUB: &str = "application/epub+zip";
const KEPUB: &str = "application/kepub+zip";

/// The OPDS acquisition feed for the issues in `folder`.
pub fn catalog(folder: &Path) -> String {
    let entries = list(folder);
    let updated = entries
        .first()
        .map(|e| e.modified.clone())
        .unwrap_or_else(|| chrono::Utc::now().to_rfc3339());
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/" xmlns:opds="http://opds-spec.org/2010/catalog">
<id>urn:inkquire:catalog</id>
<title>inkquire issues</title>
<updated>{updated}</updated>
<author><name>inkquire</name></author>
<link rel="self" href="/opds" type="{OPDS}"/>
<link rel="start" href="/opds" type="{OPDS}"/>
"#
    );
    for e in &entries {
        let href = |f: &str| format!("/issues/{}", url_escape(f));
        s.push_str(&format!(
            "<entry>\n<id>urn:inkquire:issue:{}</id>\n<title>{}</title>\n<updated>{}</updated>\n<dc:issued>{}</dc:issued>\n<summary>{}</summary>\n",
            esc(&e.epub),
            esc(&e.heading()),
            esc(&e.modified),
            esc(&e.date),
            esc(&e.summary)
        ));
        if let Some(cover) = cover_of(&folder.join(&e.epub)) {
            s.push_str(&format!(
                "<link rel=\"http://opds-spec.org/image\" href=\"/covers/{0}\" type=\"{1}\"/>\n<link rel=\"http://opds-spec.org/image/thumbnail\" href=\"/covers/{0}\" type=\"{1}\"/>\n",
                esc_attr(&url_escape(&e.epub)),
                esc_attr(&cover.media_type)
            ));
        }
        s.push_str(&format!(
            "<link rel=\"http://opds-spec.org/acquisition\" href=\"{}\" type=\"{EPUB}\" title=\"EPUB\"/>\n",
            esc_attr(&href(&e.epub))
        ));
        if let Some(k) = &e.kepub {
            s.push_str(&format!(
                "<link rel=\"http://opds-spec.org/acquisition\" href=\"{}\" type=\"{KEPUB}\" title=\"KEPUB\"/>\n",
                esc_attr(&href(k))
            ));
        }
        s.push_str("</entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

/// A plain HTML page listing the issues, for a phone's or an e-reader's web browser.
pub fn index(folder: &Path) -> String {
    let entries = list(folder);
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>inkquire issues</title>\n\
         <style>body{font-family:serif;max-width:40em;margin:1em auto;padding:0 1em;line-height:1.4}\
         li{margin:0 0 1em}a{font-weight:bold}</style>\n</head>\n<body>\n<h1>inkquire issues</h1>\n",
    );
    if entries.is_empty() {
        s.push_str("<p>No issues yet.</p>\n");
    } else {
        s.push_str("<ul>\n");
        for e in &entries {
            s.push_str(&format!(
                "<li><a href=\"/issues/{}\"><bdi>{}</bdi></a>",
                esc_attr(&url_escape(&e.epub)),
                esc(&e.heading())
            ));
            if !e.date.is_empty() {
                s.push_str(&format!(" <time datetime=\"{0}\">{0}</time>", esc(&e.date)));
            }
            if let Some(k) = &e.kepub {
                s.push_str(&format!(
                    " · <a href=\"/issues/{}\">KEPUB for Kobo</a>",
                    esc_attr(&url_escape(k))
                ));
            }
            if !e.summary.is_empty() {
                s.push_str(&format!("<br/><bdi>{}</bdi>", esc(&e.summary)));
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<p><a href=\"/opds\">OPDS catalog</a> (for KOReader and other catalog readers)</p>\n</body>\n</html>\n");
    s
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn url_unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A book's cover: its bytes and media type, found through the OPF's cover-image item.
struct Cover {
    data: Vec<u8>,
    media_type: String,
}

/// The cover picture inside a book: the manifest item with `properties="cover-image"` (EPUB 3),
/// else the one `<meta name="cover">` names (EPUB 2).
fn cover_of(epub: &Path) -> Option<Cover> {
    let file = open_regular(epub).ok()?;
    let mut zip = zip::ZipArchive::new(file).ok()?;
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str, max: u64| {
        let entry = zip.by_name(name).ok()?;
        let mut data = Vec::new();
        entry.take(max).read_to_end(&mut data).ok()?;
        Some(data)
    };
    let container = String::from_utf8(read(&mut zip, "META-INF/container.xml", 1 << 16)?).ok()?;
    let doc = roxmltree::Document::parse(&container).ok()?;
    let opf_path = doc
        .descendants()
        .find(|n| n.has_tag_name("rootfile"))?
        .attribute("full-path")?
        .to_owned();
    let opf = String::from_utf8(read(&mut zip, &opf_path, 4 << 20)?).ok()?;
    let doc = roxmltree::Document::parse(&opf).ok()?;
    let items: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    let named = doc
        .descendants()
        .find(|n| n.has_tag_name("meta") && n.attribute("name") == Some("cover"))
        .and_then(|m| m.attribute("content"));
    let item = items
        .iter()
        .find(|i| {
            i.attribute("properties")
                .is_some_and(|p| p.split_whitespace().any(|p| p == "cover-image"))
        })
        .or_else(|| {
            items
                .iter()
                .find(|i| named.is_some() && i.attribute("id") == named)
        })?;
    let href = item.attribute("href")?;
    let media_type = item.attribute("media-type")?.to_owned();
    if !media_type.starts_with("image/") {
        return None;
    }
    let dir = opf_path.rsplit_once('/').map_or("", |(d, _)| d);
    let name = if dir.is_empty() {
        url_unescape(href)
    } else {
        format!("{dir}/{}", url_unescape(href))
    };
    let data = read(&mut zip, &name, 32 << 20)?;
    Some(Cover { data, media_type })
}

/// Open `path` only if it is a regular file, and is still the file looked at (a symlink put in
/// its place between the look and the open is refused).
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let before = std::fs::symlink_metadata(path)?;
    if !before.file_type().is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let file = std::fs::File::open(path)?;
    let opened = file.metadata()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (opened.dev(), opened.ino()) != (before.dev(), before.ino()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the file changed while it was opened",
            ));
        }
    }
    if !opened.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// A response's body: bytes in memory, a span of a file read as it is sent, or nothing.
enum Body {
    Bytes(Option<Bytes>),
    File { file: tokio::fs::File, left: u64 },
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Body::Bytes(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::File { file, left } => {
                if *left == 0 {
                    return Poll::Ready(None);
                }
                let mut buf = vec![0u8; (*left).min(64 * 1024) as usize];
                let mut read = tokio::io::ReadBuf::new(&mut buf);
                match tokio::io::AsyncRead::poll_read(Pin::new(file), cx, &mut read) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(())) => {
                        let n = read.filled().len();
                        if n == 0 {
                            // The file is shorter than it was: end here rather than wait.
                            return Poll::Ready(Some(Err(std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                "the file shrank while it was sent",
                            ))));
                        }
                        *left -= n as u64;
                        buf.truncate(n);
                        Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf)))))
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Bytes(b) => b.is_none(),
            Body::File { left, .. } => *left == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::File { left, .. } => SizeHint::with_exact(*left),
        }
    }
}

fn bytes_response(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let body: Bytes = body.into();
    let mut r = Response::new(Body::Bytes(Some(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("text/plain")),
    );
    r
}

fn text(status: StatusCode, message: &str) -> Response<Body> {
    bytes_response(
        status,
        "text/plain; charset=utf-8",
        Bytes::from(format!("{message}\n")),
    )
}

/// Answer one request.
async fn answer(req: Request<Incoming>, folder: Arc<PathBuf>) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = req.uri().path().to_owned();
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let folder2 = folder.clone();
    let routed = tokio::task::spawn_blocking(move || route(&path, &folder2)).await;
    let mut response = match routed {
        Ok(Route::Page(ctype, body)) => bytes_response(StatusCode::OK, ctype, body),
        Ok(Route::Cover(c)) => bytes_response(StatusCode::OK, &c.media_type, c.data),
        Ok(Route::Book(path, ctype)) => book(&path, ctype, range.as_deref()).await,
        Ok(Route::NotFound(what)) => text(StatusCode::NOT_FOUND, what),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "the server failed"),
    };
    if req.method() == Method::HEAD {
        // The same head, with the length the body would have, and no body.
        let len = hyper::body::Body::size_hint(response.body()).exact();
        if let Some(len) = len {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        *response.body_mut() = Body::Bytes(None);
    }
    response
}

enum Route {
    Page(&'static str, String),
    Cover(Cover),
    Book(PathBuf, &'static str),
    NotFound(&'static str),
}

/// What a path names: only `/`, `/opds`, and files the folder lists.
fn route(path: &str, folder: &Path) -> Route {
    if path == "/" || path == "/index.html" {
        return Route::Page("text/html; charset=utf-8", index(folder));
    }
    if path == "/opds" || path == "/opds/" {
        return Route::Page(OPDS, catalog(folder));
    }
    if let Some(name) = path.strip_prefix("/issues/").map(url_unescape) {
        let listed = list(folder)
            .into_iter()
            .find(|e| e.epub == name || e.kepub.as_deref() == Some(name.as_str()));
        return match listed {
            Some(e) if e.epub == name => Route::Book(folder.join(&e.epub), EPUB),
            Some(e) => Route::Book(folder.join(e.kepub.unwrap_or_default()), KEPUB),
            None => Route::NotFound("no such issue"),
        };
    }
    if let Some(name) = path.strip_prefix("/covers/").map(url_unescape) {
        return match list(folder).into_iter().find(|e| e.epub == name) {
            Some(e) => match cover_of(&folder.join(&e.epub)) {
                Some(c) => Route::Cover(c),
                None => Route::NotFound("no cover"),
            },
            None => Route::NotFound("no such issue"),
        };
    }
    Route::NotFound("not found")
}

/// A byte range asked for, within a file of `len` bytes: `Ok(None)` for the whole file,
/// `Err(())` when it cannot be satisfied.
fn byte_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        // Several ranges: the whole file is a correct answer.
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n = position(b)?;
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len.checked_sub(1).ok_or(())?)
    } else {
        let start = position(a)?;
        let end = if b.is_empty() {
            len.checked_sub(1).ok_or(())?
        } else {
            // A last position past the end, however large, means the end (RFC 9110 14.1.2).
            position(b)?.min(len.saturating_sub(1))
        };
        (start, end)
    };
    if start >= len || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// A byte position of a Range header: digits, however many (a number past what fits is as
/// good as the largest).
fn position(digits: &str) -> Result<u64, ()> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    Ok(digits.parse().unwrap_or(u64::MAX))
}

/// A book, whole or the range asked for, streamed from the disk.
async fn book(path: &Path, ctype: &'static str, range: Option<&str>) -> Response<Body> {
    let path = path.to_owned();
    let opened = tokio::task::spawn_blocking(move || open_regular(&path)).await;
    let Ok(Ok(file)) = opened else {
        return text(StatusCode::NOT_FOUND, "no such issue");
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(_) => return text(StatusCode::NOT_FOUND, "no such issue"),
    };
    let len = meta.len();
    let modified = meta.modified().ok().map(|t| {
        chrono::DateTime::<chrono::Utc>::from(t)
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string()
    });
    let mut file = tokio::fs::File::from_std(file);
    let (status, start, end) = match byte_range(range, len) {
        Ok(None) => (StatusCode::OK, 0, len.saturating_sub(1)),
        Ok(Some((s, e))) => (StatusCode::PARTIAL_CONTENT, s, e),
        Err(()) => {
            let mut r = text(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };
    if start > 0 {
        use tokio::io::AsyncSeekExt;
        if file.seek(std::io::SeekFrom::Start(start)).await.is_err() {
            return text(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the book");
        }
    }
    let left = if len == 0 { 0 } else { end - start + 1 };
    let mut r = Response::new(Body::File { file, left });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(left));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}"))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    if let Some(v) = modified.and_then(|m| HeaderValue::from_str(&m).ok()) {
        h.insert(header::LAST_MODIFIED, v);
    }
    r
}

/// The open connections, oldest first, so the oldest can be closed to make room.
#[derive(Default)]
struct Open {
    next: u64,
    tasks: BTreeMap<u64, tokio::task::AbortHandle>,
}

/// Serve `folder` on `listener` until the process ends.
pub fn serve(listener: std::net::TcpListener, folder: PathBuf) -> std::io::Result<()> {
    serve_with(listener, folder, Limits::default())
}

/// [`serve`] with other limits.
pub fn serve_with(
    listener: std::net::TcpListener,
    folder: PathBuf,
    limits: Limits,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(limits.workers.max(1))
        .max_blocking_threads(limits.readers.max(1))
        .thread_name("inkquire-serve")
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(accept(listener, Arc::new(folder), limits))
}

async fn accept(
    listener: std::net::TcpListener,
    folder: Arc<PathBuf>,
    limits: Limits,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let open = Arc::new(Mutex::new(Open::default()));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.idle)
        .max_buf_size(limits.head_bytes.max(8192))
        .keep_alive(true);
    let http = Arc::new(http);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or a connection gone before it was taken: wait a
                // moment rather than spin, and go on.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // The table is held while the connection's task is started and entered, so a task that
        // ends at once still finds itself there to leave.
        let mut o = open.lock().expect("connections");
        while o.tasks.len() >= limits.connections.max(1) {
            match o.tasks.pop_first() {
                Some((_, oldest)) => oldest.abort(),
                None => break,
            }
        }
        o.next += 1;
        let id = o.next;
        let (folder, http, open2) = (folder.clone(), http.clone(), open.clone());
        let task = tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let folder = folder.clone();
                async move { Ok::<_, std::convert::Infallible>(answer(req, folder).await) }
            });
            let _ = http
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            open2.lock().expect("connections").tasks.remove(&id);
        });
        o.tasks.insert(id, task.abort_handle());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let n = "Morning Digest-2026-11-28-No1.epub";
        assert_eq!(url_unescape(&url_escape(n)), n);
        assert_eq!(url_unescape("a%2Fb"), "a/b");
        assert_eq!(url_unescape("%2e%2e"), "..");
        assert_eq!(url_unescape("50%"), "50%");
        assert_eq!(url_unescape("%4"), "%4");
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(byte_range(Some("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=50-500"), 100), Ok(Some((50, 99))));
        assert_eq!(byte_range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(byte_range(Some("bytes=9-3"), 100), Err(()));
        assert_eq!(byte_range(Some("bytes=x-3"), 100), Err(()));
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(byte_range(Some("pages=1-2"), 100), Ok(None));
        // A last position past anything a number holds is the end (RFC 9110).
        assert_eq!(
            byte_range(Some("bytes=0-18446744073709551616"), 100),
            Ok(Some((0, 99)))
        );
        assert_eq!(
            byte_range(Some("bytes=-99999999999999999999999"), 100),
            Ok(Some((0, 99)))
        );
        assert_eq!(
            byte_range(Some("bytes=99999999999999999999-"), 100),
            Err(())
        );
        assert_eq!(byte_range(Some("bytes=+5-9"), 100), Err(()));
    }
}
