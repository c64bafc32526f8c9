//! Content rules (`CNT`): what posts say, compared across the archive, and template syntax
//! (Liquid, kramdown) that must not pass for what they say.

mod duplicate_body;
mod duplicate_post;
mod kramdown_attribute_list;
mod liquid_tag;
mod oversized_post;

pub use duplicate_body::DuplicateBody;
pub use duplicate_post::DuplicatePost;
pub use kramdown_attribute_list::KramdownAttributeList;
pub use liquid_tag::LiquidTag;
pub use oversized_post::OversizedPost;
