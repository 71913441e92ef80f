//! The running server's side: on a request at `upgrade-socket`, hand over the listening
//! sockets, hold writes, send the dataset, and wait for the new process to say READY. Until
//! READY nothing is given up: on any failure the hold ends and this process serves on.

use core::cell::RefCell;
use core::future::Future;
use std::os::unix::net::{UnixListener, UnixStream};
use std::rc::Rc;

use async_io::Async;
use smol::io::{AsyncReadExt, AsyncWriteExt};

use super::dump::Dump;
use super::{TIMEOUT, fds, wire};
use crate::clock;
use crate::listening::Listening;
use crate::server::Server;

/// Accepts upgrade connections and queues them for the serving loop (one at a time; a
/// second one waits for the first to end).
pub(crate) async fn accept_loop(
    shared: Rc<RefCell<Server>>,
    listener: Async<UnixListener>,
    requests: smol::channel::Sender<Async<UnixStream>>,
) {
    loop {
        match listener.read_with(UnixListener::accept).await {
            Ok((stream, _)) => match Async::new(stream) {
                Ok(conn) => {
                    if requests.send(conn).await.is_err() {
                        return;
                    }
                }
                Err(e) => shared
                    .borrow()
                    .log
                    .warning(&format!("Upgrade connection: {e}")),
            },
            Err(e) => shared
                .borrow()
                .log
                .warning(&format!("Accepting an upgrade connection: {e}")),
        }
    }
}

/// `fut`, or an error once [`TIMEOUT`] passed.
async fn timed<T>(what: &str, fut: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    let limit = async {
        smol::Timer::after(TIMEOUT).await;
        Err(format!(
            "the new process did not answer within {}s ({what})",
            TIMEOUT.as_secs()
        ))
    };
    smol::future::or(fut, limit).await
}

/// The next message from the new process.
async fn next(conn: &Async<UnixStream>, inbox: &mut wire::Inbox) -> Result<Vec<Vec<u8>>, String> {
    loop {
        if let Some(m) = inbox.take(wire::owned)? {
            return Ok(m);
        }
        let mut chunk = [0u8; 4096];
        let mut reader = conn;
        match reader.read(&mut chunk).await {
            Ok(0) => return Err("the new process closed the upgrade connection".into()),
            Ok(n) => inbox.feed(&chunk[..n]),
            Err(e) => return Err(format!("reading the upgrade connection: {e}")),
        }
    }
}

/// Whether `msg` is `UPGRADE <step> ...`.
fn is_step(msg: &[Vec<u8>], step: &[u8]) -> bool {
    msg.len() >= 2 && msg[0].eq_ignore_ascii_case(b"UPGRADE") && msg[1].eq_ignore_ascii_case(step)
}

/// Runs one hand-over on `conn`. `Ok` once the new process said READY: the caller stops
/// accepting, closes its clients and exits. `Err` (logged by the caller): nothing changed,
/// writes flow again.
///
/// # Errors
///
/// Why the hand-over did not happen.
pub(crate) async fn give(
    shared: &Rc<RefCell<Server>>,
    listening: &Listening,
    conn: Async<UnixStream>,
) -> Result<u64, String> {
    let log = shared.borrow().log.clone();
    let mut inbox = wire::Inbox::default();
    let hello = timed("request", next(&conn, &mut inbox)).await?;
    if !is_step(&hello, b"LISTENERS") {
        let mut refusal = Vec::new();
        wire::put(&mut refusal, &[b"-ERR unknown upgrade request"]);
        let mut writer = &conn;
        let _ = writer.write_all(&refusal).await;
        return Err("unknown upgrade request".into());
    }
    let version = hello
        .get(2)
        .map(|v| String::from_utf8_lossy(v).into_owned());
    log.notice(&format!(
        "Upgrade: a new process (version {}) takes over; handing over the listening sockets",
        version.as_deref().unwrap_or("?")
    ));
    {
        let (names, handed) = listening.handover();
        timed("sockets", fds::send(&conn, &names, &handed)).await?;
    }
    // The new process binds what else its configuration asks for and loads its modules.
    let ask = timed("dataset request", next(&conn, &mut inbox)).await?;
    if !is_step(&ask, b"DUMP") {
        return Err("unexpected upgrade request instead of DUMP".into());
    }
    shared.borrow_mut().hold_for_upgrade();
    log.notice("Upgrade: writes held; sending the dataset");
    let sent = async {
        let mut dump = Dump::default();
        let mut buf = Vec::new();
        while !dump.done() {
            buf.clear();
            dump.next_chunk(&mut shared.borrow_mut(), clock::unix_millis(), &mut buf)?;
            let mut writer = &conn;
            timed("dataset", async {
                writer
                    .write_all(&buf)
                    .await
                    .map_err(|e| format!("sending the dataset: {e}"))
            })
            .await?;
        }
        let ready = timed("READY", next(&conn, &mut inbox)).await?;
        if !is_step(&ready, b"READY") {
            return Err("unexpected upgrade message instead of READY".into());
        }
        Ok(dump.keys)
    }
    .await;
    if sent.is_err() {
        shared.borrow_mut().release_upgrade(clock::unix_millis());
    }
    sent
}
