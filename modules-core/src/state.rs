//! Lifecycle states of a module entry, named for what they are or wait for.

use crate::{FileIdentity, LoadFailure, UnloadRefusal};

/// What started a reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReloadCause {
    /// `MODULE SET-ARGUMENT`: the same code restarted with new arguments.
    ArgumentsSet,
    /// `MODULE RESET-ARGUMENT`: the same code restarted with its load-time
    /// arguments.
    ArgumentsReset,
    /// The module file changed on disk (hot reload); the new file is loaded
    /// with the current runtime arguments.
    FileChanged(FileIdentity),
}

impl ReloadCause {
    /// True for the two argument commands.
    #[must_use]
    pub const fn is_arguments(self) -> bool {
        matches!(self, Self::ArgumentsSet | Self::ArgumentsReset)
    }
}

/// The state of one module entry. In every state except
/// [`ReloadPending`](Self::ReloadPending) exactly one instance is loaded and
/// serving; during `ReloadPending` the host is executing a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModuleState {
    /// Loaded and serving; nothing is outstanding.
    Loaded,
    /// A reload plan was handed to the host; waiting for its outcome.
    ReloadPending(ReloadCause),
    /// The reload could not start because the module cannot be unloaded
    /// now; the running instance was never touched. For the argument
    /// commands the new arguments are stored for the next start.
    ReloadBlocked {
        /// What asked for the reload.
        cause: ReloadCause,
        /// Why the module could not be unloaded.
        refusal: UnloadRefusal,
    },
    /// The host could not even prepare the new version (no private copy of
    /// the file); the running instance was never touched.
    ReloadFailed {
        /// What asked for the reload.
        cause: ReloadCause,
        /// What went wrong.
        failure: LoadFailure,
    },
    /// The new version (or the new arguments) failed to load; the last good
    /// version was loaded again with its arguments and serves.
    RolledBack {
        /// What asked for the reload.
        cause: ReloadCause,
        /// Why the new version failed.
        failure: LoadFailure,
    },
}

impl ModuleState {
    /// A short stable label for INFO and logs.
    #[must_use]
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Loaded => "loaded",
            Self::ReloadPending(_) => "reload-pending",
            Self::ReloadBlocked { .. } => "reload-blocked",
            Self::ReloadFailed { .. } => "reload-failed",
            Self::RolledBack { .. } => "rolled-back",
        }
    }

    /// True while a reload plan is out.
    #[must_use]
    pub const fn is_pending(&self) -> bool {
        matches!(self, Self::ReloadPending(_))
    }

    /// The cause of the last reload this state is about, if any.
    #[must_use]
    pub const fn cause(&self) -> Option<ReloadCause> {
        match *self {
            Self::Loaded => None,
            Self::ReloadPending(cause)
            | Self::ReloadBlocked { cause, .. }
            | Self::ReloadFailed { cause, .. }
            | Self::RolledBack { cause, .. } => Some(cause),
        }
    }
}
