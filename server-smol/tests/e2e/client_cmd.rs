//! The CLIENT family.

use redis::Value;

use crate::support::{Server, eventually};

/// `key=value` fields of one CLIENT LIST / CLIENT INFO line.
fn fields(line: &str) -> Vec<(String, String)> {
    line.trim_end()
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn field(line: &str, key: &str) -> String {
    fields(line)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key} in {line}"))
}

#[test]
fn id_name_and_setinfo() {
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    let id: i64 = redis::cmd("CLIENT").arg("ID").query(&mut r).expect("id");
    assert!(id >= 1);
    let name: Option<String> = redis::cmd("CLIENT")
        .arg("GETNAME")
        .query(&mut r)
        .expect("getname");
    assert_eq!(name, None);
    let _: () = redis::cmd("CLIENT")
        .arg("SETNAME")
        .arg("worker-1")
        .query(&mut r)
        .expect("setname");
    let name: String = redis::cmd("CLIENT")
        .arg("GETNAME")
        .query(&mut r)
        .expect("getname");
    assert_eq!(name, "worker-1");
    let err = redis::cmd("CLIENT")
        .arg("SETNAME")
        .arg("bad name")
        .query::<()>(&mut r)
        .expect_err("space in name");
    assert_eq!(
        err.detail(),
        Some("Client names cannot contain spaces, newlines or special characters.")
    );

    let mut c = server.raw();
    c.roundtrip(&["CLIENT", "SETINFO", "LIB-NAME", "mylib"], b"+OK\r\n");
    c.roundtrip(&["CLIENT", "SETINFO", "lib-ver", "1.2"], b"+OK\r\n");
    c.roundtrip(
        &["CLIENT", "SETINFO", "foo", "x"],
        b"-ERR Unrecognized option 'foo'\r\n",
    );
    c.roundtrip(
        &["CLIENT", "SETINFO", "LIB-VER", "a b"],
        b"-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n",
    );
    c.cmd(&["CLIENT", "INFO"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    let line = info.split("\r\n").nth(1).expect("bulk body");
    assert_eq!(field(line, "lib-name"), "mylib");
    assert_eq!(field(line, "lib-ver"), "1.2");
    assert_eq!(field(line, "cmd"), "client|info");
    // RESET keeps lib-name and lib-ver.
    c.roundtrip(&["RESET"], b"+RESET\r\n");
    c.cmd(&["CLIENT", "INFO"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    assert!(info.contains(" lib-name=mylib lib-ver=1.2 "), "{info}");
}

#[test]
fn list_shows_every_client_in_order_with_valkeys_fields() {
    let server = Server::start(&[]);
    let mut a = server.raw();
    a.roundtrip(&["CLIENT", "SETNAME", "first"], b"+OK\r\n");
    let mut r = server.redis(true);
    let list: Value = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut r)
        .expect("list");
    let text = match list {
        Value::VerbatimString { text, .. } => text,
        other => panic!("CLIENT LIST in RESP3 is a verbatim string, got {other:?}"),
    };
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(field(lines[0], "name"), "first");
    assert_eq!(field(lines[1], "resp"), "3");
    assert_eq!(field(lines[1], "lib-name"), "redis-rs");
    let keys: Vec<String> = fields(lines[0]).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "id",
            "addr",
            "laddr",
            "fd",
            "name",
            "age",
            "idle",
            "flags",
            "db",
            "sub",
            "psub",
            "ssub",
            "multi",
            "watch",
            "qbuf",
            "qbuf-free",
            "argv-mem",
            "multi-mem",
            "rbs",
            "rbp",
            "obl",
            "oll",
            "omem",
            "tot-mem",
            "events",
            "cmd",
            "user",
            "redir",
            "resp",
            "lib-name",
            "lib-ver",
            "tot-net-in",
            "tot-net-out",
            "tot-cmds"
        ]
    );
    let first_id = field(lines[0], "id");
    let by_id: String = redis::cmd("CLIENT")
        .arg("LIST")
        .arg("ID")
        .arg(&first_id)
        .arg("999999")
        .query(&mut r)
        .expect("list id");
    assert_eq!(by_id.lines().count(), 1);
    let normal: String = redis::cmd("CLIENT")
        .arg("LIST")
        .arg("TYPE")
        .arg("normal")
        .query(&mut r)
        .expect("type");
    assert_eq!(normal.lines().count(), 2);
    let pubsub: String = redis::cmd("CLIENT")
        .arg("LIST")
        .arg("TYPE")
        .arg("pubsub")
        .query(&mut r)
        .expect("type");
    assert_eq!(pubsub, "");

    let mut c = server.raw();
    c.roundtrip(
        &["CLIENT", "LIST", "TYPE", "foo"],
        b"-ERR Unknown client type 'foo'\r\n",
    );
    c.roundtrip(
        &["CLIENT", "LIST", "ID", "x"],
        b"-ERR Invalid client ID\r\n",
    );
    c.roundtrip(&["CLIENT", "LIST", "ID"], b"-ERR syntax error\r\n");
}

#[test]
fn kill_by_address_id_and_filters() {
    let server = Server::start(&[]);
    let mut victim = server.raw();
    victim.cmd(&["CLIENT", "INFO"]);
    let info = String::from_utf8(victim.reply()).expect("utf8");
    let line = info.split("\r\n").nth(1).expect("body").to_string();
    let (addr, id) = (field(&line, "addr"), field(&line, "id"));

    let mut admin = server.raw();
    admin.roundtrip(&["CLIENT", "KILL", "1.2.3.4:5"], b"-ERR No such client\r\n");
    admin.roundtrip(&["CLIENT", "KILL", "ID"], b"-ERR No such client\r\n");
    admin.roundtrip(&["CLIENT", "KILL", "ADDR", &addr], b":1\r\n");
    assert_eq!(victim.until_closed(), b"");

    admin.roundtrip(&["CLIENT", "KILL", "ID", &id], b":0\r\n");
    admin.roundtrip(
        &["CLIENT", "KILL", "ID", "0"],
        b"-ERR client-id should be greater than 0\r\n",
    );
    admin.roundtrip(
        &["CLIENT", "KILL", "MAXAGE", "0"],
        b"-ERR maxage should be greater than 0\r\n",
    );
    admin.roundtrip(
        &["CLIENT", "KILL", "TYPE", "bogus"],
        b"-ERR Unknown client type 'bogus'\r\n",
    );
    admin.roundtrip(
        &["CLIENT", "KILL", "USER", "nobody"],
        b"-ERR No such user 'nobody'\r\n",
    );
    admin.roundtrip(
        &["CLIENT", "KILL", "SKIPME", "maybe"],
        b"-ERR syntax error\r\n",
    );
    admin.roundtrip(
        &["CLIENT", "KILL", "ID", "1", "LADDR"],
        b"-ERR syntax error\r\n",
    );

    // Everyone but the caller (SKIPME defaults to yes), then the caller itself.
    let mut others: Vec<_> = (0..3).map(|_| server.raw()).collect();
    for o in &mut others {
        o.roundtrip(&["PING"], b"+PONG\r\n");
    }
    admin.roundtrip(&["CLIENT", "KILL", "TYPE", "normal"], b":3\r\n");
    for o in &mut others {
        assert_eq!(o.until_closed(), b"");
    }
    admin.cmd(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"]);
    assert_eq!(admin.until_closed(), b":1\r\n");
    let mut r = server.redis(false);
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut r)
        .expect("list");
    assert_eq!(list.lines().count(), 1, "{list}");
}

#[test]
fn reply_off_and_skip_silence_replies() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.cmd(&["CLIENT", "REPLY", "OFF"]);
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["GET", "nope", "extra"]);
    c.cmd(&["CLIENT", "REPLY", "ON"]);
    c.expect(b"+OK\r\n");
    c.cmd(&["CLIENT", "REPLY", "SKIP"]);
    c.cmd(&["INCR", "a"]);
    c.cmd(&["INCR", "a"]);
    c.expect(b":3\r\n");
    c.roundtrip(&["CLIENT", "REPLY", "MAYBE"], b"-ERR syntax error\r\n");
}

