//! The sorted set commands' descriptions, from Valkey 8's `src/commands/z*.json`.

use alloc::vec::Vec;

use super::table::{ONE, a3, cmd, f2, f3, info, k, k3, range};
use super::zpops as p;
use super::zsetops as o;
use super::zsets as z;
use crate::command::{
    AclCategories as A, BeginSearch, Command, FindKeys, Flags as F, Handler, KeySpec,
    KeySpecFlags as K,
};

const RW_UPDATE_1: &[KeySpec] = &[range(k(K::RW, K::UPDATE), 1, 0, 1)];
const RW_DELETE_1: &[KeySpec] = &[range(k(K::RW, K::DELETE), 1, 0, 1)];
const RW_ACCESS_DELETE_1: &[KeySpec] = &[range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1)];
const RO_1: &[KeySpec] = &[range(K::RO, 1, 0, 1)];
const RO_ACCESS_1: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, 0, 1)];

const ZRANGESTORE_SPECS: &[KeySpec] = &[
    range(k(K::OW, K::UPDATE), 1, 0, 1),
    range(k(K::RO, K::ACCESS), 2, 0, 1),
];
const ZMPOP_SPECS: &[KeySpec] = &[KeySpec {
    flags: k3(K::RW, K::ACCESS, K::DELETE),
    begin: BeginSearch::Index(1),
    find: FindKeys::KeyNum {
        key_num_idx: 0,
        first_key: 1,
        step: 1,
    },
}];

const NUMKEYS_1: &[KeySpec] = &[KeySpec {
    flags: k(K::RO, K::ACCESS),
    begin: BeginSearch::Index(1),
    find: FindKeys::KeyNum {
        key_num_idx: 0,
        first_key: 1,
        step: 1,
    },
}];
const STORE_NUMKEYS: &[KeySpec] = &[
    range(k(K::OW, K::UPDATE), 1, 0, 1),
    KeySpec {
        flags: k(K::RO, K::ACCESS),
        begin: BeginSearch::Index(2),
        find: FindKeys::KeyNum {
            key_num_idx: 0,
            first_key: 1,
            step: 1,
        },
    },
];

const WRITE_FAST: A = a3(A::WRITE, A::SORTEDSET, A::FAST);
const WRITE_SLOW: A = a3(A::WRITE, A::SORTEDSET, A::SLOW);
const READ_FAST: A = a3(A::READ, A::SORTEDSET, A::FAST);
const READ_SLOW: A = a3(A::READ, A::SORTEDSET, A::SLOW);

/// The sorted set commands.
pub(super) fn zset_commands() -> Vec<Command<Handler>> {
    let (w, r, fast, oom) = (F::WRITE, F::READONLY, F::FAST, F::DENYOOM);
    let add = f3(w, oom, fast);
    let rf = f2(r, fast);
    let wf = f2(w, fast);
    let c = |name: &'static str, arity, flags, acl, specs, handler| {
        cmd(info(name, name, arity, flags, acl, ONE, specs), handler)
    };
    [
        c("zadd", -4, add, WRITE_FAST, RW_UPDATE_1, z::zadd as Handler),
        c("zincrby", 4, add, WRITE_FAST, RW_UPDATE_1, z::zincrby),
        c("zrem", -3, wf, WRITE_FAST, RW_DELETE_1, z::zrem),
        c("zscore", 3, rf, READ_FAST, RO_1, z::zscore),
        c("zmscore", -3, rf, READ_FAST, RO_1, z::zmscore),
        c("zcard", 2, rf, READ_FAST, RO_1, z::zcard),
        c("zcount", 4, rf, READ_FAST, RO_1, z::zcount),
        c("zlexcount", 4, rf, READ_FAST, RO_1, z::zlexcount),
        c("zrange", -4, r, READ_SLOW, RO_ACCESS_1, z::zrange),
        c("zrevrange", -4, r, READ_SLOW, RO_ACCESS_1, z::zrevrange),
        c(
            "zrangebyscore",
            -4,
            r,
            READ_SLOW,
            RO_ACCESS_1,
            z::zrangebyscore,
        ),
        c(
            "zrevrangebyscore",
            -4,
            r,
            READ_SLOW,
            RO_ACCESS_1,
            z::zrevrangebyscore,
        ),
        c("zrangebylex", -4, r, READ_SLOW, RO_ACCESS_1, z::zrangebylex),
        c(
            "zrevrangebylex",
            -4,
            r,
            READ_SLOW,
            RO_ACCESS_1,
            z::zrevrangebylex,
        ),
        c("zrank", -3, rf, READ_FAST, RO_1, z::zrank),
        c("zrevrank", -3, rf, READ_FAST, RO_1, z::zrevrank),
        c(
            "zpopmin",
            -2,
            wf,
            WRITE_FAST,
            RW_ACCESS_DELETE_1,
            p::zpopmin,
        ),
        c(
            "zpopmax",
            -2,
            wf,
            WRITE_FAST,
            RW_ACCESS_DELETE_1,
            p::zpopmax,
        ),
        c(
            "zremrangebyrank",
            4,
            w,
            WRITE_SLOW,
            RW_DELETE_1,
            z::zremrangebyrank,
        ),
        c(
            "zremrangebyscore",
            4,
            w,
            WRITE_SLOW,
            RW_DELETE_1,
            z::zremrangebyscore,
        ),
        c(
            "zremrangebylex",
            4,
            w,
            WRITE_SLOW,
            RW_DELETE_1,
            z::zremrangebylex,
        ),
        c("zscan", -3, r, READ_SLOW, RO_ACCESS_1, z::zscan),
        c("zrandmember", -2, r, READ_SLOW, RO_ACCESS_1, z::zrandmember),
    ]
    .into_iter()
    .chain([
        cmd(
            info(
                "zrangestore",
                "zrangestore",
                -5,
                f2(w, oom),
                WRITE_SLOW,
                (1, 2, 1),
                ZRANGESTORE_SPECS,
            ),
            z::zrangestore,
        ),
        cmd(
            info(
                "zmpop",
                "zmpop",
                -4,
                f2(w, F::MOVABLE_KEYS),
                WRITE_SLOW,
                (0, 0, 0),
                ZMPOP_SPECS,
            ),
            p::zmpop,
        ),
    ])
    .chain(
        [
            ("zunion", o::zunion as Handler),
            ("zinter", o::zinter),
            ("zdiff", o::zdiff),
            ("zintercard", o::zintercard),
        ]
        .map(|(name, h)| {
            let f = f2(r, F::MOVABLE_KEYS);
            cmd(info(name, name, -3, f, READ_SLOW, (0, 0, 0), NUMKEYS_1), h)
        }),
    )
    .chain(
        [
            ("zunionstore", o::zunionstore as Handler),
            ("zinterstore", o::zinterstore),
            ("zdiffstore", o::zdiffstore),
        ]
        .map(|(name, h)| {
            let f = f3(w, oom, F::MOVABLE_KEYS);
            cmd(
                info(name, name, -4, f, WRITE_SLOW, (1, 1, 1), STORE_NUMKEYS),
                h,
            )
        }),
    )
    .collect()
}
