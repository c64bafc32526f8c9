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
                let zones = chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name());
                let help = match crate::config::suggest(name, zones) {
                    Some(zone) => format!("did you mean \"{zone}\"?"),
                    None => "use an IANA name such as \"Asia/Shanghai\"".to_owned(),
                };
                out.push(
                    Finding::new(
                        span.clone(),
                        format!("timezone \"{name}\" is not an IANA time zone"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
