//! One command table for everything, and running one request through it with Valkey's checks in
//! Valkey's order: lookup and arity (the table's errors), authentication, then the handler.

use keyspace::command::Flags;
use keyspace::{CommandTable, Ctx, Millis, ReplySink};

use crate::client::Client;
use crate::reply::Reply;
use crate::server::Server;

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
    let data = keyspace::data_commands()
        .into_iter()
        .map(|c| c.map_handler(&Handler::Data));
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
    let mark = out.buf.len();
    let errors = out.errors;
    let resolved = match server.table.resolve(args) {
        Ok(cmd) => Ok((cmd.handler, cmd.info)),
        Err(e) => {
            out.error(&e);
            Err(())
        }
    };
    if let Ok((handler, info)) = resolved {
        client.last_cmd = Some(info.full_name);
        if server.auth_required(client) && !info.flags.contains(Flags::NO_AUTH) {
            out.error_text("NOAUTH Authentication required.");
        } else if let Some(handler) = handler {
            client.argv_mem = args.iter().map(|a| a.len()).sum();
            match handler {
                Handler::Data(h) => {
                    let mut cx = Ctx {
                        keyspace: &mut server.keyspace,
                        db: client.db,
                        now,
                        events: &mut server.changes,
                    };
                    h(&mut cx, args, out);
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
            client.argv_mem = 0;
            server.stats.commands_processed += 1;
            client.commands += 1;
        }
    }
    server.stats.error_replies += out.errors - errors;
    finish_reply(client, out, mark);
}

/// Applies CLIENT REPLY OFF/SKIP to what the command wrote, then moves SKIP on to the next
/// command (Valkey's `resetClient`).
pub(crate) fn finish_reply(client: &mut Client, out: &mut Reply, mark: usize) {
    if client.reply_off || client.reply_skip {
        out.buf.truncate(mark);
    }
    client.reply_skip = core::mem::take(&mut client.reply_skip_next);
}
