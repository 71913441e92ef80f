//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH byte-exact on the wire, with Valkey 8's
//! texts; WATCH against every kind of change; CLIENT PAUSE, tracking and CLIENT LIST around them.

use core::time::Duration;

use crate::support::{Raw, Server, eventually};
use crate::tracking::{id_of, invalidate, resp3};

const QUEUED: &[u8] = b"+QUEUED\r\n";
const OK: &[u8] = b"+OK\r\n";
const NULL_ARRAY: &[u8] = b"*-1\r\n";

/// MULTI; PING; EXEC on `c`: the EXEC reply.
fn ping_transaction(c: &mut Raw) -> Vec<u8> {
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["PING"], QUEUED);
    c.cmd(&["EXEC"]);
    c.reply()
}

const PONG_ARRAY: &[u8] = b"*1\r\n+PONG\r\n";

#[test]
fn exec_runs_the_queued_commands_and_answers_one_array() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "k", "v"], QUEUED);
    c.roundtrip(&["INCR", "n"], QUEUED);
    c.roundtrip(&["GET", "k"], QUEUED);
    // A command that fails when it runs does not stop the others.
    c.roundtrip(&["INCR", "k"], QUEUED);
    c.roundtrip(&["PING"], QUEUED);
    c.roundtrip(
        &["EXEC"],
        b"*5\r\n+OK\r\n:1\r\n$1\r\nv\r\n-ERR value is not an integer or out of range\r\n+PONG\r\n",
    );
    // Out of MULTI again; an empty transaction is an empty array.
    c.roundtrip(&["GET", "n"], b"$1\r\n1\r\n");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["EXEC"], b"*0\r\n");
}

#[test]
fn other_clients_never_see_half_a_transaction() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut other = server.raw();
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "a", "1"], QUEUED);
    // Queued, not run.
    other.roundtrip(&["GET", "a"], b"$-1\r\n");
    c.roundtrip(&["SET", "b", "2"], QUEUED);
    // The whole transaction and another client's command in one pipeline.
    c.send(b"*1\r\n$4\r\nEXEC\r\n");
    c.expect(b"*2\r\n+OK\r\n+OK\r\n");
    other.roundtrip(&["MGET", "a", "b"], b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

#[test]
fn an_error_while_queuing_makes_exec_answer_execabort_and_run_nothing() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "a", "1"], QUEUED);
    c.cmd(&["NOSUCHCOMMAND"]);
    let unknown = c.reply();
    assert!(unknown.starts_with(b"-ERR unknown command 'NOSUCHCOMMAND'"));
    c.roundtrip(
        &["GET"],
        b"-ERR wrong number of arguments for 'get' command\r\n",
    );
    c.roundtrip(&["SET", "b", "2"], QUEUED);
    c.roundtrip(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    c.roundtrip(&["EXISTS", "a", "b"], b":0\r\n");
    // The MULTI state is gone.
    c.roundtrip(&["PING"], b"+PONG\r\n");
}

#[test]
fn misplaced_transaction_commands_get_valkeys_texts() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["EXEC"], b"-ERR EXEC without MULTI\r\n");
    c.roundtrip(&["DISCARD"], b"-ERR DISCARD without MULTI\r\n");
    c.roundtrip(
        &["WATCH"],
        b"-ERR wrong number of arguments for 'watch' command\r\n",
    );
    c.roundtrip(&["UNWATCH"], OK);
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["MULTI"], b"-ERR MULTI calls can not be nested\r\n");
    c.roundtrip(
        &["WATCH", "x"],
        b"-ERR WATCH inside MULTI is not allowed\r\n",
    );
    // Neither dooms the transaction.
    c.roundtrip(&["SET", "k", "1"], QUEUED);
    c.roundtrip(&["EXEC"], b"*1\r\n+OK\r\n");
}

