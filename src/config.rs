//! The config file (TOML): where the ledger is, what the issue looks like, which sources to read.
//!
//! Found at `--config`, else `$INKQUIRE_CONFIG`, else `<XDG config dir>/inkquire/config.toml`.
//! Keys are kebab-case; an unknown key is an error that names it (a typo never passes silently).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fetch::FetchOptions;
use crate::model::{BookFormat, GroupBy};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// The article ledger (SQLite). Default: `<XDG data dir>/inkquire/ledger.db`.
    pub store: Option<PathBuf>,
    #[serde(default)]
    pub issue: IssueConfig,
    #[serde(default)]
    pub fetch: FetchOptions,
    #[serde(default)]
    pub input: InputConfig,
    /// Articles never wanted, or the only ones wanted, for every source.
    #[serde(default)]
    pub filters: FiltersConfig,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// Keyword rules: an article whose title or text mentions a keyword gets the topic.
    #[serde(default)]
    pub topics: BTreeMap<String, TopicRule>,
    /// Where `digest` delivers each issue.
    #[serde(default, rename = "deliver")]
    pub deliveries: Vec<Delivery>,
    /// The mail server for `kind = "email"` deliveries.
    pub smtp: Option<SmtpConfig>,
    /// Where this config was read from (not a key in the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// One `[[deliver]]` entry of the config.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", deny_unknown_fields)]
pub enum Delivery {
    /// Copy into a folder.
    Folder { path: PathBuf },
    /// Find a mounted Kindle, Kobo or PocketBook (under `path`, else /media, /run/media,
    /// /Volumes) and copy into its books folder: the KEPUB for a Kobo.
    Device { path: Option<PathBuf> },
    /// Send as an attachment through the `[smtp]` server.
    Email { to: String },
}

/// How to reach the `[smtp]` server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption (a local relay only).
    None,
}

/// The config's `[smtp]` table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// The sender; for Send to Kindle it must be on the account's approved list.
    pub from: String,
    /// Log in as this user; without it no AUTH is attempted.
    pub username: Option<String>,
    /// Read the password from this environment variable.
    pub password_env: Option<String>,
    /// Or run this command (through `sh -c`) and use the first line of its output.
    pub password_command: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct IssueConfig {
    pub title: String,
    /// `last-issue`, a duration (`24h`, `3d`), a date, or `all`.
    pub since: Option<String>,
    pub group_by: GroupBy,
    /// Folder that issues are written to (named from title and date).
    pub output: Option<PathBuf>,
    /// A built-in theme name or a CSS file.
    pub style: Option<String>,
    /// Most articles in one issue.
    pub limit: Option<usize>,
    /// Device profile (see `inkquire profiles`).
    pub profile: Option<String>,
    /// `epub` or `kepub`.
    pub format: BookFormat,
    /// Largest book, e.g. "50MB" (Send to Kindle's limit).
    pub max_size: Option<String>,
    /// JPEG quality for pictures, 1–100.
    pub image_quality: Option<u8>,
    /// Your own cover picture instead of the drawn front page.
    pub cover: Option<PathBuf>,
    /// Keep this many issues in the output folder; `digest` removes older ones.
    pub keep: Option<usize>,
    /// Which copy of a story that ran in several sources the issue keeps: `fullest` (the one
    /// with the most words) or `config-order` (the one from the source listed first).
    pub prefer: crate::dedupe::Prefer,
    /// A delivered article whose text later grows: `skip` it (the default), or `deliver` it
    /// again, headed "Updated" with what changed.
    pub updates: crate::dedupe::Updates,
}

impl Default for IssueConfig {
    fn default() -> Self {
        IssueConfig {
            title: "Morning Digest".into(),
            since: None,
            group_by: GroupBy::Topic,
            output: None,
            style: None,
            limit: None,
            profile: None,
            format: BookFormat::Epub,
            max_size: None,
            image_quality: None,
            cover: None,
            keep: None,
            prefer: crate::dedupe::Prefer::Fullest,
            updates: crate::dedupe::Updates::Skip,
        }
    }
}

