//! The keyspace: numbered databases, lazy and active expiry, access tracking, memory accounting.

use alloc::vec::Vec;

use crate::access::{
    LFU_INIT_VAL, lfu_decayed, lfu_field, lfu_log_incr, lfu_minutes, lru_clock, lru_field,
    lru_idle_ticks,
};
pub use crate::config::{AccessTracking, Config, EvictionPolicy};
use crate::db::{Db, hash_key};
use crate::entry::{Entry, Kind, NewValue, Value};
use crate::events::{ChangeKind, ChangeSink};
use crate::object::{ObjRef, Object};
use crate::time::Millis;
pub use evict::{EvictOutcome, MemoryGauge};

/// How much the active expire cycle samples per round, as Valkey does
/// (`ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
pub const KEYS_PER_LOOP: usize = 20;

/// What one run of [`Keyspace::active_expire`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpireCycle {
    /// Keys with an expire time that were looked at.
    pub sampled: usize,
    /// Keys that had expired and were removed (each also reported as [`ChangeKind::Expired`]).
    pub expired: usize,
    /// The budget ran out while some database still had more than a quarter of its samples
    /// expired; the next run resumes there.
    pub budget_exhausted: bool,
}

/// What [`Keyspace::peek`] finds under a live key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Peeked {
    /// The collection type, or `None` for a string.
    pub kind: Option<Kind>,
    /// The absolute expire time, if the key has one.
    pub expire: Option<Millis>,
}

/// What a write does to the key's expire time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ttl {
    /// Keep it (KEEPTTL, APPEND, INCR...).
    Keep,
    /// Remove it (a plain SET).
    Clear,
    /// Set it.
    At(Millis),
}

/// Every database of one server, with their keys, values and expire times.
#[derive(Debug)]
pub struct Keyspace {
    dbs: Vec<Db>,
    state: foldhash::fast::FixedState,
    config: Config,
    rng: u64,
    expire_db: usize,
    expiry_paused: bool,
    counting: bool,
    hits: u64,
    misses: u64,
    created: Option<Vec<(usize, Vec<u8>)>>,
    missed: Option<Vec<(usize, Vec<u8>)>>,
    /// Eviction candidates kept across [`evict`](Self::evict) calls (Valkey's eviction pool).
    pool: evict::Pool,
    /// The database the random policies try after the last one they evicted from.
    evict_db: usize,
}

impl Keyspace {
    /// An empty keyspace.
    #[must_use]
    pub fn new(config: Config) -> Self {
        let n = config.databases.max(1);
        let mut dbs = Vec::with_capacity(n);
        let tracked = config.access != AccessTracking::Off;
        dbs.resize_with(n, || Db::new(tracked));
        Self {
            dbs,
            state: foldhash::fast::FixedState::with_seed(config.hash_seed),
            config,
            rng: config.hash_seed ^ 0x9E37_79B9_7F4A_7C15 | 1,
            expire_db: 0,
            expiry_paused: false,
            counting: false,
            hits: 0,
            misses: 0,
            created: None,
            missed: None,
            pool: evict::Pool::default(),
            evict_db: 0,
        }
    }

