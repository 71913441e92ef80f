//! [`Frame`]: one decoded RESP2/RESP3 value, borrowed from the input.

use core::fmt;

use crate::decode::{self, Limits};

/// One RESP2 or RESP3 value, borrowed from the buffer it was decoded from.
///
/// Scalars hold slices of the input. Aggregates ([`Aggregate`]) hold the raw bytes of their
/// already-validated elements and decode them lazily as you iterate, so decoding needs no
/// allocator and copies nothing. A `Frame` that exists is valid RESP.
///
/// The tag is a whole word (`repr(u64)`): with a one-byte tag, small fields pack into the
/// rest of the first word and copies of a frame read bytes written by several narrower
/// stores, which stalls store forwarding on every copy (measured: it doubled decode time).
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Frame<'a> {
    /// `+OK\r\n`.
    SimpleString(&'a [u8]),
    /// `-ERR message\r\n`: the text after `-`, code included.
    SimpleError(&'a [u8]),
    /// `:123\r\n`.
    Integer(i64),
    /// `$5\r\nhello\r\n`.
    BulkString(&'a [u8]),
    /// `$-1\r\n`: the RESP2 null bulk string.
    NullBulk,
    /// `*-1\r\n`: the RESP2 null array.
    NullArray,
    /// `_\r\n`: the RESP3 null.
    Null,
    /// `#t\r\n` or `#f\r\n`.
    Boolean(bool),
    /// `,1.5\r\n`, including `inf`, `-inf` and `nan`.
    Double(f64),
    /// `(12345678901234567890\r\n`: the digits, with an optional leading `-`.
    BigNumber(&'a [u8]),
    /// `!<len>\r\n<bytes>\r\n`: a binary-safe error.
    BlobError(&'a [u8]),
    /// `=<len>\r\ntxt:<text>\r\n`.
    Verbatim(Verbatim<'a>),
    /// `$?\r\n` followed by `;<n>\r\n<bytes>\r\n` chunks and `;0\r\n`.
    StreamedString(Chunks<'a>),
    /// `*<n>\r\n` or streamed `*?\r\n … .\r\n`.
    Array(Aggregate<'a>),
    /// `%<n>\r\n` (n key/value pairs) or streamed `%?\r\n … .\r\n`.
    Map(Aggregate<'a>),
    /// `~<n>\r\n` or streamed `~?\r\n … .\r\n`.
    Set(Aggregate<'a>),
    /// `|<n>\r\n` (n pairs): auxiliary data about the value that follows it. At the top level it
    /// is returned as a frame of its own, immediately before the frame it describes.
    Attribute(Aggregate<'a>),
    /// `><n>\r\n`: out-of-band data such as invalidations and Pub/Sub messages.
    Push(Aggregate<'a>),
}

/// A verbatim string: a 3-byte format (`txt`, `mkd`) and the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verbatim<'a> {
    /// The format, e.g. `*b"txt"`.
    pub format: [u8; 3],
    /// The text after `xxx:`.
    pub text: &'a [u8],
}

/// The elements of an aggregate, validated once and decoded lazily.
///
/// `len` is the declared number of elements (of pairs, for maps and attributes). Attributes
/// inside an aggregate are not counted in `len`; [`Aggregate::iter`] yields them in place as
/// [`Frame::Attribute`] items and [`Aggregate::elements`] skips them.
#[derive(Clone, Copy)]
pub struct Aggregate<'a> {
    pub(crate) body: &'a [u8],
    /// `len << 1 | streamed`: whole words only, so copies never straddle narrow stores (see
    /// [`Frame`]).
    meta: usize,
}

impl<'a> Aggregate<'a> {
    pub(crate) fn new(body: &'a [u8], len: usize, streamed: bool) -> Self {
        Self {
            body,
            meta: len << 1 | usize::from(streamed),
        }
    }

    /// The number of elements (pairs for maps and attributes), attributes not counted.
    pub fn len(&self) -> usize {
        self.meta >> 1
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the aggregate was sent in the streamed form (`*?` … `.`).
    pub fn is_streamed(&self) -> bool {
        self.meta & 1 == 1
    }

    /// The raw bytes of the elements as received (for a streamed aggregate, without the end
    /// marker). Useful to forward an aggregate unchanged.
    pub fn raw(&self) -> &'a [u8] {
        self.body
    }

    /// Every item in order: the elements, and any attributes in front of them.
    pub fn iter(&self) -> Iter<'a> {
        Iter {
            body: self.body,
            pos: 0,
        }
    }

    /// The elements in order, attributes skipped. For maps and attributes, keys and values
    /// alternate; see [`Aggregate::pairs`].
    pub fn elements(&self) -> impl Iterator<Item = Frame<'a>> + use<'a> {
        self.iter().filter(|f| !matches!(f, Frame::Attribute(_)))
    }

    /// The key/value pairs of a map or attribute, attributes skipped.
    pub fn pairs(&self) -> Pairs<'a> {
        Pairs { inner: self.iter() }
    }
}

impl fmt::Debug for Aggregate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for Aggregate<'a> {
    type Item = Frame<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over the items of an [`Aggregate`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    body: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Frame<'a>;

    fn next(&mut self) -> Option<Frame<'a>> {
        let rest = self.body.get(self.pos..)?;
        // The body was validated when the aggregate was decoded.
        let (frame, used) = decode::decode_valid(rest)?;
        self.pos += used;
        Some(frame)
    }
}

/// Iterator over the key/value pairs of a map or attribute.
#[derive(Clone, Debug)]
pub struct Pairs<'a> {
    inner: Iter<'a>,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (Frame<'a>, Frame<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let mut next = || self.inner.find(|f| !matches!(f, Frame::Attribute(_)));
        Some((next()?, next()?))
    }
}

/// The chunks of a streamed string, validated once and walked lazily.
#[derive(Clone, Copy)]
pub struct Chunks<'a> {
    /// From the first `;` to just before the terminating `;0\r\n`.
    pub(crate) body: &'a [u8],
    pub(crate) total: usize,
}

impl<'a> Chunks<'a> {
    /// The length of the whole string (all chunks).
    pub fn total_len(&self) -> usize {
        self.total
    }

    /// The chunks in order (none of them empty).
    pub fn iter(&self) -> ChunkIter<'a> {
        ChunkIter { body: self.body }
    }

    /// Whether both hold the same bytes, however they are chunked.
    pub fn content_eq(&self, other: &Chunks<'_>) -> bool {
        self.total == other.total
            && self
                .iter()
                .flat_map(|c| c.iter())
                .eq(other.iter().flat_map(|c| c.iter()))
    }
}

impl fmt::Debug for Chunks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(ShowBytes)).finish()
    }
}

