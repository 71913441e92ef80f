//! Starting and stopping: listeners, the server state, the timer, signals, the pid file.

use core::cell::RefCell;
use core::hash::{BuildHasher, Hasher};
use core::time::Duration;
use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use async_io::Async;
use async_signal::{Signal, Signals};
use smol::LocalExecutor;
use smol::stream::StreamExt;
use std::os::fd::AsFd;
use std::os::unix::net::{UnixListener, UnixStream};

use crate::config::Settings;
use crate::listening::Listening;
use crate::log::Logger;
use crate::pause::Pause;
use crate::pubsub::PubSub;
use crate::server::{Changes, OpsMeter, Server, Stats};
use crate::upgrade::{Handed, Takeover};
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
    upgrade: bool,
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
    let Some(started) = smol::block_on(start(settings, config_file, options, log, upgrade)) else {
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
    listeners: Vec<std::net::TcpListener>,
    /// The `unixsocket` listener and its path.
    unix: Option<(Async<UnixListener>, String)>,
    /// The `upgrade-socket` listener and its path.
    upgrade: Option<(Async<UnixListener>, String)>,
    signals: Signals,
    shutdown_asked: smol::channel::Receiver<()>,
    rebind_asked: smol::channel::Receiver<crate::listening::Rebind>,
    pidfile: String,
}

/// The listening sockets start-up opens (or takes over).
struct Sockets {
    tcp: Vec<std::net::TcpListener>,
    unix: Option<(Async<UnixListener>, String)>,
    upgrade: Option<(Async<UnixListener>, String)>,
    /// Socket files handed over that this configuration no longer names (removed once this
    /// process serves).
    stale: Vec<String>,
}

/// A Unix listener at `path` (`perm` 0: as created): the handed one if it is there, else a
/// new one; `None` for an empty path.
fn unix_socket(
    path: &str,
    perm: u32,
    handed: Option<UnixListener>,
) -> Result<Option<(Async<UnixListener>, String)>, String> {
    if path.is_empty() {
        return Ok(None);
    }
    let listener = match handed {
        Some(l) => l,
        None => listen::bind_unix(path, perm)?,
    };
    let listener = Async::new(listener).map_err(|e| e.to_string())?;
    Ok(Some((listener, path.to_string())))
}

/// Binds what `settings` names, keeping the `handed` sockets it still names.
async fn sockets(settings: &Settings, mut handed: Handed) -> Result<Sockets, String> {
    // `port 0` takes the handed port, so the handed listeners are kept.
    let port = match settings.port {
        0 => handed.port().unwrap_or(0),
        p => p,
    };
    let bound = listen::bind_keeping(&settings.bind, port, &handed.addrs())?;
    let mut tcp = bound.new;
    tcp.extend(handed.take_tcp(&bound.kept));
    let mut stale = Vec::new();
    let (unix, old) = Handed::take_path(&mut handed.unix, &settings.unixsocket);
    stale.extend(old);
    let unix = unix_socket(&settings.unixsocket, settings.unixsocketperm, unix)?;
    let (upgrade, old) = Handed::take_path(&mut handed.upgrade, &settings.upgrade_socket);
    stale.extend(old);
    let upgrade = unix_socket(&settings.upgrade_socket, 0o600, upgrade)?;
    Ok(Sockets {
        tcp,
        unix,
        upgrade,
        stale,
    })
}

