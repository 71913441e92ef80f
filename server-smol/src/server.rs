//! The server state the data thread owns: keyspace, command table, clients, settings, counters.
//! One struct, so it can later become one shard of a shared-nothing server.

use core::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

use keyspace::{ChangeKind, ChangeSink, CommandTable, Keyspace, Millis};

use crate::client::Client;
use crate::config::Settings;
use crate::dispatch::Handler;
use crate::log::Logger;

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

/// Where keyspace change events go: the counters today; WATCH, tracking and keyspace
/// notifications plug in here.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Keys removed by expiry since the last reset.
    pub(crate) expired: u64,
    /// Keys evicted since the last reset.
    pub(crate) evicted: u64,
}

impl ChangeSink for Changes {
    fn change(&mut self, _db: usize, _key: &[u8], kind: ChangeKind) {
        match kind {
            ChangeKind::Expired => self.expired += 1,
            ChangeKind::Evicted => self.evicted += 1,
            _ => {}
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
    /// When the server started (monotonic), for uptime.
    pub(crate) started: Instant,
    /// INFO `run_id`: 40 random hex digits.
    pub(crate) run_id: String,
    /// The port actually bound (differs from `port 0`).
    pub(crate) port: u16,
    /// Set once shutdown has begun: no new clients.
    pub(crate) shutting_down: bool,
    /// Native modules.
    pub(crate) modules: crate::modules::Modules,
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

    /// Folds the change counters into the stats (after each burst and each timer tick).
    pub(crate) fn take_changes(&mut self) {
        self.stats.expired_keys += core::mem::take(&mut self.changes.expired);
        self.stats.evicted_keys += core::mem::take(&mut self.changes.evicted);
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
        c.change(0, b"b", ChangeKind::Set);
        c.change(1, b"c", ChangeKind::Evicted);
        assert_eq!((c.expired, c.evicted), (1, 1));
    }
}
