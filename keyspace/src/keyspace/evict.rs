//! Maxmemory eviction, as Valkey's `performEvictions` (src/evict.c) does it: sample
//! `maxmemory-samples` keys per database into a pool of the 16 best candidates kept across
//! calls, evict the best one that still exists, and repeat until the memory the caller measures
//! is back under the limit. The random policies pick a random key, visiting the databases in
//! turn. Nothing is stored per key beyond the access field entries already have.

use alloc::vec::Vec;

use super::Keyspace;
use crate::access::{lfu_decayed, lru_idle_ticks};
use crate::config::{AccessTracking, EvictionPolicy};
use crate::db::hash_key;
use crate::entry::Entry;
use crate::events::{ChangeKind, ChangeSink};
use crate::time::Millis;

/// Candidates kept between evictions (`EVPOOL_SIZE`).
pub(crate) const POOL_SIZE: usize = 16;

/// Pool keys longer than this do not keep their buffer (`EVPOOL_CACHED_SDS_SIZE`).
const CACHED_KEY: usize = 255;

/// How [`Keyspace::evict`] measures memory, and when it stops early.
pub trait MemoryGauge {
    /// Bytes in use now, as the limit counts them. `keyspace` is the keyspace being evicted
    /// from, for a caller whose figure includes [`Keyspace::used_memory`]; a caller with a
    /// counting allocator reads that instead.
    fn used(&mut self, keyspace: &Keyspace) -> usize;

    /// Asked after every 16th key evicted in one call: `false` stops there with
    /// [`EvictOutcome::Running`] (Valkey's `maxmemory-eviction-tenacity` time limit).
    fn keep_going(&mut self) -> bool {
        true
    }
}

/// What [`Keyspace::evict`] achieved (Valkey's `EVICT_OK`, `EVICT_RUNNING`, `EVICT_FAIL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvictOutcome {
    /// Memory is within the limit: nothing needed evicting, or enough was.
    Fits,
    /// Still over the limit, but [`MemoryGauge::keep_going`] stopped the evicting: commands go
    /// ahead, and the caller evicts again soon.
    Running,
    /// Over the limit and nothing (more) may be evicted: the policy is `noeviction`, or no key
    /// qualifies. Commands that may use more memory are to be refused.
    OutOfMemory,
}

/// One eviction candidate: a higher score is a better one to evict.
#[derive(Clone, Debug, Default)]
struct Candidate {
    score: u64,
    key: Vec<u8>,
    db: usize,
    live: bool,
}

/// The eviction pool, sorted by ascending score; empty (no allocation) until first used.
#[derive(Clone, Debug, Default)]
pub(super) struct Pool {
    slots: Vec<Candidate>,
    /// The key being evicted, kept while its entry is freed and the memory measured.
    scratch: Vec<u8>,
}

impl Pool {
    /// Offers a sampled key, as `evictionPoolPopulate` does: it goes in if a slot is free or
    /// it beats the worst candidate, which then drops out.
    fn offer(&mut self, score: u64, key: &[u8], db: usize) {
        if self.slots.is_empty() {
            self.slots.resize_with(POOL_SIZE, Candidate::default);
        }
        let pool = &mut self.slots;
        let mut k = 0;
        while k < POOL_SIZE && pool[k].live && pool[k].score < score {
            k += 1;
        }
        if k == 0 && pool[POOL_SIZE - 1].live {
            // Worse than every candidate, and no free slot.
            return;
        } else if k < POOL_SIZE && !pool[k].live {
            // A free slot right there.
        } else if !pool[POOL_SIZE - 1].live {
            // Room on the right: shift k.. up (the free last slot comes round to k).
            pool[k..].rotate_right(1);
        } else {
            // Full: shift 1..k down, dropping the worst candidate into slot k - 1.
            k -= 1;
            pool[..=k].rotate_left(1);
        }
        let c = &mut pool[k];
        c.key.clear();
        c.key.extend_from_slice(key);
        c.score = score;
        c.db = db;
        c.live = true;
    }

