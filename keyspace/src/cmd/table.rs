//! The data commands' descriptions, taken from Valkey 8's `src/commands/*.json`.

use alloc::vec;
use alloc::vec::Vec;

use super::{counters, dbs, expire, keys, lcs, strings};
use crate::command::{
    AclCategories as A, BeginSearch, Command, CommandInfo, CommandTable, FindKeys, Flags as F,
    Handler, KeySpec, KeySpecFlags as K,
};

pub(super) const fn range(flags: K, index: i32, last_key: i32, step: i32) -> KeySpec {
    KeySpec {
        flags,
        begin: BeginSearch::Index(index),
        find: FindKeys::Range {
            last_key,
            step,
            limit: 0,
        },
    }
}

pub(super) const fn k(a: K, b: K) -> K {
    a.union(b)
}
pub(super) const fn k3(a: K, b: K, c: K) -> K {
    a.union(b).union(c)
}

// Key specs shared by several commands.
const RO_ACCESS_1: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, 0, 1)];
const RO_1: &[KeySpec] = &[range(K::RO, 1, 0, 1)];
const RO_2: &[KeySpec] = &[range(K::RO, 2, 0, 1)];
const RO_ALL: &[KeySpec] = &[range(K::RO, 1, -1, 1)];
const RO_ACCESS_ALL: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, -1, 1)];
const RW_ACCESS_UPDATE_1: &[KeySpec] = &[range(k3(K::RW, K::ACCESS, K::UPDATE), 1, 0, 1)];
const RW_UPDATE_1: &[KeySpec] = &[range(k(K::RW, K::UPDATE), 1, 0, 1)];
const RW_INSERT_1: &[KeySpec] = &[range(k(K::RW, K::INSERT), 1, 0, 1)];
const OW_UPDATE_1: &[KeySpec] = &[range(k(K::OW, K::UPDATE), 1, 0, 1)];
const OW_INSERT_1: &[KeySpec] = &[range(k(K::OW, K::INSERT), 1, 0, 1)];
const RM_DELETE_ALL: &[KeySpec] = &[range(k(K::RM, K::DELETE), 1, -1, 1)];
const SET_SPECS: &[KeySpec] = &[range(
    k(k3(K::RW, K::ACCESS, K::UPDATE), K::VARIABLE_FLAGS),
    1,
    0,
    1,
)];
const GETDEL_SPECS: &[KeySpec] = &[range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1)];
const MSET_SPECS: &[KeySpec] = &[range(k(K::OW, K::UPDATE), 1, -1, 2)];
const MSETNX_SPECS: &[KeySpec] = &[range(k(K::OW, K::INSERT), 1, -1, 2)];
const LCS_SPECS: &[KeySpec] = &[range(k(K::RO, K::ACCESS), 1, 1, 1)];
const RENAME_SPECS: &[KeySpec] = &[
    range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1),
    range(k(K::OW, K::UPDATE), 2, 0, 1),
];
const RENAMENX_SPECS: &[KeySpec] = &[
    range(k3(K::RW, K::ACCESS, K::DELETE), 1, 0, 1),
    range(k(K::OW, K::INSERT), 2, 0, 1),
];
const COPY_SPECS: &[KeySpec] = &[
    range(k(K::RO, K::ACCESS), 1, 0, 1),
    range(k(K::OW, K::UPDATE), 2, 0, 1),
];
const NONE: &[KeySpec] = &[];

#[allow(clippy::too_many_arguments)]
pub(super) const fn info(
    name: &'static str,
    full_name: &'static str,
    arity: i32,
    flags: F,
    acl: A,
    keys: (i32, i32, i32),
    key_specs: &'static [KeySpec],
) -> CommandInfo {
    CommandInfo {
        name,
        full_name,
        arity,
        flags,
        acl,
        first_key: keys.0,
        last_key: keys.1,
        step: keys.2,
        key_specs,
    }
}

pub(super) const fn f2(a: F, b: F) -> F {
    a.union(b)
}
pub(super) const fn f3(a: F, b: F, c: F) -> F {
    a.union(b).union(c)
}
pub(super) const fn a3(a: A, b: A, c: A) -> A {
    a.union(b).union(c)
}
const fn a4(a: A, b: A, c: A, d: A) -> A {
    a.union(b).union(c).union(d)
}

