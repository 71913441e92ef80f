//! Reloads: SET/RESET-ARGUMENT and hot reload on file change, planned by the
//! registry, executed by the host, committed or rolled back on its report.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::module::Pending;
use crate::{
    ArgsApplied, ArgsChange, ArgsError, ArgsErrorKind, ArgsOp, FileIdentity, InstanceId,
    LoadFailure, Module, ModuleId, ModuleState, PlanError, Registry, ReloadCause, ReloadTicket,
    UnloadFacts, UnloadRefusal,
};

/// Which code a load step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Image {
    /// The file at the step's path as it is now (the host copies it to a
    /// private path first, so a later edit cannot change what is loaded).
    Fresh,
    /// The same code an earlier instance was loaded from (its private copy).
    SameAs(InstanceId),
}

/// One load the host performs: `OnLoad` of `image` with `args`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadStep {
    /// The id to key the new handle by, if this step succeeds.
    pub instance: InstanceId,
    /// The module's path as given (what MODULE LIST shows).
    pub path: Vec<u8>,
    /// The code to load.
    pub image: Image,
    /// The arguments for `OnLoad`.
    pub args: Vec<Vec<u8>>,
}

/// A reload the host executes.
///
/// A reload is one plan with three steps the host runs in one go, between
/// two commands (so no command is cut in half):
/// 1. unload [`ReloadPlan::unload`] (call `OnUnload`; if it refuses, stop and
///    report [`ReloadOutcome::UnloadRefused`]);
/// 2. load [`ReloadPlan::attempt`]; on success report
///    [`ReloadOutcome::Loaded`];
/// 3. otherwise load [`ReloadPlan::fallback`] (the last good code with the
///    arguments it was proven to accept) and report
///    [`ReloadOutcome::RolledBack`], or [`ReloadOutcome::Lost`] if that
///    fails too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReloadPlan {
    /// Names this plan when reporting its outcome.
    pub ticket: ReloadTicket,
    /// The module being reloaded. While the plan runs, answer the new
    /// instance's `IsModuleNameBusy` with
    /// [`Registry::is_name_busy_except`] for this id.
    pub module: ModuleId,
    /// Why.
    pub cause: ReloadCause,
    /// The running instance to unload first.
    pub unload: InstanceId,
    /// The new code or arguments.
    pub attempt: LoadStep,
    /// The last good code and arguments, if the attempt fails.
    pub fallback: LoadStep,
}

/// What happened when the host executed a [`ReloadPlan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReloadOutcome {
    /// The host could not prepare the attempt (e.g. no private copy of the
    /// file); nothing was unloaded.
    NotStarted(LoadFailure),
    /// The running instance's `OnUnload` refused; it keeps running.
    UnloadRefused,
    /// The attempt loaded; the module declared this name and version.
    Loaded {
        /// Declared name (usually unchanged).
        name: Vec<u8>,
        /// Declared version.
        version: i32,
    },
    /// The attempt failed for this reason; the fallback loaded.
    RolledBack(LoadFailure),
    /// The attempt and the fallback both failed: the module is gone.
    Lost {
        /// Why the attempt failed.
        failure: LoadFailure,
        /// Why the fallback failed.
        fallback_failure: LoadFailure,
    },
}

/// The registry's verdict on a reload outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReloadReport {
    /// The new instance serves; `retired` is closed and its private copy
    /// may go unless `live` was loaded from it.
    Reloaded {
        /// The module.
        module: ModuleId,
        /// Why it was reloaded.
        cause: ReloadCause,
        /// The instance that was unloaded.
        retired: InstanceId,
        /// The instance now serving.
        live: InstanceId,
    },
    /// `OnUnload` refused; the old instance keeps serving. For the argument
    /// commands the new arguments are stored for the next start.
    Blocked {
        /// The module.
        module: ModuleId,
        /// Why it was to be reloaded.
        cause: ReloadCause,
    },
    /// The reload never began; the old instance keeps serving.
    NotStarted {
        /// The module.
        module: ModuleId,
        /// Why it was to be reloaded.
        cause: ReloadCause,
        /// What went wrong.
        failure: LoadFailure,
    },
    /// The attempt failed; the last good code serves again, with exactly the
    /// arguments, name and version it had before.
    RolledBack {
        /// The module.
        module: ModuleId,
        /// Why it was to be reloaded.
        cause: ReloadCause,
        /// Why the attempt failed.
        failure: LoadFailure,
        /// The instance that was unloaded.
        retired: InstanceId,
        /// The restored instance now serving.
        live: InstanceId,
    },
    /// Both loads failed; the module was removed from the registry.
    Lost {
        /// The removed record (for the log).
        module: Box<Module>,
        /// Why it was to be reloaded.
        cause: ReloadCause,
        /// Why the attempt failed.
        failure: LoadFailure,
        /// Why the fallback failed.
        fallback_failure: LoadFailure,
    },
}

impl ReloadReport {
    /// The cause of the reload this report closes.
    #[must_use]
    pub const fn cause(&self) -> ReloadCause {
        match *self {
            Self::Reloaded { cause, .. }
            | Self::Blocked { cause, .. }
            | Self::NotStarted { cause, .. }
            | Self::RolledBack { cause, .. }
            | Self::Lost { cause, .. } => cause,
        }
    }

