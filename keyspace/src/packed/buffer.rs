//! The packed buffer: entries back to back in one exact-size allocation, read through a
//! borrowed view, changed by splices that move the tail once.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{
    ENTRY_SIZE, Elem, FLOAT, FLOAT32, INT, LONG, Needle, Put, Puts, Raw, SHORT_MAX, put_varint,
    read_varint,
};

/// Entries back to back in one exact-size buffer: `[tag][count: LEB128][entries]`, the count
/// left out while there are no entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Packed(Box<[u8]>);

/// A packed buffer, borrowed: every read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PackedRef<'a>(&'a [u8]);

impl<'a> PackedRef<'a> {
    /// A buffer [`Packed::into_box`] gave.
    pub(crate) const fn new(b: &'a [u8]) -> Self {
        Self(b)
    }

    /// An owned copy.
    pub(crate) fn to_packed(self) -> Packed {
        Packed(self.0.into())
    }

    /// Number of entries.
    pub(crate) fn len(self) -> usize {
        if self.0.len() <= 1 {
            0
        } else {
            read_varint(&self.0[1..]).0
        }
    }

    /// Heap bytes: the buffer.
    pub(crate) const fn memory(self) -> usize {
        self.0.len()
    }

    /// Offset of the first entry (the end while there is none).
    fn start(self) -> usize {
        if self.0.len() <= 1 {
            self.0.len()
        } else {
            1 + read_varint(&self.0[1..]).1
        }
    }

    /// The entry at byte offset `at` and the offset after it.
    pub(crate) fn raw_at(self, at: usize) -> (Raw<'a>, usize) {
        let b = self.0;
        let tag = b[at];
        if usize::from(tag) <= SHORT_MAX {
            let end = at + 1 + usize::from(tag);
            return (Raw::Bytes(&b[at + 1..end]), end);
        }
        match tag {
            FLOAT => {
                let mut f = [0u8; 8];
                f.copy_from_slice(&b[at + 1..at + 9]);
                (Raw::Float(f64::from_le_bytes(f)), at + 9)
            }
            FLOAT32 => {
                let mut f = [0u8; 4];
                f.copy_from_slice(&b[at + 1..at + 5]);
                (Raw::Float(f64::from(f32::from_le_bytes(f))), at + 5)
            }
            LONG => {
                let (n, l) = read_varint(&b[at + 1..]);
                let from = at + 1 + l;
                (Raw::Bytes(&b[from..from + n]), from + n)
            }
            _ => {
                let w = [1, 2, 3, 4, 8][usize::from(tag - INT)];
                let mut v = [0u8; 8];
                v[..w].copy_from_slice(&b[at + 1..=at + w]);
                if b[at + w] & 0x80 != 0 {
                    v[w..].fill(0xff);
                }
                (Raw::Int(i64::from_le_bytes(v)), at + 1 + w)
            }
        }
    }

    /// Entries with their byte offsets, first to last.
    pub(crate) fn raw(self) -> Entries<'a> {
        Entries {
            p: self,
            at: self.start(),
            left: self.len(),
        }
    }

    /// Entries as members, first to last.
    pub(crate) fn iter(self) -> impl Iterator<Item = Elem<'a>> + Clone {
        self.raw().map(|(_, r)| r.elem())
    }

    /// The entry at index `i`.
    pub(crate) fn get(self, i: usize) -> Option<Raw<'a>> {
        self.raw().nth(i).map(|(_, r)| r)
    }

    /// The byte offset of entry `i` (or the end for `i == len`).
    pub(crate) fn offset(self, i: usize) -> usize {
        let mut it = self.raw();
        for _ in 0..i {
            it.next();
        }
        it.at
    }

    /// The first of every `stride`-th entry (0, stride, 2 stride, ...) equal to `m`: its index
    /// and byte offset.
    pub(crate) fn find(self, m: Needle<'_>, stride: usize) -> Option<(usize, usize)> {
        let (b, n) = (self.0, self.len());
        let (mut at, mut i) = (self.start(), 0);
        let want = m.bytes.len();
        match (m.int, m.bytes.last()) {
            (None, Some(&last)) if want <= SHORT_MAX => {
                // Bytes stored under a 1-byte length: equal lengths, then the last byte (where
                // keys like `field:17` differ), then all; the tag's size table gives the next.
                while i < n {
                    let tag = usize::from(b[at]);
                    if tag == want && b[at + want] == last && b[at + 1..=at + want] == *m.bytes {
                        return Some((i, at));
                    }
                    at = self.skip(at);
                    for _ in 1..stride {
                        at = self.skip(at);
                    }
                    i += stride;
                }
            }
            _ => {
                while i < n {
                    if self.matches_at(at, &m) {
                        return Some((i, at));
                    }
                    for _ in 0..stride {
                        at = self.skip(at);
                    }
                    i += stride;
                }
            }
        }
        None
    }

    /// The offset after the entry at `at`, without decoding it.
    #[inline]
    pub(crate) fn skip(self, at: usize) -> usize {
        match ENTRY_SIZE[usize::from(self.0[at])] {
            0 => {
                let (n, l) = read_varint(&self.0[at + 1..]);
                at + 1 + l + n
            }
            size => at + usize::from(size),
        }
    }

    /// Whether the entry at `at` is `m`: a length and a byte comparison for bytes.
    fn matches_at(self, at: usize, m: &Needle<'_>) -> bool {
        let tag = self.0[at];
        match m.int {
            None if usize::from(tag) <= SHORT_MAX => self.0[at + 1..self.skip(at)] == *m.bytes,
            None if tag == LONG => self.raw_at(at).0 == Raw::Bytes(m.bytes),
            None => false,
            Some(j) => (INT..FLOAT).contains(&tag) && self.raw_at(at).0 == Raw::Int(j),
        }
    }
}

