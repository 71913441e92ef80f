//! The list type. Valkey keeps a small list as one listpack and converts it to a quicklist when
//! the listpack would pass `list-max-listpack-size` (a byte limit for -1..-5, an entry count for
//! a positive value), and back when a single-node quicklist shrinks below half the limit. A
//! `listpack` list here is one packed buffer ([`Packed`]: a push at the front moves the rest, as
//! in a listpack); a `quicklist` is a ring buffer of boxed elements ([`quick`]) that keeps the
//! size the listpack would take, so both conversions happen exactly where Valkey's do.

mod quick;

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::num;
use crate::packed::{Elem, Packed, PackedRef, Put, Raw, tag};
use quick::Quick;

/// Listpack header (total bytes, element count) and end byte.
const LP_OVERHEAD: usize = 7;
/// The byte size under which a count-limited listpack stays a listpack (`SIZE_SAFETY_LIMIT`).
const SIZE_SAFETY_LIMIT: usize = 8192;
/// The most a listpack entry under 4096 bytes is longer than its packed entry: a string under
/// 192 bytes takes one more header byte past 63 and two back-length bytes past 127 (+3); a long
/// string +1; an integer at most +1 (its listpack width steps are finer).
const LP_SLACK_PER_ENTRY: usize = 3;
/// And what an entry of 4096 bytes or more may add beyond that (a 5-byte header, a 3-byte
/// back-length: +5 in all), counted per 4096 bytes of buffer since each such entry takes that.
const LP_SLACK_PER_LONG: usize = 2;

/// Bytes an integer's listpack encoding takes (without the back-length).
const fn lp_int_len(v: i64) -> usize {
    if v >= 0 && v <= 127 {
        1
    } else if v >= -4096 && v <= 4095 {
        2
    } else if v >= i16::MIN as i64 && v <= i16::MAX as i64 {
        3
    } else if v >= -(1 << 23) && v < (1 << 23) {
        4
    } else if v >= i32::MIN as i64 && v <= i32::MAX as i64 {
        5
    } else {
        9
    }
}

