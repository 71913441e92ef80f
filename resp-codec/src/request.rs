//! The server's request parser: one command at a time from the front of the query buffer,
//! arguments as [`Span`]s into that buffer, checked exactly as Valkey checks them.
//!
//! Multibulk requests (`*<n>\r\n$<len>\r\n<bytes>\r\n…`) are the hot path: no allocation and
//! no copy per argument. Inline commands (`SET k "a b"\n`) are tokenized as Valkey's
//! `sdssplitargs` does, unescaping in place inside the buffer, which is why the parser takes
//! `&mut [u8]`. RESP3 changes nothing here: clients always send arrays of bulk strings.

mod args;
mod inline;
mod number;

pub use args::{ArgSink, Span};

use crate::decode::Status;
use crate::error::{RequestError, RequestErrorKind};

/// How long a `*<count>`, `$<len>` or inline line may grow without its terminator (Valkey's
/// `PROTO_INLINE_MAX_SIZE`).
pub const INLINE_MAX_SIZE: usize = 64 * 1024;

/// Most elements an unauthenticated client may send in one multibulk.
pub const UNAUTHENTICATED_MAX_ARGS: i64 = 10;

/// Longest bulk an unauthenticated client may send.
pub const UNAUTHENTICATED_MAX_BULK: i64 = 16384;

/// Parses requests with Valkey's rules and limits.
///
/// ```
/// use resp_codec::{RequestParser, Span, Status};
///
/// let mut buf = *b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nPING\r\n";
/// let parser = RequestParser::new();
/// let mut args: Vec<Span> = Vec::new();
///
/// let Status::Complete(used) = parser.parse(&mut buf, &mut args)? else { unreachable!() };
/// assert_eq!(args.iter().map(|a| a.of(&buf)).collect::<Vec<_>>(), [&b"GET"[..], b"key"]);
///
/// // The next request in the pipeline is an inline one.
/// let rest = &mut buf[used..];
/// assert_eq!(parser.parse(rest, &mut args)?, Status::Complete(6));
/// assert_eq!(args[0].of(rest), b"PING");
/// # Ok::<(), resp_codec::RequestError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestParser {
    max_bulk_len: i64,
    authenticated: bool,
}

impl Default for RequestParser {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestParser {
    /// A parser for an authenticated client with `proto-max-bulk-len` at its 512 MiB default.
    pub const fn new() -> Self {
        Self {
            max_bulk_len: 512 * 1024 * 1024,
            authenticated: true,
        }
    }

    /// Sets `proto-max-bulk-len`: longer bulks are `invalid bulk length`.
    pub const fn max_bulk_len(mut self, len: u64) -> Self {
        self.max_bulk_len = if len > i64::MAX as u64 {
            i64::MAX
        } else {
            len as i64
        };
        self
    }

    /// Whether the client has authenticated (or needs no authentication). Unauthenticated
    /// clients may send at most 10 elements and bulks of at most 16384 bytes.
    pub const fn authenticated(mut self, yes: bool) -> Self {
        self.authenticated = yes;
        self
    }

    /// Parses one request from the start of `buf` into `args` (cleared first).
    ///
    /// `Complete(used)`: a request took `used` bytes; `args` holds its arguments as spans of
    /// `buf`. An empty `args` means there was nothing to run (an empty inline line, `*0`, or a
    /// negative count): skip `used` bytes and parse again. `Partial`: wait for more bytes.
    ///
    /// Inline commands are unescaped in place, so `buf` is modified inside the request.
    ///
    /// # Errors
    ///
    /// A [`RequestError`]; Valkey replies with [`RequestError::reply`] and closes the
    /// connection after the reply.
    pub fn parse<A: ArgSink + ?Sized>(
        &self,
        buf: &mut [u8],
        args: &mut A,
    ) -> Result<Status<usize>, RequestError> {
        args.clear();
        match buf.first() {
            None => Ok(Status::Partial),
            Some(b'*') => self.multibulk(buf, args),
            Some(_) => inline::parse(buf, args),
        }
    }

    fn multibulk<A: ArgSink + ?Sized>(
        &self,
        buf: &[u8],
        args: &mut A,
    ) -> Result<Status<usize>, RequestError> {
        use RequestErrorKind as K;
        let err = |kind, offset| Err(RequestError { kind, offset });
        let (count, mut pos) = match number::line(buf, 1) {
            number::Line::Number(n, next) if n <= i64::from(i32::MAX) => (n, next),
            number::Line::Number(_, _) | number::Line::Invalid => {
                return err(K::InvalidMultibulkLength, 1);
            }
            number::Line::NoCr if buf.len() > INLINE_MAX_SIZE => {
                return err(K::TooBigMbulkCount, 0);
            }
            number::Line::NoCr | number::Line::NoLf => return Ok(Status::Partial),
        };
        if count > UNAUTHENTICATED_MAX_ARGS && !self.authenticated {
            return err(K::UnauthenticatedMultibulkLength, 1);
        }
        if count <= 0 {
            return Ok(Status::Complete(pos));
        }
        args.reserve(count.min(1024) as usize);
        for _ in 0..count {
            let Some(&first) = buf.get(pos) else {
                return Ok(Status::Partial);
            };
            if first == b'\r' {
                // The line is empty: Valkey sees a whole line once one more byte is there.
                if buf.len() > pos + 1 {
                    return err(K::ExpectedDollar(first), pos);
                }
                return Ok(Status::Partial);
            }
            let (len, next) = match number::line(buf, pos + 1) {
                // Valkey looks at the type byte only once the whole line is there.
                number::Line::Number(..) | number::Line::Invalid if first != b'$' => {
                    return err(K::ExpectedDollar(first), pos);
                }
                number::Line::Number(n, next) if (0..=self.max_bulk_len).contains(&n) => (n, next),
                number::Line::Number(..) | number::Line::Invalid => {
                    return err(K::InvalidBulkLength, pos + 1);
                }
                number::Line::NoCr if buf.len() - pos > INLINE_MAX_SIZE => {
                    return err(K::TooBigBulkCount, pos);
                }
                number::Line::NoCr | number::Line::NoLf => return Ok(Status::Partial),
            };
            if len > UNAUTHENTICATED_MAX_BULK && !self.authenticated {
                return err(K::UnauthenticatedBulkLength, pos + 1);
            }
            let len = len as usize;
            // The payload and the two bytes after it, which Valkey skips unchecked.
            if buf.len() - next < len + 2 {
                return Ok(Status::Partial);
            }
            let span = Span::new(next, next + len);
            if args.push(span).is_err() {
                return err(K::TooManyArguments, pos);
            }
            pos = next + len + 2;
        }
        Ok(Status::Complete(pos))
    }
}

#[cfg(test)]
mod tests;
