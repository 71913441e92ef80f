//! [`Config`]: what a [`Keyspace`](crate::Keyspace) is built with, and the limits it may change at
//! run time.

/// What each entry records about its accesses, for OBJECT IDLETIME/FREQ and eviction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessTracking {
    /// Nothing (3 bytes per key saved; OBJECT IDLETIME and FREQ answer with an error).
    Off,
    /// The last access time in seconds, 24 bits (Valkey's LRU clock); the default.
    Lru,
    /// A logarithmic access counter with decay (Valkey's LFU).
    Lfu {
        /// `lfu-log-factor` (Valkey's default: 10).
        log_factor: u32,
        /// `lfu-decay-time` in minutes (Valkey's default: 1; 0 never decays).
        decay_minutes: u32,
    },
}

/// `maxmemory-policy`: which keys [`Keyspace::evict`](crate::Keyspace::evict) removes when
/// memory is over the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvictionPolicy {
    /// Evict nothing: commands that would use more memory are refused (the default).
    NoEviction,
    /// The least recently used keys, approximated by sampling.
    AllKeysLru,
    /// The least frequently used keys, approximated by sampling.
    AllKeysLfu,
    /// Random keys.
    AllKeysRandom,
    /// The least recently used among keys with an expire time.
    VolatileLru,
    /// The least frequently used among keys with an expire time.
    VolatileLfu,
    /// Random keys among those with an expire time.
    VolatileRandom,
    /// The keys with an expire time nearest to now.
    VolatileTtl,
}

impl EvictionPolicy {
    /// Every policy, in the order Valkey lists them.
    pub const ALL: [Self; 8] = [
        Self::VolatileLru,
        Self::VolatileLfu,
        Self::VolatileRandom,
        Self::VolatileTtl,
        Self::AllKeysLru,
        Self::AllKeysLfu,
        Self::AllKeysRandom,
        Self::NoEviction,
    ];

    /// The name `maxmemory-policy` takes and CONFIG GET and INFO show.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::NoEviction => "noeviction",
            Self::AllKeysLru => "allkeys-lru",
            Self::AllKeysLfu => "allkeys-lfu",
            Self::AllKeysRandom => "allkeys-random",
            Self::VolatileLru => "volatile-lru",
            Self::VolatileLfu => "volatile-lfu",
            Self::VolatileRandom => "volatile-random",
            Self::VolatileTtl => "volatile-ttl",
        }
    }

    /// The policy named `name` (ASCII case-insensitive).
    #[must_use]
    pub fn from_name(name: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().as_bytes().eq_ignore_ascii_case(name))
    }

    /// Whether it picks among every key (`allkeys-*`) rather than keys with an expire time.
    #[must_use]
    pub const fn all_keys(self) -> bool {
        matches!(
            self,
            Self::AllKeysLru | Self::AllKeysLfu | Self::AllKeysRandom
        )
    }

    /// Whether it ranks keys by access frequency, so entries must keep an LFU counter.
    #[must_use]
    pub const fn is_lfu(self) -> bool {
        matches!(self, Self::AllKeysLfu | Self::VolatileLfu)
    }
}

