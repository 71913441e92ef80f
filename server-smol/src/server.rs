//! The server state the data thread owns: keyspace, command table, clients, settings, counters.
//! One struct, so it can later become one shard of a shared-nothing server.

use core::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

use keyspace::{ChangeKind, ChangeSink, CommandTable, Keyspace, Millis};
use tracking_core::{ChangedBy, ClientId, Tracker};

use crate::client::Client;
use crate::config::Settings;
use crate::dispatch::Handler;
use crate::log::Logger;
use crate::pause::Pause;
use crate::pubsub::PubSub;

/// Counters behind INFO stats, reset by CONFIG RESETSTAT.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stats {
    /// `total_connections_received`.
    pub(crate) connections_received: u64,
    /// `total_commands_processed`.
    pub(crate) commands_processed: u64,
    /// `total_net_input_bytes`.
    pub(crate) net_input_bytes: u64,
    /// `total_net_output_bytes`.
    pub(crate) net_output_bytes: u64,
    /// `rejected_connections`.
    pub(crate) rejected_connections: u64,
    /// `expired_keys`.
    pub(crate) expired_keys: u64,
    /// `evicted_keys`.
    pub(crate) evicted_keys: u64,
    /// `total_error_replies`.
    pub(crate) error_replies: u64,
    /// `client_query_buffer_limit_disconnections`.
    pub(crate) query_buffer_limit_disconnections: u64,
    /// `client_output_buffer_limit_disconnections`.
    pub(crate) output_buffer_limit_disconnections: u64,
    /// `expired_stale_perc` input: keys the active cycle sampled.
    pub(crate) expire_cycle_sampled: u64,
}

/// `instantaneous_ops_per_sec`: commands per second over the last 16 samples of 100 ms, as
/// Valkey computes it.
#[derive(Clone, Debug, Default)]
pub(crate) struct OpsMeter {
    samples: [u64; 16],
    next: usize,
    last_ms: u64,
    last_count: u64,
}

impl OpsMeter {
    /// Records the command count at `now` if 100 ms passed since the last sample.
    pub(crate) fn sample(&mut self, now: Millis, count: u64) {
        let elapsed = now.0.saturating_sub(self.last_ms);
        if elapsed < 100 {
            return;
        }
        if self.last_ms != 0 {
            let ops = count.saturating_sub(self.last_count);
            self.samples[self.next] = ops * 1000 / elapsed;
            self.next = (self.next + 1) % self.samples.len();
        }
        self.last_ms = now.0;
        self.last_count = count;
    }

    /// The average of the samples.
    pub(crate) fn per_second(&self) -> u64 {
        self.samples.iter().sum::<u64>() / self.samples.len() as u64
    }
}

/// Where keyspace change events go: the counters and client-side caching; WATCH and keyspace
/// notifications plug in here.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Keys removed by expiry since the last reset.
    pub(crate) expired: u64,
    /// Keys evicted since the last reset.
    pub(crate) evicted: u64,
    /// The client-side-caching engine: every change invalidates.
    pub(crate) tracker: Tracker,
    /// The client whose command is running (NOLOOP), if any.
    pub(crate) writer: Option<ClientId>,
    /// A flush already sent its null invalidation during this command (FLUSHALL reports one
    /// flush per database; clients hear about it once).
    pub(crate) flushed: bool,
    /// WATCHed keys: every change event may make a watcher dirty.
    pub(crate) watches: crate::multi::Watches,
    /// Clients blocked on keys, and the keys made ready for them.
    pub(crate) blocking: crate::blocking::Blocking,
    /// Keyspace notifications waiting to be published.
    pub(crate) notices: crate::notify::Pending,
    /// Changes since start (INFO `rdb_changes_since_last_save`: nothing is ever saved).
    pub(crate) dirty: u64,
}

impl ChangeSink for Changes {
    fn change(&mut self, db: usize, key: &[u8], kind: ChangeKind) {
        self.dirty += 1;
        match kind {
            ChangeKind::Expired => self.expired += 1,
            ChangeKind::Evicted => self.evicted += 1,
            _ => {}
        }
        self.watches.change(db, key, kind);
        self.blocking.change(db, key, kind);
        self.notices.record(db, key, kind);
        match kind {
            // SWAPDB touches only WATCH, as in Valkey.
            ChangeKind::SwapDb => {}
            ChangeKind::Flush => {
                if !core::mem::replace(&mut self.flushed, true) {
                    drop(self.tracker.flush());
                }
            }
            ChangeKind::Expired | ChangeKind::Evicted => {
                self.tracker.key_changed(key, ChangedBy::Server);
            }
            _ => {
                let by = self.writer.map_or(ChangedBy::Server, ChangedBy::Client);
                self.tracker.key_changed(key, by);
            }
        }
    }
}

