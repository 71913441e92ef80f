//! Keyspace notifications: `notify-keyspace-events` (file, CONFIG SET/GET/REWRITE, SIGHUP) and
//! the events Valkey publishes per command, by class, on both channel kinds.

use core::time::Duration;

use crate::reload::{Scratch, config_get, sighup};
use crate::support::{Raw, Server, eventually};
use crate::tracking::resp3;

/// The items of a flat reply array or push (bulk strings and integers), as text.
pub(crate) fn strings(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split("\r\n");
    let head = lines.next().expect("header");
    assert!(head.starts_with(['*', '>']), "not an array: {text:?}");
    let n: usize = head[1..].parse().expect("length");
    (0..n)
        .map(|_| {
            let line = lines.next().expect("item");
            match line.as_bytes()[0] {
                b'$' => lines.next().expect("bulk").to_string(),
                b':' => line[1..].to_string(),
                _ => panic!("unexpected item {line:?} in {text:?}"),
            }
        })
        .collect()
}

/// A RESP2 client subscribed to every keyevent channel of every database.
fn keyevents(server: &Server) -> Raw {
    let mut sub = server.raw();
    sub.cmd(&["PSUBSCRIBE", "__keyevent@*"]);
    sub.reply();
    sub
}

/// Reads the next `n` pmessages as `event key` (the event from the channel name).
fn next(sub: &mut Raw, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let m = strings(&sub.reply());
            assert_eq!(m[0], "pmessage");
            let (db_part, event) = m[2].split_once("__:").expect("channel");
            let db = db_part.trim_start_matches("__keyevent@");
            if db == "0" {
                format!("{event} {}", m[3])
            } else {
                format!("{event} {} db{db}", m[3])
            }
        })
        .collect()
}

/// Runs each command (ignoring its reply) on `c`.
fn run(c: &mut Raw, cmds: &[&[&str]]) {
    for args in cmds {
        c.cmd(args);
        c.reply();
    }
}

#[test]
fn the_setting_parses_classes_and_shows_them_canonically() {
    let server = Server::start(&["--notify-keyspace-events", "Ex"]);
    let mut c = server.raw();
    assert!(config_get(&mut c, "notify-keyspace-events").ends_with("$2\r\nxE\r\n"));
    for (set, shown) in [
        ("KEA", "AKE"),
        ("KEg$", "g$KE"),
        ("g$lshzxetdK", "AK"),
        ("", ""),
    ] {
        c.roundtrip(
            &["CONFIG", "SET", "notify-keyspace-events", set],
            b"+OK\r\n",
        );
        let want = format!("${}\r\n{shown}\r\n", shown.len());
        assert!(
            config_get(&mut c, "notify-keyspace-events").ends_with(&want),
            "{set}"
        );
    }
    c.roundtrip(
        &["CONFIG", "SET", "notify-keyspace-events", "KEq"],
        b"-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - \
          Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
    );
    let refused = Server::refuse(&["--notify-keyspace-events", "Z", "--port", "0"]);
    assert!(!refused.status.success());
    assert!(
        refused.stderr.contains("Invalid event class character"),
        "{}",
        refused.stderr
    );
}

