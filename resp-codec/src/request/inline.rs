//! Inline commands: one line, split into arguments exactly as Valkey's `sdssplitargs` splits
//! it, with quotes and escapes undone in place.

use super::{ArgSink, INLINE_MAX_SIZE, Span};
use crate::decode::Status;
use crate::error::{RequestError, RequestErrorKind};

/// Parses the inline command at the start of `buf`.
pub(super) fn parse<A: ArgSink + ?Sized>(
    buf: &mut [u8],
    args: &mut A,
) -> Result<Status<usize>, RequestError> {
    let Some(newline) = memchr::memchr(b'\n', buf) else {
        if buf.len() > INLINE_MAX_SIZE {
            return Err(RequestError {
                kind: RequestErrorKind::TooBigInlineRequest,
                offset: 0,
            });
        }
        return Ok(Status::Partial);
    };
    let end = if newline > 0 && buf[newline - 1] == b'\r' {
        newline - 1
    } else {
        newline
    };
    split_args(&mut buf[..end], args)?;
    Ok(Status::Complete(newline + 1))
}

/// C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// What ends an unquoted token. NUL is one too: Valkey's C strings end there.
fn ends_token(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `sdssplitargs` over `line`, writing each unescaped token over the line itself: the write
/// position never passes the read position, because no escape is shorter than its result.
fn split_args<A: ArgSink + ?Sized>(line: &mut [u8], args: &mut A) -> Result<(), RequestError> {
    let unbalanced = |at| RequestError {
        kind: RequestErrorKind::UnbalancedQuotes,
        offset: at,
    };
    let len = line.len();
    let (mut r, mut w) = (0, 0);
    loop {
        while r < len && (is_space(line[r]) || line[r] == 0) {
            r += 1;
        }
        if r == len {
            return Ok(());
        }
        let start = w;
        let (mut in_dq, mut in_sq) = (false, false);
        loop {
            let c = line.get(r).copied();
            if in_dq {
                match c {
                    None => return Err(unbalanced(r)),
                    Some(b'\\') if line.get(r + 1) == Some(&b'x') => {
                        let digit = |i: usize| line.get(i).copied().and_then(hex);
                        match (digit(r + 2), digit(r + 3)) {
                            (Some(hi), Some(lo)) => {
                                line[w] = hi * 16 + lo;
                                r += 4;
                            }
                            _ => {
                                line[w] = b'x';
                                r += 2;
                            }
                        }
                        w += 1;
                    }
                    Some(b'\\') if r + 1 < len => {
                        line[w] = match line[r + 1] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        };
                        w += 1;
                        r += 2;
                    }
                    Some(b'"') => {
                        // The closing quote must be followed by a space or the end.
                        if r + 1 < len && !is_space(line[r + 1]) {
                            return Err(unbalanced(r + 1));
                        }
                        r += 1;
                        break;
                    }
                    Some(other) => {
                        line[w] = other;
                        w += 1;
                        r += 1;
                    }
                }
            } else if in_sq {
                match c {
                    None => return Err(unbalanced(r)),
                    Some(b'\\') if line.get(r + 1) == Some(&b'\'') => {
                        line[w] = b'\'';
                        w += 1;
                        r += 2;
                    }
                    Some(b'\'') => {
                        if r + 1 < len && !is_space(line[r + 1]) {
                            return Err(unbalanced(r + 1));
                        }
                        r += 1;
                        break;
                    }
                    Some(other) => {
                        line[w] = other;
                        w += 1;
                        r += 1;
                    }
                }
            } else {
                match c {
                    None => break,
                    Some(b) if ends_token(b) => {
                        r += 1;
                        break;
                    }
                    Some(b'"') => {
                        in_dq = true;
                        r += 1;
                    }
                    Some(b'\'') => {
                        in_sq = true;
                        r += 1;
                    }
                    Some(other) => {
                        line[w] = other;
                        w += 1;
                        r += 1;
                    }
                }
            }
        }
        if args.push(Span::new(start, w)).is_err() {
            return Err(RequestError {
                kind: RequestErrorKind::TooManyArguments,
                offset: r,
            });
        }
    }
}
