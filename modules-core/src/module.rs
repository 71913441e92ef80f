//! One module entry and the MODULE LIST view of it.

use alloc::vec::Vec;

use crate::{FileIdentity, InstanceId, ModuleId, ModuleState, Origin, ReloadCause, ReloadTicket};

/// One loaded module as the registry keeps it.
///
/// Three argument lists are kept apart:
/// - [`load_args`](Self::load_args): what the module was loaded with
///   (`MODULE LOAD`, `loadmodule`); RESET-ARGUMENT goes back to these;
/// - [`args`](Self::args): the runtime arguments MODULE LIST shows and
///   CONFIG REWRITE writes (changed by SET/RESET-ARGUMENT and by the
///   module's own `UpdateRuntimeArgs`);
/// - [`instance_args`](Self::instance_args): what the running instance's
///   `OnLoad` actually received, proven good, used to roll back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub(crate) id: ModuleId,
    pub(crate) instance: InstanceId,
    pub(crate) name: Vec<u8>,
    pub(crate) version: i32,
    pub(crate) path: Vec<u8>,
    pub(crate) load_args: Vec<Vec<u8>>,
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) instance_args: Vec<Vec<u8>>,
    pub(crate) origin: Origin,
    pub(crate) state: ModuleState,
    pub(crate) identity: Option<FileIdentity>,
    pub(crate) failed_identity: Option<FileIdentity>,
    pub(crate) pending: Option<Pending>,
}

/// The bookkeeping of an outstanding reload plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) ticket: ReloadTicket,
    pub(crate) cause: ReloadCause,
    pub(crate) attempt: InstanceId,
    pub(crate) fallback: InstanceId,
    pub(crate) attempt_args: Vec<Vec<u8>>,
    /// `UpdateRuntimeArgs` calls made while the plan runs (by the new
    /// instance's `OnLoad`): kept if the attempt commits, dropped on rollback.
    pub(crate) deferred_args: Option<Vec<Vec<u8>>>,
}

impl Module {
    /// The registry's handle for this entry.
    #[must_use]
    pub const fn id(&self) -> ModuleId {
        self.id
    }

    /// The running instance (the `dlopen` handle the host holds for it).
    #[must_use]
    pub const fn instance(&self) -> InstanceId {
        self.instance
    }

    /// The name the module declared in `Init`.
    #[must_use]
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The version the module declared in `Init`.
    #[must_use]
    pub const fn version(&self) -> i32 {
        self.version
    }

    /// The path exactly as given to LOAD/LOADEX or `loadmodule`.
    #[must_use]
    pub fn path(&self) -> &[u8] {
        &self.path
    }

    /// The arguments the module was loaded with.
    #[must_use]
    pub fn load_args(&self) -> &[Vec<u8>] {
        &self.load_args
    }

    /// The runtime arguments: shown by MODULE LIST, written by CONFIG
    /// REWRITE, passed to `OnLoad` at the next start.
    #[must_use]
    pub fn args(&self) -> &[Vec<u8>] {
        &self.args
    }

    /// The arguments the running instance's `OnLoad` received.
    #[must_use]
    pub fn instance_args(&self) -> &[Vec<u8>] {
        &self.instance_args
    }

    /// True when the runtime arguments differ from what the running
    /// instance started with: they take effect at the next start (after
    /// `UpdateRuntimeArgs`, or SET-ARGUMENT on a module that cannot be
    /// unloaded).
    #[must_use]
    pub fn args_apply_at_restart(&self) -> bool {
        self.args != self.instance_args
    }

    /// Where the load request came from.
    #[must_use]
    pub const fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The lifecycle state.
    #[must_use]
    pub const fn state(&self) -> ModuleState {
        self.state
    }

    /// The identity of the file the running instance was loaded from, if
    /// the host told us.
    #[must_use]
    pub const fn identity(&self) -> Option<FileIdentity> {
        self.identity
    }

    /// The identity of the last file version that failed to load (or could
    /// not be swapped in); it is not tried again until the file changes.
    #[must_use]
    pub const fn failed_identity(&self) -> Option<FileIdentity> {
        self.failed_identity
    }

    /// The MODULE LIST entry for this module.
    #[must_use]
    pub fn list_entry(&self) -> ModuleListEntry<'_> {
        ModuleListEntry {
            name: &self.name,
            ver: self.version,
            path: &self.path,
            args: &self.args,
        }
    }
}

/// One MODULE LIST element: a map of exactly these four fields, in this order
/// (`name`, `ver`, `path`, `args`), as Valkey's `addReplyLoadedModules`
/// writes it. HELLO's `modules` field is the same list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleListEntry<'a> {
    /// Bulk string: the declared name.
    pub name: &'a [u8],
    /// Integer: the declared version.
    pub ver: i32,
    /// Bulk string: the path as given.
    pub path: &'a [u8],
    /// Array of bulk strings: the runtime arguments.
    pub args: &'a [Vec<u8>],
}

impl ModuleListEntry<'_> {
    /// The field names in reply order.
    pub const FIELDS: [&'static str; 4] = ["name", "ver", "path", "args"];
}