#[test]
fn commands_publish_valkeys_event_names_in_order() {
    let server = Server::start(&["--notify-keyspace-events", "EA"]);
    let mut sub = keyevents(&server);
    let mut c = server.raw();
    run(
        &mut c,
        &[
            &["SET", "foo", "bar"],
            &["SETRANGE", "foo", "1", "x"],
            &["APPEND", "foo", "z"],
            &["INCRBY", "n", "2"],
            &["INCRBYFLOAT", "n", "1.5"],
            &["EXPIRE", "foo", "100"],
            &["PERSIST", "foo"],
            &["RENAME", "foo", "foo2"],
            &["COPY", "foo2", "foo3"],
            &["MOVE", "foo3", "1"],
            &["DEL", "foo2"],
            &["GET", "foo2"], // reads publish nothing
        ],
    );
    assert_eq!(
        next(&mut sub, 12),
        [
            "set foo",
            "setrange foo",
            "append foo",
            "incrby n",
            "incrbyfloat n",
            "expire foo",
            "persist foo",
            "rename_from foo",
            "rename_to foo2",
            "copy_to foo3",
            "move_from foo3",
            "move_to foo3 db1",
        ]
    );
    assert_eq!(next(&mut sub, 1), ["del foo2"]);
    run(
        &mut c,
        &[
            &["LPUSH", "l", "a", "b"],
            &["RPOP", "l"],
            &["LINSERT", "l", "BEFORE", "b", "c"],
            &["LSET", "l", "0", "d"],
            &["LTRIM", "l", "0", "0"],
            &["RPOP", "l"],
        ],
    );
    assert_eq!(
        next(&mut sub, 7),
        [
            "lpush l",
            "rpop l",
            "linsert l",
            "lset l",
            "ltrim l",
            "rpop l",
            "del l"
        ]
    );
    run(
        &mut c,
        &[
            &["HSET", "h", "f", "1"],
            &["HINCRBY", "h", "f", "2"],
            &["HDEL", "h", "f"],
            &["SADD", "s", "a", "b"],
            &["SREM", "s", "a"],
            &["SPOP", "s"],
        ],
    );
    assert_eq!(
        next(&mut sub, 8),
        [
            "hset h",
            "hincrby h",
            "hdel h",
            "del h",
            "sadd s",
            "srem s",
            "spop s",
            "del s"
        ]
    );
    run(
        &mut c,
        &[
            &["SADD", "s1", "a"],
            &["SADD", "s2", "a"],
            &["SINTERSTORE", "d", "s1", "s2"],
            &["ZADD", "z", "1", "a", "5", "b"],
            &["ZINCRBY", "z", "1", "a"],
            &["ZREMRANGEBYSCORE", "z", "5", "5"],
            &["ZREM", "z", "a"],
        ],
    );
    assert_eq!(
        next(&mut sub, 8),
        [
            "sadd s1",
            "sadd s2",
            "sinterstore d",
            "zadd z",
            "zincr z",
            "zremrangebyscore z",
            "zrem z",
            "del z"
        ]
    );
    // Expiry: SET with a time is `set` then `expire`; the key's end is `expired`.
    c.roundtrip(&["SET", "e", "v", "PX", "1"], b"+OK\r\n");
    assert_eq!(next(&mut sub, 2), ["set e", "expire e"]);
    eventually("the key to expire", || {
        c.cmd(&["GET", "e"]);
        (c.reply() == b"$-1\r\n").then_some(())
    });
    assert_eq!(next(&mut sub, 1), ["expired e"]);
    // A past time deletes; GETEX sets or removes the time; GETDEL deletes.
    run(
        &mut c,
        &[
            &["SET", "p", "v"],
            &["EXPIRE", "p", "-1"],
            &["SET", "g", "v"],
            &["GETEX", "g", "EX", "100"],
            &["GETEX", "g", "PERSIST"],
            &["GETDEL", "g"],
            &["MSET", "m1", "a", "m2", "b"],
            &["LMOVE", "src", "dst", "LEFT", "RIGHT"], // nothing to move: nothing
            &["RPUSH", "src", "x"],
            &["LMOVE", "src", "dst", "LEFT", "RIGHT"],
        ],
    );
    assert_eq!(
        next(&mut sub, 12),
        [
            "set p",
            "del p",
            "set g",
            "expire g",
            "persist g",
            "del g",
            "set m1",
            "set m2",
            "rpush src",
            "rpush dst",
            "lpop src",
            "del src",
        ]
    );
    // FLUSHALL publishes nothing.
    c.roundtrip(&["SET", "x", "1"], b"+OK\r\n");
    c.roundtrip(&["FLUSHALL"], b"+OK\r\n");
    c.roundtrip(&["SET", "y", "1"], b"+OK\r\n");
    assert_eq!(next(&mut sub, 2), ["set x", "set y"]);
}

