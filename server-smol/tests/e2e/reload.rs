//! SIGHUP: the config file is re-read while clients keep sending commands. A valid file applies
//! its run-time changes (a new port accepts, the old connections keep working); an invalid one
//! changes nothing and is logged with file, line and reason.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::support::{Raw, Server, eventually};

/// A scratch directory for this test, removed when dropped.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("server-smol-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        Self(dir)
    }

    pub(crate) fn write(&self, name: &str, text: &str) -> String {
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

pub(crate) fn sighup(server: &Server) {
    let status = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -HUP failed");
}

/// A client sending INCR in a loop until told to stop; it panics (failing the join) if the
/// connection drops or a reply is wrong.
struct Busy {
    done: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<u64>,
}

impl Busy {
    fn start(port: u16, key: String) -> Self {
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (d, s) = (Arc::clone(&done), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let mut raw = Raw::connect(port);
            let mut n = 0u64;
            while !s.load(Ordering::Relaxed) {
                n += 1;
                raw.roundtrip(&["INCR", &key], format!(":{n}\r\n").as_bytes());
                d.store(n, Ordering::Relaxed);
            }
            n
        });
        Self { done, stop, thread }
    }

    /// Waits until this client has completed more commands than now.
    fn progresses(&self) {
        let before = self.done.load(Ordering::Relaxed);
        eventually("a busy client to keep getting replies", || {
            (self.done.load(Ordering::Relaxed) > before).then_some(())
        });
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("busy client kept its connection")
    }
}

pub(crate) fn config_get(raw: &mut Raw, name: &str) -> String {
    raw.cmd(&["CONFIG", "GET", name]);
    String::from_utf8_lossy(&raw.reply()).into_owned()
}

