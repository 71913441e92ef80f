//! GET, SET and friends, MGET/MSET, APPEND, STRLEN, GETRANGE, SETRANGE (Valkey's `t_string.c`).

use alloc::vec::Vec;

use super::{finish, int_arg, is, reply_value, string_len, string_value, with_bytes};
use crate::command::Ctx;
use crate::entry::NewValue;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::keyspace::Ttl;
use crate::reply::ReplySink;
use crate::time::Millis;

/// The options SET and GETEX share (Valkey's `parseExtendedStringArgumentsOrReply`).
#[derive(Default)]
struct Ext<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    /// The expire argument and its form.
    expire: Option<(&'a [u8], Unit)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Ex,
    Px,
    ExAt,
    PxAt,
}

fn parse_ext<'a>(args: &[&'a [u8]], from: usize, set: bool) -> Result<Ext<'a>, Error<'static>> {
    let mut o = Ext::default();
    let mut j = from;
    while j < args.len() {
        let opt = args[j];
        let next = args.get(j + 1).copied();
        let unit = o.expire.map(|(_, u)| u);
        let no_ttl_but = |u: Unit| !o.keepttl && !o.persist && unit.is_none_or(|x| x == u);
        if set && is(opt, "nx") && !o.xx {
            o.nx = true;
        } else if set && is(opt, "xx") && !o.nx {
            o.xx = true;
        } else if set && is(opt, "get") {
            o.get = true;
        } else if set && is(opt, "keepttl") && !o.persist && unit.is_none() {
            o.keepttl = true;
        } else if !set && is(opt, "persist") && !o.keepttl && unit.is_none() {
            o.persist = true;
        } else if let (Some(u), Some(v)) = (unit_of(opt), next) {
            if !no_ttl_but(u) {
                return Err(Error::Syntax);
            }
            o.expire = Some((v, u));
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

fn unit_of(opt: &[u8]) -> Option<Unit> {
    if is(opt, "ex") {
        Some(Unit::Ex)
    } else if is(opt, "px") {
        Some(Unit::Px)
    } else if is(opt, "exat") {
        Some(Unit::ExAt)
    } else if is(opt, "pxat") {
        Some(Unit::PxAt)
    } else {
        None
    }
}

/// Valkey's `getExpireMillisecondsOrReply`: a positive time, converted to absolute milliseconds.
fn expire_at(
    arg: &[u8],
    unit: Unit,
    now: Millis,
    command: &'static str,
) -> Result<i64, Error<'static>> {
    let invalid = Error::InvalidExpireTime { command };
    let mut ms = int_arg(arg)?;
    let seconds = matches!(unit, Unit::Ex | Unit::ExAt);
    if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
        return Err(invalid);
    }
    if seconds {
        ms *= 1000;
    }
    if matches!(unit, Unit::Ex | Unit::Px) {
        ms = ms.checked_add(now_i64(now)).ok_or(invalid)?;
    }
    Ok(ms)
}

pub(super) fn now_i64(now: Millis) -> i64 {
    i64::try_from(now.0).unwrap_or(i64::MAX)
}

/// GET key
pub(super) fn get(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = get_generic(cx, args[1], out);
    finish(out, r);
}

/// Valkey's `getGenericCommand`: null, the value, or WRONGTYPE.
fn get_generic(
    cx: &mut Ctx<'_>,
    key: &[u8],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
        None => out.null(),
        Some((i, _)) => reply_value(out, string_value(cx.keyspace.value_at(cx.db, i))?),
    }
    Ok(())
}

/// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]
pub(super) fn set(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = parse_ext(args, 3, true)
        .and_then(|o| set_generic(cx, args[1], args[2], &o, "set", out, SetReplies::SET));
    finish(out, r);
}

/// What SET-like commands reply when they act and when NX/XX stops them.
#[derive(Clone, Copy)]
struct SetReplies {
    ok_is_one: bool,
}

