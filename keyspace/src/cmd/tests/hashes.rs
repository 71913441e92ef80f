//! Hash commands: replies, errors, WRONGTYPE both ways, encodings, events, RESP3 shapes.

use alloc::vec;
use alloc::vec::Vec;

use super::{T, bulk, err, ev, int, ok};
use crate::command::Ctx;
use crate::events::ChangeKind as K;
use crate::keyspace::Config;
use crate::reply::{Item, Recorded3};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn arr(items: &[&str]) -> Vec<Item> {
    let mut v = vec![Item::Array(items.len())];
    v.extend(items.iter().map(|s| bulk(s)));
    v
}

fn run3(t: &mut T, args: &[&str]) -> Vec<Item> {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let mut out = Recorded3::default();
    let mut cx = Ctx {
        keyspace: &mut t.ks,
        db: t.db,
        now: t.now,
        events: &mut t.events,
    };
    cx.call(&t.table, &args, &mut out);
    out.0
}

#[test]
fn set_get_delete_and_their_events() {
    let mut t = T::new();
    check!(t, ["HSET", "h", "a", "1", "b", "2"] => [int(2)]);
    check!(t, ["HSET", "h", "a", "10", "c", "3"] => [int(1)]);
    check!(t, ["HSETNX", "h", "a", "x"] => [int(0)]);
    check!(t, ["HSETNX", "h", "d", "4"] => [int(1)]);
    check!(t, ["HMSET", "h", "e", "5"] => [ok()]);
    check!(t, ["HGET", "h", "a"] => [bulk("10")]);
    check!(t, ["HGET", "h", "zz"] => [Item::Null]);
    check!(t, ["HGET", "nope", "a"] => [Item::Null]);
    check!(t, ["HMGET", "h", "a", "zz", "b"] => [Item::Array(3), bulk("10"), Item::Null, bulk("2")]);
    check!(t, ["HMGET", "nope", "a"] => [Item::Array(1), Item::Null]);
    check!(t, ["HLEN", "h"] => [int(5)]);
    check!(t, ["HLEN", "nope"] => [int(0)]);
    check!(t, ["HEXISTS", "h", "b"] => [int(1)]);
    check!(t, ["HEXISTS", "h", "zz"] => [int(0)]);
    check!(t, ["HSTRLEN", "h", "a"] => [int(2)]);
    check!(t, ["HSTRLEN", "h", "zz"] => [int(0)]);
    assert_eq!(
        t.run(&["HKEYS", "h"]),
        arr(&["a", "b", "c", "d", "e"]),
        "listpack keeps insertion order"
    );
    assert_eq!(t.run(&["HVALS", "h"]), arr(&["10", "2", "3", "4", "5"]));
    let mut all = vec![Item::Map(5)];
    for (f, v) in [("a", "10"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5")] {
        all.extend([bulk(f), bulk(v)]);
    }
    assert_eq!(t.run(&["HGETALL", "h"]), all);
    check!(t, ["HGETALL", "nope"] => [Item::Map(0)]);
    check!(t, ["HKEYS", "nope"] => [Item::Array(0)]);
    check!(t, ["HDEL", "h", "a", "zz", "b"] => [int(2)]);
    check!(t, ["HDEL", "h", "zz"] => [int(0)]);
    check!(t, ["HDEL", "nope", "a"] => [int(0)]);
    check!(t, ["HDEL", "h", "c", "d", "e"] => [int(3)]);
    check!(t, ["EXISTS", "h"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "h", K::HSet),
            ev(0, "h", K::HSet),
            ev(0, "h", K::HSet),
            ev(0, "h", K::HSet),
            ev(0, "h", K::HDel),
            ev(0, "h", K::HDel),
            ev(0, "h", K::Del),
        ],
        "HSETNX on an existing field and deletes of nothing report nothing"
    );
}

#[test]
fn arity_and_wrongtype_both_ways() {
    let mut t = T::new();
    check!(t, ["HSET", "h", "a", "1", "b"] => [err("ERR wrong number of arguments for 'hset' command")]);
    check!(t, ["HMSET", "h", "a"] => [err("ERR wrong number of arguments for 'hmset' command")]);
    check!(t, ["EXISTS", "h"] => [int(0)]);
    check!(t, ["SET", "s", "x"] => [ok()]);
    for cmd in [
        &["HSET", "s", "a", "1"][..],
        &["HSETNX", "s", "a", "1"],
        &["HGET", "s", "a"],
        &["HMGET", "s", "a"],
        &["HDEL", "s", "a"],
        &["HLEN", "s"],
        &["HEXISTS", "s", "a"],
        &["HGETALL", "s"],
        &["HKEYS", "s"],
        &["HVALS", "s"],
        &["HINCRBY", "s", "a", "1"],
        &["HINCRBYFLOAT", "s", "a", "1"],
        &["HSTRLEN", "s", "a"],
        &["HRANDFIELD", "s"],
        &["HRANDFIELD", "s", "2"],
        &["HSCAN", "s", "0"],
    ] {
        assert_eq!(t.run(cmd), [err(WRONGTYPE)], "{cmd:?}");
    }
    check!(t, ["HSET", "h", "a", "1"] => [int(1)]);
    check!(t, ["GET", "h"] => [err(WRONGTYPE)]);
    check!(t, ["LPUSH", "h", "x"] => [err(WRONGTYPE)]);
    check!(t, ["TYPE", "h"] => [Item::Simple("hash".into())]);
    assert_eq!(
        t.run(&["SCAN", "0", "TYPE", "hash"]),
        [Item::Array(2), bulk("0"), Item::Array(1), bulk("h")]
    );
}

