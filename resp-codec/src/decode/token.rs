//! One token of RESP: a complete scalar, the header of an aggregate, or the streamed end
//! marker. The nom parsers live here and stay private.

use nom::bytes::streaming::take;
use nom::{IResult, Needed};

use super::Limits;
use crate::error::DecodeErrorKind;
use crate::frame::{Aggregate, Chunks, Frame, Verbatim};

/// A nom failure: what went wrong and how many bytes were left from that point, so the caller
/// can turn it into an absolute offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fail {
    pub(crate) kind: DecodeErrorKind,
    pub(crate) rest_len: usize,
}

impl<'a> nom::error::ParseError<&'a [u8]> for Fail {
    fn from_error_kind(input: &'a [u8], _: nom::error::ErrorKind) -> Self {
        Self {
            kind: DecodeErrorKind::InvalidTypeByte,
            rest_len: input.len(),
        }
    }

    fn append(_: &'a [u8], _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type Res<'a, T> = IResult<&'a [u8], T, Fail>;

fn fail<T>(kind: DecodeErrorKind, at: &[u8]) -> Res<'_, T> {
    Err(nom::Err::Failure(Fail {
        kind,
        rest_len: at.len(),
    }))
}

fn incomplete<'a, T>() -> Res<'a, T> {
    Err(nom::Err::Incomplete(Needed::Unknown))
}

/// The kinds of aggregate. A whole word, like [`Frame`]'s tag, so that copying a token never
/// straddles a narrow store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Kind {
    Array,
    Map,
    Set,
    Attribute,
    Push,
}

impl Kind {
    /// How many items `n` elements of this kind take (maps and attributes hold pairs).
    pub(crate) fn items(self, n: usize) -> u64 {
        match self {
            Self::Map | Self::Attribute => 2 * n as u64,
            _ => n as u64,
        }
    }

    pub(crate) fn frame(self, agg: Aggregate<'_>) -> Frame<'_> {
        match self {
            Self::Array => Frame::Array(agg),
            Self::Map => Frame::Map(agg),
            Self::Set => Frame::Set(agg),
            Self::Attribute => Frame::Attribute(agg),
            Self::Push => Frame::Push(agg),
        }
    }
}

#[repr(u64)]
pub(crate) enum Token<'a> {
    /// A whole scalar (streamed strings included).
    Scalar(Frame<'a>),
    /// An aggregate header: a count of elements (pairs for maps), or `None` when streamed.
    Open(Kind, Option<usize>),
    /// `.\r\n`.
    End,
}

/// Reads one token from the start of `i`. Without `FRAME`, scalars are only checked, not
/// converted (a walk that validates an aggregate's body does not need their values), and the
/// token holds [`Frame::Null`] in their place.
#[inline(always)]
pub(crate) fn token<'a, const FRAME: bool>(i: &'a [u8], lim: &Limits) -> Res<'a, Token<'a>> {
    let Some((&ty, rest)) = i.split_first() else {
        return incomplete();
    };
    let scalar = |(rest, frame)| Ok((rest, Token::Scalar(frame)));
    match ty {
        b'+' => line(rest, lim).and_then(|(r, l)| scalar((r, Frame::SimpleString(l)))),
        b'-' => line(rest, lim).and_then(|(r, l)| scalar((r, Frame::SimpleError(l)))),
        b':' => decimal(rest, DecodeErrorKind::InvalidInteger)
            .and_then(|(r, n)| scalar((r, Frame::Integer(n)))),
        b'$' if rest.first() == Some(&b'?') => streamed_string(&rest[1..], lim).and_then(scalar),
        b'$' => match length(rest, lim.max_bulk_len, true)? {
            (r, None) => scalar((r, Frame::NullBulk)),
            (r, Some(n)) => payload(r, n).and_then(|(r, p)| scalar((r, Frame::BulkString(p)))),
        },
        b'*' | b'%' | b'~' | b'|' | b'>' => aggregate(ty, rest, lim),
        b'_' => Ok((
            crlf(rest, DecodeErrorKind::InvalidNull)?,
            Token::Scalar(Frame::Null),
        )),
        b'#' => boolean(rest).and_then(scalar),
        b',' if !FRAME => {
            line(rest, lim).and_then(|(r, text)| match crate::double::is_valid(text) {
                true => scalar((r, Frame::Null)),
                false => fail(DecodeErrorKind::InvalidDouble, rest),
            })
        }
        b',' => double(rest, lim).and_then(|(r, d)| scalar((r, Frame::Double(d)))),
        b'(' => big_number(rest, lim).and_then(|(r, n)| scalar((r, Frame::BigNumber(n)))),
        b'!' => match length(rest, lim.max_bulk_len, false)? {
            (r, Some(n)) => payload(r, n).and_then(|(r, p)| scalar((r, Frame::BlobError(p)))),
            (_, None) => fail(DecodeErrorKind::InvalidLength, rest),
        },
        b'=' => verbatim(rest, lim).and_then(scalar),
        b'.' => Ok((crlf(rest, DecodeErrorKind::UnexpectedEnd)?, Token::End)),
        _ => fail(DecodeErrorKind::InvalidTypeByte, i),
    }
}

