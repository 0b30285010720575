//! Problems met along the way, each tied to the input it concerns.
//!
//! A failure means an input was left out of the issue; a warning means something inside an input
//! was dropped or changed (an image that could not be found, unsafe markup removed) while the
//! article itself made it in. The exit code follows from these: see [`Report::exit_code`].

use serde::Serialize;

/// Exit code: everything went into the issue.
pub const EXIT_OK: i32 = 0;
/// Exit code: the issue was written, but some inputs failed and are not in it.
pub const EXIT_PARTIAL: i32 = 1;
/// Exit code: nothing was written (no input could be read, the selection was empty, or a usage
/// or output error).
pub const EXIT_NOTHING: i32 = 2;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    /// The input it concerns: a path or a URL.
    pub source: String,
    pub message: String,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    pub failures: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl Report {
    pub fn fail(&mut self, source: impl Into<String>, message: impl Into<String>) {
        self.failures.push(Problem {
            source: source.into(),
            message: message.into(),
        });
    }

    pub fn warn(&mut self, source: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Problem {
            source: source.into(),
            message: message.into(),
        });
    }

    pub fn extend(&mut self, other: Report) {
        self.failures.extend(other.failures);
        self.warnings.extend(other.warnings);
    }

    /// The exit code for a run that did (`built`) or did not write an issue.
    pub fn exit_code(&self, built: bool) -> i32 {
        match (built, self.failures.is_empty()) {
            (false, _) => EXIT_NOTHING,
            (true, true) => EXIT_OK,
            (true, false) => EXIT_PARTIAL,
        }
    }
}