#[test]
fn increments_and_their_errors() {
    let mut t = T::new();
    check!(t, ["HINCRBY", "h", "n", "5"] => [int(5)]);
    check!(t, ["HINCRBY", "h", "n", "-7"] => [int(-2)]);
    check!(t, ["HINCRBY", "h", "n", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["HSET", "h", "s", "abc", "big", "9223372036854775807", "f", "1.5"] => [int(3)]);
    check!(t, ["HINCRBY", "h", "s", "1"] => [err("ERR hash value is not an integer")]);
    check!(t, ["HINCRBY", "h", "big", "1"] => [err("ERR increment or decrement would overflow")]);
    check!(t, ["HINCRBYFLOAT", "h", "f", "0.1"] => [bulk("1.6")]);
    check!(t, ["HINCRBYFLOAT", "h", "n", "2.5"] => [bulk("0.5")]);
    check!(t, ["HINCRBYFLOAT", "h", "new", "3.0e3"] => [bulk("3000")]);
    check!(t, ["HINCRBYFLOAT", "h", "s", "1"] => [err("ERR hash value is not a float")]);
    check!(t, ["HINCRBYFLOAT", "h", "f", "x"] => [err("ERR value is not a valid float")]);
    check!(t, ["HINCRBYFLOAT", "h", "f", "inf"] => [err("ERR value is NaN or Infinity")]);
    check!(t, ["HINCRBYFLOAT", "h", "f", "-0.6"] => [bulk("1")]);
    check!(t, ["HGET", "h", "n"] => [bulk("0.5")]);
    check!(t, ["HINCRBY", "nope", "n", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["EXISTS", "nope"] => [int(0)]);
    let kinds: Vec<K> = t.events().into_iter().map(|e| e.2).collect();
    assert_eq!(
        kinds,
        [
            K::HIncrBy,
            K::HIncrBy,
            K::HSet,
            K::HIncrByFloat,
            K::HIncrByFloat,
            K::HIncrByFloat,
            K::HIncrByFloat
        ]
    );
}

#[test]
fn encoding_turns_hashtable_past_either_limit_and_stays() {
    let mut t = T::with(Config::default().hash_max_listpack(3, 5));
    check!(t, ["HSET", "h", "a", "1", "b", "2", "c", "3"] => [int(3)]);
    check!(t, ["OBJECT", "ENCODING", "h"] => [bulk("listpack")]);
    check!(t, ["HSET", "h", "d", "4"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "h"] => [bulk("hashtable")]);
    check!(t, ["HDEL", "h", "a", "b", "c"] => [int(3)]);
    check!(t, ["OBJECT", "ENCODING", "h"] => [bulk("hashtable")]);
    check!(t, ["HSET", "v", "a", "12345"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "v"] => [bulk("listpack")]);
    check!(t, ["HSET", "v", "a", "123456"] => [int(0)]);
    check!(t, ["OBJECT", "ENCODING", "v"] => [bulk("hashtable")]);
    check!(t, ["HSET", "w", "longfield", "1"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "w"] => [bulk("hashtable")]);
    check!(t, ["HSET", "p", "a", "1", "a", "2", "a", "3", "a", "4"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "p"] => [bulk("hashtable")]);
    check!(t, ["HGET", "p", "a"] => [bulk("4")]);
}

#[test]
fn copy_rename_move_and_memory_usage_carry_hashes() {
    let mut t = T::new();
    check!(t, ["HSET", "h", "a", "1"] => [int(1)]);
    check!(t, ["COPY", "h", "h2"] => [int(1)]);
    check!(t, ["HSET", "h2", "b", "2"] => [int(1)]);
    check!(t, ["HLEN", "h"] => [int(1)]);
    check!(t, ["RENAME", "h2", "h3"] => [ok()]);
    check!(t, ["HGET", "h3", "b"] => [bulk("2")]);
    check!(t, ["MOVE", "h3", "1"] => [int(1)]);
    t.db = 1;
    check!(t, ["HLEN", "h3"] => [int(2)]);
    let Item::Integer(bytes) = t.run(&["MEMORY", "USAGE", "h3"])[0] else {
        panic!("MEMORY USAGE answers an integer")
    };
    assert!(bytes > 4, "{bytes}");
}

#[test]
fn hrandfield_shapes_and_errors() {
    let mut t = T::new();
    check!(t, ["HRANDFIELD", "nope"] => [Item::Null]);
    check!(t, ["HRANDFIELD", "nope", "3"] => [Item::Array(0)]);
    check!(t, ["HSET", "h", "a", "1", "b", "2", "c", "3"] => [int(3)]);
    let one = t.run(&["HRANDFIELD", "h"]);
    assert!(
        [bulk("a"), bulk("b"), bulk("c")].contains(&one[0]),
        "{one:?}"
    );
    check!(t, ["HRANDFIELD", "h", "0"] => [Item::Array(0)]);
    assert_eq!(
        t.run(&["HRANDFIELD", "h", "5"]),
        arr(&["a", "b", "c"]),
        "all of it when count >= size"
    );
    let two = t.run(&["HRANDFIELD", "h", "2"]);
    assert_eq!(two.len(), 3);
    assert_ne!(two[1], two[2], "a positive count gives distinct fields");
    let rep = t.run(&["HRANDFIELD", "h", "-7"]);
    assert_eq!(rep[0], Item::Array(7));
    let flat = t.run(&["HRANDFIELD", "h", "-2", "WITHVALUES"]);
    assert_eq!(flat[0], Item::Array(4), "RESP2: one flat array");
    let nested = run3(&mut t, &["HRANDFIELD", "h", "3", "WITHVALUES"]);
    assert_eq!(nested[0], Item::Array(3));
    assert_eq!(nested[1], Item::Array(2), "RESP3: pairs");
    assert_eq!(nested[2..4], [bulk("a"), bulk("1")]);
    check!(t, ["HRANDFIELD", "h", "1", "WITHVALUE"] => [err("ERR syntax error")]);
    check!(t, ["HRANDFIELD", "h", "1", "WITHVALUES", "x"] => [err("ERR syntax error")]);
    check!(t, ["HRANDFIELD", "h", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["HRANDFIELD", "h", "-9223372036854775808"] => [err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")]);
    check!(t, ["HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"] => [err("ERR value is out of range")]);
}

#[test]
fn hscan_returns_everything_once() {
    let mut t = T::with(Config::default().hash_max_listpack(4, 64));
    check!(t, ["HSCAN", "nope", "0"] => [Item::Array(2), bulk("0"), Item::Array(0)]);
    check!(t, ["HSET", "small", "a", "1", "b", "2"] => [int(2)]);
    assert_eq!(
        t.run(&["HSCAN", "small", "0", "COUNT", "1"]),
        [
            Item::Array(2),
            bulk("0"),
            Item::Array(4),
            bulk("a"),
            bulk("1"),
            bulk("b"),
            bulk("2")
        ]
    );
    assert_eq!(
        t.run(&["HSCAN", "small", "0", "NOVALUES", "MATCH", "b*"]),
        [Item::Array(2), bulk("0"), Item::Array(1), bulk("b")]
    );
    check!(t, ["HSCAN", "small", "x"] => [err("ERR invalid cursor")]);
    check!(t, ["HSCAN", "small", "0", "COUNT", "0"] => [err("ERR syntax error")]);
    check!(t, ["HSCAN", "small", "0", "BOGUS"] => [err("ERR syntax error")]);
    for i in 0..100 {
        let f = alloc::format!("f{i}");
        t.run(&["HSET", "big", &f, "v"]);
    }
    let mut seen = Vec::new();
    let mut cursor = String::from("0");
    loop {
        let r = t.run(&["HSCAN", "big", &cursor, "COUNT", "7", "NOVALUES"]);
        let Item::Bulk(c) = &r[1] else {
            panic!("{r:?}")
        };
        cursor = String::from_utf8(c.clone()).expect("digits");
        for item in &r[3..] {
            let Item::Bulk(b) = item else {
                panic!("{item:?}")
            };
            seen.push(b.clone());
        }
        if cursor == "0" {
            break;
        }
    }
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!((before, seen.len()), (100, 100));
}

use alloc::string::String;

#[test]
fn memory_usage_of_a_hash_follows_what_it_adds_to_used_memory() {
    // Small (its buffer in the store slot) and large (a boxed table): MEMORY USAGE exceeds what
    // the key added to used_memory by the same per-key amount either way, so the large one's
    // box is counted.
    let extra = |fields: usize| {
        let mut t = T::new();
        // The store's first chunk of slots comes with the first collection: not this key's.
        t.run(&["HSET", "other", "f", "v"]);
        let base = t.ks.used_memory();
        for f in 0..fields {
            let (f, v) = (alloc::format!("field:{f}"), alloc::format!("value:{f}"));
            t.run(&["HSET", "h", &f, &v]);
        }
        let added = t.ks.used_memory() - base;
        let Some(Item::Integer(usage)) = t.run(&["MEMORY", "USAGE", "h"]).first().cloned() else {
            panic!("MEMORY USAGE answers an integer");
        };
        usize::try_from(usage).unwrap() - added
    };
    assert_eq!(extra(3), extra(300));
}
