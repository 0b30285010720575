//! `inkquire serve` driven from the binary over raw TCP: the pages, the books (whole, in ranges,
//! by HEAD), the cover's type, path tricks and symlinks, and what a crowd of idle or hostile
//! clients costs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::digest::examples_copy;
use crate::util::*;

/// A running `inkquire serve`, stopped when dropped.
struct Served {
    child: Child,
    addr: String,
    /// Its stdout, kept open while it runs.
    _out: BufReader<std::process::ChildStdout>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(folder: &Path) -> Served {
        let mut child = crate::util::command()
            .args(["serve", "--folder", folder.to_str().unwrap(), "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("an address on the first line: {line}"))
            .to_owned();
        Served {
            child,
            addr,
            _out: out,
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Send `request` as it is and read the answer to the end (the request asks to close).
    fn raw(&self, request: &[u8]) -> Answer {
        let mut s = self.connect();
        s.write_all(request).unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        Answer::parse(&bytes)
    }

    fn get(&self, path: &str, extra: &str) -> Answer {
        self.raw(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    /// A line from /proc/<pid>/status, as a number (`Threads`, `VmRSS` in kB).
    fn status(&self, key: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        s.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in /proc status"))
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn parse(bytes: &[u8]) -> Answer {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("a whole head: {:?}", String::from_utf8_lossy(bytes)));
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Answer {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An output folder holding one issue made by `digest` from the examples, with a JPEG cover of
/// the user's own and a KEPUB beside the book.
fn shelf(dir: &Dir) -> PathBuf {
    let cfg = examples_copy(dir);
    let mut photo = image::RgbImage::new(600, 800);
    for (x, y, p) in photo.enumerate_pixels_mut() {
        *p = image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]);
    }
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(photo)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    dir.write("examples/cover.jpg", &jpeg);
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "[issue]\n",
        "[issue]\ncover = \"cover.jpg\"\nformat = \"kepub\"\nprofile = \"tablet\"\n",
    );
    let text = text.replace("profile = \"generic-eink\"\n", "");
    std::fs::write(&cfg, text).unwrap();
    let o = inkquire(&["digest", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir.path("issues")
}

fn book_name(folder: &Path) -> String {
    std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".epub") && !n.ends_with(".kepub.epub"))
        .expect("a book")
}

#[test]
fn the_html_index_lists_each_issue_and_books_are_served_whole_in_ranges_and_by_head() {
    let dir = Dir::new();
    let folder = shelf(&dir);
    let name = book_name(&folder);
    let book = std::fs::read(folder.join(&name)).unwrap();
    let served = Served::start(&folder);

    // The page for a browser: each issue by title, number and date, with its links.
    let page = served.get("/", "");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    let today = chrono::Local::now().date_naive().to_string();
    assert!(html.contains("Example Gazette — No. 1"), "{html}");
    assert!(
        html.contains(&format!("<time datetime=\"{today}\">")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/issues/{}\"", name.replace(' ', "%20"))),
        "{html}"
    );
    assert!(html.contains(".kepub.epub\">KEPUB for Kobo</a>"), "{html}");
    assert_eq!(
        page.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );

    // The whole book, byte for byte.
    let whole = served.get(&format!("/issues/{name}"), "");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("content-type"), Some("application/epub+zip"));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(whole.body, book);

    // A download resumed: 206 with the bytes asked for.
    let part = served.get(&format!("/issues/{name}"), "Range: bytes=100-1099\r\n");
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 100-1099/{}", book.len()).as_str())
    );
    assert_eq!(part.body, book[100..1100]);
    let tail = served.get(&format!("/issues/{name}"), "Range: bytes=-10\r\n");
    assert_eq!(
        (tail.status, tail.body.as_slice()),
        (206, &book[book.len() - 10..])
    );
    let beyond = served.get(
        &format!("/issues/{name}"),
        &format!("Range: bytes={}-\r\n", book.len()),
    );
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{}", book.len()).as_str())
    );
    // A last position past any number is the end (RFC 9110): the whole rest, not a 416.
    let huge = served.get(
        &format!("/issues/{name}"),
        "Range: bytes=0-18446744073709551616\r\n",
    );
    assert_eq!(huge.status, 206);
    assert_eq!(
        huge.header("content-range"),
        Some(format!("bytes 0-{}/{}", book.len() - 1, book.len()).as_str())
    );
    assert_eq!(huge.body, book);

    // HEAD: the same head, the book's length, no body.
    let head = served.raw(
        format!("HEAD /issues/{name} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(book.len().to_string().as_str())
    );
    assert!(head.body.is_empty(), "HEAD sends no body");

    // The KEPUB goes out with the type the catalog announces for it.
    let feed = served.get("/opds", "").text();
    let doc = roxmltree::Document::parse(&feed).expect("the catalog is XML");
    let kepub = doc
        .descendants()
        .find(|n| n.has_tag_name("link") && n.attribute("title") == Some("KEPUB"))
        .expect("a KEPUB link");
    let got = served.get(kepub.attribute("href").unwrap(), "");
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), kepub.attribute("type"));
    assert_eq!(got.header("content-type"), Some("application/kepub+zip"));

    // Another method: 405, with Allow and a body as long as it says.
    let post = served
        .raw(b"POST /opds HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_eq!(
        post.header("content-length"),
        Some(post.body.len().to_string().as_str())
    );
    assert!(!post.body.is_empty());
}

#[test]
fn a_jpeg_cover_is_found_through_the_opf_and_served_as_jpeg() {
    let dir = Dir::new();
    let folder = shelf(&dir);
    let served = Served::start(&folder);
    let feed = served.get("/opds", "").text();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let thumb = doc
        .descendants()
        .find(|n| n.attribute("rel") == Some("http://opds-spec.org/image/thumbnail"))
        .expect("a thumbnail link");
    assert_eq!(thumb.attribute("type"), Some("image/jpeg"));
    let cover = served.get(thumb.attribute("href").unwrap(), "");
    assert_eq!(cover.status, 200);
    assert_eq!(cover.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        image::guess_format(&cover.body).unwrap(),
        image::ImageFormat::Jpeg
    );
    // The same bytes the book holds as its cover.
    let book = Book::open(&folder.join(book_name(&folder)));
    let (name, data) = book
        .files
        .iter()
        .find(|(n, _)| n.starts_with("OEBPS/images/cover."))
        .expect("a cover in the book");
    assert_eq!(name, "OEBPS/images/cover.jpg");
    assert_eq!(data, &cover.body);
}

#[cfg(unix)]
#[test]
fn path_tricks_and_symlinks_reach_nothing_outside_the_listed_files() {
    let dir = Dir::new();
    let folder = shelf(&dir);
    dir.write("secret.txt", "TOP-SECRET-OUTSIDE");
    dir.write("issues/ledger-notes.txt", "NOT-A-BOOK");
    std::os::unix::fs::symlink(dir.path("secret.txt"), folder.join("Linked-No9.epub")).unwrap();
    let served = Served::start(&folder);
    for path in [
        "/issues/../secret.txt",
        "/issues/..%2Fsecret.txt",
        "/issues/%2e%2e/secret.txt",
        "/issues/%2e%2e%2fsecret.txt",
        "/issues/..\\secret.txt",
        "/issues/..%5Csecret.txt",
        "/issues/%2Fetc%2Fpasswd",
        "/issues/ledger-notes.txt",
        "/issues/ledger.db",
        "/issues/Linked-No9.epub",
        "/covers/Linked-No9.epub",
        "/covers/..%2Fsecret.txt",
        "/../secret.txt",
        "/secret.txt",
    ] {
        let a = served.get(path, "");
        assert_eq!(a.status, 404, "{path}");
        assert!(!a.text().contains("TOP-SECRET"), "{path}");
        assert!(!a.text().contains("NOT-A-BOOK"), "{path}");
    }
    // A symlink is neither listed nor served.
    assert!(!served.get("/opds", "").text().contains("Linked-No9"));
    assert!(!served.get("/", "").text().contains("Linked-No9"));
}

#[test]
fn over_long_request_lines_are_refused_and_the_connection_closed_with_memory_flat() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("issues")).unwrap();
    let served = Served::start(&dir.path("issues"));
    // A request line over the head limit: refused, and the connection closed.
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
    let mut s = served.connect();
    let _ = s.write_all(long.as_bytes());
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let a = Answer::parse(&bytes);
    assert!(matches!(a.status, 431 | 414), "{}", a.status);
    assert_eq!(
        a.header("content-length").unwrap_or("0"),
        a.body.len().to_string()
    );

    // 64 MiB of request line: the server stops reading at its limit and closes; what it holds
    // stays flat.
    let before = served.status("VmRSS");
    let mut s = served.connect();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0usize;
    for _ in 0..64 {
        match s.write_all(&chunk) {
            Ok(()) => sent += chunk.len(),
            // Closed by the server part-way: what it should do.
            Err(_) => break,
        }
    }
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    let after = served.status("VmRSS");
    assert!(
        after < before + 8 * 1024,
        "the server's memory grew from {before} kB to {after} kB over a {sent}-byte request line"
    );
    // And it still answers.
    assert_eq!(served.get("/opds", "").status, 200);
}

#[test]
fn three_hundred_idle_connections_cost_no_threads_and_a_new_client_is_answered_at_once() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("issues")).unwrap();
    let served = Served::start(&dir.path("issues"));
    let threads_before = served.status("Threads");
    let mut idle = Vec::new();
    for i in 0..300 {
        let mut s = served.connect();
        // Half say nothing at all; half begin a request and stop.
        if i % 2 == 0 {
            s.write_all(b"GET /opds HTTP/1.1\r\nHost: x\r\n").unwrap();
        }
        idle.push(s);
    }
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let a = served.get("/opds", "");
    let took = started.elapsed();
    assert_eq!(a.status, 200);
    assert!(
        took < Duration::from_secs(1),
        "a new client waited {took:?} behind 300 idle ones"
    );
    let threads = served.status("Threads");
    assert!(
        threads <= 16,
        "{threads} threads for 300 idle connections (started with {threads_before})"
    );
    // They are all still open: none was dropped to make room.
    let mut open = 0;
    for s in &mut idle {
        s.set_nonblocking(true).unwrap();
        let mut b = [0u8; 1];
        match s.read(&mut b) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => open += 1,
            _ => {}
        }
    }
    assert_eq!(open, 300, "every idle connection is held");
}