    /// The configuration it was built with.
    #[must_use]
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Pauses or resumes expiry, as Valkey does while writes are paused (CLIENT PAUSE WRITE or
    /// ALL): a key past its time reads as absent but is neither removed nor reported, and
    /// [`active_expire`](Self::active_expire) does nothing. Once resumed, the next lookup or
    /// expire cycle removes such keys and reports [`ChangeKind::Expired`] then. A write that
    /// lands on such a key while paused replaces it (its own change is reported).
    pub fn set_expiry_paused(&mut self, paused: bool) {
        self.expiry_paused = paused;
    }

    /// Whether expiry is paused ([`set_expiry_paused`](Self::set_expiry_paused)).
    #[must_use]
    pub const fn expiry_paused(&self) -> bool {
        self.expiry_paused
    }

    /// Takes the settings of `config` a running server may change (CONFIG SET):
    /// `proto-max-bulk-len`, the encoding thresholds, the eviction policy and samples, and the
    /// access tracking between LRU and LFU (each entry's field is then read the new way, as
    /// Valkey reinterprets `robj.lru` when `maxmemory-policy` changes). The number of databases,
    /// the hash seed and whether entries have an access field at all stay as built. Existing
    /// values keep their encoding until a command converts them, as in Valkey.
    pub fn set_limits(&mut self, config: &Config) {
        let c = &mut self.config;
        if (c.access == AccessTracking::Off) == (config.access == AccessTracking::Off) {
            c.access = config.access;
        }
        c.maxmemory_policy = config.maxmemory_policy;
        c.maxmemory_samples = config.maxmemory_samples.max(1);
        c.shared_integers = config.shared_integers;
        c.proto_max_bulk_len = config.proto_max_bulk_len;
        c.list_max_listpack_size = config.list_max_listpack_size;
        c.hash_max_listpack_entries = config.hash_max_listpack_entries;
        c.hash_max_listpack_value = config.hash_max_listpack_value;
        c.set_max_intset_entries = config.set_max_intset_entries;
        c.set_max_listpack_entries = config.set_max_listpack_entries;
        c.set_max_listpack_value = config.set_max_listpack_value;
        c.zset_max_listpack_entries = config.zset_max_listpack_entries;
        c.zset_max_listpack_value = config.zset_max_listpack_value;
    }

    /// Number of databases.
    #[must_use]
    pub fn databases(&self) -> usize {
        self.dbs.len()
    }

    /// Keys in database `db`, counting expired keys not yet removed (as DBSIZE does).
    #[must_use]
    pub fn len(&self, db: usize) -> usize {
        self.dbs.get(db).map_or(0, Db::len)
    }

    /// Whether every database is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.dbs.iter().all(|d| d.len() == 0)
    }

    /// Keys with an expire time in database `db` (INFO keyspace `expires=`).
    #[must_use]
    pub fn expires_len(&self, db: usize) -> usize {
        self.dbs.get(db).map_or(0, |d| d.expires.len())
    }

    /// Estimated heap bytes held by database `db`.
    #[must_use]
    pub fn db_memory(&self, db: usize) -> usize {
        self.dbs.get(db).map_or(0, Db::memory)
    }

    /// Bytes of database `db`'s own tables, apart from the entries they hold: the key table
    /// and the expire index (MEMORY STATS `overhead.hashtable.main` / `.expires`).
    #[must_use]
    pub fn db_overhead(&self, db: usize) -> (usize, usize) {
        self.dbs
            .get(db)
            .map_or((0, 0), |d| (d.table.table_bytes(), d.expires.table_bytes()))
    }

    /// Estimated heap bytes held by all databases.
    #[must_use]
    pub fn used_memory(&self) -> usize {
        self.dbs.iter().map(Db::memory).sum::<usize>() + self.dbs.capacity() * size_of::<Db>()
    }

