//! Sorted set commands: replies, errors, WRONGTYPE both ways, encodings, events, RESP3 shapes.

use alloc::vec;
use alloc::vec::Vec;

use super::{T, bulk, err, int, ok};
use crate::command::Ctx;
use crate::events::ChangeKind as K;
use crate::keyspace::Config;
use crate::reply::{Item, Recorded3};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn d(v: f64) -> Item {
    Item::Double(v)
}

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

fn kinds(t: &mut T) -> Vec<K> {
    t.events().into_iter().map(|e| e.2).collect()
}

#[test]
fn zadd_flags_and_replies() {
    let mut t = T::new();
    check!(t, ["ZADD", "z", "1", "a", "2", "b"] => [int(2)]);
    check!(t, ["ZADD", "z", "1", "a"] => [int(0)]);
    check!(t, ["ZADD", "z", "CH", "5", "a", "3", "c"] => [int(2)]);
    check!(t, ["ZADD", "z", "NX", "9", "a", "4", "d"] => [int(1)]);
    check!(t, ["ZSCORE", "z", "a"] => [d(5.0)]);
    check!(t, ["ZADD", "z", "XX", "CH", "6", "a", "7", "new"] => [int(1)]);
    check!(t, ["ZSCORE", "z", "new"] => [Item::Null]);
    check!(t, ["ZADD", "z", "GT", "CH", "1", "a"] => [int(0)]);
    check!(t, ["ZADD", "z", "GT", "CH", "8", "a"] => [int(1)]);
    check!(t, ["ZADD", "z", "LT", "CH", "9", "a"] => [int(0)]);
    check!(t, ["ZADD", "z", "LT", "CH", "0.5", "a"] => [int(1)]);
    check!(t, ["ZADD", "z", "INCR", "2", "a"] => [d(2.5)]);
    check!(t, ["ZADD", "z", "NX", "INCR", "2", "a"] => [Item::Null]);
    check!(t, ["ZADD", "z", "XX", "INCR", "2", "nope"] => [Item::Null]);
    check!(t, ["ZINCRBY", "z", "-1", "b"] => [d(1.0)]);
    check!(t, ["ZINCRBY", "z", "1.5", "fresh"] => [d(1.5)]);
    check!(t, ["ZADD", "z", "-inf", "lo", "+inf", "hi"] => [int(2)]);
    check!(t, ["ZSCORE", "z", "hi"] => [d(f64::INFINITY)]);
    check!(t, ["ZINCRBY", "z", "-inf", "hi"] => [err("ERR resulting score is not a number (NaN)")]);
    check!(t, ["ZADD", "xx", "XX", "1", "a"] => [int(0)]);
    check!(t, ["EXISTS", "xx"] => [int(0)]);
    assert_eq!(
        kinds(&mut t),
        [
            K::ZAdd,
            K::ZAdd,
            K::ZAdd,
            K::ZAdd,
            K::ZAdd,
            K::ZAdd,
            K::ZIncr,
            K::ZIncr,
            K::ZIncr,
            K::ZAdd
        ],
        "no event when nothing changed"
    );
}

