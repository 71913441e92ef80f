//! CLIENT ID / SETNAME / GETNAME / SETINFO / INFO / LIST / KILL / REPLY / UNBLOCK / NO-EVICT /
//! NO-TOUCH / CAPA / HELP, with the fields, filters and texts of Valkey 8; TRACKING, CACHING,
//! GETREDIR and TRACKINGINFO are in `client_tracking.rs`, PAUSE and UNPAUSE in
//! `client_pause.rs`.

use keyspace::command::{AclCategories as A, Flags as F};
use keyspace::{Command, Error, ReplySink};

use super::{acl, client_pause, client_tracking, cmd, container, flags, info};
use crate::client::{Client, valid_name};
use crate::commands::connection::BAD_NAME;
use crate::dispatch::{Exec, Handler};
use crate::reply::Reply;
use crate::server::Changes;
use tracking_core::{ClientId, Tracker, TrackingInfo};

pub(super) fn command() -> Command<Handler> {
    let base = flags(&[F::NOSCRIPT, F::LOADING, F::STALE]);
    let admin = base.union(F::ADMIN);
    let conn = acl(&[A::CONNECTION, A::SLOW]);
    let conn_admin = acl(&[A::CONNECTION, A::SLOW, A::ADMIN, A::DANGEROUS]);
    let sub = |name, full, arity, f, a, h| cmd(info(name, full, arity, f, a), h);
    container(
        info("client", "client", -2, F::NONE, acl(&[A::SLOW])),
        None,
        vec![
            sub("id", "client|id", 2, base, conn, id),
            sub("setname", "client|setname", 3, base, conn, setname),
            sub("getname", "client|getname", 2, base, conn, getname),
            sub("setinfo", "client|setinfo", 4, base, conn, setinfo),
            sub("info", "client|info", 2, base, conn, client_info),
            sub("list", "client|list", -2, admin, conn_admin, list),
            sub("kill", "client|kill", -3, admin, conn_admin, kill),
            sub("reply", "client|reply", 3, base, conn, reply),
            sub("unblock", "client|unblock", -3, admin, conn_admin, unblock),
            sub(
                "no-evict",
                "client|no-evict",
                3,
                admin,
                conn_admin,
                no_evict,
            ),
            sub(
                "no-touch",
                "client|no-touch",
                3,
                flags(&[F::NOSCRIPT, F::LOADING, F::STALE]),
                conn,
                no_touch,
            ),
            sub("capa", "client|capa", -3, base, conn, capa),
            sub(
                "tracking",
                "client|tracking",
                -3,
                base,
                conn,
                client_tracking::tracking,
            ),
            sub(
                "caching",
                "client|caching",
                3,
                base,
                conn,
                client_tracking::caching,
            ),
            sub(
                "getredir",
                "client|getredir",
                2,
                base,
                conn,
                client_tracking::getredir,
            ),
            sub(
                "trackinginfo",
                "client|trackinginfo",
                2,
                base,
                conn,
                client_tracking::trackinginfo,
            ),
            sub(
                "pause",
                "client|pause",
                -3,
                admin,
                conn_admin,
                client_pause::pause,
            ),
            sub(
                "unpause",
                "client|unpause",
                2,
                admin,
                conn_admin,
                client_pause::unpause,
            ),
            sub(
                "help",
                "client|help",
                2,
                flags(&[F::LOADING, F::STALE]),
                conn,
                help,
            ),
        ],
    )
}

fn id(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.integer(ex.client.id as i64);
}

fn setname(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if !valid_name(args[2]) {
        return out.error_text(BAD_NAME);
    }
    ex.client.name = args[2].to_vec();
    out.ok();
}

fn getname(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    if ex.client.name.is_empty() {
        out.null();
    } else {
        out.bulk(&ex.client.name);
    }
}

fn setinfo(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let (attr, value) = (args[2], args[3]);
    let field = if attr.eq_ignore_ascii_case(b"lib-name") {
        &mut ex.client.lib_name
    } else if attr.eq_ignore_ascii_case(b"lib-ver") {
        &mut ex.client.lib_ver
    } else {
        return out.error_text(&format!(
            "ERR Unrecognized option '{}'",
            String::from_utf8_lossy(attr)
        ));
    };
    if !valid_name(value) {
        return out.error_text(&format!(
            "ERR {} cannot contain spaces, newlines or special characters.",
            String::from_utf8_lossy(attr)
        ));
    }
    *field = value.to_vec();
    out.ok();
}

fn client_info(ex: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    let mut text = Vec::new();
    let tracking = tracking_of(&ex.server.changes.tracker, ex.client.id);
    let watches = &ex.server.changes.watches;
    ex.client.info_line(ex.now, &tracking, watches, &mut text);
    out.verbatim(b"txt", &text);
}

/// A client type as CLIENT LIST TYPE and CLIENT KILL TYPE name them. Connections here are
/// normal or Pub/Sub (subscribed to anything); no replicas or primaries yet, so those names
/// are valid and select none.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientKind {
    Normal,
    PubSub,
    Nothing,
}

