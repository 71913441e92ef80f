//! `MODULE UNLOAD`: the facts the server reports and Valkey's refusals.

use core::fmt;

use crate::{InstanceId, ModuleId};

/// What the server knows about a module that decides whether it may be
/// unloaded right now. The registry cannot see these (they live in the
/// keyspace, the client table and the timer wheel), so the host passes them
/// in with every unload or reload request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct UnloadFacts {
    /// The module registered one or more data types (`CreateDataType`).
    pub exports_data_types: bool,
    /// Another loaded module uses an API this one exported.
    pub used_by_other_modules: bool,
    /// Clients are blocked in one of the module's commands.
    pub has_blocked_clients: bool,
    /// The module created a timer that has not fired yet.
    pub holds_timers: bool,
}

impl UnloadFacts {
    /// Facts of a module that nothing holds: it may be unloaded.
    pub const FREE: Self = Self {
        exports_data_types: false,
        used_by_other_modules: false,
        has_blocked_clients: false,
        holds_timers: false,
    };

    /// The first refusal these facts give, in Valkey's check order: data
    /// types, users of its API, blocked clients, timers.
    #[must_use]
    pub const fn refusal(&self) -> Option<UnloadRefusal> {
        if self.exports_data_types {
            Some(UnloadRefusal::ExportsDataTypes)
        } else if self.used_by_other_modules {
            Some(UnloadRefusal::UsedByOtherModules)
        } else if self.has_blocked_clients {
            Some(UnloadRefusal::HasBlockedClients)
        } else if self.holds_timers {
            Some(UnloadRefusal::HoldsTimers)
        } else {
            None
        }
    }
}

/// Why a module may not be unloaded (Valkey 8 `moduleUnload`, spec §1.5).
///
/// [`reason`](Self::reason) is Valkey's text; `Display` gives the whole reply
/// text `Error unloading module: <reason>` (the server prefixes `ERR `).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnloadRefusal {
    /// No loaded module has that name.
    NoSuchModule,
    /// The module exports data types.
    ExportsDataTypes,
    /// Another module uses an API this one exports.
    UsedByOtherModules,
    /// Clients are blocked in the module's commands.
    HasBlockedClients,
    /// The module holds a timer that has not fired.
    HoldsTimers,
    /// `OnUnload` returned ERR without a message of its own.
    OnUnloadFailed,
    /// A reload of the module is in progress (our extension; a host that
    /// runs each reload plan to the end in one go never sees it).
    ReloadInProgress,
}

impl UnloadRefusal {
    /// Valkey's reason text.
    #[must_use]
    pub const fn reason(self) -> &'static str {
        match self {
            Self::NoSuchModule => "no such module with that name",
            Self::ExportsDataTypes => {
                "the module exports one or more module-side data types, can't unload"
            }
            Self::UsedByOtherModules => {
                "the module exports APIs used by other modules. Please unload them first and try again"
            }
            Self::HasBlockedClients => {
                "the module has blocked clients. Please wait for them to be unblocked and try again"
            }
            Self::HoldsTimers => {
                "the module holds timer that is not fired. Please stop the timer or wait until it fires."
            }
            Self::OnUnloadFailed => "operation not possible.",
            Self::ReloadInProgress => "a reload of the module is in progress. Please try again",
        }
    }
}

impl fmt::Display for UnloadRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error unloading module: {}", self.reason())
    }
}

impl core::error::Error for UnloadRefusal {}

/// Permission to unload one module: the host calls the module's `OnUnload`
/// (if exported) and, when that does not refuse, undoes its registrations,
/// `dlclose`s [`instance`](Self::instance) and calls
/// [`Registry::commit_unload`](crate::Registry::commit_unload). When
/// `OnUnload` refuses, nothing changes and the reply is
/// [`UnloadRefusal::OnUnloadFailed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UnloadPlan {
    /// The module to remove.
    pub module: ModuleId,
    /// Its running instance, to close.
    pub instance: InstanceId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_facts_allow_unload() {
        assert_eq!(UnloadFacts::FREE.refusal(), None);
        assert_eq!(UnloadFacts::default(), UnloadFacts::FREE);
    }

    #[test]
    fn data_types_are_checked_before_everything_else() {
        let all = UnloadFacts {
            exports_data_types: true,
            used_by_other_modules: true,
            has_blocked_clients: true,
            holds_timers: true,
        };
        assert_eq!(all.refusal(), Some(UnloadRefusal::ExportsDataTypes));
    }

    #[test]
    fn check_order_is_types_usedby_blocked_timers() {
        let mut f = UnloadFacts {
            used_by_other_modules: true,
            has_blocked_clients: true,
            holds_timers: true,
            ..UnloadFacts::FREE
        };
        assert_eq!(f.refusal(), Some(UnloadRefusal::UsedByOtherModules));
        f.used_by_other_modules = false;
        assert_eq!(f.refusal(), Some(UnloadRefusal::HasBlockedClients));
        f.has_blocked_clients = false;
        assert_eq!(f.refusal(), Some(UnloadRefusal::HoldsTimers));
    }

    #[test]
    fn reply_text_is_valkeys() {
        assert_eq!(
            alloc::format!("{}", UnloadRefusal::NoSuchModule),
            "Error unloading module: no such module with that name"
        );
        assert_eq!(
            alloc::format!("{}", UnloadRefusal::OnUnloadFailed),
            "Error unloading module: operation not possible."
        );
    }
}
