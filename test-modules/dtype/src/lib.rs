//! `dtype`: exports a module data type, so MODULE UNLOAD must refuse it.

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
        free: None,
        digest: None,
        mem_usage: None,
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
    ],
}
