//! Listening sockets and the accept loop: `maxclients`, client registration, then the
//! connection is handed to the event loop ([`crate::io_loop`]).

use core::cell::RefCell;
use core::net::{IpAddr, SocketAddr};
use std::net::ToSocketAddrs;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::UnixListener;
use std::rc::Rc;

use async_io::Async;
use smol::LocalExecutor;
use smol::io::AsyncWriteExt;
use smol::net::TcpListener;
use std::sync::Arc;

use crate::client::Client;
use crate::clock;
use crate::config::Settings;
use crate::server::Server;
use crate::stream::Stream;

/// What a client gets when `maxclients` is reached, before it is closed.
const MAX_CLIENTS_REPLY: &[u8] = b"-ERR max number of clients reached\r\n";

/// What a non-loopback client gets in protected mode without a password, before it is closed.
const PROTECTED_MODE_REPLY: &[u8] = b"-DENIED Running in protected mode because protected mode is \
    enabled and no password is set for the default user. In this mode connections are only \
    accepted from the loopback interface. If you want to connect from external computers you may \
    adopt one of the following solutions: 1) Just disable protected mode sending the command \
    'CONFIG SET protected-mode no' from the loopback interface by connecting from the same host \
    the server is running, however MAKE SURE the server is not publicly accessible from internet \
    if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just \
    disable the protected mode by editing the configuration file, and setting the protected mode \
    option to 'no', and then restarting the server. 3) If you started the server manually just for \
    testing, restart it with the '--protected-mode no' option. 4) Set up an authentication \
    password for the default user. NOTE: You only need to do one of the above things in order for \
    the server to start accepting connections from the outside.\r\n";

/// Whether protected mode turns this peer away: it is on, the default user has no password,
/// and the peer is not on the loopback interface.
fn protected_mode_denies(settings: &Settings, peer: IpAddr) -> bool {
    let loopback = match peer {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    };
    settings.protected_mode && settings.requirepass.is_none() && !loopback
}

/// Writes `reply` to a refused connection and lets it close.
fn refuse(ex: &LocalExecutor<'static>, stream: Stream, reply: &'static [u8]) {
    // The client may already be gone; nothing more to do either way.
    match stream {
        Stream::Tcp(s) => {
            if let Ok(mut s) = smol::net::TcpStream::try_from(s) {
                ex.spawn(async move { drop(s.write_all(reply).await) })
                    .detach();
            }
        }
        Stream::Unix(s) => {
            if let Ok(mut s) = smol::net::unix::UnixStream::try_from(s) {
                ex.spawn(async move { drop(s.write_all(reply).await) })
                    .detach();
            }
        }
    }
}

/// What [`bind_keeping`] opened and which of the open addresses it wants kept.
#[derive(Debug, Default)]
pub(crate) struct Bound {
    /// Newly bound listeners.
    pub(crate) new: Vec<TcpListener>,
    /// Addresses already open (from `open`) that the `bind` list still names.
    pub(crate) kept: Vec<SocketAddr>,
}

/// Binds every `bind` address on `port` (0: the first bind picks a free port and the others
/// use it), except that an address already listening (in `open`) is kept, not bound again: a
/// reload or an upgrade can add or drop addresses while the unchanged ones keep accepting. An
/// address starting with `-` may fail to bind without stopping the server; `*` is every IPv4
/// address and `::*` every IPv6 address, as in Valkey.
pub(crate) async fn bind_keeping(
    binds: &[String],
    port: u16,
    open: &[SocketAddr],
) -> Result<Bound, String> {
    let mut bound_all = Bound::default();
    let mut port = port;
    for bind in binds {
        let (optional, host) = match bind.strip_prefix('-') {
            Some(h) => (true, h),
            None => (false, bind.as_str()),
        };
        let host = match host {
            "*" => "0.0.0.0",
            "::*" => "::",
            h => h,
        };
        let addrs: Vec<SocketAddr> = match (host, port).to_socket_addrs() {
            Ok(a) => a.collect(),
            Err(e) if optional => {
                let _ = e;
                continue;
            }
            Err(e) => return Err(format!("Could not resolve {host}: {e}")),
        };
        if let Some(addr) = addrs.iter().find(|a| open.contains(a)) {
            bound_all.kept.push(*addr);
            continue;
        }
        let mut bound = None;
        let mut last_err = None;
        for addr in addrs {
            match TcpListener::bind(addr).await {
                Ok(l) => {
                    bound = Some(l);
                    break;
                }
                Err(e) => last_err = Some(e),
            }
        }
        match bound {
            Some(l) => {
                if port == 0 {
                    port = l.local_addr().map_err(|e| e.to_string())?.port();
                }
                bound_all.new.push(l);
            }
            None if optional => {}
            None => {
                let why = last_err.map_or_else(|| "no address".to_string(), |e| e.to_string());
                return Err(format!(
                    "Warning: Could not create server TCP listening socket {host}:{port}: {why}"
                ));
            }
        }
    }
    if bound_all.new.is_empty() && bound_all.kept.is_empty() {
        return Err(format!("Failed listening on port {port} (tcp), aborting."));
    }
    Ok(bound_all)
}