    /// The reply to SET-ARGUMENT / RESET-ARGUMENT, or `None` for a hot
    /// reload (which answers nobody).
    ///
    /// # Errors
    ///
    /// The [`ArgsError`] to reply when the arguments did not take effect.
    #[must_use]
    pub fn args_reply(&self) -> Option<Result<ArgsApplied, ArgsError>> {
        let op = match self.cause() {
            ReloadCause::ArgumentsSet => ArgsOp::Set,
            ReloadCause::ArgumentsReset => ArgsOp::Reset,
            ReloadCause::FileChanged(_) => return None,
        };
        let err = |kind| Err(ArgsError { op, kind });
        Some(match *self {
            Self::Reloaded { .. } => Ok(ArgsApplied::Reloaded),
            Self::Blocked { .. } => {
                Ok(ArgsApplied::StoredForRestart(UnloadRefusal::OnUnloadFailed))
            }
            Self::NotStarted { failure, .. } => err(ArgsErrorKind::NotStarted(failure)),
            Self::RolledBack { failure, .. } => err(ArgsErrorKind::Rejected(failure)),
            Self::Lost { failure, .. } => err(ArgsErrorKind::Lost(failure)),
        })
    }
}

/// What a file check decided.
#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "returned at most once per timer tick and module, then matched at once; boxing the plan buys nothing"
)]
pub enum FileCheck {
    /// Nothing to do: the file is the running version, or the version that
    /// already failed, or the first identity seen (adopted).
    Unchanged,
    /// The file is back to the running version: an earlier failed or
    /// blocked hot reload is cleared.
    Recovered,
    /// The file changed but the module cannot be unloaded now; checked again
    /// at the next tick.
    Blocked(UnloadRefusal),
    /// A reload plan is already out for this module.
    Busy,
    /// The file changed: execute this plan.
    Reload(ReloadPlan),
}

impl Registry {
    fn plan_reload(
        &mut self,
        at: usize,
        cause: ReloadCause,
        image: Image,
        args: Vec<Vec<u8>>,
    ) -> ReloadPlan {
        let ticket = self.new_ticket();
        let attempt = self.new_instance();
        let fallback = self.new_instance();
        let module = self.module_mut(at);
        let plan = ReloadPlan {
            ticket,
            module: module.id,
            cause,
            unload: module.instance,
            attempt: LoadStep {
                instance: attempt,
                path: module.path.clone(),
                image,
                args: args.clone(),
            },
            fallback: LoadStep {
                instance: fallback,
                path: module.path.clone(),
                image: Image::SameAs(module.instance),
                args: module.instance_args.clone(),
            },
        };
        module.state = ModuleState::ReloadPending(cause);
        module.pending = Some(Pending {
            ticket,
            cause,
            attempt,
            fallback,
            attempt_args: args,
            deferred_args: None,
        });
        plan
    }

    fn change_args(
        &mut self,
        op: ArgsOp,
        name: &[u8],
        args: Option<Vec<Vec<u8>>>,
        facts: &UnloadFacts,
    ) -> Result<ArgsChange, ArgsError> {
        let err = |kind| ArgsError { op, kind };
        let at = self
            .position_by_name(name)
            .ok_or_else(|| err(ArgsErrorKind::NoSuchModule))?;
        let (cause, module) = (
            match op {
                ArgsOp::Set => ReloadCause::ArgumentsSet,
                ArgsOp::Reset => ReloadCause::ArgumentsReset,
            },
            self.module_mut(at),
        );
        if module.pending.is_some() {
            return Err(err(ArgsErrorKind::ReloadInProgress));
        }
        let args = args.unwrap_or_else(|| module.load_args.clone());
        if let Some(refusal) = facts.refusal() {
            module.args = args;
            module.state = ModuleState::ReloadBlocked { cause, refusal };
            return Ok(ArgsChange::StoredForRestart {
                module: module.id,
                refusal,
            });
        }
        let image = Image::SameAs(module.instance);
        Ok(ArgsChange::Reload(self.plan_reload(at, cause, image, args)))
    }

    /// `MODULE SET-ARGUMENT name [arg ...]`: plans a restart of the module's
    /// current code with `args`, or stores them for the next start when
    /// `facts` say the module cannot be unloaded.
    ///
    /// # Errors
    ///
    /// [`ArgsErrorKind::NoSuchModule`], [`ArgsErrorKind::ReloadInProgress`].
    pub fn set_arguments(
        &mut self,
        name: &[u8],
        args: Vec<Vec<u8>>,
        facts: &UnloadFacts,
    ) -> Result<ArgsChange, ArgsError> {
        self.change_args(ArgsOp::Set, name, Some(args), facts)
    }

    /// `MODULE RESET-ARGUMENT name`: as [`set_arguments`](Self::set_arguments)
    /// with the module's load-time arguments.
    ///
    /// # Errors
    ///
    /// [`ArgsErrorKind::NoSuchModule`], [`ArgsErrorKind::ReloadInProgress`].
    pub fn reset_arguments(
        &mut self,
        name: &[u8],
        facts: &UnloadFacts,
    ) -> Result<ArgsChange, ArgsError> {
        self.change_args(ArgsOp::Reset, name, None, facts)
    }

