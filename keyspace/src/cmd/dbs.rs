//! Whole-database commands: FLUSHDB, FLUSHALL, SWAPDB, DBSIZE.

use super::{finish, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::num;
use crate::reply::ReplySink;

/// `[ASYNC | SYNC]`: both empty the database now (freeing is cheap without a lazyfree thread).
fn flush_mode(args: &[&[u8]]) -> Result<(), Error<'static>> {
    match args {
        [_] => Ok(()),
        [_, m] if is(m, "async") || is(m, "sync") => Ok(()),
        _ => Err(Error::Syntax),
    }
}

/// FLUSHDB [ASYNC | SYNC]
pub(super) fn flushdb(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = flush_mode(args).map(|()| {
        cx.keyspace.flush_db(cx.db, cx.events);
        out.ok();
    });
    finish(out, r);
}

/// FLUSHALL [ASYNC | SYNC]
pub(super) fn flushall(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = flush_mode(args).map(|()| {
        for db in 0..cx.keyspace.databases() {
            cx.keyspace.flush_db(db, cx.events);
        }
        out.ok();
    });
    finish(out, r);
}

/// SWAPDB index1 index2
pub(super) fn swapdb(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let index = |arg: &[u8], bad: Error<'static>| -> Result<i64, Error<'static>> {
        let v = num::canonical_i64(arg).ok_or(bad)?;
        if i32::try_from(v).is_err() {
            return Err(bad);
        }
        Ok(v)
    };
    let r = index(args[1], Error::InvalidFirstDbIndex).and_then(|a| {
        let b = index(args[2], Error::InvalidSecondDbIndex)?;
        let n = cx.keyspace.databases() as i64;
        if !(0..n).contains(&a) || !(0..n).contains(&b) {
            return Err(Error::DbIndexOutOfRange);
        }
        cx.keyspace.swap_db(a as usize, b as usize, cx.events);
        out.ok();
        Ok(())
    });
    finish(out, r);
}

/// DBSIZE
pub(super) fn dbsize(cx: &mut Ctx<'_>, _args: &[&[u8]], out: &mut dyn ReplySink) {
    out.integer(cx.keyspace.len(cx.db) as i64);
}
