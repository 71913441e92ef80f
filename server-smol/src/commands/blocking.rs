//! BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP (Valkey 8's `t_list.c`
//! and `t_zset.c`): arguments and timeout are checked in Valkey's order, a key holding data
//! serves at once through the non-blocking command, and otherwise the client blocks
//! ([`crate::blocking`]). Inside EXEC they answer as if the timeout had passed.

use keyspace::command::{
    AclCategories as A, BeginSearch, CommandInfo, FindKeys, Flags as F, KeySpec, KeySpecFlags,
};
use keyspace::{Command, Ctx, Error, Kind, Millis, ReplySink, Value};

use super::{acl, cmd, flags, info};
use crate::blocking::{self, Blocked};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

const POP_SPEC: KeySpecFlags = KeySpecFlags::RW
    .union(KeySpecFlags::ACCESS)
    .union(KeySpecFlags::DELETE);

/// BLPOP-style keys: every argument but the timeout.
const POP_KEYS: &[KeySpec] = &[KeySpec {
    flags: POP_SPEC,
    begin: BeginSearch::Index(1),
    find: FindKeys::Range {
        last_key: -2,
        step: 1,
        limit: 0,
    },
}];

/// BLMOVE / BRPOPLPUSH: the source, then the destination.
const MOVE_KEYS: &[KeySpec] = &[
    KeySpec {
        flags: POP_SPEC,
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            last_key: 0,
            step: 1,
            limit: 0,
        },
    },
    KeySpec {
        flags: KeySpecFlags::RW.union(KeySpecFlags::INSERT),
        begin: BeginSearch::Index(2),
        find: FindKeys::Range {
            last_key: 0,
            step: 1,
            limit: 0,
        },
    },
];

/// BLMPOP / BZMPOP: `numkeys` at 2, the keys after it.
const MPOP_KEYS: &[KeySpec] = &[KeySpec {
    flags: POP_SPEC,
    begin: BeginSearch::Index(2),
    find: FindKeys::KeyNum {
        key_num_idx: 0,
        first_key: 1,
        step: 1,
    },
}];

pub(super) fn commands() -> Vec<Command<Handler>> {
    let list_acl = acl(&[A::WRITE, A::LIST, A::SLOW, A::BLOCKING]);
    let zset_acl = acl(&[A::WRITE, A::SORTEDSET, A::SLOW, A::BLOCKING]);
    let zpop_acl = acl(&[A::WRITE, A::SORTEDSET, A::FAST, A::BLOCKING]);
    let pop = flags(&[F::WRITE, F::BLOCKING]);
    let zpop = flags(&[F::WRITE, F::FAST, F::BLOCKING]);
    let mov = flags(&[F::WRITE, F::DENYOOM, F::BLOCKING]);
    let mpop = flags(&[F::WRITE, F::BLOCKING, F::MOVABLE_KEYS]);
    let keyed =
        |i: CommandInfo, (first, last): (i32, i32), specs: &'static [KeySpec]| CommandInfo {
            first_key: first,
            last_key: last,
            step: i32::from(first != 0),
            key_specs: specs,
            ..i
        };
    vec![
        cmd(
            keyed(info("blpop", "blpop", -3, pop, list_acl), (1, -2), POP_KEYS),
            blpop,
        ),
        cmd(
            keyed(info("brpop", "brpop", -3, pop, list_acl), (1, -2), POP_KEYS),
            brpop,
        ),
        cmd(
            keyed(
                info("blmove", "blmove", 6, mov, list_acl),
                (1, 2),
                MOVE_KEYS,
            ),
            blmove,
        ),
        cmd(
            keyed(
                info("brpoplpush", "brpoplpush", 4, mov, list_acl),
                (1, 2),
                MOVE_KEYS,
            ),
            brpoplpush,
        ),
        cmd(
            keyed(
                info("blmpop", "blmpop", -5, mpop, list_acl),
                (0, 0),
                MPOP_KEYS,
            ),
            blmpop,
        ),
        cmd(
            keyed(
                info("bzpopmin", "bzpopmin", -3, zpop, zpop_acl),
                (1, -2),
                POP_KEYS,
            ),
            bzpopmin,
        ),
        cmd(
            keyed(
                info("bzpopmax", "bzpopmax", -3, zpop, zpop_acl),
                (1, -2),
                POP_KEYS,
            ),
            bzpopmax,
        ),
        cmd(
            keyed(
                info("bzmpop", "bzmpop", -5, mpop, zset_acl),
                (0, 0),
                MPOP_KEYS,
            ),
            bzmpop,
        ),
    ]
}