impl ClientKind {
    fn matches(self, c: &Client) -> bool {
        match self {
            Self::Normal => !c.subscribed(),
            Self::PubSub => c.subscribed(),
            Self::Nothing => false,
        }
    }
}

fn client_type(name: &[u8]) -> Option<ClientKind> {
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    if is("normal") {
        Some(ClientKind::Normal)
    } else if is("pubsub") {
        Some(ClientKind::PubSub)
    } else if ["slave", "replica", "master", "primary"]
        .iter()
        .any(|n| is(n))
    {
        Some(ClientKind::Nothing)
    } else {
        None
    }
}

fn unknown_type(out: &mut Reply, name: &[u8]) {
    out.error_text(&format!(
        "ERR Unknown client type '{}'",
        String::from_utf8_lossy(name)
    ));
}

/// Calls `f` on every client in connection order, the caller included.
fn for_each_client(ex: &Exec<'_>, mut f: impl FnMut(&Client)) {
    for (id, c) in &ex.server.clients {
        if *id == ex.client.id {
            f(ex.client);
        } else if let Ok(c) = c.try_borrow() {
            f(&c);
        }
    }
}

/// Client `id`'s tracking state, for its CLIENT LIST line.
fn tracking_of(tracker: &Tracker, id: u64) -> TrackingInfo<'_> {
    tracker.tracking_info(ClientId::new(id).expect("client ids start at 1"))
}

/// Appends `c`'s CLIENT LIST line.
fn line(changes: &Changes, c: &Client, now: keyspace::Millis, text: &mut Vec<u8>) {
    let tracking = tracking_of(&changes.tracker, c.id);
    c.info_line(now, &tracking, &changes.watches, text);
}

fn list(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let now = ex.now;
    let mut text = Vec::new();
    if list_lines(ex, args, now, &mut text, out) {
        out.verbatim(b"txt", &text);
    }
}

/// The lines of CLIENT LIST; false when an error was replied instead.
fn list_lines(
    ex: &Exec<'_>,
    args: &[&[u8]],
    now: keyspace::Millis,
    text: &mut Vec<u8>,
    out: &mut Reply,
) -> bool {
    let tracker = &ex.server.changes;
    match args {
        [_, _] => for_each_client(ex, |c| line(tracker, c, now, text)),
        [_, _, t, name] if t.eq_ignore_ascii_case(b"type") => match client_type(name) {
            Some(kind) => for_each_client(ex, |c| {
                if kind.matches(c) {
                    line(tracker, c, now, text);
                }
            }),
            None => {
                unknown_type(out, name);
                return false;
            }
        },
        [_, _, t, ids @ ..] if t.eq_ignore_ascii_case(b"id") && !ids.is_empty() => {
            for raw in ids {
                let Some(id) = keyspace::num::canonical_i64(raw) else {
                    out.error_text("ERR Invalid client ID");
                    return false;
                };
                if id == ex.client.id as i64 {
                    line(tracker, ex.client, now, text);
                } else if let Some(c) = u64::try_from(id)
                    .ok()
                    .and_then(|i| ex.server.clients.get(&i))
                    && let Ok(c) = c.try_borrow()
                {
                    line(tracker, &c, now, text);
                }
            }
        }
        _ => {
            out.error(&Error::Syntax);
            return false;
        }
    }
    true
}

/// CLIENT KILL's filters, all of which must match.
#[derive(Default)]
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    id: Option<u64>,
    kind: Option<ClientKind>,
    max_age: Option<u64>,
    skip_me: bool,
}

impl KillFilter<'_> {
    fn matches(&self, c: &Client, me: u64, now: keyspace::Millis) -> bool {
        self.addr.is_none_or(|a| a == c.addr.as_bytes())
            && self.laddr.is_none_or(|a| a == c.laddr.as_bytes())
            && self.id.is_none_or(|id| id == c.id)
            && self.kind.is_none_or(|k| k.matches(c))
            && !(self.skip_me && c.id == me)
            && self.max_age.is_none_or(|age| c.age(now) >= age)
    }
}

fn parse_kill<'a>(args: &[&'a [u8]], out: &mut Reply) -> Option<KillFilter<'a>> {
    let mut f = KillFilter {
        skip_me: true,
        ..KillFilter::default()
    };
    let mut rest = &args[2..];
    while let [opt, value, more @ ..] = rest {
        let is = |n: &str| opt.eq_ignore_ascii_case(n.as_bytes());
        if is("id") {
            match keyspace::num::canonical_i64(value).filter(|v| *v >= 1) {
                Some(v) => f.id = Some(v as u64),
                None => {
                    out.error_text("ERR client-id should be greater than 0");
                    return None;
                }
            }
        } else if is("maxage") {
            let Some(v) = keyspace::num::canonical_i64(value) else {
                out.error_text("ERR maxage is not an integer or out of range");
                return None;
            };
            if v <= 0 {
                out.error_text("ERR maxage should be greater than 0");
                return None;
            }
            f.max_age = Some(v as u64);
        } else if is("type") {
            match client_type(value) {
                Some(t) => f.kind = Some(t),
                None => {
                    unknown_type(out, value);
                    return None;
                }
            }
        } else if is("addr") {
            f.addr = Some(value);
        } else if is("laddr") {
            f.laddr = Some(value);
        } else if is("user") {
            if *value != b"default" {
                out.error_text(&format!(
                    "ERR No such user '{}'",
                    String::from_utf8_lossy(value)
                ));
                return None;
            }
        } else if is("skipme") {
            if value.eq_ignore_ascii_case(b"yes") {
                f.skip_me = true;
            } else if value.eq_ignore_ascii_case(b"no") {
                f.skip_me = false;
            } else {
                out.error(&Error::Syntax);
                return None;
            }
        } else {
            out.error(&Error::Syntax);
            return None;
        }
        rest = more;
    }
    if rest.is_empty() {
        Some(f)
    } else {
        out.error(&Error::Syntax);
        None
    }
}

