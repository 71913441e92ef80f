//! The `skiplist` encoding: members by hash for lookups and an ordered index with ranks for
//! ranges, O(log n) like Valkey's skiplist spans.

use alloc::boxed::Box;

use super::Score;
use crate::hashed::{Hashed, HeapSize};
use crate::ranked::Ranked;

impl HeapSize for Score {
    fn heap_size(&self) -> usize {
        0
    }
}

/// A large sorted set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Indexed {
    by_member: Hashed<Score>,
    by_score: Ranked<(Score, Box<[u8]>)>,
}

impl Indexed {
    pub(crate) const fn new(seed: u64) -> Self {
        Self {
            by_member: Hashed::new(seed),
            by_score: Ranked::new(),
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.by_score.len()
    }

    pub(crate) fn memory(&self) -> usize {
        // The ordered index holds a second copy of every member.
        self.by_member.memory() + self.by_score.memory() + self.by_member.bytes()
    }

    pub(crate) fn score(&self, m: &[u8]) -> Option<f64> {
        self.by_member.get(m).map(|s| s.0)
    }

    /// The rank `(s, m)` has or would have in the ordered index.
    fn position(&self, s: Score, m: &[u8]) -> usize {
        self.by_score.partition_point(|(t, n)| (*t, &**n) < (s, m))
    }

    /// Sets `m`'s score, adding it if new; whether it is new.
    pub(crate) fn insert(&mut self, m: &[u8], score: f64) -> bool {
        match self.by_member.insert(m, Score(score)) {
            Some(old) => {
                let (_, key) = self.by_score.remove(self.position(old, m));
                let at = self.position(Score(score), m);
                self.by_score.insert(at, (Score(score), key));
                false
            }
            None => {
                let at = self.position(Score(score), m);
                self.by_score.insert(at, (Score(score), m.into()));
                true
            }
        }
    }

    /// Removes `m`; whether it was a member.
    pub(crate) fn remove(&mut self, m: &[u8]) -> bool {
        match self.by_member.remove(m) {
            Some(s) => {
                self.by_score.remove(self.position(s, m));
                true
            }
            None => false,
        }
    }

    /// Members of ranks `from..to` (clamped), in order.
    pub(crate) fn by_rank(
        &self,
        from: usize,
        to: usize,
    ) -> impl DoubleEndedIterator<Item = (&[u8], f64)> {
        self.by_score.range(from, to).map(|(s, m)| (&**m, s.0))
    }

    /// The member of rank `at`.
    pub(crate) fn nth(&self, at: usize) -> Option<(&[u8], f64)> {
        self.by_score.get(at).map(|(s, m)| (&**m, s.0))
    }

    /// How many leading members satisfy `pred`, which holds for a prefix of them.
    pub(crate) fn partition_point(&self, pred: impl Fn(&[u8], f64) -> bool) -> usize {
        self.by_score.partition_point(|(s, m)| pred(m, s.0))
    }

    /// The 0-based rank of `m` from the lowest score, with its score.
    pub(crate) fn rank(&self, m: &[u8]) -> Option<(usize, f64)> {
        let s = *self.by_member.get(m)?;
        Some((self.position(s, m), s.0))
    }

    /// Visits members from `cursor` on in hash order; the next cursor.
    pub(crate) fn scan<'a>(
        &'a self,
        cursor: u64,
        count: usize,
        mut f: impl FnMut(&'a [u8], f64),
    ) -> u64 {
        self.by_member.scan(cursor, count, |m, s| f(m, s.0))
    }
}