/// How a keyspace is set up. Start from [`Config::default`] and adjust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Number of databases (`databases`, default 16).
    pub databases: usize,
    /// Seed of the key hash. Give each server process a random one: it keeps hash flooding out.
    pub hash_seed: u64,
    /// Largest string a command may build (`proto-max-bulk-len`, default 512 MiB).
    pub proto_max_bulk_len: u64,
    /// Per-key access tracking.
    pub access: AccessTracking,
    /// `list-max-listpack-size` (alias `list-max-ziplist-size`, default -2): a list stays a
    /// `listpack` while it fits in 4/8/16/32/64 KiB (-1..-5) or holds at most this many elements
    /// (positive); past that it is a `quicklist`.
    pub list_max_listpack_size: i64,
    /// `hash-max-listpack-entries` (alias `hash-max-ziplist-entries`, default 128): a hash with
    /// more fields is a `hashtable`.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value` (alias `hash-max-ziplist-value`, default 64): a hash with a
    /// longer field or value is a `hashtable`.
    pub hash_max_listpack_value: usize,
    /// `set-max-intset-entries` (default 512): a set of integers stays an `intset` up to this many.
    pub set_max_intset_entries: usize,
    /// `set-max-listpack-entries` (default 128): a set with more members is a `hashtable`.
    pub set_max_listpack_entries: usize,
    /// `set-max-listpack-value` (default 64): a set with a longer member is a `hashtable`.
    pub set_max_listpack_value: usize,
    /// `zset-max-listpack-entries` (alias `zset-max-ziplist-entries`, default 128).
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value` (alias `zset-max-ziplist-value`, default 64).
    pub zset_max_listpack_value: usize,
    /// `maxmemory-policy` (default `noeviction`).
    pub maxmemory_policy: EvictionPolicy,
    /// `maxmemory-samples`: keys sampled per database for each eviction (default 5).
    pub maxmemory_samples: usize,
    /// Whether small integers count as Valkey's shared objects (OBJECT REFCOUNT 2147483647):
    /// true unless `maxmemory` is set with an LRU or LFU policy (default true).
    pub shared_integers: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            databases: 16,
            hash_seed: 0x5EED_0FCA_FEF0_0D17,
            proto_max_bulk_len: 512 * 1024 * 1024,
            access: AccessTracking::Lru,
            list_max_listpack_size: -2,
            hash_max_listpack_entries: 128,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            maxmemory_policy: EvictionPolicy::NoEviction,
            maxmemory_samples: 5,
            shared_integers: true,
        }
    }
}

impl Config {
    /// Sets the number of databases (at least 1).
    #[must_use]
    pub const fn databases(mut self, n: usize) -> Self {
        self.databases = if n == 0 { 1 } else { n };
        self
    }

    /// Sets the hash seed.
    #[must_use]
    pub const fn hash_seed(mut self, seed: u64) -> Self {
        self.hash_seed = seed;
        self
    }

    /// Sets `proto-max-bulk-len`.
    #[must_use]
    pub const fn proto_max_bulk_len(mut self, bytes: u64) -> Self {
        self.proto_max_bulk_len = bytes;
        self
    }

    /// Sets `list-max-listpack-size`.
    #[must_use]
    pub const fn list_max_listpack_size(mut self, fill: i64) -> Self {
        self.list_max_listpack_size = fill;
        self
    }

    /// Sets `hash-max-listpack-entries` and `hash-max-listpack-value`.
    #[must_use]
    pub const fn hash_max_listpack(mut self, entries: usize, value: usize) -> Self {
        self.hash_max_listpack_entries = entries;
        self.hash_max_listpack_value = value;
        self
    }

    /// Sets `set-max-intset-entries`, `set-max-listpack-entries` and `set-max-listpack-value`.
    #[must_use]
    pub const fn set_max(mut self, intset_entries: usize, entries: usize, value: usize) -> Self {
        self.set_max_intset_entries = intset_entries;
        self.set_max_listpack_entries = entries;
        self.set_max_listpack_value = value;
        self
    }

    /// Sets `zset-max-listpack-entries` and `zset-max-listpack-value`.
    #[must_use]
    pub const fn zset_max_listpack(mut self, entries: usize, value: usize) -> Self {
        self.zset_max_listpack_entries = entries;
        self.zset_max_listpack_value = value;
        self
    }

    /// Sets whether small integers count as shared objects (Valkey shares 0..9999 unless
    /// `maxmemory` is set with an LRU or LFU policy).
    #[must_use]
    pub const fn shared_integers(mut self, yes: bool) -> Self {
        self.shared_integers = yes;
        self
    }

    /// Sets the eviction policy and its sample count.
    #[must_use]
    pub const fn eviction(mut self, policy: EvictionPolicy, samples: usize) -> Self {
        self.maxmemory_policy = policy;
        self.maxmemory_samples = if samples == 0 { 1 } else { samples };
        self
    }

    /// Sets the access tracking.
    #[must_use]
    pub const fn access(mut self, access: AccessTracking) -> Self {
        self.access = access;
        self
    }
}
