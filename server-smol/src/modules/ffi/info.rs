//! Module INFO sections: the callback a module registers with `RegisterInfoFunc` fills an
//! info context through `InfoAddSection`, `InfoAddField*` and `InfoBeginDictField` /
//! `InfoEndDictField`, in Valkey's format (`# <module>_<section>`, `<module>_<field>:<value>`,
//! dict fields `<module>_<name>:k=v,k=v`). INFO `everything` or `modules` asks every module,
//! `INFO <module>` or `INFO <module>_<section>` the one named.

use core::ffi::{c_char, c_double, c_int, c_longlong, c_ulonglong};
use core::fmt::Write;
use core::ptr::null_mut;

use super::{ERR, MString, OK, Scope, c_bytes, guard, in_scope, mstring};
use crate::server::Server;

/// A module's info callback: `void cb(ValkeyModuleInfoCtx *ctx, int for_crash_report)`.
pub(crate) type InfoFn = unsafe extern "C" fn(*mut InfoCtx, c_int);

/// `ValkeyModuleInfoCtx`.
pub(crate) struct InfoCtx {
    module: String,
    /// Lower-case section names asked for; `None`: every section.
    requested: Option<Vec<String>>,
    text: String,
    /// Sections written so far (a blank line goes before each one after the first).
    sections: usize,
    in_section: bool,
    in_dict: bool,
}

/// Valkey's `getSafeInfoString`: the characters that would break the format become `_`.
fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, ':' | ',' | '=' | '\r' | '\n') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// `v` as C's `%.17g` writes it.
fn g17(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let trim = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let sci = format!("{v:.16e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..17).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa.to_string()), exp.abs())
    } else {
        let decimals = usize::try_from(16 - exp).unwrap_or(0);
        trim(format!("{v:.decimals$}"))
    }
}

/// The context behind a pointer the module got from us (`None` for NULL).
fn ctx<'a>(p: *mut InfoCtx) -> Option<&'a mut InfoCtx> {
    // SAFETY: NULL or the context [`collect`] made, alive during the module's callback.
    unsafe { p.as_mut() }
}

/// `ValkeyModule_InfoAddSection`: `# <module>` or `# <module>_<name>`; ERR when that section
/// was not asked for (the module then skips its fields).
///
/// # Safety
///
/// Called only by a module through the API table, with a context we made and a C string.
pub(super) unsafe extern "C" fn add_section(c: *mut InfoCtx, name: *const c_char) -> c_int {
    guard(ERR, || {
        let Some(c) = ctx(c) else { return ERR };
        // SAFETY: NULL or a NUL-terminated name.
        let name = String::from_utf8_lossy(unsafe { c_bytes(name) }).into_owned();
        let full = if name.is_empty() {
            c.module.clone()
        } else {
            format!("{}_{name}", c.module)
        };
        if c.in_dict {
            end_dict(c);
        }
        if let Some(req) = &c.requested {
            let lower = full.to_ascii_lowercase();
            let module = c.module.to_ascii_lowercase();
            if !req.iter().any(|r| *r == lower || *r == module) {
                c.in_section = false;
                return ERR;
            }
        }
        if c.sections > 0 {
            c.text.push_str("\r\n");
        }
        c.sections += 1;
        let _ = write!(c.text, "# {full}\r\n");
        c.in_section = true;
        OK
    })
}

/// Closes a dict field: the last `,` goes, the line ends.
fn end_dict(c: &mut InfoCtx) {
    if c.text.ends_with(',') {
        c.text.pop();
    }
    c.text.push_str("\r\n");
    c.in_dict = false;
}

/// `ValkeyModule_InfoBeginDictField`: `<module>_<name>:` then the fields as `k=v,`.
///
/// # Safety
///
/// Called only by a module through the API table, with a context we made and a C string.
pub(super) unsafe extern "C" fn begin_dict(c: *mut InfoCtx, name: *const c_char) -> c_int {
    guard(ERR, || {
        let Some(c) = ctx(c).filter(|c| c.in_section) else {
            return ERR;
        };
        if c.in_dict {
            end_dict(c);
        }
        // SAFETY: NULL or a NUL-terminated name.
        let name = String::from_utf8_lossy(unsafe { c_bytes(name) }).into_owned();
        let _ = write!(c.text, "{}_{}:", safe(&c.module), safe(&name));
        c.in_dict = true;
        OK
    })
}

/// `ValkeyModule_InfoEndDictField`.
///
/// # Safety
///
/// Called only by a module through the API table, with a context we made.
pub(super) unsafe extern "C" fn end_dict_field(c: *mut InfoCtx) -> c_int {
    guard(ERR, || match ctx(c) {
        Some(c) if c.in_dict => {
            end_dict(c);
            OK
        }
        _ => ERR,
    })
}

