//! `hello`: commands that read arguments, reply, and read and write string keys through
//! `open_key` / StringDMA, plus `hello.setargs` calling `UpdateRuntimeArgs`.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use valkey_module::alloc::ValkeyAlloc;
use valkey_module::configuration::{ConfigurationContext, ConfigurationFlags};
use valkey_module::{ConfigurationValue, InfoContext, enum_configuration};
use valkey_module::redisvalue::ValkeyValueKey;
use valkey_module::{
    Context, NextArg, Status, ValkeyError, ValkeyResult, ValkeyString, ValkeyValue, raw,
    valkey_module,
};

/// `hello.mul n [n ...]`: the numbers and their product.
fn hello_mul(_: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() < 2 {
        return Err(ValkeyError::WrongArity);
    }
    let nums = args
        .into_iter()
        .skip(1)
        .map(|s| s.parse_integer())
        .collect::<Result<Vec<i64>, ValkeyError>>()?;
    let product = nums.iter().product();
    let mut reply = nums;
    reply.push(product);
    Ok(reply.into())
}

/// `hello.set key value`: writes a string key through DMA.
fn hello_set(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() != 3 {
        return Err(ValkeyError::WrongArity);
    }
    let mut args = args.into_iter().skip(1);
    let key_name = args.next_arg()?;
    let value = args.next_arg()?;
    let key = ctx.open_key_writable(&key_name);
    let mut dma = key.as_string_dma()?;
    dma.write(value.as_slice())
        .map(|_| ValkeyValue::SimpleStringStatic("OK"))
}

/// `hello.get key`: reads a string key (null when missing).
fn hello_get(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() != 2 {
        return Err(ValkeyError::WrongArity);
    }
    let mut args = args.into_iter().skip(1);
    let key_name = args.next_arg()?;
    let key = ctx.open_key(&key_name);
    Ok(key.read()?.map_or(ValkeyValue::Null, |v| {
        ValkeyValue::StringBuffer(Vec::from(v))
    }))
}

/// `hello.put key value`: StringSet (replaces the value whole).
fn hello_put(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() != 3 {
        return Err(ValkeyError::WrongArity);
    }
    let key = ctx.open_key_writable(&args[1]);
    key.write(args[2].try_as_str()?)
}

/// `hello.del key`: DeleteKey.
fn hello_del(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() != 2 {
        return Err(ValkeyError::WrongArity);
    }
    let key = ctx.open_key_writable(&args[1]);
    key.delete()
}

/// `hello.len key`: KeyType and ValueLength of a key through the raw API (null if missing).
fn hello_len(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() != 2 {
        return Err(ValkeyError::WrongArity);
    }
    // SAFETY: the slots were filled by Init; the key handle is closed before returning.
    unsafe {
        let (Some(open), Some(kind), Some(len), Some(close)) = (
            raw::RedisModule_OpenKey,
            raw::RedisModule_KeyType,
            raw::RedisModule_ValueLength,
            raw::RedisModule_CloseKey,
        ) else {
            return Err(ValkeyError::Str("key API missing"));
        };
        let key = open(ctx.ctx, args[1].inner, 1 as _);
        if key.is_null() {
            return Ok(ValkeyValue::Null);
        }
        let reply = ValkeyValue::Array(vec![
            ValkeyValue::Integer(i64::from(kind(key))),
            ValkeyValue::Integer(len(key) as i64),
        ]);
        close(key);
        Ok(reply)
    }
}

/// `hello.kinds`: a map holding a bool, a double, a big number and a set (RESP3 types).
fn hello_kinds(_: &Context, _args: Vec<ValkeyString>) -> ValkeyResult {
    let key = |s: &str| ValkeyValueKey::String(s.into());
    let mut m = BTreeMap::new();
    m.insert(key("b"), ValkeyValue::Bool(true));
    m.insert(key("d"), ValkeyValue::Float(1.5));
    m.insert(key("n"), ValkeyValue::BigNumber("123".into()));
    m.insert(key("s"), ValkeyValue::Set(HashSet::from([key("x")])));
    Ok(ValkeyValue::OrderedMap(m))
}

