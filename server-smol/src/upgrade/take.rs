//! The new process's side (`--upgrade`): connect to the running server's `upgrade-socket`,
//! take its listening sockets, load its dataset, then say READY. Blocking: it runs during
//! start-up, before this process serves anyone. Any failure exits this process; the running
//! one then carries on as if nothing happened.

use core::net::SocketAddr;
use std::io::Write;
use std::net::TcpListener;
use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixListener, UnixStream};

use keyspace::Recorded;

use super::{TIMEOUT, fds, wire};
use crate::server::Server;
use crate::{VERSION, clock};

/// The running server's sockets, taken over.
#[derive(Debug, Default)]
pub(crate) struct Handed {
    /// TCP listeners by address.
    pub(crate) tcp: Vec<(SocketAddr, TcpListener)>,
    /// The `unixsocket` listener and its path.
    pub(crate) unix: Option<(String, UnixListener)>,
    /// The `upgrade-socket` listener and its path.
    pub(crate) upgrade: Option<(String, UnixListener)>,
}

/// The conversation with the running server.
#[derive(Debug)]
pub(crate) struct Takeover {
    conn: UnixStream,
    inbox: wire::Inbox,
}

impl Takeover {
    /// Connects to the running server at `path` and takes its listening sockets.
    ///
    /// # Errors
    ///
    /// No server there, or the hand-over of the sockets failed.
    pub(crate) fn connect(path: &str) -> Result<(Self, Handed), String> {
        let mut conn = UnixStream::connect(path)
            .map_err(|e| format!("Can't connect to the running server at {path}: {e}"))?;
        conn.set_read_timeout(Some(TIMEOUT))
            .and_then(|()| conn.set_write_timeout(Some(TIMEOUT)))
            .map_err(|e| e.to_string())?;
        let mut msg = Vec::new();
        wire::put(&mut msg, &[b"UPGRADE", b"LISTENERS", VERSION.as_bytes()]);
        conn.write_all(&msg)
            .map_err(|e| format!("Upgrade request failed: {e}"))?;
        let mut inbox = wire::Inbox::default();
        let named = fds::recv(&mut conn, &mut inbox)?;
        let mut handed = Handed::default();
        for (name, fd) in named {
            handed.add(&name, fd)?;
        }
        Ok((Self { conn, inbox }, handed))
    }

    /// Asks for the dataset and loads it into `server`; the number of keys sent.
    ///
    /// # Errors
    ///
    /// The connection failed, or a command of the dataset failed here (e.g. a database
    /// number this configuration does not have).
    pub(crate) fn load(&mut self, server: &mut Server) -> Result<u64, String> {
        let mut msg = Vec::new();
        wire::put(&mut msg, &[b"UPGRADE", b"DUMP"]);
        self.conn
            .write_all(&msg)
            .map_err(|e| format!("Upgrade request failed: {e}"))?;
        // The dump may take long to produce for a large dataset; each read still has a limit.
        let mut db = 0;
        loop {
            let step = self
                .inbox
                .next_blocking(&mut self.conn, |args| apply(server, &mut db, args))??;
            if let Some(keys) = step {
                return Ok(keys);
            }
        }
    }

    /// Tells the running server this process serves now: it stops accepting and exits.
    ///
    /// # Errors
    ///
    /// The connection failed (the running server may be serving still).
    pub(crate) fn ready(mut self) -> Result<(), String> {
        let mut msg = Vec::new();
        wire::put(&mut msg, &[b"UPGRADE", b"READY"]);
        self.conn
            .write_all(&msg)
            .map_err(|e| format!("Upgrade READY failed: {e}"))
    }
}

/// Applies one message of the dataset in `db`; `Some(keys)` at its end.
fn apply(server: &mut Server, db: &mut usize, args: &[&[u8]]) -> Result<Option<u64>, String> {
    let name = args.first().copied().unwrap_or_default();
    if name.eq_ignore_ascii_case(b"SELECT") {
        let n: usize = args
            .get(1)
            .and_then(|n| core::str::from_utf8(n).ok()?.parse().ok())
            .ok_or("bad SELECT in the dataset")?;
        if n >= server.keyspace.databases() {
            return Err(format!(
                "the dataset has keys in db {n} but this configuration has {} databases",
                server.keyspace.databases()
            ));
        }
        *db = n;
        return Ok(None);
    }
    if name.eq_ignore_ascii_case(b"UPGRADE") {
        return match (args.get(1), args.get(2)) {
            (Some(end), Some(n)) if end.eq_ignore_ascii_case(b"END") => {
                let keys = core::str::from_utf8(n).ok().and_then(|n| n.parse().ok());
                keys.map(Some)
                    .ok_or_else(|| "bad end of the dataset".into())
            }
            _ => Err("unexpected upgrade message in the dataset".into()),
        };
    }
    let mut out = Recorded::new();
    if !crate::dispatch::call_data(server, *db, clock::unix_millis(), args, &mut out) {
        return Err(format!(
            "unexpected command in the dataset: {}",
            String::from_utf8_lossy(name)
        ));
    }
    if let Some(keyspace::Item::Error(e)) = out.first() {
        return Err(format!("loading the dataset: {e}"));
    }
    Ok(None)
}

impl Handed {
    /// Files a received socket under its name.
    fn add(&mut self, name: &str, fd: OwnedFd) -> Result<(), String> {
        let bad = || format!("unexpected listening socket '{name}'");
        let (kind, what) = name.split_once(' ').ok_or_else(bad)?;
        match kind {
            "tcp" => {
                let addr = what.parse().map_err(|_| bad())?;
                self.tcp.push((addr, TcpListener::from(fd)));
            }
            "unix" => self.unix = Some((what.to_string(), UnixListener::from(fd))),
            "upgrade" => self.upgrade = Some((what.to_string(), UnixListener::from(fd))),
            _ => return Err(bad()),
        }
        Ok(())
    }

    /// The handed TCP addresses.
    pub(crate) fn addrs(&self) -> Vec<SocketAddr> {
        self.tcp.iter().map(|(a, _)| *a).collect()
    }

    /// The port to bind for `port 0`: the handed listeners' (so they are kept).
    pub(crate) fn port(&self) -> Option<u16> {
        self.tcp.first().map(|(a, _)| a.port())
    }

    /// Takes the handed TCP listeners whose address is in `keep` (the others close).
    pub(crate) fn take_tcp(&mut self, keep: &[SocketAddr]) -> Vec<TcpListener> {
        core::mem::take(&mut self.tcp)
            .into_iter()
            .filter(|(a, _)| keep.contains(a))
            .map(|(_, l)| l)
            .collect()
    }

    /// Takes the handed Unix listener of `kind` if it is at `path`; otherwise it is closed
    /// (and its path returned, so the file can go once this process serves).
    pub(crate) fn take_path(
        slot: &mut Option<(String, UnixListener)>,
        path: &str,
    ) -> (Option<UnixListener>, Option<String>) {
        match slot.take() {
            Some((p, l)) if p == path => (Some(l), None),
            Some((p, _)) => (None, Some(p)),
            None => (None, None),
        }
    }
}
