//! Module strings (`ValkeyModuleString`): creating, retaining, freeing and reading them, with
//! the AutoMemory pool of the running command.

use core::ffi::{c_char, c_int, c_longlong};
use core::ptr::null_mut;

use super::{ERR, MString, ModuleCtx, OK, guard, mstring, with_server};

/// `ValkeyModule_CreateString` / `RedisModule_CreateString`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn create_string(
    ctx: *mut ModuleCtx,
    ptr: *const c_char,
    len: usize,
) -> *mut MString {
    guard(null_mut(), || {
        let bytes = if ptr.is_null() || len == 0 {
            &[][..]
        } else {
            // SAFETY: the module passes `len` readable bytes at `ptr`.
            unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) }
        };
        let s = MString::into_raw(bytes);
        if !ctx.is_null() {
            with_server(|_, _, scope| {
                if scope.auto {
                    scope.auto_strings.push(s);
                }
            });
        }
        s
    })
}

/// `ValkeyModule_RetainString` / `RedisModule_RetainString`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn retain_string(ctx: *mut ModuleCtx, s: *mut MString) {
    guard((), || {
        // Valkey: under AutoMemory, retaining a pooled string takes it out of the pool instead.
        if !ctx.is_null() && unpool(s) {
            return;
        }
        // SAFETY: a live string of ours.
        if let Some(s) = unsafe { mstring(s) } {
            s.refs.set(s.refs.get() + 1);
        }
    });
}

/// Takes `s` out of the AutoMemory pool; whether it was there.
pub(super) fn unpool(s: *mut MString) -> bool {
    with_server(|_, _, scope| {
        let at = scope.auto_strings.iter().position(|&p| p == s);
        at.map(|i| scope.auto_strings.swap_remove(i)).is_some()
    })
    .unwrap_or(false)
}

/// `ValkeyModule_FreeString` / `RedisModule_FreeString`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn free_string(ctx: *mut ModuleCtx, s: *mut MString) {
    guard((), || {
        if !s.is_null() {
            if !ctx.is_null() {
                unpool(s);
            }
            // SAFETY: a live string of ours; the module gives back one reference it holds.
            unsafe { MString::release(s) };
        }
    });
}

/// `ValkeyModule_StringPtrLen` / `RedisModule_StringPtrLen`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn string_ptr_len(
    s: *const MString,
    len: *mut usize,
) -> *const c_char {
    guard(core::ptr::null(), || {
        // SAFETY: a live string of ours.
        let Some(s) = (unsafe { mstring(s) }) else {
            return core::ptr::null();
        };
        if !len.is_null() {
            // SAFETY: the module passes a place for the length.
            unsafe { *len = s.as_bytes().len() };
        }
        s.bytes.as_ptr().cast()
    })
}

/// `ValkeyModule_StringToLongLong` / `RedisModule_StringToLongLong`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn string_to_long_long(
    s: *const MString,
    out: *mut c_longlong,
) -> c_int {
    guard(ERR, || {
        // SAFETY: a live string of ours.
        let Some(s) = (unsafe { mstring(s) }) else {
            return ERR;
        };
        match keyspace::num::canonical_i64(s.as_bytes()) {
            Some(v) if !out.is_null() => {
                // SAFETY: the module passes a place for the value.
                unsafe { *out = v };
                OK
            }
            _ => ERR,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::ffi::c_bytes;

    #[test]
    fn strings_are_reference_counted() {
        // SAFETY: the string functions are called as a module would, on a string we made.
        unsafe {
            let s = create_string(null_mut(), c"12x".as_ptr(), 2);
            retain_string(null_mut(), s);
            let mut len = 0;
            let p = string_ptr_len(s, &mut len);
            assert_eq!(c_bytes(p), b"12");
            assert_eq!(len, 2);
            let mut v = 0;
            assert_eq!(string_to_long_long(s, &mut v), OK);
            assert_eq!(v, 12);
            free_string(null_mut(), s);
            // One reference left: still readable.
            assert_eq!((*s).as_bytes(), b"12");
            free_string(null_mut(), s);
            let bad = create_string(null_mut(), c" 1".as_ptr(), 2);
            assert_eq!(string_to_long_long(bad, &mut v), ERR);
            free_string(null_mut(), bad);
        }
    }
}
