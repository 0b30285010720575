//! The output folder: what an issue's files are called, which of them inkquire wrote (the
//! ledger's `issue_files`), pruning to `keep`, and clearing what a killed run left behind.
//!
//! inkquire removes only files the ledger records as written by one of its issues, and
//! temporary files named for those (`.inkquire-<name>.<random>.part`).

mod atomic;

pub use atomic::{AtomicFile, WriteError, WriteSeek, part_prefix, write_atomic};

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};

use crate::store::{FileRole, IssueRecord, IssueState, Store};

/// "Morning Digest!" → "Morning-Digest".
pub fn slug(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join("-");
    if s.is_empty() { "issue".to_owned() } else { s }
}

/// Where a build writes its book.
#[derive(Debug, Clone)]
pub enum Output {
    /// Exactly this file (`build -o FILE`).
    File(PathBuf),
    /// `<Title>-<date>-No<N>.epub` (and `.kepub.epub`, `.report.json`) in a folder, named once
    /// the issue has its number.
    Shelf {
        folder: PathBuf,
        title: String,
        date: NaiveDate,
        kepub: bool,
    },
}

/// The files of one issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueFiles {
    pub book: PathBuf,
    pub kepub: Option<PathBuf>,
    pub report: Option<PathBuf>,
}

impl IssueFiles {
    /// Every file with its role, for the ledger.
    pub fn roles(&self) -> Vec<(PathBuf, FileRole)> {
        let mut v = vec![(self.book.clone(), FileRole::Book)];
        v.extend(self.kepub.clone().map(|k| (k, FileRole::Kepub)));
        v.extend(self.report.clone().map(|r| (r, FileRole::Report)));
        v
    }
}

impl Output {
    /// The book file of a build: `given` as it is (a folder gets `<Title>-<date>.epub` inside
    /// it), else that name here. `is_folder` says `given` is a folder even when it does not
    /// exist yet (the config's output folder).
    pub fn named(
        given: Option<&Path>,
        title: &str,
        date: NaiveDate,
        is_folder: bool,
        format: crate::model::BookFormat,
    ) -> PathBuf {
        let ext = match format {
            crate::model::BookFormat::Epub => "epub",
            crate::model::BookFormat::Kepub => "kepub.epub",
        };
        let name = format!("{}-{date}.{ext}", slug(title));
        match given {
            Some(p) if p.is_dir() || is_folder => p.join(name),
            Some(p) => p.to_path_buf(),
            None => PathBuf::from(name),
        }
    }

    /// The files issue `number` writes.
    pub fn files(&self, number: u32) -> IssueFiles {
        match self {
            Output::File(p) => IssueFiles {
                book: p.clone(),
                kepub: None,
                report: None,
            },
            Output::Shelf {
                folder,
                title,
                date,
                kepub,
            } => {
                let base = format!("{}-{date}-No{number}", slug(title));
                IssueFiles {
                    book: folder.join(format!("{base}.epub")),
                    kepub: kepub.then(|| folder.join(format!("{base}.kepub.epub"))),
                    report: Some(folder.join(format!("{base}.report.json"))),
                }
            }
        }
    }
}

/// The report written beside an issue (`<…>.report.json`): written by `digest`, read by
/// `serve`. Every field has a default, so a report from an older version still reads.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct IssueReport {
    /// The issue's number.
    pub issue: u32,
    pub title: String,
    /// The issue's date, YYYY-MM-DD.
    pub date: String,
    pub book: PathBuf,
    pub kepub: Option<PathBuf>,
    pub bytes: usize,
    /// The articles' titles, in reading order.
    pub articles: Vec<String>,
    pub skipped_as_repeats: usize,
    pub held_back: usize,
    /// Articles left out as copies of a story this issue (or an earlier one) holds.
    pub duplicates: Duplicates,
    pub warnings: Vec<crate::report::Problem>,
    pub failures: Vec<crate::report::Problem>,
    pub sources: Vec<crate::report::SourceReport>,
    pub images: crate::formatter::ImageStats,
    pub deliveries: Vec<DeliveryNote>,
    pub seconds: f64,
    /// The run that built it was stopped after its book was in place; a later run finished it
    /// and wrote this report from the ledger (what the first run saw of its sources is gone).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub finished_by_later_run: bool,
}

