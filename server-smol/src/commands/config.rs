//! CONFIG GET (glob patterns, several at once), CONFIG SET (several at once, all or nothing),
//! CONFIG RESETSTAT, CONFIG HELP.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, Error, ReplySink};

use super::{acl, cmd, container, flags, info};
use crate::config::{self, DIRECTIVES, Directive, lookup};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;
use crate::server::Stats;

pub(super) fn command() -> Command<Handler> {
    let admin = flags(&[F::ADMIN, F::NOSCRIPT, F::LOADING, F::STALE]);
    let a = acl(&[A::ADMIN, A::SLOW, A::DANGEROUS]);
    container(
        info("config", "config", -2, F::NONE, acl(&[A::SLOW])),
        None,
        vec![
            cmd(info("get", "config|get", -3, admin, a), get),
            cmd(info("set", "config|set", -4, admin, a), set),
            cmd(
                info("resetstat", "config|resetstat", 2, admin, a),
                resetstat,
            ),
            cmd(info("rewrite", "config|rewrite", 2, admin, a), rewrite),
            cmd(
                info(
                    "help",
                    "config|help",
                    2,
                    flags(&[F::LOADING, F::STALE]),
                    acl(&[A::SLOW]),
                ),
                help,
            ),
        ],
    )
}

fn get(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    // (name as the reply shows it, directive), in the order first matched.
    let mut found: Vec<(&[u8], &'static Directive)> = Vec::new();
    let seen = |found: &Vec<(&[u8], &'static Directive)>, d: &Directive| {
        found.iter().any(|(_, f)| core::ptr::eq(*f, d))
    };
    for &pattern in &args[2..] {
        if pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
            for d in DIRECTIVES {
                if !seen(&found, d) && keyspace::glob::matches_nocase(pattern, d.name.as_bytes()) {
                    found.push((d.name.as_bytes(), d));
                }
            }
        } else if let Some(d) = lookup(pattern)
            && !seen(&found, d)
        {
            found.push((pattern, d));
        }
    }
    // Module configurations (`<module>.<name>`), after the server's own.
    let mut module: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for &pattern in &args[2..] {
        for (name, value) in crate::modules::config_matches(ex.server, pattern) {
            if !module.iter().any(|(n, _)| *n == name) {
                module.push((name, value));
            }
        }
    }
    out.map(found.len() + module.len());
    for (name, d) in found {
        out.bulk(name);
        out.bulk_str(&ex.server.settings.get(d));
    }
    for (name, value) in module {
        out.bulk(&name);
        out.bulk(&value);
    }
}

fn set(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if args.len() % 2 == 1 {
        return out.error(&Error::Syntax);
    }
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut chosen: Vec<(&'static Directive, &[u8])> = Vec::new();
    let mut module: Vec<(*const crate::modules::ModuleConfig, Vec<u8>)> = Vec::new();
    let mut failed: Option<(String, &str)> = None;
    for pair in args[2..].chunks(2) {
        match crate::modules::config_target(ex.server, pair[0]) {
            Ok(None) => {}
            Ok(Some(c)) => {
                if module.iter().any(|(m, _)| core::ptr::eq(*m, c)) && failed.is_none() {
                    failed = Some((lossy(pair[0]), "duplicate parameter"));
                }
                module.push((c, pair[1].to_vec()));
                continue;
            }
            Err(why) => {
                if failed.is_none() {
                    failed = Some((lossy(pair[0]), why));
                }
                continue;
            }
        }
        let Some(d) = lookup(pair[0]) else {
            if failed.is_some() {
                continue;
            }
            return out.error_text(&format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                lossy(pair[0])
            ));
        };
        if failed.is_some() {
            continue;
        }
        if !d.mutable {
            failed = Some((lossy(pair[0]), "can't set immutable config"));
        } else if config::compat::PROTECTED.contains(&d.name) && !protected_allowed(ex) {
            failed = Some((lossy(pair[0]), "can't set protected config"));
        } else if chosen.iter().any(|(c, _)| core::ptr::eq(*c, d)) {
            failed = Some((lossy(pair[0]), "duplicate parameter"));
        }
        chosen.push((d, pair[1]));
    }
    if let Some((name, why)) = failed {
        return out.error_text(&format!(
            "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
        ));
    }
    let mut next = ex.server.settings.clone();
    for (d, value) in chosen {
        let parts: Vec<&[u8]> = if d.multi_arg {
            value.split(|&b| b == b' ').collect()
        } else {
            vec![value]
        };
        if let Err(why) = next.set(d, &parts) {
            return out.error_text(&format!(
                "ERR CONFIG SET failed (possibly related to argument '{}') - {why}",
                d.name
            ));
        }
    }
    // New listeners are bound now (nothing closes yet), so a port in use fails the whole set.
    let rebind = match rebind(ex, &next) {
        Ok(r) => r,
        Err(text) => return out.error_text(&text),
    };
    // The module configurations last: they are set (and applied) for real, and restored by
    // the module path itself if one fails; the server's own are not committed then.
    if !module.is_empty()
        && let Err((name, why)) = crate::modules::config_set(ex.server, &module)
    {
        return out.error_text(&format!(
            "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
        ));
    }
    if let Some((bound, port)) = rebind {
        let s = &mut *ex.server;
        s.listen_addrs.clone_from(&bound.kept);
        s.listen_addrs
            .extend(bound.new.iter().filter_map(|l| l.local_addr().ok()));
        s.port = port;
        s.log.notice(&format!("Listening on port={port} now."));
        // The serving loop adopts the new sockets and closes the addresses no longer named.
        let _ = s.rebinds.try_send(crate::listening::Rebind {
            new: bound.new,
            kept: bound.kept,
        });
    }
    if let Err(e) = next.apply_dir() {
        ex.server.log.warning(&format!("Can't chdir: {e}"));
    }
    ex.server.log.level = next.loglevel;
    let limits = next.keyspace_limits(*ex.server.keyspace.config());
    ex.server.keyspace.set_limits(&limits);
    let maxmemory_changed = next.maxmemory != ex.server.settings.maxmemory;
    ex.server.settings = next;
    if maxmemory_changed {
        update_maxmemory(ex);
    }
    out.ok();
}

