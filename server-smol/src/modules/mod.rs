//! Native Valkey-ABI modules: the host state, loading and unloading, reload plans from
//! `modules-core` (SET-ARGUMENT, RESET-ARGUMENT, hot reload), and the module commands' place in
//! the command table. The C side (and all `unsafe`) is in [`ffi`].

#[expect(
    unsafe_code,
    reason = "the module ABI: dlopen, C callbacks and raw pointers, each block with a SAFETY note"
)]
mod ffi;
pub(crate) mod flags;
mod reload;
mod rewrite;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Mutex;

use keyspace::Command;
use keyspace::command::{
    AclCategories, BeginSearch, CommandInfo, FindKeys, Flags, KeySpec, KeySpecFlags,
};
use modules_core::{
    FileIdentity, InstanceId, LoadFailure, LoadRequest, ModuleId, Origin, Registry,
};

pub(crate) use ffi::{ModuleConfig, config_get, config_set, free_dropped};
pub(crate) use reload::{auto_reload_tick, change_args, unload};
pub(crate) use rewrite::rewrite_included;

use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;
use crate::server::Server;
use ffi::{CommandFn, Library, ModuleType};

/// A command a module registered during `OnLoad`, before the load is committed.
pub(crate) struct PendingCommand {
    pub(crate) name: &'static str,
    pub(crate) flags: Flags,
    pub(crate) first: i32,
    pub(crate) last: i32,
    pub(crate) step: i32,
    pub(crate) func: CommandFn,
    pub(crate) arity: i32,
    /// Key specs from SetCommandInfo (else the legacy range gives one).
    pub(crate) key_specs: Option<&'static [KeySpec]>,
}

/// The handle `GetCommand` returns.
pub(crate) struct CommandRef {
    pub(crate) host: u64,
    pub(crate) name: &'static str,
}

/// What a module's `OnLoad` registered, collected until it returns.
#[expect(
    clippy::vec_box,
    reason = "the module holds pointers to these handles: boxes keep them in place as the Vec grows"
)]
pub(crate) struct LoadState {
    /// The instance key of the module being loaded.
    pub(crate) host: u64,
    /// The module being reloaded (its own name is not "busy").
    pub(crate) reloading: Option<ModuleId>,
    /// Declared by SetModuleAttribs.
    pub(crate) name: Option<Vec<u8>>,
    pub(crate) version: i32,
    pub(crate) commands: Vec<PendingCommand>,
    pub(crate) command_refs: Vec<Box<CommandRef>>,
    pub(crate) types: Vec<Box<ModuleType>>,
    /// Configurations registered by OnLoad.
    pub(crate) configs: Vec<ModuleConfig>,
    /// The INFO callback RegisterInfoFunc gave.
    pub(crate) info: Option<ffi::InfoFn>,
    /// LoadConfigs ran and every value was accepted.
    pub(crate) configs_loaded: bool,
    /// UpdateRuntimeArgs called from inside OnLoad (applied once registered).
    pub(crate) runtime_args: Option<Vec<Vec<u8>>>,
}

impl LoadState {
    fn new(host: u64, reloading: Option<ModuleId>) -> Self {
        Self {
            host,
            reloading,
            name: None,
            version: 0,
            commands: Vec::new(),
            command_refs: Vec::new(),
            types: Vec::new(),
            configs: Vec::new(),
            configs_loaded: false,
            info: None,
            runtime_args: None,
        }
    }
}

/// A running module instance.
#[expect(
    clippy::vec_box,
    reason = "the module holds pointers to these handles: boxes keep them in place"
)]
pub(crate) struct Instance {
    /// Its registry ids.
    pub(crate) module: ModuleId,
    pub(crate) instance: InstanceId,
    lib: Rc<Library>,
    commands: Vec<&'static str>,
    types: Vec<Box<ModuleType>>,
    configs: Vec<ModuleConfig>,
    info: Option<ffi::InfoFn>,
    _command_refs: Vec<Box<CommandRef>>,
}

