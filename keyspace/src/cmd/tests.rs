//! Per-command tests: every reply shape and error, through the command table and a recording sink.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::command::{CommandTable, Ctx, Handler};
use crate::events::{Change, ChangeKind};
use crate::keyspace::{AccessTracking, Config, Keyspace};
use crate::reply::Item;
use crate::time::Millis;

struct T {
    ks: Keyspace,
    table: CommandTable<Handler>,
    now: Millis,
    db: usize,
    events: Vec<Change>,
}

impl T {
    fn new() -> Self {
        Self::with(Config::default())
    }
    fn with(config: Config) -> Self {
        Self {
            ks: Keyspace::new(config),
            table: super::data_table(),
            now: Millis(1_000_000),
            db: 0,
            events: Vec::new(),
        }
    }
    fn run(&mut self, args: &[&str]) -> Vec<Item> {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        let mut out = Vec::new();
        let mut cx = Ctx {
            keyspace: &mut self.ks,
            db: self.db,
            now: self.now,
            events: &mut self.events,
        };
        cx.call(&self.table, &args, &mut out);
        out
    }
    fn events(&mut self) -> Vec<(usize, String, ChangeKind)> {
        self.events
            .drain(..)
            .map(|c| (c.db, String::from_utf8(c.key).expect("utf8 key"), c.kind))
            .collect()
    }
}

fn bulk(s: &str) -> Item {
    Item::Bulk(s.as_bytes().to_vec())
}
fn int(i: i64) -> Item {
    Item::Integer(i)
}
fn ok() -> Item {
    Item::Simple("OK".into())
}
fn err(s: &str) -> Item {
    Item::Error(s.into())
}
fn ev(db: usize, key: &str, kind: ChangeKind) -> (usize, String, ChangeKind) {
    (db, key.into(), kind)
}

/// `check!(t, [args...] => [items...])`
macro_rules! check {
    ($t:expr, [$($a:expr),*] => [$($r:expr),* $(,)?]) => {
        assert_eq!($t.run(&[$($a),*]), vec![$($r),*], "{:?}", [$($a),*]);
    };
}

#[test]
fn get_set_basics_and_reply_shapes() {
    let mut t = T::new();
    check!(t, ["GET", "k"] => [Item::Null]);
    check!(t, ["SET", "k", "v"] => [ok()]);
    check!(t, ["get", "k"] => [bulk("v")]);
    check!(t, ["SET", "k", "w", "GET"] => [bulk("v")]);
    check!(t, ["SET", "n", "x", "GET"] => [Item::Null]);
    check!(t, ["SET", "k", "x", "NX"] => [Item::Null]);
    check!(t, ["SET", "missing", "x", "XX"] => [Item::Null]);
    check!(t, ["SET", "k", "x", "XX"] => [ok()]);
    check!(t, ["SET", "k", "y", "NX", "GET"] => [bulk("x")]);
    check!(t, ["GET", "k"] => [bulk("x")]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "k", ChangeKind::Set),
            ev(0, "k", ChangeKind::Set),
            ev(0, "n", ChangeKind::Set),
            ev(0, "k", ChangeKind::Set),
        ],
        "failed NX/XX report nothing"
    );
}

