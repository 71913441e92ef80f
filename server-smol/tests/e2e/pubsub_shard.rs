//! PUBSUB introspection (CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB, HELP) and the
//! shard channel commands SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH, RESP2 and RESP3.

use core::time::Duration;

use crate::support::{Raw, Server, eventually};
use crate::tracking::resp3;

fn bulk_array(items: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", items.len()).into_bytes();
    for i in items {
        out.extend_from_slice(format!("${}\r\n{i}\r\n", i.len()).as_bytes());
    }
    out
}

#[test]
fn pubsub_reports_channels_subscribers_and_patterns() {
    let server = Server::start(&[]);
    let mut a = server.raw();
    a.cmd(&["SUBSCRIBE", "news", "sport"]);
    a.reply();
    a.reply();
    let mut b = server.raw();
    b.cmd(&["SUBSCRIBE", "news"]);
    b.reply();
    b.cmd(&["PSUBSCRIBE", "n*", "x*"]);
    b.reply();
    b.reply();
    let mut c = server.raw();
    c.roundtrip(&["PUBSUB", "CHANNELS"], &bulk_array(&["news", "sport"]));
    c.roundtrip(&["PUBSUB", "CHANNELS", "s*"], &bulk_array(&["sport"]));
    c.roundtrip(&["PUBSUB", "CHANNELS", "zz*"], b"*0\r\n");
    c.roundtrip(
        &["PUBSUB", "NUMSUB", "news", "sport", "none"],
        b"*6\r\n$4\r\nnews\r\n:2\r\n$5\r\nsport\r\n:1\r\n$4\r\nnone\r\n:0\r\n",
    );
    c.roundtrip(&["PUBSUB", "NUMSUB"], b"*0\r\n");
    c.roundtrip(&["PUBSUB", "NUMPAT"], b":2\r\n");
    // A departing subscriber is forgotten.
    drop(a);
    eventually("the closed client's channels to go", || {
        c.cmd(&["PUBSUB", "CHANNELS"]);
        (c.reply() == bulk_array(&["news"])).then_some(())
    });
    // RESP3: NUMSUB stays a flat array.
    let mut r = resp3(&server);
    r.roundtrip(&["PUBSUB", "NUMSUB", "news"], b"*2\r\n$4\r\nnews\r\n:1\r\n");
    r.roundtrip(
        &["PUBSUB", "CHANNELS", "a", "b"],
        b"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
    );
    r.roundtrip(
        &["PUBSUB", "NUMPAT", "x"],
        b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n",
    );
    r.cmd(&["PUBSUB", "HELP"]);
    let help = String::from_utf8(r.reply()).expect("utf8");
    assert!(help.starts_with("*14\r\n+PUBSUB <subcommand>"), "{help}");
    assert!(
        help.contains("+SHARDNUMSUB [<shardchannel> ...]\r\n"),
        "{help}"
    );
}

