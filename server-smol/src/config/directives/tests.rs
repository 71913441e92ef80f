use super::*;

fn set(name: &str, value: &str) -> Result<Settings, String> {
    let mut s = Settings::default();
    let d = lookup(name.as_bytes()).expect("known directive");
    s.set(d, &[value.as_bytes()])?;
    Ok(s)
}

#[test]
fn values_parse_with_valkeys_error_texts() {
    assert_eq!(set("port", "7000").map(|s| s.port), Ok(7000));
    assert_eq!(
        set("port", "abc"),
        Err("argument couldn't be parsed into an integer".into())
    );
    assert_eq!(
        set("port", "70000"),
        Err("argument must be between 0 and 65535 inclusive".into())
    );
    assert_eq!(
        set("protected-mode", "maybe"),
        Err("argument must be 'yes' or 'no'".into())
    );
    assert_eq!(
        set("proto-max-bulk-len", "1k"),
        Err("argument must be between 1048576 and 9223372036854775807 inclusive".into())
    );
    assert_eq!(
        set("proto-max-bulk-len", "lots"),
        Err("argument must be a memory value".into())
    );
    assert_eq!(
        set("proto-max-bulk-len", "2mb").map(|s| s.proto_max_bulk_len),
        Ok(2 * 1024 * 1024)
    );
    assert_eq!(
        set("loglevel", "loud"),
        Err(
            "argument(s) must be one of the following: debug, verbose, notice, warning, nothing"
                .into()
        )
    );
}

#[test]
fn hz_is_clamped_and_requirepass_empty_is_none() {
    assert_eq!(set("hz", "0").map(|s| s.hz), Ok(1));
    assert_eq!(set("hz", "1000").map(|s| s.hz), Ok(500));
    assert_eq!(set("requirepass", "").map(|s| s.requirepass), Ok(None));
    let s = set("requirepass", "pw").expect("set");
    assert_eq!(s.get(lookup(b"REQUIREPASS").expect("found")), "pw");
}

#[test]
fn compatibility_version_and_tracking_limit_are_checked() {
    let version = |v| set("extended-redis-compatibility-version", v);
    assert_eq!(
        version("7.4.0").map(|s| s.extended_redis_compatibility_version),
        Ok("7.4.0".to_string())
    );
    for bad in ["7.4", "7.4.x", "", "7..0", "1.2.3.4"] {
        assert!(version(bad).is_err(), "{bad}");
    }
    assert_eq!(
        set("tracking-table-max-keys", "0").map(|s| s.tracking_table_max_keys),
        Ok(0)
    );
    assert!(set("tracking-table-max-keys", "-1").is_err());
}

#[test]
fn encoding_thresholds_take_valkeys_ranges_and_old_names() {
    assert_eq!(
        set("hash-max-ziplist-entries", "7").map(|s| s.hash_max_listpack_entries),
        Ok(7)
    );
    assert_eq!(
        set("zset-max-listpack-value", "1kb").map(|s| s.zset_max_listpack_value),
        Ok(1024)
    );
    assert_eq!(
        set("list-max-ziplist-size", "-5").map(|s| s.list_max_listpack_size),
        Ok(-5)
    );
    assert_eq!(
        set("set-max-intset-entries", "-1"),
        Err("argument must be between 0 and 9223372036854775807 inclusive".into())
    );
    assert!(core::ptr::eq(
        lookup(b"ZSET-MAX-ZIPLIST-ENTRIES").expect("alias"),
        lookup(b"zset-max-listpack-entries").expect("name")
    ));
}

#[test]
fn every_default_reads_back_through_its_own_setter() {
    let defaults = Settings::default();
    for d in DIRECTIVES {
        let shown = defaults.get(d);
        let mut s = Settings::default();
        let args: Vec<&[u8]> = if d.multi_arg {
            shown.split(' ').map(str::as_bytes).collect()
        } else {
            vec![shown.as_bytes()]
        };
        s.set(d, &args)
            .unwrap_or_else(|e| panic!("{}: {e}", d.name));
        assert_eq!(s, defaults, "{}", d.name);
    }
}

#[test]
fn eviction_directives_take_valkeys_values_and_errors() {
    use keyspace::EvictionPolicy;
    assert_eq!(
        set("maxmemory", "100mb").map(|s| s.maxmemory),
        Ok(100 << 20)
    );
    assert_eq!(set("maxmemory", "0").map(|s| s.maxmemory), Ok(0));
    assert_eq!(
        set("maxmemory", "-1"),
        Err("argument must be a memory value".into())
    );
    assert_eq!(
        set("maxmemory-policy", "ALLKEYS-LFU").map(|s| s.maxmemory_policy),
        Ok(EvictionPolicy::AllKeysLfu)
    );
    assert_eq!(
        set("maxmemory-policy", "lru"),
        Err(
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, \
             volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, \
             noeviction"
                .into()
        )
    );
    assert_eq!(
        set("maxmemory-samples", "0"),
        Err("argument must be between 1 and 2147483647 inclusive".into())
    );
    assert_eq!(
        set("maxmemory-eviction-tenacity", "101"),
        Err("argument must be between 0 and 100 inclusive".into())
    );
    assert_eq!(set("lfu-log-factor", "0").map(|s| s.lfu_log_factor), Ok(0));
    assert_eq!(
        set("lfu-decay-time", "-1"),
        Err("argument must be between 0 and 2147483647 inclusive".into())
    );
}

#[test]
fn an_lfu_policy_switches_the_keyspace_to_lfu_counters() {
    use keyspace::AccessTracking;
    let base = keyspace::Config::default();
    let lru = set("maxmemory-policy", "volatile-lru").expect("valid");
    assert_eq!(lru.keyspace_limits(base).access, AccessTracking::Lru);
    let mut lfu = set("maxmemory-policy", "volatile-lfu").expect("valid");
    lfu.lfu_log_factor = 3;
    lfu.lfu_decay_time = 7;
    let ks = lfu.keyspace_limits(base);
    assert_eq!(
        ks.access,
        AccessTracking::Lfu {
            log_factor: 3,
            decay_minutes: 7
        }
    );
    assert_eq!(ks.maxmemory_samples, 5);
}
