//! INFO: the server, clients, memory, persistence, stats, replication, cpu, modules and
//! keyspace sections. Every field is measured; fields for features this server does not have
//! yet are left out, not faked.

use core::fmt::Write;

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, ReplySink};

use super::{acl, cmd, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::pause::Mode;
use crate::reply::Reply;
use crate::{VERSION, clock};

pub(super) fn command() -> Command<Handler> {
    cmd(
        info(
            "info",
            "info",
            -1,
            flags(&[F::LOADING, F::STALE]),
            acl(&[A::SLOW, A::DANGEROUS]),
        ),
        info_command,
    )
}

const SECTIONS: [&str; 12] = [
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "latencystats",
    "keyspace",
];

/// The sections `INFO` and `INFO default` leave out (only named, `all` or `everything`).
const NOT_DEFAULT: [&str; 2] = ["commandstats", "latencystats"];

/// Which module sections INFO asks for: every one (`everything`, `modules`), the named ones
/// (names no server section has), or none.
fn module_request(args: &[&[u8]]) -> Option<Option<Vec<String>>> {
    let lower: Vec<String> = args[1..]
        .iter()
        .map(|a| String::from_utf8_lossy(a).to_ascii_lowercase())
        .collect();
    if lower.iter().any(|a| a == "everything" || a == "modules") {
        return Some(None);
    }
    let named: Vec<String> = lower
        .into_iter()
        .filter(|a| !SECTIONS.contains(&a.as_str()) && !matches!(a.as_str(), "all" | "default"))
        .collect();
    (!named.is_empty()).then_some(Some(named))
}

fn info_command(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let mut wanted = [false; SECTIONS.len()];
    let default = SECTIONS.map(|s| !NOT_DEFAULT.contains(&s));
    if args.len() == 1 {
        wanted = default;
    }
    for arg in &args[1..] {
        let is = |n: &str| arg.eq_ignore_ascii_case(n.as_bytes());
        if is("default") {
            for (w, d) in wanted.iter_mut().zip(default) {
                *w |= d;
            }
        } else if is("all") || is("everything") {
            wanted = [true; SECTIONS.len()];
        } else if let Some(i) = SECTIONS.iter().position(|s| is(s)) {
            wanted[i] = true;
        }
    }
    let mut text = String::new();
    for (i, name) in SECTIONS.iter().enumerate() {
        if !wanted[i] {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        match *name {
            "server" => server(ex, &mut text),
            "clients" => clients(ex, &mut text),
            "memory" => memory(ex, &mut text),
            "stats" => stats(ex, &mut text),
            "replication" => replication(ex, &mut text),
            "persistence" => {
                let s = &ex.server;
                let uptime = clock::monotonic().duration_since(s.started).as_secs();
                let start = (clock::unix_millis().0 / 1000).saturating_sub(uptime);
                super::info_persistence::persistence(&mut text, s.changes.dirty, start);
            }
            "cpu" => super::info_cpu::cpu(&mut text),
            "modules" => crate::modules::info(&ex.server.modules, &mut text),
            "commandstats" => {
                text.push_str("# Commandstats\r\n");
                ex.server.cmdstats.info_commands(&mut text);
            }
            "errorstats" => {
                text.push_str("# Errorstats\r\n");
                ex.server.cmdstats.info_errors(&mut text);
            }
            "latencystats" => {
                text.push_str("# Latencystats\r\n");
                let percentiles = &ex.server.settings.latency_tracking_info_percentiles;
                ex.server.cmdstats.info_latency(&mut text, percentiles);
            }
            _ => keyspace(ex, &mut text),
        }
    }
    // The modules' own sections last, as Valkey adds them.
    if let Some(requested) = module_request(args) {
        let written = wanted.iter().filter(|w| **w).count();
        text.push_str(&crate::modules::info_sections(
            ex.server, requested, written,
        ));
    }
    out.verbatim(b"txt", text.as_bytes());
}

/// Appends `field:value\r\n`.
macro_rules! field {
    ($t:expr, $name:literal, $v:expr) => {
        let _ = write!($t, concat!($name, ":{}\r\n"), $v);
    };
}

fn server(ex: &Exec<'_>, t: &mut String) {
    let s = &*ex.server;
    let uptime = clock::monotonic().duration_since(s.started).as_secs();
    t.push_str("# Server\r\n");
    field!(t, "redis_version", "7.2.4");
    field!(t, "server_name", "valkey");
    field!(t, "valkey_version", VERSION);
    field!(t, "server_mode", "standalone");
    field!(t, "os", os_name());
    field!(t, "arch_bits", usize::BITS);
    field!(
        t,
        "multiplexing_api",
        if cfg!(target_os = "linux") {
            "epoll"
        } else {
            "kqueue"
        }
    );
    field!(t, "process_id", std::process::id());
    field!(t, "process_supervised", "no");
    field!(t, "run_id", s.run_id);
    field!(t, "tcp_port", s.port);
    field!(t, "server_time_usec", clock::unix_micros());
    field!(t, "uptime_in_seconds", uptime);
    field!(t, "uptime_in_days", uptime / 86_400);
    field!(t, "hz", s.settings.hz);
    field!(t, "configured_hz", s.settings.hz);
    field!(
        t,
        "executable",
        std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    );
    field!(
        t,
        "config_file",
        s.config_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    );
    field!(t, "io_threads_active", 0);
    let binds: Vec<String> = s
        .settings
        .bind
        .iter()
        .map(|b| format!("bind={b}"))
        .collect();
    field!(
        t,
        "listener0",
        format!("name=tcp,{},port={}", binds.join(","), s.port)
    );
    s.reload.info(t);
}

/// `Linux 6.8.0 x86_64`, from /proc when it is there.
fn os_name() -> String {
    let read = |p: &str| std::fs::read_to_string(p).map(|s| s.trim().to_string());
    match (
        read("/proc/sys/kernel/ostype"),
        read("/proc/sys/kernel/osrelease"),
    ) {
        (Ok(t), Ok(r)) => format!("{t} {r} {}", std::env::consts::ARCH),
        _ => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

fn clients(ex: &mut Exec<'_>, t: &mut String) {
    let tracking = ex.server.changes.tracker.stats();
    let s = &*ex.server;
    let (mut max_in, mut max_out) = (0, 0);
    for (id, c) in &s.clients {
        let (qbuf, obuf) = if *id == ex.client.id {
            (ex.client.qbuf.0, ex.client.obuf.0)
        } else {
            c.try_borrow().map_or((0, 0), |c| (c.qbuf.0, c.obuf.0))
        };
        max_in = max_in.max(qbuf);
        max_out = max_out.max(obuf);
    }
    t.push_str("# Clients\r\n");
    field!(t, "connected_clients", s.clients.len());
    field!(t, "cluster_connections", 0);
    field!(t, "maxclients", s.settings.maxclients);
    field!(t, "client_recent_max_input_buffer", max_in);
    field!(t, "client_recent_max_output_buffer", max_out);
    field!(
        t,
        "blocked_clients",
        s.pause.parked() + s.changes.blocking.count()
    );
    field!(t, "tracking_clients", tracking.tracking_clients);
    let pubsub_clients = s
        .clients
        .iter()
        .filter(|(id, c)| {
            if **id == ex.client.id {
                ex.client.subscribed()
            } else {
                c.try_borrow().is_ok_and(|c| c.subscribed())
            }
        })
        .count();
    field!(t, "pubsub_clients", pubsub_clients);
    field!(t, "watching_clients", s.changes.watches.clients());
    field!(t, "clients_in_timeout_table", 0);
    field!(t, "total_watched_keys", s.changes.watches.keys());
    field!(t, "total_blocking_keys", s.changes.blocking.keys());
    field!(t, "total_blocking_keys_on_nokey", 0);
    let reason = match s.pause.client_pause(ex.now) {
        Some(_) => "client_pause",
        None if s.pause.upgrading() => "upgrade_in_progress",
        None => "none",
    };
    let actions = match s.pause.active(ex.now) {
        Some(Mode::Write) => "write",
        Some(Mode::All) => "all",
        None => "none",
    };
    field!(t, "paused_reason", reason);
    field!(t, "paused_actions", actions);
    field!(t, "paused_timeout_milliseconds", s.pause.remaining(ex.now));
}

/// Bytes as Valkey's `bytesToHuman` writes them: `1.50K`, `2.00M`, `512B`.
fn human(n: u64) -> String {
    const UNITS: [(f64, &str); 6] = [
        (1024.0, "K"),
        (1024.0 * 1024.0, "M"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "E"),
    ];
    let v = n as f64;
    if v < 1024.0 {
        return format!("{n}B");
    }
    let mut unit = UNITS[0];
    for u in UNITS {
        if v >= u.0 {
            unit = u;
        }
    }
    format!("{:.2}{}", v / unit.0, unit.1)
}

/// Resident set size from /proc/self/statm (pages of 4 KiB), when available.
pub(crate) fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn memory(ex: &mut Exec<'_>, t: &mut String) {
    let used = ex.server.used_memory(Some(ex.client));
    ex.server.used_memory_peak = ex.server.used_memory_peak.max(used);
    let s = &*ex.server;
    t.push_str("# Memory\r\n");
    field!(t, "used_memory", used);
    field!(t, "used_memory_human", human(used as u64));
    if let Some(rss) = rss() {
        field!(t, "used_memory_rss", rss);
        field!(t, "used_memory_rss_human", human(rss));
    }
    field!(t, "used_memory_peak", s.used_memory_peak);
    field!(
        t,
        "used_memory_peak_human",
        human(s.used_memory_peak as u64)
    );
    field!(t, "used_memory_dataset", s.keyspace.used_memory());
    field!(t, "maxmemory", s.settings.maxmemory);
    field!(t, "maxmemory_human", human(s.settings.maxmemory));
    field!(t, "maxmemory_policy", s.settings.maxmemory_policy.name());
    // Nothing (replication or AOF buffers) is left out of the figure eviction compares.
    field!(t, "mem_not_counted_for_evict", 0);
    field!(t, "mem_allocator", "libc");
}

fn stats(ex: &mut Exec<'_>, t: &mut String) {
    let tracking = ex.server.changes.tracker.stats();
    let s = &*ex.server;
    let st = &s.stats;
    t.push_str("# Stats\r\n");
    field!(t, "total_connections_received", st.connections_received);
    field!(t, "total_commands_processed", st.commands_processed);
    field!(t, "instantaneous_ops_per_sec", s.ops.per_second());
    field!(t, "total_net_input_bytes", st.net_input_bytes);
    field!(t, "total_net_output_bytes", st.net_output_bytes);
    field!(t, "rejected_connections", st.rejected_connections);
    field!(t, "expired_keys", st.expired_keys + s.changes.expired);
    field!(t, "evicted_keys", st.evicted_keys + s.changes.evicted);
    field!(
        t,
        "total_eviction_exceeded_time",
        s.eviction.total_exceeded_ms()
    );
    field!(
        t,
        "current_eviction_exceeded_time",
        s.eviction.current_exceeded_ms()
    );
    field!(t, "keyspace_hits", s.keyspace.keyspace_hits());
    field!(t, "keyspace_misses", s.keyspace.keyspace_misses());
    field!(t, "pubsub_channels", s.pubsub.channel_count());
    field!(t, "pubsub_patterns", s.pubsub.pattern_count());
    field!(t, "pubsubshard_channels", s.pubsub.shard_channel_count());
    field!(t, "tracking_total_keys", tracking.total_keys);
    field!(t, "tracking_total_items", tracking.total_items);
    field!(t, "tracking_total_prefixes", tracking.total_prefixes);
    field!(t, "total_error_replies", st.error_replies);
    field!(
        t,
        "client_query_buffer_limit_disconnections",
        st.query_buffer_limit_disconnections
    );
    field!(
        t,
        "client_output_buffer_limit_disconnections",
        st.output_buffer_limit_disconnections
    );
}

fn replication(ex: &Exec<'_>, t: &mut String) {
    t.push_str("# Replication\r\n");
    field!(t, "role", "master");
    field!(t, "connected_slaves", 0);
    field!(t, "master_failover_state", "no-failover");
    field!(t, "master_replid", ex.server.run_id);
    field!(t, "master_replid2", "0".repeat(40));
    field!(t, "master_repl_offset", 0);
    field!(t, "second_repl_offset", -1);
    field!(t, "repl_backlog_active", 0);
}

fn keyspace(ex: &Exec<'_>, t: &mut String) {
    let ks = &ex.server.keyspace;
    t.push_str("# Keyspace\r\n");
    for db in 0..ks.databases() {
        let keys = ks.len(db);
        if keys > 0 {
            let _ = write!(t, "db{db}:keys={keys},expires={}\r\n", ks.expires_len(db));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn human_sizes_match_valkey() {
        assert_eq!(human(512), "512B");
        assert_eq!(human(1536), "1.50K");
        assert_eq!(human(2 * 1024 * 1024), "2.00M");
        assert_eq!(human(1 << 30), "1.00G");
    }
}