#[test]
fn shard_channels_are_their_own_namespace() {
    let server = Server::start(&[]);
    let mut s = server.raw();
    s.roundtrip(
        &["SSUBSCRIBE", "orders"],
        b"*3\r\n$10\r\nssubscribe\r\n$6\r\norders\r\n:1\r\n",
    );
    // Shard counts are separate from channel and pattern counts.
    s.roundtrip(
        &["SUBSCRIBE", "orders"],
        b"*3\r\n$9\r\nsubscribe\r\n$6\r\norders\r\n:1\r\n",
    );
    s.roundtrip(
        &["SSUBSCRIBE", "items"],
        b"*3\r\n$10\r\nssubscribe\r\n$5\r\nitems\r\n:2\r\n",
    );
    let mut p = server.raw();
    p.cmd(&["PSUBSCRIBE", "*"]);
    p.reply();
    let mut c = server.raw();
    c.roundtrip(&["SPUBLISH", "orders", "o1"], b":1\r\n");
    s.expect(b"*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$2\r\no1\r\n");
    p.silent_for(Duration::from_millis(30));
    c.roundtrip(&["PUBLISH", "orders", "o2"], b":2\r\n");
    s.expect(b"*3\r\n$7\r\nmessage\r\n$6\r\norders\r\n$2\r\no2\r\n");
    p.expect(b"*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$6\r\norders\r\n$2\r\no2\r\n");
    c.roundtrip(&["SPUBLISH", "nobody", "x"], b":0\r\n");

    c.roundtrip(
        &["PUBSUB", "SHARDCHANNELS"],
        &bulk_array(&["items", "orders"]),
    );
    c.roundtrip(&["PUBSUB", "SHARDCHANNELS", "i*"], &bulk_array(&["items"]));
    c.roundtrip(&["PUBSUB", "CHANNELS"], &bulk_array(&["orders"]));
    c.roundtrip(
        &["PUBSUB", "SHARDNUMSUB", "orders", "x"],
        b"*4\r\n$6\r\norders\r\n:1\r\n$1\r\nx\r\n:0\r\n",
    );
    c.cmd(&["INFO", "stats"]);
    let stats = String::from_utf8(c.reply()).expect("utf8");
    assert!(stats.contains("pubsubshard_channels:2\r\n"), "{stats}");
    c.cmd(&["CLIENT", "LIST"]);
    let list = String::from_utf8(c.reply()).expect("utf8");
    assert!(list.contains(" sub=1 psub=0 ssub=2 "), "{list}");

    // RESP2 subscribed mode holds while any shard subscription is left.
    s.roundtrip(
        &["UNSUBSCRIBE"],
        b"*3\r\n$11\r\nunsubscribe\r\n$6\r\norders\r\n:0\r\n",
    );
    s.roundtrip(
        &["GET", "k"],
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
          RESET are allowed in this context\r\n",
    );
    s.cmd(&["SUNSUBSCRIBE"]);
    s.expect(b"*3\r\n$12\r\nsunsubscribe\r\n$5\r\nitems\r\n:1\r\n");
    s.expect(b"*3\r\n$12\r\nsunsubscribe\r\n$6\r\norders\r\n:0\r\n");
    s.roundtrip(
        &["SUNSUBSCRIBE"],
        b"*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n",
    );
    s.roundtrip(&["GET", "k"], b"$-1\r\n");
    c.roundtrip(&["PUBSUB", "SHARDCHANNELS"], b"*0\r\n");
}

#[test]
fn resp3_shard_subscribers_get_pushes_and_reset_leaves() {
    let server = Server::start(&[]);
    let mut s = resp3(&server);
    s.roundtrip(
        &["SSUBSCRIBE", "a"],
        b">3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n",
    );
    s.roundtrip(&["SPUBLISH", "a", "hi"], b":1\r\n");
    s.expect(b">3\r\n$8\r\nsmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
    s.roundtrip(&["RESET"], b"+RESET\r\n");
    let mut c: Raw = server.raw();
    c.roundtrip(&["SPUBLISH", "a", "x"], b":0\r\n");
    // Inside EXEC, SSUBSCRIBE is refused as Valkey refuses it to a "deny blocking" client.
    c.roundtrip(&["MULTI"], b"+OK\r\n");
    c.roundtrip(&["SSUBSCRIBE", "a"], b"+QUEUED\r\n");
    c.roundtrip(
        &["EXEC"],
        b"*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n",
    );
    // Shard channels sit where keys go, under a `not_key` key spec: COMMAND shows them, key
    // extraction skips them.
    c.roundtrip(
        &["COMMAND", "GETKEYS", "SPUBLISH", "ch", "m"],
        b"-ERR The command has no key arguments\r\n",
    );
    c.cmd(&["COMMAND", "INFO", "SSUBSCRIBE"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    assert!(info.contains(":1\r\n:-1\r\n:1\r\n"), "{info}");
    assert!(info.contains("+not_key\r\n"), "{info}");
}
