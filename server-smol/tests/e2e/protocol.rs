//! The wire: pipelining, inline commands, protocol errors, bad clients, input limits.

use crate::support::{Server, eventually};

#[test]
fn pipelined_requests_get_replies_in_order() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.send(
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n\
          *2\r\n$4\r\nINCR\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n",
    );
    c.expect(b"+OK\r\n");
    c.expect(b"$2\r\nv1\r\n");
    c.expect(b"-ERR value is not an integer or out of range\r\n");
    c.expect(b"+PONG\r\n");

    // A request split across writes is answered once it is whole.
    c.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nhel");
    c.send(b"lo\r\n*1\r\n$4\r\nPI");
    c.send(b"NG\r\n");
    c.expect(b"$5\r\nhello\r\n");
    c.expect(b"+PONG\r\n");
}

#[test]
fn inline_commands_use_sdssplitargs_rules() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.send(b"PING\r\n\r\n   \nSET a \"b c\\x21\"\nGET a\r\nECHO 'it\\'s'\r\n");
    c.expect(b"+PONG\r\n");
    c.expect(b"+OK\r\n");
    c.expect(b"$4\r\nb c!\r\n");
    c.expect(b"$4\r\nit's\r\n");
}

#[test]
fn protocol_errors_reply_then_close() {
    let cases: &[(&[u8], &[u8])] = &[
        (
            b"*1\r\n$-5\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*abc\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\nfoo\r\n",
            b"-ERR Protocol error: expected '$', got 'f'\r\n",
        ),
        (
            b"SET \"a\r\n",
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
    ];
    let server = Server::start(&[]);
    for (input, reply) in cases {
        let mut c = server.raw();
        c.send(b"PING\r\n");
        c.send(input);
        let got = c.until_closed();
        let mut want = b"+PONG\r\n".to_vec();
        want.extend_from_slice(reply);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }
}

#[test]
fn a_client_sending_garbage_does_not_affect_another() {
    let server = Server::start(&[]);
    let mut good = server.raw();
    good.roundtrip(&["SET", "stays", "1"], b"+OK\r\n");
    for _ in 0..20 {
        let mut bad = server.raw();
        bad.send(b"*2\r\n$3\r\nGET\r\n\x00\xff$$$\r\n\r\n*-1\r\n");
        let got = bad.until_closed();
        assert!(
            got.starts_with(b"-ERR Protocol error: expected '$', got '"),
            "{got:?}"
        );
    }
    good.roundtrip(&["GET", "stays"], b"$1\r\n1\r\n");
    good.roundtrip(&["DBSIZE"], b":1\r\n");
}

#[test]
fn http_requests_are_dropped_without_a_reply() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.send(b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(c.until_closed(), b"");
    server.wait_log("Possible SECURITY ATTACK detected");
}

#[test]
fn unknown_commands_and_wrong_arity_use_valkeys_texts() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["NOPE", "a", "b c"],
        b"-ERR unknown command 'NOPE', with args beginning with: 'a' 'b c' \r\n",
    );
    c.roundtrip(
        &["GET"],
        b"-ERR wrong number of arguments for 'get' command\r\n",
    );
    c.roundtrip(
        &["CLIENT"],
        b"-ERR wrong number of arguments for 'client' command\r\n",
    );
    c.roundtrip(
        &["CLIENT", "NOPE"],
        b"-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n",
    );
    c.roundtrip(
        &["CLIENT", "SETNAME"],
        b"-ERR wrong number of arguments for 'client|setname' command\r\n",
    );
}

#[test]
fn unauthenticated_clients_get_the_small_limits() {
    let server = Server::start(&["--requirepass", "pw"]);
    let mut c = server.raw();
    c.send(b"*11\r\n");
    assert_eq!(
        c.until_closed(),
        b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    );
    let mut c = server.raw();
    c.send(b"*1\r\n$16385\r\n");
    assert_eq!(
        c.until_closed(),
        b"-ERR Protocol error: unauthenticated bulk length\r\n"
    );
}

#[test]
fn the_query_buffer_limit_closes_only_the_offender() {
    let server = Server::start(&["--client-query-buffer-limit", "1mb"]);
    let mut watcher = server.raw();
    watcher.roundtrip(&["PING"], b"+PONG\r\n");
    let mut big = server.raw();
    big.send(b"*2\r\n$4\r\nECHO\r\n$3000000\r\n");
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..20 {
        big.send(&chunk);
    }
    assert_eq!(big.until_closed(), b"");
    eventually("the disconnection to be counted", || {
        watcher.cmd(&["INFO", "stats"]);
        let info = String::from_utf8_lossy(&watcher.reply()).into_owned();
        info.contains("client_query_buffer_limit_disconnections:1\r\n")
            .then_some(())
    });
    watcher.roundtrip(&["PING"], b"+PONG\r\n");
}