impl SetReplies {
    const SET: Self = Self { ok_is_one: false };
    const SETNX: Self = Self { ok_is_one: true };

    fn ok(self, out: &mut dyn ReplySink) {
        if self.ok_is_one {
            out.integer(1)
        } else {
            out.ok()
        }
    }

    fn abort(self, out: &mut dyn ReplySink) {
        if self.ok_is_one {
            out.integer(0)
        } else {
            out.null()
        }
    }
}

/// Valkey's `setGenericCommand`.
fn set_generic(
    cx: &mut Ctx<'_>,
    key: &[u8],
    value: &[u8],
    o: &Ext<'_>,
    command: &'static str,
    out: &mut dyn ReplySink,
    replies: SetReplies,
) -> Result<(), Error<'static>> {
    let when = match o.expire {
        Some((arg, unit)) => Some(expire_at(arg, unit, cx.now, command)?),
        None => None,
    };
    if o.get {
        get_generic(cx, key, out)?;
    }
    let (found, h) = cx
        .keyspace
        .lookup_or_hash(cx.db, key, cx.now, cx.events, true);
    if (o.nx && found.is_some()) || (o.xx && found.is_none()) {
        if !o.get {
            replies.abort(out);
        }
        return Ok(());
    }
    if let Some(t) = when {
        if t <= now_i64(cx.now) {
            if let Some(i) = found {
                cx.keyspace.delete(cx.db, i, h);
                cx.events.change(cx.db, key, ChangeKind::Del);
            }
            if !o.get {
                replies.ok(out);
            }
            return Ok(());
        }
    }
    let ttl = match when {
        Some(t) => Ttl::At(Millis(t as u64)),
        None if o.keepttl => Ttl::Keep,
        None => Ttl::Clear,
    };
    cx.keyspace
        .write(cx.db, h, key, found, NewValue::Auto(value), ttl, cx.now);
    cx.events.change(cx.db, key, ChangeKind::Set);
    if when.is_some() {
        cx.events.change(cx.db, key, ChangeKind::Expire);
    }
    if !o.get {
        replies.ok(out);
    }
    Ok(())
}

/// SETNX key value
pub(super) fn setnx(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let o = Ext {
        nx: true,
        ..Ext::default()
    };
    let r = set_generic(cx, args[1], args[2], &o, "setnx", out, SetReplies::SETNX);
    finish(out, r);
}

/// SETEX key seconds value
pub(super) fn setex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let o = Ext {
        expire: Some((args[2], Unit::Ex)),
        ..Ext::default()
    };
    let r = set_generic(cx, args[1], args[3], &o, "setex", out, SetReplies::SET);
    finish(out, r);
}

/// PSETEX key milliseconds value
pub(super) fn psetex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let o = Ext {
        expire: Some((args[2], Unit::Px)),
        ..Ext::default()
    };
    let r = set_generic(cx, args[1], args[3], &o, "psetex", out, SetReplies::SET);
    finish(out, r);
}

/// GETSET key value
pub(super) fn getset(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = get_generic(cx, args[1], out).map(|()| {
        let (found, h) = cx
            .keyspace
            .lookup_or_hash(cx.db, args[1], cx.now, cx.events, true);
        cx.keyspace.write(
            cx.db,
            h,
            args[1],
            found,
            NewValue::Auto(args[2]),
            Ttl::Clear,
            cx.now,
        );
        cx.events.change(cx.db, args[1], ChangeKind::Set);
    });
    finish(out, r);
}

/// GETDEL key
pub(super) fn getdel(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = get_generic(cx, args[1], out).map(|()| {
        if let Some((i, h)) = cx.keyspace.lookup(cx.db, args[1], cx.now, cx.events, false) {
            cx.keyspace.delete(cx.db, i, h);
            cx.events.change(cx.db, args[1], ChangeKind::Del);
        }
    });
    finish(out, r);
}

/// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]
pub(super) fn getex(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = getex_inner(cx, args, out);
    finish(out, r);
}

fn getex_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let o = parse_ext(args, 2, false)?;
    let when = match o.expire {
        Some((arg, unit)) => Some((expire_at(arg, unit, cx.now, "getex")?, unit)),
        None => None,
    };
    let key = args[1];
    let Some((i, h)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) else {
        out.null();
        return Ok(());
    };
    reply_value(out, string_value(cx.keyspace.value_at(cx.db, i))?);
    match when {
        Some((t, Unit::ExAt | Unit::PxAt)) if t <= now_i64(cx.now) => {
            cx.keyspace.delete(cx.db, i, h);
            cx.events.change(cx.db, key, ChangeKind::Del);
        }
        Some((t, _)) => {
            cx.keyspace.set_expire(cx.db, i, h, Some(Millis(t as u64)));
            cx.events.change(cx.db, key, ChangeKind::Expire);
        }
        None if o.persist && cx.keyspace.entry(cx.db, i).expire().is_some() => {
            cx.keyspace.set_expire(cx.db, i, h, None);
            cx.events.change(cx.db, key, ChangeKind::Persist);
        }
        None => {}
    }
    Ok(())
}

/// MGET key [key ...]
pub(super) fn mget(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    out.array(args.len() - 1);
    for key in &args[1..] {
        match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
            Some((i, _)) => match string_value(cx.keyspace.value_at(cx.db, i)) {
                Ok(v) => reply_value(out, v),
                Err(_) => out.null(),
            },
            None => out.null(),
        }
    }
}

/// MSET key value [key value ...]
pub(super) fn mset(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    mset_generic(cx, args, out, false);
}

/// MSETNX key value [key value ...]
pub(super) fn msetnx(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    mset_generic(cx, args, out, true);
}

fn mset_generic(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink, nx: bool) {
    if args.len() % 2 == 0 {
        out.error(&Error::WrongArity {
            command: if nx { "msetnx" } else { "mset" },
        });
        return;
    }
    if nx {
        for pair in args[1..].chunks_exact(2) {
            if cx
                .keyspace
                .lookup(cx.db, pair[0], cx.now, cx.events, true)
                .is_some()
            {
                out.integer(0);
                return;
            }
        }
    }
    for pair in args[1..].chunks_exact(2) {
        let (found, h) = cx
            .keyspace
            .lookup_or_hash(cx.db, pair[0], cx.now, cx.events, true);
        cx.keyspace.write(
            cx.db,
            h,
            pair[0],
            found,
            NewValue::Auto(pair[1]),
            Ttl::Clear,
            cx.now,
        );
        cx.events.change(cx.db, pair[0], ChangeKind::Set);
    }
    if nx { out.integer(1) } else { out.ok() }
}

/// Valkey's `checkStringLength`.
fn check_len(cx: &Ctx<'_>, size: u64, append: u64) -> Result<(), Error<'static>> {
    match size.checked_add(append) {
        Some(total) if total <= cx.keyspace.config().proto_max_bulk_len => Ok(()),
        _ => Err(Error::StringTooLong),
    }
}

/// APPEND key value
pub(super) fn append(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = append_inner(cx, args, out);
    finish(out, r);
}

fn append_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let (key, tail) = (args[1], args[2]);
    let (found, h) = cx
        .keyspace
        .lookup_or_hash(cx.db, key, cx.now, cx.events, true);
    let total = match found {
        None => {
            let i = cx
                .keyspace
                .write(cx.db, h, key, None, NewValue::Auto(tail), Ttl::Keep, cx.now);
            string_len(cx.keyspace.value_at(cx.db, i))
        }
        Some(i) => {
            let v = string_value(cx.keyspace.value_at(cx.db, i))?;
            let len = string_len(v);
            check_len(cx, len as u64, tail.len() as u64)?;
            match cx.keyspace.splice_in_room(cx.db, i, len, tail) {
                Some(total) => total,
                None => {
                    let v = cx.keyspace.value_at(cx.db, i);
                    let joined: Vec<u8> = with_bytes(v, |b| [b, tail].concat());
                    cx.keyspace.write(
                        cx.db,
                        h,
                        key,
                        Some(i),
                        NewValue::Grown(&joined),
                        Ttl::Keep,
                        cx.now,
                    );
                    joined.len()
                }
            }
        }
    };
    cx.events.change(cx.db, key, ChangeKind::Append);
    out.integer(total as i64);
    Ok(())
}

