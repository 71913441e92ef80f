//! A naive model of the keyspace (one `BTreeMap` per database) and a harness that applies the
//! same operations to both, with an explicit advancing clock, and asserts they agree on every
//! reply, every change event, and the visible contents after every step.
//!
//! Shared by `tests/model.rs` (proptest) and the `keyspace_ops` fuzz target, which both feed it
//! raw bytes: [`decode`] turns any byte string into an operation sequence.

#![allow(dead_code, reason = "each includer uses a different part")]

extern crate alloc;

use alloc::collections::BTreeMap;

use keyspace::{Change, ChangeKind, CommandTable, Config, Ctx, Handler, Item, Keyspace, Millis};

const DBS: usize = 3;
const KEYS: [&str; 4] = ["a", "b", "c", "dd"];
const VALUES: [&str; 6] = ["1", "-7", "x", "", "9223372036854775807", "10"];

/// One operation of a sequence.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Set {
        key: usize,
        value: usize,
        px: Option<u64>,
        nx: bool,
        xx: bool,
    },
    Get(usize),
    Del(usize),
    IncrBy(usize, i64),
    Append(usize, usize),
    Pexpire(usize, i64),
    Persist(usize),
    Pttl(usize),
    Rename(usize, usize),
    Move(usize, usize),
    SwapDb(usize, usize),
    FlushDb,
    Select(usize),
    Advance(u64),
    ActiveExpire(usize),
}

/// Turns arbitrary bytes into operations (every byte string is a valid sequence).
pub(crate) fn decode(data: &[u8]) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut it = data.chunks_exact(3);
    for c in &mut it {
        let (a, b, d) = (usize::from(c[0]), usize::from(c[1]), c[2]);
        let key = b % KEYS.len();
        let other = (b / 4) % KEYS.len();
        ops.push(match a % 15 {
            0 => Op::Set {
                key,
                value: usize::from(d) % VALUES.len(),
                px: (d & 0x40 != 0).then_some(u64::from(d % 7) * 10 + 1),
                nx: d & 0x80 != 0 && d & 1 == 0,
                xx: d & 0x80 != 0 && d & 1 == 1,
            },
            1 => Op::Get(key),
            2 => Op::Del(key),
            3 => Op::IncrBy(key, i64::from(d as i8)),
            4 => Op::Append(key, usize::from(d) % VALUES.len()),
            5 => Op::Pexpire(key, i64::from(d as i8) * 3),
            6 => Op::Persist(key),
            7 => Op::Pttl(key),
            8 => Op::Rename(key, other),
            9 => Op::Move(key, usize::from(d) % DBS),
            10 => Op::SwapDb(usize::from(d) % DBS, b % DBS),
            11 => Op::FlushDb,
            12 => Op::Select(usize::from(d) % DBS),
            13 => Op::Advance(u64::from(d) % 40),
            _ => Op::ActiveExpire(usize::from(d) % 50),
        });
    }
    ops
}

type Db = BTreeMap<Vec<u8>, (Vec<u8>, Option<u64>)>;

/// The keyspace under test and the model, side by side.
pub(crate) struct Harness {
    ks: Keyspace,
    table: CommandTable<Handler>,
    model: Vec<Db>,
    now: u64,
    db: usize,
}

fn bulk(b: &[u8]) -> Item {
    Item::Bulk(b.to_vec())
}

impl Harness {
    pub(crate) fn new() -> Self {
        Self {
            ks: Keyspace::new(Config::default().databases(DBS)),
            table: keyspace::data_table(),
            model: vec![Db::new(); DBS],
            now: 1_000,
            db: 0,
        }
    }

    fn call(&mut self, args: &[&[u8]]) -> (Vec<Item>, Vec<Change>) {
        let mut out = Vec::new();
        let mut events = Vec::new();
        let mut cx = Ctx {
            keyspace: &mut self.ks,
            db: self.db,
            now: Millis(self.now),
            events: &mut events,
        };
        cx.call(&self.table, args, &mut out);
        (out, events)
    }

    /// Model lookup with lazy expiry: removes an expired key and records the event.
    fn live(&mut self, db: usize, key: &[u8], ev: &mut Vec<Change>) -> bool {
        let now = self.now;
        match self.model[db].get(key) {
            Some((_, Some(t))) if *t <= now => {
                self.model[db].remove(key);
                ev.push(Change {
                    db,
                    key: key.to_vec(),
                    kind: ChangeKind::Expired,
                });
                false
            }
            Some(_) => true,
            None => false,
        }
    }

    fn change(ev: &mut Vec<Change>, db: usize, key: &[u8], kind: ChangeKind) {
        ev.push(Change {
            db,
            key: key.to_vec(),
            kind,
        });
    }

