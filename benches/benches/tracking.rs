//! tracking-core: recording a read, invalidating a key read by 10,000 clients (change + drain),
//! and a BCAST event-loop iteration with 1,000 prefixes and 100,000 writes. Memory per tracked
//! pair is measured with a counting allocator in `tracking-core/tests/memory.rs`.
//!
//! Recording a read, per key read (`Throughput::Elements`), the tracker holding N keys × 2
//! readers (the memory goal's table):
//! - `repeat_pair_1000_keys`: a GET of a pair already recorded, 1,000 keys: all in cache.
//! - `repeat_pair_1000000_keys`: the same at 1,000,000 keys visited in a scattered order with
//!   uniform popularity, so every read misses the cache: the worst case.
//! - `zipf_1000000_keys`: GETs of 1,000,000 keys whose popularity follows Zipf's law (s = 0.99,
//!   YCSB's default), the table filled in key order, so the hot keys lie all over it.
//! - `zipf_1000000_keys_filled_by_reads`: the same stream, the table filled by the stream's own
//!   first reads (then the keys it never reads): hot keys are read first and sit together, as
//!   when a server's table is filled by the reads themselves. The realistic stream.
//! - `mget16_1000000_keys`: MGETs of 16 keys scattered uniformly, one `record_reads` call each.
//! - `new_pairs_1m_keys`: 1,000,000 first reads into an empty table, growth included.
//!
//! The keys to read come from one request buffer read front to back, as a server's keys come
//! from the request it just parsed: the reads miss only in the engine's table. Each figure is an
//! average over the stream (the goal's "amortised"); at 1,000,000 uniformly scattered keys it is
//! the cost of two cache misses per read, which the CPU partly overlaps with the next iteration's.

use core::cell::RefCell;
use core::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tracking_core::{ChangedBy, ClientId, Message, Tracker, TrackingOptions};

fn id(n: u64) -> ClientId {
    ClientId::new(n).expect("ids start at 1")
}

fn all_connected(_: ClientId) -> bool {
    true
}

/// Width of every key in [`key`].
const KEY_LEN: usize = 18;

fn key(i: usize) -> Vec<u8> {
    format!("user:{i:08}:name").into_bytes()
}

fn keys(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(key).collect()
}

/// A tracker holding `n` keys, each read by clients 1 and 2.
fn table(n: usize) -> Tracker {
    let mut tracker = Tracker::new();
    tracker.set_max_keys(0);
    for reader in [id(1), id(2)] {
        tracker.enable(reader, &TrackingOptions::default()).unwrap();
        for i in 0..n {
            tracker.record_read(reader, &key(i));
        }
    }
    tracker
}

/// A tracker holding `n` keys, each read by clients 1 and 2: first the keys of `stream` in the
/// order they come, then the others.
fn table_filled_by(stream: &[u8], n: usize) -> Tracker {
    let mut tracker = Tracker::new();
    tracker.set_max_keys(0);
    for reader in [id(1), id(2)] {
        tracker.enable(reader, &TrackingOptions::default()).unwrap();
    }
    for key in stream.chunks_exact(KEY_LEN) {
        tracker.record_read(id(1), key);
        tracker.record_read(id(2), key);
    }
    for i in 0..n {
        tracker.record_read(id(1), &key(i));
        tracker.record_read(id(2), &key(i));
    }
    tracker
}

/// The keys numbered by `order`, back to back: the request buffer a benchmark reads.
fn requests(order: impl Iterator<Item = usize>) -> Vec<u8> {
    order.flat_map(key).collect()
}

/// `len` key numbers below `n` visited with a stride coprime to `n`: each read lands far from
/// the one before, every key equally often.
fn scattered(n: usize, len: usize) -> impl Iterator<Item = usize> {
    (0..len).map(move |i| i * 7919 % n)
}

/// `len` key numbers below `n` drawn with Zipf(0.99) popularity; rank r is key `r × 7919 mod n`,
/// so the hot keys lie all over the table.
fn zipf(n: usize, len: usize) -> impl Iterator<Item = usize> {
    let mut cdf: Vec<f64> = (1..=n).map(|r| 1.0 / (r as f64).powf(0.99)).collect();
    let mut sum = 0.0;
    for p in &mut cdf {
        sum += *p;
        *p = sum;
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let u = (x >> 11) as f64 / (1u64 << 53) as f64 * sum;
        cdf.partition_point(|&c| c < u).min(n - 1) * 7919 % n
    })
}

/// Reads 1,000,000 requested keys round and round, `per_call` keys per `record_reads`.
fn bench_stream(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    tracker: &mut Tracker,
    stream: &[u8],
    per_call: usize,
) {
    let calls: Vec<&[u8]> = stream.chunks_exact(KEY_LEN * per_call).collect();
    let mut next = 0;
    let mut reader = 0;
    c.throughput(Throughput::Elements(per_call as u64));
    c.bench_function(name, |b| {
        b.iter(|| {
            let call = black_box(calls[next]);
            next = (next + 1) % calls.len();
            reader = (reader + 1) % 2;
            tracker.record_reads(id(1 + reader), call.chunks_exact(KEY_LEN));
        });
    });
}

