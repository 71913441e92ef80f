//! The sockets the server accepts on: one accept loop per TCP address, the `unixsocket` one,
//! and the `upgrade-socket` a new process connects to for the binary upgrade. Each keeps a
//! duplicate of its socket so the upgrade can hand it over ([`Listening::handover`]).
//! Dropping an accept loop closes its socket; files are removed only by
//! [`Listening::close_unix`] / [`Listening::close_upgrade`], never by a hand-over.

use core::cell::RefCell;
use core::net::SocketAddr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixListener;
use std::rc::Rc;

use async_io::Async;
use smol::net::TcpListener;
use smol::{LocalExecutor, Task};

use crate::listen;
use crate::server::Server;

/// A socket path, a duplicate of its socket and its accept loop.
struct PathListener {
    path: String,
    fd: Option<OwnedFd>,
    _task: Task<()>,
}

/// The accept loops and their sockets.
#[derive(Default)]
pub(crate) struct Listening {
    tcp: Vec<(SocketAddr, OwnedFd, Task<()>)>,
    unix: Option<PathListener>,
    upgrade: Option<PathListener>,
}

impl Listening {
    /// Starts the accept loop of the Unix socket at `path` (replacing any other).
    pub(crate) fn spawn_unix(
        &mut self,
        ex: &Rc<LocalExecutor<'static>>,
        shared: &Rc<RefCell<Server>>,
        listener: Async<UnixListener>,
        path: String,
    ) {
        // Without a duplicate (dup failed) it serves, but an upgrade leaves it behind.
        let fd = listener.as_fd().try_clone_to_owned().ok();
        let task = ex.spawn(listen::accept_unix_loop(
            Rc::clone(ex),
            Rc::clone(shared),
            listener,
            path.clone(),
        ));
        self.unix = Some(PathListener {
            path,
            fd,
            _task: task,
        });
    }

    /// The Unix socket's path, if one is open.
    pub(crate) fn unix_path(&self) -> Option<&str> {
        self.unix.as_ref().map(|u| u.path.as_str())
    }

    /// Whether a Unix socket is open.
    pub(crate) fn has_unix(&self) -> bool {
        self.unix.is_some()
    }

    /// Closes the Unix socket, if any, and removes its file.
    pub(crate) fn close_unix(&mut self) {
        if let Some(u) = self.unix.take() {
            let path = u.path.clone();
            drop(u);
            let _ = std::fs::remove_file(path);
        }
    }

    /// Starts an accept loop for each listener.
    pub(crate) fn spawn(
        &mut self,
        ex: &Rc<LocalExecutor<'static>>,
        shared: &Rc<RefCell<Server>>,
        listeners: Vec<TcpListener>,
    ) {
        for l in listeners {
            let Ok(addr) = l.local_addr() else { continue };
            let Ok(fd) = l.as_fd().try_clone_to_owned() else {
                shared.borrow().log.warning(&format!(
                    "Can't duplicate the listener on {addr}: not opened"
                ));
                continue;
            };
            let task = ex.spawn(listen::accept_loop(Rc::clone(ex), Rc::clone(shared), l));
            self.tcp.push((addr, fd, task));
        }
    }

    /// The addresses listening now, in bind order.
    pub(crate) fn addrs(&self) -> Vec<SocketAddr> {
        self.tcp.iter().map(|(a, ..)| *a).collect()
    }

    /// Closes every listener whose address is not in `keep`.
    pub(crate) fn retain(&mut self, keep: &[SocketAddr]) {
        self.tcp.retain(|(a, ..)| keep.contains(a));
    }

    /// Keeps the `upgrade-socket` listener at `path` (its accept loop is `task`).
    pub(crate) fn set_upgrade(&mut self, path: String, fd: OwnedFd, task: Task<()>) {
        self.upgrade = Some(PathListener {
            path,
            fd: Some(fd),
            _task: task,
        });
    }

    /// Closes the upgrade socket, if any, and removes its file.
    pub(crate) fn close_upgrade(&mut self) {
        if let Some(u) = self.upgrade.take() {
            let path = u.path.clone();
            drop(u);
            let _ = std::fs::remove_file(path);
        }
    }

    /// Every socket, described for the new process (`tcp <addr>`, `unix <path>`,
    /// `upgrade <path>`), in the order of their descriptors.
    pub(crate) fn handover(&self) -> (Vec<String>, Vec<BorrowedFd<'_>>) {
        let mut names = Vec::new();
        let mut fds = Vec::new();
        for (addr, fd, _) in &self.tcp {
            names.push(format!("tcp {addr}"));
            fds.push(fd.as_fd());
        }
        for (kind, l) in [("unix", &self.unix), ("upgrade", &self.upgrade)] {
            if let Some((l, fd)) = l.as_ref().and_then(|l| Some((l, l.fd.as_ref()?))) {
                names.push(format!("{kind} {}", l.path));
                fds.push(fd.as_fd());
            }
        }
        (names, fds)
    }
}
