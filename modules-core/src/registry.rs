//! The registry: modules in load order, load, unload, runtime arguments.

use alloc::vec::Vec;
use core::fmt;

use crate::module::Pending;
use crate::{
    FileIdentity, InstanceId, LoadFailure, Module, ModuleId, ModuleListEntry, ModuleState, Origin,
    ReloadTicket, UnloadFacts, UnloadPlan, UnloadRefusal,
};

/// A module the host has loaded (its `OnLoad` returned OK) and asks the
/// registry to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadRequest {
    /// The path exactly as given (shown by MODULE LIST, written by REWRITE).
    pub path: Vec<u8>,
    /// The arguments passed to `OnLoad` (after LOADEX: only what followed
    /// `ARGS`).
    pub args: Vec<Vec<u8>>,
    /// Where the request came from.
    pub origin: Origin,
    /// The name the module declared in `Init`.
    pub name: Vec<u8>,
    /// The version the module declared in `Init`.
    pub version: i32,
    /// The identity of the file that was loaded, for hot reload. `None`
    /// means "not known": the first identity seen later is adopted without
    /// a reload.
    pub identity: Option<FileIdentity>,
}

/// The handles of a newly recorded module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loaded {
    /// The new entry.
    pub module: ModuleId,
    /// Its running instance: key the `dlopen` handle by it.
    pub instance: InstanceId,
}

/// The host reported something that does not fit the registry's state: a
/// module or plan that no longer exists, or a commit the registry refuses.
/// The registry is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlanError {
    /// No module has that id (it was unloaded or lost).
    UnknownModule,
    /// The plan or ticket is not the one outstanding for that module (already
    /// reported, or the module's instance changed since).
    StalePlan,
    /// The reloaded module declared a name another module has. Undo the new
    /// instance, load the fallback, and report the outcome as rolled back
    /// with [`LoadFailure::NameBusy`].
    NameBusy,
}

