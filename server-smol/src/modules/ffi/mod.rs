//! The C side of native modules, and the only `unsafe` in the project: `dlopen` through
//! `libloading`, the context whose first field is `GetApi`, ref-counted module strings, and the
//! calls into a module (`OnLoad`, `OnUnload`, command callbacks).
//!
//! While the server calls into a module, a thread-local [`Scope`] points at the server state and
//! the reply being written; every API function the module calls back reaches the server through
//! it and only through it. Outside such a call (another thread, a context kept past its command)
//! API functions find no scope and answer ERR / NULL instead of touching anything. No Rust panic
//! crosses back into C: each API function runs its body under `catch_unwind`.

mod api;
mod cmdinfo;
mod configs;
mod info;
mod keys;
mod reply;
mod strings;
mod types;

pub(crate) use api::{remember_name, set_logger};
pub(crate) use configs::{ModuleConfig, get as config_get, set as config_set};
pub(crate) use info::{InfoFn, collect as collect_info};
pub(crate) use types::free_dropped;

use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void};
use core::panic::AssertUnwindSafe;
use core::ptr::null_mut;
use std::panic::catch_unwind;
use std::rc::Rc;

use keyspace::Millis;

use crate::reply::Reply;
use crate::server::Server;

/// `VALKEYMODULE_OK`.
const OK: c_int = 0;
/// `VALKEYMODULE_ERR`.
const ERR: c_int = 1;

/// A module's `OnLoad` / `OnUnload` entry point: `int f(ctx, argv, argc)` (`OnUnload` has only
/// `ctx`; calling it with extra arguments is harmless in the C calling convention, but we keep
/// the two types apart).
type OnLoadFn = unsafe extern "C" fn(*mut ModuleCtx, *mut *mut MString, c_int) -> c_int;
type OnUnloadFn = unsafe extern "C" fn(*mut ModuleCtx) -> c_int;
/// A module command callback: `int f(ctx, argv, argc)`.
pub(crate) type CommandFn = unsafe extern "C" fn(*mut ModuleCtx, *mut *mut MString, c_int) -> c_int;
/// `GetApi(name, slot)`.
type GetApiFn = unsafe extern "C" fn(*const c_char, *mut *mut c_void) -> c_int;

/// `ValkeyModuleCtx`: the module reads `GetApi` from its first pointer-sized field (the C
/// header's `Init` does `((void**)ctx)[0]`); everything after it is ours.
#[repr(C)]
pub(crate) struct ModuleCtx {
    /// Must be the first field.
    get_api: GetApiFn,
    /// The module instance this context belongs to (0: none yet).
    host: u64,
}

impl ModuleCtx {
    fn new(host: u64) -> Self {
        Self {
            get_api: api::get_api,
            host,
        }
    }
}

/// `ValkeyModuleString`: ref-counted bytes, NUL-terminated for modules that treat them as C
/// strings (the length excludes the NUL).
pub(crate) struct MString {
    refs: Cell<usize>,
    bytes: Vec<u8>,
}

