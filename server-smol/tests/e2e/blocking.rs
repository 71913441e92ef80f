//! Blocking list and sorted-set commands: served at once, blocked and served first-blocked
//! first-served by a change, timeouts, MULTI, CLIENT UNBLOCK, CLIENT LIST / INFO, tracking after
//! the reply, CLIENT PAUSE.

use crate::support::{Raw, Server, eventually};
use crate::tracking::{id_of, invalidate};

/// INFO `blocked_clients`.
fn blocked(c: &mut Raw) -> usize {
    c.cmd(&["INFO", "clients"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    info.lines()
        .find_map(|l| l.strip_prefix("blocked_clients:"))
        .expect("blocked_clients")
        .trim()
        .parse()
        .expect("number")
}

/// INFO `total_blocking_keys`.
fn blocking_keys(c: &mut Raw) -> usize {
    c.cmd(&["INFO", "clients"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    info.lines()
        .find_map(|l| l.strip_prefix("total_blocking_keys:"))
        .expect("total_blocking_keys")
        .trim()
        .parse()
        .expect("number")
}

/// Waits until `n` clients are blocked.
fn wait_blocked(c: &mut Raw, n: usize) {
    eventually(&format!("{n} blocked clients"), || {
        (blocked(c) == n).then_some(())
    });
}

#[test]
fn data_that_is_there_serves_at_once() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["RPUSH", "l", "a", "b", "c", "d"], b":4\r\n");
    c.roundtrip(
        &["BLPOP", "none", "l", "0"],
        b"*2\r\n$1\r\nl\r\n$1\r\na\r\n",
    );
    c.roundtrip(&["BRPOP", "l", "1"], b"*2\r\n$1\r\nl\r\n$1\r\nd\r\n");
    c.roundtrip(&["BLMOVE", "l", "m", "LEFT", "RIGHT", "0"], b"$1\r\nb\r\n");
    c.roundtrip(&["BRPOPLPUSH", "l", "m", "0"], b"$1\r\nc\r\n");
    c.roundtrip(
        &["BLMPOP", "0", "2", "none", "m", "RIGHT", "COUNT", "5"],
        b"*2\r\n$1\r\nm\r\n*2\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    c.roundtrip(&["ZADD", "z", "1", "a", "2", "b", "3", "c"], b":3\r\n");
    c.roundtrip(
        &["BZPOPMIN", "none", "z", "0"],
        b"*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    c.roundtrip(
        &["BZPOPMAX", "z", "0"],
        b"*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    c.roundtrip(
        &["BZMPOP", "0", "1", "z", "MIN"],
        b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    c.roundtrip(&["EXISTS", "l", "m", "z"], b":0\r\n");
    c.cmd(&["HELLO", "3"]);
    c.reply();
    c.roundtrip(&["ZADD", "z", "1.5", "a"], b":1\r\n");
    c.roundtrip(
        &["BZPOPMIN", "z", "0"],
        b"*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n",
    );
}

#[test]
fn wrong_types_and_bad_timeouts_are_errors() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "s", "x"], b"+OK\r\n");
    let wrongtype = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    c.roundtrip(&["BLPOP", "none", "s", "0"], wrongtype);
    c.roundtrip(&["BZPOPMIN", "s", "0"], wrongtype);
    c.roundtrip(&["BLMOVE", "s", "d", "LEFT", "LEFT", "0"], wrongtype);
    c.roundtrip(&["BLMPOP", "0", "1", "s", "LEFT"], wrongtype);
    c.roundtrip(&["BZMPOP", "0", "1", "s", "MAX"], wrongtype);
    let not_float = b"-ERR timeout is not a float or out of range\r\n";
    c.roundtrip(&["BLPOP", "l", "abc"], not_float);
    c.roundtrip(&["BZPOPMAX", "l", "nan"], not_float);
    c.roundtrip(&["BRPOPLPUSH", "a", "b", "x"], not_float);
    c.roundtrip(&["BLPOP", "l", "-1"], b"-ERR timeout is negative\r\n");
    c.roundtrip(&["BRPOP", "l", "inf"], b"-ERR timeout is out of range\r\n");
    c.roundtrip(
        &["BLPOP", "l", "0x7FFFFFFFFFFFFF"],
        b"-ERR timeout is out of range\r\n",
    );
    // The timeout is checked before the data: a bad one pops nothing.
    c.roundtrip(&["RPUSH", "l", "a"], b":1\r\n");
    c.roundtrip(&["BLPOP", "l", "-0.5"], b"-ERR timeout is negative\r\n");
    // MPOP checks numkeys, the side and COUNT before the timeout.
    c.roundtrip(
        &["BLMPOP", "bad", "0", "l", "LEFT"],
        b"-ERR numkeys should be greater than 0\r\n",
    );
    c.roundtrip(&["BLMPOP", "bad", "1", "l", "UP"], b"-ERR syntax error\r\n");
    c.roundtrip(
        &["BZMPOP", "bad", "1", "l", "MIN", "COUNT", "0"],
        b"-ERR count should be greater than 0\r\n",
    );
    c.roundtrip(&["BLMPOP", "bad", "1", "l", "LEFT"], not_float);
    c.roundtrip(
        &["BLMOVE", "l", "d", "UP", "LEFT", "bad"],
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(&["LLEN", "l"], b":1\r\n");
}

#[test]
fn a_blocked_client_is_served_by_a_later_push() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    let waiter_id = id_of(&mut waiter);
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    admin.cmd(&["CLIENT", "LIST", "ID", &waiter_id]);
    let line = String::from_utf8(admin.reply()).expect("utf8");
    assert!(
        line.contains(" flags=b ") && line.contains(" cmd=blpop "),
        "{line}"
    );
    admin.roundtrip(&["RPUSH", "l", "x", "y"], b":2\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
    assert_eq!(blocked(&mut admin), 0);
    admin.roundtrip(&["LRANGE", "l", "0", "-1"], b"*1\r\n$1\r\ny\r\n");
}

#[test]
fn first_blocked_is_first_served() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiters: Vec<Raw> = (0..3).map(|_| server.raw()).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.cmd(&["BRPOP", "other", "l", "0"]);
        wait_blocked(&mut admin, i + 1);
    }
    assert_eq!(blocking_keys(&mut admin), 2);
    admin.roundtrip(&["RPUSH", "l", "a", "b"], b":2\r\n");
    waiters[0].expect(b"*2\r\n$1\r\nl\r\n$1\r\nb\r\n");
    waiters[1].expect(b"*2\r\n$1\r\nl\r\n$1\r\na\r\n");
    assert_eq!(blocked(&mut admin), 1);
    admin.roundtrip(&["LPUSH", "other", "c"], b":1\r\n");
    waiters[2].expect(b"*2\r\n$5\r\nother\r\n$1\r\nc\r\n");
    assert_eq!(blocked(&mut admin), 0);
}

