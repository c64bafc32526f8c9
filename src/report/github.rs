//! The GitHub emitter: workflow commands (`::error file=…,line=…::message`) that GitHub Actions
//! turns into annotations on the pull request. Info findings become `::notice`.

use std::io::{self, Write};

use super::{FileReport, FileStatus};
use crate::diagnostic::Severity;

pub fn emit(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        if let FileStatus::Unreadable(reason) = &report.status {
            writeln!(
                out,
                "::error file={},title=cannot read::{}",
                property(&report.path),
                data(&format!("cannot read {}: {reason}", report.path))
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

/// Escaping for the message part of a workflow command.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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
    }
}
