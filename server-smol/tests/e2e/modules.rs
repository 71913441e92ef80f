//! Native modules end to end: the test modules in `test-modules/` (cdylibs built against
//! crates.io's `valkey-module`) are built once per run, loaded by the real binary, and called.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use redis::Value;

use crate::support::{Server, eventually};

const LOAD_ERROR: &str = "Error loading the extension. Please check the server logs.";

/// Builds the test modules once per test run; the directory holding the `.so` files.
fn modules_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-modules/Cargo.toml");
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-modules");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args(["build", "--release", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .expect("run cargo to build the test modules");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            if stderr.contains("libclang") {
                panic!(
                    "building the test modules needs libclang for bindgen: install it with \
                     `apt-get install -y libclang-dev` (Debian/Ubuntu)\n{stderr}"
                );
            }
            panic!("building the test modules failed:\n{stderr}");
        }
        target.join("release")
    })
}

/// The path of test module `name`.
pub(crate) fn module(name: &str) -> String {
    let p = modules_dir().join(format!("libtest_module_{name}.so"));
    assert!(p.exists(), "{} was not built", p.display());
    p.display().to_string()
}

/// A fresh scratch directory.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("server-smol-mod-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn q(r: &mut redis::Connection, args: &[&str]) -> redis::RedisResult<Value> {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    c.query(r)
}

