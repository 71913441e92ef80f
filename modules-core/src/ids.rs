//! Handles the registry gives out: modules, loaded instances, pending reloads.

use core::fmt;

/// One module entry in the registry. It stays the same across reloads and
/// argument changes; it ends when the module is unloaded (or lost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleId(pub u64);

/// One loaded copy of a module's code: what one `dlopen` handle holds.
///
/// Every load, reload attempt and rollback gets a fresh id, so the host can
/// key its handles (and the private copies of module files) by it. Ids are
/// never reused by a registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceId(pub u64);

/// Names one reload plan, so its outcome is matched to it and a stale or
/// repeated report is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReloadTicket(pub u64);

impl fmt::Display for ModuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "module#{}", self.0)
    }
}

impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "instance#{}", self.0)
    }
}
