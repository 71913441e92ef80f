//! How the codec is built, and the contracts it keeps. (Documentation only.)
//!
//! # Streaming
//!
//! Every parser is a push parser: you pass the whole unconsumed buffer and get either
//! `Complete(value, used)` or [`Status::Partial`](crate::Status::Partial). Partial input is
//! never an error, and a parser never remembers anything between calls, so the caller may
//! append bytes, compact the buffer or move it freely. The property tests check *split
//! invariance*: for every split point of a valid message, the first part gives `Partial` and
//! the whole gives the same value as before.
//!
//! Re-parsing from the start after each read costs a scan of the bytes already seen. For
//! requests that is a few header bytes per argument (payloads are skipped by length); for large
//! replies a client may prefer to wait until a read fills its buffer.
//!
//! # Zero copy
//!
//! [`Frame<'a>`](crate::Frame) borrows from the input: strings are slices of it. An aggregate
//! is validated whole when it is decoded, then keeps only the raw bytes of its body and decodes
//! its items lazily when iterated. That is what lets the decoder work with no allocator and no
//! fixed element capacity. The cost is that walking a nested aggregate re-reads the headers of
//! its inner levels once per level; payloads are never copied or re-scanned.
//!
//! The request parser goes further: it records [`Span`](crate::Span)s (offsets) rather than
//! slices, so the server can keep its argument vector across requests while the buffer changes
//! underneath, and inline commands are unescaped in place, inside the request's own bytes.
//!
//! # Bounded work on hostile input
//!
//! - Lengths and counts are checked against [`Limits`](crate::Limits) as soon as their line is
//!   read, so an announced 10 GB bulk is refused before any byte of it is buffered.
//! - Number lines longer than 20 digits are refused without waiting for their end; text lines
//!   longer than `max_line_len` likewise.
//! - Nesting is validated with an explicit, fixed-size stack: deeper than
//!   [`MAX_DEPTH`](crate::MAX_DEPTH) is an error, never a stack overflow, and every frame that
//!   decodes can be compared, printed and encoded recursively in bounded stack.
//! - The request parser applies Valkey's 64 KiB line rule, `proto-max-bulk-len`, and the
//!   unauthenticated limits, with Valkey's exact error texts.
//!
//! # Encoding
//!
//! [`Encoder`](crate::Encoder) writes single replies in the connection's protocol, applying
//! Valkey's RESP2 downgrades. Whole frames encode with `encoded_len` followed by `encode` into a
//! slice, which never panics; both go through the same code (`encoded_len` encodes into a
//! [`Counter`](crate::Counter)), so they cannot disagree.
//!
//! # Why nom, and where not
//!
//! The frame decoder's token parsers are nom streaming parsers (`nom::Err::Incomplete` becomes
//! `Partial`); no nom type appears in the API. The request parser is a hand-written loop over
//! positions because it must apply Valkey's checks in Valkey's order and rewrite inline
//! commands in place; it is also the server's hot path.
