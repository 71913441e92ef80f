//! Encoding: reply primitives that apply the RESP2 downgrades, and whole [`Frame`]s.
//!
//! Everything writes through a [`Sink`]: a `Vec<u8>` (with `alloc`), a `BytesMut` (with
//! `bytes`), or a [`SliceSink`] over caller-provided memory that reports
//! [`EncodeError::BufferTooSmall`] instead of panicking.

mod frame;
mod sink;

pub use sink::{Counter, Sink, SliceSink};

use crate::digits::Digits;
use crate::double::FormattedDouble;
use crate::error::EncodeError;

/// The protocol a connection speaks, chosen with `HELLO`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// RESP2: the RESP3 types are downgraded (map → flat array, double → bulk, …).
    #[default]
    Resp2,
    /// RESP3.
    Resp3,
}

/// Writes replies in one protocol, applying Valkey's RESP2 downgrades:
///
/// | call | RESP3 | RESP2 |
/// |---|---|---|
/// | [`null`](Self::null) | `_` | `$-1` |
/// | [`null_array`](Self::null_array) | `_` | `*-1` |
/// | [`map_len`](Self::map_len)`(n)` | `%n` | `*2n` |
/// | [`set_len`](Self::set_len)`(n)` | `~n` | `*n` |
/// | [`double`](Self::double) | `,1.5` | `$3 1.5` |
/// | [`boolean`](Self::boolean) | `#t` | `:1` |
/// | [`big_number`](Self::big_number) | `(123` | `$3 123` |
/// | [`verbatim`](Self::verbatim) | `=9 txt:hello` | `$5 hello` |
/// | [`push_len`](Self::push_len), [`attribute_len`](Self::attribute_len), [`blob_error`](Self::blob_error) | as is | [`EncodeError::NotInResp2`] |
///
/// ```
/// use resp_codec::{Encoder, Protocol};
///
/// let mut out = Vec::new();
/// let resp2 = Encoder::new(Protocol::Resp2);
/// resp2.map_len(&mut out, 1)?;
/// resp2.bulk_string(&mut out, b"score")?;
/// resp2.double(&mut out, 1.5)?;
/// assert_eq!(out, b"*2\r\n$5\r\nscore\r\n$3\r\n1.5\r\n");
///
/// out.clear();
/// let resp3 = Encoder::new(Protocol::Resp3);
/// resp3.map_len(&mut out, 1)?;
/// resp3.bulk_string(&mut out, b"score")?;
/// resp3.double(&mut out, 1.5)?;
/// assert_eq!(out, b"%1\r\n$5\r\nscore\r\n,1.5\r\n");
/// # Ok::<(), resp_codec::EncodeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encoder {
    proto: Protocol,
}

impl Encoder {
    /// An encoder for `proto`.
    pub const fn new(proto: Protocol) -> Self {
        Self { proto }
    }

    /// The protocol it writes.
    pub const fn protocol(self) -> Protocol {
        self.proto
    }

    fn resp3(self) -> bool {
        self.proto == Protocol::Resp3
    }

    /// `+text`. The text must not contain `\r` or `\n`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidSimpleString`], or the sink's error.
    pub fn simple_string<S: Sink + ?Sized>(
        self,
        out: &mut S,
        text: &[u8],
    ) -> Result<(), EncodeError> {
        line(out, b'+', text)
    }

    /// `-text`, where text starts with the error code: `ERR unknown command`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidSimpleString`], or the sink's error.
    pub fn simple_error<S: Sink + ?Sized>(
        self,
        out: &mut S,
        text: &[u8],
    ) -> Result<(), EncodeError> {
        line(out, b'-', text)
    }

