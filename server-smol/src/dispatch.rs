//! One command table for everything, and running one request through it with Valkey's checks in
//! Valkey's order: lookup and arity (the table's errors), authentication, MULTI's refusals,
//! maxmemory (eviction, then OOM), the RESP2 subscribed mode, then the handler. Around it,
//! client-side caching's bookkeeping: the table limit and `maxmemory` eviction before the
//! command (what they invalidate reaches even this client before its reply), reads recorded
//! after a READONLY one, the client's own invalidations after its reply. Whether a request must wait for CLIENT PAUSE is decided before it runs
//! ([`must_wait`]).

use keyspace::command::{CommandInfo, Flags};
use keyspace::{CommandTable, Ctx, Millis, ReplySink};
use tracking_core::{ClientId, CommandEnd};

use crate::client::Client;
use crate::reply::Reply;
use crate::server::Server;
use crate::tracking;

/// What a server command runs against.
pub(crate) struct Exec<'a> {
    /// The server state.
    pub(crate) server: &'a mut Server,
    /// The calling client.
    pub(crate) client: &'a mut Client,
    /// The time the command runs at.
    pub(crate) now: Millis,
}

/// A server command handler: arguments (name first), context, reply.
pub(crate) type ServerHandler = fn(&mut Exec<'_>, &[&[u8]], &mut Reply);

/// A handler in the one table: a keyspace data command or one of the server's own.
#[derive(Clone, Copy)]
pub(crate) enum Handler {
    /// From `keyspace::data_commands`.
    Data(keyspace::Handler),
    /// Connection and admin commands.
    Server(ServerHandler),
}

impl core::fmt::Debug for Handler {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Data(_) => "Data",
            Self::Server(_) => "Server",
        })
    }
}

/// The data commands and the server's commands in one table.
pub(crate) fn build_table() -> CommandTable<Handler> {
    let mut table = CommandTable::new();
    let data = keyspace::data_commands().into_iter().map(|c| {
        let mut c = c.map_handler(&Handler::Data);
        c.subcommands
            .extend(crate::commands::server_subcommands(c.info.name));
        c
    });
    for cmd in data.chain(crate::commands::server_commands()) {
        let name = cmd.info.name;
        assert!(table.insert(cmd).is_ok(), "command {name} defined twice");
    }
    table
}

/// Runs one request (`args` non-empty) for `client`, writing its reply to `out`.
pub(crate) fn execute(
    server: &mut Server,
    client: &mut Client,
    args: &[&[u8]],
    out: &mut Reply,
    now: Millis,
) {
    take_pushes(client, out);
    let me = ClientId::new(client.id);
    if server.changes.tracker.any_tracking() && me.is_some() {
        // Before the command, so what it evicts reaches this client before its reply.
        let tracker = &mut server.changes.tracker;
        tracker.set_max_keys(
            usize::try_from(server.settings.tracking_table_max_keys).unwrap_or(usize::MAX),
        );
        if tracker.enforce_key_limit() > 0 {
            tracking::deliver(server, client);
            take_pushes(client, out);
        }
    }
    let mark = out.buf.len();
    let errors = out.errors;
    let mut end = CommandEnd::Other;
    let resolved = match server.table.resolve(args) {
        Ok(cmd) => Ok((cmd.handler, cmd.info)),
        Err(e) => {
            let arity = matches!(e, keyspace::Error::WrongArity { .. });
            out.error(&e);
            if arity {
                crate::commandstats::rejected_arity(server, args);
            }
            Err(())
        }
    };
    if let Some(q) = client.multi.as_mut()
        && server.changes.watches.is_dirty(client.id)
    {
        q.drop_commands();
    }
    match resolved {
        Ok((handler, info)) => {
            client.last_cmd = Some(info.full_name);
            if info.full_name.starts_with("client|") {
                end = CommandEnd::ClientCommand;
            }
            let name = info.full_name;
            if server.auth_required(client) && !info.flags.contains(Flags::NO_AUTH) {
                reject(server, client, name, out, "NOAUTH Authentication required.");
            } else if client.multi.is_some() && info.flags.contains(Flags::NO_MULTI) {
                let text = "ERR Command not allowed inside a transaction";
                reject(server, client, name, out, text);
            } else if out_of_memory(server, client, &info, out, now) {
                if info.full_name == "exec" {
                    // Valkey's `execCommandAbort`: the transaction is discarded.
                    server.cmdstats.rejected(name);
                    client.multi = None;
                    server.changes.watches.reset(client.id);
                    out.error_text(&format!(
                        "EXECABORT Transaction discarded because of: {}",
                        crate::evict::OOM
                    ));
                    crate::monitor::feed(server, client, &info, args);
                } else {
                    reject(server, client, name, out, crate::evict::OOM);
                }
            } else if client.subscribed()
                && !client.resp3()
                && !allowed_when_subscribed(info.full_name)
            {
                let text = format!(
                    "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT \
                     / RESET are allowed in this context",
                    info.full_name
                );
                reject(server, client, name, out, &text);
            } else if let Some(queue) = client.multi.as_mut().filter(|_| queues(info.full_name)) {
                // Once a watched key changed, EXEC can only fail: nothing more is kept.
                if !server.changes.watches.is_dirty(client.id) {
                    queue.push(args, info.flags);
                }
                out.simple("QUEUED");
            } else if let Some(handler) = handler {
                // From here until its reply, the client's own invalidations are held.
                if let Some(me) = me.filter(|_| server.changes.tracker.any_tracking()) {
                    server.changes.tracker.begin_command(me);
                }
                run(server, client, handler, &info, args, out, now);
            }
        }
        Err(()) => {
            if let Some(q) = client.multi.as_mut() {
                q.flag();
            }
        }
    }
    if client.multi.is_some() {
        // Inside MULTI after this command: the CACHING bit covers the whole transaction.
        end = CommandEnd::Queued;
    }
    server.stats.error_replies += out.errors - errors;
    server.cmdstats.take_errors(out, &server.log);
    finish_reply(client, out, mark);
    if let Some(me) = me {
        // After the reply: the client's own invalidations, even under CLIENT REPLY OFF.
        server.changes.tracker.end_command(me, end);
        tracking::deliver(server, client);
    }
    take_pushes(client, out);
}