pub(crate) fn ok(r: &mut redis::Connection, args: &[&str]) -> Value {
    q(r, args).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

pub(crate) fn err(r: &mut redis::Connection, args: &[&str]) -> String {
    match q(r, args) {
        Ok(v) => panic!("{args:?} succeeded: {v:?}"),
        Err(e) => {
            let code = e.code().unwrap_or("");
            let detail = e.detail().unwrap_or("");
            format!("{code} {detail}").trim().to_string()
        }
    }
}

pub(crate) fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

fn ints(v: &[i64]) -> Value {
    Value::Array(v.iter().map(|&i| Value::Int(i)).collect())
}

/// MODULE LIST as (name, ver, path, args) tuples, from the RESP2 flat maps.
fn list(r: &mut redis::Connection) -> Vec<(String, i64, String, Vec<String>)> {
    let Value::Array(mods) = ok(r, &["MODULE", "LIST"]) else {
        panic!("MODULE LIST is not an array")
    };
    mods.into_iter()
        .map(|m| {
            let items = match m {
                Value::Array(items) => items,
                Value::Map(pairs) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
                other => panic!("module entry {other:?}"),
            };
            let s = |v: &Value| match v {
                Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
                other => panic!("not a bulk {other:?}"),
            };
            let keys: Vec<String> = items.iter().step_by(2).map(s).collect();
            assert_eq!(keys, ["name", "ver", "path", "args"]);
            let Value::Int(ver) = items[3] else {
                panic!("ver")
            };
            let Value::Array(args) = &items[7] else {
                panic!("args")
            };
            (
                s(&items[1]),
                ver,
                s(&items[5]),
                args.iter().map(s).collect(),
            )
        })
        .collect()
}

fn args_of(r: &mut redis::Connection, name: &str) -> Vec<String> {
    list(r)
        .into_iter()
        .find(|m| m.0 == name)
        .unwrap_or_else(|| panic!("{name} not loaded"))
        .3
}

#[test]
fn load_call_list_and_unload_a_valkey_module() {
    let hello = module("hello");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(
        ok(&mut r, &["MODULE", "LOAD", &hello, "a", "b c"]),
        Value::Okay
    );
    server.wait_log("Module 'hello' loaded from");
    assert_eq!(
        list(&mut r),
        [(
            "hello".into(),
            3,
            hello.clone(),
            vec!["a".into(), "b c".into()]
        )]
    );
    assert_eq!(
        ok(&mut r, &["hello.mul", "2", "3", "4"]),
        ints(&[2, 3, 4, 24])
    );
    assert_eq!(
        err(&mut r, &["HELLO.MUL"]),
        "ERR wrong number of arguments for 'hello.mul' command"
    );
    assert_eq!(
        err(&mut r, &["hello.mul", "2", "x"]),
        "Couldn't parse as integer"
    );
    // Strings written through DMA are real keyspace values, and the other way round.
    assert_eq!(ok(&mut r, &["hello.set", "k", "v1"]), Value::Okay);
    assert_eq!(ok(&mut r, &["GET", "k"]), bulk("v1"));
    assert_eq!(ok(&mut r, &["SET", "n", "12345"]), Value::Okay);
    assert_eq!(ok(&mut r, &["hello.get", "n"]), bulk("12345"));
    assert_eq!(ok(&mut r, &["hello.set", "n", "x"]), Value::Okay);
    assert_eq!(ok(&mut r, &["GET", "n"]), bulk("x"));
    assert_eq!(ok(&mut r, &["hello.get", "missing"]), Value::Nil);
    // The command table knows them like built-ins: flags, keys.
    let info = format!("{:?}", ok(&mut r, &["COMMAND", "INFO", "hello.set"]));
    for part in ["hello.set", "write", "denyoom", "module", "fast"] {
        assert!(info.contains(part), "{part} missing in {info}");
    }
    assert_eq!(
        ok(&mut r, &["COMMAND", "GETKEYS", "hello.set", "key1", "v"]),
        Value::Array(vec![bulk("key1")])
    );
    // INFO modules, HELLO's modules field.
    let text: String = redis::cmd("INFO")
        .arg("modules")
        .query(&mut r)
        .expect("info");
    assert!(
        text.contains("module:name=hello,ver=3,api=1,filters=0,usedby=[],using=[],options=[]"),
        "{text}"
    );
    let hello3 = format!("{:?}", ok(&mut r, &["HELLO", "3"]));
    assert!(
        hello3.contains("hello") && hello3.contains("b c"),
        "{hello3}"
    );
    let mut r = server.redis(false);
    // A `#[command]` proc-macro command: GetCommand + SetCommandInfo set its arity (2).
    assert_eq!(ok(&mut r, &["hello.arity", "x"]), bulk("x"));
    assert_eq!(
        err(&mut r, &["hello.arity"]),
        "ERR wrong number of arguments for 'hello.arity' command"
    );
    assert_eq!(
        ok(&mut r, &["COMMAND", "GETKEYS", "hello.arity", "thekey"]),
        Value::Array(vec![bulk("thekey")])
    );
    let info = format!("{:?}", ok(&mut r, &["COMMAND", "INFO", "hello.arity"]));
    assert!(info.contains("int(2), array([simple-string(\"readonly\"), simple-string(\"module\")]), int(1), int(1), int(1)"), "{info}");
    assert!(
        info.contains("int(2)") && info.contains("readonly"),
        "{info}"
    );
    // UpdateRuntimeArgs from the module itself: argv[0] skipped.
    assert_eq!(ok(&mut r, &["hello.setargs", "x", "y"]), Value::Okay);
    assert_eq!(args_of(&mut r, "hello"), ["x", "y"]);

    assert_eq!(ok(&mut r, &["MODULE", "UNLOAD", "HELLO"]), Value::Okay);
    server.wait_log("Module hello unloaded");
    assert!(err(&mut r, &["hello.mul", "1"]).starts_with("ERR unknown command 'hello.mul'"));
    assert!(list(&mut r).is_empty());
    assert_eq!(ok(&mut r, &["GET", "k"]), bulk("v1"));
    // Loaded again after an unload.
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &hello]), Value::Okay);
    assert_eq!(ok(&mut r, &["hello.mul", "5"]), ints(&[5, 5]));
}

