//! The set commands (Valkey's `t_set.c`).

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::lists::{at_least, long_arg, positive_arg};
use super::randoms::distinct_positions;
use super::scan::{ScanArgs, reply_scan};
use super::{finish, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::num;
use crate::object::{ObjRef, Object};
use crate::reply::ReplySink;
use crate::set::{Set, SetLimits, SetRef};

fn limits(cx: &Ctx<'_>) -> (SetLimits, u64) {
    let c = cx.keyspace.config();
    (
        SetLimits {
            intset: c.set_max_intset_entries,
            entries: c.set_max_listpack_entries,
            value: c.set_max_listpack_value,
        },
        cx.keyspace.member_seed(),
    )
}

/// Finds `key`: `None` if absent, its slot and hash if it holds a set, else WRONGTYPE.
fn find_set(cx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<(usize, u64)>, Error<'static>> {
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
        None => Ok(None),
        Some((i, h)) => match cx.keyspace.object(cx.db, i) {
            Some(ObjRef::Set(_)) => Ok(Some((i, h))),
            _ => Err(Error::WrongType),
        },
    }
}

fn set_at<'a>(cx: &'a Ctx<'_>, i: usize) -> SetRef<'a> {
    match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::Set(s)) => s,
        _ => unreachable!("checked by find_set"),
    }
}

/// The set at `key`, if any (WRONGTYPE otherwise).
fn read<'a>(cx: &'a mut Ctx<'_>, key: &[u8]) -> Result<Option<SetRef<'a>>, Error<'static>> {
    let Some((i, _)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) else {
        return Ok(None);
    };
    match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::Set(s)) => Ok(Some(s)),
        _ => Err(Error::WrongType),
    }
}

fn with_set<R>(cx: &mut Ctx<'_>, i: usize, f: impl FnOnce(&mut Set) -> R) -> R {
    cx.keyspace.update_object(cx.db, i, |o| match o {
        Object::Set(s) => f(s),
        _ => unreachable!("checked by find_set"),
    })
}

/// Deletes the set in slot `i` if it is empty, reporting `Del`.
fn drop_if_empty(cx: &mut Ctx<'_>, key: &[u8], i: usize, h: u64) {
    if set_at(cx, i).len() == 0 {
        cx.keyspace.delete(cx.db, i, h);
        cx.events.change(cx.db, key, ChangeKind::Del);
    }
}

/// SADD key member [member ...]
pub(super) fn sadd(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let (lim, seed) = limits(cx);
        let hint = args.len() - 2;
        let i = match find_set(cx, args[1])? {
            Some((i, _)) => {
                with_set(cx, i, |s| s.maybe_convert(hint, lim, seed));
                i
            }
            None => {
                let h = cx.keyspace.hash(args[1]);
                let s = Set::create(args[2], hint, lim, seed);
                cx.keyspace
                    .insert_object(cx.db, h, args[1], Object::Set(s), cx.now)
            }
        };
        let added = with_set(cx, i, |s| {
            args[2..].iter().filter(|m| s.add(m, lim, seed)).count()
        });
        if added > 0 {
            cx.events.change(cx.db, args[1], ChangeKind::SAdd);
        }
        out.integer(added as i64);
        Ok(())
    })();
    finish(out, r);
}

/// SREM key member [member ...]
pub(super) fn srem(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let Some((i, h)) = find_set(cx, args[1])? else {
            out.integer(0);
            return Ok(());
        };
        let n = with_set(cx, i, |s| args[2..].iter().filter(|m| s.remove(m)).count());
        if n > 0 {
            cx.events.change(cx.db, args[1], ChangeKind::SRem);
            drop_if_empty(cx, args[1], i, h);
        }
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// Replies with every member of `s` as a RESP3 set.
fn reply_members(out: &mut dyn ReplySink, s: Option<SetRef<'_>>) {
    out.set(s.map_or(0, SetRef::len));
    for e in s.into_iter().flat_map(SetRef::iter) {
        e.with(|b| out.bulk(b));
    }
}

/// SMEMBERS key
pub(super) fn smembers(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|s| reply_members(out, s));
    finish(out, r);
}

/// SISMEMBER key member
pub(super) fn sismember(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r =
        read(cx, args[1]).map(|s| out.integer(i64::from(s.is_some_and(|s| s.contains(args[2])))));
    finish(out, r);
}

/// SMISMEMBER key member [member ...]
pub(super) fn smismember(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|s| {
        out.array(args.len() - 2);
        for m in &args[2..] {
            out.integer(i64::from(s.is_some_and(|s| s.contains(m))));
        }
    });
    finish(out, r);
}

