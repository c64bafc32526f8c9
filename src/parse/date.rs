//! A front matter date as Jekyll reads it: every `date` goes through Ruby's `Time.parse`
//! ([`ruby_date`](super::ruby_date) models it), so besides `YYYY-MM-DD HH:MM:SS +ZZZZ` it
//! takes `Sat, 05 Mar 2022 23:30:00 +0800`, `March 4, 2022`, `03/04/2022` (3 April), a
//! 12-hour clock, zone names Ruby knows (`UTC`, `GMT`, `EST`, `CST` = US Central, military
//! letters), and rolls a day past the end of its month into the next (`2022-02-30` is 2 March).
//!
//! Parsing records what was written; [`DateValue::resolve`] applies the site's time zone to a
//! date written without one. This module does not decide whether a date is a problem.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::ruby_date::{self, Reading};

/// A date as written in front matter, and what it means.
#[derive(Clone, Debug, PartialEq)]
pub struct PostDate {
    pub raw: String,
    pub parsed: Result<DateValue, DateError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateValue {
    /// The wall-clock date and time (midnight when only a date was given), rolled over as Ruby
    /// rolls it (`2022-02-30` is 2 March, `24:00` the next midnight).
    pub local: NaiveDateTime,
    /// The zone written with the date, when Ruby knows it whatever the site.
    pub offset: Option<FixedOffset>,
    /// A zone written by a name Ruby does not know by itself (`JST`, `北京时间`): it counts
    /// only if it is the name the site's own zone goes by, else Ruby reads the site's clock.
    pub zone_name: Option<String>,
    pub has_time: bool,
    /// The day was past the end of its month (`2022-02-30`), or the time past the end of its
    /// day (`25:10 +0800`), so the date rolled into the next.
    pub rolled_over: bool,
    /// Text Ruby passed over that holds digits or signs (`+ 000` of a mangled zone).
    pub ignored: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    Empty,
    /// Only a zone, such as the real `date:  +0800`.
    ZoneOnly,
    /// Shaped like a date, but a month, day or time out of range (`2021-13-45`, `25:00`).
    NotACalendarDate,
    /// A month and day, or a time, without a year: Jekyll would take the year (and the day)
    /// the site is built on.
    NoYear,
    NotADate,
}

impl DateError {
    pub fn describe(self) -> &'static str {
        match self {
            DateError::Empty => "is empty",
            DateError::ZoneOnly => "has a time zone but no date",
            DateError::NotACalendarDate => "is not a calendar date",
            DateError::NoYear => "has no year: Jekyll dates the post by the day the site is built",
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
    /// The instant this date stands for: its own zone, or else the site's zone (a wall-clock
    /// time skipped or repeated by daylight saving read as Ruby's `Time.local` reads it).
    /// `None` when neither is known.
    pub fn resolve(&self, site_zone: Option<Tz>) -> Option<DateTime<FixedOffset>> {
        if let Some(offset) = self.offset {
            return offset.from_local_datetime(&self.local).single();
        }
        ruby_date::local_in_zone(self.local, site_zone?)
    }
}

/// `Time.parse` of `raw`, without the clock of the day: a date that needs it (no year) is
/// [`DateError::NoYear`].
fn parse_date(raw: &str) -> Result<DateValue, DateError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    let zone_only = text.len() > 1
        && text.starts_with(['+', '-'])
        && text[1..].bytes().all(|b| b.is_ascii_digit() || b == b':');
    if zone_only {
        return Err(DateError::ZoneOnly);
    }
    let parsed = ruby_date::time_parse(text, None)?;
    let (local, offset) = match parsed.reading {
        Reading::At { utc, offset } => (
            utc + Duration::seconds(i64::from(offset)),
            FixedOffset::east_opt(offset),
        ),
        Reading::Local(local) => (local, None),
    };
    let ignored = Some(parsed.rest)
        .filter(|rest| rest.contains(|c: char| c.is_ascii_digit() || c == '+' || c == '-'));
    Ok(DateValue {
        local,
        offset,
        zone_name: parsed.zone_name,
        has_time: parsed.has_time,
        rolled_over: parsed.rolled_over,
        ignored,
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
    fn dates_ruby_reads_beyond_jekylls_own_format() {
        let value = parsed("Sat, 05 Mar 2022 23:30:00 +0800").unwrap();
        assert_eq!(value.local.to_string(), "2022-03-05 23:30:00");
        assert_eq!(value.offset, FixedOffset::east_opt(8 * 3600));
        assert_eq!(
            parsed("March 4, 2022").unwrap().local.to_string(),
            "2022-03-04 00:00:00"
        );
        // Day first, as Ruby reads slashes.
        assert_eq!(
            parsed("03/04/2022 10:00 pm").unwrap().local.to_string(),
            "2022-04-03 22:00:00"
        );
        assert_eq!(
            parsed("2022-03-04 10:00:00 EST").unwrap().offset,
            FixedOffset::west_opt(5 * 3600)
        );
    }

    #[test]
    fn broken_dates() {
        assert_eq!(parsed(" +0800"), Err(DateError::ZoneOnly));
        assert_eq!(parsed("2021-13-45"), Err(DateError::NotACalendarDate));
        assert_eq!(parsed("yesterday"), Err(DateError::NotADate));
        assert_eq!(parsed("2021-12-08 25:00"), Err(DateError::NotADate));
        assert_eq!(parsed("March 4"), Err(DateError::NoYear));
        assert_eq!(parsed(""), Err(DateError::Empty));
        // Ruby rolls a day past the end of its month into the next.
        let rolled = parsed("2021-02-29 10:00").unwrap();
        assert!(rolled.rolled_over);
        assert_eq!(rolled.local.to_string(), "2021-03-01 10:00:00");
        // A zone Ruby does not know is kept by name (the site's clock decides), and text it
        // passes over is kept too; nothing is cut inside a character.
        let named = parsed("2021-12-08 10:00:00 北京时间").unwrap();
        assert_eq!(named.zone_name.as_deref(), Some("北京时间"));
        assert_eq!(named.offset, None);
        let mangled = parsed("2021-12-07 11:45:00 +\u{FFFD}000").unwrap();
        assert_eq!(mangled.ignored.as_deref(), Some("+ 000"));
        assert_eq!(mangled.local.to_string(), "2021-12-07 11:45:00");
        let wide = parsed("2021-12-08 10:00 +０８００").unwrap();
        assert_eq!(wide.offset, None);
        assert_eq!(wide.ignored.as_deref(), Some("+０８００"));
    }

    #[test]
    fn site_zone_applies_to_dates_without_one() {
        let value = parsed("2021-12-08 00:30:00").unwrap();
        let resolved = value.resolve(Some(chrono_tz::Asia::Shanghai)).unwrap();
        assert_eq!(resolved.to_rfc3339(), "2021-12-08T00:30:00+08:00");
        assert!(value.resolve(None).is_none());
    }
}
