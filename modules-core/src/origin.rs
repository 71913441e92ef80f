//! Where a module's load request came from, which decides where CONFIG
//! REWRITE may write its line.

use alloc::vec::Vec;

/// The config file a `loadmodule` line was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigFile {
    /// The main config file given on the command line (options given as
    /// `--loadmodule ...` arguments count as main-file lines, as in Valkey).
    Main,
    /// A file pulled in with `include`, by the path written in the
    /// `include` directive.
    Included(Vec<u8>),
}

/// How a module came to be loaded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// `MODULE LOAD` or `MODULE LOADEX` at run time.
    Command,
    /// A `loadmodule` directive.
    ConfigFile {
        /// Which file held the directive.
        file: ConfigFile,
        /// 1-based line number in that file (0 for command-line options).
        line: u32,
    },
}

impl Origin {
    /// True when the directive lives in an `include`d file, whose lines
    /// CONFIG REWRITE must not copy into the main file (Redis #14404,
    /// Valkey #2678).
    #[must_use]
    pub fn is_included(&self) -> bool {
        matches!(
            self,
            Self::ConfigFile {
                file: ConfigFile::Included(_),
                ..
            }
        )
    }
}
