//! Collection values, kept outside the entries in a per-database store of numbered objects.

use alloc::boxed::Box;
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
    /// A module data type's value.
    Module(Box<ModuleValue>),
}

/// A module data type's value. The host owns what `handle` stands for; the keyspace keeps it
/// with its key, moves it with RENAME/MOVE/SWAPDB, and hands it back once the key is gone
/// ([`crate::Keyspace::take_dropped_module_values`]) so the host can free it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleValue {
    /// The type's 9-character name (TYPE's reply).
    pub type_name: [u8; 9],
    /// The host's handle of the value.
    pub handle: u64,
    /// The value's size in bytes as the type reports it (MEMORY USAGE).
    pub bytes: usize,
}

impl Object {
    pub(crate) const fn kind(&self) -> Kind {
        match self {
            Self::List(_) => Kind::List,
            Self::Hash(_) => Kind::Hash,
            Self::Set(_) => Kind::Set,
            Self::ZSet(_) => Kind::ZSet,
            Self::Module(_) => Kind::Module,
        }
    }

    /// OBJECT ENCODING.
    pub(crate) fn encoding(&self) -> &'static str {
        match self {
            Self::List(l) => l.encoding(),
            Self::Hash(h) => h.encoding(),
            Self::Set(s) => s.encoding(),
            Self::ZSet(z) => z.encoding(),
            // Valkey's module objects are OBJ_ENCODING_RAW.
            Self::Module(_) => "raw",
        }
    }

    /// Estimated heap bytes.
    pub(crate) fn memory(&self) -> usize {
        match self {
            Self::List(l) => l.memory(),
            Self::Hash(h) => h.memory(),
            Self::Set(s) => s.memory(),
            Self::ZSet(z) => z.memory(),
            Self::Module(m) => m.bytes,
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
    /// Module values whose keys are gone, for the host to free.
    pub(crate) dropped: Vec<ModuleValue>,
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

    /// Drops `o`, keeping a module value for the host to free.
    pub(crate) fn drop_object(&mut self, o: Object) {
        if let Object::Module(m) = o {
            self.dropped.push(*m);
        }
    }

    /// Removes object `id` for good ([`Self::remove`] is for a caller that re-attaches it).
    pub(crate) fn discard(&mut self, id: u32) {
        let o = self.remove(id);
        self.drop_object(o);
    }

    /// Empties the store; its module values wait to be freed.
    pub(crate) fn clear(&mut self) {
        let mut dropped = core::mem::take(&mut self.dropped);
        for o in self.slots.drain(..).flatten() {
            if let Object::Module(m) = o {
                dropped.push(*m);
            }
        }
        *self = Self::default();
        self.dropped = dropped;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_costs_its_store_slot_and_its_buffers_only() {
        assert_eq!(size_of::<Option<Object>>(), 24);
    }
}
