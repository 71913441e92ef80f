//! Collection values, kept outside the entries in a per-database store of numbered objects.
//!
//! A store slot is 16 bytes: a small collection's packed buffer itself (its first byte tells
//! the type and encoding, [`tag`]), or a box holding a large one. Reads borrow a view of either
//! ([`ObjRef`]); a write moves the buffer into an [`Object`] and back, so a small collection
//! costs its slot and one exact-size allocation, as a Valkey `robj` and its listpack do.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::entry::Kind;
use crate::hash::{Hash, HashRef};
use crate::intset::{IntSet, IntSetRef};
use crate::list::{List, ListRef};
use crate::packed::{Packed, PackedRef, tag};
use crate::set::{Set, SetRef};
use crate::zset::{self, ZSet, ZSetRef};

/// A collection value, owned (to build or change it).
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

/// A collection value, borrowed from the store (to read it).
#[derive(Clone, Copy, Debug)]
pub(crate) enum ObjRef<'a> {
    List(ListRef<'a>),
    Hash(HashRef<'a>),
    Set(SetRef<'a>),
    ZSet(ZSetRef<'a>),
    Module(&'a ModuleValue),
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
    pub(crate) fn view(&self) -> ObjRef<'_> {
        match self {
            Self::List(l) => ObjRef::List(l.view()),
            Self::Hash(h) => ObjRef::Hash(h.view()),
            Self::Set(s) => ObjRef::Set(s.view()),
            Self::ZSet(z) => ObjRef::ZSet(z.view()),
            Self::Module(m) => ObjRef::Module(m),
        }
    }

    pub(crate) fn memory(&self) -> usize {
        self.view().memory()
    }

    pub(crate) fn kind(&self) -> Kind {
        self.view().kind()
    }

    /// Whether it is a small collection, kept in a store slot as its buffer.
    const fn is_small(&self) -> bool {
        matches!(
            self,
            Self::List(List::Pack(_))
                | Self::Hash(Hash::Pack(_))
                | Self::Set(Set::Pack(_) | Set::Ints(_))
                | Self::ZSet(ZSet::Pack(_))
        )
    }

    /// Into a store slot: a small collection's buffer as it is, anything else boxed.
    fn into_slot(self) -> Slot {
        match self {
            Self::List(List::Pack(p))
            | Self::Hash(Hash::Pack(p))
            | Self::Set(Set::Pack(p))
            | Self::ZSet(ZSet::Pack(zset::Pack(p))) => Slot::Small(p.into_box()),
            Self::Set(Set::Ints(s)) => Slot::Small(s.into_box()),
            o => Slot::Big(Box::new(o)),
        }
    }

    /// A small collection's buffer as an object.
    fn from_small(b: Box<[u8]>) -> Self {
        match b[0] {
            tag::LIST => Self::List(List::Pack(Packed::from_box(b))),
            tag::HASH => Self::Hash(Hash::Pack(Packed::from_box(b))),
            tag::SET => Self::Set(Set::Pack(Packed::from_box(b))),
            tag::INTSET => Self::Set(Set::Ints(IntSet::from_box(b))),
            _ => Self::ZSet(ZSet::Pack(zset::Pack(Packed::from_box(b)))),
        }
    }
}

impl<'a> ObjRef<'a> {
    /// An owned copy (COPY, DUMP-like callers).
    pub(crate) fn to_object(self) -> Object {
        match self {
            Self::List(ListRef::Pack(p)) => Object::List(List::Pack(p.to_packed())),
            Self::Hash(HashRef::Pack(p)) => Object::Hash(Hash::Pack(p.to_packed())),
            Self::Set(SetRef::Pack(p)) => Object::Set(Set::Pack(p.to_packed())),
            Self::Set(SetRef::Ints(s)) => Object::Set(Set::Ints(s.to_intset())),
            Self::ZSet(ZSetRef::Pack(zset::PackRef(p))) => {
                Object::ZSet(ZSet::Pack(zset::Pack(p.to_packed())))
            }
            Self::List(ListRef::Quick(q)) => Object::List(List::Quick(Box::new(q.clone()))),
            Self::Hash(HashRef::Table(t)) => Object::Hash(Hash::Table(Box::new(t.clone()))),
            Self::Set(SetRef::Table(t)) => Object::Set(Set::Table(Box::new(t.clone()))),
            Self::ZSet(ZSetRef::Skip(t)) => Object::ZSet(ZSet::Skip(Box::new(t.clone()))),
            Self::Module(m) => Object::Module(Box::new(m.clone())),
        }
    }

    pub(crate) const fn kind(self) -> Kind {
        match self {
            Self::List(_) => Kind::List,
            Self::Hash(_) => Kind::Hash,
            Self::Set(_) => Kind::Set,
            Self::ZSet(_) => Kind::ZSet,
            Self::Module(_) => Kind::Module,
        }
    }

    /// OBJECT ENCODING.
    pub(crate) const fn encoding(self) -> &'static str {
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
    pub(crate) fn memory(self) -> usize {
        match self {
            Self::List(l) => l.memory(),
            Self::Hash(h) => h.memory(),
            Self::Set(s) => s.memory(),
            Self::ZSet(z) => z.memory(),
            Self::Module(m) => m.bytes,
        }
    }

    /// A small collection's buffer, viewed.
    fn small(b: &'a [u8]) -> Self {
        let p = PackedRef::new(b);
        match b[0] {
            tag::LIST => Self::List(ListRef::Pack(p)),
            tag::HASH => Self::Hash(HashRef::Pack(p)),
            tag::SET => Self::Set(SetRef::Pack(p)),
            tag::INTSET => Self::Set(SetRef::Ints(IntSetRef::new(b))),
            _ => Self::ZSet(ZSetRef::Pack(zset::PackRef(p))),
        }
    }
}

/// Bytes of one store slot.
const SLOT_BYTES: usize = size_of::<Slot>();

/// A store slot: a small collection's buffer, a boxed object, or free (an empty buffer).
#[derive(Debug)]
enum Slot {
    Small(Box<[u8]>),
    Big(Box<Object>),
}

impl Slot {
    /// A free slot: an empty buffer (a collection's buffer has at least its tag byte).
    fn free() -> Self {
        Self::Small(Box::default())
    }

    /// Heap bytes the slot owns beyond the object's own count (the box of a large object).
    const fn extra(&self) -> usize {
        match self {
            Self::Small(_) => 0,
            Self::Big(_) => size_of::<Object>(),
        }
    }

    fn view(&self) -> ObjRef<'_> {
        match self {
            Self::Small(b) => ObjRef::small(b),
            Self::Big(o) => o.view(),
        }
    }

    fn take(&mut self) -> Object {
        match core::mem::replace(self, Self::free()) {
            Self::Small(b) => Object::from_small(b),
            Self::Big(o) => *o,
        }
    }
}

/// Slots per chunk: the store grows a chunk at a time, so it never holds more than one
/// chunk of unused slots (a doubling vector would hold up to as many as it uses).
const CHUNK: usize = 512;

/// Numbered objects; each collection entry owns the number it holds.
#[derive(Debug, Default)]
pub(crate) struct Objects {
    chunks: Vec<Vec<Slot>>,
    free: Vec<u32>,
    /// Sum of [`Object::memory`] over the store, kept up to date by the callers of `get_mut`.
    pub(crate) bytes: usize,
    /// Module values whose keys are gone, for the host to free.
    pub(crate) dropped: Vec<ModuleValue>,
    /// Live objects.
    live: usize,
}

impl Objects {
    fn slot(&self, id: u32) -> &Slot {
        &self.chunks[id as usize / CHUNK][id as usize % CHUNK]
    }

    fn slot_mut(&mut self, id: u32) -> &mut Slot {
        &mut self.chunks[id as usize / CHUNK][id as usize % CHUNK]
    }

    /// Stores `o`; its number.
    pub(crate) fn insert(&mut self, o: Object) -> u32 {
        let slot = o.into_slot();
        self.bytes += slot.view().memory() + slot.extra();
        self.live += 1;
        if let Some(id) = self.free.pop() {
            *self.slot_mut(id) = slot;
            return id;
        }
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let n = self.chunks.len() - 1;
        let last = &mut self.chunks[n];
        last.push(slot);
        u32::try_from(n * CHUNK + last.len() - 1).expect("fewer than 2^32 collections")
    }

    /// Takes object `id` out of the store.
    pub(crate) fn remove(&mut self, id: u32) -> Object {
        let slot = self.slot_mut(id);
        let extra = slot.extra();
        let o = slot.take();
        self.bytes -= o.memory() + extra;
        self.free.push(id);
        self.live -= 1;
        if self.live == 0 {
            // The last collection went: give the store's memory back.
            self.clear();
        }
        o
    }

    pub(crate) fn get(&self, id: u32) -> ObjRef<'_> {
        self.slot(id).view()
    }

    /// Heap bytes object `id` costs: its slot, the box of a large one, and the object itself.
    pub(crate) fn footprint(&self, id: u32) -> usize {
        let slot = self.slot(id);
        SLOT_BYTES + slot.extra() + slot.view().memory()
    }

    /// Applies `f` to object `id`, keeping the byte count right.
    pub(crate) fn update<R>(&mut self, id: u32, f: impl FnOnce(&mut Object) -> R) -> R {
        let slot = self.slot_mut(id);
        let before = slot.view().memory() + slot.extra();
        let r = match slot {
            Slot::Big(o) => {
                let r = f(o);
                // A large list may shrink back to a listpack, a set be replaced by a small one.
                if o.is_small() {
                    let o = slot.take();
                    *slot = o.into_slot();
                }
                r
            }
            Slot::Small(_) => {
                let mut o = slot.take();
                let r = f(&mut o);
                *slot = o.into_slot();
                r
            }
        };
        let after = slot.view().memory() + slot.extra();
        self.bytes = self.bytes + after - before;
        r
    }

    /// Heap bytes of the store itself and its objects.
    pub(crate) fn memory(&self) -> usize {
        self.bytes
            + self.chunks.len() * CHUNK * size_of::<Slot>()
            + self.chunks.capacity() * size_of::<Vec<Slot>>()
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
        for slot in self.chunks.drain(..).flatten() {
            if let Slot::Big(o) = slot
                && let Object::Module(m) = *o
            {
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
    fn a_collection_costs_a_16_byte_slot_and_its_buffers() {
        assert_eq!(size_of::<Slot>(), 16);
    }
}