    /// The value of `key`, expiring it first if its time has come.
    pub fn get(
        &mut self,
        db: usize,
        key: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
    ) -> Option<Value<'_>> {
        let (i, _) = self.lookup(db, key, now, events, true)?;
        Some(self.value_at(db, i))
    }

    /// Whether `key` exists in `db` at `now`, and its type, without side effects: the access is
    /// not recorded (OBJECT IDLETIME and FREQ stay as they were) and an expired key is reported
    /// absent but left in place, as Valkey's `LOOKUP_NOTOUCH | LOOKUP_NOEXPIRE` lookups (WATCH).
    #[must_use]
    pub fn peek(&self, db: usize, key: &[u8], now: Millis) -> Option<Peeked> {
        let e = self.stored(db, key)?;
        if e.is_expired(now) {
            return None;
        }
        Some(Peeked {
            kind: e.object(self.tracked()).map(|(k, _)| k),
            expire: e.expire(),
        })
    }

    /// Whether `key` is still stored in `db` though past its expire time at `now` (Valkey's
    /// `keyIsExpired`), without removing it.
    #[must_use]
    pub fn holds_expired(&self, db: usize, key: &[u8], now: Millis) -> bool {
        self.stored(db, key).is_some_and(|e| e.is_expired(now))
    }

    /// TYPE's name for the value in slot `i`: a module value's type name, or the value's type.
    pub(crate) fn type_name(&self, db: usize, i: usize) -> &str {
        match self.object(db, i) {
            Some(ObjRef::Module(m)) => core::str::from_utf8(&m.type_name).unwrap_or("module"),
            _ => self.value_at(db, i).type_name(),
        }
    }

    /// Where `key`'s entry lives in memory (DEBUG OBJECT's `Value at:`), expired or not.
    pub fn address(&self, db: usize, key: &[u8]) -> Option<usize> {
        self.stored(db, key).map(|e| core::ptr::from_ref(e).addr())
    }

    fn stored(&self, db: usize, key: &[u8]) -> Option<&Entry> {
        let d = self.dbs.get(db)?;
        let i = d.find(self.hash(key), key)?;
        Some(d.table.get(i))
    }

    /// Stores `value` under `key`, removing any expire time (a plain SET).
    pub fn set(
        &mut self,
        db: usize,
        key: &[u8],
        value: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
    ) {
        let found = self.lookup(db, key, now, events, false);
        let h = found.map_or_else(|| self.hash(key), |(_, h)| h);
        self.write(
            db,
            h,
            key,
            found.map(|(i, _)| i),
            NewValue::Auto(value),
            Ttl::Clear,
            now,
        );
        events.change(db, key, ChangeKind::Set);
    }

    /// Stores `value` under `key`, keeping the expire time of a live key (SET KEEPTTL; a
    /// module's StringDMA or StringTruncate on an existing key). A new key has none.
    pub fn set_keep_ttl(
        &mut self,
        db: usize,
        key: &[u8],
        value: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
    ) {
        let found = self.lookup(db, key, now, events, false);
        let h = found.map_or_else(|| self.hash(key), |(_, h)| h);
        self.write(
            db,
            h,
            key,
            found.map(|(i, _)| i),
            NewValue::Auto(value),
            Ttl::Keep,
            now,
        );
        events.change(db, key, ChangeKind::Set);
    }

    /// Removes `key`; whether it existed (an expired key did not).
    pub fn del(&mut self, db: usize, key: &[u8], now: Millis, events: &mut dyn ChangeSink) -> bool {
        match self.lookup(db, key, now, events, false) {
            Some((i, h)) => {
                self.delete(db, i, h);
                events.change(db, key, ChangeKind::Del);
                true
            }
            None => false,
        }
    }

    /// The absolute expire time of `key`, if it exists and has one.
    pub fn expire_time(
        &mut self,
        db: usize,
        key: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
    ) -> Option<Millis> {
        let (i, _) = self.lookup(db, key, now, events, false)?;
        self.entry(db, i).expire()
    }

    /// Runs the active expire cycle: samples keys that have an expire time, [`KEYS_PER_LOOP`] at a
    /// time per database, removes the expired ones, and samples the same database again while more
    /// than a quarter of a round had expired. Stops after `budget` samples. Every removed key is
    /// reported to `events` as [`ChangeKind::Expired`].
    pub fn active_expire(
        &mut self,
        now: Millis,
        budget: usize,
        events: &mut dyn ChangeSink,
    ) -> ExpireCycle {
        let mut cycle = ExpireCycle::default();
        if self.expiry_paused {
            return cycle;
        }
        let n = self.dbs.len();
        for step in 0..n {
            let db = (self.expire_db + step) % n;
            loop {
                let left = budget - cycle.sampled;
                let take = KEYS_PER_LOOP.min(self.dbs[db].expires.len()).min(left);
                if take == 0 {
                    if self.dbs[db].expires.len() > 0 && left == 0 {
                        cycle.budget_exhausted = true;
                        self.expire_db = db;
                        self.dbs[db].shrink(&self.state);
                        return cycle;
                    }
                    break;
                }
                let mut hashes = [0u64; KEYS_PER_LOOP];
                let d = &mut self.dbs[db];
                let mut pos = d.expire_cursor;
                for slot in hashes.iter_mut().take(take) {
                    let at = d.expires.occupied_from(pos).expect("expires is not empty");
                    *slot = *d.expires.get(at);
                    pos = at + 1;
                }
                d.expire_cursor = pos;
                let mut expired = 0;
                for &h in &hashes[..take] {
                    expired += self.expire_hash(db, h, now, events);
                }
                cycle.sampled += take;
                cycle.expired += expired;
                if expired * 4 <= take {
                    break;
                }
            }
            self.dbs[db].shrink(&self.state);
        }
        self.expire_db = (self.expire_db + 1) % n;
        cycle
    }

    /// Removes every expired key of `db` whose hash is `h`; how many.
    fn expire_hash(
        &mut self,
        db: usize,
        h: u64,
        now: Millis,
        events: &mut dyn ChangeSink,
    ) -> usize {
        let mut removed = 0;
        loop {
            let state = &self.state;
            let d = &mut self.dbs[db];
            let Some(i) = d
                .table
                .find(h, |e| e.is_expired(now) && hash_key(state, e.key()) == h)
            else {
                return removed;
            };
            let e = d.remove(state, i, h);
            events.change(db, e.key(), ChangeKind::Expired);
            removed += 1;
        }
    }

    // ---- primitives the commands are built from ----

    #[inline]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        hash_key(&self.state, key)
    }

    /// Finds `key`, removing it (and reporting [`ChangeKind::Expired`]) if its time has come.
    /// `touch` records the access (LRU/LFU) as Valkey's lookups do unless told not to.
    #[inline]
    pub(crate) fn lookup(
        &mut self,
        db: usize,
        key: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
        touch: bool,
    ) -> Option<(usize, u64)> {
        let h = self.hash(key);
        let Some(i) = self.dbs[db].find(h, key) else {
            self.miss(db, key);
            return None;
        };
        if self.dbs[db].table.get(i).is_expired(now) {
            if !self.expiry_paused {
                self.delete(db, i, h);
                events.change(db, key, ChangeKind::Expired);
            }
            self.miss(db, key);
            return None;
        }
        self.hits += u64::from(self.counting);
        if touch {
            self.touch(db, i, now);
        }
        Some((i, h))
    }

    /// Like [`lookup`](Self::lookup) but also returns the hash when the key is absent.
    pub(crate) fn lookup_or_hash(
        &mut self,
        db: usize,
        key: &[u8],
        now: Millis,
        events: &mut dyn ChangeSink,
        touch: bool,
    ) -> (Option<usize>, u64) {
        match self.lookup(db, key, now, events, touch) {
            Some((i, h)) => (Some(i), h),
            None => (None, self.hash(key)),
        }
    }

    /// Whether entries carry the access field (LRU or LFU tracking is on): the flag the entry
    /// methods that read past the key take.
    #[inline]
    pub(crate) fn tracked(&self) -> bool {
        self.config.access != AccessTracking::Off
    }

    #[inline]
    pub(crate) fn entry(&self, db: usize, i: usize) -> &Entry {
        self.dbs[db].table.get(i)
    }

    /// The value in slot `i`.
    #[inline]
    pub(crate) fn value_at(&self, db: usize, i: usize) -> Value<'_> {
        self.entry(db, i).value(self.tracked())
    }

    /// Writes `bytes` at `offset` of the string in slot `i` in place if it was grown with room
    /// enough (APPEND, SETRANGE); returns the new length, or `None` if the caller must rewrite it.
    pub(crate) fn splice_in_room(
        &mut self,
        db: usize,
        i: usize,
        offset: usize,
        bytes: &[u8],
    ) -> Option<usize> {
        let tracked = self.tracked();
        self.entry_mut(db, i).splice_in_room(tracked, offset, bytes)
    }

    pub(crate) fn entry_mut(&mut self, db: usize, i: usize) -> &mut Entry {
        self.dbs[db].table.get_mut(i)
    }

    /// Writes `value` under `key` (slot `existing` if the key is there) with the given TTL rule.
    /// Returns the slot.
    #[expect(
        clippy::too_many_arguments,
        reason = "one write primitive every command shares"
    )]
    pub(crate) fn write(
        &mut self,
        db: usize,
        h: u64,
        key: &[u8],
        existing: Option<usize>,
        value: NewValue<'_>,
        ttl: Ttl,
        now: Millis,
    ) -> usize {
        match existing {
            Some(i) => {
                let old = self.entry(db, i);
                let expire = match ttl {
                    Ttl::Keep => old.expire(),
                    Ttl::Clear => None,
                    Ttl::At(t) => Some(t),
                };
                // LFU keeps the key's counter across overwrites; LRU starts a new access.
                let access = match self.config.access {
                    AccessTracking::Lfu { .. } => old.access(true),
                    _ => self.new_access(now),
                };
                self.dbs[db].replace(i, h, key, value, expire, access);
                i
            }
            None => {
                let expire = match ttl {
                    Ttl::At(t) => Some(t),
                    Ttl::Keep | Ttl::Clear => None,
                };
                let access = self.new_access(now);
                let e = Entry::new(key, value, expire, access);
                self.insert_entry(db, h, e)
            }
        }
    }

    /// Inserts a ready entry (MOVE, COPY, RENAME) for a key known to be absent, with the
    /// collection it refers to if it is one (stored in `db`'s object store).
    pub(crate) fn attach(&mut self, db: usize, h: u64, mut e: Entry, object: Option<Object>) {
        if let Some(o) = object {
            let id = self.dbs[db].objects.insert(o);
            e.set_object_id(self.tracked(), id);
        }
        self.insert_entry(db, h, e);
    }

    /// Inserts `e` for a key the lookups reported absent. While expiry is paused an expired
    /// entry of that key may still be stored: it goes first.
    fn insert_entry(&mut self, db: usize, h: u64, e: Entry) -> usize {
        if self.expiry_paused {
            if let Some(i) = self.dbs[db].find(h, e.key()) {
                self.delete(db, i, h);
            }
        }
        if let Some(created) = &mut self.created {
            created.push((db, e.key().to_vec()));
        }
        self.dbs[db].insert(&self.state, h, e)
    }

    /// Removes slot `i` and hands back its entry and collection, to be re-attached.
    pub(crate) fn detach(&mut self, db: usize, i: usize, h: u64) -> (Entry, Option<Object>) {
        let r = self.dbs[db].detach(&self.state, i, h);
        self.dbs[db].shrink(&self.state);
        r
    }

    /// The collection in slot `i`, if the value is one.
    pub(crate) fn object(&self, db: usize, i: usize) -> Option<ObjRef<'_>> {
        let (_, id) = self.entry(db, i).object(self.tracked())?;
        Some(self.dbs[db].objects.get(id))
    }

    /// Applies `f` to the collection in slot `i` (which must hold one), keeping memory counts.
    pub(crate) fn update_object<R>(
        &mut self,
        db: usize,
        i: usize,
        f: impl FnOnce(&mut Object) -> R,
    ) -> R {
        let (_, id) = self
            .entry(db, i)
            .object(self.tracked())
            .expect("a collection");
        self.dbs[db].objects.update(id, f)
    }

    /// Stores a new collection under `key` (known to be absent); returns its slot.
    pub(crate) fn insert_object(
        &mut self,
        db: usize,
        h: u64,
        key: &[u8],
        object: Object,
        now: Millis,
    ) -> usize {
        let kind = object.kind();
        let id = self.dbs[db].objects.insert(object);
        let access = self.new_access(now);
        let e = Entry::new(key, NewValue::Object(kind, id), None, access);
        self.insert_entry(db, h, e)
    }

    /// Removes slot `i` (key hash `h`) from `db` and returns its entry.
    pub(crate) fn delete(&mut self, db: usize, i: usize, h: u64) -> Entry {
        let e = self.dbs[db].remove(&self.state, i, h);
        self.dbs[db].shrink(&self.state);
        e
    }

    /// Sets or removes the expire time of slot `i`.
    pub(crate) fn set_expire(&mut self, db: usize, i: usize, h: u64, expire: Option<Millis>) {
        let tracked = self.tracked();
        self.dbs[db].update(i, h, |e| e.with_expire(tracked, expire));
    }

    /// Visits every entry of `db` (for KEYS).
    pub(crate) fn for_each_entry(&self, db: usize, mut f: impl FnMut(&Entry)) {
        for e in self.dbs[db].table.iter() {
            f(e);
        }
    }

    /// One SCAN step over `db`: see `Table::scan`.
    pub(crate) fn scan_step(
        &self,
        db: usize,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(&Entry),
    ) -> u64 {
        let state = &self.state;
        self.dbs[db]
            .table
            .scan(cursor, count, |e| hash_key(state, e.key()), |e| f(e))
    }

    /// A slot picked at random (then the next occupied one), if `db` has keys.
    pub(crate) fn random_slot(&mut self, db: usize) -> Option<usize> {
        let n = self.dbs[db].table.slot_count();
        if n == 0 {
            return None;
        }
        let r = (self.next_random() % n as u64) as usize;
        self.dbs[db].table.occupied_from(r)
    }

    /// Empties `db`; reports [`ChangeKind::Flush`] if it held keys. Returns how many it held.
    pub(crate) fn flush_db(&mut self, db: usize, events: &mut dyn ChangeSink) -> usize {
        let n = self.dbs[db].clear();
        if n > 0 {
            events.change(db, &[], ChangeKind::Flush);
        }
        n
    }

    /// Swaps two databases; reports [`ChangeKind::SwapDb`] for both if either held keys.
    pub(crate) fn swap_db(&mut self, a: usize, b: usize, events: &mut dyn ChangeSink) {
        if a == b {
            return;
        }
        self.dbs.swap(a, b);
        self.dbs[a].expire_cursor = 0;
        self.dbs[b].expire_cursor = 0;
        if self.dbs[a].len() + self.dbs[b].len() > 0 {
            events.change(a, &[], ChangeKind::SwapDb);
            events.change(b, &[], ChangeKind::SwapDb);
        }
    }

    /// Heap bytes attributed to one key: its entry, its slot, its share of the expire index and
    /// its collection.
    pub(crate) fn key_memory(&self, db: usize, i: usize) -> usize {
        let e = self.entry(db, i);
        let slot = size_of::<Option<Entry>>() + 1;
        e.object(self.tracked())
            .map_or(0, |(_, id)| self.dbs[db].objects.footprint(id))
            + e.alloc_len()
            + slot
            + if e.expire().is_some() {
                size_of::<Option<u64>>() + 1
            } else {
                0
            }
    }

    // ---- access tracking (LRU clock / LFU counter), as in Valkey's evict.c ----

    /// The seed of the member hash of collections stored as `hashtable`.
    pub(crate) const fn member_seed(&self) -> u64 {
        self.config.hash_seed ^ 0xC011_EC71_0A5E_ED00
    }

    /// A pseudo-random number (SPOP, SRANDMEMBER, HRANDFIELD).
    pub(crate) fn random(&mut self) -> u64 {
        self.next_random()
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn new_access(&mut self, now: Millis) -> Option<[u8; 3]> {
        match self.config.access {
            AccessTracking::Off => None,
            AccessTracking::Lru => Some(lru_field(lru_clock(now))),
            AccessTracking::Lfu { .. } => Some(lfu_field(lfu_minutes(now), LFU_INIT_VAL)),
        }
    }

    /// Records an access to slot `i`.
    pub(crate) fn touch(&mut self, db: usize, i: usize, now: Millis) {
        match self.config.access {
            AccessTracking::Off => {}
            AccessTracking::Lru => self
                .entry_mut(db, i)
                .set_access(true, lru_field(lru_clock(now))),
            AccessTracking::Lfu {
                log_factor,
                decay_minutes,
            } => {
                let Some(a) = self.entry(db, i).access(true) else {
                    return;
                };
                let counter = lfu_decayed(a, now, decay_minutes);
                let r = self.random_unit();
                let counter = lfu_log_incr(counter, log_factor, r);
                self.entry_mut(db, i)
                    .set_access(true, lfu_field(lfu_minutes(now), counter));
            }
        }
    }

    /// A uniform draw in `[0, 1)`.
    fn random_unit(&mut self) -> f64 {
        (self.next_random() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// OBJECT IDLETIME of slot `i` in seconds, if LRU tracking is on.
    pub(crate) fn idle_seconds(&self, db: usize, i: usize, now: Millis) -> Option<u64> {
        if self.config.access != AccessTracking::Lru {
            return None;
        }
        let a = self.entry(db, i).access(true)?;
        Some(u64::from(lru_idle_ticks(a, now)))
    }

    /// OBJECT FREQ of slot `i`, if LFU tracking is on.
    pub(crate) fn frequency(&self, db: usize, i: usize, now: Millis) -> Option<u8> {
        let AccessTracking::Lfu { decay_minutes, .. } = self.config.access else {
            return None;
        };
        Some(lfu_decayed(
            self.entry(db, i).access(true)?,
            now,
            decay_minutes,
        ))
    }
}

mod evict;
mod module_values;
mod recording;
#[cfg(test)]
mod tests;
