//! The data commands, one file per family, and the table that describes them.

mod counters;
mod dbs;
mod expire;
mod hashes;
mod keys;
mod lcs;
mod lists;
mod randoms;
mod scan;
mod sets;
mod strings;
mod table;
mod table_hashes;
mod table_lists;
mod table_sets;
mod table_zsets;
mod zpops;
mod zranges;
mod zsetops;
mod zsets;

pub use table::{data_commands, data_table};

use crate::command::Ctx;
use crate::entry::Value;
use crate::error::Error;
use crate::num;
use crate::reply::ReplySink;

/// ASCII case-insensitive comparison of an argument with an option name.
#[inline]
fn is(arg: &[u8], name: &str) -> bool {
    arg.eq_ignore_ascii_case(name.as_bytes())
}

/// Calls `f` with a value's string bytes (an `int` is formatted on the stack).
#[inline]
fn with_bytes<R>(v: Value<'_>, f: impl FnOnce(&[u8]) -> R) -> R {
    match v {
        Value::Int(i) => f(num::format_i64(i).as_bytes()),
        Value::Bytes(b) => f(b),
        Value::Collection(_) => f(b""),
    }
}

/// Writes a string value as a bulk reply.
#[inline]
fn reply_value(out: &mut dyn ReplySink, v: Value<'_>) {
    with_bytes(v, |b| out.bulk(b));
}

/// STRLEN of a value.
fn string_len(v: Value<'_>) -> usize {
    match v {
        Value::Bytes(b) => b.len(),
        Value::Int(i) => num::format_i64(i).as_bytes().len(),
        Value::Collection(_) => 0,
    }
}

/// The entry's value if it is a string, else [`Error::WrongType`].
#[inline]
fn string_value(v: Value<'_>) -> Result<Value<'_>, Error<'static>> {
    match v {
        Value::Collection(_) => Err(Error::WrongType),
        v => Ok(v),
    }
}

/// An integer argument (`getLongLongFromObjectOrReply`).
fn int_arg(arg: &[u8]) -> Result<i64, Error<'static>> {
    num::canonical_i64(arg).ok_or(Error::NotAnInteger)
}

/// A database index argument (`getIntFromObjectOrReply`), checked against the keyspace.
fn db_arg(cx: &Ctx<'_>, arg: &[u8]) -> Result<usize, Error<'static>> {
    let v = int_arg(arg)?;
    if i32::try_from(v).is_err() {
        return Err(Error::OutOfRange);
    }
    usize::try_from(v)
        .ok()
        .filter(|&d| d < cx.keyspace.databases())
        .ok_or(Error::DbIndexOutOfRange)
}

/// Writes `Ok(())` as nothing and `Err(e)` as the error reply.
fn finish(out: &mut dyn ReplySink, r: Result<(), Error<'_>>) {
    if let Err(e) = r {
        out.error(&e);
    }
}

#[cfg(test)]
mod tests;
