//! One connection: its buffers, reading a burst, running every complete request in it, and
//! writing its output (the event loop in [`crate::io_loop`] decides when).

use core::cell::RefCell;
use std::rc::Rc;

use std::io::ErrorKind;

use keyspace::Millis;
use resp_codec::{RequestParser, Span, Status};

use crate::client::Client;
use crate::clock;
use crate::dispatch;
use crate::reply::Reply;
use crate::server::Server;
use crate::stream::Stream;

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

/// How much of its output a connection's socket took.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Flushed {
    /// Everything: the output buffer is empty.
    All,
    /// Part (or none): the rest waits for the socket to be writable.
    Partial,
    /// Writing failed: the connection is gone.
    Failed,
}

/// One client connection as the event loop holds it: the socket, the query and output
/// buffers, and a request held back by CLIENT PAUSE.
pub(crate) struct Conn {
    pub(crate) client: Rc<RefCell<Client>>,
    pub(crate) stream: Rc<Stream>,
    query: Query,
    out: Reply,
    /// Bytes of `out` already written.
    sent: usize,
    spans: Vec<Span>,
    /// A request parsed but held back by CLIENT PAUSE: its length; `spans` still describes it.
    parked: Option<usize>,
    peak: usize,
    /// In the loop's list of connections to write this iteration.
    pub(crate) dirty: bool,
    /// Registered for writability (the socket did not take all the output).
    pub(crate) want_write: bool,
    /// Closes once its output is written (QUIT, a protocol error, a limit).
    pub(crate) closing: bool,
    /// When its unwritten output went over the soft `client-output-buffer-limit` (Unix s).
    soft_since: Option<u64>,
}

impl Conn {
    /// A new connection for `client` on `stream` (non-blocking).
    pub(crate) fn new(client: Rc<RefCell<Client>>, stream: Rc<Stream>) -> Self {
        let query = Query::new();
        let out = Reply::new();
        {
            let mut me = client.borrow_mut();
            me.qbuf = (0, query.buf.len());
            me.obuf = (0, out.buf.capacity(), 0);
        }
        Self {
            client,
            stream,
            query,
            out,
            sent: 0,
            spans: Vec::new(),
            parked: None,
            peak: 0,
            dirty: false,
            want_write: false,
            closing: false,
            soft_since: None,
        }
    }

