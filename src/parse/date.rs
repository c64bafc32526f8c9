//! Jekyll's date formats: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]`, with `T` or a space,
//! and an optional zone (` +0800`, `+08:00`, ` -04`, `Z`).
//!
//! Parsing records what was written; [`DateValue::resolve`] applies the site's time zone to a
//! date written without one. This module does not decide whether a date is a problem.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// A date as written in front matter, and what it means.
#[derive(Clone, Debug, PartialEq)]
pub struct PostDate {
    pub raw: String,
    pub parsed: Result<DateValue, DateError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateValue {
    /// The wall-clock date and time as written (midnight when only a date was given).
    pub local: NaiveDateTime,
    /// The zone written with the date, if any.
    pub offset: Option<FixedOffset>,
    pub has_time: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    Empty,
    /// Only a zone, such as the real `date:  +0800`.
    ZoneOnly,
    /// Shaped like a date, but not a day of the calendar (`2021-13-45`).
    NotACalendarDate,
    NotADate,
}

impl DateError {
    pub fn describe(self) -> &'static str {
        match self {
            DateError::Empty => "is empty",
            DateError::ZoneOnly => "has a time zone but no date",
            DateError::NotACalendarDate => "is not a calendar date",
            DateError::NotADate => "is not a date Jekyll understands",
        }
    }
}

impl PostDate {
    pub fn parse(raw: &str) -> PostDate {
        PostDate {
            raw: raw.to_owned(),
            parsed: parse_date(raw),
        }
    }
}

impl DateValue {
    /// The instant this date stands for: its own zone, or else the site's zone.
    /// `None` when neither is known.
    pub fn resolve(&self, site_zone: Option<Tz>) -> Option<DateTime<FixedOffset>> {
        if let Some(offset) = self.offset {
            return offset.from_local_datetime(&self.local).single();
        }
        let zone = site_zone?;
        let local = zone.from_local_datetime(&self.local);
        let instant = local.earliest().or_else(|| {
            // In a daylight-saving gap: the wall-clock time does not exist; move past the gap.
            zone.from_local_datetime(&(self.local + chrono::Duration::hours(1)))
                .earliest()
        })?;
        Some(instant.fixed_offset())
    }
}

fn parse_date(raw: &str) -> Result<DateValue, DateError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    let (rest, offset) = split_zone(text);
    let rest = rest.trim_end();
    if rest.is_empty() {
        return Err(if offset.is_some() {
            DateError::ZoneOnly
        } else {
            DateError::NotADate
        });
    }
    let (date_part, time_part) = match rest.find(['T', 't', ' ']) {
        Some(position) => (&rest[..position], Some(rest[position + 1..].trim_start())),
        None => (rest, None),
    };
    let date = parse_calendar_date(date_part)?;
    let time = match time_part {
        None => None,
        Some(time) => Some(parse_time(time).ok_or(DateError::NotADate)?),
    };
    Ok(DateValue {
        local: date.and_time(time.unwrap_or(NaiveTime::MIN)),
        offset,
        has_time: time.is_some(),
    })
}

/// `YYYY-M-D` with one- or two-digit month and day, as Jekyll accepts in file names too.
pub fn parse_calendar_date(text: &str) -> Result<NaiveDate, DateError> {
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::NotADate);
    };
    let digits = |part: &str, min: usize, max: usize| {
        (min..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4, 4) && digits(month, 1, 2) && digits(day, 1, 2)) {
        return Err(DateError::NotADate);
    }
    let number = |part: &str| part.parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(number(year) as i32, number(month), number(day))
        .ok_or(DateError::NotACalendarDate)
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(text, format).ok())
}

