//! The hash type: `listpack` (fields in insertion order, searched linearly, as Valkey's
//! listpack) while small, `hashtable` past `hash-max-listpack-entries` entries or a field or
//! value longer than `hash-max-listpack-value` bytes. A hash never converts back.

use alloc::boxed::Box;

use crate::counted::Counted;
use crate::hashed::Hashed;

/// `hash-max-listpack-entries` and `hash-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashLimits {
    pub(crate) entries: usize,
    pub(crate) value: usize,
}

type Pair = (Box<[u8]>, Box<[u8]>);

/// A hash value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    /// Small: pairs in insertion order.
    Pack(Counted<Pair>),
    /// Large.
    Table(Hashed<Box<[u8]>>),
}

impl Hash {
    pub(crate) const fn new() -> Self {
        Self::Pack(Counted::new())
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Pack(v) => v.len(),
            Self::Table(t) => t.len(),
        }
    }

    pub(crate) fn encoding(&self) -> &'static str {
        match self {
            Self::Pack(_) => "listpack",
            Self::Table(_) => "hashtable",
        }
    }

    pub(crate) fn memory(&self) -> usize {
        match self {
            Self::Pack(v) => v.memory(),
            Self::Table(t) => t.memory(),
        }
    }

    /// Converts to `hashtable` (Valkey's `hashTypeConvert`).
    pub(crate) fn convert(&mut self, seed: u64) {
        if let Self::Pack(v) = self {
            let mut t = Hashed::new(seed);
            for (f, x) in v.take() {
                t.insert(&f, x);
            }
            *self = Self::Table(t);
        }
    }

    /// Before a write of `pairs` (HSET, HMSET): converts if there are more pairs than entries
    /// allowed or any argument is too long (`hashTypeTryConversion`).
    pub(crate) fn before_set(&mut self, pairs: &[&[u8]], limits: HashLimits, seed: u64) {
        if matches!(self, Self::Pack(_))
            && (pairs.len() / 2 > limits.entries || pairs.iter().any(|a| a.len() > limits.value))
        {
            self.convert(seed);
        }
    }

    pub(crate) fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            Self::Pack(v) => v.iter().find(|(f, _)| **f == *field).map(|(_, x)| &**x),
            Self::Table(t) => t.get(field).map(|x| &**x),
        }
    }

    /// Sets `field`; whether it is new (`hashTypeSet`).
    pub(crate) fn set(
        &mut self,
        field: &[u8],
        value: &[u8],
        limits: HashLimits,
        seed: u64,
    ) -> bool {
        if matches!(self, Self::Pack(_))
            && (field.len() > limits.value || value.len() > limits.value)
        {
            self.convert(seed);
        }
        let new = match self {
            Self::Pack(v) => match v.iter().position(|(f, _)| **f == *field) {
                Some(i) => {
                    v.update(i, |(_, x)| *x = value.into());
                    false
                }
                None => {
                    v.push((field.into(), value.into()));
                    true
                }
            },
            Self::Table(t) => t.insert(field, value.into()).is_none(),
        };
        if self.len() > limits.entries {
            self.convert(seed);
        }
        new
    }

    /// Removes `field`; whether it was there.
    pub(crate) fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Self::Pack(v) => match v.iter().position(|(f, _)| **f == *field) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            Self::Table(t) => t.remove(field).is_some(),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let (pack, table) = match self {
            Self::Pack(v) => (Some(v.iter().map(|(f, x)| (&**f, &**x))), None),
            Self::Table(t) => (None, Some(t.iter().map(|(f, x)| (f, &**x)))),
        };
        pack.into_iter()
            .flatten()
            .chain(table.into_iter().flatten())
    }

    /// The field at position `at` in [`Self::iter`]'s order, with its value.
    pub(crate) fn nth(&self, at: usize) -> Option<(&[u8], &[u8])> {
        match self {
            Self::Pack(v) => v.get(at).map(|(f, x)| (&**f, &**x)),
            Self::Table(t) => t.nth(at).map(|(f, x)| (f, &**x)),
        }
    }

    /// A field picked with the random number `r`: each is equally likely when `r` is uniform.
    pub(crate) fn random(&self, r: u64) -> Option<(&[u8], &[u8])> {
        match self.len() as u64 {
            0 => None,
            n => self.nth((r % n) as usize),
        }
    }

    /// HSCAN's walk: everything at once for a listpack, else a step of the table.
    pub(crate) fn scan<'a>(
        &'a self,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(&'a [u8], &'a [u8]),
    ) -> u64 {
        match self {
            Self::Pack(v) => {
                for (k, x) in v.iter() {
                    f(k, x);
                }
                0
            }
            Self::Table(t) => t.scan(cursor, count, |k, x| f(k, x)),
        }
    }
}