impl IssueReport {
    /// The report of an issue a killed run left with its book in place, made from what the
    /// ledger holds of it.
    pub fn recovered(
        store: &Store,
        issue: &IssueRecord,
    ) -> Result<IssueReport, crate::store::StoreError> {
        let book = issue
            .file(FileRole::Book)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(IssueReport {
            issue: issue.number,
            title: issue.title.clone(),
            date: issue.date.clone(),
            bytes: std::fs::metadata(&book).map_or(0, |m| m.len() as usize),
            book,
            kepub: issue.file(FileRole::Kepub).map(Path::to_path_buf),
            articles: store.issue_titles(issue.number)?,
            duplicates: Duplicates::of(&store.issue_copies(issue.number)?),
            finished_by_later_run: true,
            ..IssueReport::default()
        })
    }
}

/// The copies an issue left out: how many, and which (each with the story it is a copy of).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Duplicates {
    pub count: usize,
    pub items: Vec<crate::report::Duplicate>,
}

impl Duplicates {
    pub fn of(items: &[crate::report::Duplicate]) -> Duplicates {
        Duplicates {
            count: items.len(),
            items: items.to_vec(),
        }
    }
}

/// One delivery attempt of the issue, as the report tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DeliveryNote {
    /// The target as the user knows it.
    pub to: String,
    pub ok: bool,
    /// What was done, or why it failed.
    pub detail: String,
}

impl IssueReport {
    /// Write it to `path` (atomically: a reader never sees half a report).
    pub fn write(&self, path: &Path) -> Result<(), WriteError> {
        let text = serde_json::to_string_pretty(self).expect("a report serializes");
        // No password or token of an address reaches a report (they are read by `serve`).
        write_atomic(path, crate::fetch::redact_text(&text).as_bytes())
    }

    /// The report at `path`, if there is one that reads.
    pub fn read(path: &Path) -> Option<IssueReport> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// Refuse to write a book over anything but a regular file (a device node, a FIFO, a folder):
/// `-o /dev/sda` must never replace the device.
pub fn check_output(path: &Path) -> Result<(), NotRegularFile> {
    let refused = || NotRegularFile {
        path: path.to_owned(),
    };
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.file_type().is_file() || m.file_type().is_symlink() => {
            // A symlink is replaced by the book, never written through; but a link to a device
            // is refused as the device would be.
            match std::fs::metadata(path) {
                Ok(t) if !t.is_file() => Err(refused()),
                _ => Ok(()),
            }
        }
        Ok(_) => Err(refused()),
    }
}

/// An output path that is not a regular file (a device, a FIFO, a folder).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} is not a regular file: inkquire writes books only as regular files", path.display())]
pub struct NotRegularFile {
    pub path: PathBuf,
}

/// Remove temporary files a killed run left beside `dest` (only those named for it).
pub fn remove_parts_of(dest: &Path) -> usize {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = part_prefix(dest);
    remove_parts(dir, |name| name.starts_with(&prefix))
}

/// Remove the temporary files a killed run of this publication left: only those named for a
/// file the ledger records as written by one of its issues (`.inkquire-<name>.<random>.part`
/// beside `<name>`). Another publication's temporary files in a shared folder (its ledger
/// names them, this one does not) and a user's own file that merely looks like one are left
/// alone. Call with the run lock held, so none belongs to a live run of this ledger.
pub fn remove_own_parts(store: &Store) -> Result<usize, crate::store::StoreError> {
    let mut by_dir: std::collections::BTreeMap<PathBuf, std::collections::HashSet<String>> =
        std::collections::BTreeMap::new();
    for path in store.recorded_files()? {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        by_dir.entry(dir).or_default().insert(part_prefix(&path));
    }
    Ok(by_dir
        .iter()
        .map(|(dir, prefixes)| remove_parts(dir, |name| is_part_of_any(name, prefixes)))
        .sum())
}

/// `name` is a temporary file named for one of the files whose [`part_prefix`]es are given: the
/// prefix, then the random part alone (no dot), then `.part`.
fn is_part_of_any(name: &str, prefixes: &std::collections::HashSet<String>) -> bool {
    let Some(stem) = name.strip_suffix(".part") else {
        return false;
    };
    let Some((head, random)) = stem.rsplit_once('.') else {
        return false;
    };
    !random.is_empty()
        && random.chars().all(|c| c.is_ascii_alphanumeric())
        && prefixes.contains(&format!("{head}."))
}

