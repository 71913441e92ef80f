//! Blocked clients (Valkey's `blocked.c` for lists and sorted sets): who waits on which key in
//! arrival order, which keys a change event made ready, and serving, timing out or unblocking a
//! blocked client. A blocked client's connection buffers later input unparsed, like a client
//! parked by CLIENT PAUSE, and waits on its wake channel and its deadline timer (no polling).

use std::collections::{HashMap, VecDeque};

use keyspace::command::Flags;
use keyspace::{ChangeKind, Kind, Millis, ReplySink, Value};

use crate::client::Client;
use crate::reply::Reply;
use crate::server::Server;

/// What a blocked client waits for.
#[derive(Clone, Debug)]
pub(crate) struct Blocked {
    /// Its database.
    pub(crate) db: usize,
    /// The keys it waits on.
    pub(crate) keys: Vec<Vec<u8>>,
    /// The blocking command, re-run when one of the keys is ready.
    pub(crate) args: Vec<Vec<u8>>,
    /// The type a key must hold to serve it.
    pub(crate) kind: Kind,
    /// Unix milliseconds when it times out; `None` waits forever.
    pub(crate) deadline: Option<u64>,
}

/// The blocked clients by key, and the keys made ready by the running command.
#[derive(Debug, Default)]
pub(crate) struct Blocking {
    waiters: HashMap<(usize, Vec<u8>), VecDeque<u64>>,
    ready: VecDeque<(usize, Vec<u8>)>,
    /// Ready keys whose clients a CLIENT PAUSE holds back, ready again once it ends.
    held: Vec<(usize, Vec<u8>)>,
    clients: usize,
}

impl Blocking {
    /// Registers client `id` as waiting on `keys` of `db`, behind those already waiting.
    pub(crate) fn block(&mut self, id: u64, db: usize, keys: &[Vec<u8>]) {
        self.clients += 1;
        for key in keys {
            let queue = self.waiters.entry((db, key.clone())).or_default();
            if !queue.contains(&id) {
                queue.push_back(id);
            }
        }
    }

    /// Removes client `id` from the queues of `keys`.
    pub(crate) fn unblock(&mut self, id: u64, db: usize, keys: &[Vec<u8>]) {
        self.clients = self.clients.saturating_sub(1);
        for key in keys {
            let k = (db, key.clone());
            if let Some(queue) = self.waiters.get_mut(&k) {
                queue.retain(|&c| c != id);
                if queue.is_empty() {
                    self.waiters.remove(&k);
                }
            }
        }
    }

    /// Blocked clients (INFO `blocked_clients`).
    pub(crate) fn count(&self) -> usize {
        self.clients
    }

    /// Keys with clients blocked on them (INFO `total_blocking_keys`).
    pub(crate) fn keys(&self) -> usize {
        self.waiters.len()
    }

    /// A change event: a key someone waits on may now serve them.
    pub(crate) fn change(&mut self, db: usize, key: &[u8], kind: ChangeKind) {
        if self.waiters.is_empty() {
            return;
        }
        if kind == ChangeKind::SwapDb {
            let mut keys: Vec<_> = self.waiters.keys().filter(|k| k.0 == db).cloned().collect();
            keys.sort();
            self.ready.extend(keys);
        } else if kind.may_serve_blocked() {
            let k = (db, key.to_vec());
            if self.waiters.contains_key(&k) && !self.ready.contains(&k) {
                self.ready.push_back(k);
            }
        }
    }

    /// Forgets a departing client's wait.
    pub(crate) fn forget(&mut self, id: u64) {
        let before = self.waiters.values().any(|q| q.contains(&id));
        self.waiters.retain(|_, q| {
            q.retain(|&c| c != id);
            !q.is_empty()
        });
        if before {
            self.clients = self.clients.saturating_sub(1);
        }
    }

