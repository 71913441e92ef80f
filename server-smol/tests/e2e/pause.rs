//! CLIENT PAUSE / UNPAUSE (§3.7): parked clients, what waits and what runs, the end of a
//! pause, and a failover flow with continuous writers.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::sync::Arc;

use crate::support::{Raw, Server, eventually};
use crate::tracking::id_of;

/// INFO's value of `field`.
fn info_field(c: &mut Raw, field: &str) -> String {
    c.cmd(&["INFO"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    let prefix = format!("{field}:");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {field} in INFO"))
        .trim()
        .to_string()
}

/// Waits until `n` clients are parked.
fn wait_parked(c: &mut Raw, n: usize) {
    eventually(&format!("{n} parked clients"), || {
        (info_field(c, "blocked_clients") == n.to_string()).then_some(())
    });
}

#[test]
fn a_write_pause_parks_writes_and_keeps_serving_reads() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(&["SET", "k", "old"], b"+OK\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    let mut writer = server.raw();
    let writer_id = id_of(&mut writer);
    writer.cmd(&["SET", "k", "new"]);
    wait_parked(&mut admin, 1);
    // Reads, admin commands and errors are answered at once.
    let mut reader = server.raw();
    reader.roundtrip(&["GET", "k"], b"$3\r\nold\r\n");
    reader.roundtrip(
        &["SET", "k"],
        b"-ERR wrong number of arguments for 'set' command\r\n",
    );
    reader.roundtrip(
        &["NOSUCH"],
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    );
    assert_eq!(info_field(&mut admin, "paused_reason"), "client_pause");
    assert_eq!(info_field(&mut admin, "paused_actions"), "write");
    let left: u64 = info_field(&mut admin, "paused_timeout_milliseconds")
        .parse()
        .expect("number");
    assert!(left > 0 && left <= 100_000, "{left}");
    admin.cmd(&["CLIENT", "LIST", "ID", &writer_id]);
    let line = String::from_utf8(admin.reply()).expect("utf8");
    assert!(line.contains(" flags=b "), "{line}");
    // CLIENT UNBLOCK leaves a paused client alone (Valkey 8.0 crashed here).
    admin.roundtrip(&["CLIENT", "UNBLOCK", &writer_id], b":0\r\n");
    admin.roundtrip(&["CLIENT", "UNBLOCK", &writer_id, "ERROR"], b":0\r\n");
    wait_parked(&mut admin, 1);
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    writer.expect(b"+OK\r\n");
    reader.roundtrip(&["GET", "k"], b"$3\r\nnew\r\n");
    assert_eq!(info_field(&mut admin, "paused_reason"), "none");
    assert_eq!(info_field(&mut admin, "paused_actions"), "none");
    assert_eq!(info_field(&mut admin, "paused_timeout_milliseconds"), "0");
}

/// A request as a multibulk.
fn request(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
    }
    out
}

#[test]
fn parked_clients_resume_in_arrival_order_with_their_pipelines() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    for round in 0..5 {
        let key = format!("order{round}");
        admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
        let mut clients: Vec<Raw> = (0..4).map(|_| server.raw()).collect();
        for (i, c) in clients.iter_mut().enumerate() {
            // A pipeline: the write waits, and the read behind it waits with it.
            let mut req = request(&["APPEND", &key, &i.to_string()]);
            req.extend(request(&["GET", &key]));
            c.send(&req);
            wait_parked(&mut admin, i + 1);
        }
        admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
        let mut seen = String::new();
        for (i, c) in clients.iter_mut().enumerate() {
            seen.push_str(&i.to_string());
            c.expect(format!(":{}\r\n", i + 1).as_bytes());
            c.expect(format!("${}\r\n{seen}\r\n", seen.len()).as_bytes());
        }
        admin.roundtrip(&["GET", &key], b"$4\r\n0123\r\n");
    }
}

#[test]
fn an_all_pause_holds_everything_but_never_client_unpause() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    let mut writer = server.raw();
    writer.cmd(&["SET", "k", "v"]);
    wait_parked(&mut admin, 1);
    let mut reader = server.raw();
    reader.roundtrip(&["PING"], b"+PONG\r\n");
    // A later ALL pause (even of 0 ms) strengthens the active one until its end.
    admin.roundtrip(&["CLIENT", "PAUSE", "0", "ALL"], b"+OK\r\n");
    reader.cmd(&["PING"]);
    reader.silent_for(Duration::from_millis(150));
    // Valkey holds CLIENT UNPAUSE too under ALL; here it always runs.
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    writer.expect(b"+OK\r\n");
    reader.expect(b"+PONG\r\n");
    assert_eq!(info_field(&mut admin, "paused_actions"), "none");
}

