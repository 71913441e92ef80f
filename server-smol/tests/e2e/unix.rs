//! `unixsocket` / `unixsocketperm`: clients connect through a Unix domain socket as well as TCP;
//! CLIENT LIST shows them as Valkey does; the socket file is replaced at start and removed at
//! shutdown.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

use crate::support::{DEADLINE, Server};

/// A socket path no other test uses.
fn socket_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("server-smol-{}-{name}.sock", std::process::id()))
}

/// Sends `request` and reads until `want.len()` bytes came back.
fn roundtrip(s: &mut UnixStream, request: &[u8], want: &[u8]) {
    s.write_all(request).expect("send");
    let mut got = vec![0u8; want.len()];
    s.read_exact(&mut got).expect("reply");
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(want));
}

#[test]
fn clients_connect_through_the_unix_socket_too() {
    let path = socket_path("connect");
    // A stale file at the path does not stop the server: it is replaced.
    std::fs::write(&path, b"stale").expect("stale file");
    let p = path.to_str().expect("utf8 path");
    let mut server = Server::start(&["--unixsocket", p, "--unixsocketperm", "700"]);
    let mode = std::fs::metadata(&path)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);

    let mut s = UnixStream::connect(&path).expect("connect");
    s.set_read_timeout(Some(DEADLINE)).expect("timeout");
    roundtrip(&mut s, b"PING\r\n", b"+PONG\r\n");
    roundtrip(&mut s, b"SET k v\r\n", b"+OK\r\n");
    s.write_all(b"CLIENT INFO\r\n").expect("send");
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).expect("info");
    let info = String::from_utf8_lossy(&buf[..n]);
    assert!(
        info.contains(&format!(" addr={p}:0 laddr={p}:0 ")),
        "{info}"
    );
    assert!(info.contains(" flags=U "), "{info}");

    // TCP clients see the same data; the `redis` crate speaks over the socket too.
    let mut tcp = server.raw();
    tcp.roundtrip(&["GET", "k"], b"$1\r\nv\r\n");
    let client = redis::Client::open(format!("unix://{p}")).expect("client");
    let mut r = client.get_connection().expect("unix connection");
    let v: String = redis::cmd("GET").arg("k").query(&mut r).expect("GET");
    assert_eq!(v, "v");
    // Both settings are fixed at start.
    tcp.roundtrip(
        &["CONFIG", "GET", "unixsocketperm"],
        b"*2\r\n$14\r\nunixsocketperm\r\n$3\r\n700\r\n",
    );
    tcp.roundtrip(
        &["CONFIG", "SET", "unixsocket", "/tmp/x.sock"],
        b"-ERR CONFIG SET failed (possibly related to argument 'unixsocket') - can't set immutable config\r\n",
    );

    // A graceful shutdown removes the socket file.
    drop(r);
    drop(s);
    assert!(server.terminate().success());
    assert!(!path.exists(), "socket file left behind");
}
