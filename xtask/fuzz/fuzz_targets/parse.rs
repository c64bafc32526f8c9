//! Fuzz target `parse`: bytes → `source::decode` → `parse::parse` → `sanitize::sanitize` →
//! `lint::lint_post` → `report::FileReport::new`, the path one post takes through
//! `newsbundle lint`.
//!
//! A panic anywhere is a crash; so is a diagnostic whose span is not inside the text on
//! char boundaries (the report would point at the wrong place). The post is linted in a
//! site with a time zone and a `lang`, under the default config and sanitize policy and a
//! fixed "now", so runs are reproducible. This target does not exercise directory walking, the cross-post rules
//! or the emitters.

#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use newsbundle::config::Config;
use newsbundle::lint::{self, Context};
use newsbundle::parse;
use newsbundle::report::{FileReport, FileStatus};
use newsbundle::sanitize::{self, Policy};
use newsbundle::source::{self, Site};

/// A post path with a date in its name, inside `_posts`, so that the file name rules run.
const PATH: &str = "_posts/2021-12-08-fuzz.md";

struct Fixed {
    config: Config,
    policy: Policy,
    site: Site,
    now: DateTime<Utc>,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| Fixed {
        config: Config::default(),
        policy: Policy::default(),
        site: Site::from_config(
            "".into(),
            "_config.yml".into(),
            "lang: zh-CN\ntimezone: Asia/Shanghai\n".into(),
        ),
        // 2024-01-01T00:00:00Z
        now: DateTime::from_timestamp(1_704_067_200, 0).expect("a valid timestamp"),
    })
}

fuzz_target!(|bytes: &[u8]| {
    let fixed = fixed();
    let decoded = source::decode(bytes, fixed.site.lang.as_deref());
    let post = parse::parse(PATH, decoded);
    let body = sanitize::sanitize(&post, Some(&fixed.site), &fixed.policy);
    let context = Context {
        site: Some(&fixed.site),
        config: &fixed.config,
        now: fixed.now,
        body: &body,
    };
    let diagnostics = lint::lint_post(&post, &context);
    let text = post.text();
    for diagnostic in &diagnostics {
        let span = &diagnostic.span;
        assert!(
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end),
            "{} span {span:?} is not inside the text ({} bytes) on char boundaries",
            diagnostic.code,
            text.len()
        );
    }
    let report = FileReport::new(
        post.path.clone(),
        FileStatus::Linted,
        Some(post.source.encoding.name()),
        text,
        diagnostics,
    );
    for located in &report.diagnostics {
        assert!(located.start.offset <= located.end.offset);
        assert!(located.line_span.start <= located.line_span.end);
        assert!(located.line_span.end <= located.line_text.len());
        assert!(located.line_text.is_char_boundary(located.line_span.start));
        assert!(located.line_text.is_char_boundary(located.line_span.end));
    }
});
