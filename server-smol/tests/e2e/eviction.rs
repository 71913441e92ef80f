//! maxmemory: the OOM refusal, eviction before each command under each kind of policy, its
//! tracking invalidations ahead of the reply, CLIENT PAUSE suspending it, CONFIG SET maxmemory
//! evicting at once.

use crate::reload::{Scratch, sighup};
use crate::support::{Raw, Server, eventually};
use crate::tracking::{invalidate, resp3};

const OK: &[u8] = b"+OK\r\n";
const OOM: &[u8] = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n";

/// INFO's value of `field`.
fn info(c: &mut Raw, field: &str) -> String {
    c.cmd(&["INFO", "everything"]);
    let text = String::from_utf8(c.reply()).expect("utf8");
    let prefix = format!("{field}:");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {field} in INFO"))
        .trim()
        .to_string()
}

fn info_num(c: &mut Raw, field: &str) -> u64 {
    info(c, field).parse().expect("a number")
}

fn config_set(c: &mut Raw, name: &str, value: &str) {
    c.roundtrip(&["CONFIG", "SET", name, value], OK);
}

fn exists(c: &mut Raw, key: &str) -> bool {
    c.cmd(&["EXISTS", key]);
    c.reply() == b":1\r\n"
}

fn dbsize(c: &mut Raw) -> u64 {
    c.cmd(&["DBSIZE"]);
    let r = String::from_utf8(c.reply()).expect("utf8");
    r.trim_start_matches(':').trim_end().parse().expect("count")
}

#[test]
fn noeviction_refuses_writes_with_valkeys_text_and_still_serves_reads() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["CONFIG", "GET", "maxmemory*"],
        b"*8\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n\
          $17\r\nmaxmemory-samples\r\n$1\r\n5\r\n$27\r\nmaxmemory-eviction-tenacity\r\n$2\r\n10\r\n",
    );
    c.roundtrip(&["SET", "kept", "v"], OK);
    config_set(&mut c, "maxmemory", "1");
    c.roundtrip(&["SET", "foo", "bar"], OOM);
    c.roundtrip(&["GET", "foo"], b"$-1\r\n");
    c.roundtrip(&["GET", "kept"], b"$1\r\nv\r\n");
    c.roundtrip(&["DEL", "kept"], b":1\r\n");
    assert_eq!(dbsize(&mut c), 0);
    // Nothing stored at all, and still over one byte: every write is refused.
    c.roundtrip(&["SET", "foo", "bar"], OOM);
    c.roundtrip(&["INCR", "n"], OOM);
    // Inside MULTI anything queued is refused, and EXEC then aborts.
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["GET", "foo"], OOM);
    c.roundtrip(&["PING"], OOM);
    c.roundtrip(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    assert_eq!(info(&mut c, "maxmemory"), "1");
    assert_eq!(info(&mut c, "maxmemory_human"), "1B");
    assert_eq!(info(&mut c, "maxmemory_policy"), "noeviction");
    assert_eq!(info(&mut c, "evicted_keys"), "0");
    assert!(info_num(&mut c, "current_eviction_exceeded_time") < 60_000);
}

#[test]
fn exec_is_refused_only_when_its_transaction_holds_a_denyoom_command() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    let mut admin = server.raw();
    c.roundtrip(&["SET", "x", "value"], OK);
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["GET", "x"], b"+QUEUED\r\n");
    c.roundtrip(&["PING"], b"+QUEUED\r\n");
    config_set(&mut admin, "maxmemory", "1");
    c.roundtrip(&["EXEC"], b"*2\r\n$5\r\nvalue\r\n+PONG\r\n");
    config_set(&mut admin, "maxmemory", "0");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["SET", "x", "1"], b"+QUEUED\r\n");
    c.roundtrip(&["GET", "x"], b"+QUEUED\r\n");
    config_set(&mut admin, "maxmemory", "1");
    c.roundtrip(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of: OOM command not allowed when used \
          memory > 'maxmemory'.\r\n",
    );
    // The transaction is gone.
    c.roundtrip(&["EXEC"], b"-ERR EXEC without MULTI\r\n");
    c.roundtrip(&["GET", "x"], b"$5\r\nvalue\r\n");
}

