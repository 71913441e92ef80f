//! `maxmemory`: eviction before each command and the OOM refusal, as Valkey's
//! `performEvictions` and its call in `processCommand`. The keyspace picks and removes the
//! keys; this side supplies the used-memory figure, the time limit `maxmemory-eviction-tenacity`
//! sets, CLIENT PAUSE's suspension, the eviction-exceeded timers, and a run continued from the
//! timer when the time limit cut one short.

use core::time::Duration;
use std::time::Instant;

use keyspace::command::{CommandInfo, Flags};
use keyspace::{EvictOutcome, Keyspace, MemoryGauge, Millis};

use crate::client::Client;
use crate::clock::monotonic;
use crate::server::Server;

/// The reply to a command refused while memory is over the limit (`shared.oomerr`).
pub(crate) const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";

/// Eviction state kept between runs.
#[derive(Debug, Default)]
pub(crate) struct Eviction {
    /// The last run stopped at its time limit: the timer continues it (Valkey's
    /// `evictionTimeProc`).
    pub(crate) running: bool,
    /// Since when memory has been over the limit, if it is (`stat_last_eviction_exceeded_time`).
    exceeded_since: Option<Instant>,
    /// Time spent over the limit in earlier spells (`stat_total_eviction_exceeded_time`).
    exceeded_total: Duration,
    /// Bytes of client buffers, counted with the keyspace against the limit. Summing them
    /// visits every client, so the timer refreshes the figure each tick (and CONFIG SET before
    /// evicting) rather than every command paying for it.
    client_bytes: usize,
}

impl Eviction {
    /// INFO `total_eviction_exceeded_time`, in milliseconds.
    pub(crate) fn total_exceeded_ms(&self) -> u128 {
        (self.exceeded_total + self.current_exceeded()).as_millis()
    }

    /// INFO `current_eviction_exceeded_time`, in milliseconds.
    pub(crate) fn current_exceeded_ms(&self) -> u128 {
        self.current_exceeded().as_millis()
    }

    fn current_exceeded(&self) -> Duration {
        self.exceeded_since
            .map_or(Duration::ZERO, |t| monotonic().saturating_duration_since(t))
    }

    /// CONFIG RESETSTAT: the total starts again (a spell in progress keeps running).
    pub(crate) fn reset_stats(&mut self) {
        self.exceeded_total = Duration::ZERO;
        if self.exceeded_since.is_some() {
            self.exceeded_since = Some(monotonic());
        }
    }

    fn record(&mut self, outcome: EvictOutcome) {
        if outcome == EvictOutcome::Fits {
            if let Some(since) = self.exceeded_since.take() {
                self.exceeded_total += monotonic().saturating_duration_since(since);
            }
        } else {
            self.exceeded_since.get_or_insert_with(monotonic);
        }
        self.running = outcome == EvictOutcome::Running;
    }
}

/// How long one run may evict (`evictionTimeLimitUs`): 50 µs per step up to tenacity 10, then
/// 15% more per step; none at 100.
fn time_limit(tenacity: u32) -> Option<Duration> {
    match tenacity {
        0..=10 => Some(Duration::from_micros(50 * u64::from(tenacity))),
        11..=99 => Some(Duration::from_micros(
            (500.0 * 1.15f64.powi(tenacity as i32 - 10)) as u64,
        )),
        _ => None,
    }
}

/// Used memory as INFO reports it: the keyspace's figure plus the client buffers (as last
/// counted; eviction does not change them).
struct Gauge {
    clients: usize,
    started: Instant,
    limit: Option<Duration>,
}

impl MemoryGauge for Gauge {
    fn used(&mut self, keyspace: &Keyspace) -> usize {
        keyspace.used_memory() + self.clients
    }

    fn keep_going(&mut self) -> bool {
        self.limit
            .is_none_or(|l| monotonic().saturating_duration_since(self.started) <= l)
    }
}

/// Counts the client buffers again; `me` is the executing client, if any.
pub(crate) fn refresh_client_bytes(server: &mut Server, me: Option<&Client>) {
    server.eviction.client_bytes = server.used_memory(me) - server.keyspace.used_memory();
}

/// Evicts until used memory is under `maxmemory`, unless there is no limit or a CLIENT PAUSE
/// suspends eviction (then it reports [`EvictOutcome::Fits`], as Valkey does).
pub(crate) fn perform(server: &mut Server, now: Millis) -> EvictOutcome {
    let limit = usize::try_from(server.settings.maxmemory).unwrap_or(usize::MAX);
    if limit == 0 {
        // No limit: any spell over it is over.
        server.eviction.record(EvictOutcome::Fits);
        return EvictOutcome::Fits;
    }
    if server.pause.active(now).is_some() {
        // Skipped as if not asked: the timers stay as they are.
        return EvictOutcome::Fits;
    }
    let mut gauge = Gauge {
        clients: server.eviction.client_bytes,
        started: monotonic(),
        limit: time_limit(server.settings.maxmemory_eviction_tenacity),
    };
    let outcome = server
        .keyspace
        .evict(now, limit, &mut gauge, &mut server.changes);
    server.eviction.record(outcome);
    outcome
}

/// Before a command: evicts if a limit is set, and says whether the command must be refused
/// with [`OOM`]: out of memory and it is flagged `denyoom`, or it is EXEC of a transaction
/// holding one, or it would be queued inside MULTI (anything but EXEC, DISCARD, QUIT, RESET).
pub(crate) fn refuses(
    server: &mut Server,
    client: &Client,
    info: &CommandInfo,
    now: Millis,
) -> bool {
    if server.settings.maxmemory == 0 {
        return false;
    }
    let out_of_memory = perform(server, now) == EvictOutcome::OutOfMemory;
    if !out_of_memory {
        return false;
    }
    let name = info.full_name;
    let denyoom = info.flags.contains(Flags::DENYOOM)
        || (name == "exec"
            && client
                .multi
                .as_ref()
                .is_some_and(|q| q.flags.contains(Flags::DENYOOM)));
    let queueing = client.multi.is_some() && !matches!(name, "exec" | "discard" | "quit" | "reset");
    denyoom || queueing
}

/// The timer's part: counts the client buffers again, and continues a run the time limit cut
/// short (or one a reloaded, lower limit asked for).
pub(crate) fn tick(server: &mut Server, now: Millis) {
    if server.settings.maxmemory == 0 {
        return;
    }
    refresh_client_bytes(server, None);
    if server.eviction.running {
        perform(server, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenacity_maps_to_valkeys_time_limits() {
        assert_eq!(time_limit(0), Some(Duration::ZERO));
        assert_eq!(time_limit(10), Some(Duration::from_micros(500)));
        assert_eq!(time_limit(11), Some(Duration::from_micros(575)));
        let at99 = time_limit(99).expect("limited");
        assert!(at99 > Duration::from_secs(100) && at99 < Duration::from_secs(130));
        assert_eq!(time_limit(100), None);
    }

    #[test]
    fn exceeded_time_runs_while_over_the_limit_only() {
        let mut e = Eviction::default();
        e.record(EvictOutcome::Fits);
        assert!(e.exceeded_since.is_none());
        e.record(EvictOutcome::OutOfMemory);
        let since = e.exceeded_since;
        assert!(since.is_some());
        e.record(EvictOutcome::Running);
        assert!(e.running);
        assert_eq!(e.exceeded_since, since, "one spell, not restarted");
        e.record(EvictOutcome::Fits);
        assert!(!e.running);
        assert_eq!(e.current_exceeded_ms(), 0);
        assert!(e.exceeded_since.is_none());
    }
}
