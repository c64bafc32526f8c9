//! The SARIF 2.1.0 emitter, for GitHub code scanning and other SARIF consumers.
//!
//! One run, with every registered rule as `tool.driver.rules` (id, name, descriptions, help,
//! default level), one result per diagnostic, and as tool execution notifications the files
//! that could not be read or were rejected (level `error`) and those the walk skipped (level
//! `note`, with the reason). Columns count Unicode code points (`columnKind`). Paths are relative URIs
//! against `%SRCROOT%`, percent-encoded.

use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, FileStatus};
use crate::diagnostic::RuleMeta;
use crate::diagnostic::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// `%SRCROOT%` for a relative path; absent for an absolute `file://` URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: NotificationPhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPhysicalLocation {
    artifact_location: ArtifactLocation,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Write `reports` as one SARIF run; `rules` are every rule, in registry order
/// (`lint::registry::metas()`), described in the run and indexed by its results.
pub fn emit(
    reports: &[FileReport],
    rules: &[&'static RuleMeta],
    out: &mut dyn Write,
) -> io::Result<()> {
    let catalogue = rules;
    let rules = catalogue
        .iter()
        .map(|meta| Rule {
            id: meta.code,
            name: meta.name,
            short_description: Text {
                text: meta.summary.to_owned(),
            },
            full_description: Text {
                text: meta.summary.to_owned(),
            },
            help: Help {
                text: meta.explanation,
                markdown: meta.explanation,
            },
            default_configuration: Configuration {
                level: sarif_level(meta.default_severity),
            },
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        let artifact = || artifact_location(&report.path);
        let notification = match &report.status {
            FileStatus::Linted => None,
            FileStatus::Unreadable(reason) => Some(("error", "cannot read", reason)),
            FileStatus::Rejected(reason) => Some(("error", "rejected", reason)),
            FileStatus::Skipped(reason) => Some(("note", "skipped", reason)),
        };
        if let Some((level, what, reason)) = notification {
            notifications.push(Notification {
                level,
                message: Text {
                    text: format!("{what} {}: {reason}", report.path),
                },
                locations: vec![NotificationLocation {
                    physical_location: NotificationPhysicalLocation {
                        artifact_location: artifact(),
                    },
                }],
            });
        }
        for located in &report.diagnostics {
            let diagnostic = &located.diagnostic;
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str(&format!(" (help: {help})"));
            }
            // SARIF regions end after the last character; an empty span still covers one.
            let end_column = if located.end == located.start {
                located.end.column + 1
            } else {
                located.end.column
            };
            results.push(SarifResult {
                rule_id: diagnostic.code,
                rule_index: catalogue
                    .iter()
                    .position(|rule| rule.code == diagnostic.code)
                    .unwrap_or(0),
                level: sarif_level(diagnostic.severity),
                message: Text { text },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(),
                        region: Region {
                            start_line: located.start.line,
                            start_column: located.start.column,
                            end_line: located.end.line,
                            end_column,
                        },
                    },
                }],
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            results,
            invocations: vec![Invocation {
                execution_successful: notifications
                    .iter()
                    .all(|notification| notification.level != "error"),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A relative path as a URI reference against `%SRCROOT%`; an absolute one (a user ran
/// `newsbundle lint /srv/site`) as a `file://` URI, which must not have a base.
fn artifact_location(path: &str) -> ArtifactLocation {
    if std::path::Path::new(path).is_absolute() {
        let encoded = uri(path, b":");
        let separator = if encoded.starts_with('/') { "" } else { "/" };
        ArtifactLocation {
            uri: format!("file://{separator}{encoded}"),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: uri(path, b""),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// A path as a URI path: `/` kept (and `\\` made `/`), the bytes in `keep` kept, everything
/// else but unreserved bytes percent-encoded.
fn uri(path: &str, keep: &[u8]) -> String {
    let path = path.replace('\\', "/");
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) || keep.contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            super::uri("_posts/2022-06-29-서울 뉴스.md", b""),
            "_posts/2022-06-29-%EC%84%9C%EC%9A%B8%20%EB%89%B4%EC%8A%A4.md"
        );
        // A colon could be read as a scheme in a relative reference.
        assert_eq!(super::uri("a:b.md", b""), "a%3Ab.md");
    }

    #[test]
    fn absolute_paths_are_file_uris_without_a_base() {
        let absolute = if cfg!(windows) {
            r"C:\site\_posts\a b.md"
        } else {
            "/site/_posts/a b.md"
        };
        let location = super::artifact_location(absolute);
        let expected = if cfg!(windows) {
            "file:///C:/site/_posts/a%20b.md"
        } else {
            "file:///site/_posts/a%20b.md"
        };
        assert_eq!(location.uri, expected);
        assert_eq!(location.uri_base_id, None);
        let relative = super::artifact_location("_posts/a.md");
        assert_eq!(relative.uri, "_posts/a.md");
        assert_eq!(relative.uri_base_id, Some("%SRCROOT%"));
    }
}
