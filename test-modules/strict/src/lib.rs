//! `strict`: OnLoad accepts only numeric arguments; `strict.args` replies with them.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use valkey_module::alloc::ValkeyAlloc;
use valkey_module::{Context, Status, ValkeyResult, ValkeyString, valkey_module};

static LOADED_WITH: Mutex<Vec<i64>> = Mutex::new(Vec::new());
/// While set, OnUnload refuses.
static HOLD: AtomicBool = AtomicBool::new(false);

/// Refuses any argument that is not an integer.
fn preload(ctx: &Context, args: &[ValkeyString]) -> Status {
    let mut nums = Vec::new();
    for a in args {
        match a.parse_integer() {
            Ok(n) => nums.push(n),
            Err(_) => {
                ctx.log_warning(&format!("strict: not a number: {a}"));
                return Status::Err;
            }
        }
    }
    *LOADED_WITH.lock().unwrap() = nums;
    Status::Ok
}

/// `strict.args`: the numbers OnLoad accepted.
fn strict_args(_: &Context, _args: Vec<ValkeyString>) -> ValkeyResult {
    Ok(LOADED_WITH.lock().unwrap().clone().into())
}

/// `strict.hold 0|1`: makes OnUnload refuse (1) or agree (0).
fn strict_hold(_: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    let on = args
        .get(1)
        .map(|a| a.parse_integer())
        .transpose()?
        .unwrap_or(1);
    HOLD.store(on != 0, Ordering::Relaxed);
    Ok(valkey_module::ValkeyValue::SimpleStringStatic("OK"))
}

/// OnUnload: refuses while held.
fn deinit(_: &Context) -> Status {
    if HOLD.load(Ordering::Relaxed) {
        Status::Err
    } else {
        Status::Ok
    }
}

valkey_module! {
    name: "strict",
    version: 7,
    allocator: (ValkeyAlloc, ValkeyAlloc),
    data_types: [],
    preload: preload,
    deinit: deinit,
    commands: [
        ["strict.args", strict_args, "readonly", 0, 0, 0],
        ["strict.hold", strict_hold, "", 0, 0, 0],
    ],
}
