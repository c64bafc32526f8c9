//! How Ruby reads a date written as text: `Date._parse` (the fields it finds) and the part of
//! `Time.parse` that turns them into a wall-clock time (Ruby 3.1, which Jekyll 4 runs on).
//! Jekyll passes every front matter `date` through `Time.parse`, so `Sat, 05 Mar 2022 23:30:00
//! +0800`, `March 4, 2022`, `4 Mar 22`, `2022/3/4 10:00 pm` and `03/04/2022` (3 April: day
//! first) are all dates to it.
//!
//! `Date._parse` is a chain of patterns tried on the text in a fixed order; each one that
//! matches takes its text out (replaced by a space) and sets fields: a weekday, a time with its
//! zone, then the first of day-month-year, month-day-year, `Y-M-D`, `D-Mon-Y`, `a/b/c`,
//! `a.b.c`, ordinal dates, an apostrophe year, a month name, an ordinal day, a run of digits;
//! then a lone number is an hour or a day. Which of three numbers is the year is decided as
//! Ruby does (a number of more than two digits or with an apostrophe). Not modelled: Japanese
//! era dates (`H30.03.04`) and eras before Christ beyond a `BC` year.
//!
//! Checked against Ruby itself by `tests/ruby_dates.rs`.

use std::sync::LazyLock;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone,
};
use chrono_tz::{OffsetName, Tz};
use regex::{Captures, Regex};

use super::date::DateError;

/// What `Time.parse` makes of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeParse {
    pub reading: Reading,
    /// A clock time was written.
    pub has_time: bool,
    /// The day was past the end of its month (`2022-02-30`), or the time past the end of its
    /// day (`25:10 +0800`), and rolled into the next.
    pub rolled_over: bool,
    /// A zone written by a name `Time.parse` could not turn into an offset (`北京时间`, or
    /// `JST` on a clock that is not Japan's): the time is then read on the local clock.
    pub zone_name: Option<String>,
    /// What no pattern took, spaces squeezed.
    pub rest: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The text named its offset: the instant, as UTC, and the offset (seconds east).
    At { utc: NaiveDateTime, offset: i32 },
    /// A wall-clock time, to be read on the local clock.
    Local(NaiveDateTime),
}

impl Reading {
    /// The same clock time moved to `day` (on the clock it was written for).
    fn on_day(self, day: NaiveDate) -> Reading {
        match self {
            Reading::At { utc, offset } => {
                let wall = utc + Duration::seconds(i64::from(offset));
                Reading::At {
                    utc: utc + (day - wall.date()),
                    offset,
                }
            }
            Reading::Local(local) => Reading::Local(local + (day - local.date())),
        }
    }
}

