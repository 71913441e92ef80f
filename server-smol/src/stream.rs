//! A client's socket: TCP or a Unix domain socket, non-blocking, read and written the same way.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;

/// A connected client socket.
#[derive(Debug)]
pub(crate) enum Stream {
    /// TCP (`bind`/`port`).
    Tcp(TcpStream),
    /// A Unix domain socket (`unixsocket`).
    Unix(UnixStream),
}

impl Stream {
    /// Reads what is there (non-blocking: `WouldBlock` if nothing).
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => (&*s).read(buf),
            Self::Unix(s) => (&*s).read(buf),
        }
    }

    /// Writes what the socket takes (non-blocking).
    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => (&*s).write(buf),
            Self::Unix(s) => (&*s).write(buf),
        }
    }

    /// Connected through the Unix socket (CLIENT LIST flag `U`).
    pub(crate) fn is_unix(&self) -> bool {
        matches!(self, Self::Unix(_))
    }

    /// Shuts down one or both directions; already closed is fine.
    pub(crate) fn shutdown(&self, how: Shutdown) {
        let _ = match self {
            Self::Tcp(s) => s.shutdown(how),
            Self::Unix(s) => s.shutdown(how),
        };
    }
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Self::Tcp(s) => s.as_fd(),
            Self::Unix(s) => s.as_fd(),
        }
    }
}
