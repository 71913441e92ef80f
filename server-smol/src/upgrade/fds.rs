//! Listening sockets passed between the processes as `SCM_RIGHTS`, with a message naming each
//! one (`tcp <addr>`, `unix <path>`, `upgrade <path>`) in descriptor order.

use core::mem::MaybeUninit;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;

use async_io::Async;
use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};
use smol::io::AsyncWriteExt;

use super::wire;

/// At most this many sockets are handed over (Pingora's limit too).
pub(crate) const MAX_FDS: usize = 32;

/// Sends `fds` with their `names` (one message), then whatever of it the first `sendmsg` did
/// not take.
///
/// # Errors
///
/// Too many sockets, or the connection failed.
pub(crate) async fn send(
    conn: &Async<UnixStream>,
    names: &[String],
    fds: &[BorrowedFd<'_>],
) -> Result<(), String> {
    if fds.len() > MAX_FDS {
        return Err(format!(
            "{} listening sockets: at most {MAX_FDS} can be handed over",
            fds.len()
        ));
    }
    let mut msg = Vec::new();
    let args: Vec<&[u8]> = names.iter().map(String::as_bytes).collect();
    wire::put(&mut msg, &args);
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_FDS))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(fds)) {
        return Err("the descriptors do not fit the control message".into());
    }
    let sent = conn
        .write_with(|s| {
            rustix::net::sendmsg(s, &[IoSlice::new(&msg)], &mut control, SendFlags::empty())
                .map_err(std::io::Error::from)
        })
        .await
        .map_err(|e| format!("sending the listening sockets: {e}"))?;
    let mut writer = conn;
    writer
        .write_all(&msg[sent..])
        .await
        .map_err(|e| format!("sending the listening sockets: {e}"))
}

/// Receives the sockets and their names (blocking); bytes read past the message go to
/// `inbox`.
///
/// # Errors
///
/// The connection failed or closed, or the message is malformed or does not match the
/// descriptors.
pub(crate) fn recv(
    conn: &mut UnixStream,
    inbox: &mut wire::Inbox,
) -> Result<Vec<(String, OwnedFd)>, String> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_FDS))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut buf = vec![0u8; 64 * 1024];
    let got = loop {
        match rustix::net::recvmsg(
            &*conn,
            &mut [IoSliceMut::new(&mut buf)],
            &mut control,
            RecvFlags::CMSG_CLOEXEC,
        ) {
            Ok(got) => break got,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(format!("receiving the listening sockets: {e}")),
        }
    };
    if got.bytes == 0 {
        return Err("the running server closed the upgrade connection".into());
    }
    let mut fds = Vec::new();
    for m in control.drain() {
        if let RecvAncillaryMessage::ScmRights(rights) = m {
            fds.extend(rights);
        }
    }
    if got.flags.contains(rustix::net::ReturnFlags::CTRUNC) {
        return Err("too many listening sockets were handed over".into());
    }
    inbox.feed(&buf[..got.bytes]);
    let names = inbox.next_blocking(conn, wire::owned)?;
    if names.first().is_some_and(|n| n.first() == Some(&b'-')) {
        return Err(String::from_utf8_lossy(&names[0][1..]).into_owned());
    }
    if names.len() != fds.len() {
        return Err(format!(
            "{} listening sockets named but {} received",
            names.len(),
            fds.len()
        ));
    }
    Ok(names
        .into_iter()
        .map(|n| String::from_utf8_lossy(&n).into_owned())
        .zip(fds)
        .collect())
}
