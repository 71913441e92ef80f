//! One connected client's state, as the server and CLIENT LIST see it.

use std::collections::BTreeSet;
use std::net::Shutdown;
use std::rc::Rc;

use tracking_core::TrackingInfo;

use keyspace::Millis;
use resp_codec::Protocol;

use crate::io_loop::Io;
use crate::stream::Stream;

/// A connected client. The connection task owns the socket and buffers; this is what the rest
/// of the server may read or change (CLIENT KILL, CLIENT LIST, the timeout check).
#[derive(Debug)]
pub(crate) struct Client {
    /// CLIENT ID: from 1, never reused.
    pub(crate) id: u64,
    /// Peer address `ip:port` (`[ip]:port` for IPv6).
    pub(crate) addr: String,
    /// Local address, same form.
    pub(crate) laddr: String,
    /// The socket's file descriptor.
    pub(crate) fd: i64,
    /// CLIENT SETNAME; empty means none.
    pub(crate) name: Vec<u8>,
    /// CLIENT SETINFO LIB-NAME.
    pub(crate) lib_name: Vec<u8>,
    /// CLIENT SETINFO LIB-VER.
    pub(crate) lib_ver: Vec<u8>,
    /// Selected database.
    pub(crate) db: usize,
    /// Protocol chosen with HELLO.
    pub(crate) resp: Protocol,
    /// Authenticated as the default user (or no password was needed when it connected).
    pub(crate) authenticated: bool,
    /// CLIENT REPLY OFF.
    pub(crate) reply_off: bool,
    /// CLIENT REPLY SKIP was the last command: the next reply is dropped.
    pub(crate) reply_skip_next: bool,
    /// The reply of the command running now is dropped.
    pub(crate) reply_skip: bool,
    /// Close once the pending replies are written (QUIT, a protocol error, CLIENT KILL of self).
    pub(crate) close_after_reply: bool,
    /// CLIENT NO-EVICT.
    pub(crate) no_evict: bool,
    /// CLIENT NO-TOUCH.
    pub(crate) no_touch: bool,
    /// When it connected (Unix ms).
    pub(crate) created: Millis,
    /// Last time it sent something (Unix ms).
    pub(crate) last_interaction: Millis,
    /// Full name of the last command (`client|list`), if any.
    pub(crate) last_cmd: Option<&'static str>,
    /// Bytes read from it.
    pub(crate) net_in: u64,
    /// Bytes written to it.
    pub(crate) net_out: u64,
    /// Commands it ran.
    pub(crate) commands: u64,
    /// Unparsed query bytes and the query buffer's capacity.
    pub(crate) qbuf: (usize, usize),
    /// Output bytes not yet written, and the output buffer's capacity and peak.
    pub(crate) obuf: (usize, usize, usize),
    /// Bytes of the arguments of the command running now.
    pub(crate) argv_mem: usize,
    /// The socket, kept to close it from elsewhere (CLIENT KILL, timeout, shutdown).
    pub(crate) stream: Option<Rc<Stream>>,
    /// Out-of-band bytes for this connection (invalidation pushes, Pub/Sub messages, the reply
    /// of a served blocking command) not yet moved to its output buffer.
    pub(crate) pushes: Vec<u8>,
    /// The event loop, told when `pushes` grew, its pause ended or it was served or killed.
    pub(crate) io: Option<Rc<Io>>,
    /// Parked by CLIENT PAUSE: its next command waits for the pause to end.
    pub(crate) paused: bool,
    /// Channels it is subscribed to.
    pub(crate) channels: BTreeSet<Vec<u8>>,
    /// Patterns it is subscribed to.
    pub(crate) patterns: BTreeSet<Vec<u8>>,
    /// Shard channels it is subscribed to (SSUBSCRIBE).
    pub(crate) shard_channels: BTreeSet<Vec<u8>>,
    /// Inside MULTI: the queued transaction.
    pub(crate) multi: Option<crate::multi::Queue>,
    /// Blocked by BLPOP and the like: what it waits for.
    pub(crate) blocked: Option<crate::blocking::Blocked>,
    /// In MONITOR mode.
    pub(crate) monitor: bool,
    /// Its blocked command is running again to be served (MONITOR shows it only once).
    pub(crate) reprocessing: bool,
    /// Running the commands of its EXEC (Valkey's `CLIENT_DENY_BLOCKING` there).
    pub(crate) in_exec: bool,
}