/// `Time.parse(text)` with the local clock `local_zone` (`None`: a zone's own names are not
/// known, only those Ruby knows everywhere). A text without a year, which Ruby completes from
/// the day it runs, is [`DateError::NoYear`].
pub fn time_parse(text: &str, local_zone: Option<Tz>) -> Result<TimeParse, DateError> {
    let fields = date_parse(text);
    let found = [
        fields.year,
        fields.mon,
        fields.mday,
        fields.yday,
        fields.hour,
        fields.min,
        fields.sec,
    ];
    if fields.week || found.iter().all(Option::is_none) {
        return Err(DateError::NotADate);
    }
    let out_of = |value: Option<i64>, range: std::ops::RangeInclusive<i64>| {
        value.is_some_and(|value| !range.contains(&value))
    };
    let Some(year) = fields.year else {
        // Ruby fills the year (and what is missing above the first field written) from today,
        // then refuses what no day has.
        if out_of(fields.mon, 1..=12) || out_of(fields.mday, 1..=31) {
            return Err(DateError::NotADate);
        }
        return Err(DateError::NoYear);
    };
    let mut wall = Wall {
        year,
        mon: fields.mon.unwrap_or(1),
        day: fields.mday.unwrap_or(1),
        hour: fields.hour.unwrap_or(0),
        min: fields.min.unwrap_or(0),
        sec: fields.sec.unwrap_or(0),
    };
    if let Some(yday) = fields.yday {
        let day = i32::try_from(year)
            .ok()
            .zip(u32::try_from(yday).ok())
            .and_then(|(year, yday)| NaiveDate::from_yo_opt(year, yday))
            .ok_or(DateError::NotACalendarDate)?;
        (wall.mon, wall.day) = (i64::from(day.month()), i64::from(day.day()));
    }
    // Past the end of its month, or of its day (an hour Ruby takes only because the offset
    // brings it back in range).
    let rolled_over = month_days(wall.year, wall.mon).is_some_and(|days| wall.day > days)
        || wall.hour > 24
        || (wall.hour == 24 && (wall.min, wall.sec) != (0, 0));
    let offset = fields
        .zone
        .as_deref()
        .and_then(|zone| zone_offset(zone).or_else(|| local_zone_named(zone, year, local_zone?)));
    let zone_name = fields.zone.clone().filter(|_| offset.is_none());
    let target = NaiveDate::from_ymd_opt(year as i32, wall.mon as u32, wall.day as u32);
    let mut reading = match offset {
        Some(offset) => {
            if offset != 0 {
                wall.apply_offset(i64::from(offset));
            }
            Reading::At {
                utc: wall.normalise()?,
                offset,
            }
        }
        None => Reading::Local(wall.normalise()?),
    };
    if let (Some(_), Some(target)) = (fields.yday, target) {
        // Ruby looks again when a day of the year rolled over (`24:00`, a leap second): the
        // time lands on that day.
        reading = reading.on_day(target);
    }
    Ok(TimeParse {
        reading,
        has_time: fields.hour.is_some(),
        rolled_over,
        zone_name,
        rest: fields.rest,
    })
}

/// The fields of a time before Ruby checks and rolls them over.
struct Wall {
    year: i64,
    mon: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
}

impl Wall {
    /// Ruby's `apply_offset`: from the wall clock at `offset` to UTC, carrying into the day,
    /// the month and the year only as far as Ruby carries.
    fn apply_offset(&mut self, offset: i64) {
        // West of UTC the offset is added, east of it taken away; each field carries into the
        // next as Ruby's `divmod` does.
        let sign = if offset < 0 { 1 } else { -1 };
        let mut off = offset.abs();
        for (value, unit) in [
            (&mut self.sec, 60),
            (&mut self.min, 60),
            (&mut self.hour, 24),
        ] {
            let part = off % unit;
            off /= unit;
            if part != 0 {
                *value += sign * part;
                off += sign * value.div_euclid(unit);
                *value = value.rem_euclid(unit);
            }
        }
        if off == 0 {
            return;
        }
        self.day += sign * off;
        if sign > 0 {
            if month_days(self.year, self.mon).is_some_and(|days| days < self.day) {
                self.mon += 1;
                if self.mon > 12 {
                    self.mon = 1;
                    self.year += 1;
                }
                self.day = 1;
            }
        } else if self.day < 1 {
            self.mon -= 1;
            if self.mon < 1 {
                self.year -= 1;
                self.mon = 12;
            }
            self.day = month_days(self.year, self.mon).unwrap_or(31);
        }
    }

    /// Ruby's `Time.utc`/`Time.local` arguments: checked, then rolled over (a day past the end
    /// of its month, `24:00:00`, a leap second).
    fn normalise(&self) -> Result<NaiveDateTime, DateError> {
        let in_range = |value: i64, low: i64, high: i64| (low..=high).contains(&value);
        if !in_range(self.mon, 1, 12) || !in_range(self.day, 1, 31) {
            return Err(DateError::NotACalendarDate);
        }
        if !in_range(self.hour, 0, 24)
            || !in_range(self.min, 0, 59)
            || !in_range(self.sec, 0, 60)
            || (self.hour == 24 && (self.min, self.sec) != (0, 0))
        {
            return Err(DateError::NotADate);
        }
        let year = i32::try_from(self.year).map_err(|_| DateError::NotADate)?;
        let first = NaiveDate::from_ymd_opt(year, self.mon as u32, 1).ok_or(DateError::NotADate)?;
        let midnight = first
            .checked_add_signed(Duration::days(self.day - 1))
            .ok_or(DateError::NotADate)?
            .and_time(NaiveTime::MIN);
        midnight
            .checked_add_signed(Duration::seconds(
                self.hour * 3600 + self.min * 60 + self.sec,
            ))
            .ok_or(DateError::NotADate)
    }
}

