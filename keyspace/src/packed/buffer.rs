//! The packed buffer: one exact-size allocation, `[type][count][tags][payloads]`, read through a
//! borrowed view, changed by splices. Positions are entry indexes.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{
    ENTRY_SIZE, Elem, FLOAT, FLOAT32, INT, LONG, Needle, Put, Puts, Raw, SHORT_MAX, put_varint,
    read_varint,
};

/// Entries in one exact-size buffer: `[type][count: LEB128][tags][payloads]`, the count left
/// out while there are no entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Packed(Box<[u8]>);

/// An entry's place: its index and where its payload starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pos {
    index: usize,
    off: usize,
}

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

    /// Number of entries and where their tags start.
    fn head(self) -> (usize, usize) {
        if self.0.len() <= 1 {
            (0, self.0.len())
        } else {
            let (n, l) = read_varint(&self.0[1..]);
            (n, 1 + l)
        }
    }

    /// Number of entries.
    pub(crate) fn len(self) -> usize {
        self.head().0
    }

    /// Heap bytes: the buffer.
    pub(crate) const fn memory(self) -> usize {
        self.0.len()
    }

    /// Payload bytes of an entry with tag `tag` whose payload starts at `off`.
    #[inline]
    fn size(self, tag: u8, off: usize) -> usize {
        match ENTRY_SIZE[usize::from(tag)] {
            0 => {
                let (n, l) = read_varint(&self.0[off..]);
                l + n
            }
            size => usize::from(size) - 1,
        }
    }

    /// The entry with tag `tag` whose payload starts at `off`.
    fn decode(self, tag: u8, off: usize) -> Raw<'a> {
        let b = self.0;
        if usize::from(tag) <= SHORT_MAX {
            return Raw::Bytes(&b[off..off + usize::from(tag)]);
        }
        match tag {
            FLOAT => {
                let mut f = [0u8; 8];
                f.copy_from_slice(&b[off..off + 8]);
                Raw::Float(f64::from_le_bytes(f))
            }
            FLOAT32 => {
                let mut f = [0u8; 4];
                f.copy_from_slice(&b[off..off + 4]);
                Raw::Float(f64::from(f32::from_le_bytes(f)))
            }
            LONG => {
                let (n, l) = read_varint(&b[off..]);
                Raw::Bytes(&b[off + l..off + l + n])
            }
            _ => {
                let w = [1, 2, 3, 4, 8][usize::from(tag - INT)];
                let mut v = [0u8; 8];
                v[..w].copy_from_slice(&b[off..off + w]);
                if b[off + w - 1] & 0x80 != 0 {
                    v[w..].fill(0xff);
                }
                Raw::Int(i64::from_le_bytes(v))
            }
        }
    }

    /// Where entry `i`'s payload starts (or the end for `i == len`).
    fn payload_offset(self, i: usize) -> usize {
        let (n, t) = self.head();
        let mut off = t + n;
        for k in 0..i {
            off += self.size(self.0[t + k], off);
        }
        off
    }

    /// Entry `i` (which exists) and the position after it.
    pub(crate) fn raw_at(self, i: usize) -> (Raw<'a>, usize) {
        let (_, t) = self.head();
        (self.decode(self.0[t + i], self.payload_offset(i)), i + 1)
    }

    /// Entries with their positions, first to last.
    pub(crate) fn raw(self) -> Entries<'a> {
        let (n, t) = self.head();
        Entries {
            p: self,
            tags: t,
            i: 0,
            off: t + n,
            left: n,
        }
    }

    /// Entries as members, first to last.
    pub(crate) fn iter(self) -> impl Iterator<Item = Elem<'a>> + Clone {
        self.raw().map(|(_, r)| r.elem())
    }

    /// The entry at index `i`.
    pub(crate) fn get(self, i: usize) -> Option<Raw<'a>> {
        (i < self.len()).then(|| self.raw_at(i).0)
    }

    /// The position of entry `i`.
    pub(crate) const fn offset(self, i: usize) -> usize {
        i
    }

    /// The first of every `stride`-th entry (0, stride, 2 stride, ...) equal to `m`: its index
    /// and position (the same).
    pub(crate) fn find(self, m: Needle<'_>, stride: usize) -> Option<(usize, usize)> {
        self.search(&m, stride).map(|(i, _)| (i, i))
    }

    /// As [`Self::find`], the entry's place, to change it without looking for it again.
    pub(crate) fn locate(self, m: Needle<'_>, stride: usize) -> Option<Pos> {
        self.search(&m, stride)
            .map(|(index, off)| Pos { index, off })
    }

    /// The place of the entry after the one at `p`.
    pub(crate) fn after(self, p: Pos) -> Pos {
        let (_, t) = self.head();
        Pos {
            index: p.index + 1,
            off: p.off + self.size(self.0[t + p.index], p.off),
        }
    }

    /// As [`Self::find`], with the entry after the one found (a hash field's value, a
    /// sorted-set member's score).
    pub(crate) fn find_next(self, m: Needle<'_>, stride: usize) -> Option<(usize, Raw<'a>)> {
        let (i, off) = self.search(&m, stride)?;
        let (_, t) = self.head();
        let next = off + self.size(self.0[t + i], off);
        Some((i, self.decode(self.0[t + i + 1], next)))
    }

    /// The index and payload offset of the first of every `stride`-th entry equal to `m`.
    fn search(self, m: &Needle<'_>, stride: usize) -> Option<(usize, usize)> {
        let b = self.0;
        let (n, t) = self.head();
        let tags = &b[t..t + n];
        let mut off = t + n;
        let want = m.bytes.len();
        let mut i = 0;
        match (m.int, m.bytes.last()) {
            (None, Some(&last)) if want <= SHORT_MAX => {
                // Bytes under a 1-byte length: equal lengths, then the last byte (where keys
                // like `field:17` differ), then all of them.
                while i < n {
                    if usize::from(tags[i]) == want
                        && b[off + want - 1] == last
                        && b[off..off + want] == *m.bytes
                    {
                        return Some((i, off));
                    }
                    for &tag in &tags[i..(i + stride).min(n)] {
                        off += self.size(tag, off);
                    }
                    i += stride;
                }
            }
            _ => {
                while i < n {
                    let hit = match (self.decode(tags[i], off), m.int) {
                        (Raw::Int(v), Some(j)) => v == j,
                        (Raw::Bytes(x), None) => x == m.bytes,
                        _ => false,
                    };
                    if hit {
                        return Some((i, off));
                    }
                    for &tag in &tags[i..(i + stride).min(n)] {
                        off += self.size(tag, off);
                    }
                    i += stride;
                }
            }
        }
        None
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

    /// Replaces the `remove` entries from position `at` with `puts` (as a listpack's
    /// `lpInsert`/`lpDelete`: the rest is copied once into a buffer of the new size, or written
    /// in place when the sizes match).
    pub(crate) fn splice(&mut self, at: usize, remove: usize, puts: &[Put<'_>]) {
        let off = self.view().payload_offset(at);
        self.splice_at(Pos { index: at, off }, remove, puts);
    }

    /// [`Self::splice`] at a place [`PackedRef::locate`] or [`PackedRef::after`] gave.
    pub(crate) fn splice_at(&mut self, pos: Pos, remove: usize, puts: &[Put<'_>]) {
        let (at, from) = (pos.index, pos.off);
        let view = self.view();
        let (count, t) = view.head();
        let mut to = from;
        for k in at..at + remove {
            to += view.size(self.0[t + k], to);
        }
        let new_count = count - remove + puts.len();
        if new_count == 0 {
            self.0 = Box::new([self.0[0]]);
            return;
        }
        let enc = Puts::new(puts);
        let ins = enc.payload_len();
        if new_count == count && ins == to - from {
            // Same shape: tags and payloads overwritten where they are.
            let (tags, payloads) = self.0.split_at_mut(from);
            enc.write(&mut tags[t + at..t + at + remove], &mut payloads[..ins]);
            return;
        }
        let mut head = [0u8; 11];
        head[0] = self.0[0];
        let head_len = 1 + put_varint(&mut head[1..], new_count);
        let total = head_len + new_count + (self.0.len() - (t + count)) - (to - from) + ins;
        if head_len == t && puts.len() <= 4 && ins <= 64 {
            // In place: the payloads' tail and the tags' tail move once each; the buffer is
            // reallocated (often where it is) rather than copied into a new one.
            let (mut tags, mut payload) = ([0u8; 4], [0u8; 64]);
            enc.write(&mut tags[..puts.len()], &mut payload[..ins]);
            let mut v = core::mem::take(&mut self.0).into_vec();
            v.reserve_exact(total.saturating_sub(v.len()));
            v.splice(from..to, payload[..ins].iter().copied());
            v.splice(t + at..t + at + remove, tags[..puts.len()].iter().copied());
            v[..head_len].copy_from_slice(&head[..head_len]);
            debug_assert_eq!(v.len(), total);
            self.0 = v.into_boxed_slice();
            return;
        }
        let mut v = Vec::with_capacity(total);
        v.extend_from_slice(&head[..head_len]);
        v.extend_from_slice(&self.0[t..t + at]);
        let tags_at = v.len();
        v.resize(tags_at + puts.len(), 0);
        v.extend_from_slice(&self.0[t + at + remove..t + count]);
        v.extend_from_slice(&self.0[t + count..from]);
        let pay_at = v.len();
        v.resize(pay_at + ins, 0);
        v.extend_from_slice(&self.0[to..]);
        debug_assert_eq!(v.len(), total);
        let (tags, payloads) = v.split_at_mut(pay_at);
        enc.write(
            &mut tags[tags_at..tags_at + puts.len()],
            &mut payloads[..ins],
        );
        self.0 = v.into_boxed_slice();
    }

    /// Moves the `count` entries at position `at` to position `to` (outside them), as `puts`
    /// (as many): in place when they take as many bytes, else in one new buffer. A sorted-set
    /// member whose score changes moves this way.
    pub(crate) fn relocate(&mut self, at: usize, count: usize, to: usize, puts: &[Put<'_>]) {
        let view = self.view();
        let (n, t) = view.head();
        let enc = Puts::new(puts);
        debug_assert_eq!(enc.count(), count);
        let from = view.payload_offset(at);
        let mut end = from;
        for k in at..at + count {
            end += view.size(self.0[t + k], end);
        }
        let (len, ins) = (end - from, enc.payload_len());
        let dest = view.payload_offset(to);
        if ins != len {
            // Out of one place and into the other, copying everything else once.
            let b = &self.0;
            let mut v = Vec::with_capacity(b.len() + ins - len);
            let (tags_at, pay_at);
            if to >= at + count {
                v.extend_from_slice(&b[..t + at]);
                v.extend_from_slice(&b[t + at + count..t + to]);
                tags_at = v.len();
                v.resize(tags_at + count, 0);
                v.extend_from_slice(&b[t + to..from]);
                v.extend_from_slice(&b[end..dest]);
                pay_at = v.len();
                v.resize(pay_at + ins, 0);
                v.extend_from_slice(&b[dest..]);
            } else {
                v.extend_from_slice(&b[..t + to]);
                tags_at = v.len();
                v.resize(tags_at + count, 0);
                v.extend_from_slice(&b[t + to..t + at]);
                v.extend_from_slice(&b[t + at + count..dest]);
                pay_at = v.len();
                v.resize(pay_at + ins, 0);
                v.extend_from_slice(&b[dest..from]);
                v.extend_from_slice(&b[end..]);
            }
            let (tags, payloads) = v.split_at_mut(pay_at);
            enc.write(&mut tags[tags_at..tags_at + count], &mut payloads[..ins]);
            self.0 = v.into_boxed_slice();
            return;
        }
        let (tag_dst, pay_dst) = if to >= at + count {
            self.0[t + at..t + to].rotate_left(count);
            self.0[from..dest].rotate_left(len);
            (to - count, dest - len)
        } else {
            self.0[t + to..t + at + count].rotate_right(count);
            self.0[dest..end].rotate_right(len);
            (to, dest)
        };
        let (tags, payloads) = self.0.split_at_mut(t + n);
        let pay_dst = pay_dst - (t + n);
        enc.write(
            &mut tags[t + tag_dst..t + tag_dst + count],
            &mut payloads[pay_dst..pay_dst + len],
        );
    }

    /// Appends `puts`.
    pub(crate) fn push(&mut self, puts: &[Put<'_>]) {
        self.splice(self.len(), 0, puts);
    }
}

/// Entries with their positions, from [`PackedRef::raw`].
#[derive(Clone, Debug)]
pub(crate) struct Entries<'a> {
    p: PackedRef<'a>,
    /// Where the tags start.
    tags: usize,
    i: usize,
    /// Where entry `i`'s payload starts.
    off: usize,
    left: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (usize, Raw<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (i, tag) = (self.i, self.p.0[self.tags + self.i]);
        let r = self.p.decode(tag, self.off);
        self.off += self.p.size(tag, self.off);
        self.i += 1;
        Some((i, r))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Entries<'_> {}
