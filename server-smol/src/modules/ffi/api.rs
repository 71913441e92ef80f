//! `GetApi` and the API functions it hands out, under both the `ValkeyModule_` and the
//! `RedisModule_` prefix from one table. Names not in the table stay unresolved (ERR), as the
//! module's header expects for functions a server lacks.

use core::ffi::{c_char, c_int, c_longlong, c_void};
use core::ptr::null_mut;
use std::collections::BTreeMap;
use std::sync::Mutex;

use super::cmdinfo::set_command_info;
use super::reply::*;
use super::strings::*;
use super::{
    CommandFn, ERR, MString, ModuleCtx, ModuleType, OK, c_bytes, guard, mstring, with_server,
};
use crate::log::Level;
use crate::modules::{CommandRef, LoadState, PendingCommand, flags};

unsafe extern "C" {
    fn server_smol_alloc(bytes: usize) -> *mut c_void;
    fn server_smol_calloc(nmemb: usize, size: usize) -> *mut c_void;
    fn server_smol_realloc(ptr: *mut c_void, bytes: usize) -> *mut c_void;
    fn server_smol_free(ptr: *mut c_void);
    fn server_smol_strdup(s: *const c_char) -> *mut c_char;
    fn server_smol_log(ctx: *mut ModuleCtx, level: *const c_char, fmt: *const c_char, ...);
    fn server_smol_log_io(io: *mut c_void, level: *const c_char, fmt: *const c_char, ...);
}

/// Module names by instance, for `Log` from any thread (a detached context may log after its
/// command, or from a module's own thread).
static NAMES: Mutex<BTreeMap<u64, Vec<u8>>> = Mutex::new(BTreeMap::new());

/// The logger modules write to, for `Log` outside a server call.
static LOGGER: Mutex<Option<crate::log::Logger>> = Mutex::new(None);

/// Records instance `host`'s name for `Log`.
pub(crate) fn remember_name(host: u64, name: &[u8]) {
    if let Ok(mut names) = NAMES.lock() {
        names.insert(host, name.to_vec());
    }
}

/// Sets the logger modules write to when no server call is running.
pub(crate) fn set_logger(log: &crate::log::Logger) {
    if let Ok(mut l) = LOGGER.lock() {
        *l = Some(log.clone());
    }
}

