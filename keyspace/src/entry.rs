//! One key and its value in one heap allocation.
//!
//! ```text
//! [header: u8][key length: u32 LE]?[expire: u64 LE]?[key][value][access: 3 bytes]?
//! ```
//!
//! * `header` bits 0-1: the encoding (raw, embstr, int, or a collection: then the value is its
//!   kind byte and the `u32` number of its object in the database's object store, which owns
//!   it, or a 0 byte, a `u32` length and a string with room to grow after it, for strings
//!   APPEND and SETRANGE modified, as Valkey's `raw` sds strings have); bit 2: an expire time
//!   follows; bits 3-7: the key length, or 31 for a key of 31 bytes
//!   or more, whose length follows as a `u32`.
//! * An `int` value is an `i64` in 8 bytes, used only when the string is the canonical decimal
//!   form of that integer, so reading it back gives the exact bytes that were written.
//! * The 3-byte LRU/LFU field (maxmemory eviction) ends the entry when the keyspace tracks
//!   accesses. Every entry of a keyspace has it or none does (tracking is never switched on or
//!   off at run time), so the entry does not spend a bit on it: the methods that read past the
//!   key take the keyspace's `tracked` flag.
//!
//! A 16-byte key with a 100-byte value is one 117-byte allocation (120 with access tracking)
//! plus its 16-byte slot.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::num;
use crate::time::Millis;

const ENC_SHIFT: u8 = 0;
const ENC_MASK: u8 = 0b11;
/// The encoding bits of an entry whose value is a collection.
const ENC_OBJECT: u8 = 3 << ENC_SHIFT;
const F_EXPIRE: u8 = 0b100;
const KLEN_SHIFT: u8 = 3;
/// The key length field's value for a key whose length follows as a `u32`.
const LONG_KEY: u8 = 31;

/// Longest string Valkey stores as `embstr` (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub(crate) const EMBSTR_LIMIT: usize = 44;

/// How a string value is held, as `OBJECT ENCODING` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes that were modified in place (APPEND, SETRANGE) or are longer than 44 bytes.
    Raw,
    /// A short string written whole.
    Embstr,
    /// A 64-bit integer.
    Int,
}

impl Encoding {
    /// The name `OBJECT ENCODING` replies with.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Embstr => "embstr",
            Self::Int => "int",
        }
    }

    const fn bits(self) -> u8 {
        match self {
            Self::Raw => 0,
            Self::Embstr => 1 << ENC_SHIFT,
            Self::Int => 2 << ENC_SHIFT,
        }
    }
}

/// The collection types, kept outside the entry in the database's object store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// A list.
    List,
    /// A hash.
    Hash,
    /// A set.
    Set,
    /// A sorted set.
    ZSet,
    /// A module data type's value ([`crate::ModuleValue`]); TYPE names its type.
    Module,
}

impl Kind {
    /// The type name `TYPE` replies with.
    #[must_use]
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Hash => "hash",
            Self::Set => "set",
            Self::ZSet => "zset",
            Self::Module => "module",
        }
    }

    const fn byte(self) -> u8 {
        match self {
            Self::List => 1,
            Self::Hash => 2,
            Self::Set => 3,
            Self::ZSet => 4,
            Self::Module => 5,
        }
    }

    const fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::List),
            2 => Some(Self::Hash),
            3 => Some(Self::Set),
            4 => Some(Self::ZSet),
            5 => Some(Self::Module),
            _ => None,
        }
    }
}

/// A stored value, borrowed from its entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// A string held as bytes.
    Bytes(&'a [u8]),
    /// A string held as an integer (its canonical decimal form is the string).
    Int(i64),
    /// A collection (its contents are read through the commands of its type).
    Collection(Kind),
}

impl Value<'_> {
    /// The type name `TYPE` replies with.
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::Bytes(_) | Self::Int(_) => "string",
            Self::Collection(k) => k.type_name(),
        }
    }
}