#[test]
fn discard_drops_the_queue_and_every_watch() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut other = server.raw();
    c.roundtrip(&["WATCH", "x"], OK);
    other.roundtrip(&["SET", "x", "10"], OK);
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["DEL", "x"], QUEUED);
    c.roundtrip(&["DISCARD"], OK);
    c.roundtrip(&["GET", "x"], b"$2\r\n10\r\n");
    // The dirty flag went with DISCARD, and x is no longer watched.
    other.roundtrip(&["SET", "x", "10"], OK);
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["INCR", "x"], QUEUED);
    c.roundtrip(&["EXEC"], b"*1\r\n:11\r\n");
}

#[test]
fn a_watched_key_changed_by_anyone_makes_exec_answer_the_null_array() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut other = server.raw();
    // Untouched: runs.
    c.roundtrip(&["WATCH", "x", "y", "z"], OK);
    c.roundtrip(&["WATCH", "k"], OK);
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
    // Each way of changing a key (setup, watched key, change), alternately by another client
    // and by the watcher itself.
    let cases: &[(&[&str], &str, &[&str])] = &[
        (&["SET", "x", "1"], "x", &["SET", "x", "40"]),
        (&["SET", "x", "1"], "x", &["DEL", "x"]),
        (&["SET", "x", "1"], "x", &["EXPIRE", "x", "100"]),
        (&["SET", "x", "1", "EX", "100"], "x", &["PERSIST", "x"]),
        (&["SET", "x", "1"], "x", &["APPEND", "x", "z"]),
        (&["SET", "x", "1"], "x", &["RENAME", "x", "x2"]),
        (&["SET", "x", "1"], "x2", &["RENAME", "x", "x2"]),
        (&["DEL", "list"], "list", &["LPUSH", "list", "a"]),
        (&["SET", "x", "1"], "x", &["MOVE", "x", "1"]),
        (&["SET", "x", "1"], "y", &["COPY", "x", "y", "REPLACE"]),
        (&["SET", "x", "1"], "x", &["GETDEL", "x"]),
        (&["SET", "x", "1"], "x", &["INCRBYFLOAT", "x", "1.5"]),
    ];
    for (i, (setup, key, change)) in cases.iter().enumerate() {
        other.cmd(setup);
        other.reply();
        c.roundtrip(&["WATCH", key], OK);
        let writer = if i % 2 == 0 { &mut other } else { &mut c };
        writer.cmd(change);
        let r = writer.reply();
        assert!(
            !r.starts_with(b"-"),
            "{change:?}: {}",
            String::from_utf8_lossy(&r)
        );
        assert_eq!(ping_transaction(&mut c), NULL_ARRAY, "{change:?}");
        // After a failed EXEC nothing is watched any more.
        other.cmd(change);
        other.reply();
        assert_eq!(ping_transaction(&mut c), PONG_ARRAY, "{change:?}");
    }
    // A key of the same name in another database is another key.
    c.roundtrip(&["WATCH", "x"], OK);
    other.roundtrip(&["SELECT", "1"], OK);
    other.roundtrip(&["SET", "x", "10"], OK);
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
    // RESP3 spells the null array `_`.
    let mut r3 = resp3(&server);
    r3.roundtrip(&["WATCH", "x"], OK);
    c.roundtrip(&["SET", "x", "5"], OK);
    r3.roundtrip(&["MULTI"], OK);
    r3.roundtrip(&["PING"], QUEUED);
    r3.roundtrip(&["EXEC"], b"_\r\n");
}

#[test]
fn unwatch_forgets_a_change() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "x", "30"], OK);
    c.roundtrip(&["WATCH", "x"], OK);
    c.roundtrip(&["SET", "x", "40"], OK);
    c.roundtrip(&["UNWATCH"], OK);
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
}

