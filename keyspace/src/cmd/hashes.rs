//! The hash commands (Valkey's `t_hash.c`).

use alloc::vec::Vec;

use super::scan::{ScanArgs, reply_scan};
use super::{finish, int_arg, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::hash::{Hash, HashLimits, HashRef};
use crate::longdouble;
use crate::num;
use crate::object::{ObjRef, Object};
use crate::packed::Elem;
use crate::reply::ReplySink;

fn limits(cx: &Ctx<'_>) -> (HashLimits, u64) {
    let c = cx.keyspace.config();
    (
        HashLimits {
            entries: c.hash_max_listpack_entries,
            value: c.hash_max_listpack_value,
        },
        cx.keyspace.member_seed(),
    )
}

/// Finds `key`: `None` if absent, its slot and hash if it holds a hash, else WRONGTYPE.
fn find_hash(cx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<(usize, u64)>, Error<'static>> {
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
        None => Ok(None),
        Some((i, h)) => match cx.keyspace.object(cx.db, i) {
            Some(ObjRef::Hash(_)) => Ok(Some((i, h))),
            _ => Err(Error::WrongType),
        },
    }
}

/// The hash at `key`, if any (WRONGTYPE otherwise).
fn read<'a>(cx: &'a mut Ctx<'_>, key: &[u8]) -> Result<Option<HashRef<'a>>, Error<'static>> {
    let Some((i, _)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) else {
        return Ok(None);
    };
    match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::Hash(h)) => Ok(Some(h)),
        _ => Err(Error::WrongType),
    }
}

/// Finds or creates the hash at `key` (`hashTypeLookupWriteOrCreate`); its slot.
fn find_or_create(cx: &mut Ctx<'_>, key: &[u8]) -> Result<usize, Error<'static>> {
    Ok(match find_hash(cx, key)? {
        Some((i, _)) => i,
        None => {
            let h = cx.keyspace.hash(key);
            cx.keyspace
                .insert_object(cx.db, h, key, Object::Hash(Hash::new()), cx.now)
        }
    })
}

fn with_hash<R>(cx: &mut Ctx<'_>, i: usize, f: impl FnOnce(&mut Hash) -> R) -> R {
    cx.keyspace.update_object(cx.db, i, |o| match o {
        Object::Hash(h) => f(h),
        _ => unreachable!("checked by find_hash"),
    })
}

/// Sets the field/value pairs of `args[2..]`; how many fields are new.
fn set_pairs(cx: &mut Ctx<'_>, args: &[&[u8]], name: &'static str) -> Result<i64, Error<'static>> {
    if args.len() % 2 == 1 {
        return Err(Error::WrongArity { command: name });
    }
    let i = find_or_create(cx, args[1])?;
    let (lim, seed) = limits(cx);
    let pairs = &args[2..];
    let created = with_hash(cx, i, |h| {
        h.before_set(pairs, lim, seed);
        pairs
            .chunks_exact(2)
            .filter(|p| h.set(p[0], p[1], lim, seed))
            .count()
    });
    cx.events.change(cx.db, args[1], ChangeKind::HSet);
    Ok(created as i64)
}

/// HSET key field value [field value ...]
pub(super) fn hset(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = set_pairs(cx, args, "hset").map(|n| out.integer(n));
    finish(out, r);
}

/// HMSET key field value [field value ...]
pub(super) fn hmset(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = set_pairs(cx, args, "hmset").map(|_| out.ok());
    finish(out, r);
}

/// HSETNX key field value
pub(super) fn hsetnx(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let i = find_or_create(cx, args[1])?;
        let (lim, seed) = limits(cx);
        let set = with_hash(cx, i, |h| {
            if h.get(args[2]).is_some() {
                return false;
            }
            h.before_set(&args[2..], lim, seed);
            h.set(args[2], args[3], lim, seed)
        });
        if set {
            cx.events.change(cx.db, args[1], ChangeKind::HSet);
        }
        out.integer(i64::from(set));
        Ok(())
    })();
    finish(out, r);
}

