//! Stage 3: put formatted articles into an issue and write it as an EPUB.
//!
//! [`assemble`] groups articles into sections and settles the issue's metadata and cover;
//! [`epub::write`] lays the issue out as EPUB 3 documents with an EPUB 2 NCX and streams the zip
//! into an [`AtomicFile`], which puts it in place through a temporary file, so a reader never
//! sees half a book.
//!
//! The container is written directly over `zip` rather than with `epub-builder`: that crate's
//! output is not byte-stable (current time in `dcterms:modified` and zip entries), its NCX lacks
//! `dtb:uid` and depth, and 0.8.3 writes duplicate ids (see ARCHITECTURE.md).

pub mod cover;
pub mod epub;
pub mod kepub;

use std::collections::BTreeMap;
use std::io::{Seek, Write};
use std::path::Path;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};

use crate::collector::title_case;
use crate::formatter::human_date;
use crate::model::{Asset, FormattedArticle, Issue, IssueMeta, Section};

/// How articles are grouped into sections.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    /// One section per topic (an article goes under its first topic).
    #[default]
    Topic,
    /// One section per source (site, feed or folder).
    Source,
    /// One section per day, newest first.
    Date,
    /// No sections: articles straight under the contents.
    None,
}

/// Settings for the issue as a whole.
#[derive(Debug, Clone)]
pub struct IssueOptions {
    pub title: String,
    pub date: NaiveDate,
    pub number: u32,
    pub group_by: GroupBy,
    pub css: String,
    /// `dcterms:modified`, already formatted (`2026-11-28T06:00:00Z`).
    pub modified: String,
    /// The screen the issue is made for (cover size, image fitting).
    pub profile: crate::profiles::Profile,
    /// The user's own cover, already prepared; `None` draws one.
    pub cover: Option<Asset>,
    pub format: BookFormat,
}

/// Which kind of EPUB to write.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum BookFormat {
    /// A standard EPUB 3 (with an EPUB 2 NCX): every reader.
    #[default]
    Epub,
    /// Kobo's KEPUB (`.kepub.epub`): sentence spans for Kobo's reader; still a valid EPUB.
    Kepub,
}

/// Group `articles` (already in reading order) into an issue.
pub fn assemble(articles: Vec<FormattedArticle>, opts: &IssueOptions) -> Issue {
    let lang = majority_lang(&articles);
    let sections = group(articles, opts.group_by, &opts.title);
    let headlines: Vec<&str> = sections
        .iter()
        .flat_map(|s| s.articles.first())
        .chain(sections.iter().flat_map(|s| s.articles.iter().skip(1)))
        .map(|a| a.title.as_str())
        .take(8)
        .collect();
    let date_line = format!("{} · No. {}", long_date(opts.date), opts.number);
    let cover = opts.cover.clone().unwrap_or_else(|| Asset {
        href: "images/cover.png".into(),
        media_type: "image/png",
        data: std::sync::Arc::new(cover::render(&cover::CoverText {
            title: &opts.title,
            date_line: &date_line,
            headlines,
            width: opts.profile.width,
            height: opts.profile.height,
            eink: opts.profile.gray,
        })),
    });
    let identifier = format!(
        "urn:uuid:{}",
        uuid_from(&format!(
            "inkquire\n{}\n{}\n{}",
            opts.title, opts.date, opts.number
        ))
    );
    Issue {
        meta: IssueMeta {
            title: opts.title.clone(),
            date: opts.date,
            number: opts.number,
            lang,
            identifier,
            modified: opts.modified.clone(),
            sectioned: opts.group_by != GroupBy::None,
        },
        sections,
        css: opts.css.clone(),
        cover,
        kepub: opts.format == BookFormat::Kepub,
    }
}

fn group(articles: Vec<FormattedArticle>, by: GroupBy, issue_title: &str) -> Vec<Section> {
    if by == GroupBy::None {
        return vec![Section {
            title: issue_title.to_owned(),
            articles,
        }];
    }
    // Key → (sort key, title). BTreeMap keeps sections in a stable order.
    let mut groups: BTreeMap<String, Section> = BTreeMap::new();
    for a in articles {
        let (key, title) = match by {
            GroupBy::Topic => match a.topics.first() {
                Some(t) => (format!("0{t}"), title_case(t)),
                None => ("1".to_owned(), "Other".to_owned()),
            },
            GroupBy::Source => (format!("0{}", a.source.to_lowercase()), a.source.clone()),
            GroupBy::Date => match a.published {
                // Newest day first: sort on the inverted day number.
                Some(p) => {
                    let d = p.at.date_naive();
                    (
                        format!("0{:08}", 99_999_999 - d.num_days_from_ce()),
                        long_date(d),
                    )
                }
                None => ("1".to_owned(), "Undated".to_owned()),
            },
            GroupBy::None => unreachable!(),
        };
        groups
            .entry(key)
            .or_insert_with(|| Section {
                title,
                articles: Vec::new(),
            })
            .articles
            .push(a);
    }
    groups.into_values().collect()
}

/// "Friday 27 November 2026".
pub fn long_date(d: NaiveDate) -> String {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    format!(
        "{} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        human_date(d)
    )
}

/// The most common article language (ties: the first seen), or English.
fn majority_lang(articles: &[FormattedArticle]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for a in articles {
        match counts.iter_mut().find(|(l, _)| *l == a.lang) {
            Some(c) => c.1 += 1,
            None => counts.push((a.lang.clone(), 1)),
        }
    }
    let best = counts.iter().map(|c| c.1).max().unwrap_or(0);
    counts
        .into_iter()
        .find(|c| c.1 == best)
        .map(|c| c.0)
        .unwrap_or_else(|| "en".to_owned())
}

