//! The open-addressing index from a key's hash to its entry's position in the dense entry vector.
//!
//! One slot is 8 bytes: the top 32 bits of the key's hash (the tag) and the entry's position
//! plus one (0 marks an empty slot). A key's home slot is the tag's top bits; probing is linear;
//! the load stays at most 3/4; removal shifts the rest of the probe run back, so there are no
//! tombstones. A lookup reads one slot line (eight slots) and compares a key only where the tag
//! matches: finding a key costs the slot line and the entry, missing one only the slot line.
//! Growing needs no key either, since the tag holds the home position.

use alloc::vec;
use alloc::vec::Vec;

/// An empty slot.
const EMPTY: u64 = 0;

/// The smallest table allocated.
const MIN_SLOTS: usize = 8;

/// The largest entry position a slot can hold.
pub(crate) const MAX_POS: u32 = u32::MAX - 1;

/// The tag of a 64-bit hash.
pub(crate) fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

fn slot(tag: u32, pos: u32) -> u64 {
    (u64::from(tag) << 32) | (u64::from(pos) + 1)
}

fn tag_of(slot: u64) -> u32 {
    (slot >> 32) as u32
}

fn pos_of(slot: u64) -> u32 {
    (slot as u32).wrapping_sub(1)
}

/// Tag → entry positions (several when tags collide).
#[derive(Debug, Default)]
pub(crate) struct Index {
    slots: Vec<u64>,
    /// `64 - log2(slots.len())`: shifting a tag placed in the top half right by this gives its
    /// home slot.
    shift: u32,
    len: usize,
}

