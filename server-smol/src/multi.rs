//! MULTI/EXEC state: a client's queued commands, and WATCH (Valkey's `multi.c`). Watches live
//! with the change events (every keyspace change may make a watcher dirty), so they are kept by
//! client id, not in the client's own cell.

use std::collections::{BTreeMap, HashMap, HashSet};

use keyspace::command::Flags;
use keyspace::{ChangeKind, Keyspace, Millis};

/// A client inside MULTI: what it queued, and whether queuing failed.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    /// The queued commands' arguments, name first.
    pub(crate) commands: Vec<Vec<Vec<u8>>>,
    /// The union of the queued commands' flags (CLIENT PAUSE WRITE holds EXEC on a write).
    pub(crate) flags: Flags,
    /// A command was refused while queuing: EXEC answers EXECABORT (`CLIENT_DIRTY_EXEC`).
    pub(crate) dirty_exec: bool,
    /// Bytes of the queued arguments (CLIENT LIST `multi-mem`).
    pub(crate) mem: usize,
}

impl Queue {
    /// Queues one command (nothing once the transaction is doomed, as Valkey saves the memory).
    pub(crate) fn push(&mut self, args: &[&[u8]], flags: Flags) {
        if self.dirty_exec {
            return;
        }
        self.mem += args.iter().map(|a| a.len()).sum::<usize>();
        self.commands
            .push(args.iter().map(|a| a.to_vec()).collect());
        self.flags = self.flags.union(flags);
    }

    /// Drops what was queued, keeping the MULTI state: a watched key was touched, so EXEC can
    /// only fail (Valkey's `resetClientMultiState` in `touchWatchedKey`).
    pub(crate) fn drop_commands(&mut self) {
        self.commands = Vec::new();
        self.flags = Flags::NONE;
        self.mem = 0;
    }

    /// Marks the transaction failed and drops what was queued (Valkey's `flagTransaction`).
    pub(crate) fn flag(&mut self) {
        *self = Self {
            dirty_exec: true,
            ..Self::default()
        };
    }
}

/// Whether a key exists, and whether it is past its expire time, without expiring it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Peek {
    /// No such key.
    Absent,
    /// The key is there and alive.
    Live,
    /// The key is still stored but its time has come (Valkey's `keyIsExpired`).
    Expired,
}

/// Looks at `key` in `db` at `now` without removing it when expired and without counting an
/// access (Valkey's WATCH leaves OBJECT IDLETIME alone).
pub(crate) fn peek(keyspace: &Keyspace, db: usize, key: &[u8], now: Millis) -> Peek {
    if keyspace.peek(db, key, now).is_some() {
        Peek::Live
    } else if keyspace.holds_expired(db, key, now) {
        Peek::Expired
    } else {
        Peek::Absent
    }
}

/// One key a client watches.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Watched {
    db: usize,
    key: Vec<u8>,
    /// The key was already expired when WATCH ran: its removal is no change.
    expired: bool,
}

/// Every WATCH of every client.
#[derive(Debug, Default)]
pub(crate) struct Watches {
    /// Per database, per key, the clients watching it.
    by_key: BTreeMap<usize, HashMap<Vec<u8>, Vec<u64>>>,
    /// Per client, its watched keys in WATCH order.
    by_client: HashMap<u64, Vec<Watched>>,
    /// Clients whose watched key changed (`CLIENT_DIRTY_CAS`).
    dirty: HashSet<u64>,
    /// FLUSHDB/FLUSHALL/SWAPDB events of the running command, resolved after it.
    db_events: Vec<(usize, ChangeKind)>,
}

impl Watches {
    /// WATCH of `key` in `db` by `id`; `expired` if it is stored but past its time.
    pub(crate) fn watch(&mut self, id: u64, db: usize, key: &[u8], expired: bool) {
        let mine = self.by_client.entry(id).or_default();
        if mine.iter().any(|w| w.db == db && w.key == key) {
            return;
        }
        mine.push(Watched {
            db,
            key: key.to_vec(),
            expired,
        });
        self.by_key
            .entry(db)
            .or_default()
            .entry(key.to_vec())
            .or_default()
            .push(id);
    }

    /// Forgets every key `id` watches (the dirty flag is the caller's business).
    pub(crate) fn unwatch_all(&mut self, id: u64) {
        let Some(mine) = self.by_client.remove(&id) else {
            return;
        };
        for w in mine {
            if let Some(keys) = self.by_key.get_mut(&w.db) {
                if let Some(ids) = keys.get_mut(&w.key) {
                    ids.retain(|&c| c != id);
                    if ids.is_empty() {
                        keys.remove(&w.key);
                    }
                }
                if keys.is_empty() {
                    self.by_key.remove(&w.db);
                }
            }
        }
    }

