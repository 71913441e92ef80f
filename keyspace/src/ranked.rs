//! An ordered sequence with positions: items kept sorted (by the caller) in chunks of fewer than
//! [`MAX`] items, with a Fenwick tree over the chunk lengths. Finding an item, its rank and the
//! item at a rank all take O(log n), as Valkey's skiplist spans give; an insert or removal moves
//! at most a chunk's items (and, when a chunk splits or merges, one pointer per chunk).

use alloc::vec::Vec;

/// A chunk splits when it reaches this many items.
const MAX: usize = 128;
/// A chunk shorter than this merges into a neighbour.
const MIN: usize = MAX / 8;

/// Items in the order the caller keeps, addressable by rank.
#[derive(Clone, Debug)]
pub(crate) struct Ranked<T> {
    chunks: Vec<Vec<T>>,
    /// Fenwick tree: `tree[i]` sums the lengths of chunks `(i & (i + 1))..=i`.
    tree: Vec<usize>,
    len: usize,
    /// Sum of the chunks' capacities, for memory accounting.
    cap: usize,
}

impl<T: PartialEq> PartialEq for Ranked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Ranked<T> {}

impl<T> Default for Ranked<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Ranked<T> {
    pub(crate) const fn new() -> Self {
        Self {
            chunks: Vec::new(),
            tree: Vec::new(),
            len: 0,
            cap: 0,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// Heap bytes of the structure (not what the items own).
    pub(crate) fn memory(&self) -> usize {
        self.cap * size_of::<T>()
            + self.chunks.capacity() * size_of::<Vec<T>>()
            + self.tree.capacity() * size_of::<usize>()
    }

    /// Items in chunks before chunk `c`.
    fn before(&self, c: usize) -> usize {
        let mut sum = 0;
        let mut i = c;
        while i > 0 {
            sum += self.tree[i - 1];
            i &= i - 1;
        }
        sum
    }

    fn add(&mut self, c: usize, delta: isize) {
        let mut i = c;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add_signed(delta);
            i |= i + 1;
        }
    }

    fn rebuild(&mut self) {
        self.tree.clear();
        self.tree.extend(self.chunks.iter().map(Vec::len));
        for i in 0..self.tree.len() {
            let parent = i | (i + 1);
            if parent < self.tree.len() {
                self.tree[parent] += self.tree[i];
            }
        }
    }

    /// The chunk holding rank `at` (< len) and the offset in it.
    fn locate(&self, at: usize) -> (usize, usize) {
        let mut c = 0;
        let mut rest = at;
        let mut step = self.tree.len().next_power_of_two();
        while step > 0 {
            let next = c + step;
            if next <= self.tree.len() && self.tree[next - 1] <= rest {
                c = next;
                rest -= self.tree[next - 1];
            }
            step /= 2;
        }
        (c, rest)
    }

    /// The item at rank `at`.
    pub(crate) fn get(&self, at: usize) -> Option<&T> {
        if at >= self.len {
            return None;
        }
        let (c, o) = self.locate(at);
        Some(&self.chunks[c][o])
    }

    /// The item at rank `at`, to change in a way that keeps the order.
    pub(crate) fn get_mut(&mut self, at: usize) -> Option<&mut T> {
        if at >= self.len {
            return None;
        }
        let (c, o) = self.locate(at);
        Some(&mut self.chunks[c][o])
    }

    /// How many leading items satisfy `pred`, which holds for a prefix of the items.
    pub(crate) fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let c = self
            .chunks
            .partition_point(|ch| ch.last().is_some_and(&pred));
        match self.chunks.get(c) {
            Some(ch) => self.before(c) + ch.partition_point(pred),
            None => self.len,
        }
    }