/// Everything the data thread owns.
#[derive(Debug)]
pub(crate) struct Server {
    /// Current settings (CONFIG SET changes them).
    pub(crate) settings: Settings,
    /// The config file, if one was given (INFO `config_file`, CONFIG REWRITE).
    pub(crate) config_file: Option<PathBuf>,
    /// The log.
    pub(crate) log: Logger,
    /// The data.
    pub(crate) keyspace: Keyspace,
    /// Change events from the keyspace.
    pub(crate) changes: Changes,
    /// Every command: data commands and the server's own.
    pub(crate) table: CommandTable<Handler>,
    /// Connected clients by id (ids grow, so this is connection order).
    pub(crate) clients: BTreeMap<u64, Rc<RefCell<Client>>>,
    /// The id the next client gets.
    pub(crate) next_client_id: u64,
    /// INFO stats counters.
    pub(crate) stats: Stats,
    /// INFO `instantaneous_ops_per_sec`.
    pub(crate) ops: OpsMeter,
    /// Peak of INFO `used_memory`.
    pub(crate) used_memory_peak: usize,
    /// Memory in use once start-up finished (MEMORY STATS `startup.allocated`).
    pub(crate) used_memory_startup: usize,
    /// When the server started (monotonic), for uptime.
    pub(crate) started: Instant,
    /// INFO `run_id`: 40 random hex digits.
    pub(crate) run_id: String,
    /// The port actually bound (differs from `port 0`).
    pub(crate) port: u16,
    /// Set once shutdown has begun: no new clients.
    pub(crate) shutting_down: bool,
    /// Channel and pattern subscribers.
    pub(crate) pubsub: PubSub,
    /// CLIENT PAUSE state and the parked clients.
    pub(crate) pause: Pause,
    /// `maxmemory` eviction between runs.
    pub(crate) eviction: crate::evict::Eviction,
    /// Clients in MONITOR mode, in the order they entered it.
    pub(crate) monitors: Vec<u64>,
    /// INFO commandstats and errorstats.
    pub(crate) cmdstats: crate::commandstats::CommandStats,
    /// SLOWLOG.
    pub(crate) slowlog: crate::slowlog::SlowLog,
    /// Clients with pushes queued during the running burst, sent at its end.
    pub(crate) pending_pushes: Vec<u64>,
    /// Native modules.
    pub(crate) modules: crate::modules::Modules,
    /// SIGHUP reloads: counters and the command-line options.
    pub(crate) reload: crate::reload::Reloads,
    /// What the event loop must look at: woken clients, accepted connections.
    pub(crate) io: Rc<crate::io_loop::Io>,
    /// SHUTDOWN asks the main task to shut down through this.
    pub(crate) shutdown: smol::channel::Sender<()>,
    /// The TCP addresses listening now (CONFIG SET bind/port keeps the ones still named).
    pub(crate) listen_addrs: Vec<core::net::SocketAddr>,
    /// Where CONFIG SET bind/port sends the listeners it bound.
    pub(crate) rebinds: smol::channel::Sender<crate::listening::Rebind>,
    /// What DEBUG changed (SET-ACTIVE-EXPIRE, PAUSE-CRON).
    pub(crate) debug: crate::commands::Knobs,
}

impl Server {
    /// Whether a client in this state must authenticate first (Valkey's `authRequired`).
    pub(crate) fn auth_required(&self, client: &Client) -> bool {
        self.settings.requirepass.is_some() && !client.authenticated
    }

    /// Memory in use: the keyspace plus client buffers (INFO `used_memory`).
    pub(crate) fn used_memory(&self, me: Option<&Client>) -> usize {
        let clients: usize = self
            .clients
            .iter()
            .map(|(id, c)| match me {
                Some(m) if m.id == *id => m.qbuf.1 + m.obuf.1,
                _ => c.try_borrow().map_or(0, |c| c.qbuf.1 + c.obuf.1),
            })
            .sum();
        self.keyspace.used_memory() + clients
    }