    /// UNWATCH, DISCARD, the end of EXEC, RESET, disconnect: no keys, not dirty.
    pub(crate) fn reset(&mut self, id: u64) {
        self.unwatch_all(id);
        self.dirty.remove(&id);
    }

    /// Whether a watched key of `id` changed.
    pub(crate) fn is_dirty(&self, id: u64) -> bool {
        self.dirty.contains(&id)
    }

    /// How many keys `id` watches (CLIENT LIST `watch=`).
    pub(crate) fn count(&self, id: u64) -> usize {
        self.by_client.get(&id).map_or(0, Vec::len)
    }

    /// Clients watching at least one key (INFO `watching_clients`).
    pub(crate) fn clients(&self) -> usize {
        self.by_client.len()
    }

    /// Distinct watched keys over all databases (INFO `total_watched_keys`).
    pub(crate) fn keys(&self) -> usize {
        self.by_key.values().map(HashMap::len).sum()
    }

    /// Whether anyone watches anything.
    pub(crate) fn any(&self) -> bool {
        !self.by_client.is_empty()
    }

    /// Every watched key of `id` that was alive at WATCH and is expired at `now` (Valkey's
    /// `isWatchedKeyExpired`): EXEC then fails.
    pub(crate) fn expired_since_watch(
        &self,
        id: u64,
        keyspace: &mut Keyspace,
        now: Millis,
    ) -> bool {
        self.by_client.get(&id).is_some_and(|mine| {
            mine.iter()
                .any(|w| !w.expired && peek(keyspace, w.db, &w.key, now) == Peek::Expired)
        })
    }

    /// A keyspace change event (Valkey's `touchWatchedKey`); database-wide ones wait for
    /// [`Watches::resolve_db_events`].
    pub(crate) fn change(&mut self, db: usize, key: &[u8], kind: ChangeKind) {
        if self.by_client.is_empty() {
            return;
        }
        if matches!(kind, ChangeKind::Flush | ChangeKind::SwapDb) {
            self.db_events.push((db, kind));
            return;
        }
        let Some(ids) = self.by_key.get(&db).and_then(|k| k.get(key)) else {
            return;
        };
        for id in ids.clone() {
            let Some(w) = self
                .by_client
                .get_mut(&id)
                .and_then(|m| m.iter_mut().find(|w| w.db == db && w.key == key))
            else {
                continue;
            };
            if w.expired && kind == ChangeKind::Expired {
                // Already expired at WATCH and now removed: logically no change.
                w.expired = false;
                continue;
            }
            self.dirty.insert(id);
            // Dirty for good: no point watching the rest.
            self.unwatch_all(id);
        }
    }

    /// Whether database-wide events wait to be resolved.
    pub(crate) fn has_db_events(&self) -> bool {
        !self.db_events.is_empty()
    }

    /// The state of every watched key in every database, taken before a command that may
    /// flush or swap databases.
    pub(crate) fn snapshot(&self, keyspace: &mut Keyspace, now: Millis) -> Snapshot {
        let mut keys: Vec<&[u8]> = self
            .by_key
            .values()
            .flat_map(|k| k.keys().map(Vec::as_slice))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut state = HashMap::new();
        for db in 0..keyspace.databases() {
            for &key in &keys {
                let p = peek(keyspace, db, key, now);
                if p != Peek::Absent {
                    state.insert((db, key.to_vec()), p);
                }
            }
        }
        Snapshot(state)
    }

    /// Applies the running command's FLUSH/SWAPDB events against the state before it (Valkey's
    /// `touchAllWatchedKeysInDb`): a watched key is touched only if it existed in the emptied
    /// database or exists in the one swapped in.
    pub(crate) fn resolve_db_events(&mut self, before: &Snapshot) {
        let events = core::mem::take(&mut self.db_events);
        let mut swaps = events.iter().filter(|(_, k)| *k == ChangeKind::SwapDb);
        let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
        while let Some(&(a, _)) = swaps.next() {
            let b = swaps.next().map_or(a, |&(b, _)| b);
            pairs.push((a, Some(b)));
            if b != a {
                pairs.push((b, Some(a)));
            }
        }
        pairs.extend(
            events
                .iter()
                .filter(|(_, k)| *k == ChangeKind::Flush)
                .map(|&(db, _)| (db, None)),
        );
        for (emptied, with) in pairs {
            self.touch_db(emptied, with, before);
        }
    }

