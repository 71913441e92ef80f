//! A command loop to profile: `ops <command> <iterations> [keys] [stride]` fills database 0 with
//! `keys` (default 100,000) keys of 16 bytes with 100-byte values, then runs `<command>` (`get`,
//! `set`, `incr`, `delset`) `iterations` times through `Ctx::call`, stepping through the keys by
//! `stride` (default 7919; 1 with 1,000 keys keeps everything in cache), and prints ns/op.
//!
//! Instruction counts per command, stable on a noisy machine:
//! `valgrind --tool=callgrind --toggle-collect='ops::run' target/release/examples/ops get 100000`
//! then divide the "Collected" figure by the iteration count.

use std::time::Instant;

use keyspace::{CommandTable, Config, Ctx, Discard, Handler, Keyspace, Millis, Tally};

fn key(i: usize) -> [u8; 16] {
    let mut k = *b"key:000000000000";
    k[4..].copy_from_slice(format!("{i:012}").as_bytes());
    k
}

#[inline(never)]
fn run(
    ks: &mut Keyspace,
    table: &CommandTable<Handler>,
    keys: &[[u8; 16]],
    command: &str,
    iterations: usize,
    stride: usize,
    out: &mut Tally,
) {
    let value = [b'w'; 100];
    let mut i = 0;
    for _ in 0..iterations {
        i = (i + stride) % keys.len();
        let k: &[u8] = &keys[i];
        let mut cx = Ctx {
            keyspace: ks,
            db: 0,
            now: Millis(2),
            events: &mut Discard,
        };
        match command {
            "get" => cx.call(table, &[b"GET", k], out),
            "set" => cx.call(table, &[b"SET", k, &value], out),
            "incr" => cx.call(table, &[b"INCR", &keys[i % 1000]], out),
            "delset" => {
                cx.call(table, &[b"DEL", k], out);
                cx.call(table, &[b"SET", k, &value], out);
            }
            other => panic!("unknown command {other}: use get, set, incr or delset"),
        }
    }
}

#[expect(
    clippy::disallowed_methods,
    reason = "a profiling example outside the core, timing its own loop"
)]
fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| "get".into());
    let mut num = |default: usize| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let (iterations, n, stride) = (num(1_000_000), num(100_000), num(7919));
    let mut ks = Keyspace::new(Config::default());
    let table = keyspace::data_table();
    let keys: Vec<[u8; 16]> = (0..n).map(key).collect();
    let mut out = Tally::default();
    for k in &keys {
        ks.set(0, k, &[b'v'; 100], Millis(1), &mut Discard);
    }
    let start = Instant::now();
    run(
        &mut ks, &table, &keys, &command, iterations, stride, &mut out,
    );
    let ns = start.elapsed().as_nanos() as f64 / iterations as f64;
    println!(
        "{command}: {ns:.1} ns/op over {n} keys, stride {stride} ({} reply bytes)",
        out.0
    );
}