/// STRLEN key
pub(super) fn strlen(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = match cx.keyspace.lookup(cx.db, args[1], cx.now, cx.events, true) {
        None => {
            out.integer(0);
            Ok(())
        }
        Some((i, _)) => {
            string_value(cx.keyspace.value_at(cx.db, i)).map(|v| out.integer(string_len(v) as i64))
        }
    };
    finish(out, r);
}

/// GETRANGE key start end
pub(super) fn getrange(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = getrange_inner(cx, args, out);
    finish(out, r);
}

fn getrange_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let mut start = int_arg(args[2])?;
    let mut end = int_arg(args[3])?;
    let Some((i, _)) = cx.keyspace.lookup(cx.db, args[1], cx.now, cx.events, true) else {
        out.bulk(b"");
        return Ok(());
    };
    let v = string_value(cx.keyspace.value_at(cx.db, i))?;
    with_bytes(v, |s| {
        let len = s.len() as i64;
        if start < 0 && end < 0 && start > end {
            out.bulk(b"");
            return;
        }
        if start < 0 {
            start += len;
        }
        if end < 0 {
            end += len;
        }
        start = start.max(0);
        end = end.max(0);
        if end >= len {
            end = len - 1;
        }
        if start > end || len == 0 {
            out.bulk(b"");
        } else {
            out.bulk(&s[start as usize..=end as usize]);
        }
    });
    Ok(())
}

/// SETRANGE key offset value
pub(super) fn setrange(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = setrange_inner(cx, args, out);
    finish(out, r);
}

fn setrange_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let (key, value) = (args[1], args[3]);
    let offset = int_arg(args[2])?;
    if offset < 0 {
        return Err(Error::OffsetOutOfRange);
    }
    let offset = offset as u64;
    let (found, h) = cx
        .keyspace
        .lookup_or_hash(cx.db, key, cx.now, cx.events, true);
    let old: Vec<u8> = match found {
        None => {
            if value.is_empty() {
                out.integer(0);
                return Ok(());
            }
            check_len(cx, offset, value.len() as u64)?;
            Vec::new()
        }
        Some(i) => {
            let v = string_value(cx.keyspace.value_at(cx.db, i))?;
            if value.is_empty() {
                out.integer(string_len(v) as i64);
                return Ok(());
            }
            check_len(cx, offset, value.len() as u64)?;
            if let Some(len) = cx.keyspace.splice_in_room(cx.db, i, offset as usize, value) {
                cx.events.change(cx.db, key, ChangeKind::SetRange);
                out.integer(len as i64);
                return Ok(());
            }
            with_bytes(cx.keyspace.value_at(cx.db, i), <[u8]>::to_vec)
        }
    };
    let off = offset as usize;
    let mut s = old;
    if s.len() < off + value.len() {
        s.resize(off + value.len(), 0);
    }
    s[off..off + value.len()].copy_from_slice(value);
    // A new key gets exactly its bytes, a modified one room to grow (`sdsgrowzero`).
    let new = if found.is_some() {
        NewValue::Grown(&s)
    } else {
        NewValue::Raw(&s)
    };
    cx.keyspace
        .write(cx.db, h, key, found, new, Ttl::Keep, cx.now);
    cx.events.change(cx.db, key, ChangeKind::SetRange);
    out.integer(s.len() as i64);
    Ok(())
}
