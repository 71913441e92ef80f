//! INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.

use super::{finish, int_arg, string_value, with_bytes};
use crate::command::Ctx;
use crate::entry::{Encoding, NewValue, Value};
use crate::error::Error;
use crate::events::ChangeKind;
use crate::keyspace::Ttl;
use crate::longdouble;
use crate::num;
use crate::reply::ReplySink;

/// INCR key
pub(super) fn incr(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = incr_by(cx, args[1], 1, out);
    finish(out, r);
}

/// DECR key
pub(super) fn decr(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = incr_by(cx, args[1], -1, out);
    finish(out, r);
}

/// INCRBY key increment
pub(super) fn incrby(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = int_arg(args[2]).and_then(|n| incr_by(cx, args[1], n, out));
    finish(out, r);
}

/// DECRBY key decrement
pub(super) fn decrby(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = int_arg(args[2]).and_then(|n| {
        if n == i64::MIN {
            return Err(Error::DecrOverflow);
        }
        incr_by(cx, args[1], -n, out)
    });
    finish(out, r);
}

/// Valkey's `incrDecrCommand`. An `int` value is updated in place, without allocating.
fn incr_by(
    cx: &mut Ctx<'_>,
    key: &[u8],
    by: i64,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let (found, h) = cx
        .keyspace
        .lookup_or_hash(cx.db, key, cx.now, cx.events, true);
    let old = match found {
        Some(i) => match string_value(cx.keyspace.value_at(cx.db, i))? {
            Value::Int(v) => v,
            Value::Bytes(b) => num::canonical_i64(b).ok_or(Error::NotAnInteger)?,
            Value::Collection(_) => return Err(Error::WrongType),
        },
        None => 0,
    };
    let new = old.checked_add(by).ok_or(Error::IncrOverflow)?;
    match found {
        Some(i) if cx.keyspace.entry(cx.db, i).encoding() == Encoding::Int => {
            let tracked = cx.keyspace.tracked();
            cx.keyspace
                .entry_mut(cx.db, i)
                .set_int_in_place(tracked, new);
        }
        _ => {
            cx.keyspace
                .write(cx.db, h, key, found, NewValue::Int(new), Ttl::Keep, cx.now);
        }
    }
    cx.events.change(cx.db, key, ChangeKind::IncrBy);
    out.integer(new);
    Ok(())
}

/// INCRBYFLOAT key increment
pub(super) fn incrbyfloat(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = incrbyfloat_inner(cx, args, out);
    finish(out, r);
}

fn incrbyfloat_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let key = args[1];
    let (found, h) = cx
        .keyspace
        .lookup_or_hash(cx.db, key, cx.now, cx.events, true);
    let old = match found {
        Some(i) => match string_value(cx.keyspace.value_at(cx.db, i))? {
            Value::Int(v) => longdouble::Ld::from_i64(v),
            v => with_bytes(v, longdouble::parse).ok_or(Error::NotAFloat)?,
        },
        None => longdouble::Ld::Zero { neg: false },
    };
    let by = longdouble::parse(args[2]).ok_or(Error::NotAFloat)?;
    let sum = longdouble::add(old, by)
        .filter(|s| s.is_finite())
        .ok_or(Error::NanOrInfinity)?;
    let text = longdouble::format_human(sum);
    cx.keyspace.write(
        cx.db,
        h,
        key,
        found,
        NewValue::Str(text.as_bytes()),
        Ttl::Keep,
        cx.now,
    );
    cx.events.change(cx.db, key, ChangeKind::IncrByFloat);
    out.bulk(text.as_bytes());
    Ok(())
}