/// HGET key field
pub(super) fn hget(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|h| match h.and_then(|h| h.get(args[2])) {
        Some(v) => v.with(|v| out.bulk(v)),
        None => out.null(),
    });
    finish(out, r);
}

/// HMGET key field [field ...]
pub(super) fn hmget(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|h| {
        out.array(args.len() - 2);
        for f in &args[2..] {
            match h.and_then(|h| h.get(f)) {
                Some(v) => v.with(|v| out.bulk(v)),
                None => out.null(),
            }
        }
    });
    finish(out, r);
}

/// HDEL key field [field ...]
pub(super) fn hdel(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let Some((i, h)) = find_hash(cx, args[1])? else {
            out.integer(0);
            return Ok(());
        };
        let (n, empty) = with_hash(cx, i, |hash| {
            let n = args[2..].iter().filter(|f| hash.remove(f)).count();
            (n, hash.len() == 0)
        });
        if n > 0 {
            cx.events.change(cx.db, args[1], ChangeKind::HDel);
            if empty {
                cx.keyspace.delete(cx.db, i, h);
                cx.events.change(cx.db, args[1], ChangeKind::Del);
            }
        }
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// HLEN key
pub(super) fn hlen(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|h| out.integer(h.map_or(0, |h| h.len() as i64)));
    finish(out, r);
}

/// HEXISTS key field
pub(super) fn hexists(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1])
        .map(|h| out.integer(i64::from(h.is_some_and(|h| h.get(args[2]).is_some()))));
    finish(out, r);
}

/// HSTRLEN key field
pub(super) fn hstrlen(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1])
        .map(|h| out.integer(h.and_then(|h| h.get(args[2])).map_or(0, |v| v.len() as i64)));
    finish(out, r);
}

/// HGETALL key
pub(super) fn hgetall(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|h| {
        out.map(h.map_or(0, HashRef::len));
        for (f, v) in h.into_iter().flat_map(HashRef::iter) {
            f.with(|f| out.bulk(f));
            v.with(|v| out.bulk(v));
        }
    });
    finish(out, r);
}

/// HKEYS key
pub(super) fn hkeys(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|h| {
        out.array(h.map_or(0, HashRef::len));
        for (f, _) in h.into_iter().flat_map(HashRef::iter) {
            f.with(|f| out.bulk(f));
        }
    });
    finish(out, r);
}

/// HVALS key
pub(super) fn hvals(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|h| {
        out.array(h.map_or(0, HashRef::len));
        for (_, v) in h.into_iter().flat_map(HashRef::iter) {
            v.with(|v| out.bulk(v));
        }
    });
    finish(out, r);
}

/// HINCRBY key field increment
pub(super) fn hincrby(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let by = int_arg(args[3])?;
        let i = find_or_create(cx, args[1])?;
        let (lim, seed) = limits(cx);
        let v = with_hash(cx, i, |h| {
            let old = match h.get(args[2]) {
                Some(Elem::Int(v)) => v,
                Some(Elem::Bytes(v)) => num::canonical_i64(v).ok_or(Error::HashValueNotInteger)?,
                None => 0,
            };
            let new = old.checked_add(by).ok_or(Error::IncrOverflow)?;
            h.set(args[2], num::format_i64(new).as_bytes(), lim, seed);
            Ok(new)
        });
        let v = created_then(cx, args[1], i, v)?;
        cx.events.change(cx.db, args[1], ChangeKind::HIncrBy);
        out.integer(v);
        Ok(())
    })();
    finish(out, r);
}

/// After an increment that may have failed: a hash created for it and left empty goes away
/// again, so an error leaves no key behind.
fn created_then<T>(
    cx: &mut Ctx<'_>,
    key: &[u8],
    i: usize,
    r: Result<T, Error<'static>>,
) -> Result<T, Error<'static>> {
    if r.is_err() && with_hash(cx, i, |h| h.len() == 0) {
        let h = cx.keyspace.hash(key);
        cx.keyspace.delete(cx.db, i, h);
    }
    r
}

