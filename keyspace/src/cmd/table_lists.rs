//! The list commands' descriptions, from Valkey 8's `src/commands/l*.json` and `r*.json`.

use alloc::vec;
use alloc::vec::Vec;

use super::lists;
use super::table::{ONE, a3, cmd, f2, f3, info, k, k3, range};
use crate::command::{
    AclCategories as A, BeginSearch, Command, FindKeys, Flags as F, Handler, KeySpec,
    KeySpecFlags as K,
};

const RW_INSERT_1: &[KeySpec] = &[range(k(K::RW, K::INSERT), 1, 0, 1)];
const RW_ACCESS_DELETE_1: &[KeySpec] = &[range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1)];
const RO_1: &[KeySpec] = &[range(K::RO, 1, 0, 1)];
const RO_ACCESS_1: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, 0, 1)];
const RW_UPDATE_1: &[KeySpec] = &[range(k(K::RW, K::UPDATE), 1, 0, 1)];
const RW_DELETE_1: &[KeySpec] = &[range(k(K::RW, K::DELETE), 1, 0, 1)];
const MOVE_SPECS: &[KeySpec] = &[
    range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1),
    range(k(K::RW, K::INSERT), 2, 0, 1),
];
const LMPOP_SPECS: &[KeySpec] = &[KeySpec {
    flags: k3(K::RW, K::ACCESS, K::DELETE),
    begin: BeginSearch::Index(1),
    find: FindKeys::KeyNum {
        key_num_idx: 0,
        first_key: 1,
        step: 1,
    },
}];

const WRITE_FAST: A = a3(A::WRITE, A::LIST, A::FAST);
const WRITE_SLOW: A = a3(A::WRITE, A::LIST, A::SLOW);
const READ_FAST: A = a3(A::READ, A::LIST, A::FAST);
const READ_SLOW: A = a3(A::READ, A::LIST, A::SLOW);

/// The list commands.
pub(super) fn list_commands() -> Vec<Command<Handler>> {
    let (w, r, fast, oom) = (F::WRITE, F::READONLY, F::FAST, F::DENYOOM);
    let push = f3(w, oom, fast);
    vec![
        cmd(
            info("lpush", "lpush", -3, push, WRITE_FAST, ONE, RW_INSERT_1),
            lists::lpush,
        ),
        cmd(
            info("rpush", "rpush", -3, push, WRITE_FAST, ONE, RW_INSERT_1),
            lists::rpush,
        ),
        cmd(
            info("lpushx", "lpushx", -3, push, WRITE_FAST, ONE, RW_INSERT_1),
            lists::lpushx,
        ),
        cmd(
            info("rpushx", "rpushx", -3, push, WRITE_FAST, ONE, RW_INSERT_1),
            lists::rpushx,
        ),
        cmd(
            info(
                "lpop",
                "lpop",
                -2,
                f2(w, fast),
                WRITE_FAST,
                ONE,
                RW_ACCESS_DELETE_1,
            ),
            lists::lpop,
        ),
        cmd(
            info(
                "rpop",
                "rpop",
                -2,
                f2(w, fast),
                WRITE_FAST,
                ONE,
                RW_ACCESS_DELETE_1,
            ),
            lists::rpop,
        ),
        cmd(
            info("llen", "llen", 2, f2(r, fast), READ_FAST, ONE, RO_1),
            lists::llen,
        ),
        cmd(
            info("lrange", "lrange", 4, r, READ_SLOW, ONE, RO_ACCESS_1),
            lists::lrange,
        ),
        cmd(
            info("lindex", "lindex", 3, r, READ_SLOW, ONE, RO_ACCESS_1),
            lists::lindex,
        ),
        cmd(
            info("lset", "lset", 4, f2(w, oom), WRITE_SLOW, ONE, RW_UPDATE_1),
            lists::lset,
        ),
        cmd(
            info("lrem", "lrem", 4, w, WRITE_SLOW, ONE, RW_DELETE_1),
            lists::lrem,
        ),
        cmd(
            info("ltrim", "ltrim", 4, w, WRITE_SLOW, ONE, RW_DELETE_1),
            lists::ltrim,
        ),
        cmd(
            info(
                "linsert",
                "linsert",
                5,
                f2(w, oom),
                WRITE_SLOW,
                ONE,
                RW_INSERT_1,
            ),
            lists::linsert,
        ),
        cmd(
            info("lpos", "lpos", -3, r, READ_SLOW, ONE, RO_1),
            lists::lpos,
        ),
        cmd(
            info(
                "lmove",
                "lmove",
                5,
                f2(w, oom),
                WRITE_SLOW,
                (1, 2, 1),
                MOVE_SPECS,
            ),
            lists::lmove,
        ),
        cmd(
            info(
                "rpoplpush",
                "rpoplpush",
                3,
                f2(w, oom),
                WRITE_SLOW,
                (1, 2, 1),
                MOVE_SPECS,
            ),
            lists::rpoplpush,
        ),
        cmd(
            info(
                "lmpop",
                "lmpop",
                -4,
                f2(w, F::MOVABLE_KEYS),
                WRITE_SLOW,
                (0, 0, 0),
                LMPOP_SPECS,
            ),
            lists::lmpop,
        ),
    ]
}
