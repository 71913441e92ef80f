//! Heap bytes per member of one large sorted set, set and hash (100,000 members of 15 bytes,
//! `skiplist` / `hashtable` encodings), counted by a counting global allocator (`stats_alloc`):
//! every byte the keyspace requests while the members are added, net, over the member count.
//! Run: `cargo run --release -p keyspace --example collection_memory [members]`.

use std::alloc::System;

use keyspace::{Config, Ctx, Discard, Keyspace, Millis, Tally};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let table = keyspace::data_table();
    let members: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("member:{i:08}").into_bytes())
        .collect();
    for cmd in ["ZADD", "SADD", "HSET"] {
        let mut ks = Keyspace::new(Config::default());
        let region = Region::new(GLOBAL);
        for (i, m) in members.iter().enumerate() {
            let s = format!("{i}");
            let args: [&[u8]; 4] = match cmd {
                "ZADD" => [b"ZADD", b"k", s.as_bytes(), m],
                "SADD" => [b"SADD", b"k", m, m],
                _ => [b"HSET", b"k", m, s.as_bytes()],
            };
            let mut cx = Ctx {
                keyspace: &mut ks,
                db: 0,
                now: Millis(1),
                events: &mut Discard,
            };
            cx.call(&table, &args, &mut Tally::default());
        }
        let st = region.change();
        let net = st.bytes_allocated.saturating_sub(st.bytes_deallocated);
        println!(
            "{cmd} x {n}: {:.1} heap bytes per member ({} bytes counted by used_memory)",
            net as f64 / n as f64,
            ks.used_memory()
        );
    }
}