/// `[filters]`, or a source's own `block`, `allow` and `min-words` (README: "Filters").
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct FiltersConfig {
    /// Entries whose match leaves an article out: words, or `/regex/`, after an optional
    /// `title:`, `author:`, `url:` or `text:`.
    pub block: Vec<String>,
    /// When not empty, only articles matching one of these are kept.
    pub allow: Vec<String>,
    /// Articles shorter than this many words are left out.
    pub min_words: Option<usize>,
}

/// Limits on local inputs (files named, folders walked, feed files).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct InputConfig {
    /// Largest local file read, e.g. "50MB" (the default); larger ones are left out.
    pub max_file_size: Option<String>,
}

impl InputConfig {
    /// The cap in bytes (validated when the config is read).
    pub fn max_bytes(&self) -> u64 {
        self.max_file_size
            .as_deref()
            .and_then(|s| crate::units::parse_size(s).ok())
            .unwrap_or(MAX_INPUT_BYTES)
    }
}

/// Whether to fetch an item's linked page for its full text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FullText {
    /// When the feed carries only a summary.
    #[default]
    Auto,
    Always,
    Never,
}

/// Kinds of source that are named, not recognised by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A read-later list: a text file (at `path` or `url`) of addresses, one a line.
    Links,
    /// Newsletters in a mail folder, over IMAP.
    Imap,
}

/// How an IMAP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailSecurity {
    /// TLS from the start (port 993).
    #[default]
    Tls,
    /// STARTTLS on a plain connection (port 143).
    Starttls,
    /// None: only for a server on this machine.
    None,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SourceConfig {
    /// What the source is, when its content does not say: `links`, a read-later list (a text
    /// file of addresses, one a line). Default: found from the content (a feed, an OPML list, a
    /// site's page, an article, a folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SourceKind>,
    /// A feed, OPML list or web page address.
    pub url: Option<String>,
    /// … or a local file (a feed, an OPML list, or an article).
    pub path: Option<PathBuf>,
    /// Shown as the source; default: the feed's title.
    pub name: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub full_text: FullText,
    /// CSS selectors: when any matches a fetched page, the article is exactly those elements.
    #[serde(default)]
    pub keep: Vec<String>,
    /// CSS selectors removed from fetched pages before extraction.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Keep a page of this source that does not look like an article (a front page, a listing)
    /// instead of leaving it out (`--force` on the command line).
    #[serde(default)]
    pub keep_non_articles: bool,
    /// Headers sent with this source's requests (its feed and its article pages, on its own
    /// site only): `headers = { "User-Agent" = "…", Referer = "…" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Headers whose values are secrets, read from environment variables:
    /// `headers-env = { Authorization = "MY_TOKEN_VAR" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers_env: BTreeMap<String, String>,
    /// A cookies.txt file (Netscape/Mozilla format, as browser extensions export it) whose
    /// cookies go with this source's requests. Relative to the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookies: Option<PathBuf>,
    /// This source's own filters (after `[filters]`): entries as in `[filters] block`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub block: Vec<String>,
    /// This source's own `allow` entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// This source's shortest article, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_words: Option<usize>,
    /// Rewrites of article addresses, in order, before they are fetched and recorded:
    /// `{ match = "regex", to = "replacement" }`, `$1`, `$2`, … the match's groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewrite: Vec<Rewrite>,
    /// `kind = "imap"`: the mail server.
    pub host: Option<String>,
    /// Default: 993 with TLS, else 143.
    pub port: Option<u16>,
    #[serde(default)]
    pub security: MailSecurity,
    pub username: Option<String>,
    /// The environment variable that holds the password (never the password itself).
    pub password_env: Option<String>,
    /// A command whose first line of output is the password (`pass show mail/news`).
    pub password_command: Option<String>,
    /// Default: INBOX.
    pub folder: Option<String>,
    /// Only messages whose From holds this.
    pub from: Option<String>,
    /// Only messages whose List-Id holds this.
    pub list_id: Option<String>,
    /// PEM certificates to trust for this server (a home server's own), besides the usual roots.
    pub ca_file: Option<PathBuf>,
    /// What becomes of a message once an issue holding it is delivered: `read` (marked read,
    /// the default), `move:Folder`, or `leave`.
    pub after: Option<String>,
}

