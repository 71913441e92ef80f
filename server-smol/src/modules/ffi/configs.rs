//! Module configurations: `Register{String,Bool,Numeric,Enum}Config` during `OnLoad`, then
//! `LoadConfigs` gives each its value from the config file or MODULE LOADEX (or its default).
//! Afterwards CONFIG GET/SET/REWRITE reach them as `<module>.<name>` ([`get`], [`set`]).
//! Values are checked here as Valkey's config machinery checks them (bool, numeric range and
//! memory units, enum names and bit flags) before the module's setter sees them.

use core::ffi::{c_char, c_int, c_longlong, c_uint, c_void};
use core::ptr::null_mut;
use std::ffi::CString;

use super::{ERR, MString, ModuleCtx, OK, Scope, c_bytes, guard, in_scope, mstring, with_server};
use crate::server::Server;

/// `VALKEYMODULE_CONFIG_IMMUTABLE`.
const IMMUTABLE: c_uint = 1 << 0;
/// `VALKEYMODULE_CONFIG_HIDDEN`.
const HIDDEN: c_uint = 1 << 4;
/// `VALKEYMODULE_CONFIG_MEMORY`.
const MEMORY: c_uint = 1 << 7;
/// `VALKEYMODULE_CONFIG_BITFLAGS`.
const BITFLAGS: c_uint = 1 << 8;

type GetStringFn = unsafe extern "C" fn(*const c_char, *mut c_void) -> *mut MString;
type SetStringFn =
    unsafe extern "C" fn(*const c_char, *mut MString, *mut c_void, *mut *mut MString) -> c_int;
type GetNumericFn = unsafe extern "C" fn(*const c_char, *mut c_void) -> c_longlong;
type SetNumericFn =
    unsafe extern "C" fn(*const c_char, c_longlong, *mut c_void, *mut *mut MString) -> c_int;
type GetIntFn = unsafe extern "C" fn(*const c_char, *mut c_void) -> c_int;
type SetIntFn = unsafe extern "C" fn(*const c_char, c_int, *mut c_void, *mut *mut MString) -> c_int;
type ApplyFn = unsafe extern "C" fn(*mut ModuleCtx, *mut c_void, *mut *mut MString) -> c_int;

/// What kind of value, with its callbacks.
enum Kind {
    String(GetStringFn, SetStringFn),
    Bool(GetIntFn, SetIntFn),
    Numeric(GetNumericFn, SetNumericFn, i64, i64),
    Enum(GetIntFn, SetIntFn, Vec<(Vec<u8>, c_int)>),
}

/// One registered configuration.
pub(crate) struct ModuleConfig {
    /// `<module>.<name>`, as CONFIG GET shows it.
    pub(crate) full: String,
    /// The name the module registered (its callbacks get this).
    short: CString,
    flags: c_uint,
    kind: Kind,
    /// The default, as a config line would write it.
    pub(crate) default: Vec<u8>,
    apply: Option<ApplyFn>,
    privdata: *mut c_void,
    host: u64,
}

/// The module's error string, taken over (NULL: none).
fn take_error(err: *mut MString, fallback: &str) -> String {
    if err.is_null() {
        return fallback.to_string();
    }
    // SAFETY: a string the module made through our API and handed to us.
    let text = unsafe { mstring(err) }.map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned());
    // SAFETY: the module gave its reference to us.
    unsafe { MString::release(err) };
    text.unwrap_or_else(|| fallback.to_string())
}

impl ModuleConfig {
    /// Whether CONFIG SET may change it.
    pub(crate) fn mutable(&self) -> bool {
        self.flags & IMMUTABLE == 0
    }

    /// Whether CONFIG GET patterns skip it.
    pub(crate) fn hidden(&self) -> bool {
        self.flags & HIDDEN != 0
    }

    /// The current value as text (call inside a scope).
    fn read(&self) -> Vec<u8> {
        let name = self.short.as_ptr();
        match &self.kind {
            Kind::String(get, _) => {
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                let s = unsafe { get(name, self.privdata) };
                // SAFETY: NULL or a string of ours the module keeps.
                unsafe { mstring(s) }.map_or_else(Vec::new, |s| s.as_bytes().to_vec())
            }
            Kind::Bool(get, _) => {
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                let yes = unsafe { get(name, self.privdata) } != 0;
                (if yes { "yes" } else { "no" }).into()
            }
            // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
            Kind::Numeric(get, ..) => unsafe { get(name, self.privdata) }.to_string().into(),
            Kind::Enum(get, _, values) => {
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                let v = unsafe { get(name, self.privdata) };
                enum_name(values, v, self.flags & BITFLAGS != 0)
            }
        }
    }

