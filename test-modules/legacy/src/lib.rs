//! `legacy`: a module built with the `redis-module` crate, which asks only for `RedisModule_*`
//! names and logs at load time.

use redis_module::{Context, RedisError, RedisResult, RedisString, redis_module};

/// `legacy.mul n [n ...]`: the numbers and their product.
fn legacy_mul(_: &Context, args: Vec<RedisString>) -> RedisResult {
    if args.len() < 2 {
        return Err(RedisError::WrongArity);
    }
    let nums = args
        .into_iter()
        .skip(1)
        .map(|s| s.parse_integer())
        .collect::<Result<Vec<i64>, RedisError>>()?;
    let product = nums.iter().product();
    let mut reply = nums;
    reply.push(product);
    Ok(reply.into())
}

redis_module! {
    name: "legacy",
    version: 2,
    allocator: (redis_module::alloc::RedisAlloc, redis_module::alloc::RedisAlloc),
    data_types: [],
    commands: [
        ["legacy.mul", legacy_mul, "fast", 0, 0, 0, ""],
    ],
}
