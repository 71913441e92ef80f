//! The command table: names, arity, flags, key positions, ACL categories and handlers.
//!
//! One table is the single source for dispatch, `COMMAND` output, CLIENT PAUSE WRITE (the
//! [`Flags::WRITE`] bit), which keys a read records for tracking ([`CommandInfo::keys`]) and later
//! ACLs. It is generic over the handler type, so the server can hold the data commands next to its
//! own connection and admin commands, and add module commands at run time.

use alloc::vec::Vec;

use crate::error::Error;
use crate::events::ChangeSink;
use crate::keyspace::Keyspace;
use crate::reply::ReplySink;
use crate::time::Millis;

macro_rules! bitset {
    ($(#[$m:meta])* $name:ident { $($(#[$cm:meta])* $c:ident = $bit:expr => $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(pub u32);

        impl $name {
            $($(#[$cm])* pub const $c: Self = Self(1 << $bit);)*
            /// No bit set.
            pub const NONE: Self = Self(0);
            const ALL: &'static [(Self, &'static str)] = &[$((Self::$c, $text),)*];

            /// Both sets' bits.
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }

            /// Whether every bit of `other` is set.
            #[must_use]
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// The names of the bits set, in Valkey's order.
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                Self::ALL.iter().filter(move |(f, _)| self.contains(*f)).map(|(_, n)| *n)
            }
        }

        impl core::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                self.union(rhs)
            }
        }
    };
}

bitset! {
    /// Command flags, named as `COMMAND INFO` prints them.
    Flags {
        /// Modifies the keyspace (paused by CLIENT PAUSE WRITE, rejected on replicas).
        WRITE = 0 => "write",
        /// Only reads.
        READONLY = 1 => "readonly",
        /// May use more memory: rejected when over `maxmemory`.
        DENYOOM = 2 => "denyoom",
        /// Registered by a module.
        MODULE = 3 => "module",
        /// Administrative.
        ADMIN = 4 => "admin",
        /// Pub/sub.
        PUBSUB = 5 => "pubsub",
        /// Not allowed in scripts.
        NOSCRIPT = 6 => "noscript",
        /// May block the client.
        BLOCKING = 7 => "blocking",
        /// Allowed while loading the dataset.
        LOADING = 8 => "loading",
        /// Allowed on a replica with stale data.
        STALE = 9 => "stale",
        /// Not shown to MONITOR.
        SKIP_MONITOR = 10 => "skip_monitor",
        /// Not logged to the slow log.
        SKIP_SLOWLOG = 11 => "skip_slowlog",
        /// Allowed in the ASKING state (cluster).
        ASKING = 12 => "asking",
        /// O(1) or O(log N), never delays.
        FAST = 13 => "fast",
        /// Allowed before AUTH.
        NO_AUTH = 14 => "no_auth",
        /// May replicate even though it is not a write.
        MAY_REPLICATE = 15 => "may_replicate",
        /// Keys are optional.
        NO_MANDATORY_KEYS = 16 => "no_mandatory_keys",
        /// Rejected while loading asynchronously.
        NO_ASYNC_LOADING = 17 => "no_async_loading",
        /// Not allowed inside MULTI.
        NO_MULTI = 18 => "no_multi",
        /// Key positions depend on the arguments.
        MOVABLE_KEYS = 19 => "movablekeys",
        /// Allowed while a script is busy.
        ALLOW_BUSY = 20 => "allow_busy",
    }
}

