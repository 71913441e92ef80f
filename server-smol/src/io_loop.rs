//! The data thread's event loop, as Valkey's `ae`: every client socket is registered once,
//! level-triggered, in one epoll set; each iteration waits once, reads every ready connection
//! once and runs what it read, then writes every connection's output once (replies, and the
//! pushes other clients' commands queued for it, in one write).
//!
//! smol's executor runs alongside for everything that is not a client socket (listeners, the
//! timer, signals, reloads, shutdown): it is polled every iteration, and a task woken from
//! another thread (async-io's reactor thread fires timers and signals) wakes the loop through
//! an eventfd. async-io's own reactor re-arms a one-shot registration and a timerfd on every
//! wait, several syscalls per request batch that this loop does not make.

use core::cell::RefCell;
use core::future::Future;
use core::pin::pin;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Poll, Waker};
use std::collections::{BTreeSet, HashMap};
use std::os::fd::OwnedFd;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Wake;

use rustix::buffer::spare_capacity;
use rustix::event::epoll::{self, CreateFlags, Event, EventData, EventFlags};
use rustix::event::{EventfdFlags, Timespec, eventfd};
use smol::{LocalExecutor, Task};

use crate::client::Client;
use crate::clock;
use crate::conn::{Conn, Flushed};
use crate::server::Server;
use crate::stream::Stream;

/// The epoll key of the eventfd (client ids start at 1 and never reach it).
const NOTIFY_KEY: u64 = u64::MAX;

/// Most events taken from one wait.
const MAX_EVENTS: usize = 1024;

/// A connection accepted and registered as a client, not yet served.
type Accepted = (Rc<RefCell<Client>>, Rc<Stream>);

/// What the rest of the server hands the loop: clients to look at in this iteration, and
/// accepted connections to adopt. Shared (`Rc`) by the server state and every client.
#[derive(Debug, Default)]
pub(crate) struct Io {
    woken: RefCell<Vec<u64>>,
    accepted: RefCell<Vec<Accepted>>,
}

impl Io {
    /// Client `id` has pushes, was unpaused, served, unblocked or killed.
    pub(crate) fn wake(&self, id: u64) {
        self.woken.borrow_mut().push(id);
    }

    /// A new connection, already in the client table, for the loop to serve.
    pub(crate) fn adopt(&self, client: Rc<RefCell<Client>>, stream: Rc<Stream>) {
        self.accepted.borrow_mut().push((client, stream));
    }
}

/// Wakes the loop from its wait when an executor task is scheduled.
#[derive(Debug)]
struct Notify {
    fd: OwnedFd,
    /// The loop is in (or about to enter) its wait: a wake must write the eventfd.
    sleeping: AtomicBool,
    /// A task was scheduled since the loop last looked: do not block.
    pending: AtomicBool,
}

impl Wake for Notify {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.pending.store(true, Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            // A full counter (never, in practice) still leaves the fd readable.
            let _ = rustix::io::write(&self.fd, &1u64.to_ne_bytes());
        }
    }
}

/// The loop's state: the epoll set, the connections and what this iteration must do.
pub(crate) struct Loop {
    epoll: OwnedFd,
    notify: Arc<Notify>,
    io: Rc<Io>,
    shared: Rc<RefCell<Server>>,
    conns: HashMap<u64, Conn>,
    /// Connections whose output must be written at the end of the iteration, in the order
    /// they got something to write.
    dirty: Vec<u64>,
    /// The same for connections woken by another client's command (its invalidations and
    /// messages for them): written before `dirty`, so a push leaves before the reply of the
    /// command that caused it, and a client that saw that reply then finds it waiting.
    woken_dirty: Vec<u64>,
    /// Blocked clients' deadlines: (Unix ms, client id). Stale entries are skipped.
    timers: BTreeSet<(u64, u64)>,
    events: Vec<Event>,
}