/// Binds the listeners (or, with `upgrade`, takes them over with the dataset), builds the
/// server state and loads the configured modules; `None` (logged) if any of that fails.
async fn start(
    settings: Settings,
    config_file: Option<PathBuf>,
    options: Vec<String>,
    log: Logger,
    upgrade: bool,
) -> Option<Started> {
    let signals = match Signals::new([Signal::Term, Signal::Int, Signal::Hup]) {
        Ok(s) => s,
        Err(e) => {
            log.warning(&format!("Can't install signal handlers: {e}"));
            return None;
        }
    };
    let (takeover, handed) = if upgrade {
        if settings.upgrade_socket.is_empty() {
            log.warning(
                "--upgrade needs the upgrade-socket of the running server in the configuration",
            );
            return None;
        }
        match Takeover::connect(&settings.upgrade_socket) {
            Ok((t, h)) => (Some(t), h),
            Err(e) => {
                log.warning(&format!("Upgrade failed: {e}"));
                return None;
            }
        }
    } else {
        (None, Handed::default())
    };
    let Sockets {
        tcp: listeners,
        unix,
        upgrade: upgrade_socket,
        stale,
    } = match sockets(&settings, handed).await {
        Ok(s) => s,
        Err(e) => {
            log.warning(&e);
            return None;
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
    let (shutdown, shutdown_asked) = smol::channel::bounded(1);
    let (rebinds, rebind_asked) = smol::channel::unbounded();
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
        eviction: crate::evict::Eviction::default(),
        pending_pushes: Vec::new(),
        monitors: Vec::new(),
        cmdstats: crate::commandstats::CommandStats::default(),
        slowlog: crate::slowlog::SlowLog::default(),
        modules: crate::modules::Modules::default(),
        reload: crate::reload::Reloads::new(options),
        io: Rc::default(),
        shutdown,
        debug: crate::commands::Knobs::default(),
        listen_addrs: Vec::new(),
        rebinds,
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
    if let Some(mut takeover) = takeover {
        let loaded = takeover.load(&mut shared.borrow_mut());
        match loaded.and_then(|keys| takeover.ready().map(|()| keys)) {
            Ok(keys) => log.notice(&format!(
                "Upgrade: took over {keys} keys and the listening sockets; the old process exits"
            )),
            Err(e) => {
                log.warning(&format!("Upgrade failed: {e}"));
                return None;
            }
        }
        for path in stale {
            let _ = std::fs::remove_file(path);
        }
    }
    if !pidfile.is_empty()
        && let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id()))
    {
        log.warning(&format!("Failed to write PID file: {e}"));
    }
    Some(Started {
        shared,
        listeners,
        unix,
        upgrade: upgrade_socket,
        signals,
        shutdown_asked,
        rebind_asked,
        pidfile,
    })
}

