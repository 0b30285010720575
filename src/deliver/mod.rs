//! Stage 5: getting the issue onto the reader — a folder (Syncthing, Dropbox, a mounted reader),
//! a mounted e-reader found by its marker files, or e-mail (Send to Kindle and friends) — through
//! one door, [`deliver`], and a durable outbox ([`outbox`]) that retries what failed.
//!
//! Every copy is atomic (a temporary file named for the book, `.inkquire-<book>.<random>.part`,
//! renamed into place), so a reader or a sync tool never sees half a book, and a later run finds
//! and removes what a killed one left.

pub mod device;
mod error;
pub mod mail;
pub mod mailbox;
pub mod outbox;

use std::path::{Path, PathBuf};

pub use crate::config::{Delivery, Security, SmtpConfig};
pub use device::{Mounted, Reader, find_devices, recognise};
pub use error::DeliverError;
pub use mail::kindle_preflight;

impl Delivery {
    /// Whether this delivery may want the KEPUB flavour.
    pub fn may_want_kepub(&self) -> bool {
        matches!(self, Delivery::Device { .. })
    }

    /// A stable key for the outbox: the config entry itself.
    pub fn key(&self) -> String {
        serde_json::to_string(self).expect("a delivery serializes")
    }

    pub fn describe(&self) -> String {
        match self {
            Delivery::Folder { path } => format!("folder {}", path.display()),
            Delivery::Device { path: Some(p) } => format!("device under {}", p.display()),
            Delivery::Device { path: None } => "a mounted e-reader".to_owned(),
            Delivery::Email { to } => format!("e-mail to {to}"),
        }
    }
}

/// An issue on the shelf, ready to go out.
#[derive(Debug, Clone, Copy)]
pub struct Shelved<'a> {
    pub book: &'a Path,
    /// The KEPUB flavour, for a Kobo.
    pub kepub: Option<&'a Path>,
    pub title: &'a str,
}

/// Deliver one issue to one target; says where it went.
pub fn deliver(
    d: &Delivery,
    smtp: Option<&SmtpConfig>,
    issue: &Shelved<'_>,
) -> Result<String, DeliverError> {
    match d {
        Delivery::Folder { path } => Ok(copy_into(issue.book, path)?.display().to_string()),
        Delivery::Device { path } => {
            let devices = find_devices(path.as_deref());
            if devices.is_empty() {
                return Err(DeliverError::NoDevice);
            }
            let mut done = Vec::new();
            for dev in devices {
                let file = match (dev.reader, issue.kepub) {
                    (Reader::Kobo, Some(k)) => k,
                    _ => issue.book,
                };
                let dest = copy_into(file, &dev.books)?;
                done.push(format!("{:?} at {}", dev.reader, dest.display()));
            }
            Ok(done.join(", "))
        }
        Delivery::Email { to } => {
            let smtp = smtp.ok_or(DeliverError::NoSmtp)?;
            mail::send(smtp, issue.title, to, issue.book)
        }
    }
}

/// Check the delivery settings before anything is built: every problem, each in a sentence.
pub fn check_settings(deliveries: &[Delivery], smtp: Option<&SmtpConfig>) -> Vec<String> {
    let mut problems = Vec::new();
    let mailing = deliveries
        .iter()
        .filter(|d| matches!(d, Delivery::Email { .. }))
        .count();
    for d in deliveries {
        match d {
            Delivery::Email { to } => {
                if to.parse::<lettre::message::Mailbox>().is_err() {
                    problems.push(format!("[[deliver]] e-mail: `{to}` is not an address"));
                }
            }
            Delivery::Folder { path } => {
                if path.exists() && !path.is_dir() {
                    problems.push(format!(
                        "[[deliver]] folder: {} is not a folder",
                        path.display()
                    ));
                }
            }
            Delivery::Device { .. } => {}
        }
    }
    if mailing > 0 {
        match smtp {
            None => problems.push(
                "[[deliver]] kind = \"email\" needs an [smtp] table (host, from, and a password source)"
                    .into(),
            ),
            Some(s) => problems.extend(mail::check(s)),
        }
    }
    problems
}

