//! Why a build failed as a whole.

use crate::shelf;
use crate::store::StoreError;

/// Why a build failed as a whole (problems with single inputs are in its report instead).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Collected articles could not be saved.
    #[error("the ledger could not be written")]
    Collect(#[source] StoreError),
    #[error(transparent)]
    Ledger(#[from] StoreError),
    /// The book (or the KEPUB) could not be put in place; the old file is as it was.
    #[error(transparent)]
    Write(#[from] shelf::WriteError),
    /// The output path is not one a book may be written to.
    #[error(transparent)]
    Output(#[from] shelf::NotRegularFile),
}

impl BuildError {
    /// What kind of failure, for the command line's advice.
    pub fn kind(&self) -> crate::report::Kind {
        match self {
            BuildError::Collect(e) | BuildError::Ledger(e) => e.kind(),
            BuildError::Write(e) => e.kind(),
            BuildError::Output(_) => crate::report::Kind::Disk,
        }
    }
}
