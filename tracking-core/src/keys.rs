//! The default-mode table: key → the clients that read it, global across databases.
//!
//! Keys are interned once in a dense entry vector; a Swiss table of 4-byte indices finds them.
//! An entry is 40 bytes: the key (inline up to 22 bytes, boxed beyond) and a [`Readers`] set.
//! Removal swaps the last entry into the hole, so the vector stays dense and a uniformly random
//! entry is one index away (tracking-table-max-keys eviction).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use crate::id::ClientId;
use crate::readers::{Readers, Spills, Taken};

/// Longest key stored inside its entry.
const INLINE: usize = 22;

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
    index: HashTable<u32>,
    entries: Vec<Entry>,
    spills: Spills,
}

impl KeyTable {
    pub(crate) fn new(hasher: FixedState) -> Self {
        Self {
            hasher,
            index: HashTable::new(),
            entries: Vec::new(),
            spills: Spills::default(),
        }
    }

    /// The number of keys (`tracking_total_keys`).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn find(&self, key: &[u8]) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        let entries = &self.entries;
        self.index
            .find(hash, |&i| entries[i as usize].key.as_slice() == key)
            .map(|&i| i as usize)
    }

    /// Records that `id` read `key`; true when the pair is new.
    ///
    /// At `u32::MAX` keys a new key is not recorded (and false is returned).
    pub(crate) fn insert(&mut self, key: &[u8], id: ClientId) -> bool {
        let hash = self.hasher.hash_one(key);
        let Self {
            hasher,
            index,
            entries,
            spills,
        } = self;
        if let Some(&i) = index.find(hash, |&i| entries[i as usize].key.as_slice() == key) {
            return spills.add(&mut entries[i as usize].readers, id);
        }
        let Ok(i) = u32::try_from(entries.len()) else {
            return false;
        };
        entries.push(Entry {
            key: KeyBytes::new(key),
            readers: Readers::one(id),
        });
        index.insert_unique(hash, i, |&j| {
            hasher.hash_one(entries[j as usize].key.as_slice())
        });
        true
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
        let hash = self.hasher.hash_one(key);
        let entries = &self.entries;
        let found = self
            .index
            .find_entry(hash, |&i| entries[i as usize].key.as_slice() == key)
            .ok()?;
        let (i, _) = found.remove();
        Some(self.take_at(i as usize))
    }

    /// Takes the entry at position `i` (taken modulo the length) out, or None when empty.
    pub(crate) fn remove_nth(&mut self, i: usize) -> Option<Removed> {
        let len = self.entries.len();
        if len == 0 {
            return None;
        }
        let i = i % len;
        let hash = self.hasher.hash_one(self.entries[i].key.as_slice());
        let found = self.index.find_entry(hash, |&j| j as usize == i).ok()?;
        found.remove();
        Some(self.take_at(i))
    }

    /// Removes entry `i`, whose index slot is already gone, and re-points the moved entry.
    fn take_at(&mut self, i: usize) -> Removed {
        let last = self.entries.len() - 1;
        let entry = self.entries.swap_remove(i);
        if i != last {
            let hash = self.hasher.hash_one(self.entries[i].key.as_slice());
            if let Some(slot) = self.index.find_mut(hash, |&j| j as usize == last) {
                *slot = i as u32;
            }
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
