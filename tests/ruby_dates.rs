//! The Ruby oracle of dates: Jekyll reads every front matter `date` with Ruby's `Time.parse`
//! (in the site's `timezone`), so newsbundle's reading of a date written as text must be Ruby's.
//!
//! Several thousand date texts are made from parts — dates in every shape a news archive or
//! feed writes (ISO, RFC 2822, `March 4, 2022`, day-first slashes and dots, two-digit years,
//! ordinal days, days past the end of a month), clocks (24-hour, 12-hour, fractions, leap
//! seconds, `10h30`) and zones (numeric, `Z`, names Ruby knows, names it does not) — and each is
//! read by Ruby (`ruby -rtime`, one process per zone) and by newsbundle
//! (`jekyll::date::front_matter_instant` of the quoted text) on five site clocks, with
//! daylight-saving nights among them. They must agree on the instant; where Ruby refuses a
//! text, newsbundle must refuse it too; where newsbundle gives none because the text has no
//! year (Ruby would take the year of the day it runs), that is all it may differ on.
//!
//! Ruby comes with Debian's `jekyll`, which `.ci/run` installs; without it the test prints a
//! notice, and fails when `CI=true`.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono_tz::Tz;
use newsbundle::jekyll::date::front_matter_instant;
use newsbundle::parse::{DateError, PostDate, Value};

const RUBY: &str = r#"
require "time"
STDIN.each_line do |line|
  begin
    puts Time.parse(line.chomp).to_i
  rescue ArgumentError, RangeError
    puts "refused"
  end
end
"#;

const DATES: &[&str] = &[
    "2022-03-04",
    "2022-3-4",
    "22-03-04",
    "03-04-2022",
    "2022/03/04",
    "03/04/2022",
    "3/4/22",
    "2022.03.04",
    "04.03.2022",
    "4 Mar 2022",
    "4 March 2022",
    "4th March 2022",
    "04 march, 2022",
    "March 4, 2022",
    "Mar 4 2022",
    "March 4th, 2022",
    "04-Mar-2022",
    "Mar-04-2022",
    "2022-Mar-04",
    "Sat, 05 Mar 2022",
    "Friday, March 4, 2022",
    "20220304",
    "2022-063",
    "2022-02-29",
    "2024-02-29",
    "2022-02-31",
    "2022-04-31",
    "2022-13-01",
    "2022-00-10",
    "2022-12-32",
    "March 2022",
    "4 Mar 99",
    "4 Mar 69",
    "4 Mar 68",
    "2022-03-13",
    "2022-11-06",
    "2022-03-27",
    "2022-10-30",
    "2021-12-31",
];

const TIMES: &[&str] = &[
    "10:00",
    "10:00:00",
    "9:5:3",
    "23:30:00.75",
    "10:00 pm",
    "12:00 am",
    "12:30 PM",
    "10 pm",
    "10h30",
    "24:00:00",
    "24:30",
    "23:59:60",
    "0:00",
    "2:30:00",
    "1:30:00",
    "25:00",
];

const ZONES: &[&str] = &[
    "",
    " +0800",
    " +08:00",
    "+0800",
    " -0500",
    " -05",
    " +8",
    " Z",
    "Z",
    " UTC",
    " gmt",
    " EST",
    " EDT",
    " CST",
    " JST",
    " CET",
    " CEST",
    " 北京时间",
    " GMT+8",
    " +05:30",
    " a",
    " (CST)",
];

/// Texts that are not dates, or only half of one.
const OTHERS: &[&str] = &[
    "yesterday",
    "1647129600",
    "2022",
    "2022-W10-5",
    "10:00",
    "March 4",
    "2022年3月4日",
    "20220304T103000",
    "20220304103000",
    "220304",
    "10:00 Sat 2022-03-04",
    "12:30 am 2022-03-04",
    "2022-03-04 at 10:00",
    "2022-03-04, 10:00",
    "2022-03-04 10",
    "2022-03-04 10h",
    "Friday, March 4, 2022 at 10:00 AM EST",
    "Sat, 05 Mar 2022 23:30:00 GMT",
    "2022-03-04 10:00:00 Eastern Standard Time",
    "2021-12-07 11:45:00 +\u{FFFD}000",
    "4 Mar '22",
    "4 Mar '022",
    "'22",
    "'063",
];

const SITE_ZONES: &[Tz] = &[
    chrono_tz::Asia::Shanghai,
    chrono_tz::America::New_York,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Europe::Berlin,
    chrono_tz::UTC,
];

fn texts() -> Vec<String> {
    let mut texts: Vec<String> = OTHERS.iter().map(|text| text.to_string()).collect();
    for date in DATES {
        texts.push(date.to_string());
        for time in TIMES {
            for zone in ZONES {
                texts.push(format!("{date} {time}{zone}"));
                if date.starts_with("20") && date.contains('-') && date.len() == 10 {
                    texts.push(format!("{date}T{time}{zone}"));
                }
            }
        }
    }
    texts
}

fn ruby_installed() -> bool {
    let found = Command::new("ruby")
        .args(["-rtime", "-e", "1"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "ruby is not installed: .ci/run installs it with jekyll"
    );
    found
}

/// Ruby's reading of every text on `zone`'s clock: the instant, or `None` when it refuses.
fn ruby(texts: &[String], zone: Tz) -> Vec<Option<i64>> {
    let mut child = Command::new("ruby")
        .args(["-e", RUBY])
        .env("TZ", zone.name())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ruby starts");
    let mut input = child.stdin.take().expect("a pipe");
    let lines = texts.join("\n") + "\n";
    let writer = std::thread::spawn(move || input.write_all(lines.as_bytes()));
    let output = child.wait_with_output().expect("ruby runs");
    writer.join().expect("the writer").expect("written");
    assert!(output.status.success(), "ruby failed");
    let answers: Vec<Option<i64>> = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| line.parse().ok())
        .collect();
    assert_eq!(answers.len(), texts.len(), "one answer per text");
    answers
}

#[test]
fn dates_are_read_as_ruby_reads_them() {
    if !ruby_installed() {
        eprintln!("ruby is not installed: skipped (.ci/run installs it with jekyll)");
        return;
    }
    let texts = texts();
    let mut compared = 0;
    let mut without_year = 0;
    let mut differences = Vec::new();
    for &zone in SITE_ZONES {
        let answers = ruby(&texts, zone);
        for (text, answer) in texts.iter().zip(answers) {
            let quoted = format!("\"{text}\"");
            let ours = front_matter_instant(&Value::String(text.clone()), &quoted, Some(zone))
                .map(|instant| instant.timestamp());
            compared += 1;
            if ours == answer {
                continue;
            }
            let no_year = PostDate::parse(text).parsed == Err(DateError::NoYear);
            if ours.is_none() && answer.is_some() && no_year {
                without_year += 1;
                continue;
            }
            differences.push(format!(
                "{}: {text:?}: Ruby {answer:?}, newsbundle {ours:?}",
                zone.name()
            ));
        }
    }
    println!(
        "{compared} readings compared ({} texts on {} site clocks): {} agree, {without_year} \
         have no year (Ruby takes today's), {} differ",
        texts.len(),
        SITE_ZONES.len(),
        compared - without_year - differences.len(),
        differences.len()
    );
    assert!(
        differences.is_empty(),
        "newsbundle reads {} dates otherwise than Ruby:\n{}",
        differences.len(),
        differences
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
