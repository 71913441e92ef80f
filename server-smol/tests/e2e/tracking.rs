//! Client-side caching: CLIENT TRACKING and friends, byte-exact on the wire (§2 of the
//! protocol digest). "Nothing arrived" is proved with a PING fence: the next frame is +PONG.

use crate::support::{Raw, Server, eventually};

/// A RESP3 connection (HELLO 3 answered and dropped).
pub(crate) fn resp3(server: &Server) -> Raw {
    let mut c = server.raw();
    c.cmd(&["HELLO", "3"]);
    c.reply();
    c
}

/// The connection's client id.
pub(crate) fn id_of(c: &mut Raw) -> String {
    c.cmd(&["CLIENT", "ID"]);
    let r = String::from_utf8(c.reply()).expect("utf8");
    r.trim_start_matches(':').trim_end().to_string()
}

/// The RESP3 invalidation push for these keys.
pub(crate) fn invalidate(keys: &[&str]) -> Vec<u8> {
    let mut out = format!(">2\r\n$10\r\ninvalidate\r\n*{}\r\n", keys.len()).into_bytes();
    for k in keys {
        out.extend_from_slice(format!("${}\r\n{k}\r\n", k.len()).as_bytes());
    }
    out
}

/// The next frame is the PING's reply: nothing was queued before it.
#[track_caller]
pub(crate) fn nothing_pending(c: &mut Raw) {
    c.roundtrip(&["PING"], b"+PONG\r\n");
}

/// A RESP3 client with tracking on (plus `options`) that has read `keys`.
fn tracker(server: &Server, options: &[&str], keys: &[&str]) -> Raw {
    let mut c = resp3(server);
    let mut args = vec!["CLIENT", "TRACKING", "ON"];
    args.extend_from_slice(options);
    c.roundtrip(&args, b"+OK\r\n");
    for k in keys {
        c.cmd(&["GET", k]);
        c.reply();
    }
    c
}

/// How many of `readers` have bytes waiting now, the last connected looked at first.
fn waiting(readers: &mut [Raw]) -> usize {
    readers
        .iter_mut()
        .rev()
        .map(Raw::has_pending)
        .filter(|&p| p)
        .count()
}

#[test]
fn invalidations_are_on_the_readers_sockets_before_the_writer_gets_its_reply() {
    // A client that saw the writer's reply must find its invalidation waiting (redis-py's cache
    // checks its socket for pushes before serving a cached read): the pushes of an iteration
    // are written before its replies. Many readers make the gap wide if the order is wrong.
    let server = Server::start(&[]);
    let mut readers: Vec<Raw> = (0..150).map(|_| tracker(&server, &[], &["hot"])).collect();
    let mut writer = server.raw();
    for round in 0..3 {
        writer.roundtrip(&["SET", "hot", "v"], b"+OK\r\n");
        assert_eq!(
            waiting(&mut readers),
            readers.len(),
            "round {round}: pushes not yet written"
        );
        for r in &mut readers {
            r.expect(&invalidate(&["hot"]));
            r.cmd(&["GET", "hot"]);
            r.reply();
        }
    }
    writer.roundtrip(&["FLUSHALL"], b"+OK\r\n");
    assert_eq!(
        waiting(&mut readers),
        readers.len(),
        "FLUSHALL: pushes not yet written"
    );
}

#[test]
fn another_clients_write_reaches_the_reader_as_an_invalidate_push() {
    let server = Server::start(&[]);
    let mut reader = tracker(&server, &[], &["user:1"]);
    let mut writer = server.raw();
    writer.roundtrip(&["SET", "user:1", "ann"], b"+OK\r\n");
    reader.expect(&invalidate(&["user:1"]));
    // The key was forgotten: a second write sends nothing until it is read again.
    writer.roundtrip(&["SET", "user:1", "bob"], b"+OK\r\n");
    nothing_pending(&mut reader);
    // Keys are global across databases.
    reader.roundtrip(&["GET", "user:1"], b"$3\r\nbob\r\n");
    writer.roundtrip(&["SELECT", "1"], b"+OK\r\n");
    writer.roundtrip(&["SET", "user:1", "x"], b"+OK\r\n");
    reader.expect(&invalidate(&["user:1"]));
}

