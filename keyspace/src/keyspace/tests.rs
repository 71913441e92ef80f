use super::*;
use crate::events::{Change, Discard};
use alloc::vec;

#[test]
fn lazy_expiry_removes_the_key_on_access_and_reports_it() {
    let mut ks = Keyspace::new(Config::default());
    let mut ev = Vec::<Change>::new();
    ks.set(0, b"k", b"v", Millis(0), &mut ev);
    let (i, h) = ks
        .lookup(0, b"k", Millis(0), &mut ev, false)
        .expect("present");
    ks.set_expire(0, i, h, Some(Millis(100)));
    assert_eq!(
        ks.get(0, b"k", Millis(99), &mut ev),
        Some(Value::Bytes(b"v"))
    );
    assert_eq!(ks.get(0, b"k", Millis(100), &mut ev), None);
    assert_eq!(ks.len(0), 0);
    assert_eq!(ks.expires_len(0), 0);
    let kinds: Vec<_> = ev.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Set, ChangeKind::Expired]);
}

#[test]
fn active_expire_removes_expired_keys_within_budget_and_reports_each() {
    let mut ks = Keyspace::new(Config::default().databases(2));
    for k in 0..1000u32 {
        let key = k.to_le_bytes();
        ks.set(1, &key, b"v", Millis(0), &mut Discard);
        let (i, h) = ks
            .lookup(1, &key, Millis(0), &mut Discard, false)
            .expect("present");
        let at = if k % 10 != 0 { 10 } else { 1_000_000 };
        ks.set_expire(1, i, h, Some(Millis(at)));
    }
    let mut ev = Vec::<Change>::new();
    let first = ks.active_expire(Millis(50), 100, &mut ev);
    assert_eq!(first.sampled, 100);
    assert!(
        first.budget_exhausted,
        "most samples expire, so the cycle wants more"
    );
    assert_eq!(first.expired, ev.len());
    assert!(
        ev.iter()
            .all(|c| c.db == 1 && c.kind == ChangeKind::Expired)
    );
    let mut total = first.expired;
    for _ in 0..200 {
        let c = ks.active_expire(Millis(50), 100, &mut ev);
        total += c.expired;
    }
    assert_eq!(total, 900, "every expired key is found eventually");
    assert_eq!(ks.len(1), 100);
    assert_eq!(ks.expires_len(1), 100);
}

#[test]
fn memory_estimate_grows_with_keys_and_returns_to_baseline_when_emptied() {
    let mut ks = Keyspace::new(Config::default());
    let base = ks.used_memory();
    for k in 0..100u32 {
        ks.set(3, &k.to_le_bytes(), &[7; 100], Millis(0), &mut Discard);
    }
    assert!(ks.db_memory(3) >= 100 * 100);
    assert_eq!(ks.used_memory() - base, ks.db_memory(3));
    for k in 0..100u32 {
        assert!(ks.del(3, &k.to_le_bytes(), Millis(0), &mut Discard));
    }
    assert_eq!(ks.used_memory(), base);
}

#[test]
fn lru_idle_time_counts_seconds_since_last_touch() {
    let mut ks = Keyspace::new(Config::default());
    ks.set(0, b"k", b"v", Millis(5_000), &mut Discard);
    let (i, _) = ks
        .lookup(0, b"k", Millis(5_000), &mut Discard, false)
        .expect("present");
    assert_eq!(ks.idle_seconds(0, i, Millis(12_500)), Some(7));
    assert_eq!(
        ks.get(0, b"k", Millis(20_000), &mut Discard),
        Some(Value::Bytes(b"v"))
    );
    assert_eq!(ks.idle_seconds(0, i, Millis(21_000)), Some(1));
}

#[test]
fn peek_neither_touches_nor_expires() {
    let mut ks = Keyspace::new(Config::default());
    let mut ev = Vec::<Change>::new();
    ks.set(0, b"k", b"v", Millis(1_000), &mut ev);
    let (i, h) = ks
        .lookup(0, b"k", Millis(1_000), &mut ev, false)
        .expect("present");
    assert_eq!(
        ks.peek(0, b"k", Millis(9_000)),
        Some(Peeked {
            kind: None,
            expire: None
        })
    );
    assert_eq!(ks.idle_seconds(0, i, Millis(10_000)), Some(9), "no access");
    assert_eq!(ks.peek(0, b"nope", Millis(9_000)), None);
    assert_eq!(ks.peek(99, b"k", Millis(9_000)), None);
    ks.set_expire(0, i, h, Some(Millis(20_000)));
    assert!(ks.peek(0, b"k", Millis(19_999)).is_some());
    assert!(!ks.holds_expired(0, b"k", Millis(19_999)));
    assert_eq!(
        ks.peek(0, b"k", Millis(20_000)),
        None,
        "expired reads absent"
    );
    assert!(ks.holds_expired(0, b"k", Millis(20_000)));
    assert_eq!(ks.len(0), 1, "but stays stored");
    assert_eq!(ev.len(), 1, "and no Expired event");
}

