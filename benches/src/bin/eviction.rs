//! Eviction quality: the hit ratio of a cache kept under `maxmemory` by the keyspace's sampled
//! `allkeys-lru` and `allkeys-lfu`, against an exact LRU holding the same number of keys, under
//! a Zipf workload (read the key; on a miss, write it, evicting first as the server does before
//! each command).
//!
//! ```text
//! cargo run --release -p benches --bin eviction [keys] [requests] [zipf-exponent] [cache-%]
//! ```
//!
//! Defaults: 100,000 distinct 16-byte keys with 100-byte values, 2,000,000 requests, exponent
//! 0.99, a limit holding about 10% of the keys. The LRU clock ticks once a second, so the
//! request rate matters to LRU: rows are printed at 1,000, 10,000 and 100,000 requests per
//! simulated second. The first fifth of the requests warms the cache and is not counted.

use std::collections::{HashMap, VecDeque};

use keyspace::{Config, Discard, EvictOutcome, EvictionPolicy, Keyspace, MemoryGauge, Millis};

/// xorshift64*: deterministic, so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Draws key ranks with probability proportional to `1 / rank^s` (inverse CDF table).
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut sum = 0.0;
        for rank in 1..=n {
            sum += 1.0 / (rank as f64).powf(s);
            cdf.push(sum);
        }
        for c in &mut cdf {
            *c /= sum;
        }
        Self { cdf }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

/// Ranks are scattered over the key names so hot keys are not neighbours in the hash table.
fn key(rank: usize) -> [u8; 16] {
    let mixed = (rank as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
    let mut k = *b"key:000000000000";
    k[4..].copy_from_slice(format!("{:012}", mixed % 1_000_000_000_000).as_bytes());
    k
}

struct Estimate;

impl MemoryGauge for Estimate {
    fn used(&mut self, keyspace: &Keyspace) -> usize {
        keyspace.used_memory()
    }
}

struct Run {
    hit_ratio: f64,
    keys: usize,
    used: usize,
}

/// The keyspace as a cache under `maxmemory`.
fn keyspace_run(
    policy: EvictionPolicy,
    samples: usize,
    maxmemory: usize,
    trace: &[usize],
    names: &[[u8; 16]],
    per_second: u64,
) -> Run {
    let access = if policy.is_lfu() {
        keyspace::AccessTracking::Lfu {
            log_factor: 10,
            decay_minutes: 1,
        }
    } else {
        keyspace::AccessTracking::Lru
    };
    let config = Config::default()
        .databases(1)
        .eviction(policy, samples)
        .access(access);
    let mut ks = Keyspace::new(config);
    let value = [b'v'; 100];
    let warm = trace.len() / 5;
    let mut hits = 0usize;
    for (n, &rank) in trace.iter().enumerate() {
        let now = Millis(1_700_000_000_000 + n as u64 * 1000 / per_second);
        let k = names[rank];
        let outcome = ks.evict(now, maxmemory, &mut Estimate, &mut Discard);
        assert_ne!(outcome, EvictOutcome::OutOfMemory, "the cache ran dry");
        if ks.get(0, &k, now, &mut Discard).is_some() {
            hits += usize::from(n >= warm);
        } else {
            ks.set(0, &k, &value, now, &mut Discard);
        }
    }
    Run {
        hit_ratio: hits as f64 / (trace.len() - warm) as f64,
        keys: ks.len(0),
        used: ks.used_memory(),
    }
}

/// An exact LRU of `capacity` keys: the ideal the sampled policies approximate.
fn exact_lru(capacity: usize, trace: &[usize]) -> f64 {
    let mut last: HashMap<usize, u64> = HashMap::with_capacity(capacity * 2);
    let mut queue: VecDeque<(usize, u64)> = VecDeque::new();
    let warm = trace.len() / 5;
    let mut hits = 0usize;
    for (stamp, &rank) in trace.iter().enumerate() {
        let stamp = stamp as u64;
        if last.insert(rank, stamp).is_some() {
            hits += usize::from(stamp as usize >= warm);
        }
        queue.push_back((rank, stamp));
        while last.len() > capacity {
            let (old, at) = queue.pop_front().expect("queue holds every live key");
            if last.get(&old) == Some(&at) {
                last.remove(&old);
            }
        }
        // Keep stale queue entries from piling up.
        if queue.len() > capacity * 4 {
            queue.retain(|(k, at)| last.get(k) == Some(at));
        }
    }
    hits as f64 / (trace.len() - warm) as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut arg = |default: f64| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let keys = arg(100_000.0) as usize;
    let requests = arg(2_000_000.0) as usize;
    let exponent = arg(0.99);
    let cache_percent = arg(10.0);

    let zipf = Zipf::new(keys, exponent);
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let trace: Vec<usize> = (0..requests).map(|_| zipf.sample(&mut rng)).collect();
    let names: Vec<[u8; 16]> = (0..keys).map(key).collect();

    // The limit: what the keyspace itself uses for cache-% of the keys.
    let mut probe = Keyspace::new(Config::default().databases(1));
    let held = (keys as f64 * cache_percent / 100.0) as usize;
    for name in &names[..held] {
        probe.set(0, name, &[b'v'; 100], Millis(0), &mut Discard);
    }
    let maxmemory = probe.used_memory();
    drop(probe);

    println!(
        "{keys} keys (16-byte names, 100-byte values), {requests} Zipf({exponent}) requests, \
         maxmemory {maxmemory} bytes (~{cache_percent}% of the keys); hit ratio after warm-up"
    );
    println!(
        "{:<13} {:>7} {:>10} {:>9} {:>8} {:>11} {:>10}",
        "policy", "samples", "req/s", "hit", "ideal", "keys held", "bytes/key"
    );
    for per_second in [1_000u64, 10_000, 100_000] {
        for policy in [EvictionPolicy::AllKeysLru, EvictionPolicy::AllKeysLfu] {
            for samples in [5usize, 10] {
                let run = keyspace_run(policy, samples, maxmemory, &trace, &names, per_second);
                let ideal = exact_lru(run.keys, &trace);
                println!(
                    "{:<13} {:>7} {:>10} {:>8.2}% {:>7.2}% {:>11} {:>10.1}",
                    policy.name(),
                    samples,
                    per_second,
                    run.hit_ratio * 100.0,
                    ideal * 100.0,
                    run.keys,
                    run.used as f64 / run.keys as f64,
                );
            }
        }
    }
}