/// Valkey's maxmemory step of `processCommand`: evicts if a limit is set, hands what that
/// invalidated to the tracking clients (this one's pushes go out before its reply), and says
/// whether the command is refused for lack of memory.
fn out_of_memory(
    server: &mut Server,
    client: &mut Client,
    info: &CommandInfo,
    out: &mut Reply,
    now: Millis,
) -> bool {
    crate::notify::arm(server);
    let refused = crate::evict::refuses(server, client, info, now);
    // The `evicted` notifications: published now, before the command runs (or is refused).
    crate::notify::publish(server, Some(&mut *client));
    if server.changes.tracker.has_deliveries() {
        tracking::deliver(server, client);
    }
    take_pushes(client, out);
    refused
}

/// A command refused before it runs; inside MULTI it dooms the transaction (Valkey's
/// `rejectCommand` and `flagTransaction`).
fn reject(
    server: &mut Server,
    client: &mut Client,
    name: &'static str,
    out: &mut Reply,
    text: &str,
) {
    server.cmdstats.rejected(name);
    if let Some(q) = client.multi.as_mut() {
        q.flag();
    }
    out.error_text(text);
}

/// Whether a command sent inside MULTI is queued rather than run.
fn queues(name: &str) -> bool {
    !matches!(
        name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

/// Runs a resolved command's handler with its bookkeeping: the writer for NOLOOP, the flush
/// signal, WATCH's view of database-wide changes, reads recorded for tracking, counters.
fn run(
    server: &mut Server,
    client: &mut Client,
    handler: Handler,
    info: &CommandInfo,
    args: &[&[u8]],
    out: &mut Reply,
    now: Millis,
) {
    let me = ClientId::new(client.id);
    let errors = out.errors;
    client.argv_mem = args.iter().map(|a| a.len()).sum();
    server.changes.writer = me;
    server.changes.flushed = false;
    let before = (server.changes.watches.any()
        && matches!(info.full_name, "flushall" | "flushdb" | "swapdb"))
    .then(|| server.changes.watches.snapshot(&mut server.keyspace, now));
    crate::notify::arm(server);
    let started = crate::commandstats::begin(server, out);
    match handler {
        Handler::Data(h) => {
            let mut cx = Ctx {
                keyspace: &mut server.keyspace,
                db: client.db,
                now,
                events: &mut server.changes,
            };
            // keyspace_hits/misses count the key lookups of read commands.
            cx.keyspace
                .count_lookups(info.flags.contains(Flags::READONLY));
            h(&mut cx, args, out);
            cx.keyspace.count_lookups(false);
        }
        Handler::Server(h) => h(
            &mut Exec {
                server: &mut *server,
                client: &mut *client,
                now,
            },
            args,
            out,
        ),
    }
    server.changes.writer = None;
    crate::notify::publish(server, Some(&mut *client));
    if server.changes.watches.has_db_events() {
        server
            .changes
            .watches
            .resolve_db_events(&before.unwrap_or_default());
    }
    // Valkey signals a flush even of an empty database (the keyspace reports only
    // flushes that removed keys): every tracking client hears it once.
    if matches!(info.full_name, "flushall" | "flushdb")
        && out.errors == errors
        && !core::mem::replace(&mut server.changes.flushed, true)
    {
        drop(server.changes.tracker.flush());
    }
    if let Some(me) = me {
        record_reads(server, me, info, args);
    }
    crate::commandstats::end(server, client, info, args, started, out);
    crate::monitor::feed(server, client, info, args);
    client.argv_mem = 0;
    server.stats.commands_processed += 1;
    client.commands += 1;
}

/// Runs one command queued by MULTI, inside EXEC: its reply (or its lookup error) joins the
/// EXEC array.
pub(crate) fn run_queued(
    server: &mut Server,
    client: &mut Client,
    args: &[&[u8]],
    out: &mut Reply,
    now: Millis,
) {
    match server.table.resolve(args) {
        Ok(cmd) => {
            let (handler, info) = (cmd.handler, cmd.info);
            if let Some(handler) = handler {
                run(server, client, handler, &info, args, out, now);
            }
        }
        Err(e) => out.error(&e),
    }
}

/// Moves the client's queued pushes into its output buffer.
pub(crate) fn take_pushes(client: &mut Client, out: &mut Reply) {
    if !client.pushes.is_empty() {
        out.buf.append(&mut client.pushes);
    }
}

/// Records the keys of a READONLY command for a tracking client (§2.3): every key position
/// of the command table, missing keys included; Pub/Sub commands never.
fn record_reads(server: &mut Server, me: ClientId, info: &CommandInfo, args: &[&[u8]]) {
    if !info.flags.contains(Flags::READONLY)
        || info.flags.contains(Flags::PUBSUB)
        || !server.changes.tracker.is_tracking(me)
    {
        return;
    }
    let keys = info.keys(args);
    server
        .changes
        .tracker
        .record_reads(me, keys.iter().filter_map(|&i| args.get(i).copied()));
}

/// The commands a RESP2 client may send while subscribed.
fn allowed_when_subscribed(name: &str) -> bool {
    matches!(
        name,
        "subscribe"
            | "ssubscribe"
            | "unsubscribe"
            | "sunsubscribe"
            | "psubscribe"
            | "punsubscribe"
            | "ping"
            | "quit"
            | "reset"
    )
}

/// Whether `args` must wait for CLIENT PAUSE to end before running: only once lookup, arity,
/// authentication and the subscribed-mode check would let it run (their errors are answered
/// at once, as Valkey does). CLIENT UNPAUSE never waits.
pub(crate) fn must_wait(server: &Server, client: &Client, args: &[&[u8]], now: Millis) -> bool {
    if !server.pause.is_set() {
        return false;
    }
    let Ok(cmd) = server.table.resolve(args) else {
        return false;
    };
    let info = &cmd.info;
    if server.auth_required(client) && !info.flags.contains(Flags::NO_AUTH) {
        return false;
    }
    if client.subscribed() && !client.resp3() && !allowed_when_subscribed(info.full_name) {
        return false;
    }
    let unpause = info.full_name == "client|unpause";
    // EXEC waits when its transaction holds a write (Valkey's `is_write_command`).
    let flags = match &client.multi {
        Some(q) if info.full_name == "exec" => {
            if server.changes.watches.is_dirty(client.id) {
                Flags::NONE
            } else {
                q.flags
            }
        }
        _ => info.flags,
    };
    server.pause.holds(now, flags, unpause)
}

/// Applies CLIENT REPLY OFF/SKIP to what the command wrote, then moves SKIP on to the next
/// command (Valkey's `resetClient`).
pub(crate) fn finish_reply(client: &mut Client, out: &mut Reply, mark: usize) {
    if client.reply_off || client.reply_skip {
        out.buf.truncate(mark);
    }
    client.reply_skip = core::mem::take(&mut client.reply_skip_next);
}

/// Runs keyspace data command `args` in `db` for the server itself (DEBUG, the upgrade's
/// dump, the module API), its reply to `out`: no client, no tracking record, no stats; its
/// change events go where every change goes. `false` if `args` is not a data command.
pub(crate) fn call_data(
    server: &mut Server,
    db: usize,
    now: Millis,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> bool {
    let Ok(cmd) = server.table.resolve(args) else {
        return false;
    };
    let Some(Handler::Data(h)) = cmd.handler else {
        return false;
    };
    let mut cx = Ctx {
        keyspace: &mut server.keyspace,
        db,
        now,
        events: &mut server.changes,
    };
    h(&mut cx, args, out);
    true
}
