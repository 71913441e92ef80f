//! `SetCommandInfo`: the arity and key specs a module gives a command after `CreateCommand`
//! (the `#[command]` macros of the Rust crates register every command this way).

use core::ffi::{c_char, c_int, c_uint, c_void};

use keyspace::command::{BeginSearch, FindKeys, Flags, KeySpec, KeySpecFlags};

use super::{ERR, OK, c_bytes, guard, with_server};
use crate::modules::{CommandRef, intern, intern_specs};

/// `ValkeyModuleCommandInfoVersion`: the sizes the module was compiled with.
#[repr(C)]
struct InfoVersion {
    version: c_int,
    sizeof_historyentry: usize,
    sizeof_keyspec: usize,
    sizeof_arg: usize,
}

/// `ValkeyModuleCommandInfo` up to the fields read here, in the header's order.
#[repr(C)]
struct CommandInfoHead {
    version: *const InfoVersion,
    summary: *const c_char,
    complexity: *const c_char,
    since: *const c_char,
    history: *const c_void,
    tips: *const c_char,
    arity: c_int,
    key_specs: *const u8,
}

/// The keyword form of a key spec's begin-search union.
#[repr(C)]
#[derive(Clone, Copy)]
struct Keyword {
    keyword: *const c_char,
    startfrom: c_int,
}

/// `bs`: `index.pos` or `keyword`.
#[repr(C)]
union BeginSearchC {
    pos: c_int,
    keyword: Keyword,
}

/// `ValkeyModuleCommandKeySpec`.
#[repr(C)]
struct KeySpecC {
    notes: *const c_char,
    flags: u64,
    begin_search_type: c_uint,
    bs: BeginSearchC,
    find_keys_type: c_uint,
    /// `range {lastkey, keystep, limit}` or `keynum {keynumidx, firstkey, keystep}`.
    fk: [c_int; 3],
}

/// `VALKEYMODULE_KSPEC_BS_*`.
const BS_INVALID: c_uint = 0;
const BS_INDEX: c_uint = 2;
const BS_KEYWORD: c_uint = 3;
/// `VALKEYMODULE_KSPEC_FK_*`.
const FK_OMITTED: c_uint = 0;
const FK_RANGE: c_uint = 2;
const FK_KEYNUM: c_uint = 3;

/// One key spec in our table's terms; `None` for the "unknown" search types.
fn convert(
    flags: u64,
    begin: Option<BeginSearch>,
    find_type: c_uint,
    fk: [c_int; 3],
) -> Option<KeySpec> {
    let find = match find_type {
        // Omitted: the key at the begin-search position only.
        FK_OMITTED => FindKeys::Range {
            last_key: 0,
            step: 1,
            limit: 0,
        },
        FK_RANGE => FindKeys::Range {
            last_key: fk[0],
            step: fk[1],
            limit: fk[2],
        },
        FK_KEYNUM => FindKeys::KeyNum {
            key_num_idx: fk[0],
            first_key: fk[1],
            step: fk[2],
        },
        _ => return None,
    };
    Some(KeySpec {
        // The module's VALKEYMODULE_CMD_KEY_* bits are the table's bits, in the same order.
        flags: KeySpecFlags((flags & 0x7ff) as u32),
        begin: begin?,
        find,
    })
}

/// Reads the zero-terminated key-spec array at `p`, `stride` bytes per entry.
///
/// # Safety
///
/// `p` is NULL or points at such an array, each entry at least `KeySpecC`-sized, with
/// NUL-terminated keywords.
unsafe fn read_specs(p: *const u8, stride: usize) -> Vec<KeySpec> {
    let mut out = Vec::new();
    if p.is_null() || stride < size_of::<KeySpecC>() {
        return out;
    }
    for i in 0.. {
        // SAFETY: per the contract, entry `i` exists until the terminating one, laid out (and
        // aligned) by the module's C compiler as `KeySpecC` is.
        let spec = unsafe { &*p.add(i * stride).cast::<KeySpecC>() };
        let begin = match spec.begin_search_type {
            BS_INVALID => break,
            // SAFETY: the union member the type names.
            BS_INDEX => Some(BeginSearch::Index(unsafe { spec.bs.pos })),
            BS_KEYWORD => {
                // SAFETY: the union member the type names; a NUL-terminated keyword.
                let kw = unsafe { spec.bs.keyword };
                // SAFETY: as above.
                let word = unsafe { c_bytes(kw.keyword) };
                Some(BeginSearch::Keyword {
                    keyword: intern(&word.to_ascii_uppercase()),
                    start_from: kw.startfrom,
                })
            }
            _ => None,
        };
        if let Some(s) = convert(spec.flags, begin, spec.find_keys_type, spec.fk) {
            out.push(s);
        }
    }
    out
}

