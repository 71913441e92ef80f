//! List commands: replies, errors, WRONGTYPE, encodings, events.

use alloc::vec;

use super::{T, bulk, err, ev, int, ok};
use crate::events::ChangeKind as K;
use crate::keyspace::Config;
use crate::reply::Item;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn arr(items: &[&str]) -> Vec<Item> {
    let mut v = vec![Item::Array(items.len())];
    v.extend(items.iter().map(|s| bulk(s)));
    v
}

use alloc::vec::Vec;

#[test]
fn push_pop_len_and_their_events() {
    let mut t = T::new();
    check!(t, ["LPUSHX", "l", "a"] => [int(0)]);
    check!(t, ["RPUSH", "l", "a", "b", "c"] => [int(3)]);
    check!(t, ["LPUSH", "l", "x", "y"] => [int(5)]);
    check!(t, ["RPUSHX", "l", "z"] => [int(6)]);
    assert_eq!(
        t.run(&["LRANGE", "l", "0", "-1"]),
        arr(&["y", "x", "a", "b", "c", "z"])
    );
    check!(t, ["LLEN", "l"] => [int(6)]);
    check!(t, ["LLEN", "nope"] => [int(0)]);
    check!(t, ["LPOP", "l"] => [bulk("y")]);
    check!(t, ["RPOP", "l"] => [bulk("z")]);
    assert_eq!(t.run(&["RPOP", "l", "2"]), arr(&["c", "b"]));
    check!(t, ["LPOP", "l", "0"] => [Item::Array(0)]);
    assert_eq!(t.run(&["LPOP", "l", "10"]), arr(&["x", "a"]));
    check!(t, ["LPOP", "l"] => [Item::Null]);
    check!(t, ["LPOP", "l", "1"] => [Item::NullArray]);
    check!(t, ["EXISTS", "l"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "l", K::RPush),
            ev(0, "l", K::LPush),
            ev(0, "l", K::RPush),
            ev(0, "l", K::LPop),
            ev(0, "l", K::RPop),
            ev(0, "l", K::RPop),
            ev(0, "l", K::LPop),
            ev(0, "l", K::Del),
        ],
        "LPOP with count 0 changes nothing; emptying a list deletes the key"
    );
}

#[test]
fn pop_argument_errors() {
    let mut t = T::new();
    check!(t, ["RPUSH", "l", "a"] => [int(1)]);
    check!(t, ["LPOP", "l", "-1"] => [err("ERR value is out of range, must be positive")]);
    check!(t, ["LPOP", "l", "x"] => [err("ERR value is out of range, must be positive")]);
    check!(t, ["LPOP", "l", "1", "2"] => [err("ERR wrong number of arguments for 'lpop' command")]);
    check!(t, ["RPOP"] => [err("ERR wrong number of arguments for 'rpop' command")]);
}

#[test]
fn every_list_command_answers_wrongtype_on_a_string_and_strings_on_a_list() {
    let mut t = T::new();
    check!(t, ["SET", "s", "v"] => [ok()]);
    check!(t, ["RPUSH", "l", "a"] => [int(1)]);
    let on_string: &[&[&str]] = &[
        &["LPUSH", "s", "a"],
        &["RPUSHX", "s", "a"],
        &["LPOP", "s"],
        &["RPOP", "s", "2"],
        &["LLEN", "s"],
        &["LRANGE", "s", "0", "1"],
        &["LINDEX", "s", "0"],
        &["LSET", "s", "0", "x"],
        &["LREM", "s", "0", "x"],
        &["LTRIM", "s", "0", "1"],
        &["LINSERT", "s", "BEFORE", "a", "b"],
        &["LPOS", "s", "a"],
        &["LMOVE", "s", "l", "LEFT", "LEFT"],
        &["LMOVE", "l", "s", "LEFT", "LEFT"],
        &["RPOPLPUSH", "s", "l"],
        &["LMPOP", "2", "nope", "s", "LEFT"],
        &["GET", "l"],
        &["APPEND", "l", "x"],
        &["INCR", "l"],
        &["STRLEN", "l"],
        &["GETRANGE", "l", "0", "1"],
        &["SETRANGE", "l", "0", "x"],
        &["INCRBYFLOAT", "l", "1"],
        &["GETDEL", "l"],
    ];
    for args in on_string {
        assert_eq!(t.run(args), vec![err(WRONGTYPE)], "{args:?}");
    }
    check!(t, ["LCS", "s", "l"] => [err("ERR The specified keys must contain string values")]);
    check!(t, ["MGET", "s", "l"] => [Item::Array(2), bulk("v"), Item::Null]);
    check!(t, ["TYPE", "l"] => [Item::Simple("list".into())]);
    check!(t, ["LLEN", "l"] => [int(1)]);
    // Nothing changed by any of the refused commands.
    assert_eq!(t.events(), vec![ev(0, "s", K::Set), ev(0, "l", K::RPush)]);
    // SET over a list replaces it.
    check!(t, ["SET", "l", "str"] => [ok()]);
    check!(t, ["TYPE", "l"] => [Item::Simple("string".into())]);
}

