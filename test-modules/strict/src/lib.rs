//! `strict`: OnLoad accepts only numeric arguments; `strict.args` replies with them.

use std::sync::Mutex;

use valkey_module::alloc::ValkeyAlloc;
use valkey_module::{Context, Status, ValkeyResult, ValkeyString, valkey_module};

static LOADED_WITH: Mutex<Vec<i64>> = Mutex::new(Vec::new());

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

valkey_module! {
    name: "strict",
    version: 7,
    allocator: (ValkeyAlloc, ValkeyAlloc),
    data_types: [],
    preload: preload,
    commands: [
        ["strict.args", strict_args, "readonly", 0, 0, 0],
    ],
}