impl Loop {
    /// A loop for `shared`, whose [`Io`] it serves.
    pub(crate) fn new(shared: Rc<RefCell<Server>>) -> std::io::Result<Self> {
        let epoll = epoll::create(CreateFlags::CLOEXEC)?;
        let fd = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        epoll::add(&epoll, &fd, EventData::new_u64(NOTIFY_KEY), EventFlags::IN)?;
        let io = Rc::clone(&shared.borrow().io);
        Ok(Self {
            epoll,
            notify: Arc::new(Notify {
                fd,
                sleeping: AtomicBool::new(false),
                pending: AtomicBool::new(false),
            }),
            io,
            shared,
            conns: HashMap::new(),
            dirty: Vec::new(),
            woken_dirty: Vec::new(),
            timers: BTreeSet::new(),
            events: Vec::with_capacity(MAX_EVENTS),
        })
    }

    /// Serves connections and runs `ex`'s tasks until `main` finishes; its output.
    pub(crate) fn run<T>(mut self, ex: &LocalExecutor<'static>, main: Task<T>) -> T {
        let waker = Waker::from(Arc::clone(&self.notify));
        let mut cx = Context::from_waker(&waker);
        let mut tasks = pin!(ex.run(core::future::pending::<()>()));
        let mut main = pin!(main);
        loop {
            let _ = tasks.as_mut().poll(&mut cx);
            if let Poll::Ready(out) = main.as_mut().poll(&mut cx) {
                return out;
            }
            self.adopt();
            self.drain_wakes();
            self.fire_timers();
            self.flush();
            self.wait();
        }
    }

