//! The engine: tracking state in, deliveries out.

use alloc::vec::Vec;

use foldhash::fast::FixedState;
use hashbrown::HashMap;

use crate::client::{ClientState, CommandEnd, Flags, TrackingInfo};
use crate::error::{CachingError, TrackingError};
use crate::id::{ClientId, Connections};
use crate::keys::{KeyTable, Removed};
use crate::options::{TrackingCommand, TrackingOptions};
use crate::outbox::{Delivery, Message, Outbox, What};
use crate::pending::{self, PendingReads};
use crate::prefixes::PrefixTable;

/// `tracking-table-max-keys`' default.
pub const DEFAULT_MAX_KEYS: usize = 1_000_000;

/// Keys invalidated per [`Tracker::enforce_key_limit`] call, times one more than the number of
/// calls in a row that ended still over the limit.
const EFFORT_STEP: usize = 100;

/// Who changed a key, for NOLOOP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangedBy {
    /// A command sent by this client (top level, inside EXEC, or unblocked). NOLOOP keeps the
    /// client from hearing about it, in default and BCAST mode alike.
    Client(ClientId),
    /// A script or function run by this client. Default mode judges NOLOOP by the client that
    /// ran the script (Valkey's `current_client`); BCAST mode does not, because Valkey records
    /// the script's own context as the modifier: a BCAST+NOLOOP client hears its scripts' writes.
    Script(ClientId),
    /// No client: active or lazy expiry, maxmemory eviction. Always announced; NOLOOP never
    /// applies. (Valkey compares with `current_client` even here, so a lazy expiry or an
    /// eviction during a NOLOOP client's own command is not sent to it in default mode; pass
    /// [`Client`](Self::Client) to get that behaviour.)
    Server,
}

/// The INFO fields of tracking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `tracking_clients` (`# Clients`): clients with tracking on, BCAST included.
    pub tracking_clients: usize,
    /// `tracking_total_keys` (`# Stats`): keys in the default-mode table.
    pub total_keys: usize,
    /// `tracking_total_items` (`# Stats`): (key, client) pairs in the table. As in Valkey it
    /// does not drop when a client leaves or turns tracking off, only when a key's entry is
    /// invalidated, evicted or flushed.
    pub total_items: usize,
    /// `tracking_total_prefixes` (`# Stats`): distinct BCAST prefixes, the empty one included.
    pub total_prefixes: usize,
}

