//! EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST
//! (Valkey's `expire.c`).

use super::strings::now_i64;
use super::{finish, int_arg, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::reply::ReplySink;
use crate::time::Millis;

/// EXPIRE key seconds [NX | XX | GT | LT]
pub(super) fn expire(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let base = now_i64(cx.now);
    let r = expire_generic(cx, args, base, true, "expire", out);
    finish(out, r);
}

/// PEXPIRE key milliseconds [NX | XX | GT | LT]
pub(super) fn pexpire(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let base = now_i64(cx.now);
    let r = expire_generic(cx, args, base, false, "pexpire", out);
    finish(out, r);
}

/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
pub(super) fn expireat(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = expire_generic(cx, args, 0, true, "expireat", out);
    finish(out, r);
}

/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
pub(super) fn pexpireat(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = expire_generic(cx, args, 0, false, "pexpireat", out);
    finish(out, r);
}

/// Valkey's `expireGenericCommand`: times may be negative (the key is then deleted).
fn expire_generic<'a>(
    cx: &mut Ctx<'_>,
    args: &[&'a [u8]],
    base: i64,
    seconds: bool,
    command: &'static str,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'a>> {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in &args[3..] {
        if is(opt, "nx") {
            nx = true;
        } else if is(opt, "xx") {
            xx = true;
        } else if is(opt, "gt") {
            gt = true;
        } else if is(opt, "lt") {
            lt = true;
        } else {
            return Err(Error::UnsupportedOption { option: opt });
        }
    }
    if nx && (xx || gt || lt) {
        return Err(Error::ExpireNxWithOthers);
    }
    if gt && lt {
        return Err(Error::ExpireGtAndLt);
    }
    let invalid = Error::InvalidExpireTime { command };
    let mut when = int_arg(args[2])?;
    if seconds {
        when = when.checked_mul(1000).ok_or(invalid)?;
    }
    when = when.checked_add(base).ok_or(invalid)?;
    let key = args[1];
    let Some((i, h)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) else {
        out.integer(0);
        return Ok(());
    };
    let current = cx.keyspace.entry(cx.db, i).expire().map(now_i64);
    let refused = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| when <= c))
        || (lt && current.is_some_and(|c| when >= c));
    if refused {
        out.integer(0);
        return Ok(());
    }
    if when <= now_i64(cx.now) {
        cx.keyspace.delete(cx.db, i, h);
        cx.events.change(cx.db, key, ChangeKind::Del);
    } else {
        cx.keyspace
            .set_expire(cx.db, i, h, Some(Millis(when as u64)));
        cx.events.change(cx.db, key, ChangeKind::Expire);
    }
    out.integer(1);
    Ok(())
}

/// What the TTL family reports.
#[derive(Clone, Copy)]
enum Report {
    TtlSeconds,
    TtlMillis,
    AtSeconds,
    AtMillis,
}

fn ttl_generic(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink, report: Report) {
    let Some((i, _)) = cx.keyspace.lookup(cx.db, args[1], cx.now, cx.events, false) else {
        out.integer(-2);
        return;
    };
    let Some(at) = cx.keyspace.entry(cx.db, i).expire() else {
        out.integer(-1);
        return;
    };
    let at = now_i64(at);
    let ttl = (at - now_i64(cx.now)).max(0);
    out.integer(match report {
        Report::TtlSeconds => (ttl + 500) / 1000,
        Report::TtlMillis => ttl,
        Report::AtSeconds => at / 1000,
        Report::AtMillis => at,
    });
}

/// TTL key
pub(super) fn ttl(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    ttl_generic(cx, args, out, Report::TtlSeconds);
}

/// PTTL key
pub(super) fn pttl(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    ttl_generic(cx, args, out, Report::TtlMillis);
}

/// EXPIRETIME key
pub(super) fn expiretime(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    ttl_generic(cx, args, out, Report::AtSeconds);
}

/// PEXPIRETIME key
pub(super) fn pexpiretime(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    ttl_generic(cx, args, out, Report::AtMillis);
}

/// PERSIST key
pub(super) fn persist(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let key = args[1];
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
        Some((i, h)) if cx.keyspace.entry(cx.db, i).expire().is_some() => {
            cx.keyspace.set_expire(cx.db, i, h, None);
            cx.events.change(cx.db, key, ChangeKind::Persist);
            out.integer(1);
        }
        _ => out.integer(0),
    }
}
