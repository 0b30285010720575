//! Mounted e-readers, recognised by their marker files.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The kinds of reader recognised by their marker files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Reader {
    Kindle,
    Kobo,
    PocketBook,
}

/// A mounted reader: what it is, where it is mounted, and where books go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mounted {
    pub reader: Reader,
    pub root: PathBuf,
    pub books: PathBuf,
}

/// Recognise a reader mounted at `root`.
pub fn recognise(root: &Path) -> Option<Mounted> {
    let is_dir = |p: &str| root.join(p).is_dir();
    let (reader, books) = if is_dir(".kobo") {
        (Reader::Kobo, root.to_path_buf())
    } else if is_dir("documents") && (is_dir("system") || root.join("system").exists()) {
        (Reader::Kindle, root.join("documents"))
    } else if is_dir("system/config") || is_dir("system/profiles") {
        (Reader::PocketBook, root.to_path_buf())
    } else {
        return None;
    };
    Some(Mounted {
        reader,
        root: root.to_path_buf(),
        books,
    })
}

/// Mounted readers under `base` (the folder itself, or mounts one or two levels down, as
/// /media/USER/KOBOeReader), else under the usual mount points.
pub fn find_devices(base: Option<&Path>) -> Vec<Mounted> {
    let bases: Vec<PathBuf> = match base {
        Some(b) => vec![b.to_path_buf()],
        None => ["/media", "/run/media", "/Volumes", "/mnt"]
            .iter()
            .map(PathBuf::from)
            .collect(),
    };
    let mut found = Vec::new();
    for b in bases {
        if let Some(m) = recognise(&b) {
            found.push(m);
            continue;
        }
        for level1 in subdirs(&b) {
            if let Some(m) = recognise(&level1) {
                found.push(m);
                continue;
            }
            for level2 in subdirs(&level1) {
                if let Some(m) = recognise(&level2) {
                    found.push(m);
                }
            }
        }
    }
    found
}

fn subdirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
