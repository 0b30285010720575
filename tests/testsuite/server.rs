//! A small HTTP server on 127.0.0.1 for tests: fixed routes, ETags with 304s, delays, and a log
//! of every request. Nothing here touches the internet.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Send this ETag and answer 304 to a matching If-None-Match.
    pub etag: Option<String>,
    pub location: Option<String>,
    /// Answer 503 to this many requests before answering as above.
    pub fail_first: usize,
    /// `body` is gzip data: sent as it is with `Content-Encoding: gzip` when asked for gzip,
    /// else decompressed.
    pub gzip: bool,
    /// Sent as a `Set-Cookie` header.
    pub set_cookie: Option<String>,
    /// A request whose header (name in lower case) does not hold this text gets the other answer.
    pub needs: Option<(String, String, Box<Resp>)>,
}

impl Resp {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Resp {
        let body = body.into();
        Resp {
            status: 200,
            content_type: content_type.to_owned(),
            etag: Some(format!(
                "\"{:x}\"",
                body.len() * 31 + body.first().copied().unwrap_or(0) as usize
            )),
            body,
            ..Default::default()
        }
    }

    pub fn status(code: u16) -> Resp {
        Resp {
            status: code,
            content_type: "text/html".into(),
            body: format!("<h1>{code}</h1>").into_bytes(),
            ..Default::default()
        }
    }
}

/// A request's headers, names in lower case.
type Headers = HashMap<String, String>;

#[derive(Clone)]
pub struct TestServer {
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Resp>>>,
    log: Arc<Mutex<Vec<String>>>,
    /// Each request's path and Accept-Encoding ("" when there was none).
    encodings: Arc<Mutex<Vec<(String, String)>>>,
    /// Each request's path and headers (names in lower case).
    headers: Arc<Mutex<Vec<(String, Headers)>>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let server = TestServer {
            port,
            routes: Arc::new(Mutex::new(HashMap::new())),
            log: Arc::new(Mutex::new(Vec::new())),
            encodings: Arc::new(Mutex::new(Vec::new())),
            headers: Arc::new(Mutex::new(Vec::new())),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = s.handle(stream);
                });
            }
        });
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn route(&self, path: &str, resp: Resp) {
        self.routes.lock().unwrap().insert(path.to_owned(), resp);
    }

    /// Requests so far, as "GET /path 200".
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The Accept-Encoding each request for `path` said ("" when it had none).
    pub fn accept_encodings(&self, path: &str) -> Vec<String> {
        let all = self.encodings.lock().unwrap();
        all.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// The headers of each request for `path`, in order.
    pub fn headers_of(&self, path: &str) -> Vec<HashMap<String, String>> {
        let all = self.headers.lock().unwrap();
        all.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, h)| h.clone())
            .collect()
    }

    /// How many requests for `path` got a full (200) answer.
    pub fn downloads(&self, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.starts_with(&format!("GET {path} ")) && r.ends_with(" 200"))
            .count()
    }

    fn handle(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("/").to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let path = target.split('?').next().unwrap_or("/").to_owned();
        let resp = {
            let mut routes = self.routes.lock().unwrap();
            match routes.get_mut(&path) {
                Some(r) if r.fail_first > 0 => {
                    r.fail_first -= 1;
                    Resp::status(503)
                }
                Some(r) => r.clone(),
                None => Resp::status(404),
            }
        };
        let resp = match &resp.needs {
            Some((name, text, other))
                if !headers.get(name).is_some_and(|v| v.contains(text.as_str())) =>
            {
                (**other).clone()
            }
            _ => resp,
        };
        self.headers
            .lock()
            .unwrap()
            .push((path.clone(), headers.clone()));
        std::thread::sleep(resp.delay);
        let not_modified =
            resp.etag.is_some() && headers.get("if-none-match") == resp.etag.as_ref();
        let status = if not_modified { 304 } else { resp.status };
        self.log
            .lock()
            .unwrap()
            .push(format!("{method} {path} {status}"));
        self.encodings.lock().unwrap().push((
            path.clone(),
            headers.get("accept-encoding").cloned().unwrap_or_default(),
        ));
        let mut out = stream;
        let mut head = format!(
            "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Type: {}\r\n",
            resp.content_type
        );
        if let Some(e) = &resp.etag {
            head.push_str(&format!("ETag: {e}\r\n"));
        }
        if let Some(l) = &resp.location {
            head.push_str(&format!("Location: {l}\r\n"));
        }
        if let Some(c) = &resp.set_cookie {
            head.push_str(&format!("Set-Cookie: {c}\r\n"));
        }
        let mut whole = resp.body.clone();
        if resp.gzip {
            if headers
                .get("accept-encoding")
                .is_some_and(|e| e.contains("gzip"))
            {
                head.push_str("Content-Encoding: gzip\r\n");
            } else {
                whole.clear();
                flate2::read::GzDecoder::new(&resp.body[..]).read_to_end(&mut whole)?;
            }
        }
        let body: &[u8] = if not_modified || method == "HEAD" {
            b""
        } else {
            &whole
        };
        head.push_str(&format!(
            "Content-Length: {}\r\n\r\n",
            if not_modified { 0 } else { whole.len() }
        ));
        out.write_all(head.as_bytes())?;
        out.write_all(body)?;
        out.flush()
    }
}
