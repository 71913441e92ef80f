//! One database: the entry table, the index of keys with an expire time, and byte accounting.

use crate::entry::{Entry, NewValue};
use crate::object::{Object, Objects};
use crate::table::Table;
use crate::time::Millis;

/// Hashes a key with the keyspace's seed. Always odd, so a hash is never 0.
#[inline]
pub(crate) fn hash_key(state: &foldhash::fast::FixedState, key: &[u8]) -> u64 {
    use core::hash::BuildHasher;
    state.hash_one(key) | 1
}

/// One numbered database.
#[derive(Debug, Default)]
pub(crate) struct Db {
    /// Every key, each entry holding its key, value and metadata.
    pub(crate) table: Table<Entry>,
    /// The hash of every key that has an expire time, once per such key.
    pub(crate) expires: Table<u64>,
    /// Sum of the entries' allocation sizes.
    pub(crate) entry_bytes: usize,
    /// Where the active expire cycle samples next.
    pub(crate) expire_cursor: usize,
    /// The collections the entries refer to.
    pub(crate) objects: Objects,
    /// Whether the keyspace tracks accesses, so every entry ends with the 3-byte access field.
    pub(crate) tracked: bool,
}

impl Db {
    pub(crate) fn new(tracked: bool) -> Self {
        Self {
            tracked,
            ..Self::default()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Estimated heap bytes: entries, slot arrays, expire index.
    pub(crate) fn memory(&self) -> usize {
        self.entry_bytes
            + self.table.table_bytes()
            + self.expires.table_bytes()
            + self.objects.memory()
    }

    pub(crate) fn find(&self, h: u64, key: &[u8]) -> Option<usize> {
        self.table.find(h, |e| e.key() == key)
    }

    pub(crate) fn insert(
        &mut self,
        state: &foldhash::fast::FixedState,
        h: u64,
        entry: Entry,
    ) -> usize {
        if entry.expire().is_some() {
            self.expires.insert_new(h, h, |x| *x);
        }
        self.entry_bytes += entry.alloc_len();
        self.table
            .insert_new(h, entry, |e| hash_key(state, e.key()))
    }

    /// Replaces the entry in slot `i` (same key) with `Entry::new(key, value, expire, access)`,
    /// in place when the size allows, and keeps the expire index in step.
    pub(crate) fn replace(
        &mut self,
        i: usize,
        h: u64,
        key: &[u8],
        value: NewValue<'_>,
        expire: Option<Millis>,
        access: Option<[u8; 3]>,
    ) {
        if let Some((_, id)) = self.table.get(i).object(self.tracked) {
            self.objects.discard(id);
        }
        let slot = self.table.get_mut(i);
        let had = slot.expire().is_some();
        let has = expire.is_some();
        if !slot.overwrite(key, value, expire, access) {
            let entry = Entry::new(key, value, expire, access);
            self.entry_bytes += entry.alloc_len();
            self.entry_bytes -= slot.alloc_len();
            *slot = entry;
        }
        match (had, has) {
            (false, true) => {
                self.expires.insert_new(h, h, |x| *x);
            }
            (true, false) => self.unindex_expire(h),
            _ => {}
        }
    }

    /// Applies `f` to the entry in slot `i` (same key), keeping accounting and the index right.
    pub(crate) fn update(&mut self, i: usize, h: u64, f: impl FnOnce(Entry) -> Entry) {
        let had = self.table.get(i).expire().is_some();
        let slot = self.table.get_mut(i);
        self.entry_bytes -= slot.alloc_len();
        let placeholder = Entry::placeholder();
        let old = core::mem::replace(slot, placeholder);
        let new = f(old);
        let has = new.expire().is_some();
        self.entry_bytes += new.alloc_len();
        *self.table.get_mut(i) = new;
        match (had, has) {
            (false, true) => {
                self.expires.insert_new(h, h, |x| *x);
            }
            (true, false) => self.unindex_expire(h),
            _ => {}
        }
    }

    fn unindex_expire(&mut self, h: u64) {
        if let Some(j) = self.expires.find(h, |x| *x == h) {
            self.expires.remove_at(j, |x| *x);
        }
    }

    /// Removes the entry in slot `i`, whose key hashes to `h`, and drops its collection if it
    /// has one (the returned entry then refers to nothing).
    pub(crate) fn remove(&mut self, state: &foldhash::fast::FixedState, i: usize, h: u64) -> Entry {
        let (e, object) = self.detach(state, i, h);
        if let Some(o) = object {
            self.objects.drop_object(o);
        }
        e
    }

    /// Removes the entry in slot `i` and hands back its collection too, for a caller that
    /// re-attaches both (RENAME, MOVE).
    pub(crate) fn detach(
        &mut self,
        state: &foldhash::fast::FixedState,
        i: usize,
        h: u64,
    ) -> (Entry, Option<Object>) {
        let object = self
            .table
            .get(i)
            .object(self.tracked)
            .map(|(_, id)| self.objects.remove(id));
        let e = self.table.remove_at(i, |e| hash_key(state, e.key()));
        if e.expire().is_some() {
            self.unindex_expire(h);
        }
        self.entry_bytes -= e.alloc_len();
        (e, object)
    }

    /// Gives back slot memory after many removals (call once per command, not per key).
    pub(crate) fn shrink(&mut self, state: &foldhash::fast::FixedState) {
        self.table.maybe_shrink(|e| hash_key(state, e.key()));
        self.expires.maybe_shrink(|x| *x);
    }

    /// Empties the database, returning how many keys it held.
    pub(crate) fn clear(&mut self) -> usize {
        let n = self.table.len();
        self.table.clear();
        self.expires.clear();
        self.entry_bytes = 0;
        self.expire_cursor = 0;
        self.objects.clear();
        n
    }
}
