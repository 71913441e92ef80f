//! The open-addressing table every database keeps its entries in.
//!
//! Linear probing over a slot array of any length (not a power of two): an entry's home slot is
//! `(hash * homes) >> 64`, so homes are *ordered by hash*, and every cluster is kept sorted by home
//! (an insert goes after the entries of its own home and shifts the rest of the cluster up; a
//! removal shifts the rest back). The array does not wrap: a few tail slots past the last home take
//! what spills over. That gives
//!
//! * a SCAN cursor that is a hash value, not a slot index: "every entry whose hash is below the
//!   cursor has been returned". It stays meaningful when the table grows or shrinks, so a key that
//!   is present for the whole scan is always returned, exactly once;
//! * loads between 0.818 and 0.92 (growth by 1.125x): a probe stops as soon as it passes its home,
//!   so misses stay short even that full, and that load is most of the memory the table saves;
//! * removals and inserts that never hash an entry they move.
//!
//! Each slot has one control byte beside the slot array, so probes stay out of the entries: 0 marks
//! an empty slot, else the high 5 bits are the entry's distance from its home (31 = "31 or more",
//! found exactly by hashing in the rare case it matters) and the low 3 bits 3 bits of its hash
//! (never 0): the distance already tells apart the entries of other homes, so the tag only has to
//! tell apart the few that share one, and the wide distance keeps far entries rare at the loads
//! the table runs at. The caller passes `hash_of` wherever an entry's hash may be needed (growth, and
//! those far-displaced entries), so entries need not store their hash.

use alloc::vec::Vec;

/// Smallest home count a non-empty table has.
const MIN_SLOTS: usize = 8;

/// The table grows when `len * 100 > homes * 92` (load above 0.92).
const fn over_full(len: usize, homes: usize) -> bool {
    len * 100 > homes * 92
}

/// The home count after growth: 1.125x, so the load after growing is about 0.818. A high load
/// keeps the slot array close to full (the slots are most of what a key costs beyond its entry);
/// steps of 1.125x keep the moves per insert low (about eight, each entry moved once per
/// growth: growing walks the old slots in hash order and appends). Smaller steps (1.04x) saved
/// under a byte per key and made bulk inserts about 75% slower, with no incremental rehash to
/// hide them.
/// Tables of fewer than 1024 homes grow by 1.25x, so a small table is not rebuilt every few keys.
const fn grown(homes: usize) -> usize {
    let step = if homes < 1024 { homes / 4 } else { homes / 8 };
    let g = homes + step;
    if g < MIN_SLOTS { MIN_SLOTS } else { g }
}

/// Slots past the last home for clusters that spill over the end (more are added if one does).
const fn tail(homes: usize) -> usize {
    16 + homes / 1024
}

/// The largest distance a control byte records exactly.
const FAR: u8 = 31;
/// The control byte keeps the distance above this many tag bits.
const DIST_SHIFT: u8 = 3;
/// The tag bits of a control byte.
const TAG_MASK: u8 = 7;

/// The home slot of `hash` in a table of `homes` homes: monotone in `hash`.
#[inline]
pub(crate) const fn home(hash: u64, homes: usize) -> usize {
    ((hash as u128 * homes as u128) >> 64) as usize
}

/// The smallest hash whose home is `pos` or later (`pos <= homes`); `2^64` for `pos == homes`.
const fn first_hash(pos: usize, homes: usize) -> u128 {
    ((pos as u128) << 64).div_ceil(homes as u128)
}

/// The 3 hash bits a control byte keeps: never 0 (bit 0 of a key hash is always set, so use 1-3).
#[inline]
pub(crate) const fn tag(hash: u64) -> u8 {
    let t = ((hash >> 1) & TAG_MASK as u64) as u8;
    if t == 0 { TAG_MASK } else { t }
}

