//! Module data type values: stored, read back, and handed to the host once their keys are gone
//! (the host frees them; the keyspace never calls into a module).

use alloc::vec::Vec;

use super::Keyspace;
use crate::events::{ChangeKind, ChangeSink};
use crate::object::{ModuleValue, ObjRef, Object};
use crate::time::Millis;

impl Keyspace {
    /// Stores a module data type's value under `key`, replacing whatever was there (its TTL
    /// too), as ModuleTypeSetValue does. A value it replaces waits to be freed
    /// ([`Self::take_dropped_module_values`]).
    pub fn set_module_value(
        &mut self,
        db: usize,
        key: &[u8],
        value: ModuleValue,
        now: Millis,
        events: &mut dyn ChangeSink,
    ) {
        let (existing, h) = self.lookup_or_hash(db, key, now, events, false);
        if let Some(i) = existing {
            self.delete(db, i, h);
        }
        self.insert_object(
            db,
            h,
            key,
            Object::Module(alloc::boxed::Box::new(value)),
            now,
        );
        events.change(db, key, ChangeKind::ModuleWrite);
    }

    /// The module data type's value stored under `key`, if that is what it holds.
    pub fn module_value(
        &mut self,
        db: usize,
        key: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
    ) -> Option<&ModuleValue> {
        let (i, _) = self.lookup(db, key, now, events, true)?;
        match self.object(db, i) {
            Some(ObjRef::Module(m)) => Some(m),
            _ => None,
        }
    }

    /// Module values whose keys are gone (deleted, overwritten, expired, evicted, flushed)
    /// since the last call: the host frees them.
    pub fn take_dropped_module_values(&mut self) -> Vec<ModuleValue> {
        let mut all = Vec::new();
        for d in &mut self.dbs {
            all.append(&mut d.objects.dropped);
        }
        all
    }
}
