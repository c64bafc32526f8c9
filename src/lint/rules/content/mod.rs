//! Content rules (`CNT`): what posts say, compared across the archive.

mod duplicate_body;
mod duplicate_post;

pub use duplicate_body::DuplicateBody;
pub use duplicate_post::DuplicatePost;
