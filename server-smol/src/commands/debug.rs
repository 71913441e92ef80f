//! DEBUG: the subcommands clients and test suites use (SLEEP, SET-ACTIVE-EXPIRE, OBJECT,
//! POPULATE, PROTOCOL, ERROR, LOG, PAUSE-CRON), gated by `enable-debug-command` as Valkey
//! gates PROTECTED commands. Subcommands about structures or features this server does not
//! have (RDB, AOF, quicklist nodes, replication, crashes) answer that they are not supported.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, Item, Recorded, ReplySink};

use super::protected::refused;
use super::{acl, cmd, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    cmd(
        info(
            "debug",
            "debug",
            -2,
            flags(&[F::ADMIN, F::NOSCRIPT, F::LOADING, F::STALE]),
            acl(&[A::ADMIN, A::SLOW, A::DANGEROUS]),
        ),
        debug,
    )
}

/// What DEBUG changes in the server's behaviour.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Knobs {
    /// `DEBUG SET-ACTIVE-EXPIRE 0`: the timer expires nothing (lazy expiry still works).
    pub(crate) active_expire_off: bool,
    /// `DEBUG PAUSE-CRON 1`: the timer does nothing.
    pub(crate) cron_paused: bool,
}

const HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ERROR <string>",
    "    Return a RESP protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate error replies.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "OBJECT <key> [fast]",
    "    Show low level info about `key` and associated value.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the behavior). Setting it to 1 reenables back the",
    "    default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "HELP",
    "    Print this help.",
];

/// Valkey subcommands that need what this server does not have.
const UNSUPPORTED: &[&str] = &[
    "aof-flush-sleep",
    "assert",
    "change-repl-id",
    "client-eviction",
    "config-rewrite-force-all",
    "crash-and-recover",
    "delay-rdb-client-free-seconds",
    "dict-resizing",
    "digest",
    "digest-value",
    "htstats",
    "htstats-key",
    "jmap",
    "leak",
    "listpack",
    "loadaof",
    "mallctl",
    "mallctl-str",
    "oom",
    "panic",
    "pause-after-fork",
    "quicklist",
    "quicklist-packed-threshold",
    "reload",
    "replicate",
    "replybuffer",
    "restart",
    "sdslen",
    "segfault",
    "set-disable-deny-scripts",
    "set-skip-checksum-validation",
    "stringmatch-test",
    "structsize",
];

/// C's `atoi`: leading blanks, a sign, then digits as far as they go; 0 otherwise.
fn atoi(s: &[u8]) -> i64 {
    let t = core::str::from_utf8(s).unwrap_or("").trim_start();
    let end = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(t.len(), |(i, _)| i);
    t[..end].parse().unwrap_or(0)
}