/// What becomes of a newsletter message once an issue holding it is delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterDelivery {
    /// Marked read (`\Seen`).
    Read,
    /// Moved to this folder (made when missing).
    Move(String),
    /// Left as it is.
    Leave,
}

impl SourceConfig {
    /// The source's `after`, read (`None` when it is not one of the three forms).
    pub fn after_delivery(&self) -> Option<AfterDelivery> {
        match self.after.as_deref().map(str::trim) {
            None | Some("read") => Some(AfterDelivery::Read),
            Some("leave") => Some(AfterDelivery::Leave),
            Some(m) => m
                .strip_prefix("move:")
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|f| AfterDelivery::Move(f.to_owned())),
        }
    }
}

impl SourceConfig {
    /// The address or path, for messages and as the ledger's key.
    pub fn location(&self) -> String {
        if self.kind == Some(SourceKind::Imap) {
            return format!(
                "imap://{}{}{}/{}",
                self.username
                    .as_deref()
                    .map(|u| format!("{u}@"))
                    .unwrap_or_default(),
                self.host.as_deref().unwrap_or("(no host)"),
                self.port.map(|p| format!(":{p}")).unwrap_or_default(),
                self.folder.as_deref().unwrap_or("INBOX")
            );
        }
        match (&self.url, &self.path) {
            (Some(u), _) => u.clone(),
            (None, Some(p)) => p.display().to_string(),
            (None, None) => "(source without url or path)".into(),
        }
    }

    /// A source from a command-line argument: a URL or a path.
    pub fn from_arg(arg: &str) -> SourceConfig {
        if arg.starts_with("http://") || arg.starts_with("https://") {
            SourceConfig {
                url: Some(arg.to_owned()),
                ..Default::default()
            }
        } else {
            SourceConfig {
                path: Some(PathBuf::from(arg)),
                ..Default::default()
            }
        }
    }
}

/// One rewrite of article addresses (`rewrite = [{ match = "…", to = "…" }]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rewrite {
    /// A regular expression (Rust's `regex` syntax) matched against the whole address.
    #[serde(rename = "match")]
    pub pattern: String,
    /// What the matched part becomes: `$1`, `$2`, … are the match's groups.
    pub to: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TopicRule {
    pub keywords: Vec<String>,
}

/// Standard places: the config file and the ledger.
/// Local inputs larger than this are refused unless `[input] max-file-size` says otherwise.
pub const MAX_INPUT_BYTES: u64 = 50_000_000;

pub fn default_config_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("inkquire/config.toml"))
}

pub fn default_store_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.data_dir().join("inkquire/ledger.db"))
}

/// A config file that cannot be used: where, and what is wrong (never the line itself, which
/// may hold a password typed there by mistake).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}{at}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        /// ` (line L, column C)`, when known.
        at: String,
        message: String,
    },
}