/// A listpack entry's header and data length plus its back-length.
const fn with_backlen(enc: usize) -> usize {
    enc + match enc {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Bytes one element takes in a Valkey listpack: its encoding header and data, then its
/// back-length (what `lpEncodeString`/`lpEncodeIntegerGetType` and `lpEncodeBacklen` size).
#[must_use]
pub fn listpack_entry_len(b: &[u8]) -> usize {
    with_backlen(match num::canonical_i64(b) {
        Some(v) => lp_int_len(v),
        None if b.len() < 64 => 1 + b.len(),
        None if b.len() < 4096 => 2 + b.len(),
        None => 5 + b.len(),
    })
}

/// Bytes a stored entry takes in a listpack.
fn raw_listpack_len(r: Raw<'_>) -> usize {
    match r {
        Raw::Int(v) => with_backlen(lp_int_len(v)),
        Raw::Bytes(b) => listpack_entry_len(b),
        Raw::Float(_) => unreachable!("lists hold no floats"),
    }
}

/// `list-max-listpack-size` as limits: (bytes, entries), as Valkey's `quicklistNodeLimit`.
fn limits(fill: i64) -> (usize, usize) {
    if fill >= 0 {
        (
            usize::MAX,
            usize::try_from(fill).unwrap_or(usize::MAX).max(1),
        )
    } else {
        const LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
        let i = usize::try_from(-(fill + 1)).unwrap_or(4).min(4);
        (LEVELS[i], usize::MAX)
    }
}

/// Valkey's `quicklistNodeExceedsLimit`.
fn exceeds(fill: i64, bytes: usize, count: usize) -> bool {
    let (size_limit, count_limit) = limits(fill);
    if size_limit != usize::MAX {
        bytes > size_limit
    } else {
        bytes > SIZE_SAFETY_LIMIT || count > count_limit
    }
}

/// A list value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum List {
    /// Small: the elements packed in one buffer.
    Pack(Packed),
    /// Large.
    Quick(Box<Quick>),
}

impl Default for List {
    fn default() -> Self {
        Self::new()
    }
}

/// A list's elements, first to last (either way).
pub(crate) enum Iter<'a> {
    Pack(alloc::vec::IntoIter<Elem<'a>>),
    Quick(alloc::collections::vec_deque::Iter<'a, Box<[u8]>>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        match self {
            Self::Pack(it) => it.next(),
            Self::Quick(it) => it.next().map(|b| Elem::Bytes(b)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Self::Pack(it) => it.size_hint(),
            Self::Quick(it) => it.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Self::Pack(it) => it.next_back(),
            Self::Quick(it) => it.next_back().map(|b| Elem::Bytes(b)),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// A list, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ListRef<'a> {
    Pack(PackedRef<'a>),
    Quick(&'a Quick),
}

impl<'a> ListRef<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Pack(p) => p.len(),
            Self::Quick(q) => q.items.len(),
        }
    }

    /// OBJECT ENCODING.
    pub(crate) const fn encoding(self) -> &'static str {
        match self {
            Self::Pack(_) => "listpack",
            Self::Quick(_) => "quicklist",
        }
    }

    /// Estimated heap bytes (MEMORY USAGE, used memory).
    pub(crate) fn memory(self) -> usize {
        match self {
            Self::Pack(p) => p.memory(),
            Self::Quick(q) => q.memory(),
        }
    }

    pub(crate) fn get(self, i: usize) -> Option<Elem<'a>> {
        match self {
            Self::Pack(p) => p.get(i).map(Raw::elem),
            Self::Quick(q) => q.items.get(i).map(|b| Elem::Bytes(b)),
        }
    }

    pub(crate) fn iter(self) -> Iter<'a> {
        match self {
            Self::Pack(p) => Iter::Pack(p.iter().collect::<Vec<_>>().into_iter()),
            Self::Quick(q) => Iter::Quick(q.items.iter()),
        }
    }
}

impl List {
    pub(crate) fn new() -> Self {
        Self::Pack(Packed::new(tag::LIST))
    }

    pub(crate) fn view(&self) -> ListRef<'_> {
        match self {
            Self::Pack(p) => ListRef::Pack(p.view()),
            Self::Quick(q) => ListRef::Quick(q),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.view().len()
    }

