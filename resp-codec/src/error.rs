//! Error types: small, `Copy`, carrying a kind and a byte offset, never a string.

use core::fmt;

/// Why a frame could not be decoded, and where.
///
/// `offset` is the byte offset in the input at which the problem was detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset in the input where it was found.
    pub offset: usize,
}

/// The kinds of [`DecodeError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The first byte of a value is not a RESP2 or RESP3 type byte.
    InvalidTypeByte,
    /// A length or element count is not a valid decimal number (or is negative other than `-1`).
    InvalidLength,
    /// A length or element count is larger than the decoder's limit.
    LengthTooLarge,
    /// An integer (`:`) is not a valid signed 64-bit decimal.
    InvalidInteger,
    /// A double (`,`) is not a valid RESP3 double.
    InvalidDouble,
    /// A boolean is neither `#t` nor `#f`.
    InvalidBoolean,
    /// A null is not exactly `_\r\n`.
    InvalidNull,
    /// A big number (`(`) is not an optionally signed run of digits.
    InvalidBigNumber,
    /// A verbatim string is shorter than 4 bytes or lacks the `:` after its 3-byte format.
    InvalidVerbatim,
    /// A line or payload is not followed by `\r\n`.
    ExpectedCrlf,
    /// A simple string or error line is longer than the decoder's limit.
    LineTooLong,
    /// An end marker (`.`) outside a streamed aggregate.
    UnexpectedEnd,
    /// A streamed map ended after an odd number of elements.
    OddStreamedMap,
    /// Streamed aggregates nested deeper than the decoder supports.
    NestingTooDeep,
    /// A streamed string chunk does not start with `;`.
    InvalidChunk,
}

impl DecodeErrorKind {
    /// A short description.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidTypeByte => "invalid type byte",
            Self::InvalidLength => "invalid length",
            Self::LengthTooLarge => "length over the limit",
            Self::InvalidInteger => "invalid integer",
            Self::InvalidDouble => "invalid double",
            Self::InvalidBoolean => "invalid boolean",
            Self::InvalidNull => "invalid null",
            Self::InvalidBigNumber => "invalid big number",
            Self::InvalidVerbatim => "invalid verbatim string",
            Self::ExpectedCrlf => "expected CRLF",
            Self::LineTooLong => "line over the limit",
            Self::UnexpectedEnd => "end marker outside a streamed aggregate",
            Self::OddStreamedMap => "streamed map with an odd number of elements",
            Self::NestingTooDeep => "streamed aggregates nested too deep",
            Self::InvalidChunk => "invalid streamed string chunk",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.as_str(), self.offset)
    }
}

impl core::error::Error for DecodeError {}

/// Why a request could not be parsed, and where. Each kind maps to Valkey's exact reply text
/// ([`RequestError::reply`]); after one, a server replies and closes the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestError {
    /// What was wrong.
    pub kind: RequestErrorKind,
    /// Byte offset in the input where it was found.
    pub offset: usize,
}

/// The kinds of [`RequestError`], one per Valkey protocol error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestErrorKind {
    /// More than 64 KiB buffered without the `\r` ending a `*<count>` line.
    TooBigMbulkCount,
    /// The `*<count>` is not a strict decimal, or is above `i32::MAX`.
    InvalidMultibulkLength,
    /// An unauthenticated client sent more than 10 elements.
    UnauthenticatedMultibulkLength,
    /// An element did not start with `$`; carries the byte found instead.
    ExpectedDollar(u8),
    /// More than 64 KiB buffered without the `\r` ending a `$<len>` line.
    TooBigBulkCount,
    /// The `$<len>` is not a strict decimal, is negative, or is above `proto-max-bulk-len`.
    InvalidBulkLength,
    /// An unauthenticated client sent a bulk longer than 16384 bytes.
    UnauthenticatedBulkLength,
    /// More than 64 KiB buffered without the `\n` ending an inline command.
    TooBigInlineRequest,
    /// An inline command has an unterminated quote, or a closing quote not followed by a space.
    UnbalancedQuotes,
    /// The caller's argument storage is full (fixed-capacity stores only).
    TooManyArguments,
}

