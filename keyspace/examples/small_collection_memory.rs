//! Heap bytes per small collection against Valkey's listpack/intset encodings: for each shape,
//! 100,000 keys made through commands, net heap bytes of those keys minus net heap bytes of
//! 100,000 keys (the same names) holding the string `x`, over the key count. Every allocation is
//! counted as glibc malloc rounds it (the server's allocator: a chunk of
//! `max(32, (size + 8 + 15) & !15)` bytes). Valkey's figure for the same value is its 16-byte
//! `robj` plus the jemalloc size class of the exact listpack (6-byte header, the entries as
//! `lpEncodeBacklen` and `lpEncodeString` size them, an end byte) or intset (8-byte header,
//! `n * width`).
//!
//! Run: `cargo run --release -p keyspace --example small_collection_memory [keys]`.

use core::sync::atomic::{AtomicIsize, Ordering};
use std::alloc::System;

use keyspace::{Config, Ctx, Discard, Keyspace, Millis, Tally, listpack_entry_len};
use tracking_allocator::{AllocationGroupId, AllocationRegistry, AllocationTracker, Allocator};

#[global_allocator]
static GLOBAL: Allocator<System> = Allocator::system();

/// Live bytes, every allocation counted as the glibc chunk it would take.
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The chunk glibc's malloc hands out for a request of `size` bytes.
fn chunk(size: usize) -> isize {
    ((size + 8 + 15) & !15).max(32) as isize
}

/// Counts the requested sizes (`object_size`), as glibc chunks.
struct GlibcChunks;

impl AllocationTracker for GlibcChunks {
    fn allocated(&self, _: usize, object_size: usize, _: usize, _: AllocationGroupId) {
        LIVE.fetch_add(chunk(object_size), Ordering::Relaxed);
    }

    fn deallocated(
        &self,
        _: usize,
        object_size: usize,
        _: usize,
        _: AllocationGroupId,
        _: AllocationGroupId,
    ) {
        LIVE.fetch_sub(chunk(object_size), Ordering::Relaxed);
    }
}

/// jemalloc's size class for `n` bytes (four classes per doubling past 128).
fn jemalloc(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    // n - 1 in [2^k, 2^(k+1)): four classes of 2^(k-2) bytes up to 2^(k+1).
    let k = usize::BITS - 1 - (n - 1).leading_zeros();
    let step = 1 << (k - 2);
    n.div_ceil(step) * step
}

/// A collection shape: the command and its arguments after the key, and Valkey's bytes.
struct Shape {
    name: &'static str,
    cmd: &'static str,
    args: Vec<Vec<u8>>,
    valkey_payload: usize,
}

fn listpack(elements: &[Vec<u8>]) -> usize {
    6 + elements
        .iter()
        .map(|e| listpack_entry_len(e))
        .sum::<usize>()
        + 1
}

fn shapes() -> Vec<Shape> {
    let value = |j: usize| format!("value{j:05}").into_bytes();
    let hash = |n: usize, v: &dyn Fn(usize) -> Vec<u8>| -> Vec<Vec<u8>> {
        (0..n)
            .flat_map(|j| [format!("field:{j}").into_bytes(), v(j)])
            .collect()
    };
    let ints = |n: usize| -> Vec<Vec<u8>> { (0..n).map(|j| format!("{j}").into_bytes()).collect() };
    let zset = |n: usize, score: &dyn Fn(usize) -> String| -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let args = (0..n)
            .flat_map(|j| [score(j).into_bytes(), format!("member:{j}").into_bytes()])
            .collect();
        // The listpack holds member then score, the score as Valkey's `d2string` writes it.
        let lp = (0..n)
            .flat_map(|j| [format!("member:{j}").into_bytes(), score(j).into_bytes()])
            .collect();
        (args, lp)
    };
    let strings =
        |n: usize| -> Vec<Vec<u8>> { (0..n).map(|j| format!("member:{j}").into_bytes()).collect() };
    let mut v = Vec::new();
    for (name, n) in [
        ("HSET 5 fields, 10-byte values", 5),
        ("HSET 100 fields, 10-byte values", 100),
    ] {
        let args = hash(n, &value);
        v.push(Shape {
            name,
            cmd: "HSET",
            valkey_payload: jemalloc(listpack(&args)),
            args,
        });
    }
    let args = hash(10, &|j| format!("{}", 1000 + j * 7).into_bytes());
    v.push(Shape {
        name: "HSET 10 fields, integer values",
        cmd: "HSET",
        valkey_payload: jemalloc(listpack(&args)),
        args,
    });
    let args = strings(10);
    v.push(Shape {
        name: "SADD 10 strings",
        cmd: "SADD",
        valkey_payload: jemalloc(listpack(&args)),
        args,
    });
    for (name, n) in [
        ("SADD 10 small integers", 10),
        ("SADD 100 small integers", 100),
    ] {
        v.push(Shape {
            name,
            cmd: "SADD",
            valkey_payload: jemalloc(8 + 2 * n),
            args: ints(n),
        });
    }
    let (args, lp) = zset(10, &|j| format!("{j}"));
    v.push(Shape {
        name: "ZADD 10, integer scores",
        cmd: "ZADD",
        valkey_payload: jemalloc(listpack(&lp)),
        args,
    });
    let (args, lp) = zset(100, &|j| format!("{j}.5"));
    v.push(Shape {
        name: "ZADD 100, fractional scores",
        cmd: "ZADD",
        valkey_payload: jemalloc(listpack(&lp)),
        args,
    });
    for (name, n) in [
        ("RPUSH 10 10-byte strings", 10),
        ("RPUSH 100 10-byte strings", 100),
    ] {
        let args: Vec<Vec<u8>> = (0..n).map(value).collect();
        v.push(Shape {
            name,
            cmd: "RPUSH",
            valkey_payload: jemalloc(listpack(&args)),
            args,
        });
    }
    v
}

/// Net live bytes (glibc chunks) of a keyspace holding `n` keys made by `cmd key args...`.
fn net_bytes(n: usize, cmd: &str, args: &[Vec<u8>]) -> isize {
    let table = keyspace::data_table();
    let before = LIVE.load(Ordering::Relaxed);
    let mut ks = Keyspace::new(Config::default());
    for i in 0..n {
        let key = format!("key:{i:06}").into_bytes();
        let mut argv: Vec<&[u8]> = vec![cmd.as_bytes(), &key];
        argv.extend(args.iter().map(|a| &a[..]));
        let mut cx = Ctx {
            keyspace: &mut ks,
            db: 0,
            now: Millis(1),
            events: &mut Discard,
        };
        cx.call(&table, &argv, &mut Tally::default());
    }
    let net = LIVE.load(Ordering::Relaxed) - before;
    drop(ks);
    net
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    AllocationRegistry::set_global_tracker(GlibcChunks).expect("the only tracker");
    AllocationRegistry::enable_tracking();
    let strings = net_bytes(n, "SET", &[b"x".to_vec()]);
    println!("{n} keys per shape; bytes per collection value, net of a key holding \"x\"");
    println!(
        "{:<34} {:>9} {:>9} {:>6}",
        "shape", "ours", "valkey", "ratio"
    );
    for s in shapes() {
        let ours = (net_bytes(n, s.cmd, &s.args) - strings) as f64 / n as f64;
        let valkey = 16 + s.valkey_payload;
        println!(
            "{:<34} {:>9.1} {:>9} {:>7.3}",
            s.name,
            ours,
            valkey,
            ours / valkey as f64
        );
    }
}
