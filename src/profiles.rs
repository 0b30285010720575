//! Device profiles: the screen an issue is made for. Images are fitted to it (never enlarged),
//! made grayscale with 16 levels on e-ink, and the cover is drawn at its size.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Profile {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    /// The screen's diagonal in inches (a phone's for `tablet`: the narrowest it is read on).
    pub diagonal: f32,
    /// E-ink: grayscale images with 16 levels.
    pub gray: bool,
    pub about: &'static str,
}

impl Profile {
    /// The screen's width in CSS pixels, at the 160 to the inch e-readers and phones lay out
    /// pages at: about 570 for a 6-inch reader.
    pub fn css_width(&self) -> u32 {
        let (w, h) = (self.width as f32, self.height as f32);
        (self.diagonal * w / (w * w + h * h).sqrt() * 160.0).round() as u32
    }
}

pub const PROFILES: &[Profile] = &[
    Profile {
        name: "generic-eink",
        width: 1072,
        height: 1448,
        diagonal: 6.0,
        gray: true,
        about: "any 6\" e-ink reader (default)",
    },
    Profile {
        name: "kindle",
        width: 1072,
        height: 1448,
        diagonal: 6.0,
        gray: true,
        about: "Kindle (11th gen), 6\" 300 ppi",
    },
    Profile {
        name: "kindle-paperwhite",
        width: 1236,
        height: 1648,
        diagonal: 6.8,
        gray: true,
        about: "Kindle Paperwhite 5, 6.8\"",
    },
    Profile {
        name: "kindle-oasis",
        width: 1264,
        height: 1680,
        diagonal: 7.0,
        gray: true,
        about: "Kindle Oasis, 7\"",
    },
    Profile {
        name: "kindle-scribe",
        width: 1860,
        height: 2480,
        diagonal: 10.2,
        gray: true,
        about: "Kindle Scribe, 10.2\"",
    },
    Profile {
        name: "kobo-clara",
        width: 1072,
        height: 1448,
        diagonal: 6.0,
        gray: true,
        about: "Kobo Clara HD/2E/BW, 6\"",
    },
    Profile {
        name: "kobo-libra",
        width: 1264,
        height: 1680,
        diagonal: 7.0,
        gray: true,
        about: "Kobo Libra 2, 7\"",
    },
    Profile {
        name: "kobo-sage",
        width: 1440,
        height: 1920,
        diagonal: 8.0,
        gray: true,
        about: "Kobo Sage / Forma, 8\"",
    },
    Profile {
        name: "pocketbook-inkpad",
        width: 1404,
        height: 1872,
        diagonal: 7.8,
        gray: true,
        about: "PocketBook InkPad 3/4, 7.8\"",
    },
    Profile {
        name: "tablet",
        width: 1600,
        height: 2560,
        diagonal: 6.0,
        gray: false,
        about: "phones and tablets: colour kept",
    },
];

pub const DEFAULT: &str = "generic-eink";

/// A profile name that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no profile named `{name}`: use one of {}",
    PROFILES.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
)]
pub struct UnknownProfile {
    pub name: String,
}

pub fn find(name: &str) -> Result<Profile, UnknownProfile> {
    PROFILES
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .copied()
        .ok_or_else(|| UnknownProfile {
            name: name.to_owned(),
        })
}

impl Default for Profile {
    fn default() -> Self {
        find(DEFAULT).expect("the default profile exists")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup() {
        assert_eq!(find("Kobo-Clara").unwrap().width, 1072);
        assert!(!find("tablet").unwrap().gray);
        assert!(
            find("nook")
                .unwrap_err()
                .to_string()
                .contains("kindle-scribe")
        );
        assert_eq!(Profile::default().name, "generic-eink");
    }
}