    /// Puts `t` at rank `at` (<= len); the caller keeps the order.
    pub(crate) fn insert(&mut self, at: usize, t: T) {
        if self.chunks.is_empty() {
            self.chunks.push(Vec::new());
            self.tree.push(0);
        }
        let (c, o) = if at >= self.len {
            let c = self.chunks.len() - 1;
            (c, self.chunks[c].len())
        } else {
            self.locate(at)
        };
        let before = self.chunks[c].capacity();
        self.chunks[c].insert(o, t);
        self.cap = self.cap + self.chunks[c].capacity() - before;
        self.len += 1;
        if self.chunks[c].len() >= MAX {
            // Halve the chunk; the left half gives back the capacity it no longer needs, so
            // a chunk holds between a half and all of its capacity.
            let right = self.chunks[c].split_off(MAX / 2);
            let before = self.chunks[c].capacity();
            self.chunks[c].shrink_to_fit();
            self.cap = self.cap + self.chunks[c].capacity() + right.capacity() - before;
            self.chunks.insert(c + 1, right);
            self.rebuild();
        } else {
            self.add(c, 1);
        }
    }

    /// Takes out the item at rank `at` (< len).
    pub(crate) fn remove(&mut self, at: usize) -> T {
        let (c, o) = self.locate(at);
        let t = self.chunks[c].remove(o);
        self.len -= 1;
        if self.chunks[c].len() < MIN && self.chunks.len() > 1 {
            // Merge into the left neighbour (or take the right one in).
            let (l, r) = if c > 0 { (c - 1, c) } else { (c, c + 1) };
            let right = self.chunks.remove(r);
            let before = self.chunks[l].capacity() + right.capacity();
            self.chunks[l].extend(right);
            self.cap = self.cap + self.chunks[l].capacity() - before;
            if self.chunks[l].len() >= MAX {
                let half = self.chunks[l].len() / 2;
                let split = self.chunks[l].split_off(half);
                self.cap += split.capacity();
                self.chunks.insert(l + 1, split);
            }
            self.rebuild();
        } else if self.chunks[c].is_empty() {
            self.cap -= self.chunks[c].capacity();
            self.chunks.clear();
            self.tree.clear();
        } else {
            self.add(c, -1);
        }
        t
    }

    /// Every item, in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    /// Items of ranks `from..to` (clamped to the length), in order.
    pub(crate) fn range(&self, from: usize, to: usize) -> impl DoubleEndedIterator<Item = &T> {
        let to = to.min(self.len);
        let from = from.min(to);
        let ((ca, oa), (cb, ob)) = if from == to {
            ((0, 0), (0, 0))
        } else {
            let (cb, ob) = self.locate(to - 1);
            (self.locate(from), (cb, ob + 1))
        };
        let chunks = if from == to {
            &self.chunks[..0]
        } else {
            &self.chunks[ca..=cb]
        };
        let last = chunks.len().saturating_sub(1);
        chunks.iter().enumerate().flat_map(move |(k, ch)| {
            let lo = if k == 0 { oa } else { 0 };
            let hi = if k == last { ob } else { ch.len() };
            ch[lo..hi].iter()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Random inserts and removals against a sorted Vec, checked after every step: ranks,
        /// the items at ranks and ranges.
        #[test]
        fn agrees_with_a_sorted_vec(ops in proptest::collection::vec((any::<bool>(), 0u16..600), 1..1500)) {
            let mut r: Ranked<u16> = Ranked::new();
            let mut model: Vec<u16> = Vec::new();
            for (add, x) in ops {
                let at = model.partition_point(|&y| y < x);
                prop_assert_eq!(r.partition_point(|&y| y < x), at);
                let present = model.get(at) == Some(&x);
                if add && !present {
                    r.insert(at, x);
                    model.insert(at, x);
                } else if !add && present {
                    prop_assert_eq!(r.remove(at), x);
                    model.remove(at);
                }
                prop_assert_eq!(r.len(), model.len());
                let i = usize::from(x) % (model.len() + 1);
                prop_assert_eq!(r.get(i), model.get(i));
                let j = (i + usize::from(x) % 200).min(model.len());
                prop_assert!(r.range(i, j).eq(model[i..j].iter()));
                prop_assert!(r.range(i, j).rev().eq(model[i..j].iter().rev()));
            }
            prop_assert!(r.iter().eq(model.iter()));
        }
    }
}
