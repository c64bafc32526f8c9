//! The human emitter: rustc-style diagnostics with the source line and a caret, then a
//! one-line summary. Colour only when asked (the CLI decides: a TTY and no `NO_COLOR`).

use std::io::{self, Write};

use annotate_snippets::{Level, Renderer, Snippet};

use super::{FileReport, FileStatus, Located, Totals};
use crate::diagnostic::Severity;

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
    for report in reports {
        if let FileStatus::Unreadable(reason) = &report.status {
            let title = format!("cannot read {}: {reason}", report.path);
            writeln!(out, "{}\n", renderer.render(Level::Error.title(&title)))?;
        }
        for located in &report.diagnostics {
            writeln!(out, "{}\n", render(&renderer, &report.path, located))?;
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

fn render(renderer: &Renderer, path: &str, located: &Located) -> String {
    let diagnostic = &located.diagnostic;
    let level = level(diagnostic.severity);
    let label = diagnostic.name;
    let mut message = level
        .title(&diagnostic.message)
        .id(diagnostic.code)
        .snippet(
            Snippet::source(&located.line_text)
                .line_start(located.start.line)
                .annotation(level.span(located.line_span.clone()).label(label)),
        );
    if let Some(help) = &diagnostic.help {
        message = message.footer(Level::Help.title(help));
    }
    let rendered = renderer.render(message).to_string();
    // The location line is written here rather than by annotate-snippets, so that the column
    // is the one in the file even when a long line was cut for the snippet.
    let gutter = located.start.line.to_string().len();
    let location = format!(
        "{:gutter$}--> {path}:{}:{}",
        "", located.start.line, located.start.column
    );
    match rendered.split_once('\n') {
        Some((title, rest)) => format!("{title}\n{location}\n{rest}"),
        None => format!("{rendered}\n{location}"),
    }
}

/// `3 errors, 1 warning, 0 infos in 2 of 70 files (1 unreadable)` or `no problems in 70 files`.
pub fn summary(totals: &Totals) -> String {
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    let files = plural(totals.files, "file");
    let unreadable = if totals.unreadable > 0 {
        format!(", {} unreadable", totals.unreadable)
    } else {
        String::new()
    };
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
