//! The server's settings: every directive it honours, with Valkey's names, defaults, ranges and
//! error texts, shared by the config file, the command line and CONFIG GET/SET.

pub(crate) mod compat;
mod directives;
mod file;
mod rewrite;
pub(crate) mod units;

pub(crate) use directives::{DIRECTIVES, Directive, lookup};
pub(crate) use file::{ConfigError, load};
pub(crate) use rewrite::{ModuleSetting, rewrite};
pub(crate) use units::parse_memory;

use crate::log::Level;
use std::collections::BTreeMap;

/// Every setting the server honours. `Default` gives the built-in defaults (Valkey's, except
/// `bind`, which defaults to the loopback address only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    /// `bind`: addresses to listen on.
    pub(crate) bind: Vec<String>,
    /// `port`: 0 picks a free port (reported in the log).
    pub(crate) port: u16,
    /// `databases`.
    pub(crate) databases: usize,
    /// `loglevel`.
    pub(crate) loglevel: Level,
    /// `logfile`: empty is stdout.
    pub(crate) logfile: String,
    /// `pidfile`: empty writes none.
    pub(crate) pidfile: String,
    /// `unixsocket`: a Unix domain socket path to listen on too (empty: none).
    pub(crate) unixsocket: String,
    /// `unixsocketperm`: its file mode (0: as created).
    pub(crate) unixsocketperm: u32,
    /// `upgrade-socket` (ours): where a new process started with `--upgrade` asks this one to
    /// hand over (empty: no binary upgrade).
    pub(crate) upgrade_socket: String,
    /// `proto-max-bulk-len`.
    pub(crate) proto_max_bulk_len: u64,
    /// `client-query-buffer-limit`.
    pub(crate) client_query_buffer_limit: u64,
    /// `client-output-buffer-limit`, per client class.
    pub(crate) client_output_buffer_limit: crate::obuf::Limits,
    /// `requirepass`: the default user's password; `None` means no password.
    pub(crate) requirepass: Option<Vec<u8>>,
    /// `protected-mode`.
    pub(crate) protected_mode: bool,
    /// `maxclients`.
    pub(crate) maxclients: u32,
    /// `timeout`: idle seconds before a client is closed; 0 never.
    pub(crate) timeout: u32,
    /// `hz`, already clamped to 1..=500 as Valkey clamps it.
    pub(crate) hz: u32,
    /// `extended-redis-compatibility`: HELLO says `redis` and
    /// `extended-redis-compatibility-version`.
    pub(crate) extended_redis_compatibility: bool,
    /// `extended-redis-compatibility-version`: the version HELLO reports in that mode
    /// (Valkey's fixed `7.2.4` by default; client libraries gate features on it, redis-py's
    /// client-side cache on 7.4 or later).
    pub(crate) extended_redis_compatibility_version: String,
    /// `tracking-table-max-keys`: keys the tracking table may hold (0 = unlimited).
    pub(crate) tracking_table_max_keys: u64,
    /// `enable-module-command`: who may run MODULE LOAD/UNLOAD/...
    pub(crate) enable_module_command: ProtectedGate,
    /// `enable-debug-command`: who may run DEBUG.
    pub(crate) enable_debug_command: ProtectedGate,
    /// `module-auto-reload`: reload a module when its file changes.
    pub(crate) module_auto_reload: bool,
    /// `loadmodule` lines, in file order, loaded at start-up.
    pub(crate) loadmodule: Vec<LoadModule>,
    /// `<module>.<name> value` lines, for the modules' LoadConfigs at start-up.
    pub(crate) module_configs: Vec<(Vec<u8>, Vec<u8>)>,
    /// Values of the [`compat`] directives that differ from their defaults.
    pub(crate) compat: BTreeMap<&'static str, String>,
    /// `list-max-listpack-size` (alias `list-max-ziplist-size`).
    pub(crate) list_max_listpack_size: i64,
    /// `hash-max-listpack-entries` (alias `hash-max-ziplist-entries`).
    pub(crate) hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value` (alias `hash-max-ziplist-value`).
    pub(crate) hash_max_listpack_value: usize,
    /// `set-max-intset-entries`.
    pub(crate) set_max_intset_entries: usize,
    /// `set-max-listpack-entries`.
    pub(crate) set_max_listpack_entries: usize,
    /// `set-max-listpack-value`.
    pub(crate) set_max_listpack_value: usize,
    /// `zset-max-listpack-entries` (alias `zset-max-ziplist-entries`).
    pub(crate) zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value` (alias `zset-max-ziplist-value`).
    pub(crate) zset_max_listpack_value: usize,
    /// `notify-keyspace-events`: the enabled classes ([`crate::notify::parse`]).
    pub(crate) notify_keyspace_events: u32,
    /// `slowlog-log-slower-than`: microseconds; negative logs nothing, 0 everything.
    pub(crate) slowlog_log_slower_than: i64,
    /// `slowlog-max-len`.
    pub(crate) slowlog_max_len: u64,
    /// `latency-tracking`: keep a latency histogram per command (INFO latencystats).
    pub(crate) latency_tracking: bool,
    /// `latency-tracking-info-percentiles`, each as CONFIG GET shows it (`50`, `99.9`).
    pub(crate) latency_tracking_info_percentiles: Vec<String>,
    /// `maxmemory`: bytes of used memory past which keys are evicted or writes refused
    /// (0: no limit).
    pub(crate) maxmemory: u64,
    /// `maxmemory-policy`.
    pub(crate) maxmemory_policy: keyspace::EvictionPolicy,
    /// `maxmemory-samples`.
    pub(crate) maxmemory_samples: usize,
    /// `maxmemory-eviction-tenacity` (0..=100): how long one eviction run may last.
    pub(crate) maxmemory_eviction_tenacity: u32,
    /// `lfu-log-factor`.
    pub(crate) lfu_log_factor: u32,
    /// `lfu-decay-time`, in minutes.
    pub(crate) lfu_decay_time: u32,
}

