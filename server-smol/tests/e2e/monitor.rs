//! MONITOR: every command another client runs, in Valkey's format; admin commands hidden,
//! credentials redacted, a transaction's commands before its EXEC, a blocked command once.

use crate::support::{Raw, Server};

const OK: &[u8] = b"+OK\r\n";

/// The next monitor line without its timestamp: `[db addr] "arg" ...`.
fn next_line(m: &mut Raw) -> String {
    let line = String::from_utf8(m.reply()).expect("utf8");
    let (stamp, rest) = line
        .strip_prefix('+')
        .and_then(|l| l.split_once(' '))
        .unwrap_or_else(|| panic!("not a monitor line: {line:?}"));
    let (secs, micros) = stamp.split_once('.').expect("sec.usec");
    assert!(secs.parse::<u64>().is_ok() && micros.len() == 6, "{stamp}");
    rest.trim_end().to_string()
}

/// `127.0.0.1:port` of a connection, from its CLIENT INFO.
fn addr_of(c: &mut Raw) -> String {
    c.cmd(&["CLIENT", "INFO"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    info.split(' ')
        .find_map(|kv| kv.strip_prefix("addr="))
        .expect("addr")
        .to_string()
}

#[test]
fn a_monitor_sees_what_other_clients_run_as_valkey_prints_it() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let addr = addr_of(&mut c);
    // CLIENT INFO is not an admin command: it shows, so it ran before monitoring began.
    let mut m = server.raw();
    m.roundtrip(&["MONITOR"], OK);
    c.roundtrip(&["SET", "a b", "x\"y\n"], OK);
    assert_eq!(
        next_line(&mut m),
        format!("[0 {addr}] \"SET\" \"a b\" \"x\\\"y\\n\"")
    );
    // Admin commands (CONFIG, CLIENT) are not shown; AUTH's arguments are redacted.
    c.cmd(&["CONFIG", "GET", "hz"]);
    c.reply();
    c.cmd(&["AUTH", "user", "secret"]);
    c.reply();
    assert_eq!(
        next_line(&mut m),
        format!("[0 {addr}] \"AUTH\" \"(redacted)\" \"(redacted)\"")
    );
    // A transaction: MULTI, then its commands as EXEC runs them, then EXEC.
    c.roundtrip(&["SELECT", "2"], OK);
    assert_eq!(next_line(&mut m), format!("[2 {addr}] \"SELECT\" \"2\""));
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["INCR", "n"], b"+QUEUED\r\n");
    c.roundtrip(&["EXEC"], b"*1\r\n:1\r\n");
    for want in ["\"MULTI\"", "\"INCR\" \"n\"", "\"EXEC\""] {
        assert_eq!(next_line(&mut m), format!("[2 {addr}] {want}"));
    }
    // The monitor is flagged O (CLIENT LIST is an admin command: not shown); MONITOR inside
    // a transaction is refused at EXEC.
    c.cmd(&["CLIENT", "LIST"]);
    let list = String::from_utf8(c.reply()).expect("utf8");
    assert!(list.contains(" flags=O "), "{list}");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["MONITOR"], b"+QUEUED\r\n");
    c.roundtrip(
        &["EXEC"],
        b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
    );
    assert_eq!(next_line(&mut m), format!("[2 {addr}] \"MULTI\""));
    assert_eq!(next_line(&mut m), format!("[2 {addr}] \"EXEC\""));
}

#[test]
fn a_blocked_command_shows_once_and_reset_ends_monitoring() {
    let server = Server::start(&[]);
    let mut b = server.raw();
    let b_addr = addr_of(&mut b);
    let mut c = server.raw();
    let c_addr = addr_of(&mut c);
    let mut m = server.raw();
    m.roundtrip(&["MONITOR"], OK);
    b.cmd(&["BLPOP", "q", "0"]);
    assert_eq!(
        next_line(&mut m),
        format!("[0 {b_addr}] \"BLPOP\" \"q\" \"0\"")
    );
    c.roundtrip(&["RPUSH", "q", "x"], b":1\r\n");
    b.expect(b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    assert_eq!(
        next_line(&mut m),
        format!("[0 {c_addr}] \"RPUSH\" \"q\" \"x\"")
    );
    // RESET leaves monitor mode: nothing more arrives, the connection answers normally.
    m.roundtrip(&["RESET"], b"+RESET\r\n");
    c.roundtrip(&["PING"], b"+PONG\r\n");
    m.roundtrip(&["PING"], b"+PONG\r\n");
}
