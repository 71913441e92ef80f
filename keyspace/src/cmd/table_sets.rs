//! The set commands' descriptions, from Valkey 8's `src/commands/s*.json`.

use alloc::vec::Vec;

use super::sets as s;
use super::table::{ONE, a3, cmd, f2, f3, info, k, k3, range};
use crate::command::{
    AclCategories as A, BeginSearch, Command, FindKeys, Flags as F, Handler, KeySpec,
    KeySpecFlags as K,
};

const RW_INSERT_1: &[KeySpec] = &[range(k(K::RW, K::INSERT), 1, 0, 1)];
const RW_DELETE_1: &[KeySpec] = &[range(k(K::RW, K::DELETE), 1, 0, 1)];
const RW_ACCESS_DELETE_1: &[KeySpec] = &[range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1)];
const RO_1: &[KeySpec] = &[range(K::RO, 1, 0, 1)];
const RO_ACCESS_1: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, 0, 1)];
const RO_ACCESS_ALL: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, -1, 1)];
const STORE_SPECS: &[KeySpec] = &[
    range(k(K::OW, K::UPDATE), 1, 0, 1),
    range(k(K::RO, K::ACCESS), 2, -1, 1),
];
const SMOVE_SPECS: &[KeySpec] = &[
    range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1),
    range(k(K::RW, K::INSERT), 2, 0, 1),
];
const SINTERCARD_SPECS: &[KeySpec] = &[KeySpec {
    flags: k(K::RO, K::ACCESS),
    begin: BeginSearch::Index(1),
    find: FindKeys::KeyNum {
        key_num_idx: 0,
        first_key: 1,
        step: 1,
    },
}];

const WRITE_FAST: A = a3(A::WRITE, A::SET, A::FAST);
const WRITE_SLOW: A = a3(A::WRITE, A::SET, A::SLOW);
const READ_FAST: A = a3(A::READ, A::SET, A::FAST);
const READ_SLOW: A = a3(A::READ, A::SET, A::SLOW);
const ALL: (i32, i32, i32) = (1, -1, 1);

/// The set commands.
pub(super) fn set_commands() -> Vec<Command<Handler>> {
    let (w, r, fast, oom) = (F::WRITE, F::READONLY, F::FAST, F::DENYOOM);
    let rf = f2(r, fast);
    let c = |name: &'static str, arity, flags, acl, keys, specs, handler| {
        cmd(info(name, name, arity, flags, acl, keys, specs), handler)
    };
    [
        c(
            "sadd",
            -3,
            f3(w, oom, fast),
            WRITE_FAST,
            ONE,
            RW_INSERT_1,
            s::sadd as Handler,
        ),
        c(
            "srem",
            -3,
            f2(w, fast),
            WRITE_FAST,
            ONE,
            RW_DELETE_1,
            s::srem,
        ),
        c("smembers", 2, r, READ_SLOW, ONE, RO_ACCESS_1, s::smembers),
        c("sismember", 3, rf, READ_FAST, ONE, RO_1, s::sismember),
        c("smismember", -3, rf, READ_FAST, ONE, RO_1, s::smismember),
        c("scard", 2, rf, READ_FAST, ONE, RO_1, s::scard),
        c(
            "spop",
            -2,
            f2(w, fast),
            WRITE_FAST,
            ONE,
            RW_ACCESS_DELETE_1,
            s::spop,
        ),
        c(
            "srandmember",
            -2,
            r,
            READ_SLOW,
            ONE,
            RO_ACCESS_1,
            s::srandmember,
        ),
        c(
            "smove",
            4,
            f2(w, fast),
            WRITE_FAST,
            (1, 2, 1),
            SMOVE_SPECS,
            s::smove,
        ),
        c("sinter", -2, r, READ_SLOW, ALL, RO_ACCESS_ALL, s::sinter),
        c("sunion", -2, r, READ_SLOW, ALL, RO_ACCESS_ALL, s::sunion),
        c("sdiff", -2, r, READ_SLOW, ALL, RO_ACCESS_ALL, s::sdiff),
        c(
            "sinterstore",
            -3,
            f2(w, oom),
            WRITE_SLOW,
            ALL,
            STORE_SPECS,
            s::sinterstore,
        ),
        c(
            "sunionstore",
            -3,
            f2(w, oom),
            WRITE_SLOW,
            ALL,
            STORE_SPECS,
            s::sunionstore,
        ),
        c(
            "sdiffstore",
            -3,
            f2(w, oom),
            WRITE_SLOW,
            ALL,
            STORE_SPECS,
            s::sdiffstore,
        ),
        c(
            "sintercard",
            -3,
            f2(r, F::MOVABLE_KEYS),
            READ_SLOW,
            (0, 0, 0),
            SINTERCARD_SPECS,
            s::sintercard,
        ),
        c("sscan", -3, r, READ_SLOW, ONE, RO_ACCESS_1, s::sscan),
    ]
    .into_iter()
    .collect()
}
