//! Site rules: folders of Full-Text RSS site-config files (`[fetch] site-rules`), the
//! community's `ftr-site-config` collection among them. A folder is listed once, when first
//! needed (its file names indexed by host); a file is read when its host is first met, and
//! kept; a host without a file costs a lookup.
//!
//! Which file a host takes, as the format defines: `example.com.txt` for `example.com` and
//! `www.example.com`; `sport.example.com.txt` for that host; `.example.com.txt` for every
//! host under `example.com` (not `example.com` itself). The host's own name is looked for
//! before any `.parent` name; for each name, a later folder wins over an earlier one. A
//! `global.txt` goes under every rule (and applies alone to hosts without one).

pub mod apply;
pub mod file;
pub mod trial;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use apply::{Ruled, apply};
pub use file::{ReadRule, RuleTest, SiteRule};

/// The rules folders of one config, in order.
#[derive(Debug, Default)]
pub struct Library {
    folders: Vec<Folder>,
    /// Rules read so far, by the name of the file (without `.txt`); `None`: no file.
    read: Mutex<HashMap<String, Option<Arc<SiteRule>>>>,
    /// What reading files said, printed once each.
    warned: Mutex<Vec<String>>,
}

#[derive(Debug)]
struct Folder {
    path: PathBuf,
    /// File names without `.txt`, lower-cased, to their paths.
    files: HashMap<String, PathBuf>,
}

impl Folder {
    fn list(path: &Path) -> Result<Folder, std::io::Error> {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(path)? {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some(stem) = name.strip_suffix(".txt")
                && !stem.is_empty()
            {
                files.insert(stem.to_ascii_lowercase(), entry.path());
            }
        }
        Ok(Folder {
            path: path.to_owned(),
            files,
        })
    }
}