/// Ruby's `Time.utc(year, mon, day, hour, min, sec)`: the fields checked, then rolled over
/// (a day past the end of its month, `24:00:00`, a leap second). `None` when Ruby refuses them.
pub fn time_utc(
    year: i64,
    mon: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
) -> Option<NaiveDateTime> {
    Wall {
        year,
        mon,
        day,
        hour,
        min,
        sec,
    }
    .normalise()
    .ok()
}

/// Days of `mon` in `year` as Ruby's table gives them (month 0 reads December's).
fn month_days(year: i64, mon: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    match mon {
        0 => Some(31),
        1..=12 => Some(days[mon as usize - 1]),
        _ => None,
    }
}

/// A wall-clock time in `zone`, as Ruby's `Time.local` reads it.
pub fn local_in_zone(local: NaiveDateTime, zone: Tz) -> Option<DateTime<FixedOffset>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Some(instant.fixed_offset()),
        LocalResult::Ambiguous(_, later) => Some(later.fixed_offset()),
        LocalResult::None => {
            // Skipped by a change of offset: read with the offset in force the day before.
            let before = zone
                .offset_from_utc_datetime(&(local - Duration::days(1)))
                .fix();
            let utc = local - Duration::seconds(i64::from(before.local_minus_utc()));
            Some(zone.from_utc_datetime(&utc).fixed_offset())
        }
    }
}

/// Ruby's last resort for a zone name: the name the local zone goes by on 1 January or on
/// 1 July of the year (`JST` on a clock in Tokyo, `CEST` in Berlin), with that offset.
fn local_zone_named(name: &str, year: i64, zone: Tz) -> Option<i32> {
    let year = i32::try_from(year).ok()?;
    [1, 7].into_iter().find_map(|month| {
        let local = NaiveDate::from_ymd_opt(year, month, 1)?.and_time(NaiveTime::MIN);
        let offset = *zone.from_local_datetime(&local).earliest()?.offset();
        offset
            .abbreviation()
            .is_some_and(|abbreviation| abbreviation.eq_ignore_ascii_case(name))
            .then(|| offset.fix().local_minus_utc())
    })
}

/// The fields `Date._parse` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Fields {
    pub year: Option<i64>,
    pub mon: Option<i64>,
    pub mday: Option<i64>,
    /// Day of the year (`2022-063`).
    pub yday: Option<i64>,
    pub hour: Option<i64>,
    pub min: Option<i64>,
    pub sec: Option<i64>,
    /// A week date (`2022-W10-5`): `Time.parse` has no use for it.
    pub week: bool,
    /// The zone as written after the time (`+0800`, `CST`, `Z`, `北京时间`).
    pub zone: Option<String>,
    /// What no pattern took, spaces squeezed (`at`, `+ 000`).
    pub rest: String,
}

const MONTHS: &str = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";
const ERA: &str = r"(c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.))?";

fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a valid regular expression")
}

