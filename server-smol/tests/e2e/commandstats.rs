//! INFO commandstats and errorstats: calls, failures and refusals per command (subcommands as
//! `container|sub`), errors per code, `total_error_replies`, and CONFIG RESETSTAT.

use crate::support::{Raw, Server};

/// The INFO text of `sections`.
fn info(c: &mut Raw, sections: &[&str]) -> String {
    let mut args = vec!["INFO"];
    args.extend_from_slice(sections);
    c.cmd(&args);
    String::from_utf8(c.reply()).expect("utf8")
}

/// The value of `field` in an INFO text, if there.
fn field(text: &str, name: &str) -> Option<String> {
    text.split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(str::to_string)
}

/// `calls, rejected_calls, failed_calls` of `cmdstat_<name>`, checking usec_per_call.
fn counts(c: &mut Raw, name: &str) -> Option<(u64, u64, u64)> {
    let line = field(&info(c, &["commandstats"]), &format!("cmdstat_{name}"))?;
    let kv: Vec<(&str, &str)> = line
        .split(',')
        .map(|p| p.split_once('=').expect("key=value"))
        .collect();
    let keys: Vec<&str> = kv.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "calls",
            "usec",
            "usec_per_call",
            "rejected_calls",
            "failed_calls"
        ]
    );
    let num = |i: usize| kv[i].1.parse::<u64>().expect("number");
    let (calls, usec) = (num(0), num(1));
    let per_call = if calls == 0 {
        0.0
    } else {
        usec as f64 / calls as f64
    };
    assert_eq!(kv[2].1, format!("{per_call:.2}"));
    Some((calls, num(3), num(4)))
}

#[test]
fn calls_failures_and_refusals_are_counted_per_command() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
    c.roundtrip(&["GET", "k"], b"$1\r\nv\r\n");
    c.roundtrip(&["GET", "k"], b"$1\r\nv\r\n");
    c.cmd(&["INCR", "k"]);
    c.reply();
    c.cmd(&["LPUSH", "k", "x"]);
    c.reply();
    c.roundtrip(
        &["GET"],
        b"-ERR wrong number of arguments for 'get' command\r\n",
    );
    c.cmd(&["CLIENT", "LIST"]);
    c.reply();
    c.cmd(&["NOSUCHCOMMAND"]);
    c.reply();
    assert_eq!(counts(&mut c, "set"), Some((1, 0, 0)));
    assert_eq!(counts(&mut c, "get"), Some((2, 1, 0)));
    assert_eq!(
        counts(&mut c, "incr"),
        Some((0, 0, 1)).map(|(_, r, f)| (1, r, f))
    );
    assert_eq!(counts(&mut c, "lpush"), Some((1, 0, 1)));
    assert_eq!(counts(&mut c, "client|list"), Some((1, 0, 0)));
    assert_eq!(counts(&mut c, "nosuchcommand"), None);
    assert_eq!(
        counts(&mut c, "del"),
        None,
        "unused commands are not listed"
    );
    // INFO itself was counted after each INFO ran.
    assert_eq!(counts(&mut c, "info").map(|(calls, ..)| calls), Some(7));

    let errors = info(&mut c, &["errorstats"]);
    assert!(
        errors.ends_with(
            "\r\n# Errorstats\r\nerrorstat_ERR:count=3\r\nerrorstat_WRONGTYPE:count=1\r\n\r\n"
        ),
        "{errors}"
    );
    let stats = info(&mut c, &["stats"]);
    assert_eq!(field(&stats, "total_error_replies").as_deref(), Some("4"));

    // Inside EXEC the failing command fails, not EXEC.
    c.roundtrip(&["MULTI"], b"+OK\r\n");
    c.roundtrip(&["INCR", "k"], b"+QUEUED\r\n");
    c.roundtrip(
        &["EXEC"],
        b"*1\r\n-ERR value is not an integer or out of range\r\n",
    );
    assert_eq!(counts(&mut c, "exec"), Some((1, 0, 0)));
    assert_eq!(counts(&mut c, "incr"), Some((2, 0, 2)));

    c.roundtrip(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    let all = info(&mut c, &["commandstats", "errorstats"]);
    assert!(!all.contains("cmdstat_get"), "{all}");
    assert!(all.contains("cmdstat_config|resetstat:calls=1,"), "{all}");
    assert!(!all.contains("errorstat_"), "{all}");
    assert_eq!(
        field(&info(&mut c, &["stats"]), "total_error_replies").as_deref(),
        Some("0")
    );
}

#[test]
fn refusals_before_running_count_as_rejected() {
    let server = Server::start(&["--requirepass", "pw"]);
    let mut c = server.raw();
    c.roundtrip(&["GET", "k"], b"-NOAUTH Authentication required.\r\n");
    c.roundtrip(&["AUTH", "pw"], b"+OK\r\n");
    c.roundtrip(
        &["SUBSCRIBE", "ch"],
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    );
    c.cmd(&["SET", "k", "v"]);
    c.reply();
    c.roundtrip(&["RESET"], b"+RESET\r\n");
    c.roundtrip(&["AUTH", "pw"], b"+OK\r\n");
    assert_eq!(counts(&mut c, "get"), Some((0, 1, 0)));
    assert_eq!(counts(&mut c, "set"), Some((0, 1, 0)));
    let errors = info(&mut c, &["errorstats"]);
    assert!(errors.contains("errorstat_NOAUTH:count=1\r\n"), "{errors}");
    assert!(errors.contains("errorstat_ERR:count=1\r\n"), "{errors}");
}