/// A control byte for an entry `distance` slots past its home.
#[inline]
const fn ctrl_byte(distance: usize, tag: u8) -> u8 {
    let d = if distance < FAR as usize {
        distance as u8
    } else {
        FAR
    };
    d << DIST_SHIFT | tag
}

/// A set of `T` under open addressing; the caller says how to hash and compare.
#[derive(Debug)]
pub(crate) struct Table<T> {
    ctrl: Vec<u8>,
    slots: Vec<Option<T>>,
    len: usize,
    homes: usize,
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
            homes: 0,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// Number of slots (occupied or not), tail included.
    pub(crate) fn slot_count(&self) -> usize {
        self.ctrl.len()
    }

    /// Bytes the table itself holds (slots and control bytes), not counting what slots point to.
    pub(crate) fn table_bytes(&self) -> usize {
        self.ctrl.capacity() + self.slots.capacity() * size_of::<Option<T>>()
    }

    /// Whether the entry in occupied slot `i` has its home at or before `h0`. A far entry (31 or
    /// more slots from home) within 31 slots of `h0` does, without hashing.
    #[inline]
    fn homed_by(&self, i: usize, h0: usize, hash_of: &impl Fn(&T) -> u64) -> bool {
        let d = usize::from(self.ctrl[i] >> DIST_SHIFT);
        if d < usize::from(FAR) {
            i - d <= h0
        } else {
            i <= h0 + usize::from(FAR) || home(hash_of(self.get(i)), self.homes) <= h0
        }
    }

    /// The slot holding the first entry with this hash that `eq` accepts.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut eq: impl FnMut(&T) -> bool) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let h0 = home(hash, self.homes);
        let t = tag(hash);
        let mut i = h0;
        loop {
            let c = *self.ctrl.get(i)?;
            if c == 0 {
                return None;
            }
            let d = usize::from(c >> DIST_SHIFT);
            // The entry's home is i - d, or (far entries) at most i - 31. Clusters are sorted by
            // home, so an entry homed past ours ends the search.
            let maybe_ours = if d < usize::from(FAR) {
                let eh = i - d;
                if eh > h0 {
                    return None;
                }
                eh == h0
            } else {
                i >= h0 + usize::from(FAR)
            };
            if maybe_ours && c & TAG_MASK == t {
                if let Some(v) = &self.slots[i] {
                    if eq(v) {
                        return Some(i);
                    }
                }
            }
            i += 1;
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
        if self.homes == 0 || over_full(self.len + 1, self.homes) {
            self.rebuild(grown(self.homes), &hash_of);
        }
        self.len += 1;
        self.place(home(hash, self.homes), tag(hash), value, &hash_of)
    }

    /// Puts `value` (home `h0`, hash tag `t`) after the entries homed at or before its home,
    /// shifting the rest of the cluster up by one slot.
    fn place(&mut self, h0: usize, t: u8, value: T, hash_of: &impl Fn(&T) -> u64) -> usize {
        let mut pos = h0;
        while pos < self.ctrl.len() && self.ctrl[pos] != 0 && self.homed_by(pos, h0, hash_of) {
            pos += 1;
        }
        let mut end = pos;
        while end < self.ctrl.len() && self.ctrl[end] != 0 {
            end += 1;
        }
        if end == self.ctrl.len() {
            self.extend_tail();
        }
        // Slots pos..end move up one; slot `end` was empty.
        let mut carry = Some(value);
        let mut carry_ctrl = ctrl_byte(pos - h0, t);
        for k in pos..=end {
            carry = core::mem::replace(&mut self.slots[k], carry);
            let c = core::mem::replace(&mut self.ctrl[k], carry_ctrl);
            carry_ctrl = if c >> DIST_SHIFT < FAR {
                c + (1 << DIST_SHIFT)
            } else {
                c
            };
        }
        debug_assert!(carry.is_none());
        pos
    }

