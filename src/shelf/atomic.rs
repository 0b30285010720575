//! Files put in place whole: written through a temporary file beside the destination (named
//! `.inkquire-<name>.<random>.part`, see [`part_prefix`]) and renamed over it, so a
//! reader never sees half a book, and a failure leaves the old file as it was.

use std::io::{Seek, Write};
use std::path::Path;

use std::path::PathBuf;

use crate::report::Kind;

/// Why a file could not be put in place (the old one, if any, is as it was).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create output folder {}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write in {}", path.display())]
    Temporary {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("cannot move the finished book to {}", path.display())]
    Rename {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl WriteError {
    /// What kind of failure: the disk's, unless what filled the file failed otherwise.
    pub fn kind(&self) -> Kind {
        match self {
            WriteError::Folder { source, .. }
            | WriteError::Temporary { source, .. }
            | WriteError::Rename { source, .. } => Kind::of_io(source),
            WriteError::Write { source, .. } => {
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&**source);
                while let Some(c) = cause {
                    if let Some(io) = c.downcast_ref::<std::io::Error>() {
                        return Kind::of_io(io);
                    }
                    cause = c.source();
                }
                Kind::Other
            }
        }
    }
}

/// Write `bytes` to `path` through a temporary file in the same folder, renamed into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = AtomicFile::create(path)?;
    file.write_with(|w| w.write_all(bytes))?;
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
    pub fn create(path: &Path) -> Result<AtomicFile, WriteError> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(|source| WriteError::Folder {
            path: dir.to_owned(),
            source,
        })?;
        let fault = injected_fault();
        let tmp = match fault {
            Some(Fault::ReadOnly) => Err(std::io::Error::from_raw_os_error(EROFS)),
            _ => tempfile::Builder::new()
                .prefix(&part_prefix(path))
                .suffix(".part")
                .tempfile_in(dir),
        }
        .map_err(|source| WriteError::Temporary {
            path: dir.to_owned(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            fault,
        })
    }

    /// Write the whole file with `fill` (whatever an earlier call wrote is dropped first);
    /// returns the file's size.
    pub fn write_with<E>(
        &mut self,
        fill: impl FnOnce(&mut dyn WriteSeek) -> Result<(), E>,
    ) -> Result<u64, WriteError>
    where
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let fault = self.fault;
        let file = self.tmp.as_file_mut();
        let run = || -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
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
            fill(&mut out).map_err(Into::into)?;
            out.flush()?;
            drop(out);
            Ok(file.stream_position()?)
        };
        run().map_err(|source| WriteError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Sync the file to the disk and move it to its path, readable by whoever may read the
    /// folder (0644).
    pub fn commit(self) -> Result<(), WriteError> {
        self.commit_with_mode(0o644)
    }

    /// [`AtomicFile::commit`], with these permission bits (on Unix; a private file keeps 0600).
    #[cfg_attr(not(unix), allow(unused_variables))]
    pub fn commit_with_mode(self, mode: u32) -> Result<(), WriteError> {
        let path = &self.path;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|source| WriteError::Write {
                path: path.clone(),
                source: source.into(),
            })?;
        // A temporary file is private (0600); a book is for reading by whoever may read the
        // folder.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(|source| WriteError::Write {
                    path: path.clone(),
                    source: source.into(),
                })?;
        }
        self.tmp
            .persist(path)
            .map_err(|e| e.error)
            .map_err(|source| WriteError::Rename {
                path: path.clone(),
                source,
            })?;
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

/// The prefix of temporary files inkquire writes beside `dest` (`.inkquire-<name>.`, the name
/// cut to 120 bytes so the whole stays within a file system's 255).
pub fn part_prefix(dest: &Path) -> String {
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let mut cut = name.len().min(120);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(".inkquire-{}.", &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A second write replaces the first whole (a shorter one leaves no tail), nothing is at the
    /// path before `commit`, and a file dropped unfinished leaves the old one and no litter.
    #[test]
    fn an_atomic_file_is_rewritten_whole_and_appears_only_on_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("book.epub");
        std::fs::write(&path, b"old book").expect("old book");
        let mut f = AtomicFile::create(&path).expect("create");
        assert_eq!(f.write_with(|w| w.write_all(&[7u8; 5000])).unwrap(), 5000);
        assert_eq!(f.write_with(|w| w.write_all(b"short")).unwrap(), 5);
        assert_eq!(std::fs::read(&path).unwrap(), b"old book");
        f.commit().expect("commit");
        assert_eq!(std::fs::read(&path).unwrap(), b"short");

        let mut f = AtomicFile::create(&path).expect("create");
        let err = f
            .write_with(|w| {
                w.write_all(b"half")?;
                Err(std::io::Error::from_raw_os_error(ENOSPC))
            })
            .unwrap_err();
        assert!(err.to_string().starts_with("cannot write"), "{err}");
        assert_eq!(err.kind(), Kind::Disk);
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"short");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["book.epub"]);
    }
}
