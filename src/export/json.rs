//! json export (being written).