/// `text`, a config file's contents, with `source` added as a new `[[source]]` table at its
/// end: everything before it is kept byte for byte (comments, order, layout), and the result is
/// checked to be a valid config (`path` names the file in the error when it is not).
pub fn append_source(
    text: &str,
    path: &Path,
    source: &SourceConfig,
) -> Result<String, ConfigError> {
    let mut table = toml_edit::Table::new();
    if source.kind == Some(SourceKind::Links) {
        table["kind"] = toml_edit::value("links");
    }
    if let Some(u) = &source.url {
        table["url"] = toml_edit::value(u.as_str());
    }
    if let Some(p) = &source.path {
        table["path"] = toml_edit::value(p.to_string_lossy().as_ref());
    }
    if let Some(n) = &source.name {
        table["name"] = toml_edit::value(n.as_str());
    }
    if !source.topics.is_empty() {
        table["topics"] = toml_edit::value(toml_edit::Array::from_iter(source.topics.iter()));
    }
    if source.full_text != FullText::default() {
        let v = match source.full_text {
            FullText::Auto => "auto",
            FullText::Always => "always",
            FullText::Never => "never",
        };
        table["full-text"] = toml_edit::value(v);
    }
    if source.keep_non_articles {
        table["keep-non-articles"] = toml_edit::value(true);
    }
    let mut list = toml_edit::ArrayOfTables::new();
    list.push(table);
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("source", toml_edit::Item::ArrayOfTables(list));
    // The file's own line ends: a config written on Windows stays CRLF throughout.
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(nl);
    }
    if !out.is_empty() && !out.ends_with(&format!("{nl}{nl}")) {
        out.push_str(nl);
    }
    out.push_str(&doc.to_string().replace('\n', nl));
    Config::parse(&out, path)?;
    Ok(out)
}