const STR_READ_FAST: A = a3(A::READ, A::STRING, A::FAST);
const STR_READ_SLOW: A = a3(A::READ, A::STRING, A::SLOW);
const STR_WRITE_FAST: A = a3(A::WRITE, A::STRING, A::FAST);
const STR_WRITE_SLOW: A = a3(A::WRITE, A::STRING, A::SLOW);
const KS_READ_FAST: A = a4(A::KEYSPACE, A::READ, A::FAST, A::NONE);
const KS_READ_SLOW: A = a4(A::KEYSPACE, A::READ, A::SLOW, A::NONE);
const KS_WRITE_FAST: A = a4(A::KEYSPACE, A::WRITE, A::FAST, A::NONE);
const KS_WRITE_SLOW: A = a4(A::KEYSPACE, A::WRITE, A::SLOW, A::NONE);
pub(super) const ONE: (i32, i32, i32) = (1, 1, 1);
const NO_KEYS: (i32, i32, i32) = (0, 0, 0);

pub(super) fn cmd(info: CommandInfo, handler: Handler) -> Command<Handler> {
    Command {
        info,
        handler: Some(handler),
        subcommands: Vec::new(),
    }
}

/// Every data command this crate implements, with its handler.
#[must_use]
pub fn data_commands() -> Vec<Command<Handler>> {
    let w = F::WRITE;
    let r = F::READONLY;
    let fast = F::FAST;
    let oom = F::DENYOOM;
    let mut v = vec![
        // strings
        cmd(
            info(
                "get",
                "get",
                2,
                f2(r, fast),
                STR_READ_FAST,
                ONE,
                RO_ACCESS_1,
            ),
            strings::get,
        ),
        cmd(
            info("set", "set", -3, f2(w, oom), STR_WRITE_SLOW, ONE, SET_SPECS),
            strings::set,
        ),
        cmd(
            info(
                "setnx",
                "setnx",
                3,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                OW_INSERT_1,
            ),
            strings::setnx,
        ),
        cmd(
            info(
                "setex",
                "setex",
                4,
                f2(w, oom),
                STR_WRITE_SLOW,
                ONE,
                OW_UPDATE_1,
            ),
            strings::setex,
        ),
        cmd(
            info(
                "psetex",
                "psetex",
                4,
                f2(w, oom),
                STR_WRITE_SLOW,
                ONE,
                OW_UPDATE_1,
            ),
            strings::psetex,
        ),
        cmd(
            info(
                "getset",
                "getset",
                3,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            strings::getset,
        ),
        cmd(
            info(
                "getdel",
                "getdel",
                2,
                f2(w, fast),
                STR_WRITE_FAST,
                ONE,
                GETDEL_SPECS,
            ),
            strings::getdel,
        ),
        cmd(
            info(
                "getex",
                "getex",
                -2,
                f2(w, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            strings::getex,
        ),
        cmd(
            info(
                "mget",
                "mget",
                -2,
                f2(r, fast),
                STR_READ_FAST,
                (1, -1, 1),
                RO_ACCESS_ALL,
            ),
            strings::mget,
        ),
        cmd(
            info(
                "mset",
                "mset",
                -3,
                f2(w, oom),
                STR_WRITE_SLOW,
                (1, -1, 2),
                MSET_SPECS,
            ),
            strings::mset,
        ),
        cmd(
            info(
                "msetnx",
                "msetnx",
                -3,
                f2(w, oom),
                STR_WRITE_SLOW,
                (1, -1, 2),
                MSETNX_SPECS,
            ),
            strings::msetnx,
        ),
        cmd(
            info(
                "append",
                "append",
                3,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_INSERT_1,
            ),
            strings::append,
        ),
        cmd(
            info("strlen", "strlen", 2, f2(r, fast), STR_READ_FAST, ONE, RO_1),
            strings::strlen,
        ),
        cmd(
            info(
                "getrange",
                "getrange",
                4,
                r,
                STR_READ_SLOW,
                ONE,
                RO_ACCESS_1,
            ),
            strings::getrange,
        ),
        cmd(
            info(
                "setrange",
                "setrange",
                4,
                f2(w, oom),
                STR_WRITE_SLOW,
                ONE,
                RW_UPDATE_1,
            ),
            strings::setrange,
        ),
        cmd(
            info(
                "incr",
                "incr",
                2,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            counters::incr,
        ),
        cmd(
            info(
                "decr",
                "decr",
                2,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            counters::decr,
        ),
        cmd(
            info(
                "incrby",
                "incrby",
                3,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            counters::incrby,
        ),
        cmd(
            info(
                "decrby",
                "decrby",
                3,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            counters::decrby,
        ),
        cmd(
            info(
                "incrbyfloat",
                "incrbyfloat",
                3,
                f3(w, oom, fast),
                STR_WRITE_FAST,
                ONE,
                RW_ACCESS_UPDATE_1,
            ),
            counters::incrbyfloat,
        ),
        cmd(
            info("lcs", "lcs", -3, r, STR_READ_SLOW, (1, 2, 1), LCS_SPECS),
            lcs::lcs,
        ),
        // generic keyspace
        cmd(
            info(
                "del",
                "del",
                -2,
                w,
                KS_WRITE_SLOW,
                (1, -1, 1),
                RM_DELETE_ALL,
            ),
            keys::del,
        ),
        cmd(
            info(
                "unlink",
                "unlink",
                -2,
                f2(w, fast),
                KS_WRITE_FAST,
                (1, -1, 1),
                RM_DELETE_ALL,
            ),
            keys::del,
        ),
        cmd(
            info(
                "exists",
                "exists",
                -2,
                f2(r, fast),
                KS_READ_FAST,
                (1, -1, 1),
                RO_ALL,
            ),
            keys::exists,
        ),
        cmd(
            info(
                "touch",
                "touch",
                -2,
                f2(r, fast),
                KS_READ_FAST,
                (1, -1, 1),
                RO_ALL,
            ),
            keys::touch,
        ),
        cmd(
            info("type", "type", 2, f2(r, fast), KS_READ_FAST, ONE, RO_1),
            keys::type_,
        ),
        cmd(
            info(
                "rename",
                "rename",
                3,
                w,
                KS_WRITE_SLOW,
                (1, 2, 1),
                RENAME_SPECS,
            ),
            keys::rename,
        ),
        cmd(
            info(
                "renamenx",
                "renamenx",
                3,
                f2(w, fast),
                KS_WRITE_FAST,
                (1, 2, 1),
                RENAMENX_SPECS,
            ),
            keys::renamenx,
        ),
        cmd(
            info(
                "copy",
                "copy",
                -3,
                f2(w, oom),
                KS_WRITE_SLOW,
                (1, 2, 1),
                COPY_SPECS,
            ),
            keys::copy,
        ),
        cmd(
            info(
                "move",
                "move",
                3,
                f2(w, fast),
                KS_WRITE_FAST,
                ONE,
                RW_UPDATE_1,
            ),
            keys::move_,
        ),
        cmd(
            info(
                "keys",
                "keys",
                2,
                r,
                a4(A::KEYSPACE, A::READ, A::SLOW, A::DANGEROUS),
                NO_KEYS,
                NONE,
            ),
            keys::keys,
        ),
        cmd(
            info("scan", "scan", -2, r, KS_READ_SLOW, NO_KEYS, NONE),
            keys::scan,
        ),
        cmd(
            info("randomkey", "randomkey", 1, r, KS_READ_SLOW, NO_KEYS, NONE),
            keys::randomkey,
        ),
        // expiry
        cmd(
            info(
                "expire",
                "expire",
                -3,
                f2(w, fast),
                KS_WRITE_FAST,
                ONE,
                RW_UPDATE_1,
            ),
            expire::expire,
        ),
        cmd(
            info(
                "pexpire",
                "pexpire",
                -3,
                f2(w, fast),
                KS_WRITE_FAST,
                ONE,
                RW_UPDATE_1,
            ),
            expire::pexpire,
        ),
        cmd(
            info(
                "expireat",
                "expireat",
                -3,
                f2(w, fast),
                KS_WRITE_FAST,
                ONE,
                RW_UPDATE_1,
            ),
            expire::expireat,
        ),
        cmd(
            info(
                "pexpireat",
                "pexpireat",
                -3,
                f2(w, fast),
                KS_WRITE_FAST,
                ONE,
                RW_UPDATE_1,
            ),
            expire::pexpireat,
        ),
        cmd(
            info("ttl", "ttl", 2, f2(r, fast), KS_READ_FAST, ONE, RO_ACCESS_1),
            expire::ttl,
        ),
        cmd(
            info(
                "pttl",
                "pttl",
                2,
                f2(r, fast),
                KS_READ_FAST,
                ONE,
                RO_ACCESS_1,
            ),
            expire::pttl,
        ),
        cmd(
            info(
                "expiretime",
                "expiretime",
                2,
                f2(r, fast),
                KS_READ_FAST,
                ONE,
                RO_ACCESS_1,
            ),
            expire::expiretime,
        ),
        cmd(
            info(
                "pexpiretime",
                "pexpiretime",
                2,
                f2(r, fast),
                KS_READ_FAST,
                ONE,
                RO_ACCESS_1,
            ),
            expire::pexpiretime,
        ),
        cmd(
            info(
                "persist",
                "persist",
                2,
                f2(w, fast),
                KS_WRITE_FAST,
                ONE,
                RW_UPDATE_1,
            ),
            expire::persist,
        ),
        // databases
        cmd(
            info(
                "flushdb",
                "flushdb",
                -1,
                w,
                a4(A::KEYSPACE, A::WRITE, A::SLOW, A::DANGEROUS),
                NO_KEYS,
                NONE,
            ),
            dbs::flushdb,
        ),
        cmd(
            info(
                "flushall",
                "flushall",
                -1,
                w,
                a4(A::KEYSPACE, A::WRITE, A::SLOW, A::DANGEROUS),
                NO_KEYS,
                NONE,
            ),
            dbs::flushall,
        ),
        cmd(
            info(
                "swapdb",
                "swapdb",
                3,
                f2(w, fast),
                a4(A::KEYSPACE, A::WRITE, A::FAST, A::DANGEROUS),
                NO_KEYS,
                NONE,
            ),
            dbs::swapdb,
        ),
        cmd(
            info(
                "dbsize",
                "dbsize",
                1,
                f2(r, fast),
                KS_READ_FAST,
                NO_KEYS,
                NONE,
            ),
            dbs::dbsize,
        ),
        // containers
        Command {
            info: info("object", "object", -2, F::NONE, A::SLOW, NO_KEYS, NONE),
            handler: None,
            subcommands: vec![
                cmd(
                    info(
                        "encoding",
                        "object|encoding",
                        3,
                        r,
                        KS_READ_SLOW,
                        (2, 2, 1),
                        RO_2,
                    ),
                    keys::object_encoding,
                ),
                cmd(
                    info("freq", "object|freq", 3, r, KS_READ_SLOW, (2, 2, 1), RO_2),
                    keys::object_freq,
                ),
                cmd(
                    info(
                        "help",
                        "object|help",
                        2,
                        f2(F::LOADING, F::STALE),
                        a4(A::KEYSPACE, A::SLOW, A::NONE, A::NONE),
                        NO_KEYS,
                        NONE,
                    ),
                    keys::object_help,
                ),
                cmd(
                    info(
                        "idletime",
                        "object|idletime",
                        3,
                        r,
                        KS_READ_SLOW,
                        (2, 2, 1),
                        RO_2,
                    ),
                    keys::object_idletime,
                ),
                cmd(
                    info(
                        "refcount",
                        "object|refcount",
                        3,
                        r,
                        KS_READ_SLOW,
                        (2, 2, 1),
                        RO_2,
                    ),
                    keys::object_refcount,
                ),
            ],
        },
        Command {
            info: info("memory", "memory", -2, F::NONE, A::SLOW, NO_KEYS, NONE),
            handler: None,
            subcommands: vec![cmd(
                info(
                    "usage",
                    "memory|usage",
                    -3,
                    r,
                    a3(A::READ, A::SLOW, A::NONE),
                    (2, 2, 1),
                    RO_2,
                ),
                keys::memory_usage,
            )],
        },
    ];
    v.extend(super::table_lists::list_commands());
    v.extend(super::table_hashes::hash_commands());
    v.extend(super::table_sets::set_commands());
    v.extend(super::table_zsets::zset_commands());
    v
}

/// A table holding exactly the data commands.
#[must_use]
pub fn data_table() -> CommandTable<Handler> {
    let mut t = CommandTable::new();
    for c in data_commands() {
        let name = c.info.name;
        assert!(t.insert(c).is_ok(), "duplicate command {name}");
    }
    t
}
