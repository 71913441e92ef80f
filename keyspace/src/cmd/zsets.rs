//! The sorted set commands (Valkey's `t_zset.c`): ZADD/ZINCRBY, ZREM, scores and ranks, the
//! ZRANGE family (by rank, score or lex, either direction, LIMIT, WITHSCORES), counts, pops and
//! range removals. Scores go out through [`ReplySink::double`].

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::scan::{ScanArgs, reply_scan};
use super::zranges::{
    Lex, lex_count, lex_item, lex_range, lex_ranks, parse_score, rank_range, score_range,
};
use super::{finish, int_arg, is};
use crate::command::Ctx;
use crate::dfmt::d2string;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::num;
use crate::object::{ObjRef, Object};
use crate::reply::ReplySink;
use crate::zset::{ScoreRange, ZLimits, ZSet, ZSetRef};

pub(super) fn limits(cx: &Ctx<'_>) -> ZLimits {
    let c = cx.keyspace.config();
    ZLimits {
        entries: c.zset_max_listpack_entries,
        value: c.zset_max_listpack_value,
        seed: cx.keyspace.member_seed(),
    }
}

/// Finds `key`: `None` if absent, its slot and hash if it holds a sorted set, else WRONGTYPE.
pub(super) fn find_zset(
    cx: &mut Ctx<'_>,
    key: &[u8],
) -> Result<Option<(usize, u64)>, Error<'static>> {
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
        None => Ok(None),
        Some((i, h)) => match cx.keyspace.object(cx.db, i) {
            Some(ObjRef::ZSet(_)) => Ok(Some((i, h))),
            _ => Err(Error::WrongType),
        },
    }
}

pub(super) fn zset_at<'a>(cx: &'a Ctx<'_>, i: usize) -> ZSetRef<'a> {
    match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::ZSet(z)) => z,
        _ => unreachable!("checked by find_zset"),
    }
}

fn read<'a>(cx: &'a mut Ctx<'_>, key: &[u8]) -> Result<Option<ZSetRef<'a>>, Error<'static>> {
    let Some((i, _)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) else {
        return Ok(None);
    };
    match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::ZSet(z)) => Ok(Some(z)),
        _ => Err(Error::WrongType),
    }
}

pub(super) fn with_zset<R>(cx: &mut Ctx<'_>, i: usize, f: impl FnOnce(&mut ZSet) -> R) -> R {
    cx.keyspace.update_object(cx.db, i, |o| match o {
        Object::ZSet(z) => f(z),
        _ => unreachable!("checked by find_zset"),
    })
}

/// Replies with members (and scores): RESP2 one flat array, RESP3 pairs when WITHSCORES.
pub(super) fn reply_members(out: &mut dyn ReplySink, items: &[(&[u8], f64)], withscores: bool) {
    let pairs = withscores && out.resp3();
    out.array(if withscores && !pairs {
        items.len() * 2
    } else {
        items.len()
    });
    for (m, s) in items {
        if pairs {
            out.array(2);
        }
        out.bulk(m);
        if withscores {
            out.double(*s);
        }
    }
}