/// Fills `n` keys `prefix:i` with `size`-byte values, `extra` appended to each SET.
fn fill(c: &mut Raw, prefix: &str, n: usize, size: usize, extra: &[&str]) {
    let value = "x".repeat(size);
    for i in 0..n {
        let key = format!("{prefix}:{i}");
        let mut args = vec!["SET", key.as_str(), value.as_str()];
        args.extend_from_slice(extra);
        c.roundtrip(&args, OK);
    }
}

#[test]
fn allkeys_lru_evicts_cold_keys_and_keeps_the_hot_set() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    config_set(&mut c, "maxmemory-policy", "allkeys-lru");
    fill(&mut c, "cold", 400, 200, &[]);
    fill(&mut c, "hot", 20, 200, &[]);
    // The LRU clock ticks in seconds: let the cold keys age before the hot set is read.
    eventually("cold keys two seconds idle", || {
        c.cmd(&["OBJECT", "IDLETIME", "cold:399"]);
        let r = c.reply();
        (r != b":0\r\n" && r != b":1\r\n").then_some(())
    });
    for i in 0..20 {
        c.cmd(&["GET", &format!("hot:{i}")]);
        c.reply();
    }
    let used = info_num(&mut c, "used_memory");
    config_set(&mut c, "maxmemory", &(used + 2000).to_string());
    // Each new key now pushes memory over the limit and the next command evicts.
    fill(&mut c, "new", 200, 200, &[]);
    let evicted = info_num(&mut c, "evicted_keys");
    assert!(evicted >= 150, "only {evicted} evicted");
    for i in 0..20 {
        assert!(exists(&mut c, &format!("hot:{i}")), "hot:{i} was evicted");
    }
    let new_kept = (0..200)
        .filter(|i| exists(&mut c, &format!("new:{i}")))
        .count();
    assert_eq!(new_kept, 200, "recent writes were evicted");
}

#[test]
fn volatile_policies_spare_persistent_keys_and_then_refuse_writes() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        config_set(&mut c, "maxmemory", "0");
        c.roundtrip(&["FLUSHALL"], OK);
        c.roundtrip(&["CONFIG", "RESETSTAT"], OK);
        config_set(&mut c, "maxmemory-policy", policy);
        fill(&mut c, "p", 100, 100, &[]);
        fill(&mut c, "v", 100, 100, &["EX", "10000"]);
        let used = info_num(&mut c, "used_memory");
        config_set(&mut c, "maxmemory", &used.to_string());
        // Write persistent keys until the volatile ones are all gone and a write is refused.
        let value = "x".repeat(100);
        let refused = (0..1000).find(|i| {
            c.cmd(&["SET", &format!("q:{i}"), &value]);
            let r = c.reply();
            assert!(
                r == OK || r == OOM,
                "{policy}: {}",
                String::from_utf8_lossy(&r)
            );
            r == OOM
        });
        assert!(refused.is_some(), "{policy}: never out of memory");
        assert_eq!(info_num(&mut c, "evicted_keys"), 100, "{policy}");
        for i in 0..100 {
            assert!(exists(&mut c, &format!("p:{i}")), "{policy}: p:{i} evicted");
        }
        c.roundtrip(&["GET", "p:0"], format!("$100\r\n{value}\r\n").as_bytes());
        let db0 = info(&mut c, "db0");
        assert!(
            db0.split(',').any(|f| f == "expires=0"),
            "{policy}: a volatile key is left: {db0}"
        );
    }
}