#[test]
fn keyspace_channels_carry_the_event_and_classes_filter() {
    let server = Server::start(&["--notify-keyspace-events", "K$"]);
    let mut sub = server.raw();
    sub.cmd(&["SUBSCRIBE", "__keyspace@0__:k"]);
    sub.reply();
    let mut c = server.raw();
    c.roundtrip(&["LPUSH", "k", "a"], b":1\r\n"); // list class: off
    c.roundtrip(&["DEL", "k"], b":1\r\n"); // generic class: off
    c.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
    c.roundtrip(&["SET", "other", "v"], b"+OK\r\n"); // another key's channel
    assert_eq!(
        strings(&sub.reply()),
        ["message", "__keyspace@0__:k", "set"]
    );
    sub.silent_for(Duration::from_millis(50));
}

#[test]
fn both_channel_kinds_are_published_keyspace_first() {
    let server = Server::start(&["--notify-keyspace-events", "KEA"]);
    let mut sub = server.raw();
    sub.cmd(&["PSUBSCRIBE", "*"]);
    sub.reply();
    let mut c = server.raw();
    c.roundtrip(&["SELECT", "9"], b"+OK\r\n");
    c.roundtrip(&["SET", "foo", "bar"], b"+OK\r\n");
    assert_eq!(
        strings(&sub.reply()),
        ["pmessage", "*", "__keyspace@9__:foo", "set"]
    );
    assert_eq!(
        strings(&sub.reply()),
        ["pmessage", "*", "__keyevent@9__:set", "foo"]
    );
}

#[test]
fn the_active_expire_cycle_publishes_expired_keys() {
    let server = Server::start(&["--notify-keyspace-events", "Ex"]);
    let mut sub = keyevents(&server);
    let mut c = server.raw();
    c.roundtrip(&["SELECT", "3"], b"+OK\r\n");
    c.roundtrip(&["SET", "short", "v", "PX", "1"], b"+OK\r\n");
    // Nobody reads the key: the timer's cycle removes it and says so.
    assert_eq!(next(&mut sub, 1), ["expired short db3"]);
}

#[test]
fn evictions_are_published_before_the_command_that_caused_them() {
    const OK: &[u8] = b"+OK\r\n";
    let server = Server::start(&["--notify-keyspace-events", "Ee"]);
    let mut admin = server.raw();
    admin.roundtrip(&["CONFIG", "SET", "maxmemory-policy", "volatile-lru"], OK);
    let big = "x".repeat(200_000);
    admin.roundtrip(&["SET", "victim", &big, "EX", "10000"], OK);
    let mut watcher = keyevents(&server);
    let mut me = resp3(&server);
    me.roundtrip(
        &["SUBSCRIBE", "__keyevent@0__:evicted"],
        b">3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:evicted\r\n:1\r\n",
    );
    // Over the limit while a pause holds eviction back: the next command evicts.
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    admin.cmd(&["INFO", "memory"]);
    let memory = String::from_utf8(admin.reply()).expect("utf8");
    let used: u64 = memory
        .split("\r\n")
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.parse().ok())
        .expect("used_memory");
    let limit = (used - 100_000).to_string();
    admin.roundtrip(&["CONFIG", "SET", "maxmemory", &limit], OK);
    admin.roundtrip(&["CLIENT", "UNPAUSE"], OK);
    // Evicted before the command ran: its own connection hears it before the reply.
    me.cmd(&["SET", "mine", "1"]);
    assert_eq!(
        strings(&me.reply()),
        ["message", "__keyevent@0__:evicted", "victim"]
    );
    me.expect(OK);
    assert_eq!(next(&mut watcher, 1), ["evicted victim"]);
}

