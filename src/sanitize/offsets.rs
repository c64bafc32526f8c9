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

    pub fn map(&self, position: usize) -> usize {
        let index = self.anchors.partition_point(|(new, _)| *new <= position);
        if index == 0 {
            return position;
        }
        let (new, old) = self.anchors[index - 1];
        old + (position - new)
    }

    /// Where `old`, a position in the text this map leads back to, is in the text it starts
    /// from, for a map whose pieces keep their order (a stage that only removes, inserts and
    /// replaces): inside a removed piece, where the removal is.
    pub fn forward(&self, old: usize) -> usize {
        let index = self.anchors.partition_point(|(_, origin)| *origin <= old);
        if index == 0 {
            return old;
        }
        let (new, origin) = self.anchors[index - 1];
        let position = new + (old - origin);
        match self.anchors.get(index) {
            Some((next, _)) => position.min(*next),
            None => position,
        }
    }

    /// This map followed by `next` (from `next`'s output back to its input): a map from this
    /// map's text back to `next`'s input, for stages run one after the other.
    pub fn then(&self, next: &OffsetMap) -> OffsetMap {
        let mut composed = OffsetMap::default();
        for (index, &(new, old)) in self.anchors.iter().enumerate() {
            let end = self
                .anchors
                .get(index + 1)
                .map_or(usize::MAX, |(following, _)| old + (following - new));
            composed.push(new, next.map(old));
            // Where `next` changes course inside this piece, the composition does too.
            let first = next.anchors.partition_point(|(middle, _)| *middle <= old);
            for &(middle, origin) in &next.anchors[first..] {
                if middle >= end {
                    break;
                }
                composed.push(new + (middle - old), origin);
            }
        }
        composed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_is_the_inverse_where_text_is_kept() {
        // "ab{% x %}cd" → "abcd".
        let mut map = OffsetMap::identity();
        map.push(2, 9);
        for (old, new) in [(0, 0), (1, 1), (9, 2), (10, 3), (11, 4)] {
            assert_eq!(map.forward(old), new, "{old}");
            assert_eq!(map.map(new), old);
        }
        // Inside the removed piece: where it was.
        assert_eq!(map.forward(4), 2);
    }

    #[test]
    fn maps_through_a_removal() {
        // "ab{% x %}cd" → "abcd": "c" at 2 was at 9.
        let mut map = OffsetMap::identity();
        map.push(2, 9);
        assert_eq!(map.map(1), 1);
        assert_eq!(map.map(2), 9);
        assert_eq!(map.map(3), 10);
    }

    #[test]
    fn composes_two_stages() {
        // "ab{% x %}cd{: .y}ef" → "abcd{: .y}ef" → "abcdef".
        let mut first = OffsetMap::identity();
        first.push(2, 9);
        let mut second = OffsetMap::identity();
        second.push(4, 10);
        let composed = second.then(&first);
        let expected = [0, 1, 9, 10, 17, 18];
        for (position, old) in expected.iter().enumerate() {
            assert_eq!(composed.map(position), *old, "at {position}");
        }
    }
}
