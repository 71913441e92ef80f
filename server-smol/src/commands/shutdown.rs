//! `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]` (Valkey's `shutdownCommand`). There is no
//! persistence, so a plain, NOSAVE, NOW or FORCE shutdown takes the same graceful path as
//! SIGTERM; SAVE cannot be honoured and says so; ABORT finds no shutdown in progress (one
//! never waits here: there are no replicas to catch up).

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, Error, ReplySink};

use super::{acl, cmd, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    cmd(
        info(
            "shutdown",
            "shutdown",
            -1,
            flags(&[
                F::ADMIN,
                F::NOSCRIPT,
                F::LOADING,
                F::STALE,
                F::NO_MULTI,
                F::ALLOW_BUSY,
            ]),
            acl(&[A::ADMIN, A::SLOW, A::DANGEROUS]),
        ),
        shutdown,
    )
}

/// The options, parsed as Valkey does: any order, repeats allowed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    nosave: bool,
    save: bool,
    abort: bool,
    /// NOW or FORCE: nothing here waits or can fail, so they change nothing.
    now_or_force: bool,
}

fn parse(args: &[&[u8]]) -> Result<Options, Error<'static>> {
    let mut o = Options::default();
    for a in &args[1..] {
        match a.to_ascii_lowercase().as_slice() {
            b"nosave" => o.nosave = true,
            b"save" => o.save = true,
            b"now" | b"force" => o.now_or_force = true,
            b"abort" => o.abort = true,
            _ => return Err(Error::Syntax),
        }
    }
    let flagged = o.nosave || o.save || o.now_or_force;
    if (o.abort && flagged) || (o.nosave && o.save) {
        return Err(Error::Syntax);
    }
    Ok(o)
}

fn shutdown(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return out.error(&e),
    };
    if o.abort {
        out.error_text("ERR No shutdown in progress.");
        return;
    }
    if o.save {
        ex.server
            .log
            .warning("SHUTDOWN SAVE refused: this server has no persistence to save to.");
        out.error_text(
            "ERR Errors trying to SHUTDOWN: SAVE is not supported, this server has no \
             persistence",
        );
        return;
    }
    // No reply: the connection closes as the server goes down (Valkey exits in the command).
    ex.client.close_after_reply = true;
    ex.server.request_shutdown();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_in_any_case_and_bad_combinations_are_syntax_errors() {
        let ok = |a: &[&[u8]]| parse(a).expect("valid");
        assert_eq!(ok(&[b"shutdown"]), Options::default());
        let o = ok(&[b"shutdown", b"NoSave", b"now", b"FORCE"]);
        assert!(o.nosave && o.now_or_force && !o.abort);
        assert!(ok(&[b"shutdown", b"abort"]).abort);
        for bad in [
            &[&b"shutdown"[..], b"nosave", b"save"][..],
            &[b"shutdown", b"abort", b"now"],
            &[b"shutdown", b"abort", b"nosave"],
            &[b"shutdown", b"later"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
