//! PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO, TIME, in RESP2 and RESP3.

use redis::Value;

use crate::support::Server;

#[test]
fn ping_echo_select_quit() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["PING"], b"+PONG\r\n");
    c.roundtrip(&["PING", "hi"], b"$2\r\nhi\r\n");
    c.roundtrip(
        &["PING", "a", "b"],
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    );
    c.roundtrip(&["ECHO", ""], b"$0\r\n\r\n");
    c.roundtrip(&["SELECT", "15"], b"+OK\r\n");
    c.roundtrip(&["SET", "k", "in15"], b"+OK\r\n");
    c.roundtrip(&["SELECT", "16"], b"-ERR DB index is out of range\r\n");
    c.roundtrip(
        &["SELECT", "x"],
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.roundtrip(&["SELECT", "0"], b"+OK\r\n");
    c.roundtrip(&["GET", "k"], b"$-1\r\n");
    c.roundtrip(&["SWAPDB", "0", "15"], b"+OK\r\n");
    c.roundtrip(&["GET", "k"], b"$4\r\nin15\r\n");
    c.cmd(&["QUIT"]);
    c.cmd(&["PING"]); // never answered: QUIT closes after its reply
    assert_eq!(c.until_closed(), b"+OK\r\n");
}

#[test]
fn hello_switches_protocol_and_reports_the_connection() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.cmd(&["CLIENT", "ID"]);
    let id = String::from_utf8(c.reply()).expect("utf8");
    let id = id.trim_start_matches(':').trim_end();
    let tail = format!(
        "$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n\
         $7\r\nmodules\r\n*0\r\n"
    );
    c.cmd(&["HELLO"]);
    let want2 = format!(
        "*14\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$7\r\nversion\r\n$5\r\n8.0.2\r\n$5\r\nproto\r\n:2\r\n{tail}"
    );
    c.expect(want2.as_bytes());
    c.cmd(&["HELLO", "3", "SETNAME", "a", "SETNAME", "b"]);
    let want3 = format!(
        "%7\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$7\r\nversion\r\n$5\r\n8.0.2\r\n$5\r\nproto\r\n:3\r\n{tail}"
    );
    c.expect(want3.as_bytes());
    c.roundtrip(&["CLIENT", "GETNAME"], b"$1\r\nb\r\n");
    c.roundtrip(&["GET", "missing"], b"_\r\n");
    c.roundtrip(
        &["HELLO", "4"],
        b"-NOPROTO unsupported protocol version\r\n",
    );
    c.roundtrip(
        &["HELLO", "x"],
        b"-ERR Protocol version is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &["HELLO", "3", "FOO"],
        b"-ERR Syntax error in HELLO option 'FOO'\r\n",
    );
    c.roundtrip(
        &["HELLO", "3", "SETNAME", "a b"],
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    // RESET goes back to RESP2, database 0, no name.
    c.roundtrip(&["SELECT", "3"], b"+OK\r\n");
    c.roundtrip(&["RESET"], b"+RESET\r\n");
    c.roundtrip(&["GET", "missing"], b"$-1\r\n");
    c.roundtrip(&["CLIENT", "GETNAME"], b"$-1\r\n");
}

#[test]
fn requirepass_gates_commands_until_auth() {
    let server = Server::start(&["--requirepass", "s3cret"]);
    let mut c = server.raw();
    c.roundtrip(&["GET", "k"], b"-NOAUTH Authentication required.\r\n");
    c.roundtrip(
        &["NOPE"],
        b"-ERR unknown command 'NOPE', with args beginning with: \r\n",
    );
    c.roundtrip(
        &["HELLO", "3"],
        b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the \
          HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and \
          select the RESP protocol version at the same time\r\n",
    );
    c.roundtrip(
        &["AUTH", "wrong"],
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.roundtrip(
        &["AUTH", "nobody", "s3cret"],
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.roundtrip(&["AUTH", "a", "b", "c"], b"-ERR syntax error\r\n");
    c.roundtrip(&["AUTH", "s3cret"], b"+OK\r\n");
    c.roundtrip(&["GET", "k"], b"$-1\r\n");
    // RESET forgets the authentication.
    c.roundtrip(&["RESET"], b"+RESET\r\n");
    c.roundtrip(&["PING"], b"-NOAUTH Authentication required.\r\n");

    let mut h = server.raw();
    h.cmd(&["HELLO", "3", "AUTH", "default", "s3cret"]);
    assert!(h.reply().starts_with(b"%7\r\n"));
    h.roundtrip(&["PING"], b"+PONG\r\n");

    // The redis crate authenticates through the URL.
    let client =
        redis::Client::open(format!("redis://:s3cret@127.0.0.1:{}/", server.port)).expect("client");
    let mut r = client.get_connection().expect("connect");
    let pong: String = redis::cmd("PING").query(&mut r).expect("ping");
    assert_eq!(pong, "PONG");
}

#[test]
fn auth_without_a_password_configured_is_refused() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["AUTH", "x"],
        b"-ERR AUTH <password> called without any password configured for the default user. \
          Are you sure your configuration is correct?\r\n",
    );
    c.roundtrip(&["AUTH", "default", "anything"], b"+OK\r\n");
}

#[test]
fn the_redis_crate_works_in_both_protocols() {
    let server = Server::start(&[]);
    for resp3 in [false, true] {
        let mut r = server.redis(resp3);
        let _: () = redis::cmd("SET")
            .arg("n")
            .arg(41)
            .query(&mut r)
            .expect("set");
        let n: i64 = redis::cmd("INCR").arg("n").query(&mut r).expect("incr");
        assert_eq!(n, 42);
        let hello: Value = redis::cmd("HELLO").query(&mut r).expect("hello");
        let proto = match hello {
            Value::Map(pairs) => pairs
                .into_iter()
                .find(|(k, _)| *k == Value::BulkString(b"proto".to_vec()))
                .map(|(_, v)| v),
            Value::Array(items) => items
                .chunks(2)
                .find(|kv| kv[0] == Value::BulkString(b"proto".to_vec()))
                .map(|kv| kv[1].clone()),
            other => panic!("HELLO answered {other:?}"),
        };
        assert_eq!(proto, Some(Value::Int(if resp3 { 3 } else { 2 })));
        let missing: Value = redis::cmd("GET").arg("nope").query(&mut r).expect("get");
        assert_eq!(missing, Value::Nil);
        let _: () = redis::cmd("DEL").arg("n").query(&mut r).expect("del");
    }
}

#[test]
fn time_is_now() {
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query(&mut r).expect("time");
    let now = std::time::UNIX_EPOCH.elapsed().expect("clock").as_secs();
    assert!(secs.abs_diff(now) <= 5, "TIME {secs} vs {now}");
    assert!(micros < 1_000_000);
}
