//! Keyspace throughput through the command table: GET, SET, INCR, SET with EX, DEL, the list
//! commands LPUSH/LPOP and LRANGE 0 99, HSET/HGET and SADD/SISMEMBER on a small (listpack) and a
//! large (hashtable) collection, ZADD/ZSCORE likewise (listpack / skiplist), ZRANGE 0 99.
//!
//! Each iteration runs one command against a keyspace holding 100,000 keys (16-byte keys,
//! 100-byte values), so the numbers include the command-table lookup, the key hash, one probe,
//! the handler and the reply calls (into a sink that only counts), but no RESP encoding.
//!
//! Two access patterns: `hot` cycles over 1,000 of the 100,000 keys, so their entries and slots
//! stay in cache and the figure is the CPU cost of a command; the others stride over all 100,000
//! keys (step 7919), so nearly every command misses the caches and the TLB three times (control
//! byte, slot, entry) and the figure is mostly memory latency.
//! Run: `cargo bench -p benches --bench keyspace`.

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyspace::{CommandTable, Config, Ctx, Discard, Handler, Keyspace, Millis, Tally};

const KEYS: usize = 100_000;

/// Runs one command in database `db` at time `now`, its change events discarded.
fn call(
    ks: &mut Keyspace,
    table: &CommandTable<Handler>,
    db: usize,
    now: u64,
    args: &[&[u8]],
    out: &mut Tally,
) {
    let mut cx = Ctx {
        keyspace: ks,
        db,
        now: Millis(now),
        events: &mut Discard,
    };
    cx.call(table, args, out);
}

fn key(i: usize) -> [u8; 16] {
    let mut k = *b"key:000000000000";
    let digits = format!("{i:012}");
    k[4..].copy_from_slice(digits.as_bytes());
    k
}