#[test]
fn bad_modules_get_the_load_error_and_the_reason_in_the_log() {
    let hello = module("hello");
    let strict = module("strict");
    let dir = scratch("bad");
    let text = dir.join("not-a-module.so");
    std::fs::write(&text, "just text\n").expect("write");
    let _ = Command::new("chmod").arg("+x").arg(&text).status();
    let noexec = dir.join("noexec.so");
    std::fs::copy(&hello, &noexec).expect("copy");
    let _ = Command::new("chmod").arg("-x").arg(&noexec).status();
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &hello]), Value::Okay);
    let want = format!("ERR {LOAD_ERROR}");
    let cases: &[(&[&str], &str)] = &[
        (&["MODULE", "LOAD", "/nonexistent/m.so"], "failed to load"),
        (
            &["MODULE", "LOAD", &text.display().to_string()],
            "failed to load",
        ),
        (
            &["MODULE", "LOAD", &noexec.display().to_string()],
            "It does not have execute permissions.",
        ),
        (
            &["MODULE", "LOAD", &strict, "1", "two"],
            "strict: not a number: two",
        ),
        (&["MODULE", "LOAD", &hello], "Module name is busy"),
        (
            &[
                "MODULE", "LOADEX", &strict, "CONFIG", "strict.a", "b", "ARGS", "1",
            ],
            "Loadex configurations were not applied",
        ),
        (
            &["MODULE", "LOADEX", &hello, "BOGUS"],
            "Syntax error in MODULE LOADEX",
        ),
    ];
    for (args, reason) in cases {
        assert_eq!(err(&mut r, args), want, "{args:?}");
        server.wait_log(reason);
    }
    // Everything else is intact.
    assert_eq!(ok(&mut r, &["PING"]), Value::SimpleString("PONG".into()));
    assert_eq!(ok(&mut r, &["hello.mul", "6"]), ints(&[6, 6]));
    assert_eq!(list(&mut r).len(), 1);
    // LOADEX ARGS: everything after it is an argument.
    assert_eq!(
        ok(&mut r, &["MODULE", "LOADEX", &strict, "ARGS", "4", "5"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[4, 5]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn module_command_gating_follows_enable_module_command() {
    let hello = module("hello");
    let refused = "ERR MODULE command not allowed. If the enable-module-command option is set to \
                   \"local\", you can run it from a local connection, otherwise you need to set \
                   this option in the configuration file, and then restart the server.";
    let server = Server::start(&[]);
    let mut r = server.redis(false);
    assert_eq!(err(&mut r, &["MODULE", "LOAD", &hello]), refused);
    assert_eq!(err(&mut r, &["MODULE", "UNLOAD", "hello"]), refused);
    assert_eq!(
        err(&mut r, &["MODULE", "SET-ARGUMENT", "hello", "1"]),
        refused
    );
    // LIST and HELP are not protected.
    assert!(list(&mut r).is_empty());
    let Value::Array(help) = ok(&mut r, &["MODULE", "HELP"]) else {
        panic!("help")
    };
    assert_eq!(help.len(), 15);
    assert_eq!(
        err(&mut r, &["MODULE", "LOAD"]),
        "ERR wrong number of arguments for 'module|load' command"
    );
    assert_eq!(
        err(&mut r, &["CONFIG", "SET", "enable-module-command", "yes"]),
        "ERR CONFIG SET failed (possibly related to argument 'enable-module-command') - can't set immutable config"
    );
    drop(server);
    let server = Server::start(&["--enable-module-command", "local"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &hello]), Value::Okay);
}

#[test]
fn a_module_with_a_data_type_cannot_be_unloaded_and_stores_new_args() {
    let dtype = module("dtype");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &dtype, "x"]), Value::Okay);
    assert_eq!(
        err(&mut r, &["MODULE", "UNLOAD", "dtype"]),
        "ERR Error unloading module: the module exports one or more module-side data types, \
         can't unload"
    );
    assert_eq!(
        err(&mut r, &["MODULE", "UNLOAD", "nope"]),
        "ERR Error unloading module: no such module with that name"
    );
    assert_eq!(
        ok(&mut r, &["MODULE", "SET-ARGUMENT", "dtype", "y"]),
        Value::SimpleString(
            "OK arguments stored for the next start, the module cannot be restarted now: the \
             module exports one or more module-side data types, can't unload"
                .into()
        )
    );
    assert_eq!(args_of(&mut r, "dtype"), ["y"]);
    assert_eq!(
        ok(&mut r, &["dtype.ping"]),
        Value::SimpleString("PONG".into())
    );
}

