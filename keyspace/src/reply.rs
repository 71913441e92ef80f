//! The reply sink handlers write through, and a recording sink for tests.
//!
//! The server implements [`ReplySink`] over a connection's output buffer and encodes each call
//! straight into RESP2 or RESP3; nothing builds a reply tree on the way.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;

/// Where a handler writes its reply, one RESP item at a time.
///
/// Aggregates are written as a length call (`array`, `map`, `set`, `push`) followed by exactly
/// that many items (twice as many for `map`: key, value, key, value...).
pub trait ReplySink {
    /// A simple string (`+OK`).
    fn simple(&mut self, s: &str);
    /// An error; [`Error::write_text`] gives its text.
    fn error(&mut self, e: &Error<'_>);
    /// An integer.
    fn integer(&mut self, v: i64);
    /// A bulk string.
    fn bulk(&mut self, b: &[u8]);
    /// The null bulk string (RESP2 `$-1`, RESP3 `_`).
    fn null(&mut self);
    /// The null array (RESP2 `*-1`, RESP3 `_`).
    fn null_array(&mut self);
    /// An array of `len` items.
    fn array(&mut self, len: usize);
    /// A map of `len` key/value pairs (RESP2: an array of `2 * len`).
    fn map(&mut self, len: usize);
    /// A set of `len` items (RESP2: an array).
    fn set(&mut self, len: usize);
    /// A push of `len` items (RESP3 only).
    fn push(&mut self, len: usize);
    /// A double (RESP2: a bulk string of its text).
    fn double(&mut self, v: f64);
    /// A boolean (RESP2: integer 1 or 0).
    fn boolean(&mut self, v: bool);
    /// A big number given as its decimal digits (RESP2: a bulk string).
    fn big_number(&mut self, digits: &[u8]);
    /// A verbatim string with its three-letter format (`txt`, `mkd`; RESP2: a bulk string).
    fn verbatim(&mut self, format: &[u8; 3], text: &[u8]);

    /// Whether replies are written in RESP3. Replies whose shape differs beyond the type of
    /// an item (HRANDFIELD ... WITHVALUES, ZRANGE ... WITHSCORES: an array of pairs in RESP3,
    /// one flat array in RESP2) ask this; a RESP2-only sink keeps the default.
    fn resp3(&self) -> bool {
        false
    }

    /// `+OK`.
    fn ok(&mut self) {
        self.simple("OK");
    }
}

/// One item written to a [`ReplySink`], as [`Recorded`] replies hold them.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `simple`.
    Simple(String),
    /// `error`, with its full text.
    Error(String),
    /// `integer`.
    Integer(i64),
    /// `bulk`.
    Bulk(Vec<u8>),
    /// `null`.
    Null,
    /// `null_array`.
    NullArray,
    /// `array` length.
    Array(usize),
    /// `map` length.
    Map(usize),
    /// `set` length.
    Set(usize),
    /// `push` length.
    Push(usize),
    /// `double`.
    Double(f64),
    /// `boolean`.
    Boolean(bool),
    /// `big_number`.
    BigNumber(Vec<u8>),
    /// `verbatim`.
    Verbatim([u8; 3], Vec<u8>),
}

/// A sink that records every item in order: for tests, and for callers that want replies as data.
pub type Recorded = Vec<Item>;

