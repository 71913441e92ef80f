//! The binary upgrade: a new process started with `--upgrade` takes the listening sockets and
//! the dataset of the running one, with no connection refused and no acknowledged write lost
//! while clients keep writing; a new process that fails leaves the running one serving.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use redis::Commands;

use crate::support::{DEADLINE, Server, eventually};

/// Socket and pid file paths no other test uses.
struct Paths {
    upgrade: PathBuf,
    unix: PathBuf,
    pidfile: PathBuf,
}

impl Paths {
    fn new(name: &str) -> Self {
        let at = |what: &str| {
            std::env::temp_dir().join(format!(
                "server-smol-{}-upgrade-{name}.{what}",
                std::process::id()
            ))
        };
        Self {
            upgrade: at("upgrade.sock"),
            unix: at("sock"),
            pidfile: at("pid"),
        }
    }

    /// The options both processes run with.
    fn options(&self) -> Vec<String> {
        let s = |p: &PathBuf| p.to_str().expect("utf8 path").to_string();
        vec![
            "--upgrade-socket".into(),
            s(&self.upgrade),
            "--unixsocket".into(),
            s(&self.unix),
            "--pidfile".into(),
            s(&self.pidfile),
        ]
    }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A client that INCRs `counter` until stopped, reconnecting when its connection goes,
/// checking that every acknowledged value is the previous one plus one (nothing lost, nothing
/// applied twice), and counting refused connections.
struct Writer {
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
    thread: JoinHandle<()>,
}

impl Writer {
    fn start(port: u16) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let (s, a, r) = (Arc::clone(&stop), Arc::clone(&acked), Arc::clone(&refused));
        let thread = std::thread::spawn(move || {
            let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).expect("url");
            let mut conn = None;
            while !s.load(Ordering::SeqCst) {
                let c = match conn.as_mut() {
                    Some(c) => c,
                    None => match client.get_connection_with_timeout(DEADLINE) {
                        Ok(c) => conn.insert(c),
                        Err(e) => {
                            if e.is_connection_refusal() {
                                r.fetch_add(1, Ordering::SeqCst);
                            }
                            continue;
                        }
                    },
                };
                match c.incr::<_, _, u64>("counter", 1) {
                    Ok(v) => {
                        let before = a.swap(v, Ordering::SeqCst);
                        assert_eq!(v, before + 1, "an INCR was lost or applied twice");
                    }
                    // The old process closed the connection: reconnect and retry.
                    Err(_) => conn = None,
                }
            }
        });
        Self {
            stop,
            acked,
            refused,
            thread,
        }
    }

    fn acked(&self) -> u64 {
        self.acked.load(Ordering::SeqCst)
    }

    /// Waits until `n` more writes were acknowledged.
    fn wait_for(&self, n: u64) {
        let target = self.acked() + n;
        eventually("acknowledged writes", || {
            (self.acked() >= target).then_some(())
        });
    }

    /// Stops it; (last acknowledged value, refused connections).
    fn finish(self) -> (u64, u64) {
        self.stop.store(true, Ordering::SeqCst);
        let (acked, refused) = (self.acked, self.refused);
        self.thread
            .join()
            .expect("the writer saw a lost or doubled write");
        (acked.load(Ordering::SeqCst), refused.load(Ordering::SeqCst))
    }
}

/// Fills databases 0 and 5 with every type, large and small, with and without a TTL.
fn fill(server: &Server) {
    let mut c = server.redis(false);
    let big: Vec<String> = (0..1500).map(|i| format!("e{i}")).collect();
    let _: () = redis::pipe()
        .set("s", b"bin\r\n\0ary")
        .set("n", 12345)
        .rpush("list", &big)
        .hset_multiple("hash", &[("f1", "v1"), ("f2", "v2")])
        .sadd("ints", &[1, 2, 3])
        .sadd("words", &big)
        .zadd_multiple("z", &[(0.1, "a"), (1e300, "b"), (-2.5, "c")])
        .zadd("z", "top", f64::INFINITY)
        .set_ex("ttl", "v", 1000)
        .query(&mut c)
        .expect("fill");
    let _: () = redis::cmd("SELECT").arg(5).query(&mut c).expect("select");
    let _: () = c.set("in5", "five").expect("set in db 5");
}

/// Checks what [`fill`] stored, on `server`.
fn check(server: &Server) {
    let mut c = server.redis(true);
    let s: Vec<u8> = c.get("s").expect("s");
    assert_eq!(s, b"bin\r\n\0ary");
    let n: i64 = c.get("n").expect("n");
    assert_eq!(n, 12345);
    let list: Vec<String> = c.lrange("list", 0, -1).expect("list");
    assert_eq!(list.len(), 1500);
    assert_eq!(list[1499], "e1499");
    let hash: Vec<(String, String)> = c.hgetall("hash").expect("hash");
    assert_eq!(hash.len(), 2);
    let ints: i64 = c.scard("ints").expect("ints");
    let words: i64 = c.scard("words").expect("words");
    assert_eq!((ints, words), (3, 1500));
    let enc: String = redis::cmd("OBJECT")
        .arg("ENCODING")
        .arg("ints")
        .query(&mut c)
        .expect("encoding");
    assert_eq!(enc, "intset");
    let z: Vec<(String, f64)> = c.zrange_withscores("z", 0, -1).expect("z");
    assert_eq!(
        z,
        [
            ("c".to_string(), -2.5),
            ("a".to_string(), 0.1),
            ("b".to_string(), 1e300),
            ("top".to_string(), f64::INFINITY)
        ]
    );
    let ttl: i64 = c.ttl("ttl").expect("ttl");
    assert!((990..=1000).contains(&ttl), "{ttl}");
    let persistent: i64 = c.ttl("s").expect("ttl");
    assert_eq!(persistent, -1);
    let _: () = redis::cmd("SELECT").arg(5).query(&mut c).expect("select");
    let five: String = c.get("in5").expect("in5");
    assert_eq!(five, "five");
}

