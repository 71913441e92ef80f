//! Starts the real `server-smol` binary on 127.0.0.1 with `port 0`, reads the port it reports,
//! and talks to it with raw bytes or the `redis` crate. No sleeps: waits poll with a deadline.

use core::time::Duration;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;

use resp_codec::{Status, decode};

/// How long anything may take before a test fails.
pub(crate) const DEADLINE: Duration = Duration::from_secs(10);

/// A running server; stopped (SIGKILL) when dropped unless already stopped.
pub(crate) struct Server {
    child: Option<Child>,
    /// The port it bound.
    pub(crate) port: u16,
    /// Log lines it printed after starting.
    pub(crate) log: mpsc::Receiver<String>,
}

/// What a server that refused to start said.
pub(crate) struct Refusal {
    /// Exit status.
    pub(crate) status: ExitStatus,
    /// Everything on stderr.
    pub(crate) stderr: String,
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_server-smol"))
}

impl Server {
    /// Starts with `args` (a config file and/or `--name value` options) plus `--port 0`.
    pub(crate) fn start(args: &[&str]) -> Self {
        Self::start_exact(&[args, &["--port", "0"]].concat())
    }

    /// Starts with exactly `args` (the port must come from them: `port 0` in a config file).
    pub(crate) fn start_exact(args: &[&str]) -> Self {
        let mut child = binary()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn server-smol");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut port = None;
        loop {
            let line = rx
                .recv_timeout(DEADLINE)
                .expect("server did not report readiness");
            if let Some(rest) = line.split("Running mode=standalone, port=").nth(1) {
                port = rest.trim_end_matches('.').parse().ok();
            }
            if line.ends_with("Ready to accept connections tcp") {
                break;
            }
        }
        Self {
            child: Some(child),
            port: port.expect("server reported its port"),
            log: rx,
        }
    }

    /// Runs the binary expecting it to refuse to start.
    pub(crate) fn refuse(args: &[&str]) -> Refusal {
        let out = binary()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run server-smol");
        Refusal {
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A raw connection.
    pub(crate) fn raw(&self) -> Raw {
        Raw::connect(self.port)
    }

    /// A `redis` crate connection, RESP2 or RESP3.
    pub(crate) fn redis(&self, resp3: bool) -> redis::Connection {
        let proto = if resp3 { "?protocol=resp3" } else { "" };
        let client = redis::Client::open(format!("redis://127.0.0.1:{}/{proto}", self.port))
            .expect("client");
        client
            .get_connection_with_timeout(DEADLINE)
            .expect("connect with the redis crate")
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub(crate) fn terminate(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        eventually("the server to exit after SIGTERM", || {
            child.try_wait().expect("wait")
        })
    }

    /// Waits for the process to exit on its own (SHUTDOWN) and returns its status.
    pub(crate) fn wait_exit(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        eventually("the server to exit", || child.try_wait().expect("wait"))
    }

    /// Waits for a log line containing `text`.
    pub(crate) fn wait_log(&self, text: &str) -> String {
        loop {
            let line = self
                .log
                .recv_timeout(DEADLINE)
                .unwrap_or_else(|_| panic!("no log line with {text:?}"));
            if line.contains(text) {
                return line;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Polls `f` every 2 ms until it returns `Some`, failing after about [`DEADLINE`].
pub(crate) fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    const STEP: Duration = Duration::from_millis(2);
    for _ in 0..DEADLINE.as_millis() / STEP.as_millis() {
        if let Some(v) = f() {
            return v;
        }
        std::thread::sleep(STEP);
    }
    panic!("timed out waiting for {what}");
}

/// A raw RESP connection.
pub(crate) struct Raw {
    stream: TcpStream,
    inbox: Vec<u8>,
}

impl Raw {
    /// Connects to 127.0.0.1:`port`.
    pub(crate) fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
        Self {
            stream,
            inbox: Vec::new(),
        }
    }

    /// Whether bytes are waiting to be read right now (buffered here or in the socket), without
    /// waiting for any.
    pub(crate) fn has_pending(&mut self) -> bool {
        if !self.inbox.is_empty() {
            return true;
        }
        self.stream.set_nonblocking(true).expect("nonblocking");
        let mut byte = [0u8; 1];
        let pending = self.stream.peek(&mut byte).is_ok_and(|n| n > 0);
        self.stream.set_nonblocking(false).expect("blocking");
        pending
    }

    /// Sends bytes as they are.
    pub(crate) fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Sends a command as a multibulk.
    pub(crate) fn cmd(&mut self, args: &[&str]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
        self.send(&out);
    }

    fn fill(&mut self) -> bool {
        let mut buf = [0u8; 16 * 1024];
        match self.stream.read(&mut buf) {
            Ok(0) => false,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => false,
            // A signal (another test's child exiting) interrupted the read: read again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => true,
            Ok(n) => {
                self.inbox.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) => panic!("read failed (no reply in time?): {e}"),
        }
    }

    /// Reads exactly the bytes of the next reply frame.
    pub(crate) fn reply(&mut self) -> Vec<u8> {
        loop {
            if let Status::Complete((_, used)) = decode(&self.inbox).expect("valid RESP") {
                return self.inbox.drain(..used).collect();
            }
            assert!(self.fill(), "connection closed before a full reply");
        }
    }

    /// Reads the next reply and checks its bytes.
    #[track_caller]
    pub(crate) fn expect(&mut self, want: &[u8]) {
        let got = self.reply();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "reply bytes"
        );
    }

    /// Sends a command and checks the reply bytes.
    #[track_caller]
    pub(crate) fn roundtrip(&mut self, args: &[&str], want: &[u8]) {
        self.cmd(args);
        self.expect(want);
    }

    /// Checks that nothing arrives for `d`. It can only fail when something was sent: a slow
    /// server makes it pass, never fail.
    #[track_caller]
    pub(crate) fn silent_for(&mut self, d: Duration) {
        assert!(self.inbox.is_empty(), "a frame is already waiting");
        self.stream.set_read_timeout(Some(d)).expect("timeout");
        let mut buf = [0u8; 1024];
        let got = self.stream.read(&mut buf);
        self.stream
            .set_read_timeout(Some(DEADLINE))
            .expect("timeout");
        match got {
            Ok(0) => panic!("connection closed"),
            Ok(n) => panic!("unexpected bytes: {:?}", String::from_utf8_lossy(&buf[..n])),
            Err(_) => {}
        }
    }

    /// Waits until the server closes the connection; the bytes that came before.
    pub(crate) fn until_closed(&mut self) -> Vec<u8> {
        while self.fill() {}
        core::mem::take(&mut self.inbox)
    }
}