#[test]
fn blocked_clients_are_served_before_the_next_command_runs() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["BZPOPMAX", "z", "0"]);
    wait_blocked(&mut admin, 1);
    // One burst: the waiter takes the member before this client's own ZPOPMAX runs.
    let mut burst = Vec::new();
    for args in [&["ZADD", "z", "1", "m"][..], &["ZPOPMAX", "z"]] {
        burst.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            burst.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
    }
    admin.send(&burst);
    admin.expect(b":1\r\n");
    admin.expect(b"*0\r\n");
    waiter.expect(b"*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n1\r\n");
}

#[test]
fn input_after_a_blocking_command_waits_for_it() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n");
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["LPUSH", "l", "v"], b":1\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\nv\r\n");
    waiter.expect(b"+PONG\r\n");
}

#[test]
fn a_timeout_replies_the_null_array() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut c = server.raw();
    c.roundtrip(&["BLPOP", "l", "0.05"], b"*-1\r\n");
    c.roundtrip(&["BLMOVE", "l", "d", "LEFT", "LEFT", "0.01"], b"*-1\r\n");
    c.roundtrip(&["BZMPOP", "0.01", "1", "z", "MIN"], b"*-1\r\n");
    c.cmd(&["HELLO", "3"]);
    c.reply();
    c.roundtrip(&["BRPOPLPUSH", "l", "d", "0.01"], b"_\r\n");
    c.roundtrip(&["BZPOPMIN", "z", "0.01"], b"_\r\n");
    assert_eq!(blocked(&mut admin), 0);
    c.roundtrip(&["PING"], b"+PONG\r\n");
}

