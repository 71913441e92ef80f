//! The old process's side of the dataset: every key of every database written as the
//! commands that rebuild it (`SET`, `RPUSH`, `HSET`, `SADD`, `ZADD`, then `PEXPIREAT`),
//! read through the keyspace's own commands while writes are held, so nothing changes under
//! the walk and SCAN's guarantee returns every key once.

use std::collections::VecDeque;

use keyspace::reply::{Item, Recorded3};
use keyspace::{Kind, Millis, Value, num};

use super::wire;
use crate::server::Server;

/// Elements per rebuilding command: large collections go as several commands.
const BATCH: usize = 512;

/// A chunk is handed to the socket once it holds this many bytes.
const CHUNK: usize = 256 * 1024;

/// Where the walk is.
#[derive(Debug, Default)]
pub(crate) struct Dump {
    db: usize,
    /// The SCAN cursor in `db`; `None` once its scan is complete.
    cursor: Option<u64>,
    /// Keys scanned and not yet written.
    pending: VecDeque<Vec<u8>>,
    /// Whether `SELECT db` was written.
    selected: bool,
    /// Keys written so far.
    pub(crate) keys: u64,
    done: bool,
}

/// Runs a keyspace command in `db` for its reply, as a RESP3 client would read it.
fn call(server: &mut Server, db: usize, now: Millis, args: &[&[u8]]) -> Result<Vec<Item>, String> {
    let mut out = Recorded3::default();
    if !crate::dispatch::call_data(server, db, now, args, &mut out) {
        return Err("not a data command".into());
    }
    match out.0.first() {
        Some(Item::Error(e)) => Err(e.clone()),
        _ => Ok(out.0),
    }
}

/// The bulk strings of a reply, in order.
fn bulks(items: &[Item]) -> impl Iterator<Item = &[u8]> {
    items.iter().filter_map(|i| match i {
        Item::Bulk(b) => Some(b.as_slice()),
        _ => None,
    })
}

/// Writes `cmd key` followed by `items` in batches of [`BATCH`] (pairs count as one).
fn batched(out: &mut Vec<u8>, cmd: &[u8], key: &[u8], items: &[Vec<u8>], per: usize) {
    for part in items.chunks(BATCH * per) {
        let mut args: Vec<&[u8]> = Vec::with_capacity(part.len() + 2);
        args.push(cmd);
        args.push(key);
        args.extend(part.iter().map(Vec::as_slice));
        wire::put(out, &args);
    }
}

impl Dump {
    /// Whether every key was written (and the end marker).
    pub(crate) fn done(&self) -> bool {
        self.done
    }

    /// Appends the next chunk of commands to `out` (at least one key, or the end marker).
    ///
    /// # Errors
    ///
    /// A key of a type that cannot be handed over, or a keyspace error.
    pub(crate) fn next_chunk(
        &mut self,
        server: &mut Server,
        now: Millis,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        while out.len() < CHUNK && !self.done {
            if let Some(key) = self.pending.pop_front() {
                if !self.selected {
                    wire::put(out, &[b"SELECT", self.db.to_string().as_bytes()]);
                    self.selected = true;
                }
                self.key(server, now, &key, out)?;
                continue;
            }
            match self.cursor {
                Some(0) => {
                    self.db += 1;
                    self.cursor = None;
                    self.selected = false;
                    if self.db >= server.keyspace.databases() {
                        wire::put(out, &[b"UPGRADE", b"END", self.keys.to_string().as_bytes()]);
                        self.done = true;
                    }
                }
                cursor => self.scan(server, now, cursor.unwrap_or(0))?,
            }
        }
        Ok(())
    }

    /// One SCAN step in the current database.
    fn scan(&mut self, server: &mut Server, now: Millis, cursor: u64) -> Result<(), String> {
        let c = cursor.to_string();
        let reply = call(
            server,
            self.db,
            now,
            &[b"SCAN", c.as_bytes(), b"COUNT", b"1000"],
        )?;
        let mut parts = bulks(&reply);
        let next = parts
            .next()
            .and_then(|c| core::str::from_utf8(c).ok()?.parse().ok())
            .ok_or("SCAN answered no cursor")?;
        self.pending.extend(parts.map(<[u8]>::to_vec));
        self.cursor = Some(next);
        Ok(())
    }

    /// The commands that rebuild `key`.
    fn key(
        &mut self,
        server: &mut Server,
        now: Millis,
        key: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let db = self.db;
        // Type and expire time in one look, without touching the key's access time.
        let Some(peeked) = server.keyspace.peek(db, key, now) else {
            // Gone since the scan (expired keys read as absent while writes are held).
            return Ok(());
        };
        let owned =
            |reply: Vec<Item>| -> Vec<Vec<u8>> { bulks(&reply).map(<[u8]>::to_vec).collect() };
        match peeked.kind {
            None => {
                let s = &mut *server;
                match s.keyspace.get(db, key, now, &mut s.changes) {
                    Some(Value::Bytes(v)) => wire::put(out, &[b"SET", key, v]),
                    Some(Value::Int(i)) => {
                        wire::put(out, &[b"SET", key, num::format_i64(i).as_bytes()]);
                    }
                    _ => return Ok(()),
                }
            }
            Some(Kind::List) => {
                let items = owned(call(server, db, now, &[b"LRANGE", key, b"0", b"-1"])?);
                batched(out, b"RPUSH", key, &items, 1);
            }
            Some(Kind::Hash) => {
                let items = owned(call(server, db, now, &[b"HGETALL", key])?);
                batched(out, b"HSET", key, &items, 2);
            }
            Some(Kind::Set) => {
                let items = owned(call(server, db, now, &[b"SMEMBERS", key])?);
                batched(out, b"SADD", key, &items, 1);
            }
            Some(Kind::ZSet) => {
                let reply = call(
                    server,
                    db,
                    now,
                    &[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"],
                )?;
                let mut items = Vec::new();
                let mut member = None;
                for i in &reply {
                    match i {
                        Item::Bulk(m) => member = Some(m.clone()),
                        Item::Double(s) => {
                            let m = member.take().ok_or("ZRANGE answered a score alone")?;
                            // Rust prints the shortest text that reads back as the same double.
                            items.push(format!("{s}").into_bytes());
                            items.push(m);
                        }
                        _ => {}
                    }
                }
                batched(out, b"ZADD", key, &items, 2);
            }
            Some(_) => {
                let kind = call(server, db, now, &[b"TYPE", key])?;
                let name = match kind.first() {
                    Some(Item::Simple(t)) => t.clone(),
                    _ => "an unknown type".into(),
                };
                return Err(format!(
                    "key '{}' in db {db} holds a {name}, which cannot be handed over yet",
                    String::from_utf8_lossy(key)
                ));
            }
        }
        if let Some(at) = peeked.expire {
            wire::put(out, &[b"PEXPIREAT", key, num::format_u64(at.0).as_bytes()]);
        }
        self.keys += 1;
        Ok(())
    }
}
