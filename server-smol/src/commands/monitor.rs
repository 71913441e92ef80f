//! `MONITOR` (Valkey's `monitorCommand`): the client sees every command the server runs from
//! then on ([`crate::monitor`]), until RESET or it disconnects.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, ReplySink};

use super::{acl, cmd, flags, info};
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;

pub(super) fn command() -> Command<Handler> {
    cmd(
        info(
            "monitor",
            "monitor",
            1,
            flags(&[F::ADMIN, F::NOSCRIPT, F::LOADING, F::STALE]),
            acl(&[A::ADMIN, A::SLOW, A::DANGEROUS]),
        ),
        monitor,
    )
}

fn monitor(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    if ex.client.in_exec {
        // A transaction expects one reply per command.
        out.error_text("ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if ex.client.monitor {
        // Already monitoring: Valkey ignores it without a reply.
        return;
    }
    ex.client.monitor = true;
    ex.server.monitors.push(ex.client.id);
    out.ok();
}