bitset! {
    /// ACL categories (`@read`, `@string`...), named without the `@`.
    AclCategories {
        /// `@keyspace`.
        KEYSPACE = 0 => "keyspace",
        /// `@read`.
        READ = 1 => "read",
        /// `@write`.
        WRITE = 2 => "write",
        /// `@set`.
        SET = 3 => "set",
        /// `@sortedset`.
        SORTEDSET = 4 => "sortedset",
        /// `@list`.
        LIST = 5 => "list",
        /// `@hash`.
        HASH = 6 => "hash",
        /// `@string`.
        STRING = 7 => "string",
        /// `@bitmap`.
        BITMAP = 8 => "bitmap",
        /// `@hyperloglog`.
        HYPERLOGLOG = 9 => "hyperloglog",
        /// `@geo`.
        GEO = 10 => "geo",
        /// `@stream`.
        STREAM = 11 => "stream",
        /// `@pubsub`.
        PUBSUB = 12 => "pubsub",
        /// `@admin`.
        ADMIN = 13 => "admin",
        /// `@fast`.
        FAST = 14 => "fast",
        /// `@slow`.
        SLOW = 15 => "slow",
        /// `@blocking`.
        BLOCKING = 16 => "blocking",
        /// `@dangerous`.
        DANGEROUS = 17 => "dangerous",
        /// `@connection`.
        CONNECTION = 18 => "connection",
        /// `@transaction`.
        TRANSACTION = 19 => "transaction",
        /// `@scripting`.
        SCRIPTING = 20 => "scripting",
    }
}

bitset! {
    /// Key-spec flags, named as `COMMAND INFO` prints them.
    KeySpecFlags {
        /// Read only.
        RO = 0 => "RO",
        /// Read and write.
        RW = 1 => "RW",
        /// Overwrite without reading.
        OW = 2 => "OW",
        /// Remove.
        RM = 3 => "RM",
        /// Returns or copies user data.
        ACCESS = 4 => "access",
        /// Updates data in place.
        UPDATE = 5 => "update",
        /// Adds data.
        INSERT = 6 => "insert",
        /// Deletes data.
        DELETE = 7 => "delete",
        /// Not a key.
        NOT_KEY = 8 => "not_key",
        /// May not find all keys.
        INCOMPLETE = 9 => "incomplete",
        /// Flags depend on the arguments.
        VARIABLE_FLAGS = 10 => "variable_flags",
    }
}

/// Where a key-spec starts looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeginSearch {
    /// At this argument index.
    Index(i32),
    /// After this keyword, searching from `start_from` (negative: from the end).
    Keyword {
        /// The keyword (case-insensitive).
        keyword: &'static str,
        /// Where the search starts.
        start_from: i32,
    },
}

/// How a key-spec finds keys once it has started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys up to `last_key` (relative; negative counts from the end), every `step`; `limit` > 1
    /// takes only 1/limit of the remaining arguments.
    Range {
        /// Last key, relative to the start.
        last_key: i32,
        /// Distance between keys.
        step: i32,
        /// Fraction limit.
        limit: i32,
    },
    /// The argument at `key_num_idx` (relative) says how many keys follow from `first_key`.
    KeyNum {
        /// Index of the key count, relative to the start.
        key_num_idx: i32,
        /// First key, relative to the start.
        first_key: i32,
        /// Distance between keys.
        step: i32,
    },
}

/// One key-spec (Valkey 7+ key specifications).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// Access flags.
    pub flags: KeySpecFlags,
    /// Where the search begins.
    pub begin: BeginSearch,
    /// How keys are found.
    pub find: FindKeys,
}

/// Everything the table knows about a command except its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandInfo {
    /// Lowercase name (`get`; a subcommand's own name, e.g. `encoding`).
    pub name: &'static str,
    /// The full name used in errors and COMMAND (`get`, `object|encoding`).
    pub full_name: &'static str,
    /// Arity: `n` exactly `n` arguments (name included), `-n` at least `n`.
    pub arity: i32,
    /// Flags.
    pub flags: Flags,
    /// ACL categories.
    pub acl: AclCategories,
    /// Legacy first key position (0: none).
    pub first_key: i32,
    /// Legacy last key position (negative: from the end).
    pub last_key: i32,
    /// Legacy key step.
    pub step: i32,
    /// Key specifications.
    pub key_specs: &'static [KeySpec],
}

impl CommandInfo {
    /// Whether `argc` arguments (name included) satisfy the arity.
    #[must_use]
    pub const fn arity_ok(&self, argc: usize) -> bool {
        if self.arity >= 0 {
            argc == self.arity as usize
        } else {
            argc >= self.arity.unsigned_abs() as usize
        }
    }