/// `ValkeyModule_SetCommandInfo` / `RedisModule_SetCommandInfo`: applies the arity (0 keeps
/// -1) and the key specs; a command with keyword or key-count specs gets `movablekeys`.
///
/// # Safety
///
/// `command` is a handle GetCommand returned during this `OnLoad`; `info` points at a
/// `ValkeyModuleCommandInfo` whose version and key specs are laid out as the header says.
pub(super) unsafe extern "C" fn set_command_info(
    command: *mut c_void,
    info: *const c_void,
) -> c_int {
    guard(ERR, || {
        if command.is_null() || info.is_null() {
            return ERR;
        }
        // SAFETY: per the contract.
        let (r, info) = unsafe {
            (
                &*command.cast::<CommandRef>(),
                &*info.cast::<CommandInfoHead>(),
            )
        };
        // SAFETY: per the contract (NULL checked).
        let Some(version) = (unsafe { info.version.as_ref() }) else {
            return ERR;
        };
        // SAFETY: per the contract: the array the module built, entries of the size it says.
        let specs = unsafe { read_specs(info.key_specs, version.sizeof_keyspec) };
        let (host, name, arity) = (r.host, r.name, info.arity);
        with_server(|server, _, _| {
            let Some(l) = server.modules.loading.as_mut().filter(|l| l.host == host) else {
                return ERR;
            };
            let Some(c) = l.commands.iter_mut().find(|c| c.name == name) else {
                return ERR;
            };
            if arity != 0 {
                c.arity = arity;
            }
            if !specs.is_empty() {
                let movable = specs.iter().any(|s| {
                    !matches!(s.begin, BeginSearch::Index(_))
                        || !matches!(s.find, FindKeys::Range { .. })
                });
                if movable {
                    c.flags = c.flags | Flags::MOVABLE_KEYS;
                }
                // The legacy range: the first index/range spec.
                if let Some(KeySpec {
                    begin: BeginSearch::Index(first),
                    find: FindKeys::Range { last_key, step, .. },
                    ..
                }) = specs.first().copied()
                {
                    c.first = first;
                    c.last = if last_key < 0 {
                        last_key
                    } else {
                        first + last_key
                    };
                    c.step = step;
                }
                c.key_specs = Some(intern_specs(specs));
            }
            OK
        })
        .unwrap_or(ERR)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_specs_are_read_until_the_zeroed_entry() {
        let keyword = c"STORE";
        let specs = [
            KeySpecC {
                notes: core::ptr::null(),
                flags: 1 | 16, // RO | ACCESS
                begin_search_type: BS_INDEX,
                bs: BeginSearchC { pos: 1 },
                find_keys_type: FK_RANGE,
                fk: [-1, 2, 0],
            },
            KeySpecC {
                notes: core::ptr::null(),
                flags: 4, // OW
                begin_search_type: BS_KEYWORD,
                bs: BeginSearchC {
                    keyword: Keyword {
                        keyword: keyword.as_ptr(),
                        startfrom: 1,
                    },
                },
                find_keys_type: FK_OMITTED,
                fk: [0; 3],
            },
            KeySpecC {
                notes: core::ptr::null(),
                flags: 0,
                begin_search_type: BS_INVALID,
                bs: BeginSearchC { pos: 0 },
                find_keys_type: 0,
                fk: [0; 3],
            },
        ];
        // SAFETY: a terminated array of entries of exactly this size.
        let got = unsafe { read_specs(specs.as_ptr().cast(), size_of::<KeySpecC>()) };
        assert_eq!(
            got,
            [
                KeySpec {
                    flags: KeySpecFlags::RO | KeySpecFlags::ACCESS,
                    begin: BeginSearch::Index(1),
                    find: FindKeys::Range {
                        last_key: -1,
                        step: 2,
                        limit: 0
                    },
                },
                KeySpec {
                    flags: KeySpecFlags::OW,
                    begin: BeginSearch::Keyword {
                        keyword: "STORE",
                        start_from: 1
                    },
                    find: FindKeys::Range {
                        last_key: 0,
                        step: 1,
                        limit: 0
                    },
                },
            ]
        );
        // SAFETY: NULL is allowed.
        assert!(unsafe { read_specs(core::ptr::null(), size_of::<KeySpecC>()) }.is_empty());
    }
}