#[test]
fn own_write_is_invalidated_after_its_reply_unless_noloop() {
    let server = Server::start(&[]);
    let mut c = tracker(&server, &[], &["k"]);
    c.cmd(&["SET", "k", "1"]);
    c.expect(b"+OK\r\n");
    c.expect(&invalidate(&["k"]));
    nothing_pending(&mut c);

    let mut quiet = tracker(&server, &["NOLOOP"], &["k"]);
    quiet.roundtrip(&["SET", "k", "2"], b"+OK\r\n");
    nothing_pending(&mut quiet);
}

#[test]
fn only_readonly_commands_record_their_keys_and_every_key_counts() {
    let server = Server::start(&[]);
    let mut c = tracker(&server, &[], &[]);
    let mut w = server.raw();
    // GETSET and GETDEL read and write: WRITE-flagged, so nothing is recorded.
    c.cmd(&["GETSET", "a", "1"]);
    c.reply();
    w.roundtrip(&["SET", "a", "2"], b"+OK\r\n");
    nothing_pending(&mut c);
    // MGET records every key, missing ones included; a failed SET NX changes nothing.
    c.cmd(&["MGET", "a", "missing"]);
    c.reply();
    w.roundtrip(&["SET", "a", "x", "NX"], b"$-1\r\n");
    nothing_pending(&mut c);
    w.roundtrip(&["SET", "missing", "now"], b"+OK\r\n");
    c.expect(&invalidate(&["missing"]));
    w.roundtrip(&["DEL", "a"], b":1\r\n");
    c.expect(&invalidate(&["a"]));
}

#[test]
fn rename_move_copy_expire_and_del_invalidate_every_key_they_touch() {
    let server = Server::start(&[]);
    let mut w = server.raw();
    for k in ["src", "dst", "m", "c1", "c2", "e"] {
        w.roundtrip(&["SET", k, "v"], b"+OK\r\n");
    }
    let mut c = tracker(&server, &[], &["src", "dst", "m", "c2", "e"]);
    w.roundtrip(&["RENAME", "src", "dst"], b"+OK\r\n");
    let mut got = vec![c.reply(), c.reply()];
    got.sort();
    assert_eq!(got, vec![invalidate(&["dst"]), invalidate(&["src"])]);
    w.roundtrip(&["MOVE", "m", "1"], b":1\r\n");
    c.expect(&invalidate(&["m"]));
    w.roundtrip(&["COPY", "c1", "c2", "REPLACE"], b":1\r\n");
    c.expect(&invalidate(&["c2"]));
    w.roundtrip(&["EXPIRE", "e", "100"], b":1\r\n");
    c.expect(&invalidate(&["e"]));
    // SWAPDB invalidates nothing, as in Valkey.
    w.roundtrip(&["SWAPDB", "0", "1"], b"+OK\r\n");
    nothing_pending(&mut c);
}

#[test]
fn an_expired_key_is_invalidated() {
    let server = Server::start(&[]);
    let mut w = server.raw();
    w.roundtrip(&["SET", "short", "v", "PX", "30"], b"+OK\r\n");
    let mut c = tracker(&server, &["NOLOOP"], &["short"]);
    // Expiry is the server's change: even a NOLOOP reader hears it (lazily by the next read,
    // or by the active cycle, whichever comes first).
    eventually("the key to expire", || {
        w.cmd(&["EXISTS", "short"]);
        (w.reply() == b":0\r\n").then_some(())
    });
    c.expect(&invalidate(&["short"]));
}

#[test]
fn flushall_sends_one_null_invalidation_to_every_tracking_client() {
    let server = Server::start(&[]);
    let mut w = server.raw();
    w.roundtrip(&["SET", "a", "1"], b"+OK\r\n");
    w.roundtrip(&["SELECT", "3"], b"+OK\r\n");
    w.roundtrip(&["SET", "b", "1"], b"+OK\r\n");
    let mut reader = tracker(&server, &[], &["a"]);
    let mut bcast = tracker(&server, &["BCAST", "PREFIX", "zz"], &[]);
    let mut flusher = tracker(&server, &[], &[]);
    flusher.cmd(&["FLUSHALL"]);
    flusher.expect(b"+OK\r\n");
    let null = b">2\r\n$10\r\ninvalidate\r\n_\r\n";
    flusher.expect(null);
    nothing_pending(&mut flusher);
    reader.expect(null);
    nothing_pending(&mut reader);
    bcast.expect(null);
    nothing_pending(&mut bcast);
    reader.roundtrip(&["GET", "a"], b"_\r\n");
    w.roundtrip(&["FLUSHDB"], b"+OK\r\n");
    reader.expect(null);
}

