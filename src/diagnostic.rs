//! Diagnostics: what a rule found, where, and how bad it is.
//!
//! A [`Diagnostic`] carries a byte span into the decoded text of one file. Line and column are
//! worked out by `report` when a file's diagnostics are finished, never by the rules.
//! This module does not know how diagnostics are printed.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity \"{other}\" (expected info, warning or error)"
            )),
        }
    }
}

/// A rule's documentation, shown by `newsbundle rules` and `newsbundle explain`, written into
/// SARIF, and checked against by the config. The rules and their registry are `lint`'s; what
/// lower layers need to know of them is a list of these, handed down.
#[derive(Debug)]
pub struct RuleMeta {
    /// A family prefix and three digits: `FM` front matter, `ENC` encoding, `CNT` content.
    pub code: &'static str,
    /// Kebab-case, naming the problem.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Markdown with the headings *What it does*, *Why is this bad?*, *Example*, *How to fix*.
    pub explanation: &'static str,
    pub default_severity: Severity,
}

/// The rule of `rules` with this code (`FM010`, any case) or name (`invalid-date`).
pub fn find_rule(rules: &[&'static RuleMeta], code_or_name: &str) -> Option<&'static RuleMeta> {
    rules
        .iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

/// What a rule reports: a place in the file and what is wrong there.
/// The linter turns a finding into a [`Diagnostic`] by adding the rule's code and severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Finding {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A finding of a given rule in a given file, at its effective severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code, such as `FM010`.
    pub code: &'static str,
    /// Kebab-case rule name, such as `invalid-date`.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Byte range in the decoded text of the file.
    pub span: Range<usize>,
    pub help: Option<String>,
}