    fn touch_db(&mut self, emptied: usize, with: Option<usize>, before: &Snapshot) {
        let Some(keys) = self.by_key.get(&emptied) else {
            return;
        };
        let mut hit = Vec::new();
        for (key, ids) in keys {
            let was = before.get(emptied, key);
            let other = with.map_or(Peek::Absent, |w| before.get(w, key));
            if was == Peek::Absent && other == Peek::Absent {
                continue;
            }
            for &id in ids {
                hit.push((id, key.clone(), was, other));
            }
        }
        for (id, key, was, other) in hit {
            let Some(w) = self
                .by_client
                .get_mut(&id)
                .and_then(|m| m.iter_mut().find(|w| w.db == emptied && w.key == key))
            else {
                continue;
            };
            if w.expired {
                match other {
                    // An expired key now gone: no logical change.
                    Peek::Absent => {
                        w.expired = false;
                        continue;
                    }
                    // Expired replaced with expired.
                    Peek::Expired => continue,
                    Peek::Live => {}
                }
            } else if was == Peek::Absent && other == Peek::Expired {
                // No key replaced with an expired one.
                w.expired = true;
                continue;
            }
            self.dirty.insert(id);
        }
    }
}

/// Watched keys' state before a FLUSH*/SWAPDB: `(db, key)` to what it was (absent if missing).
#[derive(Debug, Default)]
pub(crate) struct Snapshot(HashMap<(usize, Vec<u8>), Peek>);

