//! The reply functions: each writes through the server's reply path (the connection's
//! protocol, RESP2 or RESP3) while a command runs, and is a no-op otherwise, as in Valkey.

use core::ffi::{c_char, c_int, c_long, c_longlong};

use keyspace::ReplySink;

use super::{ERR, MString, ModuleCtx, OK, c_bytes, guard, mstring, with_server};

/// Writes a reply with `f` when a command is running; OK either way (Valkey ignores replies
/// from contexts without a client).
pub(super) fn reply(f: impl FnOnce(&mut crate::reply::Reply, &mut super::Scope)) -> c_int {
    with_server(|_, out, scope| {
        if let Some(out) = out {
            f(out, scope);
        }
    });
    OK
}

/// `ValkeyModule_ReplyWithSimpleString` / `RedisModule_ReplyWithSimpleString`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_simple(_ctx: *mut ModuleCtx, msg: *const c_char) -> c_int {
    guard(ERR, || {
        // SAFETY: a NUL-terminated message.
        let msg = unsafe { c_bytes(msg) };
        let text = String::from_utf8_lossy(msg).replace(['\r', '\n'], " ");
        reply(|out, _| out.simple(&text))
    })
}

/// `ValkeyModule_ReplyWithError` / `RedisModule_ReplyWithError`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_error(_ctx: *mut ModuleCtx, err: *const c_char) -> c_int {
    guard(ERR, || {
        // SAFETY: a NUL-terminated message.
        let err = unsafe { c_bytes(err) };
        // Valkey writes `-<err>` as given (no `ERR ` prefix added).
        reply(|out, _| out.error_bytes(err))
    })
}

/// `ValkeyModule_ReplyWithLongLong` / `RedisModule_ReplyWithLongLong`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_long_long(_ctx: *mut ModuleCtx, v: c_longlong) -> c_int {
    guard(ERR, || reply(|out, _| out.integer(v)))
}

/// `ValkeyModule_ReplyWithArray` / `RedisModule_ReplyWithArray`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_array(_ctx: *mut ModuleCtx, len: c_long) -> c_int {
    guard(ERR, || match usize::try_from(len) {
        Ok(n) => reply(|out, _| out.array(n)),
        // VALKEYMODULE_POSTPONED_LEN needs ReplySetArrayLength, which we do not offer.
        Err(_) => ERR,
    })
}

/// `ValkeyModule_ReplyWithStringBuffer` / `RedisModule_ReplyWithStringBuffer`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_buffer(
    _ctx: *mut ModuleCtx,
    buf: *const c_char,
    len: usize,
) -> c_int {
    guard(ERR, || {
        let bytes = if buf.is_null() || len == 0 {
            &[][..]
        } else {
            // SAFETY: the module passes `len` readable bytes.
            unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) }
        };
        reply(|out, _| out.bulk(bytes))
    })
}

/// `ValkeyModule_ReplyWithString` / `RedisModule_ReplyWithString`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_string(_ctx: *mut ModuleCtx, s: *const MString) -> c_int {
    guard(ERR, || {
        // SAFETY: a live string of ours.
        let Some(s) = (unsafe { mstring(s) }) else {
            return ERR;
        };
        reply(|out, _| out.bulk(s.as_bytes()))
    })
}

/// `ValkeyModule_ReplyWithNull` / `RedisModule_ReplyWithNull`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn reply_null(_ctx: *mut ModuleCtx) -> c_int {
    guard(ERR, || reply(|out, _| out.null()))
}

/// The `len` bytes at `p` (empty for NULL or 0).
///
/// # Safety
///
/// `p` is NULL or valid for `len` bytes for the call.
pub(super) unsafe fn buffer<'a>(p: *const c_char, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: per the contract.
    unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len) }
}

/// `ValkeyModule_ReplyWithNullArray` / `RedisModule_ReplyWithNullArray`.
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_null_array(_ctx: *mut ModuleCtx) -> c_int {
    guard(ERR, || reply(|out, _| out.null_array()))
}

/// `ValkeyModule_ReplyWithEmptyArray` / `RedisModule_ReplyWithEmptyArray`.
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_empty_array(_ctx: *mut ModuleCtx) -> c_int {
    guard(ERR, || reply(|out, _| out.array(0)))
}

/// `ValkeyModule_ReplyWithEmptyString` / `RedisModule_ReplyWithEmptyString`.
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_empty_string(_ctx: *mut ModuleCtx) -> c_int {
    guard(ERR, || reply(|out, _| out.bulk(b"")))
}