    pub(crate) fn iter(&self) -> Iter<'_> {
        self.view().iter()
    }

    /// What the list takes as one listpack (a walk: only when a bound cannot decide).
    fn lp_bytes(p: &Packed) -> usize {
        LP_OVERHEAD
            + p.view()
                .raw()
                .map(|(_, r)| raw_listpack_len(r))
                .sum::<usize>()
    }

    /// At least [`Self::lp_bytes`], without a walk: while even this fits, the list does.
    fn lp_bound(p: &Packed) -> usize {
        p.memory()
            + LP_OVERHEAD
            + LP_SLACK_PER_ENTRY * p.len()
            + LP_SLACK_PER_LONG * (p.memory() / 4096 + 1)
    }

    /// Before adding `elements`: Valkey's `listTypeTryConversionAppend` (counts raw lengths).
    pub(crate) fn before_append<'a>(
        &mut self,
        fill: i64,
        elements: impl Iterator<Item = &'a [u8]>,
    ) {
        let Self::Pack(p) = self else {
            return;
        };
        let (mut add, mut count) = (0, p.len());
        for e in elements {
            add += e.len();
            count += 1;
        }
        if exceeds(fill, Self::lp_bound(p) + add, count)
            && exceeds(fill, Self::lp_bytes(p) + add, count)
        {
            let mut q = Quick::new();
            for e in p.iter() {
                q.push_back(e.to_boxed());
            }
            *self = Self::Quick(Box::new(q));
        }
    }

    /// After removing elements: Valkey's `listTypeTryConvertQuicklist` with `shrinking`.
    pub(crate) fn after_shrink(&mut self, fill: i64) {
        let Self::Quick(q) = self else {
            return;
        };
        let (size_limit, count_limit) = limits(fill);
        // A quicklist converts back only when one node holds it all: under the node limits.
        let n = q.items.len();
        let one_node = !exceeds(fill, q.lp_bytes, n);
        if one_node && q.lp_bytes <= size_limit / 2 && n <= count_limit / 2 {
            let puts: Vec<Put<'_>> = q.items.iter().map(|b| Put::Bytes(b)).collect();
            let mut p = Packed::new(tag::LIST);
            p.push(&puts);
            *self = Self::Pack(p);
        }
    }

    pub(crate) fn push_front(&mut self, e: &[u8]) {
        match self {
            Self::Pack(p) => p.splice(0, 0, &[Put::Bytes(e)]),
            Self::Quick(q) => q.push_front(e.into()),
        }
    }

    pub(crate) fn push_back(&mut self, e: &[u8]) {
        match self {
            Self::Pack(p) => p.push(&[Put::Bytes(e)]),
            Self::Quick(q) => q.push_back(e.into()),
        }
    }

    pub(crate) fn pop_front(&mut self) -> Option<Box<[u8]>> {
        match self {
            Self::Pack(p) => {
                let (at, r) = p.view().raw().next()?;
                let e = r.elem().to_boxed();
                p.splice(at, 1, &[]);
                Some(e)
            }
            Self::Quick(q) => q.pop_front(),
        }
    }

    pub(crate) fn pop_back(&mut self) -> Option<Box<[u8]>> {
        match self {
            Self::Pack(p) => {
                let (at, r) = p.view().raw().last()?;
                let e = r.elem().to_boxed();
                p.splice(at, 1, &[]);
                Some(e)
            }
            Self::Quick(q) => q.pop_back(),
        }
    }

    /// Pops up to `n` elements from the head (`head`) or the tail, in pop order: a packed list
    /// is walked once and cut once, as Valkey's `listTypeDelRange`.
    pub(crate) fn pop_many(&mut self, head: bool, n: usize) -> Vec<Box<[u8]>> {
        match self {
            Self::Pack(p) => {
                let len = p.len();
                let n = n.min(len);
                let from = if head { 0 } else { len - n };
                let mut taken: Vec<Box<[u8]>> =
                    p.iter().skip(from).take(n).map(Elem::to_boxed).collect();
                if !head {
                    taken.reverse();
                }
                p.splice(p.view().offset(from), n, &[]);
                taken
            }
            Self::Quick(q) => (0..n)
                .map_while(|_| if head { q.pop_front() } else { q.pop_back() })
                .collect(),
        }
    }

    /// Replaces element `i` (which exists).
    pub(crate) fn set(&mut self, i: usize, e: &[u8]) {
        match self {
            Self::Pack(p) => p.splice(p.view().offset(i), 1, &[Put::Bytes(e)]),
            Self::Quick(q) => q.set(i, e),
        }
    }

    /// Inserts before position `i` (`i == len` appends).
    pub(crate) fn insert(&mut self, i: usize, e: &[u8]) {
        match self {
            Self::Pack(p) => p.splice(p.view().offset(i), 0, &[Put::Bytes(e)]),
            Self::Quick(q) => q.insert(i, e),
        }
    }

    /// Removes element `i` (which exists).
    pub(crate) fn remove(&mut self, i: usize) {
        match self {
            Self::Pack(p) => p.splice(p.view().offset(i), 1, &[]),
            Self::Quick(q) => q.remove(i),
        }
    }

    /// Keeps only elements `start..end`.
    pub(crate) fn keep(&mut self, start: usize, end: usize) {
        match self {
            Self::Pack(p) => {
                let n = p.len();
                if end < n {
                    p.splice(p.view().offset(end), n - end, &[]);
                }
                let start = start.min(p.len());
                p.splice(p.view().offset(0), start, &[]);
            }
            Self::Quick(q) => {
                while q.items.len() > end {
                    q.pop_back();
                }
                for _ in 0..start.min(q.items.len()) {
                    q.pop_front();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An element of any listpack encoding: integers of every width, strings around every
    /// header and back-length step (63/64, 127/128, 191/192, 4095/4096 bytes).
    fn element() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        prop_oneof![
            any::<i64>().prop_map(|v| alloc::format!("{v}").into_bytes()),
            (-200i64..40000).prop_map(|v| alloc::format!("{v}").into_bytes()),
            prop::sample::select(&[0usize, 1, 63, 64, 127, 128, 191, 192, 4095, 4096, 5000][..])
                .prop_map(|n| alloc::vec![b'a'; n]),
        ]
    }

    proptest::proptest! {
        /// The walk-free bound never undershoots the exact listpack size, or a list that Valkey
        /// would convert to a quicklist would stay a listpack.
        #[test]
        fn the_size_bound_covers_the_listpack(runs in proptest::collection::vec((element(), 1..60usize), 0..6)) {
            // Runs of one element, so the worst per-entry slack adds up.
            let elements: Vec<Vec<u8>> = runs
                .iter()
                .flat_map(|(e, n)| core::iter::repeat_n(e.clone(), *n))
                .collect();
            let mut p = Packed::new(tag::LIST);
            for e in &elements {
                p.push(&[Put::Bytes(e)]);
            }
            let exact = LP_OVERHEAD + elements.iter().map(|e| listpack_entry_len(e)).sum::<usize>();
            proptest::prop_assert_eq!(List::lp_bytes(&p), exact);
            proptest::prop_assert!(List::lp_bound(&p) >= exact);
        }
    }

    #[test]
    fn listpack_entry_sizes_follow_valkeys_encodings() {
        let cases: &[(&[u8], usize)] = &[
            (b"7", 2),
            (b"127", 2),
            (b"128", 3),
            (b"-4096", 3),
            (b"4096", 4),
            (b"-32768", 4),
            (b"8388607", 5),
            (b"2147483647", 6),
            (b"2147483648", 10),
            (b"", 2),
            (b"abc", 5),
            (b"007", 5),
            (&[b'x'; 63], 65),
            (&[b'x'; 64], 67),
        ];
        for (b, n) in cases {
            assert_eq!(listpack_entry_len(b), *n, "{:?}", core::str::from_utf8(b));
        }
    }

    #[test]
    fn encoding_turns_quicklist_past_the_size_limit_and_back_below_half() {
        let mut l = List::new();
        let big = [b'x'; 1000];
        for _ in 0..8 {
            l.before_append(-2, [&big[..]].into_iter());
            l.push_back(&big);
        }
        assert_eq!(
            l.view().encoding(),
            "listpack",
            "8 * 1003 + 7 bytes fit in 8 KiB"
        );
        l.before_append(-2, [&big[..]].into_iter());
        l.push_back(&big);
        assert_eq!(l.view().encoding(), "quicklist");
        while l.len() > 5 {
            l.pop_front();
            l.after_shrink(-2);
            assert_eq!(
                l.view().encoding(),
                "quicklist",
                "still above half the limit"
            );
        }
        l.pop_front();
        l.after_shrink(-2);
        assert_eq!(
            l.view().encoding(),
            "listpack",
            "4 * 1003 + 7 bytes: under half of 8 KiB"
        );
    }

    #[test]
    fn a_positive_fill_counts_entries() {
        let mut l = List::new();
        for i in 0..4u8 {
            l.before_append(4, [&[i][..]].into_iter());
            l.push_back(&[i]);
        }
        assert_eq!(l.view().encoding(), "listpack");
        l.before_append(4, [&b"x"[..]].into_iter());
        assert_eq!(l.view().encoding(), "quicklist");
    }
}
