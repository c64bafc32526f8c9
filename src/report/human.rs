//! The human emitter: rustc-style diagnostics with the source line and a caret, then a
//! one-line summary. Colour only when asked (the CLI decides: a TTY and no `NO_COLOR`).
//! Paths, messages and snippets are printed with their control characters escaped
//! ([`super::escape_control`]). Skipped files are not listed here (`lint -v` lists them on
//! stderr).

use std::io::{self, Write};

use annotate_snippets::{Level, Renderer, Snippet};

use super::{escape_control, escape_control_with_span, FileReport, FileStatus, Located, Totals};
use crate::diagnostic::Severity;

/// Wider, in bytes, than any line `report::window` keeps, so annotate-snippets never cuts one.
const SNIPPET_WIDTH: usize = 2 * super::MAX_SNIPPET_BYTES;

#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
}

pub fn emit(reports: &[FileReport], options: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Long lines are already cut by `report::window`. annotate-snippets would cut them again
    // at 140 *bytes*, which ends a line of 50 Chinese characters with a run of spaces and `...`.
    let renderer = renderer.term_width(SNIPPET_WIDTH);
    for report in reports {
        let title = match &report.status {
            FileStatus::Unreadable(reason) => {
                Some(format!("cannot read {}: {reason}", report.path))
            }
            // Said by the ENC002 diagnostic, unless that rule is off.
            FileStatus::Rejected(reason) if report.diagnostics.is_empty() => {
                Some(format!("rejected {}: {reason}", report.path))
            }
            _ => None,
        };
        if let Some(title) = title {
            let title = escape_control(&title);
            writeln!(out, "{}\n", renderer.render(Level::Error.title(&title)))?;
        }
        for located in &report.diagnostics {
            writeln!(
                out,
                "{}\n",
                render(&renderer, options, &report.path, located)
            )?;
        }
    }
    writeln!(out, "{}", summary(&Totals::of(reports)))
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Info,
    }
}

fn render(renderer: &Renderer, options: HumanOptions, path: &str, located: &Located) -> String {
    let diagnostic = &located.diagnostic;
    let level = level(diagnostic.severity);
    let label = diagnostic.name;
    // annotate-snippets prefixes info labels with "info: "; a warning-styled caret reads better.
    let annotation_level = match diagnostic.severity {
        Severity::Info => Level::Warning,
        _ => level,
    };
    let title = escape_control(&diagnostic.message);
    let mut message = level.title(&title).id(diagnostic.code);
    // An empty line (an empty file, a blank line ending in CRLF) has nothing to underline, and
    // annotate-snippets would show it as an empty gutter or as `...`: the location says it all.
    let has_snippet = !located.line_text.trim().is_empty();
    let (line_text, line_span) =
        escape_control_with_span(&located.line_text, located.line_span.clone());
    if has_snippet {
        message = message.snippet(
            Snippet::source(&line_text)
                .line_start(located.start.line)
                .annotation(annotation_level.span(line_span).label(label)),
        );
    }
    let help = diagnostic.help.as_deref().map(escape_control);
    if let Some(help) = &help {
        message = message.footer(Level::Help.title(help));
    }
    let rendered = renderer.render(message).to_string();
    // The location line is written here rather than by annotate-snippets, so that the column
    // is the one in the file even when a long line was cut for the snippet.
    // Without a snippet there is no line number column: the arrow lines up with `= help`.
    let gutter = if has_snippet {
        located.start.line.to_string().len()
    } else {
        1
    };
    // The arrow in the colour annotate-snippets gives the `|` of the gutter.
    let (arrow_start, arrow_end) = if options.color {
        ("\x1b[1m\x1b[94m", "\x1b[0m")
    } else {
        ("", "")
    };
    let location = format!(
        "{:gutter$}{arrow_start}-->{arrow_end} {}:{}:{}",
        "",
        escape_control(path),
        located.start.line,
        located.start.column
    );
    match rendered.split_once('\n') {
        Some((title, rest)) => format!("{title}\n{location}\n{rest}"),
        None => format!("{rendered}\n{location}"),
    }
}

/// `found 3 errors, 1 warning, 0 infos in 70 files` or `no problems found in 70 files`, the
/// files counted being those that were read; then `; 1 more could not be read` when some
/// could not (a file that could not be read is not one without problems).
pub fn summary(totals: &Totals) -> String {
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    let read = totals.files - totals.unreadable;
    if read == 0 && totals.unreadable > 0 {
        return format!("{} could not be read", plural(totals.unreadable, "file"));
    }
    let files = plural(read, "file");
    let mut unreadable = if totals.unreadable > 0 {
        format!("; {} more could not be read", totals.unreadable)
    } else {
        String::new()
    };
    if totals.rejected > 0 {
        unreadable.push_str(&format!(
            "; {} rejected as not text",
            plural(totals.rejected, "file")
        ));
    }
    if totals.errors + totals.warnings + totals.infos == 0 {
        return format!("no problems found in {files}{unreadable}");
    }
    format!(
        "found {}, {}, {} in {files}{unreadable}",
        plural(totals.errors, "error"),
        plural(totals.warnings, "warning"),
        plural(totals.infos, "info")
    )
}

#[cfg(test)]
mod tests {
    use super::{summary, Totals};

    #[test]
    fn summaries() {
        let clean = Totals {
            files: 70,
            ..Totals::default()
        };
        assert_eq!(summary(&clean), "no problems found in 70 files");
        let unreadable = Totals {
            files: 2,
            unreadable: 1,
            ..Totals::default()
        };
        assert_eq!(
            summary(&unreadable),
            "no problems found in 1 file; 1 more could not be read"
        );
        let nothing_read = Totals {
            files: 1,
            unreadable: 1,
            ..Totals::default()
        };
        assert_eq!(summary(&nothing_read), "1 file could not be read");
        let findings = Totals {
            files: 70,
            unreadable: 2,
            errors: 3,
            warnings: 1,
            ..Totals::default()
        };
        assert_eq!(
            summary(&findings),
            "found 3 errors, 1 warning, 0 infos in 68 files; 2 more could not be read"
        );
        let rejected = Totals {
            files: 3,
            rejected: 1,
            skipped: 4,
            errors: 1,
            ..Totals::default()
        };
        assert_eq!(
            summary(&rejected),
            "found 1 error, 0 warnings, 0 infos in 3 files; 1 file rejected as not text"
        );
    }
}
