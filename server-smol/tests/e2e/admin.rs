//! CONFIG, INFO, COMMAND, the whole-database commands, and active expiry.

use std::collections::HashMap;

use redis::Value;

use crate::support::{Server, eventually};

fn info_fields(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn info(r: &mut redis::Connection, sections: &[&str]) -> HashMap<String, String> {
    let text: String = redis::cmd("INFO").arg(sections).query(r).expect("info");
    info_fields(&text)
}

#[test]
fn config_get_takes_globs_and_several_patterns() {
    let server = Server::start(&["--maxclients", "77", "--hz", "20"]);
    let mut r = server.redis(false);
    let got: HashMap<String, String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("max*")
        .arg("HZ")
        .arg("nonexistent")
        .query(&mut r)
        .expect("config get");
    assert_eq!(got.get("maxclients").map(String::as_str), Some("77"));
    assert_eq!(got.get("HZ").map(String::as_str), Some("20"));
    assert_eq!(got.get("maxmemory").map(String::as_str), Some("0"));
    // maxclients, HZ, and maxmemory with its -policy, -samples and -eviction-tenacity.
    assert_eq!(got.len(), 6, "{got:?}");
    let mut c = server.raw();
    c.roundtrip(&["CONFIG", "GET", "nope*"], b"*0\r\n");
}

#[test]
fn config_set_is_all_or_nothing() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["CONFIG", "SET", "timeout", "30", "loglevel", "warning"],
        b"+OK\r\n",
    );
    c.roundtrip(
        &["CONFIG", "GET", "timeout"],
        b"*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "timeout", "5", "maxclients", "zero"],
        b"-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't \
          be parsed into an integer\r\n",
    );
    c.roundtrip(
        &["CONFIG", "GET", "timeout"],
        b"*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "nope", "1"],
        b"-ERR Unknown option or number of arguments for CONFIG SET - 'nope'\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "databases", "4"],
        b"-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable \
          config\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "hz", "5", "HZ", "6"],
        b"-ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "hz"],
        b"-ERR wrong number of arguments for 'config|set' command\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "hz", "5", "timeout"],
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "proto-max-bulk-len", "1k"],
        b"-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument \
          must be between 1048576 and 9223372036854775807 inclusive\r\n",
    );
    c.roundtrip(&["CONFIG", "SET", "proto-max-bulk-len", "2mb"], b"+OK\r\n");
    c.roundtrip(
        &["CONFIG", "GET", "proto-max-bulk-len"],
        b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n2097152\r\n",
    );
    // requirepass takes effect for new connections; this one stays authenticated.
    c.roundtrip(&["CONFIG", "SET", "requirepass", "pw"], b"+OK\r\n");
    c.roundtrip(&["PING"], b"+PONG\r\n");
    let mut other = server.raw();
    other.roundtrip(&["PING"], b"-NOAUTH Authentication required.\r\n");
    c.roundtrip(&["CONFIG", "SET", "requirepass", ""], b"+OK\r\n");
    other.roundtrip(&["PING"], b"+PONG\r\n");
}

#[test]
fn info_reports_true_counters() {
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("1")
        .query(&mut r)
        .expect("set");
    let _: () = redis::cmd("SET")
        .arg("b")
        .arg("2")
        .arg("EX")
        .arg("100")
        .query(&mut r)
        .expect("set");
    let _: () = redis::cmd("SELECT").arg(3).query(&mut r).expect("select");
    let _: () = redis::cmd("SET")
        .arg("c")
        .arg("3")
        .query(&mut r)
        .expect("set");
    let _ = redis::cmd("NOPE").query::<()>(&mut r);
    let all = info(&mut r, &[]);
    assert_eq!(all["server_name"], "valkey");
    assert_eq!(all["valkey_version"], "8.0.2");
    assert_eq!(all["tcp_port"], server.port.to_string());
    assert_eq!(all["connected_clients"], "1");
    assert_eq!(all["db0"], "keys=2,expires=1");
    assert_eq!(all["db3"], "keys=1,expires=0");
    assert_eq!(all["role"], "master");
    assert_eq!(all["total_error_replies"], "1");
    assert!(all["used_memory"].parse::<u64>().expect("number") > 0);
    let processed: u64 = all["total_commands_processed"].parse().expect("number");
    let again = info(&mut r, &["stats"]);
    assert_eq!(
        again["total_commands_processed"]
            .parse::<u64>()
            .expect("number"),
        processed + 1
    );
    assert!(!again.contains_key("tcp_port"), "only the stats section");
    let two = info(&mut r, &["server", "keyspace"]);
    assert!(two.contains_key("tcp_port") && two.contains_key("db0"));
    assert!(!two.contains_key("connected_clients"));
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query(&mut r)
        .expect("resetstat");
    let reset = info(&mut r, &["stats"]);
    assert_eq!(reset["total_error_replies"], "0");
    // RESETSTAT itself is counted after the reset, as in Valkey.
    assert_eq!(reset["total_commands_processed"], "1");

    let mut r3 = server.redis(true);
    let v: Value = redis::cmd("INFO")
        .arg("server")
        .query(&mut r3)
        .expect("info");
    assert!(
        matches!(v, Value::VerbatimString { .. }),
        "INFO is a verbatim string in RESP3: {v:?}"
    );
}