/// A timeout in seconds (Valkey's `getTimeoutFromObjectOrReply`, `UNIT_SECONDS`): `None` waits
/// forever, otherwise the unix-milliseconds deadline.
pub(crate) fn deadline(arg: &[u8], now: Millis) -> Result<Option<u64>, &'static str> {
    let secs = core::str::from_utf8(arg)
        .ok()
        .and_then(|s| s.parse::<f64>().ok().or_else(|| hex_float(s)))
        .filter(|v| !v.is_nan())
        .ok_or("ERR timeout is not a float or out of range")?;
    let ms = secs * 1000.0;
    #[expect(clippy::cast_precision_loss, reason = "the bound Valkey compares with")]
    if ms > i64::MAX as f64 {
        return Err("ERR timeout is out of range");
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "in range: checked above; ceil as Valkey's ceill"
    )]
    let ms = ms.ceil() as i64;
    if ms < 0 {
        return Err("ERR timeout is negative");
    }
    if ms == 0 {
        return Ok(None);
    }
    let now = i64::try_from(now.0).unwrap_or(i64::MAX);
    if ms > i64::MAX - now {
        return Err("ERR timeout is out of range");
    }
    Ok(Some(u64::try_from(ms + now).unwrap_or(u64::MAX)))
}

/// The hexadecimal form `strtold` also reads (`0x1F`, `-0x1.8`), without an exponent.
fn hex_float(s: &str) -> Option<f64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))?;
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value = 0.0_f64;
    for c in int.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(if negative { -value } else { value })
}

/// What `key` holds: `None` if missing, `Some(None)` for a string.
fn kind_of(ex: &mut Exec<'_>, key: &[u8]) -> Option<Option<Kind>> {
    let server = &mut *ex.server;
    let value = server
        .keyspace
        .get(ex.client.db, key, ex.now, &mut server.changes)?;
    Some(match value {
        Value::Collection(k) => Some(k),
        _ => None,
    })
}

/// Runs the non-blocking data command `args` into `out`.
fn run_data(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let handler = ex.server.table.get(args[0]).and_then(|c| c.handler);
    if let Some(Handler::Data(h)) = handler {
        let server = &mut *ex.server;
        h(
            &mut Ctx {
                keyspace: &mut server.keyspace,
                db: ex.client.db,
                now: ex.now,
                events: &mut server.changes,
            },
            args,
            out,
        );
    }
}

/// Nothing to serve: inside EXEC the timeout reply (a null bulk string for BLMOVE and
/// BRPOPLPUSH, the null array otherwise), else the client blocks.
fn wait(
    ex: &mut Exec<'_>,
    args: &[&[u8]],
    out: &mut Reply,
    keys: &[&[u8]],
    kind: Kind,
    deadline: Option<u64>,
    null_bulk: bool,
) {
    // EXEC runs its commands without recording them as the last command.
    if ex.client.last_cmd == Some("exec") {
        if null_bulk {
            out.null();
        } else {
            out.null_array();
        }
        return;
    }
    let blocked = Blocked {
        db: ex.client.db,
        keys: keys.iter().map(|k| k.to_vec()).collect(),
        args: args.iter().map(|a| a.to_vec()).collect(),
        kind,
        deadline,
    };
    blocking::block(ex.server, ex.client, blocked);
}

/// BLPOP / BRPOP / BZPOPMIN / BZPOPMAX: the first key that exists decides (a wrong type is an
/// error); its element comes with the key's name in front.
fn pop(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply, kind: Kind, nonblocking: &[u8]) {
    let deadline = match deadline(args[args.len() - 1], ex.now) {
        Ok(d) => d,
        Err(e) => return out.error_text(e),
    };
    let keys = &args[1..args.len() - 1];
    for &key in keys {
        match kind_of(ex, key) {
            None => {}
            Some(k) if k != Some(kind) => return out.error(&Error::WrongType),
            Some(_) => {
                let mut scratch = Reply::new();
                scratch.set_protocol(ex.client.resp);
                run_data(ex, &[nonblocking, key], &mut scratch);
                let body = if kind == Kind::List {
                    out.array(2);
                    &scratch.buf[..]
                } else {
                    // ZPOPMIN's [member, score]: its header goes, the key joins in front.
                    out.array(3);
                    let line = scratch
                        .buf
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(0, |i| i + 1);
                    &scratch.buf[line..]
                };
                out.bulk(key);
                out.buf.extend_from_slice(body);
                return;
            }
        }
    }
    wait(ex, args, out, keys, kind, deadline, false);
}

fn blpop(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    pop(ex, args, out, Kind::List, b"lpop");
}

fn brpop(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    pop(ex, args, out, Kind::List, b"rpop");
}

