//! Module data types on the real keyspace: `ModuleTypeSetValue` stores the module's pointer
//! as a keyspace value of its type (TYPE names it, other commands answer WRONGTYPE, RENAME and
//! MOVE carry it), `ModuleTypeGetType` / `ModuleTypeGetValue` read it back, and once its key is
//! gone, whichever way, the type's `free` callback gets it ([`free_dropped`]).

use core::ffi::{c_int, c_void};
use core::ptr::null_mut;

use keyspace::ModuleValue;

use super::keys::{Key, WRITE, with_key};
use super::{ERR, ModuleType, OK, guard};
use crate::server::Server;

/// `size_t mem_usage(const void *value)`.
pub(crate) type MemUsageFn = unsafe extern "C" fn(*const c_void) -> usize;
/// `void free(void *value)`.
pub(crate) type FreeFn = unsafe extern "C" fn(*mut c_void);

/// The start of `ValkeyModuleTypeMethods`, the fields every version has (version 1 on).
#[repr(C)]
struct MethodsV1 {
    version: u64,
    rdb_load: *const c_void,
    rdb_save: *const c_void,
    aof_rewrite: *const c_void,
    mem_usage: Option<MemUsageFn>,
    digest: *const c_void,
    free: Option<FreeFn>,
}

/// The `mem_usage` and `free` callbacks of a type's methods.
///
/// # Safety
///
/// `methods` is NULL or points at a `ValkeyModuleTypeMethods` valid for the call.
pub(super) unsafe fn callbacks(methods: *const c_void) -> (Option<MemUsageFn>, Option<FreeFn>) {
    // SAFETY: per the contract; every version of the struct starts with these fields.
    match unsafe { methods.cast::<MethodsV1>().as_ref() } {
        Some(m) if m.version >= 1 => (m.mem_usage, m.free),
        _ => (None, None),
    }
}

/// `ValkeyModule_ModuleTypeSetValue` / `RedisModule_ModuleTypeSetValue`: replaces whatever
/// the key held (its TTL too) with `value` of type `mt`.
///
/// # Safety
///
/// Called only by a module through the API table: `key` a handle of ours (or NULL), `mt` a
/// type this host made (or NULL), `value` the module's pointer.
pub(super) unsafe extern "C" fn set_value(
    key: *mut Key,
    mt: *mut ModuleType,
    value: *mut c_void,
) -> c_int {
    guard(ERR, || {
        // SAFETY: NULL or a type CreateDataType made, alive while its module is loaded.
        let Some(mt) = (unsafe { mt.as_ref() }) else {
            return ERR;
        };
        with_key(key, ERR, |k, server, now| {
            if k.mode & WRITE == 0 {
                return ERR;
            }
            // SAFETY: the type's own callback on the module's value.
            let bytes = mt.mem_usage.map_or(0, |f| unsafe { f(value) });
            let v = ModuleValue {
                type_name: mt.name,
                // Exposed: the pointer comes back from this number ([`pointer`]).
                handle: value.expose_provenance() as u64,
                bytes,
            };
            let s = &mut *server;
            s.keyspace
                .set_module_value(k.db, &k.name, v, now, &mut s.changes);
            k.buf = None;
            k.dirty = false;
            OK
        })
    })
}

/// The module's pointer behind a stored handle.
fn pointer(handle: u64) -> *mut c_void {
    usize::try_from(handle).map_or(null_mut(), core::ptr::with_exposed_provenance_mut)
}

/// The module value under the handle's key, if it holds one.
fn stored(key: *mut Key) -> Option<ModuleValue> {
    with_key(key, None, |k, server, now| {
        let s = &mut *server;
        s.keyspace
            .module_value(k.db, &k.name, now, &mut s.changes)
            .cloned()
    })
}

/// `ValkeyModule_ModuleTypeGetType` / `RedisModule_ModuleTypeGetType`: the type of the
/// key's value, NULL if it holds none.
///
/// # Safety
///
/// Called only by a module through the API table: `key` a handle of ours (or NULL).
pub(super) unsafe extern "C" fn get_type(key: *mut Key) -> *mut ModuleType {
    guard(null_mut(), || {
        let Some(v) = stored(key) else {
            return null_mut();
        };
        super::with_server(|server, _, _| {
            server
                .modules
                .find_type(&v.type_name)
                .map_or(null_mut(), |t| core::ptr::from_ref(t).cast_mut())
        })
        .unwrap_or(null_mut())
    })
}

/// `ValkeyModule_ModuleTypeGetValue` / `RedisModule_ModuleTypeGetValue`: the module's pointer
/// stored under the key, NULL if it holds none.
///
/// # Safety
///
/// Called only by a module through the API table: `key` a handle of ours (or NULL).
pub(super) unsafe extern "C" fn get_value(key: *mut Key) -> *mut c_void {
    guard(null_mut(), || {
        stored(key).map_or(null_mut(), |v| pointer(v.handle))
    })
}

/// Gives every module value whose key is gone to its type's `free` callback (after each
/// burst of commands and each timer tick, outside any module call).
pub(crate) fn free_dropped(server: &mut Server) {
    for v in server.keyspace.take_dropped_module_values() {
        let free = server.modules.find_type(&v.type_name).and_then(|t| t.free);
        if let Some(free) = free {
            guard((), || {
                // SAFETY: the type's own `free` on a value it stored with ModuleTypeSetValue,
                // given back once: the keyspace hands each dropped value over one time.
                unsafe { free(pointer(v.handle)) };
            });
        }
    }
}
