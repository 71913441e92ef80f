//! redis-py's built-in client-side cache against this server (`tests/python/redis_py_cache.py`).
//! Runs only when `python3` can import `redis` (redis-py 6 or later); otherwise it prints why it
//! was skipped and passes.

use std::process::Command;

use crate::support::Server;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/python/redis_py_cache.py"
);

/// Whether redis-py with `redis.cache` is importable.
fn redis_py() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import redis.cache"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: python3 with redis-py (pip install redis) is not available");
    }
    ok
}

fn run(port: u16, mode: &str) {
    let out = Command::new("python3")
        .args([SCRIPT, &port.to_string(), mode])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "redis-py {mode}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn redis_py_cache_works_when_the_server_reports_redis_7_4() {
    if !redis_py() {
        return;
    }
    let server = Server::start(&[
        "--extended-redis-compatibility",
        "yes",
        "--extended-redis-compatibility-version",
        "7.4.0",
    ]);
    run(server.port, "cache");
}

#[test]
fn redis_py_refuses_its_cache_when_the_server_reports_valkey() {
    if !redis_py() {
        return;
    }
    let server = Server::start(&[]);
    run(server.port, "refused");
}
