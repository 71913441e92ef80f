//! What the keyspace records for its caller on request: key lookups as hits and misses (INFO
//! `keyspace_hits`/`keyspace_misses`), and the keys a command created or missed (keyspace
//! notifications' `new` and `keymiss` classes).

use alloc::vec::Vec;

use super::Keyspace;

impl Keyspace {
    /// Counts (or stops counting) key lookups as `keyspace_hits`/`keyspace_misses`. Valkey
    /// counts the lookups of read commands: [`Ctx::call`](crate::Ctx::call) turns counting on
    /// for a command flagged `readonly` and off after it; a caller running handlers itself
    /// does the same around each.
    pub fn count_lookups(&mut self, on: bool) {
        self.counting = on;
    }

    /// Whether lookups are counted now ([`count_lookups`](Self::count_lookups)).
    #[must_use]
    pub const fn counting_lookups(&self) -> bool {
        self.counting
    }

    /// Counted lookups that found a live key (INFO `keyspace_hits`).
    #[must_use]
    pub const fn keyspace_hits(&self) -> u64 {
        self.hits
    }

    /// Counted lookups that found no key or an expired one (INFO `keyspace_misses`).
    #[must_use]
    pub const fn keyspace_misses(&self) -> u64 {
        self.misses
    }

    /// Records (or stops recording) the keys created from now on, for Valkey's `new` keyspace
    /// notification: every key added where none was, by any command (a key replaced in place
    /// is not new). [`take_created`](Self::take_created) hands them over in creation order.
    pub fn record_created(&mut self, on: bool) {
        match (on, self.created.is_some()) {
            (true, false) => self.created = Some(Vec::new()),
            (false, true) => self.created = None,
            _ => {}
        }
    }

    /// The `(db, key)` pairs created since the last call, while recording
    /// ([`record_created`](Self::record_created)).
    pub fn take_created(&mut self) -> Vec<(usize, Vec<u8>)> {
        self.created
            .as_mut()
            .map(core::mem::take)
            .unwrap_or_default()
    }

    /// Records (or stops recording) the keys counted as misses from now on
    /// ([`count_lookups`](Self::count_lookups)), for Valkey's `keymiss` keyspace notification.
    /// [`take_missed`](Self::take_missed) hands them over in lookup order.
    pub fn record_missed(&mut self, on: bool) {
        match (on, self.missed.is_some()) {
            (true, false) => self.missed = Some(Vec::new()),
            (false, true) => self.missed = None,
            _ => {}
        }
    }

    /// The `(db, key)` pairs counted as misses since the last call, while recording
    /// ([`record_missed`](Self::record_missed)).
    pub fn take_missed(&mut self) -> Vec<(usize, Vec<u8>)> {
        self.missed
            .as_mut()
            .map(core::mem::take)
            .unwrap_or_default()
    }

    pub(super) fn miss(&mut self, db: usize, key: &[u8]) {
        if self.counting {
            self.misses += 1;
            if let Some(missed) = &mut self.missed {
                missed.push((db, key.to_vec()));
            }
        }
    }

    /// Zeroes the hit and miss counters (CONFIG RESETSTAT).
    pub fn reset_stats(&mut self) {
        self.hits = 0;
        self.misses = 0;
    }
}