/// The API table: base names (after the prefix) and addresses.
fn table() -> &'static [(&'static str, usize)] {
    macro_rules! entries {
        ($($name:literal => $f:expr,)*) => {
            &[$(($name, $f as usize),)*]
        };
    }
    static TABLE: std::sync::OnceLock<Vec<(&'static str, usize)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let all: &[(&str, usize)] = entries! {
            "SetModuleAttribs" => set_module_attribs as unsafe extern "C" fn(_, _, _, _),
            "IsModuleNameBusy" => is_module_name_busy as unsafe extern "C" fn(_) -> _,
            "Alloc" => server_smol_alloc as unsafe extern "C" fn(_) -> _,
            "TryAlloc" => server_smol_alloc as unsafe extern "C" fn(_) -> _,
            "Calloc" => server_smol_calloc as unsafe extern "C" fn(_, _) -> _,
            "TryCalloc" => server_smol_calloc as unsafe extern "C" fn(_, _) -> _,
            "Realloc" => server_smol_realloc as unsafe extern "C" fn(_, _) -> _,
            "TryRealloc" => server_smol_realloc as unsafe extern "C" fn(_, _) -> _,
            "Free" => server_smol_free as unsafe extern "C" fn(_),
            "Strdup" => server_smol_strdup as unsafe extern "C" fn(_) -> _,
            "Log" => server_smol_log as unsafe extern "C" fn(_, _, _, ...),
            "LogIOError" => server_smol_log_io as unsafe extern "C" fn(_, _, _, ...),
            "CreateCommand" => create_command as unsafe extern "C" fn(_, _, _, _, _, _, _) -> _,
            "GetCommand" => get_command as unsafe extern "C" fn(_, _) -> _,
            "SetCommandInfo" => set_command_info as unsafe extern "C" fn(_, _) -> _,
            "RegisterInfoFunc" => register_info_func as unsafe extern "C" fn(_, _) -> _,
            "GetDetachedThreadSafeContext" => get_detached_ctx as unsafe extern "C" fn(_) -> _,
            "FreeThreadSafeContext" => free_ts_ctx as unsafe extern "C" fn(_),
            "CreateString" => create_string as unsafe extern "C" fn(_, _, _) -> _,
            "CreateStringFromLongLong" => create_string_from_long_long as unsafe extern "C" fn(_, _) -> _,
            "CreateStringFromString" => create_string_from_string as unsafe extern "C" fn(_, _) -> _,
            "StringToDouble" => string_to_double as unsafe extern "C" fn(_, _) -> _,
            "RetainString" => retain_string as unsafe extern "C" fn(_, _),
            "FreeString" => free_string as unsafe extern "C" fn(_, _),
            "StringPtrLen" => string_ptr_len as unsafe extern "C" fn(_, _) -> _,
            "StringToLongLong" => string_to_long_long as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithSimpleString" => reply_simple as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithError" => reply_error as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithLongLong" => reply_long_long as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithArray" => reply_array as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithStringBuffer" => reply_buffer as unsafe extern "C" fn(_, _, _) -> _,
            "ReplyWithString" => reply_string as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithNull" => reply_null as unsafe extern "C" fn(_) -> _,
            "ReplyWithNullArray" => reply_null_array as unsafe extern "C" fn(_) -> _,
            "ReplyWithEmptyArray" => reply_empty_array as unsafe extern "C" fn(_) -> _,
            "ReplyWithEmptyString" => reply_empty_string as unsafe extern "C" fn(_) -> _,
            "ReplyWithCString" => reply_c_string as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithMap" => reply_map as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithSet" => reply_set as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithBool" => reply_bool as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithDouble" => reply_double as unsafe extern "C" fn(_, _) -> _,
            "ReplyWithBigNumber" => reply_big_number as unsafe extern "C" fn(_, _, _) -> _,
            "ReplyWithVerbatimString" => reply_verbatim as unsafe extern "C" fn(_, _, _) -> _,
            "ReplyWithVerbatimStringType" => reply_verbatim_type as unsafe extern "C" fn(_, _, _, _) -> _,
            "GetSelectedDb" => get_selected_db as unsafe extern "C" fn(_) -> _,
            "AutoMemory" => auto_memory as unsafe extern "C" fn(_),
            "Milliseconds" => milliseconds as unsafe extern "C" fn() -> _,
            "WrongArity" => wrong_arity as unsafe extern "C" fn(_) -> _,
            "IsKeysPositionRequest" => is_keys_position_request as unsafe extern "C" fn(_) -> _,
            "OpenKey" => super::keys::open_key as unsafe extern "C" fn(_, _, _) -> _,
            "CloseKey" => super::keys::close_key as unsafe extern "C" fn(_),
            "KeyType" => super::keys::key_type as unsafe extern "C" fn(_) -> _,
            "StringDMA" => super::keys::string_dma as unsafe extern "C" fn(_, _, _) -> _,
            "StringTruncate" => super::keys::string_truncate as unsafe extern "C" fn(_, _) -> _,
            "StringSet" => super::keys::string_set as unsafe extern "C" fn(_, _) -> _,
            "DeleteKey" => super::keys::delete_key as unsafe extern "C" fn(_) -> _,
            "ValueLength" => super::keys::value_length as unsafe extern "C" fn(_) -> _,
            "CreateDataType" => create_data_type as unsafe extern "C" fn(_, _, _, _) -> _,
            "ModuleTypeSetValue" => super::types::set_value as unsafe extern "C" fn(_, _, _) -> _,
            "ModuleTypeGetType" => super::types::get_type as unsafe extern "C" fn(_) -> _,
            "ModuleTypeGetValue" => super::types::get_value as unsafe extern "C" fn(_) -> _,
            "UpdateRuntimeArgs" => update_runtime_args as unsafe extern "C" fn(_, _, _) -> _,
            "RegisterStringConfig" => super::configs::register_string as unsafe extern "C" fn(_, _, _, _, _, _, _, _) -> _,
            "RegisterBoolConfig" => super::configs::register_bool as unsafe extern "C" fn(_, _, _, _, _, _, _, _) -> _,
            "RegisterNumericConfig" => super::configs::register_numeric as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _, _) -> _,
            "RegisterEnumConfig" => super::configs::register_enum as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _, _, _) -> _,
            "LoadConfigs" => super::configs::load_configs as unsafe extern "C" fn(_) -> _,
            "InfoAddSection" => super::info::add_section as unsafe extern "C" fn(_, _) -> _,
            "InfoBeginDictField" => super::info::begin_dict as unsafe extern "C" fn(_, _) -> _,
            "InfoEndDictField" => super::info::end_dict_field as unsafe extern "C" fn(_) -> _,
            "InfoAddFieldString" => super::info::add_string as unsafe extern "C" fn(_, _, _) -> _,
            "InfoAddFieldCString" => super::info::add_c_string as unsafe extern "C" fn(_, _, _) -> _,
            "InfoAddFieldDouble" => super::info::add_double as unsafe extern "C" fn(_, _, _) -> _,
            "InfoAddFieldLongLong" => super::info::add_long_long as unsafe extern "C" fn(_, _, _) -> _,
            "InfoAddFieldULongLong" => super::info::add_u_long_long as unsafe extern "C" fn(_, _, _) -> _,
        };
        all.to_vec()
    })
}