/// A new `maxmemory` (Valkey's `updateMaxmemory`): a warning when it is below the memory in
/// use, and eviction down to it at once.
fn update_maxmemory(ex: &mut Exec<'_>) {
    let max = ex.server.settings.maxmemory;
    if max == 0 {
        crate::evict::perform(ex.server, ex.now);
        return;
    }
    let used = ex.server.used_memory(Some(ex.client));
    if max < used as u64 {
        ex.server.log.warning(&format!(
            "WARNING: the new maxmemory value set via CONFIG SET ({max}) is smaller than the \
             current memory usage ({used}). This will result in key eviction and/or the \
             inability to accept new write commands depending on the maxmemory-policy."
        ));
    }
    crate::evict::refresh_client_bytes(ex.server, Some(ex.client));
    crate::evict::perform(ex.server, ex.now);
}

/// CONFIG SET bind/port: the listeners `next` needs beyond those open (bound, not yet
/// serving) and the port they use; `None` if neither changed. Valkey's errors otherwise.
fn rebind(
    ex: &mut Exec<'_>,
    next: &config::Settings,
) -> Result<Option<(crate::listen::Bound, u16)>, String> {
    let current = &ex.server.settings;
    if next.bind == current.bind && next.port == current.port {
        return Ok(None);
    }
    // `port 0` unchanged: stay on the port picked at start-up.
    let port = match (current.port, next.port) {
        (0, 0) => ex.server.port,
        (_, p) => p,
    };
    match crate::listen::bind_keeping(&next.bind, port, &ex.server.listen_addrs) {
        Ok(bound) => {
            let port = bound
                .kept
                .first()
                .copied()
                .or_else(|| bound.new.first().and_then(|l| l.local_addr().ok()))
                .map_or(port, |a| a.port());
            Ok(Some((bound, port)))
        }
        Err(e) => {
            ex.server.log.warning(&e);
            let (name, why) = if next.port == current.port {
                ("bind", "Failed to bind to specified addresses.")
            } else {
                ("port", "Unable to listen on this port. Check server logs.")
            };
            Err(format!(
                "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
            ))
        }
    }
}

/// Whether `enable-protected-configs` lets this client set a protected config.
fn protected_allowed(ex: &Exec<'_>) -> bool {
    match ex
        .server
        .settings
        .compat_value("enable-protected-configs", "no")
        .as_str()
    {
        "yes" => true,
        "local" => super::protected::is_local(&ex.client.addr),
        _ => false,
    }
}

fn resetstat(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    ex.server.stats = Stats::default();
    ex.server.eviction.reset_stats();
    ex.server.keyspace.reset_stats();
    ex.server.ops = crate::server::OpsMeter::default();
    ex.server.used_memory_peak = 0;
    ex.server.cmdstats.reset();
    out.ok();
}

/// Writes `content` to `path` through a temporary file in the same directory and a rename.
fn replace_file(path: &std::path::Path, content: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn rewrite(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let Some(path) = ex.server.config_file.clone() else {
        return out.error_text("ERR The server is running without a config file");
    };
    let old = match std::fs::read(&path) {
        Ok(old) => old,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return out.error_text(&format!(
                "ERR Rewriting config file: {}",
                config::strerror(&e)
            ));
        }
    };
    let modules = ex.server.modules.registry.rewrite();
    let module_settings = crate::modules::config_settings(ex.server);
    let new = config::rewrite(&old, &ex.server.settings, &modules.main, &module_settings);
    let written = replace_file(&path, &new)
        .and_then(|()| crate::modules::rewrite_included(&modules.included));
    match written {
        Ok(()) => {
            ex.server
                .log
                .notice("CONFIG REWRITE executed with success.");
            out.ok();
        }
        Err(e) => {
            ex.server
                .log
                .warning(&format!("CONFIG REWRITE failed: {}", config::strerror(&e)));
            out.error_text(&format!(
                "ERR Rewriting config file: {}",
                config::strerror(&e)
            ));
        }
    }
}

const HELP: &[&str] = &[
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}
