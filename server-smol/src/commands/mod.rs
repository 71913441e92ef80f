//! The server's own commands, one file per family, described with Valkey 8's arity, flags and
//! ACL categories (`src/commands/*.json`, implicit categories included).

mod blocking;
mod client;
mod client_pause;
mod client_tracking;
mod command;
mod config;
mod connection;
mod debug;
mod info;
mod info_cpu;
mod info_persistence;
mod memory;
mod module;
mod monitor;
pub(crate) mod multi;
mod protected;
mod pubsub;
mod pubsub_info;
mod shutdown;
mod slowlog;

use keyspace::Command;
use keyspace::command::{AclCategories as A, CommandInfo, Flags as F};

pub(crate) use debug::Knobs;

use crate::dispatch::{Handler, ServerHandler};

/// A command without keys.
const fn info(
    name: &'static str,
    full_name: &'static str,
    arity: i32,
    flags: F,
    acl: A,
) -> CommandInfo {
    CommandInfo {
        name,
        full_name,
        arity,
        flags,
        acl,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[],
    }
}

fn cmd(info: CommandInfo, h: ServerHandler) -> Command<Handler> {
    Command {
        info,
        handler: Some(Handler::Server(h)),
        subcommands: Vec::new(),
    }
}

fn container(
    info: CommandInfo,
    handler: Option<ServerHandler>,
    subs: Vec<Command<Handler>>,
) -> Command<Handler> {
    Command {
        info,
        handler: handler.map(Handler::Server),
        subcommands: subs,
    }
}

const fn flags(list: &[F]) -> F {
    let mut out = F::NONE;
    let mut i = 0;
    while i < list.len() {
        out = out.union(list[i]);
        i += 1;
    }
    out
}

const fn acl(list: &[A]) -> A {
    let mut out = A::NONE;
    let mut i = 0;
    while i < list.len() {
        out = out.union(list[i]);
        i += 1;
    }
    out
}

/// A HELP reply: the lines as simple strings.
fn reply_help(out: &mut crate::reply::Reply, lines: &[&str]) {
    use keyspace::ReplySink;
    out.array(lines.len());
    for line in lines {
        out.simple(line);
    }
}

/// The server's subcommands of a data command's container (MEMORY STATS and the like).
pub(crate) fn server_subcommands(container: &str) -> Vec<Command<Handler>> {
    match container {
        "memory" => memory::subcommands(),
        _ => Vec::new(),
    }
}

/// Every server command with its handler.
pub(crate) fn server_commands() -> Vec<Command<Handler>> {
    let mut all = connection::commands();
    all.push(client::command());
    all.push(config::command());
    all.push(command::command());
    all.push(info::command());
    all.extend(pubsub::commands());
    all.push(pubsub_info::command());
    all.push(module::command());
    all.push(monitor::command());
    all.extend(multi::commands());
    all.extend(blocking::commands());
    all.push(shutdown::command());
    all.push(slowlog::command());
    all.push(debug::command());
    all
}