/// The address of API function `name` (`ValkeyModule_X` or `RedisModule_X`).
pub(crate) fn lookup(name: &[u8]) -> Option<usize> {
    let base = name
        .strip_prefix(b"ValkeyModule_")
        .or_else(|| name.strip_prefix(b"RedisModule_"))?;
    table()
        .iter()
        .find(|(n, _)| n.as_bytes() == base)
        .map(|&(_, f)| f)
}

/// `int GetApi(const char *name, void **slot)`: OK and the slot filled, or ERR and the slot left
/// alone.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
pub(super) unsafe extern "C" fn get_api(name: *const c_char, slot: *mut *mut c_void) -> c_int {
    guard(ERR, || {
        // SAFETY: the module passes a NUL-terminated name.
        let name = unsafe { c_bytes(name) };
        match lookup(name) {
            Some(f) if !slot.is_null() => {
                // SAFETY: `slot` is the module's function-pointer slot for this name.
                unsafe { *slot = f as *mut c_void };
                OK
            }
            _ => ERR,
        }
    })
}

/// The context's instance key.
///
/// # Safety
///
/// `ctx` is NULL or a context this host made.
pub(super) unsafe fn host_of(ctx: *mut ModuleCtx) -> Option<u64> {
    // SAFETY: per the contract.
    unsafe { ctx.as_ref() }.map(|c| c.host)
}

/// The load in progress for `host`, if the server is loading it.
fn loading(server: &mut crate::server::Server, host: u64) -> Option<&mut LoadState> {
    server.modules.loading.as_mut().filter(|l| l.host == host)
}

/// `ValkeyModule_SetModuleAttribs` / `RedisModule_SetModuleAttribs`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn set_module_attribs(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    ver: c_int,
    _apiver: c_int,
) {
    guard((), || {
        // SAFETY: a context we made; a NUL-terminated name.
        let (host, name) = unsafe { (host_of(ctx), c_bytes(name)) };
        let Some(host) = host else { return };
        with_server(|server, _, _| {
            if let Some(l) = loading(server, host) {
                // The second Init (valkey-module also runs RedisModule_Init) is ignored, as
                // Valkey ignores it once the context has a module.
                if l.name.is_none() {
                    l.name = Some(name.to_vec());
                    l.version = ver;
                    remember_name(host, name);
                }
            }
        });
    });
}

/// `ValkeyModule_IsModuleNameBusy` / `RedisModule_IsModuleNameBusy`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn is_module_name_busy(name: *const c_char) -> c_int {
    guard(0, || {
        // SAFETY: a NUL-terminated name.
        let name = unsafe { c_bytes(name) };
        with_server(|server, _, _| {
            let m = &server.modules;
            let busy = match m.loading.as_ref().and_then(|l| l.reloading) {
                Some(id) => m.registry.is_name_busy_except(name, id),
                None => m.registry.is_name_busy(name),
            };
            c_int::from(busy)
        })
        .unwrap_or(0)
    })
}

