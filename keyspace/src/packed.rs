//! Packed entries: the small encodings' one buffer per collection, entries back to back as
//! Valkey's listpack keeps them, each at most as long as its listpack entry.
//!
//! ```text
//! [type][count: LEB128][tag]*[payload]*    (no count while there are no entries)
//! tag 0x00..=0xBF  a payload of that many bytes
//! tag 0xC0..=0xC4  a canonical integer in 1, 2, 3, 4 or 8 bytes (little-endian, sign-extended)
//! tag 0xC5         an f64 in 8 bytes (sorted-set scores that are not integers)
//! tag 0xC6         a LEB128 length, then that many bytes
//! tag 0xC7         an f64 that is exactly an f32, in 4 bytes
//! ```
//!
//! The tags come first, one byte per entry, then the payloads in the same order: a lookup
//! reads the tags one after another and sums payload sizes from a table, so finding an entry
//! never waits on the entry before it, where a listpack walk must load each entry's header to
//! find the next.
//!
//! A listpack entry costs its encoding header, its data and a 1..5-byte back-length; these
//! entries have no back-length (the small encodings walk forward), and an integer or a string
//! under 192 bytes takes at most the listpack's header. Bytes that are the canonical decimal
//! form of an `i64` (as [`num::canonical_i64`] decides) are always stored as an integer, so
//! comparing with a member is comparing integers or comparing bytes, never both.

use alloc::boxed::Box;

use crate::num;

const SHORT_MAX: usize = 0xBF;
const INT: u8 = 0xC0;
const FLOAT: u8 = 0xC5;
const LONG: u8 = 0xC6;
const FLOAT32: u8 = 0xC7;

/// Bytes an entry takes, by its tag (0 for a long string, whose length follows the tag).
pub(crate) const ENTRY_SIZE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut tag = 0;
    while tag < 256 {
        t[tag] = match tag as u8 {
            0..=0xBF => 1 + tag as u8,
            0xC0 => 2,
            0xC1 => 3,
            0xC2 => 4,
            0xC3 => 5,
            0xC4 | FLOAT => 9,
            FLOAT32 => 5,
            _ => 0,
        };
        tag += 1;
    }
    t
};

/// An entry as stored: an integer, or bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Elem<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl PartialEq<&[u8]> for Elem<'_> {
    fn eq(&self, b: &&[u8]) -> bool {
        match self {
            Self::Int(i) => num::canonical_i64(b) == Some(*i),
            Self::Bytes(x) => x == b,
        }
    }
}

impl Elem<'_> {
    /// Calls `f` with the entry's bytes (an integer formatted on the stack).
    pub(crate) fn with<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Self::Int(i) => f(num::format_i64(i).as_bytes()),
            Self::Bytes(b) => f(b),
        }
    }

    pub(crate) fn to_boxed(self) -> Box<[u8]> {
        self.with(|b| b.into())
    }

    /// Length of the entry's bytes.
    pub(crate) fn len(self) -> usize {
        self.with(<[u8]>::len)
    }
}

/// What to store at a position: bytes (an integer if canonical) or a float.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Put<'a> {
    /// Bytes, stored as an integer when canonical.
    Bytes(&'a [u8]),
    /// Bytes, stored as bytes whatever they hold (sorted-set members, read back as slices).
    Str(&'a [u8]),
    Int(i64),
    Float(f64),
}

/// A stored entry, floats included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Raw<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    Float(f64),
}

impl<'a> Raw<'a> {
    /// The entry as a member (a float entry is never a member).
    pub(crate) fn elem(self) -> Elem<'a> {
        match self {
            Self::Int(i) => Elem::Int(i),
            Self::Bytes(b) => Elem::Bytes(b),
            Self::Float(_) => unreachable!("a score entry read as a member"),
        }
    }

    /// The entry as a score.
    #[expect(
        clippy::cast_precision_loss,
        reason = "only exact integers are stored as ints"
    )]
    pub(crate) fn float(self) -> f64 {
        match self {
            Self::Int(i) => i as f64,
            Self::Float(f) => f,
            Self::Bytes(_) => unreachable!("a member entry read as a score"),
        }
    }
}

/// A member to look for, parsed once: canonical integers match integer entries only.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Needle<'a> {
    bytes: &'a [u8],
    int: Option<i64>,
}

impl<'a> Needle<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            int: num::canonical_i64(bytes),
        }
    }

    /// Matches entries stored with [`Put::Str`].
    pub(crate) const fn str(bytes: &'a [u8]) -> Self {
        Self { bytes, int: None }
    }
}

fn put_varint(out: &mut [u8], mut n: usize) -> usize {
    let mut i = 0;
    while n >= 0x80 {
        out[i] = (n as u8) | 0x80;
        n >>= 7;
        i += 1;
    }
    out[i] = n as u8;
    i + 1
}

/// A LEB128 value at the start of `b`, and its length.
fn read_varint(b: &[u8]) -> (usize, usize) {
    let (mut n, mut shift, mut i) = (0usize, 0, 0);
    loop {
        let byte = b[i];
        n |= usize::from(byte & 0x7f) << shift;
        i += 1;
        if byte < 0x80 {
            return (n, i);
        }
        shift += 7;
    }
}