/// What `Date._parse` keeps; everything else becomes a space.
static OTHER: LazyLock<Regex> = LazyLock::new(|| pattern(r"[^-+',./:@\p{Alphabetic}\p{Nd}\[\]]+"));
static DAY: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(sun|mon|tue|wed|thu|fri|sat)[^-/0-9 ]*"));
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?ix)
        (
            (?:
                [0-9]+\ *:\ *[0-9]+ (?:\ *:\ *[0-9]+(?:[,.][0-9]*)?)?
              | [0-9]+\ *h(?:\ *[0-9]+m?(?:\ *[0-9]+s?)?)?
            )
            (?:\ *[ap](?:m\b|\.m\.))?
          | [0-9]+\ *[ap](?:m\b|\.m\.)
        )
        (?:
            \ *
            (
                (?:gmt|utc?)?[-+][0-9]+(?:[,.:][0-9]+(?::[0-9]+)?)?
              | [\p{Alphabetic}.\ ]+(?:standard|daylight)\ +time\b
              | \p{Alphabetic}+(?:\ dst)?\b
            )
        )?",
    )
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\A([0-9]+)h?(?: *:? *([0-9]+)m?(?: *:? *([0-9]+)(?:[,.]([0-9]+))?s?)?)?(?: *([ap])(?:m\b|\.m\.))?",
    )
});
static EU: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)'?\b([0-9]+)[^-0-9 ']* *({MONTHS})[^-0-9 ']*(?: *{ERA} *('?-?[0-9]+(?:(?:st|nd|rd|th)\b)?))?"
    ))
});
static US: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\b({MONTHS})[^-0-9 ']* *('?[0-9]+)[^-0-9 ']*(?: *,? *{ERA} *('?-?[0-9]+))?"
    ))
});
static ISO: LazyLock<Regex> = LazyLock::new(|| pattern(r"('?[-+]?[0-9]+)-([0-9]+)-('?-?[0-9]+)"));
static VMS_DAY_FIRST: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"(?i)('?-?[0-9]+)-({MONTHS})[^-/.]*-('?-?[0-9]+)")));
static VMS_MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)\b({MONTHS})[^-/.]*-('?-?[0-9]+)(?:-('?-?[0-9]+))?"
    ))
});
static SLASH: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"('?-?[0-9]+)/ *('?[0-9]+)(?:[^0-9] *('?-?[0-9]+))?"));
static DOT: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"('?-?[0-9]+)\. *('?[0-9]+)\. *('?-?[0-9]+)"));
static WEEK: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b([0-9]{2}|[0-9]{4})?-?w([0-9]{2})(?:-?([0-9]))?\b"));
static WEEK_DAY: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)-w-([0-9])\b"));
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| pattern(r"--([0-9]{2})?-([0-9]{2})\b"));
static MONTH_DAY_SHORT: LazyLock<Regex> = LazyLock::new(|| pattern(r"--([0-9]{2})([0-9]{2})?\b"));
static ORDINAL_GUARD: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"[,.]([0-9]{2}|[0-9]{4})-[0-9]{3}\b"));
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]{2}|[0-9]{4})-([0-9]{3})\b"));
static YEAR_DAY_GUARD: LazyLock<Regex> = LazyLock::new(|| pattern(r"[0-9]-[0-9]{3}\b"));
static YEAR_DAY: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b-([0-9]{3})\b"));
static APOSTROPHE_YEAR: LazyLock<Regex> = LazyLock::new(|| pattern(r"'([0-9]+)\b"));
static MONTH: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"(?i)\b({MONTHS})\S*")));
static ORDINAL_DAY: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)([0-9]+)(?:st|nd|rd|th)\b"));
static DIGITS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)([-+]?)([0-9]{2,14})(?: *t? *([0-9]{2,6})?(?:[,.]([0-9]*))?)?(?: *(z\b|[-+][0-9]{1,4}\b|\[[-+]?[0-9][^\]]*\]))?",
    )
});
static FRAGMENT: LazyLock<Regex> = LazyLock::new(|| pattern(r"\A *([0-9]{1,2}) *\z"));

/// A form of a whole date, and which of its captures holds the year, the month (by number or
/// by name), the day and an era; the characters it needs besides digits.
struct Form {
    pattern: &'static LazyLock<Regex>,
    year: Option<usize>,
    month: usize,
    month_name: bool,
    day: usize,
    era: Option<usize>,
    alpha: bool,
    dash: bool,
    slash: bool,
    dot: bool,
}

const fn form(pattern: &'static LazyLock<Regex>, [year, month, day]: [usize; 3]) -> Form {
    Form {
        pattern,
        year: Some(year),
        month,
        month_name: false,
        day,
        era: None,
        alpha: false,
        dash: false,
        slash: false,
        dot: false,
    }
}