    /// Checks `value` and hands it to the module's setter (call inside a scope).
    fn write(&self, value: &[u8]) -> Result<(), String> {
        let name = self.short.as_ptr();
        let mut err: *mut MString = null_mut();
        let refused = "the module refused the value";
        let status = match &self.kind {
            Kind::String(_, set) => {
                let s = MString::into_raw(value);
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                let r = unsafe { set(name, s, self.privdata, &mut err) };
                // SAFETY: ours; the module retained it if it keeps it.
                unsafe { MString::release(s) };
                r
            }
            Kind::Bool(_, set) => {
                let v = match value.to_ascii_lowercase().as_slice() {
                    b"yes" => 1,
                    b"no" => 0,
                    _ => return Err("argument must be 'yes' or 'no'".into()),
                };
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                unsafe { set(name, v, self.privdata, &mut err) }
            }
            Kind::Numeric(_, set, min, max) => {
                let v = if self.flags & MEMORY != 0 {
                    crate::config::units::parse_memory(value)
                        .and_then(|v| i64::try_from(v).ok())
                        .ok_or("argument must be a memory value")?
                } else {
                    crate::config::units::parse_int(value)
                        .ok_or("argument couldn't be parsed into an integer")?
                };
                if v < *min || v > *max {
                    return Err(format!(
                        "argument must be between {min} and {max} inclusive"
                    ));
                }
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                unsafe { set(name, v, self.privdata, &mut err) }
            }
            Kind::Enum(_, set, values) => {
                let v = enum_value(values, value, self.flags & BITFLAGS != 0).ok_or_else(|| {
                    let names: Vec<String> = values
                        .iter()
                        .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
                        .collect();
                    format!(
                        "argument(s) must be one of the following: {}",
                        names.join(", ")
                    )
                })?;
                // SAFETY: the module's own callback, with the name it registered, its private data and a place for its error string; or a string of ours it handed over.
                unsafe { set(name, v, self.privdata, &mut err) }
            }
        };
        if status == OK {
            Ok(())
        } else {
            Err(take_error(err, refused))
        }
    }

    /// Runs the module's apply callback, if any (call inside a scope).
    fn run_apply(&self) -> Result<(), String> {
        let Some(apply) = self.apply else {
            return Ok(());
        };
        let mut ctx = ModuleCtx::new(self.host);
        let mut err: *mut MString = null_mut();
        // SAFETY: the module's apply callback with a context of its instance, its private
        // data and a place for its error string.
        if unsafe { apply(&mut ctx, self.privdata, &mut err) } == OK {
            Ok(())
        } else {
            Err(take_error(
                err,
                "the module refused to apply the configuration",
            ))
        }
    }
}

/// An enum's name for `v`: an exact match, else (bit flags) the names whose bits it holds, in
/// registration order, as Valkey's `configEnumGetName`.
fn enum_name(values: &[(Vec<u8>, c_int)], v: c_int, bitflags: bool) -> Vec<u8> {
    if let Some((n, _)) = values.iter().find(|(_, x)| *x == v) {
        return n.clone();
    }
    if !bitflags {
        return Vec::new();
    }
    let mut left = v;
    let mut names: Vec<&[u8]> = Vec::new();
    for (n, x) in values {
        if *x != 0 && *x == left & *x {
            names.push(n);
            left &= !*x;
        }
    }
    if left != 0 {
        return Vec::new();
    }
    names.join(&b' ')
}

/// The value for `text`: one name, or (bit flags) several separated by spaces, or'ed.
fn enum_value(values: &[(Vec<u8>, c_int)], text: &[u8], bitflags: bool) -> Option<c_int> {
    let find = |w: &[u8]| {
        values
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(w))
            .map(|(_, v)| *v)
    };
    if !bitflags {
        return find(text);
    }
    text.split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .try_fold(0, |acc, w| find(w).map(|v| acc | v))
}

/// A configuration name Valkey accepts: letters, digits, `-` and `_`.
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Registers a configuration of the module being loaded; ERR outside `OnLoad`, for a bad or
/// taken name.
fn register(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    flags: c_uint,
    kind: Kind,
    default: Vec<u8>,
    apply: Option<ApplyFn>,
    privdata: *mut c_void,
) -> c_int {
    // SAFETY: a context we made (or NULL); a NUL-terminated name.
    let (host, short) = unsafe { (super::api::host_of(ctx), c_bytes(name)) };
    let Some(host) = host else { return ERR };
    if !valid_name(short) {
        return ERR;
    }
    let Ok(cshort) = CString::new(short) else {
        return ERR;
    };
    with_server(|server, _, _| {
        let Some(l) = server.modules.loading.as_mut().filter(|l| l.host == host) else {
            return ERR;
        };
        let module = String::from_utf8_lossy(l.name.as_deref().unwrap_or_default()).into_owned();
        let full = format!("{module}.{}", String::from_utf8_lossy(short));
        if l.configs.iter().any(|c| c.full.eq_ignore_ascii_case(&full)) {
            return ERR;
        }
        l.configs.push(ModuleConfig {
            full,
            short: cshort,
            flags,
            kind,
            default,
            apply,
            privdata,
            host,
        });
        OK
    })
    .unwrap_or(ERR)
}

