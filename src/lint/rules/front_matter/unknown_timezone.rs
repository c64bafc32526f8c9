//! FM020 unknown-timezone: `_config.yml` names a time zone that does not exist.

use crate::diagnostic::{Finding, Severity};
use crate::lint::{Rule, RuleMeta};
use crate::source::{Site, SiteProblem};

pub struct UnknownTimezone;

static META: RuleMeta = RuleMeta {
    code: "FM020",
    name: "unknown-timezone",
    summary: "The site's `timezone` is not an IANA time zone",
    explanation: "## What it does
Reports a `timezone` in `_config.yml` that is not a name of the IANA time zone database.

## Why is this bad?
Jekyll passes the name to the system, which falls back to UTC without a word: every date
without zone moves by hours, and posts move to the wrong day.

## Example
```yaml
timezone: Asia/Beijing
```

## How to fix
Use a database name, such as `Asia/Shanghai`, `Asia/Taipei` or `America/New_York`.",
    default_severity: Severity::Error,
};

impl Rule for UnknownTimezone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_site(&self, site: &Site, out: &mut Vec<Finding>) {
        for problem in &site.problems {
            if let SiteProblem::UnknownTimezone { span, name } = problem {
                out.push(
                    Finding::new(
                        span.clone(),
                        format!("timezone \"{name}\" is not an IANA time zone"),
                    )
                    .with_help(help(name)),
                );
            }
        }
    }
}

/// Cities of China that people expect to find in the database: the whole country is on
/// `Asia/Shanghai`, and a spelling suggestion would name some other city's zone.
const CHINESE_CITIES: &[&str] = &[
    "beijing",
    "peking",
    "guangzhou",
    "shenzhen",
    "hangzhou",
    "nanjing",
    "wuhan",
    "chengdu",
    "tianjin",
    "xian",
];

fn help(name: &str) -> String {
    if let Some(east) = offset_minutes(name) {
        let place = if east == 8 * 60 {
            " such as \"Asia/Shanghai\""
        } else {
            ""
        };
        // `Etc/GMT-8` is eight hours *ahead* of UTC: POSIX signs are inverted.
        if east % 60 == 0 && (-12 * 60..=14 * 60).contains(&east) && east != 0 {
            return format!(
                "\"{name}\" is an offset, not a zone: use the zone of a place{place}, or \"Etc/GMT{:+}\" (Etc names invert the sign)",
                -east / 60
            );
        }
        return format!("\"{name}\" is an offset, not a zone: use the zone of a place{place}");
    }
    let city = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    if CHINESE_CITIES.contains(&city.replace(['_', ' ', '\''], "").as_str()) {
        return "all of China is on \"Asia/Shanghai\"".to_owned();
    }
    let zones = chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name());
    match crate::config::suggest(name, zones) {
        Some(zone) => format!("did you mean \"{zone}\"?"),
        None => "use an IANA name such as \"Asia/Shanghai\"".to_owned(),
    }
}

/// `UTC+8`, `GMT+08:00`, `+0800` → minutes east of UTC.
fn offset_minutes(name: &str) -> Option<i32> {
    let upper = name.trim().to_ascii_uppercase();
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some(parts) => parts,
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "0"),
    };
    let number = |part: &str| {
        (!part.is_empty() && part.len() <= 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<i32>().ok())
            .flatten()
    };
    let (hours, minutes) = (number(hours)?, number(minutes)?);
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_recognised() {
        assert_eq!(offset_minutes("UTC+8"), Some(480));
        assert_eq!(offset_minutes("GMT-05:30"), Some(-330));
        assert_eq!(offset_minutes("+0800"), Some(480));
        assert_eq!(offset_minutes("Asia/Beijing"), None);
        assert_eq!(offset_minutes("UTC+"), None);
    }

    #[test]
    fn help_names_a_real_zone() {
        assert!(help("UTC+8").contains("\"Etc/GMT-8\""), "{}", help("UTC+8"));
        assert!(help("GMT-5").contains("\"Etc/GMT+5\""), "{}", help("GMT-5"));
        assert_eq!(help("Asia/Beijing"), "all of China is on \"Asia/Shanghai\"");
        assert_eq!(help("Asia/Shangai"), "did you mean \"Asia/Shanghai\"?");
    }
}