#[test]
fn command_introspection_comes_from_the_table() {
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    let count: i64 = redis::cmd("COMMAND")
        .arg("COUNT")
        .query(&mut r)
        .expect("count");
    let all: Vec<Value> = redis::cmd("COMMAND").query(&mut r).expect("command");
    assert_eq!(all.len() as i64, count);
    let names: Vec<String> = redis::cmd("COMMAND")
        .arg("LIST")
        .query(&mut r)
        .expect("list");
    for n in [
        "get",
        "set",
        "client",
        "client|list",
        "config|set",
        "hello",
        "info",
        "swapdb",
    ] {
        assert!(
            names.iter().any(|x| x == n),
            "{n} missing from COMMAND LIST"
        );
    }
    let pattern: Vec<String> = redis::cmd("COMMAND")
        .arg("LIST")
        .arg("FILTERBY")
        .arg("PATTERN")
        .arg("client|*")
        .query(&mut r)
        .expect("list");
    assert!(pattern.iter().all(|n| n.starts_with("client|")) && pattern.len() > 5);
    let keys: Vec<String> = redis::cmd("COMMAND")
        .arg("GETKEYS")
        .arg("MSET")
        .arg("a")
        .arg("1")
        .arg("b")
        .arg("2")
        .query(&mut r)
        .expect("getkeys");
    assert_eq!(keys, ["a", "b"]);

    let docs: Value = redis::cmd("COMMAND")
        .arg("DOCS")
        .arg("get")
        .arg("config")
        .arg("nope")
        .query(&mut r)
        .expect("docs");
    let Value::Array(docs) = docs else {
        panic!("COMMAND DOCS in RESP2 is a flat map: {docs:?}")
    };
    assert_eq!(docs.len(), 4, "two commands found: {docs:?}");
    assert_eq!(docs[0], Value::BulkString(b"get".to_vec()));
    assert_eq!(
        docs[1],
        Value::Array(vec![
            Value::BulkString(b"group".to_vec()),
            Value::BulkString(b"string".to_vec())
        ])
    );

    let mut c = server.raw();
    c.cmd(&["COMMAND", "INFO", "client|id", "nope"]);
    c.expect(
        b"*2\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n\
          *2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n$-1\r\n",
    );
    c.roundtrip(
        &["COMMAND", "GETKEYS", "PING"],
        b"-ERR The command has no key arguments\r\n",
    );
    c.roundtrip(
        &["COMMAND", "GETKEYS", "NOPE", "x"],
        b"-ERR Invalid command specified\r\n",
    );
    c.roundtrip(
        &["COMMAND", "GETKEYS", "GET"],
        b"-ERR Invalid number of arguments specified for command\r\n",
    );
}

#[test]
fn whole_database_commands() {
    let server = Server::start(&["--databases", "4"]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "a", "1"], b"+OK\r\n");
    c.roundtrip(&["SELECT", "1"], b"+OK\r\n");
    c.roundtrip(&["SET", "b", "1"], b"+OK\r\n");
    c.roundtrip(&["SET", "c", "1"], b"+OK\r\n");
    c.roundtrip(&["DBSIZE"], b":2\r\n");
    c.roundtrip(&["SELECT", "4"], b"-ERR DB index is out of range\r\n");
    c.roundtrip(&["FLUSHDB"], b"+OK\r\n");
    c.roundtrip(&["DBSIZE"], b":0\r\n");
    c.roundtrip(&["SELECT", "0"], b"+OK\r\n");
    c.roundtrip(&["DBSIZE"], b":1\r\n");
    c.roundtrip(&["FLUSHALL", "SYNC"], b"+OK\r\n");
    c.roundtrip(&["DBSIZE"], b":0\r\n");
    c.roundtrip(&["SWAPDB", "0", "9"], b"-ERR DB index is out of range\r\n");
}

#[test]
fn keys_expire_actively_without_being_touched() {
    let server = Server::start(&["--hz", "100"]);
    let mut r = server.redis(false);
    for i in 0..50 {
        let _: () = redis::cmd("SET")
            .arg(format!("k{i}"))
            .arg(i)
            .arg("PX")
            .arg(30)
            .query(&mut r)
            .expect("set");
    }
    let _: () = redis::cmd("SET")
        .arg("stays")
        .arg(1)
        .query(&mut r)
        .expect("set");
    eventually("the timer to remove expired keys", || {
        let n: i64 = redis::cmd("DBSIZE").query(&mut r).expect("dbsize");
        (n == 1).then_some(())
    });
    let stats = info(&mut r, &["stats"]);
    assert_eq!(stats["expired_keys"], "50");
}

