//! The set type: `intset` (sorted integers) while every member is an integer and there are at
//! most `set-max-intset-entries`, `listpack` (insertion order, searched linearly) while there are
//! at most `set-max-listpack-entries` members of at most `set-max-listpack-value` bytes, else
//! `hashtable`. The conversions follow Valkey's `setTypeAddAux`; a set never converts back on
//! removal.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::hashed::Hashed;
use crate::intset::{IntSet, IntSetRef};
use crate::num;
pub(crate) use crate::packed::Elem;
use crate::packed::{Needle, Packed, PackedRef, Put, tag};

/// `set-max-intset-entries`, `set-max-listpack-entries`, `set-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SetLimits {
    pub(crate) intset: usize,
    pub(crate) entries: usize,
    pub(crate) value: usize,
}

impl SetLimits {
    /// Valkey caps the intset at 2^30 entries.
    fn intset_max(self) -> usize {
        self.intset.min(1 << 30)
    }
}

/// A set value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Set {
    /// Sorted integers.
    Ints(IntSet),
    /// Members in insertion order, packed.
    Pack(Packed),
    /// Large or long members.
    Table(Box<Hashed<()>>),
}

/// A set, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SetRef<'a> {
    Ints(IntSetRef<'a>),
    Pack(PackedRef<'a>),
    Table(&'a Hashed<()>),
}

impl<'a> SetRef<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Ints(s) => s.len(),
            Self::Pack(p) => p.len(),
            Self::Table(t) => t.len(),
        }
    }

    pub(crate) const fn encoding(self) -> &'static str {
        match self {
            Self::Ints(_) => "intset",
            Self::Pack(_) => "listpack",
            Self::Table(_) => "hashtable",
        }
    }

    pub(crate) fn memory(self) -> usize {
        match self {
            Self::Ints(s) => s.memory(),
            Self::Pack(p) => p.memory(),
            Self::Table(t) => t.memory(),
        }
    }

    pub(crate) fn contains(self, m: &[u8]) -> bool {
        match self {
            Self::Ints(s) => num::canonical_i64(m).is_some_and(|i| s.contains(i)),
            Self::Pack(p) => p.find(Needle::new(m), 1).is_some(),
            Self::Table(t) => t.get(m).is_some(),
        }
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = Elem<'a>> {
        let (ints, pack, table) = match self {
            Self::Ints(s) => (Some(s.iter().map(Elem::Int)), None, None),
            Self::Pack(p) => (None, Some(p.iter()), None),
            Self::Table(t) => (None, None, Some(t.iter().map(|(b, ())| Elem::Bytes(b)))),
        };
        ints.into_iter()
            .flatten()
            .chain(pack.into_iter().flatten())
            .chain(table.into_iter().flatten())
    }

    /// The member at position `at` in [`Self::iter`]'s order.
    pub(crate) fn nth(self, at: usize) -> Option<Elem<'a>> {
        match self {
            Self::Ints(s) => (at < s.len()).then(|| Elem::Int(s.get(at))),
            Self::Pack(p) => p.get(at).map(|r| r.elem()),
            Self::Table(t) => t.nth(at).map(|(b, ())| Elem::Bytes(b)),
        }
    }

    /// [`Self::nth`] for many positions (SRANDMEMBER with a count): a listpack is walked once
    /// into a list rather than once per pick.
    pub(crate) fn picker(self) -> impl Fn(usize) -> Option<Elem<'a>> {
        let listed: Vec<Elem<'a>> = match self {
            Self::Pack(p) => p.iter().collect(),
            Self::Ints(_) | Self::Table(_) => Vec::new(),
        };
        move |at| match self {
            Self::Pack(_) => listed.get(at).copied(),
            Self::Ints(_) | Self::Table(_) => self.nth(at),
        }
    }

    /// A member picked with the random number `r`: each is equally likely when `r` is uniform.
    pub(crate) fn random(self, r: u64) -> Option<Elem<'a>> {
        match self.len() as u64 {
            0 => None,
            n => self.nth((r % n) as usize),
        }
    }

    /// SSCAN's walk: everything at once for an intset or listpack, else a step of the table.
    pub(crate) fn scan(self, cursor: u64, count: usize, mut f: impl FnMut(Elem<'a>)) -> u64 {
        match self {
            Self::Table(t) => t.scan(cursor, count, |b, ()| f(Elem::Bytes(b))),
            _ => {
                self.iter().for_each(f);
                0
            }
        }
    }
}

impl Default for Set {
    fn default() -> Self {
        Self::new()
    }
}

impl Set {
    /// An empty intset.
    pub(crate) fn new() -> Self {
        Self::Ints(IntSet::new())
    }

    /// An empty set to collect SINTERSTORE's result in: an intset if `first` is one, else a
    /// listpack (as Valkey's `sinterGenericCommand` starts its destination).
    pub(crate) fn empty_like(first: SetRef<'_>) -> Self {
        match first {
            SetRef::Ints(_) => Self::Ints(IntSet::new()),
            _ => Self::Pack(Packed::new(tag::SET)),
        }
    }

    /// Valkey's `setTypeCreate`: the encoding for a set that will get about `hint` members, the
    /// first of which is `first`.
    pub(crate) fn create(first: &[u8], hint: usize, limits: SetLimits, seed: u64) -> Self {
        if num::canonical_i64(first).is_some() && hint <= limits.intset_max() {
            Self::Ints(IntSet::new())
        } else if hint <= limits.entries {
            Self::Pack(Packed::new(tag::SET))
        } else {
            Self::Table(Box::new(Hashed::new(seed)))
        }
    }

