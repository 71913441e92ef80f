//! The binary upgrade: a new process takes over from a running one with no connection
//! refused and no acknowledged write lost.
//!
//! The running server listens on `upgrade-socket` (a Unix socket, mode 0600). The new one is
//! started with the same configuration plus `--upgrade`; it validates its configuration, then
//! connects there. The conversation, every message a RESP multibulk ([`wire`]):
//!
//! 1. `UPGRADE LISTENERS <version>`: the running server answers with its listening sockets
//!    (`SCM_RIGHTS`) and a message naming them ([`fds`]); it keeps accepting. The new process
//!    keeps the ones its configuration still names, binds the others, loads its modules.
//! 2. `UPGRADE DUMP`: the running server holds writes (as CLIENT PAUSE WRITE, which CLIENT
//!    UNPAUSE cannot lift; reads go on, expiry waits) and sends every key as the commands
//!    that rebuild it ([`dump`]), then `UPGRADE END <keys>`.
//! 3. `UPGRADE READY`: the new process has loaded the dataset and accepts on the shared
//!    sockets. The old one stops accepting, lets its clients take their last replies and
//!    closes them (held writes never ran: their clients reconnect and retry on the new
//!    process), then exits leaving the pid file and socket files to the new process.
//!
//! A failure anywhere before READY (the new process exits, times out, or cannot load the
//! dataset) ends the hold and the running server goes on as before; unlike Pingora, a failed
//! hand-over never takes the old process down. Connections themselves are not moved, as in
//! Pingora, Envoy and nginx.

mod dump;
mod fds;
mod give;
mod take;
mod wire;

use core::time::Duration;

pub(crate) use give::{accept_loop, give};
pub(crate) use take::{Handed, Takeover};

/// How long either side waits for the other at each step.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(60);