impl Config {
    /// Load the config: `explicit` (must exist), else `$INKQUIRE_CONFIG` (must exist), else the
    /// XDG file if there is one, else the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        if let Some(p) = explicit {
            return Config::read(p);
        }
        if let Some(p) = std::env::var_os("INKQUIRE_CONFIG").filter(|p| !p.is_empty()) {
            return Config::read(Path::new(&p));
        }
        match default_config_path() {
            Some(p) if p.exists() => Config::read(&p),
            _ => Ok(Config::default()),
        }
    }

    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// A config from `text`, the contents of the file at `path` (relative paths in it are
    /// relative to that file).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        // The message and where, never the line itself: a password typed into the file by
        // mistake is not echoed into a terminal or a cron mail.
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|sp| {
                let before = &text[..sp.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(" (line {line}, column {col})")
            });
            ConfigError::Invalid {
                path: path.to_owned(),
                at: at.unwrap_or_default(),
                message: e.message().trim_end().to_owned(),
            }
        })?;
        cfg.path = Some(path.to_path_buf());
        // Relative paths in the file are relative to the file.
        let dir = path.parent().unwrap_or(Path::new("."));
        let rel = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if let Some(s) = cfg.store.as_mut() {
            rel(s);
        }
        if let Some(o) = cfg.issue.output.as_mut() {
            rel(o);
        }
        if let Some(c) = cfg.issue.cover.as_mut() {
            rel(c);
        }
        for r in cfg.fetch.site_rules.iter_mut() {
            rel(r);
        }
        for d in cfg.deliveries.iter_mut() {
            match d {
                Delivery::Folder { path: p } | Delivery::Device { path: Some(p) } => rel(p),
                _ => {}
            }
        }
        for s in cfg.sources.iter_mut() {
            if let Some(p) = s.path.as_mut() {
                rel(p);
            }
            if let Some(c) = s.ca_file.as_mut() {
                rel(c);
            }
            if let Some(c) = s.cookies.as_mut() {
                rel(c);
            }
            if s.kind == Some(SourceKind::Imap) {
                let missing: Vec<&str> = [
                    ("host", s.host.is_none()),
                    ("username", s.username.is_none()),
                    (
                        "password-env or password-command",
                        s.password_env.is_none() && s.password_command.is_none(),
                    ),
                ]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(k, _)| *k)
                .collect();
                if s.after_delivery().is_none() {
                    return Err(ConfigError::Invalid {
                        path: path.to_owned(),
                        at: String::new(),
                        message: format!(
                            "after = \"{}\": use \"read\", \"leave\" or \"move:Folder\"",
                            s.after.as_deref().unwrap_or_default()
                        ),
                    });
                }
                if !missing.is_empty() {
                    return Err(ConfigError::Invalid {
                        path: path.to_owned(),
                        at: String::new(),
                        message: format!(
                            "the [[source]] of kind \"imap\" needs {}",
                            missing.join(" and ")
                        ),
                    });
                }
                continue;
            }
            if s.url.is_none() && s.path.is_none() {
                return Err(ConfigError::Invalid {
                    path: path.to_owned(),
                    at: String::new(),
                    message: "a [[source]] needs `url` or `path`".to_owned(),
                });
            }
        }
        if let Err(e) = cfg.validate() {
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                at: String::new(),
                message: e,
            });
        }
        if let Some(style) = cfg.issue.style.as_mut()
            && style.ends_with(".css")
            && Path::new(style.as_str()).is_relative()
        {
            *style = dir.join(&*style).display().to_string();
        }
        Ok(cfg)
    }

    /// What TOML's types cannot say: a source is a `url` or a `path`, selectors parse, timeouts
    /// are real durations, `keep` keeps something. The first problem, in a sentence.
    fn validate(&self) -> Result<(), String> {
        for s in &self.sources {
            if let (Some(u), Some(p)) = (&s.url, &s.path) {
                return Err(format!(
                    "a [[source]] has both url = \"{}\" and path = \"{}\": give one (two sources need two [[source]] tables)",
                    crate::fetch::redact(u),
                    p.display()
                ));
            }
            for (name, value) in s.headers.iter().chain(&s.headers_env) {
                let token = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if !token {
                    return Err(format!(
                        "[[source]] {}: \"{name}\" is not a header name",
                        crate::fetch::redact(&s.location())
                    ));
                }
                if value.contains(['\r', '\n']) {
                    return Err(format!(
                        "[[source]] {}: the header {name} has a line break in its value",
                        crate::fetch::redact(&s.location())
                    ));
                }
            }
            if let Err(e) = crate::filters::Filters::new(&s.block, &s.allow, s.min_words) {
                return Err(format!(
                    "[[source]] {}: filter {e}",
                    crate::fetch::redact(&s.location())
                ));
            }
            for r in &s.rewrite {
                if let Err(e) = regex::Regex::new(&r.pattern) {
                    let why = e.to_string();
                    let why = why.lines().last().unwrap_or_default().trim();
                    return Err(format!(
                        "[[source]] {}: rewrite match = \"{}\" is not a regular expression ({why})",
                        crate::fetch::redact(&s.location()),
                        r.pattern
                    ));
                }
            }
            for (key, list) in [("keep", &s.keep), ("remove", &s.remove)] {
                for sel in list {
                    if dom_query::Matcher::new(sel).is_err() {
                        return Err(format!(
                            "[[source]] {}: {key} = \"{sel}\" is not a CSS selector",
                            crate::fetch::redact(&s.location())
                        ));
                    }
                }
            }
        }
        let g = &self.filters;
        if let Err(e) = crate::filters::Filters::new(&g.block, &g.allow, g.min_words) {
            return Err(format!("[filters] {e}"));
        }
        let f = &self.fetch;
        for (key, v) in [
            ("connect-timeout", f.connect_timeout),
            ("read-timeout", f.read_timeout),
            ("total-timeout", f.total_timeout),
            ("browser-timeout", f.browser_timeout),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
                return Err(format!(
                    "[fetch] {key} = {v} is not a timeout: give seconds, more than 0 and at most 86400"
                ));
            }
        }
        if let Some(b) = &f.browser
            && b.trim().is_empty()
        {
            return Err(
                "[fetch] browser = \"\" names no program: give a name on PATH (chromium) or a path, or leave it out"
                    .into(),
            );
        }
        if let Some(m) = &self.input.max_file_size {
            match crate::units::parse_size(m) {
                Ok(0) => return Err("[input] max-file-size must be more than 0".into()),
                Ok(_) => {}
                Err(e) => return Err(format!("[input] max-file-size: {e}")),
            }
        }
        for (key, v) in [
            ("[fetch] per-host", f.per_host),
            ("[fetch] global", f.global),
        ] {
            if v == 0 {
                return Err(format!(
                    "{key} = 0 would never fetch anything: give 1 or more (requests at once)"
                ));
            }
        }
        if self.issue.limit == Some(0) {
            return Err(
                "[issue] limit = 0 would build issues with no article: give 1 or more, or leave limit out for no limit"
                    .into(),
            );
        }
        if self.issue.keep == Some(0) {
            return Err(
                "[issue] keep = 0 would remove every issue, the new one too: give 1 or more, or leave keep out to keep them all"
                    .into(),
            );
        }
        Ok(())
    }

    /// The ledger to use: `explicit`, else the config's `store`, else the XDG default.
    pub fn store_path(&self, explicit: Option<&Path>) -> Option<PathBuf> {
        explicit
            .map(Path::to_path_buf)
            .or_else(|| self.store.clone())
            .or_else(default_store_path)
    }

    /// Topics from keyword rules that `text` matches (case-insensitive, whole words).
    pub fn keyword_topics(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        let words: std::collections::HashSet<&str> = lower
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| !w.is_empty())
            .collect();
        self.topics
            .iter()
            .filter(|(_, rule)| {
                rule.keywords.iter().any(|k| {
                    let k = k.to_lowercase();
                    if k.contains(' ') {
                        lower.contains(&k)
                    } else {
                        words.contains(k.as_str())
                    }
                })
            })
            .map(|(name, _)| name.to_lowercase())
            .collect()
    }
}

