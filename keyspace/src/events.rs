//! Change events: every modification of the keyspace, reported as (db, key, kind) in order.

use alloc::vec::Vec;

/// What happened to a key. The names follow Valkey's keyspace notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// A string value was written whole (SET, MSET, GETSET, SETNX, SETEX...).
    Set,
    /// APPEND.
    Append,
    /// SETRANGE.
    SetRange,
    /// INCR, DECR, INCRBY, DECRBY.
    IncrBy,
    /// INCRBYFLOAT.
    IncrByFloat,
    /// The key was deleted by a command (DEL, UNLINK, GETDEL, an overwrite with a past expire).
    Del,
    /// An expire time was set or changed.
    Expire,
    /// The expire time was removed.
    Persist,
    /// The key reached its expire time and was removed (lazily or by the active cycle).
    Expired,
    /// The key was evicted to free memory.
    Evicted,
    /// RENAME source (the key is gone).
    RenameFrom,
    /// RENAME destination (the key now holds the value).
    RenameTo,
    /// MOVE source (reported with the source database).
    MoveFrom,
    /// MOVE destination (reported with the destination database).
    MoveTo,
    /// COPY destination.
    CopyTo,
    /// Every key of the database was removed (key is empty).
    Flush,
    /// The database's contents were swapped with another's (key is empty; reported for both).
    SwapDb,
    /// Elements were pushed at the head of a list (LPUSH, LPUSHX, LMOVE ... LEFT). A client
    /// blocked on the key may now be served.
    LPush,
    /// Elements were pushed at the tail of a list (RPUSH, RPUSHX, LMOVE ... RIGHT, RPOPLPUSH).
    /// A client blocked on the key may now be served.
    RPush,
    /// Elements were popped from the head of a list (a [`ChangeKind::Del`] follows if it
    /// emptied it).
    LPop,
    /// Elements were popped from the tail of a list (a [`ChangeKind::Del`] follows if it
    /// emptied it).
    RPop,
    /// LINSERT inserted an element. A client blocked on the key may now be served.
    LInsert,
    /// LSET replaced an element.
    LSet,
    /// LREM removed elements.
    LRem,
    /// LTRIM ran on the list.
    LTrim,
    /// Hash fields were set (HSET, HSETNX, HMSET).
    HSet,
    /// Hash fields were deleted (a [`ChangeKind::Del`] follows if it emptied the hash).
    HDel,
    /// HINCRBY.
    HIncrBy,
    /// HINCRBYFLOAT.
    HIncrByFloat,
    /// Members were added to a set (SADD, SMOVE's destination).
    SAdd,
    /// Members were removed from a set (SREM, SMOVE's source).
    SRem,
    /// SPOP removed members.
    SPop,
    /// SINTERSTORE stored its result.
    SInterStore,
    /// SUNIONSTORE stored its result.
    SUnionStore,
    /// SDIFFSTORE stored its result.
    SDiffStore,
    /// ZADD added or updated members. A client blocked in BZPOPMIN/BZPOPMAX/BZMPOP on the key
    /// may now be served.
    ZAdd,
    /// ZINCRBY or ZADD INCR changed a score. A client blocked on the key may now be served.
    ZIncr,
    /// ZREM removed members.
    ZRem,
    /// ZPOPMIN popped members.
    ZPopMin,
    /// ZPOPMAX popped members.
    ZPopMax,
    /// ZREMRANGEBYRANK removed members.
    ZRemRangeByRank,
    /// ZREMRANGEBYSCORE removed members.
    ZRemRangeByScore,
    /// ZREMRANGEBYLEX removed members.
    ZRemRangeByLex,
    /// ZRANGESTORE stored its result.
    ZRangeStore,
    /// ZUNIONSTORE stored its result.
    ZUnionStore,
    /// ZINTERSTORE stored its result.
    ZInterStore,
    /// ZDIFFSTORE stored its result.
    ZDiffStore,
    /// A module stored a value of its data type (ModuleTypeSetValue). Valkey publishes no
    /// keyspace notification for it (the module notifies if it wants to); [`Self::notifies`]
    /// is false.
    ModuleWrite,
}