/// Copy `file` into `dir` atomically; returns the new path. A copy a killed run left half-done
/// is removed first.
pub fn copy_into(file: &Path, dir: &Path) -> Result<PathBuf, DeliverError> {
    let name = file.file_name().unwrap_or_default();
    let dest = dir.join(name);
    let err = |source| DeliverError::Copy {
        from: file.to_owned(),
        to: dest.clone(),
        source,
    };
    crate::shelf::remove_parts_of(&dest);
    let mut src = std::fs::File::open(file).map_err(err)?;
    let put = |cause| DeliverError::Put {
        from: file.to_owned(),
        to: dest.clone(),
        cause,
    };
    let mut out = crate::shelf::AtomicFile::create(&dest).map_err(put)?;
    out.write_with(|w| std::io::copy(&mut src, w).map(drop))
        .map_err(put)?;
    crate::shelf::pause_point("copying");
    out.commit().map_err(put)?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_readers_by_marker_files() {
        let t = tempfile::tempdir().unwrap();
        let kobo = t.path().join("user/KOBOeReader");
        std::fs::create_dir_all(kobo.join(".kobo")).unwrap();
        let kindle = t.path().join("user/Kindle");
        std::fs::create_dir_all(kindle.join("documents")).unwrap();
        std::fs::create_dir_all(kindle.join("system")).unwrap();
        std::fs::create_dir_all(t.path().join("user/usbstick/photos")).unwrap();
        let found = find_devices(Some(t.path()));
        assert_eq!(found.len(), 2, "{found:?}");
        let of = |r: Reader| {
            found
                .iter()
                .find(|m| m.reader == r)
                .expect("found")
                .books
                .clone()
        };
        assert_eq!(of(Reader::Kindle), kindle.join("documents"));
        assert_eq!(of(Reader::Kobo), kobo);
    }

    #[test]
    fn preflight_names_what_send_to_kindle_rejects() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            z.start_file("OEBPS/content.opf", o).unwrap();
            z.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><package><metadata></metadata>\
                <manifest><item id=\"a\" href=\"a.xhtml\"/><item id=\"b\" href=\"b.xhtml\"/></manifest>\
                <spine><itemref idref=\"a\"/><itemref idref=\"b\"/></spine></package>").unwrap();
            z.start_file("OEBPS/toc.ncx", o).unwrap();
            z.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ncx><content src=\"b.xhtml\"/><content src=\"a.xhtml\"/></ncx>").unwrap();
            z.start_file("OEBPS/a.xhtml", o).unwrap();
            z.write_all(b"<html><body id=\"top\"><img alt=\"x\"/></body></html>")
                .unwrap();
            z.start_file("OEBPS/b.xhtml", o).unwrap();
            z.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><html><body><a href=\"a.xhtml#top\">up</a></body></html>").unwrap();
            z.finish().unwrap();
        }
        let problems = kindle_preflight(buf.get_ref()).join("\n");
        for rule in [
            "dc:language",
            "a.xhtml has no XML encoding declaration",
            "<img> without src",
            "<body> id",
            "playOrder",
        ] {
            assert!(problems.contains(rule), "missing `{rule}` in:\n{problems}");
        }
    }

    #[test]
    fn deliveries_parse_from_toml() {
        #[derive(serde::Deserialize)]
        struct W {
            deliver: Vec<Delivery>,
        }
        let w: W = toml::from_str(
            "[[deliver]]\nkind = \"folder\"\npath = \"/x\"\n[[deliver]]\nkind = \"device\"\n[[deliver]]\nkind = \"email\"\nto = \"me@kindle.com\"\n",
        )
        .unwrap();
        assert_eq!(w.deliver.len(), 3);
        assert!(toml::from_str::<W>("[[deliver]]\nkind = \"fax\"\n").is_err());
    }
}