/// What to store: the caller picks how a new string value is encoded.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NewValue<'a> {
    /// Store these bytes, as `int` if they are a canonical integer, else `embstr`/`raw` by length.
    Auto(&'a [u8]),
    /// Store these bytes as `embstr`/`raw` by length, never as `int` (INCRBYFLOAT results).
    Str(&'a [u8]),
    /// Store these bytes as `raw` (after APPEND or SETRANGE).
    Raw(&'a [u8]),
    /// Store these bytes as `raw` with room to grow as `sdsMakeRoomFor` leaves it (twice the
    /// length, or 1 MiB more past 1 MiB): APPEND and SETRANGE on an existing string.
    Grown(&'a [u8]),
    /// Store an integer.
    Int(i64),
    /// Refer to object number `id` of the database's object store, of this kind.
    Object(Kind, u32),
}

/// A key, its value and its metadata in one allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry(Box<[u8]>);

/// Where each part of an entry goes, worked out once for [`Entry::new`] and [`Entry::overwrite`].
struct Layout<'a> {
    enc: u8,
    bytes: &'a [u8],
    /// Spare bytes after a grown string (`Some`, with the string's length prefix), else `None`.
    room: Option<usize>,
    object: [u8; 5],
    int: Option<i64>,
    total: usize,
}

impl<'a> Layout<'a> {
    #[inline]
    fn of(key: &[u8], value: NewValue<'a>, expire: bool, access: bool) -> Self {
        let mut object = [0u8; 5];
        let (enc, bytes, int): (Encoding, &[u8], Option<i64>) = match value {
            NewValue::Int(i) => (Encoding::Int, &[], Some(i)),
            NewValue::Raw(b) | NewValue::Grown(b) => (Encoding::Raw, b, None),
            NewValue::Str(b) if b.len() <= EMBSTR_LIMIT => (Encoding::Embstr, b, None),
            NewValue::Str(b) => (Encoding::Raw, b, None),
            NewValue::Auto(b) => match num::canonical_i64(b) {
                Some(i) => (Encoding::Int, &[], Some(i)),
                None if b.len() <= EMBSTR_LIMIT => (Encoding::Embstr, b, None),
                None => (Encoding::Raw, b, None),
            },
            NewValue::Object(kind, id) => {
                object[0] = kind.byte();
                object[1..].copy_from_slice(&id.to_le_bytes());
                (Encoding::Raw, &[], None)
            }
        };
        let room = match value {
            NewValue::Grown(b) => Some(grown_capacity(b.len()) - b.len()),
            _ => None,
        };
        let enc = if object[0] != 0 || room.is_some() {
            ENC_OBJECT
        } else {
            enc.bits()
        };
        let value_len = if int.is_some() {
            8
        } else if object[0] != 0 {
            5
        } else {
            room.map_or(0, |r| 5 + r) + bytes.len()
        };
        let total = klen_len(key.len())
            + if expire { 8 } else { 0 }
            + if access { 3 } else { 0 }
            + key.len()
            + value_len;
        Self {
            enc,
            bytes,
            room,
            object,
            int,
            total,
        }
    }

    /// Writes the entry's `self.total` bytes to `out`.
    #[inline]
    fn fill(
        &self,
        out: &mut impl Put,
        key: &[u8],
        expire: Option<Millis>,
        access: Option<[u8; 3]>,
    ) {
        let mut header = self.enc;
        if expire.is_some() {
            header |= F_EXPIRE;
        }
        if key.len() < usize::from(LONG_KEY) {
            out.put(&[header | (key.len() as u8) << KLEN_SHIFT]);
        } else {
            out.put(&[header | LONG_KEY << KLEN_SHIFT]);
            out.put(&(key.len() as u32).to_le_bytes());
        }
        if let Some(t) = expire {
            out.put(&t.0.to_le_bytes());
        }
        out.put(key);
        match self.int {
            Some(i) => out.put(&i.to_le_bytes()),
            None if self.object[0] != 0 => out.put(&self.object),
            None => match self.room {
                Some(room) => {
                    out.put(&[GROWN]);
                    out.put(&(self.bytes.len() as u32).to_le_bytes());
                    out.put(self.bytes);
                    let mut left = room;
                    while left > 0 {
                        let n = left.min(64);
                        out.put(&[0; 64][..n]);
                        left -= n;
                    }
                }
                None => out.put(self.bytes),
            },
        }
        if let Some(a) = access {
            out.put(&a);
        }
    }
}

/// Where [`Layout::fill`] writes: a new allocation, or an entry rewritten in place.
trait Put {
    fn put(&mut self, b: &[u8]);
}

impl Put for Vec<u8> {
    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// A cursor over an existing entry's bytes.
struct Cursor<'a>(&'a mut [u8], usize);

impl Put for Cursor<'_> {
    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.0[self.1..self.1 + b.len()].copy_from_slice(b);
        self.1 += b.len();
    }
}

