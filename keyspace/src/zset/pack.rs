//! The `listpack` encoding: member, score, member, score... in (score, member) order in one
//! packed buffer, searched linearly as Valkey's `zzl*` functions do. Members are stored as bytes
//! (never as integers) so they are read back as slices; a score is an integer entry when it is
//! one (as `d2string` then `lpAppend` would store it), else a 4- or 8-byte float.

use alloc::vec::Vec;

use super::Score;
use crate::packed::{Needle, Packed, PackedRef, Put, Raw, tag};

/// A small sorted set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pack(pub(crate) Packed);

/// A small sorted set, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PackRef<'a>(pub(crate) PackedRef<'a>);

/// How a score is stored: an integer if it is exactly one (not `-0`), else a float.
fn put_score(s: f64) -> Put<'static> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    #[expect(
        clippy::cast_possible_truncation,
        reason = "checked: an integer within 2^53"
    )]
    let i = s as i64;
    // `i as f64 == s` within ±2^53 says `s` is an integer (`f64::fract` needs std).
    #[expect(clippy::cast_precision_loss, reason = "exact within 2^53")]
    if s.abs() <= EXACT && i as f64 == s && !(s == 0.0 && s.is_sign_negative()) {
        Put::Int(i)
    } else {
        Put::Float(s)
    }
}

fn member(r: Raw<'_>) -> &[u8] {
    match r {
        Raw::Bytes(b) => b,
        _ => unreachable!("members are stored as bytes"),
    }
}

impl<'a> PackRef<'a> {
    pub(crate) fn len(self) -> usize {
        self.0.len() / 2
    }

    pub(crate) const fn memory(self) -> usize {
        self.0.memory()
    }

    /// (offset of the member, member, score), in order.
    fn pairs(self) -> impl Iterator<Item = (usize, &'a [u8], f64)> + Clone {
        let mut it = self.0.raw();
        core::iter::from_fn(move || {
            let (at, m) = it.next()?;
            let (_, s) = it.next()?;
            Some((at, member(m), s.float()))
        })
    }

    /// The offset where `(score, m)` goes: the first pair (other than the one at `except`)
    /// ordered after it, or the end. Members are compared only between equal scores.
    fn position(self, score: f64, m: &[u8], except: Option<usize>) -> usize {
        let key = Score(score);
        let mut it = self.0.raw();
        while let Some((at, n)) = it.next() {
            let Some((_, s)) = it.next() else { break };
            if Some(at) != except {
                let s = Score(s.float());
                if s > key || (s == key && member(n) > m) {
                    return at;
                }
            }
        }
        self.0.len()
    }

    /// Offset of `m` and its score.
    fn find(self, m: &[u8]) -> Option<(usize, f64)> {
        let (at, s) = self.0.find_next(Needle::str(m), 2)?;
        Some((at, s.float()))
    }

    pub(crate) fn score(self, m: &[u8]) -> Option<f64> {
        self.find(m).map(|(_, s)| s)
    }

    /// Members of ranks `from..to` (clamped), in order.
    pub(crate) fn by_rank(self, from: usize, to: usize) -> Vec<(&'a [u8], f64)> {
        self.pairs()
            .skip(from)
            .take(to.saturating_sub(from))
            .map(|(_, m, s)| (m, s))
            .collect()
    }

    /// The member of rank `at`.
    pub(crate) fn nth(self, at: usize) -> Option<(&'a [u8], f64)> {
        self.pairs().nth(at).map(|(_, m, s)| (m, s))
    }

    /// How many leading members satisfy `pred`, which holds for a prefix of them.
    pub(crate) fn partition_point(self, pred: impl Fn(&[u8], f64) -> bool) -> usize {
        self.pairs().take_while(|(_, m, s)| pred(m, *s)).count()
    }

    /// The 0-based rank of `m` from the lowest score, with its score.
    pub(crate) fn rank(self, m: &[u8]) -> Option<(usize, f64)> {
        self.pairs()
            .enumerate()
            .find(|(_, (_, n, _))| *n == m)
            .map(|(i, (_, _, s))| (i, s))
    }

    /// Every member, in order.
    pub(crate) fn for_each(self, mut f: impl FnMut(&'a [u8], f64)) {
        for (_, m, s) in self.pairs() {
            f(m, s);
        }
    }
}

impl Pack {
    pub(crate) fn new() -> Self {
        Self(Packed::new(tag::ZSET))
    }

    pub(crate) fn view(&self) -> PackRef<'_> {
        PackRef(self.0.view())
    }

    /// Sets `m`'s score, adding it if new; whether it is new.
    pub(crate) fn insert(&mut self, m: &[u8], score: f64) -> bool {
        let view = self.view();
        let old = view.find(m);
        let to = view.position(score, m, old.map(|(a, _)| a));
        let pair = [Put::Str(m), put_score(score)];
        match old {
            Some((at, _)) => self.0.relocate(at, 2, to, &pair),
            None => self.0.splice(to, 0, &pair),
        }
        old.is_none()
    }

    /// Removes `m`; whether it was a member.
    pub(crate) fn remove(&mut self, m: &[u8]) -> bool {
        match self.view().find(m) {
            Some((at, _)) => {
                self.0.splice(at, 2, &[]);
                true
            }
            None => false,
        }
    }
}
