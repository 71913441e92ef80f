//! Replies of `MODULE SET-ARGUMENT` / `MODULE RESET-ARGUMENT` (our extension
//! of Valkey issue #912: the arguments are applied by restarting the module
//! with them, and refused arguments are rolled back).

use core::fmt;

use crate::{LoadFailure, ModuleId, ReloadPlan, UnloadRefusal};

/// Which argument command is answering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgsOp {
    /// `MODULE SET-ARGUMENT name [arg ...]`.
    Set,
    /// `MODULE RESET-ARGUMENT name`.
    Reset,
}

impl ArgsOp {
    const fn verb(self) -> &'static str {
        match self {
            Self::Set => "set",
            Self::Reset => "reset",
        }
    }
}

/// What an argument command needs next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgsChange {
    /// Execute this plan, then report its outcome with
    /// [`Registry::finish_reload`](crate::Registry::finish_reload); the
    /// report's [`args_reply`](crate::ReloadReport::args_reply) is the reply.
    Reload(ReloadPlan),
    /// The module cannot be unloaded now; the new arguments are stored as
    /// its runtime arguments (MODULE LIST shows them, CONFIG REWRITE writes
    /// them) and take effect at the next start. Reply
    /// [`ArgsApplied::StoredForRestart`].
    StoredForRestart {
        /// The module whose arguments were stored.
        module: ModuleId,
        /// Why it could not be restarted now.
        refusal: UnloadRefusal,
    },
}

/// A successful argument command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgsApplied {
    /// The module was restarted with the new arguments and accepted them.
    /// Reply `OK`.
    Reloaded,
    /// The arguments were stored for the next start (the module cannot be
    /// unloaded now). `Display` is the status text to reply.
    StoredForRestart(UnloadRefusal),
}

impl fmt::Display for ArgsApplied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reloaded => f.write_str("OK"),
            Self::StoredForRestart(refusal) => write!(
                f,
                "OK arguments stored for the next start, the module cannot be restarted now: {}",
                refusal.reason()
            ),
        }
    }
}

/// Why an argument command failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArgsErrorKind {
    /// No loaded module has that name.
    NoSuchModule,
    /// A reload of the module is already running.
    ReloadInProgress,
    /// The module failed to start with the new arguments (its `OnLoad`
    /// refused them); the previous instance and arguments were restored.
    Rejected(LoadFailure),
    /// The restart could not begin; the module keeps running untouched.
    NotStarted(LoadFailure),
    /// The new arguments failed and the previous instance could not be
    /// loaded again either: the module is gone.
    Lost(LoadFailure),
}

/// An argument command's error reply: `Display` is the text after `ERR `.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArgsError {
    /// The command that failed.
    pub op: ArgsOp,
    /// Why.
    pub kind: ArgsErrorKind,
}

impl fmt::Display for ArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error {} arguments for module: ", self.op.verb())?;
        match self.kind {
            ArgsErrorKind::NoSuchModule => f.write_str("no such module with that name"),
            ArgsErrorKind::ReloadInProgress => {
                f.write_str("a reload of the module is in progress. Please try again")
            }
            ArgsErrorKind::Rejected(failure) => write!(
                f,
                "the module rejected the arguments ({failure}); the previous instance and arguments are restored"
            ),
            ArgsErrorKind::NotStarted(failure) => write!(
                f,
                "the module could not be restarted ({failure}); it keeps running with the previous arguments"
            ),
            ArgsErrorKind::Lost(failure) => write!(
                f,
                "the module rejected the arguments ({failure}) and could not be restored; it is unloaded"
            ),
        }
    }
}

impl core::error::Error for ArgsError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn no_such_module_text_matches_the_early_valkey_pr() {
        let err = ArgsError {
            op: ArgsOp::Set,
            kind: ArgsErrorKind::NoSuchModule,
        };
        assert_eq!(
            format!("{err}"),
            "Error set arguments for module: no such module with that name"
        );
    }

    #[test]
    fn rejection_says_the_module_rejected_the_arguments() {
        let err = ArgsError {
            op: ArgsOp::Reset,
            kind: ArgsErrorKind::Rejected(LoadFailure::OnLoadFailed),
        };
        let text = format!("{err}");
        assert!(
            text.starts_with("Error reset arguments for module: the module rejected the arguments")
        );
        assert!(text.contains("restored"));
    }

    #[test]
    fn stored_for_restart_names_the_blocker() {
        let text = format!(
            "{}",
            ArgsApplied::StoredForRestart(UnloadRefusal::ExportsDataTypes)
        );
        assert!(text.contains("next start"));
        assert!(text.ends_with("module-side data types, can't unload"));
        assert_eq!(format!("{}", ArgsApplied::Reloaded), "OK");
    }
}
