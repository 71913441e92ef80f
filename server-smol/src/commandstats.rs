//! Per-command and per-error counters (INFO commandstats and errorstats) and the bookkeeping
//! after each command that feeds them and the slow log, as Valkey's `call()` does: calls and
//! microseconds once the command has run (a blocked command when it is served, times out or
//! is unblocked), `failed_calls` when it answered an error itself, `rejected_calls` when it was
//! refused before running (arity, NOAUTH, subscribed mode...).

use core::fmt::Write;
use core::hash::{BuildHasherDefault, Hash, Hasher};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use keyspace::command::{CommandInfo, Flags};

use crate::client::Client;
use crate::clock;
use crate::latency::{self, Histogram};
use crate::log::Logger;
use crate::reply::Reply;
use crate::server::Server;
use crate::slowlog::{self, Entry};

/// One command's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    calls: u64,
    usec: u64,
    rejected: u64,
    failed: u64,
}

/// A command's full name, compared and hashed by address: names come from the command table
/// (module command names are interned), so each name has one address and counting a call
/// costs no string hashing.
#[derive(Clone, Copy, Debug)]
struct Name(&'static str);

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.0, other.0)
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.as_ptr().addr());
    }
}

/// 2^64 divided by the golden ratio.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

/// Spreads an address over the hash bits (Fibonacci hashing); [`Name`] writes only that.
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FIBONACCI);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(FIBONACCI);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The counters behind INFO commandstats and errorstats (CONFIG RESETSTAT clears them).
#[derive(Debug, Default)]
pub(crate) struct CommandStats {
    /// By full name (`get`, `client|list`).
    commands: HashMap<Name, Counts, BuildHasherDefault<AddrHasher>>,
    /// Latency histograms by full name, while `latency-tracking` is on (INFO latencystats).
    latency: HashMap<Name, Histogram, BuildHasherDefault<AddrHasher>>,
    /// By error code (`ERR`, `WRONGTYPE`), in name order.
    errors: BTreeMap<Box<str>, u64>,
    /// More than [`MAX_ERROR_CODES`] codes were seen: only `ERRORSTATS_DISABLED` is shown
    /// until CONFIG RESETSTAT.
    errors_disabled: bool,
    /// The error count of the reply buffer after the last command finished: a command failed
    /// if it added errors after that (so EXEC does not fail because a queued command did).
    errors_seen: u64,
    /// Inside a client's burst of requests: when the last command ended, the next one's start
    /// (see [`start_burst`]).
    chain: Option<Option<Instant>>,
}

/// A client's burst of pipelined requests starts: until [`end_burst`], commands are timed with
/// one clock read each, a command's time running from the end of the one before it in the
/// burst (its parsing and dispatch included; the first from its own start). A clock read costs
/// about as much as a GET's lookup in this VM: this saves a tenth of a pipelined GET's user time.
pub(crate) fn start_burst(server: &mut Server) {
    server.cmdstats.chain = Some(None);
}

/// The burst is over: commands run from elsewhere (timers, modules) read the clock twice.
pub(crate) fn end_burst(server: &mut Server) {
    server.cmdstats.chain = None;
}

impl CommandStats {
    fn counts(&mut self, name: &'static str) -> &mut Counts {
        self.commands.entry(Name(name)).or_default()
    }

    /// A command refused before it ran.
    pub(crate) fn rejected(&mut self, name: &'static str) {
        self.counts(name).rejected += 1;
    }

    /// Counts the error codes `out` wrote since they were last taken. A code beyond the first
    /// [`MAX_ERROR_CODES`] replaces them all with `ERRORSTATS_DISABLED` (logged with the codes
    /// seen), as Valkey's `incrementErrorCount` does.
    pub(crate) fn take_errors(&mut self, out: &mut Reply, log: &Logger) {
        for code in out.error_codes.drain(..) {
            if self.errors_disabled {
                continue;
            }
            if let Some(n) = self.errors.get_mut(&code) {
                *n += 1;
            } else if self.errors.len() >= MAX_ERROR_CODES {
                let seen: Vec<&str> = self.errors.keys().map(|k| &**k).collect();
                log.warning(&format!(
                    "Errorstats stopped adding new errors because the number of errors reached \
                     the limit, may be misuse of lua error_reply, please check INFO ERRORSTATS, \
                     and Current errors code list: {}",
                    seen.join(", ")
                ));
                self.errors.clear();
                self.errors.insert(DISABLED.into(), 1);
                self.errors_disabled = true;
            } else {
                self.errors.insert(code, 1);
            }
        }
    }

