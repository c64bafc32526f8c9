//! `OffsetMap`: from a position in a rewritten text back to the position in the text it was
//! made from, so that every diagnostic points into the original file.

/// A piecewise-linear map given by anchors `(new, old)`, sorted by `new`: a position `p` maps
/// to `old + (p - new)` of the last anchor at or before `p`.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    anchors: Vec<(usize, usize)>,
}

impl OffsetMap {
    pub fn identity() -> Self {
        OffsetMap {
            anchors: vec![(0, 0)],
        }
    }

    /// Record that from `new` on, the text continues at `old`.
    pub fn push(&mut self, new: usize, old: usize) {
        if let Some(last) = self.anchors.last_mut() {
            if last.0 == new {
                *last = (new, old);
                return;
            }
        }
        self.anchors.push((new, old));
    }

    /// This map followed by `next` (which maps this map's old positions further back).
    pub fn then(mut self, next: &OffsetMap) -> OffsetMap {
        for anchor in &mut self.anchors {
            anchor.1 = next.map(anchor.1);
        }
        self
    }

    pub fn map(&self, position: usize) -> usize {
        let index = self.anchors.partition_point(|(new, _)| *new <= position);
        if index == 0 {
            return position;
        }
        let (new, old) = self.anchors[index - 1];
        old + (position - new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_through_a_removal() {
        // "ab{% x %}cd" → "abcd": "c" at 2 was at 9.
        let mut map = OffsetMap::identity();
        map.push(2, 9);
        assert_eq!(map.map(1), 1);
        assert_eq!(map.map(2), 9);
        assert_eq!(map.map(3), 10);
    }
}
