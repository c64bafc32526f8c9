//! epub export (being written).