/// ZADD's flags.
#[derive(Clone, Copy, Default)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// Valkey's `zaddGenericCommand`.
fn zadd_generic(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    mut fl: AddFlags,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let key = args[1];
    let mut at = 2;
    while at < args.len() {
        let o = args[at];
        if is(o, "nx") {
            fl.nx = true;
        } else if is(o, "xx") {
            fl.xx = true;
        } else if is(o, "ch") {
            fl.ch = true;
        } else if is(o, "incr") {
            fl.incr = true;
        } else if is(o, "gt") {
            fl.gt = true;
        } else if is(o, "lt") {
            fl.lt = true;
        } else {
            break;
        }
        at += 1;
    }
    let rest = &args[at..];
    if rest.is_empty() || rest.len() % 2 == 1 {
        return Err(Error::Syntax);
    }
    if fl.nx && fl.xx {
        return Err(Error::ZaddXxAndNx);
    }
    if (fl.nx && (fl.gt || fl.lt)) || (fl.gt && fl.lt) {
        return Err(Error::ZaddGtLtNx);
    }
    if fl.incr && rest.len() > 2 {
        return Err(Error::ZaddIncrPairs);
    }
    let mut pairs: Vec<(f64, &[u8])> = Vec::with_capacity(rest.len() / 2);
    for p in rest.chunks_exact(2) {
        pairs.push((parse_score(p[0]).ok_or(Error::NotAFloat)?, p[1]));
    }
    let max_len = pairs.iter().map(|(_, m)| m.len()).max().unwrap_or(0);
    let lim = limits(cx);
    let i = match find_zset(cx, key)? {
        Some((i, _)) => {
            with_zset(cx, i, |z| z.maybe_convert(pairs.len(), max_len, lim));
            Some(i)
        }
        None if fl.xx => None,
        None => {
            let h = cx.keyspace.hash(key);
            let z = ZSet::create(pairs.len(), max_len, lim);
            Some(
                cx.keyspace
                    .insert_object(cx.db, h, key, Object::ZSet(z), cx.now),
            )
        }
    };
    let (mut added, mut updated, mut processed, mut score, mut nan) = (0, 0, 0, 0.0, false);
    if let Some(i) = i {
        with_zset(cx, i, |z| {
            for &(s, m) in &pairs {
                match z.score(m) {
                    Some(cur) => {
                        if fl.nx {
                            continue;
                        }
                        let new = if fl.incr { cur + s } else { s };
                        if new.is_nan() {
                            nan = true;
                            return;
                        }
                        if (fl.lt && new >= cur) || (fl.gt && new <= cur) {
                            continue;
                        }
                        processed += 1;
                        score = new;
                        if new != cur {
                            z.insert(m, new, lim);
                            updated += 1;
                        }
                    }
                    None if fl.xx => {}
                    None => {
                        z.insert(m, s, lim);
                        added += 1;
                        processed += 1;
                        score = s;
                    }
                }
            }
        });
    }
    if added + updated > 0 {
        let kind = if fl.incr {
            ChangeKind::ZIncr
        } else {
            ChangeKind::ZAdd
        };
        cx.events.change(cx.db, key, kind);
    }
    if nan {
        return Err(Error::ScoreNan);
    }
    if fl.incr {
        if processed > 0 {
            out.double(score);
        } else {
            out.null();
        }
    } else {
        out.integer(if fl.ch { added + updated } else { added });
    }
    Ok(())
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
pub(super) fn zadd(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zadd_generic(cx, args, AddFlags::default(), out);
    finish(out, r);
}

/// ZINCRBY key increment member
pub(super) fn zincrby(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let fl = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    let r = zadd_generic(cx, args, fl, out);
    finish(out, r);
}

/// After members left the sorted set at slot `i`: report `kind`, and delete the key if empty.
pub(super) fn removed(cx: &mut Ctx<'_>, key: &[u8], i: usize, h: u64, kind: ChangeKind) {
    cx.events.change(cx.db, key, kind);
    if zset_at(cx, i).len() == 0 {
        cx.keyspace.delete(cx.db, i, h);
        cx.events.change(cx.db, key, ChangeKind::Del);
    }
}

/// ZREM key member [member ...]
pub(super) fn zrem(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let Some((i, h)) = find_zset(cx, args[1])? else {
            out.integer(0);
            return Ok(());
        };
        let n = with_zset(cx, i, |z| args[2..].iter().filter(|m| z.remove(m)).count());
        if n > 0 {
            removed(cx, args[1], i, h, ChangeKind::ZRem);
        }
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// ZSCORE key member
pub(super) fn zscore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|z| match z.and_then(|z| z.score(args[2])) {
        Some(s) => out.double(s),
        None => out.null(),
    });
    finish(out, r);
}

/// ZMSCORE key member [member ...]
pub(super) fn zmscore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|z| {
        out.array(args.len() - 2);
        for m in &args[2..] {
            match z.and_then(|z| z.score(m)) {
                Some(s) => out.double(s),
                None => out.null(),
            }
        }
    });
    finish(out, r);
}

/// ZCARD key
pub(super) fn zcard(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = read(cx, args[1]).map(|z| out.integer(z.map_or(0, |z| z.len() as i64)));
    finish(out, r);
}

