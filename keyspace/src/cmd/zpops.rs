//! The sorted set pops: ZPOPMIN, ZPOPMAX and ZMPOP (BZPOPMIN/BZPOPMAX/BZMPOP run these when a
//! key is ready).

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::zsets::{find_zset, removed, with_zset, zset_at};
use super::{finish, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::reply::ReplySink;

fn zpop(cx: &mut Ctx<'_>, args: &[&[u8]], max: bool, out: &mut dyn ReplySink) {
    let r = (|| {
        if args.len() > 3 {
            return Err(Error::Syntax);
        }
        let count = match args.get(2) {
            Some(c) => Some(super::lists::positive_arg(c)?),
            None => None,
        };
        if count == Some(0) {
            out.array(0);
            return Ok(());
        }
        let Some((i, h)) = find_zset(cx, args[1])? else {
            out.array(0);
            return Ok(());
        };
        let n = count.map_or(1, |c| usize::try_from(c).unwrap_or(usize::MAX));
        let taken = take_ends(cx, i, n, max);
        let items: Vec<(&[u8], f64)> = taken.iter().map(|(m, s)| (&**m, *s)).collect();
        let pairs = count.is_some() && out.resp3();
        out.array(if pairs { items.len() } else { items.len() * 2 });
        for (m, s) in &items {
            if pairs {
                out.array(2);
            }
            out.bulk(m);
            out.double(*s);
        }
        removed(cx, args[1], i, h, pop_kind(max));
        Ok(())
    })();
    finish(out, r);
}

/// ZPOPMIN key [count]
pub(super) fn zpopmin(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    zpop(cx, args, false, out);
}

/// ZPOPMAX key [count]
pub(super) fn zpopmax(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    zpop(cx, args, true, out);
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
pub(super) fn zmpop(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let numkeys = super::lists::at_least(args[1], 1, Error::NumkeysNotPositive)?;
        let where_idx = usize::try_from(numkeys)
            .ok()
            .and_then(|n| n.checked_add(2))
            .filter(|&w| w < args.len())
            .ok_or(Error::Syntax)?;
        let max = if is(args[where_idx], "max") {
            true
        } else if is(args[where_idx], "min") {
            false
        } else {
            return Err(Error::Syntax);
        };
        let mut count = None;
        let mut j = where_idx + 1;
        while j < args.len() {
            if count.is_none() && is(args[j], "count") && j + 1 < args.len() {
                count = Some(super::lists::at_least(
                    args[j + 1],
                    1,
                    Error::CountNotPositive,
                )?);
                j += 2;
            } else {
                return Err(Error::Syntax);
            }
        }
        let n = usize::try_from(count.unwrap_or(1)).unwrap_or(usize::MAX);
        for key in &args[2..where_idx] {
            let Some((i, h)) = find_zset(cx, key)? else {
                continue;
            };
            let taken = take_ends(cx, i, n, max);
            out.array(2);
            out.bulk(key);
            out.array(taken.len());
            for (m, s) in &taken {
                out.array(2);
                out.bulk(m);
                out.double(*s);
            }
            removed(cx, key, i, h, pop_kind(max));
            return Ok(());
        }
        out.null_array();
        Ok(())
    })();
    finish(out, r);
}

/// Removes up to `n` members from the low (or high) end of the sorted set at slot `i`.
fn take_ends(cx: &mut Ctx<'_>, i: usize, n: usize, max: bool) -> Vec<(Box<[u8]>, f64)> {
    let taken: Vec<(Box<[u8]>, f64)> = {
        let z = zset_at(cx, i);
        let pick = |(m, s): (&[u8], f64)| (Box::from(m), s);
        if max {
            z.iter().rev().take(n).map(pick).collect()
        } else {
            z.iter().take(n).map(pick).collect()
        }
    };
    with_zset(cx, i, |z| {
        for (m, _) in &taken {
            z.remove(m);
        }
    });
    taken
}

/// The change a pop from the top (`max`) or the bottom reports.
const fn pop_kind(max: bool) -> ChangeKind {
    if max {
        ChangeKind::ZPopMax
    } else {
        ChangeKind::ZPopMin
    }
}
