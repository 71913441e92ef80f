//! The list commands (Valkey's `t_list.c`): pushes, pops, ranges, LSET/LREM/LTRIM/LINSERT,
//! LPOS, LMOVE/RPOPLPUSH, LMPOP. The blocking forms are the server's: it re-runs the
//! non-blocking command for a blocked client when [`ChangeKind::may_serve_blocked`] says a key
//! may have become ready.

use super::{finish, int_arg, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::list::{List, ListRef};
use crate::object::{ObjRef, Object};
use crate::reply::ReplySink;

/// Which end of a list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Head,
    Tail,
}

impl End {
    fn push_event(self) -> ChangeKind {
        match self {
            Self::Head => ChangeKind::LPush,
            Self::Tail => ChangeKind::RPush,
        }
    }

    fn pop_event(self) -> ChangeKind {
        match self {
            Self::Head => ChangeKind::LPop,
            Self::Tail => ChangeKind::RPop,
        }
    }
}

/// `LEFT` or `RIGHT` (`getListPositionFromObjectOrReply`).
fn end_arg(arg: &[u8]) -> Result<End, Error<'static>> {
    if is(arg, "right") {
        Ok(End::Tail)
    } else if is(arg, "left") {
        Ok(End::Head)
    } else {
        Err(Error::Syntax)
    }
}

/// An integer in `min..` that answers `e` both when it is not an integer and when it is out of
/// range (`getRangeLongFromObjectOrReply` with a message).
pub(super) fn at_least(arg: &[u8], min: i64, e: Error<'static>) -> Result<i64, Error<'static>> {
    int_arg(arg).ok().filter(|&v| v >= min).ok_or(e)
}

/// A count that must not be negative (`getPositiveLongFromObjectOrReply`).
pub(super) fn positive_arg(arg: &[u8]) -> Result<i64, Error<'static>> {
    at_least(arg, 0, Error::MustBePositive)
}

/// An integer in `-i64::MAX..=i64::MAX` (`getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`).
pub(super) fn long_arg(arg: &[u8]) -> Result<i64, Error<'static>> {
    let v = int_arg(arg)?;
    if v == i64::MIN {
        return Err(Error::OutOfLongRange);
    }
    Ok(v)
}

/// Finds `key`: `None` if absent, its slot and hash if it holds a list, else WRONGTYPE.
fn find_list(
    cx: &mut Ctx<'_>,
    key: &[u8],
    touch: bool,
) -> Result<Option<(usize, u64)>, Error<'static>> {
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, touch) {
        None => Ok(None),
        Some((i, h)) => match cx.keyspace.object(cx.db, i) {
            Some(ObjRef::List(_)) => Ok(Some((i, h))),
            _ => Err(Error::WrongType),
        },
    }
}

fn list<'a>(cx: &'a Ctx<'_>, i: usize) -> ListRef<'a> {
    match cx.keyspace.object(cx.db, i) {
        Some(ObjRef::List(l)) => l,
        _ => unreachable!("checked by find_list"),
    }
}

fn with_list<R>(cx: &mut Ctx<'_>, i: usize, f: impl FnOnce(&mut List) -> R) -> R {
    cx.keyspace.update_object(cx.db, i, |o| match o {
        Object::List(l) => f(l),
        _ => unreachable!("checked by find_list"),
    })
}

/// After elements left the list in slot `i`: delete the key if it is empty (reporting `Del`),
/// else let the encoding shrink back (Valkey's `listElementsRemoved`).
fn removed(cx: &mut Ctx<'_>, key: &[u8], i: usize, h: u64) {
    if list(cx, i).len() == 0 {
        cx.keyspace.delete(cx.db, i, h);
        cx.events.change(cx.db, key, ChangeKind::Del);
    } else {
        let fill = cx.keyspace.config().list_max_listpack_size;
        with_list(cx, i, |l| l.after_shrink(fill));
    }
}