/// `enable-module-command` / `enable-debug-command`: Valkey's protected-config values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProtectedGate {
    /// `no` (the default).
    No,
    /// `yes`.
    Yes,
    /// `local`: loopback and Unix-socket connections only.
    Local,
}

impl Settings {
    /// Keeps a [`compat`] directive's value (forgetting it when it is the default).
    pub(crate) fn set_compat(&mut self, name: &'static str, value: String, default: &str) {
        if value == default {
            self.compat.remove(name);
        } else {
            self.compat.insert(name, value);
        }
    }

    /// A [`compat`] directive's value.
    pub(crate) fn compat_value(&self, name: &str, default: &str) -> String {
        self.compat
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }

    /// `dir`: moves the process there (start-up, CONFIG SET, SIGHUP), as Valkey does.
    pub(crate) fn apply_dir(&self) -> Result<(), String> {
        match self.compat.get("dir") {
            Some(d) => std::env::set_current_dir(d).map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }
}

impl ProtectedGate {
    /// Reads `no`, `yes` or `local` (any case), with Valkey's error otherwise.
    pub(crate) fn parse(arg: &[u8]) -> Result<Self, String> {
        match arg.to_ascii_lowercase().as_slice() {
            b"no" => Ok(Self::No),
            b"yes" => Ok(Self::Yes),
            b"local" => Ok(Self::Local),
            _ => Err("argument(s) must be one of the following: no, yes, local".into()),
        }
    }

    /// The value as CONFIG GET shows it.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::No => "no",
            Self::Yes => "yes",
            Self::Local => "local",
        }
    }
}

/// One `loadmodule path [arg ...]` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoadModule {
    /// The path as written.
    pub(crate) path: Vec<u8>,
    /// The module's arguments.
    pub(crate) args: Vec<Vec<u8>>,
    /// Which file and line.
    pub(crate) origin: modules_core::Origin,
}

