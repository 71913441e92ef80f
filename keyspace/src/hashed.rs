//! The `hashtable` encoding shared by hashes and sets: members ordered by a seeded hash, so a
//! SCAN cursor is a hash value; members are also addressable by rank, so a random member is a
//! uniform pick.

use alloc::boxed::Box;
use core::hash::BuildHasher;

use crate::ranked::Ranked;

/// Heap bytes a value owns (for memory accounting kept up to date on every change).
pub(crate) trait HeapSize {
    fn heap_size(&self) -> usize;
}

impl HeapSize for () {
    fn heap_size(&self) -> usize {
        0
    }
}

impl HeapSize for Box<[u8]> {
    fn heap_size(&self) -> usize {
        self.len()
    }
}

/// A map from byte strings to `V`, iterated in hash order.
#[derive(Clone, Debug)]
pub(crate) struct Hashed<V> {
    /// (hash, member, value), ordered by (hash, member).
    items: Ranked<(u64, Box<[u8]>, V)>,
    seed: u64,
    /// Sum of the member lengths and the values' heap sizes.
    bytes: usize,
}

impl<V: PartialEq + HeapSize> PartialEq for Hashed<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<V: Eq + HeapSize> Eq for Hashed<V> {}

/// Bytes a member's box costs beyond its bytes (allocator rounding, on average).
const ENTRY_OVERHEAD: usize = 8;

impl<V: HeapSize> Hashed<V> {
    pub(crate) const fn new(seed: u64) -> Self {
        Self {
            items: Ranked::new(),
            seed,
            bytes: 0,
        }
    }

    fn hash(&self, b: &[u8]) -> u64 {
        foldhash::fast::FixedState::with_seed(self.seed).hash_one(b) | 1
    }

    pub(crate) const fn len(&self) -> usize {
        self.items.len()
    }

    /// Sum of the member lengths and the values' heap sizes.
    pub(crate) const fn bytes(&self) -> usize {
        self.bytes
    }

    /// Estimated heap bytes.
    pub(crate) fn memory(&self) -> usize {
        self.bytes + self.items.len() * ENTRY_OVERHEAD + self.items.memory()
    }

    /// The rank `member` (of hash `h`) has or would have, and whether it is there.
    fn find(&self, h: u64, member: &[u8]) -> (usize, bool) {
        let at = self
            .items
            .partition_point(|(k, m, _)| (*k, &**m) < (h, member));
        let found = self
            .items
            .get(at)
            .is_some_and(|(k, m, _)| *k == h && **m == *member);
        (at, found)
    }

    pub(crate) fn get(&self, member: &[u8]) -> Option<&V> {
        match self.find(self.hash(member), member) {
            (at, true) => self.items.get(at).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// Inserts or replaces; the previous value.
    pub(crate) fn insert(&mut self, member: &[u8], v: V) -> Option<V> {
        let h = self.hash(member);
        let add = v.heap_size();
        match self.find(h, member) {
            (at, true) => {
                let slot = &mut self.items.get_mut(at)?.2;
                let old = core::mem::replace(slot, v);
                self.bytes = self.bytes + add - old.heap_size();
                Some(old)
            }
            (at, false) => {
                self.bytes += member.len() + add;
                self.items.insert(at, (h, member.into(), v));
                None
            }
        }
    }

    pub(crate) fn remove(&mut self, member: &[u8]) -> Option<V> {
        let (at, true) = self.find(self.hash(member), member) else {
            return None;
        };
        let (_, _, v) = self.items.remove(at);
        self.bytes -= member.len() + v.heap_size();
        Some(v)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.items.iter().map(|(_, m, v)| (&**m, v))
    }

    /// The member of rank `at` in hash order.
    pub(crate) fn nth(&self, at: usize) -> Option<(&[u8], &V)> {
        self.items.get(at).map(|(_, m, v)| (&**m, v))
    }

    /// Visits members from `cursor` on, at least `count` of them (whole hash buckets); the next
    /// cursor, 0 when done. A member present for the whole scan is visited exactly once.
    pub(crate) fn scan<'a>(
        &'a self,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(&'a [u8], &'a V),
    ) -> u64 {
        let from = self.items.partition_point(|(k, _, _)| *k < cursor);
        let mut last = None;
        for (seen, (h, m, v)) in self.items.range(from, self.len()).enumerate() {
            if seen >= count && last != Some(*h) {
                return *h;
            }
            f(m, v);
            last = Some(*h);
        }
        0
    }
}
