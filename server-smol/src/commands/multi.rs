//! MULTI, EXEC, DISCARD, WATCH, UNWATCH with Valkey 8's replies (`multi.c`). Queuing itself
//! happens in dispatch, before a command would run.

use keyspace::Command;
use keyspace::command::{
    AclCategories as A, BeginSearch, CommandInfo, FindKeys, Flags as F, KeySpec, KeySpecFlags,
};

use super::{acl, cmd, flags, info};
use crate::dispatch::{self, Exec, Handler};
use crate::multi::Queue;
use crate::reply::Reply;
use keyspace::ReplySink;

/// WATCH's keys: every argument, read-only (`watch.json`).
const WATCH_KEYS: &[KeySpec] = &[KeySpec {
    flags: KeySpecFlags::RO,
    begin: BeginSearch::Index(1),
    find: FindKeys::Range {
        last_key: -1,
        step: 1,
        limit: 0,
    },
}];

pub(super) fn commands() -> Vec<Command<Handler>> {
    let fast = flags(&[F::NOSCRIPT, F::LOADING, F::STALE, F::FAST, F::ALLOW_BUSY]);
    let tx_fast = acl(&[A::FAST, A::TRANSACTION]);
    let watch_info = CommandInfo {
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: WATCH_KEYS,
        ..info("watch", "watch", -2, fast, tx_fast)
    };
    vec![
        cmd(info("multi", "multi", 1, fast, tx_fast), multi),
        cmd(
            info(
                "exec",
                "exec",
                1,
                flags(&[F::NOSCRIPT, F::LOADING, F::STALE, F::SKIP_SLOWLOG]),
                acl(&[A::SLOW, A::TRANSACTION]),
            ),
            exec,
        ),
        cmd(info("discard", "discard", 1, fast, tx_fast), discard),
        cmd(watch_info, watch),
        cmd(info("unwatch", "unwatch", 1, fast, tx_fast), unwatch),
    ]
}

fn multi(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    if ex.client.multi.is_some() {
        out.error_text("ERR MULTI calls can not be nested");
        return;
    }
    ex.client.multi = Some(Queue::default());
    out.ok();
}

/// Leaves MULTI and forgets every watch (Valkey's `discardTransaction`).
pub(crate) fn discard_transaction(ex: &mut Exec<'_>) {
    ex.client.multi = None;
    ex.server.changes.watches.reset(ex.client.id);
}

fn discard(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    if ex.client.multi.is_none() {
        out.error_text("ERR DISCARD without MULTI");
        return;
    }
    discard_transaction(ex);
    out.ok();
}

fn exec(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let Some(queue) = ex.client.multi.take() else {
        out.error_text("ERR EXEC without MULTI");
        return;
    };
    let id = ex.client.id;
    let watches = &ex.server.changes.watches;
    let dirty =
        watches.is_dirty(id) || watches.expired_since_watch(id, &mut ex.server.keyspace, ex.now);
    // Unwatch before running, so the transaction's own writes touch nothing of its own.
    ex.server.changes.watches.reset(id);
    if queue.dirty_exec {
        out.error_text("EXECABORT Transaction discarded because of previous errors.");
        return;
    }
    if dirty {
        out.null_array();
        return;
    }
    out.array(queue.commands.len());
    ex.client.in_exec = true;
    for args in &queue.commands {
        let argv: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        dispatch::run_queued(ex.server, ex.client, &argv, out, ex.now);
    }
    ex.client.in_exec = false;
}

fn watch(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if ex.client.multi.is_some() {
        out.error_text("ERR WATCH inside MULTI is not allowed");
        return;
    }
    let id = ex.client.id;
    // No point in watching once dirty.
    if !ex.server.changes.watches.is_dirty(id) {
        let db = ex.client.db;
        for key in &args[1..] {
            let state = crate::multi::peek(&ex.server.keyspace, db, key, ex.now);
            let expired = state == crate::multi::Peek::Expired;
            ex.server.changes.watches.watch(id, db, key, expired);
        }
    }
    out.ok();
}

fn unwatch(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    ex.server.changes.watches.reset(ex.client.id);
    out.ok();
}