impl MString {
    /// A new string with one reference, as a raw pointer the module may hold.
    fn into_raw(bytes: &[u8]) -> *mut Self {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        Box::into_raw(Box::new(Self {
            refs: Cell::new(1),
            bytes: v,
        }))
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - 1]
    }

    /// Drops one reference; frees the string with the last.
    ///
    /// # Safety
    ///
    /// `p` came from [`MString::into_raw`] and still holds at least one reference.
    unsafe fn release(p: *mut Self) {
        // SAFETY: per the contract `p` is a live string made by `into_raw`.
        let s = unsafe { &*p };
        let n = s.refs.get().saturating_sub(1);
        s.refs.set(n);
        if n == 0 {
            // SAFETY: the last reference is gone, so nobody else reads it; it came from
            // `Box::into_raw`.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// What API calls reach while the server is inside a module call.
struct Scope {
    server: *mut Server,
    /// The reply being written, when a command runs (null in `OnLoad`/`OnUnload`).
    reply: *mut Reply,
    /// The selected database.
    db: usize,
    /// The time the command runs at.
    now: Millis,
    /// The running command's full name (WrongArity).
    command: &'static str,
    /// `AutoMemory` was called: what is left open at the end is closed and freed.
    auto: bool,
    /// Keys opened under `auto` and not closed yet.
    auto_keys: Vec<*mut keys::Key>,
    /// Strings created under `auto` and not freed yet.
    auto_strings: Vec<*mut MString>,
}

impl Scope {
    fn new(
        server: *mut Server,
        reply: *mut Reply,
        db: usize,
        now: Millis,
        command: &'static str,
    ) -> Self {
        Self {
            server,
            reply,
            db,
            now,
            command,
            auto: false,
            auto_keys: Vec::new(),
            auto_strings: Vec::new(),
        }
    }
}

/// Closes the keys and frees the strings an `AutoMemory` call left behind (Valkey's
/// `autoMemoryCollect`), while the scope is still set.
fn collect_auto_memory() {
    let left = with_server(|_, _, scope| {
        scope.auto = false;
        (
            core::mem::take(&mut scope.auto_keys),
            core::mem::take(&mut scope.auto_strings),
        )
    });
    let Some((keys, strings)) = left else {
        return;
    };
    for k in keys {
        // SAFETY: each was opened by `open_key` under this scope and not closed since (closing
        // removes it from the list).
        unsafe { keys::close_key(k) };
    }
    for s in strings {
        // SAFETY: each was created under this scope and not freed since (freeing removes it
        // from the list); the pool holds one reference.
        unsafe { MString::release(s) };
    }
}

thread_local! {
    static SCOPE: Cell<*mut Scope> = const { Cell::new(null_mut()) };
}

/// Sets the scope for the duration of `f` and restores the previous one (calls nest when a
/// module's `OnLoad` runs inside MODULE LOAD).
fn in_scope<R>(scope: &mut Scope, f: impl FnOnce() -> R) -> R {
    let prev = SCOPE.with(|s| s.replace(scope));
    let r = catch_unwind(AssertUnwindSafe(f));
    SCOPE.with(|s| s.set(prev));
    r.unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Runs `f` on the current scope's server (and reply, when a command runs); `None` when no
/// module call is in progress on this thread.
fn with_server<R>(f: impl FnOnce(&mut Server, Option<&mut Reply>, &mut Scope) -> R) -> Option<R> {
    let p = SCOPE.with(Cell::get);
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null SCOPE points at the `Scope` on the stack of the `in_scope` call that
    // is running below us on this thread; its `server` (and `reply`, if not null) were made
    // from `&mut` borrows that the caller does not use until the module call returns, so this
    // is the only live access to them.
    unsafe {
        let scope = &mut *p;
        let reply = scope.reply.as_mut();
        Some(f(&mut *scope.server, reply, scope))
    }
}

/// Runs an API function body, turning a Rust panic into `fallback` (it must not unwind into C).
fn guard<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// An open module file.
pub(crate) struct Library {
    /// Keeps the code mapped while any instance uses it; `dlclose` on drop.
    _lib: libloading::Library,
    on_load: OnLoadFn,
    on_unload: Option<OnUnloadFn>,
    /// Found only as `RedisModule_OnLoad`.
    pub(crate) legacy: bool,
}

impl core::fmt::Debug for Library {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Library")
            .field("legacy", &self.legacy)
            .finish_non_exhaustive()
    }
}

/// Why a file could not be opened as a module.
pub(crate) enum OpenError {
    /// `dlopen` failed; its message.
    Dlopen(String),
    /// No `ValkeyModule_OnLoad` nor `RedisModule_OnLoad`.
    NoEntryPoint,
}

impl Library {
    /// `dlopen(path, RTLD_NOW | RTLD_LOCAL)` and the entry points.
    pub(crate) fn open(path: &std::path::Path) -> Result<Rc<Self>, OpenError> {
        use libloading::os::unix::{Library as Unix, RTLD_LOCAL, RTLD_NOW};
        // SAFETY: loading a module runs its initialisers; that is what MODULE LOAD asks for,
        // and the operator vouches for the file as Valkey's operators do.
        let unix = unsafe { Unix::open(Some(path), RTLD_NOW | RTLD_LOCAL) }
            .map_err(|e| OpenError::Dlopen(e.to_string()))?;
        let lib = libloading::Library::from(unix);
        // SAFETY: the symbols are looked up with the C signature Valkey's modules export.
        let (on_load, legacy) = unsafe {
            match lib.get::<OnLoadFn>(b"ValkeyModule_OnLoad\0") {
                Ok(f) => (*f, false),
                Err(_) => match lib.get::<OnLoadFn>(b"RedisModule_OnLoad\0") {
                    Ok(f) => (*f, true),
                    Err(_) => return Err(OpenError::NoEntryPoint),
                },
            }
        };
        // SAFETY: as above.
        let on_unload = unsafe {
            lib.get::<OnUnloadFn>(b"ValkeyModule_OnUnload\0")
                .or_else(|_| lib.get::<OnUnloadFn>(b"RedisModule_OnUnload\0"))
                .ok()
                .map(|f| *f)
        };
        Ok(Rc::new(Self {
            _lib: lib,
            on_load,
            on_unload,
            legacy,
        }))
    }

    /// Runs `OnLoad(ctx, argv, argc)` for instance `host`; whether it returned OK.
    pub(crate) fn on_load(&self, server: &mut Server, host: u64, args: &[Vec<u8>]) -> bool {
        let mut ctx = ModuleCtx::new(host);
        let mut argv: Vec<*mut MString> = args.iter().map(|a| MString::into_raw(a)).collect();
        let argc = argv.len() as c_int;
        let mut scope = Scope::new(server, null_mut(), 0, crate::clock::unix_millis(), "module");
        let on_load = self.on_load;
        let status = in_scope(&mut scope, || {
            // SAFETY: `on_load` is the module's entry point with its C signature; `ctx` and
            // `argv` outlive the call; the module retains what it keeps.
            unsafe { on_load(&mut ctx, argv.as_mut_ptr(), argc) }
        });
        for s in argv.drain(..) {
            // SAFETY: each came from `into_raw` and we still hold our reference.
            unsafe { MString::release(s) };
        }
        status == OK
    }

    /// Runs `OnUnload` if the module has one; whether it agreed (no `OnUnload` agrees).
    pub(crate) fn on_unload(&self, server: &mut Server, host: u64) -> bool {
        let Some(f) = self.on_unload else {
            return true;
        };
        let mut ctx = ModuleCtx::new(host);
        let mut scope = Scope::new(server, null_mut(), 0, crate::clock::unix_millis(), "module");
        // SAFETY: `f` is the module's `OnUnload` with its C signature; `ctx` outlives the call.
        let status = in_scope(&mut scope, || unsafe { f(&mut ctx) });
        status == OK
    }
}

/// Runs a module command callback for instance `host` with `args` (name first), writing its
/// reply to `out`.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one call: server, reply, database, time, callback, owner, name, argv"
)]
pub(crate) fn call_command(
    server: &mut Server,
    out: &mut Reply,
    db: usize,
    now: Millis,
    func: CommandFn,
    host: u64,
    command: &'static str,
    args: &[&[u8]],
) {
    let mut ctx = ModuleCtx::new(host);
    let mut argv: Vec<*mut MString> = args.iter().map(|a| MString::into_raw(a)).collect();
    let argc = argv.len() as c_int;
    let mut scope = Scope::new(server, out, db, now, command);
    in_scope(&mut scope, || {
        // SAFETY: `func` is a command callback the module registered with CreateCommand, with
        // the C signature; `ctx` and `argv` outlive the call.
        unsafe { func(&mut ctx, argv.as_mut_ptr(), argc) };
        collect_auto_memory();
    });
    for s in argv.drain(..) {
        // SAFETY: each came from `into_raw` and we still hold our reference.
        unsafe { MString::release(s) };
    }
}

/// The module type handle CreateDataType returns (`ValkeyModuleType`).
pub(crate) struct ModuleType {
    /// The 9-character type name.
    pub(crate) name: [u8; 9],
    /// The type's `mem_usage` callback (MEMORY USAGE).
    pub(crate) mem_usage: Option<types::MemUsageFn>,
    /// The type's `free` callback, for values whose keys are gone.
    pub(crate) free: Option<types::FreeFn>,
}

/// The C string at `p` as bytes (empty for NULL).
///
/// # Safety
///
/// `p` is NULL or points at a NUL-terminated string valid for the call.
unsafe fn c_bytes<'a>(p: *const c_char) -> &'a [u8] {
    if p.is_null() {
        return &[];
    }
    // SAFETY: per the contract.
    unsafe { core::ffi::CStr::from_ptr(p) }.to_bytes()
}

/// The string behind a module string pointer (`None` for NULL).
///
/// # Safety
///
/// `p` is NULL or a live [`MString`] made by this host.
unsafe fn mstring<'a>(p: *const MString) -> Option<&'a MString> {
    // SAFETY: per the contract.
    unsafe { p.as_ref() }
}