fn record_read(c: &mut Criterion) {
    const READS: usize = 1_000_000;
    let mut group = c.benchmark_group("tracking/record_read");
    for n in [1_000, 1_000_000] {
        let mut tracker = table(n);
        let stream = requests(scattered(n, READS));
        let name = format!("repeat_pair_{n}_keys");
        bench_stream(&mut group, &name, &mut tracker, &stream, 1);
        if n == 1_000_000 {
            let stream = requests(zipf(n, READS));
            bench_stream(&mut group, "zipf_1000000_keys", &mut tracker, &stream, 1);
            let mut filled = table_filled_by(&stream, n);
            assert_eq!(filled.stats().total_items, 2 * n);
            let name = "zipf_1000000_keys_filled_by_reads";
            bench_stream(&mut group, name, &mut filled, &stream, 1);
            drop(filled);
            let stream = requests(scattered(n, READS));
            bench_stream(&mut group, "mget16_1000000_keys", &mut tracker, &stream, 16);
        }
    }

    // Fresh pairs: 1,000,000 new keys, one reader each, table growth included (amortised).
    let fresh = keys(1_000_000);
    group.throughput(Throughput::Elements(fresh.len() as u64));
    group.sample_size(10);
    group.bench_function("new_pairs_1m_keys", |b| {
        b.iter_batched(
            || {
                let mut t = Tracker::new();
                t.set_max_keys(0);
                t.enable(id(1), &TrackingOptions::default()).unwrap();
                t
            },
            |mut t| {
                for key in &fresh {
                    t.record_read(id(1), key);
                }
                t
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn invalidate_hot_key(c: &mut Criterion) {
    const READERS: u64 = 10_000;
    let mut group = c.benchmark_group("tracking/invalidate");
    group.throughput(Throughput::Elements(READERS));
    group.sample_size(30);
    // One tracker reused: setup (untimed) records the 10,000 reads again; the routine is the
    // SET that invalidates them plus draining the 10,000 deliveries.
    let pool = RefCell::new(None::<Tracker>);
    group.bench_function("key_read_by_10k_clients", |b| {
        b.iter_batched(
            || {
                let mut t = pool.borrow_mut().take().unwrap_or_else(|| {
                    let mut t = Tracker::new();
                    for c in 1..=READERS {
                        t.enable(id(c), &TrackingOptions::default()).unwrap();
                    }
                    t
                });
                for c in 1..=READERS {
                    t.record_read(id(c), b"hot:key");
                }
                t
            },
            |mut t| {
                t.key_changed(black_box(b"hot:key"), ChangedBy::Client(id(READERS + 1)));
                let mut sent = 0usize;
                t.drain(&all_connected, |d| {
                    if let Message::Invalidate(keys) = d.message {
                        sent += keys.len();
                    }
                });
                assert_eq!(sent, READERS as usize);
                *pool.borrow_mut() = Some(t);
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn bcast_iteration(c: &mut Criterion) {
    const PREFIXES: usize = 1_000;
    const CLIENTS: u64 = 100;
    const WRITES: usize = 100_000;
    let mut group = c.benchmark_group("tracking/bcast");
    group.throughput(Throughput::Elements(WRITES as u64));
    group.sample_size(20);
    // 100 BCAST clients with 10 prefixes each (`user:0:` … `user:999:`); 100,000 writes to
    // 100,000 distinct keys, nine in ten under some prefix; then the iteration ends and every
    // batch is drained.
    let mut t = Tracker::new();
    for client in 0..CLIENTS {
        let prefixes = (0..PREFIXES as u64 / CLIENTS)
            .map(|i| format!("user:{}:", client * 10 + i).into_bytes().into())
            .collect();
        let options = TrackingOptions {
            bcast: true,
            prefixes,
            ..TrackingOptions::default()
        };
        t.enable(id(client + 1), &options).unwrap();
    }
    assert_eq!(t.stats().total_prefixes, PREFIXES);
    let writes: Vec<Vec<u8>> = (0..WRITES)
        .map(|i| format!("user:{}:{i}", i % (PREFIXES + PREFIXES / 9)).into_bytes())
        .collect();
    let writer = ChangedBy::Client(id(CLIENTS + 1));
    group.bench_function("1000_prefixes_100k_writes", |b| {
        b.iter(|| {
            for key in &writes {
                t.key_changed(black_box(key), writer);
            }
            t.end_of_iteration();
            let mut keys = 0usize;
            t.drain(&all_connected, |d| {
                if let Message::Invalidate(k) = d.message {
                    keys += k.len();
                }
            });
            black_box(keys)
        });
    });
    group.finish();
}

criterion_group!(benches, record_read, invalidate_hot_key, bcast_iteration);
criterion_main!(benches);