    /// `:n`.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn integer<S: Sink + ?Sized>(self, out: &mut S, n: i64) -> Result<(), EncodeError> {
        out.put(b":")?;
        out.put(Digits::i64(n).as_bytes())?;
        out.put(b"\r\n")
    }

    /// `$len` and the bytes.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn bulk_string<S: Sink + ?Sized>(
        self,
        out: &mut S,
        data: &[u8],
    ) -> Result<(), EncodeError> {
        header(out, b'$', data.len() as u64)?;
        out.put(data)?;
        out.put(b"\r\n")
    }

    /// The null reply: `_` in RESP3, the null bulk string `$-1` in RESP2.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn null<S: Sink + ?Sized>(self, out: &mut S) -> Result<(), EncodeError> {
        out.put(if self.resp3() { b"_\r\n" } else { b"$-1\r\n" })
    }

    /// The null array reply: `_` in RESP3, `*-1` in RESP2.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn null_array<S: Sink + ?Sized>(self, out: &mut S) -> Result<(), EncodeError> {
        out.put(if self.resp3() { b"_\r\n" } else { b"*-1\r\n" })
    }

    /// `*n`; the n elements follow.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn array_len<S: Sink + ?Sized>(self, out: &mut S, n: usize) -> Result<(), EncodeError> {
        header(out, b'*', n as u64)
    }

    /// `%n` in RESP3, `*2n` in RESP2; n key/value pairs follow.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn map_len<S: Sink + ?Sized>(self, out: &mut S, n: usize) -> Result<(), EncodeError> {
        if self.resp3() {
            header(out, b'%', n as u64)
        } else {
            header(out, b'*', 2 * n as u64)
        }
    }

    /// `~n` in RESP3, `*n` in RESP2.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn set_len<S: Sink + ?Sized>(self, out: &mut S, n: usize) -> Result<(), EncodeError> {
        header(out, if self.resp3() { b'~' } else { b'*' }, n as u64)
    }

    /// `>n` (RESP3 only).
    ///
    /// # Errors
    ///
    /// [`EncodeError::NotInResp2`] on RESP2, or the sink's error.
    pub fn push_len<S: Sink + ?Sized>(self, out: &mut S, n: usize) -> Result<(), EncodeError> {
        self.require_resp3()?;
        header(out, b'>', n as u64)
    }

    /// `|n` (RESP3 only); n pairs follow, then the value they describe.
    ///
    /// # Errors
    ///
    /// [`EncodeError::NotInResp2`] on RESP2, or the sink's error.
    pub fn attribute_len<S: Sink + ?Sized>(self, out: &mut S, n: usize) -> Result<(), EncodeError> {
        self.require_resp3()?;
        header(out, b'|', n as u64)
    }

    /// `,value` in RESP3, a bulk string in RESP2; formatted as Valkey formats doubles
    /// ([`FormattedDouble`]).
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn double<S: Sink + ?Sized>(self, out: &mut S, value: f64) -> Result<(), EncodeError> {
        let text = FormattedDouble::new(value);
        if self.resp3() {
            out.put(b",")?;
            out.put(text.as_bytes())?;
            out.put(b"\r\n")
        } else {
            self.bulk_string(out, text.as_bytes())
        }
    }

    /// `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn boolean<S: Sink + ?Sized>(self, out: &mut S, value: bool) -> Result<(), EncodeError> {
        out.put(match (self.resp3(), value) {
            (true, true) => b"#t\r\n",
            (true, false) => b"#f\r\n",
            (false, true) => b":1\r\n",
            (false, false) => b":0\r\n",
        })
    }

    /// `(digits` in RESP3, a bulk string in RESP2. `digits` is an optional `-` and digits.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidValue`] if `digits` is not a number, or the sink's error.
    pub fn big_number<S: Sink + ?Sized>(
        self,
        out: &mut S,
        digits: &[u8],
    ) -> Result<(), EncodeError> {
        let unsigned = digits.strip_prefix(b"-").unwrap_or(digits);
        if unsigned.is_empty() || !unsigned.iter().all(u8::is_ascii_digit) {
            return Err(EncodeError::InvalidValue);
        }
        if self.resp3() {
            line(out, b'(', digits)
        } else {
            self.bulk_string(out, digits)
        }
    }

    /// `=len` + `fmt:text` in RESP3, a bulk string of `text` in RESP2.
    ///
    /// # Errors
    ///
    /// The sink's error.
    pub fn verbatim<S: Sink + ?Sized>(
        self,
        out: &mut S,
        format: [u8; 3],
        text: &[u8],
    ) -> Result<(), EncodeError> {
        if !self.resp3() {
            return self.bulk_string(out, text);
        }
        header(out, b'=', text.len() as u64 + 4)?;
        out.put(&format)?;
        out.put(b":")?;
        out.put(text)?;
        out.put(b"\r\n")
    }

    /// `!len` and the bytes (RESP3 only).
    ///
    /// # Errors
    ///
    /// [`EncodeError::NotInResp2`] on RESP2, or the sink's error.
    pub fn blob_error<S: Sink + ?Sized>(self, out: &mut S, text: &[u8]) -> Result<(), EncodeError> {
        self.require_resp3()?;
        header(out, b'!', text.len() as u64)?;
        out.put(text)?;
        out.put(b"\r\n")
    }

    fn require_resp3(self) -> Result<(), EncodeError> {
        if self.resp3() {
            Ok(())
        } else {
            Err(EncodeError::NotInResp2)
        }
    }
}

/// `<ty><n>\r\n`.
pub(crate) fn header<S: Sink + ?Sized>(out: &mut S, ty: u8, n: u64) -> Result<(), EncodeError> {
    out.put(&[ty])?;
    out.put(Digits::u64(n).as_bytes())?;
    out.put(b"\r\n")
}

/// `<ty><text>\r\n` for a text without CR or LF.
fn line<S: Sink + ?Sized>(out: &mut S, ty: u8, text: &[u8]) -> Result<(), EncodeError> {
    if memchr::memchr2(b'\r', b'\n', text).is_some() {
        return Err(EncodeError::InvalidSimpleString);
    }
    out.put(&[ty])?;
    out.put(text)?;
    out.put(b"\r\n")
}