/// `ValkeyModule_CreateCommand` / `RedisModule_CreateCommand`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn create_command(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    func: Option<CommandFn>,
    strflags: *const c_char,
    first: c_int,
    last: c_int,
    step: c_int,
) -> c_int {
    guard(ERR, || {
        // SAFETY: a context we made; NUL-terminated strings.
        let (host, name, strflags) = unsafe { (host_of(ctx), c_bytes(name), c_bytes(strflags)) };
        let (Some(host), Some(func)) = (host, func) else {
            return ERR;
        };
        let Some(parsed) = flags::parse(strflags) else {
            return ERR;
        };
        with_server(|server, _, _| {
            let lower = name.to_ascii_lowercase();
            let taken = server.table.get(&lower).is_some();
            let Some(l) = loading(server, host) else {
                return ERR; // commands are created only inside OnLoad
            };
            if taken
                || name.is_empty()
                || name.contains(&b'|')
                || name.contains(&b' ')
                || l.commands.iter().any(|c| c.name.as_bytes() == lower)
            {
                return ERR;
            }
            l.commands.push(PendingCommand {
                name: crate::modules::intern(&lower),
                flags: parsed,
                first,
                last,
                step,
                func,
                arity: -1,
                key_specs: None,
            });
            OK
        })
        .unwrap_or(ERR)
    })
}

/// `ValkeyModule_GetCommand` / `RedisModule_GetCommand`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn get_command(ctx: *mut ModuleCtx, name: *const c_char) -> *mut c_void {
    guard(null_mut(), || {
        // SAFETY: a context we made; a NUL-terminated name.
        let (host, name) = unsafe { (host_of(ctx), c_bytes(name)) };
        let Some(host) = host else {
            return null_mut();
        };
        let lower = name.to_ascii_lowercase();
        with_server(|server, _, _| {
            let l = loading(server, host)?;
            let cmd = l.commands.iter().find(|c| c.name.as_bytes() == lower)?;
            let r = Box::new(CommandRef {
                host,
                name: cmd.name,
            });
            let p: *const CommandRef = &*r;
            l.command_refs.push(r);
            Some(p.cast_mut().cast::<c_void>())
        })
        .flatten()
        .unwrap_or(null_mut())
    })
}

/// `ValkeyModule_RegisterInfoFunc` / `RedisModule_RegisterInfoFunc`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn register_info_func(
    ctx: *mut ModuleCtx,
    cb: Option<super::info::InfoFn>,
) -> c_int {
    guard(ERR, || {
        // SAFETY: a context we made.
        let Some(host) = (unsafe { host_of(ctx) }) else {
            return ERR;
        };
        // INFO calls it for the module's sections ([`super::info`]).
        with_server(|server, _, _| match (loading(server, host), cb) {
            (Some(l), Some(cb)) => {
                l.info = Some(cb);
                OK
            }
            _ => ERR,
        })
        .unwrap_or(ERR)
    })
}

/// `ValkeyModule_GetDetachedThreadSafeContext` / `RedisModule_GetDetachedThreadSafeContext`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn get_detached_ctx(ctx: *mut ModuleCtx) -> *mut ModuleCtx {
    guard(null_mut(), || {
        // SAFETY: a context we made.
        let host = unsafe { host_of(ctx) }.unwrap_or(0);
        Box::into_raw(Box::new(ModuleCtx::new(host)))
    })
}

/// `ValkeyModule_FreeThreadSafeContext` / `RedisModule_FreeThreadSafeContext`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn free_ts_ctx(ctx: *mut ModuleCtx) {
    guard((), || {
        if !ctx.is_null() {
            // SAFETY: thread-safe contexts come from `get_detached_ctx`'s `Box::into_raw`.
            drop(unsafe { Box::from_raw(ctx) });
        }
    });
}

/// `ValkeyModule_GetSelectedDb` / `RedisModule_GetSelectedDb`: the calling client's database.
///
/// # Safety
///
/// Any arguments: the context is not read.
unsafe extern "C" fn get_selected_db(_ctx: *mut ModuleCtx) -> c_int {
    guard(0, || {
        with_server(|_, _, scope| c_int::try_from(scope.db).unwrap_or(0)).unwrap_or(0)
    })
}

