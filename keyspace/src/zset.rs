//! The sorted set type: members with scores, ordered by (score, member). A small one is a
//! `listpack` (pairs packed in one buffer, searched linearly, [`pack`]); past
//! `zset-max-listpack-entries` members or a member longer than `zset-max-listpack-value` bytes
//! it converts to `skiplist` (members by hash and an ordered index with ranks, [`indexed`]), and
//! never converts back on removal.

mod indexed;
mod pack;

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cmp::Ordering;

pub(crate) use indexed::Indexed;
pub(crate) use pack::Pack;
pub(crate) use pack::PackRef;

/// A score: never NaN, ordered numerically (`-0` equals `0`, as in Valkey's comparisons).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Score(pub(crate) f64);

impl PartialEq for Score {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal)
    }
}

/// A score interval, each end inclusive or not (Valkey's `zrangespec`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScoreRange {
    pub(crate) min: f64,
    pub(crate) minex: bool,
    pub(crate) max: f64,
    pub(crate) maxex: bool,
}

impl ScoreRange {
    pub(crate) fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    pub(crate) fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

/// `zset-max-listpack-entries` and `zset-max-listpack-value`, with the member-hash seed a
/// converted set starts with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ZLimits {
    pub(crate) entries: usize,
    pub(crate) value: usize,
    pub(crate) seed: u64,
}

/// A sorted set value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ZSet {
    /// Small: packed pairs.
    Pack(Pack),
    /// Large or long members.
    Skip(Box<Indexed>),
}

/// A sorted set, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ZSetRef<'a> {
    Pack(PackRef<'a>),
    Skip(&'a Indexed),
}

impl<'a> ZSetRef<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Pack(p) => p.len(),
            Self::Skip(t) => t.len(),
        }
    }

    pub(crate) const fn encoding(self) -> &'static str {
        match self {
            Self::Pack(_) => "listpack",
            Self::Skip(_) => "skiplist",
        }
    }

    pub(crate) fn memory(self) -> usize {
        match self {
            Self::Pack(p) => p.memory(),
            Self::Skip(t) => t.memory(),
        }
    }

    pub(crate) fn score(self, m: &[u8]) -> Option<f64> {
        match self {
            Self::Pack(p) => p.score(m),
            Self::Skip(t) => t.score(m),
        }
    }

    /// Members in (score, member) order.
    pub(crate) fn iter(self) -> impl DoubleEndedIterator<Item = (&'a [u8], f64)> {
        self.by_rank(0, self.len())
    }

    /// Members of ranks `from..to` (clamped), in order.
    pub(crate) fn by_rank(
        self,
        from: usize,
        to: usize,
    ) -> impl DoubleEndedIterator<Item = (&'a [u8], f64)> {
        let (pack, skip) = match self {
            Self::Pack(p) => (Some(p.by_rank(from, to)), None),
            Self::Skip(t) => (None, Some(t.by_rank(from, to))),
        };
        pack.into_iter().flatten().chain(skip.into_iter().flatten())
    }

    /// [`Self::nth`] for many ranks (ZRANDMEMBER with a count): a listpack is walked once into
    /// a list rather than once per pick.
    pub(crate) fn picker(self) -> impl Fn(usize) -> Option<(&'a [u8], f64)> {
        let listed: Vec<(&'a [u8], f64)> = match self {
            Self::Pack(p) => p.by_rank(0, p.len()),
            Self::Skip(_) => Vec::new(),
        };
        move |at| match self {
            Self::Pack(_) => listed.get(at).copied(),
            Self::Skip(_) => self.nth(at),
        }
    }

    /// The member of rank `at`.
    pub(crate) fn nth(self, at: usize) -> Option<(&'a [u8], f64)> {
        match self {
            Self::Pack(p) => p.nth(at),
            Self::Skip(t) => t.nth(at),
        }
    }

    /// How many leading members satisfy `pred`, which holds for a prefix of them.
    pub(crate) fn partition_point(self, pred: impl Fn(&[u8], f64) -> bool) -> usize {
        match self {
            Self::Pack(p) => p.partition_point(pred),
            Self::Skip(t) => t.partition_point(pred),
        }
    }

    /// Whether every member has the same score (so the order is the members' byte order).
    pub(crate) fn same_scores(self) -> bool {
        match (
            self.nth(0),
            self.len().checked_sub(1).and_then(|i| self.nth(i)),
        ) {
            (Some((_, a)), Some((_, b))) => Score(a) == Score(b),
            _ => true,
        }
    }

    /// The 0-based rank of `m` from the lowest score, with its score.
    pub(crate) fn rank(self, m: &[u8]) -> Option<(usize, f64)> {
        match self {
            Self::Pack(p) => p.rank(m),
            Self::Skip(t) => t.rank(m),
        }
    }

    /// The ranks `from..to` of the members with scores in `r`.
    pub(crate) fn score_ranks(self, r: &ScoreRange) -> (usize, usize) {
        let from = self.partition_point(|_, s| !r.gte_min(s));
        let to = self.partition_point(|_, s| r.lte_max(s));
        (from, to.max(from))
    }

    /// Members with scores in `r`, lowest first (or highest first if `rev`).
    pub(crate) fn score_range(self, r: &ScoreRange, rev: bool) -> Vec<(&'a [u8], f64)> {
        let (from, to) = self.score_ranks(r);
        if rev {
            self.by_rank(from, to).rev().collect()
        } else {
            self.by_rank(from, to).collect()
        }
    }

    /// Visits members from `cursor` on (everything at once while a listpack); the next cursor.
    pub(crate) fn scan(self, cursor: u64, count: usize, mut f: impl FnMut(&'a [u8], f64)) -> u64 {
        match self {
            Self::Pack(p) => {
                p.for_each(&mut f);
                0
            }
            Self::Skip(t) => t.scan(cursor, count, f),
        }
    }
}

