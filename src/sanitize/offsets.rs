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