/// `ValkeyModule_AutoMemory` / `RedisModule_AutoMemory`: keys and strings the command leaves
/// open are closed and freed when it returns.
///
/// # Safety
///
/// Any arguments: the context is not read.
unsafe extern "C" fn auto_memory(_ctx: *mut ModuleCtx) {
    guard((), || {
        with_server(|_, reply, scope| {
            // Only a command call collects at its end.
            if reply.is_some() {
                scope.auto = true;
            }
        });
    });
}

/// `ValkeyModule_Milliseconds` / `RedisModule_Milliseconds`: Unix time in milliseconds.
///
/// # Safety
///
/// No arguments.
unsafe extern "C" fn milliseconds() -> c_longlong {
    guard(0, || {
        c_longlong::try_from(crate::clock::unix_millis().0).unwrap_or(c_longlong::MAX)
    })
}

/// `ValkeyModule_CreateDataType` / `RedisModule_CreateDataType`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn create_data_type(
    ctx: *mut ModuleCtx,
    name: *const c_char,
    encver: c_int,
    methods: *mut c_void,
) -> *mut ModuleType {
    guard(null_mut(), || {
        // SAFETY: a context we made; a NUL-terminated name.
        let (host, name) = unsafe { (host_of(ctx), c_bytes(name)) };
        let Some(host) = host else {
            return null_mut();
        };
        // Valkey: exactly 9 characters from A-Z a-z 0-9 - _, encver 0..=1023.
        let valid = name.len() == 9
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && (0..=1023).contains(&encver);
        if !valid {
            return null_mut();
        }
        with_server(|server, _, _| {
            let taken = server.modules.type_name_taken(name);
            let l = loading(server, host)?;
            if taken || l.types.iter().any(|t| t.name[..] == *name) {
                return None;
            }
            let mut n = [0u8; 9];
            n.copy_from_slice(name);
            // SAFETY: NULL or the module's `ValkeyModuleTypeMethods`, which outlives the type.
            let (mem_usage, free) = unsafe { super::types::callbacks(methods) };
            let t = Box::new(ModuleType {
                name: n,
                mem_usage,
                free,
            });
            let p: *const ModuleType = &*t;
            l.types.push(t);
            Some(p.cast_mut())
        })
        .flatten()
        .unwrap_or(null_mut())
    })
}

/// `ValkeyModule_UpdateRuntimeArgs` / `RedisModule_UpdateRuntimeArgs`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
unsafe extern "C" fn update_runtime_args(
    ctx: *mut ModuleCtx,
    argv: *mut *mut MString,
    argc: c_int,
) -> c_int {
    guard(ERR, || {
        // SAFETY: a context we made.
        let Some(host) = (unsafe { host_of(ctx) }) else {
            return ERR;
        };
        let n = usize::try_from(argc).unwrap_or(0);
        let mut args = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: the module passes `argc` string pointers at `argv`.
            let p = unsafe { *argv.add(i) };
            // SAFETY: each is a live string of ours.
            let Some(s) = (unsafe { mstring(p) }) else {
                return ERR;
            };
            args.push(s.as_bytes().to_vec());
        }
        with_server(|server, _, _| server.modules.update_runtime_args(host, &args))
            .map_or(ERR, |ok| if ok { OK } else { ERR })
    })
}