/// SCARD key
pub(super) fn scard(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|s| out.integer(s.map_or(0, |s| s.len() as i64)));
    finish(out, r);
}

/// Removes and returns a random member of the set in slot `i` (which is not empty).
fn pop_random(cx: &mut Ctx<'_>, i: usize) -> Box<[u8]> {
    let r = cx.keyspace.random();
    with_set(cx, i, |s| {
        let m = s.view().random(r).map(|e| e.to_boxed()).unwrap_or_default();
        s.remove(&m);
        m
    })
}

/// How much bigger than the count the rest must be for SPOP to pick members one by one
/// (`SPOP_MOVE_STRATEGY_MUL`); otherwise it picks the members that stay.
const SPOP_MOVE_STRATEGY_MUL: usize = 5;

/// SPOP key [count]
pub(super) fn spop(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = spop_inner(cx, args, out);
    finish(out, r);
}

fn spop_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    if args.len() > 3 {
        return Err(Error::Syntax);
    }
    let key = args[1];
    let Some(count) = args.get(2) else {
        let Some((i, h)) = find_set(cx, key)? else {
            out.null();
            return Ok(());
        };
        let m = pop_random(cx, i);
        cx.events.change(cx.db, key, ChangeKind::SPop);
        out.bulk(&m);
        drop_if_empty(cx, key, i, h);
        return Ok(());
    };
    let count = usize::try_from(positive_arg(count)?).unwrap_or(usize::MAX);
    let Some((i, h)) = find_set(cx, key)? else {
        out.set(0);
        return Ok(());
    };
    if count == 0 {
        out.set(0);
        return Ok(());
    }
    let size = set_at(cx, i).len();
    cx.events.change(cx.db, key, ChangeKind::SPop);
    if count >= size {
        reply_members(out, Some(set_at(cx, i)));
        cx.keyspace.delete(cx.db, i, h);
        cx.events.change(cx.db, key, ChangeKind::Del);
        return Ok(());
    }
    let remaining = size - count;
    out.set(count);
    if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        for _ in 0..count {
            let m = pop_random(cx, i);
            out.bulk(&m);
        }
    } else {
        // Pick the members that stay into a new set; reply with the rest.
        let (lim, seed) = limits(cx);
        let keep = distinct_positions(cx, size, remaining);
        let new = with_set(cx, i, |s| {
            let mut new: Option<Set> = None;
            let mut want = keep.iter().copied().peekable();
            for (at, e) in s.iter().enumerate() {
                if want.peek() == Some(&at) {
                    want.next();
                    let n = new.get_or_insert_with(|| Set::empty_like(s.view()));
                    e.with(|b| n.add(b, lim, seed));
                }
            }
            let new = new.unwrap_or_default();
            for e in new.iter() {
                e.with(|b| s.remove(b));
            }
            core::mem::replace(s, new)
        });
        for e in new.iter() {
            e.with(|b| out.bulk(b));
        }
    }
    Ok(())
}

/// SRANDMEMBER key [count]
pub(super) fn srandmember(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = srandmember_inner(cx, args, out);
    finish(out, r);
}

fn srandmember_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    if args.len() > 3 {
        return Err(Error::Syntax);
    }
    let Some(count) = args.get(2) else {
        let r = cx.keyspace.random();
        match read(cx, args[1])?.and_then(|s| s.random(r)) {
            Some(e) => e.with(|b| out.bulk(b)),
            None => out.null(),
        }
        return Ok(());
    };
    let l = long_arg(count)?;
    let Some((i, _)) = find_set(cx, args[1])? else {
        out.array(0);
        return Ok(());
    };
    let unique = l >= 0;
    let count = usize::try_from(l.unsigned_abs()).unwrap_or(usize::MAX);
    let size = set_at(cx, i).len();
    if count == 0 {
        out.array(0);
    } else if !unique || count == 1 {
        out.array(count);
        let randoms: Vec<u64> = (0..count).map(|_| cx.keyspace.random()).collect();
        let pick = set_at(cx, i).picker();
        for r in randoms {
            if let Some(e) = pick((r % size as u64) as usize) {
                e.with(|b| out.bulk(b));
            }
        }
    } else if count >= size {
        out.array(size);
        for e in set_at(cx, i).iter() {
            e.with(|b| out.bulk(b));
        }
    } else {
        let picked = distinct_positions(cx, size, count);
        out.array(count);
        let pick = set_at(cx, i).picker();
        for at in picked {
            if let Some(e) = pick(at) {
                e.with(|b| out.bulk(b));
            }
        }
    }
    Ok(())
}