    /// Takes the best live candidate out of the pool.
    fn take_best(&mut self) -> Option<(usize, &[u8])> {
        let c = self.slots.iter_mut().rev().find(|c| c.live)?;
        c.live = false;
        c.score = 0;
        if c.key.capacity() > CACHED_KEY {
            self.scratch = core::mem::take(&mut c.key);
        } else {
            self.scratch.clear();
            self.scratch.extend_from_slice(&c.key);
        }
        Some((c.db, &self.scratch))
    }
}

impl Keyspace {
    /// Evicts keys by `maxmemory-policy` until the memory `gauge` reports is at or under
    /// `maxmemory` (0: no limit), as Valkey's `performEvictions` before each command. The
    /// memory to free is fixed when it starts and each key's share is measured around its
    /// removal. Every evicted key is reported as [`ChangeKind::Evicted`]. The caller decides
    /// when not to evict at all (CLIENT PAUSE).
    ///
    /// ```
    /// use keyspace::{Change, Config, Discard, EvictOutcome, EvictionPolicy, Keyspace};
    /// use keyspace::{MemoryGauge, Millis};
    ///
    /// /// The keyspace's own estimate as the memory in use.
    /// struct Estimate;
    /// impl MemoryGauge for Estimate {
    ///     fn used(&mut self, keyspace: &Keyspace) -> usize {
    ///         keyspace.used_memory()
    ///     }
    /// }
    ///
    /// let config = Config::default().eviction(EvictionPolicy::AllKeysLru, 5);
    /// let mut ks = Keyspace::new(config);
    /// for i in 0..100u32 {
    ///     ks.set(0, &i.to_be_bytes(), &[b'v'; 64], Millis(i.into()), &mut Discard);
    /// }
    /// let limit = ks.used_memory() / 2;
    /// let mut evicted: Vec<Change> = Vec::new();
    /// let outcome = ks.evict(Millis(1_000), limit, &mut Estimate, &mut evicted);
    /// assert_eq!(outcome, EvictOutcome::Fits);
    /// assert!(ks.used_memory() <= limit);
    /// assert_eq!(ks.len(0) + evicted.len(), 100);
    /// ```
    pub fn evict(
        &mut self,
        now: Millis,
        maxmemory: usize,
        gauge: &mut dyn MemoryGauge,
        events: &mut dyn ChangeSink,
    ) -> EvictOutcome {
        if maxmemory == 0 {
            return EvictOutcome::Fits;
        }
        let used = gauge.used(self);
        if used <= maxmemory {
            return EvictOutcome::Fits;
        }
        let policy = self.config.maxmemory_policy;
        if policy == EvictionPolicy::NoEviction {
            return EvictOutcome::OutOfMemory;
        }
        let to_free = (used - maxmemory) as u64;
        let mut freed: i64 = 0;
        let mut keys = 0usize;
        while freed < to_free as i64 {
            let picked = match policy {
                EvictionPolicy::AllKeysRandom | EvictionPolicy::VolatileRandom => {
                    self.pick_random(policy.all_keys())
                }
                _ => self.pick_from_pool(policy, now),
            };
            let Some((db, i, h)) = picked else {
                return EvictOutcome::OutOfMemory;
            };
            let before = gauge.used(self);
            let e = self.delete(db, i, h);
            self.pool.scratch.clear();
            self.pool.scratch.extend_from_slice(e.key());
            drop(e);
            let after = gauge.used(self);
            freed += before as i64 - after as i64;
            events.change(db, &self.pool.scratch, ChangeKind::Evicted);
            if self.pool.scratch.capacity() > CACHED_KEY {
                // A long key's buffer is not kept.
                self.pool.scratch = Vec::new();
            }
            keys += 1;
            if keys % 16 == 0 && freed < to_free as i64 && !gauge.keep_going() {
                return EvictOutcome::Running;
            }
        }
        EvictOutcome::Fits
    }

