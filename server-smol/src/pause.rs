//! CLIENT PAUSE state: the mode, the end time, and the clients parked behind it in arrival
//! order. Valkey's `pauseActions`/`unpauseActions` for this server's two purposes: CLIENT
//! PAUSE, and the binary upgrade's write hold (which CLIENT UNPAUSE does not lift).

use std::collections::VecDeque;

use keyspace::Millis;
use keyspace::command::Flags;

/// What a pause holds back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Commands flagged `write` or `may-replicate`.
    Write,
    /// Every command (except CLIENT UNPAUSE here, unlike Valkey).
    All,
}

/// The pause and its queue.
#[derive(Debug, Default)]
pub(crate) struct Pause {
    mode: Option<Mode>,
    end: u64,
    parked: VecDeque<u64>,
    /// Writes held while the dataset is handed to a new process ([`crate::upgrade`]).
    upgrade: bool,
}

impl Pause {
    /// The mode in force at `now`, if a pause is active.
    pub(crate) fn active(&self, now: Millis) -> Option<Mode> {
        let client = self.client_pause(now);
        if self.upgrade {
            return Some(client.unwrap_or(Mode::Write));
        }
        client
    }

    /// Holds writes (at least) until [`Self::release_upgrade`], whatever CLIENT PAUSE and
    /// CLIENT UNPAUSE do meanwhile.
    pub(crate) fn hold_for_upgrade(&mut self) {
        self.upgrade = true;
    }

    /// Whether the upgrade holds writes.
    pub(crate) fn upgrading(&self) -> bool {
        self.upgrade
    }

    /// Ends the upgrade's hold; the clients to resume if no CLIENT PAUSE still holds them.
    pub(crate) fn release_upgrade(&mut self, now: Millis) -> Vec<u64> {
        self.upgrade = false;
        if self.active(now).is_some() {
            return Vec::new();
        }
        self.unpause()
    }

    /// Whether a pause is set, ended or not (the timer and each command end it on time).
    pub(crate) fn is_set(&self) -> bool {
        self.mode.is_some() || self.upgrade
    }

    /// Milliseconds left (INFO `paused_timeout_milliseconds`).
    pub(crate) fn remaining(&self, now: Millis) -> u64 {
        match self.client_pause(now) {
            Some(_) => self.end - now.0,
            None => 0,
        }
    }

    /// The CLIENT PAUSE mode in force at `now` (the upgrade's hold aside).
    pub(crate) fn client_pause(&self, now: Millis) -> Option<Mode> {
        self.mode.filter(|_| now.0 < self.end)
    }

    /// `CLIENT PAUSE timeout mode` at `now`, ending at `end`: the end is the later of the two
    /// and an active ALL pause is never weakened to WRITE.
    pub(crate) fn pause(&mut self, now: Millis, end: u64, mode: Mode) {
        let mode = match self.active(now) {
            Some(Mode::All) => Mode::All,
            _ => mode,
        };
        if self.active(now).is_none() {
            self.end = 0;
        }
        self.mode = Some(mode);
        self.end = self.end.max(end);
    }

    /// Ends the client pause; the parked clients in arrival order, to resume in that order
    /// (none while the upgrade still holds them).
    pub(crate) fn unpause(&mut self) -> Vec<u64> {
        self.mode = None;
        self.end = 0;
        if self.upgrade {
            return Vec::new();
        }
        self.parked.drain(..).collect()
    }

    /// Whether a command with these flags must wait at `now`. `always_runs` exempts CLIENT
    /// UNPAUSE, so an ALL pause can always be lifted.
    pub(crate) fn holds(&self, now: Millis, flags: Flags, always_runs: bool) -> bool {
        match self.active(now) {
            None => false,
            Some(_) if always_runs => false,
            Some(Mode::All) => true,
            Some(Mode::Write) => {
                flags.contains(Flags::WRITE) || flags.contains(Flags::MAY_REPLICATE)
            }
        }
    }

    /// Parks client `id` at the back of the queue.
    pub(crate) fn park(&mut self, id: u64) {
        self.parked.push_back(id);
    }

    /// Parked clients (INFO `blocked_clients`).
    pub(crate) fn parked(&self) -> usize {
        self.parked.len()
    }

    /// Drops a departing client from the queue.
    pub(crate) fn forget(&mut self, id: u64) {
        self.parked.retain(|&p| p != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_pause_never_shortens_or_weakens_an_active_one() {
        let mut p = Pause::default();
        p.pause(Millis(0), 1_000, Mode::All);
        p.pause(Millis(10), 500, Mode::Write);
        assert_eq!(p.active(Millis(900)), Some(Mode::All));
        assert_eq!(p.remaining(Millis(900)), 100);
        assert_eq!(p.active(Millis(1_000)), None);
        // Once it ended, a new one starts afresh.
        p.pause(Millis(2_000), 2_100, Mode::Write);
        assert_eq!(p.active(Millis(2_050)), Some(Mode::Write));
    }

    #[test]
    fn the_upgrade_hold_outlives_client_unpause_and_keeps_the_parked_clients() {
        let mut p = Pause::default();
        p.hold_for_upgrade();
        assert_eq!(p.active(Millis(5)), Some(Mode::Write));
        assert_eq!(p.client_pause(Millis(5)), None);
        assert_eq!(p.remaining(Millis(5)), 0);
        p.park(7);
        p.pause(Millis(5), 100, Mode::All);
        assert_eq!(p.active(Millis(6)), Some(Mode::All));
        // CLIENT UNPAUSE (or its timeout) leaves the hold and the queue alone.
        assert!(p.unpause().is_empty());
        assert_eq!(p.active(Millis(7)), Some(Mode::Write));
        assert!(p.is_set());
        assert_eq!(p.release_upgrade(Millis(8)), [7]);
        assert_eq!(p.active(Millis(8)), None);
        // Released while a CLIENT PAUSE is on: the clients wait for that one.
        p.hold_for_upgrade();
        p.pause(Millis(10), 100, Mode::Write);
        p.park(9);
        assert!(p.release_upgrade(Millis(11)).is_empty());
        assert_eq!(p.unpause(), [9]);
    }

    #[test]
    fn write_mode_holds_write_and_may_replicate_commands_only() {
        let mut p = Pause::default();
        p.pause(Millis(0), 100, Mode::Write);
        assert!(p.holds(Millis(1), Flags::WRITE, false));
        assert!(p.holds(Millis(1), Flags::MAY_REPLICATE, false));
        assert!(!p.holds(Millis(1), Flags::READONLY, false));
        p.pause(Millis(1), 100, Mode::All);
        assert!(p.holds(Millis(1), Flags::READONLY, false));
        assert!(!p.holds(Millis(1), Flags::ADMIN, true));
    }

    #[test]
    fn parked_clients_resume_in_arrival_order() {
        let mut p = Pause::default();
        p.pause(Millis(0), 100, Mode::Write);
        for id in [5, 3, 9] {
            p.park(id);
        }
        p.forget(3);
        assert_eq!(p.parked(), 2);
        assert_eq!(p.unpause(), vec![5, 9]);
        assert!(!p.is_set());
    }
}