    /// The argument indices that are keys, from the key-specs (COMMAND GETKEYS, tracking).
    pub fn keys(&self, args: &[&[u8]]) -> Vec<usize> {
        let mut out = Vec::new();
        let argc = args.len() as i64;
        for spec in self.key_specs {
            if spec.flags.contains(KeySpecFlags::NOT_KEY) {
                continue;
            }
            let start = match spec.begin {
                BeginSearch::Index(i) => i64::from(i),
                BeginSearch::Keyword {
                    keyword,
                    start_from,
                } => {
                    let found = if start_from >= 0 {
                        (i64::from(start_from)..argc)
                            .find(|&j| args[j as usize].eq_ignore_ascii_case(keyword.as_bytes()))
                    } else {
                        let from = argc + i64::from(start_from);
                        (1..=from.max(0)).rev().find(|&j| {
                            j < argc && args[j as usize].eq_ignore_ascii_case(keyword.as_bytes())
                        })
                    };
                    match found {
                        Some(j) => j + 1,
                        None => continue,
                    }
                }
            };
            if start >= argc {
                continue;
            }
            let (first, last, step) = match spec.find {
                FindKeys::Range {
                    last_key,
                    step,
                    limit,
                } => {
                    let last = if last_key >= 0 {
                        start + i64::from(last_key)
                    } else if limit <= 1 {
                        argc + i64::from(last_key)
                    } else {
                        start + (argc - start) / i64::from(limit) - 1
                    };
                    (start, last, i64::from(step.max(1)))
                }
                FindKeys::KeyNum {
                    key_num_idx,
                    first_key,
                    step,
                } => {
                    let idx = start + i64::from(key_num_idx);
                    if idx >= argc {
                        continue;
                    }
                    let Some(n) = crate::num::canonical_i64(args[idx as usize]) else {
                        continue;
                    };
                    let first = start + i64::from(first_key);
                    (
                        first,
                        first + (n - 1) * i64::from(step.max(1)),
                        i64::from(step.max(1)),
                    )
                }
            };
            let mut j = first;
            while j <= last && j < argc {
                out.push(j as usize);
                j += step;
            }
        }
        out
    }
}

/// A command: its description, its handler, and its subcommands if it is a container (OBJECT).
#[derive(Clone, Debug)]
pub struct Command<H> {
    /// The description.
    pub info: CommandInfo,
    /// The handler (absent on a container, which only dispatches to subcommands).
    pub handler: Option<H>,
    /// Subcommands, sorted by name.
    pub subcommands: Vec<Self>,
}

impl<H> Command<H> {
    /// Converts the handler type, for a table that mixes data and server commands.
    pub fn map_handler<G>(self, f: &impl Fn(H) -> G) -> Command<G> {
        Command {
            info: self.info,
            handler: self.handler.map(f),
            subcommands: self
                .subcommands
                .into_iter()
                .map(|c| c.map_handler(f))
                .collect(),
        }
    }

    /// The subcommand named `name` (case-insensitive).
    #[must_use]
    pub fn subcommand(&self, name: &[u8]) -> Option<&Self> {
        find_sorted(&self.subcommands, name).map(|i| &self.subcommands[i])
    }
}

fn cmp_name(a: &str, b: &[u8]) -> core::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

fn find_sorted<H>(v: &[Command<H>], name: &[u8]) -> Option<usize> {
    v.binary_search_by(|c| cmp_name(c.info.name, name)).ok()
}

/// Commands by name, case-insensitive.
///
/// Lookups go through a small open-addressing index over a case-folded hash of the name (a few
/// dozen instructions for `GET`), not through the sorted list, which only serves [`iter`](Self::iter).
#[derive(Clone, Debug)]
pub struct CommandTable<H> {
    /// Every command, sorted by name.
    commands: Vec<Command<H>>,
    /// `1 + position` in `commands` of each command, placed by [`name_hash`]; 0 is empty. A power of
    /// two long, at most half full; rebuilt on every insert and remove.
    index: Vec<u16>,
}

/// FNV-1a over the ASCII-lowercased name: the same for `GET`, `get` and `GeT`.
#[inline]
fn name_hash(name: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in name {
        h = (h ^ u32::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0193);
    }
    (h ^ (h >> 15)) as usize
}