/// Ruby's order: day-month-year, month-day-year, `Y-M-D`, `D-Mon-Y`, `Mon-D-Y`, `a/b/c`,
/// `a.b.c` (Japanese era dates, tried between `Y-M-D` and `D-Mon-Y`, are left out).
static FORMS: [Form; 7] = [
    Form {
        month_name: true,
        era: Some(3),
        alpha: true,
        ..form(&EU, [4, 2, 1])
    },
    Form {
        month_name: true,
        era: Some(3),
        alpha: true,
        ..form(&US, [4, 1, 2])
    },
    Form {
        dash: true,
        ..form(&ISO, [1, 2, 3])
    },
    Form {
        month_name: true,
        alpha: true,
        dash: true,
        ..form(&VMS_DAY_FIRST, [3, 2, 1])
    },
    Form {
        month_name: true,
        alpha: true,
        dash: true,
        ..form(&VMS_MONTH_FIRST, [3, 1, 2])
    },
    Form {
        slash: true,
        ..form(&SLASH, [1, 2, 3])
    },
    Form {
        dot: true,
        ..form(&DOT, [1, 2, 3])
    },
];

/// `Date._parse(text)` with completion of two-digit years (as `Time.parse` asks).
fn date_parse(text: &str) -> Fields {
    let mut text = OTHER.replace_all(text, " ").into_owned();
    let mut fields = Fields::default();
    let mut short_year = false;
    let has = |text: &str, test: fn(char) -> bool| text.chars().any(test);
    let alpha = has(&text, char::is_alphabetic);
    let digit = has(&text, |c| c.is_ascii_digit());
    let dash = text.contains('-');
    let dot = text.contains('.');
    let slash = text.contains('/');

    if alpha {
        take(&mut text, &DAY, |_| {});
    }
    if digit {
        take(&mut text, &TIME, |found| time(found, &mut fields));
    }
    let needs = |form: &Form| {
        (!form.alpha || alpha)
            && digit
            && (!form.dash || dash)
            && (!form.slash || slash)
            && (!form.dot || dot)
    };
    let matched = FORMS.iter().filter(|form| needs(form)).any(|form| {
        take(&mut text, form.pattern, |found| {
            let part = |index: Option<usize>| index.and_then(|i| found.get(i)).map(|m| m.as_str());
            let month = if form.month_name {
                Some(month_number(&found[form.month]).to_string())
            } else {
                part(Some(form.month)).map(str::to_owned)
            };
            let bc = era_is_bc(part(form.era));
            short_year |= s3e(
                &mut fields,
                part(form.year),
                month.as_deref(),
                part(Some(form.day)),
                bc,
            );
        })
    });
    if !(matched || digit && iso2(&mut text, &mut fields, &mut short_year)) {
        other_forms(&mut text, &mut fields, alpha, digit, &mut short_year);
    }
    if digit {
        fragment(&text, &mut fields);
    }
    if short_year {
        if let Some(year) = fields.year.filter(|year| (0..=99).contains(year)) {
            fields.year = Some(if year >= 69 { year + 1900 } else { year + 2000 });
        }
    }
    fields.rest = text.split_whitespace().collect::<Vec<_>>().join(" ");
    fields
}

/// The forms tried after the common ones: an apostrophe year, a month name, an ordinal day,
/// a run of digits.
fn other_forms(
    text: &mut String,
    fields: &mut Fields,
    alpha: bool,
    digit: bool,
    short_year: &mut bool,
) {
    if digit
        && take(text, &APOSTROPHE_YEAR, |found| {
            fields.year = found[1].parse().ok();
            // A year written with an apostrophe is completed whatever its length (`'063`).
            *short_year = true;
        })
    {
        return;
    }
    if alpha
        && take(text, &MONTH, |found| {
            fields.mon = Some(month_number(&found[1]));
        })
    {
        return;
    }
    if digit
        && take(text, &ORDINAL_DAY, |found| {
            fields.mday = found[1].parse().ok();
        })
    {
        return;
    }
    if digit {
        take(text, &DIGITS, |found| digits(found, fields, short_year));
    }
}

/// Week dates, `--MM-DD` and ordinal dates (Ruby's `_parse_iso2`).
fn iso2(text: &mut String, fields: &mut Fields, short_year: &mut bool) -> bool {
    if take(text, &WEEK, |_| fields.week = true) || take(text, &WEEK_DAY, |_| fields.week = true) {
        return true;
    }
    if take(text, &MONTH_DAY, |found| {
        fields.mon = found.get(1).and_then(|m| m.as_str().parse().ok());
        fields.mday = found[2].parse().ok();
    }) || take(text, &MONTH_DAY_SHORT, |found| {
        fields.mon = found[1].parse().ok();
        fields.mday = found.get(2).and_then(|m| m.as_str().parse().ok());
    }) {
        return true;
    }
    if !ORDINAL_GUARD.is_match(text)
        && take(text, &ORDINAL, |found| {
            fields.year = found[1].parse().ok();
            *short_year |= found[1].len() <= 2;
            fields.yday = found[2].parse().ok();
        })
    {
        return true;
    }
    !YEAR_DAY_GUARD.is_match(text)
        && take(text, &YEAR_DAY, |found| {
            fields.yday = found[1].parse().ok();
        })
}

