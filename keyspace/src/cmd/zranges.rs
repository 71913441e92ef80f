//! Argument parsing for sorted-set ranges: scores as Valkey reads them, score and lex
//! interval bounds, rank normalisation, and the lex selection over a sorted set.

use alloc::vec::Vec;

use crate::error::Error;
use crate::zset::{ScoreRange, ZSetRef};

/// A score argument as Valkey's `getDoubleFromObject` reads it (`strtod`, whole string, no
/// leading space, no overflow or underflow to zero, no NaN).
pub(super) fn parse_score(b: &[u8]) -> Option<f64> {
    let s = core::str::from_utf8(b).ok()?;
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    let body = s.trim_start_matches(['+', '-']);
    if v.is_nan()
        || (v.is_infinite()
            && !(body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity")))
    {
        return None;
    }
    let mantissa = body.split(['e', 'E']).next().unwrap_or("");
    if v == 0.0 && mantissa.bytes().any(|c| (b'1'..=b'9').contains(&c)) {
        return None;
    }
    Some(v)
}

/// A score range bound: `(x` is exclusive (`zslParseRangeItem`).
pub(super) fn range_item(b: &[u8]) -> Option<(f64, bool)> {
    let (ex, rest) = match b.split_first() {
        Some((b'(', rest)) => (true, rest),
        _ => (false, b),
    };
    let v: f64 = core::str::from_utf8(rest).ok()?.parse().ok()?;
    (!v.is_nan()).then_some((v, ex))
}

pub(super) fn score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, Error<'static>> {
    let ((min, minex), (max, maxex)) = range_item(min)
        .zip(range_item(max))
        .ok_or(Error::MinMaxNotFloat)?;
    Ok(ScoreRange {
        min,
        minex,
        max,
        maxex,
    })
}

/// A lex range bound.
#[derive(Clone, Debug)]
pub(super) enum Lex {
    NegInf,
    PosInf,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

pub(super) fn lex_item(b: &[u8]) -> Result<Lex, Error<'static>> {
    match b.split_first() {
        Some((b'-', [])) => Ok(Lex::NegInf),
        Some((b'+', [])) => Ok(Lex::PosInf),
        Some((b'[', rest)) => Ok(Lex::Incl(rest.to_vec())),
        Some((b'(', rest)) => Ok(Lex::Excl(rest.to_vec())),
        _ => Err(Error::MinMaxNotLex),
    }
}

pub(super) fn lex_gte_min(m: &[u8], min: &Lex) -> bool {
    match min {
        Lex::NegInf => true,
        Lex::PosInf => false,
        Lex::Incl(x) => m >= &x[..],
        Lex::Excl(x) => m > &x[..],
    }
}

pub(super) fn lex_lte_max(m: &[u8], max: &Lex) -> bool {
    match max {
        Lex::NegInf => false,
        Lex::PosInf => true,
        Lex::Incl(x) => m <= &x[..],
        Lex::Excl(x) => m < &x[..],
    }
}

/// The ranks `from..to` of the members within a lex range, found by binary search when every
/// score is the same (the only case where the members are in byte order); `None` otherwise.
pub(super) fn lex_ranks(z: ZSetRef<'_>, min: &Lex, max: &Lex) -> Option<(usize, usize)> {
    if !z.same_scores() {
        return None;
    }
    let from = z.partition_point(|m, _| !lex_gte_min(m, min));
    let to = z.partition_point(|m, _| lex_lte_max(m, max));
    Some((from, to.max(from)))
}

/// How many members are within a lex range.
pub(super) fn lex_count(z: ZSetRef<'_>, min: &Lex, max: &Lex) -> usize {
    match lex_ranks(z, min, max) {
        Some((from, to)) => to - from,
        None => lex_range(z, min, max, false).len(),
    }
}

/// Members within a lex range, in order (reversed if `rev`). With mixed scores, the members
/// from the first one at or above `min` on while at or below `max` (as a listpack walk finds
/// them).
pub(super) fn lex_range<'a>(
    z: ZSetRef<'a>,
    min: &Lex,
    max: &Lex,
    rev: bool,
) -> Vec<(&'a [u8], f64)> {
    if let Some((from, to)) = lex_ranks(z, min, max) {
        return if rev {
            z.by_rank(from, to).rev().collect()
        } else {
            z.by_rank(from, to).collect()
        };
    }
    if rev {
        z.iter()
            .rev()
            .skip_while(|(m, _)| !lex_lte_max(m, max))
            .take_while(|(m, _)| lex_gte_min(m, min))
            .collect()
    } else {
        z.iter()
            .skip_while(|(m, _)| !lex_gte_min(m, min))
            .take_while(|(m, _)| lex_lte_max(m, max))
            .collect()
    }
}

/// Valkey's rank normalisation: `None` for an empty range, else inclusive bounds.
pub(super) fn rank_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}