impl Default for Settings {
    fn default() -> Self {
        let ks = keyspace::Config::default();
        Self {
            bind: vec!["127.0.0.1".into()],
            port: 6379,
            databases: 16,
            loglevel: Level::Notice,
            logfile: String::new(),
            pidfile: String::new(),
            unixsocket: String::new(),
            unixsocketperm: 0,
            upgrade_socket: String::new(),
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            client_output_buffer_limit: crate::obuf::Limits::default(),
            requirepass: None,
            protected_mode: true,
            maxclients: 10_000,
            timeout: 0,
            hz: 10,
            extended_redis_compatibility: false,
            extended_redis_compatibility_version: "7.2.4".to_string(),
            tracking_table_max_keys: tracking_core::DEFAULT_MAX_KEYS as u64,
            enable_module_command: ProtectedGate::No,
            enable_debug_command: ProtectedGate::No,
            module_auto_reload: false,
            loadmodule: Vec::new(),
            module_configs: Vec::new(),
            compat: BTreeMap::new(),
            list_max_listpack_size: ks.list_max_listpack_size,
            hash_max_listpack_entries: ks.hash_max_listpack_entries,
            hash_max_listpack_value: ks.hash_max_listpack_value,
            set_max_intset_entries: ks.set_max_intset_entries,
            set_max_listpack_entries: ks.set_max_listpack_entries,
            set_max_listpack_value: ks.set_max_listpack_value,
            zset_max_listpack_entries: ks.zset_max_listpack_entries,
            zset_max_listpack_value: ks.zset_max_listpack_value,
            notify_keyspace_events: 0,
            slowlog_log_slower_than: 10_000,
            slowlog_max_len: 128,
            latency_tracking: true,
            latency_tracking_info_percentiles: vec!["50".into(), "99".into(), "99.9".into()],
            maxmemory: 0,
            maxmemory_policy: ks.maxmemory_policy,
            maxmemory_samples: ks.maxmemory_samples,
            maxmemory_eviction_tenacity: 10,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
        }
    }
}

impl Settings {
    /// Sets directive `d` from its arguments (already split), Valkey's error text on failure.
    pub(crate) fn set(&mut self, d: &Directive, args: &[&[u8]]) -> Result<(), String> {
        (d.set)(self, args)
    }

    /// `base` with the keyspace settings these hold: `proto-max-bulk-len`, the encoding
    /// thresholds, the eviction policy and the access tracking it reads (an LFU counter under
    /// the `*-lfu` policies, the LRU clock otherwise, as Valkey's `robj.lru`), at start-up and
    /// after each CONFIG SET.
    pub(crate) fn keyspace_limits(&self, base: keyspace::Config) -> keyspace::Config {
        let access = if self.maxmemory_policy.is_lfu() {
            keyspace::AccessTracking::Lfu {
                log_factor: self.lfu_log_factor,
                decay_minutes: self.lfu_decay_time,
            }
        } else {
            keyspace::AccessTracking::Lru
        };
        // Valkey shares small integers unless maxmemory runs an LRU or LFU policy.
        let lru_or_lfu = !matches!(
            self.maxmemory_policy,
            keyspace::EvictionPolicy::NoEviction
                | keyspace::EvictionPolicy::AllKeysRandom
                | keyspace::EvictionPolicy::VolatileRandom
                | keyspace::EvictionPolicy::VolatileTtl
        );
        base.proto_max_bulk_len(self.proto_max_bulk_len)
            .shared_integers(self.maxmemory == 0 || !lru_or_lfu)
            .eviction(self.maxmemory_policy, self.maxmemory_samples)
            .access(access)
            .list_max_listpack_size(self.list_max_listpack_size)
            .hash_max_listpack(self.hash_max_listpack_entries, self.hash_max_listpack_value)
            .set_max(
                self.set_max_intset_entries,
                self.set_max_listpack_entries,
                self.set_max_listpack_value,
            )
            .zset_max_listpack(self.zset_max_listpack_entries, self.zset_max_listpack_value)
    }

    /// The value CONFIG GET shows for `d`.
    pub(crate) fn get(&self, d: &Directive) -> String {
        (d.get)(self)
    }
}

/// An I/O error as C's `strerror` words it (without Rust's ` (os error N)`).
pub(crate) fn strerror(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