/// Bytes the header and key length take: one, or the header and a `u32`.
#[inline]
const fn klen_len(len: usize) -> usize {
    if len < LONG_KEY as usize { 1 } else { 5 }
}

/// The capacity `sdsMakeRoomFor` gives a string grown to `len` bytes: twice that, or 1 MiB more
/// from 1 MiB on (`SDS_MAX_PREALLOC`).
const fn grown_capacity(len: usize) -> usize {
    const MAX_PREALLOC: usize = 1024 * 1024;
    if len < MAX_PREALLOC {
        len * 2
    } else {
        len + MAX_PREALLOC
    }
}

/// The first value byte of a collection-encoded entry that holds a grown string instead.
const GROWN: u8 = 0;

/// Bytes the access field takes in a keyspace that does (`tracked`) or does not track accesses.
#[inline]
const fn access_len(tracked: bool) -> usize {
    if tracked { 3 } else { 0 }
}

/// A grown string's length and its bytes with the room after them, if `rest` (a collection-encoded
/// entry's value bytes) holds one.
fn grown_bytes(rest: &[u8]) -> Option<(usize, &[u8])> {
    if rest.len() < 5 || rest[0] != GROWN {
        return None;
    }
    let mut n = [0u8; 4];
    n.copy_from_slice(&rest[1..5]);
    Some((u32::from_le_bytes(n) as usize, &rest[5..]))
}

impl Entry {
    pub(crate) fn new(
        key: &[u8],
        value: NewValue<'_>,
        expire: Option<Millis>,
        access: Option<[u8; 3]>,
    ) -> Self {
        let layout = Layout::of(key, value, expire.is_some(), access.is_some());
        let mut buf = Vec::with_capacity(layout.total);
        layout.fill(&mut buf, key, expire, access);
        debug_assert_eq!(buf.len(), layout.total);
        Self(buf.into_boxed_slice())
    }

    /// Rewrites this entry in place as `Entry::new(key, value, expire, access)` would build it, if
    /// that takes exactly as many bytes as the entry holds (an overwrite with a value of the same
    /// length: no allocation, no free). Returns whether it did.
    #[inline]
    pub(crate) fn overwrite(
        &mut self,
        key: &[u8],
        value: NewValue<'_>,
        expire: Option<Millis>,
        access: Option<[u8; 3]>,
    ) -> bool {
        let layout = Layout::of(key, value, expire.is_some(), access.is_some());
        if layout.total != self.0.len() {
            return false;
        }
        layout.fill(&mut Cursor(&mut self.0, 0), key, expire, access);
        true
    }

    /// An empty stand-in (no allocation) while an entry is taken out of its slot and rebuilt.
    pub(crate) fn placeholder() -> Self {
        Self(Box::default())
    }

    #[inline]
    fn header(&self) -> u8 {
        self.0[0]
    }