/// The starter config `inkquire init` writes.
pub const STARTER: &str = r#"# inkquire configuration — see `inkquire --help`.
# Paths are relative to this file.

# Where collected articles are remembered (SQLite). Default: the XDG data folder.
# store = "ledger.db"

[issue]
title = "Morning Digest"
# Which pending articles (those no issue holds yet) go into an issue: "last-issue" or "all"
# (every one), or only those published within "24h", "3d" or since a date; the rest stay pending.
since = "last-issue"
# Sections: "topic", "source", "date" or "none".
group-by = "topic"
# Folder for the issues; each is named from the title and the date.
output = "issues"
# style = "sans"            # or a .css file
# profile = "kobo-clara"    # the reader's screen: see `inkquire profiles` (default generic-eink)
# format = "kepub"          # Kobo's flavour; default "epub"
# max-size = "50MB"         # shrink, then leave out, images to stay under (Send to Kindle: 50MB)
# image-quality = 80        # JPEG quality of pictures
# cover = "my-cover.jpg"    # instead of the drawn front page
# limit = 60                # most articles in one issue; the rest wait for the next one
# keep = 7                  # keep the newest 7 delivered issues (only files inkquire wrote)
# prefer = "config-order"  # one story from several sources: keep the copy of the source
#                           # listed first (default "fullest": the one with the most words)
# updates = "deliver"       # a delivered article that grows: again, headed "Updated" (default "skip")

# [fetch]                   # network manners (defaults shown)
# connect-timeout = 10.0
# read-timeout = 15.0
# total-timeout = 30.0
# retries = 1
# per-host = 4
# global = 8
# private-hosts = []        # local hosts links in feeds may reach: "nas.lan" (any port) or "nas.lan:8080"
#                           # (each source's own host and port always may)
# compression = "auto"      # ask servers for gzip, except one on this machine; or "always", "never"
# browser = "chromium"      # read pages a script builds in headless Chromium (a name on PATH or a path)
# browser-pages = 20        # most pages the browser renders in one run
# browser-timeout = 20.0    # seconds one page may take in the browser

