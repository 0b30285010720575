//! An issue's settings, settled once: the command line over the config over the defaults.
//!
//! `build`, `digest` and `digest --dry-run` all come through [`IssueSettings::for_build`], so the
//! title, date, look, cover, date window, selection and output files of an issue are decided in
//! one place. The issue's number is the ledger's to give (`store::Store::reserve_issue`); it is 1
//! for a build that keeps no state.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::config::Config;
use crate::model::Asset;
use crate::packager::{BookFormat, GroupBy, IssueOptions};
use crate::select::Selection;
use crate::shelf::Output;

/// What the command line says about an issue, over the config's `[issue]`. Every field left
/// `None` (or empty) takes the config's value, else the default.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub style: Option<String>,
    pub profile: Option<String>,
    pub format: Option<BookFormat>,
    pub max_size: Option<u64>,
    pub image_quality: Option<u8>,
    pub cover: Option<PathBuf>,
    pub group_by: Option<GroupBy>,
    /// `--since`/`--from`: a duration back from now, a date or time, `last-issue` or `all`.
    pub since: Option<String>,
    /// `--to`: a date (inclusive) or time.
    pub to: Option<String>,
    pub topics: Vec<String>,
    pub limit: Option<usize>,
    /// `-o`: a file, or a folder to name the book in.
    pub output: Option<PathBuf>,
}

impl Overrides {
    /// The selection the command line asks for, and whether it takes only the ledger's pending
    /// articles (`--since last-issue`).
    pub fn selection(
        &self,
        now: DateTime<FixedOffset>,
    ) -> Result<(Selection, bool), SettingsError> {
        let since = match self.since.as_deref() {
            Some(s) => Since::parse(s, now)?,
            None => Since::All,
        };
        let to = match self.to.as_deref() {
            None => None,
            Some(s) => {
                Some(crate::dates::parse_instant(s, now, true).map_err(SettingsError::Window)?)
            }
        };
        let selection = Selection {
            from: since.from(),
            to,
            topics: self.topics.clone(),
            limit: self.limit,
        };
        Ok((selection, since == Since::LastIssue))
    }
}

/// Where the date window starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// No window.
    All,
    /// Only the ledger's pending articles: those no issue holds yet.
    LastIssue,
    /// Articles published at or after this instant.
    From(DateTime<FixedOffset>),
}

impl Since {
    /// `36h`, `3d`, `2026-11-01`, `2026-11-01T06:00`, `last-issue`, `all`.
    pub fn parse(s: &str, now: DateTime<FixedOffset>) -> Result<Since, crate::dates::DateError> {
        Ok(match s.trim() {
            "all" => Since::All,
            "last-issue" => Since::LastIssue,
            t => Since::From(crate::dates::parse_instant(t, now, false)?),
        })
    }

    fn from(self) -> Option<DateTime<FixedOffset>> {
        match self {
            Since::From(t) => Some(t),
            Since::All | Since::LastIssue => None,
        }
    }
}