/// The tokens most bodies are made of, read without the general tokenizer: a bulk string,
/// an integer, or a counted aggregate header, each with a plain decimal. Anything else, or
/// anything unusual about these (a sign, a partial line, a bad byte), is `None` and goes the
/// general way, which also words the errors.
#[inline(always)]
pub(crate) fn quick<'a>(buf: &'a [u8], pos: usize, lim: &Limits) -> Option<(Token<'a>, usize)> {
    let ty = *buf.get(pos)?;
    if !matches!(ty, b'$' | b':' | b'*' | b'%' | b'~' | b'>') {
        return None;
    }
    let mut i = pos + 1;
    let mut n: u64 = 0;
    loop {
        let digit = buf.get(i)?.wrapping_sub(b'0');
        if digit >= 10 {
            break;
        }
        n = n * 10 + u64::from(digit);
        i += 1;
        if i - pos > 18 {
            return None;
        }
    }
    if i == pos + 1 || buf.get(i..i + 2)? != b"\r\n" {
        return None;
    }
    let next = i + 2;
    let kind = match ty {
        b'$' => {
            if n > lim.max_bulk_len as u64 {
                return None;
            }
            let end = next.checked_add(n as usize)?;
            if buf.get(end..end + 2)? != b"\r\n" {
                return None;
            }
            let frame = Frame::BulkString(&buf[next..end]);
            return Some((Token::Scalar(frame), end + 2));
        }
        b':' => return Some((Token::Scalar(Frame::Integer(n as i64)), next)),
        b'*' => Kind::Array,
        b'%' => Kind::Map,
        b'~' => Kind::Set,
        b'>' => Kind::Push,
        _ => return None,
    };
    if n > lim.max_count as u64 {
        return None;
    }
    Some((Token::Open(kind, Some(n as usize)), next))
}

#[inline]
fn aggregate<'a>(ty: u8, i: &'a [u8], lim: &Limits) -> Res<'a, Token<'a>> {
    let kind = match ty {
        b'*' => Kind::Array,
        b'%' => Kind::Map,
        b'~' => Kind::Set,
        b'|' => Kind::Attribute,
        _ => Kind::Push,
    };
    if i.first() == Some(&b'?') && matches!(kind, Kind::Array | Kind::Map | Kind::Set) {
        let rest = crlf(&i[1..], DecodeErrorKind::InvalidLength)?;
        return Ok((rest, Token::Open(kind, None)));
    }
    match length(i, lim.max_count, kind == Kind::Array)? {
        (rest, Some(n)) => Ok((rest, Token::Open(kind, Some(n)))),
        (rest, None) => Ok((rest, Token::Scalar(Frame::NullArray))),
    }
}

/// A line up to `\r\n`, at most `max_line_len` bytes.
#[inline]
fn line<'a>(i: &'a [u8], lim: &Limits) -> Res<'a, &'a [u8]> {
    // Most lines are short: a plain scan beats memchr's set-up for them. A line may hold
    // neither CR nor LF, so the first of either ends it.
    let end = match i.iter().take(32).position(|&b| b == b'\r' || b == b'\n') {
        Some(at) => Some(at),
        None if i.len() <= 32 => None,
        None => memchr::memchr2(b'\r', b'\n', i),
    };
    match end {
        Some(at) if i[at] == b'\n' => fail(DecodeErrorKind::ExpectedCrlf, &i[at..]),
        Some(end) if end > lim.max_line_len => fail(DecodeErrorKind::LineTooLong, i),
        Some(end) => {
            let rest = crlf(&i[end..], DecodeErrorKind::ExpectedCrlf)?;
            Ok((rest, &i[..end]))
        }
        None if i.len() > lim.max_line_len => fail(DecodeErrorKind::LineTooLong, i),
        None => incomplete(),
    }
}

/// Exactly `\r\n`; returns what follows.
#[inline]
fn crlf(i: &[u8], kind: DecodeErrorKind) -> Result<&[u8], nom::Err<Fail>> {
    match i {
        [b'\r', b'\n', rest @ ..] => Ok(rest),
        [] | [b'\r'] => Err(nom::Err::Incomplete(Needed::Unknown)),
        _ => Err(nom::Err::Failure(Fail {
            kind,
            rest_len: i.len(),
        })),
    }
}

/// More digits than any `i64` needs (leading zeros included) is an error, not a wait.
const MAX_DIGITS: usize = 20;

