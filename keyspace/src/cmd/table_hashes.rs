//! The hash commands' descriptions, from Valkey 8's `src/commands/h*.json`.

use alloc::vec::Vec;

use super::hashes as h;
use super::table::{ONE, a3, cmd, f2, f3, info, k, k3, range};
use crate::command::{
    AclCategories as A, Command, Flags as F, Handler, KeySpec, KeySpecFlags as K,
};

const RW_UPDATE_1: &[KeySpec] = &[range(k(K::RW, K::UPDATE), 1, 0, 1)];
const RW_INSERT_1: &[KeySpec] = &[range(k(K::RW, K::INSERT), 1, 0, 1)];
const RW_DELETE_1: &[KeySpec] = &[range(k(K::RW, K::DELETE), 1, 0, 1)];
const RW_ACCESS_UPDATE_1: &[KeySpec] = &[range(k3(K::RW, K::ACCESS, K::UPDATE), 1, 0, 1)];
const RO_1: &[KeySpec] = &[range(K::RO, 1, 0, 1)];
const RO_ACCESS_1: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, 0, 1)];

const WRITE_FAST: A = a3(A::WRITE, A::HASH, A::FAST);
const READ_FAST: A = a3(A::READ, A::HASH, A::FAST);
const READ_SLOW: A = a3(A::READ, A::HASH, A::SLOW);

/// The hash commands.
pub(super) fn hash_commands() -> Vec<Command<Handler>> {
    let (w, r, fast, oom) = (F::WRITE, F::READONLY, F::FAST, F::DENYOOM);
    let set = f3(w, oom, fast);
    let rf = f2(r, fast);
    let c = |name: &'static str, arity, flags, acl, specs, handler| {
        cmd(info(name, name, arity, flags, acl, ONE, specs), handler)
    };
    [
        c("hset", -4, set, WRITE_FAST, RW_UPDATE_1, h::hset as Handler),
        c("hsetnx", 4, set, WRITE_FAST, RW_INSERT_1, h::hsetnx),
        c("hmset", -4, set, WRITE_FAST, RW_UPDATE_1, h::hmset),
        c("hget", 3, rf, READ_FAST, RO_ACCESS_1, h::hget),
        c("hmget", -3, rf, READ_FAST, RO_ACCESS_1, h::hmget),
        c("hdel", -3, f2(w, fast), WRITE_FAST, RW_DELETE_1, h::hdel),
        c("hlen", 2, rf, READ_FAST, RO_1, h::hlen),
        c("hexists", 3, rf, READ_FAST, RO_1, h::hexists),
        c("hstrlen", 3, rf, READ_FAST, RO_1, h::hstrlen),
        c("hgetall", 2, r, READ_SLOW, RO_ACCESS_1, h::hgetall),
        c("hkeys", 2, r, READ_SLOW, RO_ACCESS_1, h::hkeys),
        c("hvals", 2, r, READ_SLOW, RO_ACCESS_1, h::hvals),
        c(
            "hincrby",
            4,
            set,
            WRITE_FAST,
            RW_ACCESS_UPDATE_1,
            h::hincrby,
        ),
        c(
            "hincrbyfloat",
            4,
            set,
            WRITE_FAST,
            RW_ACCESS_UPDATE_1,
            h::hincrbyfloat,
        ),
        c("hrandfield", -2, r, READ_SLOW, RO_ACCESS_1, h::hrandfield),
        c("hscan", -3, r, READ_SLOW, RO_ACCESS_1, h::hscan),
    ]
    .into_iter()
    .collect()
}