impl Index {
    fn home(&self, tag: u32) -> usize {
        ((u64::from(tag) << 32) >> self.shift) as usize
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot holding the first position with `tag` for which `is` says yes.
    fn find_slot(&self, tag: u32, mut is: impl FnMut(u32) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut i = self.home(tag);
        loop {
            let s = self.slots[i];
            if s == EMPTY {
                return None;
            }
            if tag_of(s) == tag && is(pos_of(s)) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The first position with `tag` for which `is` says yes.
    pub(crate) fn find(&self, tag: u32, is: impl FnMut(u32) -> bool) -> Option<u32> {
        self.find_slot(tag, is).map(|i| pos_of(self.slots[i]))
    }

    /// Adds `pos` under `tag` (the caller knows the key is not indexed yet).
    pub(crate) fn insert(&mut self, tag: u32, pos: u32) {
        debug_assert!(pos <= MAX_POS);
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let i = self.vacant(tag);
        self.slots[i] = slot(tag, pos);
        self.len += 1;
    }

    fn vacant(&self, tag: u32) -> usize {
        let mask = self.mask();
        let mut i = self.home(tag);
        while self.slots[i] != EMPTY {
            i = (i + 1) & mask;
        }
        i
    }

    fn grow(&mut self) {
        let len = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = core::mem::replace(&mut self.slots, vec![EMPTY; len]);
        self.shift = 64 - len.trailing_zeros();
        for s in old {
            if s != EMPTY {
                let i = self.vacant(tag_of(s));
                self.slots[i] = s;
            }
        }
    }

    /// Removes and returns the first position with `tag` for which `is` says yes.
    pub(crate) fn remove(&mut self, tag: u32, is: impl FnMut(u32) -> bool) -> Option<u32> {
        let i = self.find_slot(tag, is)?;
        let pos = pos_of(self.slots[i]);
        self.remove_at(i);
        Some(pos)
    }

    /// Empties slot `hole`, moving back every later slot of the run that may sit there.
    fn remove_at(&mut self, mut hole: usize) {
        let mask = self.mask();
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let s = self.slots[j];
            if s == EMPTY {
                break;
            }
            let home = self.home(tag_of(s));
            // `s` may fill the hole when its home is not after the hole (cyclically).
            if j.wrapping_sub(home) & mask >= j.wrapping_sub(hole) & mask {
                self.slots[hole] = s;
                hole = j;
            }
        }
        self.slots[hole] = EMPTY;
        self.len -= 1;
    }

    /// Makes the slot of `from` under `tag` point at `to`; false when there is none.
    pub(crate) fn repoint(&mut self, tag: u32, from: u32, to: u32) -> bool {
        match self.find_slot(tag, |p| p == from) {
            Some(i) => {
                self.slots[i] = slot(tag, to);
                true
            }
            None => false,
        }
    }

    /// Bytes held by the slot array.
    #[cfg(test)]
    pub(crate) fn allocated(&self) -> usize {
        self.slots.capacity() * size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags with one home slot in the 128-slot table that 80 positions need.
    fn crowded(n: u32) -> u32 {
        0xABCD_0000 | n
    }

    /// Added to a tag, moves its home one slot later in that table.
    const NEXT: u32 = 1 << 25;

    #[test]
    fn every_position_is_found_under_its_tag() {
        let mut index = Index::default();
        for pos in 0..10_000u32 {
            index.insert(pos.wrapping_mul(0x9E37_79B9), pos);
        }
        for pos in 0..10_000u32 {
            assert_eq!(
                index.find(pos.wrapping_mul(0x9E37_79B9), |_| true),
                Some(pos)
            );
        }
        assert_eq!(index.find(1, |_| true), None);
        assert_eq!(
            index.allocated(),
            16_384 * 8,
            "10,000 positions fit 3/4 of 16,384 slots"
        );
    }

    #[test]
    fn equal_tags_are_told_apart_by_the_caller() {
        let mut index = Index::default();
        for pos in [4, 9, 2] {
            index.insert(77, pos);
        }
        assert_eq!(index.find(77, |p| p == 9), Some(9));
        assert_eq!(index.find(77, |p| p == 3), None);
        assert_eq!(index.remove(77, |p| p == 4), Some(4));
        assert_eq!(index.find(77, |p| p == 2), Some(2));
        assert_eq!(index.find(77, |p| p == 4), None);
    }

    #[test]
    fn removal_in_a_crowded_run_keeps_the_rest_reachable() {
        let mut index = Index::default();
        // Two runs that meet: tags homed at the same slot, and tags homed one slot later.
        for n in 0..40 {
            index.insert(crowded(n), n);
            index.insert(crowded(n) + NEXT, 100 + n);
        }
        assert_eq!(index.allocated(), 128 * 8);
        for n in (0..40).step_by(3) {
            assert_eq!(index.remove(crowded(n), |_| true), Some(n));
        }
        for n in 0..40 {
            let expect = (n % 3 != 0).then_some(n);
            assert_eq!(index.find(crowded(n), |_| true), expect, "{n}");
            assert_eq!(index.find(crowded(n) + NEXT, |_| true), Some(100 + n));
        }
    }

    #[test]
    fn runs_wrap_around_the_end_of_the_table() {
        let mut index = Index::default();
        for n in 0..5 {
            index.insert(u32::MAX - n, n);
        }
        assert_eq!(index.remove(u32::MAX, |_| true), Some(0));
        for n in 1..5 {
            assert_eq!(index.find(u32::MAX - n, |_| true), Some(n));
        }
    }

    #[test]
    fn repoint_moves_one_position() {
        let mut index = Index::default();
        index.insert(5, 1);
        index.insert(5, 2);
        assert!(index.repoint(5, 2, 7));
        assert!(!index.repoint(5, 2, 8));
        assert_eq!(index.find(5, |p| p == 7), Some(7));
        assert_eq!(index.find(5, |p| p == 1), Some(1));
        assert_eq!(index.find(5, |p| p == 2), None);
    }

    #[test]
    fn the_largest_position_round_trips() {
        let mut index = Index::default();
        index.insert(0, MAX_POS);
        index.insert(0, 0);
        assert_eq!(index.find(0, |p| p == MAX_POS), Some(MAX_POS));
        assert_eq!(index.remove(0, |p| p == 0), Some(0));
    }
}