fn kill(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let old_form = args.len() == 3;
    let filter = if old_form {
        KillFilter {
            addr: Some(args[2]),
            ..KillFilter::default()
        }
    } else {
        match parse_kill(args, out) {
            Some(f) => f,
            None => return,
        }
    };
    let me = ex.client.id;
    let now = ex.now;
    let mut victims = Vec::new();
    let mut kill_me = false;
    for_each_client(ex, |c| {
        if filter.matches(c, me, now) {
            if c.id == me {
                kill_me = true;
            } else {
                victims.push(c.id);
            }
        }
    });
    for id in &victims {
        if let Some(c) = ex.server.clients.get(id).cloned() {
            if let Ok(c) = c.try_borrow() {
                c.disconnect();
            }
            ex.server.forget_client(*id);
        }
    }
    let killed = victims.len() + usize::from(kill_me);
    if old_form {
        if killed == 0 {
            out.error_text("ERR No such client");
        } else {
            out.ok();
        }
    } else {
        out.integer(killed as i64);
    }
    if kill_me {
        ex.client.close_after_reply = true;
    }
}

fn reply(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    let mode = args[2];
    if mode.eq_ignore_ascii_case(b"on") {
        ex.client.reply_off = false;
        ex.client.reply_skip = false;
        out.ok();
    } else if mode.eq_ignore_ascii_case(b"off") {
        ex.client.reply_off = true;
    } else if mode.eq_ignore_ascii_case(b"skip") {
        if !ex.client.reply_off {
            ex.client.reply_skip_next = true;
        }
    } else {
        out.error(&Error::Syntax);
    }
}

/// Releases a client blocked by BLPOP and the like, with the timeout reply or (ERROR) the
/// `UNBLOCKED` error: 1, else 0. A client parked by CLIENT PAUSE is never released (Valkey PR
/// #2117; the 8.0 snapshot crashed) and stays parked.
fn unblock(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    if args.len() > 4 {
        return out.error_text(&format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
            String::from_utf8_lossy(args[1])
        ));
    }
    if let Some(reason) = args.get(3)
        && !reason.eq_ignore_ascii_case(b"timeout")
        && !reason.eq_ignore_ascii_case(b"error")
    {
        return out.error_text("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
    let Some(id) = keyspace::num::canonical_i64(args[2]) else {
        return out.error(&Error::NotAnInteger);
    };
    let error = args
        .get(3)
        .is_some_and(|r| r.eq_ignore_ascii_case(b"error"));
    let released = u64::try_from(id)
        .is_ok_and(|id| id != ex.client.id && crate::blocking::unblock(ex.server, id, error));
    out.integer(i64::from(released));
}

fn on_off(arg: &[u8]) -> Option<bool> {
    if arg.eq_ignore_ascii_case(b"on") {
        Some(true)
    } else if arg.eq_ignore_ascii_case(b"off") {
        Some(false)
    } else {
        None
    }
}

fn no_evict(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    match on_off(args[2]) {
        Some(v) => {
            ex.client.no_evict = v;
            out.ok();
        }
        None => out.error(&Error::Syntax),
    }
}

fn no_touch(ex: &mut Exec<'_>, args: &[&[u8]], out: &mut Reply) {
    match on_off(args[2]) {
        Some(v) => {
            ex.client.no_touch = v;
            out.ok();
        }
        None => out.error(&Error::Syntax),
    }
}

/// CLIENT CAPA: capabilities this server does not act on are ignored, as Valkey ignores
/// unknown ones.
fn capa(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    out.ok();
}

/// Valkey's help text, for the subcommands this server has.
const HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "CAPA <option> [options...]",
    "    The client claims its some capability options. Options are:",
    "    * REDIRECT",
    "      The client can handle redirection during primary and replica failover in standalone mode.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "    * ID <client-id>",
    "      Kill connections by client id.",
    "    * MAXAGE <maxage>",
    "      Kill connections older than the specified age.",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
    "HELP",
    "    Print this help.",
];

fn help(_: &mut Exec<'_>, _: &[&[u8]], out: &mut Reply) {
    super::reply_help(out, HELP);
}