    /// Valkey's `setTypeMaybeConvert`: straight to `hashtable` if `hint` members would not fit.
    pub(crate) fn maybe_convert(&mut self, hint: usize, limits: SetLimits, seed: u64) {
        let over = match self {
            Self::Ints(_) => hint > limits.intset_max(),
            Self::Pack(_) => hint > limits.entries,
            Self::Table(_) => false,
        };
        if over {
            self.make_table(seed);
        }
    }

    fn make_table(&mut self, seed: u64) {
        let mut t = Hashed::new(seed);
        for e in self.iter() {
            e.with(|b| t.insert(b, ()));
        }
        *self = Self::Table(Box::new(t));
    }

    /// Valkey's `maybeConvertToIntset`, for a result known to hold only integers.
    pub(crate) fn maybe_to_intset(&mut self, limits: SetLimits) {
        if matches!(self, Self::Ints(_)) || self.len() > limits.intset_max() {
            return;
        }
        let ints: Option<Vec<i64>> = self.iter().map(|e| e.with(num::canonical_i64)).collect();
        if let Some(mut v) = ints {
            v.sort_unstable();
            *self = Self::Ints(IntSet::from_sorted(&v));
        }
    }

    /// Adds `m`; whether it is new (Valkey's `setTypeAddAux`).
    pub(crate) fn add(&mut self, m: &[u8], limits: SetLimits, seed: u64) -> bool {
        match self {
            Self::Table(t) => t.insert(m, ()).is_none(),
            Self::Pack(p) => {
                if p.view().find(Needle::new(m), 1).is_some() {
                    return false;
                }
                if p.len() < limits.entries && m.len() <= limits.value {
                    p.push(&[Put::Bytes(m)]);
                } else {
                    self.make_table(seed);
                    self.add(m, limits, seed);
                }
                true
            }
            Self::Ints(s) => {
                if let Some(i) = num::canonical_i64(m) {
                    if !s.insert(i) {
                        return false;
                    }
                    if s.len() > limits.intset_max() {
                        self.make_table(seed);
                    }
                    return true;
                }
                let n = s.len();
                let digits = |i: i64| num::format_i64(i).as_bytes().len();
                let maxelelen = if n == 0 {
                    0
                } else {
                    digits(s.view().get(0)).max(digits(s.view().get(n - 1)))
                };
                if n < limits.entries && m.len() <= limits.value && maxelelen <= limits.value {
                    let mut puts: Vec<Put<'_>> = s.view().iter().map(Put::Int).collect();
                    puts.push(Put::Bytes(m));
                    let mut p = Packed::new(tag::SET);
                    p.push(&puts);
                    *self = Self::Pack(p);
                } else {
                    self.make_table(seed);
                    self.add(m, limits, seed);
                }
                true
            }
        }
    }

    /// Removes `m`; whether it was a member.
    pub(crate) fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Self::Ints(s) => num::canonical_i64(m).is_some_and(|i| s.remove(i)),
            Self::Pack(p) => match p.view().locate(Needle::new(m), 1) {
                Some(at) => {
                    p.splice_at(at, 1, &[]);
                    true
                }
                None => false,
            },
            Self::Table(t) => t.remove(m).is_some(),
        }
    }

    pub(crate) fn view(&self) -> SetRef<'_> {
        match self {
            Self::Ints(s) => SetRef::Ints(s.view()),
            Self::Pack(p) => SetRef::Pack(p.view()),
            Self::Table(t) => SetRef::Table(t),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.view().len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Elem<'_>> {
        self.view().iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: SetLimits = SetLimits {
        intset: 4,
        entries: 3,
        value: 5,
    };

    #[test]
    fn integers_stay_an_intset_up_to_its_limit_then_become_a_hashtable() {
        let mut s = Set::create(b"1", 1, LIMITS, 7);
        for m in [&b"3"[..], b"1", b"-2", b"10"] {
            s.add(m, LIMITS, 7);
        }
        assert_eq!(s.view().encoding(), "intset");
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Elem::Int(-2), Elem::Int(1), Elem::Int(3), Elem::Int(10)]
        );
        s.add(b"11", LIMITS, 7);
        assert_eq!(s.view().encoding(), "hashtable");
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn a_string_turns_a_small_intset_into_a_listpack_and_a_long_one_into_a_hashtable() {
        let mut s = Set::create(b"1", 1, LIMITS, 7);
        s.add(b"1", LIMITS, 7);
        s.add(b"a", LIMITS, 7);
        assert_eq!(s.view().encoding(), "listpack");
        s.add(b"b", LIMITS, 7);
        assert_eq!(s.view().encoding(), "listpack");
        s.add(b"c", LIMITS, 7);
        assert_eq!(
            s.view().encoding(),
            "hashtable",
            "a fourth member is past 3 entries"
        );
        let mut t = Set::create(b"x", 1, LIMITS, 7);
        t.add(b"toolong", LIMITS, 7);
        assert_eq!(t.view().encoding(), "hashtable");
        assert!(t.view().contains(b"toolong") && !t.view().contains(b"x"));
    }
}
