//! LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (Valkey's `lcsCommand`).

use alloc::vec::Vec;

use super::{finish, int_arg, is, with_bytes};
use crate::command::Ctx;
use crate::entry::Value;
use crate::error::Error;
use crate::reply::ReplySink;

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
pub(super) fn lcs(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = lcs_inner(cx, args, out);
    finish(out, r);
}

fn owned(cx: &mut Ctx<'_>, key: &[u8]) -> Result<Vec<u8>, Error<'static>> {
    match cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) {
        Some((i, _)) => match cx.keyspace.value_at(cx.db, i) {
            Value::Collection(_) => Err(Error::LcsNotStrings),
            v => Ok(with_bytes(v, <[u8]>::to_vec)),
        },
        None => Ok(Vec::new()),
    }
}

fn lcs_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let a = owned(cx, args[1])?;
    let b = owned(cx, args[2])?;
    let (mut getlen, mut getidx, mut withmatchlen, mut minmatchlen) = (false, false, false, 0i64);
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        if is(args[j], "idx") {
            getidx = true;
        } else if is(args[j], "len") {
            getlen = true;
        } else if is(args[j], "withmatchlen") {
            withmatchlen = true;
        } else if is(args[j], "minmatchlen") && more {
            minmatchlen = int_arg(args[j + 1])?.max(0);
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if getlen && getidx {
        return Err(Error::LcsLenAndIdx);
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells.saturating_mul(4) > cx.keyspace.config().proto_max_bulk_len {
        return Err(Error::LcsTooLarge);
    }
    let w = blen + 1;
    let mut t = alloc::vec![0u32; (alen + 1) * w];
    for i in 1..=alen {
        for jj in 1..=blen {
            t[i * w + jj] = if a[i - 1] == b[jj - 1] {
                t[(i - 1) * w + jj - 1] + 1
            } else {
                t[(i - 1) * w + jj].max(t[i * w + jj - 1])
            };
        }
    }
    let total = t[alen * w + blen];
    if getlen {
        out.integer(i64::from(total));
        return Ok(());
    }
    // Walk back exactly as Valkey does, collecting the string and the ranges.
    let mut result = alloc::vec![0u8; total as usize];
    let mut idx = total as usize;
    let mut ranges: Vec<[u32; 5]> = Vec::new();
    let (mut i, mut jj) = (alen, blen);
    let (mut astart, mut aend, mut bstart, mut bend) = (alen, 0usize, 0usize, 0usize);
    while i > 0 && jj > 0 {
        let mut emit = false;
        if a[i - 1] == b[jj - 1] {
            result[idx - 1] = a[i - 1];
            if astart == alen {
                astart = i - 1;
                aend = i - 1;
                bstart = jj - 1;
                bend = jj - 1;
            } else if astart == i && bstart == jj {
                astart -= 1;
                bstart -= 1;
            } else {
                emit = true;
            }
            if astart == 0 || bstart == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            jj -= 1;
        } else {
            if t[(i - 1) * w + jj] > t[i * w + jj - 1] {
                i -= 1;
            } else {
                jj -= 1;
            }
            if astart != alen {
                emit = true;
            }
        }
        if emit {
            let len = (aend - astart + 1) as u32;
            if minmatchlen == 0 || i64::from(len) >= minmatchlen {
                ranges.push([astart as u32, aend as u32, bstart as u32, bend as u32, len]);
            }
            astart = alen;
        }
    }
    if getidx {
        out.map(2);
        out.bulk(b"matches");
        out.array(ranges.len());
        for r in &ranges {
            out.array(2 + usize::from(withmatchlen));
            out.array(2);
            out.integer(i64::from(r[0]));
            out.integer(i64::from(r[1]));
            out.array(2);
            out.integer(i64::from(r[2]));
            out.integer(i64::from(r[3]));
            if withmatchlen {
                out.integer(i64::from(r[4]));
            }
        }
        out.bulk(b"len");
        out.integer(i64::from(total));
    } else {
        out.bulk(&result);
    }
    Ok(())
}
