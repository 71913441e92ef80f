//! The directive table: name, whether CONFIG SET may change it, how to set and show it.

use super::compat::{self, compat};
use super::units::{parse_int, parse_memory};
use super::{ProtectedGate, Settings};
use crate::log::Level;
use keyspace::EvictionPolicy;

/// One directive.
pub(crate) struct Directive {
    /// Valkey's name (lower case).
    pub(crate) name: &'static str,
    /// CONFIG SET may change it (`MODIFIABLE_CONFIG`); otherwise "can't set immutable config".
    pub(crate) mutable: bool,
    /// Takes several arguments (`bind`); a single argument is split at spaces.
    pub(crate) multi_arg: bool,
    /// Sets it from its arguments; Valkey's reason text on failure.
    pub(crate) set: fn(&mut Settings, &[&[u8]]) -> Result<(), String>,
    /// Shows it as CONFIG GET does.
    pub(crate) get: fn(&Settings) -> String,
}

/// The directive named `name` (or an alias Valkey accepts for it), case-insensitive.
pub(crate) fn lookup(name: &[u8]) -> Option<&'static Directive> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| alias.as_bytes().eq_ignore_ascii_case(name))
        .map_or(name, |(_, real)| real.as_bytes());
    DIRECTIVES
        .iter()
        .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Old names Valkey still accepts (CONFIG GET of an alias answers under the alias).
const ALIASES: &[(&str, &str)] = &[
    ("slave-serve-stale-data", "replica-serve-stale-data"),
    ("list-max-ziplist-size", "list-max-listpack-size"),
    ("hash-max-ziplist-entries", "hash-max-listpack-entries"),
    ("hash-max-ziplist-value", "hash-max-listpack-value"),
    ("zset-max-ziplist-entries", "zset-max-listpack-entries"),
    ("zset-max-ziplist-value", "zset-max-listpack-value"),
];

/// A `size_t` count Valkey takes as an integer (0..LONG_MAX).
fn count(arg: &[u8]) -> Result<usize, String> {
    int(arg, 0, LONG_MAX).map(|v| usize::try_from(v).unwrap_or(usize::MAX))
}

/// A `size_t` length Valkey takes as a memory value (`64`, `1kb`; 0..LONG_MAX).
fn length(arg: &[u8]) -> Result<usize, String> {
    memory(arg, 0, LONG_MAX).map(|v| usize::try_from(v).unwrap_or(usize::MAX))
}

fn yes_no(arg: &[u8]) -> Result<bool, String> {
    if arg.eq_ignore_ascii_case(b"yes") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"no") {
        Ok(false)
    } else {
        Err("argument must be 'yes' or 'no'".into())
    }
}

fn yes_no_text(v: bool) -> String {
    if v { "yes" } else { "no" }.into()
}

/// A version as `major.minor.patch`, each part a decimal number.
fn dotted_version(arg: &[u8]) -> Result<String, String> {
    let text = core::str::from_utf8(arg).map_err(|_| "argument must be a version like 7.4.0")?;
    let parts: Vec<&str> = text.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(numeric) {
        Ok(text.to_string())
    } else {
        Err("argument must be a version like 7.4.0".to_string())
    }
}

fn int(arg: &[u8], min: i64, max: i64) -> Result<i64, String> {
    let v = parse_int(arg).ok_or("argument couldn't be parsed into an integer")?;
    in_range(v, min, max)
}

fn in_range(v: i64, min: i64, max: i64) -> Result<i64, String> {
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "argument must be between {min} and {max} inclusive"
        ))
    }
}

fn memory(arg: &[u8], min: i64, max: i64) -> Result<u64, String> {
    let v = parse_memory(arg).ok_or("argument must be a memory value")?;
    // Valkey checks signed limits on the value as a `long long`.
    let signed = i64::try_from(v).unwrap_or(-1);
    in_range(signed, min, max).map(|v| v as u64)
}

fn text(arg: &[u8]) -> String {
    String::from_utf8_lossy(arg).into_owned()
}

