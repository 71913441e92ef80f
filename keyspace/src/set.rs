//! The set type: `intset` (sorted integers) while every member is an integer and there are at
//! most `set-max-intset-entries`, `listpack` (insertion order, searched linearly) while there are
//! at most `set-max-listpack-entries` members of at most `set-max-listpack-value` bytes, else
//! `hashtable`. The conversions follow Valkey's `setTypeAddAux`; a set never converts back on
//! removal.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::counted::Counted;
use crate::hashed::Hashed;
use crate::num;

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

/// A member as stored: an integer of an intset, or bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Elem<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Elem<'_> {
    /// Calls `f` with the member's bytes.
    pub(crate) fn with<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Self::Int(i) => f(num::format_i64(i).as_bytes()),
            Self::Bytes(b) => f(b),
        }
    }

    pub(crate) fn to_boxed(self) -> Box<[u8]> {
        self.with(|b| b.into())
    }
}

/// A set value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Set {
    /// Sorted integers.
    Ints(Vec<i64>),
    /// Members in insertion order.
    Pack(Counted<Box<[u8]>>),
    /// Large or long members.
    Table(Hashed<()>),
}

impl Default for Set {
    fn default() -> Self {
        Self::new()
    }
}

impl Set {
    /// An empty intset.
    pub(crate) const fn new() -> Self {
        Self::Ints(Vec::new())
    }

    /// An empty set to collect SINTERSTORE's result in: an intset if `first` is one, else a
    /// listpack (as Valkey's `sinterGenericCommand` starts its destination).
    pub(crate) const fn empty_like(first: &Self) -> Self {
        match first {
            Self::Ints(_) => Self::Ints(Vec::new()),
            _ => Self::Pack(Counted::new()),
        }
    }

    /// Valkey's `setTypeCreate`: the encoding for a set that will get about `hint` members, the
    /// first of which is `first`.
    pub(crate) fn create(first: &[u8], hint: usize, limits: SetLimits, seed: u64) -> Self {
        if num::canonical_i64(first).is_some() && hint <= limits.intset_max() {
            Self::Ints(Vec::new())
        } else if hint <= limits.entries {
            Self::Pack(Counted::new())
        } else {
            Self::Table(Hashed::new(seed))
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
        *self = Self::Table(t);
    }

    /// Valkey's `maybeConvertToIntset`, for a result known to hold only integers.
    pub(crate) fn maybe_to_intset(&mut self, limits: SetLimits) {
        if matches!(self, Self::Ints(_)) || self.len() > limits.intset_max() {
            return;
        }
        let ints: Option<Vec<i64>> = self.iter().map(|e| e.with(num::canonical_i64)).collect();
        if let Some(mut v) = ints {
            v.sort_unstable();
            *self = Self::Ints(v);
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Ints(v) => v.len(),
            Self::Pack(v) => v.len(),
            Self::Table(t) => t.len(),
        }
    }

    pub(crate) fn encoding(&self) -> &'static str {
        match self {
            Self::Ints(_) => "intset",
            Self::Pack(_) => "listpack",
            Self::Table(_) => "hashtable",
        }
    }

    pub(crate) fn memory(&self) -> usize {
        match self {
            Self::Ints(v) => v.capacity() * 8,
            Self::Pack(v) => v.memory(),
            Self::Table(t) => t.memory(),
        }
    }

    pub(crate) fn contains(&self, m: &[u8]) -> bool {
        match self {
            Self::Ints(v) => num::canonical_i64(m).is_some_and(|i| v.binary_search(&i).is_ok()),
            Self::Pack(v) => v.iter().any(|b| **b == *m),
            Self::Table(t) => t.get(m).is_some(),
        }
    }

