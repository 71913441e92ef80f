//! SHUTDOWN and its options: without persistence, plain/NOSAVE/NOW/FORCE take SIGTERM's
//! graceful path; SAVE and ABORT answer errors and change nothing.

use crate::support::Server;

/// A pid file path unique to this test process and `name`.
fn pidfile(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "server-smol-shutdown-{name}-{}.pid",
        std::process::id()
    ))
}

#[test]
fn shutdown_and_its_nosave_now_force_forms_exit_gracefully_and_remove_the_pidfile() {
    for (i, options) in [
        &[][..],
        &["NOSAVE"],
        &["now", "force"],
        &["NOSAVE", "NOW", "FORCE"],
    ]
    .iter()
    .enumerate()
    {
        let pid = pidfile(&i.to_string());
        let mut server = Server::start(&["--pidfile", &pid.display().to_string()]);
        assert!(pid.exists());
        let mut other = server.raw();
        other.roundtrip(&["SET", "k", "v"], b"+OK\r\n");
        let mut c = server.raw();
        let mut args = vec!["SHUTDOWN"];
        args.extend_from_slice(options);
        // A command pipelined after SHUTDOWN never runs: the connection just closes.
        c.cmd(&args);
        c.cmd(&["PING"]);
        assert_eq!(c.until_closed(), b"", "{options:?}");
        assert_eq!(other.until_closed(), b"", "{options:?}");
        let status = server.wait_exit();
        assert!(status.success(), "{options:?}: {status:?}");
        assert!(!pid.exists(), "{options:?}");
        server.wait_log("User requested shutdown...");
        server.wait_log("Removing the pid file.");
        server.wait_log("Valkey is now ready to exit, bye bye...");
    }
}

#[test]
fn shutdown_save_and_abort_answer_errors_and_the_server_keeps_running() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(
        &["SHUTDOWN", "SAVE"],
        b"-ERR Errors trying to SHUTDOWN: SAVE is not supported, this server has no persistence\r\n",
    );
    c.roundtrip(&["SHUTDOWN", "ABORT"], b"-ERR No shutdown in progress.\r\n");
    for bad in [
        &["SHUTDOWN", "SAVE", "NOSAVE"][..],
        &["SHUTDOWN", "ABORT", "NOW"],
        &["SHUTDOWN", "LATER"],
    ] {
        c.roundtrip(bad, b"-ERR syntax error\r\n");
    }
    c.roundtrip(&["PING"], b"+PONG\r\n");
}

#[test]
fn shutdown_inside_multi_is_refused_and_dooms_the_transaction() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    c.roundtrip(&["MULTI"], b"+OK\r\n");
    c.roundtrip(
        &["SHUTDOWN", "NOSAVE"],
        b"-ERR Command not allowed inside a transaction\r\n",
    );
    c.roundtrip(
        &["EXEC"],
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    c.roundtrip(&["PING"], b"+PONG\r\n");
}