#[test]
fn an_evicted_keys_invalidation_comes_before_the_reply_of_the_command_that_evicted_it() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    config_set(&mut admin, "maxmemory-policy", "volatile-lru");
    admin.roundtrip(&["SET", "victim", &"x".repeat(200_000), "EX", "10000"], OK);
    admin.roundtrip(&["SET", "mine", "1"], OK);
    let mut a = resp3(&server);
    a.roundtrip(&["CLIENT", "TRACKING", "ON"], OK);
    a.cmd(&["GET", "victim"]);
    a.reply();
    a.roundtrip(&["GET", "mine"], b"$1\r\n1\r\n");
    // Over the limit while a pause holds eviction back: the first command after it evicts.
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    let used = info_num(&mut admin, "used_memory");
    config_set(&mut admin, "maxmemory", &(used - 100_000).to_string());
    admin.roundtrip(&["CLIENT", "UNPAUSE"], OK);
    // The tracking client's write evicts the one volatile key first: that invalidation comes
    // before its reply, its own write's invalidation after.
    a.cmd(&["SET", "mine", "2"]);
    a.expect(&invalidate(&["victim"]));
    a.expect(OK);
    a.expect(&invalidate(&["mine"]));
    a.roundtrip(&["PING"], b"+PONG\r\n");
    assert!(!exists(&mut admin, "victim"));
    assert_eq!(info(&mut admin, "evicted_keys"), "1");
}

#[test]
fn no_eviction_while_client_pause_write_is_active() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    config_set(&mut admin, "maxmemory-policy", "allkeys-random");
    fill(&mut admin, "k", 100, 100, &[]);
    admin.roundtrip(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    config_set(&mut admin, "maxmemory", "1");
    let mut reader = server.raw();
    reader.roundtrip(
        &["GET", "k:0"],
        format!("$100\r\n{}\r\n", "x".repeat(100)).as_bytes(),
    );
    assert_eq!(dbsize(&mut reader), 100);
    assert_eq!(info(&mut reader, "evicted_keys"), "0");
    admin.roundtrip(&["CLIENT", "UNPAUSE"], OK);
    // The next command evicts everything it can, and the write after is refused.
    assert_eq!(dbsize(&mut reader), 0);
    assert_eq!(info(&mut reader, "evicted_keys"), "100");
    reader.roundtrip(&["SET", "k:0", "v"], OOM);
}