/// Accepts TCP connections forever, each handed to the event loop.
pub(crate) async fn accept_loop(
    ex: Rc<LocalExecutor<'static>>,
    shared: Rc<RefCell<Server>>,
    listener: TcpListener,
) {
    let listener: Arc<Async<std::net::TcpListener>> = listener.into();
    loop {
        match listener.read_with(std::net::TcpListener::accept).await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                let laddr = stream
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                let denied = protected_mode_denies(&shared.borrow().settings, peer.ip());
                accept(
                    &ex,
                    &shared,
                    Stream::Tcp(stream),
                    peer.to_string(),
                    laddr,
                    denied,
                );
            }
            Err(e) => shared
                .borrow()
                .log
                .warning(&format!("Accepting client connection: {e}")),
        }
    }
}

/// Binds the `unixsocket` path (a stale file there is removed first, as Valkey does) with
/// `unixsocketperm` when not 0.
pub(crate) fn bind_unix(path: &str, perm: u32) -> Result<UnixListener, String> {
    let _ = std::fs::remove_file(path);
    let listener =
        UnixListener::bind(path).map_err(|e| format!("Failed opening Unix socket: {e}"))?;
    if perm != 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm))
            .map_err(|e| format!("Failed opening Unix socket: {e}"))?;
    }
    Ok(listener)
}

/// Accepts Unix-socket connections forever (`addr` and `laddr` are `path:0`, as in Valkey).
pub(crate) async fn accept_unix_loop(
    ex: Rc<LocalExecutor<'static>>,
    shared: Rc<RefCell<Server>>,
    listener: Async<UnixListener>,
    path: String,
) {
    loop {
        match listener.read_with(UnixListener::accept).await {
            Ok((stream, _)) => {
                let addr = format!("{path}:0");
                accept(
                    &ex,
                    &shared,
                    Stream::Unix(stream),
                    addr.clone(),
                    addr,
                    false,
                );
            }
            Err(e) => shared
                .borrow()
                .log
                .warning(&format!("Accepting client connection: {e}")),
        }
    }
}

/// Registers an accepted connection as a client and hands it to the event loop, or turns it
/// away (`maxclients`, or `denied` by protected mode).
fn accept(
    ex: &LocalExecutor<'static>,
    shared: &Rc<RefCell<Server>>,
    stream: Stream,
    addr: String,
    laddr: String,
    denied: bool,
) {
    let nonblocking = match &stream {
        Stream::Tcp(s) => s.set_nonblocking(true),
        Stream::Unix(s) => s.set_nonblocking(true),
    };
    if nonblocking.is_err() {
        return;
    }
    let mut guard = shared.borrow_mut();
    let server = &mut *guard;
    if server.shutting_down {
        return;
    }
    if server.clients.len() >= server.settings.maxclients as usize {
        server.stats.rejected_connections += 1;
        refuse(ex, stream, MAX_CLIENTS_REPLY);
        return;
    }
    if denied {
        server.stats.rejected_connections += 1;
        refuse(ex, stream, PROTECTED_MODE_REPLY);
        return;
    }
    server.stats.connections_received += 1;
    let id = server.next_client_id;
    server.next_client_id += 1;
    let mut client = Client::new(
        id,
        clock::unix_millis(),
        server.settings.requirepass.is_none(),
    );
    client.fd = i64::from(stream.as_fd().as_raw_fd());
    server.log.verbose(&format!("Accepted {addr}"));
    client.addr = addr;
    client.laddr = laddr;
    let stream = Rc::new(stream);
    client.stream = Some(Rc::clone(&stream));
    client.io = Some(Rc::clone(&server.io));
    let client = Rc::new(RefCell::new(client));
    server.clients.insert(id, Rc::clone(&client));
    server.io.adopt(client, stream);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_mode_turns_away_only_remote_peers_without_a_password() {
        let mut s = Settings::default();
        let remote: IpAddr = "10.1.2.3".parse().expect("ip");
        let local: IpAddr = "127.0.0.1".parse().expect("ip");
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("ip");
        assert!(protected_mode_denies(&s, remote));
        assert!(!protected_mode_denies(&s, local));
        assert!(!protected_mode_denies(&s, mapped));
        assert!(!protected_mode_denies(&s, "::1".parse().expect("ip")));
        s.requirepass = Some(b"pw".to_vec());
        assert!(!protected_mode_denies(&s, remote));
        s.requirepass = None;
        s.protected_mode = false;
        assert!(!protected_mode_denies(&s, remote));
    }

    #[test]
    fn refusal_texts_are_single_resp_errors() {
        for reply in [MAX_CLIENTS_REPLY, PROTECTED_MODE_REPLY] {
            assert!(reply.starts_with(b"-"));
            assert!(reply.ends_with(b"\r\n"));
            assert_eq!(reply.iter().filter(|&&b| b == b'\n').count(), 1);
        }
        assert!(PROTECTED_MODE_REPLY.windows(6).any(|w| w == b"to 'no"));
    }
}