    /// Adds `m`; whether it is new (Valkey's `setTypeAddAux`).
    pub(crate) fn add(&mut self, m: &[u8], limits: SetLimits, seed: u64) -> bool {
        match self {
            Self::Table(t) => t.insert(m, ()).is_none(),
            Self::Pack(v) => {
                if v.iter().any(|b| **b == *m) {
                    return false;
                }
                if v.len() < limits.entries && m.len() <= limits.value {
                    v.push(m.into());
                } else {
                    self.make_table(seed);
                    self.add(m, limits, seed);
                }
                true
            }
            Self::Ints(v) => {
                if let Some(i) = num::canonical_i64(m) {
                    let Err(at) = v.binary_search(&i) else {
                        return false;
                    };
                    v.insert(at, i);
                    if v.len() > limits.intset_max() {
                        self.make_table(seed);
                    }
                    return true;
                }
                let digits =
                    |i: Option<&i64>| i.map_or(0, |i| num::format_i64(*i).as_bytes().len());
                let maxelelen = digits(v.first()).max(digits(v.last()));
                if v.len() < limits.entries && m.len() <= limits.value && maxelelen <= limits.value
                {
                    let mut p: Vec<Box<[u8]>> = v
                        .iter()
                        .map(|i| num::format_i64(*i).as_bytes().into())
                        .collect();
                    p.push(m.into());
                    *self = Self::Pack(p.into());
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
            Self::Ints(v) => match num::canonical_i64(m).map(|i| v.binary_search(&i)) {
                Some(Ok(at)) => {
                    v.remove(at);
                    true
                }
                _ => false,
            },
            Self::Pack(v) => match v.iter().position(|b| **b == *m) {
                Some(at) => {
                    v.remove(at);
                    true
                }
                None => false,
            },
            Self::Table(t) => t.remove(m).is_some(),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Elem<'_>> {
        let (ints, pack, table) = match self {
            Self::Ints(v) => (Some(v.iter().map(|i| Elem::Int(*i))), None, None),
            Self::Pack(v) => (None, Some(v.iter().map(|b| Elem::Bytes(b))), None),
            Self::Table(t) => (None, None, Some(t.iter().map(|(b, ())| Elem::Bytes(b)))),
        };
        ints.into_iter()
            .flatten()
            .chain(pack.into_iter().flatten())
            .chain(table.into_iter().flatten())
    }

    /// The member at position `at` in [`Self::iter`]'s order.
    pub(crate) fn nth(&self, at: usize) -> Option<Elem<'_>> {
        match self {
            Self::Ints(v) => v.get(at).map(|i| Elem::Int(*i)),
            Self::Pack(v) => v.get(at).map(|b| Elem::Bytes(b)),
            Self::Table(t) => t.nth(at).map(|(b, ())| Elem::Bytes(b)),
        }
    }

    /// A member picked with the random number `r`: each is equally likely when `r` is uniform.
    pub(crate) fn random(&self, r: u64) -> Option<Elem<'_>> {
        match self.len() as u64 {
            0 => None,
            n => self.nth((r % n) as usize),
        }
    }

    /// SSCAN's walk: everything at once for an intset or listpack, else a step of the table.
    pub(crate) fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(Elem<'_>)) -> u64 {
        match self {
            Self::Table(t) => t.scan(cursor, count, |b, ()| f(Elem::Bytes(b))),
            _ => {
                self.iter().for_each(f);
                0
            }
        }
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
        assert_eq!(s.encoding(), "intset");
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Elem::Int(-2), Elem::Int(1), Elem::Int(3), Elem::Int(10)]
        );
        s.add(b"11", LIMITS, 7);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn a_string_turns_a_small_intset_into_a_listpack_and_a_long_one_into_a_hashtable() {
        let mut s = Set::create(b"1", 1, LIMITS, 7);
        s.add(b"1", LIMITS, 7);
        s.add(b"a", LIMITS, 7);
        assert_eq!(s.encoding(), "listpack");
        s.add(b"b", LIMITS, 7);
        assert_eq!(s.encoding(), "listpack");
        s.add(b"c", LIMITS, 7);
        assert_eq!(
            s.encoding(),
            "hashtable",
            "a fourth member is past 3 entries"
        );
        let mut t = Set::create(b"x", 1, LIMITS, 7);
        t.add(b"toolong", LIMITS, 7);
        assert_eq!(t.encoding(), "hashtable");
        assert!(t.contains(b"toolong") && !t.contains(b"x"));
    }
}