#[test]
fn lrange_lindex_lset() {
    let mut t = T::new();
    check!(t, ["RPUSH", "l", "a", "b", "c", "d"] => [int(4)]);
    assert_eq!(t.run(&["LRANGE", "l", "1", "2"]), arr(&["b", "c"]));
    assert_eq!(t.run(&["LRANGE", "l", "-2", "100"]), arr(&["c", "d"]));
    assert_eq!(t.run(&["LRANGE", "l", "-100", "0"]), arr(&["a"]));
    check!(t, ["LRANGE", "l", "3", "1"] => [Item::Array(0)]);
    check!(t, ["LRANGE", "l", "4", "10"] => [Item::Array(0)]);
    check!(t, ["LRANGE", "nope", "0", "-1"] => [Item::Array(0)]);
    check!(t, ["LRANGE", "l", "x", "1"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["LINDEX", "l", "0"] => [bulk("a")]);
    check!(t, ["LINDEX", "l", "-1"] => [bulk("d")]);
    check!(t, ["LINDEX", "l", "4"] => [Item::Null]);
    check!(t, ["LINDEX", "l", "-5"] => [Item::Null]);
    check!(t, ["LINDEX", "nope", "x"] => [Item::Null]);
    check!(t, ["LINDEX", "l", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["LSET", "l", "-1", "D"] => [ok()]);
    check!(t, ["LSET", "l", "4", "x"] => [err("ERR index out of range")]);
    check!(t, ["LSET", "nope", "0", "x"] => [err("ERR no such key")]);
    check!(t, ["LINDEX", "l", "3"] => [bulk("D")]);
    t.events();
}

#[test]
fn lrem_ltrim_linsert() {
    let mut t = T::new();
    check!(t, ["RPUSH", "l", "a", "b", "a", "c", "a"] => [int(5)]);
    check!(t, ["LREM", "l", "-2", "a"] => [int(2)]);
    assert_eq!(t.run(&["LRANGE", "l", "0", "-1"]), arr(&["a", "b", "c"]));
    check!(t, ["LREM", "l", "0", "zz"] => [int(0)]);
    check!(t, ["LREM", "nope", "0", "a"] => [int(0)]);
    check!(t, ["LREM", "l", "-9223372036854775808", "a"] => [err(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    )]);
    check!(t, ["LINSERT", "l", "BEFORE", "b", "x"] => [int(4)]);
    check!(t, ["LINSERT", "l", "after", "c", "y"] => [int(5)]);
    check!(t, ["LINSERT", "l", "AFTER", "zz", "y"] => [int(-1)]);
    check!(t, ["LINSERT", "nope", "AFTER", "a", "y"] => [int(0)]);
    check!(t, ["LINSERT", "l", "MIDDLE", "a", "y"] => [err("ERR syntax error")]);
    assert_eq!(
        t.run(&["LRANGE", "l", "0", "-1"]),
        arr(&["a", "x", "b", "c", "y"])
    );
    check!(t, ["LTRIM", "l", "1", "-2"] => [ok()]);
    assert_eq!(t.run(&["LRANGE", "l", "0", "-1"]), arr(&["x", "b", "c"]));
    check!(t, ["LTRIM", "l", "0", "-1"] => [ok()]);
    check!(t, ["LTRIM", "nope", "0", "1"] => [ok()]);
    check!(t, ["LTRIM", "l", "5", "1"] => [ok()]);
    check!(t, ["EXISTS", "l"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "l", K::RPush),
            ev(0, "l", K::LRem),
            ev(0, "l", K::LInsert),
            ev(0, "l", K::LInsert),
            ev(0, "l", K::LTrim),
            ev(0, "l", K::LTrim),
            ev(0, "l", K::Del),
        ]
    );
}

#[test]
fn lpos_with_rank_count_maxlen() {
    let mut t = T::new();
    check!(t, ["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"] => [int(8)]);
    check!(t, ["LPOS", "l", "c"] => [int(2)]);
    check!(t, ["LPOS", "l", "c", "RANK", "2"] => [int(6)]);
    check!(t, ["LPOS", "l", "c", "RANK", "-1"] => [int(7)]);
    check!(t, ["LPOS", "l", "c", "COUNT", "2"] => [Item::Array(2), int(2), int(6)]);
    check!(t, ["LPOS", "l", "c", "COUNT", "0"] => [Item::Array(3), int(2), int(6), int(7)]);
    check!(t, ["LPOS", "l", "c", "RANK", "-2", "COUNT", "0"] => [Item::Array(2), int(6), int(2)]);
    check!(t, ["LPOS", "l", "c", "COUNT", "0", "MAXLEN", "3"] => [Item::Array(1), int(2)]);
    check!(t, ["LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1"] => [int(7)]);
    check!(t, ["LPOS", "l", "zz"] => [Item::Null]);
    check!(t, ["LPOS", "l", "zz", "COUNT", "1"] => [Item::Array(0)]);
    check!(t, ["LPOS", "nope", "a"] => [Item::Null]);
    check!(t, ["LPOS", "nope", "a", "COUNT", "0"] => [Item::Array(0)]);
    check!(t, ["LPOS", "l", "c", "RANK", "0"] => [err(
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
    )]);
    check!(t, ["LPOS", "l", "c", "COUNT", "-1"] => [err("ERR COUNT can't be negative")]);
    check!(t, ["LPOS", "l", "c", "MAXLEN", "-1"] => [err("ERR MAXLEN can't be negative")]);
    check!(t, ["LPOS", "l", "c", "RANK"] => [err("ERR syntax error")]);
}

#[test]
fn lmove_rpoplpush_lmpop() {
    let mut t = T::new();
    check!(t, ["RPUSH", "a", "1", "2", "3"] => [int(3)]);
    check!(t, ["LMOVE", "a", "b", "LEFT", "RIGHT"] => [bulk("1")]);
    check!(t, ["RPOPLPUSH", "a", "b"] => [bulk("3")]);
    assert_eq!(t.run(&["LRANGE", "b", "0", "-1"]), arr(&["3", "1"]));
    check!(t, ["LMOVE", "a", "a", "LEFT", "RIGHT"] => [bulk("2")]);
    check!(t, ["LRANGE", "a", "0", "-1"] => [Item::Array(1), bulk("2")]);
    check!(t, ["LMOVE", "nope", "b", "LEFT", "RIGHT"] => [Item::Null]);
    check!(t, ["LMOVE", "a", "b", "UP", "RIGHT"] => [err("ERR syntax error")]);
    check!(t, ["RPOPLPUSH", "a", "b"] => [bulk("2")]);
    check!(t, ["EXISTS", "a"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "a", K::RPush),
            ev(0, "b", K::RPush),
            ev(0, "a", K::LPop),
            ev(0, "b", K::LPush),
            ev(0, "a", K::RPop),
            ev(0, "a", K::RPush),
            ev(0, "a", K::LPop),
            ev(0, "b", K::LPush),
            ev(0, "a", K::RPop),
            ev(0, "a", K::Del),
        ],
        "the push is reported before the pop, and a single-element self-move keeps the key"
    );
    check!(t, ["LMPOP", "2", "nope", "b", "RIGHT", "COUNT", "2"] => [
        Item::Array(2), bulk("b"), Item::Array(2), bulk("1"), bulk("3")
    ]);
    check!(t, ["LMPOP", "1", "b", "LEFT"] => [
        Item::Array(2), bulk("b"), Item::Array(1), bulk("2")
    ]);
    check!(t, ["LMPOP", "1", "b", "LEFT"] => [Item::NullArray]);
    check!(t, ["LMPOP", "0", "b", "LEFT"] => [err("ERR numkeys should be greater than 0")]);
    check!(t, ["LMPOP", "x", "b", "LEFT"] => [err("ERR numkeys should be greater than 0")]);
    check!(t, ["LMPOP", "3", "b", "LEFT"] => [err("ERR syntax error")]);
    check!(t, ["LMPOP", "1", "b", "LEFT", "COUNT", "0"] => [err("ERR count should be greater than 0")]);
    check!(t, ["LMPOP", "1", "b", "LEFT", "COUNT", "1", "COUNT", "1"] => [err("ERR syntax error")]);
    check!(t, ["LMPOP", "1", "b", "MIDDLE"] => [err("ERR syntax error")]);
    let cmd = t.table.get(b"lmpop").expect("lmpop");
    let args: Vec<&[u8]> = vec![b"LMPOP", b"2", b"k1", b"k2", b"LEFT"];
    assert_eq!(cmd.info.keys(&args), vec![2, 3]);
}

