//! Operation sequences applied to the keyspace and to naive models, asserting they agree on every
//! reply, every change event and the visible contents after each step:
//! * strings and keys (SET/GET/DEL/INCRBY/APPEND/PEXPIRE/PERSIST/PTTL/RENAME/MOVE/SWAPDB/FLUSHDB,
//!   clock advances and active expire cycles) against a `BTreeMap` per database;
//! * lists (pushes, pops with counts, LRANGE/LINDEX/LSET/LREM/LTRIM/LINSERT/LPOS/LMOVE/LMPOP, SET
//!   and DEL over them, OBJECT ENCODING) against a `VecDeque` per key;
//! * hashes and sets (HSET/HSETNX/HDEL/HINCRBY/HGET/HMGET/HSTRLEN, SADD/SREM/SISMEMBER/SCARD/
//!   SMOVE/SPOP and the STORE forms, SET and DEL over them, OBJECT ENCODING) against a `BTreeMap`
//!   / `BTreeSet` per key;
//! * sorted sets (ZADD with flags, ZREM, ZINCRBY, ZRANK/ZREVRANK, ZRANGE BYSCORE, ZPOPMIN/MAX,
//!   ZREMRANGEBYRANK, SET and DEL over them, OBJECT ENCODING) against a sorted `Vec` per key.
#![no_main]

#[path = "../../keyspace/tests/support/model.rs"]
mod model;

#[path = "../../keyspace/tests/support/list_model.rs"]
mod list_model;

#[path = "../../keyspace/tests/support/hash_set_model.rs"]
mod hash_set_model;

#[path = "../../keyspace/tests/support/zset_model.rs"]
mod zset_model;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((b, rest)) if *b >= 0xE0 => zset_model::run(rest),
        Some((b, rest)) if *b >= 0xC0 => hash_set_model::run(rest),
        Some((b, rest)) if *b >= 0x80 => list_model::run(rest),
        _ => model::run(data),
    }
});
