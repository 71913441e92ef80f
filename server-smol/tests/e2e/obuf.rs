//! `client-output-buffer-limit`: CONFIG GET/SET with Valkey's texts; a client whose unwritten
//! output passes its class's limit is closed (logged, counted) without affecting anyone else; a
//! tracking redirect to such a client breaks.

use crate::support::{Raw, Server, eventually};

const OK: &[u8] = b"+OK\r\n";

/// `field:value` of INFO stats.
fn stat(c: &mut Raw, field: &str) -> String {
    c.cmd(&["INFO", "stats"]);
    let text = String::from_utf8(c.reply()).expect("utf8");
    let prefix = format!("{field}:");
    text.split("\r\n")
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {field} in {text}"))
        .to_string()
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

#[test]
fn config_get_and_set_use_valkeys_form_and_texts() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let default = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
    let want = format!(
        "*2\r\n{}{}",
        bulk("client-output-buffer-limit"),
        bulk(default)
    );
    c.roundtrip(
        &["CONFIG", "GET", "client-output-buffer-limit"],
        want.as_bytes(),
    );
    c.roundtrip(
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "pubsub 1mb 0 0 replica 1gb 1gb 1",
        ],
        OK,
    );
    let now = "normal 0 0 0 slave 1073741824 1073741824 1 pubsub 1048576 0 0";
    let want = format!("*2\r\n{}{}", bulk("client-output-buffer-limit"), bulk(now));
    c.roundtrip(
        &["CONFIG", "GET", "client-output-buffer-limit"],
        want.as_bytes(),
    );
    for (value, why) in [
        (
            "wrong number",
            "Wrong number of arguments in buffer limit configuration.",
        ),
        (
            "master 10mb 10mb 60",
            "Invalid client class specified in buffer limit configuration.",
        ),
        (
            "normal 10mbs 10mb 60",
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
        ),
    ] {
        let want = format!(
            "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - {why}\r\n"
        );
        c.roundtrip(
            &["CONFIG", "SET", "client-output-buffer-limit", value],
            want.as_bytes(),
        );
    }
    // Nothing changed by the failures.
    c.roundtrip(
        &["CONFIG", "GET", "client-output-buffer-limit"],
        want_now(now).as_bytes(),
    );
}

fn want_now(value: &str) -> String {
    format!(
        "*2\r\n{}{}",
        bulk("client-output-buffer-limit"),
        bulk(value)
    )
}

#[test]
fn a_subscriber_that_does_not_read_is_closed_at_the_pubsub_hard_limit() {
    let server = Server::start(&["--client-output-buffer-limit", "pubsub 100000 0 0"]);
    let mut slow = server.raw();
    slow.cmd(&["SUBSCRIBE", "foo"]);
    slow.reply();
    let mut c = server.raw();
    let payload = "x".repeat(10_000);
    // The socket buffers take a few megabytes first; then the output waits in the server.
    let mut published = 0;
    while stat(&mut c, "client_output_buffer_limit_disconnections") == "0" {
        c.roundtrip(&["PUBLISH", "foo", &payload], b":1\r\n");
        published += 1;
        assert!(published < 20_000, "never closed");
    }
    server.wait_log("scheduled to be closed ASAP for overcoming of output buffer limits");
    // Gone: the next message reaches nobody; the publisher was not affected.
    c.roundtrip(&["PUBLISH", "foo", "bar"], b":0\r\n");
    c.roundtrip(&["PING"], b"+PONG\r\n");
    slow.until_closed();
}

#[test]
fn a_target_dropped_for_its_output_buffer_is_a_broken_redirect() {
    let server = Server::start(&["--client-output-buffer-limit", "pubsub 100000 0 0"]);
    // The redirect target subscribes to the invalidation channel and then never reads.
    let mut target = server.raw();
    target.cmd(&["CLIENT", "ID"]);
    let target_id = String::from_utf8(target.reply()).expect("utf8");
    let target_id = target_id.trim_start_matches(':').trim_end().to_string();
    target.cmd(&["SUBSCRIBE", "__redis__:invalidate"]);
    target.reply();
    let mut c = server.raw();
    c.cmd(&["HELLO", "3"]);
    c.reply();
    c.roundtrip(&["CLIENT", "TRACKING", "ON", "REDIRECT", &target_id], OK);
    let mut w = server.raw();
    let key = "k".repeat(5_000);
    // Each round: read the key (tracked), change it (an invalidation for the target).
    eventually("the target to be dropped", || {
        for _ in 0..100 {
            c.cmd(&["GET", &key]);
            c.reply();
            w.roundtrip(&["SET", &key, "v"], OK);
        }
        (stat(&mut w, "client_output_buffer_limit_disconnections") == "1").then_some(())
    });
    // Pushes may have arrived between the replies read above: skip to a PING's reply.
    c.cmd(&["PING"]);
    while c.reply() != b"+PONG\r\n" {}
    c.cmd(&["GET", &key]);
    c.reply();
    w.roundtrip(&["SET", &key, "v"], OK);
    c.expect(format!(">2\r\n$21\r\ntracking-redir-broken\r\n:{target_id}\r\n").as_bytes());
}