const INT_MAX: i64 = i32::MAX as i64;
const UINT_MAX: i64 = u32::MAX as i64;
const LONG_MAX: i64 = i64::MAX;

/// Every directive the server honours, in the order CONFIG GET * lists them.
pub(crate) static DIRECTIVES: &[Directive] = &[
    Directive {
        name: "bind",
        mutable: true,
        multi_arg: true,
        set: |s, a| {
            s.bind = a.iter().map(|x| text(x)).collect();
            Ok(())
        },
        get: |s| s.bind.join(" "),
    },
    Directive {
        name: "port",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.port = int(a[0], 0, 65535)? as u16;
            Ok(())
        },
        get: |s| s.port.to_string(),
    },
    Directive {
        name: "databases",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.databases = int(a[0], 1, INT_MAX)? as usize;
            Ok(())
        },
        get: |s| s.databases.to_string(),
    },
    Directive {
        name: "loglevel",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.loglevel = Level::parse(a[0]).ok_or_else(|| {
                format!(
                    "argument(s) must be one of the following: {}",
                    Level::NAMES.join(", ")
                )
            })?;
            Ok(())
        },
        get: |s| s.loglevel.name().into(),
    },
    Directive {
        name: "logfile",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.logfile = text(a[0]);
            Ok(())
        },
        get: |s| s.logfile.clone(),
    },
    Directive {
        name: "pidfile",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.pidfile = text(a[0]);
            Ok(())
        },
        get: |s| s.pidfile.clone(),
    },
    Directive {
        name: "unixsocket",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.unixsocket = text(a[0]);
            Ok(())
        },
        get: |s| s.unixsocket.clone(),
    },
    Directive {
        name: "unixsocketperm",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            // An octal number, as Valkey's OCTAL_CONFIG.
            let v = core::str::from_utf8(a[0])
                .ok()
                .and_then(|t| i64::from_str_radix(t, 8).ok())
                .ok_or("argument couldn't be parsed into an integer")?;
            s.unixsocketperm = u32::try_from(in_range(v, 0, 0o777)?).unwrap_or(0);
            Ok(())
        },
        get: |s| format!("{:o}", s.unixsocketperm),
    },
    Directive {
        name: "upgrade-socket",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.upgrade_socket = text(a[0]);
            Ok(())
        },
        get: |s| s.upgrade_socket.clone(),
    },
    Directive {
        name: "proto-max-bulk-len",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.proto_max_bulk_len = memory(a[0], 1024 * 1024, LONG_MAX)?;
            Ok(())
        },
        get: |s| s.proto_max_bulk_len.to_string(),
    },
    Directive {
        name: "client-query-buffer-limit",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.client_query_buffer_limit = memory(a[0], 1024 * 1024, LONG_MAX)?;
            Ok(())
        },
        get: |s| s.client_query_buffer_limit.to_string(),
    },
    Directive {
        name: "client-output-buffer-limit",
        mutable: true,
        multi_arg: true,
        set: |s, a| s.client_output_buffer_limit.set(a),
        get: |s| s.client_output_buffer_limit.show(),
    },
    Directive {
        name: "requirepass",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.requirepass = (!a[0].is_empty()).then(|| a[0].to_vec());
            Ok(())
        },
        get: |s| s.requirepass.as_deref().map(text).unwrap_or_default(),
    },
    Directive {
        name: "protected-mode",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.protected_mode = yes_no(a[0])?;
            Ok(())
        },
        get: |s| yes_no_text(s.protected_mode),
    },
    Directive {
        name: "maxclients",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.maxclients = int(a[0], 1, UINT_MAX)? as u32;
            Ok(())
        },
        get: |s| s.maxclients.to_string(),
    },
    Directive {
        name: "timeout",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.timeout = int(a[0], 0, INT_MAX)? as u32;
            Ok(())
        },
        get: |s| s.timeout.to_string(),
    },
    Directive {
        name: "hz",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.hz = int(a[0], 0, INT_MAX)?.clamp(1, 500) as u32;
            Ok(())
        },
        get: |s| s.hz.to_string(),
    },
    Directive {
        name: "extended-redis-compatibility",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.extended_redis_compatibility = yes_no(a[0])?;
            Ok(())
        },
        get: |s| yes_no_text(s.extended_redis_compatibility),
    },
    Directive {
        name: "extended-redis-compatibility-version",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.extended_redis_compatibility_version = dotted_version(a[0])?;
            Ok(())
        },
        get: |s| s.extended_redis_compatibility_version.clone(),
    },
    Directive {
        name: "tracking-table-max-keys",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.tracking_table_max_keys = int(a[0], 0, i64::MAX)? as u64;
            Ok(())
        },
        get: |s| s.tracking_table_max_keys.to_string(),
    },
    Directive {
        name: "enable-module-command",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.enable_module_command = ProtectedGate::parse(a[0])?;
            Ok(())
        },
        get: |s| s.enable_module_command.name().into(),
    },
    Directive {
        name: "enable-debug-command",
        mutable: false,
        multi_arg: false,
        set: |s, a| {
            s.enable_debug_command = ProtectedGate::parse(a[0])?;
            Ok(())
        },
        get: |s| s.enable_debug_command.name().into(),
    },
    Directive {
        name: "maxmemory",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.maxmemory = parse_memory(a[0]).ok_or("argument must be a memory value")?;
            Ok(())
        },
        get: |s| s.maxmemory.to_string(),
    },
    Directive {
        name: "maxmemory-policy",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.maxmemory_policy = EvictionPolicy::from_name(a[0]).ok_or(
                "argument(s) must be one of the following: volatile-lru, volatile-lfu, \
                 volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, \
                 noeviction",
            )?;
            Ok(())
        },
        get: |s| s.maxmemory_policy.name().into(),
    },
    Directive {
        name: "maxmemory-samples",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.maxmemory_samples = int(a[0], 1, INT_MAX)? as usize;
            Ok(())
        },
        get: |s| s.maxmemory_samples.to_string(),
    },
    Directive {
        name: "maxmemory-eviction-tenacity",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.maxmemory_eviction_tenacity = int(a[0], 0, 100)? as u32;
            Ok(())
        },
        get: |s| s.maxmemory_eviction_tenacity.to_string(),
    },
    Directive {
        name: "lfu-log-factor",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.lfu_log_factor = int(a[0], 0, INT_MAX)? as u32;
            Ok(())
        },
        get: |s| s.lfu_log_factor.to_string(),
    },
    Directive {
        name: "lfu-decay-time",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.lfu_decay_time = int(a[0], 0, INT_MAX)? as u32;
            Ok(())
        },
        get: |s| s.lfu_decay_time.to_string(),
    },
    Directive {
        name: "list-max-listpack-size",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.list_max_listpack_size = int(a[0], i64::from(i32::MIN), INT_MAX)?;
            Ok(())
        },
        get: |s| s.list_max_listpack_size.to_string(),
    },
    Directive {
        name: "hash-max-listpack-entries",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.hash_max_listpack_entries = count(a[0])?;
            Ok(())
        },
        get: |s| s.hash_max_listpack_entries.to_string(),
    },
    Directive {
        name: "hash-max-listpack-value",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.hash_max_listpack_value = length(a[0])?;
            Ok(())
        },
        get: |s| s.hash_max_listpack_value.to_string(),
    },
    Directive {
        name: "set-max-intset-entries",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.set_max_intset_entries = count(a[0])?;
            Ok(())
        },
        get: |s| s.set_max_intset_entries.to_string(),
    },
    Directive {
        name: "set-max-listpack-entries",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.set_max_listpack_entries = count(a[0])?;
            Ok(())
        },
        get: |s| s.set_max_listpack_entries.to_string(),
    },
    Directive {
        name: "set-max-listpack-value",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.set_max_listpack_value = length(a[0])?;
            Ok(())
        },
        get: |s| s.set_max_listpack_value.to_string(),
    },
    Directive {
        name: "zset-max-listpack-entries",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.zset_max_listpack_entries = count(a[0])?;
            Ok(())
        },
        get: |s| s.zset_max_listpack_entries.to_string(),
    },
    Directive {
        name: "zset-max-listpack-value",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.zset_max_listpack_value = length(a[0])?;
            Ok(())
        },
        get: |s| s.zset_max_listpack_value.to_string(),
    },
    Directive {
        name: "module-auto-reload",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.module_auto_reload = yes_no(a[0])?;
            Ok(())
        },
        get: |s| yes_no_text(s.module_auto_reload),
    },
    Directive {
        name: "notify-keyspace-events",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.notify_keyspace_events = crate::notify::parse(a[0]).ok_or(crate::notify::INVALID)?;
            Ok(())
        },
        get: |s| crate::notify::show(s.notify_keyspace_events),
    },
    Directive {
        name: "slowlog-log-slower-than",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.slowlog_log_slower_than = int(a[0], -1, i64::MAX)?;
            Ok(())
        },
        get: |s| s.slowlog_log_slower_than.to_string(),
    },
    Directive {
        name: "slowlog-max-len",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.slowlog_max_len = int(a[0], 0, LONG_MAX)? as u64;
            Ok(())
        },
        get: |s| s.slowlog_max_len.to_string(),
    },
    Directive {
        name: "latency-tracking",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            s.latency_tracking = yes_no(a[0])?;
            Ok(())
        },
        get: |s| yes_no_text(s.latency_tracking),
    },
    Directive {
        name: "latency-tracking-info-percentiles",
        mutable: true,
        multi_arg: true,
        set: |s, a| {
            s.latency_tracking_info_percentiles = crate::latency::parse_percentiles(a)?;
            Ok(())
        },
        get: |s| s.latency_tracking_info_percentiles.join(" "),
    },
    // Features this server does not have: kept off, or kept and inert (see `compat`).
    Directive {
        name: "save",
        mutable: true,
        multi_arg: true,
        set: |s, a| {
            let joined = a.join(&b' ');
            let v = compat::save(&joined)?;
            s.set_compat("save", v, "");
            Ok(())
        },
        get: |s| s.compat_value("save", ""),
    },
    compat!("appendonly", "no", compat::appendonly),
    compat!("daemonize", "no", compat::daemonize),
    compat!("supervised", "no", compat::supervised),
    compat!("always-show-logo", "no", compat::yes_no),
    compat!("dbfilename", "dump.rdb", compat::any),
    compat!("rdbcompression", "yes", compat::yes_no),
    compat!("rdbchecksum", "yes", compat::yes_no),
    compat!("appendfilename", "appendonly.aof", compat::any, false),
    compat!("appenddirname", "appendonlydir", compat::any, false),
    compat!("appendfsync", "everysec", compat::fsync_policy),
    compat!("no-appendfsync-on-rewrite", "no", compat::yes_no),
    compat!("aof-use-rdb-preamble", "yes", compat::yes_no),
    compat!("replica-serve-stale-data", "yes", compat::yes_no),
    compat!("repl-diskless-sync-delay", "5", compat::non_negative),
    compat!("propagation-error-behavior", "ignore", compat::propagation),
    compat!("latency-monitor-threshold", "0", compat::non_negative),
    compat!("activerehashing", "yes", compat::yes_no),
    compat!("enable-protected-configs", "no", compat::gate),
    compat!("shutdown-on-sigterm", "default", compat::shutdown_flags),
    compat!("shutdown-on-sigint", "default", compat::shutdown_flags),
    Directive {
        name: "dir",
        mutable: true,
        multi_arg: false,
        set: |s, a| {
            let d = compat::dir(a[0])?;
            // Where the server already works is the default.
            let here = compat::cwd();
            s.set_compat("dir", d, &here);
            Ok(())
        },
        get: |s| s.compat.get("dir").cloned().unwrap_or_else(compat::cwd),
    },
];

#[cfg(test)]
mod tests;
