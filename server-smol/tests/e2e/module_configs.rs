//! Module configurations (`Register*Config`, `LoadConfigs`): values from the config file,
//! the command line and MODULE LOADEX; CONFIG GET/SET with Valkey's checks and the module's
//! own; CONFIG REWRITE and a restart; restarts of the module keep the current values.

use redis::Value;

use crate::modules::{bulk, err, module, ok, scratch};
use crate::support::Server;

/// `hello.config`: level, greeting, loud, mode (1 fast, 2 safe), limit, as the module sees them.
fn seen(r: &mut redis::Connection) -> Value {
    ok(r, &["hello.config"])
}

fn view(level: i64, greeting: &str, loud: i64, mode: i64, limit: i64) -> Value {
    Value::Array(vec![
        Value::Int(level),
        bulk(greeting),
        Value::Int(loud),
        Value::Int(mode),
        Value::Int(limit),
    ])
}

fn config_get(r: &mut redis::Connection, pattern: &str) -> Vec<(String, String)> {
    redis::cmd("CONFIG")
        .arg("GET")
        .arg(pattern)
        .query(r)
        .expect("config get")
}

#[test]
fn module_configs_take_startup_values_and_follow_config_set() {
    let hello = module("hello");
    let server = Server::start(&[
        "--enable-module-command",
        "yes",
        "--loadmodule",
        &hello,
        "--hello.level",
        "7",
        "--hello.mode",
        "safe",
        "--hello.limit",
        "2kb",
    ]);
    let mut r = server.redis(false);
    assert_eq!(seen(&mut r), view(7, "hi there", 0, 2, 2048));
    let mut all = config_get(&mut r, "hello.*");
    all.sort();
    let want: Vec<(String, String)> = [
        ("hello.greeting", "hi there"),
        ("hello.level", "7"),
        ("hello.limit", "2048"),
        ("hello.loud", "no"),
        ("hello.mode", "Safe"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(all, want);

    assert_eq!(
        ok(
            &mut r,
            &[
                "CONFIG",
                "SET",
                "hello.greeting",
                "hey",
                "hello.loud",
                "yes",
                "hz",
                "20"
            ]
        ),
        Value::Okay
    );
    assert_eq!(seen(&mut r), view(7, "hey", 1, 2, 2048));
    assert_eq!(
        config_get(&mut r, "hz"),
        [("hz".to_string(), "20".to_string())]
    );
    let fails = [
        (
            ["hello.level", "101"],
            "ERR CONFIG SET failed (possibly related to argument 'hello.level') - argument must be \
             between 0 and 100 inclusive",
        ),
        (
            ["hello.loud", "maybe"],
            "ERR CONFIG SET failed (possibly related to argument 'hello.loud') - argument must be \
             'yes' or 'no'",
        ),
        (
            ["hello.mode", "slow"],
            "ERR CONFIG SET failed (possibly related to argument 'hello.mode') - argument(s) must \
             be one of the following: Fast, Safe",
        ),
        (
            ["hello.limit", "1mb"],
            "ERR CONFIG SET failed (possibly related to argument 'hello.limit') - can't set \
             immutable config",
        ),
        (
            ["hello.greeting", "a bad one"],
            "ERR CONFIG SET failed (possibly related to argument 'hello.greeting') - Cannot set \
             greeting to a bad value",
        ),
    ];
    for (args, want) in fails {
        assert_eq!(err(&mut r, &["CONFIG", "SET", args[0], args[1]]), want);
    }
    // All or nothing: a refused module value leaves the others (and the server's) unchanged.
    let e = err(
        &mut r,
        &[
            "CONFIG",
            "SET",
            "hello.level",
            "9",
            "hello.greeting",
            "bad",
            "hz",
            "30",
        ],
    );
    assert!(e.contains("Cannot set greeting"), "{e}");
    assert_eq!(seen(&mut r), view(7, "hey", 1, 2, 2048));
    assert_eq!(
        config_get(&mut r, "hz"),
        [("hz".to_string(), "20".to_string())]
    );

    // A restart of the module (SET-ARGUMENT) keeps the current values.
    assert_eq!(
        ok(&mut r, &["MODULE", "SET-ARGUMENT", "hello", "x"]),
        Value::Okay
    );
    assert_eq!(seen(&mut r), view(7, "hey", 1, 2, 2048));
    // Unloaded, its configurations are gone.
    assert_eq!(ok(&mut r, &["MODULE", "UNLOAD", "hello"]), Value::Okay);
    assert!(config_get(&mut r, "hello.*").is_empty());
}

#[test]
fn loadex_configs_and_the_rewrite_round_trip() {
    let hello = module("hello");
    let dir = scratch("modconf");
    let conf = dir.join("valkey.conf");
    std::fs::write(&conf, "enable-module-command yes\nport 0\n").expect("write conf");
    let conf_s = conf.display().to_string();
    let mut server = Server::start_exact(&[&conf_s]);
    let mut r = server.redis(false);
    // A configuration the module does not have fails the load and leaves nothing behind.
    assert_eq!(
        err(
            &mut r,
            &["MODULE", "LOADEX", &hello, "CONFIG", "hello.nope", "1"]
        ),
        "ERR Error loading the extension. Please check the server logs."
    );
    assert!(config_get(&mut r, "hello.*").is_empty());
    // A value the module refuses, too.
    assert!(
        err(
            &mut r,
            &["MODULE", "LOADEX", &hello, "CONFIG", "hello.level", "500"]
        )
        .starts_with("ERR")
    );
    assert_eq!(
        ok(
            &mut r,
            &[
                "MODULE",
                "LOADEX",
                &hello,
                "CONFIG",
                "hello.level",
                "3",
                "CONFIG",
                "hello.greeting",
                "two words",
                "ARGS",
                "a"
            ]
        ),
        Value::Okay
    );
    assert_eq!(seen(&mut r), view(3, "two words", 0, 1, 1024));
    assert_eq!(
        ok(&mut r, &["CONFIG", "SET", "hello.mode", "safe"]),
        Value::Okay
    );
    assert_eq!(ok(&mut r, &["CONFIG", "REWRITE"]), Value::Okay);
    let text = std::fs::read_to_string(&conf).expect("conf");
    assert!(text.contains("hello.level 3\n"), "{text}");
    assert!(text.contains("hello.greeting \"two words\"\n"), "{text}");
    assert!(text.contains("hello.mode Safe\n"), "{text}");
    assert!(
        !text.contains("hello.loud"),
        "defaults are not written: {text}"
    );
    assert!(server.terminate().success());

    let mut server = Server::start_exact(&[&conf_s]);
    let mut r = server.redis(false);
    assert_eq!(seen(&mut r), view(3, "two words", 0, 2, 1024));
    // Unloaded then rewritten: its lines go.
    assert_eq!(ok(&mut r, &["MODULE", "UNLOAD", "hello"]), Value::Okay);
    assert_eq!(ok(&mut r, &["CONFIG", "REWRITE"]), Value::Okay);
    let text = std::fs::read_to_string(&conf).expect("conf");
    assert!(!text.contains("hello."), "{text}");
    assert!(server.terminate().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_module_config_line_without_its_module_stops_the_server() {
    let refusal = Server::refuse(&["--hello.level", "3"]);
    assert!(!refusal.status.success());
    let hello = module("hello");
    let refusal = Server::refuse(&["--loadmodule", &hello, "--hello.level", "300"]);
    assert!(!refusal.status.success());
}
