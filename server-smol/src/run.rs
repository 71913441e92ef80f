//! Starting and stopping: listeners, the server state, the timer, signals, the pid file.

use core::cell::RefCell;
use core::hash::{BuildHasher, Hasher};
use core::time::Duration;
use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use async_signal::{Signal, Signals};
use smol::LocalExecutor;
use smol::stream::StreamExt;

use crate::config::Settings;
use crate::log::Logger;
use crate::pause::Pause;
use crate::pubsub::PubSub;
use crate::server::{Changes, OpsMeter, Server, Stats};
use crate::{VERSION, clock, cron, dispatch, listen};

/// How long shutdown waits for clients to take their last replies.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A random 64-bit value from the standard library's per-process hash keys.
fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(clock::unix_micros());
    h.finish()
}

/// 40 random hex digits (INFO `run_id`).
fn run_id() -> String {
    (0..3)
        .map(|_| format!("{:016x}", random_u64()))
        .collect::<String>()[..40]
        .to_string()
}

/// Runs the server until SIGTERM or SIGINT; SIGHUP reloads the config file ([`crate::reload`]).
pub(crate) fn run(
    settings: Settings,
    config_file: Option<PathBuf>,
    options: Vec<String>,
) -> ExitCode {
    let log = Logger {
        level: settings.loglevel,
        file: settings.logfile.clone(),
    };
    log.notice("oO0OoO0OoO0Oo Valkey is starting oO0OoO0OoO0Oo");
    log.notice(&format!(
        "Valkey version={VERSION}, bits={}, pid={}, just started",
        usize::BITS,
        std::process::id()
    ));
    if config_file.is_none() {
        log.warning(
            "Warning: no config file specified, using the default config. In order to specify a \
             config file use server-smol /path/to/valkey.conf",
        );
    } else {
        log.notice("Configuration loaded");
    }
    let ex = Rc::new(LocalExecutor::new());
    let Some(started) = smol::block_on(start(settings, config_file, options, log)) else {
        return ExitCode::FAILURE;
    };
    let io = match crate::io_loop::Loop::new(Rc::clone(&started.shared)) {
        Ok(io) => io,
        Err(e) => {
            started
                .shared
                .borrow()
                .log
                .warning(&format!("Can't create the event loop: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let main = ex.spawn(serve(Rc::clone(&ex), started));
    io.run(&ex, main)
}

/// What start-up made: the server state, its listeners and the shutdown triggers.
struct Started {
    shared: Rc<RefCell<Server>>,
    listeners: Vec<smol::net::TcpListener>,
    /// The `unixsocket` listener and its path.
    unix: Option<(async_io::Async<std::os::unix::net::UnixListener>, String)>,
    signals: Signals,
    shutdown_asked: smol::channel::Receiver<()>,
    pidfile: String,
}

/// Binds the listeners, builds the server state and loads the configured modules; `None`
/// (logged) if any of that fails.
async fn start(
    settings: Settings,
    config_file: Option<PathBuf>,
    options: Vec<String>,
    log: Logger,
) -> Option<Started> {
    let signals = match Signals::new([Signal::Term, Signal::Int, Signal::Hup]) {
        Ok(s) => s,
        Err(e) => {
            log.warning(&format!("Can't install signal handlers: {e}"));
            return None;
        }
    };
    let listeners = match listen::bind_all(&settings.bind, settings.port).await {
        Ok(l) => l,
        Err(e) => {
            log.warning(&e);
            return None;
        }
    };
    let unix = if settings.unixsocket.is_empty() {
        None
    } else {
        match listen::bind_unix(&settings.unixsocket, settings.unixsocketperm)
            .and_then(|l| async_io::Async::new(l).map_err(|e| e.to_string()))
        {
            Ok(l) => Some((l, settings.unixsocket.clone())),
            Err(e) => {
                log.warning(&e);
                return None;
            }
        }
    };
    let port = listeners
        .first()
        .and_then(|l| l.local_addr().ok())
        .map_or(settings.port, |a| a.port());
    let keyspace = keyspace::Keyspace::new(
        settings.keyspace_limits(
            keyspace::Config::default()
                .databases(settings.databases)
                .hash_seed(random_u64()),
        ),
    );
    let pidfile = settings.pidfile.clone();
    if !pidfile.is_empty()
        && let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id()))
    {
        log.warning(&format!("Failed to write PID file: {e}"));
    }
    let (shutdown, shutdown_asked) = smol::channel::bounded(1);
    let shared = Rc::new(RefCell::new(Server {
        settings,
        config_file,
        log: log.clone(),
        keyspace,
        changes: Changes {
            tracker: tracking_core::Tracker::with_seed(random_u64()),
            ..Changes::default()
        },
        table: dispatch::build_table(),
        clients: BTreeMap::new(),
        next_client_id: 1,
        stats: Stats::default(),
        ops: OpsMeter::default(),
        used_memory_peak: 0,
        used_memory_startup: 0,
        started: clock::monotonic(),
        run_id: run_id(),
        port,
        shutting_down: false,
        pubsub: PubSub::default(),
        pause: Pause::default(),
        pending_pushes: Vec::new(),
        monitors: Vec::new(),
        cmdstats: crate::commandstats::CommandStats::default(),
        slowlog: crate::slowlog::SlowLog::default(),
        modules: crate::modules::Modules::default(),
        reload: crate::reload::Reloads::new(options),
        io: Rc::default(),
        shutdown,
    }));
    let loaded = crate::modules::load_configured(&mut shared.borrow_mut());
    if let Err(e) = loaded {
        log.warning(&e);
        return None;
    }
    {
        let mut s = shared.borrow_mut();
        s.used_memory_startup = s.used_memory(None);
    }
    Some(Started {
        shared,
        listeners,
        unix,
        signals,
        shutdown_asked,
        pidfile,
    })
}

/// Accepts clients and runs the timer until SIGTERM, SIGINT or SHUTDOWN, then shuts down
/// gracefully; the event loop serves the connections meanwhile.
async fn serve(ex: Rc<LocalExecutor<'static>>, started: Started) -> ExitCode {
    let Started {
        shared,
        listeners,
        unix,
        mut signals,
        shutdown_asked,
        pidfile,
    } = started;
    let (log, port) = {
        let server = shared.borrow();
        (server.log.clone(), server.port)
    };
    log.notice(&format!("Running mode=standalone, port={port}."));
    log.notice("Server initialized");
    let mut accepting = crate::reload::Listening::default();
    accepting.spawn(&ex, &shared, listeners);
    let timer = ex.spawn(cron::run(Rc::clone(&shared)));
    log.notice("Ready to accept connections tcp");
    if let Some((listener, path)) = unix {
        accepting.spawn_unix(&ex, &shared, listener, path);
        log.notice("Ready to accept connections unix");
    }

    // SIGHUP reloads and keeps waiting; SIGTERM/SIGINT or a SHUTDOWN command end the wait.
    let by_signal = async {
        loop {
            match signals.next().await {
                Some(Ok(Signal::Hup)) => {
                    crate::reload::reload(&ex, &shared, &mut accepting).await;
                }
                Some(Ok(Signal::Int)) => break Some("SIGINT"),
                _ => break Some("SIGTERM"),
            }
        }
    };
    let by_command = async {
        let _ = shutdown_asked.recv().await;
        None
    };
    if let Some(name) = smol::future::or(by_signal, by_command).await {
        log.warning(&format!("Received {name} scheduling shutdown..."));
    }
    log.warning("User requested shutdown...");
    if accepting.has_unix() {
        log.notice("Removing the unix socket file.");
    }
    accepting.close_unix();
    drop(accepting);
    drop(timer);
    // Stop reading from every client: each finishes writing what it has, then ends.
    {
        let mut server = shared.borrow_mut();
        server.shutting_down = true;
        for c in server.clients.values() {
            if let Ok(c) = c.try_borrow() {
                c.stop_reading();
            }
        }
    }
    let started = clock::monotonic();
    while !shared.borrow().clients.is_empty()
        && clock::monotonic().duration_since(started) < SHUTDOWN_GRACE
    {
        smol::Timer::after(Duration::from_millis(5)).await;
    }
    if !pidfile.is_empty() {
        log.notice("Removing the pid file.");
        let _ = std::fs::remove_file(&pidfile);
    }
    log.warning("Valkey is now ready to exit, bye bye...");
    ExitCode::SUCCESS
}