/// The default-mode table as it was before [`Tracker::flush`]. Dropping it frees the memory;
/// hand it to wherever that is cheapest (another thread for FLUSHALL ASYNC).
#[derive(Debug)]
pub struct FlushedTable(#[expect(dead_code, reason = "held only to be dropped")] KeyTable);

/// The client-side-caching engine for one server (or one shard).
///
/// Inputs: tracking on/off ([`client_tracking`](Self::client_tracking),
/// [`enable`](Self::enable), [`disable`](Self::disable)), reads
/// ([`record_reads`](Self::record_reads)), changes ([`key_changed`](Self::key_changed),
/// [`flush`](Self::flush)), command boundaries ([`begin_command`](Self::begin_command),
/// [`end_command`](Self::end_command)), the end of an event-loop iteration
/// ([`end_of_iteration`](Self::end_of_iteration)), the table limit
/// ([`enforce_key_limit`](Self::enforce_key_limit)) and departures
/// ([`client_gone`](Self::client_gone)). Output: [`drain`](Self::drain).
#[derive(Debug)]
pub struct Tracker {
    clients: HashMap<ClientId, ClientState, FixedState>,
    keys: KeyTable,
    /// Reads not yet entered in `keys`.
    pending: PendingReads,
    items: usize,
    prefixes: PrefixTable,
    outbox: Outbox,
    executing: Option<ClientId>,
    max_keys: usize,
    rounds_over_limit: usize,
    rng: u64,
}

impl Default for Tracker {
    fn default() -> Self {
        Self::new()
    }
}

impl Tracker {
    /// An empty tracker with a fixed hash seed and `tracking-table-max-keys` at its default.
    #[must_use]
    pub fn new() -> Self {
        Self::with_seed(0)
    }

    /// An empty tracker whose key hashing and eviction choices are seeded with `seed`. Keys
    /// are chosen by clients, so a server should pass a random seed to resist hash flooding.
    #[must_use]
    pub fn with_seed(seed: u64) -> Self {
        let hasher = FixedState::with_seed(seed);
        Self {
            clients: HashMap::with_hasher(hasher.clone()),
            keys: KeyTable::new(hasher.clone()),
            pending: PendingReads::default(),
            items: 0,
            prefixes: PrefixTable::new(hasher),
            outbox: Outbox::default(),
            executing: None,
            max_keys: DEFAULT_MAX_KEYS,
            rounds_over_limit: 0,
            rng: (seed ^ 0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    // ----- tracking on and off ---------------------------------------------------------------

    /// `CLIENT TRACKING <args…>` for client `id`: parses, checks and applies, with Valkey's
    /// checks in Valkey's order. `args` are the arguments after `TRACKING`.
    ///
    /// # Errors
    ///
    /// The [`TrackingError`] to reply with; nothing changed.
    pub fn client_tracking<A: AsRef<[u8]>>(
        &mut self,
        id: ClientId,
        args: &[A],
        connections: &impl Connections,
    ) -> Result<(), TrackingError> {
        match TrackingCommand::parse(args, connections)? {
            TrackingCommand::On(options) => self.enable(id, &options),
            TrackingCommand::Off => {
                self.disable(id);
                Ok(())
            }
        }
    }

    /// `CLIENT TRACKING ON` with parsed options (a redirect target is assumed to have been
    /// checked by the caller, as [`TrackingCommand::parse`] does).
    ///
    /// Calling it again while on replaces the redirect (or clears it), clears the broken-redirect
    /// mark, resets BCAST/OPTIN/OPTOUT/NOLOOP to the new options and adds BCAST prefixes. The
    /// CACHING bit is left as it is, as in Valkey.
    ///
    /// Unlike Valkey, an overlap among the given prefixes is refused without enabling anything
    /// (Valkey replies with the error and then `+OK` when the pair is not the first prefix), and
    /// `ON BCAST` without PREFIX is refused while the client has non-empty prefixes (Valkey adds
    /// the empty prefix beside them, so each change is announced twice).
    ///
    /// # Errors
    ///
    /// The [`TrackingError`] to reply with; nothing changed.
    pub fn enable(&mut self, id: ClientId, options: &TrackingOptions) -> Result<(), TrackingError> {
        let current = self.clients.get(&id);
        let has = |flag| current.is_some_and(|c: &ClientState| c.flags.has(flag));
        if !options.bcast && !options.prefixes.is_empty() {
            return Err(TrackingError::PrefixWithoutBcast);
        }
        if current.is_some() && has(Flags::BCAST) != options.bcast {
            return Err(TrackingError::BcastSwitch);
        }
        if options.bcast && (options.optin || options.optout) {
            return Err(TrackingError::BcastWithOptInOut);
        }
        if options.optin && options.optout {
            return Err(TrackingError::OptInAndOptOut);
        }
        if (options.optin && has(Flags::OPTOUT)) || (options.optout && has(Flags::OPTIN)) {
            return Err(TrackingError::OptSwitch);
        }
        if options.bcast {
            let existing = current.map_or(&[][..], |c| &c.prefixes);
            check_prefixes(existing, &options.prefixes)?;
        }

        let state = self.clients.entry(id).or_default();
        let mut flags = Flags::default();
        flags.set(Flags::CACHING, state.flags.has(Flags::CACHING));
        flags.set(Flags::BCAST, options.bcast);
        flags.set(Flags::OPTIN, options.optin);
        flags.set(Flags::OPTOUT, options.optout);
        flags.set(Flags::NOLOOP, options.noloop);
        state.flags = flags;
        state.redirect = options.redirect;
        if options.bcast {
            let empty: &[u8] = b"";
            let given = options.prefixes.iter().map(|p| &**p);
            let prefixes: Vec<&[u8]> = if options.prefixes.is_empty() {
                alloc::vec![empty]
            } else {
                given.collect()
            };
            for prefix in prefixes {
                if let Err(at) = state.prefixes.binary_search_by(|p| (**p).cmp(prefix)) {
                    state.prefixes.insert(at, prefix.into());
                    self.prefixes.subscribe(prefix, id);
                }
            }
        }
        Ok(())
    }

    /// `CLIENT TRACKING OFF` (also RESET): leaves every prefix and forgets the client's
    /// flags. Keys it read stay in the table until they change (`tracking_total_items` keeps
    /// counting them); it is not told about them unless it turns tracking on again.
    pub fn disable(&mut self, id: ClientId) {
        if let Some(state) = self.clients.remove(&id) {
            for prefix in &state.prefixes {
                self.prefixes.unsubscribe(prefix, id);
            }
        }
    }

    /// The client disconnected. Costs O(its own prefixes): table entries naming it are skipped
    /// and dropped when their key next changes (ids are never reused).
    pub fn client_gone(&mut self, id: ClientId) {
        self.disable(id);
        self.outbox.forget_held(id);
        if self.executing == Some(id) {
            self.executing = None;
        }
    }

    /// `CLIENT CACHING <args…>` (`args` are the arguments after `CACHING`): sets the one-shot
    /// bit that makes the next command (or transaction) record its reads in OPTIN mode, or not
    /// record them in OPTOUT mode.
    ///
    /// # Errors
    ///
    /// The [`CachingError`] to reply with; nothing changed.
    pub fn client_caching<A: AsRef<[u8]>>(
        &mut self,
        id: ClientId,
        args: &[A],
    ) -> Result<(), CachingError> {
        let [arg] = args else {
            return Err(CachingError::WrongArity);
        };
        let Some(state) = self.clients.get_mut(&id) else {
            return Err(CachingError::NotTracking);
        };
        let arg = arg.as_ref();
        if arg.eq_ignore_ascii_case(b"yes") {
            if !state.flags.has(Flags::OPTIN) {
                return Err(CachingError::YesOutsideOptIn);
            }
        } else if arg.eq_ignore_ascii_case(b"no") {
            if !state.flags.has(Flags::OPTOUT) {
                return Err(CachingError::NoOutsideOptOut);
            }
        } else {
            return Err(CachingError::Syntax);
        }
        state.flags.set(Flags::CACHING, true);
        Ok(())
    }

    // ----- commands and reads ----------------------------------------------------------------

    /// Client `id` starts executing a top-level command (EXEC counts as one; so does a blocked
    /// command being run again when unblocked). Until [`end_command`](Self::end_command),
    /// deliveries for `id` itself are held, to go out after its reply.
    pub fn begin_command(&mut self, id: ClientId) {
        self.executing = Some(id);
    }

    /// Client `id`'s command is over (its reply, or the whole EXEC array, is written): its held
    /// deliveries become drainable, and the CACHING bit is spent unless `end` says otherwise.
    /// Call it for every command, including ones rejected before running and ones only queued in
    /// MULTI, with or without a matching [`begin_command`](Self::begin_command).
    pub fn end_command(&mut self, id: ClientId, end: CommandEnd) {
        if self.executing == Some(id) {
            self.executing = None;
            self.outbox.release_held();
        }
        if end == CommandEnd::Other {
            if let Some(state) = self.clients.get_mut(&id) {
                state.flags.set(Flags::CACHING, false);
            }
        }
    }

    /// Client `id` read `key` with a READONLY command (keys of the command actually run: inner
    /// calls of a script, commands inside EXEC). Recorded once per pair, only when tracking is
    /// on in default mode and the OPTIN/OPTOUT gate passes.
    ///
    /// The gate is judged now; entering the pair in the table may wait until a group of reads
    /// is complete (their cache misses then overlap) or until anything needs the table: every
    /// method answers as if it had been entered at once.
    pub fn record_read(&mut self, id: ClientId, key: &[u8]) {
        let Some(state) = self.clients.get(&id) else {
            return;
        };
        if state.records_reads() {
            self.defer(id, key);
        }
    }

    /// [`record_read`](Self::record_read) for every key of one command (MGET, SUNION, EXEC…),
    /// the client's state looked up once.
    pub fn record_reads<'k>(&mut self, id: ClientId, keys: impl IntoIterator<Item = &'k [u8]>) {
        let Some(state) = self.clients.get(&id) else {
            return;
        };
        if !state.records_reads() {
            return;
        }
        for key in keys {
            self.defer(id, key);
        }
    }

    /// Queues a read that passed the gate, entering the queue once a group is complete.
    fn defer(&mut self, id: ClientId, key: &[u8]) {
        if key.len() > pending::MAX_KEY {
            self.items += usize::from(self.keys.insert(key, id));
        } else if self.pending.push(id, key) {
            self.settle();
        }
    }

    /// Enters every queued read in the table.
    fn settle(&mut self) {
        if !self.pending.is_empty() {
            self.items += self.keys.insert_pairs(self.pending.iter());
            self.pending.clear();
        }
    }

    // ----- changes ---------------------------------------------------------------------------

    /// `key` was modified (written, deleted, expired, evicted, renamed from or to, …). Keys are
    /// global: databases do not matter.
    ///
    /// Default mode: every client that recorded the key and still tracks (not in BCAST) gets
    /// one invalidation, unless NOLOOP and it made the change; the key's entry is then deleted
    /// whether or not anything was sent. BCAST: the key joins this iteration's batch of every
    /// prefix it starts with, sent at [`end_of_iteration`](Self::end_of_iteration).
    pub fn key_changed(&mut self, key: &[u8], by: ChangedBy) {
        let modifier = match by {
            ChangedBy::Client(id) => Some(id),
            ChangedBy::Script(_) | ChangedBy::Server => None,
        };
        self.prefixes.key_changed(key, modifier);
        self.settle();
        if self.keys.len() == 0 {
            return;
        }
        if let Some(removed) = self.keys.remove(key) {
            let writer = match by {
                ChangedBy::Client(id) | ChangedBy::Script(id) => Some(id),
                ChangedBy::Server => None,
            };
            self.invalidate(removed, writer);
        }
    }

    /// Sends one invalidation per live reader of a removed entry.
    fn invalidate(&mut self, removed: Removed, writer: Option<ClientId>) {
        let mut span = None;
        let mut pairs = 0;
        for target in removed.readers {
            pairs += 1;
            let Some(state) = self.clients.get(&target) else {
                continue; // gone, or tracking off
            };
            if state.flags.has(Flags::BCAST)
                || (state.flags.has(Flags::NOLOOP) && writer == Some(target))
            {
                continue;
            }
            let first = *span.get_or_insert_with(|| self.outbox.push_key(removed.key.as_slice()));
            let held = self.executing == Some(target);
            self.outbox
                .push(target, What::Keys { first, count: 1 }, held);
        }
        self.items = self.items.saturating_sub(pairs);
    }

    /// FLUSHALL / FLUSHDB (any database, SYNC or ASYNC), or a replica's dataset swap: a null
    /// invalidation to every tracking client, BCAST included, NOLOOP ignored; the whole table
    /// is emptied at once. Pending BCAST batches are kept.
    pub fn flush(&mut self) -> FlushedTable {
        let mut ids: Vec<ClientId> = self.clients.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            self.outbox
                .push(id, What::Flush, self.executing == Some(id));
        }
        self.items = 0;
        // Queued reads would be entered only to be dropped with the rest.
        self.pending.clear();
        FlushedTable(self.keys.take_all())
    }

    /// The event loop is about to sleep: every prefix with changed keys sends one message per
    /// subscribed client, keys in byte order and each once; a NOLOOP client is left out of the
    /// keys it changed last, and gets nothing if that leaves none.
    pub fn end_of_iteration(&mut self) {
        let clients = &self.clients;
        let outbox = &mut self.outbox;
        self.prefixes.drain_batch(|batch| {
            let mut shared: Option<u32> = None;
            let len = batch.keys.len() as u32;
            for &client in batch.clients {
                let first = *shared.get_or_insert_with(|| {
                    let first = outbox.next_span();
                    for (key, _) in batch.keys {
                        outbox.push_key(key);
                    }
                    first
                });
                let noloop = clients
                    .get(&client)
                    .is_some_and(|s| s.flags.has(Flags::NOLOOP));
                if !noloop {
                    outbox.push(client, What::Keys { first, count: len }, false);
                    continue;
                }
                let own_first = outbox.next_span();
                let mut count = 0;
                for (i, (_, last)) in batch.keys.iter().enumerate() {
                    if *last != Some(client) {
                        outbox.push_span_copy(first + i as u32);
                        count += 1;
                    }
                }
                if count > 0 {
                    let what = What::Keys {
                        first: own_first,
                        count,
                    };
                    outbox.push(client, what, false);
                }
            }
        });
    }

    // ----- tracking-table-max-keys -----------------------------------------------------------

    /// `tracking-table-max-keys`; 0 means unlimited.
    #[must_use]
    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    /// Sets `tracking-table-max-keys` (0 = unlimited). Takes effect at the next
    /// [`enforce_key_limit`](Self::enforce_key_limit).
    pub fn set_max_keys(&mut self, max_keys: usize) {
        self.max_keys = max_keys;
    }

    /// Run before each command and on every cron tick: while the table holds more keys than
    /// the limit, invalidate randomly chosen keys as if they had changed (their readers are
    /// told, BCAST is not). At most `100 × (n + 1)` keys per call, where `n` counts the calls
    /// in a row that ended still over the limit. Returns how many keys were evicted.
    pub fn enforce_key_limit(&mut self) -> usize {
        if self.max_keys == 0 {
            return 0;
        }
        self.settle();
        if self.keys.len() <= self.max_keys {
            self.rounds_over_limit = 0;
            return 0;
        }
        let effort = EFFORT_STEP.saturating_mul(self.rounds_over_limit.saturating_add(1));
        for evicted in 1..=effort {
            let pick = self.next_random();
            let Some(removed) = self.keys.remove_nth(pick) else {
                return evicted - 1;
            };
            self.invalidate(removed, None);
            if self.keys.len() <= self.max_keys {
                self.rounds_over_limit = 0;
                return evicted;
            }
        }
        self.rounds_over_limit = self.rounds_over_limit.saturating_add(1);
        effort
    }

    fn next_random(&mut self) -> usize {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as usize
    }

    // ----- output ----------------------------------------------------------------------------

    /// Hands every drainable delivery to `send`, in order, then forgets them.
    ///
    /// The redirect target is resolved here: when the tracking client redirects to a client
    /// that `connections` says cannot receive (gone or closing), the client is marked
    /// `broken_redirect` and gets [`Message::RedirectBroken`] in place of the message.
    /// Drain after every command, after [`enforce_key_limit`](Self::enforce_key_limit) and after
    /// [`end_of_iteration`](Self::end_of_iteration). A client that turned tracking off while its
    /// own messages were held receives them itself, unredirected.
    pub fn drain(&mut self, connections: &impl Connections, mut send: impl FnMut(Delivery<'_>)) {
        let clients = &mut self.clients;
        self.outbox.drain(|record, message| {
            let target = record.target;
            let state = clients.get_mut(&target);
            let (to, redirected, message) = match state.map(|s| (s.redirect, s)) {
                Some((Some(redirect), _)) if connections.can_receive(redirect) => {
                    (redirect, true, message)
                }
                Some((Some(redirect), state)) => {
                    state.flags.set(Flags::BROKEN_REDIRECT, true);
                    (target, false, Message::RedirectBroken(redirect))
                }
                Some((None, _)) | None => (target, false, message),
            };
            send(Delivery {
                to,
                tracking_client: target,
                redirected,
                after_reply: record.after_reply,
                message,
            });
        });
    }

    /// Whether [`drain`](Self::drain) has anything to hand out now.
    #[must_use]
    pub fn has_deliveries(&self) -> bool {
        self.outbox.ready_len() > 0
    }

    /// Deliveries held for the executing client until its command ends.
    #[must_use]
    pub fn held_deliveries(&self) -> usize {
        self.outbox.held_len()
    }

    // ----- introspection ---------------------------------------------------------------------

    /// Whether client `id` has tracking on.
    #[must_use]
    pub fn is_tracking(&self, id: ClientId) -> bool {
        self.clients.contains_key(&id)
    }

    /// Whether any client has tracking on (the server may skip read recording and limit checks
    /// when none does).
    #[must_use]
    pub fn any_tracking(&self) -> bool {
        !self.clients.is_empty()
    }

    /// `CLIENT GETREDIR`: -1 when tracking is off, 0 when on without redirect, else the redirect
    /// id (even when broken).
    #[must_use]
    pub fn getredir(&self, id: ClientId) -> i64 {
        self.clients
            .get(&id)
            .map_or(-1, |s| s.redirect.map_or(0, |r| r.get() as i64))
    }

    /// `CLIENT TRACKINGINFO` data.
    #[must_use]
    pub fn tracking_info(&self, id: ClientId) -> TrackingInfo<'_> {
        self.clients
            .get(&id)
            .map_or_else(TrackingInfo::off, TrackingInfo::of)
    }

    /// The INFO fields.
    #[must_use]
    pub fn stats(&mut self) -> Stats {
        self.settle();
        Stats {
            tracking_clients: self.clients.len(),
            total_keys: self.keys.len(),
            total_items: self.items,
            total_prefixes: self.prefixes.len(),
        }
    }

    /// Whether the table records that `id` read `key` (stale ids of departed clients included).
    #[must_use]
    pub fn is_recorded(&mut self, key: &[u8], id: ClientId) -> bool {
        self.settle();
        self.keys.contains(key, id)
    }

    /// How many clients the table records as readers of `key`.
    #[must_use]
    pub fn readers_of(&mut self, key: &[u8]) -> usize {
        self.settle();
        self.keys.readers_len(key)
    }

    /// Distinct keys changed under some BCAST prefix since the last
    /// [`end_of_iteration`](Self::end_of_iteration).
    #[must_use]
    pub fn pending_broadcast_keys(&self) -> usize {
        self.prefixes.batch_len()
    }
}

/// Valkey's overlap checks, in its order: each given prefix against the client's existing
/// ones (in byte order), then against the later given ones. The implicit empty prefix of a
/// bare `BCAST` is checked too when the client has non-empty prefixes.
fn check_prefixes(
    existing: &[alloc::boxed::Box<[u8]>],
    given: &[alloc::boxed::Box<[u8]>],
) -> Result<(), TrackingError> {
    let overlap = |a: &[u8], b: &[u8]| a.starts_with(b) || b.starts_with(a);
    if given.is_empty() {
        return match existing.iter().find(|p| !p.is_empty()) {
            Some(p) => Err(TrackingError::PrefixOverlapsExisting {
                new: (*b"").into(),
                existing: p.clone(),
            }),
            None => Ok(()),
        };
    }
    for (i, new) in given.iter().enumerate() {
        if let Some(old) = existing.iter().find(|old| overlap(old, new)) {
            return Err(TrackingError::PrefixOverlapsExisting {
                new: new.clone(),
                existing: old.clone(),
            });
        }
        if let Some(later) = given[i + 1..].iter().find(|later| overlap(new, later)) {
            return Err(TrackingError::PrefixesOverlap {
                first: new.clone(),
                second: later.clone(),
            });
        }
    }
    Ok(())
}