#[test]
fn module_data_type_values_live_in_the_keyspace_and_are_freed_when_their_keys_go() {
    let dtype = module("dtype");
    let server = Server::start(&["--enable-module-command", "yes", "--hz", "100"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &dtype]), Value::Okay);
    let freed = |r: &mut redis::Connection| ok(r, &["dtype.freed"]);
    assert_eq!(ok(&mut r, &["dtype.set", "k", "hello"]), Value::Okay);
    assert_eq!(
        ok(&mut r, &["dtype.get", "k"]),
        Value::BulkString(b"hello".to_vec())
    );
    assert_eq!(ok(&mut r, &["dtype.get", "none"]), Value::Nil);
    assert_eq!(
        ok(&mut r, &["TYPE", "k"]),
        Value::SimpleString("dtype-v01".into())
    );
    assert_eq!(
        ok(&mut r, &["OBJECT", "ENCODING", "k"]),
        Value::BulkString(b"raw".to_vec())
    );
    assert!(err(&mut r, &["GET", "k"]).starts_with("WRONGTYPE"));
    assert_eq!(
        err(&mut r, &["COPY", "k", "k2"]),
        "ERR not supported for this module key"
    );
    // MEMORY USAGE counts what the type's mem_usage reports.
    let Value::Int(bytes) = ok(&mut r, &["MEMORY", "USAGE", "k"]) else {
        panic!("MEMORY USAGE answers an integer");
    };
    assert!(bytes >= 24 + 5, "{bytes}");
    // A string key is not the module's type: the module sees that.
    assert_eq!(ok(&mut r, &["SET", "s", "v"]), Value::Okay);
    assert!(err(&mut r, &["dtype.get", "s"]).contains("wrong Valkey type"));
    // RENAME carries the value; nothing is freed.
    assert_eq!(ok(&mut r, &["RENAME", "k", "moved"]), Value::Okay);
    assert_eq!(
        ok(&mut r, &["dtype.get", "moved"]),
        Value::BulkString(b"hello".to_vec())
    );
    assert_eq!(freed(&mut r), Value::Int(0));

    // Every way a key goes hands the value to the type's free, once.
    assert_eq!(ok(&mut r, &["DEL", "moved"]), Value::Int(1));
    assert_eq!(freed(&mut r), Value::Int(1));
    assert_eq!(ok(&mut r, &["dtype.set", "a", "1"]), Value::Okay);
    assert_eq!(ok(&mut r, &["dtype.set", "a", "2"]), Value::Okay);
    assert_eq!(freed(&mut r), Value::Int(2), "overwritten by the module");
    assert_eq!(ok(&mut r, &["SET", "a", "string"]), Value::Okay);
    assert_eq!(freed(&mut r), Value::Int(3), "overwritten by SET");
    assert_eq!(ok(&mut r, &["dtype.set", "t", "x"]), Value::Okay);
    assert_eq!(ok(&mut r, &["PEXPIRE", "t", "1"]), Value::Int(1));
    eventually("active expiry to free the value", || {
        (freed(&mut r) == Value::Int(4)).then_some(())
    });
    for k in ["f1", "f2"] {
        assert_eq!(ok(&mut r, &["dtype.set", k, "y"]), Value::Okay);
    }
    assert_eq!(ok(&mut r, &["FLUSHALL"]), Value::Okay);
    assert_eq!(freed(&mut r), Value::Int(6));
}

