//! The instant Jekyll gives a post, as Jekyll 4 (with Ruby's Psych) works it out.
//!
//! - An unquoted front matter `date` that YAML reads as a timestamp (`2021-12-08 10:46:18`,
//!   with seconds) is a `Time` before Jekyll sees it: with its zone, or in **UTC** without
//!   one. The site's `timezone` only changes how it is shown.
//! - Anything else — a quoted date, an unquoted date without seconds, a date alone — is a
//!   string, which Jekyll parses with `Time.parse` on the site's clock (`timezone` sets the
//!   process's `TZ`): a zone written in it wins, else the site's zone (UTC when the site sets
//!   none, as on a build machine in UTC). A wall-clock time skipped by a daylight-saving change
//!   is read with the offset in force before it; a time that happens twice is the later one.
//! - Without a front matter date, the file name's day at midnight on the site's clock.
//!
//! The instant is shown on the site's clock (`timezone`); without one, with the offset it was
//! written with (UTC when none).
//!
//! Whole seconds: Jekyll turns a YAML timestamp into text and back, which drops fractions.
//! This module does not say whether a date is a problem; the lint rules do.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use regex::Regex;

pub use crate::parse::ruby_date::local_in_zone;
use crate::parse::ruby_date::{self, Reading};
use crate::parse::Value;

/// Psych's `ScalarScanner::TIME`: the plain scalars YAML turns into a `Time`. Captures the
/// year, month, day, hour, minute, second and zone.
static YAML_TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\A(-?[0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9][0-9]):([0-9][0-9])(?:\.[0-9]*)?(?:[ \t]*(Z|[-+][0-9]{1,2}:?(?:[0-9][0-9])?))?\z",
    )
    .expect("a valid regular expression")
});

/// How a front matter date was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateSource {
    /// An unquoted YAML timestamp with a time and no zone: Jekyll reads it as UTC.
    YamlTimestampWithoutZone,
    /// An unquoted YAML timestamp with its zone.
    YamlTimestamp,
    /// Text Jekyll parses on the site's clock (quoted, date only, no seconds, …).
    Text,
}

/// What a front matter `date` (as `value`, and as `written` in the file) means to Jekyll.
pub fn source_of(value: &Value, written: &str) -> DateSource {
    let written = written.trim();
    let plain = !written.starts_with(['"', '\'', '!']);
    match value.as_str() {
        Some(text) if plain && YAML_TIMESTAMP.is_match(text.trim()) => {
            if zone_of_timestamp(text.trim()).is_some() {
                DateSource::YamlTimestamp
            } else {
                DateSource::YamlTimestampWithoutZone
            }
        }
        _ => DateSource::Text,
    }
}

/// The instant Jekyll uses for a front matter `date`, on the site's clock (`zone`; UTC
/// without one). `None` when Jekyll would refuse it (or parses it in a way not modelled here).
pub fn front_matter_instant(
    value: &Value,
    written: &str,
    zone: Option<Tz>,
) -> Option<DateTime<FixedOffset>> {
    let text = value.to_scalar_string()?;
    let text = text.trim();
    let instant = match source_of(value, written) {
        // A timestamp Psych cannot make (`25:10:00`) stays text, which Jekyll parses.
        DateSource::YamlTimestamp | DateSource::YamlTimestampWithoutZone => {
            match yaml_timestamp(text) {
                Some(instant) => instant.with_nanosecond(0)?,
                None => parse_text(text, zone)?,
            }
        }
        DateSource::Text => parse_text(text, zone)?,
    };
    Some(on_site_clock(instant, zone))
}

/// Midnight of the file name's day on the site's clock.
pub fn file_name_instant(day: NaiveDate, zone: Option<Tz>) -> Option<DateTime<FixedOffset>> {
    let local = day.and_time(NaiveTime::MIN);
    let instant = match zone {
        Some(zone) => local_in_zone(local, zone)?,
        None => Utc.from_utc_datetime(&local).fixed_offset(),
    };
    Some(on_site_clock(instant, zone))
}

/// `instant` shown in the site's zone; without one, as it was written (Jekyll would show it
/// in the build machine's zone, which this model takes as UTC for URLs).
pub fn on_site_clock(instant: DateTime<FixedOffset>, zone: Option<Tz>) -> DateTime<FixedOffset> {
    match zone {
        Some(zone) => instant.with_timezone(&zone).fixed_offset(),
        None => instant,
    }
}

/// `Time.parse` of a date Jekyll reads as text, on the site's clock (`TZ` is the site's
/// `timezone`; UTC without one).
fn parse_text(text: &str, zone: Option<Tz>) -> Option<DateTime<FixedOffset>> {
    match ruby_date::time_parse(text, Some(zone.unwrap_or(Tz::UTC)))
        .ok()?
        .reading
    {
        Reading::At { utc, offset } => Some(FixedOffset::east_opt(offset)?.from_utc_datetime(&utc)),
        Reading::Local(local) => match zone {
            Some(zone) => local_in_zone(local, zone),
            None => Some(Utc.from_utc_datetime(&local).fixed_offset()),
        },
    }
}

/// Psych's `parse_time`: a zone if written, else UTC; the fields checked and rolled over as
/// Ruby's `Time.utc` does (`2021-02-29` is 1 March). `None` when Ruby refuses them (`25:10`):
/// Psych then leaves the text a string.
fn yaml_timestamp(text: &str) -> Option<DateTime<FixedOffset>> {
    let fields = YAML_TIMESTAMP.captures(text)?;
    let number = |index: usize| fields[index].parse::<i64>().ok();
    let wall = ruby_date::time_utc(
        number(1)?,
        number(2)?,
        number(3)?,
        number(4)?,
        number(5)?,
        number(6)?,
    )?;
    let offset = zone_of_timestamp(text).unwrap_or(FixedOffset::east_opt(0)?);
    offset.from_local_datetime(&wall).single()
}

