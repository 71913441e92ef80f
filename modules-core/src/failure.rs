//! Why a module could not be loaded, as the host reports it.

use core::fmt;

/// The reply Valkey gives to `MODULE LOAD`/`LOADEX` for every load failure;
/// the real reason goes to the log only. The server prefixes `ERR `.
pub const LOAD_ERROR: &str = "Error loading the extension. Please check the server logs.";

/// Why loading a module file failed. The host reports these from its
/// `dlopen`/`OnLoad` steps; [`LoadFailure::NameBusy`] is also the core's own
/// refusal when a module declares a name that is already taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoadFailure {
    /// The file has no execute bit for anyone (Valkey's best-effort check).
    NotExecutable,
    /// `dlopen` failed (missing file, not a shared object, bad symbols).
    OpenFailed,
    /// Neither `ValkeyModule_OnLoad` nor `RedisModule_OnLoad` is exported.
    NoEntryPoint,
    /// `OnLoad` returned ERR: the module refused to start, typically
    /// because it rejected its arguments.
    OnLoadFailed,
    /// The module declared a name another loaded module already has.
    NameBusy,
    /// The module registered configs but never called `LoadConfigs`.
    ConfigsNotLoaded,
    /// `MODULE LOADEX ... CONFIG` pairs were left unused by the module.
    LoadexConfigsUnused,
    /// The host could not make its private copy of the module file.
    ImageUnavailable,
    /// The module crashed or panicked on the host's side of the call.
    Panicked,
}

impl LoadFailure {
    /// The reason as it goes to the log (and to INFO for failed reloads).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotExecutable => "It does not have execute permissions.",
            Self::OpenFailed => "the shared library could not be opened",
            Self::NoEntryPoint => {
                "does not export ValkeyModule_OnLoad() or RedisModule_OnLoad() symbol"
            }
            Self::OnLoadFailed => "initialization failed (OnLoad returned an error)",
            Self::NameBusy => "Module name is busy",
            Self::ConfigsNotLoaded => {
                "Module Configurations were not set, likely a missing LoadConfigs call"
            }
            Self::LoadexConfigsUnused => {
                "Loadex configurations were not applied, likely due to invalid arguments"
            }
            Self::ImageUnavailable => "the module file could not be copied to a private path",
            Self::Panicked => "the module crashed while loading",
        }
    }
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for LoadFailure {}