/// A module command in the table: which callback, of which instance.
#[derive(Clone, Copy)]
struct ModuleCommand {
    func: CommandFn,
    host: u64,
    name: &'static str,
}

/// The modules side of the server state.
#[derive(Default)]
pub(crate) struct Modules {
    /// Load order, arguments, lifecycle (modules-core).
    pub(crate) registry: Registry,
    /// Running instances by host key.
    instances: BTreeMap<u64, Instance>,
    /// Module commands by lowercase name.
    commands: HashMap<&'static str, ModuleCommand>,
    /// The load in progress (OnLoad running).
    pub(crate) loading: Option<LoadState>,
    /// `<module>.<name> value` pairs waiting for a module's LoadConfigs: the config file's (at
    /// start-up), MODULE LOADEX's, or a restarted instance's current values.
    pub(crate) pending_configs: Vec<(Vec<u8>, Vec<u8>)>,
    next_host: u64,
    /// When the files were last checked for hot reload (ms).
    pub(crate) last_file_check: u64,
}

impl core::fmt::Debug for Modules {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Modules")
            .field("loaded", &self.registry.len())
            .finish_non_exhaustive()
    }
}

/// Names and key specs live as long as the command table's `&'static` entries; each distinct
/// one is leaked once, so reloading a module reuses them.
static INTERNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// `name` as a `&'static str` (lossy UTF-8), leaked at most once per distinct name.
pub(crate) fn intern(name: &[u8]) -> &'static str {
    let s = String::from_utf8_lossy(name).into_owned();
    let mut guard = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let set = guard.get_or_insert_with(HashSet::new);
    if let Some(&found) = set.get(s.as_str()) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    set.insert(leaked);
    leaked
}

/// The legacy (first, last, step) key range as one key-spec, leaked once per distinct range.
fn key_specs(first: i32, last: i32, step: i32) -> &'static [KeySpec] {
    /// (first, last, step) and the spec made for it.
    type Interned = ((i32, i32, i32), &'static [KeySpec]);
    static SPECS: Mutex<Vec<Interned>> = Mutex::new(Vec::new());
    if first <= 0 {
        return &[];
    }
    let mut specs = SPECS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&(_, s)) = specs.iter().find(|&&(k, _)| k == (first, last, step)) {
        return s;
    }
    // Valkey's VM_CreateCommand: full access with variable flags, an index begin search and
    // a range whose last key is relative to the first.
    let spec: &'static [KeySpec] = Box::leak(Box::new([KeySpec {
        flags: KeySpecFlags::RW
            | KeySpecFlags::ACCESS
            | KeySpecFlags::UPDATE
            | KeySpecFlags::VARIABLE_FLAGS,
        begin: BeginSearch::Index(first),
        find: FindKeys::Range {
            last_key: if last < 0 { last } else { last - first },
            step,
            limit: 0,
        },
    }]));
    specs.push(((first, last, step), spec));
    spec
}

/// `specs` as a `&'static` slice, leaked at most once per distinct list.
pub(crate) fn intern_specs(specs: Vec<KeySpec>) -> &'static [KeySpec] {
    static LISTS: Mutex<Vec<&'static [KeySpec]>> = Mutex::new(Vec::new());
    let mut lists = LISTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&found) = lists.iter().find(|l| ***l == specs[..]) {
        return found;
    }
    let leaked: &'static [KeySpec] = Box::leak(specs.into_boxed_slice());
    lists.push(leaked);
    leaked
}

/// The handler every module command runs through: finds the callback by name and calls it.
fn run_module_command(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let name = args[0].to_ascii_lowercase();
    let found = core::str::from_utf8(&name)
        .ok()
        .and_then(|n| ex.server.modules.commands.get(n).copied());
    let Some(cmd) = found else {
        return out.error_text("ERR module command is not loaded");
    };
    let db = ex.client.db;
    ffi::call_command(
        ex.server, out, db, ex.now, cmd.func, cmd.host, cmd.name, args,
    );
}