/// The zone written at the end of a YAML timestamp: `Z`, `+8`, `+0800`, `-08:00`.
fn zone_of_timestamp(text: &str) -> Option<FixedOffset> {
    let zone = YAML_TIMESTAMP.captures(text)?.get(7)?.as_str();
    if zone == "Z" {
        return FixedOffset::east_opt(0);
    }
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let zone = &zone[1..];
    let (hours, minutes) = match zone.split_once(':') {
        Some((hours, minutes)) => (hours, minutes),
        None if zone.len() > 2 => zone.split_at(zone.len() - 2),
        None => (zone, "0"),
    };
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(written: &str, zone: Option<Tz>) -> Option<String> {
        let unquoted = written.trim_matches(['"', '\'']);
        front_matter_instant(&Value::String(unquoted.to_owned()), written, zone)
            .map(|instant| instant.to_rfc3339())
    }

    const SHANGHAI: Option<Tz> = Some(chrono_tz::Asia::Shanghai);
    const NEW_YORK: Option<Tz> = Some(chrono_tz::America::New_York);

    #[test]
    fn unquoted_timestamps_without_zone_are_utc() {
        assert_eq!(
            instant("2021-12-08 10:46:18", SHANGHAI).as_deref(),
            Some("2021-12-08T18:46:18+08:00")
        );
        assert_eq!(
            instant("2021-12-08T10:46:18.75", None).as_deref(),
            Some("2021-12-08T10:46:18+00:00")
        );
        assert_eq!(
            source_of(
                &Value::String("2021-12-08 10:46:18".into()),
                "2021-12-08 10:46:18"
            ),
            DateSource::YamlTimestampWithoutZone
        );
    }

    #[test]
    fn quoted_and_short_dates_are_on_the_site_clock() {
        assert_eq!(
            instant("\"2021-12-08 10:46:18\"", SHANGHAI).as_deref(),
            Some("2021-12-08T10:46:18+08:00")
        );
        // Without seconds YAML sees no timestamp: text, on the site's clock.
        assert_eq!(
            instant("2021-12-08 10:46", SHANGHAI).as_deref(),
            Some("2021-12-08T10:46:00+08:00")
        );
        assert_eq!(
            instant("2021-12-08", SHANGHAI).as_deref(),
            Some("2021-12-08T00:00:00+08:00")
        );
        assert_eq!(
            source_of(&Value::String("2021-12-08".into()), "'2021-12-08'"),
            DateSource::Text
        );
    }

    #[test]
    fn written_zones_win() {
        assert_eq!(
            instant("2021-12-08 10:46:18 +0800", NEW_YORK).as_deref(),
            Some("2021-12-07T21:46:18-05:00")
        );
        assert_eq!(
            instant("2021-12-08T02:46:18Z", SHANGHAI).as_deref(),
            Some("2021-12-08T10:46:18+08:00")
        );
        assert_eq!(
            instant("2021-12-08 10:46:18 -5", SHANGHAI).as_deref(),
            Some("2021-12-08T23:46:18+08:00")
        );
        assert_eq!(
            instant("'2021-12-08 10:46:18 +08:00'", None).as_deref(),
            Some("2021-12-08T10:46:18+08:00")
        );
    }

    #[test]
    fn daylight_saving_as_ruby_reads_it() {
        // 02:30 does not exist on 13 March 2022 in New York: read as 02:30 EST = 03:30 EDT.
        assert_eq!(
            instant("\"2022-03-13 02:30:00\"", NEW_YORK).as_deref(),
            Some("2022-03-13T03:30:00-04:00")
        );
        // 01:30 happens twice on 6 November 2022: the later one, in EST.
        assert_eq!(
            instant("\"2022-11-06 01:30:00\"", NEW_YORK).as_deref(),
            Some("2022-11-06T01:30:00-05:00")
        );
        let day = NaiveDate::from_ymd_opt(2022, 3, 13).unwrap();
        assert_eq!(
            file_name_instant(day, NEW_YORK).unwrap().to_rfc3339(),
            "2022-03-13T00:00:00-05:00"
        );
    }

    #[test]
    fn zone_names_as_ruby_reads_them() {
        // CST is US Central to Ruby, whatever the site; JST counts only on a clock in Japan.
        assert_eq!(
            instant("\"2022-03-04 10:00:00 CST\"", SHANGHAI).as_deref(),
            Some("2022-03-05T00:00:00+08:00")
        );
        assert_eq!(
            instant("\"2022-03-04 10:00:00 JST\"", SHANGHAI).as_deref(),
            Some("2022-03-04T10:00:00+08:00")
        );
        assert_eq!(
            instant("\"2022-03-04 10:00:00 JST\"", Some(chrono_tz::Asia::Tokyo)).as_deref(),
            Some("2022-03-04T10:00:00+09:00")
        );
        // A day past the end of its month rolls over, as in Ruby.
        assert_eq!(
            instant("2021-02-30", SHANGHAI).as_deref(),
            Some("2021-03-02T00:00:00+08:00")
        );
    }

    #[test]
    fn refused_dates() {
        assert_eq!(instant("yesterday", SHANGHAI), None);
        assert_eq!(instant("March 4", SHANGHAI), None, "no year");
        assert_eq!(instant("2021-02-30 24:30", SHANGHAI), None);
        assert_eq!(
            front_matter_instant(&Value::Null, "", SHANGHAI),
            None,
            "an empty date"
        );
    }
}