/// Split a trailing zone off: `Z`, `+HHMM`, `+HH:MM`, or ` +HH` after a space.
fn split_zone(text: &str) -> (&str, Option<FixedOffset>) {
    if let Some(rest) = text.strip_suffix(['Z', 'z']) {
        if rest.ends_with(|c: char| c.is_ascii_digit()) {
            return (rest, FixedOffset::east_opt(0));
        }
    }
    let bytes = text.as_bytes();
    for (length, has_colon) in [(6, true), (5, false), (3, false)] {
        // A zone is ASCII: a text ending in other characters (`北京时间`) has none, and
        // must not be cut inside one.
        if bytes.len() < length || !text.is_char_boundary(bytes.len() - length) {
            continue;
        }
        let start = bytes.len() - length;
        let zone = &text[start..];
        let sign = match zone.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => continue,
        };
        let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
        let colon_ok = if has_colon {
            zone.as_bytes()[3] == b':'
        } else {
            !zone.contains(':')
        };
        if !colon_ok || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let before = &text[..start];
        // `2022-03-29` must not read as a zone `-29`: a bare `+HH` needs a space before it,
        // and a four-digit zone needs a space or the end of a time before it.
        let separated = before.is_empty() || before.ends_with(' ');
        let after_time = before.len() >= 5 && before.as_bytes()[before.len() - 3] == b':';
        if !(separated || (length > 3 && after_time)) {
            continue;
        }
        let hours: i32 = digits[..2].parse().unwrap_or(99);
        let minutes: i32 = digits
            .get(2..4)
            .map_or(Some(0), |m| m.parse().ok())
            .unwrap_or(99);
        if hours > 23 || minutes > 59 {
            continue;
        }
        return (
            before,
            FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)),
        );
    }
    (text, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Result<DateValue, DateError> {
        PostDate::parse(raw).parsed
    }

    #[test]
    fn jekyll_formats() {
        let value = parsed("2022-03-29 13:54:28 +0800").unwrap();
        assert_eq!(value.offset, FixedOffset::east_opt(8 * 3600));
        assert_eq!(value.local.to_string(), "2022-03-29 13:54:28");
        assert!(parsed("2021-12-08 10:18:31").unwrap().offset.is_none());
        assert!(!parsed("2022-06-29").unwrap().has_time);
        assert_eq!(
            parsed("2017-10-26T15:12:19-04:00").unwrap().offset,
            FixedOffset::west_opt(4 * 3600)
        );
        assert_eq!(
            parsed("2020-01-01T00:00:00Z").unwrap().offset,
            FixedOffset::east_opt(0)
        );
        assert!(parsed("2021-12-08 12:39").unwrap().has_time);
        assert_eq!(
            parsed("2021-1-8 09:00 -05").unwrap().offset,
            FixedOffset::west_opt(5 * 3600)
        );
    }

    #[test]
    fn broken_dates() {
        assert_eq!(parsed(" +0800"), Err(DateError::ZoneOnly));
        assert_eq!(parsed("2021-13-45"), Err(DateError::NotACalendarDate));
        assert_eq!(parsed("2021-02-29 10:00"), Err(DateError::NotACalendarDate));
        assert_eq!(parsed("yesterday"), Err(DateError::NotADate));
        assert_eq!(parsed("2021-12-08 25:00"), Err(DateError::NotADate));
        assert_eq!(parsed(""), Err(DateError::Empty));
        // Non-ASCII where a zone would be: no zone, and no slicing inside a character.
        assert_eq!(
            parsed("2021-12-08 10:00:00 北京时间"),
            Err(DateError::NotADate)
        );
        assert_eq!(
            parsed("2021-12-07 11:45:00 +\u{FFFD}000"),
            Err(DateError::NotADate)
        );
        assert_eq!(
            parsed("2021-12-08 10:00 +０８００"),
            Err(DateError::NotADate)
        );
    }

    #[test]
    fn site_zone_applies_to_dates_without_one() {
        let value = parsed("2021-12-08 00:30:00").unwrap();
        let resolved = value.resolve(Some(chrono_tz::Asia::Shanghai)).unwrap();
        assert_eq!(resolved.to_rfc3339(), "2021-12-08T00:30:00+08:00");
        assert!(value.resolve(None).is_none());
    }
}