#[test]
fn config_set_maxmemory_below_used_evicts_at_once() {
    let server = Server::start(&[]);
    let mut admin = server.raw();
    config_set(&mut admin, "maxmemory-policy", "allkeys-lru");
    fill(&mut admin, "k", 300, 300, &[]);
    let mut watcher = resp3(&server);
    watcher.roundtrip(&["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "k:"], OK);
    let used = info_num(&mut admin, "used_memory");
    let limit = used / 2;
    config_set(&mut admin, "maxmemory", &limit.to_string());
    // The watcher sends nothing, yet hears of evictions: they happened during CONFIG SET.
    let push = watcher.reply();
    assert!(push.starts_with(b">2\r\n$10\r\ninvalidate\r\n"));
    // One INFO, so both figures are of the same moment (any command may evict more).
    admin.cmd(&["INFO", "everything"]);
    let text = String::from_utf8(admin.reply()).expect("utf8");
    let field = |name: &str| -> String {
        let prefix = format!("{name}:");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {name}"))
            .trim()
            .to_string()
    };
    let evicted: u64 = field("evicted_keys").parse().expect("count");
    assert!(evicted >= 100, "only {evicted} evicted");
    assert!(field("used_memory_dataset").parse::<u64>().expect("bytes") <= limit);
    let keys = format!("keys={}", 300 - evicted);
    assert!(
        field("db0").starts_with(&keys),
        "{} with {evicted} evicted",
        field("db0")
    );
    // CONFIG REWRITE-able and readable back.
    admin.roundtrip(
        &["CONFIG", "GET", "maxmemory"],
        format!(
            "*2\r\n$9\r\nmaxmemory\r\n${}\r\n{limit}\r\n",
            limit.to_string().len()
        )
        .as_bytes(),
    );
}

#[test]
fn a_sighup_reload_lowering_maxmemory_evicts_from_the_timer() {
    let dir = Scratch::new("reload-maxmemory");
    let conf = dir.write("valkey.conf", "maxmemory-policy allkeys-lru\n");
    let server = Server::start(&[&conf]);
    let mut admin = server.raw();
    fill(&mut admin, "k", 200, 300, &[]);
    let mut watcher = resp3(&server);
    watcher.roundtrip(&["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "k:"], OK);
    dir.write(
        "valkey.conf",
        "maxmemory-policy allkeys-random\nmaxmemory 40kb\n",
    );
    sighup(&server);
    server.wait_log("Config reloaded from");
    // Nobody sends a command: the timer evicts, and the watcher hears of it.
    let push = watcher.reply();
    assert!(push.starts_with(b">2\r\n$10\r\ninvalidate\r\n"));
    admin.roundtrip(
        &["CONFIG", "GET", "maxmemory-policy"],
        b"*2\r\n$16\r\nmaxmemory-policy\r\n$14\r\nallkeys-random\r\n",
    );
    assert!(info_num(&mut admin, "evicted_keys") > 0);
    assert!(info_num(&mut admin, "used_memory_dataset") <= 40 * 1024);
}

#[test]
fn an_lfu_policy_switches_object_freq_on_and_eviction_touches_watched_keys() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    config_set(&mut c, "maxmemory-policy", "allkeys-lfu");
    c.roundtrip(&["SET", "f", "1"], OK);
    c.roundtrip(&["OBJECT", "FREQ", "f"], b":5\r\n");
    c.roundtrip(&["GET", "f"], b"$1\r\n1\r\n");
    c.roundtrip(&["OBJECT", "FREQ", "f"], b":6\r\n");
    c.roundtrip(
        &["OBJECT", "IDLETIME", "f"],
        b"-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that \
          when switching between policies at runtime LRU and LFU data will take some time to \
          adjust.\r\n",
    );
    config_set(&mut c, "maxmemory-policy", "allkeys-lru");
    c.roundtrip(
        &["OBJECT", "FREQ", "f"],
        b"-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please \
          note that when switching between policies at runtime LRU and LFU data will take some \
          time to adjust.\r\n",
    );
    // An evicted key is a change to WATCH.
    c.roundtrip(&["WATCH", "f"], OK);
    let mut admin = server.raw();
    config_set(&mut admin, "maxmemory", "1");
    config_set(&mut admin, "maxmemory", "0");
    assert_eq!(info(&mut admin, "evicted_keys"), "1");
    c.roundtrip(&["MULTI"], OK);
    c.roundtrip(&["PING"], b"+QUEUED\r\n");
    c.roundtrip(&["EXEC"], b"*-1\r\n");
}

/// The number of keys in a RESP3 `invalidate` push.
fn invalidated_count(push: &[u8]) -> usize {
    let head = b">2\r\n$10\r\ninvalidate\r\n*";
    assert!(push.starts_with(head), "{}", String::from_utf8_lossy(push));
    let rest = &push[head.len()..];
    let end = rest.iter().position(|&b| b == b'\r').expect("count");
    core::str::from_utf8(&rest[..end])
        .expect("utf8")
        .parse()
        .expect("number")
}

#[test]
fn a_run_cut_short_by_tenacity_is_finished_by_the_timer() {
    let server = Server::start(&["--hz", "100"]);
    let mut admin = server.raw();
    config_set(&mut admin, "maxmemory-policy", "allkeys-random");
    config_set(&mut admin, "maxmemory-eviction-tenacity", "0");
    fill(&mut admin, "k", 500, 100, &[]);
    let mut watcher = resp3(&server);
    watcher.roundtrip(&["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "k:"], OK);
    // Every key must go; with no time allowed each run stops after 16 keys.
    config_set(&mut admin, "maxmemory", "1");
    // Nobody sends a command from here on: the timer's runs evict the rest.
    let mut seen = 0;
    while seen < 500 {
        seen += invalidated_count(&watcher.reply());
    }
    assert_eq!(seen, 500);
    assert_eq!(dbsize(&mut admin), 0);
    assert_eq!(info(&mut admin, "evicted_keys"), "500");
}
