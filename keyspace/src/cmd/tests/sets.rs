//! Set commands: replies, errors, WRONGTYPE both ways, encodings, events, store forms.

use alloc::vec;
use alloc::vec::Vec;

use super::{T, bulk, err, ev, int, ok};
use crate::events::ChangeKind as K;
use crate::keyspace::Config;
use crate::reply::Item;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn set(items: &[&str]) -> Vec<Item> {
    let mut v = vec![Item::Set(items.len())];
    v.extend(items.iter().map(|s| bulk(s)));
    v
}

/// The members of a `Set` or `Array` reply, sorted.
fn members(r: &[Item]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = r[1..]
        .iter()
        .map(|i| match i {
            Item::Bulk(b) => b.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    v.sort();
    v
}

fn bytes(items: &[&str]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = items.iter().map(|s| s.as_bytes().to_vec()).collect();
    v.sort();
    v
}

#[test]
fn add_remove_membership_and_events() {
    let mut t = T::new();
    check!(t, ["SADD", "s", "3", "1", "2", "1"] => [int(3)]);
    check!(t, ["SADD", "s", "2"] => [int(0)]);
    assert_eq!(
        t.run(&["SMEMBERS", "s"]),
        set(&["1", "2", "3"]),
        "an intset is sorted"
    );
    check!(t, ["SADD", "s", "b", "a"] => [int(2)]);
    assert_eq!(t.run(&["SMEMBERS", "s"]), set(&["1", "2", "3", "b", "a"]));
    check!(t, ["SMEMBERS", "nope"] => [Item::Set(0)]);
    check!(t, ["SISMEMBER", "s", "a"] => [int(1)]);
    check!(t, ["SISMEMBER", "s", "z"] => [int(0)]);
    check!(t, ["SISMEMBER", "nope", "a"] => [int(0)]);
    check!(t, ["SMISMEMBER", "s", "a", "z", "1"] => [Item::Array(3), int(1), int(0), int(1)]);
    check!(t, ["SMISMEMBER", "nope", "a"] => [Item::Array(1), int(0)]);
    check!(t, ["SCARD", "s"] => [int(5)]);
    check!(t, ["SCARD", "nope"] => [int(0)]);
    check!(t, ["SREM", "s", "a", "z"] => [int(1)]);
    check!(t, ["SREM", "s", "z"] => [int(0)]);
    check!(t, ["SREM", "nope", "z"] => [int(0)]);
    check!(t, ["SREM", "s", "1", "2", "3", "b"] => [int(4)]);
    check!(t, ["EXISTS", "s"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "s", K::SAdd),
            ev(0, "s", K::SAdd),
            ev(0, "s", K::SRem),
            ev(0, "s", K::SRem),
            ev(0, "s", K::Del),
        ]
    );
}

#[test]
fn wrongtype_both_ways() {
    let mut t = T::new();
    check!(t, ["SET", "str", "x"] => [ok()]);
    check!(t, ["SADD", "s", "a"] => [int(1)]);
    for cmd in [
        &["SADD", "str", "a"][..],
        &["SREM", "str", "a"],
        &["SMEMBERS", "str"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SCARD", "str"],
        &["SPOP", "str"],
        &["SPOP", "str", "1"],
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "1"],
        &["SMOVE", "str", "s", "a"],
        &["SMOVE", "s", "str", "a"],
        &["SINTER", "s", "str"],
        &["SUNION", "s", "str"],
        &["SDIFF", "s", "str"],
        &["SINTERSTORE", "d", "s", "str"],
        &["SUNIONSTORE", "d", "s", "str"],
        &["SDIFFSTORE", "d", "s", "str"],
        &["SINTERCARD", "2", "s", "str"],
        &["SSCAN", "str", "0"],
    ] {
        assert_eq!(t.run(cmd), [err(WRONGTYPE)], "{cmd:?}");
    }
    check!(t, ["SMOVE", "nope", "str", "a"] => [int(0)]);
    check!(t, ["GET", "s"] => [err(WRONGTYPE)]);
    check!(t, ["HGET", "s", "a"] => [err(WRONGTYPE)]);
    check!(t, ["TYPE", "s"] => [Item::Simple("set".into())]);
    check!(t, ["SISMEMBER", "s", "a"] => [int(1)]);
}

#[test]
fn encodings_follow_valkeys_thresholds() {
    let mut t = T::with(Config::default().set_max(4, 3, 5));
    check!(t, ["SADD", "i", "1", "2", "3", "4"] => [int(4)]);
    check!(t, ["OBJECT", "ENCODING", "i"] => [bulk("intset")]);
    check!(t, ["SADD", "i", "5"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "i"] => [bulk("hashtable")]);
    check!(t, ["SADD", "j", "1", "2"] => [int(2)]);
    check!(t, ["SADD", "j", "abc"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "j"] => [bulk("listpack")]);
    check!(t, ["SADD", "j", "x"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "j"] => [bulk("hashtable")]);
    check!(t, ["SADD", "k", "abcdef"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "k"] => [bulk("hashtable")]);
    check!(t, ["SADD", "h", "a", "b", "c", "d"] => [int(4)]);
    check!(t, ["OBJECT", "ENCODING", "h"] => [bulk("hashtable")]);
    check!(t, ["SADD", "big", "1", "2", "3", "4", "5"] => [int(5)]);
    check!(t, ["OBJECT", "ENCODING", "big"] => [bulk("hashtable")]);
    check!(t, ["SREM", "big", "1", "2", "3", "4"] => [int(4)]);
    check!(t, ["OBJECT", "ENCODING", "big"] => [bulk("hashtable")]);
    check!(t, ["SINTERSTORE", "d", "big", "big"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "d"] => [bulk("intset")]);
}

#[test]
fn pop_and_random_members() {
    let mut t = T::new();
    check!(t, ["SPOP", "nope"] => [Item::Null]);
    check!(t, ["SPOP", "nope", "2"] => [Item::Set(0)]);
    check!(t, ["SRANDMEMBER", "nope"] => [Item::Null]);
    check!(t, ["SRANDMEMBER", "nope", "2"] => [Item::Array(0)]);
    check!(t, ["SADD", "s", "a", "b", "c", "d", "e"] => [int(5)]);
    check!(t, ["SPOP", "s", "-1"] => [err("ERR value is out of range, must be positive")]);
    check!(t, ["SPOP", "s", "1", "2"] => [err("ERR syntax error")]);
    check!(t, ["SRANDMEMBER", "s", "1", "2"] => [err("ERR syntax error")]);
    check!(t, ["SRANDMEMBER", "s", "-9223372036854775808"] => [err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")]);
    check!(t, ["SPOP", "s", "0"] => [Item::Set(0)]);
    assert_eq!(
        members(&t.run(&["SRANDMEMBER", "s", "10"])),
        bytes(&["a", "b", "c", "d", "e"])
    );
    let three = t.run(&["SRANDMEMBER", "s", "3"]);
    let m = members(&three);
    assert_eq!(three[0], Item::Array(3));
    assert!(m.windows(2).all(|w| w[0] != w[1]), "distinct: {m:?}");
    assert_eq!(t.run(&["SRANDMEMBER", "s", "-8"]).len(), 9);
    let popped = t.run(&["SPOP", "s"]);
    check!(t, ["SCARD", "s"] => [int(4)]);
    check!(t, ["SISMEMBER", "s", core::str::from_utf8(&members(&[Item::Null, popped[0].clone()])[0]).expect("utf8")] => [int(0)]);
    let two = t.run(&["SPOP", "s", "3"]);
    assert_eq!(two[0], Item::Set(3));
    check!(t, ["SCARD", "s"] => [int(1)]);
    let last = t.run(&["SPOP", "s", "5"]);
    assert_eq!(last[0], Item::Set(1));
    check!(t, ["EXISTS", "s"] => [int(0)]);
    let kinds: Vec<K> = t.events().into_iter().map(|e| e.2).collect();
    assert_eq!(kinds, [K::SAdd, K::SPop, K::SPop, K::SPop, K::Del]);
}

#[test]
fn spop_of_most_of_a_big_set_keeps_the_rest() {
    let mut t = T::new();
    let nums: Vec<alloc::string::String> = (0..200).map(|i| alloc::format!("m{i}")).collect();
    let mut cmd = vec!["SADD", "s"];
    cmd.extend(nums.iter().map(|s| s.as_str()));
    check!(t, [cmd[0], cmd[1]] => [err("ERR wrong number of arguments for 'sadd' command")]);
    assert_eq!(t.run(&cmd), [int(200)]);
    let popped = members(&t.run(&["SPOP", "s", "190"]));
    assert_eq!(popped.len(), 190);
    let rest = members(&t.run(&["SMEMBERS", "s"]));
    assert_eq!(rest.len(), 10);
    let mut all = popped;
    all.extend(rest);
    all.sort();
    let mut want: Vec<Vec<u8>> = nums.iter().map(|s| s.as_bytes().to_vec()).collect();
    want.sort();
    assert_eq!(all, want);
}

#[test]
fn smove_cases() {
    let mut t = T::new();
    check!(t, ["SADD", "a", "x", "y"] => [int(2)]);
    check!(t, ["SMOVE", "a", "b", "z"] => [int(0)]);
    check!(t, ["SMOVE", "a", "a", "x"] => [int(1)]);
    check!(t, ["SMOVE", "a", "a", "z"] => [int(0)]);
    check!(t, ["SMOVE", "a", "b", "x"] => [int(1)]);
    check!(t, ["SMOVE", "a", "b", "y"] => [int(1)]);
    check!(t, ["EXISTS", "a"] => [int(0)]);
    assert_eq!(members(&t.run(&["SMEMBERS", "b"])), bytes(&["x", "y"]));
    assert_eq!(
        t.events(),
        vec![
            ev(0, "a", K::SAdd),
            ev(0, "a", K::SRem),
            ev(0, "b", K::SAdd),
            ev(0, "a", K::SRem),
            ev(0, "a", K::Del),
            ev(0, "b", K::SAdd),
        ]
    );
}

#[test]
fn algebra_and_store_forms() {
    let mut t = T::new();
    check!(t, ["SADD", "a", "1", "2", "3", "x"] => [int(4)]);
    check!(t, ["SADD", "b", "2", "3", "4"] => [int(3)]);
    check!(t, ["SADD", "c", "3", "x"] => [int(2)]);
    assert_eq!(members(&t.run(&["SINTER", "a", "b"])), bytes(&["2", "3"]));
    assert_eq!(t.run(&["SINTER", "a", "b", "c"]), set(&["3"]));
    check!(t, ["SINTER", "a", "nope"] => [Item::Set(0)]);
    assert_eq!(
        members(&t.run(&["SUNION", "a", "b", "nope"])),
        bytes(&["1", "2", "3", "4", "x"])
    );
    assert_eq!(members(&t.run(&["SDIFF", "a", "b"])), bytes(&["1", "x"]));
    assert_eq!(members(&t.run(&["SDIFF", "a", "b", "c"])), bytes(&["1"]));
    check!(t, ["SDIFF", "a", "a"] => [Item::Set(0)]);
    check!(t, ["SDIFF", "nope", "a"] => [Item::Set(0)]);
    check!(t, ["SINTERCARD", "2", "a", "b"] => [int(2)]);
    check!(t, ["SINTERCARD", "2", "a", "b", "LIMIT", "1"] => [int(1)]);
    check!(t, ["SINTERCARD", "2", "a", "nope"] => [int(0)]);
    check!(t, ["SINTERCARD", "0", "a"] => [err("ERR numkeys should be greater than 0")]);
    check!(t, ["SINTERCARD", "x", "a"] => [err("ERR numkeys should be greater than 0")]);
    check!(t, ["SINTERCARD", "3", "a", "b"] => [err("ERR Number of keys can't be greater than number of args")]);
    check!(t, ["SINTERCARD", "1", "a", "LIMIT", "-1"] => [err("ERR LIMIT can't be negative")]);
    check!(t, ["SINTERCARD", "1", "a", "FOO"] => [err("ERR syntax error")]);
    t.events();
    check!(t, ["SET", "d", "string"] => [ok()]);
    check!(t, ["SINTERSTORE", "d", "a", "b"] => [int(2)]);
    check!(t, ["TYPE", "d"] => [Item::Simple("set".into())]);
    check!(t, ["OBJECT", "ENCODING", "d"] => [bulk("intset")]);
    check!(t, ["SUNIONSTORE", "d", "a", "b"] => [int(5)]);
    check!(t, ["OBJECT", "ENCODING", "d"] => [bulk("listpack")]);
    check!(t, ["SDIFFSTORE", "d", "a", "b"] => [int(2)]);
    check!(t, ["SDIFFSTORE", "d", "a", "a"] => [int(0)]);
    check!(t, ["EXISTS", "d"] => [int(0)]);
    check!(t, ["SINTERSTORE", "d", "a", "nope"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "d", K::Set),
            ev(0, "d", K::SInterStore),
            ev(0, "d", K::SUnionStore),
            ev(0, "d", K::SDiffStore),
            ev(0, "d", K::Del),
        ],
        "an empty result deletes the destination, and reports it only if it existed"
    );
}

#[test]
fn sscan_walks_every_encoding() {
    let mut t = T::with(Config::default().set_max(512, 4, 64));
    check!(t, ["SSCAN", "nope", "0"] => [Item::Array(2), bulk("0"), Item::Array(0)]);
    check!(t, ["SADD", "i", "10", "2"] => [int(2)]);
    assert_eq!(
        t.run(&["SSCAN", "i", "0", "MATCH", "1*"]),
        [Item::Array(2), bulk("0"), Item::Array(1), bulk("10")]
    );
    check!(t, ["SSCAN", "i", "0", "NOVALUES"] => [err("ERR NOVALUES option can only be used in HSCAN")]);
    for i in 0..50 {
        let m = alloc::format!("m{i}");
        t.run(&["SADD", "big", &m]);
    }
    let mut seen = Vec::new();
    let mut cursor = alloc::string::String::from("0");
    loop {
        let r = t.run(&["SSCAN", "big", &cursor, "COUNT", "5"]);
        let Item::Bulk(c) = &r[1] else {
            panic!("{r:?}")
        };
        cursor = alloc::string::String::from_utf8(c.clone()).expect("digits");
        seen.extend(members(&r[2..]));
        if cursor == "0" {
            break;
        }
    }
    seen.sort();
    let n = seen.len();
    seen.dedup();
    assert_eq!((n, seen.len()), (50, 50));
}
