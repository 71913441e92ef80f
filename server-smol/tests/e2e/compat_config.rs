//! Valkey's own test-suite configuration starts this server unchanged; the directives of
//! features it does not have keep them off (a value turning one on is refused), `dir` moves
//! the server, and `enable-protected-configs` guards `dir` and `dbfilename` as in Valkey.

use crate::support::Server;

/// Valkey's `tests/assets/default.conf`, with `port 0` for the test harness.
const VALKEY_TEST_CONF: &str = "\
always-show-logo yes
notify-keyspace-events KEA
daemonize no
port 0
timeout 0
bind 127.0.0.1
loglevel verbose
logfile ''
databases 16
latency-monitor-threshold 1
repl-diskless-sync-delay 0
save ''
rdbcompression yes
dbfilename dump.rdb
dir ./
slave-serve-stale-data yes
appendonly no
appendfsync everysec
no-appendfsync-on-rewrite no
activerehashing yes
enable-protected-configs yes
enable-debug-command yes
enable-module-command yes
propagation-error-behavior panic
shutdown-on-sigterm force
";

fn get(c: &mut crate::support::Raw, name: &str) -> String {
    c.cmd(&["CONFIG", "GET", name]);
    String::from_utf8(c.reply()).expect("utf8")
}

#[test]
fn valkeys_test_suite_config_starts_and_feature_switches_stay_off() {
    let dir = std::env::temp_dir().join(format!("server-smol-compat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let conf = dir.join("default.conf");
    std::fs::write(&conf, VALKEY_TEST_CONF).expect("write");
    let server = Server::start_exact(&[conf.to_str().expect("utf8")]);
    let mut c = server.raw();
    c.roundtrip(&["PING"], b"+PONG\r\n");
    assert_eq!(get(&mut c, "save"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
    assert_eq!(
        get(&mut c, "appendonly"),
        "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"
    );
    assert_eq!(
        get(&mut c, "slave-serve-stale-data"),
        "*2\r\n$22\r\nslave-serve-stale-data\r\n$3\r\nyes\r\n"
    );
    c.roundtrip(
        &["CONFIG", "SET", "appendonly", "yes"],
        b"-ERR CONFIG SET failed (possibly related to argument 'appendonly') - persistence is \
          not supported by this server (only appendonly no is accepted)\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "save", "900 1"],
        b"-ERR CONFIG SET failed (possibly related to argument 'save') - persistence is not \
          supported by this server (only save \"\" is accepted)\r\n",
    );
    c.roundtrip(&["CONFIG", "SET", "save", ""], b"+OK\r\n");
    c.roundtrip(
        &["CONFIG", "SET", "appendfsync", "sometimes"],
        b"-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must \
          be one of the following: always, everysec, no\r\n",
    );
    c.roundtrip(&["CONFIG", "SET", "appendfsync", "always"], b"+OK\r\n");
    // `dir` is where the server works: absolute, and CONFIG SET moves it.
    let here = std::fs::canonicalize(".")
        .expect("cwd")
        .display()
        .to_string();
    let want = format!("*2\r\n$3\r\ndir\r\n${}\r\n{here}\r\n", here.len());
    assert_eq!(get(&mut c, "dir"), want);
    let target = std::fs::canonicalize(&dir)
        .expect("dir")
        .display()
        .to_string();
    c.roundtrip(&["CONFIG", "SET", "dir", &target], b"+OK\r\n");
    let want = format!("*2\r\n$3\r\ndir\r\n${}\r\n{target}\r\n", target.len());
    assert_eq!(get(&mut c, "dir"), want);
    c.roundtrip(
        &["CONFIG", "SET", "dir", "/no/such/dir"],
        b"-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or \
          directory\r\n",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn protected_configs_need_enable_protected_configs() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["CONFIG", "SET", "dbfilename", "x.rdb"],
        b"-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set \
          protected config\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "daemonize", "yes"],
        b"-ERR CONFIG SET failed (possibly related to argument 'daemonize') - this server does \
          not daemonize itself (run it under a supervisor)\r\n",
    );
    // A config file may not turn persistence on either.
    let refused = Server::refuse(&["--appendonly", "yes"]);
    assert!(!refused.status.success());
    assert!(
        refused
            .stderr
            .contains("persistence is not supported by this server"),
        "{}",
        refused.stderr
    );
}
