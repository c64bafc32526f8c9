//! newsbundle: read a news archive (Jekyll-style posts: YAML front matter, a Markdown/HTML
//! body), lint it, sanitize every body into well-formed XHTML, and export the archive as an
//! EPUB book, a Markdown tree or JSON. See ARCHITECTURE.md for the code map.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`source`] (find files and the `_config.yml` of their site, read, decode) → [`parse`]
//! (front matter → `Post`; never fails) → [`jekyll`] (what Jekyll makes of a post: its date,
//! URL, categories and status) → [`sanitize`] (body → `CleanBody`, once per post) →
//! [`lint`] (rules → diagnostics, one `FileReport` per file) → [`report`] (human, JSON, SARIF,
//! GitHub) and [`export`] (EPUB, Markdown, JSON, the bundle), written through [`output`].
//! `cli` wires them together; it is not a library API: the binary calls [`run_cli`].
//! Below them all: [`diagnostic`] (severity, finding, diagnostic, rule metadata), [`text`]
//! (byte offsets ↔ lines and columns), [`yaml`] (the one serde_yaml user), and [`config`]
//! (`newsbundle.toml`, given the rules' metadata by `lint`).
//!
//! Invariants (each kept by a test):
//! - Lower stages never import higher ones: no cycle among these modules (`tests/tidy.rs`).
//! - Parsing never fails and nothing panics on any input; every file the walk meets ends up
//!   linted, or reported unreadable, rejected or skipped with the reason.
//! - Rules are pure (no I/O); only `cli` prints; only `sanitize` turns untrusted markup into
//!   HTML, and its output is well-formed XML for any input.
//! - One copy each: XML escaping and void elements (`sanitize::xml`), lines and columns
//!   (`text::LineIndex`), the trailer's patterns (`sanitize`).
//! - Nothing but `jekyll` computes a post's URL, its date or whether it is published; it
//!   agrees with real Jekyll (`tests/jekyll_oracle.rs`).
//! - Nothing is ever written over, into or around an input (`output::Guard`).

mod cli;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod jekyll;
pub mod lint;
pub mod output;
pub mod parse;
pub mod report;
pub mod sanitize;
pub mod source;
pub mod text;
pub mod yaml;

/// Run the `newsbundle` command line on the process's arguments: print what the command prints
/// and, on an error, the error with its causes; the exit code (README, "Exit codes"). The
/// command line itself is not a library API.
pub fn run_cli() -> std::process::ExitCode {
    cli::main()
}