/// ZCOUNT key min max
pub(super) fn zcount(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let range = score_range(args[2], args[3])?;
        let n = read(cx, args[1])?.map_or(0, |z| {
            let (from, to) = z.score_ranks(&range);
            to - from
        });
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// ZLEXCOUNT key min max
pub(super) fn zlexcount(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let (min, max) = (lex_item(args[2])?, lex_item(args[3])?);
        let n = read(cx, args[1])?.map_or(0, |z| lex_count(z, &min, &max));
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// How a ZRANGE-family command selects members.
#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    Auto,
    Rank,
    Score,
    Lex,
}

/// Valkey's `zrangeGenericCommand` (without the STORE form). `by` and `rev` are fixed by the
/// older commands, chosen by options for ZRANGE.
fn zrange_generic(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    by: By,
    rev: Option<bool>,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    zrange_select(cx, args, by, rev, false, &mut |items, withscores| {
        reply_members(out, items, withscores);
    })
}

/// Receives a ZRANGE-family selection (members with scores) and whether WITHSCORES was given.
type Emit<'e> = dyn FnMut(&[(&[u8], f64)], bool) + 'e;

/// Parses a ZRANGE-family command (`args[1]` the key, `args[2..4]` the range, options after)
/// and passes the selected members to `emit`. `store` (ZRANGESTORE) refuses WITHSCORES.
fn zrange_select(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    mut by: By,
    rev: Option<bool>,
    store: bool,
    emit: &mut Emit<'_>,
) -> Result<(), Error<'static>> {
    let mut rev_opt = rev;
    let (mut withscores, mut limit) = (false, None::<(i64, i64)>);
    let mut j = 4;
    while j < args.len() {
        let left = args.len() - j - 1;
        if !store && is(args[j], "withscores") {
            withscores = true;
        } else if is(args[j], "limit") && left >= 2 {
            limit = Some((int_arg(args[j + 1])?, int_arg(args[j + 2])?));
            j += 2;
        } else if rev_opt.is_none() && is(args[j], "rev") {
            rev_opt = Some(true);
        } else if by == By::Auto && is(args[j], "bylex") {
            by = By::Lex;
        } else if by == By::Auto && is(args[j], "byscore") {
            by = By::Score;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let rev = rev_opt.unwrap_or(false);
    if by == By::Auto {
        by = By::Rank;
    }
    if limit.is_some() && by == By::Rank {
        return Err(Error::LimitNeedsByscoreOrBylex);
    }
    if withscores && by == By::Lex {
        return Err(Error::WithscoresWithBylex);
    }
    let (mut a, mut b) = (args[2], args[3]);
    if rev && by != By::Rank {
        core::mem::swap(&mut a, &mut b);
    }
    enum Spec {
        Rank(i64, i64),
        Score(ScoreRange),
        Lex(Lex, Lex),
    }
    let spec = match by {
        By::Score => Spec::Score(score_range(a, b)?),
        By::Lex => Spec::Lex(lex_item(a)?, lex_item(b)?),
        _ => Spec::Rank(int_arg(a)?, int_arg(b)?),
    };
    let Some(z) = read(cx, args[1])? else {
        emit(&[], withscores);
        return Ok(());
    };
    // Score ranges, and lex ranges over equal scores, are windows of ranks: LIMIT narrows
    // the window, so only the members replied with are visited.
    let window = match &spec {
        Spec::Rank(..) => None,
        Spec::Score(r) => Some(z.score_ranks(r)),
        Spec::Lex(min, max) => lex_ranks(z, min, max),
    };
    if let Some((from, to)) = window {
        let (from, to) = match limit {
            Some((offset, count)) => limit_window(from, to, offset, count, rev),
            None => (from, to),
        };
        let items: Vec<(&[u8], f64)> = if rev {
            z.by_rank(from, to).rev().collect()
        } else {
            z.by_rank(from, to).collect()
        };
        emit(&items, withscores);
        return Ok(());
    }
    let mut items: Vec<(&[u8], f64)> = match &spec {
        Spec::Rank(s, e) => match rank_range(*s, *e, z.len()) {
            None => Vec::new(),
            Some((s, e)) if rev => {
                let n = z.len();
                z.by_rank(n - 1 - e, n - s).rev().collect()
            }
            Some((s, e)) => z.by_rank(s, e + 1).collect(),
        },
        Spec::Score(r) => z.score_range(r, rev),
        Spec::Lex(min, max) => lex_range(z, min, max, rev),
    };
    if let Some((offset, count)) = limit {
        if offset < 0 {
            items.clear();
        } else {
            let offset = usize::try_from(offset).unwrap_or(usize::MAX);
            items.drain(..offset.min(items.len()));
            if let Ok(count) = usize::try_from(count) {
                items.truncate(count);
            }
        }
    }
    emit(&items, withscores);
    Ok(())
}

/// The ranks `from..to` narrowed by `LIMIT offset count` (a negative offset selects nothing,
/// a negative count everything after the offset), counted from `to` down when `rev`.
fn limit_window(from: usize, to: usize, offset: i64, count: i64, rev: bool) -> (usize, usize) {
    let Ok(offset) = usize::try_from(offset) else {
        return (from, from);
    };
    let offset = offset.min(to - from);
    let len = to - from - offset;
    let len = usize::try_from(count).map_or(len, |c| len.min(c));
    if rev {
        (to - offset - len, to - offset)
    } else {
        (from + offset, from + offset + len)
    }
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
pub(super) fn zrangestore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let mut picked: Vec<(Box<[u8]>, f64)> = Vec::new();
        zrange_select(cx, &args[1..], By::Auto, None, true, &mut |items, _| {
            picked.extend(items.iter().map(|(m, s)| (Box::from(*m), *s)));
        })?;
        let dst = args[1];
        let lim = limits(cx);
        let (found, h) = cx
            .keyspace
            .lookup_or_hash(cx.db, dst, cx.now, cx.events, false);
        if let Some(i) = found {
            cx.keyspace.delete(cx.db, i, h);
        }
        if picked.is_empty() {
            if found.is_some() {
                cx.events.change(cx.db, dst, ChangeKind::Del);
            }
        } else {
            let mut z = ZSet::create(picked.len(), 0, lim);
            for (m, s) in &picked {
                z.insert(m, *s, lim);
            }
            cx.keyspace
                .insert_object(cx.db, h, dst, Object::ZSet(z), cx.now);
            cx.events.change(cx.db, dst, ChangeKind::ZRangeStore);
        }
        out.integer(picked.len() as i64);
        Ok(())
    })();
    finish(out, r);
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
pub(super) fn zrange(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrange_generic(cx, args, By::Auto, None, out);
    finish(out, r);
}

/// ZREVRANGE key start stop [WITHSCORES]
pub(super) fn zrevrange(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrange_generic(cx, args, By::Rank, Some(true), out);
    finish(out, r);
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
pub(super) fn zrangebyscore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrange_generic(cx, args, By::Score, Some(false), out);
    finish(out, r);
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
pub(super) fn zrevrangebyscore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrange_generic(cx, args, By::Score, Some(true), out);
    finish(out, r);
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
pub(super) fn zrangebylex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrange_generic(cx, args, By::Lex, Some(false), out);
    finish(out, r);
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
pub(super) fn zrevrangebylex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrange_generic(cx, args, By::Lex, Some(true), out);
    finish(out, r);
}

fn zrank_generic(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    rev: bool,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    if args.len() > 4 {
        return Err(Error::WrongArity {
            command: if rev { "zrevrank" } else { "zrank" },
        });
    }
    let withscore = match args.get(3) {
        Some(a) if is(a, "withscore") => true,
        Some(_) => return Err(Error::Syntax),
        None => false,
    };
    let found = read(cx, args[1])?.and_then(|z| {
        let (rank, score) = z.rank(args[2])?;
        Some((if rev { z.len() - 1 - rank } else { rank }, score))
    });
    match found {
        Some((rank, score)) => {
            if withscore {
                out.array(2);
            }
            out.integer(rank as i64);
            if withscore {
                out.double(score);
            }
        }
        None if withscore => out.null_array(),
        None => out.null(),
    }
    Ok(())
}

/// ZRANK key member [WITHSCORE]
pub(super) fn zrank(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrank_generic(cx, args, false, out);
    finish(out, r);
}

/// ZREVRANK key member [WITHSCORE]
pub(super) fn zrevrank(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrank_generic(cx, args, true, out);
    finish(out, r);
}

fn zremrange(cx: &mut Ctx<'_>, args: &[&[u8]], by: By, out: &mut dyn ReplySink) {
    let r = (|| {
        enum Spec {
            Rank(i64, i64),
            Score(ScoreRange),
            Lex(Lex, Lex),
        }
        let spec = match by {
            By::Score => Spec::Score(score_range(args[2], args[3])?),
            By::Lex => Spec::Lex(lex_item(args[2])?, lex_item(args[3])?),
            _ => Spec::Rank(int_arg(args[2])?, int_arg(args[3])?),
        };
        let Some((i, h)) = find_zset(cx, args[1])? else {
            out.integer(0);
            return Ok(());
        };
        let doomed: Vec<Box<[u8]>> = {
            let z = zset_at(cx, i);
            let items: Vec<(&[u8], f64)> = match &spec {
                Spec::Rank(s, e) => match rank_range(*s, *e, z.len()) {
                    None => Vec::new(),
                    Some((s, e)) => z.by_rank(s, e + 1).collect(),
                },
                Spec::Score(r) => z.score_range(r, false),
                Spec::Lex(min, max) => lex_range(z, min, max, false),
            };
            items.into_iter().map(|(m, _)| Box::from(m)).collect()
        };
        if !doomed.is_empty() {
            with_zset(cx, i, |z| {
                for m in &doomed {
                    z.remove(m);
                }
            });
            let kind = match by {
                By::Score => ChangeKind::ZRemRangeByScore,
                By::Lex => ChangeKind::ZRemRangeByLex,
                _ => ChangeKind::ZRemRangeByRank,
            };
            removed(cx, args[1], i, h, kind);
        }
        out.integer(doomed.len() as i64);
        Ok(())
    })();
    finish(out, r);
}

/// ZREMRANGEBYRANK key start stop
pub(super) fn zremrangebyrank(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    zremrange(cx, args, By::Rank, out);
}

/// ZREMRANGEBYSCORE key min max
pub(super) fn zremrangebyscore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    zremrange(cx, args, By::Score, out);
}

