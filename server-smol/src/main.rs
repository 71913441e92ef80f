//! `server-smol`: a Valkey/Redis-compatible server on one smol data thread.
//!
//! Run it like redis-server: `server-smol [config-file] [--name value ...]`. With no arguments
//! it listens on 127.0.0.1:6379 with Valkey's defaults. The cores do the work: `resp-codec`
//! parses requests and encodes replies, `keyspace` holds the data and the data commands; this
//! crate is the shell around them (sockets, config, clock, signals, the server's own commands).
//! Native modules load through the Valkey module ABI (`modules`). It does not persist data or
//! replicate yet.

// All `unsafe` of the project lives in `modules::ffi`, which opts out of this alone.
#![deny(unsafe_code)]

mod blocking;
mod client;
mod clock;
mod commands;
mod commandstats;
mod config;
mod conn;
mod cron;
mod dispatch;
mod evict;
mod io_loop;
mod latency;
mod listen;
mod listening;
mod log;
mod modules;
mod monitor;
mod multi;
mod notify;
mod obuf;
mod pause;
mod pubsub;
mod reload;
mod reply;
mod run;
mod server;
mod slowlog;
mod stream;
mod tracking;
mod upgrade;

use std::path::PathBuf;
use std::process::ExitCode;

/// The Valkey version this server answers as (HELLO, INFO, the config error banner).
pub(crate) const VERSION: &str = "8.0.2";

const USAGE: &str = "Usage: server-smol [/path/to/valkey.conf] [options]\n       \
                     server-smol -v or --version\n       server-smol -h or --help\n\n\
                     Examples:\n       server-smol (run the server with default config)\n       \
                     server-smol /etc/valkey/6379.conf\n       server-smol --port 7777\n       \
                     server-smol /etc/myvalkey.conf --loglevel verbose\n       \
                     server-smol /etc/myvalkey.conf --upgrade (take over from the server \
                     running with it)\n";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--upgrade`: take over from the server running with this configuration ([`upgrade`]).
    let upgrade = args.iter().any(|a| a == "--upgrade");
    args.retain(|a| a != "--upgrade");
    match args.first().map(String::as_str) {
        Some("-v" | "--version") => {
            println!("server-smol v={VERSION} bits={}", usize::BITS);
            return ExitCode::SUCCESS;
        }
        Some("-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let (file, options) = match args.split_first() {
        Some((first, rest)) if !first.starts_with("--") => (Some(PathBuf::from(first)), rest),
        _ => (None, &args[..]),
    };
    let settings = match config::load(file.as_deref(), options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let file = file.map(|f| std::fs::canonicalize(&f).unwrap_or(f));
    // `dir`: the server works there, as Valkey does.
    if let Err(e) = settings.apply_dir() {
        eprintln!("Can't chdir to '{}': {e}", settings.compat_value("dir", ""));
        return ExitCode::FAILURE;
    }
    run::run(settings, file, options.to_vec(), upgrade)
}
