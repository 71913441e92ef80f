//! Key handles: `OpenKey` and the string functions on the real keyspace.
//!
//! A handle keeps the key's name and, once `StringDMA`/`StringTruncate` asked for it, a private
//! copy of the string the module reads and writes in place. The copy is written back to the
//! keyspace (one `set` change event, so GET, tracking and WATCH see it) when the handle closes.
//! `StringSet` and `DeleteKey` go to the keyspace at once.

use core::ffi::{c_char, c_int};
use core::ptr::null_mut;

use keyspace::Value;

use super::{ERR, MString, ModuleCtx, OK, guard, mstring, with_server};
use crate::server::Server;

/// `VALKEYMODULE_WRITE`.
pub(super) const WRITE: c_int = 2;
/// `VALKEYMODULE_KEYTYPE_EMPTY`.
const KEYTYPE_EMPTY: c_int = 0;
/// `VALKEYMODULE_KEYTYPE_STRING`.
const KEYTYPE_STRING: c_int = 1;

/// `ValkeyModuleKey`.
pub(crate) struct Key {
    pub(super) db: usize,
    pub(super) name: Vec<u8>,
    pub(super) mode: c_int,
    /// The string being read or written in place (DMA), if loaded.
    pub(super) buf: Option<Vec<u8>>,
    /// `buf` changed and must be written back.
    pub(super) dirty: bool,
}

/// What a key holds.
enum Found {
    /// No such key (or it expired).
    Missing,
    /// A string, as bytes.
    String(Vec<u8>),
    /// Another type, by its TYPE name.
    Other(&'static str),
}

/// Looks `key` up in the keyspace.
fn lookup(server: &mut Server, db: usize, name: &[u8], now: keyspace::Millis) -> Found {
    let s = &mut *server;
    match s.keyspace.get(db, name, now, &mut s.changes) {
        None => Found::Missing,
        Some(Value::Bytes(b)) => Found::String(b.to_vec()),
        Some(Value::Int(i)) => Found::String(keyspace::num::format_i64(i).as_bytes().to_vec()),
        Some(other) => Found::Other(other.type_name()),
    }
}

/// The current string value of `key`: `Err(())` when it holds another type.
fn read(
    server: &mut Server,
    db: usize,
    name: &[u8],
    now: keyspace::Millis,
) -> Result<Option<Vec<u8>>, ()> {
    match lookup(server, db, name, now) {
        Found::Missing => Ok(None),
        Found::String(v) => Ok(Some(v)),
        Found::Other(_) => Err(()),
    }
}

/// `VALKEYMODULE_KEYTYPE_*` for a TYPE name.
fn key_type_code(type_name: &str) -> c_int {
    match type_name {
        "string" => KEYTYPE_STRING,
        "list" => 2,
        "hash" => 3,
        "set" => 4,
        "zset" => 5,
        "stream" => 7,
        // Anything else is a module value.
        _ => 6,
    }
}

/// Runs `f` on the handle `key` and the server; `fallback` without a server call in progress.
pub(super) fn with_key<R>(
    key: *mut Key,
    fallback: R,
    f: impl FnOnce(&mut Key, &mut Server, keyspace::Millis) -> R,
) -> R {
    // SAFETY: `key` is NULL or a handle `open_key` made and the module has not closed.
    let Some(k) = (unsafe { key.as_mut() }) else {
        return fallback;
    };
    with_server(|server, _, scope| f(k, server, scope.now)).unwrap_or(fallback)
}

/// Writes a dirty DMA copy back to the keyspace, keeping the key's TTL as Valkey's in-place
/// StringDMA/StringTruncate do.
fn flush(k: &mut Key, server: &mut Server, now: keyspace::Millis) {
    if k.dirty {
        if let Some(buf) = &k.buf {
            let s = &mut *server;
            s.keyspace
                .set_keep_ttl(k.db, &k.name, buf, now, &mut s.changes);
        }
        k.dirty = false;
    }
}

/// `ValkeyModule_OpenKey` / `RedisModule_OpenKey`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn open_key(
    _ctx: *mut ModuleCtx,
    name: *mut MString,
    mode: c_int,
) -> *mut Key {
    guard(null_mut(), || {
        // SAFETY: a live string of ours.
        let Some(name) = (unsafe { mstring(name) }) else {
            return null_mut();
        };
        let name = name.as_bytes().to_vec();
        with_server(|server, _, scope| {
            let exists = !matches!(lookup(server, scope.db, &name, scope.now), Found::Missing);
            // Valkey: a missing key opened without WRITE gives NULL.
            if !exists && mode & WRITE == 0 {
                return null_mut();
            }
            let key = Box::into_raw(Box::new(Key {
                db: scope.db,
                name,
                mode,
                buf: None,
                dirty: false,
            }));
            if scope.auto {
                scope.auto_keys.push(key);
            }
            key
        })
        .unwrap_or(null_mut())
    })
}