#[test]
fn commandstats_is_not_a_default_section_but_errorstats_is() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["PING"], b"+PONG\r\n");
    for (sections, commands, errors) in [
        (&[][..], false, true),
        (&["default"][..], false, true),
        (&["all"][..], true, true),
        (&["everything"][..], true, true),
        (&["commandstats"][..], true, false),
        (&["server", "errorstats"][..], false, true),
    ] {
        let text = info(&mut c, sections);
        assert_eq!(
            text.contains("# Commandstats\r\n"),
            commands,
            "{sections:?}"
        );
        assert_eq!(text.contains("# Errorstats\r\n"), errors, "{sections:?}");
        if commands {
            assert!(text.contains("cmdstat_ping:calls=1,"), "{sections:?}");
        }
    }
}

#[test]
fn a_blocked_command_counts_once_when_unblocked_with_an_error() {
    let server = Server::start(&["--slowlog-log-slower-than", "0"]);
    let mut blocked = server.raw();
    blocked.cmd(&["CLIENT", "ID"]);
    let id = String::from_utf8(blocked.reply()).expect("utf8");
    let id = id.trim_start_matches(':').trim_end().to_string();
    blocked.cmd(&["BLPOP", "list", "0"]);
    let mut c = server.raw();
    crate::support::eventually("the client to block", || {
        field(&info(&mut c, &["clients"]), "blocked_clients")
            .filter(|n| n == "1")
            .map(|_| ())
    });
    assert_eq!(counts(&mut c, "blpop"), None, "not counted while blocked");
    c.roundtrip(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    c.roundtrip(&["CLIENT", "UNBLOCK", &id, "ERROR"], b":1\r\n");
    blocked.expect(b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    assert_eq!(counts(&mut c, "blpop"), Some((1, 0, 1)));
    let errors = info(&mut c, &["errorstats"]);
    assert!(
        errors.contains("errorstat_UNBLOCKED:count=1\r\n"),
        "{errors}"
    );
    assert_eq!(
        field(&info(&mut c, &["stats"]), "total_error_replies").as_deref(),
        Some("1")
    );
    c.cmd(&["SLOWLOG", "GET", "-1"]);
    let log = String::from_utf8(c.reply()).expect("utf8");
    assert_eq!(log.matches("$5\r\nBLPOP\r\n").count(), 1, "{log}");
}

#[test]
fn a_transaction_aborted_by_a_refused_command_fails_exec() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["MULTI"], b"+OK\r\n");
    c.roundtrip(
        &["SET"],
        b"-ERR wrong number of arguments for 'set' command\r\n",
    );
    c.roundtrip(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    assert_eq!(counts(&mut c, "set"), Some((0, 1, 0)));
    assert_eq!(counts(&mut c, "multi"), Some((1, 0, 0)));
    assert_eq!(counts(&mut c, "exec"), Some((1, 0, 1)));
    let errors = info(&mut c, &["errorstats"]);
    // In code order, as Valkey's radix tree keeps them.
    assert!(
        errors.contains("errorstat_ERR:count=1\r\nerrorstat_EXECABORT:count=1\r\n"),
        "{errors}"
    );
    assert_eq!(
        field(&info(&mut c, &["stats"]), "total_error_replies").as_deref(),
        Some("2")
    );
}

/// `usec` of `cmdstat_<name>`.
fn usec(c: &mut Raw, name: &str) -> u64 {
    let line = field(&info(c, &["commandstats"]), &format!("cmdstat_{name}")).expect("line");
    let usec = line.split(',').nth(1).expect("usec=");
    usec.strip_prefix("usec=")
        .expect("usec=")
        .parse()
        .expect("number")
}

#[test]
fn a_command_is_timed_from_its_own_burst_not_from_the_last_one() {
    // Within a pipelined burst a command's time runs from the end of the one before it; a new
    // burst starts afresh, so the idle time between two requests is never counted.
    let server = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    c.roundtrip(&["PING"], b"+PONG\r\n");
    std::thread::sleep(core::time::Duration::from_millis(300));
    c.roundtrip(&["PING"], b"+PONG\r\n");
    c.send(b"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
    c.expect(b"+PONG\r\n");
    c.expect(b"+PONG\r\n");
    assert!(usec(&mut c, "ping") < 100_000, "idle time counted");
    // DEBUG SLEEP's own time is counted.
    c.roundtrip(&["DEBUG", "SLEEP", "0.2"], b"+OK\r\n");
    assert!(usec(&mut c, "debug") >= 200_000);
}
