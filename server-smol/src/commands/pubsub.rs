//! SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE / PUBLISH and their shard forms
//! SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH with Valkey 8's replies: each (un)subscription is
//! answered by a push (`>3` in RESP3, `*3` in RESP2) carrying the count of the client's remaining
//! subscriptions of that family (channels and patterns together; shard channels alone). The
//! RESP2 subscribed-mode restriction is in `dispatch`; PUBSUB introspection in `pubsub_info`.

use keyspace::command::{
    AclCategories as A, BeginSearch, CommandInfo, FindKeys, Flags as F, KeySpec, KeySpecFlags,
};
use keyspace::{Command, ReplySink};

use super::{acl, cmd, flags, info};
use crate::client::Client;
use crate::dispatch::{Exec, Handler};
use crate::pubsub::PubSub;
use crate::reply::Reply;

pub(super) fn commands() -> Vec<Command<Handler>> {
    let sub_flags = flags(&[F::PUBSUB, F::NOSCRIPT, F::LOADING, F::STALE]);
    let sub_acl = acl(&[A::PUBSUB, A::SLOW]);
    vec![
        cmd(
            info("subscribe", "subscribe", -2, sub_flags, sub_acl),
            subscribe,
        ),
        cmd(
            info("unsubscribe", "unsubscribe", -1, sub_flags, sub_acl),
            unsubscribe,
        ),
        cmd(
            info("psubscribe", "psubscribe", -2, sub_flags, sub_acl),
            psubscribe,
        ),
        cmd(
            info("punsubscribe", "punsubscribe", -1, sub_flags, sub_acl),
            punsubscribe,
        ),
        cmd(
            info(
                "publish",
                "publish",
                3,
                flags(&[F::PUBSUB, F::LOADING, F::STALE, F::FAST, F::MAY_REPLICATE]),
                acl(&[A::PUBSUB, A::FAST]),
            ),
            publish,
        ),
        cmd(
            channels_as_keys(
                info("ssubscribe", "ssubscribe", -2, sub_flags, sub_acl),
                -1,
                ALL_CHANNELS,
            ),
            ssubscribe,
        ),
        cmd(
            channels_as_keys(
                info("sunsubscribe", "sunsubscribe", -1, sub_flags, sub_acl),
                -1,
                ALL_CHANNELS,
            ),
            sunsubscribe,
        ),
        cmd(
            channels_as_keys(
                info(
                    "spublish",
                    "spublish",
                    3,
                    flags(&[F::PUBSUB, F::LOADING, F::STALE, F::FAST, F::MAY_REPLICATE]),
                    acl(&[A::PUBSUB, A::FAST]),
                ),
                1,
                ONE_CHANNEL,
            ),
            spublish,
        ),
    ]
}

/// The shard channels of SSUBSCRIBE / SUNSUBSCRIBE: every argument (Valkey's `NOT_KEY` key
/// spec, so COMMAND GETKEYS and tracking skip them).
const ALL_CHANNELS: &[KeySpec] = &[channels_spec(-1)];
/// SPUBLISH's shard channel: the first argument.
const ONE_CHANNEL: &[KeySpec] = &[channels_spec(0)];

const fn channels_spec(last_key: i32) -> KeySpec {
    KeySpec {
        flags: KeySpecFlags::NOT_KEY,
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            last_key,
            step: 1,
            limit: 0,
        },
    }
}

/// The shard commands name their channels where keys go, from the first argument on (legacy
/// range and key spec, as Valkey describes them).
const fn channels_as_keys(
    info: CommandInfo,
    last_key: i32,
    specs: &'static [KeySpec],
) -> CommandInfo {
    CommandInfo {
        first_key: 1,
        last_key,
        step: 1,
        key_specs: specs,
        ..info
    }
}

/// Channels or patterns: which set of the client and of the server.
#[derive(Clone, Copy)]
enum Kind {
    Channel,
    Pattern,
    Shard,
}

impl Kind {
    fn set(self, c: &mut Client) -> &mut std::collections::BTreeSet<Vec<u8>> {
        match self {
            Self::Channel => &mut c.channels,
            Self::Pattern => &mut c.patterns,
            Self::Shard => &mut c.shard_channels,
        }
    }

