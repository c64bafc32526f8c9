//! The GitHub emitter: workflow commands (`::error file=…,line=…::message`) that GitHub Actions
//! turns into annotations on the pull request. Info findings become `::notice`. Control
//! characters are escaped ([`super::escape_control`]) before the workflow-command escaping, so
//! a file cannot inject a command or a terminal sequence into the log. Skipped files are not
//! annotated.

use std::io::{self, Write};

use super::{escape_control, FileReport, FileStatus};
use crate::diagnostic::Severity;

pub fn emit(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        let problem = match &report.status {
            FileStatus::Unreadable(reason) => Some(("cannot read", reason)),
            FileStatus::Rejected(reason) if report.diagnostics.is_empty() => {
                Some(("rejected", reason))
            }
            _ => None,
        };
        if let Some((title, reason)) = problem {
            writeln!(
                out,
                "::error file={},title={title}::{}",
                property(&report.path),
                data(&format!("{title} {}: {reason}", report.path))
            )?;
        }
        for located in &report.diagnostics {
            let diagnostic = &located.diagnostic;
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&report.path),
                located.start.line,
                located.start.column,
                located.end.line,
                located.end.column,
                property(&format!("{} {}", diagnostic.code, diagnostic.name)),
                data(&message)
            )?;
        }
    }
    Ok(())
}

/// Escaping for the message part of a workflow command: line breaks as GitHub wants them,
/// other control characters as `\u{…}`.
fn data(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            other => {
                let mut buffer = [0u8; 4];
                escaped.push_str(&escape_control(other.encode_utf8(&mut buffer)));
            }
        }
    }
    escaped
}

/// Escaping for a property value (`file=`, `title=`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(super::data("a\u{1b}[2J"), "a\\u{1b}[2J");
    }
}