/// `ValkeyModule_CloseKey` / `RedisModule_CloseKey`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn close_key(key: *mut Key) {
    guard((), || {
        if key.is_null() {
            return;
        }
        with_key(key, (), flush);
        with_server(|_, _, scope| scope.auto_keys.retain(|&k| k != key));
        // SAFETY: `key` came from `open_key`'s `Box::into_raw`; the module gives it back.
        drop(unsafe { Box::from_raw(key) });
    });
}

/// `ValkeyModule_KeyType` / `RedisModule_KeyType`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn key_type(key: *mut Key) -> c_int {
    guard(KEYTYPE_EMPTY, || {
        with_key(key, KEYTYPE_EMPTY, |k, server, now| {
            if k.buf.is_some() {
                return KEYTYPE_STRING;
            }
            match lookup(server, k.db, &k.name, now) {
                Found::Missing => KEYTYPE_EMPTY,
                Found::String(_) => KEYTYPE_STRING,
                Found::Other(t) => key_type_code(t),
            }
        })
    })
}

/// `ValkeyModule_StringDMA` / `RedisModule_StringDMA`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn string_dma(
    key: *mut Key,
    len: *mut usize,
    mode: c_int,
) -> *mut c_char {
    guard(null_mut(), || {
        with_key(key, null_mut(), |k, server, now| {
            if mode & WRITE != 0 && k.mode & WRITE == 0 {
                return null_mut();
            }
            if k.buf.is_none() {
                match read(server, k.db, &k.name, now) {
                    Ok(Some(v)) => k.buf = Some(v),
                    // Valkey: DMA in write mode on an empty key creates an empty string.
                    Ok(None) if mode & WRITE != 0 => {
                        k.buf = Some(Vec::new());
                        k.dirty = true;
                    }
                    // Missing for reading, or not a string: NULL.
                    Ok(None) | Err(()) => return null_mut(),
                }
            }
            if mode & WRITE != 0 {
                k.dirty = true;
            }
            let buf = k.buf.get_or_insert_with(Vec::new);
            if !len.is_null() {
                // SAFETY: the module passes a place for the length.
                unsafe { *len = buf.len() };
            }
            // Never a dangling pointer for an empty string: reserve one byte.
            buf.reserve(1);
            buf.as_mut_ptr().cast()
        })
    })
}

/// `ValkeyModule_StringTruncate` / `RedisModule_StringTruncate`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn string_truncate(key: *mut Key, newlen: usize) -> c_int {
    guard(ERR, || {
        with_key(key, ERR, |k, server, now| {
            if k.mode & WRITE == 0 {
                return ERR;
            }
            if k.buf.is_none() {
                match read(server, k.db, &k.name, now) {
                    Ok(Some(v)) => k.buf = Some(v),
                    // Valkey: truncating an empty key to 0 creates nothing.
                    Ok(None) if newlen == 0 => return OK,
                    Ok(None) => k.buf = Some(Vec::new()),
                    // Not a string.
                    Err(()) => return ERR,
                }
            }
            if let Some(buf) = &mut k.buf {
                buf.resize(newlen, 0);
            }
            k.dirty = true;
            OK
        })
    })
}

/// `ValkeyModule_StringSet` / `RedisModule_StringSet`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn string_set(key: *mut Key, value: *mut MString) -> c_int {
    guard(ERR, || {
        // SAFETY: a live string of ours.
        let Some(value) = (unsafe { mstring(value) }) else {
            return ERR;
        };
        with_key(key, ERR, |k, server, now| {
            if k.mode & WRITE == 0 {
                return ERR;
            }
            let s = &mut *server;
            s.keyspace
                .set(k.db, &k.name, value.as_bytes(), now, &mut s.changes);
            k.buf = None;
            k.dirty = false;
            OK
        })
    })
}

/// `ValkeyModule_DeleteKey` / `RedisModule_DeleteKey`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn delete_key(key: *mut Key) -> c_int {
    guard(ERR, || {
        with_key(key, ERR, |k, server, now| {
            if k.mode & WRITE == 0 {
                return ERR;
            }
            let s = &mut *server;
            s.keyspace.del(k.db, &k.name, now, &mut s.changes);
            k.buf = None;
            k.dirty = false;
            OK
        })
    })
}

/// `ValkeyModule_ValueLength` / `RedisModule_ValueLength`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn value_length(key: *mut Key) -> usize {
    guard(0, || {
        with_key(key, 0, |k, server, now| {
            if let Some(b) = &k.buf {
                return b.len();
            }
            // Valkey: the string's length, a collection's number of elements, 0 otherwise.
            let count: &[u8] = match lookup(server, k.db, &k.name, now) {
                Found::Missing => return 0,
                Found::String(v) => return v.len(),
                Found::Other("list") => b"LLEN",
                Found::Other("hash") => b"HLEN",
                Found::Other("set") => b"SCARD",
                Found::Other("zset") => b"ZCARD",
                Found::Other(_) => return 0,
            };
            let mut out = keyspace::Recorded::new();
            crate::dispatch::call_data(server, k.db, now, &[count, &k.name], &mut out);
            match out.first() {
                Some(&keyspace::Item::Integer(n)) => usize::try_from(n).unwrap_or(0),
                _ => 0,
            }
        })
    })
}
