//! The list type: a deque of byte strings, with the size Valkey's listpack would take, so the
//! `listpack`/`quicklist` encoding switches exactly where Valkey's does.
//!
//! Valkey keeps a small list as one listpack and converts it to a quicklist when the listpack
//! would pass `list-max-listpack-size` (a byte limit for -1..-5, an entry count for a positive
//! value), and back when a single-node quicklist shrinks below half the limit. This type stores
//! elements the same way whatever the encoding (one boxed slice each in a ring buffer), keeps the
//! listpack size up to date, and applies those rules to decide the name OBJECT ENCODING reports.

use alloc::boxed::Box;
use alloc::collections::VecDeque;

use crate::num;

/// Listpack header (total bytes, element count) and end byte.
const LP_OVERHEAD: usize = 7;
/// The byte size under which a count-limited listpack stays a listpack (`SIZE_SAFETY_LIMIT`).
const SIZE_SAFETY_LIMIT: usize = 8192;

/// Bytes one element takes in a listpack: its encoding header and data, then its back-length.
pub(crate) fn listpack_entry_len(b: &[u8]) -> usize {
    let enc = match num::canonical_i64(b) {
        Some(v) if (0..=127).contains(&v) => 1,
        Some(v) if (-4096..=4095).contains(&v) => 2,
        Some(v) if i16::try_from(v).is_ok() => 3,
        Some(v) if (-(1 << 23)..(1 << 23)).contains(&v) => 4,
        Some(v) if i32::try_from(v).is_ok() => 5,
        Some(_) => 9,
        None if b.len() < 64 => 1 + b.len(),
        None if b.len() < 4096 => 2 + b.len(),
        None => 5 + b.len(),
    };
    let back = match enc {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    };
    enc + back
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct List {
    items: VecDeque<Box<[u8]>>,
    /// What the whole list would take as one listpack.
    lp_bytes: usize,
    /// Sum of the element lengths.
    data_bytes: usize,
    /// Whether Valkey would hold it as a quicklist.
    quicklist: bool,
}

impl List {
    pub(crate) fn new() -> Self {
        Self {
            items: VecDeque::new(),
            lp_bytes: LP_OVERHEAD,
            data_bytes: 0,
            quicklist: false,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// OBJECT ENCODING.
    pub(crate) fn encoding(&self) -> &'static str {
        if self.quicklist {
            "quicklist"
        } else {
            "listpack"
        }
    }

    /// Estimated heap bytes (MEMORY USAGE, used memory).
    pub(crate) fn memory(&self) -> usize {
        if self.quicklist {
            self.data_bytes + self.items.capacity() * size_of::<Box<[u8]>>()
        } else {
            self.lp_bytes
                .max(self.data_bytes + self.items.capacity() * size_of::<Box<[u8]>>())
        }
    }

    /// Before adding `elements`: Valkey's `listTypeTryConversionAppend` (counts raw lengths).
    pub(crate) fn before_append<'a>(
        &mut self,
        fill: i64,
        elements: impl Iterator<Item = &'a [u8]>,
    ) {
        if self.quicklist {
            return;
        }
        let (mut bytes, mut count) = (self.lp_bytes, self.items.len());
        for e in elements {
            bytes += e.len();
            count += 1;
        }
        if exceeds(fill, bytes, count) {
            self.quicklist = true;
        }
    }

    /// After removing elements: Valkey's `listTypeTryConvertQuicklist` with `shrinking`.
    pub(crate) fn after_shrink(&mut self, fill: i64) {
        if !self.quicklist {
            return;
        }
        let (size_limit, count_limit) = limits(fill);
        // A quicklist converts back only when one node holds it all: under the node limits.
        let one_node = !exceeds(fill, self.lp_bytes, self.items.len());
        if one_node && self.lp_bytes <= size_limit / 2 && self.items.len() <= count_limit / 2 {
            self.quicklist = false;
        }
    }

    fn added(&mut self, e: &[u8]) {
        self.lp_bytes += listpack_entry_len(e);
        self.data_bytes += e.len();
    }

    fn removed(&mut self, e: &[u8]) {
        self.lp_bytes -= listpack_entry_len(e);
        self.data_bytes -= e.len();
    }

    pub(crate) fn push_front(&mut self, e: &[u8]) {
        self.added(e);
        self.items.push_front(e.into());
    }

    pub(crate) fn push_back(&mut self, e: &[u8]) {
        self.added(e);
        self.items.push_back(e.into());
    }

    pub(crate) fn pop_front(&mut self) -> Option<Box<[u8]>> {
        let e = self.items.pop_front()?;
        self.removed(&e);
        Some(e)
    }

    pub(crate) fn pop_back(&mut self) -> Option<Box<[u8]>> {
        let e = self.items.pop_back()?;
        self.removed(&e);
        Some(e)
    }

    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        self.items.get(i).map(|b| &**b)
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.items.iter().map(|b| &**b)
    }

    /// Replaces element `i` (which exists).
    pub(crate) fn set(&mut self, i: usize, e: &[u8]) {
        let old = core::mem::replace(&mut self.items[i], e.into());
        self.removed(&old);
        self.added(e);
    }

    /// Inserts before position `i` (`i == len` appends).
    pub(crate) fn insert(&mut self, i: usize, e: &[u8]) {
        self.added(e);
        self.items.insert(i, e.into());
    }

    /// Removes element `i` (which exists).
    pub(crate) fn remove(&mut self, i: usize) {
        if let Some(old) = self.items.remove(i) {
            self.removed(&old);
        }
    }

    /// Keeps only elements `start..end`.
    pub(crate) fn keep(&mut self, start: usize, end: usize) {
        while self.items.len() > end {
            self.pop_back();
        }
        for _ in 0..start.min(self.items.len()) {
            self.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(l.encoding(), "listpack", "8 * 1003 + 7 bytes fit in 8 KiB");
        l.before_append(-2, [&big[..]].into_iter());
        l.push_back(&big);
        assert_eq!(l.encoding(), "quicklist");
        while l.len() > 5 {
            l.pop_front();
            l.after_shrink(-2);
            assert_eq!(l.encoding(), "quicklist", "still above half the limit");
        }
        l.pop_front();
        l.after_shrink(-2);
        assert_eq!(
            l.encoding(),
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
        assert_eq!(l.encoding(), "listpack");
        l.before_append(4, [&b"x"[..]].into_iter());
        assert_eq!(l.encoding(), "quicklist");
    }
}
