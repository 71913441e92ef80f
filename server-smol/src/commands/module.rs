//! MODULE: LIST, LOAD, LOADEX, UNLOAD, HELP, and our SET-ARGUMENT / RESET-ARGUMENT, gated by
//! `enable-module-command` as Valkey gates PROTECTED commands.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, ReplySink};
use modules_core::{LOAD_ERROR, Origin};

use super::{acl, cmd, container, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::modules;
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    let protected = flags(&[F::ADMIN, F::NOSCRIPT, F::NO_ASYNC_LOADING]);
    let a = acl(&[A::ADMIN, A::SLOW, A::DANGEROUS]);
    container(
        info("module", "module", -2, F::NONE, acl(&[A::SLOW])),
        None,
        vec![
            cmd(
                info(
                    "help",
                    "module|help",
                    2,
                    flags(&[F::LOADING, F::STALE]),
                    acl(&[A::SLOW]),
                ),
                help,
            ),
            cmd(
                info("list", "module|list", 2, flags(&[F::ADMIN, F::NOSCRIPT]), a),
                list,
            ),
            cmd(info("load", "module|load", -3, protected, a), load),
            cmd(info("loadex", "module|loadex", -3, protected, a), loadex),
            cmd(
                info("reset-argument", "module|reset-argument", 3, protected, a),
                reset_argument,
            ),
            cmd(
                info("set-argument", "module|set-argument", -3, protected, a),
                set_argument,
            ),
            cmd(info("unload", "module|unload", 3, protected, a), unload),
        ],
    )
}

/// The PROTECTED check: `true` (and the error written) when the command is not allowed.
fn refused(ex: &Exec<'_>, out: &mut Reply) -> bool {
    let gate = ex.server.settings.enable_module_command;
    super::protected::refused(ex, gate, ("MODULE", "enable-module-command"), out)
}

fn list(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    modules::reply_list(&ex.server.modules, out);
}

fn load_reply(ex: &mut Exec<'_>, path: &[u8], args: Vec<Vec<u8>>, out: &mut Reply) {
    match modules::load(ex.server, path, args, Origin::Command) {
        Ok(()) => out.ok(),
        Err(_) => out.error_text(&format!("ERR {LOAD_ERROR}")),
    }
}

fn load(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if refused(ex, out) {
        return;
    }
    let rest = args[3..].iter().map(|a| a.to_vec()).collect();
    load_reply(ex, args[2], rest, out);
}

fn loadex(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if refused(ex, out) {
        return;
    }
    // Valkey's parseLoadexArguments: CONFIG name value pairs, then ARGS takes the rest.
    let mut configs: Vec<(&[u8], &[u8])> = Vec::new();
    let mut module_args = Vec::new();
    let mut i = 3;
    while i < args.len() {
        if args[i].eq_ignore_ascii_case(b"CONFIG") && i + 2 < args.len() {
            configs.retain(|(n, _)| !n.eq_ignore_ascii_case(args[i + 1]));
            configs.push((args[i + 1], args[i + 2]));
            i += 3;
        } else if args[i].eq_ignore_ascii_case(b"ARGS") {
            module_args = args[i + 1..].iter().map(|a| a.to_vec()).collect();
            break;
        } else {
            ex.server.log.notice(&format!(
                "Syntax error in MODULE LOADEX near '{}'",
                String::from_utf8_lossy(args[i])
            ));
            return out.error_text(&format!("ERR {LOAD_ERROR}"));
        }
    }
    let configs = configs
        .into_iter()
        .map(|(n, v)| (n.to_vec(), v.to_vec()))
        .collect();
    match modules::loadex(ex.server, args[2], module_args, configs) {
        Ok(()) => out.ok(),
        Err(_) => out.error_text(&format!("ERR {LOAD_ERROR}")),
    }
}

fn unload(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if refused(ex, out) {
        return;
    }
    match modules::unload(ex.server, args[2]) {
        Ok(()) => out.ok(),
        Err(refusal) => out.error_text(&format!("ERR {refusal}")),
    }
}

fn args_reply(result: Result<modules_core::ArgsApplied, modules_core::ArgsError>, out: &mut Reply) {
    match result {
        Ok(modules_core::ArgsApplied::Reloaded) => out.ok(),
        Ok(stored) => out.simple(&stored.to_string()),
        Err(e) => out.error_text(&format!("ERR {e}")),
    }
}

fn set_argument(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if refused(ex, out) {
        return;
    }
    let new = args[3..].iter().map(|a| a.to_vec()).collect();
    args_reply(modules::change_args(ex.server, args[2], Some(new)), out);
}

fn reset_argument(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if refused(ex, out) {
        return;
    }
    args_reply(modules::change_args(ex.server, args[2], None), out);
}

const HELP: &[&str] = &[
    "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
    "SET-ARGUMENT <name> [<arg> ...]",
    "    Restart a module with new arguments; if it rejects them, the previous arguments stay.",
    "RESET-ARGUMENT <name>",
    "    Restart a module with the arguments it was loaded with.",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}
