//! Reading dates as people and web pages write them, and durations for date windows.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::Published;

/// Parse a publication date: RFC 3339 / ISO 8601 (with or without time and zone), RFC 2822,
/// `YYYY/MM/DD`, and US `MM/DD/YYYY`. A time without a zone is taken as UTC.
pub fn parse_published(s: &str) -> Option<Published> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Some(Published { at, has_time: true });
    }
    // ISO with a zone but a space instead of T, or no seconds, or a compact offset.
    for fmt in [
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(at) = DateTime::parse_from_str(s, fmt) {
            return Some(Published { at, has_time: true });
        }
    }
    if let Ok(at) = DateTime::parse_from_rfc2822(s) {
        return Some(Published { at, has_time: true });
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Published {
                at: naive.and_utc().fixed_offset(),
                has_time: true,
            });
        }
    }
    for fmt in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%m/%d/%Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
    ] {
        if let Ok(day) = NaiveDate::parse_from_str(s, fmt) {
            return Some(Published::date_only(day));
        }
    }
    // A longer ISO string with something after the date, e.g. "2024-05-01T10:00:00.000+0000Z".
    if s.len() > 10
        && s.is_char_boundary(10)
        && let Ok(day) = NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d")
    {
        return Some(Published::date_only(day));
    }
    None
}

/// Parse a `--date` value: `YYYY-MM-DD`.
/// A date or time that cannot be read, said with how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("`{0}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-28")]
    NotADate(String),
    #[error("`{0}` is neither a duration (36h, 3d, 2w) nor a date (2026-11-28)")]
    NotAnInstant(String),
    #[error("`{0}` reaches past the dates inkquire can count (back to the year -262143)")]
    OutOfRange(String),
}

pub fn parse_issue_date(s: &str) -> Result<NaiveDate, DateError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| DateError::NotADate(s.to_owned()))
}

/// Parse a duration like `90m`, `36h`, `3d`, `2w`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().ok()?;
    match unit.trim() {
        "m" | "min" | "mins" | "minutes" => Duration::try_minutes(n),
        "h" | "hour" | "hours" => Duration::try_hours(n),
        "d" | "day" | "days" => Duration::try_days(n),
        "w" | "week" | "weeks" => Duration::try_weeks(n),
        _ => None,
    }
}

/// A point in time from `--since`/`--from`/`--to`: a duration back from `now`, or a date
/// (midnight UTC, or the end of that day when `end_of_day`), or a full timestamp.
pub fn parse_instant(
    s: &str,
    now: DateTime<FixedOffset>,
    end_of_day: bool,
) -> Result<DateTime<FixedOffset>, DateError> {
    if let Some(d) = parse_duration(s) {
        return now
            .checked_sub_signed(d)
            .ok_or_else(|| DateError::OutOfRange(s.to_owned()));
    }
    if let Ok(day) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        let t = if end_of_day {
            NaiveTime::from_hms_opt(23, 59, 59).expect("valid time")
        } else {
            NaiveTime::MIN
        };
        return Ok(day.and_time(t).and_utc().fixed_offset());
    }
    if let Some(p) = parse_published(s).filter(|p| p.has_time) {
        return Ok(p.at);
    }
    Err(DateError::NotAnInstant(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_shapes() {
        let p = parse_published("2015-07-24T05:36:09+01:00").unwrap();
        assert!(p.has_time);
        assert_eq!(p.at.to_rfc3339(), "2015-07-24T05:36:09+01:00");
        let p = parse_published("Tue, 10 Jun 2003 04:00:00 GMT").unwrap();
        assert_eq!(p.at.to_rfc3339(), "2003-06-10T04:00:00+00:00");
        let p = parse_published("07/27/2016").unwrap();
        assert!(!p.has_time);
        assert_eq!(p.at.date_naive().to_string(), "2016-07-27");
        assert_eq!(
            parse_published("2024-01-05")
                .unwrap()
                .at
                .date_naive()
                .to_string(),
            "2024-01-05"
        );
        assert!(parse_published("yesterday-ish").is_none());
    }

    #[test]
    fn durations_and_instants() {
        assert_eq!(parse_duration("36h"), Duration::try_hours(36));
        assert_eq!(parse_duration("2w"), Duration::try_days(14));
        assert_eq!(parse_duration("3x"), None);
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z").unwrap();
        assert_eq!(
            parse_instant("3d", now, false).unwrap().to_rfc3339(),
            "2026-11-25T12:00:00+00:00"
        );
        assert_eq!(
            parse_instant("2026-11-01", now, true).unwrap().to_rfc3339(),
            "2026-11-01T23:59:59+00:00"
        );
        assert!(parse_instant("soon", now, false).is_err());
        // A duration past the calendar is refused by name, never a panic.
        for far in [
            "99999999999d",
            "99999999999999999w",
            "9999999999999999999999h",
        ] {
            assert!(
                matches!(
                    parse_instant(far, now, false),
                    Err(DateError::OutOfRange(_)) | Err(DateError::NotAnInstant(_))
                ),
                "{far}"
            );
        }
        assert_eq!(
            parse_instant("99999999999d", now, false),
            Err(DateError::OutOfRange("99999999999d".into()))
        );
    }
}