#[test]
fn keyspace_hits_and_misses_count_read_lookups_until_resetstat() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut r = server.redis(false);
    c.roundtrip(&["SET", "a", "1"], b"+OK\r\n");
    c.roundtrip(
        &["MGET", "a", "nope", "a"],
        b"*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n1\r\n",
    );
    c.roundtrip(&["GET", "missing"], b"$-1\r\n");
    // Writes do not count.
    c.roundtrip(&["INCR", "a"], b":2\r\n");
    c.roundtrip(&["DEL", "nope"], b":0\r\n");
    let stats = info(&mut r, &["stats"]);
    assert_eq!(stats["keyspace_hits"], "2");
    assert_eq!(stats["keyspace_misses"], "2");
    c.roundtrip(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    let stats = info(&mut r, &["stats"]);
    assert_eq!(stats["keyspace_hits"], "0");
    assert_eq!(stats["keyspace_misses"], "0");
}

#[test]
fn config_set_of_an_encoding_threshold_changes_the_next_encoding() {
    let server = Server::start(&["--zset-max-ziplist-entries", "1"]);
    let mut c = server.raw();
    c.roundtrip(&["ZADD", "z", "1", "a", "2", "b"], b":2\r\n");
    c.roundtrip(&["OBJECT", "ENCODING", "z"], b"$8\r\nskiplist\r\n");
    c.roundtrip(&["HSET", "h", "a", "1", "b", "2", "c", "3"], b":3\r\n");
    c.roundtrip(&["OBJECT", "ENCODING", "h"], b"$8\r\nlistpack\r\n");
    c.roundtrip(
        &["CONFIG", "SET", "hash-max-listpack-entries", "3"],
        b"+OK\r\n",
    );
    c.roundtrip(
        &["CONFIG", "GET", "hash-max-ziplist-entries"],
        b"*2\r\n$24\r\nhash-max-ziplist-entries\r\n$1\r\n3\r\n",
    );
    c.roundtrip(&["HSET", "h", "d", "4"], b":1\r\n");
    c.roundtrip(&["OBJECT", "ENCODING", "h"], b"$9\r\nhashtable\r\n");
    c.roundtrip(
        &["CONFIG", "SET", "set-max-listpack-value", "2"],
        b"+OK\r\n",
    );
    c.roundtrip(&["SADD", "s", "abc"], b":1\r\n");
    c.roundtrip(&["OBJECT", "ENCODING", "s"], b"$9\r\nhashtable\r\n");
    c.roundtrip(&["CONFIG", "SET", "list-max-ziplist-size", "2"], b"+OK\r\n");
    c.roundtrip(&["RPUSH", "l", "a", "b", "c"], b":3\r\n");
    c.roundtrip(&["OBJECT", "ENCODING", "l"], b"$9\r\nquicklist\r\n");
    c.roundtrip(
        &["CONFIG", "GET", "zset-max-listpack-entries"],
        b"*2\r\n$25\r\nzset-max-listpack-entries\r\n$1\r\n1\r\n",
    );
}

#[test]
fn config_set_proto_max_bulk_len_reaches_the_string_commands() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["SETRANGE", "s", "1048576", "x"], b":1048577\r\n");
    c.roundtrip(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"], b"+OK\r\n");
    c.roundtrip(
        &["SETRANGE", "t", "1048576", "x"],
        b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
    );
}

#[test]
fn info_persistence_and_cpu_sections() {
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    let before = info(&mut r, &["persistence"]);
    assert_eq!(before.get("loading").map(String::as_str), Some("0"));
    assert_eq!(before.get("aof_enabled").map(String::as_str), Some("0"));
    assert_eq!(
        before.get("rdb_bgsave_in_progress").map(String::as_str),
        Some("0")
    );
    let changes = |m: &HashMap<String, String>| -> u64 {
        m["rdb_changes_since_last_save"].parse().expect("number")
    };
    let _: () = redis::cmd("MSET")
        .arg(&["a", "1", "b", "2", "c", "3"])
        .query(&mut r)
        .expect("mset");
    let after = info(&mut r, &["persistence"]);
    assert_eq!(
        changes(&after) - changes(&before),
        3,
        "one change per key written"
    );
    assert!(
        !after.contains_key("used_cpu_sys"),
        "only the section asked for"
    );

    let cpu = info(&mut r, &["cpu"]);
    for field in [
        "used_cpu_sys",
        "used_cpu_user",
        "used_cpu_sys_children",
        "used_cpu_user_children",
        "used_cpu_sys_main_thread",
        "used_cpu_user_main_thread",
    ] {
        let v = &cpu[field];
        let (secs, micros) = v.split_once('.').expect("seconds.micros");
        assert!(
            secs.parse::<u64>().is_ok() && micros.len() == 6,
            "{field}:{v}"
        );
    }
    // The default INFO has both sections, in Valkey's order.
    let text: String = redis::cmd("INFO").query(&mut r).expect("info");
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("# Memory") < at("# Persistence") && at("# Persistence") < at("# Stats"));
    assert!(at("# Replication") < at("# CPU") && at("# CPU") < at("# Keyspace"));
}