    /// Clears every counter (CONFIG RESETSTAT).
    pub(crate) fn reset(&mut self) {
        self.commands.clear();
        self.latency.clear();
        self.errors.clear();
        self.errors_disabled = false;
    }

    /// The INFO commandstats section (without its header), commands in name order.
    pub(crate) fn info_commands(&self, t: &mut String) {
        let mut by_name: BTreeMap<&str, Counts> = BTreeMap::new();
        for (name, c) in &self.commands {
            let sum = by_name.entry(name.0).or_default();
            sum.calls += c.calls;
            sum.usec += c.usec;
            sum.rejected += c.rejected;
            sum.failed += c.failed;
        }
        for (name, c) in by_name {
            if c.calls == 0 && c.rejected == 0 && c.failed == 0 {
                continue;
            }
            let per_call = if c.calls == 0 {
                0.0
            } else {
                c.usec as f64 / c.calls as f64
            };
            let name = safe_info(name);
            let _ = write!(
                t,
                "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},\
                 failed_calls={}\r\n",
                c.calls, c.usec, c.rejected, c.failed
            );
        }
    }

    /// The INFO latencystats section (without its header), commands in name order.
    pub(crate) fn info_latency(&self, t: &mut String, percentiles: &[String]) {
        let mut names: Vec<(&str, &Histogram)> =
            self.latency.iter().map(|(n, h)| (n.0, h)).collect();
        names.sort_unstable_by_key(|(n, _)| *n);
        for (name, h) in names {
            latency::info_line(t, &safe_info(name), h, percentiles);
        }
    }

    /// The INFO errorstats section (without its header).
    pub(crate) fn info_errors(&self, t: &mut String) {
        for (code, n) in &self.errors {
            let _ = write!(t, "errorstat_{}:count={n}\r\n", safe_info(code));
        }
    }
}

/// Distinct error codes errorstats keeps (Valkey's `ERROR_STATS_NUMBER`).
const MAX_ERROR_CODES: usize = 128;
/// The one code shown once there were more.
const DISABLED: &str = "ERRORSTATS_DISABLED";

/// A name as INFO can carry it: `#`, `:`, CR and LF become `_` (Valkey's `getSafeInfoString`).
fn safe_info(name: &str) -> String {
    name.replace(['#', ':', '\r', '\n'], "_")
}

/// What [`begin`] noted before a handler ran.
pub(crate) struct Started {
    at: Instant,
}

/// Notes the start of a command.
pub(crate) fn begin(server: &mut Server, out: &Reply) -> Started {
    server.cmdstats.errors_seen = out.errors;
    let chained = server.cmdstats.chain.as_mut().and_then(Option::take);
    Started {
        at: chained.unwrap_or_else(clock::monotonic),
    }
}

/// After a handler ran: counts the call (unless the command blocked: it counts once served,
/// timed out or unblocked) and offers it to the slow log.
pub(crate) fn end(
    server: &mut Server,
    client: &Client,
    info: &CommandInfo,
    args: &[&[u8]],
    started: Started,
    out: &Reply,
) {
    let now = clock::monotonic();
    let micros =
        u64::try_from(now.saturating_duration_since(started.at).as_micros()).unwrap_or(u64::MAX);
    if let Some(chain) = server.cmdstats.chain.as_mut() {
        *chain = Some(now);
    }
    let failed = out.errors > server.cmdstats.errors_seen;
    server.cmdstats.errors_seen = out.errors;
    if client.blocked.is_some() {
        return;
    }
    done(server, client, info, args, micros, failed);
}

