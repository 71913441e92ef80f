//! Collection values, kept outside the entries in a per-database store of numbered objects.

use alloc::vec::Vec;

use crate::entry::Kind;
use crate::hash::Hash;
use crate::list::List;
use crate::set::Set;
use crate::zset::ZSet;

/// A collection value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Object {
    /// A list.
    List(List),
    /// A hash.
    Hash(Hash),
    /// A set.
    Set(Set),
    /// A sorted set.
    ZSet(ZSet),
}

impl Object {
    pub(crate) const fn kind(&self) -> Kind {
        match self {
            Self::List(_) => Kind::List,
            Self::Hash(_) => Kind::Hash,
            Self::Set(_) => Kind::Set,
            Self::ZSet(_) => Kind::ZSet,
        }
    }

    /// OBJECT ENCODING.
    pub(crate) fn encoding(&self) -> &'static str {
        match self {
            Self::List(l) => l.encoding(),
            Self::Hash(h) => h.encoding(),
            Self::Set(s) => s.encoding(),
            Self::ZSet(z) => z.encoding(),
        }
    }

    /// Estimated heap bytes.
    pub(crate) fn memory(&self) -> usize {
        match self {
            Self::List(l) => l.memory(),
            Self::Hash(h) => h.memory(),
            Self::Set(s) => s.memory(),
            Self::ZSet(z) => z.memory(),
        }
    }
}

/// Numbered objects; each collection entry owns the number it holds.
#[derive(Debug, Default)]
pub(crate) struct Objects {
    slots: Vec<Option<Object>>,
    free: Vec<u32>,
    /// Sum of [`Object::memory`] over the store, kept up to date by the callers of `get_mut`.
    pub(crate) bytes: usize,
}

impl Objects {
    /// Stores `o`; its number.
    pub(crate) fn insert(&mut self, o: Object) -> u32 {
        self.bytes += o.memory();
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = Some(o);
                id
            }
            None => {
                self.slots.push(Some(o));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 collections")
            }
        }
    }

    /// Takes object `id` out of the store.
    pub(crate) fn remove(&mut self, id: u32) -> Object {
        let o = self.slots[id as usize].take().expect("live object");
        self.bytes -= o.memory();
        self.free.push(id);
        if self.free.len() == self.slots.len() {
            // The last collection went: give the store's memory back.
            self.clear();
        }
        o
    }

    pub(crate) fn get(&self, id: u32) -> &Object {
        self.slots[id as usize].as_ref().expect("live object")
    }

    /// Applies `f` to object `id`, keeping the byte count right.
    pub(crate) fn update<R>(&mut self, id: u32, f: impl FnOnce(&mut Object) -> R) -> R {
        let o = self.slots[id as usize].as_mut().expect("live object");
        let before = o.memory();
        let r = f(o);
        self.bytes = self.bytes + o.memory() - before;
        r
    }

    /// Heap bytes of the store itself and its objects.
    pub(crate) fn memory(&self) -> usize {
        self.bytes
            + self.slots.capacity() * size_of::<Option<Object>>()
            + self.free.capacity() * size_of::<u32>()
    }

    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }
}