#[test]
fn flushes_and_swapdb_touch_only_watched_keys_that_exist() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    for flush in ["FLUSHALL", "FLUSHDB"] {
        c.roundtrip(&["SET", "x", "30"], OK);
        c.roundtrip(&["WATCH", "x"], OK);
        c.roundtrip(&[flush], OK);
        assert_eq!(
            ping_transaction(&mut c),
            NULL_ARRAY,
            "{flush} of a watched key"
        );
        c.roundtrip(&["WATCH", "x"], OK);
        c.roundtrip(&["SET", "other", "1"], OK);
        // Changing `other` is no change to x, and neither is flushing a missing x.
        c.roundtrip(&["WATCH", "x"], OK);
        c.roundtrip(&[flush], OK);
        assert_eq!(
            ping_transaction(&mut c),
            PONG_ARRAY,
            "{flush} of a missing key"
        );
    }
    // SWAPDB: x exists in 0 (swapped away) ...
    c.roundtrip(&["SET", "x", "30"], OK);
    c.roundtrip(&["WATCH", "x"], OK);
    c.roundtrip(&["SWAPDB", "0", "1"], OK);
    assert_eq!(ping_transaction(&mut c), NULL_ARRAY);
    // ... or x is missing in 0 and swapped in from 1 ...
    c.roundtrip(&["FLUSHALL"], OK);
    c.roundtrip(&["SELECT", "1"], OK);
    c.roundtrip(&["SET", "x", "30"], OK);
    c.roundtrip(&["SELECT", "0"], OK);
    c.roundtrip(&["WATCH", "x"], OK);
    c.roundtrip(&["SWAPDB", "0", "1"], OK);
    assert_eq!(ping_transaction(&mut c), NULL_ARRAY);
    // ... but a key missing on both sides is untouched.
    c.roundtrip(&["WATCH", "nowhere"], OK);
    c.roundtrip(&["SWAPDB", "0", "1"], OK);
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
}

/// Waits until the server's clock is past `ms` from now (TIME polled; no fixed sleep).
fn wait_server_ms(c: &mut Raw, ms: u64) {
    let now = |c: &mut Raw| {
        c.cmd(&["TIME"]);
        let r = String::from_utf8(c.reply()).expect("utf8");
        let parts: Vec<u64> = r
            .split("\r\n")
            .filter(|l| !l.is_empty() && !l.starts_with(['*', '$']))
            .map(|l| l.parse().expect("number"))
            .collect();
        parts[0] * 1000 + parts[1] / 1000
    };
    let until = now(c) + ms;
    eventually("server time to pass", || (now(c) > until).then_some(()));
}

#[test]
fn a_watched_key_that_expires_fails_exec() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "x", "foo", "PX", "100"], OK);
    c.roundtrip(&["WATCH", "x"], OK);
    // Whether the active cycle removed it or EXEC finds it expired, EXEC fails.
    wait_server_ms(&mut c, 150);
    assert_eq!(ping_transaction(&mut c), NULL_ARRAY);
    // Removed by another client's read (lazy expiry): the same.
    c.roundtrip(&["SET", "y", "foo", "PX", "100"], OK);
    c.roundtrip(&["WATCH", "y"], OK);
    wait_server_ms(&mut c, 150);
    let mut other = server.raw();
    other.roundtrip(&["GET", "y"], b"$-1\r\n");
    assert_eq!(ping_transaction(&mut c), NULL_ARRAY);
}

#[test]
fn watching_a_key_already_expired_is_no_change_when_it_goes() {
    let server = Server::start(&["--hz", "1"]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "x", "foo", "PX", "1"], OK);
    wait_server_ms(&mut c, 5);
    c.roundtrip(&["WATCH", "x"], OK);
    // Removing it (lazily, by EXISTS) changes nothing logically.
    c.roundtrip(&["EXISTS", "x"], b":0\r\n");
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
    // Nor does FLUSHDB of the stale key.
    c.roundtrip(&["SET", "x", "foo", "PX", "1"], OK);
    wait_server_ms(&mut c, 5);
    c.roundtrip(&["WATCH", "x"], OK);
    c.roundtrip(&["FLUSHDB"], OK);
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
}