#[test]
fn set_option_errors_match_valkey() {
    let mut t = T::new();
    let syntax = || err("ERR syntax error");
    check!(t, ["SET", "k", "v", "NX", "XX"] => [syntax()]);
    check!(t, ["SET", "k", "v", "EX", "1", "PX", "1"] => [syntax()]);
    check!(t, ["SET", "k", "v", "EX"] => [syntax()]);
    check!(t, ["SET", "k", "v", "KEEPTTL", "EX", "1"] => [syntax()]);
    check!(t, ["SET", "k", "v", "PERSIST"] => [syntax()]);
    check!(t, ["SET", "k", "v", "EX", "0"] => [err("ERR invalid expire time in 'set' command")]);
    check!(t, ["SET", "k", "v", "PX", "-5"] => [err("ERR invalid expire time in 'set' command")]);
    check!(t, ["SET", "k", "v", "EX", "9223372036854776"] => [err("ERR invalid expire time in 'set' command")]);
    check!(t, ["SET", "k", "v", "EX", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["SETEX", "k", "0", "v"] => [err("ERR invalid expire time in 'setex' command")]);
    check!(t, ["PSETEX", "k", "0", "v"] => [err("ERR invalid expire time in 'psetex' command")]);
    check!(t, ["GETEX", "k", "EX", "0"] => [err("ERR invalid expire time in 'getex' command")]);
    check!(t, ["SET", "k"] => [err("ERR wrong number of arguments for 'set' command")]);
    check!(t, ["SET", "k", "v", "EX", "5", "EX", "6"] => [ok()]);
    check!(t, ["TTL", "k"] => [int(6)]);
    assert_eq!(t.ks.len(0), 1);
}

#[test]
fn set_expire_options_and_keepttl() {
    let mut t = T::new();
    check!(t, ["SET", "k", "v", "EX", "10"] => [ok()]);
    assert_eq!(
        t.events(),
        vec![ev(0, "k", ChangeKind::Set), ev(0, "k", ChangeKind::Expire)]
    );
    check!(t, ["PTTL", "k"] => [int(10_000)]);
    check!(t, ["SET", "k", "v2", "KEEPTTL"] => [ok()]);
    check!(t, ["PTTL", "k"] => [int(10_000)]);
    check!(t, ["SET", "k", "v3"] => [ok()]);
    check!(t, ["TTL", "k"] => [int(-1)]);
    check!(t, ["SET", "k", "v", "PXAT", "1000500"] => [ok()]);
    check!(t, ["PEXPIRETIME", "k"] => [int(1_000_500)]);
    check!(t, ["EXPIRETIME", "k"] => [int(1000)]);
    check!(t, ["SET", "k", "v", "EXAT", "2000"] => [ok()]);
    check!(t, ["PEXPIRETIME", "k"] => [int(2_000_000)]);
    t.events();
    // An absolute time already in the past deletes the key and reports a delete.
    check!(t, ["SET", "k", "v", "PXAT", "5"] => [ok()]);
    check!(t, ["EXISTS", "k"] => [int(0)]);
    assert_eq!(t.events(), vec![ev(0, "k", ChangeKind::Del)]);
    check!(t, ["SET", "gone", "v", "PXAT", "5"] => [ok()]);
    assert_eq!(t.events(), vec![], "nothing existed, nothing changed");
}

#[test]
fn lazy_expiry_on_read_and_write() {
    let mut t = T::new();
    check!(t, ["SET", "k", "v", "PX", "100"] => [ok()]);
    t.now = Millis(1_000_099);
    check!(t, ["GET", "k"] => [bulk("v")]);
    t.now = Millis(1_000_100);
    t.events();
    check!(t, ["GET", "k"] => [Item::Null]);
    assert_eq!(t.events(), vec![ev(0, "k", ChangeKind::Expired)]);
    check!(t, ["SET", "k", "v", "PX", "1"] => [ok()]);
    t.now = Millis(1_000_200);
    t.events();
    check!(t, ["SET", "k", "new"] => [ok()]);
    assert_eq!(
        t.events(),
        vec![ev(0, "k", ChangeKind::Expired), ev(0, "k", ChangeKind::Set)]
    );
    check!(t, ["TTL", "nokey"] => [int(-2)]);
}

#[test]
fn setnx_setex_getset_getdel_getex() {
    let mut t = T::new();
    check!(t, ["SETNX", "k", "1"] => [int(1)]);
    check!(t, ["SETNX", "k", "2"] => [int(0)]);
    check!(t, ["SETEX", "e", "100", "v"] => [ok()]);
    check!(t, ["TTL", "e"] => [int(100)]);
    check!(t, ["PSETEX", "p", "1500", "v"] => [ok()]);
    check!(t, ["TTL", "p"] => [int(2)]);
    check!(t, ["GETSET", "e", "w"] => [bulk("v")]);
    check!(t, ["TTL", "e"] => [int(-1)]);
    check!(t, ["GETSET", "new", "w"] => [Item::Null]);
    check!(t, ["GETDEL", "new"] => [bulk("w")]);
    check!(t, ["GETDEL", "new"] => [Item::Null]);
    check!(t, ["GETEX", "e", "PX", "500"] => [bulk("w")]);
    check!(t, ["PTTL", "e"] => [int(500)]);
    check!(t, ["GETEX", "e", "PERSIST"] => [bulk("w")]);
    check!(t, ["PTTL", "e"] => [int(-1)]);
    t.events();
    check!(t, ["GETEX", "e", "PERSIST"] => [bulk("w")]);
    assert_eq!(t.events(), vec![], "PERSIST without a TTL changes nothing");
    check!(t, ["GETEX", "e", "PXAT", "1"] => [bulk("w")]);
    assert_eq!(t.events(), vec![ev(0, "e", ChangeKind::Del)]);
    check!(t, ["GETEX", "e"] => [Item::Null]);
    check!(t, ["GETEX", "k", "KEEPTTL"] => [err("ERR syntax error")]);
}

#[test]
fn mget_mset_msetnx() {
    let mut t = T::new();
    check!(t, ["MSET", "a", "1", "b", "2"] => [ok()]);
    check!(t, ["MGET", "a", "x", "b"] => [Item::Array(3), bulk("1"), Item::Null, bulk("2")]);
    check!(t, ["MSET", "a", "1", "b"] => [err("ERR wrong number of arguments for 'mset' command")]);
    check!(t, ["MSETNX", "c", "3", "a", "9"] => [int(0)]);
    check!(t, ["MSETNX", "c", "3", "d", "4"] => [int(1)]);
    check!(t, ["MSETNX", "c"] => [err("ERR wrong number of arguments for 'msetnx' command")]);
    check!(t, ["GET", "a"] => [bulk("1")]);
}

#[test]
fn append_strlen_getrange_setrange() {
    let mut t = T::new();
    check!(t, ["APPEND", "k", "Hello"] => [int(5)]);
    check!(t, ["APPEND", "k", " World"] => [int(11)]);
    check!(t, ["STRLEN", "k"] => [int(11)]);
    check!(t, ["STRLEN", "none"] => [int(0)]);
    check!(t, ["GETRANGE", "k", "0", "4"] => [bulk("Hello")]);
    check!(t, ["GETRANGE", "k", "-5", "-1"] => [bulk("World")]);
    check!(t, ["GETRANGE", "k", "5", "1"] => [bulk("")]);
    check!(t, ["GETRANGE", "k", "-1", "-5"] => [bulk("")]);
    check!(t, ["GETRANGE", "k", "0", "100"] => [bulk("Hello World")]);
    check!(t, ["GETRANGE", "none", "0", "1"] => [bulk("")]);
    check!(t, ["GETRANGE", "k", "a", "1"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["SETRANGE", "k", "6", "Redis"] => [int(11)]);
    check!(t, ["GET", "k"] => [bulk("Hello Redis")]);
    check!(t, ["SETRANGE", "z", "3", "ab"] => [int(5)]);
    check!(t, ["GET", "z"] => [Item::Bulk(b"\0\0\0ab".to_vec())]);
    check!(t, ["SETRANGE", "none", "3", ""] => [int(0)]);
    check!(t, ["SETRANGE", "k", "3", ""] => [int(11)]);
    check!(t, ["SETRANGE", "k", "-1", "x"] => [err("ERR offset is out of range")]);
    check!(t, ["SETRANGE", "k", "536870911", "xx"] => [err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]);
    check!(t, ["SET", "n", "123"] => [ok()]);
    check!(t, ["STRLEN", "n"] => [int(3)]);
    check!(t, ["APPEND", "n", "4"] => [int(4)]);
    check!(t, ["OBJECT", "ENCODING", "n"] => [bulk("raw")]);
    check!(t, ["GET", "n"] => [bulk("1234")]);
}

#[test]
fn counters_and_their_errors() {
    let mut t = T::new();
    check!(t, ["INCR", "c"] => [int(1)]);
    check!(t, ["INCRBY", "c", "10"] => [int(11)]);
    check!(t, ["DECR", "c"] => [int(10)]);
    check!(t, ["DECRBY", "c", "20"] => [int(-10)]);
    check!(t, ["OBJECT", "ENCODING", "c"] => [bulk("int")]);
    check!(t, ["INCRBY", "c", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["DECRBY", "c", "-9223372036854775808"] => [err("ERR decrement would overflow")]);
    check!(t, ["SET", "m", "9223372036854775807"] => [ok()]);
    check!(t, ["INCR", "m"] => [err("ERR increment or decrement would overflow")]);
    check!(t, ["SET", "s", " 11"] => [ok()]);
    check!(t, ["INCR", "s"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["SET", "e", "5", "EX", "100"] => [ok()]);
    check!(t, ["INCR", "e"] => [int(6)]);
    check!(t, ["TTL", "e"] => [int(100)]);
    t.events();
    check!(t, ["INCR", "s"] => [err("ERR value is not an integer or out of range")]);
    assert_eq!(t.events(), vec![], "a failed INCR reports nothing");
}

#[test]
fn incrbyfloat_formats_like_valkey() {
    let mut t = T::new();
    check!(t, ["SET", "f", "10.50"] => [ok()]);
    check!(t, ["INCRBYFLOAT", "f", "0.1"] => [bulk("10.6")]);
    check!(t, ["INCRBYFLOAT", "f", "-5"] => [bulk("5.6")]);
    check!(t, ["SET", "f", "5.0e3"] => [ok()]);
    check!(t, ["INCRBYFLOAT", "f", "2.0e2"] => [bulk("5200")]);
    check!(t, ["OBJECT", "ENCODING", "f"] => [bulk("embstr")]);
    check!(t, ["INCRBYFLOAT", "new", "3"] => [bulk("3")]);
    check!(t, ["INCRBYFLOAT", "f", "x"] => [err("ERR value is not a valid float")]);
    check!(t, ["INCRBYFLOAT", "f", "inf"] => [err("ERR increment would produce NaN or Infinity")]);
    check!(t, ["SET", "s", "abc"] => [ok()]);
    check!(t, ["INCRBYFLOAT", "s", "1"] => [err("ERR value is not a valid float")]);
    // An INCRBYFLOAT result that is an integer is still one for INCR.
    check!(t, ["INCR", "f"] => [int(5201)]);
    check!(t, ["INCRBYFLOAT", "f", "0.5"] => [bulk("5201.5")]);
    check!(t, ["INCR", "f"] => [err("ERR value is not an integer or out of range")]);
}

#[test]
fn del_exists_type_touch() {
    let mut t = T::new();
    check!(t, ["MSET", "a", "1", "b", "2"] => [ok()]);
    t.events();
    check!(t, ["EXISTS", "a", "a", "zz"] => [int(2)]);
    check!(t, ["TYPE", "a"] => [Item::Simple("string".into())]);
    check!(t, ["TYPE", "zz"] => [Item::Simple("none".into())]);
    check!(t, ["TOUCH", "a", "zz"] => [int(1)]);
    check!(t, ["DEL", "a", "zz"] => [int(1)]);
    check!(t, ["UNLINK", "b"] => [int(1)]);
    check!(t, ["DEL", "b"] => [int(0)]);
    assert_eq!(
        t.events(),
        vec![ev(0, "a", ChangeKind::Del), ev(0, "b", ChangeKind::Del)]
    );
    check!(t, ["DEL"] => [err("ERR wrong number of arguments for 'del' command")]);
}

#[test]
fn expire_family_with_conditions() {
    let mut t = T::new();
    check!(t, ["EXPIRE", "k", "10"] => [int(0)]);
    check!(t, ["SET", "k", "v"] => [ok()]);
    check!(t, ["EXPIRE", "k", "10", "XX"] => [int(0)]);
    check!(t, ["EXPIRE", "k", "10", "GT"] => [int(0)]);
    check!(t, ["EXPIRE", "k", "10", "NX"] => [int(1)]);
    check!(t, ["EXPIRE", "k", "20", "NX"] => [int(0)]);
    check!(t, ["EXPIRE", "k", "5", "GT"] => [int(0)]);
    check!(t, ["EXPIRE", "k", "20", "GT"] => [int(1)]);
    check!(t, ["EXPIRE", "k", "30", "LT"] => [int(0)]);
    check!(t, ["PEXPIRE", "k", "1500", "LT"] => [int(1)]);
    check!(t, ["PTTL", "k"] => [int(1500)]);
    check!(t, ["EXPIREAT", "k", "2000"] => [int(1)]);
    check!(t, ["TTL", "k"] => [int(1000)]);
    check!(t, ["PEXPIREAT", "k", "1000001"] => [int(1)]);
    check!(t, ["PTTL", "k"] => [int(1)]);
    check!(t, ["PERSIST", "k"] => [int(1)]);
    check!(t, ["PERSIST", "k"] => [int(0)]);
    check!(t, ["EXPIRE", "k", "1", "NX", "XX"] => [err("ERR NX and XX, GT or LT options at the same time are not compatible")]);
    check!(t, ["EXPIRE", "k", "1", "GT", "LT"] => [err("ERR GT and LT options at the same time are not compatible")]);
    check!(t, ["EXPIRE", "k", "1", "FOO"] => [err("ERR Unsupported option FOO")]);
    check!(t, ["EXPIRE", "k", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["EXPIRE", "k", "9223372036854775807"] => [err("ERR invalid expire time in 'expire' command")]);
    t.events();
    check!(t, ["EXPIRE", "k", "-1"] => [int(1)]);
    assert_eq!(t.events(), vec![ev(0, "k", ChangeKind::Del)]);
    check!(t, ["EXISTS", "k"] => [int(0)]);
}

#[test]
fn rename_renamenx_copy_move() {
    let mut t = T::new();
    check!(t, ["RENAME", "a", "b"] => [err("ERR no such key")]);
    check!(t, ["SET", "a", "1", "EX", "100"] => [ok()]);
    check!(t, ["RENAME", "a", "a"] => [ok()]);
    t.events();
    check!(t, ["RENAME", "a", "b"] => [ok()]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "a", ChangeKind::RenameFrom),
            ev(0, "b", ChangeKind::RenameTo)
        ]
    );
    check!(t, ["TTL", "b"] => [int(100)]);
    check!(t, ["SET", "c", "2"] => [ok()]);
    check!(t, ["RENAMENX", "b", "c"] => [int(0)]);
    check!(t, ["RENAMENX", "b", "d"] => [int(1)]);
    check!(t, ["RENAME", "d", "c"] => [ok()]);
    check!(t, ["GET", "c"] => [bulk("1")]);
    check!(t, ["COPY", "c", "e"] => [int(1)]);
    check!(t, ["COPY", "c", "e"] => [int(0)]);
    check!(t, ["COPY", "c", "e", "REPLACE"] => [int(1)]);
    check!(t, ["COPY", "c", "c"] => [err("ERR source and destination objects are the same")]);
    check!(t, ["COPY", "c", "c", "DB", "1"] => [int(1)]);
    check!(t, ["COPY", "c", "x", "DB", "99"] => [err("ERR DB index is out of range")]);
    check!(t, ["COPY", "c", "x", "FOO"] => [err("ERR syntax error")]);
    check!(t, ["COPY", "nokey", "x"] => [int(0)]);
    t.events();
    check!(t, ["MOVE", "e", "2"] => [int(1)]);
    assert_eq!(
        t.events(),
        vec![
            ev(0, "e", ChangeKind::MoveFrom),
            ev(2, "e", ChangeKind::MoveTo)
        ]
    );
    check!(t, ["MOVE", "c", "1"] => [int(0)]);
    check!(t, ["MOVE", "c", "0"] => [err("ERR source and destination objects are the same")]);
    check!(t, ["MOVE", "c", "16"] => [err("ERR DB index is out of range")]);
    check!(t, ["MOVE", "c", "x"] => [err("ERR value is not an integer or out of range")]);
    t.db = 2;
    check!(t, ["TTL", "e"] => [int(100)]);
}

#[test]
fn flush_swap_dbsize_randomkey() {
    let mut t = T::new();
    check!(t, ["DBSIZE"] => [int(0)]);
    check!(t, ["RANDOMKEY"] => [Item::Null]);
    check!(t, ["MSET", "a", "1", "b", "2"] => [ok()]);
    check!(t, ["DBSIZE"] => [int(2)]);
    let r = t.run(&["RANDOMKEY"]);
    assert!(r == vec![bulk("a")] || r == vec![bulk("b")], "{r:?}");
    t.events();
    check!(t, ["SWAPDB", "0", "3"] => [ok()]);
    assert_eq!(
        t.events(),
        vec![ev(0, "", ChangeKind::SwapDb), ev(3, "", ChangeKind::SwapDb)]
    );
    check!(t, ["DBSIZE"] => [int(0)]);
    check!(t, ["SWAPDB", "x", "3"] => [err("ERR invalid first DB index")]);
    check!(t, ["SWAPDB", "0", "y"] => [err("ERR invalid second DB index")]);
    check!(t, ["SWAPDB", "0", "16"] => [err("ERR DB index is out of range")]);
    t.db = 3;
    check!(t, ["FLUSHDB", "BAD"] => [err("ERR syntax error")]);
    check!(t, ["FLUSHDB", "ASYNC"] => [ok()]);
    assert_eq!(t.events(), vec![ev(3, "", ChangeKind::Flush)]);
    check!(t, ["FLUSHALL"] => [ok()]);
    assert_eq!(
        t.events(),
        vec![],
        "flushing empty databases changes nothing"
    );
}

#[test]
fn keys_and_scan() {
    let mut t = T::new();
    for k in ["one", "two", "three", "four"] {
        check!(t, ["SET", k, "x"] => [ok()]);
    }
    let mut r = t.run(&["KEYS", "t*"]);
    r[1..].sort_by(|a, b| alloc::format!("{a:?}").cmp(&alloc::format!("{b:?}")));
    assert_eq!(r, vec![Item::Array(2), bulk("three"), bulk("two")]);
    check!(t, ["SCAN", "x"] => [err("ERR invalid cursor")]);
    check!(t, ["SCAN", "0", "COUNT", "0"] => [err("ERR syntax error")]);
    check!(t, ["SCAN", "0", "COUNT"] => [err("ERR syntax error")]);
    check!(t, ["SCAN", "0", "FOO", "1"] => [err("ERR syntax error")]);
    let mut seen = Vec::new();
    let mut cursor = String::from("0");
    loop {
        let r = t.run(&[
            "SCAN", &cursor, "MATCH", "*o*", "COUNT", "1", "TYPE", "string",
        ]);
        let Item::Bulk(c) = &r[1] else {
            panic!("{r:?}")
        };
        cursor = String::from_utf8(c.clone()).expect("digits");
        let Item::Array(n) = r[2] else {
            panic!("{r:?}")
        };
        seen.extend(r[3..3 + n].iter().cloned());
        if cursor == "0" {
            break;
        }
    }
    seen.sort_by(|a, b| alloc::format!("{a:?}").cmp(&alloc::format!("{b:?}")));
    assert_eq!(seen, vec![bulk("four"), bulk("one"), bulk("two")]);
    let r = t.run(&["SCAN", "0", "COUNT", "100", "TYPE", "list"]);
    assert_eq!(r, vec![Item::Array(2), bulk("0"), Item::Array(0)]);
}

#[test]
fn object_and_memory_subcommands() {
    let mut t = T::new();
    check!(t, ["SET", "i", "12"] => [ok()]);
    check!(t, ["SET", "s", "hello"] => [ok()]);
    check!(t, ["SET", "r", &"x".repeat(45)] => [ok()]);
    check!(t, ["OBJECT", "ENCODING", "i"] => [bulk("int")]);
    check!(t, ["OBJECT", "ENCODING", "s"] => [bulk("embstr")]);
    check!(t, ["object", "encoding", "r"] => [bulk("raw")]);
    check!(t, ["OBJECT", "ENCODING", "none"] => [Item::Null]);
    check!(t, ["OBJECT", "REFCOUNT", "s"] => [int(1)]);
    // Valkey's shared integers 0..9999, unless maxmemory runs an LRU/LFU policy.
    check!(t, ["OBJECT", "REFCOUNT", "i"] => [int(2_147_483_647)]);
    check!(t, ["SET", "big", "10000"] => [ok()]);
    check!(t, ["OBJECT", "REFCOUNT", "big"] => [int(1)]);
    let limits = t.ks.config().shared_integers(false);
    t.ks.set_limits(&limits);
    check!(t, ["OBJECT", "REFCOUNT", "i"] => [int(1)]);
    t.now = Millis(1_010_000);
    check!(t, ["OBJECT", "IDLETIME", "s"] => [int(10)]);
    check!(t, ["OBJECT", "FREQ", "s"] => [err(crate::error::Error::LfuNotSelected.static_text().unwrap_or(""))]);
    check!(t, ["OBJECT", "FOO", "s"] => [err("ERR unknown subcommand 'FOO'. Try OBJECT HELP.")]);
    check!(t, ["OBJECT", "ENCODING"] => [err("ERR wrong number of arguments for 'object|encoding' command")]);
    check!(t, ["OBJECT"] => [err("ERR wrong number of arguments for 'object' command")]);
    let help = t.run(&["OBJECT", "HELP"]);
    assert_eq!(help[0], Item::Array(help.len() - 1));
    let r = t.run(&["MEMORY", "USAGE", "r"]);
    let Item::Integer(n) = r[0] else {
        panic!("{r:?}")
    };
    assert!(n > 45, "{n}");
    check!(t, ["MEMORY", "USAGE", "none"] => [Item::Null]);
    check!(t, ["MEMORY", "USAGE", "r", "SAMPLES", "x"] => [err("ERR value is not an integer or out of range")]);
    check!(t, ["MEMORY", "USAGE", "r", "FOO"] => [err("ERR syntax error")]);

    let lfu = AccessTracking::Lfu {
        log_factor: 10,
        decay_minutes: 1,
    };
    let mut t = T::with(Config::default().access(lfu));
    check!(t, ["SET", "k", "v"] => [ok()]);
    check!(t, ["OBJECT", "FREQ", "k"] => [int(5)]);
    check!(t, ["OBJECT", "IDLETIME", "k"] => [err(crate::error::Error::LruNotSelected.static_text().unwrap_or(""))]);
}

#[test]
fn lcs_replies() {
    let mut t = T::new();
    check!(t, ["MSET", "key1", "ohmytext", "key2", "mynewtext"] => [ok()]);
    check!(t, ["LCS", "key1", "key2"] => [bulk("mytext")]);
    check!(t, ["LCS", "key1", "key2", "LEN"] => [int(6)]);
    check!(t, ["LCS", "key1", "key2", "IDX"] => [
        Item::Map(2), bulk("matches"), Item::Array(2),
        Item::Array(2), Item::Array(2), int(4), int(7), Item::Array(2), int(5), int(8),
        Item::Array(2), Item::Array(2), int(2), int(3), Item::Array(2), int(0), int(1),
        bulk("len"), int(6),
    ]);
    check!(t, ["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"] => [
        Item::Map(2), bulk("matches"), Item::Array(1),
        Item::Array(3), Item::Array(2), int(4), int(7), Item::Array(2), int(5), int(8), int(4),
        bulk("len"), int(6),
    ]);
    check!(t, ["LCS", "key1", "key2", "LEN", "IDX"] => [err("ERR If you want both the length and indexes, please just use IDX.")]);
    check!(t, ["LCS", "key1", "key2", "FOO"] => [err("ERR syntax error")]);
    check!(t, ["LCS", "key1", "nokey"] => [bulk("")]);
}

#[test]
fn unknown_commands_and_table_metadata() {
    let mut t = T::new();
    check!(t, ["NOPE", "a"] => [err("ERR unknown command 'NOPE', with args beginning with: 'a' ")]);
    let set = t.table.get(b"SET").expect("set");
    assert!(set.info.flags.contains(crate::command::Flags::WRITE));
    assert_eq!(
        set.info.flags.names().collect::<Vec<_>>(),
        ["write", "denyoom"]
    );
    assert_eq!(
        set.info.acl.names().collect::<Vec<_>>(),
        ["write", "string", "slow"]
    );
    let mset = t.table.get(b"mset").expect("mset");
    let args: [&[u8]; 5] = [b"MSET", b"a", b"1", b"b", b"2"];
    assert_eq!(mset.info.keys(&args), [1, 3]);
    let rename = t.table.get(b"rename").expect("rename");
    assert_eq!(rename.info.keys(&[b"RENAME", b"a", b"b"]), [1, 2]);
    let enc = t
        .table
        .get(b"object")
        .and_then(|c| c.subcommand(b"encoding"))
        .expect("sub");
    assert_eq!(enc.info.keys(&[b"OBJECT", b"ENCODING", b"k"]), [2]);
    assert!(
        t.table
            .get(b"get")
            .is_some_and(|c| !c.info.flags.contains(crate::command::Flags::WRITE))
    );
}

mod appends;
mod hashes;
mod lists;
mod modules;
mod randoms;
mod sets;
mod zsets;