fn info_server(raw: &mut Raw) -> String {
    raw.cmd(&["INFO", "server"]);
    String::from_utf8_lossy(&raw.reply()).into_owned()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn sighup_applies_a_valid_file_and_ignores_an_invalid_one_without_dropping_clients() {
    let dir = Scratch::new("reload");
    let start = "port 0\nbind 127.0.0.1\ntimeout 300\nhz 10\ndatabases 16\n";
    let conf = dir.write("valkey.conf", start);
    let server = Server::start_exact(&[&conf]);
    let old_port = server.port;
    let busy: Vec<Busy> = (0..3)
        .map(|i| Busy::start(old_port, format!("reload:{i}")))
        .collect();
    let mut admin = server.raw();
    let mut idle = server.redis(true);
    let mut before = info_server(&mut admin);
    assert!(before.contains("config_reloads:0\r\n"), "{before}");
    assert!(before.contains("config_last_reload_status:none\r\n"));
    busy.iter().for_each(Busy::progresses);

    // A valid file: run-time changes apply, a new port accepts, `databases` is left alone.
    let new_port = free_port();
    let valid = format!(
        "port {new_port}\nbind 127.0.0.1\ntimeout 200\nhz 25\nrequirepass s3cret\ndatabases 4\n"
    );
    dir.write("valkey.conf", &valid);
    sighup(&server);
    let line = server.wait_log("Config reloaded from");
    assert!(
        line.contains("applied port, requirepass, timeout, hz"),
        "{line}"
    );
    let line = server.wait_log("cannot change at run time");
    assert!(line.ends_with(": databases"), "{line}");
    assert_eq!(
        config_get(&mut admin, "timeout"),
        "*2\r\n$7\r\ntimeout\r\n$3\r\n200\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "hz"),
        "*2\r\n$2\r\nhz\r\n$2\r\n25\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "requirepass"),
        "*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "databases"),
        "*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "port"),
        format!(
            "*2\r\n$4\r\nport\r\n${}\r\n{new_port}\r\n",
            new_port.to_string().len()
        )
    );
    let mut fresh = Raw::connect(new_port);
    fresh.roundtrip(&["PING"], b"-NOAUTH Authentication required.\r\n");
    fresh.roundtrip(&["AUTH", "s3cret"], b"+OK\r\n");
    fresh.roundtrip(&["PING"], b"+PONG\r\n");
    eventually("the old port to stop accepting", || {
        TcpStream::connect(("127.0.0.1", old_port))
            .is_err()
            .then_some(())
    });
    busy.iter().for_each(Busy::progresses);
    let after = info_server(&mut admin);
    assert!(after.contains("config_reloads:1\r\n"), "{after}");
    assert!(after.contains("config_reload_failures:0\r\n"));
    assert!(after.contains("config_last_reload_status:ok\r\n"));
    assert!(after.contains(&format!("tcp_port:{new_port}\r\n")));
    before = after;

    // An invalid file: nothing changes, the log names file, line and reason.
    let invalid = format!("port {new_port}\ntimeout 100\nhz abc\nrequirepass other\n");
    dir.write("valkey.conf", &invalid);
    sighup(&server);
    let line = server.wait_log("Config reload failed, nothing changed");
    assert!(
        line.contains(&format!("at line 3 of {conf}: 'hz abc': ")),
        "{line}"
    );
    assert!(
        line.contains("argument couldn't be parsed into an integer"),
        "{line}"
    );
    assert_eq!(
        config_get(&mut admin, "timeout"),
        "*2\r\n$7\r\ntimeout\r\n$3\r\n200\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "hz"),
        "*2\r\n$2\r\nhz\r\n$2\r\n25\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "requirepass"),
        "*2\r\n$11\r\nrequirepass\r\n$6\r\ns3cret\r\n"
    );
    Raw::connect(new_port).roundtrip(&["AUTH", "s3cret"], b"+OK\r\n");
    busy.iter().for_each(Busy::progresses);
    let after = info_server(&mut admin);
    assert!(after.contains("config_reloads:1\r\n"), "{after}");
    assert!(after.contains("config_reload_failures:1\r\n"));
    assert!(after.contains("config_last_reload_status:err\r\n"));
    assert_ne!(before, after);

    // Every client that was connected throughout is still served.
    fresh.roundtrip(&["PING"], b"+PONG\r\n");
    let pong: String = redis::cmd("PING")
        .query(&mut idle)
        .expect("idle client kept");
    assert_eq!(pong, "PONG");
    for (i, b) in busy.into_iter().enumerate() {
        let n = b.finish();
        admin.roundtrip(
            &["GET", &format!("reload:{i}")],
            format!("${}\r\n{n}\r\n", n.to_string().len()).as_bytes(),
        );
    }
}

#[test]
fn sighup_whose_new_port_cannot_be_bound_changes_nothing() {
    let dir = Scratch::new("reload-busy-port");
    let conf = dir.write("valkey.conf", "port 0\ntimeout 300\n");
    let server = Server::start_exact(&[&conf]);
    let mut admin = server.raw();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken_port = taken.local_addr().expect("addr").port();
    dir.write(
        "valkey.conf",
        &format!("port {taken_port}\ntimeout 100\nhz 30\n"),
    );
    sighup(&server);
    let line = server.wait_log("Config reload failed, nothing changed");
    assert!(line.contains(&format!("127.0.0.1:{taken_port}")), "{line}");
    assert_eq!(
        config_get(&mut admin, "timeout"),
        "*2\r\n$7\r\ntimeout\r\n$3\r\n300\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "hz"),
        "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "port"),
        "*2\r\n$4\r\nport\r\n$1\r\n0\r\n"
    );
    Raw::connect(server.port).roundtrip(&["PING"], b"+PONG\r\n");
    admin.roundtrip(&["PING"], b"+PONG\r\n");
    let info = info_server(&mut admin);
    assert!(info.contains("config_reload_failures:1\r\n"), "{info}");
    assert!(info.contains("config_last_reload_status:err\r\n"));
    drop(taken);
}

#[test]
fn sighup_without_a_config_file_is_a_logged_failure() {
    let server = Server::start(&["--hz", "20"]);
    let mut admin = server.raw();
    sighup(&server);
    let line = server.wait_log("Config reload failed, nothing changed");
    assert!(
        line.ends_with("the server was started without a config file"),
        "{line}"
    );
    assert_eq!(
        config_get(&mut admin, "hz"),
        "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"
    );
    let info = info_server(&mut admin);
    assert!(
        info.contains("config_reloads:0\r\nconfig_reload_failures:1\r\n"),
        "{info}"
    );
}

#[test]
fn command_line_options_still_win_over_the_reloaded_file() {
    let dir = Scratch::new("reload-options");
    let conf = dir.write("valkey.conf", "timeout 300\nhz 10\n");
    let server = Server::start(&[&conf, "--hz", "40"]);
    let mut admin = server.raw();
    dir.write("valkey.conf", "timeout 250\nhz 15\nloglevel verbose\n");
    sighup(&server);
    let line = server.wait_log("Config reloaded from");
    assert!(line.ends_with("applied loglevel, timeout"), "{line}");
    assert_eq!(
        config_get(&mut admin, "timeout"),
        "*2\r\n$7\r\ntimeout\r\n$3\r\n250\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "hz"),
        "*2\r\n$2\r\nhz\r\n$2\r\n40\r\n"
    );
    assert_eq!(
        config_get(&mut admin, "loglevel"),
        "*2\r\n$8\r\nloglevel\r\n$7\r\nverbose\r\n"
    );
}

/// Sends PING to `ip:port` on a fresh connection; whether `+PONG` came back.
fn pings(ip: &str, port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect((ip, port)) else {
        return false;
    };
    let mut buf = [0u8; 7];
    s.set_read_timeout(Some(crate::support::DEADLINE))
        .expect("timeout");
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

#[test]
fn sighup_adds_and_drops_bind_addresses_keeping_the_unchanged_listener() {
    let dir = Scratch::new("reload-bind");
    let conf = dir.write("valkey.conf", "port 0\nbind 127.0.0.1\n");
    let server = Server::start_exact(&[&conf]);
    let port = server.port;
    let mut old = server.raw();
    assert!(!pings("127.0.0.2", port));

    // Adding 127.0.0.2 keeps 127.0.0.1 listening on the same socket (no EADDRINUSE).
    dir.write("valkey.conf", "port 0\nbind 127.0.0.1 127.0.0.2\n");
    sighup(&server);
    let line = server.wait_log("Config reloaded from");
    assert!(line.ends_with("applied bind"), "{line}");
    assert!(pings("127.0.0.2", port));
    assert!(pings("127.0.0.1", port));
    old.roundtrip(&["PING"], b"+PONG\r\n");

    // Dropping 127.0.0.1 closes that listener only; its established connection stays.
    dir.write("valkey.conf", "port 0\nbind 127.0.0.2\n");
    sighup(&server);
    server.wait_log("Config reloaded from");
    eventually("127.0.0.1 to stop accepting", || {
        TcpStream::connect(("127.0.0.1", port))
            .is_err()
            .then_some(())
    });
    assert!(pings("127.0.0.2", port));
    old.roundtrip(&["PING"], b"+PONG\r\n");
    assert_eq!(
        config_get(&mut old, "bind"),
        "*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.2\r\n"
    );
}

/// Whether a PING through the Unix socket at `path` is answered.
fn pings_unix(path: &std::path::Path) -> bool {
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(path) else {
        return false;
    };
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

#[test]
fn sighup_moves_the_unix_socket_keeping_its_established_connections() {
    let dir = Scratch::new("reload-unix");
    let (a, b) = (dir.0.join("a.sock"), dir.0.join("b.sock"));
    let conf = dir.write(
        "valkey.conf",
        &format!("port 0\nunixsocket {}\n", a.display()),
    );
    let server = Server::start_exact(&[&conf]);
    let mut old = std::os::unix::net::UnixStream::connect(&a).expect("connect a");
    old.write_all(b"SET k v\r\n").expect("send");
    let mut ok = [0u8; 5];
    old.read_exact(&mut ok).expect("reply");

    // Moving it: b is bound before a closes; the connection made through a stays.
    dir.write(
        "valkey.conf",
        &format!("port 0\nunixsocket {}\nunixsocketperm 700\n", b.display()),
    );
    sighup(&server);
    let line = server.wait_log("Config reloaded from");
    assert!(
        line.ends_with("applied unixsocket, unixsocketperm"),
        "{line}"
    );
    assert!(pings_unix(&b));
    assert!(!a.exists(), "the old socket file is removed");
    assert!(!pings_unix(&a));
    let mut got = [0u8; 7];
    old.write_all(b"GET k\r\n").expect("send");
    old.read_exact(&mut got).expect("reply");
    assert_eq!(&got, b"$1\r\nv\r\n");

    // A path that cannot be bound changes nothing.
    dir.write(
        "valkey.conf",
        "port 0\nunixsocket /nonexistent-dir/x.sock\nhz 50\n",
    );
    sighup(&server);
    server.wait_log("Config reload failed, nothing changed");
    assert!(pings_unix(&b));
    let mut raw = server.raw();
    assert_eq!(config_get(&mut raw, "hz"), "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");

    // Dropping the directive closes the socket and removes its file.
    dir.write("valkey.conf", "port 0\n");
    sighup(&server);
    server.wait_log("Config reloaded from");
    assert!(!b.exists());
    raw.roundtrip(&["PING"], b"+PONG\r\n");
}