impl ZSet {
    /// Valkey's `zsetTypeCreate`: the encoding for about `hint` members of up to `max_len` bytes.
    pub(crate) fn create(hint: usize, max_len: usize, limits: ZLimits) -> Self {
        if hint > limits.entries || max_len > limits.value {
            Self::Skip(Box::new(Indexed::new(limits.seed)))
        } else {
            Self::Pack(Pack::new())
        }
    }

    pub(crate) fn view(&self) -> ZSetRef<'_> {
        match self {
            Self::Pack(p) => ZSetRef::Pack(p.view()),
            Self::Skip(t) => ZSetRef::Skip(t),
        }
    }

    pub(crate) fn score(&self, m: &[u8]) -> Option<f64> {
        self.view().score(m)
    }

    /// Valkey's `zsetTypeMaybeConvert`.
    pub(crate) fn maybe_convert(&mut self, hint: usize, max_len: usize, limits: ZLimits) {
        if hint > limits.entries || max_len > limits.value {
            self.convert(limits.seed);
        }
    }

    /// Converts to `skiplist` (`zsetConvert`).
    fn convert(&mut self, seed: u64) {
        if let Self::Pack(p) = self {
            let mut t = Indexed::new(seed);
            p.view().for_each(|m, s| {
                t.insert(m, s);
            });
            *self = Self::Skip(Box::new(t));
        }
    }

    /// Sets `m`'s score, adding it if new (converting to `skiplist` as `zsetAdd` does); whether
    /// it is new.
    pub(crate) fn insert(&mut self, m: &[u8], score: f64, limits: ZLimits) -> bool {
        if let Self::Pack(p) = self
            && (p.view().len() + 1 > limits.entries || m.len() > limits.value)
            && p.view().score(m).is_none()
        {
            self.convert(limits.seed);
        }
        match self {
            Self::Pack(p) => p.insert(m, score),
            Self::Skip(t) => t.insert(m, score),
        }
    }

    /// Removes `m`; whether it was a member.
    pub(crate) fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Self::Pack(p) => p.remove(m),
            Self::Skip(t) => t.remove(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    const LIMITS: ZLimits = ZLimits {
        entries: 128,
        value: 64,
        seed: 7,
    };

    /// Members changed at random against a sorted Vec: ranks, members by rank in both
    /// directions and score ranges.
    fn agrees_with_a_sorted_vec(
        ops: Vec<(u8, u16, i8)>,
        limits: ZLimits,
    ) -> Result<(), TestCaseError> {
        let mut z = ZSet::create(0, 0, limits);
        let mut model: Vec<(f64, Vec<u8>)> = Vec::new();
        for (op, m, s) in ops {
            let name = alloc::format!("m{m}").into_bytes();
            let score = f64::from(s) / 2.0;
            let at = model.iter().position(|(_, n)| *n == name);
            if op < 3 {
                z.insert(&name, score, limits);
                if let Some(at) = at {
                    model.remove(at);
                }
                model.push((score, name.clone()));
                model.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            } else {
                prop_assert_eq!(z.remove(&name), at.is_some());
                if let Some(at) = at {
                    model.remove(at);
                }
            }
            prop_assert_eq!(z.view().len(), model.len());
            let rank = model.iter().position(|(_, n)| *n == name);
            prop_assert_eq!(z.view().rank(&name), rank.map(|r| (r, model[r].0)));
            let i = usize::from(m) % (model.len() + 1);
            let j = (i + usize::from(m) % 150).min(model.len());
            let want: Vec<(&[u8], f64)> = model[i..j].iter().map(|(s, n)| (&n[..], *s)).collect();
            prop_assert_eq!(z.view().by_rank(i, j).collect::<Vec<_>>(), want.clone());
            prop_assert_eq!(
                z.view().by_rank(i, j).rev().collect::<Vec<_>>(),
                want.into_iter().rev().collect::<Vec<_>>()
            );
            prop_assert_eq!(z.view().nth(i), model.get(i).map(|(s, n)| (&n[..], *s)));
            let r = ScoreRange {
                min: score,
                minex: s % 2 == 0,
                max: score + 3.0,
                maxex: m % 2 == 0,
            };
            let want: Vec<(&[u8], f64)> = model
                .iter()
                .filter(|(s, _)| r.gte_min(*s) && r.lte_max(*s))
                .map(|(s, n)| (&n[..], *s))
                .collect();
            prop_assert_eq!(z.view().score_range(&r, false), want.clone());
            prop_assert_eq!(
                z.view().score_range(&r, true),
                want.into_iter().rev().collect::<Vec<_>>()
            );
        }
        Ok(())
    }

    proptest! {
        /// Hundreds of members: a listpack, then several chunks of the ordered index.
        #[test]
        fn ranks_agree_with_a_sorted_vec(
            ops in proptest::collection::vec((0u8..4, 0u16..700, -20i8..20), 1..2000),
        ) {
            agrees_with_a_sorted_vec(ops, LIMITS)?;
        }

        /// Up to 100 members kept packed: moves in place and with a score of another length.
        #[test]
        fn a_packed_set_agrees_with_a_sorted_vec(
            ops in proptest::collection::vec((0u8..4, 0u16..100, -20i8..20), 1..400),
        ) {
            agrees_with_a_sorted_vec(ops, ZLimits { entries: 1 << 20, ..LIMITS })?;
        }
    }
}
