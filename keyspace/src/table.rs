//! The open-addressing table every database keeps its entries in.
//!
//! Linear probing over a slot array of any length (not a power of two): an entry's home slot is
//! `(hash * len) >> 64`, so homes are *ordered by hash*. That one property gives
//!
//! * a SCAN cursor that is a hash value, not a slot index: "every entry whose hash is below the
//!   cursor has been returned". It stays meaningful when the table grows or shrinks, so a key that
//!   is present for the whole scan is always returned, exactly once;
//! * growth by 1.25x instead of 2x (load stays between 0.7 and 0.875), which is most of the memory
//!   the table saves over a power-of-two table.
//!
//! A side array of one control byte per slot (0 = empty, else 8 bits of the hash) keeps probes out
//! of the entries. Deletion shifts the rest of the cluster back (no tombstones), which needs the
//! hash of the entries it moves: the caller passes `hash_of`, so entries need not store their hash.

use alloc::vec::Vec;

/// Smallest slot count a non-empty table has.
const MIN_SLOTS: usize = 8;

/// The table grows when `len * 8 > slots * 7` (load above 0.875).
const fn over_full(len: usize, slots: usize) -> bool {
    len * 8 > slots * 7
}

/// The home slot of `hash` in a table of `slots` slots: monotone in `hash`.
#[inline]
pub(crate) const fn home(hash: u64, slots: usize) -> usize {
    ((hash as u128 * slots as u128) >> 64) as usize
}

/// The smallest hash whose home is `pos` or later (`pos <= slots`); `2^64` for `pos == slots`.
const fn first_hash(pos: usize, slots: usize) -> u128 {
    ((pos as u128) << 64).div_ceil(slots as u128)
}

/// The control byte for `hash`: never 0 (0 marks an empty slot).
#[inline]
pub(crate) const fn tag(hash: u64) -> u8 {
    let t = (hash >> 1) as u8;
    if t == 0 { 1 } else { t }
}

/// A set of `T` under open addressing; the caller says how to hash and compare.
#[derive(Debug)]
pub(crate) struct Table<T> {
    ctrl: Vec<u8>,
    slots: Vec<Option<T>>,
    len: usize,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Table<T> {
    pub(crate) const fn new() -> Self {
        Self {
            ctrl: Vec::new(),
            slots: Vec::new(),
            len: 0,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// Number of slots (occupied or not).
    pub(crate) fn slot_count(&self) -> usize {
        self.ctrl.len()
    }

    /// Bytes the table itself holds (slots and control bytes), not counting what slots point to.
    pub(crate) fn table_bytes(&self) -> usize {
        self.ctrl.capacity() + self.slots.capacity() * size_of::<Option<T>>()
    }

    #[inline]
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.ctrl.len() { 0 } else { i + 1 }
    }

    /// The slot holding the first entry with this hash that `eq` accepts.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut eq: impl FnMut(&T) -> bool) -> Option<usize> {
        let n = self.ctrl.len();
        if self.len == 0 {
            return None;
        }
        let t = tag(hash);
        let mut i = home(hash, n);
        loop {
            let c = self.ctrl[i];
            if c == 0 {
                return None;
            }
            if c == t {
                if let Some(v) = &self.slots[i] {
                    if eq(v) {
                        return Some(i);
                    }
                }
            }
            i = self.next(i);
        }
    }

    /// The entry in slot `i` (which must be occupied).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &T {
        self.slots[i].as_ref().expect("occupied slot")
    }

    /// The entry in slot `i` (which must be occupied), mutably.
    #[inline]
    pub(crate) fn get_mut(&mut self, i: usize) -> &mut T {
        self.slots[i].as_mut().expect("occupied slot")
    }

    /// Inserts a value the caller knows is absent; returns its slot.
    pub(crate) fn insert_new(&mut self, hash: u64, value: T, hash_of: impl Fn(&T) -> u64) -> usize {
        if self.ctrl.is_empty() || over_full(self.len + 1, self.ctrl.len()) {
            let grown = (self.ctrl.len() + self.ctrl.len() / 4).max(MIN_SLOTS);
            self.rebuild(grown, &hash_of);
        }
        self.len += 1;
        self.place(hash, value)
    }