    fn waiting_on(&self, key: &(usize, Vec<u8>)) -> Vec<u64> {
        self.waiters
            .get(key)
            .map(|q| q.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// Blocks `client` (its command found nothing): from now on it waits.
pub(crate) fn block(server: &mut Server, client: &mut Client, blocked: Blocked) {
    server
        .changes
        .blocking
        .block(client.id, blocked.db, &blocked.keys);
    client.blocked = Some(blocked);
}

/// Serves the clients blocked on keys made ready, in the order they blocked, re-running each
/// one's command (Valkey's `handleClientsBlockedOnKeys`); a served command may make more keys
/// ready. The running client (borrowed by the caller) is never among them.
///
/// Under a CLIENT PAUSE that holds writes, the clients stay blocked (as Valkey postpones
/// them) and their keys are tried again once the pause ends.
pub(crate) fn serve_ready(server: &mut Server, now: Millis) {
    let blocking = &mut server.changes.blocking;
    if blocking.ready.is_empty() && blocking.held.is_empty() {
        return;
    }
    let write = Flags::WRITE.union(Flags::BLOCKING);
    if server.pause.holds(now, write, false) {
        let blocking = &mut server.changes.blocking;
        let ready: Vec<_> = blocking.ready.drain(..).collect();
        for key in ready {
            if !blocking.held.contains(&key) {
                blocking.held.push(key);
            }
        }
        return;
    }
    let blocking = &mut server.changes.blocking;
    for key in core::mem::take(&mut blocking.held) {
        if !blocking.ready.contains(&key) {
            blocking.ready.push_back(key);
        }
    }
    while let Some(key) = server.changes.blocking.ready.pop_front() {
        for id in server.changes.blocking.waiting_on(&key) {
            let Some(rc) = server.clients.get(&id).cloned() else {
                continue;
            };
            let Ok(mut c) = rc.try_borrow_mut() else {
                continue;
            };
            let Some(kind) = c.blocked.as_ref().map(|b| b.kind) else {
                continue;
            };
            let held = server
                .keyspace
                .get(key.0, &key.1, now, &mut server.changes)
                .map(|v| matches!(v, Value::Collection(k) if k == kind));
            if held != Some(true) {
                // Gone, or of another type: nobody else on this key is served either.
                break;
            }
            let Some(b) = c.blocked.take() else { continue };
            server.changes.blocking.unblock(id, b.db, &b.keys);
            let mut out = Reply::new();
            out.set_protocol(c.resp);
            let args: Vec<&[u8]> = b.args.iter().map(Vec::as_slice).collect();
            c.reprocessing = true;
            crate::dispatch::execute(server, &mut c, &args, &mut out, now);
            c.reprocessing = false;
            c.pushes.append(&mut out.buf);
            c.wake();
        }
    }
}

/// Ends `client`'s wait with `reply` written into `out`, if it is blocked (timeout and CLIENT
/// UNBLOCK).
fn release(server: &mut Server, client: &mut Client, out: &mut Reply, error: bool) -> bool {
    let Some(b) = client.blocked.take() else {
        return false;
    };
    server.changes.blocking.unblock(client.id, b.db, &b.keys);
    if error {
        out.error_text("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        server.stats.error_replies += 1;
        server.cmdstats.take_errors(out, &server.log);
    } else {
        out.null_array();
    }
    crate::commandstats::unblocked(server, client, &b.args, error);
    true
}

/// Times `client` out if its deadline has passed at `now`: the null array.
pub(crate) fn time_out(server: &mut Server, client: &mut Client, out: &mut Reply, now: Millis) {
    if client
        .blocked
        .as_ref()
        .and_then(|b| b.deadline)
        .is_some_and(|d| d <= now.0)
    {
        out.set_protocol(client.resp);
        release(server, client, out, false);
    }
}

/// CLIENT UNBLOCK `id`: whether a blocked client was released (the null array, or the
/// `UNBLOCKED` error with `error`), its reply queued to it.
pub(crate) fn unblock(server: &mut Server, id: u64, error: bool) -> bool {
    let Some(rc) = server.clients.get(&id).cloned() else {
        return false;
    };
    let Ok(mut c) = rc.try_borrow_mut() else {
        return false;
    };
    let mut out = Reply::new();
    out.set_protocol(c.resp);
    if !release(server, &mut c, &mut out, error) {
        return false;
    }
    c.pushes.append(&mut out.buf);
    c.wake();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<Vec<u8>> {
        names.iter().map(|k| k.as_bytes().to_vec()).collect()
    }

    #[test]
    fn waiters_queue_per_key_in_arrival_order() {
        let mut b = Blocking::default();
        b.block(7, 0, &keys(&["a", "b"]));
        b.block(3, 0, &keys(&["b"]));
        b.block(5, 1, &keys(&["b"]));
        assert_eq!((b.count(), b.keys()), (3, 3));
        assert_eq!(b.waiting_on(&(0, b"b".to_vec())), vec![7, 3]);
        b.unblock(7, 0, &keys(&["a", "b"]));
        assert_eq!(b.waiting_on(&(0, b"b".to_vec())), vec![3]);
        assert_eq!((b.count(), b.keys()), (2, 2));
        b.forget(5);
        b.forget(5);
        assert_eq!((b.count(), b.keys()), (1, 1));
    }

    #[test]
    fn only_events_that_may_serve_make_a_watched_key_ready_once() {
        let mut b = Blocking::default();
        b.change(0, b"a", ChangeKind::LPush); // nobody waits: nothing kept
        assert!(b.ready.is_empty());
        b.block(1, 0, &keys(&["a", "b"]));
        b.change(0, b"a", ChangeKind::Set);
        b.change(0, b"a", ChangeKind::LPop);
        b.change(1, b"a", ChangeKind::LPush);
        assert!(b.ready.is_empty());
        b.change(0, b"a", ChangeKind::RPush);
        b.change(0, b"a", ChangeKind::LPush);
        b.change(0, b"b", ChangeKind::ZAdd);
        assert_eq!(
            b.ready.iter().cloned().collect::<Vec<_>>(),
            vec![(0, b"a".to_vec()), (0, b"b".to_vec())]
        );
    }

    #[test]
    fn swapdb_makes_every_watched_key_of_the_database_ready() {
        let mut b = Blocking::default();
        b.block(1, 2, &keys(&["y", "x"]));
        b.block(2, 3, &keys(&["z"]));
        b.change(2, b"", ChangeKind::SwapDb);
        assert_eq!(
            b.ready.iter().cloned().collect::<Vec<_>>(),
            vec![(2, b"x".to_vec()), (2, b"y".to_vec())]
        );
    }
}
