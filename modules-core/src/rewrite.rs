//! The `loadmodule` lines CONFIG REWRITE writes.
//!
//! Differences from Valkey 8, each a fix of a reported bug:
//! - arguments are quoted so they read back the same (`quote_arg`);
//! - lines follow load order (Valkey #3119, fixed upstream by PR #3769);
//! - a module whose `loadmodule` line came from an `include`d file is never
//!   copied into the main file, which would load it twice at the next start
//!   (Redis #14404, Valkey #2678). If its runtime arguments changed, the new
//!   line for that file is handed back separately, for the server to write
//!   there or to report.

use alloc::vec::Vec;

use crate::{ConfigFile, ModuleId, Origin, Registry, quote::render_loadmodule_line};

/// A `loadmodule` line that belongs in an included file, because the
/// module's runtime arguments no longer match the line written there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncludedLine {
    /// The module.
    pub module: ModuleId,
    /// The included file, as named by its `include` directive.
    pub file: Vec<u8>,
    /// The 1-based line number of the module's directive in that file.
    pub line: u32,
    /// The replacement line (no line break).
    pub text: Vec<u8>,
}

/// All module lines of one CONFIG REWRITE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rewrite {
    /// The `loadmodule` lines of the main file, in load order (no line
    /// breaks). They replace every `loadmodule` line there: a main file with
    /// no module left gets none.
    pub main: Vec<Vec<u8>>,
    /// Lines for included files whose module changed its arguments.
    pub included: Vec<IncludedLine>,
}

impl Registry {
    /// The module lines for CONFIG REWRITE: path and runtime arguments of
    /// every module, in load order, quoted to round-trip through
    /// [`split_args`](crate::split_args).
    #[must_use]
    pub fn rewrite(&self) -> Rewrite {
        let mut out = Rewrite::default();
        for module in self.iter() {
            let text = render_loadmodule_line(module.path(), module.args());
            match module.origin() {
                Origin::ConfigFile {
                    file: ConfigFile::Included(file),
                    line,
                } => {
                    if module.args() != module.load_args() {
                        out.included.push(IncludedLine {
                            module: module.id(),
                            file: file.clone(),
                            line: *line,
                            text,
                        });
                    }
                }
                Origin::Command | Origin::ConfigFile { .. } => out.main.push(text),
            }
        }
        out
    }
}