impl ChangeKind {
    /// The keyspace-notification event name (`set`, `del`, `expired`, `rename_from`...).
    #[must_use]
    pub const fn event_name(self) -> &'static str {
        match self {
            Self::Set => "set",
            Self::Append => "append",
            Self::SetRange => "setrange",
            Self::IncrBy => "incrby",
            Self::IncrByFloat => "incrbyfloat",
            Self::Del => "del",
            Self::Expire => "expire",
            Self::Persist => "persist",
            Self::Expired => "expired",
            Self::Evicted => "evicted",
            Self::RenameFrom => "rename_from",
            Self::RenameTo => "rename_to",
            Self::MoveFrom => "move_from",
            Self::MoveTo => "move_to",
            Self::CopyTo => "copy_to",
            Self::Flush => "flushdb",
            Self::SwapDb => "swapdb",
            Self::LPush => "lpush",
            Self::RPush => "rpush",
            Self::LPop => "lpop",
            Self::RPop => "rpop",
            Self::LInsert => "linsert",
            Self::LSet => "lset",
            Self::LRem => "lrem",
            Self::LTrim => "ltrim",
            Self::HSet => "hset",
            Self::HDel => "hdel",
            Self::HIncrBy => "hincrby",
            Self::HIncrByFloat => "hincrbyfloat",
            Self::SAdd => "sadd",
            Self::SRem => "srem",
            Self::SPop => "spop",
            Self::SInterStore => "sinterstore",
            Self::SUnionStore => "sunionstore",
            Self::SDiffStore => "sdiffstore",
            Self::ZAdd => "zadd",
            Self::ZIncr => "zincr",
            Self::ZRem => "zrem",
            Self::ZPopMin => "zpopmin",
            Self::ZPopMax => "zpopmax",
            Self::ZRemRangeByRank => "zremrangebyrank",
            Self::ZRemRangeByScore => "zremrangebyscore",
            Self::ZRemRangeByLex => "zremrangebylex",
            Self::ZRangeStore => "zrangestore",
            Self::ZUnionStore => "zunionstore",
            Self::ZInterStore => "zinterstore",
            Self::ZDiffStore => "zdiffstore",
            Self::ModuleWrite => "module",
        }
    }

    /// The `notify-keyspace-events` class letter: `$` string, `l` list, `g` generic,
    /// `x` expired, `e` evicted.
    #[must_use]
    pub const fn class(self) -> char {
        match self {
            Self::LPush
            | Self::RPush
            | Self::LPop
            | Self::RPop
            | Self::LInsert
            | Self::LSet
            | Self::LRem
            | Self::LTrim => 'l',
            Self::HSet | Self::HDel | Self::HIncrBy | Self::HIncrByFloat => 'h',
            Self::SAdd
            | Self::SRem
            | Self::SPop
            | Self::SInterStore
            | Self::SUnionStore
            | Self::SDiffStore => 's',
            Self::ZAdd
            | Self::ZIncr
            | Self::ZRem
            | Self::ZPopMin
            | Self::ZPopMax
            | Self::ZRemRangeByRank
            | Self::ZRemRangeByScore
            | Self::ZRemRangeByLex
            | Self::ZRangeStore
            | Self::ZUnionStore
            | Self::ZInterStore
            | Self::ZDiffStore => 'z',
            Self::Set | Self::Append | Self::SetRange | Self::IncrBy | Self::IncrByFloat => '$',
            Self::Expired => 'x',
            Self::Evicted => 'e',
            _ => 'g',
        }
    }
}

impl ChangeKind {
    /// Whether Valkey publishes a keyspace notification for the event.
    #[must_use]
    pub const fn notifies(self) -> bool {
        !matches!(self, Self::ModuleWrite)
    }

    /// Whether the event may let a client blocked on the key proceed (elements were added to
    /// a collection, or a collection arrived under the key; for [`ChangeKind::SwapDb`], any key
    /// of the database): the server re-tries its blocked BLPOP/BLMOVE/BLMPOP clients on such keys,
    /// in arrival order, by running the non-blocking command again.
    #[must_use]
    pub const fn may_serve_blocked(self) -> bool {
        matches!(
            self,
            Self::LPush
                | Self::RPush
                | Self::LInsert
                | Self::ZAdd
                | Self::ZIncr
                | Self::RenameTo
                | Self::MoveTo
                | Self::CopyTo
        )
    }
}

/// Receives change events as they happen.
pub trait ChangeSink {
    /// `key` was changed in database `db`. For [`ChangeKind::Flush`] and [`ChangeKind::SwapDb`]
    /// the key is empty and the whole database changed.
    fn change(&mut self, db: usize, key: &[u8], kind: ChangeKind);
}

/// An owned change event, as a `Vec<Change>` sink records them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The database.
    pub db: usize,
    /// The key (empty for database-wide events).
    pub key: Vec<u8>,
    /// What happened.
    pub kind: ChangeKind,
}

impl ChangeSink for Vec<Change> {
    fn change(&mut self, db: usize, key: &[u8], kind: ChangeKind) {
        self.push(Change {
            db,
            key: key.to_vec(),
            kind,
        });
    }
}

/// A sink that drops every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl ChangeSink for Discard {
    fn change(&mut self, _db: usize, _key: &[u8], _kind: ChangeKind) {}
}
