//! The default-mode table: key → the clients that read it, global across databases.
//!
//! Keys are interned once in a dense entry vector; an [`Index`] of 8-byte slots (hash tag and
//! position) finds them. An entry is 40 bytes: the key (inline up to 22 bytes, boxed beyond) and
//! a [`Readers`] set. Removal swaps the last entry into the hole, so the vector stays dense and a
//! uniformly random entry is one index away (tracking-table-max-keys eviction).
//!
//! A key out of cache costs two dependent misses to find (its slot, then its entry) and one to
//! learn it is absent. [`KeyTable::insert_pairs`] looks up reads in groups, each step for the
//! whole group before the next, so the misses of different keys overlap.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::hash::BuildHasher;

use foldhash::fast::FixedState;

use crate::id::ClientId;
use crate::index::{self, Index, MAX_POS};
use crate::readers::{Readers, Spills, Taken};

/// Longest key stored inside its entry.
const INLINE: usize = 22;

/// Reads looked up together by [`KeyTable::insert_pairs`]: their slot and entry misses overlap.
/// 64 measured a few ns per read faster than 16 or 32 at 1,000,000 keys, and no slower than 128.
/// A group's arrays live on the stack (about 2 KiB at 64): 32-bit targets, with small stacks
/// and memory close by, take 8.
#[cfg(target_pointer_width = "64")]
pub(crate) const GROUP: usize = 64;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const GROUP: usize = 8;

/// A key's bytes: short keys live in the entry itself (no allocation, no pointer to follow).
#[derive(Debug)]
pub(crate) enum KeyBytes {
    Inline { len: u8, bytes: [u8; INLINE] },
    Boxed(Box<[u8]>),
}

impl KeyBytes {
    fn new(key: &[u8]) -> Self {
        if key.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..key.len()].copy_from_slice(key);
            Self::Inline {
                len: key.len() as u8,
                bytes,
            }
        } else {
            Self::Boxed(key.into())
        }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Self::Boxed(key) => key,
        }
    }
}

#[derive(Debug)]
struct Entry {
    key: KeyBytes,
    readers: Readers,
}

/// An entry taken out of the table.
#[derive(Debug)]
pub(crate) struct Removed {
    pub(crate) key: KeyBytes,
    pub(crate) readers: Taken,
}

/// Key → reader set.
#[derive(Debug)]
pub(crate) struct KeyTable {
    hasher: FixedState,
    index: Index,
    entries: Vec<Entry>,
    spills: Spills,
}

impl KeyTable {
    pub(crate) fn new(hasher: FixedState) -> Self {
        Self {
            hasher,
            index: Index::default(),
            entries: Vec::new(),
            spills: Spills::default(),
        }
    }

