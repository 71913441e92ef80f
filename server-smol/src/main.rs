//! `server-smol`: the Valkey/Redis-compatible server binary.
//!
//! The server is not built yet (issue 6). Until it is, this binary says so and exits with a
//! failure status instead of pretending to listen.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "server-smol: the server is not built yet; only the resp-codec crate works so far \
         (see README.md)"
    );
    ExitCode::FAILURE
}