#[test]
fn zadd_errors() {
    let mut t = T::new();
    check!(t, ["ZADD", "z", "1"] => [err("ERR wrong number of arguments for 'zadd' command")]);
    check!(t, ["ZADD", "z", "NX", "1"] => [err("ERR syntax error")]);
    check!(t, ["ZADD", "z", "1", "a", "2"] => [err("ERR syntax error")]);
    check!(t, ["ZADD", "z", "NX", "XX", "1", "a"] => [err("ERR XX and NX options at the same time are not compatible")]);
    check!(t, ["ZADD", "z", "GT", "LT", "1", "a"] => [err("ERR GT, LT, and/or NX options at the same time are not compatible")]);
    check!(t, ["ZADD", "z", "NX", "GT", "1", "a"] => [err("ERR GT, LT, and/or NX options at the same time are not compatible")]);
    check!(t, ["ZADD", "z", "INCR", "1", "a", "2", "b"] => [err("ERR INCR option supports a single increment-element pair")]);
    for bad in ["x", "nan", "1e400", " 1", "1 ", ""] {
        check!(t, ["ZADD", "z", bad, "a"] => [err("ERR value is not a valid float")]);
    }
    check!(t, ["ZINCRBY", "z", "x", "a"] => [err("ERR value is not a valid float")]);
    check!(t, ["EXISTS", "z"] => [int(0)]);
    check!(t, ["SET", "s", "v"] => [ok()]);
    for cmd in [
        &["ZADD", "s", "1", "a"][..],
        &["ZINCRBY", "s", "1", "a"],
        &["ZREM", "s", "a"],
        &["ZSCORE", "s", "a"],
        &["ZMSCORE", "s", "a"],
        &["ZCARD", "s"],
        &["ZCOUNT", "s", "0", "1"],
        &["ZLEXCOUNT", "s", "-", "+"],
        &["ZRANGE", "s", "0", "1"],
        &["ZREVRANGE", "s", "0", "1"],
        &["ZRANGEBYSCORE", "s", "0", "1"],
        &["ZREVRANGEBYSCORE", "s", "0", "1"],
        &["ZRANGEBYLEX", "s", "-", "+"],
        &["ZREVRANGEBYLEX", "s", "+", "-"],
        &["ZRANK", "s", "a"],
        &["ZREVRANK", "s", "a"],
        &["ZPOPMIN", "s"],
        &["ZPOPMAX", "s", "2"],
        &["ZREMRANGEBYRANK", "s", "0", "1"],
        &["ZREMRANGEBYSCORE", "s", "0", "1"],
        &["ZREMRANGEBYLEX", "s", "-", "+"],
    ] {
        assert_eq!(t.run(cmd), [err(WRONGTYPE)], "{cmd:?}");
    }
    check!(t, ["ZADD", "z", "1", "a"] => [int(1)]);
    check!(t, ["GET", "z"] => [err(WRONGTYPE)]);
    check!(t, ["SADD", "z", "a"] => [err(WRONGTYPE)]);
    check!(t, ["TYPE", "z"] => [Item::Simple("zset".into())]);
}