#[test]
fn a_later_pause_never_shortens_an_active_one() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "ALL"], b"+OK\r\n");
    // A later CLIENT PAUSE is itself held under ALL: nothing can weaken it from a client.
    let mut other = server.raw();
    other.cmd(&["CLIENT", "PAUSE", "10", "WRITE"]);
    other.silent_for(Duration::from_millis(100));
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    other.expect(b"+OK\r\n");
    assert_eq!(info_field(&mut admin, "paused_actions"), "write");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "10", "WRITE"], b"+OK\r\n");
    let left: u64 = info_field(&mut admin, "paused_timeout_milliseconds")
        .parse()
        .expect("number");
    assert!(left > 50_000, "the end time was shortened to {left} ms");
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
}

#[test]
fn pause_errors_are_valkeys_and_checked_mode_first() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["CLIENT", "PAUSE", "abc", "NONE"],
        b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n",
    );
    c.roundtrip(
        &["CLIENT", "PAUSE", "abc"],
        b"-ERR timeout is not an integer or out of range\r\n",
    );
    c.roundtrip(&["CLIENT", "PAUSE", "-1"], b"-ERR timeout is negative\r\n");
    c.roundtrip(
        &["CLIENT", "PAUSE", "9223372036854775807"],
        b"-ERR timeout is out of range\r\n",
    );
    c.roundtrip(
        &["CLIENT", "PAUSE"],
        b"-ERR wrong number of arguments for 'client|pause' command\r\n",
    );
    c.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    c.roundtrip(&["CLIENT", "PAUSE", "0"], b"+OK\r\n");
    c.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
}

/// The server's clock in milliseconds (TIME).
fn server_ms(c: &mut Raw) -> u64 {
    c.cmd(&["TIME"]);
    let r = String::from_utf8(c.reply()).expect("utf8");
    let nums: Vec<u64> = r
        .lines()
        .filter(|l| !l.starts_with('*') && !l.starts_with('$'))
        .map(|l| l.parse().expect("number"))
        .collect();
    nums[0] * 1000 + nums[1] / 1000
}

#[test]
fn active_expiry_waits_for_the_end_of_a_pause() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let t0 = server_ms(&mut admin);
    admin.roundtrip(&["SET", "short", "v", "PX", "300"], b"+OK\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    if info_field(&mut admin, "expired_keys") != "0" || server_ms(&mut admin) >= t0 + 300 {
        eprintln!("skipped: the server took over 300 ms to answer two commands");
        return;
    }
    // Expired for several timer ticks (hz 10) without being removed. DBSIZE does not expire
    // lazily.
    eventually("the server clock to move on", || {
        (server_ms(&mut admin) > t0 + 800).then_some(())
    });
    admin.roundtrip(&["DBSIZE"], b":1\r\n");
    assert_eq!(info_field(&mut admin, "expired_keys"), "0");
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    eventually("active expiry after the pause", || {
        (info_field(&mut admin, "expired_keys") == "1").then_some(())
    });
}

#[test]
fn a_pause_ends_by_its_timeout() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "300", "WRITE"], b"+OK\r\n");
    let mut writer = server.raw();
    writer.cmd(&["DEL", "k"]);
    // No UNPAUSE: the pause ends on its own and the parked DEL runs.
    writer.expect(b":1\r\n");
    assert_eq!(info_field(&mut admin, "paused_reason"), "none");
}

/// One writer: appends `i,` to its own key for i = 0, 1, 2... until told to stop; the number
/// of acknowledged appends.
fn writer(port: u16, key: String, acked: Arc<AtomicU64>, stop: Arc<AtomicBool>) {
    let mut c = Raw::connect(port);
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        c.cmd(&["APPEND", &key, &format!("{i},")]);
        let r = c.reply();
        assert!(r.starts_with(b":"), "{}", String::from_utf8_lossy(&r));
        i += 1;
        acked.store(i, Ordering::Relaxed);
    }
}

