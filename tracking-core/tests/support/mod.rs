//! A tiny server around the engine for the rule tests: connections, commands, drained output.
#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use std::collections::BTreeSet;
use std::string::String;
use std::vec::Vec;

use tracking_core::{
    ChangedBy, ClientId, CommandEnd, Connections, Delivery, Message, Tracker, TrackingError,
};

pub(crate) fn id(n: u64) -> ClientId {
    ClientId::new(n).expect("test ids are not 0")
}

/// A drained delivery in a form that is easy to compare.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Sent {
    pub(crate) to: u64,
    pub(crate) from: u64,
    pub(crate) redirected: bool,
    pub(crate) after_reply: bool,
    pub(crate) msg: Msg,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Msg {
    Keys(Vec<String>),
    Null,
    Broken(u64),
}

impl Sent {
    pub(crate) fn from_delivery(d: &Delivery<'_>) -> Self {
        let msg = match &d.message {
            Message::Invalidate(keys) => Msg::Keys(
                keys.clone()
                    .map(|k| String::from_utf8_lossy(k).into_owned())
                    .collect(),
            ),
            Message::InvalidateAll => Msg::Null,
            Message::RedirectBroken(r) => Msg::Broken(r.get()),
        };
        Self {
            to: d.to.get(),
            from: d.tracking_client.get(),
            redirected: d.redirected,
            after_reply: d.after_reply,
            msg,
        }
    }
}

/// Which connections exist, and which are closing.
#[derive(Debug, Default)]
pub(crate) struct Conns {
    pub(crate) connected: BTreeSet<u64>,
    pub(crate) closing: BTreeSet<u64>,
}

impl Connections for Conns {
    fn is_connected(&self, id: ClientId) -> bool {
        self.connected.contains(&id.get())
    }
    fn is_closing(&self, id: ClientId) -> bool {
        self.closing.contains(&id.get())
    }
}

pub(crate) struct Server {
    pub(crate) t: Tracker,
    pub(crate) conns: Conns,
}

impl Server {
    /// Clients 1..=9 are connected.
    pub(crate) fn new() -> Self {
        Self {
            t: Tracker::new(),
            conns: Conns {
                connected: (1..=9).collect(),
                closing: BTreeSet::new(),
            },
        }
    }

    /// `CLIENT TRACKING <words>` as client `c`, ended like the CLIENT command it is.
    pub(crate) fn tracking(&mut self, c: u64, words: &str) -> Result<(), TrackingError> {
        let args: Vec<&str> = words.split(' ').collect();
        self.t.begin_command(id(c));
        let r = self.t.client_tracking(id(c), &args, &self.conns);
        self.t.end_command(id(c), CommandEnd::ClientCommand);
        r
    }

    /// `CLIENT TRACKING <words>` that must succeed.
    pub(crate) fn on(&mut self, c: u64, words: &str) {
        self.tracking(c, words).expect("CLIENT TRACKING accepted");
    }

    /// `CLIENT CACHING <word>`.
    pub(crate) fn caching(
        &mut self,
        c: u64,
        word: &str,
    ) -> Result<(), tracking_core::CachingError> {
        let r = self.t.client_caching(id(c), &[word]);
        self.t.end_command(id(c), CommandEnd::ClientCommand);
        r
    }

    /// A READONLY command by `c` on `keys` (GET, MGET).
    pub(crate) fn get(&mut self, c: u64, keys: &[&str]) {
        self.t.begin_command(id(c));
        self.t
            .record_reads(id(c), keys.iter().map(|k| k.as_bytes()));
        self.t.end_command(id(c), CommandEnd::Other);
    }

    /// A write by `c` on `keys` (SET, DEL, MSET).
    pub(crate) fn set(&mut self, c: u64, keys: &[&str]) {
        self.t.begin_command(id(c));
        for k in keys {
            self.t.key_changed(k.as_bytes(), ChangedBy::Client(id(c)));
        }
        self.t.end_command(id(c), CommandEnd::Other);
    }

    /// A keyless command that is not CLIENT (PING).
    pub(crate) fn ping(&mut self, c: u64) {
        self.t.begin_command(id(c));
        self.t.end_command(id(c), CommandEnd::Other);
    }

    /// An expiry or eviction outside any command.
    pub(crate) fn expire(&mut self, key: &str) {
        self.t.key_changed(key.as_bytes(), ChangedBy::Server);
    }

    /// Drains everything drainable now.
    pub(crate) fn drain(&mut self) -> Vec<Sent> {
        let mut out = Vec::new();
        self.t
            .drain(&self.conns, |d| out.push(Sent::from_delivery(&d)));
        out
    }

    /// Ends the event-loop iteration and drains.
    pub(crate) fn sleep(&mut self) -> Vec<Sent> {
        self.t.end_of_iteration();
        self.drain()
    }

    /// Disconnects `c`.
    pub(crate) fn quit(&mut self, c: u64) {
        self.conns.connected.remove(&c);
        self.t.client_gone(id(c));
    }
}

/// An invalidation of `keys` from tracking client `from` delivered to itself, not held.
pub(crate) fn inv(to: u64, keys: &[&str]) -> Sent {
    Sent {
        to,
        from: to,
        redirected: false,
        after_reply: false,
        msg: Msg::Keys(keys.iter().map(|k| String::from(*k)).collect()),
    }
}

/// The same, redirected from `from`.
pub(crate) fn redirected(to: u64, from: u64, keys: &[&str]) -> Sent {
    Sent {
        from,
        redirected: true,
        ..inv(to, keys)
    }
}

/// A null invalidation to `to`, its own.
pub(crate) fn null(to: u64) -> Sent {
    Sent {
        msg: Msg::Null,
        ..inv(to, &[])
    }
}

/// The same message, marked for after the executing client's reply.
pub(crate) fn after_reply(mut s: Sent) -> Sent {
    s.after_reply = true;
    s
}