fn remove_parts(dir: &Path, ours: impl Fn(&str) -> bool) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file
            && name.ends_with(".part")
            && ours(&name)
            && std::fs::remove_file(e.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// A seam for the crash tests: with `INKQUIRE_PAUSE=<point>` in the environment, the run stops
/// for `INKQUIRE_PAUSE_MS` (default 400) milliseconds at that point, so a test can kill it
/// there. The points, in order: `reserved` (the issue's number and articles are taken),
/// `written` (the book is in its temporary file), `renamed` (the book is in place, not yet
/// recorded as built), `built`, `copying` (a delivery's temporary file is written, not yet
/// renamed), `delivered` (a copy is in place, not yet recorded).
pub fn pause_point(point: &str) {
    if std::env::var_os("INKQUIRE_PAUSE").is_some_and(|p| p == point) {
        // Said on stderr, so that a test can kill the run while it waits here.
        eprintln!("inkquire: paused at {point}");
        let ms = std::env::var("INKQUIRE_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(400);
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// What [`recover`] did with an issue a killed run left `building`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// Its book was in place: it is built now, and goes to the outbox.
    Finished(u32),
    /// Its book never was: the issue is forgotten and its articles are pending again.
    Abandoned(u32),
}

/// Finish what a killed run left: an issue whose book was renamed into place is built (its
/// deliveries go to `targets`); one whose book is not there is forgotten, with the temporary
/// files named for it, and its articles are pending again. Call with the run lock held.
pub fn recover(
    store: &mut Store,
    targets: &[(String, String)],
) -> Result<Vec<Recovered>, crate::store::StoreError> {
    let mut done = Vec::new();
    for issue in store.issues_in(IssueState::Building)? {
        for (path, _) in &issue.files {
            remove_parts_of(path);
        }
        // The book is renamed into place last (after the KEPUB): its presence means every
        // book file of the issue is whole.
        let book = issue.file(FileRole::Book).map(Path::to_path_buf);
        if book.as_deref().is_some_and(Path::is_file) {
            store.mark_built(issue.number, targets, Utc::now())?;
            done.push(Recovered::Finished(issue.number));
        } else {
            for (path, role) in &issue.files {
                if *role != FileRole::Book {
                    let _ = std::fs::remove_file(path);
                }
            }
            store.abandon_issue(issue.number)?;
            done.push(Recovered::Abandoned(issue.number));
        }
    }
    Ok(done)
}

/// What [`prune`] did: the files removed, and those it could not remove (with why; they are
/// tried again next time).
#[derive(Debug, Default)]
pub struct Pruned {
    pub removed: Vec<PathBuf>,
    pub kept: Vec<(PathBuf, String)>,
}

/// Keep the newest `keep` delivered issues' files; remove the files older delivered issues
/// wrote (only those the ledger records, and never a path a newer issue wrote too). An issue
/// still waiting for a delivery keeps its files whatever its age. A file that cannot be removed
/// is reported, not an error: the issue is delivered either way.
pub fn prune(store: &mut Store, keep: usize) -> Result<Pruned, crate::store::StoreError> {
    let delivered: Vec<IssueRecord> = store
        .issues_in(IssueState::Delivered)?
        .into_iter()
        .filter(|i| !i.files.is_empty())
        .collect();
    let cut = delivered.len().saturating_sub(keep);
    // A path a kept or waiting issue also wrote (the same name built twice) is that issue's.
    let waiting = store.issues_in(IssueState::Built)?;
    let kept_paths: std::collections::HashSet<PathBuf> = delivered[cut..]
        .iter()
        .chain(&waiting)
        .flat_map(|i| i.files.iter().map(|(p, _)| p.clone()))
        .collect();
    let mut out = Pruned::default();
    for issue in &delivered[..cut] {
        for (path, _) in &issue.files {
            if !kept_paths.contains(path) {
                match std::fs::symlink_metadata(path) {
                    Ok(m) if m.file_type().is_file() => {
                        if let Err(e) = std::fs::remove_file(path) {
                            out.kept.push((path.clone(), e.to_string()));
                            continue;
                        }
                        out.removed.push(path.clone());
                    }
                    // A folder or a link someone put there under our name is not ours.
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        out.kept.push((path.clone(), e.to_string()));
                        continue;
                    }
                }
            }
            store.forget_file(issue.number, path)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Morning Digest!"), "Morning-Digest");
        assert_eq!(slug("***"), "issue");
    }

    #[test]
    fn shelf_names_carry_the_number() {
        let out = Output::Shelf {
            folder: "/x".into(),
            title: "Morning".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            kepub: true,
        };
        let f = out.files(3);
        assert_eq!(f.book, Path::new("/x/Morning-2026-11-30-No3.epub"));
        assert_eq!(
            f.kepub.as_deref(),
            Some(Path::new("/x/Morning-2026-11-30-No3.kepub.epub"))
        );
        assert_eq!(f.roles().len(), 3);
    }

    #[test]
    fn only_our_own_parts_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("A-No1.epub");
        for name in [
            ".inkquire-A-No1.epub.x1.part",
            ".inkquire-B-No1.epub.x1.part",
            "notes.part",
            "A-No1.epub",
        ] {
            std::fs::write(d.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_parts_of(&dest), 1);
        assert!(d.path().join(".inkquire-B-No1.epub.x1.part").exists());
        assert!(d.path().join("notes.part").exists());
        assert!(dest.exists());
    }

    /// A run clears only the temporary files named for files its own ledger records: not
    /// another publication's in the same folder, nor a user's file that looks like one.
    #[test]
    fn stale_parts_are_removed_only_when_the_ledger_names_them() {
        let d = tempfile::tempdir().unwrap();
        let mine = d.path().join("Mine-2026-12-06-No1.epub");
        let report = d.path().join("Mine-2026-12-06-No1.report.json");
        let mut store = Store::memory().unwrap();
        let new = crate::store::NewIssue {
            title: "Mine",
            date: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            now: Utc::now(),
            copies: &[],
        };
        let files = |_| {
            vec![
                (mine.clone(), FileRole::Book),
                (report.clone(), FileRole::Report),
            ]
        };
        store.reserve_issue(&new, &[], false, &files).unwrap();
        let names = [
            ".inkquire-Mine-2026-12-06-No1.epub.a1B2c3.part",
            ".inkquire-Mine-2026-12-06-No1.report.json.Zz9yX8.part",
            ".inkquire-Theirs-2026-12-06-No1.epub.a1B2c3.part",
            ".inkquire-notes.txt.abc123.part",
            ".inkquire-Mine-2026-12-06-No1.epub.part",
        ];
        for name in names {
            std::fs::write(d.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_own_parts(&store).unwrap(), 2);
        for (name, kept) in names.iter().zip([false, false, true, true, true]) {
            assert_eq!(d.path().join(name).exists(), kept, "{name}");
        }
    }

    /// Pruning removes the files an old issue wrote, but not a path a newer issue wrote too
    /// (`build -o` twice to one name), nor anything the ledger does not record.
    #[test]
    fn prune_removes_only_recorded_files_no_newer_issue_shares() {
        let d = tempfile::tempdir().unwrap();
        let shared = d.path().join("Same.epub");
        let old = d.path().join("Old-No1.report.json");
        let stranger = d.path().join("Old-No1.epub");
        for f in [&shared, &old, &stranger] {
            std::fs::write(f, b"x").unwrap();
        }
        let mut store = Store::memory().unwrap();
        for n in 1..=2u32 {
            let new = crate::store::NewIssue {
                title: "T",
                date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                now: Utc::now(),
                copies: &[],
            };
            let files = |_| match n {
                1 => vec![
                    (shared.clone(), FileRole::Book),
                    (old.clone(), FileRole::Report),
                ],
                _ => vec![(shared.clone(), FileRole::Book)],
            };
            let got = store.reserve_issue(&new, &[], false, &files).unwrap();
            assert_eq!(got, n);
            store.mark_built(n, &[], Utc::now()).unwrap();
        }
        let pruned = prune(&mut store, 1).unwrap();
        assert_eq!(pruned.removed, std::slice::from_ref(&old));
        assert!(shared.exists(), "issue 2 wrote it too");
        assert!(stranger.exists(), "not recorded: not ours");
        assert!(
            prune(&mut store, 1).unwrap().removed.is_empty(),
            "forgotten once removed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_not_outputs() {
        assert!(check_output(Path::new("/dev/null")).is_err());
        let d = tempfile::tempdir().unwrap();
        assert!(check_output(d.path()).is_err());
        assert!(check_output(&d.path().join("new.epub")).is_ok());
        let f = d.path().join("old.epub");
        std::fs::write(&f, b"x").unwrap();
        assert!(check_output(&f).is_ok());
        let link = d.path().join("null.epub");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        assert!(check_output(&link).is_err());
    }
}
