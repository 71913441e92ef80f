//! The client-side-caching invalidation engine of a Valkey/Redis-compatible server: it
//! remembers which client read which key and says who must hear that a key changed, with the
//! rules of Valkey 8's `CLIENT TRACKING` (default and BCAST modes, OPTIN/OPTOUT and
//! `CLIENT CACHING`, NOLOOP, REDIRECT and `tracking-redir-broken`, `tracking-table-max-keys`,
//! flushes, INFO fields).
//!
//! It deliberately does not speak RESP, own sockets, read a clock or know the keyspace: the
//! server feeds it reads and change events and turns its [`Delivery`] values into RESP3
//! `invalidate` pushes or RESP2 `__redis__:invalidate` messages. Keys are byte strings and
//! clients are [`ClientId`]s; keys are global across databases, as in Valkey.
//!
//! Where Valkey has bugs the engine does not copy them: an overlapping `PREFIX` pair is refused
//! with one error (no trailing `+OK`), a bare `BCAST` beside existing prefixes is refused rather
//! than announcing keys twice, a redirect target that is closing counts as broken (Valkey PR
//! #1823), and expiry/eviction ([`ChangedBy::Server`]) is announced even to a NOLOOP client.
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `std` | yes | Links `std`; no API difference. Without it the crate needs only `alloc`. |
//!
//! ```
//! use tracking_core::{ChangedBy, ClientId, CommandEnd, Message, Tracker};
//!
//! let (reader, writer) = (ClientId::new(1).unwrap(), ClientId::new(2).unwrap());
//! let mut tracker = Tracker::new();
//! tracker.client_tracking(reader, &["ON"], &|_| true).unwrap();
//!
//! // GET user:1 by the reader, then SET user:1 by the writer.
//! tracker.record_read(reader, b"user:1");
//! tracker.begin_command(writer);
//! tracker.key_changed(b"user:1", ChangedBy::Client(writer));
//! tracker.end_command(writer, CommandEnd::Other);
//!
//! let mut sent = Vec::new();
//! tracker.drain(&|_| true, |d| {
//!     if let Message::Invalidate(keys) = d.message {
//!         sent.push((d.to, keys.map(<[u8]>::to_vec).collect::<Vec<_>>()));
//!     }
//! });
//! assert_eq!(sent, [(reader, vec![b"user:1".to_vec()])]);
//! assert_eq!(tracker.stats().total_keys, 0, "an invalidated key is forgotten");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod client;
mod error;
mod id;
mod index;
mod keys;
mod options;
mod outbox;
mod pending;
mod prefixes;
mod readers;
mod tracker;

pub use client::{CommandEnd, TrackingInfo};
pub use error::{CachingError, TrackingError};
pub use id::{ClientId, Connections};
pub use options::{TrackingCommand, TrackingOptions};
pub use outbox::{Delivery, Keys, Message};
pub use tracker::{ChangedBy, DEFAULT_MAX_KEYS, FlushedTable, Stats, Tracker};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
