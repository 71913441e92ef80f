//! Executing modules-core's plans: MODULE UNLOAD, SET-ARGUMENT / RESET-ARGUMENT (restart with
//! new arguments, roll back if `OnLoad` refuses), and hot reload when a module file changes.

use std::path::PathBuf;
use std::rc::Rc;

use modules_core::{
    ArgsApplied, ArgsChange, ArgsError, FileCheck, Image, LoadFailure, ReloadOutcome, ReloadPlan,
    ReloadReport, UnloadRefusal,
};

use super::ffi::Library;
use super::{commit, file_identity, host_of, open, path_of, retire, start};
use crate::server::Server;

/// How often the files are checked, at most.
const CHECK_EVERY_MS: u64 = 1000;

/// MODULE UNLOAD `name`: Valkey's refusals in order, then `OnUnload`, then the commands leave
/// the table and the code is closed.
pub(crate) fn unload(server: &mut Server, name: &[u8]) -> Result<(), UnloadRefusal> {
    let facts = match server.modules.registry.find(name) {
        Some(m) => server.modules.facts(m.id()),
        None => modules_core::UnloadFacts::FREE,
    };
    let plan = server.modules.registry.check_unload(name, &facts)?;
    let host = host_of(&server.modules, plan.instance).ok_or(UnloadRefusal::NoSuchModule)?;
    let lib = Rc::clone(&server.modules.instances[&host].lib);
    if !lib.on_unload(server, host) {
        return Err(UnloadRefusal::OnUnloadFailed);
    }
    let inst = retire(server, host);
    if let Ok(record) = server.modules.registry.commit_unload(plan) {
        server.log.notice(&format!(
            "Module {} unloaded",
            String::from_utf8_lossy(record.name())
        ));
    }
    drop(inst);
    Ok(())
}

/// MODULE SET-ARGUMENT (`Some(args)`) or RESET-ARGUMENT (`None`).
pub(crate) fn change_args(
    server: &mut Server,
    name: &[u8],
    args: Option<Vec<Vec<u8>>>,
) -> Result<ArgsApplied, ArgsError> {
    let facts = match server.modules.registry.find(name) {
        Some(m) => server.modules.facts(m.id()),
        None => modules_core::UnloadFacts::FREE,
    };
    let change = match args {
        Some(args) => server.modules.registry.set_arguments(name, args, &facts)?,
        None => server.modules.registry.reset_arguments(name, &facts)?,
    };
    match change {
        ArgsChange::StoredForRestart { refusal, .. } => Ok(ArgsApplied::StoredForRestart(refusal)),
        ArgsChange::Reload(plan) => {
            let report = execute(server, plan);
            log_report(server, &report);
            report.args_reply().unwrap_or(Ok(ArgsApplied::Reloaded))
        }
    }
}

/// A private copy of `path` for a fresh load (so `dlopen` maps the new file, not the cached old
/// image), removed once opened.
fn private_copy(path: &std::path::Path, n: u64) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("server-smol-modules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let stem = path.file_name()?.to_string_lossy().into_owned();
    let copy = dir.join(format!("{n}-{stem}"));
    std::fs::copy(path, &copy).ok()?;
    Some(copy)
}

/// Copies `path` to a private file, opens the copy and removes it (the mapping stays).
pub(super) fn open_private_copy(
    server: &Server,
    path: &std::path::Path,
    n: u64,
) -> Result<Rc<Library>, LoadFailure> {
    let Some(copy) = private_copy(path, n) else {
        server.log.warning(&format!(
            "Module {}: {}",
            path.display(),
            LoadFailure::ImageUnavailable
        ));
        return Err(LoadFailure::ImageUnavailable);
    };
    let opened = open(server, &copy);
    let _ = std::fs::remove_file(&copy);
    if let Some(dir) = copy.parent() {
        let _ = std::fs::remove_dir(dir);
    }
    opened
}

/// Runs one reload plan to the end and reports it to the registry.
fn execute(server: &mut Server, plan: ReloadPlan) -> ReloadReport {
    let outcome = run(server, &plan);
    match server.modules.registry.finish_reload(plan.ticket, outcome) {
        Ok(report) => report,
        // Only `Loaded` with a name taken meanwhile can be refused; the attempt declared it
        // during our own run, so this does not happen on one thread. Report a rollback.
        Err(_) => {
            let outcome = ReloadOutcome::RolledBack(LoadFailure::NameBusy);
            match server.modules.registry.finish_reload(plan.ticket, outcome) {
                Ok(report) => report,
                Err(_) => ReloadReport::NotStarted {
                    module: plan.module,
                    cause: plan.cause,
                    failure: LoadFailure::NameBusy,
                },
            }
        }
    }
}