    /// Adds tail slots after a cluster ran into the end of the array.
    fn extend_tail(&mut self) {
        let more = tail(self.homes);
        self.ctrl.reserve_exact(more);
        self.ctrl.resize(self.ctrl.len() + more, 0);
        self.slots.reserve_exact(more);
        self.slots.resize_with(self.slots.len() + more, || None);
    }

    fn rebuild(&mut self, homes: usize, hash_of: &impl Fn(&T) -> u64) {
        let old = core::mem::take(&mut self.slots);
        let old_ctrl = core::mem::take(&mut self.ctrl);
        let slots = homes + tail(homes);
        self.homes = homes;
        self.ctrl = alloc::vec![0; slots];
        self.slots.reserve_exact(slots);
        self.slots.resize_with(slots, || None);
        // The old slots are in hash order (up to ties of home), so almost every entry lands at the
        // end of the cluster being built and nothing moves. The control byte's tag is kept.
        // The highest occupied slot and the highest home placed so far: an entry homed at or
        // after every placed one goes straight after the last (or at its home), with no walk.
        let mut last: Option<usize> = None;
        let mut top = 0;
        for (i, v) in old.into_iter().enumerate() {
            let Some(v) = v else { continue };
            let c = old_ctrl[i];
            let h0 = home(hash_of(&v), homes);
            match last {
                Some(l) if h0 < top => {
                    self.place(h0, c & TAG_MASK, v, hash_of);
                    let mut l = l;
                    while l + 1 < self.ctrl.len() && self.ctrl[l + 1] != 0 {
                        l += 1;
                    }
                    last = Some(l);
                }
                _ => {
                    let p = last.map_or(h0, |l| h0.max(l + 1));
                    if p == self.ctrl.len() {
                        self.extend_tail();
                    }
                    self.slots[p] = Some(v);
                    self.ctrl[p] = ctrl_byte(p - h0, c & TAG_MASK);
                    last = Some(p);
                    top = h0;
                }
            }
        }
    }

    /// Removes and returns the entry in slot `i`, shifting the rest of its cluster back.
    /// Never resizes, so other slot numbers the caller holds stay meaningful only up to the shift.
    pub(crate) fn remove_at(&mut self, i: usize, hash_of: impl Fn(&T) -> u64) -> T {
        let value = self.slots[i].take().expect("occupied slot");
        self.len -= 1;
        // Entries after i that are not at their home move back one slot.
        let mut end = i + 1;
        while end < self.ctrl.len() && self.ctrl[end] >> DIST_SHIFT != 0 {
            end += 1;
        }
        for k in i..end - 1 {
            self.slots[k] = self.slots[k + 1].take();
            let c = self.ctrl[k + 1];
            self.ctrl[k] = if c >> DIST_SHIFT < FAR {
                c - (1 << DIST_SHIFT)
            } else {
                let h = hash_of(self.get(k));
                ctrl_byte(k - home(h, self.homes), tag(h))
            };
        }
        self.ctrl[end - 1] = 0;
        value
    }

    /// Shrinks the slot array when it is less than 1/8 full (to a load of about 1/2).
    pub(crate) fn maybe_shrink(&mut self, hash_of: impl Fn(&T) -> u64) {
        if self.len == 0 {
            self.clear();
        } else if self.homes > MIN_SLOTS && self.len * 8 < self.homes {
            self.rebuild((self.len * 2).max(MIN_SLOTS), &hash_of);
        }
    }

