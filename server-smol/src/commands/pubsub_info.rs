//! PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB / HELP (Valkey's
//! `pubsubCommand`): what is subscribed now. Channel lists come in name order.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, ReplySink};

use super::{acl, cmd, container, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    let f = flags(&[F::PUBSUB, F::LOADING, F::STALE]);
    let a = acl(&[A::PUBSUB, A::SLOW]);
    container(
        info("pubsub", "pubsub", -2, F::NONE, acl(&[A::SLOW])),
        None,
        vec![
            cmd(info("channels", "pubsub|channels", -2, f, a), channels),
            cmd(info("numsub", "pubsub|numsub", -2, f, a), numsub),
            cmd(info("numpat", "pubsub|numpat", 2, f, a), numpat),
            cmd(
                info("shardchannels", "pubsub|shardchannels", -2, f, a),
                shardchannels,
            ),
            cmd(
                info("shardnumsub", "pubsub|shardnumsub", -2, f, a),
                shardnumsub,
            ),
            cmd(
                info(
                    "help",
                    "pubsub|help",
                    2,
                    flags(&[F::LOADING, F::STALE]),
                    acl(&[A::SLOW]),
                ),
                help,
            ),
        ],
    )
}

/// CHANNELS and SHARDCHANNELS: `[pattern]`, at most one.
fn list(ex: &Exec<'_>, args: &[&[u8]], out: &mut Reply, shard: bool) {
    if args.len() > 3 {
        return out.error_text(&format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.",
            String::from_utf8_lossy(args[1])
        ));
    }
    let names = ex.server.pubsub.active(shard, args.get(2).copied());
    out.array(names.len());
    for n in names {
        out.bulk(n);
    }
}

/// NUMSUB and SHARDNUMSUB: a flat array of `channel count` pairs.
fn counts(ex: &Exec<'_>, args: &[&[u8]], out: &mut Reply, shard: bool) {
    out.array((args.len() - 2) * 2);
    for ch in &args[2..] {
        out.bulk(ch);
        out.integer(ex.server.pubsub.subscribers(shard, ch) as i64);
    }
}

fn channels(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    list(ex, args, out, false);
}

fn shardchannels(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    list(ex, args, out, true);
}

fn numsub(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    counts(ex, args, out, false);
}

fn shardnumsub(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    counts(ex, args, out, true);
}

fn numpat(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.integer(ex.server.pubsub.pattern_count() as i64);
}

const HELP: &[&str] = &[
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}