/// Pushes `elements` at `end` of the list at `key`, creating it unless `xx`; the new length, or
/// `None` when `xx` and the key is absent.
fn push_elements(
    cx: &mut Ctx<'_>,
    key: &[u8],
    elements: &[&[u8]],
    end: End,
    xx: bool,
) -> Result<Option<usize>, Error<'static>> {
    let fill = cx.keyspace.config().list_max_listpack_size;
    let i = match find_list(cx, key, true)? {
        Some((i, _)) => i,
        None if xx => return Ok(None),
        None => {
            let h = cx.keyspace.hash(key);
            cx.keyspace
                .insert_object(cx.db, h, key, Object::List(List::new()), cx.now)
        }
    };
    let len = with_list(cx, i, |l| {
        l.before_append(fill, elements.iter().copied());
        for e in elements {
            match end {
                End::Head => l.push_front(e),
                End::Tail => l.push_back(e),
            }
        }
        l.len()
    });
    cx.events.change(cx.db, key, end.push_event());
    Ok(Some(len))
}

fn push(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink, end: End, xx: bool) {
    let r = push_elements(cx, args[1], &args[2..], end, xx)
        .map(|n| out.integer(n.map_or(0, |n| n as i64)));
    finish(out, r);
}

/// LPUSH key element [element ...]
pub(super) fn lpush(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    push(cx, args, out, End::Head, false);
}

/// RPUSH key element [element ...]
pub(super) fn rpush(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    push(cx, args, out, End::Tail, false);
}

/// LPUSHX key element [element ...]
pub(super) fn lpushx(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    push(cx, args, out, End::Head, true);
}

/// RPUSHX key element [element ...]
pub(super) fn rpushx(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    push(cx, args, out, End::Tail, true);
}

/// Replies with elements `start..=end` (already clamped), reversed if asked.
fn reply_range(l: ListRef<'_>, start: usize, end: usize, reverse: bool, out: &mut dyn ReplySink) {
    out.array(end + 1 - start);
    let range = l.iter().skip(start).take(end + 1 - start);
    if reverse {
        for e in range.rev() {
            e.with(|b| out.bulk(b));
        }
    } else {
        for e in range {
            e.with(|b| out.bulk(b));
        }
    }
}

/// Valkey's range normalisation: `None` for an empty range, else the inclusive bounds.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

fn pop(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink, end: End) {
    let r = pop_inner(cx, args, out, end);
    finish(out, r);
}

fn pop_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
    end: End,
) -> Result<(), Error<'static>> {
    if args.len() > 3 {
        return Err(Error::WrongArity {
            command: if end == End::Head { "lpop" } else { "rpop" },
        });
    }
    let count = match args.get(2) {
        Some(a) => Some(positive_arg(a)?),
        None => None,
    };
    let key = args[1];
    let Some((i, h)) = find_list(cx, key, true)? else {
        match count {
            Some(_) => out.null_array(),
            None => out.null(),
        }
        return Ok(());
    };
    match count {
        Some(0) => out.array(0),
        None => {
            let e = with_list(cx, i, |l| match end {
                End::Head => l.pop_front(),
                End::Tail => l.pop_back(),
            });
            out.bulk(&e.unwrap_or_default());
            cx.events.change(cx.db, key, end.pop_event());
            removed(cx, key, i, h);
        }
        Some(n) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            pop_reply(cx, key, i, h, end, n, out);
        }
    }
    Ok(())
}

/// Pops up to `n` from `end`, replies with them as an array, reports the change.
fn pop_reply(
    cx: &mut Ctx<'_>,
    key: &[u8],
    i: usize,
    h: u64,
    end: End,
    n: usize,
    out: &mut dyn ReplySink,
) {
    let taken = with_list(cx, i, |l| l.pop_many(matches!(end, End::Head), n));
    out.array(taken.len());
    for e in &taken {
        out.bulk(e);
    }
    cx.events.change(cx.db, key, end.pop_event());
    removed(cx, key, i, h);
}

/// LPOP key [count]
pub(super) fn lpop(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    pop(cx, args, out, End::Head);
}

/// RPOP key [count]
pub(super) fn rpop(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    pop(cx, args, out, End::Tail);
}

/// LLEN key
pub(super) fn llen(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = find_list(cx, args[1], true)
        .map(|f| out.integer(f.map_or(0, |(i, _)| list(cx, i).len() as i64)));
    finish(out, r);
}

/// LRANGE key start stop
pub(super) fn lrange(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let (start, end) = (int_arg(args[2])?, int_arg(args[3])?);
        match find_list(cx, args[1], true)? {
            None => out.array(0),
            Some((i, _)) => {
                let l = list(cx, i);
                match clamp_range(start, end, l.len()) {
                    None => out.array(0),
                    Some((s, e)) => reply_range(l, s, e, false, out),
                }
            }
        }
        Ok(())
    })();
    finish(out, r);
}