    fn place(&mut self, hash: u64, value: T) -> usize {
        let mut i = home(hash, self.ctrl.len());
        while self.ctrl[i] != 0 {
            i = self.next(i);
        }
        self.ctrl[i] = tag(hash);
        self.slots[i] = Some(value);
        i
    }

    fn rebuild(&mut self, slots: usize, hash_of: &impl Fn(&T) -> u64) {
        let old = core::mem::take(&mut self.slots);
        self.ctrl = alloc::vec![0; slots];
        self.slots.reserve_exact(slots);
        self.slots.resize_with(slots, || None);
        for v in old.into_iter().flatten() {
            let h = hash_of(&v);
            self.place(h, v);
        }
    }

    /// Removes and returns the entry in slot `i`, shifting the rest of its cluster back.
    /// Never resizes, so other slot numbers the caller holds stay meaningful only up to the shift.
    pub(crate) fn remove_at(&mut self, i: usize, hash_of: impl Fn(&T) -> u64) -> T {
        let n = self.ctrl.len();
        let value = self.slots[i].take().expect("occupied slot");
        self.len -= 1;
        let mut hole = i;
        let mut j = self.next(i);
        while self.ctrl[j] != 0 {
            let h = hash_of(self.slots[j].as_ref().expect("occupied slot"));
            let k = home(h, n);
            // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
            let stays = if hole <= j {
                hole < k && k <= j
            } else {
                hole < k || k <= j
            };
            if !stays {
                self.ctrl[hole] = self.ctrl[j];
                self.slots[hole] = self.slots[j].take();
                hole = j;
            }
            j = self.next(j);
        }
        self.ctrl[hole] = 0;
        value
    }

    /// Shrinks the slot array when it is less than 1/8 full (to a load of about 1/2).
    pub(crate) fn maybe_shrink(&mut self, hash_of: impl Fn(&T) -> u64) {
        let n = self.ctrl.len();
        if self.len == 0 {
            self.clear();
        } else if n > MIN_SLOTS && self.len * 8 < n {
            {
                self.rebuild((self.len * 2).max(MIN_SLOTS), &hash_of);
            }
        }
    }

    /// Drops every entry and the slot arrays.
    pub(crate) fn clear(&mut self) {
        self.ctrl = Vec::new();
        self.slots = Vec::new();
        self.len = 0;
    }