impl Snapshot {
    fn get(&self, db: usize, key: &[u8]) -> Peek {
        self.0
            .get(&(db, key.to_vec()))
            .copied()
            .unwrap_or(Peek::Absent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyspace::Discard;

    #[test]
    fn peek_leaves_idle_time_and_expired_keys_alone() {
        let mut ks = Keyspace::new(keyspace::Config::default());
        ks.set(0, b"k", b"v", Millis(1_000), &mut Discard);
        assert_eq!(peek(&ks, 0, b"k", Millis(50_000)), Peek::Live);
        let mut out = Vec::new();
        let table = keyspace::data_table();
        let mut cx = keyspace::Ctx {
            keyspace: &mut ks,
            db: 0,
            now: Millis(61_000),
            events: &mut Discard,
        };
        cx.call(&table, &[b"OBJECT", b"IDLETIME", b"k"], &mut out);
        assert_eq!(out, [keyspace::Item::Integer(60)], "WATCH is no access");
        cx.call(&table, &[b"PEXPIREAT", b"k", b"70000"], &mut out);
        assert_eq!(peek(&ks, 0, b"k", Millis(70_000)), Peek::Expired);
        assert_eq!(ks.len(0), 1, "an expired key stays stored");
        assert_eq!(peek(&ks, 0, b"x", Millis(70_000)), Peek::Absent);
    }

    #[test]
    fn a_change_dirties_every_watcher_of_that_key_in_that_db_only() {
        let mut w = Watches::default();
        w.watch(1, 0, b"k", false);
        w.watch(2, 0, b"k", false);
        w.watch(3, 1, b"k", false);
        w.watch(1, 0, b"k", false); // twice counts once
        assert_eq!(w.count(1), 1);
        w.change(0, b"k", ChangeKind::Set);
        assert!(w.is_dirty(1) && w.is_dirty(2) && !w.is_dirty(3));
        // A dirty client stops watching.
        assert_eq!(w.count(1), 0);
        w.reset(1);
        assert!(!w.is_dirty(1));
        w.change(0, b"other", ChangeKind::Del);
        assert!(!w.is_dirty(3));
    }

    #[test]
    fn removing_a_key_expired_before_watch_is_no_change_but_writing_it_is() {
        let mut w = Watches::default();
        w.watch(1, 0, b"k", true);
        w.change(0, b"k", ChangeKind::Expired);
        assert!(!w.is_dirty(1));
        w.change(0, b"k", ChangeKind::Set);
        assert!(w.is_dirty(1));
    }

    #[test]
    fn flush_touches_only_watched_keys_that_existed() {
        let mut w = Watches::default();
        w.watch(1, 0, b"there", false);
        w.watch(2, 0, b"missing", false);
        w.watch(3, 0, b"stale", true);
        let mut before = Snapshot::default();
        before.0.insert((0, b"there".to_vec()), Peek::Live);
        before.0.insert((0, b"stale".to_vec()), Peek::Expired);
        w.change(0, b"", ChangeKind::Flush);
        assert!(w.has_db_events());
        w.resolve_db_events(&before);
        assert!(w.is_dirty(1) && !w.is_dirty(2) && !w.is_dirty(3));
    }

    #[test]
    fn swapdb_touches_keys_existing_on_either_side_but_not_stale_ones() {
        let mut w = Watches::default();
        w.watch(1, 0, b"a", false); // missing in 0, live in 1: dirty
        w.watch(2, 0, b"b", false); // missing in 0, expired in 1: not dirty
        w.watch(3, 0, b"c", false); // missing in both: not dirty
        let mut before = Snapshot::default();
        before.0.insert((1, b"a".to_vec()), Peek::Live);
        before.0.insert((1, b"b".to_vec()), Peek::Expired);
        w.change(0, b"", ChangeKind::SwapDb);
        w.change(1, b"", ChangeKind::SwapDb);
        w.resolve_db_events(&before);
        assert!(w.is_dirty(1) && !w.is_dirty(2) && !w.is_dirty(3));
    }

    #[test]
    fn a_doomed_queue_keeps_nothing() {
        let mut q = Queue::default();
        q.push(&[b"SET", b"k", b"v"], Flags::WRITE);
        assert_eq!(q.commands.len(), 1);
        q.flag();
        q.push(&[b"GET", b"k"], Flags::READONLY);
        assert!(q.dirty_exec && q.commands.is_empty() && q.flags == Flags::NONE);
    }

    mod model {
        use super::*;
        use proptest::prelude::*;

        #[derive(Clone, Debug)]
        enum Op {
            Watch(u64, usize, u8, bool),
            Change(usize, u8, bool),
            Reset(u64),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (1..4u64, 0..2usize, 0..3u8, any::<bool>())
                    .prop_map(|(c, db, k, e)| Op::Watch(c, db, k, e)),
                (0..2usize, 0..3u8, any::<bool>()).prop_map(|(db, k, e)| Op::Change(db, k, e)),
                (1..4u64).prop_map(Op::Reset),
            ]
        }

        /// The naive model: per client, its watched `(db, key, expired)`; the dirty clients.
        #[derive(Default)]
        struct Model {
            watched: BTreeMap<u64, Vec<(usize, u8, bool)>>,
            dirty: std::collections::BTreeSet<u64>,
        }

        proptest! {
            #[test]
            fn watches_agree_with_a_naive_model(ops in proptest::collection::vec(op(), 0..60)) {
                let mut w = Watches::default();
                let mut m = Model::default();
                for op in ops {
                    match op {
                        Op::Watch(c, db, k, expired) => {
                            w.watch(c, db, &[k], expired);
                            let mine = m.watched.entry(c).or_default();
                            if !mine.iter().any(|&(d, key, _)| d == db && key == k) {
                                mine.push((db, k, expired));
                            }
                        }
                        Op::Change(db, k, expiry) => {
                            let kind = if expiry { ChangeKind::Expired } else { ChangeKind::Set };
                            w.change(db, &[k], kind);
                            let ids: Vec<u64> = m.watched.keys().copied().collect();
                            for c in ids {
                                let mine = m.watched.get_mut(&c).expect("listed");
                                let Some(e) = mine.iter_mut().find(|e| e.0 == db && e.1 == k)
                                else {
                                    continue;
                                };
                                if e.2 && expiry {
                                    e.2 = false;
                                } else {
                                    m.dirty.insert(c);
                                    m.watched.remove(&c);
                                }
                            }
                        }
                        Op::Reset(c) => {
                            w.reset(c);
                            m.watched.remove(&c);
                            m.dirty.remove(&c);
                        }
                    }
                    m.watched.retain(|_, v| !v.is_empty());
                    for c in 1..4 {
                        prop_assert_eq!(w.is_dirty(c), m.dirty.contains(&c));
                        prop_assert_eq!(w.count(c), m.watched.get(&c).map_or(0, Vec::len));
                    }
                    prop_assert_eq!(w.clients(), m.watched.len());
                    let distinct: std::collections::BTreeSet<(usize, u8)> = m
                        .watched
                        .values()
                        .flatten()
                        .map(|&(d, k, _)| (d, k))
                        .collect();
                    prop_assert_eq!(w.keys(), distinct.len());
                    prop_assert_eq!(w.any(), !m.watched.is_empty());
                }
            }
        }
    }
}