/// Unload, attempt, fallback: the host's half of the reload protocol.
fn run(server: &mut Server, plan: &ReloadPlan) -> ReloadOutcome {
    let Some(old_host) = host_of(&server.modules, plan.unload) else {
        return ReloadOutcome::NotStarted(LoadFailure::ImageUnavailable);
    };
    let old_lib = Rc::clone(&server.modules.instances[&old_host].lib);
    let lib_for = |image: Image| -> Option<Rc<Library>> {
        match image {
            Image::SameAs(i) if i == plan.unload => Some(Rc::clone(&old_lib)),
            _ => None,
        }
    };
    // Prepare the attempt before touching the running instance.
    let path = path_of(&plan.attempt.path);
    let attempt_lib = match plan.attempt.image {
        Image::Fresh => {
            server.modules.next_host += 1;
            match open_private_copy(server, &path, server.modules.next_host) {
                Ok(lib) => lib,
                Err(f) => return ReloadOutcome::NotStarted(f),
            }
        }
        Image::SameAs(_) => match lib_for(plan.attempt.image) {
            Some(lib) => lib,
            None => return ReloadOutcome::NotStarted(LoadFailure::ImageUnavailable),
        },
    };
    // The configurations keep their current values across the restart.
    let carried: Vec<(Vec<u8>, Vec<u8>)> = server
        .modules
        .configs_of(old_host)
        .into_iter()
        .map(|(name, c)| (name, super::config_get(server, c)))
        .collect();
    if !old_lib.on_unload(server, old_host) {
        return ReloadOutcome::UnloadRefused;
    }
    let retired = retire(server, old_host);
    let shown = path.display().to_string();
    server.modules.pending_configs.clone_from(&carried);
    let failure = match start(
        server,
        attempt_lib,
        &shown,
        &plan.attempt.args,
        Some(plan.module),
    ) {
        Ok(started) => {
            let name = started.state.name.clone().unwrap_or_default();
            if server
                .modules
                .registry
                .is_name_busy_except(&name, plan.module)
            {
                LoadFailure::NameBusy
            } else {
                let version = started.state.version;
                commit(server, started, plan.module, plan.attempt.instance);
                drop(retired);
                server.modules.pending_configs.clear();
                return ReloadOutcome::Loaded { name, version };
            }
        }
        Err(f) => f,
    };
    let fallback = lib_for(plan.fallback.image).unwrap_or(old_lib);
    server.modules.pending_configs = carried;
    let outcome = match start(
        server,
        fallback,
        &shown,
        &plan.fallback.args,
        Some(plan.module),
    ) {
        Ok(started) => {
            commit(server, started, plan.module, plan.fallback.instance);
            drop(retired);
            ReloadOutcome::RolledBack(failure)
        }
        Err(fallback_failure) => ReloadOutcome::Lost {
            failure,
            fallback_failure,
        },
    };
    server.modules.pending_configs.clear();
    outcome
}

/// Logs how a reload ended.
fn log_report(server: &Server, report: &ReloadReport) {
    let name = |id| {
        server
            .modules
            .registry
            .get(id)
            .map(|m| String::from_utf8_lossy(m.name()).into_owned())
            .unwrap_or_default()
    };
    match report {
        ReloadReport::Reloaded { module, .. } => {
            server
                .log
                .notice(&format!("Module {} reloaded", name(*module)));
        }
        ReloadReport::Blocked { module, .. } => server.log.warning(&format!(
            "Module {} reload blocked: its OnUnload refused",
            name(*module)
        )),
        ReloadReport::NotStarted {
            module, failure, ..
        } => server.log.warning(&format!(
            "Module {} reload not started: {failure}",
            name(*module)
        )),
        ReloadReport::RolledBack {
            module, failure, ..
        } => server.log.warning(&format!(
            "Module {} reload failed ({failure}); the previous version keeps serving",
            name(*module)
        )),
        ReloadReport::Lost {
            module,
            failure,
            fallback_failure,
            ..
        } => server.log.warning(&format!(
            "Module {} reload failed ({failure}) and the previous version could not be \
             restored ({fallback_failure}); the module is unloaded",
            String::from_utf8_lossy(module.name())
        )),
    }
}

/// The timer's hot-reload step: with `module-auto-reload yes`, at most once a second, each
/// module file's identity is compared with the running version's; a change reloads it.
pub(crate) fn auto_reload_tick(server: &mut Server, now_ms: u64) {
    if !server.settings.module_auto_reload
        || now_ms.saturating_sub(server.modules.last_file_check) < CHECK_EVERY_MS
    {
        return;
    }
    server.modules.last_file_check = now_ms;
    let modules: Vec<_> = server
        .modules
        .registry
        .iter()
        .map(|m| (m.id(), m.path().to_vec()))
        .collect();
    for (id, path) in modules {
        let Some(identity) = file_identity(&path_of(&path)) else {
            continue; // the file vanished: the running version keeps serving
        };
        let facts = server.modules.facts(id);
        match server.modules.registry.file_seen(id, identity, &facts) {
            Ok(FileCheck::Reload(plan)) => {
                let report = execute(server, plan);
                log_report(server, &report);
            }
            Ok(FileCheck::Blocked(refusal)) => server.log.verbose(&format!(
                "Module file {} changed but the module cannot be reloaded: {}",
                String::from_utf8_lossy(&path),
                refusal.reason()
            )),
            _ => {}
        }
    }
}
