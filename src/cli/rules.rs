//! `newsbundle rules` and `newsbundle explain`: the registry, printed.
//!
//! `rules --format json` is a public contract, version 1 (it only ever gains fields), with its
//! own serializable structs rather than a derive on the registry's types:
//!
//! ```json
//! { "version": 1,
//!   "rules": [ { "code": "CNT001", "name": "duplicate-post", "default_severity": "warning",
//!                "summary": "…", "explanation": "## What it does\n…" } ] }
//! ```
//!
//! Rules are in registry order (sorted by code); `explanation` is the Markdown that `explain`
//! prints, with the headings *What it does*, *Why is this bad?*, *Example*, *How to fix*.

use std::io::{self, Write};

use serde::Serialize;

use super::{CliError, RulesFormat};
use crate::config;
use crate::lint::registry;

/// The version of the `rules --format json` document.
const RULES_JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct RulesDocument {
    version: u32,
    rules: Vec<RuleEntry>,
}

#[derive(Serialize)]
struct RuleEntry {
    code: &'static str,
    name: &'static str,
    /// `error`, `warning` or `info`.
    default_severity: &'static str,
    summary: &'static str,
    explanation: &'static str,
}

pub(crate) fn print_rules(format: RulesFormat) -> Result<(), CliError> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    if format == RulesFormat::Json {
        let document = RulesDocument {
            version: RULES_JSON_VERSION,
            rules: registry::RULES
                .iter()
                .map(|rule| {
                    let meta = rule.meta();
                    RuleEntry {
                        code: meta.code,
                        name: meta.name,
                        default_severity: meta.default_severity.as_str(),
                        summary: meta.summary,
                        explanation: meta.explanation,
                    }
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut out, &document)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush())
            .map_err(CliError::Output)?;
        return Ok(());
    }
    let width = registry::RULES
        .iter()
        .map(|rule| rule.name().len())
        .max()
        .unwrap_or(0);
    let code_width = registry::RULES
        .iter()
        .map(|rule| rule.code().len())
        .max()
        .unwrap_or(0);
    for rule in registry::RULES {
        let meta = rule.meta();
        writeln!(
            out,
            "{:<code_width$} {:<width$}  {:<8} {}",
            meta.code,
            meta.name,
            meta.default_severity.as_str(),
            meta.summary
        )
        .map_err(CliError::Output)?;
    }
    out.flush().map_err(CliError::Output)
}

pub(crate) fn explain(code_or_name: &str) -> Result<(), CliError> {
    let Some(rule) = registry::find(code_or_name) else {
        return Err(CliError::UnknownRule {
            rule: code_or_name.to_owned(),
            suggestions: config::suggest_rule(code_or_name, &registry::metas()),
        });
    };
    let meta = rule.meta();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "# {} ({})\n\n{}.\nDefault severity: {}.\n\n{}",
        meta.name, meta.code, meta.summary, meta.default_severity, meta.explanation
    )
    .map_err(CliError::Output)
}