/// `Log`'s Rust half: the shim formatted `msg`; write `<module> msg` at `level`.
///
/// # Safety
///
/// Called only by a module through the API table, with the arguments of the C signature:
/// contexts, strings and keys this host handed out (or NULL), C strings NUL-terminated,
/// buffers valid for the lengths given.
#[unsafe(no_mangle)]
unsafe extern "C" fn server_smol_module_log(
    ctx: *mut ModuleCtx,
    level: *const c_char,
    msg: *const c_char,
) {
    guard((), || {
        // SAFETY: a context we made or NULL; NUL-terminated strings from the shim.
        let (host, level, msg) = unsafe { (host_of(ctx), c_bytes(level), c_bytes(msg)) };
        let level = match Level::parse(level) {
            Some(l) if l != Level::Nothing => l,
            _ => Level::Verbose,
        };
        let name = host
            .and_then(|h| NAMES.lock().ok()?.get(&h).cloned())
            .unwrap_or_else(|| b"module".to_vec());
        let line = format!(
            "<{}> {}",
            String::from_utf8_lossy(&name),
            String::from_utf8_lossy(msg)
        );
        let logged = with_server(|server, _, _| server.log.log(level, &line));
        if logged.is_none()
            && let Ok(Some(log)) = LOGGER.lock().map(|l| l.clone())
        {
            log.log(level, &line);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_prefixes_answer_from_one_table_and_unknown_names_stay_unresolved() {
        // Spec §3.4's list (the RDB/AOF IO family waits for persistence), and the INFO API.
        for name in [
            "SetModuleAttribs",
            "IsModuleNameBusy",
            "CreateCommand",
            "GetCommand",
            "SetCommandInfo",
            "RegisterInfoFunc",
            "GetDetachedThreadSafeContext",
            "FreeThreadSafeContext",
            "Alloc",
            "Calloc",
            "Realloc",
            "Free",
            "Strdup",
            "TryAlloc",
            "TryCalloc",
            "TryRealloc",
            "CreateString",
            "RetainString",
            "FreeString",
            "StringPtrLen",
            "StringToLongLong",
            "StringToDouble",
            "CreateStringFromString",
            "ReplyWithSimpleString",
            "ReplyWithError",
            "ReplyWithLongLong",
            "ReplyWithArray",
            "ReplyWithStringBuffer",
            "ReplyWithString",
            "ReplyWithNull",
            "WrongArity",
            "IsKeysPositionRequest",
            "ReplyWithMap",
            "ReplyWithSet",
            "ReplyWithDouble",
            "ReplyWithBool",
            "Log",
            "LogIOError",
            "OpenKey",
            "CloseKey",
            "KeyType",
            "StringDMA",
            "StringTruncate",
            "StringSet",
            "DeleteKey",
            "ValueLength",
            "CreateDataType",
            "ModuleTypeSetValue",
            "ModuleTypeGetType",
            "ModuleTypeGetValue",
            "UpdateRuntimeArgs",
            "RegisterStringConfig",
            "RegisterBoolConfig",
            "RegisterEnumConfig",
            "RegisterNumericConfig",
            "LoadConfigs",
            "InfoAddSection",
            "InfoBeginDictField",
            "InfoEndDictField",
            "InfoAddFieldString",
            "InfoAddFieldCString",
            "InfoAddFieldDouble",
            "InfoAddFieldLongLong",
            "InfoAddFieldULongLong",
        ] {
            let v = lookup(format!("ValkeyModule_{name}").as_bytes());
            let r = lookup(format!("RedisModule_{name}").as_bytes());
            assert!(v.is_some(), "{name}");
            assert_eq!(v, r, "{name}");
        }
        assert_eq!(lookup(b"ValkeyModule_Call"), None);
        assert_eq!(lookup(b"Alloc"), None);
        assert_eq!(lookup(b"OtherModule_Alloc"), None);
    }

    #[test]
    fn get_api_fills_known_slots_and_leaves_unknown_ones_alone() {
        let mut slot: *mut c_void = null_mut();
        // SAFETY: NUL-terminated names and a valid slot.
        let status = unsafe { get_api(c"RedisModule_Free".as_ptr(), &mut slot) };
        assert_eq!((status, slot.is_null()), (OK, false));
        let mut slot: *mut c_void = null_mut();
        // SAFETY: as above.
        let status = unsafe { get_api(c"ValkeyModule_NoSuchThing".as_ptr(), &mut slot) };
        assert_eq!((status, slot.is_null()), (ERR, true));
    }

    #[test]
    fn calls_without_a_server_scope_fail_softly() {
        // SAFETY: NULL handles and no scope: each function must refuse, not crash.
        unsafe {
            assert_eq!(reply_long_long(null_mut(), 1), OK);
            assert_eq!(super::super::keys::string_truncate(null_mut(), 3), ERR);
            assert!(get_command(null_mut(), c"x".as_ptr()).is_null());
            assert_eq!(
                create_command(null_mut(), c"x".as_ptr(), None, c"".as_ptr(), 0, 0, 0),
                ERR
            );
        }
    }
}
