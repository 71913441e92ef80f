//! The data store of a Valkey-compatible server: databases, string, list, hash, set and sorted
//! set values, expiry, memory accounting, maxmemory eviction ([`Keyspace::evict`]), change
//! events, the command table and the data commands.
//!
//! What it deliberately does not do: read a clock (time is the `now: Millis` argument), touch a
//! socket, or produce RESP bytes (replies go through [`ReplySink`]; the server encodes them).
//! Connection and admin commands (SELECT, CLIENT, CONFIG, INFO...) belong to the server, which adds
//! them to its own [`CommandTable`] next to [`data_commands`].
//!
//! | feature | default | what it adds |
//! |---------|---------|--------------|
//! | `std`   | yes     | nothing but `foldhash/std`; the crate needs only `alloc` |
//!
//! ```
//! use keyspace::{Config, Ctx, Discard, Item, Keyspace, Millis};
//!
//! let mut ks = Keyspace::new(Config::default().databases(4));
//! let table = keyspace::data_table();
//! let mut out: Vec<Item> = Vec::new();
//! let mut cx = Ctx { keyspace: &mut ks, db: 2, now: Millis(0), events: &mut Discard };
//! cx.call(&table, &[b"INCRBY", b"visits", b"41"], &mut out);
//! cx.call(&table, &[b"INCR", b"visits"], &mut out);
//! assert_eq!(out, [Item::Integer(41), Item::Integer(42)]);
//! assert_eq!(ks.len(2), 1);
//! ```
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod access;
mod cmd;
pub mod command;
mod config;
mod db;
mod dfmt;
mod entry;
pub mod error;
pub mod events;
pub mod glob;
mod hash;
mod hashed;
mod intset;
mod keyspace;
mod list;
mod longdouble;
pub mod num;
mod object;
mod packed;
mod ranked;
pub mod reply;
mod set;
mod table;
mod time;
mod zset;

pub use cmd::{data_commands, data_table};
pub use command::{Command, CommandInfo, CommandTable, Ctx, Handler};
pub use entry::{Encoding, Kind, Value};
pub use error::Error;
pub use events::{Change, ChangeKind, ChangeSink, Discard};
pub use keyspace::{
    AccessTracking, Config, EvictOutcome, EvictionPolicy, ExpireCycle, KEYS_PER_LOOP, Keyspace,
    MemoryGauge, Peeked,
};
pub use list::listpack_entry_len;
pub use object::ModuleValue;
pub use reply::{Item, Recorded, Recorded3, ReplySink, Tally};
pub use time::Millis;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