#[test]
fn an_upgrade_takes_the_sockets_and_the_data_while_clients_keep_writing() {
    let paths = Paths::new("ok");
    let options = paths.options();
    let mut old = Server::start(&strs(&options));
    fill(&old);
    // Enough keys that the hand-over takes a while: writes arrive while it runs.
    let mut c = old.redis(false);
    for chunk in 0..20 {
        let pairs: Vec<(String, u32)> = (0..1000).map(|i| (format!("k{chunk}:{i}"), i)).collect();
        let _: () = c.mset(&pairs).expect("mset");
    }
    let writer = Writer::start(old.port);
    writer.wait_for(50);

    let mut new_options = options;
    new_options.extend(["--port".into(), "0".into(), "--upgrade".into()]);
    let new = Server::start_exact(&strs(&new_options));
    assert_eq!(
        new.port, old.port,
        "the new process serves on the same port"
    );
    assert!(old.wait_exit().success(), "the old process exits cleanly");
    // The writer goes on against the new process.
    writer.wait_for(50);
    let (acked, refused) = writer.finish();
    assert_eq!(refused, 0, "no connection was refused");

    check(&new);
    let mut c = new.redis(false);
    let keys: u64 = redis::cmd("DBSIZE").query(&mut c).expect("dbsize");
    assert_eq!(
        keys,
        20_000 + 9,
        "every key of db 0 is there (with the counter)"
    );
    let counter: u64 = c.get("counter").expect("counter");
    assert_eq!(
        counter, acked,
        "every acknowledged write is there, and no other"
    );
    let pid = std::fs::read_to_string(&paths.pidfile).expect("pid file");
    assert_eq!(
        pid.trim(),
        new.pid().to_string(),
        "the pid file names the new process"
    );
    let info: String = redis::cmd("INFO")
        .arg("server")
        .query(&mut c)
        .expect("info");
    assert!(
        info.contains(&format!("process_id:{}\r\n", new.pid())),
        "{info}"
    );
    // The Unix socket was handed over as well.
    let unix = UnixStream::connect(&paths.unix).expect("the unix socket is still there");
    drop(unix);
    let client = redis::Client::open(format!("unix://{}", paths.unix.display())).expect("url");
    let mut u = client.get_connection().expect("unix connection");
    let n: i64 = u.get("n").expect("GET over the unix socket");
    assert_eq!(n, 12345);

    // And the new process can be upgraded in turn, through the upgrade socket it was given.
    let next = Server::start_exact(&strs(&new_options));
    assert_eq!(next.port, new.port);
    check(&next);
}

#[test]
fn a_new_process_that_fails_leaves_the_running_one_serving() {
    let paths = Paths::new("fail");
    let options = paths.options();
    let old = Server::start(&strs(&options));
    fill(&old);
    // The dataset uses db 5; a configuration with 2 databases cannot take it.
    let mut bad = options;
    bad.extend(["--databases", "2", "--port", "0", "--upgrade"].map(String::from));
    let refused = Server::refuse(&strs(&bad));
    assert!(!refused.status.success());
    old.wait_log("Upgrade failed, serving on: the new process closed the upgrade connection");

    // Writes flow again, the data and the pid file are untouched, the sockets still serve.
    let mut c = old.redis(false);
    let _: () = c
        .set("after", "yes")
        .expect("a write after the failed upgrade");
    let info: String = redis::cmd("INFO")
        .arg("clients")
        .query(&mut c)
        .expect("info");
    assert!(info.contains("paused_reason:none\r\n"), "{info}");
    check(&old);
    let pid = std::fs::read_to_string(&paths.pidfile).expect("pid file");
    assert_eq!(pid.trim(), old.pid().to_string());
    assert!(UnixStream::connect(&paths.unix).is_ok());

    // No running server at the socket: the new process refuses to start.
    let mut lone = Paths::new("none").options();
    lone.push("--upgrade".into());
    assert!(!Server::refuse(&strs(&lone)).status.success());
}

#[test]
fn junk_on_the_upgrade_socket_changes_nothing() {
    use std::io::{Read, Write};
    let paths = Paths::new("junk");
    let options = paths.options();
    let server = Server::start(&strs(&options));
    let mut c = server.redis(false);
    let _: () = c.set("k", "v").expect("set");
    // A request that is not an upgrade: refused, nothing held.
    let mut s = UnixStream::connect(&paths.upgrade).expect("connect");
    s.set_read_timeout(Some(DEADLINE)).expect("timeout");
    s.write_all(b"*2\r\n$7\r\nUPGRADE\r\n$5\r\nNOPE!\r\n")
        .expect("send");
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    assert!(
        String::from_utf8_lossy(&got).contains("-ERR unknown upgrade request"),
        "{got:?}"
    );
    server.wait_log("Upgrade failed, serving on: unknown upgrade request");
    // Bytes that do not parse, and a peer that leaves at once.
    let mut s = UnixStream::connect(&paths.upgrade).expect("connect");
    s.write_all(b"*x\r\n").expect("send");
    drop(s);
    server.wait_log("Upgrade failed, serving on: bad upgrade message");
    drop(UnixStream::connect(&paths.upgrade).expect("connect"));
    server.wait_log("Upgrade failed, serving on: the new process closed the upgrade connection");
    let _: () = c.set("k2", "v2").expect("writes still flow");
    let v: String = c.get("k").expect("get");
    assert_eq!(v, "v");
}
