//! MEMORY STATS / DOCTOR / MALLOC-STATS / PURGE / HELP (Valkey's `memoryCommand`), joined to the
//! keyspace's MEMORY container (which holds USAGE). The figures are the allocator-accurate
//! counts the keyspace keeps plus the clients' buffers; the process RSS comes from procfs.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, ReplySink};

use super::{acl, cmd, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

/// The subcommands this file adds to MEMORY.
pub(crate) fn subcommands() -> Vec<Command<Handler>> {
    let slow = acl(&[A::SLOW]);
    vec![
        cmd(info("stats", "memory|stats", 2, F::NONE, slow), stats),
        cmd(info("doctor", "memory|doctor", 2, F::NONE, slow), doctor),
        cmd(
            info("malloc-stats", "memory|malloc-stats", 2, F::NONE, slow),
            malloc_stats,
        ),
        cmd(info("purge", "memory|purge", 2, F::NONE, slow), purge),
        cmd(
            info(
                "help",
                "memory|help",
                2,
                flags(&[F::LOADING, F::STALE]),
                slow,
            ),
            help,
        ),
    ]
}

const HELP: &[&str] = &[
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}

/// What MEMORY STATS and DOCTOR are computed from (Valkey's `serverMemOverhead`).
struct Overhead {
    peak: usize,
    total: usize,
    startup: usize,
    clients: usize,
    /// (db, main table bytes, expires table bytes) for each database holding keys.
    dbs: Vec<(usize, usize, usize)>,
    overhead: usize,
    keys: usize,
    dataset: usize,
    rss: usize,
}

impl Overhead {
    fn of(ex: &mut Exec<'_>) -> Self {
        let total = ex.server.used_memory(Some(ex.client));
        ex.server.used_memory_peak = ex.server.used_memory_peak.max(total);
        let ks = &ex.server.keyspace;
        let clients = total - ks.used_memory();
        let startup = ex.server.used_memory_startup.min(total);
        let mut dbs = Vec::new();
        let mut keys = 0;
        for db in 0..ks.databases() {
            if ks.len(db) == 0 {
                continue;
            }
            keys += ks.len(db);
            let (main, expires) = ks.db_overhead(db);
            dbs.push((db, main, expires));
        }
        let overhead = startup + clients + dbs.iter().map(|&(_, m, e)| m + e).sum::<usize>();
        Self {
            peak: ex.server.used_memory_peak,
            total,
            startup,
            clients,
            dbs,
            overhead: overhead.min(total),
            keys,
            dataset: total.saturating_sub(overhead),
            rss: info::rss().map_or(total, |r| usize::try_from(r).unwrap_or(usize::MAX)),
        }
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }
}

fn stats(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let m = Overhead::of(ex);
    let net = m.total.saturating_sub(m.startup).max(1);
    let int = |out: &mut Reply, name: &str, v: usize| {
        out.bulk(name.as_bytes());
        out.integer(i64::try_from(v).unwrap_or(i64::MAX));
    };
    let dbl = |out: &mut Reply, name: &str, v: f64| {
        out.bulk(name.as_bytes());
        out.double(v);
    };
    out.map(31 + m.dbs.len());
    int(out, "peak.allocated", m.peak);
    int(out, "total.allocated", m.total);
    int(out, "startup.allocated", m.startup);
    for name in ["replication.backlog", "clients.slaves"] {
        int(out, name, 0);
    }
    int(out, "clients.normal", m.clients);
    for name in [
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
    ] {
        int(out, name, 0);
    }
    for &(db, main, expires) in &m.dbs {
        out.bulk(format!("db.{db}").as_bytes());
        out.map(2);
        int(out, "overhead.hashtable.main", main);
        int(out, "overhead.hashtable.expires", expires);
    }
    int(out, "overhead.db.hashtable.lut", 0);
    int(out, "overhead.db.hashtable.rehashing", 0);
    int(out, "overhead.total", m.overhead);
    int(out, "db.dict.rehashing.count", 0);
    int(out, "keys.count", m.keys);
    int(
        out,
        "keys.bytes-per-key",
        m.dataset.checked_div(m.keys).unwrap_or(0),
    );
    int(out, "dataset.bytes", m.dataset);
    dbl(
        out,
        "dataset.percentage",
        Overhead::ratio(m.dataset * 100, net),
    );
    dbl(
        out,
        "peak.percentage",
        Overhead::ratio(m.total * 100, m.peak),
    );
    // The system allocator keeps no statistics of its own: what it holds is what was asked.
    int(out, "allocator.allocated", m.total);
    int(out, "allocator.active", m.total);
    int(out, "allocator.resident", m.rss);
    int(out, "allocator.muzzy", 0);
    dbl(out, "allocator-fragmentation.ratio", 1.0);
    int(out, "allocator-fragmentation.bytes", 0);
    dbl(out, "allocator-rss.ratio", Overhead::ratio(m.rss, m.total));
    int(out, "allocator-rss.bytes", m.rss.saturating_sub(m.total));
    dbl(out, "rss-overhead.ratio", 1.0);
    int(out, "rss-overhead.bytes", 0);
    dbl(out, "fragmentation", Overhead::ratio(m.rss, m.total));
    int(out, "fragmentation.bytes", m.rss.saturating_sub(m.total));
}

/// Valkey's `getMemoryDoctorReport`, for the figures this server has.
fn doctor(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let m = Overhead::of(ex);
    let mut issues = Vec::new();
    let text = if m.total < 5 * 1024 * 1024 {
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't \
         be used in these conditions. Please, leave for your mission on Earth and fill it with \
         some data. The new Sam and I will be back to our programming as soon as I finished \
         rebooting.\n"
            .to_string()
    } else {
        if Overhead::ratio(m.peak, m.total) > 1.5 {
            issues.push(PEAK);
        }
        let frag = Overhead::ratio(m.rss, m.total);
        if frag > 1.4 && m.rss.saturating_sub(m.total) > 10 << 20 {
            issues.push(HIGH_RSS);
        }
        let clients = ex.server.clients.len().max(1);
        if m.clients / clients > 200 * 1024 {
            issues.push(BIG_CLIENT_BUFFERS);
        }
        if issues.is_empty() {
            "Hi Sam, I can't find any memory issue in your instance. I can only account for what \
             occurs on this base.\n"
                .to_string()
        } else {
            let mut s = "Sam, I detected a few issues in this Valkey instance memory implants:\n\n"
                .to_string();
            for i in &issues {
                s.push_str(i);
                s.push_str("\n\n");
            }
            s.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
            s
        }
    };
    out.verbatim(b"txt", text.as_bytes());
}

const PEAK: &str = " * Peak memory: In the past this instance used more than 150% the memory that is \
    currently using. The allocator is normally not able to release memory after a peak, so you \
    can expect to see a big fragmentation ratio, however this is actually harmless and is only \
    due to the memory peak, and if the Valkey instance Resident Set Size (RSS) is currently bigger \
    than expected, the memory will be used as soon as you fill the Valkey instance with more \
    data. If the memory peak was only occasional and you want to try to reclaim memory, please \
    try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the \
    instance.";

const HIGH_RSS: &str = " * High total RSS: This instance has a memory fragmentation and RSS \
    overhead greater than 1.4 (this means that the Resident Set Size of the Valkey process is much \
    larger than the sum of the logical allocations Valkey performed). This problem is usually due \
    either to a large peak memory (check if there is a peak memory entry above in the report) or \
    may result from a workload that causes the allocator to fragment memory a lot. If the problem \
    is a large peak memory, then there is no issue. Otherwise, make sure you are using the \
    Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \
    \"libc\".";

const BIG_CLIENT_BUFFERS: &str = " * Big client buffers: The clients output buffers in this \
    instance are greater than 200K per client (on average). This may result from different \
    causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so \
    that data piles on the Valkey instance output buffer, or clients sending commands with large \
    replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST \
    command in order to investigate the issue if it causes problems in your instance, or to \
    understand better why certain clients are using a big amount of memory.";

fn malloc_stats(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.bulk(b"Stats not supported for the current allocator");
}

/// Valkey without jemalloc has nothing to purge and answers OK.
fn purge(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.ok();
}
