//! Jekyll's URLs moved to [`crate::jekyll`], the one model of a Jekyll site. This module only
//! re-exports the names the EPUB exporter still imports from here; new code imports
//! `crate::jekyll` (and this file goes once nothing uses it).

pub use crate::jekyll::{
    baseurl, file_key, files_answering, location, percent_decode, site_path, Location, Place,
};