    /// Hot reload: the host's timer `stat`s the module file (at most once a
    /// second) and reports its identity. A new identity plans a reload of
    /// the new file with the current runtime arguments, falling back to the
    /// running code. A version that failed is not tried again until the file
    /// changes once more; a module that cannot be unloaded is checked again
    /// at each tick. If the file vanished, simply do not call this: the
    /// running version keeps serving.
    ///
    /// Take `identity` from the file the host will load (`fstat` of the
    /// copy's source), so the plan loads exactly the version it names.
    ///
    /// # Errors
    ///
    /// [`PlanError::UnknownModule`].
    pub fn file_seen(
        &mut self,
        id: ModuleId,
        identity: FileIdentity,
        facts: &UnloadFacts,
    ) -> Result<FileCheck, PlanError> {
        let at = self.position(id).ok_or(PlanError::UnknownModule)?;
        let module = self.module_mut(at);
        if module.pending.is_some() {
            return Ok(FileCheck::Busy);
        }
        let Some(good) = module.identity else {
            module.identity = Some(identity);
            return Ok(FileCheck::Unchanged);
        };
        if good == identity {
            module.failed_identity = None;
            if matches!(module.state.cause(), Some(ReloadCause::FileChanged(_))) {
                module.state = ModuleState::Loaded;
                return Ok(FileCheck::Recovered);
            }
            return Ok(FileCheck::Unchanged);
        }
        if module.failed_identity == Some(identity) {
            return Ok(FileCheck::Unchanged);
        }
        let cause = ReloadCause::FileChanged(identity);
        if let Some(refusal) = facts.refusal() {
            module.state = ModuleState::ReloadBlocked { cause, refusal };
            return Ok(FileCheck::Blocked(refusal));
        }
        let args = module.args.clone();
        Ok(FileCheck::Reload(self.plan_reload(
            at,
            cause,
            Image::Fresh,
            args,
        )))
    }

    /// Commits or rolls back a reload from the host's report.
    ///
    /// # Errors
    ///
    /// [`PlanError::StalePlan`] for an unknown or already reported ticket;
    /// [`PlanError::NameBusy`] when [`ReloadOutcome::Loaded`] names a name
    /// another module has (the plan stays outstanding: roll back and report
    /// again).
    pub fn finish_reload(
        &mut self,
        ticket: ReloadTicket,
        outcome: ReloadOutcome,
    ) -> Result<ReloadReport, PlanError> {
        let (at, _) = self.pending_at(ticket).ok_or(PlanError::StalePlan)?;
        let id = self.modules[at].id;
        if let ReloadOutcome::Loaded { name, .. } = &outcome {
            if self.is_name_busy_except(name, id) {
                return Err(PlanError::NameBusy);
            }
        }
        let module = self.module_mut(at);
        let Some(pending) = module.pending.take() else {
            return Err(PlanError::StalePlan);
        };
        let cause = pending.cause;
        let file = match cause {
            ReloadCause::FileChanged(identity) => Some(identity),
            _ => None,
        };
        let retired = module.instance;
        Ok(match outcome {
            ReloadOutcome::NotStarted(failure) => {
                module.state = ModuleState::ReloadFailed { cause, failure };
                module.failed_identity = file.or(module.failed_identity);
                ReloadReport::NotStarted {
                    module: id,
                    cause,
                    failure,
                }
            }
            ReloadOutcome::UnloadRefused => {
                if cause.is_arguments() {
                    module.args = pending.attempt_args;
                }
                let refusal = UnloadRefusal::OnUnloadFailed;
                module.state = ModuleState::ReloadBlocked { cause, refusal };
                module.failed_identity = file.or(module.failed_identity);
                ReloadReport::Blocked { module: id, cause }
            }
            ReloadOutcome::Loaded { name, version } => {
                module.instance = pending.attempt;
                module.name = name;
                module.version = version;
                module.args = pending
                    .deferred_args
                    .unwrap_or_else(|| pending.attempt_args.clone());
                module.instance_args = pending.attempt_args;
                if let Some(identity) = file {
                    module.identity = Some(identity);
                    module.failed_identity = None;
                }
                module.state = ModuleState::Loaded;
                ReloadReport::Reloaded {
                    module: id,
                    cause,
                    retired,
                    live: pending.attempt,
                }
            }
            ReloadOutcome::RolledBack(failure) => {
                module.instance = pending.fallback;
                module.state = ModuleState::RolledBack { cause, failure };
                module.failed_identity = file.or(module.failed_identity);
                ReloadReport::RolledBack {
                    module: id,
                    cause,
                    failure,
                    retired,
                    live: pending.fallback,
                }
            }
            ReloadOutcome::Lost {
                failure,
                fallback_failure,
            } => {
                let module = Box::new(self.modules.remove(at));
                ReloadReport::Lost {
                    module,
                    cause,
                    failure,
                    fallback_failure,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests;
