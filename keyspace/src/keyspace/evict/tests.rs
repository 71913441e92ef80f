use super::*;
use crate::Config;
use crate::events::{Change, Discard};

/// The keyspace's own estimate as the used memory; never stops early.
struct Estimate;

impl MemoryGauge for Estimate {
    fn used(&mut self, keyspace: &Keyspace) -> usize {
        keyspace.used_memory()
    }
}

/// Stops after the first 16 keys.
struct Impatient;

impl MemoryGauge for Impatient {
    fn used(&mut self, keyspace: &Keyspace) -> usize {
        keyspace.used_memory()
    }

    fn keep_going(&mut self) -> bool {
        false
    }
}

const SEC: u64 = 1000;

fn key(i: usize) -> Vec<u8> {
    alloc::format!("key:{i:06}").into_bytes()
}

fn lfu() -> AccessTracking {
    AccessTracking::Lfu {
        log_factor: 10,
        decay_minutes: 1,
    }
}

fn keyspace(policy: EvictionPolicy, access: AccessTracking) -> Keyspace {
    Keyspace::new(Config::default().access(access).eviction(policy, 5))
}

/// Stores `n` keys, key `i` written at second `i`, with a TTL (an hour later) when
/// `volatile(i)`.
fn fill(ks: &mut Keyspace, db: usize, n: usize, volatile: impl Fn(usize) -> bool) {
    for i in 0..n {
        let now = Millis(i as u64 * SEC);
        let k = key(i);
        ks.set(db, &k, &[b'v'; 40], now, &mut Discard);
        if volatile(i) {
            let (slot, h) = ks.lookup(db, &k, now, &mut Discard, false).expect("set");
            ks.set_expire(db, slot, h, Some(Millis(3_600_000 + i as u64)));
        }
    }
}

fn present(ks: &Keyspace, db: usize, i: usize) -> bool {
    ks.peek(db, &key(i), Millis(0)).is_some()
}

/// Evicts down to `fraction` of the memory in use and returns the outcome and the events.
fn evict_to(ks: &mut Keyspace, fraction: f64, now: Millis) -> (EvictOutcome, Vec<Change>) {
    let limit = (ks.used_memory() as f64 * fraction) as usize;
    let mut ev = Vec::<Change>::new();
    let outcome = ks.evict(now, limit, &mut Estimate, &mut ev);
    (outcome, ev)
}

#[test]
fn no_limit_or_under_the_limit_evicts_nothing() {
    let mut ks = keyspace(EvictionPolicy::AllKeysLru, AccessTracking::Lru);
    fill(&mut ks, 0, 100, |_| false);
    let mut ev = Vec::<Change>::new();
    assert_eq!(
        ks.evict(Millis(0), 0, &mut Estimate, &mut ev),
        EvictOutcome::Fits
    );
    let used = ks.used_memory();
    assert_eq!(
        ks.evict(Millis(0), used, &mut Estimate, &mut ev),
        EvictOutcome::Fits
    );
    assert!(ev.is_empty());
    assert_eq!(ks.len(0), 100);
}

#[test]
fn noeviction_reports_out_of_memory_and_keeps_every_key() {
    let mut ks = keyspace(EvictionPolicy::NoEviction, AccessTracking::Lru);
    fill(&mut ks, 0, 100, |_| false);
    let (outcome, ev) = evict_to(&mut ks, 0.5, Millis(0));
    assert_eq!(outcome, EvictOutcome::OutOfMemory);
    assert!(ev.is_empty());
    assert_eq!(ks.len(0), 100);
}

#[test]
fn every_evicted_key_is_reported_once_as_evicted_and_memory_ends_under_the_limit() {
    for policy in EvictionPolicy::ALL {
        if policy == EvictionPolicy::NoEviction {
            continue;
        }
        let access = if policy.is_lfu() {
            lfu()
        } else {
            AccessTracking::Lru
        };
        let mut ks = keyspace(policy, access);
        fill(&mut ks, 0, 1000, |_| true);
        let limit = ks.used_memory() * 6 / 10;
        let mut ev = Vec::<Change>::new();
        let outcome = ks.evict(Millis(2000 * SEC), limit, &mut Estimate, &mut ev);
        assert_eq!(outcome, EvictOutcome::Fits, "{policy:?}");
        assert!(ks.used_memory() <= limit, "{policy:?}");
        assert!(
            ev.iter()
                .all(|c| c.kind == ChangeKind::Evicted && c.db == 0)
        );
        let mut keys: Vec<_> = ev.iter().map(|c| c.key.clone()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ev.len(), "{policy:?}: a key reported twice");
        assert_eq!(ks.len(0) + ev.len(), 1000, "{policy:?}");
        assert!(keys.iter().all(|k| ks.peek(0, k, Millis(0)).is_none()));
    }
}