/// HINCRBYFLOAT key field increment
pub(super) fn hincrbyfloat(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let by = longdouble::parse(args[3]).ok_or(Error::NotAFloat)?;
        if !by.is_finite() {
            return Err(Error::NanOrInfinityValue);
        }
        let i = find_or_create(cx, args[1])?;
        let (lim, seed) = limits(cx);
        let text = with_hash(cx, i, |h| {
            let old = match h.get(args[2]) {
                Some(v) => v.with(longdouble::parse).ok_or(Error::HashValueNotFloat)?,
                None => longdouble::Ld::Zero { neg: false },
            };
            let sum = longdouble::add(old, by)
                .filter(|s| s.is_finite())
                .ok_or(Error::NanOrInfinity)?;
            let text = longdouble::format_human(sum);
            h.set(args[2], text.as_bytes(), lim, seed);
            Ok(text)
        });
        let text = created_then(cx, args[1], i, text)?;
        cx.events.change(cx.db, args[1], ChangeKind::HIncrByFloat);
        out.bulk(text.as_bytes());
        Ok(())
    })();
    finish(out, r);
}

/// HRANDFIELD key [count [WITHVALUES]]
pub(super) fn hrandfield(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = hrandfield_inner(cx, args, out);
    finish(out, r);
}

fn hrandfield_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let Some(count) = args.get(2) else {
        let r = cx.keyspace.random();
        match read(cx, args[1])?.and_then(|h| h.random(r)) {
            Some((f, _)) => f.with(|f| out.bulk(f)),
            None => out.null(),
        }
        return Ok(());
    };
    let l = int_arg(count)?;
    if l == i64::MIN {
        return Err(Error::OutOfLongRange);
    }
    if args.len() > 4 || (args.len() == 4 && !is(args[3], "withvalues")) {
        return Err(Error::Syntax);
    }
    let with_values = args.len() == 4;
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(Error::OutOfRange);
    }
    let Some((i, _)) = find_hash(cx, args[1])? else {
        out.array(0);
        return Ok(());
    };
    let unique = l >= 0;
    let count = usize::try_from(l.unsigned_abs()).unwrap_or(usize::MAX);
    let size = match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::Hash(h)) => h.len(),
        _ => 0,
    };
    let picked: Vec<usize> = if count == 0 {
        Vec::new()
    } else if !unique || count == 1 {
        (0..count).map(|_| 0).collect()
    } else if count >= size {
        (0..size).collect()
    } else {
        super::randoms::distinct_positions(cx, size, count)
    };
    let resp3 = out.resp3();
    let n = picked.len();
    out.array(if with_values && !resp3 { n * 2 } else { n });
    let randoms: Vec<u64> = if !unique || count == 1 {
        (0..n).map(|_| cx.keyspace.random()).collect()
    } else {
        Vec::new()
    };
    let Some(ObjRef::Hash(h)) = cx.keyspace.object(cx.db, i) else {
        unreachable!("checked by find_hash")
    };
    let mut pair = |f: Elem<'_>, v: Elem<'_>| {
        if with_values && resp3 {
            out.array(2);
        }
        f.with(|f| out.bulk(f));
        if with_values {
            v.with(|v| out.bulk(v));
        }
    };
    let pick = h.picker();
    if randoms.is_empty() {
        for at in picked {
            if let Some((f, v)) = pick(at) {
                pair(f, v);
            }
        }
    } else {
        for r in randoms {
            if let Some((f, v)) = pick((r % size as u64) as usize) {
                pair(f, v);
            }
        }
    }
    Ok(())
}

/// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
pub(super) fn hscan(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let cursor = num::parse_cursor(args[2]).ok_or(Error::InvalidCursor)?;
        let Some(h) = read(cx, args[1])? else {
            reply_scan::<&[u8]>(out, 0, &[]);
            return Ok(());
        };
        let opts = ScanArgs::parse(&args[3..], true)?;
        let mut found: Vec<Elem<'_>> = Vec::new();
        let next = h.scan(cursor, opts.count, |f, v| {
            if f.with(|f| opts.matches(f)) {
                found.push(f);
                if !opts.no_values {
                    found.push(v);
                }
            }
        });
        reply_scan(out, next, &found);
        Ok(())
    })();
    finish(out, r);
}