    /// Forgets a client that is gone or being dropped (disconnect, CLIENT KILL, timeout):
    /// from the client table, tracking, Pub/Sub and the pause queue. Idempotent.
    pub(crate) fn forget_client(&mut self, id: u64) {
        if let Some(c) = self.clients.remove(&id)
            && let Ok(c) = c.try_borrow()
        {
            self.pubsub.remove_client(&c);
            c.wake();
        }
        if let Some(cid) = ClientId::new(id) {
            self.changes.tracker.client_gone(cid);
        }
        self.pause.forget(id);
        crate::monitor::stop(self, id);
        self.changes.blocking.forget(id);
        self.changes.watches.reset(id);
    }

    /// Starts the graceful shutdown SIGTERM would (the SHUTDOWN command): no new clients.
    pub(crate) fn request_shutdown(&mut self) {
        self.shutting_down = true;
        // Full means it was already asked.
        let _ = self.shutdown.try_send(());
    }

    /// Ends a CLIENT PAUSE whose time is up (before each burst and on every tick).
    pub(crate) fn end_pause_if_due(&mut self, now: Millis) {
        if self.pause.is_set() && self.pause.active(now).is_none() {
            self.unpause();
        }
    }

    /// Ends the pause and resumes every parked client, in arrival order (each task runs in the
    /// order it is woken).
    pub(crate) fn unpause(&mut self) {
        self.keyspace.set_expiry_paused(self.pause.upgrading());
        let ids = self.pause.unpause();
        self.resume(ids);
    }

    /// Holds writes (and expiry) for the binary upgrade, whatever CLIENT UNPAUSE does.
    pub(crate) fn hold_for_upgrade(&mut self) {
        self.pause.hold_for_upgrade();
        self.keyspace.set_expiry_paused(true);
    }

    /// Ends the upgrade's hold (the upgrade failed): the parked clients resume unless a
    /// CLIENT PAUSE still holds them.
    pub(crate) fn release_upgrade(&mut self, now: Millis) {
        let ids = self.pause.release_upgrade(now);
        self.keyspace
            .set_expiry_paused(self.pause.active(now).is_some());
        self.resume(ids);
    }

    /// Wakes parked clients, in the given order.
    fn resume(&mut self, ids: Vec<u64>) {
        for id in ids {
            if let Some(c) = self.clients.get(&id)
                && let Ok(mut c) = c.try_borrow_mut()
            {
                c.paused = false;
                c.wake();
            }
        }
    }

    /// Folds the change counters into the stats and frees dropped module values (after each
    /// burst and each timer tick).
    pub(crate) fn take_changes(&mut self) {
        self.stats.expired_keys += core::mem::take(&mut self.changes.expired);
        self.stats.evicted_keys += core::mem::take(&mut self.changes.evicted);
        // Module values whose keys went go to their types' `free`.
        crate::modules::free_dropped(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_meter_averages_samples_per_second() {
        let mut m = OpsMeter::default();
        m.sample(Millis(1_000), 0);
        m.sample(Millis(1_050), 10); // too soon: ignored
        m.sample(Millis(1_100), 160);
        assert_eq!(m.per_second(), 1600 / 16);
    }

    #[test]
    fn expiry_and_eviction_events_are_counted() {
        let mut c = Changes::default();
        c.change(0, b"a", ChangeKind::Expired);
        c.change(0, b"", ChangeKind::Flush);
        c.change(1, b"", ChangeKind::Flush);
        c.change(0, b"", ChangeKind::SwapDb);
        c.change(0, b"b", ChangeKind::Set);
        c.change(1, b"c", ChangeKind::Evicted);
        assert_eq!((c.expired, c.evicted), (1, 1));
    }

    #[test]
    fn one_command_flushing_several_databases_invalidates_once() {
        let mut c = Changes::default();
        let me = ClientId::new(1).expect("id");
        c.tracker
            .client_tracking(me, &["ON"], &|_| true)
            .expect("on");
        c.change(0, b"", ChangeKind::Flush);
        c.change(5, b"", ChangeKind::Flush);
        let mut nulls = 0;
        c.tracker.drain(&|_| true, |_| nulls += 1);
        assert_eq!(nulls, 1);
        // The next command may flush again.
        c.flushed = false;
        c.change(0, b"", ChangeKind::Flush);
        c.tracker.drain(&|_| true, |_| nulls += 1);
        assert_eq!(nulls, 2);
    }
}
