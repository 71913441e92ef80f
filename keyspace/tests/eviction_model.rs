//! Model-based test of `Keyspace::evict`: random writes (with and without a TTL) over three
//! databases, reads, clock advances and evictions to random limits under every policy, checked
//! against a `BTreeMap` of what should be stored. Every eviction must remove only keys that
//! exist (and, under `volatile-*`, have a TTL), report each once as `Evicted`, end under the
//! limit, and answer `OutOfMemory` only when nothing it may evict is left.

use std::collections::BTreeMap;

use keyspace::{
    AccessTracking, Change, ChangeKind, Config, Ctx, Discard, EvictOutcome, EvictionPolicy, Item,
    Keyspace, MemoryGauge, Millis,
};
use proptest::prelude::*;

struct Estimate;

impl MemoryGauge for Estimate {
    fn used(&mut self, keyspace: &Keyspace) -> usize {
        keyspace.used_memory()
    }
}

const DBS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    Set { key: u16, len: usize, ttl: bool },
    Get { key: u16 },
    Advance { seconds: u64 },
    Evict { percent: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u16..64, 1usize..300, any::<bool>())
            .prop_map(|(key, len, ttl)| Op::Set { key, len, ttl }),
        2 => (0u16..64).prop_map(|key| Op::Get { key }),
        1 => (1u64..600).prop_map(|seconds| Op::Advance { seconds }),
        2 => (0usize..110).prop_map(|percent| Op::Evict { percent }),
    ]
}

fn name(key: u16) -> (usize, Vec<u8>) {
    (usize::from(key) % DBS, format!("key:{key}").into_bytes())
}

fn run(policy: EvictionPolicy, samples: usize, ops: &[Op]) {
    let access = if policy.is_lfu() {
        AccessTracking::Lfu {
            log_factor: 10,
            decay_minutes: 1,
        }
    } else {
        AccessTracking::Lru
    };
    let config = Config::default()
        .databases(DBS)
        .eviction(policy, samples)
        .access(access);
    let mut ks = Keyspace::new(config);
    let table = keyspace::data_table();
    // (db, key) -> has a TTL.
    let mut model: BTreeMap<(usize, Vec<u8>), bool> = BTreeMap::new();
    let mut now = Millis(1_700_000_000_000);
    for op in ops {
        match op {
            Op::Set { key, len, ttl } => {
                let (db, k) = name(*key);
                let value = vec![b'v'; *len];
                let mut args: Vec<&[u8]> = vec![b"SET", &k, &value];
                if *ttl {
                    // Far beyond what the clock advances: nothing expires.
                    args.extend_from_slice(&[b"PX", b"100000000000"]);
                }
                let mut out: Vec<Item> = Vec::new();
                let mut cx = Ctx {
                    keyspace: &mut ks,
                    db,
                    now,
                    events: &mut Discard,
                };
                cx.call(&table, &args, &mut out);
                assert_eq!(out, [Item::Simple("OK".into())]);
                model.insert((db, k), *ttl);
            }
            Op::Get { key } => {
                let (db, k) = name(*key);
                let found = ks.get(db, &k, now, &mut Discard).is_some();
                assert_eq!(found, model.contains_key(&(db, k)));
            }
            Op::Advance { seconds } => now = now.saturating_add(seconds * 1000),
            Op::Evict { percent } => {
                let limit = ks.used_memory() * percent / 100;
                let mut events: Vec<Change> = Vec::new();
                let outcome = ks.evict(now, limit, &mut Estimate, &mut events);
                for e in &events {
                    assert_eq!(e.kind, ChangeKind::Evicted);
                    let ttl = model.remove(&(e.db, e.key.clone()));
                    assert!(ttl.is_some(), "evicted a key that was not there");
                    if !policy.all_keys() {
                        assert_eq!(ttl, Some(true), "{policy:?} evicted a persistent key");
                    }
                }
                let candidates = model.values().filter(|&&ttl| ttl || policy.all_keys());
                match outcome {
                    EvictOutcome::Fits => {
                        assert!(limit == 0 || ks.used_memory() <= limit);
                        if limit == 0 {
                            assert!(events.is_empty());
                        }
                    }
                    EvictOutcome::OutOfMemory => {
                        assert!(ks.used_memory() > limit);
                        if policy == EvictionPolicy::NoEviction {
                            assert!(events.is_empty());
                        } else {
                            assert_eq!(candidates.count(), 0, "gave up with candidates left");
                        }
                    }
                    other => panic!("{other:?} without a time limit"),
                }
            }
        }
        for db in 0..DBS {
            let want = model.keys().filter(|(d, _)| *d == db).count();
            assert_eq!(ks.len(db), want, "database {db}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn eviction_agrees_with_the_model(
        policy in 0..EvictionPolicy::ALL.len(),
        samples in 1usize..12,
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        run(EvictionPolicy::ALL[policy], samples, &ops);
    }
}
