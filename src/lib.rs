//! newsbundle: read news archives (Jekyll-style posts), lint them, and — in later stages —
//! sanitize their bodies and export them as EPUB, Markdown or JSON.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`source`] (find, read, decode) → [`parse`] (front matter, typed model) → [`lint`] (rules →
//! diagnostics) → [`report`] (human, JSON, SARIF, GitHub). [`cli`] wires them together.
//! See ARCHITECTURE.md.

pub mod cli;
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
