//! [`OwnedFrame`]: a frame that owns its data, for keeping replies past the buffer's life.

use alloc::vec::Vec;

use crate::encode::{Encoder, Protocol, Sink, header};
use crate::error::EncodeError;
use crate::frame::{Frame, doubles_eq};

/// A frame that owns its strings: `B` is `Vec<u8>` by default, or `bytes::Bytes` (see
/// [`BytesFrame`](crate::BytesFrame)).
///
/// The variants mirror [`Frame`]. Aggregates hold their items in order, as
/// [`Aggregate::iter`](crate::Aggregate::iter) yields them: for maps and attributes keys and
/// values alternate, and an attribute inside an aggregate stands just before the item it
/// describes. Streamed strings keep their chunks; streamed aggregates become counted ones.
///
/// ```
/// use resp_codec::{OwnedFrame, Protocol, Status, decode};
///
/// let owned = {
///     let buf = b"*2\r\n:1\r\n$2\r\nhi\r\n".to_vec();
///     let Status::Complete((frame, _)) = decode(&buf)? else { unreachable!() };
///     OwnedFrame::from(&frame)
/// }; // `buf` is gone; `owned` lives on.
/// assert_eq!(owned, OwnedFrame::Array(vec![OwnedFrame::Integer(1), OwnedFrame::BulkString(b"hi".to_vec())]));
/// assert_eq!(owned.to_vec(Protocol::Resp3)?, b"*2\r\n:1\r\n$2\r\nhi\r\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OwnedFrame<B = Vec<u8>> {
    /// `+OK`.
    SimpleString(B),
    /// `-ERR message`.
    SimpleError(B),
    /// `:123`.
    Integer(i64),
    /// `$5 hello`.
    BulkString(B),
    /// `$-1`.
    NullBulk,
    /// `*-1`.
    NullArray,
    /// `_`.
    Null,
    /// `#t` / `#f`.
    Boolean(bool),
    /// `,1.5`.
    Double(f64),
    /// `(123…`: the digits.
    BigNumber(B),
    /// `!<len> …`.
    BlobError(B),
    /// `=<len> fmt:text`.
    Verbatim {
        /// `*b"txt"` or `*b"mkd"`.
        format: [u8; 3],
        /// The text.
        text: B,
    },
    /// `$?` and its chunks.
    StreamedString(Vec<B>),
    /// `*n`.
    Array(Vec<Self>),
    /// `%n`: 2n items, keys and values alternating.
    Map(Vec<Self>),
    /// `~n`.
    Set(Vec<Self>),
    /// `|n`: 2n items, keys and values alternating.
    Attribute(Vec<Self>),
    /// `>n`.
    Push(Vec<Self>),
}

impl<B: AsRef<[u8]>> OwnedFrame<B> {
    /// Builds an owned frame from a borrowed one, turning each string with `own`.
    pub fn from_frame(frame: &Frame<'_>, mut own: impl FnMut(&[u8]) -> B) -> Self {
        Self::build(frame, &mut own)
    }

