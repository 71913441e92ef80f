//! The Pub/Sub core: SUBSCRIBE family replies, PUBLISH delivery, RESP2 subscribed mode.

use crate::support::Server;
use crate::tracking::{nothing_pending, resp3};

#[test]
fn subscribe_and_unsubscribe_confirm_with_the_remaining_count() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.cmd(&["SUBSCRIBE", "a", "b"]);
    c.expect(b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
    c.expect(b"*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
    c.roundtrip(
        &["PSUBSCRIBE", "n*"],
        b"*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n",
    );
    c.roundtrip(
        &["UNSUBSCRIBE", "zz"],
        b"*3\r\n$11\r\nunsubscribe\r\n$2\r\nzz\r\n:3\r\n",
    );
    c.cmd(&["UNSUBSCRIBE"]);
    c.expect(b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n");
    c.expect(b"*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n");
    c.roundtrip(
        &["PUNSUBSCRIBE"],
        b"*3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:0\r\n",
    );
    c.roundtrip(
        &["PUNSUBSCRIBE"],
        b"*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n",
    );
    // Out of Pub/Sub mode: any command again.
    c.roundtrip(&["GET", "x"], b"$-1\r\n");
}

#[test]
fn resp2_subscribers_may_only_subscribe_ping_quit_or_reset() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.cmd(&["SUBSCRIBE", "a"]);
    c.reply();
    c.roundtrip(
        &["GET", "x"],
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
          RESET are allowed in this context\r\n",
    );
    c.roundtrip(
        &["CLIENT", "ID"],
        b"-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / \
          QUIT / RESET are allowed in this context\r\n",
    );
    c.roundtrip(&["PING"], b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    c.roundtrip(&["PING", "hi"], b"*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    c.roundtrip(&["RESET"], b"+RESET\r\n");
    c.roundtrip(&["PING"], b"+PONG\r\n");

    // RESP3 subscribers may run anything; their confirmations are pushes.
    let mut r = resp3(&server);
    r.roundtrip(
        &["SUBSCRIBE", "a"],
        b">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n",
    );
    r.roundtrip(&["GET", "x"], b"_\r\n");
}

#[test]
fn publish_reaches_channel_and_pattern_subscribers_and_counts_them() {
    let server = Server::start(&[]);
    let mut ch = server.raw();
    ch.cmd(&["SUBSCRIBE", "news"]);
    ch.reply();
    let mut pat = resp3(&server);
    pat.cmd(&["PSUBSCRIBE", "n*"]);
    pat.reply();
    let mut p = server.raw();
    p.roundtrip(&["PUBLISH", "news", "hello"], b":2\r\n");
    ch.expect(b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
    pat.expect(b">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
    p.roundtrip(&["PUBLISH", "other", "x"], b":0\r\n");
    nothing_pending(&mut pat);

    // A RESP3 publisher subscribed to its own channel gets the message after the reply.
    pat.cmd(&["PUBLISH", "nine", "9"]);
    pat.expect(b":1\r\n");
    pat.expect(b">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnine\r\n$1\r\n9\r\n");

    p.cmd(&["INFO", "stats"]);
    let info = String::from_utf8(p.reply()).expect("utf8");
    assert!(info.contains("pubsub_channels:1\r\n"), "{info}");
    assert!(info.contains("pubsub_patterns:1\r\n"), "{info}");
    p.cmd(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    let list = String::from_utf8(p.reply()).expect("utf8");
    assert_eq!(list.matches("flags=P ").count(), 2, "{list}");
    assert!(list.contains(" sub=1 psub=0 "), "{list}");
    assert!(list.contains(" sub=0 psub=1 "), "{list}");

    // A subscriber that disconnects no longer counts.
    drop(ch);
    crate::support::eventually("the subscriber to leave", || {
        p.cmd(&["PUBLISH", "news", "x"]);
        (p.reply() == b":1\r\n").then_some(())
    });
}

#[test]
fn a_resp3_redirect_target_gets_pushes_even_when_subscribed() {
    let server = Server::start(&[]);
    let mut target = resp3(&server);
    let target_id = crate::tracking::id_of(&mut target);
    target.roundtrip(
        &["SUBSCRIBE", "__redis__:invalidate"],
        b">3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n",
    );
    let mut c = server.raw();
    c.roundtrip(
        &["CLIENT", "TRACKING", "on", "REDIRECT", &target_id],
        b"+OK\r\n",
    );
    c.roundtrip(&["GET", "k"], b"$-1\r\n");
    c.roundtrip(&["SET", "k", "1"], b"+OK\r\n");
    target.expect(&crate::tracking::invalidate(&["k"]));
    // PUBLISH to the channel is an ordinary message, not an invalidation.
    c.roundtrip(&["PUBLISH", "__redis__:invalidate", "x"], b":1\r\n");
    target.expect(b">3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$1\r\nx\r\n");
    // CLIENT KILL TYPE pubsub selects subscribed clients only.
    c.roundtrip(&["CLIENT", "KILL", "TYPE", "pubsub"], b":1\r\n");
    assert!(target.until_closed().is_empty());
}