/// `ValkeyModule_RegisterStringConfig`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature.
pub(super) unsafe extern "C" fn register_string(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    default: *const c_char,
    flags: c_uint,
    get: Option<GetStringFn>,
    set: Option<SetStringFn>,
    apply: Option<ApplyFn>,
    privdata: *mut c_void,
) -> c_int {
    guard(ERR, || {
        let (Some(get), Some(set)) = (get, set) else {
            return ERR;
        };
        // SAFETY: NULL or a NUL-terminated default.
        let default = unsafe { c_bytes(default) }.to_vec();
        register(
            ctx,
            name,
            flags,
            Kind::String(get, set),
            default,
            apply,
            privdata,
        )
    })
}

/// `ValkeyModule_RegisterBoolConfig`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature.
pub(super) unsafe extern "C" fn register_bool(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    default: c_int,
    flags: c_uint,
    get: Option<GetIntFn>,
    set: Option<SetIntFn>,
    apply: Option<ApplyFn>,
    privdata: *mut c_void,
) -> c_int {
    guard(ERR, || {
        let (Some(get), Some(set)) = (get, set) else {
            return ERR;
        };
        let default = if default != 0 { "yes" } else { "no" };
        register(
            ctx,
            name,
            flags,
            Kind::Bool(get, set),
            default.into(),
            apply,
            privdata,
        )
    })
}

/// `ValkeyModule_RegisterNumericConfig`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature.
pub(super) unsafe extern "C" fn register_numeric(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    default: c_longlong,
    flags: c_uint,
    min: c_longlong,
    max: c_longlong,
    get: Option<GetNumericFn>,
    set: Option<SetNumericFn>,
    apply: Option<ApplyFn>,
    privdata: *mut c_void,
) -> c_int {
    guard(ERR, || {
        let (Some(get), Some(set)) = (get, set) else {
            return ERR;
        };
        let kind = Kind::Numeric(get, set, min, max);
        register(
            ctx,
            name,
            flags,
            kind,
            default.to_string().into(),
            apply,
            privdata,
        )
    })
}

/// `ValkeyModule_RegisterEnumConfig`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// `names` and `values` hold `count` entries.
pub(super) unsafe extern "C" fn register_enum(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    default: c_int,
    flags: c_uint,
    names: *const *const c_char,
    values: *const c_int,
    count: c_int,
    get: Option<GetIntFn>,
    set: Option<SetIntFn>,
    apply: Option<ApplyFn>,
    privdata: *mut c_void,
) -> c_int {
    guard(ERR, || {
        let (Some(get), Some(set)) = (get, set) else {
            return ERR;
        };
        let n = usize::try_from(count).unwrap_or(0);
        if n == 0 || names.is_null() || values.is_null() {
            return ERR;
        }
        // SAFETY: the module passes `count` names and values.
        let (names, ints) = unsafe {
            (
                core::slice::from_raw_parts(names, n),
                core::slice::from_raw_parts(values, n),
            )
        };
        let table: Vec<(Vec<u8>, c_int)> = names
            .iter()
            // SAFETY: NUL-terminated names.
            .map(|&p| unsafe { c_bytes(p) }.to_vec())
            .zip(ints.iter().copied())
            .collect();
        let default = enum_name(&table, default, flags & BITFLAGS != 0);
        register(
            ctx,
            name,
            flags,
            Kind::Enum(get, set, table),
            default,
            apply,
            privdata,
        )
    })
}

