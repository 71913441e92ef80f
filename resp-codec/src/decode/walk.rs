//! Validation of an aggregate's body without recursion, with a bounded nesting depth.
//!
//! The walk keeps one small record per open aggregate in a fixed array, so hostile nesting is
//! refused with [`DecodeErrorKind::NestingTooDeep`] instead of exhausting the stack, and every
//! frame that decodes can be walked, compared and encoded recursively in bounded stack.

use super::token::{Kind, Token};
use super::{Limits, error, next_token};
use crate::error::{DecodeError, DecodeErrorKind};

/// Aggregates may nest this deep inside one frame (the frame itself is level 1).
pub const MAX_DEPTH: usize = 64;

/// What the walk starts inside: the header of the frame's own aggregate.
pub(crate) struct Base {
    pub(crate) kind: Kind,
    /// Element count (pairs for maps), or `None` when streamed.
    pub(crate) count: Option<usize>,
}

/// Where a walk ended.
pub(crate) struct Walked {
    /// End of the body: for a streamed base, the offset of its end marker.
    pub(crate) body_end: usize,
    /// End of the whole aggregate.
    pub(crate) end: usize,
    /// Elements seen by a streamed base (items, for a map).
    pub(crate) streamed_count: u64,
}

#[derive(Clone, Copy, Default)]
struct Level {
    /// Items still owed (counted levels).
    owed: u64,
    /// Elements started (streamed levels).
    count: u64,
    streamed: bool,
    map: bool,
    /// An attribute's completion does not complete an item of its parent.
    attribute: bool,
}

impl Level {
    fn open(kind: Kind, count: Option<usize>) -> Self {
        Self {
            owed: count.map_or(0, |n| kind.items(n)),
            count: 0,
            streamed: count.is_none(),
            map: kind == Kind::Map,
            attribute: kind == Kind::Attribute,
        }
    }
}

/// Levels a first, cheap walk keeps; deeper frames are walked again with [`MAX_DEPTH`] levels.
const SHALLOW: usize = 8;

/// Why a walk stopped early.
enum Stop {
    Invalid(DecodeError),
    /// An aggregate at this offset would nest deeper than the walk's limit.
    Deeper(usize),
}

impl From<DecodeError> for Stop {
    fn from(e: DecodeError) -> Self {
        Self::Invalid(e)
    }
}

/// Walks from `pos` until the base aggregate is complete: `Ok(None)` if the buffer ends first.
pub(crate) fn walk(
    buf: &[u8],
    pos: usize,
    lim: &Limits,
    base: Base,
) -> Result<Option<Walked>, DecodeError> {
    let max_depth = lim.max_depth.clamp(1, MAX_DEPTH);
    // Most frames nest a few levels, and a small stack is cheaper to set up.
    let first = if max_depth > SHALLOW {
        walk_in::<SHALLOW>(buf, pos, lim, &base, SHALLOW)
    } else {
        walk_in::<SHALLOW>(buf, pos, lim, &base, max_depth)
    };
    let outcome = match first {
        Err(Stop::Deeper(_)) if max_depth > SHALLOW => {
            walk_in::<MAX_DEPTH>(buf, pos, lim, &base, max_depth)
        }
        other => other,
    };
    outcome.map_err(|stop| match stop {
        Stop::Invalid(e) => e,
        Stop::Deeper(at) => error(DecodeErrorKind::NestingTooDeep, at),
    })
}

fn walk_in<const N: usize>(
    buf: &[u8],
    mut pos: usize,
    lim: &Limits,
    base: &Base,
    max_depth: usize,
) -> Result<Option<Walked>, Stop> {
    let done = |body_end, end, streamed_count| {
        Ok(Some(Walked {
            body_end,
            end,
            streamed_count,
        }))
    };
    if base.count == Some(0) {
        return done(pos, pos, 0);
    }
    let mut stack = [Level::default(); N];
    stack[0] = Level::open(base.kind, base.count);
    let mut depth = 1;
    loop {
        let Some((tok, next)) = next_token::<false>(buf, pos, lim)? else {
            return Ok(None);
        };
        let top = &mut stack[depth - 1];
        if top.streamed && !matches!(tok, Token::End | Token::Open(Kind::Attribute, _)) {
            top.count += 1;
        }
        let completed = match tok {
            Token::End if top.streamed => {
                if top.map && top.count % 2 == 1 {
                    return Err(error(DecodeErrorKind::OddStreamedMap, pos).into());
                }
                let count = top.count;
                depth -= 1;
                if depth == 0 {
                    return done(pos, next, count);
                }
                true
            }
            Token::End => return Err(error(DecodeErrorKind::UnexpectedEnd, pos).into()),
            // An empty attribute describes the next item and owes nothing.
            Token::Open(Kind::Attribute, Some(0)) => false,
            Token::Scalar(_) | Token::Open(_, Some(0)) => true,
            Token::Open(kind, count) => {
                if depth >= max_depth {
                    return Err(Stop::Deeper(pos));
                }
                stack[depth] = Level::open(kind, count);
                depth += 1;
                false
            }
        };
        pos = next;
        if completed {
            // Settle the item on the levels above, closing every counted level it fills.
            loop {
                let top = &mut stack[depth - 1];
                if top.streamed {
                    break;
                }
                top.owed -= 1;
                if top.owed > 0 {
                    break;
                }
                let attribute = top.attribute;
                depth -= 1;
                if depth == 0 {
                    return done(pos, pos, 0);
                }
                if attribute {
                    break;
                }
            }
        }
    }
}
