//! One connection: read a burst, run every complete request in it, write the replies once.

use core::cell::RefCell;
use std::rc::Rc;

use resp_codec::{RequestParser, Span, Status};
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::net::TcpStream;

use crate::client::Client;
use crate::clock;
use crate::dispatch;
use crate::reply::Reply;
use crate::server::Server;

/// How much room a read gets at least (Valkey's `PROTO_IOBUF_LEN`).
const READ_CHUNK: usize = 16 * 1024;

/// The query limit before authentication (Valkey: 1 MiB for unauthenticated clients).
const UNAUTHENTICATED_QUERY_LIMIT: u64 = 1024 * 1024;

/// The query buffer: `buf[start..end]` holds unparsed bytes; the rest of `buf` is free room.
struct Query {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Query {
    fn new() -> Self {
        Self {
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
        }
    }

    /// Makes at least [`READ_CHUNK`] bytes of room after `end`, keeping unparsed bytes. A request
    /// still arriving gets room for as much again as it has, so a large one is not re-parsed
    /// once per small read.
    fn make_room(&mut self) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.buf.len() > 4 * 1024 * 1024 {
                self.buf = vec![0; READ_CHUNK];
            }
        }
        let want = READ_CHUNK.max(self.end - self.start);
        if self.buf.len() - self.end >= want {
            return;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < want {
            let len = (self.end + want).max(self.buf.len() * 2);
            self.buf.resize(len, 0);
        }
    }
}

/// Calls `f` with the request's arguments as slices, on the stack for the usual short command.
fn with_argv<R>(request: &[u8], spans: &[Span], f: impl FnOnce(&[&[u8]]) -> R) -> R {
    const INLINE: usize = 16;
    if spans.len() <= INLINE {
        let mut argv: [&[u8]; INLINE] = [&[]; INLINE];
        for (slot, span) in argv.iter_mut().zip(spans) {
            *slot = span.of(request);
        }
        f(&argv[..spans.len()])
    } else {
        let argv: Vec<&[u8]> = spans.iter().map(|s| s.of(request)).collect();
        f(&argv)
    }
}

/// What woke the connection task.
enum Event {
    /// Bytes arrived.
    Read(usize),
    /// Pushes were queued for it, its pause ended, its blocking command was served, or it was
    /// killed.
    Woken,
    /// Its blocking command's timeout came.
    Timeout,
    /// The peer closed, or reading failed.
    Closed,
}

/// Serves one client until it disconnects, is killed, or asks to close.
pub(crate) async fn serve(
    shared: Rc<RefCell<Server>>,
    client: Rc<RefCell<Client>>,
    mut stream: TcpStream,
) {
    let id = client.borrow().id;
    let (wake_tx, wake_rx) = smol::channel::bounded(1);
    let mut query = Query::new();
    let mut out = Reply::new();
    let mut spans: Vec<Span> = Vec::new();
    // A request parsed but held back by CLIENT PAUSE: its length; `spans` still describes it.
    let mut parked: Option<usize> = None;
    let mut peak = 0;
    {
        let mut me = client.borrow_mut();
        me.qbuf = (0, query.buf.len());
        me.obuf = (0, out.buf.capacity(), 0);
        me.wake = Some(wake_tx);
    }
    loop {
        query.make_room();
        let blocked = client.borrow().blocked.as_ref().map(|b| b.deadline);
        let event = {
            let read = async {
                match stream.read(&mut query.buf[query.end..]).await {
                    Ok(0) | Err(_) => Event::Closed,
                    Ok(n) => Event::Read(n),
                }
            };
            let woken = async {
                match wake_rx.recv().await {
                    Ok(()) => Event::Woken,
                    Err(_) => Event::Closed,
                }
            };
            let timer = async {
                match blocked.flatten() {
                    Some(at) => {
                        let ms = at.saturating_sub(clock::unix_millis().0);
                        smol::Timer::after(core::time::Duration::from_millis(ms)).await;
                        Event::Timeout
                    }
                    None => core::future::pending().await,
                }
            };
            smol::future::or(smol::future::or(read, woken), timer).await
        };
        let read = match event {
            Event::Closed => break,
            Event::Read(n) => {
                query.end += n;
                n
            }
            Event::Woken => {
                if !shared.borrow().clients.contains_key(&id) {
                    break; // killed
                }
                0
            }
            Event::Timeout => {
                let mut server = shared.borrow_mut();
                let now = clock::unix_millis();
                crate::blocking::time_out(&mut server, &mut client.borrow_mut(), &mut out, now);
                0
            }
        };
        // Served, timed out or unblocked: the input buffered meanwhile runs now.
        let resumed = blocked.is_some() && client.borrow().blocked.is_none();
        let paused = {
            let me = client.borrow();
            me.paused || me.blocked.is_some()
        };
        let mut close = false;
        if paused {
            // Parked: input is buffered, not parsed, until the pause ends; the query buffer
            // limit still applies.
            let mut me = client.borrow_mut();
            me.net_in += read as u64;
            let mut server = shared.borrow_mut();
            server.stats.net_input_bytes += read as u64;
            let pending = (query.end - query.start) as u64;
            me.qbuf = (query.end - query.start, query.buf.len());
            if pending > server.settings.client_query_buffer_limit {
                server.log.warning(&format!(
                    "Closing client that reached max query buffer length: id={} addr={}",
                    me.id, me.addr
                ));
                server.stats.query_buffer_limit_disconnections += 1;
                break;
            }
        } else if read > 0 || parked.is_some() || resumed {
            close = process(
                &shared,
                &client,
                &mut query,
                &mut spans,
                &mut out,
                read,
                &mut parked,
            );
        }
        dispatch::take_pushes(&mut client.borrow_mut(), &mut out);
        if !out.buf.is_empty() {
            peak = peak.max(out.buf.len());
            {
                let mut me = client.borrow_mut();
                me.obuf = (out.buf.len(), out.buf.capacity(), peak);
                // Until written, pushes from other clients' commands queue behind this output.
                me.busy = true;
            }
            if stream.write_all(&out.buf).await.is_err() {
                break;
            }
            let written = out.buf.len() as u64;
            shared.borrow_mut().stats.net_output_bytes += written;
            let mut me = client.borrow_mut();
            me.busy = false;
            me.net_out += written;
            out.buf.clear();
            if out.buf.capacity() > 4 * 1024 * 1024 {
                out.buf = Vec::with_capacity(READ_CHUNK);
            }
            me.obuf = (0, out.buf.capacity(), peak);
        }
        if close {
            break;
        }
    }
    let _ = stream.flush().await;
    shared.borrow_mut().forget_client(id);
}