#[test]
fn new_keys_are_announced_once_before_their_event() {
    let server = Server::start(&["--notify-keyspace-events", "KEn$"]);
    let mut sub = keyevents(&server);
    let mut c = server.raw();
    run(
        &mut c,
        &[
            &["SET", "foo", "a"],
            &["SET", "foo", "b"],
            &["SET", "bar", "c"],
        ],
    );
    assert_eq!(
        next(&mut sub, 5),
        ["new foo", "set foo", "set foo", "new bar", "set bar"]
    );
}

#[test]
fn read_misses_are_announced_only_with_m() {
    let server = Server::start(&["--notify-keyspace-events", "Em"]);
    let mut sub = keyevents(&server);
    let mut c = server.raw();
    run(
        &mut c,
        &[
            &["SET", "here", "v"],
            &["MGET", "here", "gone"],
            &["INCR", "counter"], // a write's lookup is no miss
            &["GET", "other"],
        ],
    );
    assert_eq!(next(&mut sub, 2), ["keymiss gone", "keymiss other"]);
    c.roundtrip(
        &["CONFIG", "SET", "notify-keyspace-events", "EA"],
        b"+OK\r\n",
    );
    c.roundtrip(&["GET", "gone"], b"$-1\r\n"); // `A` leaves `m` out
    c.roundtrip(&["DEL", "here"], b":1\r\n");
    assert_eq!(next(&mut sub, 1), ["del here"]);
}

#[test]
fn a_resp3_client_gets_its_own_notification_after_its_reply() {
    let server = Server::start(&["--notify-keyspace-events", "KA"]);
    let mut c = resp3(&server);
    c.roundtrip(
        &["SUBSCRIBE", "__keyspace@0__:k"],
        b">3\r\n$9\r\nsubscribe\r\n$16\r\n__keyspace@0__:k\r\n:1\r\n",
    );
    c.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
    assert_eq!(strings(&c.reply()), ["message", "__keyspace@0__:k", "set"]);
    // Inside MULTI every push follows the EXEC reply.
    c.roundtrip(&["MULTI"], b"+OK\r\n");
    c.roundtrip(&["INCR", "n"], b"+QUEUED\r\n");
    c.roundtrip(&["DEL", "k"], b"+QUEUED\r\n");
    c.roundtrip(&["EXEC"], b"*2\r\n:1\r\n:1\r\n");
    assert_eq!(strings(&c.reply()), ["message", "__keyspace@0__:k", "del"]);
}

#[test]
fn the_setting_is_rewritten_and_reloaded() {
    let dir = Scratch::new("notify");
    let path = dir.write("s.conf", "port 0\nnotify-keyspace-events \"Ex\"\n");
    let server = Server::start_exact(&[&path]);
    let mut c = server.raw();
    assert!(config_get(&mut c, "notify-keyspace-events").ends_with("$2\r\nxE\r\n"));
    c.roundtrip(
        &["CONFIG", "SET", "notify-keyspace-events", "KEA"],
        b"+OK\r\n",
    );
    c.roundtrip(&["CONFIG", "REWRITE"], b"+OK\r\n");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("notify-keyspace-events AKE\n"), "{text}");
    assert!(!text.contains("\"Ex\""), "{text}");

    std::fs::write(&path, "port 0\nnotify-keyspace-events Kg\n").expect("write");
    sighup(&server);
    server.wait_log("Config reloaded");
    assert!(config_get(&mut c, "notify-keyspace-events").ends_with("$2\r\ngK\r\n"));
    let mut sub = server.raw();
    sub.cmd(&["PSUBSCRIBE", "__key*"]);
    sub.reply();
    c.roundtrip(&["SET", "k", "v"], b"+OK\r\n"); // string class: now off
    c.roundtrip(&["DEL", "k"], b":1\r\n");
    assert_eq!(
        strings(&sub.reply()),
        ["pmessage", "__key*", "__keyspace@0__:k", "del"]
    );
}