/// `field=value` of `c`'s own CLIENT INFO.
fn info_field(c: &mut Raw, field: &str) -> String {
    c.cmd(&["CLIENT", "INFO"]);
    let text = String::from_utf8(c.reply()).expect("utf8");
    let prefix = format!("{field}=");
    text.split([' ', '\n'])
        .find_map(|kv| kv.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {field} in {text}"))
        .trim()
        .to_string()
}

#[test]
fn client_list_shows_multi_watch_and_dirty_state() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut admin = server.raw();
    let id = id_of(&mut c);
    let line = |admin: &mut Raw| {
        admin.cmd(&["CLIENT", "LIST", "ID", &id]);
        String::from_utf8(admin.reply()).expect("utf8")
    };
    assert_eq!(info_field(&mut c, "multi"), "-1");
    assert_eq!(info_field(&mut c, "watch"), "0");
    c.roundtrip(&["WATCH", "a", "b", "a"], OK);
    assert_eq!(info_field(&mut c, "watch"), "2");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "k", "v"], QUEUED);
    c.roundtrip(&["GET", "k"], QUEUED);
    let l = line(&mut admin);
    assert!(l.contains(" flags=x "), "{l}");
    assert!(l.contains(" multi=2 watch=2 "), "{l}");
    assert!(!l.contains(" multi-mem=0 "), "{l}");
    admin.roundtrip(&["SET", "a", "1"], OK);
    let l = line(&mut admin);
    assert!(l.contains(" flags=xd "), "{l}");
    // A touched watch drops the queue: EXEC can only fail.
    assert!(l.contains(" multi=0 watch=0 "), "{l}");
    c.roundtrip(&["SET", "k2", "v"], QUEUED);
    assert!(line(&mut admin).contains(" multi=0 "));
    c.roundtrip(&["EXEC"], NULL_ARRAY);
    let l = line(&mut admin);
    assert!(l.contains(" flags=N "), "{l}");
    assert!(l.contains(" multi=-1 watch=0 "), "{l}");
}

#[test]
fn reset_and_disconnect_discard_the_transaction_and_watches() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut other = server.raw();
    c.roundtrip(&["WATCH", "x"], OK);
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "k", "1"], QUEUED);
    c.roundtrip(&["RESET"], b"+RESET\r\n");
    c.roundtrip(&["EXEC"], b"-ERR EXEC without MULTI\r\n");
    c.roundtrip(&["EXISTS", "k"], b":0\r\n");
    other.roundtrip(&["SET", "x", "1"], OK);
    assert_eq!(ping_transaction(&mut c), PONG_ARRAY);
    // A client that leaves mid-transaction leaves nothing behind.
    let mut gone = server.raw();
    gone.roundtrip(&["WATCH", "x"], OK);
    gone.roundtrip(&["MULTI"], OK);
    gone.roundtrip(&["SET", "k", "1"], QUEUED);
    drop(gone);
    eventually("the client to go", || {
        other.cmd(&["CLIENT", "LIST"]);
        let list = String::from_utf8(other.reply()).expect("utf8");
        (list.matches(" addr=").count() == 2).then_some(())
    });
    other.roundtrip(&["SET", "x", "2"], OK);
    other.roundtrip(&["EXISTS", "k"], b":0\r\n");
}

#[test]
fn a_write_pause_holds_exec_of_a_write_and_queued_writes_but_not_reads() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut c = server.raw();
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "k", "v"], QUEUED);
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    // Reads queue and run at once.
    let mut reader = server.raw();
    reader.roundtrip(&["MULTI"], OK);
    reader.roundtrip(&["GET", "k"], QUEUED);
    reader.roundtrip(&["EXEC"], b"*1\r\n$-1\r\n");
    // A queued write is held at queue time.
    reader.roundtrip(&["MULTI"], OK);
    reader.cmd(&["SET", "k", "r"]);
    // EXEC of a transaction holding a write waits.
    c.cmd(&["EXEC"]);
    reader.silent_for(Duration::from_millis(50));
    c.silent_for(Duration::from_millis(50));
    admin.roundtrip(&["CLIENT", "UNPAUSE"], OK);
    c.expect(b"*1\r\n+OK\r\n");
    reader.expect(QUEUED);
    reader.roundtrip(&["EXEC"], b"*1\r\n+OK\r\n");
    admin.roundtrip(&["GET", "k"], b"$1\r\nr\r\n");
    // A transaction whose watch was touched can only fail: its EXEC is not held.
    c.roundtrip(&["WATCH", "k"], OK);
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "k", "c"], QUEUED);
    admin.roundtrip(&["DEL", "k"], b":1\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    c.roundtrip(&["EXEC"], NULL_ARRAY);
    admin.roundtrip(&["CLIENT", "UNPAUSE"], OK);
}