/// The position `index` (negative from the tail) names in a list of `len`, if inside it.
fn position(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { len as i64 + index } else { index };
    usize::try_from(i).ok().filter(|&i| i < len)
}

/// LINDEX key index
pub(super) fn lindex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let Some((i, _)) = find_list(cx, args[1], true)? else {
            out.null();
            return Ok(());
        };
        let index = int_arg(args[2])?;
        let l = list(cx, i);
        match position(index, l.len()).and_then(|p| l.get(p)) {
            Some(e) => e.with(|b| out.bulk(b)),
            None => out.null(),
        }
        Ok(())
    })();
    finish(out, r);
}

/// LSET key index element
pub(super) fn lset(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let Some((i, _)) = find_list(cx, args[1], true)? else {
            return Err(Error::NoSuchKey);
        };
        let index = int_arg(args[2])?;
        let fill = cx.keyspace.config().list_max_listpack_size;
        let done = with_list(cx, i, |l| {
            l.before_append(fill, [args[3]].into_iter());
            match position(index, l.len()) {
                Some(p) => {
                    l.set(p, args[3]);
                    l.after_shrink(fill);
                    true
                }
                None => false,
            }
        });
        if !done {
            return Err(Error::IndexOutOfRange);
        }
        cx.events.change(cx.db, args[1], ChangeKind::LSet);
        out.ok();
        Ok(())
    })();
    finish(out, r);
}

/// LREM key count element
pub(super) fn lrem(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let count = long_arg(args[2])?;
        let Some((i, h)) = find_list(cx, args[1], true)? else {
            out.integer(0);
            return Ok(());
        };
        let element = args[3];
        let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        let n = with_list(cx, i, |l| {
            let mut hits: alloc::vec::Vec<usize> = alloc::vec::Vec::new();
            let matches = l.iter().enumerate().filter(|(_, e)| *e == element);
            if count < 0 {
                hits.extend(matches.rev().map(|(p, _)| p).take(limit));
                hits.reverse();
            } else if count == 0 {
                hits.extend(matches.map(|(p, _)| p));
            } else {
                hits.extend(matches.map(|(p, _)| p).take(limit));
            }
            for &p in hits.iter().rev() {
                l.remove(p);
            }
            hits.len()
        });
        if n > 0 {
            cx.events.change(cx.db, args[1], ChangeKind::LRem);
            removed(cx, args[1], i, h);
        }
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// LTRIM key start stop
pub(super) fn ltrim(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let (start, end) = (int_arg(args[2])?, int_arg(args[3])?);
        let Some((i, h)) = find_list(cx, args[1], true)? else {
            out.ok();
            return Ok(());
        };
        let len = list(cx, i).len();
        let (keep_from, keep_to) = clamp_range(start, end, len).map_or((0, 0), |(s, e)| (s, e + 1));
        if keep_to - keep_from < len {
            with_list(cx, i, |l| l.keep(keep_from, keep_to));
            cx.events.change(cx.db, args[1], ChangeKind::LTrim);
        }
        // Valkey tries the shrinking conversion even when nothing was trimmed.
        removed(cx, args[1], i, h);
        out.ok();
        Ok(())
    })();
    finish(out, r);
}