#[test]
fn allkeys_lru_evicts_the_least_recently_used_keys() {
    let mut ks = keyspace(EvictionPolicy::AllKeysLru, AccessTracking::Lru);
    fill(&mut ks, 0, 1000, |_| false);
    // A hot set among the oldest keys, read at the end.
    let now = Millis(1000 * SEC);
    for i in 0..50 {
        assert!(ks.get(0, &key(i), now, &mut Discard).is_some());
    }
    let (outcome, ev) = evict_to(&mut ks, 0.5, now);
    assert_eq!(outcome, EvictOutcome::Fits);
    assert!(ev.len() > 400, "evicted {}", ev.len());
    assert!((0..50).all(|i| present(&ks, 0, i)), "a hot key was evicted");
    // The newest keys survive, the oldest cold ones mostly went.
    let newest = (900..1000).filter(|&i| present(&ks, 0, i)).count();
    let oldest = (50..250).filter(|&i| present(&ks, 0, i)).count();
    assert!(newest >= 95, "{newest} of the 100 newest kept");
    assert!(oldest <= 40, "{oldest} of the 200 oldest cold keys kept");
}

#[test]
fn allkeys_lfu_evicts_the_least_frequently_used_keys() {
    let mut ks = keyspace(EvictionPolicy::AllKeysLfu, lfu());
    fill(&mut ks, 0, 1000, |_| false);
    // Keys 500..600 are read 100 times each: their counters climb well above the initial 5.
    let now = Millis(1000 * SEC);
    for _ in 0..100 {
        for i in 500..600 {
            ks.get(0, &key(i), now, &mut Discard);
        }
    }
    let (outcome, ev) = evict_to(&mut ks, 0.5, now);
    assert_eq!(outcome, EvictOutcome::Fits);
    assert!(ev.len() > 400);
    assert!(
        (500..600).all(|i| present(&ks, 0, i)),
        "a frequent key was evicted"
    );
}

#[test]
fn lfu_counters_decay_so_formerly_hot_keys_become_candidates() {
    // Keys 0..20 are read 100 times early on; an hour later every other key is read 10 times.
    // With decay the old favourites fell to 0 and are evicted well beyond their 10% share;
    // without it they keep their counters and none is.
    let old_hot_evicted = |decay_minutes| {
        let access = AccessTracking::Lfu {
            log_factor: 10,
            decay_minutes,
        };
        let mut ks = keyspace(EvictionPolicy::AllKeysLfu, access);
        fill(&mut ks, 0, 200, |_| false);
        let early = Millis(200 * SEC);
        for _ in 0..100 {
            for i in 0..20 {
                ks.get(0, &key(i), early, &mut Discard);
            }
        }
        let later = Millis(200 * SEC + 60 * 60 * SEC);
        for _ in 0..10 {
            for i in 20..200 {
                ks.get(0, &key(i), later, &mut Discard);
            }
        }
        let (_, ev) = evict_to(&mut ks, 0.8, later);
        assert!(ev.len() >= 20, "{}", ev.len());
        (0..20).filter(|&i| !present(&ks, 0, i)).count()
    };
    assert_eq!(old_hot_evicted(0), 0);
    let evicted = old_hot_evicted(1);
    assert!(evicted >= 10, "{evicted} decayed keys evicted");
}

#[test]
fn volatile_policies_never_touch_persistent_keys_and_run_out() {
    for policy in [
        EvictionPolicy::VolatileLru,
        EvictionPolicy::VolatileLfu,
        EvictionPolicy::VolatileRandom,
        EvictionPolicy::VolatileTtl,
    ] {
        let access = if policy.is_lfu() {
            lfu()
        } else {
            AccessTracking::Lru
        };
        let mut ks = keyspace(policy, access);
        fill(&mut ks, 0, 400, |i| i % 2 == 0);
        fill(&mut ks, 1, 100, |i| i % 4 == 0);
        // A limit only removing more than every volatile key could meet.
        let (outcome, ev) = evict_to(&mut ks, 0.3, Millis(500 * SEC));
        assert_eq!(outcome, EvictOutcome::OutOfMemory, "{policy:?}");
        assert_eq!(ev.len(), 200 + 25, "{policy:?}: every volatile key goes");
        assert_eq!((ks.len(0), ks.len(1)), (200, 75), "{policy:?}");
        assert!(
            (1..400).step_by(2).all(|i| present(&ks, 0, i)),
            "{policy:?}"
        );
        assert_eq!((ks.expires_len(0), ks.expires_len(1)), (0, 0));
    }
}

#[test]
fn volatile_ttl_evicts_the_nearest_expiry_first() {
    let mut ks = keyspace(EvictionPolicy::VolatileTtl, AccessTracking::Lru);
    // Expiry order is the reverse of key order: key i expires at 10^7 - i seconds.
    for i in 0..1000 {
        let k = key(i);
        ks.set(0, &k, &[b'v'; 40], Millis(0), &mut Discard);
        let (slot, h) = ks
            .lookup(0, &k, Millis(0), &mut Discard, false)
            .expect("set");
        ks.set_expire(0, slot, h, Some(Millis((10_000_000 - i as u64) * SEC)));
    }
    let (outcome, ev) = evict_to(&mut ks, 0.7, Millis(0));
    assert_eq!(outcome, EvictOutcome::Fits);
    assert!(ev.len() > 250);
    // The keys expiring last (low numbers) all stay; the soonest (high numbers) mostly went.
    assert!((0..300).all(|i| present(&ks, 0, i)));
    let soonest_kept = (900..1000).filter(|&i| present(&ks, 0, i)).count();
    assert!(soonest_kept <= 10, "{soonest_kept} of the 100 soonest kept");
}