    /// The best candidate that still qualifies, sampling every database into the pool until
    /// one is found; `None` when no key qualifies.
    fn pick_from_pool(
        &mut self,
        policy: EvictionPolicy,
        now: Millis,
    ) -> Option<(usize, usize, u64)> {
        let all = policy.all_keys();
        loop {
            let mut total = 0;
            for db in 0..self.dbs.len() {
                let d = &self.dbs[db];
                let n = if all { d.len() } else { d.expires.len() };
                if n > 0 {
                    total += n;
                    self.sample(db, policy, now);
                }
            }
            if total == 0 {
                return None;
            }
            // Best first; a candidate gone since it was sampled (a ghost) is dropped.
            while let Some((db, key)) = self.pool.take_best() {
                let h = hash_key(&self.state, key);
                let d = &self.dbs[db];
                if let Some(i) = d.find(h, key)
                    && (all || d.table.get(i).expire().is_some())
                {
                    return Some((db, i, h));
                }
            }
        }
    }

    /// Offers `maxmemory-samples` keys of `db` (or all it has, if fewer), from a random spot
    /// of its table (`allkeys-*`) or of its expire index, to the pool.
    fn sample(&mut self, db: usize, policy: EvictionPolicy, now: Millis) {
        let all = policy.all_keys();
        let r = self.next_random();
        let Self {
            dbs,
            pool,
            state,
            config,
            ..
        } = self;
        let d = &dbs[db];
        let (slots, len) = if all {
            (d.table.slot_count(), d.table.len())
        } else {
            (d.expires.slot_count(), d.expires.len())
        };
        let take = config.maxmemory_samples.max(1).min(len);
        if take == 0 {
            return;
        }
        let mut pos = (r % slots as u64) as usize;
        for _ in 0..take {
            let entry = if all {
                let Some(at) = d.table.occupied_from(pos) else {
                    return;
                };
                pos = at + 1;
                d.table.get(at)
            } else {
                let Some(at) = d.expires.occupied_from(pos) else {
                    return;
                };
                pos = at + 1;
                let h = *d.expires.get(at);
                let Some(i) = d
                    .table
                    .find(h, |e| e.expire().is_some() && hash_key(state, e.key()) == h)
                else {
                    continue;
                };
                d.table.get(i)
            };
            pool.offer(score(policy, config.access, entry, now), entry.key(), db);
        }
    }

    /// A random key of the next database that has one qualifying (Valkey's `next_db` walk).
    fn pick_random(&mut self, all: bool) -> Option<(usize, usize, u64)> {
        let n = self.dbs.len();
        for _ in 0..n {
            self.evict_db = (self.evict_db + 1) % n;
            let db = self.evict_db;
            if all {
                if let Some(i) = self.random_slot(db) {
                    let h = self.hash(self.entry(db, i).key());
                    return Some((db, i, h));
                }
            } else {
                let d = &self.dbs[db];
                let slots = d.expires.slot_count();
                if slots == 0 {
                    continue;
                }
                let r = (self.next_random() % slots as u64) as usize;
                let d = &self.dbs[db];
                let Some(at) = d.expires.occupied_from(r) else {
                    continue;
                };
                let h = *d.expires.get(at);
                let state = &self.state;
                if let Some(i) = d
                    .table
                    .find(h, |e| e.expire().is_some() && hash_key(state, e.key()) == h)
                {
                    return Some((db, i, h));
                }
            }
        }
        None
    }
}

/// How good a candidate `e` is under `policy` (higher: evict sooner), as Valkey ranks them:
/// idle milliseconds (LRU), 255 minus the decayed counter (LFU), or how soon it expires
/// (`volatile-ttl`). An entry without the access field the policy reads scores 0.
fn score(policy: EvictionPolicy, access: AccessTracking, e: &Entry, now: Millis) -> u64 {
    match policy {
        EvictionPolicy::VolatileTtl => u64::MAX - e.expire().map_or(u64::MAX, |t| t.0),
        EvictionPolicy::AllKeysLfu | EvictionPolicy::VolatileLfu => {
            match (access, e.access(access != AccessTracking::Off)) {
                (AccessTracking::Lfu { decay_minutes, .. }, Some(a)) => {
                    255 - u64::from(lfu_decayed(a, now, decay_minutes))
                }
                _ => 0,
            }
        }
        _ => match (access, e.access(access != AccessTracking::Off)) {
            (AccessTracking::Lru, Some(a)) => u64::from(lru_idle_ticks(a, now)) * 1000,
            _ => 0,
        },
    }
}

#[cfg(test)]
mod tests;
