//! Encoding rules (`ENC`): how the bytes of a file became text.

mod byte_order_mark;
mod crlf_line_endings;
mod legacy_encoding;
mod undecodable_bytes;

pub use byte_order_mark::ByteOrderMark;
pub use crlf_line_endings::CrlfLineEndings;
pub use legacy_encoding::LegacyEncoding;
pub use undecodable_bytes::UndecodableBytes;