fn filled() -> (Keyspace, CommandTable<Handler>, Vec<[u8; 16]>) {
    let mut ks = Keyspace::new(Config::default());
    let table = keyspace::data_table();
    let keys: Vec<[u8; 16]> = (0..KEYS).map(key).collect();
    let value = [b'v'; 100];
    for k in &keys {
        call(
            &mut ks,
            &table,
            0,
            1,
            &[b"SET", k, &value],
            &mut Tally::default(),
        );
    }
    (ks, table, keys)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("keyspace");
    g.throughput(Throughput::Elements(1));
    let value = [b'w'; 100];

    let (mut ks, table, keys) = filled();
    let mut i = 0;
    let mut out = Tally::default();
    let hot: Vec<[u8; 16]> = (0..1000).map(|j| keys[j * 97]).collect();
    g.bench_function("GET hot", |b| {
        b.iter(|| {
            i = (i + 1) % hot.len();
            call(&mut ks, &table, 0, 2, &[b"GET", &hot[i]], &mut out);
        });
    });
    g.bench_function("SET hot", |b| {
        b.iter(|| {
            i = (i + 1) % hot.len();
            call(&mut ks, &table, 0, 2, &[b"SET", &hot[i], &value], &mut out);
        });
    });
    g.bench_function("DEL+SET hot", |b| {
        b.iter(|| {
            i = (i + 1) % hot.len();
            call(&mut ks, &table, 0, 2, &[b"DEL", &hot[i]], &mut out);
            call(&mut ks, &table, 0, 2, &[b"SET", &hot[i], &value], &mut out);
        });
    });
    g.bench_function("GET", |b| {
        b.iter(|| {
            i = (i + 7919) % KEYS;
            call(&mut ks, &table, 0, 2, &[b"GET", &keys[i]], &mut out);
        });
    });
    g.bench_function("SET", |b| {
        b.iter(|| {
            i = (i + 7919) % KEYS;
            call(&mut ks, &table, 0, 2, &[b"SET", &keys[i], &value], &mut out);
        });
    });
    g.bench_function("SET EX", |b| {
        b.iter(|| {
            i = (i + 7919) % KEYS;
            call(
                &mut ks,
                &table,
                0,
                2,
                &[b"SET", &keys[i], &value, b"EX", b"100"],
                &mut out,
            );
        });
    });
    g.bench_function("INCR", |b| {
        b.iter(|| {
            i = (i + 1) % 1000;
            call(&mut ks, &table, 1, 2, &[b"INCR", &keys[i]], &mut out);
        });
    });
    // DEL then SET back, so every DEL deletes; the SET is measured on its own above.
    g.bench_function("DEL+SET", |b| {
        b.iter(|| {
            i = (i + 7919) % KEYS;
            call(&mut ks, &table, 0, 2, &[b"DEL", &keys[i]], &mut out);
            call(&mut ks, &table, 0, 2, &[b"SET", &keys[i], &value], &mut out);
        });
    });
    // Lists (issue 4): a push and a pop per iteration keep the list at 100 elements; LRANGE 0 99
    // replies with all of them.
    for i in 0..100 {
        call(
            &mut ks,
            &table,
            2,
            2,
            &[b"RPUSH", b"list", format!("{i}").as_bytes()],
            &mut out,
        );
    }
    g.bench_function("LPUSH+LPOP", |b| {
        b.iter(|| {
            call(
                &mut ks,
                &table,
                2,
                2,
                &[b"LPUSH", b"list", b"element"],
                &mut out,
            );
            call(&mut ks, &table, 2, 2, &[b"LPOP", b"list"], &mut out);
        });
    });
    g.bench_function("LRANGE 0 99", |b| {
        b.iter(|| {
            call(
                &mut ks,
                &table,
                2,
                2,
                &[b"LRANGE", b"list", b"0", b"99"],
                &mut out,
            );
        });
    });
    // Hashes and sets: 100 fields/members (listpack) and 1,000 (hashtable); each iteration
    // overwrites or reads the next field in turn.
    let names: Vec<Vec<u8>> = (0..1000)
        .map(|i| format!("field:{i}").into_bytes())
        .collect();
    for (key, n) in [(&b"hash:100"[..], 100), (b"hash:1000", 1000)] {
        for f in &names[..n] {
            call(
                &mut ks,
                &table,
                2,
                2,
                &[b"HSET", key, f, b"value"],
                &mut out,
            );
            let set_key = if n == 100 {
                &b"set:100"[..]
            } else {
                b"set:1000"
            };
            call(&mut ks, &table, 2, 2, &[b"SADD", set_key, f], &mut out);
        }
    }
    for (n, hkey, skey) in [
        (100, &b"hash:100"[..], &b"set:100"[..]),
        (1000, b"hash:1000", b"set:1000"),
    ] {
        let mut i = 0;
        g.bench_function(format!("HSET {n}"), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                call(
                    &mut ks,
                    &table,
                    2,
                    2,
                    &[b"HSET", hkey, &names[i], b"value"],
                    &mut out,
                );
            });
        });
        g.bench_function(format!("HGET {n}"), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                call(&mut ks, &table, 2, 2, &[b"HGET", hkey, &names[i]], &mut out);
            });
        });
        g.bench_function(format!("SADD {n}"), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                call(&mut ks, &table, 2, 2, &[b"SADD", skey, &names[i]], &mut out);
            });
        });
        g.bench_function(format!("SISMEMBER {n}"), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                call(
                    &mut ks,
                    &table,
                    2,
                    2,
                    &[b"SISMEMBER", skey, &names[i]],
                    &mut out,
                );
            });
        });
    }
    // Sorted sets: 100 members (listpack) and 1,000 (skiplist); ZADD rewrites a score with a
    // new value, ZRANGE 0 99 replies with 100 members of the larger one.
    for n in [100, 1000] {
        let zkey = format!("zset:{n}").into_bytes();
        for (j, f) in names[..n].iter().enumerate() {
            call(
                &mut ks,
                &table,
                2,
                2,
                &[b"ZADD", &zkey, format!("{j}").as_bytes(), f],
                &mut out,
            );
        }
        let scores: Vec<Vec<u8>> = (0..n).map(|j| format!("{}.5", j).into_bytes()).collect();
        let mut i = 0;
        g.bench_function(format!("ZADD {n}"), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                call(
                    &mut ks,
                    &table,
                    2,
                    2,
                    &[b"ZADD", &zkey, &scores[(i * 7) % n], &names[i]],
                    &mut out,
                );
            });
        });
        g.bench_function(format!("ZSCORE {n}"), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                call(
                    &mut ks,
                    &table,
                    2,
                    2,
                    &[b"ZSCORE", &zkey, &names[i]],
                    &mut out,
                );
            });
        });
        g.bench_function(format!("ZRANGE 0 99 ({n})"), |b| {
            b.iter(|| {
                call(
                    &mut ks,
                    &table,
                    2,
                    2,
                    &[b"ZRANGE", &zkey, b"0", b"99"],
                    &mut out,
                );
            });
        });
    }
    g.finish();
    black_box(out.0);
}

criterion_group!(benches, bench);
criterion_main!(benches);