/// SMOVE source destination member
pub(super) fn smove(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let (src, dst, m) = (args[1], args[2], args[3]);
        let found = cx.keyspace.lookup(cx.db, src, cx.now, cx.events, true);
        let dst_found = cx.keyspace.lookup(cx.db, dst, cx.now, cx.events, true);
        if found.is_none() {
            out.integer(0);
            return Ok(());
        }
        // Both types are checked before anything moves.
        let Some((i, h)) = find_set(cx, src)? else {
            out.integer(0);
            return Ok(());
        };
        if dst_found.is_some() {
            find_set(cx, dst)?;
        }
        if src == dst {
            out.integer(i64::from(set_at(cx, i).contains(m)));
            return Ok(());
        }
        if !with_set(cx, i, |s| s.remove(m)) {
            out.integer(0);
            return Ok(());
        }
        cx.events.change(cx.db, src, ChangeKind::SRem);
        drop_if_empty(cx, src, i, h);
        let (lim, seed) = limits(cx);
        let j = match find_set(cx, dst)? {
            Some((j, _)) => j,
            None => {
                let h = cx.keyspace.hash(dst);
                let s = Set::create(m, 1, lim, seed);
                cx.keyspace
                    .insert_object(cx.db, h, dst, Object::Set(s), cx.now)
            }
        };
        if with_set(cx, j, |s| s.add(m, lim, seed)) {
            cx.events.change(cx.db, dst, ChangeKind::SAdd);
        }
        out.integer(1);
        Ok(())
    })();
    finish(out, r);
}

/// Looks up every key (expiring as needed, WRONGTYPE on a non-set), then their slots.
fn slots(cx: &mut Ctx<'_>, keys: &[&[u8]]) -> Result<Vec<Option<usize>>, Error<'static>> {
    for k in keys {
        find_set(cx, k)?;
    }
    // No key can expire between the passes (same `now`), so the slots stay put.
    Ok(keys
        .iter()
        .map(|k| {
            cx.keyspace
                .lookup(cx.db, k, cx.now, cx.events, false)
                .map(|(i, _)| i)
        })
        .collect())
}

/// The intersection, in the order of the smallest set; `limit` 0 is unlimited.
fn intersection(cx: &Ctx<'_>, slots: &[Option<usize>], limit: usize) -> Vec<Box<[u8]>> {
    let Some(mut sets) = slots
        .iter()
        .map(|s| s.map(|i| set_at(cx, i)))
        .collect::<Option<Vec<SetRef<'_>>>>()
    else {
        return Vec::new();
    };
    sets.sort_by_key(|s| s.len());
    let mut found = Vec::new();
    for e in sets[0].iter() {
        if e.with(|b| sets[1..].iter().all(|s| s.contains(b))) {
            found.push(e.to_boxed());
            if limit != 0 && found.len() >= limit {
                break;
            }
        }
    }
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Diff,
}

/// SUNION/SDIFF's result set (Valkey's `sunionDiffGenericCommand`, both DIFF algorithms).
fn union_diff(cx: &Ctx<'_>, slots: &[Option<usize>], op: Op) -> Set {
    let (lim, seed) = limits(cx);
    let sets: Vec<Option<SetRef<'_>>> = slots.iter().map(|s| s.map(|i| set_at(cx, i))).collect();
    let mut dst = Set::new();
    let add_all = |dst: &mut Set, s: SetRef<'_>| {
        for e in s.iter() {
            e.with(|b| dst.add(b, lim, seed));
        }
    };
    match op {
        Op::Union => sets.iter().flatten().for_each(|s| add_all(&mut dst, *s)),
        Op::Diff => {
            let Some(first) = sets[0] else {
                return dst;
            };
            if slots[1..].contains(&slots[0]) {
                return dst;
            }
            let one: usize = sets.iter().flatten().map(|_| first.len()).sum::<usize>() / 2;
            let two: usize = sets.iter().flatten().map(|s| s.len()).sum();
            if one <= two {
                for e in first.iter() {
                    if !e.with(|b| sets[1..].iter().flatten().any(|s| s.contains(b))) {
                        e.with(|b| dst.add(b, lim, seed));
                    }
                }
            } else {
                add_all(&mut dst, first);
                for s in sets[1..].iter().flatten() {
                    if dst.len() == 0 {
                        break;
                    }
                    for e in s.iter() {
                        e.with(|b| dst.remove(b));
                    }
                }
            }
        }
    }
    dst
}

