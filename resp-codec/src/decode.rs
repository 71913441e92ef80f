//! The streaming frame decoder: a complete [`Frame`] and the bytes it used, or
//! [`Status::Partial`] when the buffer does not hold a whole frame yet.

mod token;
mod walk;

use token::Token;
pub(crate) use token::chunk;
pub use walk::MAX_DEPTH;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::frame::{Aggregate, Frame};

/// The outcome of feeding a buffer to a push parser: a value, or a request for more bytes.
///
/// Incomplete input is not an error: read more bytes, append them, and call again with the
/// whole buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// A whole value was found.
    Complete(T),
    /// The buffer ends before the value does.
    Partial,
}

impl<T> Status<T> {
    /// The value, if complete.
    pub fn complete(self) -> Option<T> {
        match self {
            Self::Complete(v) => Some(v),
            Self::Partial => None,
        }
    }

    /// Whether more bytes are needed.
    pub fn is_partial(&self) -> bool {
        matches!(self, Self::Partial)
    }
}

/// Limits that bound what one frame may claim, so hostile input is refused early instead of
/// making the caller buffer without end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest bulk string, blob error, verbatim string or streamed chunk. Default 512 MiB,
    /// Valkey's `proto-max-bulk-len` default.
    pub max_bulk_len: usize,
    /// Longest simple string, simple error, double or big number line. Default 1 MiB.
    pub max_line_len: usize,
    /// Largest element count of one aggregate. Default `i32::MAX`, Valkey's multibulk limit.
    pub max_count: usize,
    /// Deepest nesting of aggregates, the frame itself being level 1. Default and maximum
    /// [`MAX_DEPTH`].
    pub max_depth: usize,
}

impl Limits {
    /// The defaults described on each field.
    pub const DEFAULT: Self = Self {
        max_bulk_len: 512 * 1024 * 1024,
        max_line_len: 1024 * 1024,
        max_count: i32::MAX as usize,
        max_depth: MAX_DEPTH,
    };

    /// No limits: for input that has already been validated.
    pub const UNLIMITED: Self = Self {
        max_bulk_len: usize::MAX,
        max_line_len: usize::MAX,
        max_count: usize::MAX,
        max_depth: MAX_DEPTH,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Decodes one RESP2 or RESP3 frame from the start of `buf`, with [`Limits::DEFAULT`].
///
/// Returns the frame and the number of bytes it used, or [`Status::Partial`] if `buf` ends
/// first. Aggregates are validated whole before they are returned, without recursion and
/// without allocating; nesting deeper than [`Limits::max_depth`] is refused.
///
/// # Errors
///
/// A [`DecodeError`] with the kind and byte offset of the first invalid byte.
///
/// ```
/// use resp_codec::{Frame, Status, decode};
///
/// let buf = b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n+OK\r\n";
/// let Status::Complete((frame, used)) = decode(buf)? else { panic!("partial") };
/// assert_eq!(used, 22);
/// let Frame::Array(items) = frame else { panic!("not an array") };
/// let args: Vec<_> = items.iter().collect();
/// assert_eq!(args, [Frame::BulkString(b"GET"), Frame::BulkString(b"key")]);
///
/// // The rest of the buffer holds the next frame; a cut-off frame is not an error.
/// assert_eq!(decode(&buf[used..])?, Status::Complete((Frame::SimpleString(b"OK"), 5)));
/// assert_eq!(decode(&buf[..10])?, Status::Partial);
/// # Ok::<(), resp_codec::DecodeError>(())
/// ```
pub fn decode(buf: &[u8]) -> Result<Status<(Frame<'_>, usize)>, DecodeError> {
    decode_with(buf, &Limits::DEFAULT)
}

/// [`decode`] with explicit [`Limits`].
///
/// # Errors
///
/// As [`decode`], plus [`DecodeErrorKind::LengthTooLarge`] and
/// [`DecodeErrorKind::LineTooLong`] when a limit is passed.
pub fn decode_with<'a>(
    buf: &'a [u8],
    limits: &Limits,
) -> Result<Status<(Frame<'a>, usize)>, DecodeError> {
    let Some((tok, next)) = next_token::<true>(buf, 0, limits)? else {
        return Ok(Status::Partial);
    };
    let frame = match tok {
        Token::Scalar(frame) => return Ok(Status::Complete((frame, next))),
        Token::End => return Err(error(DecodeErrorKind::UnexpectedEnd, 0)),
        Token::Open(kind, count) => {
            let base = walk::Base { kind, count };
            let Some(done) = walk::walk(buf, next, limits, base)? else {
                return Ok(Status::Partial);
            };
            let len = match count {
                Some(n) => n,
                None if kind == token::Kind::Map => (done.streamed_count / 2) as usize,
                None => done.streamed_count as usize,
            };
            let agg = Aggregate::new(&buf[next..done.body_end], len, count.is_none());
            (kind.frame(agg), done.end)
        }
    };
    Ok(Status::Complete(frame))
}

/// Decodes one item of an aggregate body that was validated when the aggregate was decoded.
///
/// Counted aggregates inside it are skipped with a single counter of owed items (no levels
/// to keep, nothing to re-check), so walking nested aggregates costs little more than reading
/// their tokens. `None` only at the end of the body.
pub(crate) fn decode_valid(buf: &[u8]) -> Option<(Frame<'_>, usize)> {
    let lim = &Limits::UNLIMITED;
    let (tok, next) = next_token::<true>(buf, 0, lim).ok()??;
    let Token::Open(kind, Some(len)) = tok else {
        return match tok {
            Token::Scalar(frame) => Some((frame, next)),
            _ => decode_with(buf, lim).ok()?.complete(),
        };
    };
    let mut owed = kind.items(len);
    let mut pos = next;
    while owed > 0 {
        let (tok, after) = next_token::<false>(buf, pos, lim).ok()??;
        pos = after;
        owed = match tok {
            Token::Scalar(_) => owed - 1,
            Token::Open(token::Kind::Attribute, Some(n)) => owed + 2 * n as u64,
            Token::Open(inner, Some(n)) => owed - 1 + inner.items(n),
            Token::Open(inner, None) => {
                let base = walk::Base {
                    kind: inner,
                    count: None,
                };
                pos = walk::walk(buf, after, lim, base).ok()??.end;
                owed - 1
            }
            Token::End => return None,
        };
    }
    let agg = Aggregate::new(&buf[next..pos], len, false);
    Some((kind.frame(agg), pos))
}

/// Reads the token at `pos`: `Ok(None)` when the buffer ends first.
#[inline(always)]
fn next_token<'a, const FRAME: bool>(
    buf: &'a [u8],
    pos: usize,
    limits: &Limits,
) -> Result<Option<(Token<'a>, usize)>, DecodeError> {
    if let Some(found) = token::quick(buf, pos, limits) {
        return Ok(Some(found));
    }
    match token::token::<FRAME>(&buf[pos..], limits) {
        Ok((rest, tok)) => Ok(Some((tok, buf.len() - rest.len()))),
        Err(nom::Err::Incomplete(_)) => Ok(None),
        Err(nom::Err::Error(fail) | nom::Err::Failure(fail)) => {
            Err(error(fail.kind, buf.len() - fail.rest_len))
        }
    }
}

fn error(kind: DecodeErrorKind, offset: usize) -> DecodeError {
    DecodeError { kind, offset }
}

#[cfg(test)]
mod tests;
