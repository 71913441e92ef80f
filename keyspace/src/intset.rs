//! The `intset` encoding: sorted integers in one buffer, each in 2, 4 or 8 bytes, the width of
//! the widest member, as Valkey's intset (which upgrades the width when a wider member arrives
//! and never narrows it).
//!
//! ```text
//! [type: tag::INTSET][width: u8][member: width bytes, little-endian]*    (no width while empty)
//! ```

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::packed::tag;

/// Sorted integers, width-packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IntSet(Box<[u8]>);

/// An intset, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IntSetRef<'a>(&'a [u8]);

/// The width Valkey's `_intsetValueEncoding` gives `v`.
const fn width_of(v: i64) -> usize {
    if v < i32::MIN as i64 || v > i32::MAX as i64 {
        8
    } else if v < i16::MIN as i64 || v > i16::MAX as i64 {
        4
    } else {
        2
    }
}

fn read(b: &[u8]) -> i64 {
    match b.len() {
        2 => i64::from(i16::from_le_bytes([b[0], b[1]])),
        4 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        _ => {
            let mut v = [0u8; 8];
            v.copy_from_slice(b);
            i64::from_le_bytes(v)
        }
    }
}

fn write(out: &mut Vec<u8>, v: i64, width: usize) {
    out.extend_from_slice(&v.to_le_bytes()[..width]);
}

impl<'a> IntSetRef<'a> {
    /// A buffer [`IntSet::into_box`] gave.
    pub(crate) const fn new(b: &'a [u8]) -> Self {
        Self(b)
    }

    /// An owned copy.
    pub(crate) fn to_intset(self) -> IntSet {
        IntSet(self.0.into())
    }

    fn width(self) -> usize {
        self.0.get(1).map_or(2, |w| usize::from(*w))
    }

    fn body(self) -> &'a [u8] {
        self.0.get(2..).unwrap_or(&[])
    }

    pub(crate) fn len(self) -> usize {
        self.body().len() / self.width()
    }

    /// Heap bytes: the buffer.
    pub(crate) const fn memory(self) -> usize {
        self.0.len()
    }

    /// Member `i` (which exists).
    pub(crate) fn get(self, i: usize) -> i64 {
        let w = self.width();
        read(&self.body()[i * w..(i + 1) * w])
    }

    /// Where `v` is (`Ok`) or would go (`Err`).
    fn search(self, v: i64) -> Result<usize, usize> {
        if width_of(v) > self.width() {
            // Wider than every member: before them all or after them all.
            return Err(if v < 0 { 0 } else { self.len() });
        }
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(&v) {
                core::cmp::Ordering::Less => lo = mid + 1,
                core::cmp::Ordering::Greater => hi = mid,
                core::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    pub(crate) fn contains(self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    /// Members in ascending order.
    pub(crate) fn iter(self) -> impl Iterator<Item = i64> + 'a {
        self.body().chunks_exact(self.width()).map(read)
    }
}

impl IntSet {
    pub(crate) fn new() -> Self {
        Self(Box::new([tag::INTSET]))
    }

    /// A buffer [`Self::into_box`] gave.
    pub(crate) const fn from_box(b: Box<[u8]>) -> Self {
        Self(b)
    }

    /// The buffer, to keep in the store.
    pub(crate) fn into_box(self) -> Box<[u8]> {
        self.0
    }

    pub(crate) fn view(&self) -> IntSetRef<'_> {
        IntSetRef(&self.0)
    }

    pub(crate) fn len(&self) -> usize {
        self.view().len()
    }

    /// An intset of `sorted` (ascending, distinct).
    pub(crate) fn from_sorted(sorted: &[i64]) -> Self {
        let w = sorted.iter().map(|v| width_of(*v)).max().unwrap_or(2);
        let mut out = Vec::with_capacity(2 + sorted.len() * w);
        out.extend_from_slice(&[tag::INTSET, w as u8]);
        for v in sorted {
            write(&mut out, *v, w);
        }
        Self(out.into_boxed_slice())
    }

    /// Adds `v`; whether it is new. A wider `v` upgrades every member's width.
    pub(crate) fn insert(&mut self, v: i64) -> bool {
        let view = self.view();
        let Err(at) = view.search(v) else {
            return false;
        };
        let (old_w, n) = (view.width(), view.len());
        let w = old_w.max(width_of(v));
        let mut out = Vec::with_capacity(2 + (n + 1) * w);
        out.extend_from_slice(&[tag::INTSET, w as u8]);
        if w == old_w {
            let body = view.body();
            out.extend_from_slice(&body[..at * w]);
            write(&mut out, v, w);
            out.extend_from_slice(&body[at * w..]);
        } else {
            for i in 0..at {
                write(&mut out, view.get(i), w);
            }
            write(&mut out, v, w);
            for i in at..n {
                write(&mut out, view.get(i), w);
            }
        }
        self.0 = out.into_boxed_slice();
        true
    }

    /// Removes `v`; whether it was a member.
    pub(crate) fn remove(&mut self, v: i64) -> bool {
        let Ok(at) = self.view().search(v) else {
            return false;
        };
        let w = self.view().width();
        let mut out = Vec::with_capacity(self.0.len() - w);
        out.extend_from_slice(&self.0[..2 + at * w]);
        out.extend_from_slice(&self.0[2 + (at + 1) * w..]);
        self.0 = out.into_boxed_slice();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_width_grows_with_the_widest_member_and_stays() {
        let mut s = IntSet::new();
        assert!(s.insert(5) && s.insert(-3) && !s.insert(5));
        assert_eq!(s.view().memory(), 2 + 2 * 2);
        assert!(s.insert(70_000));
        assert_eq!(s.view().memory(), 2 + 3 * 4);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.view().memory(), 2 + 4 * 8);
        assert!(s.remove(i64::MIN) && !s.remove(i64::MIN));
        assert_eq!(
            s.view().memory(),
            2 + 3 * 8,
            "Valkey's intset never narrows"
        );
        assert_eq!(s.view().iter().collect::<Vec<_>>(), [-3, 5, 70_000]);
        for v in [-3, 5, 70_000] {
            assert!(s.remove(v));
        }
        assert_eq!((s.len(), s.view().memory()), (0, 2));
    }

    proptest! {
        /// Random inserts and removals against a sorted, deduplicated Vec.
        #[test]
        fn agrees_with_a_sorted_vec(ops in proptest::collection::vec((any::<bool>(), prop_oneof![
            -40i64..40,
            any::<i16>().prop_map(i64::from),
            any::<i32>().prop_map(i64::from),
            any::<i64>(),
        ]), 1..200)) {
            let mut s = IntSet::new();
            let mut model: Vec<i64> = Vec::new();
            for (add, v) in ops {
                let at = model.binary_search(&v);
                if add {
                    prop_assert_eq!(s.insert(v), at.is_err());
                    if let Err(at) = at {
                        model.insert(at, v);
                    }
                } else {
                    prop_assert_eq!(s.remove(v), at.is_ok());
                    if let Ok(at) = at {
                        model.remove(at);
                    }
                }
                prop_assert_eq!(s.view().iter().collect::<Vec<_>>(), model.clone());
                prop_assert_eq!(s.len(), model.len());
                prop_assert!(model.iter().all(|v| s.view().contains(*v)));
            }
        }
    }
}