#[test]
fn paused_expiry_hides_expired_keys_without_removing_or_reporting_them() {
    let mut ks = Keyspace::new(Config::default());
    let mut ev = Vec::<Change>::new();
    for key in [b"a", b"b"] {
        ks.set(0, key, b"v", Millis(0), &mut Discard);
        let (i, h) = ks
            .lookup(0, key, Millis(0), &mut Discard, false)
            .expect("present");
        ks.set_expire(0, i, h, Some(Millis(10)));
    }
    ks.set_expiry_paused(true);
    assert!(ks.expiry_paused());
    assert_eq!(ks.get(0, b"a", Millis(20), &mut ev), None);
    assert_eq!(
        ks.active_expire(Millis(20), 100, &mut ev),
        ExpireCycle::default()
    );
    assert_eq!((ks.len(0), ev.len()), (2, 0), "kept, unreported");
    // A write on the hidden key replaces it.
    ks.set(0, b"b", b"new", Millis(20), &mut ev);
    assert_eq!(ks.len(0), 2);
    assert_eq!(ks.expire_time(0, b"b", Millis(20), &mut ev), None);
    ks.set_expiry_paused(false);
    assert_eq!(ks.get(0, b"a", Millis(30), &mut ev), None);
    assert_eq!(ks.len(0), 1);
    let kinds: Vec<_> = ev.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Set, ChangeKind::Expired]);
}

#[test]
fn set_keep_ttl_keeps_a_live_keys_expire_time_only() {
    let mut ks = Keyspace::new(Config::default());
    let mut ev = Vec::<Change>::new();
    ks.set(0, b"k", b"v", Millis(0), &mut ev);
    let (i, h) = ks
        .lookup(0, b"k", Millis(0), &mut ev, false)
        .expect("present");
    ks.set_expire(0, i, h, Some(Millis(1_000)));
    ks.set_keep_ttl(0, b"k", b"longer value", Millis(10), &mut ev);
    assert_eq!(
        ks.expire_time(0, b"k", Millis(10), &mut ev),
        Some(Millis(1_000))
    );
    assert_eq!(
        ks.get(0, b"k", Millis(10), &mut ev),
        Some(Value::Bytes(b"longer value"))
    );
    // Past its time the old key is gone: the new one has no expire time.
    ks.set_keep_ttl(0, b"k", b"w", Millis(1_000), &mut ev);
    assert_eq!(ks.expire_time(0, b"k", Millis(2_000), &mut ev), None);
    ks.set(0, b"k", b"x", Millis(2_000), &mut ev);
    let kinds: Vec<_> = ev.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ChangeKind::Set,
            ChangeKind::Set,
            ChangeKind::Expired,
            ChangeKind::Set,
            ChangeKind::Set
        ]
    );
}

#[test]
fn read_commands_count_hits_and_misses_per_key_and_writes_do_not() {
    let mut ks = Keyspace::new(Config::default());
    let table = crate::data_table();
    let mut out: Vec<crate::Item> = Vec::new();
    let mut cx = crate::Ctx {
        keyspace: &mut ks,
        db: 0,
        now: Millis(0),
        events: &mut Discard,
    };
    cx.call(&table, &[b"SET", b"a", b"1"], &mut out);
    cx.call(&table, &[b"SET", b"gone", b"1", b"PX", b"5"], &mut out);
    cx.call(&table, &[b"MGET", b"a", b"b", b"a"], &mut out);
    cx.call(&table, &[b"EXISTS", b"a"], &mut out);
    cx.call(&table, &[b"INCR", b"a"], &mut out);
    cx.call(&table, &[b"RANDOMKEY"], &mut out);
    cx.now = Millis(10);
    cx.call(&table, &[b"GET", b"gone"], &mut out);
    assert!(!ks.counting_lookups(), "off after the command");
    assert_eq!((ks.keyspace_hits(), ks.keyspace_misses()), (3, 2));
    ks.reset_stats();
    assert_eq!((ks.keyspace_hits(), ks.keyspace_misses()), (0, 0));
}

