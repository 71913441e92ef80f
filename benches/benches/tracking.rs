//! tracking-core: recording a read (a repeated pair, and fresh pairs into a growing table),
//! invalidating a key read by 10,000 clients (change + drain), and a BCAST event-loop iteration
//! with 1,000 prefixes and 100,000 writes. Memory per tracked pair is measured with a counting
//! allocator in `tracking-core/tests/memory.rs`.

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

fn keys(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("user:{i:08}:name").into_bytes())
        .collect()
}

fn record_read(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracking/record_read");

    // A GET of a key the client already tracks, in a table of N keys × 2 readers, keys visited
    // in a scattered order: 1,000 keys stay in cache; 1,000,000 keys miss it on every read.
    group.throughput(Throughput::Elements(1));
    for n in [1_000, 1_000_000] {
        let table = keys(n);
        let mut tracker = Tracker::new();
        for reader in [id(1), id(2)] {
            tracker.enable(reader, &TrackingOptions::default()).unwrap();
            for key in &table {
                tracker.record_read(reader, key);
            }
        }
        let mut i = 0;
        group.bench_function(format!("repeat_pair_{n}_keys"), |b| {
            b.iter(|| {
                i = (i + 7919) % table.len();
                tracker.record_read(id(1), black_box(&table[i]));
            });
        });
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
