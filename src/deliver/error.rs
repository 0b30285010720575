//! Why a delivery failed.

use std::path::PathBuf;

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error("e-mail delivery needs an [smtp] table in the config")]
    NoSmtp,
    #[error("no Kindle, Kobo or PocketBook is mounted")]
    NoDevice,
    #[error("cannot copy {} to {}: {source}", from.display(), to.display())]
    Copy {
        from: PathBuf,
        to: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot copy {} to {}: {}", from.display(), to.display(), crate::report::chain(cause))]
    Put {
        from: PathBuf,
        to: PathBuf,
        cause: crate::shelf::WriteError,
    },
    #[error("{0}")]
    Mail(String),
}