    #[inline]
    fn key_len_and_offset(&self) -> (usize, usize) {
        let b = self.0[0] >> KLEN_SHIFT;
        if b == LONG_KEY {
            let mut n = [0u8; 4];
            n.copy_from_slice(&self.0[1..5]);
            (u32::from_le_bytes(n) as usize, 5)
        } else {
            (usize::from(b), 1)
        }
    }

    /// The key's length and where it starts.
    #[inline]
    fn key_span(&self) -> (usize, usize) {
        let (len, meta) = self.key_len_and_offset();
        let off = meta + if self.header() & F_EXPIRE != 0 { 8 } else { 0 };
        (len, off)
    }

    /// The key bytes.
    #[inline]
    pub(crate) fn key(&self) -> &[u8] {
        let (len, off) = self.key_span();
        &self.0[off..off + len]
    }

    /// The value's bytes as stored (an `int`'s 8 bytes, a collection's kind and number).
    #[inline]
    fn value_bytes(&self, tracked: bool) -> &[u8] {
        let (len, off) = self.key_span();
        &self.0[off + len..self.0.len() - access_len(tracked)]
    }

    /// The string encoding (`Raw` for a collection, whose encoding its object knows).
    pub(crate) fn encoding(&self) -> Encoding {
        match (self.header() & ENC_MASK) >> ENC_SHIFT {
            1 => Encoding::Embstr,
            2 => Encoding::Int,
            _ => Encoding::Raw,
        }
    }

    /// The kind and object number, if the value is a collection.
    #[inline]
    pub(crate) fn object(&self, tracked: bool) -> Option<(Kind, u32)> {
        if self.header() & ENC_MASK != ENC_OBJECT {
            return None;
        }
        let rest = self.value_bytes(tracked);
        let mut id = [0u8; 4];
        id.copy_from_slice(&rest[1..5]);
        Some((Kind::from_byte(rest[0])?, u32::from_le_bytes(id)))
    }

    /// Points a collection entry at another object number (the object moved stores).
    pub(crate) fn set_object_id(&mut self, tracked: bool, id: u32) {
        debug_assert!(self.object(tracked).is_some());
        let end = self.0.len() - access_len(tracked);
        self.0[end - 4..end].copy_from_slice(&id.to_le_bytes());
    }

