//! Rank queries on one 100,000-member sorted set (skiplist encoding): ZRANK and ZREVRANK of
//! members strided over the whole set, ZRANGE of 10 members by rank from the middle, and ZCOUNT
//! of a score range holding half the members, and the first 10 of a score range holding them
//! all (LIMIT 0 10). Each is a handful of O(log n) steps with an
//! order-statistics index, O(n) without one.
//! Run: `cargo bench -p benches --bench zset_rank`.

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use keyspace::{CommandTable, Config, Ctx, Discard, Handler, Keyspace, Millis, Tally};

const MEMBERS: usize = 100_000;

fn call(ks: &mut Keyspace, table: &CommandTable<Handler>, args: &[&[u8]], out: &mut Tally) {
    let mut cx = Ctx {
        keyspace: ks,
        db: 0,
        now: Millis(1),
        events: &mut Discard,
    };
    cx.call(table, args, out);
}

fn bench(c: &mut Criterion) {
    let mut ks = Keyspace::new(Config::default());
    let table = keyspace::data_table();
    let members: Vec<Vec<u8>> = (0..MEMBERS)
        .map(|i| format!("member:{i:08}").into_bytes())
        .collect();
    for (i, m) in members.iter().enumerate() {
        let score = format!("{}", (i * 7919) % MEMBERS);
        call(
            &mut ks,
            &table,
            &[b"ZADD", b"board", score.as_bytes(), m],
            &mut Tally::default(),
        );
    }
    let mut g = c.benchmark_group("zset_100k");
    for name in ["ZRANK", "ZREVRANK"] {
        let mut i = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 7919) % MEMBERS;
                let mut out = Tally::default();
                call(
                    &mut ks,
                    &table,
                    &[name.as_bytes(), b"board", &members[i]],
                    &mut out,
                );
                black_box(out)
            });
        });
    }
    g.bench_function("ZRANGE 50000 50009", |b| {
        b.iter(|| {
            let mut out = Tally::default();
            call(
                &mut ks,
                &table,
                &[b"ZRANGE", b"board", b"50000", b"50009"],
                &mut out,
            );
            black_box(out)
        });
    });
    g.bench_function("ZRANGE -inf +inf BYSCORE LIMIT 0 10", |b| {
        b.iter(|| {
            let mut out = Tally::default();
            let args: [&[u8]; 9] = [
                b"ZRANGE",
                b"board",
                b"-inf",
                b"+inf",
                b"BYSCORE",
                b"LIMIT",
                b"0",
                b"10",
                b"WITHSCORES",
            ];
            call(&mut ks, &table, &args, &mut out);
            black_box(out)
        });
    });
    g.bench_function("ZCOUNT 25000 74999", |b| {
        b.iter(|| {
            let mut out = Tally::default();
            call(
                &mut ks,
                &table,
                &[b"ZCOUNT", b"board", b"25000", b"74999"],
                &mut out,
            );
            black_box(out)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