/// LINSERT key BEFORE|AFTER pivot element
pub(super) fn linsert(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let after = if is(args[2], "after") {
            true
        } else if is(args[2], "before") {
            false
        } else {
            return Err(Error::Syntax);
        };
        let Some((i, _)) = find_list(cx, args[1], true)? else {
            out.integer(0);
            return Ok(());
        };
        let fill = cx.keyspace.config().list_max_listpack_size;
        let (pivot, element) = (args[3], args[4]);
        let len = with_list(cx, i, |l| {
            l.before_append(fill, [element].into_iter());
            let at = l.iter().position(|e| e == pivot)?;
            l.insert(if after { at + 1 } else { at }, element);
            Some(l.len())
        });
        match len {
            Some(n) => {
                cx.events.change(cx.db, args[1], ChangeKind::LInsert);
                out.integer(n as i64);
            }
            None => out.integer(-1),
        }
        Ok(())
    })();
    finish(out, r);
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
pub(super) fn lpos(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let (mut rank, mut count, mut maxlen) = (1i64, None::<i64>, 0i64);
        let mut j = 3;
        while j < args.len() {
            let more = j + 1 < args.len();
            if is(args[j], "rank") && more {
                rank = long_arg(args[j + 1])?;
                if rank == 0 {
                    return Err(Error::RankZero);
                }
            } else if is(args[j], "count") && more {
                count = Some(at_least(args[j + 1], 0, Error::CountNegative)?);
            } else if is(args[j], "maxlen") && more {
                maxlen = at_least(args[j + 1], 0, Error::MaxlenNegative)?;
            } else {
                return Err(Error::Syntax);
            }
            j += 2;
        }
        let Some((i, _)) = find_list(cx, args[1], true)? else {
            match count {
                Some(_) => out.array(0),
                None => out.null(),
            }
            return Ok(());
        };
        let l = list(cx, i);
        let len = l.len();
        let scan = if maxlen == 0 {
            len
        } else {
            usize::try_from(maxlen).unwrap_or(usize::MAX).min(len)
        };
        let skip = usize::try_from(rank.unsigned_abs() - 1).unwrap_or(usize::MAX);
        let want = match count {
            Some(0) => usize::MAX,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => 1,
        };
        let positions: alloc::vec::Vec<usize> = if rank > 0 {
            l.iter()
                .take(scan)
                .enumerate()
                .filter(|(_, e)| *e == args[2])
                .map(|(p, _)| p)
                .skip(skip)
                .take(want)
                .collect()
        } else {
            l.iter()
                .rev()
                .take(scan)
                .enumerate()
                .filter(|(_, e)| *e == args[2])
                .map(|(p, _)| len - 1 - p)
                .skip(skip)
                .take(want)
                .collect()
        };
        match count {
            Some(_) => {
                out.array(positions.len());
                for p in positions {
                    out.integer(p as i64);
                }
            }
            None => match positions.first() {
                Some(&p) => out.integer(p as i64),
                None => out.null(),
            },
        }
        Ok(())
    })();
    finish(out, r);
}

/// Valkey's `lmoveGenericCommand`.
fn lmove_generic(
    cx: &mut Ctx<'_>,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let Some((i, _)) = find_list(cx, src, true)? else {
        out.null();
        return Ok(());
    };
    // The destination's type is checked before anything moves.
    find_list(cx, dst, true)?;
    let value = with_list(cx, i, |l| match from {
        End::Head => l.pop_front(),
        End::Tail => l.pop_back(),
    })
    .unwrap_or_default();
    // The push may add a key and move slots: look the source up again afterwards.
    push_elements(cx, dst, &[&value], to, false)?;
    out.bulk(&value);
    cx.events.change(cx.db, src, from.pop_event());
    if let Some((i, h)) = find_list(cx, src, false)? {
        removed(cx, src, i, h);
    }
    Ok(())
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
pub(super) fn lmove(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = end_arg(args[3])
        .and_then(|from| Ok((from, end_arg(args[4])?)))
        .and_then(|(from, to)| lmove_generic(cx, args[1], args[2], from, to, out));
    finish(out, r);
}

/// RPOPLPUSH source destination
pub(super) fn rpoplpush(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = lmove_generic(cx, args[1], args[2], End::Tail, End::Head, out);
    finish(out, r);
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
pub(super) fn lmpop(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let numkeys = at_least(args[1], 1, Error::NumkeysNotPositive)?;
        let where_idx = usize::try_from(numkeys)
            .ok()
            .and_then(|n| n.checked_add(2))
            .filter(|&w| w < args.len())
            .ok_or(Error::Syntax)?;
        let end = end_arg(args[where_idx])?;
        let mut count = None;
        let mut j = where_idx + 1;
        while j < args.len() {
            if count.is_none() && is(args[j], "count") && j + 1 < args.len() {
                count = Some(at_least(args[j + 1], 1, Error::CountNotPositive)?);
                j += 2;
            } else {
                return Err(Error::Syntax);
            }
        }
        let count = usize::try_from(count.unwrap_or(1)).unwrap_or(usize::MAX);
        for key in &args[2..where_idx] {
            if let Some((i, h)) = find_list(cx, key, true)? {
                out.array(2);
                out.bulk(key);
                pop_reply(cx, key, i, h, end, count, out);
                return Ok(());
            }
        }
        out.null_array();
        Ok(())
    })();
    finish(out, r);
}