/// What ends serving.
enum Ending {
    /// SIGTERM, SIGINT (named) or SHUTDOWN (`None`).
    Shutdown(Option<&'static str>),
    /// A new process took over ([`crate::upgrade`]).
    Handover,
}

/// What the serving loop waits for.
enum Event {
    Hup,
    Rebind(crate::listening::Rebind),
    Stop(Option<&'static str>),
    Upgrade(Async<UnixStream>),
}

/// Accepts clients and runs the timer until SIGTERM, SIGINT or SHUTDOWN (then shuts down
/// gracefully) or until a new process takes over; the event loop serves the connections
/// meanwhile.
async fn serve(ex: Rc<LocalExecutor<'static>>, started: Started) -> ExitCode {
    let Started {
        shared,
        listeners,
        unix,
        upgrade,
        mut signals,
        shutdown_asked,
        rebind_asked,
        pidfile,
    } = started;
    let (log, port) = {
        let server = shared.borrow();
        (server.log.clone(), server.port)
    };
    log.notice(&format!("Running mode=standalone, port={port}."));
    log.notice("Server initialized");
    let mut accepting = Listening::default();
    accepting.spawn(&ex, &shared, listeners);
    shared.borrow_mut().listen_addrs = accepting.addrs();
    let timer = ex.spawn(cron::run(Rc::clone(&shared)));
    log.notice("Ready to accept connections tcp");
    if let Some((listener, path)) = unix {
        accepting.spawn_unix(&ex, &shared, listener, path);
        log.notice("Ready to accept connections unix");
    }
    let (upgrades, upgrade_asked) = smol::channel::bounded(1);
    if let Some((listener, path)) = upgrade {
        match listener.as_fd().try_clone_to_owned() {
            Ok(fd) => {
                let task = ex.spawn(crate::upgrade::accept_loop(
                    Rc::clone(&shared),
                    listener,
                    upgrades,
                ));
                accepting.set_upgrade(path, fd, task);
                log.notice("Ready to hand over to a new process on the upgrade socket");
            }
            Err(e) => log.warning(&format!("Can't use the upgrade socket: {e}")),
        }
    }

    // SIGHUP reloads and an upgrade that fails changes nothing: both keep waiting.
    let ending = loop {
        let signal = async {
            match signals.next().await {
                Some(Ok(Signal::Hup)) => Event::Hup,
                Some(Ok(Signal::Int)) => Event::Stop(Some("SIGINT")),
                _ => Event::Stop(Some("SIGTERM")),
            }
        };
        let command = async {
            let _ = shutdown_asked.recv().await;
            Event::Stop(None)
        };
        let upgrade = async {
            match upgrade_asked.recv().await {
                Ok(conn) => Event::Upgrade(conn),
                // No upgrade socket: never.
                Err(_) => smol::future::pending().await,
            }
        };
        let rebind = async {
            match rebind_asked.recv().await {
                Ok(r) => Event::Rebind(r),
                Err(_) => smol::future::pending().await,
            }
        };
        let event = smol::future::or(
            smol::future::or(signal, rebind),
            smol::future::or(command, upgrade),
        )
        .await;
        match event {
            Event::Hup => {
                crate::reload::reload(&ex, &shared, &mut accepting).await;
                shared.borrow_mut().listen_addrs = accepting.addrs();
            }
            Event::Rebind(r) => {
                accepting.retain(&r.kept);
                accepting.spawn(&ex, &shared, r.new);
                shared.borrow_mut().listen_addrs = accepting.addrs();
            }
            Event::Stop(name) => break Ending::Shutdown(name),
            Event::Upgrade(conn) => match crate::upgrade::give(&shared, &accepting, conn).await {
                Ok(keys) => {
                    log.notice(&format!(
                        "Upgrade: the new process loaded {keys} keys and serves; closing \
                         connections"
                    ));
                    break Ending::Handover;
                }
                Err(e) => log.warning(&format!("Upgrade failed, serving on: {e}")),
            },
        }
    };
    match ending {
        Ending::Shutdown(name) => {
            if let Some(name) = name {
                log.warning(&format!("Received {name} scheduling shutdown..."));
            }
            log.warning("User requested shutdown...");
            if accepting.has_unix() {
                log.notice("Removing the unix socket file.");
            }
            accepting.close_unix();
            accepting.close_upgrade();
        }
        // The sockets and their files are the new process's now; closing ours only stops
        // this process accepting.
        Ending::Handover => {}
    }
    drop(accepting);
    drop(timer);
    let handover = matches!(ending, Ending::Handover);
    // Stop reading from every client: each finishes writing what it has, then ends. After a
    // hand-over the clients held by it are closed at once: their writes never ran.
    {
        let mut server = shared.borrow_mut();
        server.shutting_down = true;
        let mut held = Vec::new();
        for c in server.clients.values() {
            if let Ok(c) = c.try_borrow() {
                if handover && c.paused {
                    c.disconnect();
                    held.push(c.id);
                } else {
                    c.stop_reading();
                }
            }
        }
        for id in held {
            server.forget_client(id);
        }
    }
    let started = clock::monotonic();
    while !shared.borrow().clients.is_empty()
        && clock::monotonic().duration_since(started) < SHUTDOWN_GRACE
    {
        smol::Timer::after(Duration::from_millis(5)).await;
    }
    if !pidfile.is_empty() && !handover {
        log.notice("Removing the pid file.");
        let _ = std::fs::remove_file(&pidfile);
    }
    log.warning("Valkey is now ready to exit, bye bye...");
    ExitCode::SUCCESS
}