/// ZREMRANGEBYLEX key min max
pub(super) fn zremrangebylex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    zremrange(cx, args, By::Lex, out);
}

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
pub(super) fn zscan(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let cursor = num::parse_cursor(args[2]).ok_or(Error::InvalidCursor)?;
        let Some(z) = read(cx, args[1])? else {
            reply_scan::<&[u8]>(out, 0, &[]);
            return Ok(());
        };
        let opts = ScanArgs::parse(&args[3..], false)?;
        let mut found: Vec<Box<[u8]>> = Vec::new();
        let next = z.scan(cursor, opts.count, |m, s| {
            if opts.matches(m) {
                found.push(m.into());
                found.push(d2string(s).into_bytes().into());
            }
        });
        reply_scan(out, next, &found);
        Ok(())
    })();
    finish(out, r);
}

/// ZRANDMEMBER key [count [WITHSCORES]]
pub(super) fn zrandmember(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = zrandmember_inner(cx, args, out);
    finish(out, r);
}

fn zrandmember_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let Some(count) = args.get(2) else {
        let r = cx.keyspace.random();
        match read(cx, args[1])? {
            Some(z) if z.len() > 0 => {
                let at = (r % z.len() as u64) as usize;
                if let Some((m, _)) = z.nth(at) {
                    out.bulk(m);
                }
            }
            _ => out.null(),
        }
        return Ok(());
    };
    let l = super::lists::long_arg(count)?;
    if args.len() > 4 || (args.len() == 4 && !is(args[3], "withscores")) {
        return Err(Error::Syntax);
    }
    let withscores = args.len() == 4;
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(Error::OutOfRange);
    }
    let Some((i, _)) = find_zset(cx, args[1])? else {
        out.array(0);
        return Ok(());
    };
    let count = usize::try_from(l.unsigned_abs()).unwrap_or(usize::MAX);
    let size = zset_at(cx, i).len();
    let positions: Vec<usize> = if count == 0 {
        Vec::new()
    } else if l < 0 || count == 1 {
        (0..count)
            .map(|_| super::randoms::position(cx, size))
            .collect()
    } else if count >= size {
        (0..size).collect()
    } else {
        super::randoms::distinct_positions(cx, size, count)
    };
    let z = zset_at(cx, i);
    let pick = z.picker();
    let items: Vec<(&[u8], f64)> = positions.iter().filter_map(|&p| pick(p)).collect();
    reply_members(out, &items, withscores);
    Ok(())
}
