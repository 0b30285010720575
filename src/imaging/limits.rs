//! What a picture may be, and why one is left out.

/// Largest width or height accepted.
pub const MAX_SIDE: u32 = 16_384;
/// Largest picture accepted, in pixels.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Why a picture is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// A short category for the build report: `tracker`, `too large`, `not an image`,
    /// `undecodable`.
    pub kind: &'static str,
    pub detail: String,
}

pub(super) fn refuse(kind: &'static str, detail: impl Into<String>) -> Refused {
    Refused {
        kind,
        detail: detail.into(),
    }
}
