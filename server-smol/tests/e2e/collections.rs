//! Collections through the server: replies whose shape depends on the protocol.

use crate::support::Server;

#[test]
fn zrange_withscores_is_flat_in_resp2_and_pairs_of_doubles_in_resp3() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["ZADD", "z", "1.5", "a", "2", "b"], b":2\r\n");
    c.roundtrip(
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        b"*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    c.cmd(&["HELLO", "3"]);
    c.reply();
    c.roundtrip(
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        b"*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n",
    );
    c.roundtrip(&["ZSCORE", "z", "a"], b",1.5\r\n");
}

#[test]
fn hgetall_is_a_map_and_smembers_a_set_in_resp3() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["HSET", "h", "f", "v"], b":1\r\n");
    c.roundtrip(&["SADD", "s", "m"], b":1\r\n");
    c.roundtrip(&["HGETALL", "h"], b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
    c.roundtrip(&["SMEMBERS", "s"], b"*1\r\n$1\r\nm\r\n");
    c.cmd(&["HELLO", "3"]);
    c.reply();
    c.roundtrip(&["HGETALL", "h"], b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
    c.roundtrip(&["SMEMBERS", "s"], b"~1\r\n$1\r\nm\r\n");
    c.roundtrip(
        &["HRANDFIELD", "h", "1", "WITHVALUES"],
        b"*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
    );
    c.roundtrip(
        &["GET", "h"],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
}
