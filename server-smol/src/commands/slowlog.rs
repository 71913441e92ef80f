//! SLOWLOG GET \[count\] / LEN / RESET / HELP (Valkey's `slowlogCommand`). The log itself and
//! what goes into it are in `slowlog.rs` and `commandstats.rs`.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::num::canonical_i64;
use keyspace::{Command, ReplySink};

use super::{acl, cmd, container, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    let admin = flags(&[F::ADMIN, F::LOADING, F::STALE]);
    let a = acl(&[A::ADMIN, A::SLOW, A::DANGEROUS]);
    container(
        info("slowlog", "slowlog", -2, F::NONE, acl(&[A::SLOW])),
        None,
        vec![
            cmd(info("get", "slowlog|get", -2, admin, a), get),
            cmd(info("len", "slowlog|len", 2, admin, a), len),
            cmd(info("reset", "slowlog|reset", 2, admin, a), reset),
            cmd(
                info(
                    "help",
                    "slowlog|help",
                    2,
                    flags(&[F::LOADING, F::STALE]),
                    acl(&[A::SLOW]),
                ),
                help,
            ),
        ],
    )
}

fn get(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if args.len() > 3 {
        return out.error_text(&format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try SLOWLOG HELP.",
            String::from_utf8_lossy(args[1])
        ));
    }
    let log = &ex.server.slowlog;
    let count = match args.get(2) {
        None => 10,
        Some(a) => match canonical_i64(a) {
            Some(-1) => log.len(),
            Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => return out.error_text("ERR count should be greater than or equal to -1"),
        },
    };
    let count = count.min(log.len());
    out.array(count);
    for e in log.iter().take(count) {
        out.array(6);
        out.integer(e.id as i64);
        out.integer(e.time as i64);
        out.integer(e.micros as i64);
        out.array(e.args.len());
        for a in &e.args {
            out.bulk(a);
        }
        out.bulk_str(&e.addr);
        out.bulk(&e.name);
    }
}

fn len(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.integer(ex.server.slowlog.len() as i64);
}

fn reset(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    ex.server.slowlog.reset();
    out.ok();
}

const HELP: &[&str] = &[
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}