    /// The number of keys (`tracking_total_keys`).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn tag(&self, key: &[u8]) -> u32 {
        index::tag(self.hasher.hash_one(key))
    }

    fn find(&self, key: &[u8]) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(self.tag(key), |i| entries[i as usize].key.as_slice() == key)
            .map(|i| i as usize)
    }

    /// Records that `id` read `key`; true when the pair is new.
    ///
    /// At `u32::MAX - 1` keys a new key is not recorded (and false is returned).
    pub(crate) fn insert(&mut self, key: &[u8], id: ClientId) -> bool {
        let tag = self.tag(key);
        self.insert_tagged(key, tag, id)
    }

    fn insert_tagged(&mut self, key: &[u8], tag: u32, id: ClientId) -> bool {
        let entries = &self.entries;
        if let Some(i) = self
            .index
            .find(tag, |i| entries[i as usize].key.as_slice() == key)
        {
            return self.spills.add(&mut self.entries[i as usize].readers, id);
        }
        let Some(i) = u32::try_from(self.entries.len())
            .ok()
            .filter(|&i| i <= MAX_POS)
        else {
            return false;
        };
        self.entries.push(Entry {
            key: KeyBytes::new(key),
            readers: Readers::one(id),
        });
        self.index.insert(tag, i);
        true
    }

    /// [`insert`](Self::insert) for every (client, key) pair; returns how many were new.
    ///
    /// Pairs go in groups of [`GROUP`]: hash all, then read each one's slot, then compare each
    /// candidate entry's key, then record. Each step's loads are independent of one another, so
    /// a group waits for memory about once per step rather than once per key and step.
    pub(crate) fn insert_pairs<'k>(
        &mut self,
        pairs: impl IntoIterator<Item = (ClientId, &'k [u8])>,
    ) -> usize {
        let mut pairs = pairs.into_iter();
        let Some(first) = pairs.next() else {
            return 0;
        };
        let Some(second) = pairs.next() else {
            return usize::from(self.insert(first.1, first.0));
        };
        let mut group = [first; GROUP];
        group[1] = second;
        let mut filled = 2;
        let mut new = 0;
        for pair in pairs {
            group[filled] = pair;
            filled += 1;
            if filled == GROUP {
                new += self.insert_group(&group);
                filled = 0;
            }
        }
        new + self.insert_group(&group[..filled])
    }

    fn insert_group(&mut self, pairs: &[(ClientId, &[u8])]) -> usize {
        if let [] | [_] = pairs {
            return pairs
                .iter()
                .map(|&(id, key)| usize::from(self.insert(key, id)))
                .sum();
        }
        let mut tags = [0; GROUP];
        for (tag, (_, key)) in tags.iter_mut().zip(pairs) {
            *tag = self.tag(key);
        }
        let tags = &tags[..pairs.len()];
        // Step 1: each key's first slot with a matching tag (one slot line per key).
        let mut found = [None; GROUP];
        for (found, &tag) in found.iter_mut().zip(tags) {
            *found = self.index.find(tag, |_| true);
        }
        // Step 2: keep the candidates whose entry holds the key (one entry per key).
        // Its reader set may lie on the entry's next cache line: read it here too (kept by
        // `black_box`), so that line is in flight with the others rather than missed in step 3.
        let mut touched = 0;
        for (found, (_, key)) in found.iter_mut().zip(pairs) {
            *found = found.filter(|&i| {
                let entry = &self.entries[i as usize];
                touched ^= entry.readers.first_word();
                entry.key.as_slice() == *key
            });
        }
        core::hint::black_box(touched);
        // Step 3: record, from cache. Positions found stay valid: insertion only appends.
        let mut new = 0;
        for ((found, &(id, key)), &tag) in found.iter().zip(pairs).zip(tags) {
            let added = match found {
                Some(i) => self.spills.add(&mut self.entries[*i as usize].readers, id),
                None => self.insert_tagged(key, tag, id),
            };
            new += usize::from(added);
        }
        new
    }

    /// Whether `id` is recorded as a reader of `key`.
    pub(crate) fn contains(&self, key: &[u8], id: ClientId) -> bool {
        self.find(key)
            .is_some_and(|i| self.spills.contains(self.entries[i].readers, id))
    }

    /// The number of readers recorded for `key`.
    pub(crate) fn readers_len(&self, key: &[u8]) -> usize {
        self.find(key)
            .map_or(0, |i| self.spills.len(self.entries[i].readers))
    }

    /// Takes `key`'s entry out.
    pub(crate) fn remove(&mut self, key: &[u8]) -> Option<Removed> {
        let tag = self.tag(key);
        let entries = &self.entries;
        let i = self
            .index
            .remove(tag, |i| entries[i as usize].key.as_slice() == key)?;
        Some(self.take_at(i as usize))
    }

    /// Takes the entry at position `i` (taken modulo the length) out, or None when empty.
    pub(crate) fn remove_nth(&mut self, i: usize) -> Option<Removed> {
        let len = self.entries.len();
        if len == 0 {
            return None;
        }
        let i = i % len;
        let tag = self.tag(self.entries[i].key.as_slice());
        self.index.remove(tag, |j| j as usize == i)?;
        Some(self.take_at(i))
    }

    /// Removes entry `i`, whose index slot is already gone, and re-points the moved entry.
    fn take_at(&mut self, i: usize) -> Removed {
        let last = self.entries.len() - 1;
        let entry = self.entries.swap_remove(i);
        if i != last {
            let tag = self.tag(self.entries[i].key.as_slice());
            self.index.repoint(tag, last as u32, i as u32);
        }
        Removed {
            key: entry.key,
            readers: self.spills.take(entry.readers),
        }
    }

    /// Empties the table, handing back the old contents to drop wherever that is cheapest.
    pub(crate) fn take_all(&mut self) -> Self {
        core::mem::replace(self, Self::new(self.hasher.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn id(n: u64) -> ClientId {
        ClientId::new(n).unwrap()
    }

    #[test]
    fn an_entry_is_forty_bytes() {
        assert_eq!(size_of::<Entry>(), 40);
    }

    #[test]
    fn short_and_long_keys_round_trip() {
        for len in [0, 1, INLINE - 1, INLINE, INLINE + 1, 300] {
            let key: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert_eq!(KeyBytes::new(&key).as_slice(), &key[..]);
            let mut table = KeyTable::new(FixedState::default());
            table.insert(&key, id(1));
            assert!(table.contains(&key, id(1)));
            assert_eq!(table.remove(&key).unwrap().key.as_slice(), &key[..]);
        }
    }

    #[test]
    fn a_pair_is_stored_once() {
        let mut table = KeyTable::new(FixedState::default());
        assert!(table.insert(b"k", id(1)));
        assert!(!table.insert(b"k", id(1)));
        assert!(table.insert(b"k", id(2)));
        assert_eq!(table.len(), 1);
        assert_eq!(table.readers_len(b"k"), 2);
        assert!(table.contains(b"k", id(2)));
        assert!(!table.contains(b"j", id(2)));
    }

    #[test]
    fn insert_pairs_counts_each_new_pair_once_across_groups() {
        let mut table = KeyTable::new(FixedState::default());
        table.insert(b"key:3", id(1));
        table.insert(b"key:4", id(2));
        // Two full groups and a lone key, with repeats inside and across groups.
        let keys: Vec<Vec<u8>> = (0..2 * GROUP + 1)
            .map(|n| format!("key:{}", n % 11).into_bytes())
            .collect();
        let new = table.insert_pairs(keys.iter().map(|k| (id(1), k.as_slice())));
        assert_eq!(new, 10, "key:0..key:10 less key:3, already read by 1");
        assert_eq!(table.len(), 11);
        for n in 0..11 {
            assert!(table.contains(format!("key:{n}").as_bytes(), id(1)), "{n}");
        }
        assert_eq!(table.readers_len(b"key:4"), 2);
        assert_eq!(
            table.insert_pairs(keys.iter().map(|k| (id(1), k.as_slice()))),
            0
        );
        assert_eq!(table.insert_pairs([(id(2), &b"key:0"[..])]), 1);
        // Different clients in one group.
        let mixed = [
            (id(3), &b"key:1"[..]),
            (id(4), b"key:1"),
            (id(3), b"key:1"),
            (id(3), b"new"),
        ];
        assert_eq!(table.insert_pairs(mixed), 3);
        assert_eq!(table.readers_len(b"key:1"), 3);
    }

    #[test]
    fn removal_keeps_every_other_key_findable() {
        let mut table = KeyTable::new(FixedState::default());
        for n in 0..200u64 {
            table.insert(format!("key:{n}").as_bytes(), id(n % 7 + 1));
        }
        for n in (0..200u64).step_by(3) {
            let removed = table.remove(format!("key:{n}").as_bytes()).unwrap();
            assert_eq!(removed.key.as_slice(), format!("key:{n}").as_bytes());
            assert_eq!(removed.readers.collect::<Vec<_>>(), [id(n % 7 + 1)]);
        }
        for n in 0..200u64 {
            let key = format!("key:{n}");
            assert_eq!(
                table.contains(key.as_bytes(), id(n % 7 + 1)),
                n % 3 != 0,
                "{key}"
            );
        }
        assert!(table.remove(b"key:0").is_none());
    }

    proptest::proptest! {
        /// Reads, changes and evictions over 600 keys (the index grows, probe runs form and
        /// shift back, entries move) leave exactly the pairs a plain map holds.
        #[test]
        fn the_table_agrees_with_a_map(ops in proptest::collection::vec((0..4u8, 0..600u16, 1..4u64), 0..3000)) {
            let mut table = KeyTable::new(FixedState::with_seed(7));
            let mut model: std::collections::BTreeMap<Vec<u8>, Vec<ClientId>> = Default::default();
            for (op, k, c) in ops {
                let key = format!("k{k}").into_bytes();
                match op {
                    0 | 1 => {
                        let readers = model.entry(key.clone()).or_default();
                        let new = !readers.contains(&id(c));
                        if new {
                            readers.push(id(c));
                        }
                        proptest::prop_assert_eq!(table.insert(&key, id(c)), new);
                    }
                    2 => {
                        let removed = table.remove(&key).map(|r| r.readers.collect::<Vec<_>>());
                        proptest::prop_assert_eq!(removed, model.remove(&key));
                    }
                    _ => {
                        if let Some(removed) = table.remove_nth(usize::from(k) * 31) {
                            let readers: Vec<ClientId> = removed.readers.collect();
                            proptest::prop_assert_eq!(Some(readers), model.remove(removed.key.as_slice()));
                        } else {
                            proptest::prop_assert!(model.is_empty());
                        }
                    }
                }
                proptest::prop_assert_eq!(table.len(), model.len());
            }
            for (key, readers) in &model {
                proptest::prop_assert_eq!(table.readers_len(key), readers.len());
                for &r in readers {
                    proptest::prop_assert!(table.contains(key, r));
                }
            }
        }
    }

    #[test]
    fn remove_nth_drains_the_table() {
        let mut table = KeyTable::new(FixedState::default());
        for n in 0..50u64 {
            table.insert(format!("{n}").as_bytes(), id(1));
        }
        let mut seen = Vec::new();
        while let Some(removed) = table.remove_nth(seen.len() * 7919) {
            assert!(!table.contains(removed.key.as_slice(), id(1)));
            seen.push(removed.key.as_slice().to_vec());
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 50);
        assert_eq!(table.len(), 0);
    }
}
