//! MEMORY STATS / DOCTOR / MALLOC-STATS / PURGE / HELP beside the keyspace's MEMORY USAGE.

use redis::Value;

use crate::support::Server;

/// MEMORY STATS as (name, value) pairs, read through RESP3 (a map).
fn stats(r: &mut redis::Connection) -> Vec<(String, Value)> {
    let v: Value = redis::cmd("MEMORY").arg("STATS").query(r).expect("stats");
    let Value::Map(pairs) = v else {
        panic!("MEMORY STATS is a map in RESP3: {v:?}");
    };
    pairs
        .into_iter()
        .map(|(k, v)| match k {
            Value::BulkString(b) => (String::from_utf8(b).expect("utf8"), v),
            other => panic!("key {other:?}"),
        })
        .collect()
}

fn int(stats: &[(String, Value)], name: &str) -> i64 {
    match stats.iter().find(|(k, _)| k == name) {
        Some((_, Value::Int(i))) => *i,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn memory_stats_counts_keys_per_database_in_valkeys_order() {
    let server = Server::start(&[]);
    let mut r = server.redis(true);
    let empty = stats(&mut r);
    let names: Vec<&str> = empty.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        &names[..4],
        [
            "peak.allocated",
            "total.allocated",
            "startup.allocated",
            "replication.backlog"
        ]
    );
    assert_eq!(
        names.len(),
        31,
        "no db.N entry for empty databases: {names:?}"
    );
    assert_eq!(int(&empty, "keys.count"), 0);
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("1")
        .query(&mut r)
        .expect("set");
    let _: () = redis::cmd("SELECT").arg(3).query(&mut r).expect("select");
    let _: () = redis::cmd("SET")
        .arg("b")
        .arg("x".repeat(1000))
        .query(&mut r)
        .expect("set");
    let full = stats(&mut r);
    assert_eq!(full.len(), 33);
    assert_eq!(int(&full, "keys.count"), 2);
    assert!(int(&full, "dataset.bytes") >= 1000, "{full:?}");
    assert!(int(&full, "total.allocated") > int(&empty, "total.allocated"));
    assert!(int(&full, "peak.allocated") >= int(&full, "total.allocated"));
    let db3 = full.iter().find(|(k, _)| k == "db.3").expect("db.3");
    assert!(matches!(&db3.1, Value::Map(m) if m.len() == 2), "{db3:?}");
    assert!(matches!(
        full.iter().find(|(k, _)| k == "dataset.percentage"),
        Some((_, Value::Double(_)))
    ));
}

#[test]
fn doctor_malloc_stats_purge_and_help_answer_as_valkey_without_jemalloc() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.cmd(&["MEMORY", "DOCTOR"]);
    let report = String::from_utf8(c.reply()).expect("utf8");
    assert!(
        report.contains("Hi Sam, this instance is empty"),
        "{report}"
    );
    c.roundtrip(
        &["MEMORY", "MALLOC-STATS"],
        b"$45\r\nStats not supported for the current allocator\r\n",
    );
    c.roundtrip(&["MEMORY", "PURGE"], b"+OK\r\n");
    c.cmd(&["MEMORY", "HELP"]);
    let help = String::from_utf8(c.reply()).expect("utf8");
    assert!(help.starts_with(
        "*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n"
    ));
    c.roundtrip(
        &["MEMORY", "NOPE"],
        b"-ERR unknown subcommand 'NOPE'. Try MEMORY HELP.\r\n",
    );
}
