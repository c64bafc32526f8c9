//! `newsbundle rules` and `newsbundle explain`: the registry, printed.

use std::io::{self, Write};

use super::CliError;
use crate::config;
use crate::lint::registry;

pub(crate) fn print_rules() -> Result<(), CliError> {
    let mut out = io::BufWriter::new(io::stdout().lock());
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
        let known = registry::RULES
            .iter()
            .flat_map(|rule| [rule.code(), rule.name()]);
        return Err(CliError::UnknownRule {
            rule: code_or_name.to_owned(),
            suggestion: config::suggest(code_or_name, known),
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
