//! A zero-copy RESP2/RESP3 codec for Redis and Valkey clients, servers and proxies.
//!
//! It does no I/O and never allocates unless you ask it to: you hand it bytes, it hands back
//! frames that borrow from them ([`decode`]), request arguments as spans of your buffer
//! ([`RequestParser`]), or writes encoded bytes into your buffer ([`Encoder`],
//! [`Frame::encode`]). It works on targets without an allocator. It does not know commands,
//! connections or protocol negotiation (`HELLO`); a server or client built on it decides those.
//!
//! | feature | what it adds |
//! |---|---|
//! | `std` (default) | implies `alloc`; nothing else |
//! | `alloc` | [`OwnedFrame`], `Vec<u8>` as a [`Sink`], `Vec<Span>` as an [`ArgSink`] |
//! | `bytes` | [`decode_bytes`]: frames whose strings share one `bytes::Bytes`; `BytesMut` as a [`Sink`] |
//! | `serde` | `Serialize`/`Deserialize` for [`OwnedFrame`] |
//! | `heapless` | `heapless::Vec<Span, N>` as a fixed-capacity [`ArgSink`] |
//!
//! Features only add; none changes behaviour.
//!
//! # Example
//!
//! A client reading replies as they arrive, and answering in RESP2 or RESP3:
//!
//! ```
//! use resp_codec::{Encoder, Frame, Protocol, Status, decode};
//!
//! let mut inbox: Vec<u8> = Vec::new();
//! let mut seen = Vec::new();
//! for piece in [&b"%1\r\n+ser"[..], b"ver\r\n$6\r\nvalkey\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n"] {
//!     inbox.extend_from_slice(piece);
//!     while let Status::Complete((frame, used)) = decode(&inbox)? {
//!         seen.push(match frame {
//!             Frame::Map(map) => map.pairs().count(),
//!             Frame::Push(push) => push.len(),
//!             _ => 0,
//!         });
//!         inbox.drain(..used);
//!     }
//! }
//! assert_eq!(seen, [1, 2]);
//!
//! let mut out = Vec::new();
//! Encoder::new(Protocol::Resp2).boolean(&mut out, true)?;
//! assert_eq!(out, b":1\r\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The [`design`] module explains the zero-copy lifetimes and the streaming contract.
//!
//! MSRV: the workspace `rust-version` (1.85); raising it is a minor version bump.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod decode;
pub mod design;
mod digits;
mod double;
mod encode;
mod error;
mod frame;
#[cfg(feature = "alloc")]
mod owned;
mod request;

#[cfg(feature = "bytes")]
mod bytes_frame;

#[cfg(feature = "bytes")]
pub use bytes_frame::{BytesFrame, decode_bytes};
pub use decode::{Limits, MAX_DEPTH, Status, decode, decode_with};
pub use double::FormattedDouble;
pub use encode::{Counter, Encoder, Protocol, Sink, SliceSink};
pub use error::{
    DecodeError, DecodeErrorKind, EncodeError, ErrorReply, RequestError, RequestErrorKind,
};
pub use frame::{Aggregate, ChunkIter, Chunks, Frame, Iter, Pairs, Verbatim};
#[cfg(feature = "alloc")]
pub use owned::OwnedFrame;
pub use request::{
    ArgSink, INLINE_MAX_SIZE, RequestParser, Span, UNAUTHENTICATED_MAX_ARGS,
    UNAUTHENTICATED_MAX_BULK,
};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
