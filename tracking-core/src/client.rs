//! Per-client tracking state, and what CLIENT TRACKINGINFO / GETREDIR / CLIENT LIST show of it.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::id::ClientId;

/// Flag bits of a tracking client (Valkey's `CLIENT_TRACKING_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags(u8);

impl Flags {
    pub(crate) const BCAST: Self = Self(1);
    pub(crate) const OPTIN: Self = Self(2);
    pub(crate) const OPTOUT: Self = Self(4);
    /// The one-shot `CLIENT CACHING yes|no` bit.
    pub(crate) const CACHING: Self = Self(8);
    pub(crate) const NOLOOP: Self = Self(16);
    pub(crate) const BROKEN_REDIRECT: Self = Self(32);

    pub(crate) const fn has(self, flag: Self) -> bool {
        self.0 & flag.0 != 0
    }

    pub(crate) fn set(&mut self, flag: Self, on: bool) {
        if on {
            self.0 |= flag.0;
        } else {
            self.0 &= !flag.0;
        }
    }
}

/// A client with tracking on. A client with tracking off has no state at all.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClientState {
    pub(crate) flags: Flags,
    pub(crate) redirect: Option<ClientId>,
    /// BCAST prefixes, sorted, none a prefix of another (except through nothing: we refuse).
    pub(crate) prefixes: Vec<Box<[u8]>>,
}

impl ClientState {
    /// Whether a read is recorded now: not BCAST, and the OPTIN/OPTOUT gate passes.
    pub(crate) fn records_reads(&self) -> bool {
        let f = self.flags;
        let caching = f.has(Flags::CACHING);
        let gated_out = if f.has(Flags::OPTIN) {
            !caching
        } else {
            f.has(Flags::OPTOUT) && caching
        };
        !f.has(Flags::BCAST) && !gated_out
    }
}

/// What happened to the client's command, for the CACHING bit (Valkey's `resetClient`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandEnd {
    /// A `CLIENT` command, any subcommand (even one that failed): the bit survives.
    ClientCommand,
    /// The client is inside MULTI after this command (MULTI itself, or a command that was only
    /// queued): the bit survives, to cover the whole transaction.
    Queued,
    /// Anything else, including EXEC, DISCARD, and a command rejected before running (unknown,
    /// wrong arity): the bit is spent.
    Other,
}

/// The data of `CLIENT TRACKINGINFO` for one client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingInfo<'a> {
    /// Tracking is on.
    pub on: bool,
    /// BCAST mode.
    pub bcast: bool,
    /// OPTIN mode.
    pub optin: bool,
    /// OPTOUT mode.
    pub optout: bool,
    /// The pending `CLIENT CACHING` bit (`caching-yes` with OPTIN, `caching-no` with OPTOUT).
    pub caching: bool,
    /// NOLOOP.
    pub noloop: bool,
    /// The redirect target was found gone or closing since tracking was last enabled.
    pub broken_redirect: bool,
    /// `redirect`: -1 when off, 0 when on without redirect, else the id (even if broken).
    pub redirect: i64,
    /// `prefixes`, in byte order; `[""]` for BCAST without a prefix, empty outside BCAST.
    pub prefixes: &'a [Box<[u8]>],
}

impl TrackingInfo<'_> {
    pub(crate) fn off() -> Self {
        Self {
            on: false,
            bcast: false,
            optin: false,
            optout: false,
            caching: false,
            noloop: false,
            broken_redirect: false,
            redirect: -1,
            prefixes: &[],
        }
    }

    pub(crate) fn of(state: &ClientState) -> TrackingInfo<'_> {
        let f = state.flags;
        TrackingInfo {
            on: true,
            bcast: f.has(Flags::BCAST),
            optin: f.has(Flags::OPTIN),
            optout: f.has(Flags::OPTOUT),
            caching: f.has(Flags::CACHING),
            noloop: f.has(Flags::NOLOOP),
            broken_redirect: f.has(Flags::BROKEN_REDIRECT),
            redirect: state.redirect.map_or(0, |id| id.get() as i64),
            prefixes: &state.prefixes,
        }
    }

    /// The `flags` set, in Valkey's order: `on`/`off`, `bcast`, `optin` then `caching-yes`,
    /// `optout` then `caching-no`, `noloop`, `broken_redirect`.
    ///
    /// ```
    /// use tracking_core::{ClientId, Tracker, TrackingOptions};
    /// let mut t = Tracker::new();
    /// let c = ClientId::new(1).unwrap();
    /// assert_eq!(t.tracking_info(c).flags().collect::<Vec<_>>(), ["off"]);
    /// t.enable(c, &TrackingOptions { optin: true, noloop: true, ..Default::default() }).unwrap();
    /// t.client_caching(c, &["yes"]).unwrap();
    /// assert_eq!(
    ///     t.tracking_info(c).flags().collect::<Vec<_>>(),
    ///     ["on", "optin", "caching-yes", "noloop"],
    /// );
    /// ```
    pub fn flags(&self) -> impl Iterator<Item = &'static str> + '_ {
        let status = if self.on { "on" } else { "off" };
        [
            Some(status),
            self.bcast.then_some("bcast"),
            self.optin.then_some("optin"),
            (self.optin && self.caching).then_some("caching-yes"),
            self.optout.then_some("optout"),
            (self.optout && self.caching).then_some("caching-no"),
            self.noloop.then_some("noloop"),
            self.broken_redirect.then_some("broken_redirect"),
        ]
        .into_iter()
        .flatten()
    }

    /// The tracking letters of the `flags=` field of CLIENT LIST/INFO, in Valkey's order:
    /// `t` (tracking), `R` (broken redirect), `B` (BCAST). They go after `b` (blocked) and
    /// before `d` (dirty CAS) among the other letters.
    pub fn client_list_flags(&self) -> impl Iterator<Item = char> + '_ {
        [
            self.on.then_some('t'),
            self.broken_redirect.then_some('R'),
            self.bcast.then_some('B'),
        ]
        .into_iter()
        .flatten()
    }
}