impl Client {
    /// A new client connected at `now`.
    pub(crate) fn new(id: u64, now: Millis, authenticated: bool) -> Self {
        Self {
            id,
            addr: String::new(),
            laddr: String::new(),
            fd: -1,
            name: Vec::new(),
            lib_name: Vec::new(),
            lib_ver: Vec::new(),
            db: 0,
            resp: Protocol::Resp2,
            authenticated,
            reply_off: false,
            reply_skip_next: false,
            reply_skip: false,
            close_after_reply: false,
            no_evict: false,
            no_touch: false,
            created: now,
            last_interaction: now,
            last_cmd: None,
            net_in: 0,
            net_out: 0,
            commands: 0,
            qbuf: (0, 0),
            obuf: (0, 0, 0),
            argv_mem: 0,
            stream: None,
            pushes: Vec::new(),
            io: None,
            paused: false,
            channels: BTreeSet::new(),
            patterns: BTreeSet::new(),
            shard_channels: BTreeSet::new(),
            multi: None,
            blocked: None,
            monitor: false,
            reprocessing: false,
            in_exec: false,
        }
    }

    /// Subscribed to at least one channel or pattern (Pub/Sub mode).
    pub(crate) fn subscribed(&self) -> bool {
        !self.channels.is_empty() || !self.patterns.is_empty() || !self.shard_channels.is_empty()
    }

    /// Tells the event loop to look at this connection in the current iteration: it moves
    /// the pushes to the output (written once, with everything else, at the iteration's end),
    /// resumes after a pause or a served blocking command, or closes if the client was killed.
    pub(crate) fn wake(&self) {
        if let Some(io) = &self.io {
            io.wake(self.id);
        }
    }

    /// Queued pushes go out at the end of this event-loop iteration, before the replies of the
    /// connection whose command caused them (that one is flushed after it ran).
    pub(crate) fn send_pushes(&mut self) {
        if !self.pushes.is_empty() {
            self.wake();
        }
    }

    /// The client's RESP3-ness, for pushes.
    pub(crate) fn resp3(&self) -> bool {
        self.resp == Protocol::Resp3
    }

    /// Closes the socket: the connection task sees end of input and cleans up.
    pub(crate) fn disconnect(&self) {
        if let Some(s) = &self.stream {
            s.shutdown(Shutdown::Both);
        }
    }

    /// Stops reading: the task writes what is pending, then ends (graceful shutdown).
    pub(crate) fn stop_reading(&self) {
        if let Some(s) = &self.stream {
            s.shutdown(Shutdown::Read);
        }
    }

    /// Seconds since it connected.
    pub(crate) fn age(&self, now: Millis) -> u64 {
        now.0.saturating_sub(self.created.0) / 1000
    }

    /// Seconds since it last sent something.
    pub(crate) fn idle(&self, now: Millis) -> u64 {
        now.0.saturating_sub(self.last_interaction.0) / 1000
    }

    /// The flag letters of CLIENT LIST in Valkey's order, `N` for none.
    fn flags(&self, tracking: &TrackingInfo<'_>, dirty_cas: bool) -> String {
        let mut f = String::new();
        if self.monitor {
            f.push('O');
        }
        if self.subscribed() {
            f.push('P');
        }
        if self.multi.is_some() {
            f.push('x');
        }
        if self.paused || self.blocked.is_some() {
            f.push('b');
        }
        f.extend(tracking.client_list_flags());
        if dirty_cas {
            f.push('d');
        }
        if self.close_after_reply {
            f.push('c');
        }
        if self.stream.as_deref().is_some_and(Stream::is_unix) {
            f.push('U');
        }
        if self.no_evict {
            f.push('e');
        }
        if self.no_touch {
            f.push('T');
        }
        if f.is_empty() {
            f.push('N');
        }
        f
    }