/// Bytes an integer's payload takes.
const fn int_width(i: i64) -> usize {
    if i >= i8::MIN as i64 && i <= i8::MAX as i64 {
        1
    } else if i >= i16::MIN as i64 && i <= i16::MAX as i64 {
        2
    } else if i >= -(1 << 23) && i < (1 << 23) {
        3
    } else if i >= i32::MIN as i64 && i <= i32::MAX as i64 {
        4
    } else {
        8
    }
}

/// An entry encoded: its header (tag, length or integer) and the bytes after it.
pub(crate) struct Encoded<'a> {
    head: [u8; 11],
    head_len: usize,
    tail: &'a [u8],
}

impl<'a> Encoded<'a> {
    fn of(p: Put<'a>) -> Self {
        let mut head = [0u8; 11];
        let (head_len, tail): (usize, &[u8]) = match p {
            #[expect(clippy::cast_possible_truncation, reason = "kept only when exact")]
            Put::Float(f) if f64::from(f as f32).to_bits() == f.to_bits() => {
                head[0] = FLOAT32;
                head[1..5].copy_from_slice(&(f as f32).to_le_bytes());
                (5, &[])
            }
            Put::Float(f) => {
                head[0] = FLOAT;
                head[1..9].copy_from_slice(&f.to_le_bytes());
                (9, &[])
            }
            Put::Str(b) if b.len() <= SHORT_MAX => {
                head[0] = b.len() as u8;
                (1, b)
            }
            Put::Str(b) => {
                head[0] = LONG;
                (1 + put_varint(&mut head[1..], b.len()), b)
            }
            Put::Int(i) => Self::int(&mut head, i),
            Put::Bytes(b) => match num::canonical_i64(b) {
                Some(i) => Self::int(&mut head, i),
                None if b.len() <= SHORT_MAX => {
                    head[0] = b.len() as u8;
                    (1, b)
                }
                None => {
                    head[0] = LONG;
                    (1 + put_varint(&mut head[1..], b.len()), b)
                }
            },
        };
        Self {
            head,
            head_len,
            tail,
        }
    }

    /// Writes integer `i`'s header; its length and no tail.
    fn int(head: &mut [u8; 11], i: i64) -> (usize, &'static [u8]) {
        let w = int_width(i);
        head[0] = INT + [0, 0, 1, 2, 3, 0, 0, 0, 4][w];
        head[1..=w].copy_from_slice(&i.to_le_bytes()[..w]);
        (1 + w, &[])
    }

    const fn len(&self) -> usize {
        self.head_len + self.tail.len()
    }

    /// Writes what follows the tag.
    fn write_payload(&self, out: &mut [u8]) {
        let h = self.head_len - 1;
        out[..h].copy_from_slice(&self.head[1..self.head_len]);
        out[h..h + self.tail.len()].copy_from_slice(self.tail);
    }
}

/// Entries to write: one encoded once (the common case: a push, an add, a value replaced),
/// or several encoded as they are measured and again as they are written.
pub(crate) enum Puts<'p, 'a> {
    One(Encoded<'a>),
    Many(&'p [Put<'a>]),
}

impl<'p, 'a> Puts<'p, 'a> {
    pub(crate) fn new(puts: &'p [Put<'a>]) -> Self {
        match puts {
            [p] => Self::One(Encoded::of(*p)),
            _ => Self::Many(puts),
        }
    }

    pub(crate) const fn count(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(puts) => puts.len(),
        }
    }

    /// Payload bytes they take (their tags aside).
    pub(crate) fn payload_len(&self) -> usize {
        match self {
            Self::One(e) => e.len() - 1,
            Self::Many(puts) => puts.iter().map(|p| entry_len(*p) - 1).sum(),
        }
    }

    /// Writes their tags to `tags` and their payloads to `payloads` (exactly as long).
    pub(crate) fn write(&self, tags: &mut [u8], payloads: &mut [u8]) {
        match self {
            Self::One(e) => {
                tags[0] = e.head[0];
                e.write_payload(payloads);
            }
            Self::Many(puts) => {
                let mut w = 0;
                for (k, p) in puts.iter().enumerate() {
                    let e = Encoded::of(*p);
                    tags[k] = e.head[0];
                    e.write_payload(&mut payloads[w..]);
                    w += e.len() - 1;
                }
            }
        }
    }
}

/// Bytes `p` takes as an entry.
pub(crate) fn entry_len(p: Put<'_>) -> usize {
    Encoded::of(p).len()
}

/// What a small collection's buffer holds, in its first byte: the store reads a collection's
/// type and encoding from it.
pub(crate) mod tag {
    pub(crate) const LIST: u8 = 1;
    pub(crate) const HASH: u8 = 2;
    pub(crate) const SET: u8 = 3;
    pub(crate) const INTSET: u8 = 4;
    pub(crate) const ZSET: u8 = 5;
}

mod buffer;

pub(crate) use buffer::{Packed, PackedRef};

#[cfg(test)]
mod tests;