    fn add(self, p: &mut PubSub, id: u64, name: &[u8]) {
        match self {
            Self::Channel => p.subscribe(id, name),
            Self::Pattern => p.psubscribe(id, name),
            Self::Shard => p.ssubscribe(id, name),
        }
    }

    fn remove(self, p: &mut PubSub, id: u64, name: &[u8]) {
        match self {
            Self::Channel => p.unsubscribe(id, name),
            Self::Pattern => p.punsubscribe(id, name),
            Self::Shard => p.sunsubscribe(id, name),
        }
    }

    /// The count a confirmation carries: channels and patterns, or shard channels.
    fn count(self, c: &Client) -> usize {
        match self {
            Self::Channel | Self::Pattern => c.channels.len() + c.patterns.len(),
            Self::Shard => c.shard_channels.len(),
        }
    }
}

/// One confirmation push: `word name count`, or a null name for an empty unsubscribe.
fn confirm(out: &mut Reply, kind: Kind, word: &str, name: Option<&[u8]>, c: &Client) {
    out.push(3);
    out.bulk_str(word);
    match name {
        Some(n) => out.bulk(n),
        None => out.null(),
    }
    out.integer(kind.count(c) as i64);
}

fn add(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply, kind: Kind, word: &str) {
    for name in &args[1..] {
        if kind.set(ex.client).insert(name.to_vec()) {
            kind.add(&mut ex.server.pubsub, ex.client.id, name);
        }
        confirm(out, kind, word, Some(name), ex.client);
    }
}

fn remove(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply, kind: Kind, word: &str) {
    let names: Vec<Vec<u8>> = if args.len() > 1 {
        args[1..].iter().map(|a| a.to_vec()).collect()
    } else {
        kind.set(ex.client).iter().cloned().collect()
    };
    if names.is_empty() {
        return confirm(out, kind, word, None, ex.client);
    }
    for name in &names {
        if kind.set(ex.client).remove(name) {
            kind.remove(&mut ex.server.pubsub, ex.client.id, name);
        }
        confirm(out, kind, word, Some(name), ex.client);
    }
}

fn subscribe(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    add(ex, args, out, Kind::Channel, "subscribe");
}

fn unsubscribe(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    remove(ex, args, out, Kind::Channel, "unsubscribe");
}

fn psubscribe(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    add(ex, args, out, Kind::Pattern, "psubscribe");
}

fn punsubscribe(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    remove(ex, args, out, Kind::Pattern, "punsubscribe");
}

fn ssubscribe(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    // Valkey refuses it where a reply per command is expected (inside EXEC).
    if ex.client.in_exec {
        return out.error_text("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    }
    add(ex, args, out, Kind::Shard, "ssubscribe");
}

fn sunsubscribe(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    remove(ex, args, out, Kind::Shard, "sunsubscribe");
}

/// Leaves every channel, pattern and shard channel (RESET).
pub(crate) fn leave_all(ex: &mut Exec<'_>) {
    ex.server.pubsub.remove_client(ex.client);
    ex.client.channels.clear();
    ex.client.patterns.clear();
    ex.client.shard_channels.clear();
}

/// `PUBLISH channel message`: the number of clients that received it.
fn publish(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let server = &mut *ex.server;
    let n = crate::pubsub::publish(
        &server.pubsub,
        &server.clients,
        &mut server.pending_pushes,
        Some(&mut *ex.client),
        args[1],
        args[2],
    );
    out.integer(n as i64);
}

/// `SPUBLISH shardchannel message`: the number of shard subscribers that received it
/// (patterns never match shard channels).
fn spublish(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let (channel, payload) = (args[1], args[2]);
    let server = &mut *ex.server;
    let receivers = server.pubsub.shard_receivers(channel);
    for &id in &receivers {
        crate::pubsub::push_to(
            &server.clients,
            &mut server.pending_pushes,
            ex.client,
            id,
            |proto, _, buf| crate::pubsub::encode_smessage(proto, channel, payload, buf),
        );
    }
    out.integer(receivers.len() as i64);
}
