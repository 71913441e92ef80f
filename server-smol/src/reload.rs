//! SIGHUP: re-read the config file the server started with (the command-line options still
//! win), validate all of it, then apply every changed run-time directive at once. `bind`,
//! `port` and `unixsocket` changes open the new listeners before the old ones close;
//! established connections are never touched. Directives that cannot change at run time are named in the log and left
//! alone; an invalid file changes nothing.

use core::cell::RefCell;
use std::rc::Rc;

use std::os::unix::net::UnixListener;

use async_io::Async;
use smol::LocalExecutor;

use crate::config::{self, ConfigError, DIRECTIVES, Settings};
use crate::listening::Listening;
use crate::server::Server;
use crate::{clock, listen};

/// Reload counters and the command-line options to re-apply (INFO `config_reload*`).
#[derive(Debug, Default)]
pub(crate) struct Reloads {
    /// The command-line options the server started with (`--port 7000 ...`).
    pub(crate) options: Vec<String>,
    /// Reloads that applied (`config_reloads`).
    pub(crate) ok: u64,
    /// Reloads that changed nothing because of an error (`config_reload_failures`).
    pub(crate) failed: u64,
    /// `config_last_reload_status`: `none` before the first SIGHUP, then `ok` or `err`.
    pub(crate) last_ok: Option<bool>,
    /// `config_last_reload_time`: unix seconds of the last SIGHUP (0: none yet).
    pub(crate) last_time: u64,
}

impl Reloads {
    /// Counters for a server started with `options`.
    pub(crate) fn new(options: Vec<String>) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// Appends the INFO fields (in the server section).
    pub(crate) fn info(&self, t: &mut String) {
        use core::fmt::Write;
        let status = match self.last_ok {
            None => "none",
            Some(true) => "ok",
            Some(false) => "err",
        };
        let _ = write!(
            t,
            "config_reloads:{}\r\nconfig_reload_failures:{}\r\nconfig_last_reload_status:{status}\r\n\
             config_last_reload_time:{}\r\n",
            self.ok, self.failed, self.last_time
        );
    }
}

/// What a valid new configuration changes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The settings to run with: the new file's run-time values, the current values of
    /// everything that cannot change at run time.
    pub(crate) next: Settings,
    /// Changed directives that take effect now.
    pub(crate) applied: Vec<&'static str>,
    /// Changed directives left alone (they cannot change at run time).
    pub(crate) fixed: Vec<&'static str>,
    /// `bind` or `port` changed: new listeners are needed.
    pub(crate) rebind: bool,
    /// `unixsocket` or `unixsocketperm` changed.
    pub(crate) unix: bool,
}

/// Compares `current` with the freshly loaded `new`. Every directive CONFIG SET may change,
/// plus `bind` and `port` (the listeners are swapped), takes the new value; the others keep
/// their current value through their own setter, and `loadmodule` lines keep the modules
/// loaded now. Fails (changing nothing) only if a current value does not read back through its
/// own setter.
pub(crate) fn plan(current: &Settings, new: &Settings) -> Result<Plan, String> {
    let mut next = new.clone();
    let (mut applied, mut fixed, mut rebind, mut unix) = (Vec::new(), Vec::new(), false, false);
    for d in DIRECTIVES {
        let (was, now) = (current.get(d), new.get(d));
        if was == now {
            continue;
        }
        if matches!(d.name, "bind" | "port") {
            rebind = true;
            applied.push(d.name);
        } else if matches!(d.name, "unixsocket" | "unixsocketperm") {
            unix = true;
            applied.push(d.name);
        } else if d.mutable {
            applied.push(d.name);
        } else {
            let parts: Vec<&[u8]> = if d.multi_arg {
                was.split(' ').map(str::as_bytes).collect()
            } else {
                vec![was.as_bytes()]
            };
            next.set(d, &parts)
                .map_err(|e| format!("can't keep the current value of '{}': {e}", d.name))?;
            fixed.push(d.name);
        }
    }
    if current.loadmodule != new.loadmodule {
        fixed.push("loadmodule");
    }
    next.loadmodule.clone_from(&current.loadmodule);
    Ok(Plan {
        next,
        applied,
        fixed,
        rebind,
        unix,
    })
}

/// What a reload does to the Unix socket.
enum UnixChange {
    /// Nothing (unchanged path; a new mode is already applied).
    Keep,
    /// Close it: `unixsocket` is now empty.
    Close,
    /// Swap to this listener, bound at the new path.
    Open(Async<UnixListener>),
}