    /// Applies `op` to both and panics on any disagreement.
    pub(crate) fn step(&mut self, op: &Op) {
        let db = self.db;
        let now = self.now;
        let mut ev = Vec::new();
        let (args, want): (Vec<Vec<u8>>, Vec<Item>) = match *op {
            Op::Set {
                key,
                value,
                px,
                nx,
                xx,
            } => {
                let (k, v) = (KEYS[key].as_bytes(), VALUES[value].as_bytes());
                let mut args = vec![b"SET".to_vec(), k.to_vec(), v.to_vec()];
                if let Some(p) = px {
                    args.extend([b"PX".to_vec(), p.to_string().into_bytes()]);
                }
                if nx {
                    args.push(b"NX".to_vec());
                }
                if xx {
                    args.push(b"XX".to_vec());
                }
                let found = self.live(db, k, &mut ev);
                if (nx && found) || (xx && !found) {
                    (args, vec![Item::Null])
                } else {
                    self.model[db].insert(k.to_vec(), (v.to_vec(), px.map(|p| now + p)));
                    Self::change(&mut ev, db, k, ChangeKind::Set);
                    if px.is_some() {
                        Self::change(&mut ev, db, k, ChangeKind::Expire);
                    }
                    (args, vec![Item::Simple("OK".into())])
                }
            }
            Op::Get(key) => {
                let k = KEYS[key].as_bytes();
                let r = if self.live(db, k, &mut ev) {
                    bulk(&self.model[db][k].0)
                } else {
                    Item::Null
                };
                (vec![b"GET".to_vec(), k.to_vec()], vec![r])
            }
            Op::Del(key) => {
                let k = KEYS[key].as_bytes();
                let n = if self.live(db, k, &mut ev) {
                    self.model[db].remove(k);
                    Self::change(&mut ev, db, k, ChangeKind::Del);
                    1
                } else {
                    0
                };
                (vec![b"DEL".to_vec(), k.to_vec()], vec![Item::Integer(n)])
            }
            Op::IncrBy(key, by) => {
                let k = KEYS[key].as_bytes();
                let args = vec![b"INCRBY".to_vec(), k.to_vec(), by.to_string().into_bytes()];
                let (old, ttl) = if self.live(db, k, &mut ev) {
                    let (v, t) = &self.model[db][k];
                    (keyspace::num::canonical_i64(v), *t)
                } else {
                    (Some(0), None)
                };
                let r = match old {
                    None => Item::Error("ERR value is not an integer or out of range".into()),
                    Some(o) => match o.checked_add(by) {
                        None => Item::Error("ERR increment or decrement would overflow".into()),
                        Some(n) => {
                            self.model[db].insert(k.to_vec(), (n.to_string().into_bytes(), ttl));
                            Self::change(&mut ev, db, k, ChangeKind::IncrBy);
                            Item::Integer(n)
                        }
                    },
                };
                (args, vec![r])
            }
            Op::Append(key, value) => {
                let (k, v) = (KEYS[key].as_bytes(), VALUES[value].as_bytes());
                let (mut s, ttl) = if self.live(db, k, &mut ev) {
                    self.model[db][k].clone()
                } else {
                    (Vec::new(), None)
                };
                s.extend_from_slice(v);
                let n = s.len() as i64;
                self.model[db].insert(k.to_vec(), (s, ttl));
                Self::change(&mut ev, db, k, ChangeKind::Append);
                (
                    vec![b"APPEND".to_vec(), k.to_vec(), v.to_vec()],
                    vec![Item::Integer(n)],
                )
            }
            Op::Pexpire(key, ms) => {
                let k = KEYS[key].as_bytes();
                let args = vec![b"PEXPIRE".to_vec(), k.to_vec(), ms.to_string().into_bytes()];
                let r = if self.live(db, k, &mut ev) {
                    let when = now as i64 + ms;
                    if when <= now as i64 {
                        self.model[db].remove(k);
                        Self::change(&mut ev, db, k, ChangeKind::Del);
                    } else {
                        self.model[db].get_mut(k).expect("live").1 = Some(when as u64);
                        Self::change(&mut ev, db, k, ChangeKind::Expire);
                    }
                    1
                } else {
                    0
                };
                (args, vec![Item::Integer(r)])
            }
            Op::Persist(key) => {
                let k = KEYS[key].as_bytes();
                let r = if self.live(db, k, &mut ev) && self.model[db][k].1.is_some() {
                    self.model[db].get_mut(k).expect("live").1 = None;
                    Self::change(&mut ev, db, k, ChangeKind::Persist);
                    1
                } else {
                    0
                };
                (
                    vec![b"PERSIST".to_vec(), k.to_vec()],
                    vec![Item::Integer(r)],
                )
            }
            Op::Pttl(key) => {
                let k = KEYS[key].as_bytes();
                let r = if !self.live(db, k, &mut ev) {
                    -2
                } else {
                    self.model[db][k].1.map_or(-1, |t| (t - now) as i64)
                };
                (vec![b"PTTL".to_vec(), k.to_vec()], vec![Item::Integer(r)])
            }
            Op::Rename(a, b) => {
                let (ka, kb) = (KEYS[a].as_bytes(), KEYS[b].as_bytes());
                let args = vec![b"RENAME".to_vec(), ka.to_vec(), kb.to_vec()];
                let r = if !self.live(db, ka, &mut ev) {
                    Item::Error("ERR no such key".into())
                } else if ka == kb {
                    Item::Simple("OK".into())
                } else {
                    self.live(db, kb, &mut ev);
                    let v = self.model[db].remove(ka).expect("live");
                    self.model[db].insert(kb.to_vec(), v);
                    Self::change(&mut ev, db, ka, ChangeKind::RenameFrom);
                    Self::change(&mut ev, db, kb, ChangeKind::RenameTo);
                    Item::Simple("OK".into())
                };
                (args, vec![r])
            }
            Op::Move(key, dst) => {
                let k = KEYS[key].as_bytes();
                let args = vec![b"MOVE".to_vec(), k.to_vec(), dst.to_string().into_bytes()];
                let r = if dst == db {
                    Item::Error("ERR source and destination objects are the same".into())
                } else if !self.live(db, k, &mut ev) || self.live(dst, k, &mut ev) {
                    Item::Integer(0)
                } else {
                    let v = self.model[db].remove(k).expect("live");
                    self.model[dst].insert(k.to_vec(), v);
                    Self::change(&mut ev, db, k, ChangeKind::MoveFrom);
                    Self::change(&mut ev, dst, k, ChangeKind::MoveTo);
                    Item::Integer(1)
                };
                (args, vec![r])
            }
            Op::SwapDb(a, b) => {
                let args = vec![
                    b"SWAPDB".to_vec(),
                    a.to_string().into_bytes(),
                    b.to_string().into_bytes(),
                ];
                if a != b {
                    if self.model[a].len() + self.model[b].len() > 0 {
                        Self::change(&mut ev, a, b"", ChangeKind::SwapDb);
                        Self::change(&mut ev, b, b"", ChangeKind::SwapDb);
                    }
                    self.model.swap(a, b);
                }
                (args, vec![Item::Simple("OK".into())])
            }
            Op::FlushDb => {
                if !self.model[db].is_empty() {
                    Self::change(&mut ev, db, b"", ChangeKind::Flush);
                }
                self.model[db].clear();
                (vec![b"FLUSHDB".to_vec()], vec![Item::Simple("OK".into())])
            }
            Op::Select(d) => {
                self.db = d;
                return;
            }
            Op::Advance(ms) => {
                self.now += ms;
                return;
            }
            Op::ActiveExpire(budget) => {
                let mut got = Vec::new();
                let cycle = self.ks.active_expire(Millis(self.now), budget, &mut got);
                assert!(cycle.sampled <= budget, "{cycle:?}");
                assert_eq!(cycle.expired, got.len());
                for c in &got {
                    assert_eq!(c.kind, ChangeKind::Expired);
                    let (_, t) = self.model[c.db]
                        .remove(&c.key)
                        .expect("the cycle removed a key the model has");
                    assert!(
                        t.is_some_and(|t| t <= self.now),
                        "the cycle removed a live key {c:?}"
                    );
                }
                self.check_contents();
                return;
            }
        };
        let argv: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let (got, got_ev) = self.call(&argv);
        assert_eq!(got, want, "reply to {:?}", printable(&argv));
        assert_eq!(got_ev, ev, "events of {:?}", printable(&argv));
        self.check_contents();
    }