# [input]                   # local files, folders and feed files
# max-file-size = "50MB"    # larger files are left out, before they are read

# One [[source]] per feed, site, OPML list or web page (`inkquire add URL` adds one for you).
[[source]]
url = "https://example.org/feed.xml"    # or a site: "https://example.org" (its feed is found); or: path = "saved/feed.xml"
# name = "Example"                      # default: the feed's own title
topics = ["world"]
full-text = "auto"                      # "auto": fetch the page when the feed has only a summary; "always"; "never"
# keep = ["article .story-body"]        # CSS selectors that hold the article on this site
# remove = [".newsletter-signup"]       # CSS selectors to drop before extraction
# keep-non-articles = true              # keep a page that looks like a front page or a listing

# A read-later list: a text file of addresses, one a line (`topic: address` gives one a topic).
# [[source]]
# kind = "links"
# path = "reading-list.txt"

# Newsletters from a mail folder (marked read once an issue holding them is delivered).
# [[source]]
# kind = "imap"
# host = "imap.example.org"
# username = "me@example.org"
# password-env = "INKQUIRE_IMAP_PASSWORD"   # or password-command = "pass show mail"; never the password here
# folder = "Newsletters"
# after = "read"                            # or "move:Read", "leave"

# Keyword rules: articles mentioning any keyword also get the topic.
[topics.science]
keywords = ["physics", "biology", "astronomy"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_config_parses() {
        let cfg: Config = toml::from_str(STARTER).unwrap();
        assert_eq!(cfg.issue.since.as_deref(), Some("last-issue"));
        assert_eq!(cfg.sources.len(), 1);
        assert_eq!(cfg.sources[0].full_text, FullText::Auto);
        assert_eq!(cfg.keyword_topics("New Physics results"), ["science"]);
        assert!(cfg.keyword_topics("physical").is_empty());
        // The commented read-later and newsletter sources load once uncommented.
        let mut text = String::new();
        let mut inside = false;
        for line in STARTER.lines() {
            if line == "# [[source]]" {
                inside = true;
            } else if line.is_empty() {
                inside = false;
            }
            text.push_str(if inside {
                line.trim_start_matches("# ")
            } else {
                line
            });
            text.push('\n');
        }
        let cfg = Config::parse(&text, Path::new("/tmp/inkquire.toml")).unwrap();
        let kinds: Vec<Option<SourceKind>> = cfg.sources.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [None, Some(SourceKind::Links), Some(SourceKind::Imap)]
        );
        assert_eq!(cfg.sources[2].after_delivery(), Some(AfterDelivery::Read));
    }

    #[test]
    fn a_source_is_appended_and_the_rest_kept() {
        let path = Path::new("/tmp/inkquire.toml");
        let source = SourceConfig {
            url: Some("https://example.org/feed".into()),
            topics: vec!["a \"b\"".into()],
            ..Default::default()
        };
        let text =
            "# mine\n[issue]\ntitle = \"X\"  # kept\n[[source]]\nurl = \"https://a.example/f\"";
        let out = append_source(text, path, &source).unwrap();
        assert!(out.starts_with(text));
        let cfg = Config::parse(&out, path).unwrap();
        assert_eq!(cfg.sources.len(), 2);
        assert_eq!(cfg.sources[1].topics, ["a \"b\""]);
        assert_eq!(cfg.issue.title, "X");
        assert_eq!(
            append_source("", path, &source).unwrap(),
            "[[source]]\nurl = \"https://example.org/feed\"\ntopics = ['a \"b\"']\n"
        );
        // A file whose `source` is something else is not made worse: the result is refused.
        let err = append_source("source = 3\n", path, &source).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { .. }), "{err}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = toml::from_str::<Config>("[issue]\ntitel = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("titel"), "{err}");
        let err = toml::from_str::<Config>("[[source]]\nurl = \"x\"\nfull-txt = \"auto\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("full-txt"), "{err}");
    }
}
