//! CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO, wired to `tracking-core` (§2.2, §2.8,
//! §2.13 of the protocol digest).

use keyspace::ReplySink;
use tracking_core::ClientId;

use crate::dispatch::Exec;
use crate::reply::Reply;
use crate::tracking::Conns;

fn me(ex: &Exec<'_>) -> ClientId {
    ClientId::new(ex.client.id).expect("client ids start at 1")
}

/// `CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]`.
pub(super) fn tracking(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let id = me(ex);
    let conns = Conns {
        clients: &ex.server.clients,
        me: Some((ex.client.id, ex.client.close_after_reply)),
    };
    match ex
        .server
        .changes
        .tracker
        .client_tracking(id, &args[2..], &conns)
    {
        Ok(()) => out.ok(),
        Err(e) => out.error_bytes(&e.text()),
    }
}

/// `CLIENT CACHING YES|NO`.
pub(super) fn caching(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let id = me(ex);
    match ex.server.changes.tracker.client_caching(id, &args[2..]) {
        Ok(()) => out.ok(),
        Err(e) => out.error_text(e.text()),
    }
}

/// `CLIENT GETREDIR`: -1 off, 0 on without redirect, else the redirect id.
pub(super) fn getredir(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let id = me(ex);
    out.integer(ex.server.changes.tracker.getredir(id));
}

/// `CLIENT TRACKINGINFO`: a map of `flags` (a set), `redirect` and `prefixes`.
pub(super) fn trackinginfo(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let id = me(ex);
    let info = ex.server.changes.tracker.tracking_info(id);
    out.map(3);
    out.bulk(b"flags");
    let flags: Vec<&str> = info.flags().collect();
    out.set(flags.len());
    for f in flags {
        out.bulk_str(f);
    }
    out.bulk(b"redirect");
    out.integer(info.redirect);
    out.bulk(b"prefixes");
    out.array(info.prefixes.len());
    for p in info.prefixes {
        out.bulk(p);
    }
}