/// Writers run; a WRITE pause parks every one of them while reads go on; `end` ends the pause;
/// every acknowledged write is there, in order.
fn failover_flow(end: impl FnOnce(&mut Raw), timeout: &str) {
    const WRITERS: usize = 4;
    let server = Server::start(&[]);
    let stop = Arc::new(AtomicBool::new(false));
    let acked: Vec<Arc<AtomicU64>> = (0..WRITERS).map(|_| Arc::default()).collect();
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (a, s, port) = (Arc::clone(&acked[w]), Arc::clone(&stop), server.port);
            std::thread::spawn(move || writer(port, format!("log{w}"), a, s))
        })
        .collect();
    let mut admin = server.raw();
    eventually("every writer to have written", || {
        acked
            .iter()
            .all(|a| a.load(Ordering::Relaxed) > 10)
            .then_some(())
    });
    admin.roundtrip(&["CLIENT", "PAUSE", timeout, "WRITE"], b"+OK\r\n");
    wait_parked(&mut admin, WRITERS);
    let frozen: Vec<u64> = acked.iter().map(|a| a.load(Ordering::Relaxed)).collect();
    let mut reader = server.raw();
    for w in 0..WRITERS {
        reader.cmd(&["STRLEN", &format!("log{w}")]);
        assert!(reader.reply().starts_with(b":"));
    }
    let still: Vec<u64> = acked.iter().map(|a| a.load(Ordering::Relaxed)).collect();
    // Both snapshots fell inside the pause if it is still in force now (a pause ended by its
    // timeout may run out first on a very slow machine; then there is nothing to compare).
    if info_field(&mut admin, "paused_actions") == "write" {
        assert_eq!(frozen, still, "a write was acknowledged during the pause");
    }
    end(&mut admin);
    eventually("writes to resume", || {
        acked
            .iter()
            .zip(&frozen)
            .all(|(a, f)| a.load(Ordering::Relaxed) > f + 10)
            .then_some(())
    });
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("writer");
    }
    for (w, a) in acked.iter().enumerate() {
        let n = a.load(Ordering::Relaxed);
        let want: String = (0..n).map(|i| format!("{i},")).collect();
        admin.roundtrip(
            &["GET", &format!("log{w}")],
            format!("${}\r\n{want}\r\n", want.len()).as_bytes(),
        );
    }
}

#[test]
fn failover_with_unpause_loses_and_reorders_no_write() {
    failover_flow(
        |admin| admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n"),
        "100000",
    );
}

#[test]
fn failover_ended_by_the_pause_timeout_loses_and_reorders_no_write() {
    failover_flow(|_| {}, "3000");
}

#[test]
fn publish_waits_under_a_write_pause_and_a_killed_parked_client_leaves_the_queue() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    // PUBLISH is may-replicate: it waits like a write.
    let mut publisher = server.raw();
    publisher.cmd(&["PUBLISH", "ch", "m"]);
    wait_parked(&mut admin, 1);
    let mut doomed = server.raw();
    let doomed_id = id_of(&mut doomed);
    doomed.cmd(&["INCR", "n"]);
    wait_parked(&mut admin, 2);
    admin.roundtrip(&["CLIENT", "KILL", "ID", &doomed_id], b":1\r\n");
    wait_parked(&mut admin, 1);
    assert!(doomed.until_closed().is_empty());
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    publisher.expect(b":0\r\n");
    // The killed client's INCR never ran.
    admin.roundtrip(&["GET", "n"], b"$-1\r\n");
}

#[test]
fn a_write_pause_hides_expired_keys_and_expires_them_after_the_unpause() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    let mut tracker = crate::tracking::resp3(&server);
    tracker.roundtrip(&["CLIENT", "TRACKING", "ON"], b"+OK\r\n");
    admin.roundtrip(&["SET", "k", "v", "PX", "300"], b"+OK\r\n");
    tracker.roundtrip(&["GET", "k"], b"$1\r\nv\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    eventually("k to read as expired", || {
        admin.cmd(&["PTTL", "k"]);
        (admin.reply() == b":-2\r\n").then_some(())
    });
    admin.roundtrip(&["GET", "k"], b"$-1\r\n");
    admin.roundtrip(&["EXISTS", "k"], b":0\r\n");
    // Still stored, not counted as expired, nobody told.
    admin.roundtrip(&["DBSIZE"], b":1\r\n");
    assert_eq!(info_field(&mut admin, "expired_keys"), "0");
    crate::tracking::nothing_pending(&mut tracker);
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    admin.roundtrip(&["GET", "k"], b"$-1\r\n");
    admin.roundtrip(&["DBSIZE"], b":0\r\n");
    assert_eq!(info_field(&mut admin, "expired_keys"), "1");
    tracker.expect(&crate::tracking::invalidate(&["k"]));
}

#[test]
fn randomkey_answers_an_expired_key_during_a_pause_instead_of_looping() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    admin.roundtrip(&["SET", "k", "v", "PX", "100"], b"+OK\r\n");
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], b"+OK\r\n");
    eventually("k to read as expired", || {
        admin.cmd(&["PTTL", "k"]);
        (admin.reply() == b":-2\r\n").then_some(())
    });
    admin.roundtrip(&["RANDOMKEY"], b"$1\r\nk\r\n");
    admin.roundtrip(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    admin.roundtrip(&["RANDOMKEY"], b"$-1\r\n");
}