#[test]
fn ranges_by_rank_score_and_lex() {
    let mut t = T::new();
    check!(t, ["ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d"] => [int(4)]);
    assert_eq!(
        t.run(&["ZRANGE", "z", "0", "-1"]),
        arr(&["a", "b", "c", "d"])
    );
    assert_eq!(t.run(&["ZRANGE", "z", "1", "2", "REV"]), arr(&["c", "b"]));
    assert_eq!(t.run(&["ZREVRANGE", "z", "0", "0"]), arr(&["d"]));
    check!(t, ["ZRANGE", "z", "5", "9"] => [Item::Array(0)]);
    check!(t, ["ZRANGE", "nope", "0", "-1"] => [Item::Array(0)]);
    assert_eq!(
        t.run(&["ZRANGE", "z", "0", "1", "WITHSCORES"]),
        [Item::Array(4), bulk("a"), d(1.0), bulk("b"), d(2.0)]
    );
    assert_eq!(
        run3(&mut t, &["ZRANGE", "z", "0", "1", "WITHSCORES"]),
        [
            Item::Array(2),
            Item::Array(2),
            bulk("a"),
            d(1.0),
            Item::Array(2),
            bulk("b"),
            d(2.0)
        ],
        "RESP3: pairs"
    );
    assert_eq!(
        t.run(&["ZRANGE", "z", "(1", "2", "BYSCORE"]),
        arr(&["b", "c"])
    );
    assert_eq!(
        t.run(&["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2"]),
        arr(&["b", "c"])
    );
    assert_eq!(t.run(&["ZRANGEBYSCORE", "z", "2", "(3"]), arr(&["b", "c"]));
    assert_eq!(
        t.run(&["ZREVRANGEBYSCORE", "z", "2", "1"]),
        arr(&["c", "b", "a"])
    );
    assert_eq!(
        t.run(&["ZRANGE", "z", "3", "(1", "BYSCORE", "REV"]),
        arr(&["d", "c", "b"])
    );
    assert_eq!(
        t.run(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"]),
        arr(&[])
    );
    assert_eq!(
        t.run(&["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "-1"]),
        arr(&["c", "d"])
    );
    check!(t, ["ZCOUNT", "z", "(1", "+inf"] => [int(3)]);
    check!(t, ["ZCOUNT", "z", "x", "1"] => [err("ERR min or max is not a float")]);
    check!(t, ["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"] => [err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")]);
    check!(t, ["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"] => [err("ERR syntax error, WITHSCORES not supported in combination with BYLEX")]);
    check!(t, ["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"] => [err("ERR syntax error")]);
    check!(t, ["ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"] => [err("ERR syntax error")]);
    check!(t, ["ZRANGE", "z", "a", "1"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"] => [int(4)]);
    assert_eq!(t.run(&["ZRANGEBYLEX", "l", "[b", "(d"]), arr(&["b", "c"]));
    assert_eq!(t.run(&["ZREVRANGEBYLEX", "l", "+", "(b"]), arr(&["d", "c"]));
    assert_eq!(
        t.run(&["ZRANGE", "l", "-", "+", "BYLEX", "LIMIT", "1", "1"]),
        arr(&["b"])
    );
    check!(t, ["ZLEXCOUNT", "l", "-", "[c"] => [int(3)]);
    check!(t, ["ZLEXCOUNT", "l", "b", "+"] => [err("ERR min or max not valid string range item")]);
}

#[test]
fn scores_ranks_pops_and_removals() {
    let mut t = T::new();
    check!(t, ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"] => [int(5)]);
    check!(t, ["ZMSCORE", "z", "a", "nope"] => [Item::Array(2), d(1.0), Item::Null]);
    check!(t, ["ZMSCORE", "nope", "a"] => [Item::Array(1), Item::Null]);
    check!(t, ["ZCARD", "z"] => [int(5)]);
    check!(t, ["ZCARD", "nope"] => [int(0)]);
    check!(t, ["ZRANK", "z", "c"] => [int(2)]);
    check!(t, ["ZREVRANK", "z", "c"] => [int(2)]);
    check!(t, ["ZREVRANK", "z", "a"] => [int(4)]);
    check!(t, ["ZRANK", "z", "b", "WITHSCORE"] => [Item::Array(2), int(1), d(2.0)]);
    check!(t, ["ZRANK", "z", "nope"] => [Item::Null]);
    check!(t, ["ZRANK", "z", "nope", "WITHSCORE"] => [Item::NullArray]);
    check!(t, ["ZRANK", "z", "a", "WITHSCORES"] => [err("ERR syntax error")]);
    check!(t, ["ZRANK", "z", "a", "WITHSCORE", "x"] => [err("ERR wrong number of arguments for 'zrank' command")]);
    t.events();
    check!(t, ["ZPOPMIN", "z"] => [Item::Array(2), bulk("a"), d(1.0)]);
    check!(t, ["ZPOPMAX", "z", "2"] => [Item::Array(4), bulk("e"), d(5.0), bulk("d"), d(4.0)]);
    assert_eq!(
        run3(&mut t, &["ZPOPMIN", "z", "1"]),
        [Item::Array(1), Item::Array(2), bulk("b"), d(2.0)]
    );
    check!(t, ["ZPOPMIN", "z", "0"] => [Item::Array(0)]);
    check!(t, ["ZPOPMIN", "z", "-1"] => [err("ERR value is out of range, must be positive")]);
    check!(t, ["ZPOPMIN", "nope"] => [Item::Array(0)]);
    check!(t, ["ZPOPMIN", "z", "1", "2"] => [err("ERR syntax error")]);
    check!(t, ["ZPOPMIN", "z", "9"] => [Item::Array(2), bulk("c"), d(3.0)]);
    check!(t, ["EXISTS", "z"] => [int(0)]);
    assert_eq!(
        kinds(&mut t),
        [K::ZPopMin, K::ZPopMax, K::ZPopMin, K::ZPopMin, K::Del]
    );
    check!(t, ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"] => [int(5)]);
    check!(t, ["ZREMRANGEBYRANK", "z", "-2", "-1"] => [int(2)]);
    check!(t, ["ZREMRANGEBYRANK", "z", "5", "9"] => [int(0)]);
    check!(t, ["ZREMRANGEBYSCORE", "z", "(1", "2"] => [int(1)]);
    check!(t, ["ZREMRANGEBYSCORE", "z", "x", "2"] => [err("ERR min or max is not a float")]);
    check!(t, ["ZREMRANGEBYLEX", "z", "[a", "[a"] => [int(1)]);
    check!(t, ["ZREM", "z", "c", "nope"] => [int(1)]);
    check!(t, ["ZREM", "z", "c"] => [int(0)]);
    check!(t, ["EXISTS", "z"] => [int(0)]);
    assert_eq!(
        kinds(&mut t),
        [
            K::ZAdd,
            K::ZRemRangeByRank,
            K::ZRemRangeByScore,
            K::ZRemRangeByLex,
            K::ZRem,
            K::Del
        ]
    );
}

#[test]
fn encoding_turns_skiplist_past_either_limit() {
    let mut t = T::with(Config::default().zset_max_listpack(3, 5));
    check!(t, ["ZADD", "z", "1", "a", "2", "b", "3", "c"] => [int(3)]);
    check!(t, ["OBJECT", "ENCODING", "z"] => [bulk("listpack")]);
    check!(t, ["ZADD", "z", "4", "d"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "z"] => [bulk("skiplist")]);
    check!(t, ["ZREM", "z", "a", "b", "c"] => [int(3)]);
    check!(t, ["OBJECT", "ENCODING", "z"] => [bulk("skiplist")]);
    check!(t, ["ZADD", "y", "1", "abcdef"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "y"] => [bulk("skiplist")]);
    check!(t, ["ZADD", "x", "1", "a", "1", "a", "1", "a", "1", "a"] => [int(1)]);
    check!(t, ["OBJECT", "ENCODING", "x"] => [bulk("skiplist")]);
    check!(t, ["COPY", "z", "z2"] => [int(1)]);
    check!(t, ["ZSCORE", "z2", "d"] => [d(4.0)]);
    check!(t, ["RENAME", "z2", "z3"] => [ok()]);
    check!(t, ["MOVE", "z3", "1"] => [int(1)]);
    t.db = 1;
    check!(t, ["ZCARD", "z3"] => [int(1)]);
}

#[test]
fn zscan_returns_members_with_scores_as_text() {
    let mut t = T::with(Config::default().zset_max_listpack(4, 64));
    check!(t, ["ZSCAN", "nope", "0"] => [Item::Array(2), bulk("0"), Item::Array(0)]);
    check!(t, ["ZADD", "z", "1.5", "a", "2", "b"] => [int(2)]);
    assert_eq!(
        t.run(&["ZSCAN", "z", "0"]),
        [
            Item::Array(2),
            bulk("0"),
            Item::Array(4),
            bulk("a"),
            bulk("1.5"),
            bulk("b"),
            bulk("2")
        ]
    );
    check!(t, ["ZSCAN", "z", "0", "NOVALUES"] => [err("ERR NOVALUES option can only be used in HSCAN")]);
    for i in 0..40 {
        let m = alloc::format!("m{i}");
        t.run(&["ZADD", "big", "0.25", &m]);
    }
    let mut seen = Vec::new();
    let mut cursor = alloc::string::String::from("0");
    loop {
        let r = t.run(&["ZSCAN", "big", &cursor, "COUNT", "3"]);
        let Item::Bulk(c) = &r[1] else {
            panic!("{r:?}")
        };
        cursor = alloc::string::String::from_utf8(c.clone()).expect("digits");
        for pair in r[3..].chunks(2) {
            assert_eq!(pair[1], bulk("0.25"));
            seen.push(pair[0].clone());
        }
        if cursor == "0" {
            break;
        }
    }
    let n = seen.len();
    seen.sort_by(|a, b| alloc::format!("{a:?}").cmp(&alloc::format!("{b:?}")));
    seen.dedup();
    assert_eq!((n, seen.len()), (40, 40));
}

#[test]
fn zrangestore_zrandmember_and_zmpop() {
    let mut t = T::with(Config::default().zset_max_listpack(2, 64));
    check!(t, ["ZADD", "z", "1", "a", "2", "b", "3", "c"] => [int(3)]);
    check!(t, ["SET", "d", "x"] => [ok()]);
    t.events();
    check!(t, ["ZRANGESTORE", "d", "z", "1", "-1"] => [int(2)]);
    check!(t, ["ZRANGE", "d", "0", "-1", "WITHSCORES"] => [Item::Array(4), bulk("b"), d(2.0), bulk("c"), d(3.0)]);
    check!(t, ["OBJECT", "ENCODING", "d"] => [bulk("listpack")]);
    check!(t, ["ZRANGESTORE", "d", "z", "+inf", "(1", "BYSCORE", "REV", "LIMIT", "0", "1"] => [int(1)]);
    check!(t, ["ZRANGE", "d", "0", "-1"] => [Item::Array(1), bulk("c")]);
    check!(t, ["ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"] => [err("ERR syntax error")]);
    check!(t, ["ZRANGESTORE", "d", "nope", "0", "-1"] => [int(0)]);
    check!(t, ["EXISTS", "d"] => [int(0)]);
    assert_eq!(kinds(&mut t), [K::ZRangeStore, K::ZRangeStore, K::Del]);

    check!(t, ["ZRANDMEMBER", "nope"] => [Item::Null]);
    check!(t, ["ZRANDMEMBER", "nope", "2"] => [Item::Array(0)]);
    let one = t.run(&["ZRANDMEMBER", "z"]);
    assert!(
        [bulk("a"), bulk("b"), bulk("c")].contains(&one[0]),
        "{one:?}"
    );
    assert_eq!(
        t.run(&["ZRANDMEMBER", "z", "5", "WITHSCORES"]),
        [
            Item::Array(6),
            bulk("a"),
            d(1.0),
            bulk("b"),
            d(2.0),
            bulk("c"),
            d(3.0)
        ]
    );
    assert_eq!(
        run3(&mut t, &["ZRANDMEMBER", "z", "-4", "WITHSCORES"])[..2],
        [Item::Array(4), Item::Array(2)]
    );
    let two = t.run(&["ZRANDMEMBER", "z", "2"]);
    assert_eq!(two[0], Item::Array(2));
    assert_ne!(two[1], two[2]);
    check!(t, ["ZRANDMEMBER", "z", "1", "WITHSCORE"] => [err("ERR syntax error")]);
    check!(t, ["ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"] => [err("ERR value is out of range")]);

    check!(t, ["ZMPOP", "2", "nope", "z", "MIN"] => [Item::Array(2), bulk("z"), Item::Array(1), Item::Array(2), bulk("a"), d(1.0)]);
    check!(t, ["ZMPOP", "1", "z", "MAX", "COUNT", "5"] => [
        Item::Array(2), bulk("z"), Item::Array(2), Item::Array(2), bulk("c"), d(3.0), Item::Array(2), bulk("b"), d(2.0)
    ]);
    check!(t, ["ZMPOP", "1", "z", "MAX"] => [Item::NullArray]);
    check!(t, ["ZMPOP", "0", "z", "MAX"] => [err("ERR numkeys should be greater than 0")]);
    check!(t, ["ZMPOP", "1", "z", "UP"] => [err("ERR syntax error")]);
    check!(t, ["ZMPOP", "2", "z", "MAX"] => [err("ERR syntax error")]);
    check!(t, ["ZMPOP", "1", "z", "MIN", "COUNT", "0"] => [err("ERR count should be greater than 0")]);
    assert_eq!(kinds(&mut t), [K::ZPopMin, K::ZPopMax, K::Del]);
}

#[test]
fn union_inter_diff_and_store_forms() {
    let mut t = T::new();
    check!(t, ["ZADD", "a", "1", "x", "2", "y", "3", "z"] => [int(3)]);
    check!(t, ["ZADD", "b", "10", "y", "20", "z", "30", "w"] => [int(3)]);
    check!(t, ["SADD", "s", "z", "v"] => [int(2)]);
    check!(t, ["ZUNION", "2", "a", "b", "WITHSCORES"] => [
        Item::Array(8), bulk("x"), d(1.0), bulk("y"), d(12.0), bulk("z"), d(23.0), bulk("w"), d(30.0)
    ]);
    check!(t, ["ZINTER", "2", "a", "b", "WEIGHTS", "2", "1", "AGGREGATE", "MAX", "WITHSCORES"] => [
        Item::Array(4), bulk("y"), d(10.0), bulk("z"), d(20.0)
    ]);
    check!(t, ["ZINTER", "3", "a", "b", "s", "AGGREGATE", "MIN"] => [Item::Array(1), bulk("z")]);
    check!(t, ["ZINTER", "2", "a", "nope"] => [Item::Array(0)]);
    check!(t, ["ZDIFF", "2", "a", "b", "WITHSCORES"] => [Item::Array(2), bulk("x"), d(1.0)]);
    check!(t, ["ZUNION", "1", "s", "WITHSCORES"] => [Item::Array(4), bulk("v"), d(1.0), bulk("z"), d(1.0)]);
    check!(t, ["ZINTERCARD", "2", "a", "b"] => [int(2)]);
    check!(t, ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"] => [int(1)]);
    check!(t, ["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"] => [err("ERR LIMIT can't be negative")]);
    check!(t, ["ZUNION", "0", "a"] => [err("ERR at least 1 input key is needed for 'zunion' command")]);
    check!(t, ["ZUNIONSTORE", "d", "0", "a"] => [err("ERR at least 1 input key is needed for 'zunionstore' command")]);
    check!(t, ["ZUNION", "3", "a", "b"] => [err("ERR syntax error")]);
    check!(t, ["ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"] => [err("ERR weight value is not a float")]);
    check!(t, ["ZUNION", "2", "a", "b", "AGGREGATE", "AVG"] => [err("ERR syntax error")]);
    check!(t, ["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"] => [err("ERR syntax error")]);
    check!(t, ["ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"] => [err("ERR syntax error")]);
    check!(t, ["SET", "str", "v"] => [ok()]);
    check!(t, ["ZUNION", "2", "a", "str"] => [err(WRONGTYPE)]);
    t.events();
    check!(t, ["ZUNIONSTORE", "d", "2", "a", "b"] => [int(4)]);
    check!(t, ["ZSCORE", "d", "z"] => [d(23.0)]);
    check!(t, ["ZINTERSTORE", "d", "2", "a", "b"] => [int(2)]);
    check!(t, ["ZDIFFSTORE", "d", "2", "a", "b"] => [int(1)]);
    check!(t, ["TYPE", "d"] => [Item::Simple("zset".into())]);
    check!(t, ["ZDIFFSTORE", "d", "2", "a", "a"] => [int(0)]);
    check!(t, ["EXISTS", "d"] => [int(0)]);
    assert_eq!(
        kinds(&mut t),
        [K::ZUnionStore, K::ZInterStore, K::ZDiffStore, K::Del]
    );
}

#[test]
fn union_family_checks_key_types_before_options_as_valkey_does() {
    let mut t = T::new();
    check!(t, ["ZADD", "a", "1", "x"] => [int(1)]);
    check!(t, ["SET", "str", "v"] => [ok()]);
    // The key count comes first...
    check!(t, ["ZUNION", "0", "str", "AGGREGATE", "AVG"] => [err("ERR at least 1 input key is needed for 'zunion' command")]);
    check!(t, ["ZINTER", "x", "str"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["ZUNION", "3", "a", "str"] => [err("ERR syntax error")]);
    // ...then every key's type, before any option.
    check!(t, ["ZUNION", "2", "a", "str", "WEIGHTS", "1"] => [err(WRONGTYPE)]);
    check!(t, ["ZUNION", "2", "a", "str", "WEIGHTS", "1", "x"] => [err(WRONGTYPE)]);
    check!(t, ["ZINTER", "1", "str", "AGGREGATE", "AVG"] => [err(WRONGTYPE)]);
    check!(t, ["ZDIFF", "1", "str", "WITHSCORES", "x"] => [err(WRONGTYPE)]);
    check!(t, ["ZINTERCARD", "1", "str", "LIMIT", "-1"] => [err(WRONGTYPE)]);
    check!(t, ["ZUNIONSTORE", "d", "1", "str", "WITHSCORES"] => [err(WRONGTYPE)]);
    check!(t, ["ZUNION", "1", "a", "WEIGHTS", "1", "x"] => [err("ERR syntax error")]);
}

#[test]
fn union_and_inter_add_scores_smallest_input_first() {
    // Valkey sorts the inputs by size, so m's sum is inf + -inf (0, not NaN) + 5 = 5; in key
    // order it would be 5 + -inf + inf = 0.
    let mut t = T::new();
    check!(t, ["ZADD", "a", "inf", "m"] => [int(1)]);
    check!(t, ["ZADD", "b", "-inf", "m", "1", "x"] => [int(2)]);
    check!(t, ["ZADD", "c", "5", "m", "1", "y", "1", "z"] => [int(3)]);
    check!(t, ["ZUNION", "3", "c", "b", "a", "WITHSCORES"] => [
        Item::Array(8), bulk("x"), d(1.0), bulk("y"), d(1.0), bulk("z"), d(1.0), bulk("m"), d(5.0)
    ]);
    check!(t, ["ZINTER", "3", "c", "b", "a", "WITHSCORES"] => [Item::Array(2), bulk("m"), d(5.0)]);
    check!(t, ["ZINTERSTORE", "d", "3", "c", "b", "a"] => [int(1)]);
    check!(t, ["ZSCORE", "d", "m"] => [d(5.0)]);
}

#[test]
fn score_and_lex_ranges_with_limit_match_a_filtered_list_both_ways() {
    let mut t = T::new();
    let mut model: Vec<(i64, alloc::string::String)> = Vec::new();
    for i in 0..300 {
        let (score, m) = (i / 3, alloc::format!("m{i:03}"));
        t.run(&["ZADD", "z", &alloc::format!("{score}"), &m]);
        t.run(&["ZADD", "same", "0", &m]);
        model.push((score, m));
    }
    check!(t, ["OBJECT", "ENCODING", "z"] => [bulk("skiplist")]);
    for (min, max) in [(-5, 400), (10, 10), (17, 80), (90, 20)] {
        for (offset, count) in [(0i64, -1i64), (0, 7), (5, 10), (-1, 3), (2, 1000), (500, 3)] {
            for rev in [false, true] {
                let mut want: Vec<&str> = model
                    .iter()
                    .filter(|(s, _)| (min..=max).contains(s))
                    .map(|(_, m)| m.as_str())
                    .collect();
                if rev {
                    want.reverse();
                }
                let want: Vec<&str> = match usize::try_from(offset) {
                    Err(_) => Vec::new(),
                    Ok(offset) => {
                        let rest = want.into_iter().skip(offset);
                        match usize::try_from(count) {
                            Ok(count) => rest.take(count).collect(),
                            Err(_) => rest.collect(),
                        }
                    }
                };
                let (lo, hi) = (alloc::format!("{min}"), alloc::format!("{max}"));
                let (o, c) = (alloc::format!("{offset}"), alloc::format!("{count}"));
                let (a, b) = if rev { (&hi, &lo) } else { (&lo, &hi) };
                let mut args = vec!["ZRANGE", "z", a, b, "BYSCORE", "LIMIT", &o, &c];
                if rev {
                    args.push("REV");
                }
                assert_eq!(t.run(&args), arr(&want), "{args:?}");
                // The same window by lex over equal scores: members m{min*3}..=m{max*3+2}.
                let (lo, hi) = (
                    alloc::format!("[m{:03}", min * 3),
                    alloc::format!("[m{:03}", max * 3 + 2),
                );
                let (a, b) = if rev { (&hi, &lo) } else { (&lo, &hi) };
                let mut args = vec!["ZRANGE", "same", a, b, "BYLEX", "LIMIT", &o, &c];
                if rev {
                    args.push("REV");
                }
                if (0..100).contains(&min) {
                    assert_eq!(t.run(&args), arr(&want), "{args:?}");
                }
            }
        }
    }
}