    /// Every entry, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten()
    }

    /// The first occupied slot at or after `start` (wrapping), if the table is not empty.
    pub(crate) fn occupied_from(&self, start: usize) -> Option<usize> {
        let n = self.ctrl.len();
        if self.len == 0 {
            return None;
        }
        let mut i = start % n;
        while self.ctrl[i] == 0 {
            i = self.next(i);
        }
        Some(i)
    }

    /// One SCAN step from `cursor` (a hash value; 0 starts). Calls `visit` for every entry whose
    /// hash lies in `[cursor, next)` and returns `next`, or 0 when the scan is complete. Visits at
    /// least `count` occupied slots (or `10 * count` slots) and then runs to the end of the cluster,
    /// so every entry with a home in the walked range is seen.
    pub(crate) fn scan(
        &self,
        cursor: u64,
        count: usize,
        hash_of: impl Fn(&T) -> u64,
        mut visit: impl FnMut(&T),
    ) -> u64 {
        let n = self.ctrl.len();
        if self.len == 0 {
            return 0;
        }
        let count = count.max(1);
        let start = home(cursor, n);
        // First pass: find where the step ends (an empty slot), without hashing anything. Never
        // more than one lap: after that every slot has been walked.
        let (mut i, mut seen, mut walked, mut wrapped) = (start, 0usize, 0usize, false);
        while walked < n {
            if self.ctrl[i] == 0 {
                if wrapped || seen >= count || walked >= count.saturating_mul(10) {
                    break;
                }
            } else {
                seen += 1;
            }
            walked += 1;
            i = self.next(i);
            if i == 0 {
                wrapped = true;
            }
        }
        let limit: u128 = if wrapped {
            1u128 << 64
        } else {
            first_hash(i, n)
        };
        // Second pass: report entries whose hash falls in [cursor, limit).
        let mut j = start;
        for _ in 0..walked {
            if let Some(v) = &self.slots[j] {
                let h = hash_of(v);
                if h >= cursor && u128::from(h) < limit {
                    visit(v);
                }
            }
            j = self.next(j);
        }
        if wrapped { 0 } else { limit as u64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeSet;

    fn mix(x: u64) -> u64 {
        // splitmix64 finaliser: a stand-in hash for tests.
        let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn insert(t: &mut Table<u64>, k: u64) {
        if t.find(mix(k), |v| *v == k).is_none() {
            t.insert_new(mix(k), k, |v| mix(*v));
        }
    }

    fn remove(t: &mut Table<u64>, k: u64) -> bool {
        match t.find(mix(k), |v| *v == k) {
            Some(i) => {
                t.remove_at(i, |v| mix(*v));
                t.maybe_shrink(|v| mix(*v));
                true
            }
            None => false,
        }
    }

    fn full_scan(t: &Table<u64>, count: usize) -> Vec<u64> {
        let mut out = Vec::new();
        let mut c = 0;
        loop {
            c = t.scan(c, count, |v| mix(*v), |v| out.push(*v));
            if c == 0 {
                return out;
            }
        }
    }

    #[test]
    fn home_is_monotone_and_first_hash_is_its_inverse() {
        for n in [1usize, 7, 8, 10, 1000, 12_345] {
            for pos in 1..n.min(50) {
                let f = first_hash(pos, n) as u64;
                assert_eq!(home(f, n), pos, "n={n} pos={pos}");
                assert_eq!(home(f - 1, n), pos - 1, "n={n} pos={pos}");
            }
        }
    }

    #[test]
    fn insert_find_remove_keep_every_entry_reachable() {
        let mut t = Table::new();
        for k in 0..5000 {
            insert(&mut t, k);
        }
        assert_eq!(t.len(), 5000);
        for k in (0..5000).step_by(3) {
            assert!(remove(&mut t, k));
        }
        for k in 0..5000 {
            assert_eq!(t.find(mix(k), |v| *v == k).is_some(), k % 3 != 0, "key {k}");
        }
        for k in 0..5000 {
            remove(&mut t, k);
        }
        assert_eq!(t.len(), 0);
        assert_eq!(t.slot_count(), 0, "an emptied table gives its slots back");
    }

    #[test]
    fn load_stays_between_seven_tenths_and_seven_eighths_while_growing() {
        let mut t = Table::new();
        for k in 0..100_000u64 {
            insert(&mut t, k);
            if k > 64 {
                let load = t.len() as f64 / t.slot_count() as f64;
                assert!((0.69..=0.875).contains(&load), "load {load} at {k}");
            }
        }
    }

    #[test]
    fn full_scan_returns_every_entry_exactly_once() {
        let mut t = Table::new();
        for k in 0..3000 {
            insert(&mut t, k);
        }
        for count in [1, 10, 100, 10_000] {
            let got = full_scan(&t, count);
            assert_eq!(got.len(), 3000, "count {count}");
            let set: BTreeSet<_> = got.into_iter().collect();
            assert_eq!(set.len(), 3000);
        }
    }

    #[test]
    fn scan_across_growth_and_shrink_returns_keys_present_throughout() {
        let mut t = Table::new();
        for k in 0..1000 {
            insert(&mut t, k);
        }
        let mut seen = BTreeSet::new();
        let mut c = 0;
        let mut step = 0u64;
        loop {
            c = t.scan(
                c,
                5,
                |v| mix(*v),
                |v| {
                    seen.insert(*v);
                },
            );
            // Between steps: grow a lot, then shrink a lot, never touching keys 0..500.
            step += 1;
            if step % 2 == 0 {
                for k in 10_000 + step * 400..10_000 + step * 400 + 400 {
                    insert(&mut t, k);
                }
            } else {
                for k in 500..1000 {
                    remove(&mut t, k);
                }
                for k in 10_000..10_000 + step * 400 {
                    remove(&mut t, k);
                }
            }
            if c == 0 {
                break;
            }
        }
        for k in 0..500 {
            assert!(
                seen.contains(&k),
                "key {k} present for the whole scan was not returned"
            );
        }
    }

    #[test]
    fn occupied_from_wraps_to_the_next_entry() {
        let mut t = Table::new();
        assert_eq!(t.occupied_from(3), None);
        insert(&mut t, 42);
        let i = t.occupied_from(0).expect("one entry");
        assert_eq!(*t.get(i), 42);
        assert_eq!(t.occupied_from(i + 1), Some(i));
    }
}
