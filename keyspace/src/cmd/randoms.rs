//! Random picks for SRANDMEMBER, SPOP, HRANDFIELD and ZRANDMEMBER. Every collection addresses
//! its members by position (in O(log n) at worst once large; a small one is walked once into a
//! list for a pick of many, see `HashRef::picker`), so a single pick is a uniform position, and a
//! pick of distinct members is a set of distinct positions chosen as Valkey's
//! `srandmemberWithCountCommand` (and its hash and sorted set twins) chooses members: when the
//! count is more than a third of the size, start from every position and remove random ones
//! until `count` remain (CASE 3); otherwise add random positions until there are `count`
//! (CASE 4). Either way every subset of `count` members is equally likely.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use crate::command::Ctx;

/// Valkey's `SRANDMEMBER_SUB_STRATEGY_MUL` (and `HRANDFIELD_`, `ZRANDMEMBER_`).
const SUB_STRATEGY_MUL: usize = 3;

/// A uniform position below `size` (> 0).
pub(super) fn position(cx: &mut Ctx<'_>, size: usize) -> usize {
    (cx.keyspace.random() % size as u64) as usize
}

/// `count` distinct positions below `size` (`count < size`), ascending.
pub(super) fn distinct_positions(cx: &mut Ctx<'_>, size: usize, count: usize) -> Vec<usize> {
    if count.saturating_mul(SUB_STRATEGY_MUL) > size {
        let mut all: Vec<usize> = (0..size).collect();
        while all.len() > count {
            let j = position(cx, all.len());
            all.swap_remove(j);
        }
        all.sort_unstable();
        all
    } else {
        let mut picked = BTreeSet::new();
        while picked.len() < count {
            picked.insert(position(cx, size));
        }
        picked.into_iter().collect()
    }
}
