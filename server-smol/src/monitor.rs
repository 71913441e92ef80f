//! MONITOR: every command the server runs, printed as Valkey's `replicationFeedMonitors` prints
//! it (`+<sec>.<usec> [<db> <addr>] "arg" ...`), sent to the clients in monitor mode. Admin
//! commands are not shown, credentials are redacted, and a blocked command shows once, when it
//! is first called.

use keyspace::command::{CommandInfo, Flags};

use crate::client::Client;
use crate::clock;
use crate::pubsub::push_to;
use crate::server::Server;

/// Appends `arg` quoted as Valkey's `sdscatrepr` does.
pub(crate) fn repr(arg: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in arg {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            b' '..=b'~' => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// The line a monitor receives for `args` run by `client` in database `db` at `micros`.
pub(crate) fn line(
    client_addr: &str,
    db: usize,
    info: &CommandInfo,
    args: &[&[u8]],
    micros: u64,
) -> Vec<u8> {
    let mut out = format!(
        "+{}.{:06} [{db} {client_addr}] ",
        micros / 1_000_000,
        micros % 1_000_000
    )
    .into_bytes();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if crate::slowlog::redacted(info.full_name, args, i) {
            out.extend_from_slice(b"\"(redacted)\"");
        } else {
            repr(arg, &mut out);
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Sends the command `client` just ran to every monitor (not for admin commands, nor for a
/// blocked command being served again).
pub(crate) fn feed(server: &mut Server, client: &mut Client, info: &CommandInfo, args: &[&[u8]]) {
    if server.monitors.is_empty()
        || info.flags.contains(Flags::ADMIN)
        || info.flags.contains(Flags::SKIP_MONITOR)
        || client.reprocessing
    {
        return;
    }
    let addr = if client
        .stream
        .as_deref()
        .is_some_and(crate::stream::Stream::is_unix)
    {
        format!("unix:{}", server.settings.unixsocket)
    } else {
        client.addr.clone()
    };
    let text = line(&addr, client.db, info, args, clock::unix_micros());
    for id in server.monitors.clone() {
        push_to(
            &server.clients,
            &mut server.pending_pushes,
            client,
            id,
            |_, _, buf| buf.extend_from_slice(&text),
        );
    }
}

/// Takes `id` out of monitor mode (RESET, disconnect).
pub(crate) fn stop(server: &mut Server, id: u64) {
    server.monitors.retain(|&m| m != id);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get_info(name: &'static str) -> CommandInfo {
        CommandInfo {
            name,
            full_name: name,
            arity: -1,
            flags: Flags::NONE,
            acl: keyspace::command::AclCategories::NONE,
            first_key: 0,
            last_key: 0,
            step: 0,
            key_specs: &[],
        }
    }

    #[test]
    fn arguments_are_quoted_as_sdscatrepr_does() {
        let mut out = Vec::new();
        repr(b"a\"b\\c\n\r\t\x07\x08\x01\xff z", &mut out);
        assert_eq!(out, b"\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\xff z\"");
    }

    #[test]
    fn lines_carry_time_db_address_and_arguments() {
        let l = line(
            "127.0.0.1:5000",
            3,
            &get_info("set"),
            &[b"SET", b"k", b"v v"],
            1_700_000_000_000_042,
        );
        assert_eq!(
            l,
            b"+1700000000.000042 [3 127.0.0.1:5000] \"SET\" \"k\" \"v v\"\r\n"
        );
    }

    #[test]
    fn credentials_are_redacted() {
        let l = line("a:1", 0, &get_info("auth"), &[b"AUTH", b"u", b"pw"], 0);
        assert!(l.ends_with(b"] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"));
        let args: [&[u8]; 6] = [b"HELLO", b"3", b"AUTH", b"u", b"pw", b"SETNAME"];
        let l = line("a:1", 0, &get_info("hello"), &args, 0);
        assert!(
            l.ends_with(
                b"] \"HELLO\" \"3\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\"\r\n"
            ),
            "{}",
            String::from_utf8_lossy(&l)
        );
    }
}