    fn build(frame: &Frame<'_>, own: &mut dyn FnMut(&[u8]) -> B) -> Self {
        let items = |agg: &crate::Aggregate<'_>, own: &mut dyn FnMut(&[u8]) -> B| {
            agg.iter().map(|item| Self::build(&item, own)).collect()
        };
        match frame {
            Frame::SimpleString(s) => Self::SimpleString(own(s)),
            Frame::SimpleError(s) => Self::SimpleError(own(s)),
            Frame::Integer(n) => Self::Integer(*n),
            Frame::BulkString(s) => Self::BulkString(own(s)),
            Frame::NullBulk => Self::NullBulk,
            Frame::NullArray => Self::NullArray,
            Frame::Null => Self::Null,
            Frame::Boolean(b) => Self::Boolean(*b),
            Frame::Double(d) => Self::Double(*d),
            Frame::BigNumber(s) => Self::BigNumber(own(s)),
            Frame::BlobError(s) => Self::BlobError(own(s)),
            Frame::Verbatim(v) => Self::Verbatim {
                format: v.format,
                text: own(v.text),
            },
            Frame::StreamedString(c) => Self::StreamedString(c.iter().map(&mut *own).collect()),
            Frame::Array(a) => Self::Array(items(a, own)),
            Frame::Map(a) => Self::Map(items(a, own)),
            Frame::Set(a) => Self::Set(items(a, own)),
            Frame::Attribute(a) => Self::Attribute(items(a, own)),
            Frame::Push(a) => Self::Push(items(a, own)),
        }
    }

    /// Encodes into `out`, with the same rules as [`Frame::encode_to`].
    ///
    /// # Errors
    ///
    /// As [`Frame::encode_to`].
    pub fn encode_to<S: Sink + ?Sized>(
        &self,
        proto: Protocol,
        out: &mut S,
    ) -> Result<(), EncodeError> {
        let enc = Encoder::new(proto);
        let items = |out: &mut S, items: &[Self]| {
            items.iter().try_for_each(|i| i.encode_to(proto, &mut *out))
        };
        match self {
            Self::SimpleString(s) => enc.simple_string(out, s.as_ref()),
            Self::SimpleError(s) => enc.simple_error(out, s.as_ref()),
            Self::Integer(n) => enc.integer(out, *n),
            Self::BulkString(s) => enc.bulk_string(out, s.as_ref()),
            Self::NullBulk => out.put(b"$-1\r\n"),
            Self::NullArray => out.put(b"*-1\r\n"),
            Self::Null => enc.null(out),
            Self::Boolean(b) => enc.boolean(out, *b),
            Self::Double(d) => enc.double(out, *d),
            Self::BigNumber(s) => enc.big_number(out, s.as_ref()),
            Self::BlobError(s) => enc.blob_error(out, s.as_ref()),
            Self::Verbatim { format, text } => enc.verbatim(out, *format, text.as_ref()),
            Self::StreamedString(chunks) => {
                let chunks = chunks.iter().map(AsRef::as_ref).filter(|c| !c.is_empty());
                if proto == Protocol::Resp3 {
                    out.put(b"$?\r\n")?;
                    for chunk in chunks {
                        header(out, b';', chunk.len() as u64)?;
                        out.put(chunk)?;
                        out.put(b"\r\n")?;
                    }
                    out.put(b";0\r\n")
                } else {
                    let total: usize = chunks.clone().map(<[u8]>::len).sum();
                    header(out, b'$', total as u64)?;
                    chunks.into_iter().try_for_each(|c| out.put(c))?;
                    out.put(b"\r\n")
                }
            }
            Self::Array(v) => enc.array_len(out, elements(v)).and_then(|()| items(out, v)),
            Self::Set(v) => enc.set_len(out, elements(v)).and_then(|()| items(out, v)),
            Self::Push(v) => enc.push_len(out, elements(v)).and_then(|()| items(out, v)),
            Self::Map(v) => enc
                .map_len(out, elements(v) / 2)
                .and_then(|()| items(out, v)),
            Self::Attribute(v) => enc
                .attribute_len(out, elements(v) / 2)
                .and_then(|()| items(out, v)),
        }
    }

    /// Encodes into a new `Vec`.
    ///
    /// # Errors
    ///
    /// As [`Frame::encode_to`].
    pub fn to_vec(&self, proto: Protocol) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode_to(proto, &mut out)?;
        Ok(out)
    }
}

/// Elements in a list of items: attributes describe items and are not counted.
fn elements<B>(items: &[OwnedFrame<B>]) -> usize {
    items
        .iter()
        .filter(|i| !matches!(i, OwnedFrame::Attribute(_)))
        .count()
}

impl From<&Frame<'_>> for OwnedFrame {
    fn from(frame: &Frame<'_>) -> Self {
        Self::from_frame(frame, <[u8]>::to_vec)
    }
}

impl<B: AsRef<[u8]>> PartialEq for OwnedFrame<B> {
    /// Structural equality; doubles by value with `nan` equal to `nan`; streamed strings by
    /// content.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::SimpleString(a), Self::SimpleString(b))
            | (Self::SimpleError(a), Self::SimpleError(b))
            | (Self::BulkString(a), Self::BulkString(b))
            | (Self::BigNumber(a), Self::BigNumber(b))
            | (Self::BlobError(a), Self::BlobError(b)) => a.as_ref() == b.as_ref(),
            (Self::Integer(a), Self::Integer(b)) => a == b,
            (Self::NullBulk, Self::NullBulk)
            | (Self::NullArray, Self::NullArray)
            | (Self::Null, Self::Null) => true,
            (Self::Boolean(a), Self::Boolean(b)) => a == b,
            (Self::Double(a), Self::Double(b)) => doubles_eq(*a, *b),
            (
                Self::Verbatim { format, text },
                Self::Verbatim {
                    format: f2,
                    text: t2,
                },
            ) => format == f2 && text.as_ref() == t2.as_ref(),
            (Self::StreamedString(a), Self::StreamedString(b)) => a
                .iter()
                .flat_map(|c| c.as_ref())
                .eq(b.iter().flat_map(|c| c.as_ref())),
            (Self::Array(a), Self::Array(b))
            | (Self::Map(a), Self::Map(b))
            | (Self::Set(a), Self::Set(b))
            | (Self::Attribute(a), Self::Attribute(b))
            | (Self::Push(a), Self::Push(b)) => a == b,
            _ => false,
        }
    }
}