/// The identity of the file at `path` (mtime, size, inode), for change detection.
pub(crate) fn file_identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(FileIdentity {
        mtime_secs: m.mtime(),
        mtime_nanos: u32::try_from(m.mtime_nsec()).unwrap_or(0),
        size: m.size(),
        inode: m.ino(),
    })
}

/// A path from config/command bytes.
pub(crate) fn path_of(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

/// What one OnLoad run produced.
struct Started {
    lib: Rc<Library>,
    host: u64,
    state: LoadState,
}

/// Opens `path` as a module (Valkey's checks 1-3), logging the reason on failure.
fn open(server: &Server, path: &Path) -> Result<Rc<Library>, LoadFailure> {
    use std::os::unix::fs::PermissionsExt;
    let shown = path.display();
    if let Ok(m) = std::fs::metadata(path)
        && m.permissions().mode() & 0o111 == 0
    {
        server.log.warning(&format!(
            "Module {shown} failed to load: It does not have execute permissions."
        ));
        return Err(LoadFailure::NotExecutable);
    }
    match Library::open(path) {
        Ok(lib) => {
            if lib.legacy {
                server
                    .log
                    .verbose(&format!("Legacy Redis Module {shown} found"));
            }
            Ok(lib)
        }
        Err(ffi::OpenError::Dlopen(e)) => {
            server
                .log
                .warning(&format!("Module {shown} failed to load: {e}"));
            Err(LoadFailure::OpenFailed)
        }
        Err(ffi::OpenError::NoEntryPoint) => {
            server.log.warning(&format!(
                "Module {shown} does not export ValkeyModule_OnLoad() or RedisModule_OnLoad() \
                 symbol. Module not loaded."
            ));
            Err(LoadFailure::NoEntryPoint)
        }
    }
}

/// Runs `OnLoad` of `lib` with `args`; the collected registrations on success.
fn start(
    server: &mut Server,
    lib: Rc<Library>,
    shown: &str,
    args: &[Vec<u8>],
    reloading: Option<ModuleId>,
) -> Result<Started, LoadFailure> {
    ffi::set_logger(&server.log);
    server.modules.next_host += 1;
    let host = server.modules.next_host;
    server.modules.loading = Some(LoadState::new(host, reloading));
    let ok = lib.on_load(server, host, args);
    let state = server.modules.loading.take();
    let declared = state_named(state.as_ref());
    if state
        .as_ref()
        .is_some_and(|s| ok && !s.configs.is_empty() && !s.configs_loaded)
    {
        server.log.warning(
            "Module Configurations were not set, likely a missing LoadConfigs call. Unloading \
             the module.",
        );
        let _ = lib.on_unload(server, host);
        return Err(LoadFailure::OnLoadFailed);
    }
    let Some(state) = state.filter(|_| ok && declared) else {
        server.log.warning(&format!(
            "Module {shown} initialization failed. Module not loaded"
        ));
        if !declared {
            // Init refused before SetModuleAttribs: IsModuleNameBusy said the name is taken.
            server.log.warning("Module name is busy");
            return Err(LoadFailure::NameBusy);
        }
        return Err(LoadFailure::OnLoadFailed);
    };
    Ok(Started { lib, host, state })
}

/// Whether the module got as far as declaring its name.
fn state_named(state: Option<&LoadState>) -> bool {
    state.is_some_and(|s| s.name.is_some())
}

/// Puts a started instance's commands in the table and records it under its registry ids.
fn commit(server: &mut Server, started: Started, module: ModuleId, instance: InstanceId) {
    let Started { lib, host, state } = started;
    let mut names = Vec::new();
    for c in state.commands {
        let info = CommandInfo {
            name: c.name,
            full_name: c.name,
            arity: c.arity,
            flags: c.flags | Flags::MODULE,
            acl: AclCategories::NONE,
            first_key: c.first,
            last_key: c.last,
            step: c.step,
            key_specs: c
                .key_specs
                .unwrap_or_else(|| key_specs(c.first, c.last, c.step)),
        };
        let inserted = server.table.insert(Command {
            info,
            handler: Some(Handler::Server(run_module_command)),
            subcommands: Vec::new(),
        });
        if inserted.is_ok() {
            server.modules.commands.insert(
                c.name,
                ModuleCommand {
                    func: c.func,
                    host,
                    name: c.name,
                },
            );
            names.push(c.name);
        }
    }
    if let Some(args) = state.runtime_args {
        let _ = server.modules.registry.update_runtime_args(module, &args);
    }
    ffi::remember_name(host, &state.name.unwrap_or_default());
    server.modules.instances.insert(
        host,
        Instance {
            module,
            instance,
            lib,
            commands: names,
            types: state.types,
            configs: state.configs,
            info: state.info,
            _command_refs: state.command_refs,
        },
    );
}

/// Takes instance `host` out of service: its commands leave the table. The returned record
/// keeps the code mapped until dropped.
fn retire(server: &mut Server, host: u64) -> Option<Instance> {
    let inst = server.modules.instances.remove(&host)?;
    for name in &inst.commands {
        server.table.remove(name.as_bytes());
        server.modules.commands.remove(name);
    }
    Some(inst)
}

/// The host key of registry instance `id`.
fn host_of(modules: &Modules, id: InstanceId) -> Option<u64> {
    modules
        .instances
        .iter()
        .find(|(_, i)| i.instance == id)
        .map(|(&h, _)| h)
}

impl Modules {
    /// The data type named `name`, of a running module or of the one loading.
    pub(crate) fn find_type(&self, name: &[u8]) -> Option<&ModuleType> {
        let loading = self.loading.iter().flat_map(|l| l.types.iter());
        self.instances
            .values()
            .flat_map(|i| i.types.iter())
            .chain(loading)
            .find(|t| t.name[..] == *name)
            .map(|t| &**t)
    }

    /// Every configuration of the running modules, in load order.
    pub(crate) fn configs(&self) -> impl Iterator<Item = &ModuleConfig> {
        let mut order: Vec<&Instance> = self.instances.values().collect();
        order.sort_by_key(|i| self.registry.iter().position(|m| m.id() == i.module));
        order.into_iter().flat_map(|i| i.configs.iter())
    }

    /// The configurations of instance `host`, with their names.
    fn configs_of(&self, host: u64) -> Vec<(Vec<u8>, *const ModuleConfig)> {
        self.instances
            .get(&host)
            .map(|i| {
                i.configs
                    .iter()
                    .map(|c| (c.full.as_bytes().to_vec(), core::ptr::from_ref(c)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether a loaded module already exports a type named `name`.
    pub(crate) fn type_name_taken(&self, name: &[u8]) -> bool {
        self.instances
            .values()
            .any(|i| i.types.iter().any(|t| t.name[..] == *name))
    }

    /// `UpdateRuntimeArgs` from instance `host` (`argv[0]` skipped by the registry).
    pub(crate) fn update_runtime_args(&mut self, host: u64, argv: &[Vec<u8>]) -> bool {
        if let Some(l) = self.loading.as_mut().filter(|l| l.host == host) {
            l.runtime_args = Some(argv.iter().skip(1).cloned().collect());
            return true;
        }
        let Some(inst) = self.instances.get(&host) else {
            return false;
        };
        self.registry.update_runtime_args(inst.module, argv).is_ok()
    }

    /// The unload facts for module `id` (only data types apply: no blocked clients, timers or
    /// exported APIs exist in this host).
    fn facts(&self, id: ModuleId) -> modules_core::UnloadFacts {
        let exports_data_types = self
            .instances
            .values()
            .any(|i| i.module == id && !i.types.is_empty());
        modules_core::UnloadFacts {
            exports_data_types,
            ..modules_core::UnloadFacts::FREE
        }
    }
}

/// MODULE LOAD / LOADEX / `loadmodule`: loads `path` with `args`; the failure is logged.
pub(crate) fn load(
    server: &mut Server,
    path: &[u8],
    args: Vec<Vec<u8>>,
    origin: Origin,
) -> Result<(), LoadFailure> {
    load_inner(server, path, args, origin, false)
}

/// MODULE LOADEX: [`load`] with `configs` for the module's LoadConfigs; a configuration it
/// did not take fails the load (Valkey's "Loadex configurations were not applied").
pub(crate) fn loadex(
    server: &mut Server,
    path: &[u8],
    args: Vec<Vec<u8>>,
    configs: Vec<(Vec<u8>, Vec<u8>)>,
) -> Result<(), LoadFailure> {
    server.modules.pending_configs = configs;
    let r = load_inner(server, path, args, Origin::Command, true);
    server.modules.pending_configs.clear();
    r
}

fn load_inner(
    server: &mut Server,
    path: &[u8],
    args: Vec<Vec<u8>>,
    origin: Origin,
    strict: bool,
) -> Result<(), LoadFailure> {
    let p = path_of(path);
    let shown = p.display().to_string();
    let identity = file_identity(&p);
    // With hot reload on, the running code is a private copy, so rewriting the file in place
    // never changes the code under the module's feet.
    let lib = if server.settings.module_auto_reload {
        server.modules.next_host += 1;
        reload::open_private_copy(server, &p, server.modules.next_host)?
    } else {
        open(server, &p)?
    };
    let started = start(server, lib, &shown, &args, None)?;
    if strict && !server.modules.pending_configs.is_empty() {
        server.log.warning(
            "Loadex configurations were not applied, likely due to invalid arguments. Unloading \
             the module.",
        );
        let Started { lib, host, .. } = started;
        let _ = lib.on_unload(server, host);
        return Err(LoadFailure::LoadexConfigsUnused);
    }
    let name = started.state.name.clone().unwrap_or_default();
    let version = started.state.version;
    let loaded = server.modules.registry.load(LoadRequest {
        path: path.to_vec(),
        args,
        origin,
        name: name.clone(),
        version,
        identity,
    });
    match loaded {
        Ok(l) => {
            commit(server, started, l.module, l.instance);
            server.log.notice(&format!(
                "Module '{}' loaded from {shown}",
                String::from_utf8_lossy(&name)
            ));
            Ok(())
        }
        Err(failure) => {
            server.log.warning(&format!(
                "Module {shown} initialization failed. Module not loaded"
            ));
            server.log.warning("Module name is busy");
            let Started { lib, host, .. } = started;
            let _ = lib.on_unload(server, host);
            Err(failure)
        }
    }
}

/// Loads every `loadmodule` line of the configuration, in order; the first failure stops the
/// start (Valkey aborts: "Can't load module from X: server aborting").
pub(crate) fn load_configured(server: &mut Server) -> Result<(), String> {
    let lines = server.settings.loadmodule.clone();
    server.modules.pending_configs = server.settings.module_configs.clone();
    for line in lines {
        if load(server, &line.path, line.args, line.origin).is_err() {
            return Err(format!(
                "Can't load module from {}: server aborting",
                String::from_utf8_lossy(&line.path)
            ));
        }
    }
    if !core::mem::take(&mut server.modules.pending_configs).is_empty() {
        return Err(
            "Module Configuration detected without loadmodule directive or no ApplyConfig call: \
             aborting"
                .into(),
        );
    }
    Ok(())
}

/// INFO's module sections: every module's (`requested` None) or those named (lower case:
/// `<module>` or `<module>_<section>`), after `before` sections already written.
pub(crate) fn info_sections(
    server: &mut Server,
    requested: Option<Vec<String>>,
    before: usize,
) -> String {
    let mut order: Vec<(usize, String, ffi::InfoFn)> = server
        .modules
        .instances
        .values()
        .filter_map(|i| {
            let cb = i.info?;
            let m = server.modules.registry.get(i.module)?;
            let at = server
                .modules
                .registry
                .iter()
                .position(|x| x.id() == i.module)?;
            Some((at, String::from_utf8_lossy(m.name()).into_owned(), cb))
        })
        .collect();
    order.sort_by_key(|(at, ..)| *at);
    let callbacks: Vec<(String, ffi::InfoFn)> =
        order.into_iter().map(|(_, n, cb)| (n, cb)).collect();
    if callbacks.is_empty() {
        return String::new();
    }
    ffi::collect_info(server, &callbacks, requested, before)
}

/// Every module configuration with its current value (CONFIG REWRITE).
pub(crate) fn config_settings(server: &mut Server) -> Vec<crate::config::ModuleSetting> {
    let all: Vec<(Vec<u8>, Vec<u8>, *const ModuleConfig)> = server
        .modules
        .configs()
        .map(|c| {
            (
                c.full.as_bytes().to_vec(),
                c.default.clone(),
                core::ptr::from_ref(c),
            )
        })
        .collect();
    all.into_iter()
        .map(|(name, default, c)| {
            let value = config_get(server, c);
            crate::config::ModuleSetting {
                is_default: value == default,
                name,
                value,
            }
        })
        .collect()
}

/// CONFIG GET's module configurations matching `pattern` (a glob; hidden ones only by their
/// exact name), with their values.
pub(crate) fn config_matches(server: &mut Server, pattern: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let glob = pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'['));
    let found: Vec<(Vec<u8>, *const ModuleConfig)> = server
        .modules
        .configs()
        .filter(|c| {
            if glob {
                !c.hidden() && keyspace::glob::matches_nocase(pattern, c.full.as_bytes())
            } else {
                c.full.as_bytes().eq_ignore_ascii_case(pattern)
            }
        })
        .map(|c| (c.full.as_bytes().to_vec(), core::ptr::from_ref(c)))
        .collect();
    found
        .into_iter()
        .map(|(name, c)| (name, config_get(server, c)))
        .collect()
}

/// A module configuration CONFIG SET names: `Ok(None)` if no module has it, `Err` with
/// Valkey's reason if it cannot be set.
pub(crate) fn config_target(
    server: &Server,
    name: &[u8],
) -> Result<Option<*const ModuleConfig>, &'static str> {
    match server
        .modules
        .configs()
        .find(|c| c.full.as_bytes().eq_ignore_ascii_case(name))
    {
        None => Ok(None),
        Some(c) if !c.mutable() => Err("can't set immutable config"),
        Some(c) => Ok(Some(core::ptr::from_ref(c))),
    }
}

/// MODULE LIST / HELLO `modules`: one 4-field map per module, in load order.
pub(crate) fn reply_list(modules: &Modules, out: &mut Reply) {
    use keyspace::ReplySink;
    out.array(modules.registry.len());
    for m in modules.registry.list() {
        out.map(4);
        out.bulk(b"name");
        out.bulk(m.name);
        out.bulk(b"ver");
        out.integer(i64::from(m.ver));
        out.bulk(b"path");
        out.bulk(m.path);
        out.bulk(b"args");
        out.array(m.args.len());
        for a in m.args {
            out.bulk(a);
        }
    }
}

/// INFO `modules`: Valkey's line per module, plus the reload state when it is not plain
/// `loaded` (`reload=<state>:<reason>`).
pub(crate) fn info(modules: &Modules, t: &mut String) {
    use core::fmt::Write;
    use modules_core::ModuleState;
    t.push_str("# Modules\r\n");
    for m in modules.registry.iter() {
        let _ = write!(
            t,
            "module:name={},ver={},api=1,filters=0,usedby=[],using=[],options=[]",
            String::from_utf8_lossy(m.name()),
            m.list_entry().ver
        );
        match m.state() {
            ModuleState::Loaded => {}
            ModuleState::RolledBack { failure, .. } | ModuleState::ReloadFailed { failure, .. } => {
                let state = if matches!(m.state(), ModuleState::RolledBack { .. }) {
                    "rolled_back"
                } else {
                    "failed"
                };
                let _ = write!(
                    t,
                    ",reload={state},reload_error={}",
                    failure.as_str().replace(',', ";")
                );
            }
            ModuleState::ReloadBlocked { refusal, .. } => {
                let _ = write!(
                    t,
                    ",reload=blocked,reload_error={}",
                    refusal.reason().replace(',', ";")
                );
            }
            _ => t.push_str(",reload=pending"),
        }
        t.push_str("\r\n");
    }
}