#[test]
fn bcast_announces_every_key_under_a_prefix_in_byte_order() {
    let server = Server::start(&[]);
    let mut c = tracker(&server, &["BCAST", "PREFIX", "user:"], &[]);
    let mut w = server.raw();
    w.send(b"*5\r\n$4\r\nMSET\r\n$6\r\nuser:b\r\n$1\r\n1\r\n$6\r\nuser:a\r\n$1\r\n2\r\n");
    w.expect(b"+OK\r\n");
    c.expect(&invalidate(&["user:a", "user:b"]));
    w.roundtrip(&["SET", "other", "1"], b"+OK\r\n");
    nothing_pending(&mut c);
}

#[test]
fn pushes_are_delivered_under_client_reply_off_and_skip() {
    let server = Server::start(&[]);
    let mut c = tracker(&server, &[], &["k", "j"]);
    c.send(b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n");
    c.expect(&invalidate(&["k"]));
    c.roundtrip(&["CLIENT", "REPLY", "ON"], b"+OK\r\n");
    c.send(b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*3\r\n$3\r\nSET\r\n$1\r\nj\r\n$1\r\n1\r\n");
    c.expect(&invalidate(&["j"]));
    nothing_pending(&mut c);
}

#[test]
fn resp2_redirect_goes_to_a_subscriber_of_the_invalidate_channel() {
    let server = Server::start(&[]);
    let mut sub = server.raw();
    let sub_id = id_of(&mut sub);
    sub.roundtrip(
        &["SUBSCRIBE", "__redis__:invalidate"],
        b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n",
    );
    let mut c = server.raw();
    c.roundtrip(
        &["CLIENT", "TRACKING", "on", "REDIRECT", &sub_id],
        b"+OK\r\n",
    );
    c.roundtrip(&["GET", "a"], b"$-1\r\n");
    c.roundtrip(&["SET", "a", "1"], b"+OK\r\n");
    sub.expect(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\na\r\n");
    c.roundtrip(&["FLUSHDB"], b"+OK\r\n");
    sub.expect(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
    // A RESP2 client without REDIRECT hears nothing (keys are still tracked).
    c.roundtrip(&["CLIENT", "TRACKING", "on"], b"+OK\r\n");
    c.roundtrip(&["GET", "a"], b"$-1\r\n");
    c.roundtrip(&["SET", "a", "1"], b"+OK\r\n");
    nothing_pending(&mut c);
}

/// A RESP3 tracker redirecting to `target`, having read `k`.
fn redirected_tracker(server: &Server, target: &str) -> Raw {
    tracker(server, &["REDIRECT", target], &["k"])
}

#[test]
fn a_target_that_sent_quit_is_a_broken_redirect_every_time() {
    let server = Server::start(&[]);
    let mut w = server.raw();
    for _ in 0..25 {
        let mut target = resp3(&server);
        let target_id = id_of(&mut target);
        let mut c = redirected_tracker(&server, &target_id);
        // QUIT answered: the target is closing from then on, whatever the socket does.
        target.roundtrip(&["QUIT"], b"+OK\r\n");
        w.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
        c.expect(format!(">2\r\n$21\r\ntracking-redir-broken\r\n:{target_id}\r\n").as_bytes());
        c.cmd(&["CLIENT", "TRACKINGINFO"]);
        let info = String::from_utf8(c.reply()).expect("utf8");
        assert!(info.contains("$15\r\nbroken_redirect\r\n"), "{info}");
        c.cmd(&["CLIENT", "INFO"]);
        let line = String::from_utf8(c.reply()).expect("utf8");
        assert!(line.contains(" flags=tR "), "{line}");
        assert!(line.contains(&format!(" redir={target_id} ")), "{line}");
    }
}

#[test]
fn a_killed_target_is_a_broken_redirect_every_time() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    for _ in 0..25 {
        let mut target = server.raw();
        let target_id = id_of(&mut target);
        let mut c = redirected_tracker(&server, &target_id);
        admin.roundtrip(&["CLIENT", "KILL", "ID", &target_id], b":1\r\n");
        admin.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
        c.expect(format!(">2\r\n$21\r\ntracking-redir-broken\r\n:{target_id}\r\n").as_bytes());
        // Every later attempt tells it again; GETREDIR keeps the old id.
        c.roundtrip(&["GET", "k"], b"$1\r\nv\r\n");
        admin.roundtrip(&["FLUSHALL"], b"+OK\r\n");
        c.expect(format!(">2\r\n$21\r\ntracking-redir-broken\r\n:{target_id}\r\n").as_bytes());
        c.roundtrip(
            &["CLIENT", "GETREDIR"],
            format!(":{target_id}\r\n").as_bytes(),
        );
    }
}

#[test]
fn trackinginfo_getredir_and_caching_report_and_gate_recording() {
    let server = Server::start(&[]);
    let mut c = resp3(&server);
    c.roundtrip(&["CLIENT", "GETREDIR"], b":-1\r\n");
    c.roundtrip(
        &["CLIENT", "TRACKINGINFO"],
        b"%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    c.roundtrip(
        &["CLIENT", "CACHING", "yes"],
        b"-ERR CLIENT CACHING can be called only when the client is in tracking mode with \
          OPTIN or OPTOUT mode enabled\r\n",
    );
    c.roundtrip(&["CLIENT", "TRACKING", "on", "OPTIN"], b"+OK\r\n");
    c.roundtrip(&["CLIENT", "GETREDIR"], b":0\r\n");
    c.roundtrip(
        &["CLIENT", "CACHING", "no"],
        b"-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n",
    );
    // OPTIN: only the read right after CACHING yes is recorded.
    c.roundtrip(&["GET", "skipped"], b"_\r\n");
    c.roundtrip(&["CLIENT", "CACHING", "yes"], b"+OK\r\n");
    c.roundtrip(
        &["CLIENT", "TRACKINGINFO"],
        b"%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n\
          $8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    c.roundtrip(&["GET", "kept"], b"_\r\n");
    let mut w = server.raw();
    w.roundtrip(&["SET", "skipped", "1"], b"+OK\r\n");
    nothing_pending(&mut c);
    w.roundtrip(&["SET", "kept", "1"], b"+OK\r\n");
    c.expect(&invalidate(&["kept"]));
    c.roundtrip(
        &["CLIENT", "TRACKING", "on", "PREFIX", "a"],
        b"-ERR PREFIX option requires BCAST mode to be enabled\r\n",
    );
    c.roundtrip(
        &["CLIENT", "TRACKING", "on", "REDIRECT", "9999"],
        b"-ERR The client ID you want redirect to does not exist\r\n",
    );
}

#[test]
fn the_table_limit_evicts_before_the_next_command_and_info_counts() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(
        &["CONFIG", "SET", "tracking-table-max-keys", "2"],
        b"+OK\r\n",
    );
    admin.cmd(&["CONFIG", "GET", "tracking-table-max-keys"]);
    assert_eq!(
        admin.reply(),
        b"*2\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n2\r\n"
    );
    let mut c = tracker(&server, &[], &["a", "b"]);
    c.cmd(&["GET", "c"]);
    c.expect(b"_\r\n");
    // The table holds 3 keys until the next command (or timer tick) trims it to 2: either
    // way the eviction's push comes before that command's reply.
    c.cmd(&["PING"]);
    let first = c.reply();
    assert!(
        [invalidate(&["a"]), invalidate(&["b"]), invalidate(&["c"])].contains(&first),
        "{}",
        String::from_utf8_lossy(&first)
    );
    c.expect(b"+PONG\r\n");
    admin.cmd(&["INFO"]);
    let info = String::from_utf8(admin.reply()).expect("utf8");
    assert!(info.contains("tracking_clients:1\r\n"), "{info}");
    assert!(info.contains("tracking_total_keys:2\r\n"), "{info}");
    assert!(info.contains("tracking_total_items:2\r\n"), "{info}");
    assert!(info.contains("tracking_total_prefixes:0\r\n"), "{info}");
    c.cmd(&["CLIENT", "INFO"]);
    let line = String::from_utf8(c.reply()).expect("utf8");
    assert!(line.contains(" flags=t "), "{line}");
    assert!(line.contains(" redir=0 "), "{line}");
}

#[test]
fn the_redis_crate_receives_invalidations_as_resp3_pushes() {
    use redis::{PushKind, Value};
    let server = Server::start(&[]);
    let mut reader = server.redis(true);
    let (tx, rx) = std::sync::mpsc::channel();
    reader.set_push_sender(tx);
    let ok: String = redis::cmd("CLIENT")
        .arg("TRACKING")
        .arg("ON")
        .query(&mut reader)
        .expect("tracking on");
    assert_eq!(ok, "OK");
    let v: Option<String> = redis::cmd("GET")
        .arg("price")
        .query(&mut reader)
        .expect("get");
    assert_eq!(v, None);
    let mut writer = server.redis(false);
    let () = redis::cmd("SET")
        .arg("price")
        .arg("10")
        .query(&mut writer)
        .expect("set");
    // The push precedes the next reply on the reader's connection.
    let pong: String = redis::cmd("PING").query(&mut reader).expect("ping");
    assert_eq!(pong, "PONG");
    let push = rx.try_recv().expect("an invalidation push");
    assert_eq!(push.kind, PushKind::Invalidate);
    assert_eq!(
        push.data,
        vec![Value::Array(vec![Value::BulkString(b"price".to_vec())])]
    );
    assert!(rx.try_recv().is_err(), "one push only");
    // Tracking off (or RESET) removes the client from INFO's count.
    let info: String = redis::cmd("INFO")
        .arg("clients")
        .query(&mut writer)
        .expect("info");
    assert!(info.contains("tracking_clients:1\r\n"), "{info}");
    let _: String = redis::cmd("RESET").query(&mut reader).expect("reset");
    let info: String = redis::cmd("INFO")
        .arg("clients")
        .query(&mut writer)
        .expect("info");
    assert!(info.contains("tracking_clients:0\r\n"), "{info}");
}

#[test]
fn bcast_clients_show_b_in_client_list_and_leaving_drops_the_count() {
    let server = Server::start(&[]);
    let mut c = tracker(&server, &["BCAST"], &[]);
    c.cmd(&["CLIENT", "INFO"]);
    let line = String::from_utf8(c.reply()).expect("utf8");
    assert!(line.contains(" flags=tB "), "{line}");
    c.roundtrip(
        &["CLIENT", "TRACKINGINFO"],
        b"%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n\
          $8\r\nprefixes\r\n*1\r\n$0\r\n\r\n",
    );
    let mut admin = server.raw();
    admin.cmd(&["INFO", "stats"]);
    let info = String::from_utf8(admin.reply()).expect("utf8");
    assert!(info.contains("tracking_total_prefixes:1\r\n"), "{info}");
    drop(c);
    eventually("the departed client to stop counting", || {
        admin.cmd(&["INFO", "clients"]);
        let info = String::from_utf8(admin.reply()).expect("utf8");
        info.contains("tracking_clients:0\r\n").then_some(())
    });
}

#[test]
fn hello_reports_redis_and_the_configured_version_in_compatibility_mode() {
    let server = Server::start(&[
        "--extended-redis-compatibility",
        "yes",
        "--extended-redis-compatibility-version",
        "7.4.0",
    ]);
    let mut c = server.raw();
    c.cmd(&["HELLO", "3"]);
    let hello = String::from_utf8(c.reply()).expect("utf8");
    assert!(
        hello.starts_with("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.4.0\r\n"),
        "{hello}"
    );
    c.roundtrip(
        &["CONFIG", "SET", "extended-redis-compatibility-version", "7.4"],
        b"-ERR CONFIG SET failed (possibly related to argument 'extended-redis-compatibility-version') - argument must be a version like 7.4.0\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "extended-redis-compatibility", "no"],
        b"+OK\r\n",
    );
    c.cmd(&["HELLO"]);
    let hello = String::from_utf8(c.reply()).expect("utf8");
    assert!(hello.contains("$6\r\nvalkey\r\n"), "{hello}");
}