impl Packed {
    /// An empty buffer of a collection of type `tag`.
    pub(crate) fn new(tag: u8) -> Self {
        Self(Box::new([tag]))
    }

    /// A buffer [`Self::into_box`] gave.
    pub(crate) const fn from_box(b: Box<[u8]>) -> Self {
        Self(b)
    }

    /// The buffer, to keep in the store.
    pub(crate) fn into_box(self) -> Box<[u8]> {
        self.0
    }

    pub(crate) fn view(&self) -> PackedRef<'_> {
        PackedRef(&self.0)
    }

    pub(crate) fn len(&self) -> usize {
        self.view().len()
    }

    pub(crate) fn memory(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Elem<'_>> + Clone {
        self.view().iter()
    }

    /// Replaces the `remove` entries from byte offset `at` with `puts` (as a listpack's
    /// `lpInsert`/`lpDelete`: one move of the tail and one reallocation).
    pub(crate) fn splice(&mut self, at: usize, remove: usize, puts: &[Put<'_>]) {
        let view = self.view();
        let count = view.len();
        let old_head = view.start();
        let start = old_head.max(at);
        let mut end = start;
        for _ in 0..remove {
            end = view.skip(end);
        }
        let new_count = count - remove + puts.len();
        if new_count == 0 {
            self.0 = Box::new([self.0[0]]);
            return;
        }
        let enc = Puts::new(puts);
        let ins = enc.len();
        let mut head = [0u8; 11];
        head[0] = self.0[0];
        let head_len = 1 + put_varint(&mut head[1..], new_count);
        let old_len = self.0.len();
        if head_len != old_head {
            // The count's length changed (or the first entry arrives): build anew.
            let total = old_len - old_head + head_len - (end - start) + ins;
            let mut v = Vec::with_capacity(total);
            v.extend_from_slice(&head[..head_len]);
            v.extend_from_slice(&self.0[old_head..start]);
            let w = v.len();
            v.resize(w + ins, 0);
            enc.write(&mut v[w..]);
            v.extend_from_slice(&self.0[end..]);
            self.0 = v.into_boxed_slice();
            return;
        }
        // In place: the tail moves once; the buffer is reallocated only if its length changes.
        let removed = end - start;
        if ins == removed {
            self.0[..head_len].copy_from_slice(&head[..head_len]);
            enc.write(&mut self.0[start..end]);
            return;
        }
        let mut v = core::mem::take(&mut self.0).into_vec();
        v[..head_len].copy_from_slice(&head[..head_len]);
        if ins > removed {
            v.reserve_exact(ins - removed);
            v.resize(old_len + ins - removed, 0);
            v.copy_within(end..old_len, start + ins);
        } else {
            v.copy_within(end..old_len, start + ins);
            v.truncate(old_len - (removed - ins));
        }
        enc.write(&mut v[start..start + ins]);
        self.0 = v.into_boxed_slice();
    }

    /// Moves the `count` entries at offset `at` to offset `to` (outside them, in the current
    /// buffer), as `puts`, in place; `false` (and nothing changed) unless `puts` take exactly
    /// as many bytes. A sorted-set member whose score changes moves this way.
    pub(crate) fn relocate(
        &mut self,
        at: usize,
        count: usize,
        to: usize,
        puts: &[Put<'_>],
    ) -> bool {
        let view = self.view();
        let mut end = at;
        for _ in 0..count {
            end = view.skip(end);
        }
        let len = end - at;
        let enc = Puts::new(puts);
        if enc.len() != len {
            return false;
        }
        let dst = if to >= end {
            self.0[at..to].rotate_left(len);
            to - len
        } else {
            self.0[to..end].rotate_right(len);
            to
        };
        enc.write(&mut self.0[dst..dst + len]);
        true
    }

    /// Appends `puts`.
    pub(crate) fn push(&mut self, puts: &[Put<'_>]) {
        self.splice(self.0.len(), 0, puts);
    }
}

/// Entries with their byte offsets, from [`Packed::raw`].
#[derive(Clone, Debug)]
pub(crate) struct Entries<'a> {
    p: PackedRef<'a>,
    at: usize,
    left: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (usize, Raw<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let at = self.at;
        let (r, next) = self.p.raw_at(at);
        self.at = next;
        Some((at, r))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Entries<'_> {}