/// `hello.autoset key value`: under AutoMemory, writes through DMA and leaves the key and a
/// created string open: the server must close (and write back) and free them.
fn hello_autoset(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    if args.len() != 3 {
        return Err(ValkeyError::WrongArity);
    }
    ctx.auto_memory();
    let value = args[2].as_slice();
    // SAFETY: the slots were filled by Init; the pointers are used within this call.
    unsafe {
        let (Some(open), Some(truncate), Some(dma), Some(create)) = (
            raw::RedisModule_OpenKey,
            raw::RedisModule_StringTruncate,
            raw::RedisModule_StringDMA,
            raw::RedisModule_CreateString,
        ) else {
            return Err(ValkeyError::Str("key API missing"));
        };
        let key = open(ctx.ctx, args[1].inner, 2 as _);
        if truncate(key, value.len()) != 0 {
            return Err(ValkeyError::Str("truncate failed"));
        }
        let mut len = 0;
        let p = dma(key, &mut len, 2 as _);
        std::ptr::copy_nonoverlapping(value.as_ptr(), p.cast::<u8>(), len.min(value.len()));
        let _leaked = create(ctx.ctx, value.as_ptr().cast(), value.len());
    }
    Ok(ValkeyValue::SimpleStringStatic("OK"))
}

/// `hello.arity x`: registered by the `#[command]` proc macro, so through GetCommand and
/// SetCommandInfo (arity 2, read-only, its argument a key).
#[valkey_module_macros::command(
    {
        name: "hello.arity",
        flags: [ReadOnly],
        arity: 2,
        key_spec: [
            {
                flags: [ReadOnly, Access],
                begin_search: Index({ index : 1 }),
                find_keys: Range({ last_key : 0, steps : 1, limit : 0 }),
            }
        ],
    }
)]
fn hello_arity(_ctx: &Context, args: Vec<ValkeyString>) -> Result<ValkeyValue, ValkeyError> {
    Ok(ValkeyValue::BulkString(args[1].to_string()))
}

/// `hello.setargs [arg ...]`: replaces the module's runtime args (argv[0] is skipped by the
/// server, as Valkey does).
fn hello_setargs(ctx: &Context, args: Vec<ValkeyString>) -> ValkeyResult {
    let mut raw_args: Vec<*mut raw::ValkeyModuleString> =
        args.iter().map(|a| a.inner.cast()).collect();
    // SAFETY: the slot was filled by ValkeyModule_Init (or is None); the strings live for the
    // call.
    let status = unsafe {
        match raw::ValkeyModule_UpdateRuntimeArgs {
            Some(f) => f(ctx.ctx.cast(), raw_args.as_mut_ptr(), raw_args.len() as i32),
            None => return Err(ValkeyError::Str("UpdateRuntimeArgs missing")),
        }
    };
    if status == 0 {
        Ok(ValkeyValue::SimpleStringStatic("OK"))
    } else {
        Err(ValkeyError::Str("update failed"))
    }
}

/// Logs the arguments it was loaded with.
fn init(ctx: &Context, args: &[ValkeyString]) -> Status {
    ctx.log_notice(&format!("hello loaded with {} args", args.len()));
    Status::Ok
}

enum_configuration! {
    /// `hello.mode`.
    #[derive(Copy, PartialEq)]
    enum Mode {
        Fast = 1,
        Safe = 2,
    }
}

/// `hello.level`: a number from 0 to 100.
static LEVEL: AtomicI64 = AtomicI64::new(0);
/// `hello.greeting`: refuses values containing "bad".
static GREETING: Mutex<String> = Mutex::new(String::new());
/// `hello.loud`.
static LOUD: AtomicBool = AtomicBool::new(false);
/// `hello.mode`.
static MODE: Mutex<Mode> = Mutex::new(Mode::Fast);
/// `hello.limit`: immutable, a memory size.
static LIMIT: AtomicI64 = AtomicI64::new(0);

