//! The sorted set type: members with scores, ordered by (score, member). Valkey calls a small
//! one `listpack` and converts it to `skiplist` past `zset-max-listpack-entries` members or a
//! member longer than `zset-max-listpack-value` bytes; it never converts back on removal. This
//! type keeps the same two indexes whatever the encoding (members by hash for lookups, an
//! ordered tree for ranges) and tracks which name OBJECT ENCODING reports.

use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use core::cmp::Ordering;

use crate::hashed::{Hashed, HeapSize};

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

impl HeapSize for Score {
    fn heap_size(&self) -> usize {
        0
    }
}

/// `zset-max-listpack-entries` and `zset-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ZLimits {
    pub(crate) entries: usize,
    pub(crate) value: usize,
}

/// A sorted set value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ZSet {
    by_member: Hashed<Score>,
    by_score: BTreeSet<(Score, Box<[u8]>)>,
    skiplist: bool,
}

impl ZSet {
    /// Valkey's `zsetTypeCreate`: the encoding for about `hint` members of up to `max_len` bytes.
    pub(crate) fn create(hint: usize, max_len: usize, limits: ZLimits, seed: u64) -> Self {
        Self {
            by_member: Hashed::new(seed),
            by_score: BTreeSet::new(),
            skiplist: hint > limits.entries || max_len > limits.value,
        }
    }

    /// Valkey's `zsetTypeMaybeConvert`.
    pub(crate) fn maybe_convert(&mut self, hint: usize, max_len: usize, limits: ZLimits) {
        if hint > limits.entries || max_len > limits.value {
            self.skiplist = true;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.by_score.len()
    }

    pub(crate) fn encoding(&self) -> &'static str {
        if self.skiplist {
            "skiplist"
        } else {
            "listpack"
        }
    }

    pub(crate) fn memory(&self) -> usize {
        // The tree holds a second copy of every member.
        self.by_member.memory() * 2
    }

    pub(crate) fn score(&self, m: &[u8]) -> Option<f64> {
        self.by_member.get(m).map(|s| s.0)
    }

    /// Sets `m`'s score, adding it if new (converting to `skiplist` as `zsetAdd` does); whether
    /// it is new.
    pub(crate) fn insert(&mut self, m: &[u8], score: f64, limits: ZLimits) -> bool {
        match self.by_member.insert(m, Score(score)) {
            Some(old) => {
                let key = self.by_score.take(&(old, Box::from(m))).map(|(_, k)| k);
                self.by_score
                    .insert((Score(score), key.unwrap_or_else(|| m.into())));
                false
            }
            None => {
                if self.len() + 1 > limits.entries || m.len() > limits.value {
                    self.skiplist = true;
                }
                self.by_score.insert((Score(score), m.into()));
                true
            }
        }
    }

    /// Removes `m`; whether it was a member.
    pub(crate) fn remove(&mut self, m: &[u8]) -> bool {
        match self.by_member.remove(m) {
            Some(s) => {
                self.by_score.remove(&(s, Box::from(m)));
                true
            }
            None => false,
        }
    }

    /// Members in (score, member) order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], f64)> {
        self.by_score.iter().map(|(s, m)| (&**m, s.0))
    }

    /// The 0-based rank of `m` from the lowest score, with its score.
    pub(crate) fn rank(&self, m: &[u8]) -> Option<(usize, f64)> {
        let s = *self.by_member.get(m)?;
        let at = self.by_score.range(..(s, Box::<[u8]>::from(m))).count();
        Some((at, s.0))
    }

    /// Members with scores in `r`, lowest first (or highest first if `rev`).
    pub(crate) fn score_range(&self, r: &ScoreRange, rev: bool) -> alloc::vec::Vec<(&[u8], f64)> {
        let from = |s: f64| (Score(s), Box::<[u8]>::default());
        if rev {
            let at_max: alloc::vec::Vec<_> = self
                .by_score
                .range(from(r.max)..)
                .take_while(|(s, _)| s.0 == r.max)
                .collect();
            at_max
                .into_iter()
                .rev()
                .chain(self.by_score.range(..from(r.max)).rev())
                .map(|(s, m)| (&**m, s.0))
                .skip_while(|(_, s)| !r.lte_max(*s))
                .take_while(|(_, s)| r.gte_min(*s))
                .collect()
        } else {
            self.by_score
                .range(from(r.min)..)
                .map(|(s, m)| (&**m, s.0))
                .skip_while(|(_, s)| !r.gte_min(*s))
                .take_while(|(_, s)| r.lte_max(*s))
                .collect()
        }
    }

    /// Visits members from `cursor` on (everything at once while a listpack); the next cursor.
    pub(crate) fn scan<'a>(
        &'a self,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(&'a [u8], f64),
    ) -> u64 {
        if self.skiplist {
            self.by_member.scan(cursor, count, |m, s| f(m, s.0))
        } else {
            for (m, s) in self.iter() {
                f(m, s);
            }
            0
        }
    }
}
