//! A client-side-caching load: RESP3 readers with `CLIENT TRACKING on` reading hot keys while
//! writers change them, against any Valkey/Redis-compatible server.
//!
//! ```text
//! tracking_load PORT [--tracking on|off] [--readers 100] [--writers 4] [--keys 1000]
//!               [--pipeline 16] [--seconds 5]
//! ```
//!
//! Prints one line: `gets_per_sec=… sets_per_sec=… invalidations=…`. Run it with tracking on
//! and off against the same server to see what tracking costs; `side_by_side.py` does that for
//! both servers in one run.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use resp_codec::{Encoder, Frame, Protocol, Status, decode};

struct Opts {
    port: u16,
    tracking: bool,
    readers: usize,
    writers: usize,
    keys: u64,
    pipeline: usize,
    seconds: u64,
}

fn parse_opts() -> Result<Opts, String> {
    let mut args = std::env::args().skip(1);
    let port = args
        .next()
        .ok_or("usage: tracking_load PORT [options]")?
        .parse()
        .map_err(|e| format!("port: {e}"))?;
    let mut opts = Opts {
        port,
        tracking: true,
        readers: 100,
        writers: 4,
        keys: 1000,
        pipeline: 16,
        seconds: 5,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--tracking" => opts.tracking = value == "on",
            "--readers" => opts.readers = number()? as usize,
            "--writers" => opts.writers = number()? as usize,
            "--keys" => opts.keys = number()?,
            "--pipeline" => opts.pipeline = number()?.max(1) as usize,
            "--seconds" => opts.seconds = number()?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(opts)
}

/// A connection that sends commands and reads replies, counting (and skipping) pushes.
struct Conn {
    stream: TcpStream,
    inbox: Vec<u8>,
    out: Vec<u8>,
    pushes: u64,
}

impl Conn {
    fn open(port: u16) -> std::io::Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            inbox: Vec::with_capacity(64 * 1024),
            out: Vec::with_capacity(4096),
            pushes: 0,
        })
    }

    fn queue(&mut self, args: &[&[u8]]) {
        let enc = Encoder::new(Protocol::Resp2);
        // A Vec sink cannot fail.
        let _ = enc.array_len(&mut self.out, args.len());
        for arg in args {
            let _ = enc.bulk_string(&mut self.out, arg);
        }
    }

    /// Sends what is queued and reads `replies` replies; an error reply is an error.
    fn flush(&mut self, replies: usize) -> Result<(), String> {
        self.stream
            .write_all(&self.out)
            .map_err(|e| e.to_string())?;
        self.out.clear();
        let mut seen = 0;
        let mut buf = [0u8; 64 * 1024];
        while seen < replies {
            let mut used_total = 0;
            loop {
                match decode(&self.inbox[used_total..]).map_err(|e| e.to_string())? {
                    Status::Partial => break,
                    Status::Complete((frame, used)) => {
                        used_total += used;
                        match frame {
                            Frame::Push(_) => self.pushes += 1,
                            Frame::SimpleError(e) | Frame::BlobError(e) => {
                                return Err(String::from_utf8_lossy(e).into_owned());
                            }
                            _ => seen += 1,
                        }
                        if seen == replies {
                            break;
                        }
                    }
                }
            }
            self.inbox.drain(..used_total);
            if seen == replies {
                break;
            }
            let n = self.stream.read(&mut buf).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("connection closed".into());
            }
            self.inbox.extend_from_slice(&buf[..n]);
        }
        Ok(())
    }
}

/// A small xorshift generator: keys must be spread, not cryptographic.
fn next_key(state: &mut u64, keys: u64) -> Vec<u8> {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    format!("hot:{}", *state % keys).into_bytes()
}

fn reader(opts: &Opts, seed: u64, stop: &AtomicBool, gets: &AtomicU64) -> Result<u64, String> {
    let mut conn = Conn::open(opts.port).map_err(|e| e.to_string())?;
    conn.queue(&[b"HELLO", b"3"]);
    if opts.tracking {
        conn.queue(&[b"CLIENT", b"TRACKING", b"on"]);
    }
    conn.flush(1 + usize::from(opts.tracking))?;
    let mut state = seed | 1;
    while !stop.load(Ordering::Relaxed) {
        for _ in 0..opts.pipeline {
            let key = next_key(&mut state, opts.keys);
            conn.queue(&[b"GET", &key]);
        }
        conn.flush(opts.pipeline)?;
        gets.fetch_add(opts.pipeline as u64, Ordering::Relaxed);
    }
    Ok(conn.pushes)
}

fn writer(opts: &Opts, seed: u64, stop: &AtomicBool, sets: &AtomicU64) -> Result<u64, String> {
    let mut conn = Conn::open(opts.port).map_err(|e| e.to_string())?;
    let mut state = seed | 1;
    while !stop.load(Ordering::Relaxed) {
        for _ in 0..opts.pipeline {
            let key = next_key(&mut state, opts.keys);
            conn.queue(&[b"SET", &key, b"value"]);
        }
        conn.flush(opts.pipeline)?;
        sets.fetch_add(opts.pipeline as u64, Ordering::Relaxed);
    }
    Ok(0)
}

/// Lets the load run for `seconds`, then reads the counters: the elapsed wall time and what
/// `read` returned.
#[expect(
    clippy::disallowed_methods,
    reason = "a load generator measures wall time; it is not part of the server"
)]
fn timed_window<T>(seconds: u64, read: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    thread::sleep(Duration::from_secs(seconds));
    let value = read();
    (start.elapsed().as_secs_f64(), value)
}

fn main() {
    let opts = match parse_opts() {
        Ok(opts) => Arc::new(opts),
        Err(e) => {
            eprintln!("tracking_load: {e}");
            std::process::exit(2);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (gets, sets) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut handles = Vec::new();
    for i in 0..opts.readers + opts.writers {
        let (opts, stop, gets, sets) = (opts.clone(), stop.clone(), gets.clone(), sets.clone());
        handles.push(thread::spawn(move || {
            let seed = 0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1);
            if i < opts.readers {
                reader(&opts, seed, &stop, &gets)
            } else {
                writer(&opts, seed, &stop, &sets)
            }
        }));
    }
    let (elapsed, (g, s)) = timed_window(opts.seconds, || {
        (gets.load(Ordering::Relaxed), sets.load(Ordering::Relaxed))
    });
    stop.store(true, Ordering::Relaxed);
    let mut pushes = 0;
    for handle in handles {
        match handle.join() {
            Ok(Ok(n)) => pushes += n,
            Ok(Err(e)) => {
                eprintln!("tracking_load: {e}");
                std::process::exit(1);
            }
            Err(_) => std::process::exit(1),
        }
    }
    println!(
        "gets_per_sec={:.0} sets_per_sec={:.0} invalidations={pushes}",
        g as f64 / elapsed,
        s as f64 / elapsed
    );
}