impl ReplySink for Vec<Item> {
    fn simple(&mut self, s: &str) {
        self.push(Item::Simple(s.into()));
    }
    fn error(&mut self, e: &Error<'_>) {
        self.push(Item::Error(alloc::format!("{e}")));
    }
    fn integer(&mut self, v: i64) {
        self.push(Item::Integer(v));
    }
    fn bulk(&mut self, b: &[u8]) {
        self.push(Item::Bulk(b.to_vec()));
    }
    fn null(&mut self) {
        self.push(Item::Null);
    }
    fn null_array(&mut self) {
        self.push(Item::NullArray);
    }
    fn array(&mut self, len: usize) {
        self.push(Item::Array(len));
    }
    fn map(&mut self, len: usize) {
        self.push(Item::Map(len));
    }
    fn set(&mut self, len: usize) {
        self.push(Item::Set(len));
    }
    fn push(&mut self, len: usize) {
        Self::push(self, Item::Push(len));
    }
    fn double(&mut self, v: f64) {
        self.push(Item::Double(v));
    }
    fn boolean(&mut self, v: bool) {
        self.push(Item::Boolean(v));
    }
    fn big_number(&mut self, digits: &[u8]) {
        self.push(Item::BigNumber(digits.to_vec()));
    }
    fn verbatim(&mut self, format: &[u8; 3], text: &[u8]) {
        self.push(Item::Verbatim(*format, text.to_vec()));
    }
}

/// A recording sink that answers [`ReplySink::resp3`] with `true`: the items a RESP3 client
/// would get.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recorded3(pub Vec<Item>);

impl ReplySink for Recorded3 {
    fn resp3(&self) -> bool {
        true
    }
    fn simple(&mut self, s: &str) {
        self.0.simple(s);
    }
    fn error(&mut self, e: &Error<'_>) {
        self.0.error(e);
    }
    fn integer(&mut self, v: i64) {
        self.0.integer(v);
    }
    fn bulk(&mut self, b: &[u8]) {
        self.0.bulk(b);
    }
    fn null(&mut self) {
        self.0.null();
    }
    fn null_array(&mut self) {
        self.0.null_array();
    }
    fn array(&mut self, len: usize) {
        self.0.array(len);
    }
    fn map(&mut self, len: usize) {
        self.0.map(len);
    }
    fn set(&mut self, len: usize) {
        self.0.set(len);
    }
    fn push(&mut self, len: usize) {
        ReplySink::push(&mut self.0, len);
    }
    fn double(&mut self, v: f64) {
        self.0.double(v);
    }
    fn boolean(&mut self, v: bool) {
        self.0.boolean(v);
    }
    fn big_number(&mut self, digits: &[u8]) {
        self.0.big_number(digits);
    }
    fn verbatim(&mut self, format: &[u8; 3], text: &[u8]) {
        self.0.verbatim(format, text);
    }
}

/// A sink that keeps only a running tally of what it was given (lengths, counts, a few bits of
/// integers): for benchmarks and profiling loops, which must measure the keyspace and not a
/// reply encoder, yet must not let the compiler drop the reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally(pub usize);

impl ReplySink for Tally {
    fn simple(&mut self, s: &str) {
        self.0 += s.len();
    }
    fn error(&mut self, _e: &Error<'_>) {
        self.0 += 1;
    }
    fn integer(&mut self, v: i64) {
        self.0 += v as usize & 7;
    }
    fn bulk(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
    fn null(&mut self) {
        self.0 += 1;
    }
    fn null_array(&mut self) {
        self.0 += 1;
    }
    fn array(&mut self, len: usize) {
        self.0 += len;
    }
    fn map(&mut self, len: usize) {
        self.0 += len;
    }
    fn set(&mut self, len: usize) {
        self.0 += len;
    }
    fn push(&mut self, len: usize) {
        self.0 += len;
    }
    fn double(&mut self, _v: f64) {
        self.0 += 1;
    }
    fn boolean(&mut self, _v: bool) {
        self.0 += 1;
    }
    fn big_number(&mut self, digits: &[u8]) {
        self.0 += digits.len();
    }
    fn verbatim(&mut self, _format: &[u8; 3], text: &[u8]) {
        self.0 += text.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorder_keeps_items_in_order_with_error_texts() {
        let mut r = Recorded::new();
        r.array(2);
        r.bulk(b"a");
        r.error(&Error::Syntax);
        ReplySink::push(&mut r, 1);
        r.ok();
        assert_eq!(
            r,
            [
                Item::Array(2),
                Item::Bulk(b"a".to_vec()),
                Item::Error("ERR syntax error".into()),
                Item::Push(1),
                Item::Simple("OK".into())
            ]
        );
    }
}
