//! Cookies for a source that needs the reader's login: the Netscape/Mozilla `cookies.txt` that
//! browser extensions and curl write (one cookie a line, seven fields split by tabs: domain,
//! whether subdomains match, path, secure, expiry in Unix seconds, name, value; a line starting
//! `#HttpOnly_` is a cookie, other `#` lines are comments), and the cookies servers set during a
//! run (`Set-Cookie`), kept for that run. Which cookies go with a request follows RFC 6265:
//! domain and path match, `Secure` only over https, expired ones never.

use std::path::Path;
use std::sync::Mutex;

/// One cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// The host or domain, lower case, without a leading dot.
    pub domain: String,
    /// Hosts under `domain` match too.
    pub subdomains: bool,
    pub path: String,
    pub secure: bool,
    /// Unix seconds; `None` for a session cookie.
    pub expires: Option<i64>,
    pub name: String,
    pub value: String,
}

impl Cookie {
    fn domain_matches(&self, host: &str) -> bool {
        host == self.domain
            || (self.subdomains
                && host.len() > self.domain.len()
                && host.ends_with(&self.domain)
                && host.as_bytes()[host.len() - self.domain.len() - 1] == b'.')
    }

    fn path_matches(&self, path: &str) -> bool {
        path == self.path
            || (path.starts_with(&self.path)
                && (self.path.ends_with('/') || path[self.path.len()..].starts_with('/')))
    }

    fn expired(&self, now: i64) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }
}

/// What reading a cookies file found.
#[derive(Debug, Default)]
pub struct CookiesFile {
    pub cookies: Vec<Cookie>,
    /// Names (`name` for `domain`) of cookies whose time is past: left out, named in a warning.
    pub expired: Vec<String>,
    /// Lines that are no cookie (by number).
    pub bad_lines: Vec<usize>,
}

/// A cookies file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CookiesError {
    #[error("the cookies file {path} cannot be read: {source}")]
    Unreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the cookies file {path} holds no cookie in the cookies.txt format")]
    Empty { path: std::path::PathBuf },
}

/// Read a cookies.txt file (`now`: Unix seconds, to leave the expired out).
pub fn read_file(path: &Path, now: i64) -> Result<CookiesFile, CookiesError> {
    let bytes = std::fs::read(path).map_err(|source| CookiesError::Unreadable {
        path: path.to_owned(),
        source,
    })?;
    let read = parse(&String::from_utf8_lossy(&bytes), now);
    if read.cookies.is_empty() && read.expired.is_empty() {
        return Err(CookiesError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(read)
}

/// Parse the text of a cookies.txt file.
pub fn parse(text: &str, now: i64) -> CookiesFile {
    let mut out = CookiesFile::default();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let line = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => rest,
            None if line.trim().is_empty() || line.starts_with('#') => continue,
            None => line,
        };
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 7 {
            out.bad_lines.push(i + 1);
            continue;
        }
        let domain = f[0].trim().trim_start_matches('.').to_ascii_lowercase();
        let expires = match f[4].trim().parse::<f64>() {
            Ok(e) if e > 0.0 => Some(e as i64),
            Ok(_) => None,
            Err(_) => {
                out.bad_lines.push(i + 1);
                continue;
            }
        };
        if domain.is_empty() || f[5].is_empty() || !valid_value(f[5]) || !valid_value(f[6]) {
            out.bad_lines.push(i + 1);
            continue;
        }
        let cookie = Cookie {
            subdomains: f[1].eq_ignore_ascii_case("TRUE") || f[0].starts_with('.'),
            domain,
            path: if f[2].starts_with('/') {
                f[2].to_owned()
            } else {
                "/".to_owned()
            },
            secure: f[3].eq_ignore_ascii_case("TRUE"),
            expires,
            name: f[5].to_owned(),
            value: f[6].to_owned(),
        };
        if cookie.expired(now) {
            out.expired
                .push(format!("{} for {}", cookie.name, cookie.domain));
        } else {
            out.cookies.push(cookie);
        }
    }
    out
}

/// A name or value that can go into a `Cookie` header as it is.
fn valid_value(s: &str) -> bool {
    !s.bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == b';' || b == b'\r' || b == b'\n')
}

/// The cookies of one source for one run: its file's, and what its servers set since.
#[derive(Debug, Default)]
pub struct Jar {
    cookies: Mutex<Vec<Cookie>>,
}

impl Jar {
    pub fn new(cookies: Vec<Cookie>) -> Jar {
        Jar {
            cookies: Mutex::new(cookies),
        }
    }

    /// How many cookies would go to `url` now.
    pub fn count_for(&self, url: &str, now: i64) -> usize {
        self.matching(url, now).len()
    }

    fn matching(&self, url: &str, now: i64) -> Vec<Cookie> {
        let Ok(u) = url::Url::parse(url) else {
            return vec![];
        };
        let Some(host) = u.host_str().map(str::to_ascii_lowercase) else {
            return vec![];
        };
        let https = u.scheme() == "https";
        let Ok(list) = self.cookies.lock() else {
            return vec![];
        };
        let mut found: Vec<Cookie> = list
            .iter()
            .filter(|c| {
                c.domain_matches(&host)
                    && c.path_matches(u.path())
                    && (!c.secure || https)
                    && !c.expired(now)
            })
            .cloned()
            .collect();
        // Longer paths first (RFC 6265 5.4).
        found.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        found
    }