/// Appends one field, in the section or in the open dict field.
fn field(c: *mut InfoCtx, name: *const c_char, value: &str) -> c_int {
    let Some(c) = ctx(c).filter(|c| c.in_section) else {
        return ERR;
    };
    // SAFETY: NULL or a NUL-terminated field name.
    let name = String::from_utf8_lossy(unsafe { c_bytes(name) }).into_owned();
    if c.in_dict {
        let _ = write!(c.text, "{name}={value},");
    } else {
        let _ = write!(c.text, "{}_{name}:{value}\r\n", c.module);
    }
    OK
}

/// `ValkeyModule_InfoAddFieldString`.
///
/// # Safety
///
/// Called only by a module through the API table: a context we made, a C string, a string of
/// ours.
pub(super) unsafe extern "C" fn add_string(
    c: *mut InfoCtx,
    name: *const c_char,
    value: *mut MString,
) -> c_int {
    guard(ERR, || {
        // SAFETY: NULL or a live string of ours.
        let v =
            unsafe { mstring(value) }.map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned());
        field(c, name, &v.unwrap_or_default())
    })
}

/// `ValkeyModule_InfoAddFieldCString`.
///
/// # Safety
///
/// Called only by a module through the API table: a context we made and C strings.
pub(super) unsafe extern "C" fn add_c_string(
    c: *mut InfoCtx,
    name: *const c_char,
    value: *const c_char,
) -> c_int {
    guard(ERR, || {
        // SAFETY: NULL or a NUL-terminated value.
        let v = String::from_utf8_lossy(unsafe { c_bytes(value) }).into_owned();
        field(c, name, &v)
    })
}

/// `ValkeyModule_InfoAddFieldDouble` (`%.17g`).
///
/// # Safety
///
/// Called only by a module through the API table: a context we made and a C string.
pub(super) unsafe extern "C" fn add_double(
    c: *mut InfoCtx,
    name: *const c_char,
    value: c_double,
) -> c_int {
    guard(ERR, || field(c, name, &g17(value)))
}

/// `ValkeyModule_InfoAddFieldLongLong`.
///
/// # Safety
///
/// Called only by a module through the API table: a context we made and a C string.
pub(super) unsafe extern "C" fn add_long_long(
    c: *mut InfoCtx,
    name: *const c_char,
    value: c_longlong,
) -> c_int {
    guard(ERR, || field(c, name, &value.to_string()))
}

/// `ValkeyModule_InfoAddFieldULongLong`.
///
/// # Safety
///
/// Called only by a module through the API table: a context we made and a C string.
pub(super) unsafe extern "C" fn add_u_long_long(
    c: *mut InfoCtx,
    name: *const c_char,
    value: c_ulonglong,
) -> c_int {
    guard(ERR, || field(c, name, &value.to_string()))
}

/// The INFO text of the modules' callbacks `(module name, callback)`, in that order;
/// `requested` limits it to those sections (lower case); `before` sections were written
/// already (so the first one here gets a blank line before it).
pub(crate) fn collect(
    server: &mut Server,
    callbacks: &[(String, InfoFn)],
    requested: Option<Vec<String>>,
    before: usize,
) -> String {
    let mut c = InfoCtx {
        module: String::new(),
        requested,
        text: String::new(),
        sections: before,
        in_section: false,
        in_dict: false,
    };
    let mut scope = Scope::new(server, null_mut(), 0, crate::clock::unix_millis(), "info");
    for (module, cb) in callbacks {
        c.module.clone_from(module);
        c.in_section = false;
        in_scope(&mut scope, || {
            // SAFETY: the module's own info callback, with a context that outlives the call;
            // not a crash report.
            unsafe { cb(&mut c, 0) };
        });
        if c.in_dict {
            end_dict(&mut c);
        }
    }
    c.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_percent_17g() {
        assert_eq!(g17(0.1), "0.10000000000000001");
        assert_eq!(g17(1.5), "1.5");
        assert_eq!(g17(100.0), "100");
        assert_eq!(g17(1e20), "1e+20");
        assert_eq!(g17(1.25e-7), "1.2499999999999999e-07");
        assert_eq!(g17(-2.0), "-2");
        assert_eq!(g17(f64::INFINITY), "inf");
    }

    #[test]
    fn names_lose_the_characters_that_break_the_format() {
        assert_eq!(safe("a:b,c=d"), "a_b_c_d");
    }
}