/// Refuses a greeting containing "bad" (the module's own validation).
fn check_greeting(
    ctx: &ConfigurationContext,
    _: &str,
    v: &'static Mutex<String>,
) -> Result<(), ValkeyError> {
    let text: ValkeyString = v.get(ctx);
    if text.to_string_lossy().contains("bad") {
        return Err(ValkeyError::Str("Cannot set greeting to a bad value"));
    }
    Ok(())
}

/// INFO `hello`: a section with a field and a dict field, as the module's info callback writes
/// them.
fn hello_info(ctx: &InfoContext, _for_crash_report: bool) {
    let built = ctx
        .builder()
        .add_section("stats")
        .field("level", LEVEL.load(Ordering::SeqCst).to_string())
        .and_then(|s| s.field("loud", if LOUD.load(Ordering::SeqCst) { "yes" } else { "no" }))
        .and_then(|s| {
            s.add_dictionary("limits")
                .field("limit", LIMIT.load(Ordering::SeqCst).to_string())?
                .field("max", "100")?
                .build_dictionary()
        })
        .and_then(|s| s.build_section())
        .and_then(|b| b.build_info());
    drop(built);
}

/// `hello.config`: the configurations as the module sees them.
fn hello_config(_: &Context, _args: Vec<ValkeyString>) -> ValkeyResult {
    let greeting = GREETING.lock().map(|g| g.clone()).unwrap_or_default();
    let mode = MODE.lock().map(|m| *m as i64).unwrap_or(0);
    Ok(ValkeyValue::Array(vec![
        ValkeyValue::Integer(LEVEL.load(Ordering::SeqCst)),
        ValkeyValue::BulkString(greeting),
        ValkeyValue::Integer(i64::from(LOUD.load(Ordering::SeqCst))),
        ValkeyValue::Integer(mode),
        ValkeyValue::Integer(LIMIT.load(Ordering::SeqCst)),
    ]))
}

valkey_module! {
    name: "hello",
    version: 3,
    allocator: (ValkeyAlloc, ValkeyAlloc),
    data_types: [],
    init: init,
    info: hello_info,
    commands: [
        ["hello.mul", hello_mul, "fast", 0, 0, 0],
        ["hello.set", hello_set, "write fast deny-oom", 1, 1, 1],
        ["hello.get", hello_get, "readonly fast", 1, 1, 1],
        ["hello.setargs", hello_setargs, "", 0, 0, 0],
        ["hello.put", hello_put, "write deny-oom", 1, 1, 1],
        ["hello.del", hello_del, "write", 1, 1, 1],
        ["hello.len", hello_len, "readonly", 1, 1, 1],
        ["hello.kinds", hello_kinds, "readonly", 0, 0, 0],
        ["hello.autoset", hello_autoset, "write", 1, 1, 1],
        ["hello.config", hello_config, "readonly", 0, 0, 0],
    ],
    configurations: [
        i64: [
            ["level", &LEVEL, 5, 0, 100, ConfigurationFlags::DEFAULT, None],
            ["limit", &LIMIT, 1024, 0, 1 << 30, ConfigurationFlags::IMMUTABLE | ConfigurationFlags::MEMORY, None],
        ],
        string: [
            ["greeting", &GREETING, "hi there", ConfigurationFlags::DEFAULT, None, Some(Box::new(check_greeting))],
        ],
        bool: [
            ["loud", &LOUD, false, ConfigurationFlags::DEFAULT, None],
        ],
        enum: [
            ["mode", &MODE, Mode::Fast, ConfigurationFlags::DEFAULT, None],
        ],
        module_args_as_configuration: false,
    ]
}