/// A decimal up to `\r\n`: optional sign, then at least one digit, fitting an `i64`.
#[inline]
fn decimal(i: &[u8], kind: DecodeErrorKind) -> Res<'_, i64> {
    let (neg, start) = match i.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        Some(_) => (false, 0),
        None => return incomplete(),
    };
    // Accumulate negatively so that i64::MIN fits.
    let mut acc: i64 = 0;
    let mut pos = start;
    while let Some(&b) = i.get(pos) {
        if !b.is_ascii_digit() {
            break;
        }
        if pos - start == MAX_DIGITS {
            return fail(kind, &i[pos..]);
        }
        let digit = i64::from(b - b'0');
        acc = match acc.checked_mul(10).and_then(|a| a.checked_sub(digit)) {
            Some(a) => a,
            None => return fail(kind, &i[pos..]),
        };
        pos += 1;
    }
    if pos == i.len() {
        return incomplete();
    }
    if pos == start {
        return fail(kind, &i[pos..]);
    }
    let rest = crlf(&i[pos..], kind)?;
    let value = if neg {
        acc
    } else {
        match acc.checked_neg() {
            Some(v) => v,
            None => return fail(kind, i),
        }
    };
    Ok((rest, value))
}

/// A length or count line: `-1` is `None`; other negatives, or more than `max`, fail.
#[inline]
fn length(i: &[u8], max: usize, null_ok: bool) -> Res<'_, Option<usize>> {
    let (rest, n) = decimal(i, DecodeErrorKind::InvalidLength)?;
    match n {
        -1 if null_ok => Ok((rest, None)),
        n if n < 0 => fail(DecodeErrorKind::InvalidLength, i),
        n if n as u64 > max as u64 => fail(DecodeErrorKind::LengthTooLarge, i),
        n => Ok((rest, Some(n as usize))),
    }
}

/// `n` bytes and the `\r\n` after them.
#[inline]
fn payload(i: &[u8], n: usize) -> Res<'_, &[u8]> {
    let (rest, data) = take(n)(i)?;
    Ok((crlf(rest, DecodeErrorKind::ExpectedCrlf)?, data))
}

fn boolean(i: &[u8]) -> Res<'_, Frame<'_>> {
    let value = match i.first() {
        Some(b't') => true,
        Some(b'f') => false,
        Some(_) => return fail(DecodeErrorKind::InvalidBoolean, i),
        None => return incomplete(),
    };
    let rest = crlf(&i[1..], DecodeErrorKind::InvalidBoolean)?;
    Ok((rest, Frame::Boolean(value)))
}

fn double<'a>(i: &'a [u8], lim: &Limits) -> Res<'a, f64> {
    let (rest, text) = line(i, lim)?;
    match crate::double::parse(text) {
        Some(d) => Ok((rest, d)),
        None => fail(DecodeErrorKind::InvalidDouble, i),
    }
}

fn big_number<'a>(i: &'a [u8], lim: &Limits) -> Res<'a, &'a [u8]> {
    let (rest, text) = line(i, lim)?;
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return fail(DecodeErrorKind::InvalidBigNumber, i);
    }
    Ok((rest, text))
}

fn verbatim<'a>(i: &'a [u8], lim: &Limits) -> Res<'a, Frame<'a>> {
    let (rest, n) = match length(i, lim.max_bulk_len, false)? {
        (rest, Some(n)) if n >= 4 => (rest, n),
        _ => return fail(DecodeErrorKind::InvalidVerbatim, i),
    };
    let (after, data) = payload(rest, n)?;
    if data[3] != b':' {
        return fail(DecodeErrorKind::InvalidVerbatim, &rest[3..]);
    }
    let format = [data[0], data[1], data[2]];
    let text = &data[4..];
    Ok((after, Frame::Verbatim(Verbatim { format, text })))
}

/// `?\r\n` has been read: the chunks up to and including `;0\r\n`.
fn streamed_string<'a>(i: &'a [u8], lim: &Limits) -> Res<'a, Frame<'a>> {
    let body = crlf(i, DecodeErrorKind::InvalidLength)?;
    let mut rest = body;
    let mut total = 0usize;
    loop {
        let (after, chunk) = chunk(rest, lim)?;
        match chunk {
            Some(data) => total = total.saturating_add(data.len()),
            None => {
                let body = &body[..body.len() - rest.len()];
                return Ok((after, Frame::StreamedString(Chunks { body, total })));
            }
        }
        rest = after;
    }
}

/// One `;<n>\r\n<bytes>\r\n` chunk, or `None` for the terminating `;0\r\n`.
pub(crate) fn chunk<'a>(i: &'a [u8], lim: &Limits) -> Res<'a, Option<&'a [u8]>> {
    match i.first() {
        Some(b';') => {}
        Some(_) => return fail(DecodeErrorKind::InvalidChunk, i),
        None => return incomplete(),
    }
    match length(&i[1..], lim.max_bulk_len, false)? {
        (rest, Some(0)) => Ok((rest, None)),
        (rest, Some(n)) => payload(rest, n).map(|(r, data)| (r, Some(data))),
        (_, None) => fail(DecodeErrorKind::InvalidChunk, i),
    }
}
