//! DEBUG: refused unless `enable-debug-command` allows it, then the subcommands clients and
//! test suites use, byte for byte as Valkey answers them.

use core::time::Duration;

use crate::support::{Raw, Server, eventually};

fn dbsize(c: &mut Raw) -> Vec<u8> {
    c.cmd(&["DBSIZE"]);
    c.reply()
}

#[test]
fn debug_is_refused_unless_enable_debug_command_allows_it() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["DEBUG", "HELP"],
        b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", \
          you can run it from a local connection, otherwise you need to set this option in the \
          configuration file, and then restart the server.\r\n",
    );
    c.roundtrip(
        &["CONFIG", "GET", "enable-debug-command"],
        b"*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n",
    );
    // Fixed at start, as in Valkey.
    c.cmd(&["CONFIG", "SET", "enable-debug-command", "yes"]);
    let refused = c.reply();
    assert!(
        refused.starts_with(b"-ERR CONFIG SET failed"),
        "{refused:?}"
    );

    // `local` lets this loopback client in.
    let local = Server::start(&["--enable-debug-command", "local"]);
    let mut c = local.raw();
    c.cmd(&["DEBUG", "HELP"]);
    let help = c.reply();
    assert!(help.starts_with(b"*25\r\n+DEBUG <subcommand>"), "{help:?}");
    c.roundtrip(&["DEBUG", "SLEEP", "0"], b"+OK\r\n");
}

#[test]
fn debug_protocol_answers_each_type_in_both_protocols() {
    let server = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    let resp2: &[(&str, &[u8])] = &[
        ("string", b"$11\r\nHello World\r\n"),
        ("integer", b":12345\r\n"),
        ("double", b"$5\r\n3.141\r\n"),
        (
            "bignum",
            b"$37\r\n1234567999999999999999999999999999999\r\n",
        ),
        ("null", b"$-1\r\n"),
        ("array", b"*3\r\n:0\r\n:1\r\n:2\r\n"),
        ("set", b"*3\r\n:0\r\n:1\r\n:2\r\n"),
        ("map", b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n"),
        (
            "attrib",
            b"$39\r\nSome real reply following the attribute\r\n",
        ),
        ("push", b"-ERR RESP2 is not supported by this command\r\n"),
        ("verbatim", b"$25\r\nThis is a verbatim\nstring\r\n"),
        ("true", b":1\r\n"),
        ("false", b":0\r\n"),
    ];
    for (kind, want) in resp2 {
        c.roundtrip(&["DEBUG", "PROTOCOL", kind], want);
    }
    c.roundtrip(
        &["DEBUG", "PROTOCOL", "nope"],
        b"-ERR Wrong protocol type name. Please use one of the following: \
          string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n",
    );

    c.cmd(&["HELLO", "3"]);
    c.reply();
    let resp3: &[(&str, &[u8])] = &[
        ("double", b",3.141\r\n"),
        ("bignum", b"(1234567999999999999999999999999999999\r\n"),
        ("null", b"_\r\n"),
        ("set", b"~3\r\n:0\r\n:1\r\n:2\r\n"),
        ("map", b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
        ("verbatim", b"=29\r\ntxt:This is a verbatim\nstring\r\n"),
        ("true", b"#t\r\n"),
        ("false", b"#f\r\n"),
    ];
    for (kind, want) in resp3 {
        c.roundtrip(&["DEBUG", "PROTOCOL", kind], want);
    }
    c.cmd(&["DEBUG", "PROTOCOL", "attrib"]);
    // The attribute, then the reply it annotates.
    c.expect(b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n");
    c.expect(b"$39\r\nSome real reply following the attribute\r\n");
    c.cmd(&["DEBUG", "PROTOCOL", "push"]);
    c.expect(b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n");
    c.expect(b"$40\r\nSome real reply following the push reply\r\n");
}

#[test]
fn debug_populate_object_error_and_log() {
    let server = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "key:7", "mine"], b"+OK\r\n");
    c.roundtrip(&["DEBUG", "POPULATE", "100"], b"+OK\r\n");
    assert_eq!(dbsize(&mut c), b":100\r\n");
    c.roundtrip(&["GET", "key:8"], b"$7\r\nvalue:8\r\n");
    c.roundtrip(&["GET", "key:7"], b"$4\r\nmine\r\n");
    c.roundtrip(&["DEBUG", "POPULATE", "2", "p", "10"], b"+OK\r\n");
    c.roundtrip(&["GET", "p:1"], b"$10\r\nvalue:1\0\0\0\r\n");
    c.roundtrip(&["DEBUG", "POPULATE", "1", "q", "3"], b"+OK\r\n");
    c.roundtrip(&["GET", "q:0"], b"$3\r\nval\r\n");
    c.roundtrip(
        &["DEBUG", "POPULATE", "-1"],
        b"-ERR value is out of range, must be positive\r\n",
    );
    c.roundtrip(
        &["DEBUG", "POPULATE", "x"],
        b"-ERR value is not an integer or out of range\r\n",
    );

    c.cmd(&["DEBUG", "OBJECT", "key:8"]);
    let line = String::from_utf8(c.reply()).expect("utf8");
    assert!(line.starts_with("+Value at:0x"), "{line}");
    assert!(line.contains(" refcount:1 encoding:embstr lru:"), "{line}");
    assert!(line.ends_with(" lru_seconds_idle:0\r\n"), "{line}");
    c.roundtrip(&["DEBUG", "OBJECT", "missing"], b"-ERR no such key\r\n");

    c.roundtrip(
        &["DEBUG", "ERROR", "WRONGTYPE made up"],
        b"-WRONGTYPE made up\r\n",
    );
    c.roundtrip(&["DEBUG", "LOG", "hello there"], b"+OK\r\n");
    server.wait_log("DEBUG LOG: hello there");
    c.roundtrip(
        &["DEBUG", "RELOAD"],
        b"-ERR DEBUG RELOAD is not supported by this server\r\n",
    );
    c.roundtrip(
        &["DEBUG", "SLEEP"],
        b"-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n",
    );
    c.roundtrip(
        &["DEBUG", "nothing"],
        b"-ERR unknown subcommand or wrong number of arguments for 'nothing'. Try DEBUG HELP.\r\n",
    );
}

#[test]
fn debug_set_active_expire_and_pause_cron_stop_the_timer_from_expiring() {
    let server = Server::start(&["--enable-debug-command", "yes", "--hz", "100"]);
    let mut c = server.raw();
    for (off, on) in [
        (
            ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
            ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
        ),
        (["DEBUG", "PAUSE-CRON", "1"], ["DEBUG", "PAUSE-CRON", "0"]),
    ] {
        c.roundtrip(&off, b"+OK\r\n");
        c.roundtrip(&["SET", "k", "v", "PX", "1"], b"+OK\r\n");
        // Thirty timer ticks later the key is still stored: nobody read it.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(dbsize(&mut c), b":1\r\n");
        c.roundtrip(&on, b"+OK\r\n");
        eventually("active expiry to delete the key", || {
            (dbsize(&mut c) == b":0\r\n").then_some(())
        });
    }
}