    /// Waits for sockets, the eventfd or the next deadline, then serves what is ready.
    fn wait(&mut self) {
        self.notify.sleeping.store(true, Ordering::SeqCst);
        let busy = self.notify.pending.swap(false, Ordering::SeqCst);
        let timeout = if busy {
            Some(Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            })
        } else {
            self.timers.first().map(|&(at, _)| {
                let ms = at.saturating_sub(clock::unix_millis().0).min(60_000);
                Timespec {
                    tv_sec: i64::try_from(ms / 1000).unwrap_or(60),
                    tv_nsec: i64::try_from((ms % 1000) * 1_000_000).unwrap_or(0),
                }
            })
        };
        self.events.clear();
        let waited = epoll::wait(
            &self.epoll,
            spare_capacity(&mut self.events),
            timeout.as_ref(),
        );
        self.notify.sleeping.store(false, Ordering::SeqCst);
        if waited.is_err() {
            return; // EINTR: the next iteration looks again
        }
        let events = core::mem::take(&mut self.events);
        for ev in &events {
            let (key, flags) = (ev.data.u64(), ev.flags);
            if key == NOTIFY_KEY {
                let mut buf = [0u8; 8];
                let _ = rustix::io::read(&self.notify.fd, &mut buf);
                continue;
            }
            if flags.contains(EventFlags::OUT) {
                self.mark_dirty(key);
            }
            if flags.intersects(EventFlags::IN | EventFlags::HUP | EventFlags::ERR) {
                self.readable(key);
            }
            self.drain_wakes();
        }
        self.events = events;
    }

    /// Registers the connections accepted since the last iteration.
    fn adopt(&mut self) {
        let accepted = core::mem::take(&mut *self.io.accepted.borrow_mut());
        for (client, stream) in accepted {
            let id = client.borrow().id;
            if epoll::add(
                &self.epoll,
                &*stream,
                EventData::new_u64(id),
                EventFlags::IN,
            )
            .is_err()
            {
                self.shared.borrow_mut().forget_client(id);
                continue;
            }
            self.conns.insert(id, Conn::new(client, stream));
        }
    }

    /// Reads once from a ready connection and runs the requests it completed.
    fn readable(&mut self, id: u64) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        match conn.read() {
            Some(0) => {
                // The peer closed (or shutdown stopped reading): what is written is written.
                let _ = conn.flush(&self.shared);
                self.close(id);
            }
            Some(n) => self.advance(id, n),
            None => {}
        }
    }

    /// Runs what connection `id` has buffered (after `read` new bytes), then queues its output.
    fn advance(&mut self, id: u64, read: usize) {
        self.advance_into(id, read, false);
    }

    /// [`Self::advance`], queuing the output ahead of the bursts' when `woken`.
    fn advance_into(&mut self, id: u64, read: usize, woken: bool) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        if conn.advance(&self.shared, read) {
            conn.closing = true;
        }
        if let Some(at) = conn.deadline() {
            self.timers.insert((at, id));
        }
        if woken {
            self.mark_woken(id);
        } else {
            self.mark_dirty(id);
        }
    }

    /// Looks at every woken client: killed ones close, the others take their pushes and run
    /// any input a pause or a blocking command held back.
    fn drain_wakes(&mut self) {
        loop {
            let woken = core::mem::take(&mut *self.io.woken.borrow_mut());
            if woken.is_empty() {
                return;
            }
            for id in woken {
                if !self.conns.contains_key(&id) {
                    continue;
                }
                if !self.shared.borrow().clients.contains_key(&id) {
                    self.close(id); // killed
                    continue;
                }
                self.advance_into(id, 0, true);
            }
        }
    }

    /// Times out the blocked clients whose deadline came.
    fn fire_timers(&mut self) {
        let now = clock::unix_millis();
        while let Some(&(at, id)) = self.timers.first() {
            if at > now.0 {
                break;
            }
            self.timers.pop_first();
            if let Some(conn) = self.conns.get_mut(&id) {
                conn.time_out(&self.shared, now);
                self.advance(id, 0);
            }
        }
        self.drain_wakes();
    }

    fn mark_dirty(&mut self, id: u64) {
        if let Some(conn) = self.conns.get_mut(&id)
            && !conn.dirty
        {
            conn.dirty = true;
            self.dirty.push(id);
        }
    }

    /// [`Self::mark_dirty`] for a woken connection (written first).
    fn mark_woken(&mut self, id: u64) {
        if let Some(conn) = self.conns.get_mut(&id)
            && !conn.dirty
        {
            conn.dirty = true;
            self.woken_dirty.push(id);
        }
    }

    /// Writes every dirty connection's output: the woken ones first, then the others, each
    /// group in the order they got something; one write each unless the socket takes less
    /// (then the rest waits for it to be writable).
    fn flush(&mut self) {
        let woken = core::mem::take(&mut self.woken_dirty);
        let dirty = core::mem::take(&mut self.dirty);
        for id in woken.into_iter().chain(dirty) {
            let Some(conn) = self.conns.get_mut(&id) else {
                continue;
            };
            conn.dirty = false;
            match conn.flush(&self.shared) {
                Flushed::Failed => self.close(id),
                Flushed::All if conn.closing => self.close(id),
                Flushed::All => {
                    if conn.want_write {
                        conn.want_write = false;
                        let _ = epoll::modify(
                            &self.epoll,
                            &*conn.stream,
                            EventData::new_u64(id),
                            EventFlags::IN,
                        );
                    }
                }
                Flushed::Partial => {
                    // A closing connection reads no more: only its output matters.
                    let flags = if conn.closing {
                        EventFlags::OUT
                    } else {
                        EventFlags::IN | EventFlags::OUT
                    };
                    if !conn.want_write || conn.closing {
                        conn.want_write = true;
                        let _ = epoll::modify(
                            &self.epoll,
                            &*conn.stream,
                            EventData::new_u64(id),
                            flags,
                        );
                    }
                }
            }
        }
    }

    /// Drops connection `id`: out of the epoll set, the socket closed, the client forgotten.
    fn close(&mut self, id: u64) {
        if let Some(conn) = self.conns.remove(&id) {
            let _ = epoll::delete(&self.epoll, &*conn.stream);
            conn.client.borrow_mut().stream = None;
        }
        self.shared.borrow_mut().forget_client(id);
    }
}
