//! A small-collection command loop to profile, as redis-benchmark's mix runs it (one key, one
//! member unless asked): `small_collection_ops <command> [members] [iterations]` fills one hash,
//! set, sorted set or list with `members` members (default 1), then runs `<command>` (`hset`,
//! `hget`, `sadd`, `sismember`, `zadd`, `zscore`, `lpushpop`) `iterations` times (default
//! 1,000,000) through `Ctx::call`, stepping through the members, and prints ns/op.
//!
//! Instruction counts per command, stable on a noisy machine:
//! `valgrind --tool=callgrind --toggle-collect='small_collection_ops::run'
//! target/release/examples/small_collection_ops hget 1 100000`, then divide the "Collected"
//! figure by the iteration count.

use std::time::Instant;

use keyspace::{CommandTable, Config, Ctx, Discard, Handler, Keyspace, Millis, Tally};

fn call(ks: &mut Keyspace, table: &CommandTable<Handler>, args: &[&[u8]], out: &mut Tally) {
    let mut cx = Ctx {
        keyspace: ks,
        db: 0,
        now: Millis(2),
        events: &mut Discard,
    };
    cx.call(table, args, out);
}

#[inline(never)]
fn run(
    ks: &mut Keyspace,
    table: &CommandTable<Handler>,
    names: &[Vec<u8>],
    command: &str,
    iterations: usize,
    out: &mut Tally,
) {
    let mut i = 0;
    for n in 0..iterations {
        i = (i + 7) % names.len();
        let m: &[u8] = &names[i];
        let score: &[u8] = if n % 2 == 0 { b"1.5" } else { b"2" };
        match command {
            "hset" => call(ks, table, &[b"HSET", b"hash", m, b"value"], out),
            "hget" => call(ks, table, &[b"HGET", b"hash", m], out),
            "sadd" => call(ks, table, &[b"SADD", b"set", m], out),
            "sismember" => call(ks, table, &[b"SISMEMBER", b"set", m], out),
            "zadd" => call(ks, table, &[b"ZADD", b"zset", score, m], out),
            "zscore" => call(ks, table, &[b"ZSCORE", b"zset", m], out),
            "lpushpop" => {
                call(ks, table, &[b"LPUSH", b"list", m], out);
                call(ks, table, &[b"LPOP", b"list"], out);
            }
            other => panic!("unknown command {other}"),
        }
    }
}

#[expect(
    clippy::disallowed_methods,
    reason = "a profiling example outside the core, timing its own loop"
)]
fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| "hget".into());
    let mut num = |default: usize| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let (members, iterations) = (num(1).max(1), num(1_000_000));
    let mut ks = Keyspace::new(Config::default());
    let table = keyspace::data_table();
    let names: Vec<Vec<u8>> = (0..members)
        .map(|j| format!("element:{j}").into_bytes())
        .collect();
    let mut out = Tally::default();
    for (j, m) in names.iter().enumerate() {
        let score = format!("{j}");
        call(&mut ks, &table, &[b"HSET", b"hash", m, b"value"], &mut out);
        call(&mut ks, &table, &[b"SADD", b"set", m], &mut out);
        call(
            &mut ks,
            &table,
            &[b"ZADD", b"zset", score.as_bytes(), m],
            &mut out,
        );
        call(&mut ks, &table, &[b"RPUSH", b"list", m], &mut out);
    }
    let start = Instant::now();
    run(&mut ks, &table, &names, &command, iterations, &mut out);
    let ns = start.elapsed().as_nanos() as f64 / iterations as f64;
    println!("{command} ({members} members): {ns:.1} ns/op");
}
