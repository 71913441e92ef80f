//! SLOWLOG with `slowlog-log-slower-than` 0 (everything) and -1 (nothing): entries newest
//! first with id, time, duration, arguments (shortened, credentials redacted), address and
//! name; `slowlog-max-len`; blocked commands logged once served; EXEC left out.

use redis::{Connection, Value};

use crate::support::{Raw, Server, eventually};

/// One SLOWLOG GET entry.
#[derive(Debug)]
struct Logged {
    id: i64,
    time: i64,
    args: Vec<String>,
    addr: String,
    name: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("not a bulk string: {other:?}"),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not an integer: {other:?}"),
    }
}

/// SLOWLOG GET `count` (all with -1), parsed.
fn slowlog(c: &mut Connection, count: i64) -> Vec<Logged> {
    let v: Value = redis::cmd("SLOWLOG")
        .arg("GET")
        .arg(count)
        .query(c)
        .expect("slowlog get");
    let Value::Array(entries) = v else {
        panic!("not an array: {v:?}")
    };
    entries
        .iter()
        .map(|e| {
            let Value::Array(f) = e else {
                panic!("entry {e:?}")
            };
            assert_eq!(f.len(), 6);
            assert!(int(&f[2]) >= 0);
            let Value::Array(args) = &f[3] else {
                panic!("args {f:?}")
            };
            Logged {
                id: int(&f[0]),
                time: int(&f[1]),
                args: args.iter().map(text).collect(),
                addr: text(&f[4]),
                name: text(&f[5]),
            }
        })
        .collect()
}

/// The argument lists of the entries, joined by spaces.
fn commands(c: &mut Connection) -> Vec<String> {
    slowlog(c, -1).iter().map(|e| e.args.join(" ")).collect()
}

fn run(c: &mut Connection, args: &[&str]) -> Value {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(c).unwrap_or(Value::Nil)
}

#[test]
fn every_command_is_logged_newest_first_with_its_client() {
    let server = Server::start(&["--slowlog-log-slower-than", "0"]);
    let mut c = server.redis(false);
    run(&mut c, &["SLOWLOG", "RESET"]);
    run(&mut c, &["CLIENT", "SETNAME", "logger"]);
    run(&mut c, &["SET", "k", "v"]);
    let got = slowlog(&mut c, 10);
    assert_eq!(got.len(), 3, "{got:?}");
    let args: Vec<String> = got.iter().map(|e| e.args.join(" ")).collect();
    assert_eq!(args, ["SET k v", "CLIENT SETNAME logger", "SLOWLOG RESET"]);
    assert_eq!(got[0].id, got[1].id + 1);
    assert_eq!(got[1].id, got[2].id + 1);
    let (now, _): (i64, i64) = redis::cmd("TIME").query(&mut c).expect("time");
    assert!((0..=5).contains(&(now - got[0].time)), "{}", got[0].time);
    assert_eq!(got[0].name, "logger");
    assert_eq!(got[2].name, "");
    let info: String = redis::cmd("CLIENT")
        .arg("INFO")
        .query(&mut c)
        .expect("client info");
    assert!(
        info.contains(&format!("addr={} ", got[0].addr)),
        "{info} / {}",
        got[0].addr
    );

    // GET's count; LEN; RESET (logged itself).
    assert_eq!(slowlog(&mut c, 1).len(), 1);
    assert_eq!(slowlog(&mut c, 0).len(), 0);
    assert_eq!(run(&mut c, &["SLOWLOG", "LEN"]), Value::Int(8));
    run(&mut c, &["SLOWLOG", "RESET"]);
    assert_eq!(run(&mut c, &["SLOWLOG", "LEN"]), Value::Int(1));
}

#[test]
fn the_settings_bound_what_is_kept() {
    let server = Server::start(&["--slowlog-log-slower-than", "-1"]);
    let mut c = server.redis(false);
    for _ in 0..5 {
        run(&mut c, &["PING"]);
    }
    assert_eq!(run(&mut c, &["SLOWLOG", "LEN"]), Value::Int(0));
    run(
        &mut c,
        &[
            "CONFIG",
            "SET",
            "slowlog-log-slower-than",
            "0",
            "slowlog-max-len",
            "3",
        ],
    );
    for i in 0..5 {
        run(&mut c, &["SET", "k", &i.to_string()]);
    }
    assert_eq!(
        commands(&mut c),
        ["SET k 4", "SET k 3", "SET k 2"],
        "three newest kept"
    );
    // Max length 0 logs nothing more (and, as in Valkey, trims nothing either).
    run(&mut c, &["CONFIG", "SET", "slowlog-max-len", "0"]);
    run(&mut c, &["PING"]);
    assert_eq!(commands(&mut c), ["SLOWLOG GET -1", "SET k 4", "SET k 3"]);
    run(&mut c, &["SLOWLOG", "RESET"]);
    run(&mut c, &["PING"]);
    assert_eq!(run(&mut c, &["SLOWLOG", "LEN"]), Value::Int(0));
    let mut raw = Raw::connect(server.port);
    raw.roundtrip(
        &["CONFIG", "GET", "slowlog-*"],
        b"*4\r\n$23\r\nslowlog-log-slower-than\r\n$1\r\n0\r\n$15\r\nslowlog-max-len\r\n$1\r\n0\r\n",
    );
    raw.roundtrip(
        &["CONFIG", "SET", "slowlog-log-slower-than", "-2"],
        b"-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - \
          argument must be between -1 and 9223372036854775807 inclusive\r\n",
    );
}