#[test]
fn inside_multi_they_do_not_block() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["MULTI"], b"+OK\r\n");
    for args in [
        &["BLPOP", "l", "0"][..],
        &["BLMOVE", "l", "d", "LEFT", "LEFT", "0"],
        &["BZPOPMIN", "z", "0"],
        &["RPUSH", "l", "a"],
        &["BRPOP", "l", "0"],
    ] {
        c.roundtrip(args, b"+QUEUED\r\n");
    }
    c.roundtrip(
        &["EXEC"],
        b"*5\r\n*-1\r\n$-1\r\n*-1\r\n:1\r\n*2\r\n$1\r\nl\r\n$1\r\na\r\n",
    );
}

#[test]
fn client_unblock_releases_with_the_timeout_reply_or_an_error() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    let id = id_of(&mut waiter);
    admin.roundtrip(&["CLIENT", "UNBLOCK", &id], b":0\r\n");
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["CLIENT", "UNBLOCK", &id, "TIMEOUT"], b":1\r\n");
    waiter.expect(b"*-1\r\n");
    waiter.cmd(&["BZMPOP", "0", "1", "z", "MIN"]);
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["CLIENT", "UNBLOCK", &id, "ERROR"], b":1\r\n");
    waiter.expect(b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    assert_eq!(blocked(&mut admin), 0);
    admin.roundtrip(&["RPUSH", "l", "a"], b":1\r\n");
    admin.roundtrip(&["LLEN", "l"], b":1\r\n");
}

#[test]
fn keys_of_another_type_do_not_serve_and_renames_do() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["ZADD", "l", "1", "a"], b":1\r\n");
    admin.roundtrip(&["DEL", "l"], b":1\r\n");
    assert_eq!(blocked(&mut admin), 1);
    admin.roundtrip(&["RPUSH", "src", "r"], b":1\r\n");
    admin.roundtrip(&["RENAME", "src", "l"], b"+OK\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\nr\r\n");
}

#[test]
fn a_served_blmove_serves_the_next_waiter_in_turn() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut mover = server.raw();
    let mut popper = server.raw();
    mover.cmd(&["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"]);
    wait_blocked(&mut admin, 1);
    popper.cmd(&["BLPOP", "b", "0"]);
    wait_blocked(&mut admin, 2);
    admin.roundtrip(&["RPUSH", "a", "x"], b":1\r\n");
    mover.expect(b"$1\r\nx\r\n");
    popper.expect(b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n");
    admin.roundtrip(&["EXISTS", "a", "b"], b":0\r\n");
}

#[test]
fn a_disconnected_waiter_is_forgotten() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    drop(waiter);
    wait_blocked(&mut admin, 0);
    admin.roundtrip(&["RPUSH", "l", "a"], b":1\r\n");
    admin.roundtrip(&["LLEN", "l"], b":1\r\n");
}

#[test]
fn the_served_command_invalidates_after_its_reply() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["HELLO", "3"]);
    waiter.reply();
    waiter.roundtrip(&["CLIENT", "TRACKING", "ON"], b"+OK\r\n");
    waiter.roundtrip(&["LRANGE", "dst", "0", "-1"], b"*0\r\n");
    waiter.cmd(&["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]);
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["RPUSH", "src", "x"], b":1\r\n");
    waiter.expect(b"$1\r\nx\r\n");
    waiter.expect(&invalidate(&["dst"]));
}