    /// The value.
    #[inline]
    pub(crate) fn value(&self, tracked: bool) -> Value<'_> {
        let rest = self.value_bytes(tracked);
        match (self.header() & ENC_MASK) >> ENC_SHIFT {
            2 => {
                let mut n = [0u8; 8];
                n.copy_from_slice(rest);
                Value::Int(i64::from_le_bytes(n))
            }
            3 => match self.object(tracked) {
                Some((kind, _)) => Value::Collection(kind),
                None => Value::Bytes(grown_bytes(rest).map_or(rest, |(len, b)| &b[..len])),
            },
            _ => Value::Bytes(rest),
        }
    }

    /// Writes `bytes` at `offset` of a grown string if it has the room (zeros fill any gap past
    /// its end), as APPEND and SETRANGE do once `sdsMakeRoomFor` made room; returns the new
    /// length, or `None` (not a grown string, or not enough room) to rebuild the entry.
    pub(crate) fn splice_in_room(
        &mut self,
        tracked: bool,
        offset: usize,
        bytes: &[u8],
    ) -> Option<usize> {
        if self.header() & ENC_MASK != ENC_OBJECT {
            return None;
        }
        let (klen, koff) = self.key_span();
        let end = self.0.len() - access_len(tracked);
        let rest = &mut self.0[koff + klen..end];
        let (len, room) = grown_bytes(rest)?;
        let new_end = offset.checked_add(bytes.len())?;
        if new_end > room.len() {
            return None;
        }
        let room = &mut rest[5..];
        if offset > len {
            room[len..offset].fill(0);
        }
        room[offset..new_end].copy_from_slice(bytes);
        let new_len = len.max(new_end);
        rest[1..5].copy_from_slice(&(new_len as u32).to_le_bytes());
        Some(new_len)
    }

    /// Overwrites an `int` value in place (no allocation). The entry must be int-encoded.
    pub(crate) fn set_int_in_place(&mut self, tracked: bool, i: i64) {
        debug_assert_eq!(self.encoding(), Encoding::Int);
        let end = self.0.len() - access_len(tracked);
        self.0[end - 8..end].copy_from_slice(&i.to_le_bytes());
    }

    /// The absolute expire time, if the key has one.
    #[inline]
    pub(crate) fn expire(&self) -> Option<Millis> {
        if self.header() & F_EXPIRE == 0 {
            return None;
        }
        let o = self.key_len_and_offset().1;
        let mut n = [0u8; 8];
        n.copy_from_slice(&self.0[o..o + 8]);
        Some(Millis(u64::from_le_bytes(n)))
    }

    /// Whether the key has an expire time at or before `now`.
    #[inline]
    pub(crate) fn is_expired(&self, now: Millis) -> bool {
        self.expire().is_some_and(|t| t <= now)
    }

    /// The LRU/LFU field, if the keyspace tracks accesses.
    pub(crate) fn access(&self, tracked: bool) -> Option<[u8; 3]> {
        if !tracked {
            return None;
        }
        let mut a = [0u8; 3];
        a.copy_from_slice(&self.0[self.0.len() - 3..]);
        Some(a)
    }

    /// Writes the LRU/LFU field in place, if the keyspace tracks accesses.
    pub(crate) fn set_access(&mut self, tracked: bool, a: [u8; 3]) {
        if tracked {
            let n = self.0.len();
            self.0[n - 3..].copy_from_slice(&a);
        }
    }

    /// The same key and value with a different expire time (in place when the field exists).
    pub(crate) fn with_expire(mut self, tracked: bool, expire: Option<Millis>) -> Self {
        match (self.expire().is_some(), expire) {
            (true, Some(t)) => {
                let o = self.key_len_and_offset().1;
                self.0[o..o + 8].copy_from_slice(&t.0.to_le_bytes());
                self
            }
            (false, None) => self,
            _ => self.rebuilt(tracked, self.key(), expire),
        }
    }

    /// The same value (and metadata) under another key.
    pub(crate) fn renamed(&self, tracked: bool, key: &[u8]) -> Self {
        self.rebuilt(tracked, key, self.expire())
    }

    fn rebuilt(&self, tracked: bool, key: &[u8], expire: Option<Millis>) -> Self {
        let value = match (self.encoding(), self.value(tracked)) {
            (_, Value::Int(i)) => NewValue::Int(i),
            (_, Value::Collection(kind)) => {
                NewValue::Object(kind, self.object(tracked).map_or(0, |(_, id)| id))
            }
            (Encoding::Raw, Value::Bytes(b)) => NewValue::Raw(b),
            (_, Value::Bytes(b)) => NewValue::Str(b),
        };
        Self::new(key, value, expire, self.access(tracked))
    }

    /// Size of the allocation in bytes.
    pub(crate) fn alloc_len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_byte_key_with_hundred_byte_value_is_one_117_byte_allocation() {
        let e = Entry::new(&[b'k'; 16], NewValue::Auto(&[b'v'; 100]), None, None);
        assert_eq!(e.alloc_len(), 117);
        assert_eq!(e.key(), &[b'k'; 16]);
        assert_eq!(e.value(false), Value::Bytes(&[b'v'; 100]));
        let t = Entry::new(
            &[b'k'; 16],
            NewValue::Auto(&[b'v'; 100]),
            None,
            Some([1, 2, 3]),
        );
        assert_eq!(t.alloc_len(), 120);
        assert_eq!(t.value(true), Value::Bytes(&[b'v'; 100]));
        assert_eq!(e.encoding(), Encoding::Raw);
    }

    #[test]
    fn canonical_integers_are_stored_as_int_and_others_as_bytes() {
        let cases: &[(&[u8], Encoding)] = &[
            (b"12345", Encoding::Int),
            (b"-9223372036854775808", Encoding::Int),
            (b"012", Encoding::Embstr),
            (b"+1", Encoding::Embstr),
            (b"-0", Encoding::Embstr),
            (b"9223372036854775808", Encoding::Embstr),
            (b"", Encoding::Embstr),
            (&[b'x'; 45], Encoding::Raw),
        ];
        for (bytes, enc) in cases {
            let e = Entry::new(b"k", NewValue::Auto(bytes), None, None);
            assert_eq!(e.encoding(), *enc, "{bytes:?}");
            match e.value(false) {
                Value::Int(i) => assert_eq!(num::format_i64(i).as_bytes(), *bytes),
                Value::Bytes(b) => assert_eq!(b, *bytes),
                Value::Collection(_) => panic!("a string became a collection"),
            }
        }
    }

    #[test]
    fn expire_and_access_fields_round_trip_and_keep_key_and_value() {
        let e = Entry::new(
            b"key",
            NewValue::Auto(b"value"),
            Some(Millis(77)),
            Some([1, 2, 3]),
        );
        assert_eq!(e.expire(), Some(Millis(77)));
        assert_eq!(e.access(true), Some([1, 2, 3]));
        assert_eq!(e.key(), b"key");
        let e = e.with_expire(true, Some(Millis(99)));
        assert_eq!(e.expire(), Some(Millis(99)));
        let e = e.with_expire(true, None);
        assert_eq!(
            (e.expire(), e.key(), e.value(true)),
            (None, &b"key"[..], Value::Bytes(b"value"))
        );
        assert_eq!(e.access(true), Some([1, 2, 3]));
        let e = e.with_expire(true, Some(Millis(5)));
        assert!(e.is_expired(Millis(5)) && !e.is_expired(Millis(4)));
    }

    #[test]
    fn overwrite_in_place_only_when_the_size_matches_and_then_equals_a_fresh_entry() {
        let mut e = Entry::new(b"key", NewValue::Auto(b"abc"), None, Some([1, 2, 3]));
        assert!(!e.overwrite(b"key", NewValue::Auto(b"abcd"), None, Some([1, 2, 3])));
        assert!(!e.overwrite(b"key", NewValue::Auto(b"abc"), Some(Millis(9)), None));
        let cases = [
            (NewValue::Auto(b"xyz"), None, Some([4, 5, 6])),
            (NewValue::Raw(b"123"), None, Some([7, 8, 9])),
            (NewValue::Auto(b"123"), None, Some([0, 0, 0])),
        ];
        for (v, exp, acc) in cases {
            let mut e = Entry::new(b"key", NewValue::Auto(b"abc"), None, Some([1, 2, 3]));
            if e.overwrite(b"key", v, exp, acc) {
                assert_eq!(e, Entry::new(b"key", v, exp, acc));
            } else {
                // "123" is stored as an 8-byte int: a different size, so no in-place rewrite.
                assert_eq!(e.value(true), Value::Bytes(b"abc"));
                assert!(matches!(v, NewValue::Auto(b"123")));
            }
        }
    }

    #[test]
    fn collection_entries_hold_kind_and_object_number() {
        let mut e = Entry::new(
            b"list",
            NewValue::Object(Kind::List, 7),
            Some(Millis(5)),
            None,
        );
        assert_eq!(e.object(false), Some((Kind::List, 7)));
        assert_eq!(e.value(false), Value::Collection(Kind::List));
        assert_eq!(e.value(false).type_name(), "list");
        e.set_object_id(false, 9);
        let r = e.renamed(false, b"other");
        assert_eq!(
            (r.key(), r.object(false), r.expire()),
            (&b"other"[..], Some((Kind::List, 9)), Some(Millis(5)))
        );
        let s = Entry::new(b"s", NewValue::Auto(b"\x01\x07\0\0\0"), None, None);
        assert_eq!(
            s.object(false),
            None,
            "string bytes never pass for a collection"
        );
    }

    #[test]
    fn key_lengths_around_the_header_limit_round_trip() {
        for len in [0, 1, 16, 30, 31, 32, 300] {
            let key = alloc::vec![b'a'; len];
            for (expire, access) in [(None, None), (Some(Millis(1)), Some([7, 8, 9]))] {
                let tracked = access.is_some();
                let mut e = Entry::new(&key, NewValue::Int(-5), expire, access);
                let header = if len < 31 { 1 } else { 5 };
                let extra = if tracked { 11 } else { 0 };
                assert_eq!(e.alloc_len(), header + len + 8 + extra, "key of {len}");
                assert_eq!(e.key(), &key[..]);
                assert_eq!(e.value(tracked), Value::Int(-5));
                assert_eq!((e.expire(), e.access(tracked)), (expire, access));
                e.set_int_in_place(tracked, 12);
                e.set_access(tracked, [1, 1, 1]);
                assert_eq!(e.value(tracked), Value::Int(12));
                assert_eq!(e.key(), &key[..]);
            }
        }
    }

    #[test]
    fn grown_strings_keep_room_and_splice_into_it() {
        for access in [None, Some([4, 5, 6])] {
            let tracked = access.is_some();
            let mut e = Entry::new(b"k", NewValue::Grown(b"abc"), Some(Millis(7)), access);
            // Header, expire, key, marker, length, 3 bytes and 3 of room, access.
            assert_eq!(
                e.alloc_len(),
                1 + 8 + 1 + 5 + 6 + if tracked { 3 } else { 0 }
            );
            assert_eq!(e.value(tracked), Value::Bytes(b"abc"));
            assert_eq!((e.encoding(), e.object(tracked)), (Encoding::Raw, None));
            assert_eq!(e.splice_in_room(tracked, 3, b"de"), Some(5));
            assert_eq!(e.splice_in_room(tracked, 0, b"A"), Some(5));
            assert_eq!(e.value(tracked), Value::Bytes(b"Abcde"));
            assert_eq!(e.splice_in_room(tracked, 5, b"fg"), None, "no room left");
            assert_eq!(e.splice_in_room(tracked, 6, b""), Some(6));
            assert_eq!(e.value(tracked), Value::Bytes(b"Abcde\0"));
            assert_eq!((e.expire(), e.access(tracked)), (Some(Millis(7)), access));
            let r = e.renamed(tracked, b"other");
            assert_eq!(r.value(tracked), Value::Bytes(b"Abcde\0"));
            assert_eq!(r.alloc_len(), 1 + 8 + 5 + 6 + if tracked { 3 } else { 0 });
        }
        let mut plain = Entry::new(b"k", NewValue::Raw(b"abc"), None, None);
        assert_eq!(plain.splice_in_room(false, 0, b"x"), None);
        assert_eq!(grown_capacity(10), 20);
        assert_eq!(grown_capacity(2 << 20), (2 << 20) + (1 << 20));
    }

    #[test]
    fn rename_keeps_encoding_value_and_expire() {
        for (v, enc) in [
            (NewValue::Raw(b"12"), Encoding::Raw),
            (NewValue::Auto(b"ab"), Encoding::Embstr),
        ] {
            let e = Entry::new(b"a", v, Some(Millis(3)), None);
            let r = e.renamed(false, b"bb");
            assert_eq!(
                (r.key(), r.encoding(), r.expire()),
                (&b"bb"[..], enc, Some(Millis(3)))
            );
            assert_eq!(r.value(false), e.value(false));
        }
    }
}