    /// Drops every entry and the slot arrays.
    pub(crate) fn clear(&mut self) {
        self.ctrl = Vec::new();
        self.slots = Vec::new();
        self.len = 0;
        self.homes = 0;
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
            i = if i + 1 == n { 0 } else { i + 1 };
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
        if self.len == 0 {
            return 0;
        }
        let count = count.max(1);
        let start = home(cursor, self.homes);
        let n = self.ctrl.len();
        // First pass: find where the step ends (an empty slot, or the end of the array), without
        // hashing anything.
        let (mut i, mut seen) = (start, 0usize);
        while i < n {
            if self.ctrl[i] == 0 {
                let walked = i - start;
                if seen >= count || walked >= count.saturating_mul(10) {
                    break;
                }
            } else {
                seen += 1;
            }
            i += 1;
        }
        // Every entry homed in start..i lies in start..i; past the last home, nothing is left.
        let done = i >= self.homes;
        let limit: u128 = if done {
            1u128 << 64
        } else {
            first_hash(i, self.homes)
        };
        // Second pass: report entries whose hash falls in [cursor, limit).
        for v in self.slots[start..i].iter().flatten() {
            let h = hash_of(v);
            if h >= cursor && u128::from(h) < limit {
                visit(v);
            }
        }
        if done { 0 } else { limit as u64 }
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
    fn load_stays_between_0_81_and_0_92_while_growing() {
        let mut t = Table::new();
        for k in 0..200_000u64 {
            insert(&mut t, k);
            if k > 1100 {
                let load = t.len() as f64 / t.homes as f64;
                assert!((0.81..=0.92).contains(&load), "load {load} at {k}");
                let tail = t.slot_count() - t.homes;
                assert!(tail <= 2 * super::tail(t.homes), "tail {tail} at {k}");
            }
        }
    }

    /// Every cluster sorted by home, and every control byte right: what `find` relies on.
    fn check_invariants(t: &Table<u64>) {
        let mut prev_home = 0;
        let mut count = 0;
        for i in 0..t.slot_count() {
            match &t.slots[i] {
                None => assert_eq!(t.ctrl[i], 0, "slot {i}"),
                Some(v) => {
                    count += 1;
                    let h = mix(*v);
                    let hm = home(h, t.homes);
                    assert!(hm <= i, "entry before its home at {i}");
                    assert_eq!(t.ctrl[i], ctrl_byte(i - hm, tag(h)), "ctrl at {i}");
                    if i > 0 && t.slots[i - 1].is_some() {
                        assert!(prev_home <= hm, "cluster out of order at {i}");
                    }
                    prev_home = hm;
                }
            }
        }
        assert_eq!(count, t.len());
    }

    #[test]
    fn clusters_stay_sorted_through_inserts_removes_and_resizes() {
        let mut t = Table::new();
        let mut rng = 1u64;
        let mut present = BTreeSet::new();
        for step in 0..20_000u64 {
            rng = mix(rng);
            let k = rng % 3000;
            // Mostly inserts first, then mostly removes, so the table grows and shrinks.
            let add = if step < 10_000 {
                rng % 4 != 0
            } else {
                rng % 4 == 0
            };
            if add {
                insert(&mut t, k);
                present.insert(k);
            } else {
                assert_eq!(remove(&mut t, k), present.remove(&k), "key {k}");
            }
            if step % 997 == 0 {
                check_invariants(&t);
            }
        }
        check_invariants(&t);
        for k in 0..3000 {
            assert_eq!(t.find(mix(k), |v| *v == k).is_some(), present.contains(&k));
        }
    }

    #[test]
    fn far_displaced_entries_are_found_and_removed() {
        // A hash that sends every key home to slot 0: the cluster is all far entries.
        let mut t: Table<u64> = Table::new();
        let same = |v: &u64| (*v << 8) | 1;
        for k in 0..80u64 {
            t.insert_new(same(&k), k, same);
        }
        for k in 0..80u64 {
            assert!(t.find(same(&k), |v| *v == k).is_some(), "key {k}");
        }
        for k in (0..80u64).step_by(2) {
            let i = t.find(same(&k), |v| *v == k).expect("present");
            assert_eq!(t.remove_at(i, same), k);
        }
        for k in 0..80u64 {
            assert_eq!(
                t.find(same(&k), |v| *v == k).is_some(),
                k % 2 == 1,
                "key {k}"
            );
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