    /// Reads what the socket has (once): the byte count, `Some(0)` at end of input or on an
    /// error, `None` if nothing was there.
    pub(crate) fn read(&mut self) -> Option<usize> {
        self.query.make_room();
        match self.stream.read(&mut self.query.buf[self.query.end..]) {
            Ok(n) => {
                self.query.end += n;
                Some(n)
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {
                None
            }
            Err(_) => Some(0),
        }
    }

    /// The deadline of the blocking command this client waits in, if any.
    pub(crate) fn deadline(&self) -> Option<u64> {
        self.client
            .borrow()
            .blocked
            .as_ref()
            .and_then(|b| b.deadline)
    }

    /// Ends the client's blocking command if its deadline has passed at `now`.
    pub(crate) fn time_out(&mut self, shared: &Rc<RefCell<Server>>, now: Millis) {
        let mut server = shared.borrow_mut();
        crate::blocking::time_out(
            &mut server,
            &mut self.client.borrow_mut(),
            &mut self.out,
            now,
        );
    }

    /// Moves the client's pushes to the output, then runs whatever complete requests are
    /// buffered (`read` of them just arrived) unless a pause or a blocking command holds the
    /// client; whether the connection must close once its output is written.
    pub(crate) fn advance(&mut self, shared: &Rc<RefCell<Server>>, read: usize) -> bool {
        // Pushes queued before these requests run leave before their replies.
        dispatch::take_pushes(&mut self.client.borrow_mut(), &mut self.out);
        let held = {
            let me = self.client.borrow();
            me.paused || me.blocked.is_some()
        };
        let mut close = false;
        if held {
            // Parked: input is buffered, not parsed, until the pause ends; the query buffer
            // limit still applies.
            let mut me = self.client.borrow_mut();
            me.net_in += read as u64;
            let mut server = shared.borrow_mut();
            server.stats.net_input_bytes += read as u64;
            let pending = (self.query.end - self.query.start) as u64;
            me.qbuf = (self.query.end - self.query.start, self.query.buf.len());
            if pending > server.settings.client_query_buffer_limit {
                server.log.warning(&format!(
                    "Closing client that reached max query buffer length: id={} addr={}",
                    me.id, me.addr
                ));
                server.stats.query_buffer_limit_disconnections += 1;
                self.out.buf.truncate(self.sent);
                close = true;
            }
        } else if read > 0 || self.parked.is_some() || self.query.start < self.query.end {
            close = process(
                shared,
                &self.client,
                &mut self.query,
                &mut self.spans,
                &mut self.out,
                read,
                &mut self.parked,
            );
        }
        // Its own invalidations (and a served command's reply) follow its replies.
        dispatch::take_pushes(&mut self.client.borrow_mut(), &mut self.out);
        close
    }

    /// Writes the pending output (with any pushes queued since); how much the socket took.
    pub(crate) fn flush(&mut self, shared: &Rc<RefCell<Server>>) -> Flushed {
        let mut me = self.client.borrow_mut();
        dispatch::take_pushes(&mut me, &mut self.out);
        self.peak = self.peak.max(self.out.buf.len());
        let mut written = 0;
        let mut result = Flushed::All;
        while self.sent < self.out.buf.len() {
            match self.stream.write(&self.out.buf[self.sent..]) {
                Ok(0) => {
                    result = Flushed::Failed;
                    break;
                }
                Ok(n) => {
                    self.sent += n;
                    written += n;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    result = Flushed::Partial;
                    break;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    result = Flushed::Failed;
                    break;
                }
            }
        }
        if written > 0 {
            shared.borrow_mut().stats.net_output_bytes += written as u64;
            me.net_out += written as u64;
        }
        if result == Flushed::All {
            self.out.buf.clear();
            self.sent = 0;
            if self.out.buf.capacity() > 4 * 1024 * 1024 {
                self.out.buf = Vec::with_capacity(READ_CHUNK);
            }
        } else if self.sent > READ_CHUNK && self.sent * 2 > self.out.buf.len() {
            // Most of it is written: drop that part instead of growing the buffer.
            self.out.buf.drain(..self.sent);
            self.sent = 0;
        }
        me.obuf = (
            self.out.buf.len() - self.sent,
            self.out.buf.capacity(),
            self.peak,
        );
        let used = (self.out.buf.len() - self.sent) as u64;
        if over_limit(shared, &me, used, &mut self.soft_since) {
            return Flushed::Failed;
        }
        result
    }
}

/// Whether `used` bytes of output still waiting put `me` over its `client-output-buffer-limit`;
/// if so it is logged and counted, and the caller closes it.
fn over_limit(
    shared: &Rc<RefCell<Server>>,
    me: &Client,
    used: u64,
    soft_since: &mut Option<u64>,
) -> bool {
    if used == 0 {
        *soft_since = None;
        return false;
    }
    let mut server = shared.borrow_mut();
    let now = clock::unix_millis();
    let limits = server.settings.client_output_buffer_limit;
    if !limits.exceeded(me.subscribed(), used, now.0 / 1000, soft_since) {
        return false;
    }
    let mut line = Vec::new();
    let tracking = server
        .changes
        .tracker
        .tracking_info(tracking_core::ClientId::new(me.id).expect("client ids start at 1"));
    me.info_line(now, &tracking, &server.changes.watches, &mut line);
    let line = String::from_utf8_lossy(&line);
    server.log.warning(&format!(
        "Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
        line.trim_end()
    ));
    server.stats.output_buffer_limit_disconnections += 1;
    true
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
    crate::commandstats::start_burst(server);
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
                        server.cmdstats.take_errors(out, &server.log);
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
    crate::commandstats::end_burst(server);
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