impl<H> Default for CommandTable<H> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H> CommandTable<H> {
    /// An empty table.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            commands: Vec::new(),
            index: Vec::new(),
        }
    }

    fn reindex(&mut self) {
        let size = (self.commands.len() * 2).next_power_of_two().max(8);
        self.index = alloc::vec![0; size];
        for (pos, c) in self.commands.iter().enumerate() {
            let mut i = name_hash(c.info.name.as_bytes()) & (size - 1);
            while self.index[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            self.index[i] = u16::try_from(pos + 1).expect("fewer than 65535 commands");
        }
    }

    /// Adds a command; hands it back if the name is taken.
    pub fn insert(&mut self, mut cmd: Command<H>) -> Result<(), Command<H>> {
        match self
            .commands
            .binary_search_by(|c| cmp_name(c.info.name, cmd.info.name.as_bytes()))
        {
            Ok(_) => Err(cmd),
            Err(at) => {
                cmd.subcommands.sort_by(|a, b| a.info.name.cmp(b.info.name));
                self.commands.insert(at, cmd);
                self.reindex();
                Ok(())
            }
        }
    }

    /// Removes a command (module unload).
    pub fn remove(&mut self, name: &[u8]) -> Option<Command<H>> {
        let removed = find_sorted(&self.commands, name).map(|i| self.commands.remove(i));
        if removed.is_some() {
            self.reindex();
        }
        removed
    }

    /// The command named `name` (case-insensitive).
    #[must_use]
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&Command<H>> {
        let mask = self.index.len().checked_sub(1)?;
        let mut i = name_hash(name) & mask;
        loop {
            let pos = usize::from(*self.index.get(i)?);
            let cmd = self.commands.get(pos.checked_sub(1)?)?;
            if cmd.info.name.as_bytes().eq_ignore_ascii_case(name) {
                return Some(cmd);
            }
            i = (i + 1) & mask;
        }
    }

    /// Every command, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Command<H>> {
        self.commands.iter()
    }

    /// Number of top-level commands.
    #[must_use]
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the table is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Finds the command `args` call (descending into a container's subcommand) and checks its
    /// arity, with Valkey's errors: unknown command, unknown subcommand, wrong number of arguments.
    pub fn resolve<'a>(&'a self, args: &'a [&'a [u8]]) -> Result<&'a Command<H>, Error<'a>> {
        let Some((name, rest)) = args.split_first() else {
            return Err(Error::UnknownCommand {
                name: b"",
                args: &[],
            });
        };
        let Some(cmd) = self.get(name) else {
            return Err(Error::UnknownCommand { name, args: rest });
        };
        let cmd = if cmd.subcommands.is_empty() || args.len() < 2 {
            cmd
        } else {
            match cmd.subcommand(args[1]) {
                Some(sub) => sub,
                None => {
                    return Err(Error::UnknownSubcommand {
                        command: name,
                        subcommand: args[1],
                    });
                }
            }
        };
        if !cmd.info.arity_ok(args.len()) {
            return Err(Error::WrongArity {
                command: cmd.info.full_name,
            });
        }
        Ok(cmd)
    }
}

/// What a data-command handler runs against.
pub struct Ctx<'a> {
    /// The keyspace.
    pub keyspace: &'a mut Keyspace,
    /// The client's selected database.
    pub db: usize,
    /// The time the command runs at (one value for the whole command, as Valkey's
    /// `commandTimeSnapshot`).
    pub now: Millis,
    /// Where change events go.
    pub events: &'a mut dyn ChangeSink,
}

/// A data-command handler: arguments (name first), context, reply sink.
pub type Handler = fn(&mut Ctx<'_>, &[&[u8]], &mut dyn ReplySink);

impl Ctx<'_> {
    /// Resolves `args` in `table`, checks arity and runs the handler; errors go to `out`.
    pub fn call(&mut self, table: &CommandTable<Handler>, args: &[&[u8]], out: &mut dyn ReplySink) {
        match table.resolve(args) {
            Ok(cmd) => match cmd.handler {
                Some(h) => {
                    let reads = cmd.info.flags.contains(Flags::READONLY);
                    self.keyspace.count_lookups(reads);
                    h(self, args, out);
                    self.keyspace.count_lookups(false);
                }
                None => out.error(&Error::WrongArity {
                    command: cmd.info.full_name,
                }),
            },
            Err(e) => out.error(&e),
        }
    }
}