/// Stores `result` at `dst` (replacing whatever is there) or deletes `dst` if it is empty;
/// replies with the cardinality.
fn store(cx: &mut Ctx<'_>, dst: &[u8], result: Set, event: ChangeKind, out: &mut dyn ReplySink) {
    let n = result.len();
    let (found, h) = cx
        .keyspace
        .lookup_or_hash(cx.db, dst, cx.now, cx.events, false);
    if let Some(i) = found {
        cx.keyspace.delete(cx.db, i, h);
    }
    if n == 0 {
        if found.is_some() {
            cx.events.change(cx.db, dst, ChangeKind::Del);
        }
    } else {
        cx.keyspace
            .insert_object(cx.db, h, dst, Object::Set(result), cx.now);
        cx.events.change(cx.db, dst, event);
    }
    out.integer(n as i64);
}

/// SINTER key [key ...]
pub(super) fn sinter(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = slots(cx, &args[1..]).map(|s| {
        let found = intersection(cx, &s, 0);
        out.set(found.len());
        for m in &found {
            out.bulk(m);
        }
    });
    finish(out, r);
}

/// SINTERSTORE destination key [key ...]
pub(super) fn sinterstore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = slots(cx, &args[2..]).map(|s| {
        let found = intersection(cx, &s, 0);
        let (lim, seed) = limits(cx);
        let smallest = s
            .iter()
            .flatten()
            .map(|&i| set_at(cx, i))
            .min_by_key(|s| s.len());
        let mut result = smallest.map_or_else(Set::new, Set::empty_like);
        for m in &found {
            result.add(m, lim, seed);
        }
        if found.iter().all(|m| num::canonical_i64(m).is_some()) {
            result.maybe_to_intset(lim);
        }
        store(cx, args[1], result, ChangeKind::SInterStore, out);
    });
    finish(out, r);
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
pub(super) fn sintercard(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let numkeys = at_least(args[1], 1, Error::NumkeysNotPositive)?;
        let n = usize::try_from(numkeys).unwrap_or(usize::MAX);
        if n > args.len() - 2 {
            return Err(Error::NumkeysTooMany);
        }
        let mut limit = 0;
        let mut j = 2 + n;
        while j < args.len() {
            if is(args[j], "limit") && j + 1 < args.len() {
                limit = at_least(args[j + 1], 0, Error::LimitNegative)?;
                j += 2;
            } else {
                return Err(Error::Syntax);
            }
        }
        let s = slots(cx, &args[2..2 + n])?;
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        out.integer(intersection(cx, &s, limit).len() as i64);
        Ok(())
    })();
    finish(out, r);
}

fn union_diff_reply(cx: &mut Ctx<'_>, keys: &[&[u8]], op: Op, out: &mut dyn ReplySink) {
    let r = slots(cx, keys).map(|s| reply_members(out, Some(union_diff(cx, &s, op).view())));
    finish(out, r);
}

fn union_diff_store(cx: &mut Ctx<'_>, args: &[&[u8]], op: Op, out: &mut dyn ReplySink) {
    let r = slots(cx, &args[2..]).map(|s| {
        let result = union_diff(cx, &s, op);
        let event = match op {
            Op::Union => ChangeKind::SUnionStore,
            Op::Diff => ChangeKind::SDiffStore,
        };
        store(cx, args[1], result, event, out);
    });
    finish(out, r);
}

/// SUNION key [key ...]
pub(super) fn sunion(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    union_diff_reply(cx, &args[1..], Op::Union, out);
}

/// SDIFF key [key ...]
pub(super) fn sdiff(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    union_diff_reply(cx, &args[1..], Op::Diff, out);
}

/// SUNIONSTORE destination key [key ...]
pub(super) fn sunionstore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    union_diff_store(cx, args, Op::Union, out);
}

/// SDIFFSTORE destination key [key ...]
pub(super) fn sdiffstore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    union_diff_store(cx, args, Op::Diff, out);
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
pub(super) fn sscan(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let cursor = num::parse_cursor(args[2]).ok_or(Error::InvalidCursor)?;
        let Some(s) = read(cx, args[1])? else {
            reply_scan::<&[u8]>(out, 0, &[]);
            return Ok(());
        };
        let opts = ScanArgs::parse(&args[3..], false)?;
        let mut found: Vec<Box<[u8]>> = Vec::new();
        let next = s.scan(cursor, opts.count, |e| {
            e.with(|b| {
                if opts.matches(b) {
                    found.push(b.into());
                }
            });
        });
        reply_scan(out, next, &found);
        Ok(())
    })();
    finish(out, r);
}