#[test]
fn eviction_samples_every_database() {
    let mut ks = Keyspace::new(
        Config::default()
            .databases(4)
            .eviction(EvictionPolicy::AllKeysLru, 5),
    );
    fill(&mut ks, 0, 300, |_| false);
    // Database 3's keys were all written (and so last used) before database 0's newest.
    fill(&mut ks, 3, 300, |_| false);
    let now = Millis(300 * SEC);
    for i in 0..300 {
        ks.get(0, &key(i), now, &mut Discard);
    }
    let (_, ev) = evict_to(&mut ks, 0.6, now);
    let from3 = ev.iter().filter(|c| c.db == 3).count();
    assert!(
        from3 > ev.len() * 9 / 10,
        "{from3} of {} from db 3",
        ev.len()
    );
}

#[test]
fn random_policies_visit_databases_in_turn() {
    let mut ks = Keyspace::new(
        Config::default()
            .databases(3)
            .eviction(EvictionPolicy::AllKeysRandom, 5),
    );
    for db in 0..3 {
        fill(&mut ks, db, 100, |_| false);
    }
    let (outcome, ev) = evict_to(&mut ks, 0.5, Millis(0));
    assert_eq!(outcome, EvictOutcome::Fits);
    let per_db: Vec<usize> = (0..3)
        .map(|db| ev.iter().filter(|c| c.db == db).count())
        .collect();
    let (lo, hi) = (per_db.iter().min(), per_db.iter().max());
    assert!(hi.zip(lo).is_some_and(|(h, l)| h - l <= 1), "{per_db:?}");
}

#[test]
fn a_gauge_that_stops_early_leaves_the_rest_for_later() {
    let mut ks = keyspace(EvictionPolicy::AllKeysRandom, AccessTracking::Lru);
    fill(&mut ks, 0, 500, |_| false);
    let limit = ks.used_memory() / 2;
    let mut ev = Vec::<Change>::new();
    let first = ks.evict(Millis(0), limit, &mut Impatient, &mut ev);
    assert_eq!((first, ev.len()), (EvictOutcome::Running, 16));
    let second = ks.evict(Millis(0), limit, &mut Estimate, &mut ev);
    assert_eq!(second, EvictOutcome::Fits);
    assert!(ks.used_memory() <= limit);
}

#[test]
fn an_empty_keyspace_over_the_limit_is_out_of_memory() {
    for policy in [EvictionPolicy::AllKeysLru, EvictionPolicy::AllKeysRandom] {
        let mut ks = keyspace(policy, AccessTracking::Lru);
        let mut ev = Vec::<Change>::new();
        assert_eq!(
            ks.evict(Millis(0), 1, &mut Estimate, &mut ev),
            EvictOutcome::OutOfMemory
        );
    }
}

#[test]
fn the_pool_keeps_the_sixteen_best_in_ascending_order() {
    let mut pool = Pool::default();
    let scores = [
        50u64, 10, 70, 30, 90, 20, 60, 80, 40, 100, 5, 15, 25, 35, 45, 55, 65, 1, 200,
    ];
    for (i, s) in scores.iter().enumerate() {
        pool.offer(*s, &key(i), 0);
    }
    let kept: Vec<u64> = pool
        .slots
        .iter()
        .filter(|c| c.live)
        .map(|c| c.score)
        .collect();
    let mut best = scores.to_vec();
    best.sort_unstable();
    assert_eq!(kept, best[best.len() - POOL_SIZE..]);
    let (_, k) = pool.take_best().expect("live");
    assert_eq!(k, key(18).as_slice());
    // One slot is free now: even the lowest score gets in.
    pool.offer(0, b"low0", 0);
    let scores_now = |p: &Pool| -> Vec<u64> { p.slots.iter().map(|c| c.score).collect() };
    let mut want = best[best.len() - POOL_SIZE..best.len() - 1].to_vec();
    want.insert(0, 0);
    assert_eq!(scores_now(&pool), want);
    // Full: a better score pushes the worst out; a worse one is turned away.
    pool.offer(2, b"low2", 0);
    want[0] = 2;
    assert_eq!(scores_now(&pool), want);
    pool.offer(1, b"low1", 0);
    assert_eq!(scores_now(&pool), want);
    let drained: Vec<Vec<u8>> =
        core::iter::from_fn(|| pool.take_best().map(|(_, k)| k.to_vec())).collect();
    assert_eq!(drained.len(), POOL_SIZE);
    assert_eq!(drained.last().map(Vec::as_slice), Some(&b"low2"[..]));
}
