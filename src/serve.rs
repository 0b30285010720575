//! `inkquire serve`: an OPDS 1.2 catalog of the issues in the output folder, for KOReader and
//! other readers that browse a catalog over Wi-Fi.
//!
//! A deliberately small HTTP/1.1 server on std (a thread per connection, `Connection: close`):
//! `GET /opds` is an Atom acquisition feed, newest issue first; `GET /issues/<file>` serves a book;
//! `GET /covers/<file>` serves its cover, read from inside the book. It binds 127.0.0.1 unless
//! told otherwise, and serves only files it listed (no paths from the request reach the disk).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::formatter::tree::{esc, esc_attr};

/// One issue in the folder: the EPUB and, when present, its KEPUB and report.
#[derive(Debug, Clone)]
struct Entry {
    epub: String,
    kepub: Option<String>,
    title: String,
    date: String,
    summary: String,
    modified: String,
}

fn list(folder: &Path) -> Vec<Entry> {
    let names: Vec<String> = std::fs::read_dir(folder)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<(std::time::SystemTime, Entry)> = Vec::new();
    for n in &names {
        if !n.ends_with(".epub") || n.ends_with(".kepub.epub") || n.starts_with('.') {
            continue;
        }
        let stem = n.trim_end_matches(".epub");
        let kepub = format!("{stem}.kepub.epub");
        let report: Option<serde_json::Value> =
            std::fs::read_to_string(folder.join(format!("{stem}.report.json")))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
        let mtime = std::fs::metadata(folder.join(n))
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        let title = report
            .as_ref()
            .and_then(|r| Some(format!("{} — No. {}", r["title"].as_str()?, r["issue"])))
            .unwrap_or_else(|| stem.replace('-', " "));
        let summary = report
            .as_ref()
            .and_then(|r| {
                r["articles"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str())
                        .take(6)
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
            })
            .unwrap_or_default();
        let date = report
            .as_ref()
            .and_then(|r| r["date"].as_str().map(str::to_owned))
            .unwrap_or_default();
        out.push((
            mtime,
            Entry {
                epub: n.clone(),
                kepub: names.contains(&kepub).then_some(kepub),
                title,
                date,
                summary,
                modified: chrono::DateTime::<chrono::Utc>::from(mtime).to_rfc3339(),
            },
        ));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.epub.cmp(&a.1.epub)));
    out.into_iter().map(|(_, e)| e).collect()
}

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
<link rel="self" href="/opds" type="application/atom+xml;profile=opds-catalog;kind=acquisition"/>
<link rel="start" href="/opds" type="application/atom+xml;profile=opds-catalog;kind=acquisition"/>
"#
    );
    for e in &entries {
        let href = |f: &str| format!("/issues/{}", url_escape(f));
        s.push_str(&format!(
            "<entry>\n<id>urn:inkquire:issue:{}</id>\n<title>{}</title>\n<updated>{}</updated>\n<dc:issued>{}</dc:issued>\n<summary>{}</summary>\n",
            esc(&e.epub),
            esc(&e.title),
            esc(&e.modified),
            esc(&e.date),
            esc(&e.summary)
        ));
        s.push_str(&format!(
            "<link rel=\"http://opds-spec.org/image\" href=\"/covers/{0}\" type=\"image/png\"/>\n<link rel=\"http://opds-spec.org/image/thumbnail\" href=\"/covers/{0}\" type=\"image/png\"/>\n",
            esc_attr(&url_escape(&e.epub))
        ));
        s.push_str(&format!(
            "<link rel=\"http://opds-spec.org/acquisition\" href=\"{}\" type=\"application/epub+zip\" title=\"EPUB\"/>\n",
            esc_attr(&href(&e.epub))
        ));
        if let Some(k) = &e.kepub {
            s.push_str(&format!(
                "<link rel=\"http://opds-spec.org/acquisition\" href=\"{}\" type=\"application/kepub+zip\" title=\"KEPUB\"/>\n",
                esc_attr(&href(k))
            ));
        }
        s.push_str("</entry>\n");
    }
    s.push_str("</feed>\n");
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

/// Serve `folder` on `listener` until the process ends.
pub fn serve(listener: TcpListener, folder: PathBuf) -> std::io::Result<()> {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let folder = folder.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &folder);
        });
    }
    Ok(())
}

fn handle(stream: TcpStream, folder: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let path = parts
        .next()
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_owned();
    let (status, ctype, body): (&str, &str, Vec<u8>) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n".to_vec(),
        )
    } else if path == "/" || path == "/opds" {
        (
            "200 OK",
            "application/atom+xml;profile=opds-catalog;kind=acquisition",
            catalog(folder).into_bytes(),
        )
    } else if let Some(name) = path.strip_prefix("/issues/").map(url_unescape) {
        let listed = list(folder)
            .iter()
            .any(|e| e.epub == name || e.kepub.as_deref() == Some(name.as_str()));
        match listed.then(|| std::fs::read(folder.join(&name))) {
            Some(Ok(b)) => ("200 OK", "application/epub+zip", b),
            _ => ("404 Not Found", "text/plain", b"no such issue\n".to_vec()),
        }
    } else if let Some(name) = path.strip_prefix("/covers/").map(url_unescape) {
        match list(folder)
            .iter()
            .any(|e| e.epub == name)
            .then(|| cover_of(&folder.join(&name)))
            .flatten()
        {
            Some((b, t)) => ("200 OK", t, b),
            None => ("404 Not Found", "text/plain", b"no cover\n".to_vec()),
        }
    } else {
        ("404 Not Found", "text/plain", b"not found\n".to_vec())
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method == "GET" {
        out.write_all(&body)?;
    }
    out.flush()
}

/// The cover picture inside a book.
fn cover_of(epub: &Path) -> Option<(Vec<u8>, &'static str)> {
    let f = std::fs::File::open(epub).ok()?;
    let mut zip = zip::ZipArchive::new(f).ok()?;
    for name in ["OEBPS/images/cover.png", "OEBPS/images/cover.jpg"] {
        if let Ok(mut e) = zip.by_name(name) {
            let mut b = Vec::new();
            e.read_to_end(&mut b).ok()?;
            return Some((
                b,
                if name.ends_with(".png") {
                    "image/png"
                } else {
                    "image/jpeg"
                },
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let n = "Morning Digest-2026-11-28-No1.epub";
        assert_eq!(url_unescape(&url_escape(n)), n);
        assert_eq!(url_unescape("a%2Fb"), "a/b");
    }
}
