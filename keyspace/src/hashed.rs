//! The `hashtable` encoding shared by hashes and sets: members ordered by a seeded hash, so a
//! SCAN cursor is a hash value and a random member is the first one at or after a random hash.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use core::hash::BuildHasher;
use core::ops::Bound;

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
    map: BTreeMap<(u64, Box<[u8]>), V>,
    seed: u64,
    /// Sum of the member lengths and the values' heap sizes.
    bytes: usize,
}

impl<V: PartialEq + HeapSize> PartialEq for Hashed<V> {
    fn eq(&self, other: &Self) -> bool {
        self.map.len() == other.map.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<V: Eq + HeapSize> Eq for Hashed<V> {}

/// Bytes a tree entry costs beyond its member and value (node share, key tuple, box).
const ENTRY_OVERHEAD: usize = 40;

impl<V: HeapSize> Hashed<V> {
    pub(crate) const fn new(seed: u64) -> Self {
        Self {
            map: BTreeMap::new(),
            seed,
            bytes: 0,
        }
    }

    fn hash(&self, b: &[u8]) -> u64 {
        foldhash::fast::FixedState::with_seed(self.seed).hash_one(b) | 1
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Estimated heap bytes.
    pub(crate) fn memory(&self) -> usize {
        self.bytes + self.map.len() * (ENTRY_OVERHEAD + size_of::<V>())
    }

    fn bucket(&self, h: u64) -> impl Iterator<Item = (&(u64, Box<[u8]>), &V)> {
        self.map
            .range((Bound::Included((h, Box::default())), Bound::Unbounded))
            .take_while(move |((k, _), _)| *k == h)
    }

    pub(crate) fn get(&self, member: &[u8]) -> Option<&V> {
        let h = self.hash(member);
        self.bucket(h)
            .find(|((_, m), _)| **m == *member)
            .map(|(_, v)| v)
    }

    fn get_mut(&mut self, h: u64, member: &[u8]) -> Option<&mut V> {
        self.map
            .range_mut((Bound::Included((h, Box::default())), Bound::Unbounded))
            .take_while(|((k, _), _)| *k == h)
            .find(|((_, m), _)| **m == *member)
            .map(|(_, v)| v)
    }

    /// Inserts or replaces; the previous value.
    pub(crate) fn insert(&mut self, member: &[u8], v: V) -> Option<V> {
        let h = self.hash(member);
        let add = v.heap_size();
        if let Some(slot) = self.get_mut(h, member) {
            let old = core::mem::replace(slot, v);
            self.bytes = self.bytes + add - old.heap_size();
            return Some(old);
        }
        self.bytes += member.len() + add;
        self.map.insert((h, member.into()), v);
        None
    }

    pub(crate) fn remove(&mut self, member: &[u8]) -> Option<V> {
        let h = self.hash(member);
        let key = self.bucket(h).find(|((_, m), _)| **m == *member)?.0.clone();
        let v = self.map.remove(&key)?;
        self.bytes -= member.len() + v.heap_size();
        Some(v)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.map.iter().map(|((_, m), v)| (&**m, v))
    }

    /// The first member at or after hash `r` (wrapping), if any.
    pub(crate) fn random(&self, r: u64) -> Option<(&[u8], &V)> {
        self.map
            .range((Bound::Included((r, Box::default())), Bound::Unbounded))
            .next()
            .or_else(|| self.map.iter().next())
            .map(|((_, m), v)| (&**m, v))
    }

    /// Visits members from `cursor` on, at least `count` of them (whole hash buckets); the next
    /// cursor, 0 when done. A member present for the whole scan is visited exactly once.
    pub(crate) fn scan<'a>(
        &'a self,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(&'a [u8], &'a V),
    ) -> u64 {
        let mut last = None;
        for (seen, ((h, m), v)) in self
            .map
            .range((Bound::Included((cursor, Box::default())), Bound::Unbounded))
            .enumerate()
        {
            if seen >= count && last != Some(*h) {
                return *h;
            }
            f(m, v);
            last = Some(*h);
        }
        0
    }
}