/// A blocked command's end by timeout or CLIENT UNBLOCK (`args` as it was called).
pub(crate) fn unblocked(server: &mut Server, client: &Client, args: &[Vec<u8>], failed: bool) {
    let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
    let Ok(cmd) = server.table.resolve(&refs) else {
        return;
    };
    let info = cmd.info;
    done(server, client, &info, &refs, 0, failed);
}

/// A command refused for its arity: its table name, counted as rejected.
pub(crate) fn rejected_arity(server: &mut Server, args: &[&[u8]]) {
    let Some(cmd) = server.table.get(args[0]) else {
        return;
    };
    let name = match args.get(1).and_then(|a| cmd.subcommand(a)) {
        Some(sub) => sub.info.full_name,
        None => cmd.info.full_name,
    };
    server.cmdstats.rejected(name);
}

fn done(
    server: &mut Server,
    client: &Client,
    info: &CommandInfo,
    args: &[&[u8]],
    micros: u64,
    failed: bool,
) {
    let c = server.cmdstats.counts(info.full_name);
    c.calls += 1;
    c.usec += micros;
    if failed {
        c.failed += 1;
    }
    if server.settings.latency_tracking {
        let h = server
            .cmdstats
            .latency
            .entry(Name(info.full_name))
            .or_default();
        h.record(micros.saturating_mul(1000));
    }
    if info.flags.contains(Flags::SKIP_SLOWLOG) {
        return;
    }
    let s = &server.settings;
    server
        .slowlog
        .push_if_needed(s.slowlog_log_slower_than, s.slowlog_max_len, micros, || {
            Entry {
                id: 0,
                time: clock::unix_micros() / 1_000_000,
                micros,
                args: slowlog::entry_args(args, |i| slowlog::redacted(info.full_name, args, i)),
                addr: client.addr.clone(),
                name: client.name.clone(),
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_list_used_commands_and_error_codes() {
        let mut s = CommandStats::default();
        *s.counts("get") = Counts {
            calls: 3,
            usec: 10,
            rejected: 0,
            failed: 1,
        };
        s.rejected("client|list");
        s.counts("unused");
        let mut t = String::new();
        s.info_commands(&mut t);
        assert_eq!(
            t,
            "cmdstat_client|list:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n\
             cmdstat_get:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=1\r\n"
        );
        let mut r = Reply::new();
        r.error_text("WRONGTYPE Operation against a key holding the wrong kind of value");
        r.error_text("ERR syntax error");
        r.error_text("ERR x");
        let quiet = Logger {
            level: crate::log::Level::Nothing,
            file: String::new(),
        };
        s.take_errors(&mut r, &quiet);
        t.clear();
        s.info_errors(&mut t);
        assert_eq!(
            t,
            "errorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n"
        );
        r.error_text("A:B#C x");
        s.take_errors(&mut r, &quiet);
        t.clear();
        s.info_errors(&mut t);
        assert!(t.starts_with("errorstat_A_B_C:count=1\r\n"), "{t}");
        s.reset();
        t.clear();
        s.info_commands(&mut t);
        s.info_errors(&mut t);
        assert_eq!(t, "");
    }

    #[test]
    fn error_codes_beyond_the_limit_disable_errorstats_until_reset() {
        let quiet = Logger {
            level: crate::log::Level::Nothing,
            file: String::new(),
        };
        let mut s = CommandStats::default();
        let mut r = Reply::new();
        for i in 0..MAX_ERROR_CODES {
            r.error_text(&format!("E{i} x"));
        }
        r.error_text("E0 again");
        s.take_errors(&mut r, &quiet);
        assert_eq!(s.errors.len(), MAX_ERROR_CODES);
        assert_eq!(s.errors.get("E0"), Some(&2));
        r.error_text("NEW x");
        r.error_text("E1 x");
        s.take_errors(&mut r, &quiet);
        let mut t = String::new();
        s.info_errors(&mut t);
        assert_eq!(t, "errorstat_ERRORSTATS_DISABLED:count=1\r\n");
        s.reset();
        r.error_text("ERR x");
        s.take_errors(&mut r, &quiet);
        t.clear();
        s.info_errors(&mut t);
        assert_eq!(t, "errorstat_ERR:count=1\r\n");
    }
}