/// A name-based (version 5 style, SHA-1) UUID: the same name always gives the same id.
fn uuid_from(name: &str) -> String {
    let mut b = sha1_smol::Sha1::from(name).digest().bytes();
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b[..16].iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Write `bytes` to `path` through a temporary file in the same folder, renamed into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_with(|w| Ok(w.write_all(bytes)?))?;
    file.commit()
}

/// A file written through a temporary file in the same folder and renamed into place by
/// [`AtomicFile::commit`]: a reader never sees half of it, and if anything fails (or the
/// value is dropped) the old file at `path` is left as it was and the temporary file removed.
pub struct AtomicFile {
    path: std::path::PathBuf,
    tmp: tempfile::NamedTempFile,
    fault: Option<Fault>,
}

impl AtomicFile {
    /// Create the temporary file beside `path` (and the folder, if it is missing).
    pub fn create(path: &Path) -> anyhow::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        let fault = injected_fault();
        let tmp = match fault {
            Some(Fault::ReadOnly) => Err(std::io::Error::from_raw_os_error(EROFS)),
            _ => tempfile::Builder::new()
                .prefix(&crate::shelf::part_prefix(path))
                .suffix(".part")
                .tempfile_in(dir),
        }
        .with_context(|| format!("cannot write in {}", dir.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            fault,
        })
    }

    /// Write the whole file with `fill` (whatever an earlier call wrote is dropped first);
    /// returns the file's size.
    pub fn write_with(
        &mut self,
        fill: impl FnOnce(&mut dyn WriteSeek) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let path = self.path.display().to_string();
        let fault = self.fault;
        let file = self.tmp.as_file_mut();
        let run = || -> anyhow::Result<u64> {
            file.set_len(0)?;
            file.rewind()?;
            let mut out = std::io::BufWriter::with_capacity(
                256 * 1024,
                FaultyWriter {
                    inner: &mut *file,
                    room: match fault {
                        Some(Fault::DiskFull) => 16 * 1024,
                        _ => u64::MAX,
                    },
                },
            );
            fill(&mut out)?;
            out.flush()?;
            drop(out);
            Ok(file.stream_position()?)
        };
        run().with_context(|| format!("cannot write {path}"))
    }

    /// Sync the file to the disk and move it to its path.
    pub fn commit(self) -> anyhow::Result<()> {
        let path = &self.path;
        self.tmp
            .as_file()
            .sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
        // A temporary file is private (0600); a book is for reading by whoever may read the
        // folder.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        self.tmp
            .persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot move the finished book to {}", path.display()))?;
        Ok(())
    }
}

/// What [`AtomicFile::write_with`] writes into.
pub trait WriteSeek: Write + Seek {}
impl<T: Write + Seek> WriteSeek for T {}

/// The file under an [`AtomicFile`]; with the disk-full fault it takes `room` bytes, then
/// fails as a full disk does.
struct FaultyWriter<'a> {
    inner: &'a mut std::fs::File,
    room: u64,
}

impl Write for FaultyWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::from_raw_os_error(ENOSPC));
        }
        let take = buf.len().min(self.room.min(usize::MAX as u64) as usize);
        let n = self.inner.write(&buf[..take])?;
        self.room = self.room.saturating_sub(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Seek for FaultyWriter<'_> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// `errno` values of Linux, for the simulated faults' messages.
const EROFS: i32 = 30;
const ENOSPC: i32 = 28;

/// A write failure to simulate: the seam through which tests reach the paths a full or
/// read-only disk takes (tests run as root, which ignores permissions). Set by the environment
/// variable `INKQUIRE_FAULT` = `disk-full` | `read-only`; nothing else reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    DiskFull,
    ReadOnly,
}

fn injected_fault() -> Option<Fault> {
    match std::env::var("INKQUIRE_FAULT").ok()?.as_str() {
        "disk-full" => Some(Fault::DiskFull),
        "read-only" => Some(Fault::ReadOnly),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_is_stable_and_versioned() {
        let a = uuid_from("x");
        assert_eq!(a, uuid_from("x"));
        assert_ne!(a, uuid_from("y"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
    }

    /// A second write replaces the first whole (a shorter one leaves no tail), nothing is at the
    /// path before `commit`, and a file dropped unfinished leaves the old one and no litter.
    #[test]
    fn an_atomic_file_is_rewritten_whole_and_appears_only_on_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("book.epub");
        std::fs::write(&path, b"old book").expect("old book");
        let mut f = AtomicFile::create(&path).expect("create");
        assert_eq!(
            f.write_with(|w| Ok(w.write_all(&[7u8; 5000])?)).unwrap(),
            5000
        );
        assert_eq!(f.write_with(|w| Ok(w.write_all(b"short")?)).unwrap(), 5);
        assert_eq!(std::fs::read(&path).unwrap(), b"old book");
        f.commit().expect("commit");
        assert_eq!(std::fs::read(&path).unwrap(), b"short");

        let mut f = AtomicFile::create(&path).expect("create");
        let err = f
            .write_with(|w| {
                w.write_all(b"half")?;
                anyhow::bail!("the disk went away")
            })
            .unwrap_err();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"short");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["book.epub"]);
    }

    #[test]
    fn long_dates() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2016, 7, 27).unwrap()),
            "Wednesday 27 July 2016"
        );
    }
}