impl RequestErrorKind {
    /// The text after `ERR ` in Valkey's reply (for [`Self::ExpectedDollar`], without the byte).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TooBigMbulkCount => "Protocol error: too big mbulk count string",
            Self::InvalidMultibulkLength => "Protocol error: invalid multibulk length",
            Self::UnauthenticatedMultibulkLength => {
                "Protocol error: unauthenticated multibulk length"
            }
            Self::ExpectedDollar(_) => "Protocol error: expected '$', got ",
            Self::TooBigBulkCount => "Protocol error: too big bulk count string",
            Self::InvalidBulkLength => "Protocol error: invalid bulk length",
            Self::UnauthenticatedBulkLength => "Protocol error: unauthenticated bulk length",
            Self::TooBigInlineRequest => "Protocol error: too big inline request",
            Self::UnbalancedQuotes => "Protocol error: unbalanced quotes in request",
            Self::TooManyArguments => "Protocol error: too many arguments for this server",
        }
    }
}

impl RequestError {
    /// The error reply Valkey sends for this error, without the leading `-` and trailing CRLF,
    /// e.g. `ERR Protocol error: expected '$', got 'f'`.
    ///
    /// ```
    /// use resp_codec::{RequestParser, Status};
    /// let mut buf = *b"*1\r\nfoo\r\n";
    /// let mut args = Vec::new();
    /// let err = RequestParser::new().parse(&mut buf, &mut args).unwrap_err();
    /// assert_eq!(err.reply().as_bytes(), b"ERR Protocol error: expected '$', got 'f'");
    /// ```
    pub fn reply(&self) -> ErrorReply {
        let mut reply = ErrorReply {
            buf: [0; ERROR_REPLY_CAPACITY],
            len: 0,
        };
        reply.push(b"ERR ");
        reply.push(self.kind.as_str().as_bytes());
        if let RequestErrorKind::ExpectedDollar(got) = self.kind {
            // Valkey prints the byte with %c; a CR or LF would be turned into a space when the
            // error is sent, so do that here.
            let got = if got == b'\r' || got == b'\n' {
                b' '
            } else {
                got
            };
            reply.push(&[b'\'', got, b'\'']);
        }
        reply
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let RequestErrorKind::ExpectedDollar(got) = self.kind {
            write!(f, "{:?}", char::from(got))?;
        }
        write!(f, " (at byte {})", self.offset)
    }
}

impl core::error::Error for RequestError {}

/// A protocol error's reply text in a fixed buffer (no allocation). See [`RequestError::reply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorReply {
    buf: [u8; ERROR_REPLY_CAPACITY],
    len: usize,
}

const ERROR_REPLY_CAPACITY: usize = 64;

impl ErrorReply {
    fn push(&mut self, bytes: &[u8]) {
        let end = (self.len + bytes.len()).min(ERROR_REPLY_CAPACITY);
        let n = end - self.len;
        self.buf[self.len..end].copy_from_slice(&bytes[..n]);
        self.len = end;
    }

    /// The reply text, e.g. `ERR Protocol error: invalid bulk length`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Why a frame or reply could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small; size it with `encoded_len` first.
    BufferTooSmall,
    /// The type has no RESP2 form (push, attribute, blob error, end marker).
    NotInResp2,
    /// A simple string or error contains `\r` or `\n`.
    InvalidSimpleString,
    /// A verbatim format is not 3 bytes, or a big number is not digits.
    InvalidValue,
}

impl EncodeError {
    /// A short description.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BufferTooSmall => "output buffer too small",
            Self::NotInResp2 => "type has no RESP2 form",
            Self::InvalidSimpleString => "simple string or error contains CR or LF",
            Self::InvalidValue => "value cannot be encoded as its type",
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for EncodeError {}