    /// The `Cookie` header for a request to `url`, if any cookie goes with it.
    pub fn header_for(&self, url: &str, now: i64) -> Option<String> {
        let found = self.matching(url, now);
        (!found.is_empty()).then(|| {
            found
                .iter()
                .map(|c| format!("{}={}", c.name, c.value))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Keep what a `Set-Cookie` header from `url` says, for the rest of the run. A cookie for
    /// another site than the one that set it is refused, as browsers refuse it.
    pub fn set_from(&self, url: &str, header: &str, now: i64) {
        let Ok(u) = url::Url::parse(url) else { return };
        let Some(host) = u.host_str().map(str::to_ascii_lowercase) else {
            return;
        };
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|nv| nv.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim(), value.trim().trim_matches('"'));
        if name.is_empty() || !valid_value(name) || !valid_value(value) {
            return;
        }
        let mut cookie = Cookie {
            domain: host.clone(),
            subdomains: false,
            path: default_path(u.path()),
            secure: false,
            expires: None,
            name: name.to_owned(),
            value: value.to_owned(),
        };
        for attr in parts {
            let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "domain" if !v.is_empty() => {
                    let d = v.trim_start_matches('.').to_ascii_lowercase();
                    // Only the host itself or a domain above it, never a bare top-level name.
                    let ok = (host == d || host.ends_with(&format!(".{d}"))) && d.contains('.');
                    if !ok {
                        return;
                    }
                    cookie.domain = d;
                    cookie.subdomains = true;
                }
                "path" if v.starts_with('/') => cookie.path = v.to_owned(),
                "secure" => cookie.secure = true,
                "max-age" => {
                    if let Ok(s) = v.parse::<i64>() {
                        cookie.expires = Some(now.saturating_add(s));
                    }
                }
                "expires" if cookie.expires.is_none() => {
                    if let Ok(t) = chrono::DateTime::parse_from_rfc2822(&v.replace('-', " ")) {
                        cookie.expires = Some(t.timestamp());
                    }
                }
                _ => {}
            }
        }
        let Ok(mut list) = self.cookies.lock() else {
            return;
        };
        list.retain(|c| {
            !(c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path)
        });
        if !cookie.expired(now) {
            list.push(cookie);
        }
    }
}

/// The default path of a cookie set by a page at `path` (RFC 6265 5.1.4).
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn the_cookies_txt_format_as_extensions_and_curl_write_it() {
        let text = "# Netscape HTTP Cookie File\n\
            # a comment\n\
            .example.com\tTRUE\t/\tTRUE\t1900000000\tsession\tabc123\n\
            #HttpOnly_www.example.com\tFALSE\t/news\tFALSE\t0\tlogin\tyes\n\
            old.example.com\tFALSE\t/\tFALSE\t1000\tstale\tx\n\
            not a cookie line\n\
            example.org\tFALSE\t/\tFALSE\tsoon\tbad\tx\n";
        let f = parse(text, NOW);
        assert_eq!(f.cookies.len(), 2, "{f:?}");
        assert_eq!(f.cookies[1].name, "login");
        assert_eq!(f.cookies[1].expires, None);
        assert_eq!(f.expired, ["stale for old.example.com"]);
        assert_eq!(f.bad_lines, [6, 7]);
        let jar = Jar::new(f.cookies);
        assert_eq!(
            jar.header_for("https://www.example.com/news/a", NOW)
                .as_deref(),
            Some("login=yes; session=abc123")
        );
        // Secure only over https; the path must match; another site gets nothing.
        assert_eq!(
            jar.header_for("http://www.example.com/news/a", NOW)
                .as_deref(),
            Some("login=yes")
        );
        assert_eq!(
            jar.header_for("https://www.example.com/newsletter", NOW)
                .as_deref(),
            Some("session=abc123")
        );
        assert_eq!(jar.header_for("https://example.org/", NOW), None);
        assert_eq!(jar.header_for("https://notexample.com/", NOW), None);
    }

    #[test]
    fn cookies_set_during_a_run_are_kept_for_their_site_only() {
        let jar = Jar::default();
        jar.set_from(
            "https://a.example.com/login/form",
            "sid=1; Path=/; HttpOnly",
            NOW,
        );
        jar.set_from(
            "https://a.example.com/x",
            "wide=2; Domain=.example.com",
            NOW,
        );
        jar.set_from("https://a.example.com/x", "evil=3; Domain=other.com", NOW);
        jar.set_from("https://a.example.com/x", "tld=4; Domain=com", NOW);
        jar.set_from("https://a.example.com/x", "gone=5; Max-Age=0", NOW);
        assert_eq!(
            jar.header_for("https://a.example.com/story", NOW)
                .as_deref(),
            Some("sid=1; wide=2")
        );
        assert_eq!(
            jar.header_for("https://b.example.com/", NOW).as_deref(),
            Some("wide=2")
        );
        assert_eq!(jar.header_for("https://other.com/", NOW), None);
        // A later value replaces the earlier.
        jar.set_from("https://a.example.com/", "sid=9; Path=/", NOW);
        assert_eq!(jar.count_for("https://a.example.com/", NOW), 2);
        assert!(
            jar.header_for("https://a.example.com/", NOW)
                .unwrap()
                .contains("sid=9")
        );
    }
}
