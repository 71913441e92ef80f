//! One key and its value in one heap allocation.
//!
//! ```text
//! [flags: u8][key length: u8, or 255 + u32 LE][expire: u64 LE]?[access: 3 bytes]?[key][value]
//! ```
//!
//! * `flags` bit 0: an expire time follows; bits 1-2: the encoding (raw, embstr, int, or a
//!   collection: then the value is its kind byte and the `u32` number of its object in the
//!   database's object store, which owns it);
//!   bit 3: a 3-byte LRU/LFU field follows (maxmemory eviction); bits 4-7 are free.
//! * An `int` value is an `i64` in 8 bytes, used only when the string is the canonical decimal
//!   form of that integer, so reading it back gives the exact bytes that were written.
//!
//! A 16-byte key with a 100-byte value is one 118-byte allocation plus its 16-byte slot.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::num;
use crate::time::Millis;

const F_EXPIRE: u8 = 1;
const ENC_SHIFT: u8 = 1;
const ENC_MASK: u8 = 0b110;
/// The encoding bits of an entry whose value is a collection.
const ENC_OBJECT: u8 = 3 << ENC_SHIFT;
const F_ACCESS: u8 = 8;
const LONG_KEY: u8 = 255;

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
            NewValue::Raw(b) => (Encoding::Raw, b, None),
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
        let enc = if object[0] != 0 {
            ENC_OBJECT
        } else {
            enc.bits()
        };
        let value_len = if int.is_some() {
            8
        } else if object[0] != 0 {
            5
        } else {
            bytes.len()
        };
        let total = 1
            + klen_len(key.len())
            + if expire { 8 } else { 0 }
            + if access { 3 } else { 0 }
            + key.len()
            + value_len;
        Self {
            enc,
            bytes,
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
        let mut flags = self.enc;
        if expire.is_some() {
            flags |= F_EXPIRE;
        }
        if access.is_some() {
            flags |= F_ACCESS;
        }
        if key.len() < usize::from(LONG_KEY) {
            out.put(&[flags, key.len() as u8]);
        } else {
            out.put(&[flags, LONG_KEY]);
            out.put(&(key.len() as u32).to_le_bytes());
        }
        if let Some(t) = expire {
            out.put(&t.0.to_le_bytes());
        }
        if let Some(a) = access {
            out.put(&a);
        }
        out.put(key);
        match self.int {
            Some(i) => out.put(&i.to_le_bytes()),
            None if self.object[0] != 0 => out.put(&self.object),
            None => out.put(self.bytes),
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

/// Bytes the key length takes: one, or a 255 marker and a `u32`.
#[inline]
const fn klen_len(len: usize) -> usize {
    if len < LONG_KEY as usize { 1 } else { 5 }
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
    fn flags(&self) -> u8 {
        self.0[0]
    }

    #[inline]
    fn key_len_and_offset(&self) -> (usize, usize) {
        let b = self.0[1];
        if b == LONG_KEY {
            let mut n = [0u8; 4];
            n.copy_from_slice(&self.0[2..6]);
            (u32::from_le_bytes(n) as usize, 6)
        } else {
            (usize::from(b), 2)
        }
    }

    /// Offset of the expire field (if present) and of the access field after it.
    #[inline]
    fn meta_offset(&self) -> usize {
        self.key_len_and_offset().1
    }

    #[inline]
    fn key_offset(&self) -> usize {
        let f = self.flags();
        self.meta_offset()
            + if f & F_EXPIRE != 0 { 8 } else { 0 }
            + if f & F_ACCESS != 0 { 3 } else { 0 }
    }

    /// The key bytes.
    #[inline]
    pub(crate) fn key(&self) -> &[u8] {
        let (len, _) = self.key_len_and_offset();
        let off = self.key_offset();
        &self.0[off..off + len]
    }

    /// The string encoding (`Raw` for a collection, whose encoding its object knows).
    pub(crate) fn encoding(&self) -> Encoding {
        match (self.flags() & ENC_MASK) >> ENC_SHIFT {
            1 => Encoding::Embstr,
            2 => Encoding::Int,
            _ => Encoding::Raw,
        }
    }

    /// The kind and object number, if the value is a collection.
    #[inline]
    pub(crate) fn object(&self) -> Option<(Kind, u32)> {
        if self.flags() & ENC_MASK != ENC_OBJECT {
            return None;
        }
        let (len, _) = self.key_len_and_offset();
        let rest = &self.0[self.key_offset() + len..];
        let mut id = [0u8; 4];
        id.copy_from_slice(&rest[1..5]);
        Some((Kind::from_byte(rest[0])?, u32::from_le_bytes(id)))
    }

    /// Points a collection entry at another object number (the object moved stores).
    pub(crate) fn set_object_id(&mut self, id: u32) {
        debug_assert!(self.object().is_some());
        let end = self.0.len();
        self.0[end - 4..].copy_from_slice(&id.to_le_bytes());
    }

    /// The value.
    #[inline]
    pub(crate) fn value(&self) -> Value<'_> {
        let (len, _) = self.key_len_and_offset();
        let rest = &self.0[self.key_offset() + len..];
        match (self.flags() & ENC_MASK) >> ENC_SHIFT {
            2 => {
                let mut n = [0u8; 8];
                n.copy_from_slice(rest);
                Value::Int(i64::from_le_bytes(n))
            }
            3 => match self.object() {
                Some((kind, _)) => Value::Collection(kind),
                None => Value::Bytes(rest),
            },
            _ => Value::Bytes(rest),
        }
    }

    /// Overwrites an `int` value in place (no allocation). The entry must be int-encoded.
    pub(crate) fn set_int_in_place(&mut self, i: i64) {
        debug_assert_eq!(self.encoding(), Encoding::Int);
        let end = self.0.len();
        self.0[end - 8..].copy_from_slice(&i.to_le_bytes());
    }

    /// The absolute expire time, if the key has one.
    #[inline]
    pub(crate) fn expire(&self) -> Option<Millis> {
        if self.flags() & F_EXPIRE == 0 {
            return None;
        }
        let o = self.meta_offset();
        let mut n = [0u8; 8];
        n.copy_from_slice(&self.0[o..o + 8]);
        Some(Millis(u64::from_le_bytes(n)))
    }

    /// Whether the key has an expire time at or before `now`.
    #[inline]
    pub(crate) fn is_expired(&self, now: Millis) -> bool {
        self.expire().is_some_and(|t| t <= now)
    }

    /// The LRU/LFU field, if the entry has one.
    pub(crate) fn access(&self) -> Option<[u8; 3]> {
        if self.flags() & F_ACCESS == 0 {
            return None;
        }
        let o = self.meta_offset() + if self.flags() & F_EXPIRE != 0 { 8 } else { 0 };
        let mut a = [0u8; 3];
        a.copy_from_slice(&self.0[o..o + 3]);
        Some(a)
    }

    /// Writes the LRU/LFU field in place, if the entry has one.
    pub(crate) fn set_access(&mut self, a: [u8; 3]) {
        if self.flags() & F_ACCESS != 0 {
            let o = self.meta_offset() + if self.flags() & F_EXPIRE != 0 { 8 } else { 0 };
            self.0[o..o + 3].copy_from_slice(&a);
        }
    }

    /// The same key and value with a different expire time (in place when the field exists).
    pub(crate) fn with_expire(mut self, expire: Option<Millis>) -> Self {
        match (self.expire().is_some(), expire) {
            (true, Some(t)) => {
                let o = self.meta_offset();
                self.0[o..o + 8].copy_from_slice(&t.0.to_le_bytes());
                self
            }
            (false, None) => self,
            _ => self.rebuilt(self.key(), expire),
        }
    }

    /// The same value (and metadata) under another key.
    pub(crate) fn renamed(&self, key: &[u8]) -> Self {
        self.rebuilt(key, self.expire())
    }

    fn rebuilt(&self, key: &[u8], expire: Option<Millis>) -> Self {
        let value = match (self.encoding(), self.value()) {
            (_, Value::Int(i)) => NewValue::Int(i),
            (_, Value::Collection(kind)) => {
                NewValue::Object(kind, self.object().map_or(0, |(_, id)| id))
            }
            (Encoding::Raw, Value::Bytes(b)) => NewValue::Raw(b),
            (_, Value::Bytes(b)) => NewValue::Str(b),
        };
        Self::new(key, value, expire, self.access())
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
    fn sixteen_byte_key_with_hundred_byte_value_is_one_118_byte_allocation() {
        let e = Entry::new(&[b'k'; 16], NewValue::Auto(&[b'v'; 100]), None, None);
        assert_eq!(e.alloc_len(), 118);
        assert_eq!(e.key(), &[b'k'; 16]);
        assert_eq!(e.value(), Value::Bytes(&[b'v'; 100]));
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
            match e.value() {
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
        assert_eq!(e.access(), Some([1, 2, 3]));
        assert_eq!(e.key(), b"key");
        let e = e.with_expire(Some(Millis(99)));
        assert_eq!(e.expire(), Some(Millis(99)));
        let e = e.with_expire(None);
        assert_eq!(
            (e.expire(), e.key(), e.value()),
            (None, &b"key"[..], Value::Bytes(b"value"))
        );
        assert_eq!(e.access(), Some([1, 2, 3]));
        let e = e.with_expire(Some(Millis(5)));
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
                assert_eq!(e.value(), Value::Bytes(b"abc"));
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
        assert_eq!(e.object(), Some((Kind::List, 7)));
        assert_eq!(e.value(), Value::Collection(Kind::List));
        assert_eq!(e.value().type_name(), "list");
        e.set_object_id(9);
        let r = e.renamed(b"other");
        assert_eq!(
            (r.key(), r.object(), r.expire()),
            (&b"other"[..], Some((Kind::List, 9)), Some(Millis(5)))
        );
        let s = Entry::new(b"s", NewValue::Auto(b"\x01\x07\0\0\0"), None, None);
        assert_eq!(s.object(), None, "string bytes never pass for a collection");
    }

    #[test]
    fn long_keys_use_the_wide_length_field() {
        let key = [b'a'; 300];
        let e = Entry::new(&key, NewValue::Int(-5), Some(Millis(1)), None);
        assert_eq!(e.key(), &key[..]);
        assert_eq!(e.value(), Value::Int(-5));
    }

    #[test]
    fn rename_keeps_encoding_value_and_expire() {
        for (v, enc) in [
            (NewValue::Raw(b"12"), Encoding::Raw),
            (NewValue::Auto(b"ab"), Encoding::Embstr),
        ] {
            let e = Entry::new(b"a", v, Some(Millis(3)), None);
            let r = e.renamed(b"bb");
            assert_eq!(
                (r.key(), r.encoding(), r.expire()),
                (&b"bb"[..], enc, Some(Millis(3)))
            );
            assert_eq!(r.value(), e.value());
        }
    }
}