/// `strtod` without an end pointer: the longest prefix that reads as a number; 0 otherwise.
fn strtod(s: &[u8]) -> f64 {
    let t = core::str::from_utf8(s).unwrap_or("").trim_start();
    (1..=t.len())
        .rev()
        .filter(|&n| t.is_char_boundary(n))
        .find_map(|n| t[..n].parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn debug(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let gate = ex.server.settings.enable_debug_command;
    if refused(ex, gate, ("DEBUG", "enable-debug-command"), out) {
        return;
    }
    let sub = String::from_utf8_lossy(args[1]).to_ascii_lowercase();
    match (sub.as_str(), args.len()) {
        ("help", 2) => super::reply_help(out, HELP),
        ("sleep", 3) => {
            let secs = strtod(args[2]);
            if secs > 0.0 && secs.is_finite() {
                // As Valkey: the whole server stops.
                std::thread::sleep(core::time::Duration::from_secs_f64(secs));
            }
            out.ok();
        }
        ("set-active-expire", 3) => {
            ex.server.debug.active_expire_off = atoi(args[2]) == 0;
            out.ok();
        }
        ("pause-cron", 3) => {
            ex.server.debug.cron_paused = atoi(args[2]) != 0;
            out.ok();
        }
        ("log", 3) => {
            ex.server
                .log
                .warning(&format!("DEBUG LOG: {}", String::from_utf8_lossy(args[2])));
            out.ok();
        }
        ("error", 3) => out.error_bytes(args[2]),
        ("object", 3 | 4) => object(ex, args[2], out),
        ("populate", 3..=5) => populate(ex, args, out),
        ("protocol", 3) => protocol(args[2], out),
        (name, _) if UNSUPPORTED.contains(&name) => out.error_text(&format!(
            "ERR DEBUG {} is not supported by this server",
            name.to_ascii_uppercase()
        )),
        _ => out.error_text(&format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(&args[1][..args[1].len().min(128)])
        )),
    }
}

/// Runs a keyspace command in the client's database for its reply.
fn data(ex: &mut Exec<'_>, args: &[&[u8]]) -> Recorded {
    let mut reply = Recorded::new();
    crate::dispatch::call_data(ex.server, ex.client.db, ex.now, args, &mut reply);
    reply
}

/// `DEBUG OBJECT key`: Valkey's line in its `fast` form (no RDB, so no `serializedlength`).
fn object(ex: &mut Exec<'_>, key: &[u8], out: &mut Reply) {
    let Some(addr) = ex.server.keyspace.address(ex.client.db, key) else {
        return out.error_text("ERR no such key");
    };
    let first = |r: Recorded| r.into_iter().next();
    let encoding = match first(data(ex, &[b"OBJECT", b"ENCODING", key])) {
        Some(Item::Bulk(e)) => String::from_utf8_lossy(&e).into_owned(),
        // Logically expired: DEBUG OBJECT still sees it, OBJECT does not.
        _ => return out.error_text("ERR no such key"),
    };
    let refcount = match first(data(ex, &[b"OBJECT", b"REFCOUNT", key])) {
        Some(Item::Integer(n)) => n,
        _ => 1,
    };
    let mut line = format!("Value at:{addr:#x} refcount:{refcount} encoding:{encoding}");
    match first(data(ex, &[b"OBJECT", b"IDLETIME", key])) {
        Some(Item::Integer(idle)) => {
            // The 24-bit LRU clock (seconds) of the last access, as Valkey keeps it.
            let lru = (ex.now.0 / 1000).saturating_sub(idle.unsigned_abs()) & 0xFF_FFFF;
            line.push_str(&format!(" lru:{lru} lru_seconds_idle:{idle}"));
        }
        // An LFU policy keeps a frequency instead.
        _ => {
            if let Some(Item::Integer(freq)) = first(data(ex, &[b"OBJECT", b"FREQ", key])) {
                line.push_str(&format!(" lfu_freq:{freq}"));
            }
        }
    }
    out.simple(&line);
}

/// A positive integer argument as `getPositiveLongFromObjectOrReply` reads it.
fn positive(arg: &[u8], out: &mut Reply) -> Option<u64> {
    match keyspace::num::canonical_i64(arg) {
        None => {
            out.error_text("ERR value is not an integer or out of range");
            None
        }
        Some(n) if n < 0 => {
            out.error_text("ERR value is out of range, must be positive");
            None
        }
        Some(n) => Some(n.unsigned_abs()),
    }
}

/// `DEBUG POPULATE count [prefix] [size]`: `prefix:N` = `value:N` (padded with zero bytes or
/// cut to `size`), skipping keys that exist.
fn populate(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let Some(count) = positive(args[2], out) else {
        return;
    };
    let size = match args.get(4) {
        Some(s) => match positive(s, out) {
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => return,
        },
        None => 0,
    };
    let prefix = args.get(3).copied().unwrap_or(b"key");
    let mut key = Vec::new();
    let mut value = Vec::new();
    for j in 0..count {
        key.clear();
        key.extend_from_slice(prefix);
        key.extend_from_slice(format!(":{j}").as_bytes());
        value.clear();
        value.extend_from_slice(format!("value:{j}").as_bytes());
        if size > 0 {
            value.resize(size, 0);
        }
        data(ex, &[b"SET", &key, &value, b"NX"]);
    }
    out.ok();
}

/// `DEBUG PROTOCOL double`'s value, Valkey's (not meant as pi).
#[expect(
    clippy::approx_constant,
    reason = "Valkey's test value is 3.141, not pi"
)]
const TEST_DOUBLE: f64 = 3.141;

/// `DEBUG PROTOCOL type`: one test value of each RESP type, as Valkey sends them.
fn protocol(kind: &[u8], out: &mut Reply) {
    let kind = String::from_utf8_lossy(kind).to_ascii_lowercase();
    match kind.as_str() {
        "string" => out.bulk(b"Hello World"),
        "integer" => out.integer(12345),
        "double" => out.double(TEST_DOUBLE),
        "bignum" => out.big_number(b"1234567999999999999999999999999999999"),
        "null" => out.null(),
        "array" | "set" => {
            if kind == "set" {
                out.set(3);
            } else {
                out.array(3);
            }
            for j in 0..3 {
                out.integer(j);
            }
        }
        "map" => {
            out.map(3);
            for j in 0..3 {
                out.integer(j);
                out.boolean(j == 1);
            }
        }
        "attrib" => {
            if out.resp3() {
                out.buf.extend_from_slice(b"|1\r\n");
                out.bulk(b"key-popularity");
                out.array(2);
                out.bulk(b"key:123");
                out.integer(90);
            }
            out.bulk(b"Some real reply following the attribute");
        }
        "push" => {
            if !out.resp3() {
                return out.error_text("ERR RESP2 is not supported by this command");
            }
            out.push(2);
            out.bulk(b"server-cpu-usage");
            out.integer(42);
            out.bulk(b"Some real reply following the push reply");
        }
        "true" => out.boolean(true),
        "false" => out.boolean(false),
        "verbatim" => out.verbatim(b"txt", b"This is a verbatim\nstring"),
        _ => out.error_text(
            "ERR Wrong protocol type name. Please use one of the following: \
             string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_and_strtod_read_prefixes_as_c_does() {
        assert_eq!(atoi(b"0"), 0);
        assert_eq!(atoi(b" 12abc"), 12);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(atoi(b"yes"), 0);
        assert!((strtod(b"0.25") - 0.25).abs() < f64::EPSILON);
        assert!((strtod(b"1.5s") - 1.5).abs() < f64::EPSILON);
        assert!(strtod(b"abc").abs() < f64::EPSILON);
    }
}
