//! The rules, one file each, grouped by family. The registry lists them.

pub mod content;
pub mod encoding;
pub mod front_matter;
pub mod html;
pub mod links;