#[test]
fn encodings_switch_at_list_max_listpack_size() {
    let mut t = T::with(Config::default().list_max_listpack_size(3));
    check!(t, ["RPUSH", "l", "a", "b", "c"] => [int(3)]);
    check!(t, ["OBJECT", "ENCODING", "l"] => [bulk("listpack")]);
    check!(t, ["RPUSH", "l", "d"] => [int(4)]);
    check!(t, ["OBJECT", "ENCODING", "l"] => [bulk("quicklist")]);
    check!(t, ["RPOP", "l", "2"] => [Item::Array(2), bulk("d"), bulk("c")]);
    check!(t, ["OBJECT", "ENCODING", "l"] => [bulk("quicklist")]);
    check!(t, ["RPOP", "l"] => [bulk("b")]);
    check!(t, ["OBJECT", "ENCODING", "l"] => [bulk("listpack")]);
    let mut t = T::new();
    let big = "x".repeat(5000);
    check!(t, ["RPUSH", "l", &big] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "l"] => [bulk("listpack")]);
    check!(t, ["RPUSH", "l", &big] => [int(2)]);
    check!(t, ["OBJECT", "ENCODING", "l"] => [bulk("quicklist")]);
}

#[test]
fn copy_rename_move_flush_and_memory_carry_the_list() {
    let mut t = T::new();
    check!(t, ["RPUSH", "l", "a", "b"] => [int(2)]);
    check!(t, ["COPY", "l", "c"] => [int(1)]);
    check!(t, ["RPUSH", "c", "z"] => [int(3)]);
    check!(t, ["LLEN", "l"] => [int(2)]);
    check!(t, ["RENAME", "l", "m"] => [ok()]);
    assert_eq!(t.run(&["LRANGE", "m", "0", "-1"]), arr(&["a", "b"]));
    check!(t, ["MOVE", "m", "1"] => [int(1)]);
    t.db = 1;
    assert_eq!(t.run(&["LRANGE", "m", "0", "-1"]), arr(&["a", "b"]));
    let Item::Integer(n) = t.run(&["MEMORY", "USAGE", "m"])[0] else {
        panic!("integer")
    };
    assert!(n > 16, "memory usage {n} counts the list");
    check!(t, ["FLUSHDB"] => [ok()]);
    t.db = 0;
    assert_eq!(t.run(&["LRANGE", "c", "0", "-1"]), arr(&["a", "b", "z"]));
    check!(t, ["SCAN", "0", "TYPE", "list"] => [Item::Array(2), bulk("0"), Item::Array(1), bulk("c")]);
    check!(t, ["DEL", "c"] => [int(1)]);
    assert_eq!(
        t.ks.used_memory(),
        Keyspace::new(Config::default()).used_memory()
    );
}