/// Find `pattern` in `text`; when found, replace the match by a space and hand it on.
fn take(text: &mut String, pattern: &Regex, on_match: impl FnOnce(&Captures<'_>)) -> bool {
    let Some(found) = pattern.captures(text) else {
        return false;
    };
    let range = found.get(0).expect("the whole match").range();
    on_match(&found);
    text.replace_range(range, " ");
    true
}

fn time(found: &Captures<'_>, fields: &mut Fields) {
    if let Some(clock) = CLOCK.captures(&found[1]) {
        let number = |index: usize| {
            clock
                .get(index)
                .and_then(|m| m.as_str().parse::<i64>().ok())
        };
        let mut hour = number(1).unwrap_or(0);
        if let Some(half) = clock.get(5) {
            hour %= 12;
            if half.as_str().eq_ignore_ascii_case("p") {
                hour += 12;
            }
        }
        fields.hour = Some(hour);
        fields.min = number(2);
        fields.sec = number(3);
    }
    fields.zone = found.get(2).map(|zone| zone.as_str().to_owned());
}

/// A lone number left over: an hour when a day was found, a day when a time was.
fn fragment(text: &str, fields: &mut Fields) {
    let Some(found) = FRAGMENT.captures(text) else {
        return;
    };
    let Ok(number) = found[1].parse::<i64>() else {
        return;
    };
    if fields.hour.is_some() && fields.mday.is_none() && (1..=31).contains(&number) {
        fields.mday = Some(number);
    }
    if fields.mday.is_some() && fields.hour.is_none() && (0..=24).contains(&number) {
        fields.hour = Some(number);
    }
}

/// A run of digits: its length says what it holds (Ruby's `_parse_ddd`).
fn digits(found: &Captures<'_>, fields: &mut Fields, short_year: &mut bool) {
    let negative = &found[1] == "-";
    let run = &found[2];
    let time = found.get(3).map(|m| m.as_str());
    let fraction = found.get(4).is_some();
    let part = |from: usize, length: usize| -> Option<i64> {
        run.get(from..from + length).and_then(|p| p.parse().ok())
    };
    let signed = |value: Option<i64>| value.map(|v| if negative { -v } else { v });
    let length = run.len();
    if time.is_none() && fraction {
        // A clock written as digits with a fraction: seconds last.
        fields.sec = part(length.saturating_sub(2), 2);
        match length {
            2 => {}
            3 => fields.hour = part(0, 1),
            4 => fields.min = part(0, 2),
            _ => {
                fields.min = part(length - 4, 2);
                fields.hour = part(length.saturating_sub(6), 2);
                if length >= 8 {
                    fields.mday = part(length - 8, 2);
                }
                if length >= 10 {
                    fields.mon = part(length - 10, 2);
                }
                if length == 12 {
                    fields.year = signed(part(0, 2));
                    *short_year = true;
                }
                if length == 14 {
                    fields.year = signed(part(0, 4));
                }
            }
        }
    } else {
        match length {
            2 => fields.mday = part(0, 2),
            3 => fields.yday = part(0, 3),
            4 => {
                fields.mon = part(0, 2);
                fields.mday = part(2, 2);
            }
            5 => {
                fields.year = signed(part(0, 2));
                *short_year = true;
                fields.yday = part(2, 3);
            }
            6 => {
                fields.year = signed(part(0, 2));
                *short_year = true;
                fields.mon = part(2, 2);
                fields.mday = part(4, 2);
            }
            7 => {
                fields.year = signed(part(0, 4));
                fields.yday = part(4, 3);
            }
            _ => {
                fields.year = signed(part(0, 4));
                fields.mon = part(4, 2);
                fields.mday = part(6, 2);
                if length >= 10 {
                    fields.hour = part(8, 2);
                }
                if length >= 12 {
                    fields.min = part(10, 2);
                }
                if length >= 14 {
                    fields.sec = part(12, 2);
                }
            }
        }
        if let Some(time) = time {
            let clock = |from: usize| time.get(from..from + 2).and_then(|p| p.parse().ok());
            fields.hour = clock(0);
            if time.len() >= 4 {
                fields.min = clock(2);
            }
            if time.len() >= 6 {
                fields.sec = clock(4);
            }
        }
    }
    if let Some(zone) = found.get(5) {
        let zone = zone.as_str().trim_start_matches('[').trim_end_matches(']');
        fields.zone = Some(zone.to_owned());
    }
}

fn month_number(name: &str) -> i64 {
    let name = name.to_ascii_lowercase();
    MONTHS
        .split('|')
        .position(|month| name.starts_with(month))
        .map_or(0, |index| index as i64 + 1)
}

fn era_is_bc(era: Option<&str>) -> bool {
    era.is_some_and(|era| era.to_ascii_lowercase().starts_with('b'))
}

/// Ruby's `s3e`: which of three numbers is the year, the month and the day. Returns whether the
/// year was written with at most two digits (so `Time.parse` completes it).
fn s3e(fields: &mut Fields, y: Option<&str>, m: Option<&str>, d: Option<&str>, bc: bool) -> bool {
    let (mut y, mut m, mut d) = (
        y.map(str::to_owned),
        m.map(str::to_owned),
        d.map(str::to_owned),
    );
    if y.is_some() && m.is_some() && d.is_none() {
        (y, m, d) = (None, y, m);
    }
    if y.is_none() {
        if let Some(day) = d.take() {
            if day.len() > 2 || day.starts_with('\'') {
                y = Some(day);
            } else {
                d = Some(day);
            }
        }
    }
    if let Some(year) = &y {
        // A year with letters after its number (`4th`) is the day.
        let start = year
            .find(|c: char| c == '+' || c == '-' || c.is_ascii_digit())
            .unwrap_or(year.len());
        let number = &year[start..];
        let unsigned = number.trim_start_matches(['+', '-']);
        if !unsigned
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .is_empty()
        {
            let day = number.to_owned();
            y = d.take();
            d = Some(day);
        }
    }
    if m.as_deref()
        .is_some_and(|month| month.starts_with('\'') || month.len() > 2)
    {
        (y, m, d) = (m, d, y);
    }
    if d.as_deref()
        .is_some_and(|day| day.starts_with('\'') || day.len() > 2)
    {
        (y, d) = (d, y);
    }
    let mut short = false;
    if let Some(year) = y {
        let start = year
            .find(|c: char| c == '+' || c == '-' || c.is_ascii_digit())
            .unwrap_or(year.len());
        let number = &year[start..];
        let negative = number.starts_with('-');
        let unsigned = number.trim_start_matches(['+', '-']);
        let digits: String = unsigned.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(mut value) = digits.parse::<i64>() {
            if negative {
                value = -value;
            }
            if bc {
                value = 1 - value;
            }
            fields.year = Some(value);
            short = digits.len() <= 2 && !negative;
        }
    }
    let first_number = |text: &str| -> Option<i64> {
        let digits: String = text
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    if let Some(month) = m {
        fields.mon = first_number(&month);
    }
    if let Some(day) = d {
        fields.mday = first_number(&day);
    }
    short
}

/// The offset `Time.parse` gives a zone it knows (`zone_offset`, before the local zone's own
/// names): `±HH:MM`, `±HHMM`, `±HHMMSS`, `±HH`, UTC, GMT, the US zones and the military
/// letters. `None` for any other name: Ruby then reads the time on the local clock.
fn zone_offset(zone: &str) -> Option<i32> {
    let zone = zone.to_ascii_uppercase();
    let bytes = zone.as_bytes();
    let sign = match bytes.first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => 0,
    };
    if sign != 0 {
        let body = &zone[1..];
        let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        let number = |text: &str| text.parse::<i32>().ok();
        let parts: Option<(i32, i32, i32)> = if body.len() == 2 && all_digits(body) {
            Some((number(body)?, 0, 0))
        } else if body.contains(':') {
            let pieces: Vec<&str> = body.split(':').collect();
            match pieces.as_slice() {
                [h, m] if h.len() == 2 && m.len() == 2 && all_digits(h) && all_digits(m) => {
                    Some((number(h)?, number(m)?, 0))
                }
                [h, m, s]
                    if h.len() == 2
                        && m.len() == 2
                        && s.len() == 2
                        && all_digits(h)
                        && all_digits(m)
                        && all_digits(s) =>
                {
                    Some((number(h)?, number(m)?, number(s)?))
                }
                _ => None,
            }
        } else if (body.len() == 4 || body.len() == 6) && all_digits(body) {
            Some((
                number(&body[0..2])?,
                number(&body[2..4])?,
                body.get(4..6).and_then(number).unwrap_or(0),
            ))
        } else {
            None
        };
        return parts.map(|(h, m, s)| sign * ((h * 60 + m) * 60 + s));
    }
    let hours = match zone.as_str() {
        "UTC" | "Z" | "UT" | "GMT" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        letter if letter.len() == 1 => match letter.as_bytes()[0] {
            b @ b'A'..=b'I' => i32::from(b - b'A') + 1,
            b @ b'K'..=b'M' => i32::from(b - b'K') + 10,
            b @ b'N'..=b'Y' => -(i32::from(b - b'N') + 1),
            _ => return None,
        },
        _ => return None,
    };
    Some(hours * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(text: &str) -> (Option<i64>, Option<i64>, Option<i64>) {
        let fields = date_parse(text);
        (fields.year, fields.mon, fields.mday)
    }

    #[test]
    fn which_number_is_the_year() {
        assert_eq!(ymd("03/04/2022"), (Some(2022), Some(4), Some(3)));
        assert_eq!(ymd("2022/3/4"), (Some(2022), Some(3), Some(4)));
        assert_eq!(ymd("3/4/22"), (Some(2003), Some(4), Some(22)));
        assert_eq!(ymd("04.03.2022"), (Some(2022), Some(3), Some(4)));
        assert_eq!(ymd("4 Mar 22"), (Some(2022), Some(3), Some(4)));
        assert_eq!(ymd("4 Mar 0022"), (Some(22), Some(3), Some(4)));
        assert_eq!(ymd("March 4th, 2022"), (Some(2022), Some(3), Some(4)));
        assert_eq!(ymd("2022-Mar-04"), (Some(2022), Some(3), Some(4)));
        assert_eq!(ymd("20220304"), (Some(2022), Some(3), Some(4)));
        assert_eq!(ymd("March 4"), (None, Some(3), Some(4)));
    }

    #[test]
    fn times_and_zones() {
        let fields = date_parse("Sat, 05 Mar 2022 11:30:00 pm +0800");
        assert_eq!(
            (fields.hour, fields.min, fields.sec),
            (Some(23), Some(30), Some(0))
        );
        assert_eq!(fields.zone.as_deref(), Some("+0800"));
        assert_eq!(fields.mday, Some(5));
        let fields = date_parse("2022-03-04 10:00:00 北京时间");
        assert_eq!(fields.zone.as_deref(), Some("北京时间"));
        assert_eq!(date_parse("2022-03-04 10").hour, Some(10));
        assert_eq!(zone_offset("+08:00"), Some(8 * 3600));
        assert_eq!(zone_offset("-0530"), Some(-(5 * 3600 + 30 * 60)));
        assert_eq!(zone_offset("cst"), Some(-6 * 3600));
        assert_eq!(zone_offset("a"), Some(3600));
        assert_eq!(zone_offset("+8"), None);
        assert_eq!(zone_offset("GMT+8"), None);
        assert_eq!(zone_offset("JST"), None);
    }

    #[test]
    fn what_is_not_taken_is_left() {
        let fields = date_parse("2021-12-07 11:45:00 +\u{FFFD}000");
        assert_eq!(fields.rest, "+ 000");
        assert_eq!(
            date_parse("Friday, March 4, 2022 at 10:00 AM EST").rest,
            "at"
        );
    }
}