/// `ValkeyModule_ReplyWithCString` / `RedisModule_ReplyWithCString`: a bulk string.
///
/// # Safety
///
/// `s` is NULL or NUL-terminated.
pub(super) unsafe extern "C" fn reply_c_string(_ctx: *mut ModuleCtx, s: *const c_char) -> c_int {
    guard(ERR, || {
        // SAFETY: per the contract.
        let s = unsafe { c_bytes(s) };
        reply(|out, _| out.bulk(s))
    })
}

/// `ValkeyModule_ReplyWithMap` / `RedisModule_ReplyWithMap` (a flat array in RESP2).
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_map(_ctx: *mut ModuleCtx, len: c_long) -> c_int {
    guard(ERR, || match usize::try_from(len) {
        Ok(n) => reply(|out, _| out.map(n)),
        Err(_) => ERR,
    })
}

/// `ValkeyModule_ReplyWithSet` / `RedisModule_ReplyWithSet` (an array in RESP2).
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_set(_ctx: *mut ModuleCtx, len: c_long) -> c_int {
    guard(ERR, || match usize::try_from(len) {
        Ok(n) => reply(|out, _| out.set(n)),
        Err(_) => ERR,
    })
}

/// `ValkeyModule_ReplyWithBool` / `RedisModule_ReplyWithBool` (`:1`/`:0` in RESP2).
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_bool(_ctx: *mut ModuleCtx, b: c_int) -> c_int {
    guard(ERR, || reply(|out, _| out.boolean(b != 0)))
}

/// `ValkeyModule_ReplyWithDouble` / `RedisModule_ReplyWithDouble` (a bulk string in RESP2).
///
/// # Safety
///
/// Any arguments: the context is not read.
pub(super) unsafe extern "C" fn reply_double(_ctx: *mut ModuleCtx, d: f64) -> c_int {
    guard(ERR, || reply(|out, _| out.double(d)))
}

/// `ValkeyModule_ReplyWithBigNumber` / `RedisModule_ReplyWithBigNumber`.
///
/// # Safety
///
/// `p` is NULL or valid for `len` bytes.
pub(super) unsafe extern "C" fn reply_big_number(
    _ctx: *mut ModuleCtx,
    p: *const c_char,
    len: usize,
) -> c_int {
    guard(ERR, || {
        // SAFETY: per the contract.
        let digits = unsafe { buffer(p, len) };
        reply(|out, _| out.big_number(digits))
    })
}

/// `ValkeyModule_ReplyWithVerbatimString` / `RedisModule_ReplyWithVerbatimString` (`txt`).
///
/// # Safety
///
/// `p` is NULL or valid for `len` bytes.
pub(super) unsafe extern "C" fn reply_verbatim(
    _ctx: *mut ModuleCtx,
    p: *const c_char,
    len: usize,
) -> c_int {
    guard(ERR, || {
        // SAFETY: per the contract.
        let text = unsafe { buffer(p, len) };
        reply(|out, _| out.verbatim(b"txt", text))
    })
}

/// `ValkeyModule_ReplyWithVerbatimStringType` / `RedisModule_ReplyWithVerbatimStringType`.
///
/// # Safety
///
/// `p` is NULL or valid for `len` bytes; `ext` is NULL or points at 3 readable bytes.
pub(super) unsafe extern "C" fn reply_verbatim_type(
    _ctx: *mut ModuleCtx,
    p: *const c_char,
    len: usize,
    ext: *const c_char,
) -> c_int {
    guard(ERR, || {
        // SAFETY: per the contract.
        let (text, ext) = unsafe { (buffer(p, len), buffer(ext, 3)) };
        let Ok(format) = <[u8; 3]>::try_from(ext) else {
            return ERR;
        };
        reply(|out, _| out.verbatim(&format, text))
    })
}

/// `ValkeyModule_WrongArity` / `RedisModule_WrongArity`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn wrong_arity(_ctx: *mut ModuleCtx) -> c_int {
    guard(ERR, || {
        reply(|out, scope| {
            out.error(&keyspace::Error::WrongArity {
                command: scope.command,
            });
        })
    })
}

/// `ValkeyModule_IsKeysPositionRequest` / `RedisModule_IsKeysPositionRequest`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn is_keys_position_request(_ctx: *mut ModuleCtx) -> c_int {
    // COMMAND GETKEYS does not call module commands for their keys: never a keys request.
    0
}