/// A problem with a rules folder.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("the site-rules folder {path} cannot be read: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Library {
    /// List `folders` (the first error names its folder).
    pub fn open(folders: &[PathBuf]) -> Result<Library, RulesError> {
        let folders = folders
            .iter()
            .map(|p| {
                Folder::list(p).map_err(|source| RulesError::Folder {
                    path: p.clone(),
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Library {
            folders,
            ..Library::default()
        })
    }

    /// How many rule files the folders hold (a host's file in two folders counts once).
    pub fn len(&self) -> usize {
        let mut names: Vec<&String> = self.folders.iter().flat_map(|f| f.files.keys()).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The folders, in order.
    pub fn folders(&self) -> Vec<&Path> {
        self.folders.iter().map(|f| f.path.as_path()).collect()
    }

    /// The file names a host may take, in the order they are tried.
    fn names_for(host: &str) -> Vec<String> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let bare = host.strip_prefix("www.").unwrap_or(&host).to_owned();
        let mut names = vec![bare.clone()];
        // `.example.com` for `sport.example.com`; never a bare top-level name (`.com`).
        let mut rest = bare.as_str();
        while let Some((_, parent)) = rest.split_once('.') {
            if !parent.contains('.') {
                break;
            }
            names.push(format!(".{parent}"));
            rest = parent;
        }
        names
    }

    /// The file for `name` in the last folder that has one.
    fn file_for(&self, name: &str) -> Option<&Path> {
        self.folders
            .iter()
            .rev()
            .find_map(|f| f.files.get(name).map(PathBuf::as_path))
    }

    /// Read (once) the rule named `name`.
    fn rule_named(&self, name: &str) -> Option<Arc<SiteRule>> {
        if let Some(known) = self.read.lock().ok()?.get(name) {
            return known.clone();
        }
        let rule = self.file_for(name).and_then(|path| {
            let text = match std::fs::read(path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    self.warn(format!("{}: cannot be read ({e})", path.display()));
                    return None;
                }
            };
            let read = file::parse(&text, path);
            for w in read.warnings() {
                self.warn(w);
            }
            Some(Arc::new(read.rule))
        });
        if let Ok(mut map) = self.read.lock() {
            map.insert(name.to_owned(), rule.clone());
        }
        rule
    }

    fn warn(&self, message: String) {
        let Ok(mut warned) = self.warned.lock() else {
            return;
        };
        if !warned.contains(&message) {
            crate::warn_line!("site rules: {message}");
            warned.push(message);
        }
    }

    /// The rule for the page at `url`: its host's file with `global.txt` under it, or
    /// `global.txt` alone; `None` when neither exists.
    pub fn for_url(&self, url: &str) -> Option<Arc<SiteRule>> {
        if self.folders.is_empty() {
            return None;
        }
        let parsed = url::Url::parse(url).ok()?;
        let host = parsed.host_str()?;
        let own = Self::names_for(host)
            .iter()
            .find(|n| self.file_for(n).is_some())
            .and_then(|n| self.rule_named(n));
        let global = self.rule_named("global");
        match (own, global) {
            (Some(own), Some(global)) => Some(Arc::new((*own).clone().with_global(&global))),
            (own, global) => own.or(global),
        }
    }

    /// Every rule file's name (the host it is for, `.example.com` for a whole domain), sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .folders
            .iter()
            .flat_map(|f| f.files.keys().cloned())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The file name (without `.txt`) the pages of `host` take, or `name` itself when a file
    /// has that name (`.example.com`).
    pub fn file_name_for(&self, host: &str) -> Option<String> {
        let lower = host.trim().to_ascii_lowercase();
        let lower = lower.strip_suffix(".txt").unwrap_or(&lower).to_owned();
        if self.file_for(&lower).is_some() {
            return Some(lower);
        }
        let host = url::Url::parse(&lower)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or(lower);
        Self::names_for(&host)
            .into_iter()
            .find(|n| self.file_for(n).is_some())
    }

    /// The rule named `name` (a file name without `.txt`), read now, with what reading it said.
    pub fn read_named(&self, name: &str) -> Option<ReadRule> {
        let path = self.file_for(&name.to_ascii_lowercase())?;
        let text = std::fs::read(path).ok()?;
        Some(file::parse(&String::from_utf8_lossy(&text), path))
    }
}

/// The library of these folders, opened once a process: every page of a run asks it. A folder
/// that cannot be read is named once, and the run goes on without the rules.
pub fn library(folders: &[PathBuf]) -> Result<Arc<Library>, Arc<RulesError>> {
    type Opened = Mutex<HashMap<Vec<PathBuf>, Result<Arc<Library>, Arc<RulesError>>>>;
    static OPENED: OnceLock<Opened> = OnceLock::new();
    let opened = OPENED.get_or_init(Default::default);
    let mut map = match opened.lock() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.entry(folders.to_vec())
        .or_insert_with(|| {
            Library::open(folders).map(Arc::new).map_err(|e| {
                crate::warn_line!("{e}; pages are read without site rules");
                Arc::new(e)
            })
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_for_a_host_follow_the_format() {
        assert_eq!(Library::names_for("www.example.com"), ["example.com"]);
        assert_eq!(
            Library::names_for("sport.example.com"),
            ["sport.example.com", ".example.com"]
        );
        assert_eq!(
            Library::names_for("a.b.example.co.uk"),
            [
                "a.b.example.co.uk",
                ".b.example.co.uk",
                ".example.co.uk",
                ".co.uk"
            ]
        );
        assert_eq!(Library::names_for("localhost"), ["localhost"]);
    }

    #[test]
    fn a_later_folder_wins_and_the_own_name_wins_over_the_domain() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("example.com.txt"), "body: //main\n").unwrap();
        std::fs::write(b.join("example.com.txt"), "body: //article\n").unwrap();
        std::fs::write(b.join(".example.com.txt"), "body: //section\n").unwrap();
        std::fs::write(a.join("sport.example.com.txt"), "body: //div\n").unwrap();
        std::fs::write(a.join("global.txt"), "strip: //nav\n").unwrap();
        std::fs::write(a.join("README.md"), "not a rule").unwrap();
        let lib = Library::open(&[a, b]).unwrap();
        assert_eq!(lib.len(), 4);
        let body = |u: &str| lib.for_url(u).map(|r| r.body.clone());
        assert_eq!(body("https://www.example.com/x").unwrap(), ["//article"]);
        assert_eq!(body("https://sport.example.com/x").unwrap(), ["//div"]);
        assert_eq!(body("https://news.example.com/x").unwrap(), ["//section"]);
        // A host without a file still takes global.txt.
        let other = lib.for_url("https://other.org/").unwrap();
        assert!(other.body.is_empty());
        assert_eq!(other.strip, ["//nav"]);
        assert_eq!(
            lib.for_url("https://example.com/").unwrap().strip,
            ["//nav"]
        );
    }

    #[test]
    fn a_missing_folder_is_named() {
        let err = Library::open(&[PathBuf::from("/nonexistent/rules")]).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/rules"), "{err}");
    }
}
