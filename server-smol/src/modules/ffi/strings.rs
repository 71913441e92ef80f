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
        new_string(ctx, bytes)
    })
}

/// A new string holding `bytes`, put in the AutoMemory pool when `ctx` asked for it.
fn new_string(ctx: *mut ModuleCtx, bytes: &[u8]) -> *mut MString {
    let s = MString::into_raw(bytes);
    if !ctx.is_null() {
        with_server(|_, _, scope| {
            if scope.auto {
                scope.auto_strings.push(s);
            }
        });
    }
    s
}

/// `ValkeyModule_CreateStringFromLongLong` / `RedisModule_CreateStringFromLongLong`.
///
/// # Safety
///
/// `ctx` is NULL or a context this host made.
pub(super) unsafe extern "C" fn create_string_from_long_long(
    ctx: *mut ModuleCtx,
    v: c_longlong,
) -> *mut MString {
    guard(null_mut(), || {
        new_string(ctx, keyspace::num::format_i64(v).as_bytes())
    })
}

/// `ValkeyModule_CreateStringFromString` / `RedisModule_CreateStringFromString`: a copy.
///
/// # Safety
///
/// `ctx` is NULL or a context this host made; `s` is NULL or a live string of ours.
pub(super) unsafe extern "C" fn create_string_from_string(
    ctx: *mut ModuleCtx,
    s: *const MString,
) -> *mut MString {
    guard(null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { mstring(s) } {
            Some(s) => new_string(ctx, s.as_bytes()),
            None => null_mut(),
        }
    })
}

/// Valkey's `string2d`: the whole text is one number (no leading space, no trailing bytes),
/// not NaN, and not out of range (`strtod` reporting ERANGE: overflow to infinity or
/// underflow to zero). Infinity written as such is accepted.
fn parse_double(text: &[u8]) -> Option<f64> {
    let s = core::str::from_utf8(text).ok()?;
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    let unsigned = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    let written_infinite = unsigned == "inf" || unsigned == "infinity";
    let mantissa = unsigned.split('e').next().unwrap_or("");
    let nonzero_digits = mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let overflow = v.is_infinite() && !written_infinite;
    let underflow = v == 0.0 && nonzero_digits;
    (!v.is_nan() && !overflow && !underflow).then_some(v)
}

/// `ValkeyModule_StringToDouble` / `RedisModule_StringToDouble`.
///
/// # Safety
///
/// `s` is NULL or a live string of ours; `out` is NULL or a place for the value.
pub(super) unsafe extern "C" fn string_to_double(s: *const MString, out: *mut f64) -> c_int {
    guard(ERR, || {
        // SAFETY: per the contract.
        let Some(s) = (unsafe { mstring(s) }) else {
            return ERR;
        };
        match parse_double(s.as_bytes()) {
            Some(v) if !out.is_null() => {
                // SAFETY: per the contract.
                unsafe { *out = v };
                OK
            }
            _ => ERR,
        }
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

    #[test]
    fn doubles_parse_as_valkeys_string2d() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1.5", Some(1.5)),
            ("-2e3", Some(-2000.0)),
            ("inf", Some(f64::INFINITY)),
            ("-Infinity", Some(f64::NEG_INFINITY)),
            ("0", Some(0.0)),
            ("0.000", Some(0.0)),
            ("", None),
            (" 1", None),
            ("1 ", None),
            ("nan", None),
            ("1e400", None),
            ("1e-400", None),
            ("abc", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_double(text.as_bytes()), *want, "{text:?}");
        }
    }
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