/// A setting that cannot be used, naming it. Shown to the user as given.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Window(#[from] crate::dates::DateError),
    #[error("since in the config: {0}")]
    ConfigWindow(crate::dates::DateError),
    #[error(transparent)]
    Style(#[from] crate::styles::StyleError),
    #[error(transparent)]
    Profile(#[from] crate::profiles::UnknownProfile),
    #[error("max-size in the config: {0}")]
    MaxSize(crate::units::SizeError),
    #[error("cannot read the cover {}: {source}", path.display())]
    CoverUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the cover {}: {detail}", path.display())]
    CoverRefused { path: PathBuf, detail: String },
    #[error(transparent)]
    Output(#[from] crate::shelf::NotRegularFile),
}

/// An issue's settings, settled.
#[derive(Debug, Clone)]
pub struct IssueSettings {
    /// Title, date, look, profile, cover and format (the number is set when the issue is
    /// reserved in the ledger).
    pub issue: IssueOptions,
    /// Which articles go in.
    pub selection: Selection,
    /// Take only the ledger's pending articles; what the selection leaves out of them stays
    /// pending.
    pub pending_only: bool,
    /// Largest book, in bytes: images are made smaller, then left out, to stay under it.
    pub max_size: Option<u64>,
    /// JPEG quality for pictures, 1–100.
    pub image_quality: u8,
    /// The files the issue is written to.
    pub output: Output,
    /// Where the recorded issue is to be delivered, as (key, label): its outbox entries. With
    /// none, writing the book is its delivery.
    pub deliver_to: Vec<(String, String)>,
}

impl IssueSettings {
    /// Settle the settings for `inkquire build`: the command line over the config over the
    /// defaults. The book goes to `-o` (a file, or a folder to name it in), else the config's
    /// output folder, else the current folder.
    pub fn for_build(
        config: &Config,
        o: &Overrides,
        now: DateTime<FixedOffset>,
    ) -> Result<IssueSettings, SettingsError> {
        let (selection, pending_only) = o.selection(now)?;
        let mut s = Self::look(config, o, now)?;
        s.selection = Selection {
            limit: selection.limit.or(config.issue.limit),
            ..selection
        };
        s.pending_only = pending_only;
        let out_dir = o.output.clone().or(config.issue.output.clone());
        let output = Output::named(
            out_dir.as_deref(),
            &s.issue.title,
            s.issue.date,
            o.output.is_none(),
            s.issue.format,
        );
        crate::shelf::check_output(&output).map_err(SettingsError::Output)?;
        s.output = Output::File(output);
        Ok(s)
    }

    /// Settle the settings for `inkquire digest` (and its dry run): the config over the
    /// defaults. Only pending articles go in, within the config's `since` window; the issue goes
    /// onto the shelf in the config's output folder (`issues` by default), with a KEPUB beside
    /// it when `kepub` is asked for.
    pub fn for_digest(
        config: &Config,
        now: DateTime<FixedOffset>,
        kepub: bool,
    ) -> Result<IssueSettings, SettingsError> {
        let since = match config.issue.since.as_deref() {
            Some(s) => Since::parse(s, now).map_err(SettingsError::ConfigWindow)?,
            None => Since::LastIssue,
        };
        let mut s = Self::look(config, &Overrides::default(), now)?;
        s.selection = Selection {
            from: since.from(),
            to: None,
            topics: Vec::new(),
            limit: config.issue.limit,
        };
        s.pending_only = true;
        // A digest writes the EPUB for every reader, and the KEPUB beside it.
        let kepub = kepub || s.issue.format == BookFormat::Kepub;
        s.issue.format = BookFormat::Epub;
        s.output = Output::Shelf {
            folder: config
                .issue
                .output
                .clone()
                .unwrap_or_else(|| PathBuf::from("issues")),
            title: s.issue.title.clone(),
            date: s.issue.date,
            kepub,
        };
        s.deliver_to = crate::deliver::outbox::targets(&config.deliveries);
        Ok(s)
    }

    fn look(
        config: &Config,
        o: &Overrides,
        now: DateTime<FixedOffset>,
    ) -> Result<IssueSettings, SettingsError> {
        let style = o.style.clone().or(config.issue.style.clone());
        let css = crate::styles::resolve(style.as_deref())?;
        let profile = crate::profiles::find(
            o.profile
                .as_deref()
                .or(config.issue.profile.as_deref())
                .unwrap_or(crate::profiles::DEFAULT),
        )
        .map_err(SettingsError::Profile)?;
        let max_size = match (o.max_size, config.issue.max_size.as_deref()) {
            (Some(m), _) => Some(m),
            (None, Some(s)) => Some(crate::units::parse_size(s).map_err(SettingsError::MaxSize)?),
            (None, None) => None,
        };
        let image_quality = o
            .image_quality
            .or(config.issue.image_quality)
            .unwrap_or(80)
            .clamp(1, 100);
        let cover = match o.cover.as_ref().or(config.issue.cover.as_ref()) {
            None => None,
            Some(path) => Some(cover(path, profile, image_quality)?),
        };
        let date = o.date.unwrap_or_else(|| now.date_naive());
        let title = o
            .title
            .clone()
            .unwrap_or_else(|| config.issue.title.clone());
        Ok(IssueSettings {
            issue: IssueOptions {
                title,
                date,
                number: 1,
                group_by: o.group_by.unwrap_or(config.issue.group_by),
                css,
                modified: match o.date {
                    Some(d) => format!("{d}T00:00:00Z"),
                    None => Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                },
                profile,
                cover,
                format: o.format.unwrap_or(config.issue.format),
            },
            selection: Selection::default(),
            pending_only: false,
            max_size,
            image_quality,
            output: Output::File(PathBuf::new()),
            deliver_to: Vec::new(),
        })
    }
}

/// The user's own cover picture, fitted to the screen.
fn cover(
    path: &std::path::Path,
    profile: crate::profiles::Profile,
    image_quality: u8,
) -> Result<Asset, SettingsError> {
    let bytes = std::fs::read(path).map_err(|source| SettingsError::CoverUnreadable {
        path: path.to_owned(),
        source,
    })?;
    let settings = crate::imaging::Settings {
        max_width: profile.width,
        max_height: profile.height,
        gray: profile.gray,
        quality: image_quality.max(85),
    };
    let p =
        crate::imaging::prepare(&bytes, &settings).map_err(|r| SettingsError::CoverRefused {
            path: path.to_owned(),
            detail: r.detail,
        })?;
    Ok(Asset {
        href: format!("images/cover.{}", p.ext),
        media_type: p.media_type,
        data: std::sync::Arc::new(p.data),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-30T06:00:00+00:00").unwrap()
    }

    #[test]
    fn the_command_line_wins_over_the_config_which_wins_over_the_defaults() {
        let mut config = Config::default();
        config.issue.title = "From Config".into();
        config.issue.limit = Some(7);
        let s = IssueSettings::for_build(&config, &Overrides::default(), now()).unwrap();
        assert_eq!(s.issue.title, "From Config");
        assert_eq!(s.selection.limit, Some(7));
        assert_eq!(s.image_quality, 80);
        assert!(!s.pending_only);
        let o = Overrides {
            title: Some("Given".into()),
            limit: Some(2),
            since: Some("last-issue".into()),
            ..Default::default()
        };
        let s = IssueSettings::for_build(&config, &o, now()).unwrap();
        assert_eq!(
            (s.issue.title.as_str(), s.selection.limit),
            ("Given", Some(2))
        );
        assert!(s.pending_only);
        assert_eq!(s.selection.from, None);
    }

    #[test]
    fn a_digest_takes_pending_articles_within_the_configs_window() {
        let mut config = Config::default();
        let s = IssueSettings::for_digest(&config, now(), false).unwrap();
        assert!(s.pending_only);
        assert_eq!(s.selection.from, None);
        config.issue.since = Some("36h".into());
        let s = IssueSettings::for_digest(&config, now(), false).unwrap();
        assert!(s.pending_only, "since narrows, never widens, a digest");
        assert_eq!(
            s.selection.from.unwrap(),
            now() - chrono::Duration::hours(36)
        );
        config.issue.since = Some("yesterday-ish".into());
        let e = IssueSettings::for_digest(&config, now(), false).unwrap_err();
        assert!(e.to_string().starts_with("since in the config:"), "{e}");
    }
}