impl PlanError {
    /// A short description.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnknownModule => "no module with that id",
            Self::StalePlan => "the plan is not outstanding",
            Self::NameBusy => "the module declared a name that is already taken",
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for PlanError {}

/// Module names compare like Valkey's module registry does: ASCII
/// case-insensitively (`strcasecmp`).
#[must_use]
pub fn names_match(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// All loaded modules, in load order, with their arguments and lifecycle.
///
/// The registry does no I/O: the host loads and unloads code and reports
/// what happened; the registry decides, words refusals, and plans reloads.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub(crate) modules: Vec<Module>,
    next_module: u64,
    next_instance: u64,
    next_ticket: u64,
}

impl Registry {
    /// An empty registry.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            modules: Vec::new(),
            next_module: 0,
            next_instance: 0,
            next_ticket: 0,
        }
    }

    /// Number of loaded modules.
    #[must_use]
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// True when no module is loaded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The modules in load order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Module> + '_ {
        self.modules.iter()
    }

    /// The MODULE LIST reply data, in load order.
    pub fn list(&self) -> impl ExactSizeIterator<Item = ModuleListEntry<'_>> + '_ {
        self.modules.iter().map(Module::list_entry)
    }

    /// The module with this id.
    #[must_use]
    pub fn get(&self, id: ModuleId) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// The module with this name (ASCII case-insensitive, as Valkey).
    #[must_use]
    pub fn find(&self, name: &[u8]) -> Option<&Module> {
        self.modules.iter().find(|m| names_match(&m.name, name))
    }

    /// True when a module already has this name: what the host's
    /// `IsModuleNameBusy` answers, and why [`load`](Self::load) refuses.
    #[must_use]
    pub fn is_name_busy(&self, name: &[u8]) -> bool {
        self.find(name).is_some()
    }

    /// Like [`is_name_busy`](Self::is_name_busy) but ignoring `reloading`
    /// itself: what to answer while a reload plan loads that module's new
    /// instance.
    #[must_use]
    pub fn is_name_busy_except(&self, name: &[u8], reloading: ModuleId) -> bool {
        self.modules
            .iter()
            .any(|m| m.id != reloading && names_match(&m.name, name))
    }

    pub(crate) fn position(&self, id: ModuleId) -> Option<usize> {
        self.modules.iter().position(|m| m.id == id)
    }

    pub(crate) fn position_by_name(&self, name: &[u8]) -> Option<usize> {
        self.modules.iter().position(|m| names_match(&m.name, name))
    }

    pub(crate) fn new_instance(&mut self) -> InstanceId {
        self.next_instance += 1;
        InstanceId(self.next_instance)
    }

    pub(crate) fn new_ticket(&mut self) -> ReloadTicket {
        self.next_ticket += 1;
        ReloadTicket(self.next_ticket)
    }

    /// Records a module the host loaded, at the end of the load order.
    ///
    /// # Errors
    ///
    /// [`LoadFailure::NameBusy`] when another module has the declared name
    /// (compared case-insensitively). The host then undoes what the module
    /// registered, closes it, logs the reason and replies
    /// [`LOAD_ERROR`](crate::LOAD_ERROR).
    pub fn load(&mut self, request: LoadRequest) -> Result<Loaded, LoadFailure> {
        if self.is_name_busy(&request.name) {
            return Err(LoadFailure::NameBusy);
        }
        self.next_module += 1;
        let module = ModuleId(self.next_module);
        let instance = self.new_instance();
        self.modules.push(Module {
            id: module,
            instance,
            name: request.name,
            version: request.version,
            path: request.path,
            instance_args: request.args.clone(),
            load_args: request.args.clone(),
            args: request.args,
            origin: request.origin,
            state: ModuleState::Loaded,
            identity: request.identity,
            failed_identity: None,
            pending: None,
        });
        Ok(Loaded { module, instance })
    }

    /// Decides `MODULE UNLOAD name`: Valkey's checks in Valkey's order
    /// (no such module, data types, API users, blocked clients, timers).
    /// Nothing changes until [`commit_unload`](Self::commit_unload).
    ///
    /// # Errors
    ///
    /// The [`UnloadRefusal`] whose `Display` is the reply text.
    pub fn check_unload(
        &self,
        name: &[u8],
        facts: &UnloadFacts,
    ) -> Result<UnloadPlan, UnloadRefusal> {
        let module = self.find(name).ok_or(UnloadRefusal::NoSuchModule)?;
        if let Some(refusal) = facts.refusal() {
            return Err(refusal);
        }
        if module.pending.is_some() {
            return Err(UnloadRefusal::ReloadInProgress);
        }
        Ok(UnloadPlan {
            module: module.id,
            instance: module.instance,
        })
    }

    /// Removes an unloaded module (its `OnUnload` did not refuse and the
    /// host closed it) and hands back its record. Modules after it keep
    /// their order.
    ///
    /// # Errors
    ///
    /// [`PlanError::UnknownModule`] if it is gone, [`PlanError::StalePlan`]
    /// if its instance changed or a reload started since the plan.
    pub fn commit_unload(&mut self, plan: UnloadPlan) -> Result<Module, PlanError> {
        let at = self.position(plan.module).ok_or(PlanError::UnknownModule)?;
        let module = &self.modules[at];
        if module.instance != plan.instance || module.pending.is_some() {
            return Err(PlanError::StalePlan);
        }
        Ok(self.modules.remove(at))
    }

    /// `UpdateRuntimeArgs(ctx, argv, argc)` from the module itself: the
    /// runtime arguments become `argv[1..]`. `argv[0]` is skipped on purpose,
    /// as Valkey does, so a module can pass its command's argv unchanged; an
    /// empty `argv` gives no arguments. The running module is not restarted:
    /// MODULE LIST shows the new list at once and CONFIG REWRITE saves it
    /// for the next start.
    ///
    /// Called while a reload plan runs (from the new instance's `OnLoad`),
    /// the update is kept if that reload commits and dropped if it rolls
    /// back.
    ///
    /// # Errors
    ///
    /// [`PlanError::UnknownModule`] when no module has that id.
    pub fn update_runtime_args<A: AsRef<[u8]>>(
        &mut self,
        id: ModuleId,
        argv: &[A],
    ) -> Result<(), PlanError> {
        let at = self.position(id).ok_or(PlanError::UnknownModule)?;
        let args: Vec<Vec<u8>> = argv.iter().skip(1).map(|a| a.as_ref().to_vec()).collect();
        let module = &mut self.modules[at];
        match &mut module.pending {
            Some(pending) => pending.deferred_args = Some(args),
            None => module.args = args,
        }
        Ok(())
    }

    pub(crate) fn module_mut(&mut self, at: usize) -> &mut Module {
        &mut self.modules[at]
    }

    pub(crate) fn pending_at(&self, ticket: ReloadTicket) -> Option<(usize, &Pending)> {
        self.modules.iter().enumerate().find_map(|(at, m)| {
            m.pending
                .as_ref()
                .filter(|p| p.ticket == ticket)
                .map(|p| (at, p))
        })
    }
}

#[cfg(test)]
mod tests;
