//! The hash type: `listpack` (fields in insertion order, searched linearly, as Valkey's
//! listpack) while small, `hashtable` past `hash-max-listpack-entries` entries or a field or
//! value longer than `hash-max-listpack-value` bytes. A hash never converts back.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::hashed::Hashed;
use crate::packed::{Elem, Needle, Packed, PackedRef, Put, tag};

/// `hash-max-listpack-entries` and `hash-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashLimits {
    pub(crate) entries: usize,
    pub(crate) value: usize,
}

type Table = Hashed<Box<[u8]>>;

/// A hash value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    /// Small: field, value, field, value... in insertion order, packed.
    Pack(Packed),
    /// Large.
    Table(Box<Table>),
}

/// A hash, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HashRef<'a> {
    Pack(PackedRef<'a>),
    Table(&'a Table),
}

impl<'a> HashRef<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Pack(p) => p.len() / 2,
            Self::Table(t) => t.len(),
        }
    }

    pub(crate) const fn encoding(self) -> &'static str {
        match self {
            Self::Pack(_) => "listpack",
            Self::Table(_) => "hashtable",
        }
    }

    pub(crate) fn memory(self) -> usize {
        match self {
            Self::Pack(p) => p.memory(),
            Self::Table(t) => t.memory(),
        }
    }

    pub(crate) fn get(self, field: &[u8]) -> Option<Elem<'a>> {
        match self {
            Self::Pack(p) => p.find_next(Needle::new(field), 2).map(|(_, v)| v.elem()),
            Self::Table(t) => t.get(field).map(|x| Elem::Bytes(x)),
        }
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = (Elem<'a>, Elem<'a>)> {
        let (pack, table) = match self {
            Self::Pack(p) => (Some(Pairs(p.iter())), None),
            Self::Table(t) => (
                None,
                Some(t.iter().map(|(f, x)| (Elem::Bytes(f), Elem::Bytes(x)))),
            ),
        };
        pack.into_iter()
            .flatten()
            .chain(table.into_iter().flatten())
    }

    /// The field at position `at` in [`Self::iter`]'s order, with its value.
    pub(crate) fn nth(self, at: usize) -> Option<(Elem<'a>, Elem<'a>)> {
        match self {
            Self::Pack(p) => Pairs(p.iter()).nth(at),
            Self::Table(t) => t.nth(at).map(|(f, x)| (Elem::Bytes(f), Elem::Bytes(x))),
        }
    }

    /// [`Self::nth`] for many positions (HRANDFIELD with a count): a listpack is walked once
    /// into a list rather than once per pick.
    pub(crate) fn picker(self) -> impl Fn(usize) -> Option<(Elem<'a>, Elem<'a>)> {
        let listed: Vec<(Elem<'a>, Elem<'a>)> = match self {
            Self::Pack(p) => Pairs(p.iter()).collect(),
            Self::Table(_) => Vec::new(),
        };
        move |at| match self {
            Self::Pack(_) => listed.get(at).copied(),
            Self::Table(_) => self.nth(at),
        }
    }

    /// A field picked with the random number `r`: each is equally likely when `r` is uniform.
    pub(crate) fn random(self, r: u64) -> Option<(Elem<'a>, Elem<'a>)> {
        match self.len() as u64 {
            0 => None,
            n => self.nth((r % n) as usize),
        }
    }

    /// HSCAN's walk: everything at once for a listpack, else a step of the table.
    pub(crate) fn scan(
        self,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(Elem<'a>, Elem<'a>),
    ) -> u64 {
        match self {
            Self::Pack(p) => {
                for (k, x) in Pairs(p.iter()) {
                    f(k, x);
                }
                0
            }
            Self::Table(t) => t.scan(cursor, count, |k, x| f(Elem::Bytes(k), Elem::Bytes(x))),
        }
    }
}

impl Hash {
    pub(crate) fn new() -> Self {
        Self::Pack(Packed::new(tag::HASH))
    }

    pub(crate) fn view(&self) -> HashRef<'_> {
        match self {
            Self::Pack(p) => HashRef::Pack(p.view()),
            Self::Table(t) => HashRef::Table(t),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.view().len()
    }

    pub(crate) fn get(&self, field: &[u8]) -> Option<Elem<'_>> {
        self.view().get(field)
    }

    /// Converts to `hashtable` (Valkey's `hashTypeConvert`).
    pub(crate) fn convert(&mut self, seed: u64) {
        if let Self::Pack(p) = self {
            let mut t = Hashed::new(seed);
            for (f, x) in Pairs(p.iter()) {
                f.with(|f| t.insert(f, x.to_boxed()));
            }
            *self = Self::Table(Box::new(t));
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
            Self::Pack(p) => match p.view().locate(Needle::new(field), 2) {
                Some(at) => {
                    p.splice_at(p.view().after(at), 1, &[Put::Bytes(value)]);
                    false
                }
                None => {
                    p.push(&[Put::Bytes(field), Put::Bytes(value)]);
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
            Self::Pack(p) => match p.view().locate(Needle::new(field), 2) {
                Some(at) => {
                    p.splice_at(at, 2, &[]);
                    true
                }
                None => false,
            },
            Self::Table(t) => t.remove(field).is_some(),
        }
    }
}

/// Entries taken two at a time.
struct Pairs<I>(I);

impl<'a, I: Iterator<Item = Elem<'a>>> Iterator for Pairs<I> {
    type Item = (Elem<'a>, Elem<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        Some((self.0.next()?, self.0.next()?))
    }
}
