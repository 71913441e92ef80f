//! The module registry and lifecycle state machine of a Valkey-compatible
//! server: load order, load-time and runtime arguments, `MODULE UNLOAD`
//! refusals, SET/RESET-ARGUMENT and hot reload with rollback, MODULE LIST
//! data and the `loadmodule` lines of CONFIG REWRITE.
//!
//! It deliberately does **not** load anything: no FFI, no `dlopen`, no file
//! I/O, no clock, no `unsafe`. It is sans-I/O: the host (the server) tells it
//! facts ("this module loaded and declared this name", "this file now has
//! this identity", "the module has blocked clients") and gets back decisions,
//! refusals worded as Valkey words them, and plans to execute ("unload
//! instance X, load path P with args A, and if that fails load the last good
//! code with args B"), whose outcome it reports back.
//!
//! | Type | Role |
//! |---|---|
//! | [`Registry`] | modules in load order; every transition |
//! | [`Module`], [`ModuleState`] | one entry, its three argument lists, its state |
//! | [`ReloadPlan`], [`ReloadOutcome`], [`ReloadReport`] | a reload: plan out, outcome in, verdict |
//! | [`UnloadFacts`], [`UnloadRefusal`] | Valkey's unload checks and texts |
//! | [`Rewrite`], [`render_loadmodule_line`], [`quote_arg`] | CONFIG REWRITE lines |
//! | [`split_args`] | the `sdssplitargs` config-line tokenizer |
//!
//! # Features
//!
//! | Feature | Default | Effect |
//! |---|---|---|
//! | `std` | yes | Nothing today: everything works with `alloc` alone. Kept so dependents can ask for it without a breaking change later. |
//!
//! The crate always needs `alloc` and builds for bare-metal targets
//! (`thumbv7em-none-eabihf`). MSRV: the workspace's `rust-version` (1.85).
//!
//! # Example
//!
//! ```
//! use modules_core::{
//!     FileCheck, FileIdentity, LoadRequest, Origin, ReloadOutcome, ReloadReport, Registry,
//!     UnloadFacts,
//! };
//!
//! let mut reg = Registry::new();
//! let v1 = FileIdentity { mtime_secs: 1, mtime_nanos: 0, size: 100, inode: 7 };
//! let hello = reg.load(LoadRequest {
//!     path: b"/m/hello.so".to_vec(),
//!     args: vec![b"a".to_vec()],
//!     origin: Origin::Command,
//!     name: b"hello".to_vec(),
//!     version: 1,
//!     identity: Some(v1),
//! })?;
//!
//! // The file is replaced; the timer notices and the registry plans a reload.
//! let v2 = FileIdentity { mtime_secs: 2, ..v1 };
//! let FileCheck::Reload(plan) = reg.file_seen(hello.module, v2, &UnloadFacts::FREE)? else {
//!     unreachable!()
//! };
//! // The host unloads `plan.unload`, loads `plan.attempt`; OnLoad fails, so it
//! // loads `plan.fallback` (the old code, old args) and says so.
//! let report = reg.finish_reload(plan.ticket, ReloadOutcome::RolledBack(
//!     modules_core::LoadFailure::OnLoadFailed,
//! ))?;
//! assert!(matches!(report, ReloadReport::RolledBack { .. }));
//! let entry = reg.list().next().unwrap();
//! assert_eq!((entry.name, entry.ver, entry.args), (&b"hello"[..], 1, &[b"a".to_vec()][..]));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod args;
mod failure;
mod identity;
mod ids;
mod module;
mod origin;
mod quote;
mod registry;
mod reload;
mod rewrite;
mod split;
mod state;
#[cfg(test)]
mod test_support;
mod unload;

pub use args::{ArgsApplied, ArgsChange, ArgsError, ArgsErrorKind, ArgsOp};
pub use failure::{LOAD_ERROR, LoadFailure};
pub use identity::FileIdentity;
pub use ids::{InstanceId, ModuleId, ReloadTicket};
pub use module::{Module, ModuleListEntry};
pub use origin::{ConfigFile, Origin};
pub use quote::{is_bare_safe, quote_arg, render_loadmodule_line};
pub use registry::{LoadRequest, Loaded, PlanError, Registry, names_match};
pub use reload::{FileCheck, Image, LoadStep, ReloadOutcome, ReloadPlan, ReloadReport};
pub use rewrite::{IncludedLine, Rewrite};
pub use split::{SplitError, SplitErrorKind, UNBALANCED_QUOTES, split_args};
pub use state::{ModuleState, ReloadCause};
pub use unload::{UnloadFacts, UnloadPlan, UnloadRefusal};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