#[test]
fn set_argument_restarts_the_module_and_rolls_back_when_it_refuses() {
    let strict = module("strict");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(
        ok(&mut r, &["MODULE", "LOAD", &strict, "1", "2"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[1, 2]));
    assert_eq!(
        ok(&mut r, &["MODULE", "SET-ARGUMENT", "strict", "5"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[5]));
    assert_eq!(args_of(&mut r, "strict"), ["5"]);
    let e = err(&mut r, &["MODULE", "SET-ARGUMENT", "strict", "nope"]);
    assert!(
        e.starts_with("ERR Error set arguments for module: the module rejected the arguments"),
        "{e}"
    );
    server.wait_log("strict: not a number: nope");
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[5]));
    assert_eq!(args_of(&mut r, "strict"), ["5"]);
    assert_eq!(
        ok(&mut r, &["MODULE", "RESET-ARGUMENT", "strict"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[1, 2]));
    assert_eq!(args_of(&mut r, "strict"), ["1", "2"]);
    assert_eq!(
        err(&mut r, &["MODULE", "SET-ARGUMENT", "ghost", "1"]),
        "ERR Error set arguments for module: no such module with that name"
    );
}

#[test]
fn config_rewrite_persists_runtime_args_across_a_restart() {
    let strict = module("strict");
    let hello = module("hello");
    let dir = scratch("rewrite");
    let conf = dir.join("valkey.conf");
    std::fs::write(
        &conf,
        format!(
            "enable-module-command yes\nloadmodule {strict} 1 2\nloadmodule {hello} greeting \"good day\"\n"
        ),
    )
    .expect("write conf");
    let conf_s = conf.display().to_string();
    let mut server = Server::start(&[&conf_s]);
    let mut r = server.redis(false);
    assert_eq!(args_of(&mut r, "hello"), ["greeting", "good day"]);
    assert_eq!(
        ok(&mut r, &["MODULE", "SET-ARGUMENT", "strict", "7", "8"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["hello.setargs", "it's", ""]), Value::Okay);
    assert_eq!(ok(&mut r, &["CONFIG", "REWRITE"]), Value::Okay);
    let text = std::fs::read_to_string(&conf).expect("read conf");
    assert_eq!(text.matches("loadmodule").count(), 2, "{text}");
    assert!(text.contains(&format!("loadmodule {strict} 7 8")), "{text}");
    assert!(server.terminate().success());
    let server = Server::start(&[&conf_s]);
    let mut r = server.redis(false);
    let names: Vec<String> = list(&mut r).into_iter().map(|m| m.0).collect();
    assert_eq!(names, ["strict", "hello"]);
    assert_eq!(args_of(&mut r, "strict"), ["7", "8"]);
    assert_eq!(args_of(&mut r, "hello"), ["it's", ""]);
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[7, 8]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_module_that_fails_at_startup_stops_the_server() {
    let strict = module("strict");
    let refusal = Server::refuse(&["--loadmodule", &strict, "zz"]);
    assert!(!refusal.status.success());
}

#[test]
fn hot_reload_follows_the_file_and_keeps_the_last_good_version() {
    let strict = module("strict");
    let dir = scratch("hot");
    let live = dir.join("strict.so");
    std::fs::copy(&strict, &live).expect("copy");
    let live_s = live.display().to_string();
    let server = Server::start(&[
        "--enable-module-command",
        "yes",
        "--module-auto-reload",
        "yes",
        "--hz",
        "100",
        "--loadmodule",
        &live_s,
        "3",
    ]);
    let mut r = server.redis(false);
    // A client keeps calling the module while its file changes.
    let port = server.port;
    let stop = std::sync::Arc::new(core::sync::atomic::AtomicBool::new(false));
    let caller = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).expect("c");
            let mut c = client.get_connection().expect("connect");
            let mut calls = 0u64;
            while !stop.load(core::sync::atomic::Ordering::Relaxed) {
                let v: Vec<i64> = redis::cmd("strict.args")
                    .query(&mut c)
                    .unwrap_or_else(|e| panic!("no failed call: {e}"));
                assert_eq!(v, [3]);
                calls += 1;
            }
            calls
        })
    };
    // A new build written over the file in place (the running code is a private copy, so this
    // cannot disturb it): reloaded. Appending a byte changes the size, so the identity changes
    // even within one mtime tick.
    let mut build = std::fs::read(&strict).expect("read");
    build.push(0);
    std::fs::write(&live, &build).expect("rewrite in place");
    server.wait_log("Module strict reloaded");
    // A broken build: the last good version keeps serving and INFO says why.
    std::fs::remove_file(&live).expect("rm");
    std::fs::write(&live, "garbage").expect("write");
    let _ = Command::new("chmod").arg("+x").arg(&live).status();
    server.wait_log("reload not started");
    let text: String = redis::cmd("INFO")
        .arg("modules")
        .query(&mut r)
        .expect("info");
    assert!(text.contains("module:name=strict,ver=7"), "{text}");
    assert!(text.contains("reload=failed"), "{text}");
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[3]));
    // Fixed again: back to a plain state.
    std::fs::remove_file(&live).expect("rm");
    std::fs::copy(&strict, &live).expect("copy fixed");
    eventually("the fixed build to load", || {
        let text: String = redis::cmd("INFO").arg("modules").query(&mut r).ok()?;
        (!text.contains("reload=")).then_some(())
    });
    stop.store(true, core::sync::atomic::Ordering::Relaxed);
    assert!(caller.join().expect("caller") > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_redis_module_crate_module_loads_through_the_redis_prefix() {
    let legacy = module("legacy");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &legacy]), Value::Okay);
    // `Log` (variadic, through the C shim) in Valkey's module log format.
    let line = server.wait_log("<legacy> ");
    assert!(line.contains(":M ") && line.contains("defrag"), "{line}");
    server.wait_log("Module 'legacy' loaded from");
    assert_eq!(ok(&mut r, &["legacy.mul", "3", "7"]), ints(&[3, 7, 21]));
    assert_eq!(
        err(&mut r, &["legacy.mul"]),
        "ERR wrong number of arguments for 'legacy.mul' command"
    );
    assert_eq!(list(&mut r)[0].1, 2);
    assert_eq!(ok(&mut r, &["MODULE", "UNLOAD", "legacy"]), Value::Okay);
}

