//! Editing the config file (`add`, `init`): one editor at a time, each seeing the others'
//! changes, the file replaced whole.

use std::path::{Path, PathBuf};

/// A config file held for editing (`add`, `init`): the lock on its folder is taken before the
/// file is read and held until the new text is in place, so two editors at once each see the
/// other's change (eight `add`s at once leave eight sources). The folder itself is locked, not
/// a file beside the config: the config is replaced by a rename, which a lock on the file would
/// not survive, and no lock file is left next to the user's own files.
pub struct ConfigEdit {
    path: PathBuf,
    text: Option<String>,
    _lock: std::fs::File,
}

impl ConfigEdit {
    /// Lock the folder of `path` (made when missing), waiting for another editor, then read the
    /// file as it is now (`None` when there is none yet).
    pub fn open(path: &Path) -> anyhow::Result<ConfigEdit> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let lock_error =
            |e: std::io::Error| anyhow::anyhow!("cannot lock {} for editing: {e}", path.display());
        std::fs::create_dir_all(dir).map_err(lock_error)?;
        let lock = std::fs::File::open(dir).map_err(lock_error)?;
        lock.lock().map_err(lock_error)?;
        let text = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        };
        Ok(ConfigEdit {
            path: path.to_owned(),
            text,
            _lock: lock,
        })
    }

    /// The file's text when the lock was taken, if there was a file.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Put `text` in place of the file (through a temporary file renamed over it, keeping the
    /// file's permissions: a config may be private), then let the next editor in.
    pub fn save(self, text: &str) -> anyhow::Result<()> {
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(&self.path)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o644)
        };
        #[cfg(not(unix))]
        let mode = 0o644;
        let mut file = inkquire::shelf::AtomicFile::create(&self.path)?;
        file.write_with(|w| w.write_all(text.as_bytes()))?;
        file.commit_with_mode(mode)?;
        Ok(())
    }
}
