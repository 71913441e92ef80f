//! CLIENT PAUSE / UNPAUSE (§3.7 of the protocol digest). Unlike Valkey, CLIENT UNPAUSE is never
//! held back by an ALL pause (see `dispatch::must_wait`).

use keyspace::ReplySink;

use crate::dispatch::Exec;
use crate::pause::Mode;
use crate::reply::Reply;

/// `CLIENT PAUSE timeout [WRITE|ALL]`: replies at once; the mode is checked before the timeout.
pub(super) fn pause(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let mode = match args.get(3) {
        None => Mode::All,
        Some(m) if m.eq_ignore_ascii_case(b"write") => Mode::Write,
        Some(m) if m.eq_ignore_ascii_case(b"all") => Mode::All,
        Some(_) => return out.error_text("ERR CLIENT PAUSE mode must be WRITE or ALL"),
    };
    let Some(timeout) = keyspace::num::canonical_i64(args[2]) else {
        return out.error_text("ERR timeout is not an integer or out of range");
    };
    if timeout < 0 {
        return out.error_text("ERR timeout is negative");
    }
    let now = ex.now.0;
    let end = if timeout > 0 {
        match i64::try_from(now).ok().and_then(|n| n.checked_add(timeout)) {
            Some(end) => end as u64,
            None => return out.error_text("ERR timeout is out of range"),
        }
    } else {
        0
    };
    ex.server.pause.pause(ex.now, end, mode);
    // Both modes pause expiry: expired keys read as absent but stay until the unpause.
    let paused = ex.server.pause.active(ex.now).is_some();
    ex.server.keyspace.set_expiry_paused(paused);
    out.ok();
}

/// `CLIENT UNPAUSE`: always `+OK`; every parked client resumes in arrival order.
pub(super) fn unpause(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    ex.server.unpause();
    out.ok();
}