#[test]
fn set_limits_changes_thresholds_but_not_databases() {
    let mut ks = Keyspace::new(Config::default().databases(2));
    let table = crate::data_table();
    let mut out: Vec<crate::Item> = Vec::new();
    ks.set_limits(&Config::default().databases(9).hash_max_listpack(2, 64));
    assert_eq!(ks.databases(), 2);
    assert_eq!(ks.config().hash_max_listpack_entries, 2);
    let mut cx = crate::Ctx {
        keyspace: &mut ks,
        db: 0,
        now: Millis(0),
        events: &mut Discard,
    };
    cx.call(&table, &[b"HSET", b"h", b"a", b"1", b"b", b"2"], &mut out);
    cx.call(&table, &[b"OBJECT", b"ENCODING", b"h"], &mut out);
    cx.call(&table, &[b"HSET", b"h", b"c", b"3"], &mut out);
    cx.call(&table, &[b"OBJECT", b"ENCODING", b"h"], &mut out);
    assert_eq!(
        out,
        [
            crate::Item::Integer(2),
            crate::Item::Bulk(b"listpack".to_vec()),
            crate::Item::Integer(1),
            crate::Item::Bulk(b"hashtable".to_vec()),
        ]
    );
}

#[test]
fn lfu_counter_starts_at_five_and_decays_per_period() {
    let access = AccessTracking::Lfu {
        log_factor: 10,
        decay_minutes: 1,
    };
    let mut ks = Keyspace::new(Config::default().access(access));
    ks.set(0, b"k", b"v", Millis(0), &mut Discard);
    let (i, _) = ks
        .lookup(0, b"k", Millis(0), &mut Discard, false)
        .expect("present");
    assert_eq!(ks.frequency(0, i, Millis(0)), Some(5));
    assert_eq!(ks.frequency(0, i, Millis(3 * 60_000)), Some(2));
    assert_eq!(ks.frequency(0, i, Millis(60 * 60_000)), Some(0));
    assert_eq!(ks.idle_seconds(0, i, Millis(0)), None);
}

#[test]
fn created_keys_are_recorded_only_when_asked_and_only_when_new() {
    let mut ks = Keyspace::new(Config::default().databases(2));
    ks.set(0, b"before", b"v", Millis(0), &mut Discard);
    ks.record_created(true);
    ks.set(0, b"a", b"1", Millis(0), &mut Discard);
    ks.set(0, b"a", b"2", Millis(0), &mut Discard); // replaced in place: not new
    ks.set(1, b"b", b"1", Millis(0), &mut Discard);
    assert_eq!(
        ks.take_created(),
        vec![(0, b"a".to_vec()), (1, b"b".to_vec())]
    );
    assert!(ks.take_created().is_empty());
    ks.record_created(false);
    ks.set(0, b"c", b"1", Millis(0), &mut Discard);
    assert!(ks.take_created().is_empty());
}

#[test]
fn missed_keys_of_read_commands_are_recorded_only_when_asked() {
    let mut ks = Keyspace::new(Config::default());
    let table = crate::data_table();
    let mut out: Vec<crate::Item> = Vec::new();
    let mut cx = crate::Ctx {
        keyspace: &mut ks,
        db: 0,
        now: Millis(0),
        events: &mut Discard,
    };
    cx.call(&table, &[b"SET", b"a", b"1"], &mut out);
    cx.call(&table, &[b"SET", b"gone", b"1", b"PX", b"5"], &mut out);
    cx.call(&table, &[b"GET", b"nope"], &mut out);
    assert!(cx.keyspace.take_missed().is_empty(), "not recording yet");
    cx.keyspace.record_missed(true);
    cx.now = Millis(10);
    cx.call(&table, &[b"MGET", b"a", b"b", b"gone"], &mut out);
    cx.call(&table, &[b"INCR", b"c"], &mut out); // a write: no miss
    assert_eq!(
        cx.keyspace.take_missed(),
        vec![(0, b"b".to_vec()), (0, b"gone".to_vec())]
    );
    cx.keyspace.record_missed(false);
    cx.call(&table, &[b"GET", b"nope"], &mut out);
    assert!(cx.keyspace.take_missed().is_empty());
}