fn bzpopmin(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    pop(ex, args, out, Kind::ZSet, b"zpopmin");
}

fn bzpopmax(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    pop(ex, args, out, Kind::ZSet, b"zpopmax");
}

/// BLMOVE / BRPOPLPUSH: a source that exists goes through LMOVE (which checks both types).
fn moving(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply, lmove: &[&[u8]], timeout: &[u8]) {
    let deadline = match deadline(timeout, ex.now) {
        Ok(d) => d,
        Err(e) => return out.error_text(e),
    };
    if kind_of(ex, args[1]).is_some() {
        return run_data(ex, lmove, out);
    }
    wait(ex, args, out, &args[1..2], Kind::List, deadline, true);
}

fn blmove(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let side = |a: &[u8]| a.eq_ignore_ascii_case(b"left") || a.eq_ignore_ascii_case(b"right");
    if !side(args[3]) || !side(args[4]) {
        return out.error(&Error::Syntax);
    }
    let lmove: [&[u8]; 5] = [b"lmove", args[1], args[2], args[3], args[4]];
    moving(ex, args, out, &lmove, args[5]);
}

fn brpoplpush(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let lmove: [&[u8]; 5] = [b"lmove", args[1], args[2], b"right", b"left"];
    moving(ex, args, out, &lmove, args[3]);
}

/// BLMPOP / BZMPOP (`lmpopGenericCommand`, `zmpopGenericCommand`): numkeys, the side, COUNT,
/// then the timeout; a key that exists goes through LMPOP / ZMPOP.
fn mpop(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply, kind: Kind, sides: [&str; 2]) {
    let numkeys = keyspace::num::canonical_i64(args[2])
        .filter(|&n| n >= 1)
        .and_then(|n| usize::try_from(n).ok());
    let Some(numkeys) = numkeys else {
        return out.error_text("ERR numkeys should be greater than 0");
    };
    let side = numkeys.checked_add(3).filter(|&i| i < args.len());
    let Some(side) = side else {
        return out.error(&Error::Syntax);
    };
    if !sides
        .iter()
        .any(|s| args[side].eq_ignore_ascii_case(s.as_bytes()))
    {
        return out.error(&Error::Syntax);
    }
    let mut count = false;
    let mut j = side + 1;
    while j < args.len() {
        if !count && args[j].eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            j += 1;
            if keyspace::num::canonical_i64(args[j]).is_none_or(|c| c < 1) {
                return out.error_text("ERR count should be greater than 0");
            }
            count = true;
        } else {
            return out.error(&Error::Syntax);
        }
        j += 1;
    }
    let deadline = match deadline(args[1], ex.now) {
        Ok(d) => d,
        Err(e) => return out.error_text(e),
    };
    let keys = &args[3..side];
    if keys.iter().any(|k| kind_of(ex, k).is_some()) {
        let name: &[u8] = if kind == Kind::List {
            b"lmpop"
        } else {
            b"zmpop"
        };
        let mut nonblocking = vec![name];
        nonblocking.extend_from_slice(&args[2..]);
        return run_data(ex, &nonblocking, out);
    }
    wait(ex, args, out, keys, kind, deadline, false);
}

fn blmpop(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    mpop(ex, args, out, Kind::List, ["left", "right"]);
}

fn bzmpop(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    mpop(ex, args, out, Kind::ZSet, ["min", "max"]);
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = Result<Option<u64>, &'static str>;

    #[test]
    fn timeouts_parse_as_valkey_does() {
        let now = Millis(1_000);
        let cases: [(&[u8], Parsed); 16] = [
            (b"0", Ok(None)),
            (b"0.0", Ok(None)),
            (b"1", Ok(Some(2_000))),
            (b"0.0001", Ok(Some(1_001))),
            (b"1.5", Ok(Some(2_500))),
            (b"-1", Err("ERR timeout is negative")),
            (b"abc", Err("ERR timeout is not a float or out of range")),
            (b"nan", Err("ERR timeout is not a float or out of range")),
            (b" 1", Err("ERR timeout is not a float or out of range")),
            (b"inf", Err("ERR timeout is out of range")),
            (b"0x7FFFFFFFFFFFFF", Err("ERR timeout is out of range")),
            (b"0x1.8", Ok(Some(2_500))),
            (b"-0x1", Err("ERR timeout is negative")),
            (b"0x", Err("ERR timeout is not a float or out of range")),
            (b"0xg", Err("ERR timeout is not a float or out of range")),
            (b"9223372036854775", Err("ERR timeout is out of range")),
        ];
        for (arg, want) in cases {
            assert_eq!(deadline(arg, now), want, "{}", String::from_utf8_lossy(arg));
        }
    }
}