    /// Key counts (expired keys not yet removed included) and visible keys agree in every database.
    fn check_contents(&mut self) {
        for d in 0..DBS {
            assert_eq!(self.ks.len(d), self.model[d].len(), "DBSIZE of db {d}");
            let saved = self.db;
            self.db = d;
            let (r, ev) = self.call(&[b"KEYS", b"*"]);
            self.db = saved;
            assert!(ev.is_empty(), "KEYS changes nothing");
            let mut got: Vec<Vec<u8>> = r[1..]
                .iter()
                .map(|i| {
                    if let Item::Bulk(b) = i {
                        b.clone()
                    } else {
                        panic!("{i:?}")
                    }
                })
                .collect();
            got.sort();
            let want: Vec<Vec<u8>> = self.model[d]
                .iter()
                .filter(|(_, (_, t))| t.is_none_or(|t| t > self.now))
                .map(|(k, _)| k.clone())
                .collect();
            assert_eq!(got, want, "visible keys of db {d} at {}", self.now);
        }
    }
}

fn printable(args: &[&[u8]]) -> Vec<String> {
    args.iter()
        .map(|a| format!("{}", String::from_utf8_lossy(a)))
        .collect()
}

/// Runs a whole byte-encoded sequence.
pub(crate) fn run(data: &[u8]) {
    let mut h = Harness::new();
    for op in decode(data) {
        h.step(&op);
    }
}