#[test]
fn own_invalidations_follow_the_exec_array() {
    let server = Server::start(&[]);
    let mut c = resp3(&server);
    c.roundtrip(&["CLIENT", "TRACKING", "ON"], OK);
    c.roundtrip(&["GET", "a"], b"_\r\n");
    c.roundtrip(&["GET", "b"], b"_\r\n");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "a", "1"], QUEUED);
    c.roundtrip(&["SET", "b", "1"], QUEUED);
    c.roundtrip(&["EXEC"], b"*2\r\n+OK\r\n+OK\r\n");
    c.expect(&invalidate(&["a"]));
    c.expect(&invalidate(&["b"]));
    // FLUSHDB inside MULTI: the null invalidation after the array.
    c.roundtrip(&["GET", "a"], b"$1\r\n1\r\n");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["FLUSHDB"], QUEUED);
    c.roundtrip(&["EXEC"], b"*1\r\n+OK\r\n");
    c.expect(b">2\r\n$10\r\ninvalidate\r\n_\r\n");
    c.roundtrip(&["PING"], b"+PONG\r\n");
}

/// INFO's value of `field`.
fn info_value(c: &mut Raw, field: &str) -> String {
    c.cmd(&["INFO", "clients"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    let prefix = format!("{field}:");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {field} in INFO"))
        .trim()
        .to_string()
}

#[test]
fn info_counts_watchers_and_watched_keys_and_command_knows_watch_keys() {
    let server = Server::start(&[]);
    let mut a = server.raw();
    let mut b = server.raw();
    a.roundtrip(&["WATCH", "x", "y"], OK);
    b.roundtrip(&["WATCH", "y", "z"], OK);
    b.roundtrip(&["SELECT", "1"], OK);
    b.roundtrip(&["WATCH", "y"], OK);
    assert_eq!(info_value(&mut a, "watching_clients"), "2");
    // x, y, z in db 0 and y in db 1.
    assert_eq!(info_value(&mut a, "total_watched_keys"), "4");
    a.roundtrip(&["UNWATCH"], OK);
    assert_eq!(info_value(&mut a, "watching_clients"), "1");
    assert_eq!(info_value(&mut a, "total_watched_keys"), "3");
    a.roundtrip(
        &["COMMAND", "GETKEYS", "WATCH", "k1", "k2"],
        b"*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n",
    );
}

#[test]
fn the_redis_crate_runs_atomic_pipelines_and_retries_watched_transactions() {
    let server = Server::start(&[]);
    for resp3 in [false, true] {
        let mut con = server.redis(resp3);
        let mut other = server.redis(resp3);
        let key = format!("counter{resp3}");
        let (n, s): (i64, String) = redis::pipe()
            .atomic()
            .incr(&key, 5)
            .set("s", "v")
            .ignore()
            .get("s")
            .query(&mut con)
            .expect("atomic pipeline");
        assert_eq!((n, s.as_str()), (5, "v"));
        // WATCH, a change by another client on the first try, EXEC fails, the crate retries.
        let mut attempts = 0;
        let doubled: i64 = redis::transaction(&mut con, &[&key], |con, pipe| {
            attempts += 1;
            let v: i64 = redis::cmd("GET").arg(&key).query(con)?;
            if attempts == 1 {
                redis::cmd("INCR").arg(&key).exec(&mut other)?;
            }
            pipe.set(&key, v * 2).ignore().get(&key).query(con)
        })
        .map(|(v,): (i64,)| v)
        .expect("transaction");
        assert_eq!((attempts, doubled), (2, 12), "resp3={resp3}");
    }
}
