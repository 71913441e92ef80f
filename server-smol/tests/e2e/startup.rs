//! Running the binary: config files, command-line options, refusals, limits, signals.

use std::path::PathBuf;

use crate::support::{Server, eventually};

/// A scratch directory for this test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("server-smol-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        Self(dir)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_config_file_with_includes_and_options_is_applied() {
    let dir = Scratch::new("conf");
    dir.file("extra.conf", "maxclients 123\n");
    let main = dir.file(
        "main.conf",
        &format!(
            "# comment\nhz 25\n  timeout 60  \nrequirepass \"p w\"\ninclude {}/extra.conf\n\
             proto-max-bulk-len 2mb\n",
            dir.0.display()
        ),
    );
    let server = Server::start(&[&main, "--timeout", "7"]);
    let mut c = server.raw();
    c.roundtrip(&["AUTH", "p w"], b"+OK\r\n");
    c.cmd(&[
        "CONFIG",
        "GET",
        "hz",
        "timeout",
        "maxclients",
        "proto-max-bulk-len",
    ]);
    let got = String::from_utf8(c.reply()).expect("utf8");
    for want in [
        "$2\r\nhz\r\n$2\r\n25\r\n",
        "$7\r\ntimeout\r\n$1\r\n7\r\n",
        "$3\r\n123\r\n",
        "$7\r\n2097152\r\n",
    ] {
        assert!(got.contains(want), "{want:?} not in {got:?}");
    }
    c.cmd(&["INFO", "server"]);
    let info = String::from_utf8(c.reply()).expect("utf8");
    assert!(info.contains(&format!(
        "config_file:{}",
        std::fs::canonicalize(&main).expect("path").display()
    )));
}

#[test]
fn a_bad_config_refuses_to_start_naming_line_and_reason() {
    let dir = Scratch::new("bad");
    let bad = dir.file("bad.conf", "port 7000\n\nmaxmemory-policy-typo 1\n");
    let r = Server::refuse(&[&bad]);
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(
        r.stderr,
        format!(
            "\n*** FATAL CONFIG FILE ERROR (Version 8.0.2) ***\nReading the configuration file, at \
             line 3 of {bad}\n>>> 'maxmemory-policy-typo 1'\nBad directive or wrong number of \
             arguments\n"
        )
    );
    let r = Server::refuse(&["--port", "99999"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        r.stderr
            .contains(">>> 'port 99999'\nargument must be between 0 and 65535 inclusive\n"),
        "{}",
        r.stderr
    );
    let r = Server::refuse(&["--loglevel", "loud"]);
    assert!(r.stderr.ends_with(
        "argument(s) must be one of the following: debug, verbose, notice, warning, nothing\n"
    ));
    let r = Server::refuse(&["/nonexistent/valkey.conf"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        r.stderr
            .starts_with("Fatal error, can't open config file '/nonexistent/valkey.conf'")
    );
}

#[test]
fn sigterm_shuts_down_gracefully_and_removes_the_pidfile() {
    let dir = Scratch::new("pid");
    let pidfile = dir.0.join("server.pid");
    let mut server = Server::start(&["--pidfile", &pidfile.display().to_string()]);
    let written = std::fs::read_to_string(&pidfile).expect("pidfile written");
    assert_eq!(written.trim(), server.pid().to_string());
    let mut c = server.raw();
    c.roundtrip(&["PING"], b"+PONG\r\n");
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(c.until_closed(), b"");
    assert!(!pidfile.exists());
    server.wait_log("Received SIGTERM scheduling shutdown...");
    server.wait_log("is now ready to exit, bye bye...");
}

#[test]
fn maxclients_refuses_extra_connections() {
    let server = Server::start(&["--maxclients", "2"]);
    let mut a = server.raw();
    let mut b = server.raw();
    a.roundtrip(&["PING"], b"+PONG\r\n");
    b.roundtrip(&["PING"], b"+PONG\r\n");
    let mut c = server.raw();
    assert_eq!(c.until_closed(), b"-ERR max number of clients reached\r\n");
    a.cmd(&["INFO", "stats"]);
    let info = String::from_utf8(a.reply()).expect("utf8");
    assert!(info.contains("rejected_connections:1\r\n"), "{info}");
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let server = Server::start(&["--timeout", "1", "--hz", "100"]);
    let mut idle = server.raw();
    idle.roundtrip(&["PING"], b"+PONG\r\n");
    assert_eq!(idle.until_closed(), b"");
    let mut r = server.redis(false);
    eventually("a fresh client to be served", || {
        let pong: String = redis::cmd("PING").query(&mut r).ok()?;
        (pong == "PONG").then_some(())
    });
}

#[test]
fn config_rewrite_keeps_the_file_and_writes_changes() {
    let dir = Scratch::new("rewrite");
    let conf = dir.file("valkey.conf", "# keep me\ntimeout 5\n\nhz 20\n");
    let server = Server::start(&[&conf]);
    let mut c = server.raw();
    c.roundtrip(
        &[
            "CONFIG",
            "SET",
            "timeout",
            "9",
            "hz",
            "10",
            "maxclients",
            "50",
        ],
        b"+OK\r\n",
    );
    c.roundtrip(&["CONFIG", "REWRITE"], b"+OK\r\n");
    assert_eq!(
        std::fs::read_to_string(&conf).expect("read"),
        // `port 0` came from the harness's command line; it is part of the running config.
        "# keep me\ntimeout 9\n\n# Generated by CONFIG REWRITE\nport 0\nmaxclients 50\n"
    );
    // The rewritten file starts a server with the same settings.
    drop(server);
    let again = Server::start(&[&conf]);
    let mut c = again.raw();
    c.roundtrip(
        &["CONFIG", "GET", "maxclients"],
        b"*2\r\n$10\r\nmaxclients\r\n$2\r\n50\r\n",
    );

    let plain = Server::start(&[]);
    plain.raw().roundtrip(
        &["CONFIG", "REWRITE"],
        b"-ERR The server is running without a config file\r\n",
    );
}