use crate::keyspace::Keyspace;

#[test]
fn an_expired_list_is_gone_with_its_elements() {
    let mut t = T::new();
    let base = t.ks.used_memory();
    check!(t, ["RPUSH", "l", "a", "b"] => [int(2)]);
    check!(t, ["PEXPIRE", "l", "10"] => [int(1)]);
    check!(t, ["LLEN", "l"] => [int(2)]);
    check!(t, ["PERSIST", "l"] => [int(1)]);
    check!(t, ["PEXPIRE", "l", "10"] => [int(1)]);
    t.now = crate::time::Millis(t.now.0 + 10);
    check!(t, ["LRANGE", "l", "0", "-1"] => [Item::Array(0)]);
    assert_eq!(t.events().last(), Some(&ev(0, "l", K::Expired)));
    assert_eq!(t.ks.used_memory(), base);
    check!(t, ["RPUSH", "l", "c"] => [int(1)]);
    check!(t, ["PEXPIRE", "l", "5"] => [int(1)]);
    t.now = crate::time::Millis(t.now.0 + 5);
    let mut events: Vec<crate::events::Change> = Vec::new();
    t.ks.active_expire(t.now, 100, &mut events);
    assert_eq!(events.len(), 1);
    assert_eq!(
        t.ks.used_memory(),
        base,
        "the active cycle frees the list too"
    );
}