#[test]
fn a_pause_holds_a_new_blocking_command_until_it_ends() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    let mut writer = server.raw();
    admin.roundtrip(&["RPUSH", "l", "a"], b":1\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    writer.cmd(&["RPUSH", "l", "b"]);
    wait_blocked(&mut admin, 2);
    admin.roundtrip(&["LLEN", "l"], b":1\r\n");
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\na\r\n");
    writer.expect(b":1\r\n");
    assert_eq!(blocked(&mut admin), 0);
}

#[test]
fn swapdb_serves_a_key_that_arrives_with_the_other_database() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["SELECT", "1"], b"+OK\r\n");
    admin.roundtrip(&["RPUSH", "l", "x"], b":1\r\n");
    assert_eq!(blocked(&mut admin), 1);
    admin.roundtrip(&["SWAPDB", "0", "1"], b"+OK\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
}

#[test]
fn a_served_blmove_to_a_key_of_another_type_answers_wrongtype() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]);
    wait_blocked(&mut admin, 1);
    admin.roundtrip(&["SET", "dst", "string"], b"+OK\r\n");
    admin.roundtrip(&["RPUSH", "src", "x"], b":1\r\n");
    waiter.expect(b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    admin.roundtrip(&["LLEN", "src"], b":1\r\n");
    assert_eq!(blocked(&mut admin), 0);
}

#[test]
fn a_client_made_ready_under_a_write_pause_is_served_when_it_ends() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut waiter = server.raw();
    waiter.cmd(&["BLPOP", "l", "0"]);
    wait_blocked(&mut admin, 1);
    // The pause starts inside the transaction that pushes: the waiter stays blocked.
    admin.roundtrip(&["MULTI"], b"+OK\r\n");
    admin.roundtrip(&["RPUSH", "l", "a"], b"+QUEUED\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+QUEUED\r\n");
    admin.roundtrip(&["EXEC"], b"*2\r\n:1\r\n+OK\r\n");
    assert_eq!(blocked(&mut admin), 1);
    admin.roundtrip(&["LLEN", "l"], b":1\r\n");
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\na\r\n");
    assert_eq!(blocked(&mut admin), 0);
}

/// INFO `connected_clients`.
fn connected(c: &mut Raw) -> usize {
    c.cmd(&["INFO", "clients"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    info.lines()
        .find_map(|l| l.strip_prefix("connected_clients:"))
        .expect("connected_clients")
        .trim()
        .parse()
        .expect("number")
}

#[test]
fn the_idle_timeout_spares_blocked_clients() {
    let server = Server::start(&["--timeout", "1"]);
    let mut waiter = server.raw();
    waiter.cmd(&["BLPOP", "l", "0"]);
    // Connected after the waiter blocked: once it is dropped as idle, the waiter was idle longer.
    let mut idle = server.raw();
    idle.roundtrip(&["PING"], b"+PONG\r\n");
    assert!(idle.until_closed().is_empty());
    let mut admin = server.raw();
    assert_eq!(connected(&mut admin), 2);
    assert_eq!(blocked(&mut admin), 1);
    admin.roundtrip(&["RPUSH", "l", "a"], b":1\r\n");
    waiter.expect(b"*2\r\n$1\r\nl\r\n$1\r\na\r\n");
}

#[test]
fn the_command_table_describes_them() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT"],
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    c.roundtrip(
        &[
            "COMMAND", "GETKEYS", "BLMOVE", "s", "d", "LEFT", "LEFT", "0",
        ],
        b"*2\r\n$1\r\ns\r\n$1\r\nd\r\n",
    );
    c.roundtrip(
        &["COMMAND", "GETKEYS", "BZPOPMIN", "a", "b", "0"],
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    c.cmd(&["COMMAND", "INFO", "bzpopmin", "blpop"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    assert!(info.contains("+write\r\n+blocking\r\n+fast\r\n"), "{info}");
    assert!(
        info.contains("+@sortedset\r\n+@fast\r\n+@blocking\r\n"),
        "{info}"
    );
    assert!(
        info.contains("+@list\r\n+@slow\r\n+@blocking\r\n"),
        "{info}"
    );
}