/// Runs every complete request in the query buffer, starting with a parked one; whether the
/// connection must close. Stops at a request CLIENT PAUSE holds back and parks the client.
fn process(
    shared: &Rc<RefCell<Server>>,
    client: &Rc<RefCell<Client>>,
    query: &mut Query,
    spans: &mut Vec<Span>,
    out: &mut Reply,
    read: usize,
    parked: &mut Option<usize>,
) -> bool {
    let mut server = shared.borrow_mut();
    let server = &mut *server;
    let mut me = client.borrow_mut();
    let me = &mut *me;
    let now = clock::unix_millis();
    me.last_interaction = now;
    me.net_in += read as u64;
    server.stats.net_input_bytes += read as u64;
    server.end_pause_if_due(now);
    let mut close = false;
    while !me.close_after_reply {
        let used = match parked.take() {
            Some(used) => used,
            None => {
                let parser = RequestParser::new()
                    .max_bulk_len(server.settings.proto_max_bulk_len)
                    .authenticated(!server.auth_required(me));
                match parser.parse(&mut query.buf[query.start..query.end], spans) {
                    Ok(Status::Partial) => break,
                    Ok(Status::Complete(used)) => used,
                    Err(e) => {
                        let mark = out.buf.len();
                        out.error_bytes(e.reply().as_bytes());
                        server.stats.error_replies += 1;
                        if me.reply_off || me.reply_skip {
                            out.buf.truncate(mark);
                        }
                        server.log.verbose(&format!(
                            "Protocol error ({}) from client: id={} addr={}",
                            String::from_utf8_lossy(e.reply().as_bytes()),
                            me.id,
                            me.addr
                        ));
                        me.close_after_reply = true;
                        continue;
                    }
                }
            }
        };
        let request = &query.buf[query.start..query.start + used];
        if let Some(first) = spans.first() {
            let name = first.of(request);
            if name.eq_ignore_ascii_case(b"post") || name.eq_ignore_ascii_case(b"host:") {
                server.log.warning(
                    "Possible SECURITY ATTACK detected. It looks like somebody is sending \
                     POST or Host: commands to Valkey. This is likely due to an attacker \
                     attempting to use Cross Protocol Scripting to compromise your Valkey \
                     instance. Connection aborted.",
                );
                close = true;
                break;
            }
            let wait = with_argv(request, spans, |argv| {
                if dispatch::must_wait(server, me, argv, now) {
                    return true;
                }
                dispatch::execute(server, me, argv, out, now);
                crate::blocking::serve_ready(server, now);
                false
            });
            if wait {
                *parked = Some(used);
                me.paused = true;
                server.pause.park(me.id);
                break;
            }
        }
        query.start += used;
        if me.blocked.is_some() {
            // Blocked: later input waits, buffered, until it is served or times out.
            break;
        }
    }
    let pending = query.end - query.start;
    let limit = if server.auth_required(me) {
        UNAUTHENTICATED_QUERY_LIMIT
    } else {
        server.settings.client_query_buffer_limit
    };
    if pending as u64 > limit && parked.is_none() {
        server.log.warning(&format!(
            "Closing client that reached max query buffer length: id={} addr={} (qbuf initial \
             bytes: {:?})",
            me.id,
            me.addr,
            String::from_utf8_lossy(&query.buf[query.start..query.start + pending.min(64)])
        ));
        server.stats.query_buffer_limit_disconnections += 1;
        out.buf.clear();
        close = true;
    }
    me.qbuf = (pending, query.buf.len());
    // The end of this client's turn: BCAST batches, then every delivery.
    server.changes.tracker.end_of_iteration();
    crate::tracking::deliver(server, me);
    // Other clients' pushes leave before this burst's replies, one write per client.
    crate::pubsub::send_pending(&server.clients, &mut server.pending_pushes);
    server.take_changes();
    close || me.close_after_reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_unparsed_bytes_when_making_room() {
        let mut q = Query::new();
        q.buf[..5].copy_from_slice(b"abcde");
        q.end = READ_CHUNK; // full
        q.start = 3;
        q.make_room();
        assert_eq!(q.start, 0);
        assert_eq!(&q.buf[..2], b"de");
        assert!(q.buf.len() - q.end >= READ_CHUNK);
    }

    #[test]
    fn argv_is_built_on_the_stack_or_the_heap() {
        let req = b"abcdefghijklmnopqrstuvwxyz";
        let few: Vec<Span> = (0..3).map(|i| Span::new(i, i + 1)).collect();
        assert_eq!(with_argv(req, &few, |a| a.concat()), b"abc");
        let many: Vec<Span> = (0..20).map(|i| Span::new(i, i + 1)).collect();
        assert_eq!(with_argv(req, &many, |a| a.len()), 20);
    }
}