#[test]
fn unblock_no_evict_no_touch_help() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["CLIENT", "UNBLOCK", "1"], b":0\r\n");
    c.roundtrip(
        &["CLIENT", "UNBLOCK", "1", "SOON"],
        b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    );
    c.roundtrip(
        &["CLIENT", "UNBLOCK", "x"],
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &["CLIENT", "UNBLOCK", "1", "2", "3"],
        b"-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n",
    );
    c.roundtrip(&["CLIENT", "NO-EVICT", "on"], b"+OK\r\n");
    c.roundtrip(&["CLIENT", "NO-TOUCH", "ON"], b"+OK\r\n");
    c.roundtrip(&["CLIENT", "NO-TOUCH", "x"], b"-ERR syntax error\r\n");
    c.cmd(&["CLIENT", "INFO"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    assert!(info.contains(" flags=eT "), "{info}");
    c.cmd(&["CLIENT", "HELP"]);
    let help = String::from_utf8(c.reply()).expect("utf8");
    assert!(help.starts_with(
        "*62\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n\
         +CACHING (YES|NO)\r\n\
         +    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.\r\n\
         +CAPA <option> [options...]\r\n"
    ));
    assert!(help.ends_with("+HELP\r\n+    Print this help.\r\n"));
}

#[test]
fn disconnected_clients_leave_the_list() {
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    {
        let mut gone = server.raw();
        gone.roundtrip(&["PING"], b"+PONG\r\n");
    }
    eventually("the closed client to leave CLIENT LIST", || {
        let list: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query(&mut r)
            .expect("list");
        (list.lines().count() == 1).then_some(())
    });
}
