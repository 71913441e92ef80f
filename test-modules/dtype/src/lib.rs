//! `dtype`: exports a module data type (so MODULE UNLOAD must refuse it) holding a string:
//! `dtype.set key text`, `dtype.get key`, and `dtype.freed`, how many values the server gave
//! back to the type's `free` callback.

use std::ffi::c_void;
use std::sync::atomic::{AtomicI64, Ordering};

use valkey_module::alloc::ValkeyAlloc;
use valkey_module::native_types::ValkeyType;
use valkey_module::{Context, ValkeyResult, ValkeyString, ValkeyValue, raw, valkey_module};

static DTYPE: ValkeyType = ValkeyType::new(
    "dtype-v01",
    0,
    raw::RedisModuleTypeMethods {
        version: raw::REDISMODULE_TYPE_METHOD_VERSION as u64,
        rdb_load: None,
        rdb_save: None,
        aof_rewrite: None,
        free: Some(free),
        digest: None,
        mem_usage: Some(mem_usage),
        aux_load: None,
        aux_save: None,
        aux_save2: None,
        aux_save_triggers: 0,
        free_effort: None,
        unlink: None,
        copy: None,
        defrag: None,
        copy2: None,
        free_effort2: None,
        mem_usage2: None,
        unlink2: None,
    },
);

/// Values freed so far.
static FREED: AtomicI64 = AtomicI64::new(0);

/// The type's `free`: the server is done with a value.
unsafe extern "C" fn free(value: *mut c_void) {
    // SAFETY: a value `dtype.set` boxed; the server gives each back once.
    drop(unsafe { Box::from_raw(value.cast::<String>()) });
    FREED.fetch_add(1, Ordering::SeqCst);
}

/// The type's `mem_usage`: the string's heap bytes and its header.
unsafe extern "C" fn mem_usage(value: *const c_void) -> usize {
    // SAFETY: a value `dtype.set` boxed, alive while stored.
    let s = unsafe { &*value.cast::<String>() };
    s.capacity() + std::mem::size_of::<String>()
}

/// `dtype.set key text`: stores `text` as a value of the type.
fn dtype_set(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    let [_, key, text] = &args[..] else {
        return Err(valkey_module::ValkeyError::WrongArity);
    };
    let k = ctx.open_key_writable(key);
    k.set_value(&DTYPE, text.to_string())?;
    Ok(ValkeyValue::SimpleStringStatic("OK"))
}

/// `dtype.get key`: the text stored, or null.
fn dtype_get(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    let [_, key] = &args[..] else {
        return Err(valkey_module::ValkeyError::WrongArity);
    };
    let k = ctx.open_key(key);
    Ok(match k.get_value::<String>(&DTYPE)? {
        Some(s) => ValkeyValue::BulkString(s.clone()),
        None => ValkeyValue::Null,
    })
}

/// `dtype.freed`: values given back to `free` so far.
fn dtype_freed(_: &Context, _args: Vec<ValkeyString>) -> ValkeyResult {
    Ok(ValkeyValue::Integer(FREED.load(Ordering::SeqCst)))
}

/// `dtype.ping`: PONG.
fn dtype_ping(_: &Context, _args: Vec<ValkeyString>) -> ValkeyResult {
    Ok(ValkeyValue::SimpleStringStatic("PONG"))
}

valkey_module! {
    name: "dtype",
    version: 1,
    allocator: (ValkeyAlloc, ValkeyAlloc),
    data_types: [DTYPE],
    commands: [
        ["dtype.ping", dtype_ping, "readonly fast", 0, 0, 0],
        ["dtype.set", dtype_set, "write deny-oom", 1, 1, 1],
        ["dtype.get", dtype_get, "readonly", 1, 1, 1],
        ["dtype.freed", dtype_freed, "readonly fast", 0, 0, 0],
    ],
}
