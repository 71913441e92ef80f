//! COMMAND, COMMAND COUNT / INFO / LIST / GETKEYS / HELP: all answered from the one table.

use keyspace::command::{
    AclCategories as A, BeginSearch, CommandInfo, FindKeys, Flags as F, KeySpecFlags,
};
use keyspace::{Command, CommandTable, Error, ReplySink};

use super::{acl, cmd, container, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    let f = flags(&[F::LOADING, F::STALE]);
    let a = acl(&[A::CONNECTION, A::SLOW]);
    container(
        info("command", "command", -1, f, a),
        Some(all),
        vec![
            cmd(info("count", "command|count", 2, f, a), count),
            cmd(info("info", "command|info", -2, f, a), command_info),
            cmd(info("list", "command|list", -2, f, a), list),
            cmd(info("getkeys", "command|getkeys", -3, f, a), getkeys),
            cmd(info("docs", "command|docs", -2, f, a), docs),
            cmd(info("help", "command|help", 2, f, a), help),
        ],
    )
}

/// The command `name` names: `get`, or `client|id` for a subcommand (case-insensitive).
fn lookup<'t>(table: &'t CommandTable<Handler>, name: &[u8]) -> Option<&'t Command<Handler>> {
    let mut parts = name.splitn(2, |&b| b == b'|');
    let top = table.get(parts.next()?)?;
    match parts.next() {
        None => Some(top),
        Some(sub) => top.subcommand(sub),
    }
}

fn reply_info(out: &mut Reply, cmd: &Command<Handler>) {
    let i: &CommandInfo = &cmd.info;
    out.array(10);
    out.bulk_str(i.full_name);
    out.integer(i64::from(i.arity));
    let names: Vec<&str> = i.flags.names().collect();
    out.set(names.len());
    for n in names {
        out.simple(n);
    }
    out.integer(i64::from(i.first_key));
    out.integer(i64::from(i.last_key));
    out.integer(i64::from(i.step));
    let cats: Vec<&str> = i.acl.names().collect();
    out.set(cats.len());
    for c in cats {
        out.simple(&format!("@{c}"));
    }
    out.set(0); // tips: the table carries none
    out.array(i.key_specs.len());
    for spec in i.key_specs {
        out.map(3);
        out.bulk(b"flags");
        let names: Vec<&str> = spec.flags.names().collect();
        out.set(names.len());
        for n in names {
            out.simple(n);
        }
        out.bulk(b"begin_search");
        out.map(2);
        match spec.begin {
            BeginSearch::Index(pos) => {
                out.bulk(b"type");
                out.bulk(b"index");
                out.bulk(b"spec");
                out.map(1);
                out.bulk(b"index");
                out.integer(i64::from(pos));
            }
            BeginSearch::Keyword {
                keyword,
                start_from,
            } => {
                out.bulk(b"type");
                out.bulk(b"keyword");
                out.bulk(b"spec");
                out.map(2);
                out.bulk(b"keyword");
                out.bulk_str(keyword);
                out.bulk(b"startfrom");
                out.integer(i64::from(start_from));
            }
        }
        out.bulk(b"find_keys");
        out.map(2);
        match spec.find {
            FindKeys::Range {
                last_key,
                step,
                limit,
            } => {
                out.bulk(b"type");
                out.bulk(b"range");
                out.bulk(b"spec");
                out.map(3);
                out.bulk(b"lastkey");
                out.integer(i64::from(last_key));
                out.bulk(b"keystep");
                out.integer(i64::from(step));
                out.bulk(b"limit");
                out.integer(i64::from(limit));
            }
            FindKeys::KeyNum {
                key_num_idx,
                first_key,
                step,
            } => {
                out.bulk(b"type");
                out.bulk(b"keynum");
                out.bulk(b"spec");
                out.map(3);
                out.bulk(b"keynumidx");
                out.integer(i64::from(key_num_idx));
                out.bulk(b"firstkey");
                out.integer(i64::from(first_key));
                out.bulk(b"keystep");
                out.integer(i64::from(step));
            }
        }
    }
    out.array(cmd.subcommands.len());
    for sub in &cmd.subcommands {
        reply_info(out, sub);
    }
}

fn all(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let table = &ex.server.table;
    out.array(table.len());
    for c in table.iter() {
        reply_info(out, c);
    }
}

fn count(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.integer(ex.server.table.len() as i64);
}

fn command_info(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let table = &ex.server.table;
    if args.len() == 2 {
        return all(ex, args, out);
    }
    out.array(args.len() - 2);
    for name in &args[2..] {
        match lookup(table, name) {
            Some(c) => reply_info(out, c),
            None => out.null(),
        }
    }
}