/// Binds the new `unixsocket` (or applies a new `unixsocketperm` to the one open at `open`);
/// an error changes nothing.
fn unix_listener(next: &Settings, open: Option<&str>) -> Result<UnixChange, String> {
    if next.unixsocket.is_empty() {
        return Ok(UnixChange::Close);
    }
    if open == Some(next.unixsocket.as_str()) {
        if next.unixsocketperm != 0 {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(next.unixsocketperm);
            std::fs::set_permissions(&next.unixsocket, mode)
                .map_err(|e| format!("can't change the unix socket's mode: {e}"))?;
        }
        return Ok(UnixChange::Keep);
    }
    let listener = listen::bind_unix(&next.unixsocket, next.unixsocketperm)?;
    Async::new(listener)
        .map(UnixChange::Open)
        .map_err(|e| e.to_string())
}

/// A config error as one log line: file, line and reason.
pub(crate) fn describe(e: &ConfigError) -> String {
    match e {
        ConfigError::CantOpen { path, reason } => {
            format!("can't open config file '{path}': {reason}")
        }
        ConfigError::Line {
            source,
            line,
            text,
            reason,
        } => format!("at line {line} of {source}: '{text}': {reason}"),
        ConfigError::Other(reason) => reason.clone(),
    }
}

/// Handles one SIGHUP. On a `bind`/`port` change the new addresses are bound first (one
/// already listening is kept as it is), then the listeners no longer named are closed.
pub(crate) async fn reload(
    ex: &Rc<LocalExecutor<'static>>,
    shared: &Rc<RefCell<Server>>,
    accepting: &mut Listening,
) {
    let (path, options, current, log, bound_port) = {
        let mut s = shared.borrow_mut();
        s.reload.last_time = clock::unix_micros() / 1_000_000;
        (
            s.config_file.clone(),
            s.reload.options.clone(),
            s.settings.clone(),
            s.log.clone(),
            s.port,
        )
    };
    let fail = |why: String| {
        log.warning(&format!("Config reload failed, nothing changed: {why}"));
        let mut s = shared.borrow_mut();
        s.reload.failed += 1;
        s.reload.last_ok = Some(false);
    };
    let Some(path) = path else {
        return fail("the server was started without a config file".into());
    };
    log.notice(&format!(
        "Received SIGHUP, reloading the configuration from {}",
        path.display()
    ));
    let new = match config::load(Some(&path), &options) {
        Ok(new) => new,
        Err(e) => return fail(describe(&e)),
    };
    let plan = match plan(&current, &new) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    // `port 0` unchanged: stay on the port picked at start-up.
    let port = match (current.port, plan.next.port) {
        (0, 0) => bound_port,
        (_, p) => p,
    };
    let bound = if plan.rebind {
        match listen::bind_keeping(&plan.next.bind, port, &accepting.addrs()) {
            Ok(b) => Some(b),
            Err(e) => return fail(e),
        }
    } else {
        None
    };
    let unix = if plan.unix {
        match unix_listener(&plan.next, accepting.unix_path()) {
            Ok(u) => u,
            Err(e) => return fail(e),
        }
    } else {
        UnixChange::Keep
    };
    // Everything needed is bound: from here on the reload applies whole.
    match unix {
        UnixChange::Keep => {}
        UnixChange::Close => accepting.close_unix(),
        UnixChange::Open(listener) => {
            accepting.close_unix();
            let path = plan.next.unixsocket.clone();
            accepting.spawn_unix(ex, shared, listener, path);
            log.notice(&format!(
                "Listening on unix socket {} now.",
                plan.next.unixsocket
            ));
        }
    }
    if let Some(bound) = bound {
        let new_port = bound
            .kept
            .first()
            .copied()
            .or_else(|| bound.new.first().and_then(|l| l.local_addr().ok()))
            .map_or(port, |a| a.port());
        accepting.retain(&bound.kept);
        accepting.spawn(ex, shared, bound.new);
        shared.borrow_mut().port = new_port;
        log.notice(&format!("Listening on port={new_port} now."));
    }
    let mut s = shared.borrow_mut();
    s.log.level = plan.next.loglevel;
    let limits = plan.next.keyspace_limits(*s.keyspace.config());
    s.keyspace.set_limits(&limits);
    // A lowered limit is met by the timer's next tick.
    s.eviction.running |= plan.next.maxmemory != s.settings.maxmemory && plan.next.maxmemory > 0;
    if let Err(e) = plan.next.apply_dir() {
        s.log.warning(&format!("Can't chdir: {e}"));
    }
    s.settings = plan.next;
    s.reload.ok += 1;
    s.reload.last_ok = Some(true);
    let list = |names: &[&str]| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    s.log.notice(&format!(
        "Config reloaded from {}: applied {}",
        path.display(),
        list(&plan.applied)
    ));
    if !plan.fixed.is_empty() {
        s.log.warning(&format!(
            "Config reload: these directives cannot change at run time and were left alone \
             (restart to apply): {}",
            list(&plan.fixed)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::lookup;

    fn with(pairs: &[(&str, &str)]) -> Settings {
        let mut s = Settings::default();
        for (name, value) in pairs {
            let d = lookup(name.as_bytes()).expect("directive");
            let parts: Vec<&[u8]> = value.split(' ').map(str::as_bytes).collect();
            s.set(d, &parts).expect("valid value");
        }
        s
    }

    #[test]
    fn an_unchanged_file_changes_nothing() {
        let s = with(&[("hz", "50"), ("requirepass", "pw")]);
        let p = plan(&s, &s.clone()).expect("plan");
        assert_eq!(p.next, s);
        assert!(p.applied.is_empty() && p.fixed.is_empty() && !p.rebind);
    }

    #[test]
    fn run_time_directives_take_the_new_values() {
        let old = with(&[("timeout", "10")]);
        let new = with(&[("timeout", "20"), ("hz", "40"), ("requirepass", "s3")]);
        let p = plan(&old, &new).expect("plan");
        assert_eq!(p.applied, ["requirepass", "timeout", "hz"]);
        assert!(p.fixed.is_empty() && !p.rebind);
        assert_eq!(p.next, new);
    }

    #[test]
    fn start_up_only_directives_keep_their_current_values_and_are_named() {
        let old = with(&[("databases", "16"), ("pidfile", "/tmp/a.pid")]);
        let new = with(&[("databases", "4"), ("pidfile", "/tmp/b.pid"), ("hz", "20")]);
        let p = plan(&old, &new).expect("plan");
        assert_eq!(p.fixed, ["databases", "pidfile"]);
        assert_eq!(p.applied, ["hz"]);
        assert_eq!(p.next.databases, 16);
        assert_eq!(p.next.pidfile, "/tmp/a.pid");
        assert_eq!(p.next.hz, 20);
    }

    #[test]
    fn bind_and_port_changes_ask_for_new_listeners() {
        let old = with(&[("port", "7000")]);
        let p = plan(&old, &with(&[("port", "7001")])).expect("plan");
        assert!(p.rebind);
        assert_eq!(p.applied, ["port"]);
        assert_eq!(p.next.port, 7001);
        let p = plan(&old, &with(&[("port", "7000"), ("bind", "127.0.0.1 ::1")])).expect("plan");
        assert!(p.rebind);
        assert_eq!(p.next.bind, ["127.0.0.1", "::1"]);
    }

    /// Two valid values per directive; every directive must be here.
    const VALUES: &[(&str, &str, &str)] = &[
        ("bind", "127.0.0.1", "127.0.0.1 ::1"),
        ("port", "7000", "7001"),
        ("databases", "16", "4"),
        ("loglevel", "notice", "verbose"),
        ("logfile", "", "/tmp/server-smol.log"),
        ("pidfile", "", "/tmp/server-smol.pid"),
        ("unixsocket", "", "/tmp/server-smol.sock"),
        ("unixsocketperm", "0", "700"),
        ("upgrade-socket", "", "/tmp/server-smol-upgrade.sock"),
        ("enable-debug-command", "no", "local"),
        ("save", "", ""),
        ("appendonly", "no", "no"),
        ("daemonize", "no", "no"),
        ("supervised", "no", "no"),
        ("always-show-logo", "no", "yes"),
        ("dbfilename", "dump.rdb", "other.rdb"),
        ("rdbcompression", "yes", "no"),
        ("rdbchecksum", "yes", "no"),
        ("appendfilename", "appendonly.aof", "x.aof"),
        ("appenddirname", "appendonlydir", "xdir"),
        ("appendfsync", "everysec", "always"),
        ("no-appendfsync-on-rewrite", "no", "yes"),
        ("aof-use-rdb-preamble", "yes", "no"),
        ("replica-serve-stale-data", "yes", "no"),
        ("repl-diskless-sync-delay", "5", "0"),
        ("propagation-error-behavior", "ignore", "panic"),
        ("latency-monitor-threshold", "0", "1"),
        ("activerehashing", "yes", "no"),
        ("enable-protected-configs", "no", "yes"),
        ("shutdown-on-sigterm", "default", "force"),
        ("shutdown-on-sigint", "default", "now"),
        ("dir", "/", "/tmp"),
        ("proto-max-bulk-len", "1mb", "2mb"),
        ("client-query-buffer-limit", "1mb", "2mb"),
        (
            "client-output-buffer-limit",
            "normal 0 0 0",
            "pubsub 1mb 0 0",
        ),
        ("requirepass", "", "pw"),
        ("protected-mode", "yes", "no"),
        ("maxclients", "100", "200"),
        ("timeout", "0", "30"),
        ("hz", "10", "100"),
        ("extended-redis-compatibility", "no", "yes"),
        ("extended-redis-compatibility-version", "7.2.4", "7.4.0"),
        ("tracking-table-max-keys", "0", "100"),
        ("enable-module-command", "no", "local"),
        ("module-auto-reload", "no", "yes"),
        ("list-max-listpack-size", "-2", "128"),
        ("hash-max-listpack-entries", "128", "4"),
        ("hash-max-listpack-value", "64", "1kb"),
        ("set-max-intset-entries", "512", "4"),
        ("set-max-listpack-entries", "128", "4"),
        ("set-max-listpack-value", "64", "8"),
        ("zset-max-listpack-entries", "128", "4"),
        ("zset-max-listpack-value", "64", "8"),
        ("notify-keyspace-events", "", "KEA"),
        ("slowlog-log-slower-than", "10000", "-1"),
        ("slowlog-max-len", "128", "0"),
        ("latency-tracking", "yes", "no"),
        ("latency-tracking-info-percentiles", "50 99 99.9", "0 100"),
        ("maxmemory", "0", "100mb"),
        ("maxmemory-policy", "noeviction", "allkeys-lru"),
        ("maxmemory-samples", "5", "10"),
        ("maxmemory-eviction-tenacity", "10", "100"),
        ("lfu-log-factor", "10", "0"),
        ("lfu-decay-time", "1", "0"),
    ];

    #[test]
    fn every_directive_is_applied_when_mutable_and_kept_otherwise() {
        assert_eq!(
            VALUES.len(),
            DIRECTIVES.len(),
            "a directive lacks test values"
        );
        for d in DIRECTIVES {
            let &(_, a, b) = VALUES
                .iter()
                .find(|(n, ..)| *n == d.name)
                .unwrap_or_else(|| panic!("no test values for {}", d.name));
            let (old, new) = (with(&[(d.name, a)]), with(&[(d.name, b)]));
            let p = plan(&old, &new).expect("plan");
            if a == b {
                // A feature switch that only accepts "off" (save, appendonly...): no change.
                assert!(p.applied.is_empty() && p.fixed.is_empty(), "{}", d.name);
                continue;
            }
            let listener = matches!(d.name, "bind" | "port");
            let unix = matches!(d.name, "unixsocket" | "unixsocketperm");
            if d.mutable || listener || unix {
                assert_eq!(p.applied, [d.name], "{}", d.name);
                assert!(p.fixed.is_empty(), "{}", d.name);
                assert_eq!(p.next, new, "{} takes the new value", d.name);
            } else {
                assert_eq!(p.fixed, [d.name], "{}", d.name);
                assert!(p.applied.is_empty(), "{}", d.name);
                assert_eq!(p.next, old, "{} keeps the current value", d.name);
            }
            assert_eq!(p.rebind, listener, "{}", d.name);
            assert_eq!(p.unix, unix, "{}", d.name);
        }
    }

    #[test]
    fn loadmodule_lines_are_left_to_module_load() {
        let old = Settings::default();
        let mut new = old.clone();
        new.loadmodule.push(config::LoadModule {
            path: b"/m.so".to_vec(),
            args: Vec::new(),
            origin: modules_core::Origin::ConfigFile {
                file: modules_core::ConfigFile::Main,
                line: 1,
            },
        });
        let p = plan(&old, &new).expect("plan");
        assert_eq!(p.fixed, ["loadmodule"]);
        assert!(p.next.loadmodule.is_empty());
    }

    #[test]
    fn errors_name_file_line_and_reason() {
        let e = ConfigError::Line {
            source: "/etc/v.conf".into(),
            line: 3,
            text: "hz abc".into(),
            reason: "argument couldn't be parsed into an integer".into(),
        };
        assert_eq!(
            describe(&e),
            "at line 3 of /etc/v.conf: 'hz abc': argument couldn't be parsed into an integer"
        );
    }

    #[test]
    fn info_reports_counts_and_last_status() {
        let mut r = Reloads::new(Vec::new());
        let mut t = String::new();
        r.info(&mut t);
        assert!(t.contains("config_reloads:0\r\n"));
        assert!(t.contains("config_last_reload_status:none\r\n"));
        r.ok = 2;
        r.failed = 1;
        r.last_ok = Some(false);
        t.clear();
        r.info(&mut t);
        assert!(t.contains("config_reloads:2\r\nconfig_reload_failures:1\r\n"));
        assert!(t.contains("config_last_reload_status:err\r\n"));
    }
}
