//! Connection commands: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO, and TIME.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, Error, ReplySink};
use resp_codec::Protocol;

use super::{acl, cmd, flags, info};
use crate::client::valid_name;
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;
use crate::{VERSION, clock};

/// Valkey's AUTH failure.
pub(crate) const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

/// The client-name error of SETNAME and HELLO SETNAME.
pub(crate) const BAD_NAME: &str =
    "ERR Client names cannot contain spaces, newlines or special characters.";

pub(super) fn commands() -> Vec<Command<Handler>> {
    let conn = acl(&[A::CONNECTION, A::FAST]);
    let no_auth = flags(&[
        F::NOSCRIPT,
        F::LOADING,
        F::STALE,
        F::FAST,
        F::NO_AUTH,
        F::ALLOW_BUSY,
    ]);
    vec![
        cmd(info("ping", "ping", -1, flags(&[F::FAST]), conn), ping),
        cmd(
            info(
                "echo",
                "echo",
                2,
                flags(&[F::LOADING, F::STALE, F::FAST]),
                conn,
            ),
            echo,
        ),
        cmd(
            info(
                "select",
                "select",
                2,
                flags(&[F::LOADING, F::STALE, F::FAST]),
                conn,
            ),
            select,
        ),
        cmd(info("quit", "quit", -1, no_auth, conn), quit),
        cmd(info("reset", "reset", 1, no_auth, conn), reset),
        cmd(
            info("auth", "auth", -2, no_auth, acl(&[A::CONNECTION, A::FAST])),
            auth,
        ),
        cmd(info("hello", "hello", -1, no_auth, conn), hello),
        cmd(
            info(
                "time",
                "time",
                1,
                flags(&[F::LOADING, F::STALE, F::FAST]),
                acl(&[A::FAST]),
            ),
            time,
        ),
    ]
}

fn ping(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if ex.client.subscribed() && !ex.client.resp3() {
        // RESP2 in Pub/Sub mode: a `pong` message, so a subscriber can tell it from a message.
        out.array(2);
        out.bulk(b"pong");
        return out.bulk(args.get(1).copied().unwrap_or(b""));
    }
    match args {
        [_] => out.simple("PONG"),
        [_, msg] => out.bulk(msg),
        _ => out.error(&Error::WrongArity { command: "ping" }),
    }
}

fn echo(_: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    out.bulk(args[1]);
}

fn select(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let Some(db) = keyspace::num::canonical_i64(args[1]).filter(|v| i32::try_from(*v).is_ok())
    else {
        return out.error(&Error::NotAnInteger);
    };
    match usize::try_from(db) {
        Ok(db) if db < ex.server.keyspace.databases() => {
            ex.client.db = db;
            out.ok();
        }
        _ => out.error(&Error::DbIndexOutOfRange),
    }
}

fn quit(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.ok();
    ex.client.close_after_reply = true;
}

/// Valkey's `clearClientConnectionState`: back to a fresh connection, lib-name/ver kept.
fn reset(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::multi::discard_transaction(ex);
    let c = &mut *ex.client;
    c.db = 0;
    c.resp = Protocol::Resp2;
    out.set_protocol(Protocol::Resp2);
    c.authenticated = ex.server.settings.requirepass.is_none();
    c.name.clear();
    c.reply_off = false;
    c.reply_skip = false;
    c.reply_skip_next = false;
    c.no_evict = false;
    c.no_touch = false;
    if let Some(id) = tracking_core::ClientId::new(c.id) {
        ex.server.changes.tracker.disable(id);
    }
    super::pubsub::leave_all(ex);
    ex.client.monitor = false;
    crate::monitor::stop(ex.server, ex.client.id);
    out.simple("RESET");
}

/// Checks credentials against the default user; `Ok` authenticates the client.
fn authenticate(ex: &mut Exec<'_>, user: &[u8], pass: &[u8]) -> Result<(), ()> {
    let ok = user == b"default"
        && ex
            .server
            .settings
            .requirepass
            .as_deref()
            .is_none_or(|p| p == pass);
    if ok {
        ex.client.authenticated = true;
        Ok(())
    } else {
        Err(())
    }
}

fn auth(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let (user, pass): (&[u8], &[u8]) = match args {
        [_, pass] => {
            if ex.server.settings.requirepass.is_none() {
                return out.error_text(
                    "ERR AUTH <password> called without any password configured for the default \
                     user. Are you sure your configuration is correct?",
                );
            }
            (b"default", pass)
        }
        [_, user, pass] => (user, pass),
        _ => return out.error(&Error::Syntax),
    };
    match authenticate(ex, user, pass) {
        Ok(()) => out.ok(),
        Err(()) => out.error_text(WRONGPASS),
    }
}

fn hello(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let mut proto = None;
    let mut rest = args.get(1..).unwrap_or(&[]);
    if let Some((v, more)) = rest.split_first() {
        let Some(v) = keyspace::num::canonical_i64(v) else {
            return out.error_text("ERR Protocol version is not an integer or out of range");
        };
        proto = Some(match v {
            2 => Protocol::Resp2,
            3 => Protocol::Resp3,
            _ => return out.error_text("NOPROTO unsupported protocol version"),
        });
        rest = more;
    }
    let mut creds = None;
    let mut name = None;
    while let Some((opt, more)) = rest.split_first() {
        if opt.eq_ignore_ascii_case(b"AUTH") && more.len() >= 2 {
            creds = Some((more[0], more[1]));
            rest = &more[2..];
        } else if opt.eq_ignore_ascii_case(b"SETNAME") && !more.is_empty() {
            if !valid_name(more[0]) {
                return out.error_text(BAD_NAME);
            }
            name = Some(more[0]);
            rest = &more[1..];
        } else {
            return out.error_text(&format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(opt)
            ));
        }
    }
    if let Some((user, pass)) = creds
        && authenticate(ex, user, pass).is_err()
    {
        return out.error_text(WRONGPASS);
    }
    if ex.server.auth_required(ex.client) {
        return out.error_text(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
             HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and \
             select the RESP protocol version at the same time",
        );
    }
    if let Some(name) = name {
        ex.client.name = name.to_vec();
    }
    if let Some(p) = proto {
        ex.client.resp = p;
        out.set_protocol(p);
    }
    let compat = ex.server.settings.extended_redis_compatibility;
    out.map(7);
    out.bulk(b"server");
    out.bulk(if compat { b"redis" } else { b"valkey" });
    out.bulk(b"version");
    if compat {
        out.bulk_str(&ex.server.settings.extended_redis_compatibility_version);
    } else {
        out.bulk_str(VERSION);
    }
    out.bulk(b"proto");
    out.integer(match ex.client.resp {
        Protocol::Resp2 => 2,
        Protocol::Resp3 => 3,
    });
    out.bulk(b"id");
    out.integer(ex.client.id as i64);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    crate::modules::reply_list(&ex.server.modules, out);
}

fn time(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let us = clock::unix_micros();
    out.array(2);
    out.bulk_str(&(us / 1_000_000).to_string());
    out.bulk_str(&(us % 1_000_000).to_string());
}
