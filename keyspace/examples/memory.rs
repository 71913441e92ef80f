//! Bytes per key for 1,000,000 string keys of 16 bytes with 100-byte values, counted by a
//! counting global allocator (`stats_alloc`): every heap byte the keyspace requests, net.
//!
//! Run: `cargo run --release -p keyspace --example memory [keys] [access]`, where `access` is
//! `lru` (the default, Valkey's OBJECT IDLETIME support: 3 bytes per key) or `off`.

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
    for k in &keys {
        ks.set(0, k, &value, Millis(0), &mut Discard);
    }
    let stats = region.change();
    let net = (stats.bytes_allocated as isize - stats.bytes_deallocated as isize
        + stats.bytes_reallocated) as usize;
    println!(
        "{n} keys, access tracking {access:?}: {net} bytes counted, {:.1} bytes/key; keyspace estimate {} bytes ({:.1}/key)",
        net as f64 / n as f64,
        ks.used_memory(),
        ks.used_memory() as f64 / n as f64,
    );
    assert_eq!(ks.len(0), n);
}