#[test]
fn long_commands_are_shortened_and_credentials_redacted() {
    let server = Server::start(&["--slowlog-log-slower-than", "0"]);
    let mut c = server.redis(false);
    run(&mut c, &["SLOWLOG", "RESET"]);
    let members: Vec<String> = (0..40).map(|i| format!("m{i}")).collect();
    let mut sadd = vec!["SADD", "s"];
    sadd.extend(members.iter().map(String::as_str));
    run(&mut c, &sadd);
    let long = "x".repeat(200);
    run(&mut c, &["SET", "k", &long]);
    run(&mut c, &["AUTH", "secret"]);
    run(
        &mut c,
        &["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n"],
    );
    run(
        &mut c,
        &["CONFIG", "SET", "hz", "10", "requirepass", "hunter2"],
    );
    let got = slowlog(&mut c, -1);
    let config = &got[0].args;
    assert_eq!(
        config,
        &["CONFIG", "SET", "hz", "10", "requirepass", "(redacted)"]
    );
    assert_eq!(
        got[1].args,
        [
            "HELLO",
            "2",
            "AUTH",
            "(redacted)",
            "(redacted)",
            "SETNAME",
            "n"
        ]
    );
    assert_eq!(got[2].args, ["AUTH", "(redacted)"]);
    assert_eq!(
        got[3].args[2],
        format!("{}... (72 more bytes)", "x".repeat(128))
    );
    let sadd = &got[4].args;
    assert_eq!(sadd.len(), 32);
    assert_eq!(sadd[30], "m28");
    assert_eq!(sadd[31], "... (11 more arguments)");
}

#[test]
fn blocked_commands_are_logged_once_served_and_exec_not_at_all() {
    let server = Server::start(&["--slowlog-log-slower-than", "0"]);
    let mut c = server.redis(false);
    run(&mut c, &["SLOWLOG", "RESET"]);
    let mut blocked = Raw::connect(server.port);
    blocked.cmd(&["BLPOP", "list", "0"]);
    eventually("the client to block", || {
        let info: String = redis::cmd("INFO").arg("clients").query(&mut c).ok()?;
        info.contains("blocked_clients:1").then_some(())
    });
    assert!(!commands(&mut c).iter().any(|a| a.starts_with("BLPOP")));
    run(&mut c, &["RPUSH", "list", "a"]);
    blocked.expect(b"*2\r\n$4\r\nlist\r\n$1\r\na\r\n");
    let logged = commands(&mut c);
    assert_eq!(
        logged.iter().filter(|a| a.starts_with("BLPOP")).count(),
        1,
        "{logged:?}"
    );

    run(&mut c, &["SLOWLOG", "RESET"]);
    let mut t = Raw::connect(server.port);
    t.roundtrip(&["MULTI"], b"+OK\r\n");
    t.roundtrip(&["INCR", "n"], b"+QUEUED\r\n");
    t.roundtrip(&["EXEC"], b"*1\r\n:1\r\n");
    assert_eq!(commands(&mut c), ["INCR n", "MULTI", "SLOWLOG RESET"]);
}

#[test]
fn bad_arguments_get_valkeys_errors() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    for bad in ["-2", "abc", "+1"] {
        c.roundtrip(
            &["SLOWLOG", "GET", bad],
            b"-ERR count should be greater than or equal to -1\r\n",
        );
    }
    c.roundtrip(
        &["SLOWLOG", "get", "1", "2"],
        b"-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n",
    );
    c.roundtrip(
        &["SLOWLOG", "LEN", "x"],
        b"-ERR wrong number of arguments for 'slowlog|len' command\r\n",
    );
    c.cmd(&["SLOWLOG", "HELP"]);
    let help = String::from_utf8(c.reply()).expect("utf8");
    assert!(help.starts_with(
        "*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n"
    ));
    // The default threshold (10 ms) keeps quick commands out.
    c.roundtrip(&["SLOWLOG", "LEN"], b":0\r\n");
}

#[test]
fn the_settings_come_from_the_file_and_follow_a_reload() {
    use crate::reload::{Scratch, config_get, sighup};
    let dir = Scratch::new("slowlog");
    let path = dir.write(
        "s.conf",
        "port 0\nslowlog-log-slower-than -1\nslowlog-max-len 2\n",
    );
    let server = Server::start_exact(&[&path]);
    let mut raw = Raw::connect(server.port);
    raw.roundtrip(&["PING"], b"+PONG\r\n");
    raw.roundtrip(&["SLOWLOG", "LEN"], b":0\r\n");
    std::fs::write(
        &path,
        "port 0\nslowlog-log-slower-than 0\nslowlog-max-len 2\n",
    )
    .expect("write");
    sighup(&server);
    server.wait_log("Config reloaded");
    assert!(config_get(&mut raw, "slowlog-log-slower-than").ends_with("$1\r\n0\r\n"));
    for _ in 0..3 {
        raw.roundtrip(&["PING"], b"+PONG\r\n");
    }
    raw.roundtrip(&["SLOWLOG", "LEN"], b":2\r\n");
    raw.roundtrip(&["CONFIG", "SET", "slowlog-max-len", "7"], b"+OK\r\n");
    raw.roundtrip(&["CONFIG", "REWRITE"], b"+OK\r\n");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("slowlog-max-len 7\n"), "{text}");
}
