//! Bytes per key for 1,000,000 string keys of 16 bytes with 100-byte values, counted by a
//! counting global allocator (`stats_alloc`): every heap byte the keyspace requests, net.
//!
//! Run: `cargo run --release -p keyspace --example memory [keys] [access]`, where `access` is
//! `lru` (the default, Valkey's OBJECT IDLETIME support: 3 bytes per key) or `off`. Besides the
//! figure at `keys`, it prints the worst and best bytes per key seen at every 1,000th key from
//! 10,000 on (the table's load moves between resizes).

use std::alloc::System;

use keyspace::{AccessTracking, Config, Discard, Keyspace, Millis};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let access = match args.next().as_deref() {
        Some("off") => AccessTracking::Off,
        _ => AccessTracking::Lru,
    };
    let keys: Vec<[u8; 16]> = (0..n)
        .map(|i| {
            let mut k = *b"key:000000000000";
            k[4..].copy_from_slice(format!("{i:012}").as_bytes());
            k
        })
        .collect();
    let value = [b'v'; 100];

    let region = Region::new(GLOBAL);
    let mut ks = Keyspace::new(Config::default().access(access));
    let net = || {
        let stats = region.change();
        (stats.bytes_allocated as isize - stats.bytes_deallocated as isize
            + stats.bytes_reallocated) as usize
    };
    let (mut worst, mut best) = ((0usize, 0.0f64), (0usize, f64::MAX));
    for (i, k) in keys.iter().enumerate() {
        ks.set(0, k, &value, Millis(0), &mut Discard);
        let n = i + 1;
        if n >= 10_000 && n % 1000 == 0 {
            let per_key = net() as f64 / n as f64;
            if per_key > worst.1 {
                worst = (n, per_key);
            }
            if per_key < best.1 {
                best = (n, per_key);
            }
        }
    }
    let net = net();
    println!(
        "{n} keys, access tracking {access:?}: {net} bytes counted, {:.1} bytes/key; keyspace estimate {} bytes ({:.1}/key)",
        net as f64 / n as f64,
        ks.used_memory(),
        ks.used_memory() as f64 / n as f64,
    );
    if worst.0 > 0 {
        println!(
            "from 10,000 keys on: worst {:.1} bytes/key at {} keys, best {:.1} at {} keys",
            worst.1, worst.0, best.1, best.0
        );
    }
    assert_eq!(ks.len(0), n);
}