fn list(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    enum Filter<'a> {
        All,
        Module,
        AclCat(&'a [u8]),
        Pattern(&'a [u8]),
    }
    let filter = match args {
        [_, _] => Filter::All,
        [_, _, by, kind, value] if by.eq_ignore_ascii_case(b"filterby") => {
            if kind.eq_ignore_ascii_case(b"module") {
                Filter::Module
            } else if kind.eq_ignore_ascii_case(b"aclcat") {
                Filter::AclCat(value)
            } else if kind.eq_ignore_ascii_case(b"pattern") {
                Filter::Pattern(value)
            } else {
                return out.error(&Error::Syntax);
            }
        }
        _ => return out.error(&Error::Syntax),
    };
    if let Filter::AclCat(cat) = filter {
        let known = A(u32::MAX)
            .names()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(cat));
        if !known {
            // Valkey answers an unknown category with an empty list.
            return out.array(0);
        }
    }
    let mut names: Vec<&str> = Vec::new();
    let mut visit = |c: &Command<Handler>| {
        let keep = match filter {
            Filter::All => true,
            Filter::Module => c.info.flags.contains(F::MODULE),
            Filter::AclCat(cat) => c
                .info
                .acl
                .names()
                .any(|n| n.as_bytes().eq_ignore_ascii_case(cat)),
            Filter::Pattern(p) => keyspace::glob::matches_nocase(p, c.info.full_name.as_bytes()),
        };
        if keep {
            names.push(c.info.full_name);
        }
    };
    for c in ex.server.table.iter() {
        visit(c);
        for s in &c.subcommands {
            visit(s);
        }
    }
    out.array(names.len());
    for n in names {
        out.bulk_str(n);
    }
}

fn getkeys(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let call = &args[2..];
    let table = &ex.server.table;
    let cmd = table.get(call[0]).map(|c| {
        if c.subcommands.is_empty() || call.len() < 2 {
            Some(c)
        } else {
            c.subcommand(call[1])
        }
    });
    let Some(Some(cmd)) = cmd else {
        return out.error_text("ERR Invalid command specified");
    };
    let i = &cmd.info;
    let has_keys = i
        .key_specs
        .iter()
        .any(|s| !s.flags.contains(KeySpecFlags::NOT_KEY));
    if !has_keys {
        return out.error_text("ERR The command has no key arguments");
    }
    if !i.arity_ok(call.len()) {
        return out.error_text("ERR Invalid number of arguments specified for command");
    }
    let keys = i.keys(call);
    if keys.is_empty() && !i.flags.contains(F::NO_MANDATORY_KEYS) {
        return out.error_text("ERR Invalid arguments specified for command");
    }
    out.array(keys.len());
    for k in keys {
        out.bulk(call[k]);
    }
}

/// The documentation group of a command, as COMMAND DOCS names it. The table carries no
/// summaries or argument docs, so `group` (and `subcommands`) is all DOCS can say; the group
/// follows from what the command is: a string command, a key command, a connection command or
/// a server command.
fn group(c: &Command<Handler>) -> &'static str {
    let top = c.info.full_name.split('|').next().unwrap_or("");
    if matches!(
        top,
        "ping" | "echo" | "select" | "quit" | "reset" | "auth" | "hello" | "client"
    ) {
        "connection"
    } else if matches!(
        top,
        "dbsize"
            | "flushdb"
            | "flushall"
            | "swapdb"
            | "info"
            | "config"
            | "command"
            | "time"
            | "memory"
    ) {
        "server"
    } else if c.info.acl.contains(A::STRING) {
        "string"
    } else if c.info.acl.contains(A::KEYSPACE) {
        "generic"
    } else {
        "server"
    }
}

fn reply_docs(out: &mut Reply, c: &Command<Handler>) {
    out.map(if c.subcommands.is_empty() { 1 } else { 2 });
    out.bulk(b"group");
    out.bulk_str(group(c));
    if !c.subcommands.is_empty() {
        out.bulk(b"subcommands");
        out.map(c.subcommands.len());
        for sub in &c.subcommands {
            out.bulk_str(sub.info.full_name);
            reply_docs(out, sub);
        }
    }
}

fn docs(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let table = &ex.server.table;
    if args.len() == 2 {
        out.map(table.len());
        for c in table.iter() {
            out.bulk_str(c.info.full_name);
            reply_docs(out, c);
        }
        return;
    }
    let found: Vec<&Command<Handler>> = args[2..].iter().filter_map(|n| lookup(table, n)).collect();
    out.map(found.len());
    for c in found {
        out.bulk_str(c.info.full_name);
        reply_docs(out, c);
    }
}

const HELP: &[&str] = &[
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all commands.",
    "COUNT",
    "    Return the total number of commands in this server.",
    "LIST",
    "    Return a list of all commands in this server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full command.",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}