#[test]
fn on_unload_refusing_blocks_unload_and_stores_new_args() {
    let strict = module("strict");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &strict, "1"]), Value::Okay);
    assert_eq!(ok(&mut r, &["strict.hold", "1"]), Value::Okay);
    assert_eq!(
        err(&mut r, &["MODULE", "UNLOAD", "strict"]),
        "ERR Error unloading module: operation not possible."
    );
    assert_eq!(
        ok(&mut r, &["MODULE", "SET-ARGUMENT", "strict", "2"]),
        Value::SimpleString(
            "OK arguments stored for the next start, the module cannot be restarted now: \
             operation not possible."
                .into()
        )
    );
    // Still the running instance with its old arguments; LIST shows the stored ones.
    assert_eq!(ok(&mut r, &["strict.args"]), ints(&[1]));
    assert_eq!(args_of(&mut r, "strict"), ["2"]);
    assert_eq!(ok(&mut r, &["strict.hold", "0"]), Value::Okay);
    assert_eq!(ok(&mut r, &["MODULE", "UNLOAD", "strict"]), Value::Okay);
    assert!(list(&mut r).is_empty());
}

#[test]
fn config_rewrite_updates_a_module_line_in_its_included_file() {
    let strict = module("strict");
    let dir = scratch("include");
    let conf = dir.join("valkey.conf");
    let mods = dir.join("modules.conf");
    std::fs::write(&mods, format!("# modules\nloadmodule {strict} 1\n")).expect("write");
    std::fs::write(
        &conf,
        format!("enable-module-command yes\ninclude {}\n", mods.display()),
    )
    .expect("write conf");
    let conf_s = conf.display().to_string();
    let mut server = Server::start(&[&conf_s]);
    let mut r = server.redis(false);
    assert_eq!(
        ok(&mut r, &["MODULE", "SET-ARGUMENT", "strict", "4"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["CONFIG", "REWRITE"]), Value::Okay);
    let main = std::fs::read_to_string(&conf).expect("read");
    assert!(!main.contains("loadmodule"), "{main}");
    let included = std::fs::read_to_string(&mods).expect("read");
    assert_eq!(included, format!("# modules\nloadmodule {strict} 4\n"));
    assert!(server.terminate().success());
    let server = Server::start(&[&conf_s]);
    let mut r = server.redis(false);
    assert_eq!(args_of(&mut r, "strict"), ["4"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hot_reload_rolls_back_when_the_new_build_refuses_its_arguments() {
    let hello = module("hello");
    let strict = module("strict");
    let dir = scratch("hot-rollback");
    let live = dir.join("module.so");
    std::fs::copy(&hello, &live).expect("copy");
    let live_s = live.display().to_string();
    let server = Server::start(&[
        "--module-auto-reload",
        "yes",
        "--hz",
        "100",
        "--loadmodule",
        &live_s,
        "greeting",
    ]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["hello.mul", "2"]), ints(&[2, 2]));
    // The new file is a module whose OnLoad rejects "greeting": the old build is loaded again.
    std::fs::remove_file(&live).expect("rm");
    std::fs::copy(&strict, &live).expect("copy strict");
    server.wait_log("strict: not a number: greeting");
    server.wait_log("the previous version keeps serving");
    let text: String = redis::cmd("INFO")
        .arg("modules")
        .query(&mut r)
        .expect("info");
    assert!(text.contains("module:name=hello,ver=3"), "{text}");
    assert!(text.contains("reload=rolled_back"), "{text}");
    assert_eq!(ok(&mut r, &["hello.mul", "2", "5"]), ints(&[2, 5, 10]));
    assert!(err(&mut r, &["strict.args"]).starts_with("ERR unknown command"));
    assert_eq!(args_of(&mut r, "hello"), ["greeting"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn module_key_functions_work_on_the_real_keyspace() {
    let hello = module("hello");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["MODULE", "LOAD", &hello]), Value::Okay);
    // StringSet, then KeyType (1 = string) and ValueLength.
    assert_eq!(ok(&mut r, &["hello.put", "k", "hello world"]), Value::Okay);
    assert_eq!(ok(&mut r, &["GET", "k"]), bulk("hello world"));
    assert_eq!(ok(&mut r, &["hello.len", "k"]), ints(&[1, 11]));
    assert_eq!(ok(&mut r, &["SET", "i", "-42"]), Value::Okay);
    assert_eq!(ok(&mut r, &["hello.len", "i"]), ints(&[1, 3]));
    // Collections: KeyType's code and their number of elements.
    assert_eq!(ok(&mut r, &["RPUSH", "l", "a", "b", "c"]), Value::Int(3));
    assert_eq!(ok(&mut r, &["hello.len", "l"]), ints(&[2, 3]));
    assert_eq!(
        ok(&mut r, &["HSET", "h", "f", "v", "g", "w"]),
        Value::Int(2)
    );
    assert_eq!(ok(&mut r, &["hello.len", "h"]), ints(&[3, 2]));
    assert_eq!(ok(&mut r, &["SADD", "s", "1"]), Value::Int(1));
    assert_eq!(ok(&mut r, &["hello.len", "s"]), ints(&[4, 1]));
    assert_eq!(
        ok(&mut r, &["ZADD", "z", "1", "a", "2", "b"]),
        Value::Int(2)
    );
    assert_eq!(ok(&mut r, &["hello.len", "z"]), ints(&[5, 2]));
    // A missing key opened for reading is NULL.
    assert_eq!(ok(&mut r, &["hello.len", "nope"]), Value::Nil);
    // DeleteKey.
    assert_eq!(ok(&mut r, &["hello.del", "k"]), Value::Okay);
    assert_eq!(ok(&mut r, &["EXISTS", "k"]), Value::Int(0));
    // Other databases: the module works on the client's selected one.
    assert_eq!(ok(&mut r, &["SELECT", "3"]), Value::Okay);
    assert_eq!(ok(&mut r, &["hello.set", "db3", "x"]), Value::Okay);
    assert_eq!(ok(&mut r, &["GET", "db3"]), bulk("x"));
    assert_eq!(ok(&mut r, &["SELECT", "0"]), Value::Okay);
    assert_eq!(ok(&mut r, &["EXISTS", "db3"]), Value::Int(0));
    // AutoMemory: a key left open is closed (its DMA write kept) when the command returns.
    for i in 0..50 {
        let v = format!("auto-{i}");
        assert_eq!(ok(&mut r, &["hello.autoset", "auto", &v]), Value::Okay);
        assert_eq!(ok(&mut r, &["GET", "auto"]), bulk(&v));
    }
}

#[test]
fn resp3_reply_types_from_a_module_follow_the_connection_protocol() {
    let hello = module("hello");
    let server = Server::start(&["--enable-module-command", "yes"]);
    let mut raw = server.raw();
    raw.roundtrip(&["MODULE", "LOAD", &hello], b"+OK\r\n");
    raw.roundtrip(
        &["hello.kinds"],
        b"*8\r\n$1\r\nb\r\n:1\r\n$1\r\nd\r\n$3\r\n1.5\r\n$1\r\nn\r\n$3\r\n123\r\n\
          $1\r\ns\r\n*1\r\n$1\r\nx\r\n",
    );
    raw.cmd(&["HELLO", "3"]);
    let _ = raw.reply();
    raw.roundtrip(
        &["hello.kinds"],
        b"%4\r\n$1\r\nb\r\n#t\r\n$1\r\nd\r\n,1.5\r\n$1\r\nn\r\n(123\r\n$1\r\ns\r\n~1\r\n$1\r\nx\r\n",
    );
}

#[test]
fn a_dma_write_to_an_existing_key_keeps_its_ttl() {
    let hello = module("hello");
    let server = Server::start(&["--loadmodule", &hello]);
    let mut r = server.redis(false);
    assert_eq!(ok(&mut r, &["SET", "k", "old", "EX", "1000"]), Value::Okay);
    assert_eq!(
        ok(&mut r, &["hello.set", "k", "a longer value"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["GET", "k"]), bulk("a longer value"));
    let Value::Int(ttl) = ok(&mut r, &["TTL", "k"]) else {
        panic!("TTL is an integer");
    };
    assert!((990..=1000).contains(&ttl), "{ttl}");
    // A new key gets none.
    assert_eq!(ok(&mut r, &["hello.set", "fresh", "v"]), Value::Okay);
    assert_eq!(ok(&mut r, &["TTL", "fresh"]), Value::Int(-1));
}
