//! Valkey's PROTECTED commands (DEBUG, MODULE LOAD/UNLOAD...): refused unless their
//! `enable-*-command` option says `yes`, or `local` and the client is local.

use crate::config::ProtectedGate;
use crate::dispatch::Exec;
use crate::reply::Reply;

/// Whether `addr` (`ip:port`, or a socket path) is a local connection (Valkey's
/// `islocalClient`: loopback or a Unix socket).
pub(super) fn is_local(addr: &str) -> bool {
    addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with('/')
}

/// Valkey's PROTECTED check for `gate` (`DEBUG` / `enable-debug-command`, `MODULE` /
/// `enable-module-command`): `true` (and the error written) when the command is refused.
pub(super) fn refused(
    ex: &Exec<'_>,
    gate: ProtectedGate,
    what: (&str, &str),
    out: &mut Reply,
) -> bool {
    let allowed = match gate {
        ProtectedGate::Yes => true,
        ProtectedGate::No => false,
        ProtectedGate::Local => is_local(&ex.client.addr),
    };
    if !allowed {
        out.error_text(&format!(
            "ERR {} command not allowed. If the {} option is set to \"local\", you can run it \
             from a local connection, otherwise you need to set this option in the \
             configuration file, and then restart the server.",
            what.0, what.1
        ));
    }
    !allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_connections_are_loopback_or_unix_sockets() {
        assert!(is_local("127.0.0.1:5000"));
        assert!(is_local("[::1]:5000"));
        assert!(is_local("/tmp/v.sock:0"));
        assert!(!is_local("10.0.0.1:5000"));
    }
}