/// `ValkeyModule_LoadConfigs`: every configuration of the module being loaded gets its value
/// from the config file or MODULE LOADEX (taken from `Modules::pending_configs`), or its
/// default; then each apply callback runs once.
///
/// # Safety
///
/// Called only by a module through the API table, with a context we made.
pub(super) unsafe extern "C" fn load_configs(ctx: *mut ModuleCtx) -> c_int {
    guard(ERR, || {
        // SAFETY: a context we made (or NULL).
        let Some(host) = (unsafe { super::api::host_of(ctx) }) else {
            return ERR;
        };
        // The values first (server state only), then the module's setters with no borrow
        // of the server held: they may call back into the API.
        let taken = with_server(|server, _, _| {
            let l = server.modules.loading.as_mut().filter(|l| l.host == host)?;
            let configs = core::mem::take(&mut l.configs);
            let pending = &mut server.modules.pending_configs;
            let values: Vec<Vec<u8>> = configs
                .iter()
                .map(|c| {
                    match pending
                        .iter()
                        .position(|(n, _)| n.eq_ignore_ascii_case(c.full.as_bytes()))
                    {
                        Some(i) => pending.remove(i).1,
                        None => c.default.clone(),
                    }
                })
                .collect();
            Some((configs, values))
        })
        .flatten();
        let Some((configs, values)) = taken else {
            return ERR;
        };
        let mut failure = None;
        for (c, v) in configs.iter().zip(&values) {
            if let Err(why) = c.write(v) {
                failure = Some(format!(
                    "Issue during loading of configuration {} : {why}",
                    c.full
                ));
                break;
            }
        }
        if failure.is_none()
            && let Err(why) = apply_all(configs.iter())
        {
            failure = Some(format!("Issue applying module configurations: {why}"));
        }
        let ok = failure.is_none();
        with_server(|server, _, _| {
            if let Some(why) = failure {
                server.log.warning(&why);
            }
            if let Some(l) = server.modules.loading.as_mut() {
                l.configs = configs;
                l.configs_loaded = ok;
            }
        });
        if ok { OK } else { ERR }
    })
}

/// Runs each distinct apply callback of `configs` once.
fn apply_all<'a>(configs: impl Iterator<Item = &'a ModuleConfig>) -> Result<(), String> {
    let mut done: Vec<(usize, *mut c_void)> = Vec::new();
    for c in configs {
        let Some(f) = c.apply else { continue };
        let id = (f as usize, c.privdata);
        if done.contains(&id) {
            continue;
        }
        done.push(id);
        c.run_apply()?;
    }
    Ok(())
}

/// Runs `f` with a scope set, so the module's callbacks can use the API.
fn scoped<R>(server: &mut Server, f: impl FnOnce() -> R) -> R {
    let mut scope = Scope::new(server, null_mut(), 0, crate::clock::unix_millis(), "config");
    in_scope(&mut scope, f)
}

/// CONFIG GET of one module configuration.
pub(crate) fn get(server: &mut Server, config: *const ModuleConfig) -> Vec<u8> {
    // SAFETY: a configuration of a loaded instance, which lives as long as the instance; the
    // caller found it just now and nothing unloads modules meanwhile.
    let c = unsafe { &*config };
    scoped(server, || c.read())
}

/// CONFIG SET of module configurations, all or nothing: each value is set, then the apply
/// callbacks run; on any failure every configuration touched gets its previous value back.
pub(crate) fn set(
    server: &mut Server,
    changes: &[(*const ModuleConfig, Vec<u8>)],
) -> Result<(), (String, String)> {
    // SAFETY: as in [`get`].
    let configs: Vec<&ModuleConfig> = changes.iter().map(|(c, _)| unsafe { &**c }).collect();
    scoped(server, || {
        let before: Vec<Vec<u8>> = configs.iter().map(|c| c.read()).collect();
        let restore = |upto: usize| {
            for (c, old) in configs.iter().zip(&before).take(upto) {
                let _ = c.write(old);
            }
        };
        for (i, (c, (_, value))) in configs.iter().zip(changes).enumerate() {
            if let Err(why) = c.write(value) {
                restore(i + 1);
                return Err((c.full.clone(), why));
            }
        }
        if let Err(why) = apply_all(configs.iter().copied()) {
            restore(configs.len());
            let _ = apply_all(configs.iter().copied());
            let name = configs.first().map(|c| c.full.clone()).unwrap_or_default();
            return Err((name, why));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<(Vec<u8>, c_int)> {
        [
            ("none", 0),
            ("five", 5),
            ("one", 1),
            ("two", 2),
            ("four", 4),
        ]
        .iter()
        .map(|(n, v)| (n.as_bytes().to_vec(), *v))
        .collect()
    }

    #[test]
    fn bit_flag_names_follow_valkeys_greedy_match() {
        let t = table();
        assert_eq!(enum_name(&t, 3, true), b"one two");
        assert_eq!(enum_name(&t, 7, true), b"five two");
        assert_eq!(enum_name(&t, 6, true), b"two four");
        assert_eq!(enum_name(&t, 5, true), b"five");
        assert_eq!(enum_name(&t, 0, true), b"none");
        assert_eq!(enum_name(&t, 3, false), b"");
        assert_eq!(enum_value(&t, b"one four", true), Some(5));
        assert_eq!(enum_value(&t, b"TWO", false), Some(2));
        assert_eq!(enum_value(&t, b"one four", false), None);
        assert_eq!(enum_value(&t, b"six", true), None);
    }

    #[test]
    fn names_are_letters_digits_dash_and_underscore() {
        assert!(valid_name(b"max-size_2"));
        assert!(!valid_name(b"a.b"));
        assert!(!valid_name(b""));
    }
}