    /// One CLIENT LIST / CLIENT INFO line, newline included, with Valkey 8's fields in order.
    /// `watches` has what WATCH knows of it.
    pub(crate) fn info_line(
        &self,
        now: Millis,
        tracking: &TrackingInfo<'_>,
        watches: &crate::multi::Watches,
        out: &mut Vec<u8>,
    ) {
        use std::io::Write;
        let (obl, ocap, opeak) = self.obuf;
        let watched = watches.count(self.id);
        let dirty = watches.is_dirty(self.id);
        // A touched watch drops the queue (Valkey frees it at once; here the client's next
        // command does).
        let multi = match &self.multi {
            None => -1,
            Some(_) if dirty => 0,
            Some(q) => i64::try_from(q.commands.len()).unwrap_or(i64::MAX),
        };
        // Valkey's `multiStateMemOverhead`: queued arguments, watch entries, the queue's slots.
        let multi_mem = self.multi.as_ref().filter(|_| !dirty).map_or(0, |q| {
            q.mem + q.commands.capacity() * size_of::<Vec<Vec<u8>>>()
        }) + watched * 48;
        let tot_mem = self.qbuf.1 + ocap + self.argv_mem + multi_mem + size_of::<Self>();
        let events = if obl > 0 { "rw" } else { "r" };
        let _ = write!(
            out,
            "id={} addr={} laddr={} fd={} name=",
            self.id, self.addr, self.laddr, self.fd
        );
        out.extend_from_slice(&self.name);
        let _ = write!(
            out,
            " age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={multi} watch={watched} \
             qbuf={} qbuf-free={} argv-mem={} multi-mem={multi_mem} rbs={ocap} rbp={opeak} obl={obl} oll=0 \
             omem={obl} tot-mem={tot_mem} events={events} cmd={} user=default redir={} resp={} \
             lib-name=",
            self.age(now),
            self.idle(now),
            self.flags(tracking, dirty),
            self.db,
            self.channels.len(),
            self.patterns.len(),
            self.shard_channels.len(),
            self.qbuf.0,
            self.qbuf.1 - self.qbuf.0,
            self.argv_mem,
            self.last_cmd.unwrap_or("NULL"),
            tracking.redirect,
            match self.resp {
                Protocol::Resp2 => 2,
                Protocol::Resp3 => 3,
            },
        );
        out.extend_from_slice(&self.lib_name);
        out.extend_from_slice(b" lib-ver=");
        out.extend_from_slice(&self.lib_ver);
        let _ = writeln!(
            out,
            " tot-net-in={} tot-net-out={} tot-cmds={}",
            self.net_in, self.net_out, self.commands
        );
    }
}

/// Whether `name` may be a client name or SETINFO value: bytes `!`..=`~` only.
pub(crate) fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|b| (b'!'..=b'~').contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_line_has_every_field_in_order() {
        let mut c = Client::new(7, Millis(1_000), true);
        c.addr = "127.0.0.1:5000".into();
        c.laddr = "127.0.0.1:6379".into();
        c.fd = 9;
        c.name = b"app".to_vec();
        c.no_touch = true;
        c.last_cmd = Some("client|list");
        let mut line = Vec::new();
        let tracker = tracking_core::Tracker::new();
        let off = tracker.tracking_info(tracking_core::ClientId::new(7).expect("id"));
        c.info_line(
            Millis(4_500),
            &off,
            &crate::multi::Watches::default(),
            &mut line,
        );
        let line = String::from_utf8(line).expect("utf8");
        let keys: Vec<&str> = line
            .trim_end()
            .split(' ')
            .map(|kv| kv.split('=').next().unwrap_or(""))
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "addr",
                "laddr",
                "fd",
                "name",
                "age",
                "idle",
                "flags",
                "db",
                "sub",
                "psub",
                "ssub",
                "multi",
                "watch",
                "qbuf",
                "qbuf-free",
                "argv-mem",
                "multi-mem",
                "rbs",
                "rbp",
                "obl",
                "oll",
                "omem",
                "tot-mem",
                "events",
                "cmd",
                "user",
                "redir",
                "resp",
                "lib-name",
                "lib-ver",
                "tot-net-in",
                "tot-net-out",
                "tot-cmds"
            ]
        );
        assert!(line.starts_with(
            "id=7 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=9 name=app age=3 idle=3 flags=T db=0"
        ));
        assert!(line.ends_with("\n"));
        assert!(line.contains(" cmd=client|list user=default redir=-1 resp=2 "));
    }

    #[test]
    fn names_are_printable_ascii_without_spaces() {
        assert!(valid_name(b"my-app_1"));
        assert!(valid_name(b""));
        assert!(!valid_name(b"a b"));
        assert!(!valid_name(b"a\nb"));
        assert!(!valid_name("é".as_bytes()));
    }
}