/// Iterator over the chunks of a streamed string.
#[derive(Clone, Debug)]
pub struct ChunkIter<'a> {
    body: &'a [u8],
}

impl<'a> Iterator for ChunkIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (rest, chunk) = decode::chunk(self.body, &Limits::UNLIMITED).ok()?;
        self.body = rest;
        chunk
    }
}

/// `Debug` for byte strings: text where printable, escapes elsewhere.
pub(crate) struct ShowBytes<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for ShowBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("b\"")?;
        for &b in self.0 {
            for c in core::ascii::escape_default(b) {
                fmt::Write::write_char(f, char::from(c))?;
            }
        }
        f.write_str("\"")
    }
}

impl PartialEq for Frame<'_> {
    /// Structural equality: aggregates compare item by item whether streamed or not, streamed
    /// strings by content, and doubles by value with `nan` equal to `nan`.
    fn eq(&self, other: &Frame<'_>) -> bool {
        use Frame as F;
        match (self, other) {
            (F::SimpleString(a), F::SimpleString(b))
            | (F::SimpleError(a), F::SimpleError(b))
            | (F::BulkString(a), F::BulkString(b))
            | (F::BigNumber(a), F::BigNumber(b))
            | (F::BlobError(a), F::BlobError(b)) => a == b,
            (F::Integer(a), F::Integer(b)) => a == b,
            (F::NullBulk, F::NullBulk) | (F::NullArray, F::NullArray) | (F::Null, F::Null) => true,
            (F::Boolean(a), F::Boolean(b)) => a == b,
            (F::Double(a), F::Double(b)) => doubles_eq(*a, *b),
            (F::Verbatim(a), F::Verbatim(b)) => a == b,
            (F::StreamedString(a), F::StreamedString(b)) => a.content_eq(b),
            (F::Array(a), F::Array(b))
            | (F::Map(a), F::Map(b))
            | (F::Set(a), F::Set(b))
            | (F::Attribute(a), F::Attribute(b))
            | (F::Push(a), F::Push(b)) => a.len() == b.len() && a.iter().eq(b.iter()),
            _ => false,
        }
    }
}

/// Doubles compare by value, except that `nan` equals `nan` (RESP has one `nan`).
pub(crate) fn doubles_eq(a: f64, b: f64) -> bool {
    a == b && a.is_sign_negative() == b.is_sign_negative() || a.is_nan() && b.is_nan()
}
