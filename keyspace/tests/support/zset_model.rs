//! A naive model of sorted set keys (a `Vec<(score, member)>` kept sorted per key, beside plain
//! strings) and a harness that applies the same commands to it and to the keyspace, asserting
//! they agree on every reply, every change event, every key's type, contents and encoding after
//! every step.
//!
//! Shared by `tests/zset_model.rs` (proptest) and the `keyspace_ops` fuzz target.

#![allow(dead_code, reason = "each includer uses a different part")]

extern crate alloc;

use alloc::collections::BTreeMap;

use keyspace::{Change, ChangeKind, CommandTable, Config, Ctx, Handler, Item, Keyspace, Millis};

const KEYS: [&[u8]; 3] = [b"a", b"b", b"c"];
const MEMBERS: [&[u8]; 6] = [b"x", b"y", b"z", b"m", b"", b"long-member"];
const SCORES: [&str; 6] = ["-1.5", "0", "1", "2.5", "1", "+inf"];
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Str,
    /// Sorted by (score, member); whether Valkey holds it as a skiplist.
    Z(Vec<(f64, Vec<u8>)>, bool),
}

/// A sorted set as the model stores it: the sorted pairs and whether it is a skiplist.
type Stored = (Vec<(f64, Vec<u8>)>, bool);

/// The keyspace under test and the model.
pub(crate) struct Harness {
    ks: Keyspace,
    table: CommandTable<Handler>,
    model: BTreeMap<Vec<u8>, Val>,
    entries: usize,
    value: usize,
}

fn ev(key: &[u8], kind: ChangeKind) -> Change {
    Change {
        db: 0,
        key: key.to_vec(),
        kind,
    }
}

fn sort(z: &mut [(f64, Vec<u8>)]) {
    z.sort_by(|a, b| a.0.partial_cmp(&b.0).expect("no NaN").then(a.1.cmp(&b.1)));
}

fn flat(items: &[(f64, Vec<u8>)], withscores: bool) -> Vec<Item> {
    let mut v = vec![Item::Array(items.len() * if withscores { 2 } else { 1 })];
    for (s, m) in items {
        v.push(Item::Bulk(m.clone()));
        if withscores {
            v.push(Item::Double(*s));
        }
    }
    v
}

impl Harness {
    pub(crate) fn new(small: bool) -> Self {
        let (entries, value) = if small { (3, 4) } else { (128, 64) };
        Self {
            ks: Keyspace::new(Config::default().zset_max_listpack(entries, value)),
            table: keyspace::data_table(),
            model: BTreeMap::new(),
            entries,
            value,
        }
    }

    fn call(&mut self, args: &[&[u8]]) -> (Vec<Item>, Vec<Change>) {
        let (mut out, mut events) = (Vec::new(), Vec::new());
        let mut cx = Ctx {
            keyspace: &mut self.ks,
            db: 0,
            now: Millis(1),
            events: &mut events,
        };
        cx.call(&self.table, args, &mut out);
        (out, events)
    }

    fn z(&self, key: &[u8]) -> Result<Option<Stored>, Vec<Item>> {
        match self.model.get(key) {
            None => Ok(None),
            Some(Val::Str) => Err(vec![Item::Error(WRONGTYPE.into())]),
            Some(Val::Z(z, big)) => Ok(Some((z.clone(), *big))),
        }
    }

    /// Stores `z` at `key` (or deletes the key if empty, adding `Del` to `evs`).
    fn put(&mut self, key: &[u8], z: Vec<(f64, Vec<u8>)>, big: bool, evs: &mut Vec<Change>) {
        if z.is_empty() {
            self.model.remove(key);
            evs.push(ev(key, ChangeKind::Del));
        } else {
            self.model.insert(key.to_vec(), Val::Z(z, big));
        }
    }

    /// Applies one operation (decoded from 4 bytes) to both and compares.
    pub(crate) fn step(&mut self, op: [u8; 4]) {
        let key = KEYS[usize::from(op[1]) % KEYS.len()];
        let m = MEMBERS[usize::from(op[2]) % MEMBERS.len()].to_vec();
        let m2 = MEMBERS[usize::from(op[3]) % MEMBERS.len()].to_vec();
        let s_txt = SCORES[usize::from(op[2] / 8) % SCORES.len()];
        let s: f64 = s_txt.parse().expect("score");
        let s2_txt = SCORES[usize::from(op[3] / 8) % SCORES.len()];
        let s2: f64 = s2_txt.parse().expect("score");
        let (args, expected, events): (Vec<Vec<u8>>, Vec<Item>, Vec<Change>) = match op[0] % 11 {
            0..=2 => {
                // ZADD with a valid flag combination.
                let (nx, xx, gt, lt, ch) = match op[1] / 4 % 6 {
                    0 => (false, false, false, false, false),
                    1 => (true, false, false, false, false),
                    2 => (false, true, false, false, true),
                    3 => (false, false, true, false, true),
                    4 => (false, false, false, true, false),
                    _ => (false, false, false, false, true),
                };
                let mut args = vec![b"ZADD".to_vec(), key.to_vec()];
                for (on, name) in [(nx, "NX"), (xx, "XX"), (gt, "GT"), (lt, "LT"), (ch, "CH")] {
                    if on {
                        args.push(name.as_bytes().to_vec());
                    }
                }
                args.extend([
                    s_txt.as_bytes().to_vec(),
                    m.clone(),
                    s2_txt.as_bytes().to_vec(),
                    m2.clone(),
                ]);
                match self.z(key) {
                    Err(e) => (args, e, vec![]),
                    Ok(None) if xx => (args, vec![Item::Integer(0)], vec![]),
                    Ok(cur) => {
                        let max_len = m.len().max(m2.len());
                        let (mut z, mut big) = cur.unwrap_or_else(|| (vec![], false));
                        big |= 2 > self.entries || max_len > self.value;
                        let (mut added, mut updated) = (0, 0);
                        for (sc, mem) in [(s, &m), (s2, &m2)] {
                            match z.iter().position(|(_, x)| x == mem) {
                                Some(i) => {
                                    let cur = z[i].0;
                                    if nx || (lt && sc >= cur) || (gt && sc <= cur) {
                                        continue;
                                    }
                                    if sc != cur {
                                        z[i].0 = sc;
                                        updated += 1;
                                    }
                                }
                                None if xx => {}
                                None => {
                                    if z.len() + 1 > self.entries || mem.len() > self.value {
                                        big = true;
                                    }
                                    z.push((sc, mem.clone()));
                                    added += 1;
                                }
                            }
                            sort(&mut z);
                        }
                        let evs = if added + updated > 0 {
                            vec![ev(key, ChangeKind::ZAdd)]
                        } else {
                            vec![]
                        };
                        let mut ignore = vec![];
                        self.put(key, z, big, &mut ignore);
                        (
                            args,
                            vec![Item::Integer(if ch { added + updated } else { added })],
                            evs,
                        )
                    }
                }
            }
            3 => {
                let args = vec![b"ZREM".to_vec(), key.to_vec(), m.clone(), m2.clone()];
                match self.z(key) {
                    Err(e) => (args, e, vec![]),
                    Ok(None) => (args, vec![Item::Integer(0)], vec![]),
                    Ok(Some((mut z, big))) => {
                        let before = z.len();
                        z.retain(|(_, x)| *x != m && *x != m2);
                        let n = before - z.len();
                        let mut evs = vec![];
                        if n > 0 {
                            evs.push(ev(key, ChangeKind::ZRem));
                            self.put(key, z, big, &mut evs);
                        }
                        (args, vec![Item::Integer(n as i64)], evs)
                    }
                }
            }
            4 => {
                let args = vec![
                    b"ZINCRBY".to_vec(),
                    key.to_vec(),
                    s_txt.as_bytes().to_vec(),
                    m.clone(),
                ];
                match self.z(key) {
                    Err(e) => (args, e, vec![]),
                    Ok(cur) => {
                        let (mut z, mut big) = cur.unwrap_or_else(|| (vec![], false));
                        big |= m.len() > self.value;
                        let new = match z.iter().position(|(_, x)| *x == m) {
                            Some(i) => z[i].0 + s,
                            None => s,
                        };
                        if new.is_nan() {
                            // Nothing changes; an empty set created for it stays absent.
                            (
                                args,
                                vec![Item::Error(
                                    "ERR resulting score is not a number (NaN)".into(),
                                )],
                                vec![],
                            )
                        } else {
                            let changed = match z.iter().position(|(_, x)| *x == m) {
                                Some(i) => {
                                    let changed = z[i].0 != new;
                                    z[i].0 = new;
                                    changed
                                }
                                None => {
                                    big |= z.len() + 1 > self.entries;
                                    z.push((new, m.clone()));
                                    true
                                }
                            };
                            sort(&mut z);
                            let mut ignore = vec![];
                            self.put(key, z, big, &mut ignore);
                            let evs = if changed {
                                vec![ev(key, ChangeKind::ZIncr)]
                            } else {
                                vec![]
                            };
                            (args, vec![Item::Double(new)], evs)
                        }
                    }
                }
            }
            5 => {
                let rev = op[3] & 1 == 1;
                let name: &[u8] = if rev { b"ZREVRANK" } else { b"ZRANK" };
                let args = vec![
                    name.to_vec(),
                    key.to_vec(),
                    m.clone(),
                    b"WITHSCORE".to_vec(),
                ];
                match self.z(key) {
                    Err(e) => (args, e, vec![]),
                    Ok(z) => {
                        let z = z.map(|x| x.0).unwrap_or_default();
                        let r = match z.iter().position(|(_, x)| *x == m) {
                            Some(i) => {
                                let rank = if rev { z.len() - 1 - i } else { i };
                                vec![
                                    Item::Array(2),
                                    Item::Integer(rank as i64),
                                    Item::Double(z[i].0),
                                ]
                            }
                            None => vec![Item::NullArray],
                        };
                        (args, r, vec![])
                    }
                }
            }
            6 => {
                // ZRANGE by score, either direction, with scores.
                let (lo, hi) = if s <= s2 {
                    (s_txt, s2_txt)
                } else {
                    (s2_txt, s_txt)
                };
                let (lo_f, hi_f): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
                let rev = op[0] & 0x10 != 0;
                let mut args = vec![b"ZRANGE".to_vec(), key.to_vec()];
                if rev {
                    args.extend([hi.as_bytes().to_vec(), lo.as_bytes().to_vec()]);
                } else {
                    args.extend([lo.as_bytes().to_vec(), hi.as_bytes().to_vec()]);
                }
                args.push(b"BYSCORE".to_vec());
                if rev {
                    args.push(b"REV".to_vec());
                }
                args.push(b"WITHSCORES".to_vec());
                match self.z(key) {
                    Err(e) => (args, e, vec![]),
                    Ok(z) => {
                        let z = z.map(|x| x.0).unwrap_or_default();
                        let mut sel: Vec<(f64, Vec<u8>)> = z
                            .into_iter()
                            .filter(|(sc, _)| *sc >= lo_f && *sc <= hi_f)
                            .collect();
                        if rev {
                            sel.reverse();
                        }
                        (args, flat(&sel, true), vec![])
                    }
                }
            }
            7 => {
                let max = op[3] & 1 == 1;
                let n = usize::from(op[2] % 4);
                let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
                let args = vec![name.to_vec(), key.to_vec(), n.to_string().into_bytes()];
                match self.z(key) {
                    Err(e) if n > 0 => (args, e, vec![]),
                    Err(_) => (args, vec![Item::Array(0)], vec![]),
                    Ok(None) => (args, vec![Item::Array(0)], vec![]),
                    Ok(Some(_)) if n == 0 => (args, vec![Item::Array(0)], vec![]),
                    Ok(Some((mut z, big))) => {
                        let take = n.min(z.len());
                        let popped: Vec<(f64, Vec<u8>)> = if max {
                            z.drain(z.len() - take..).rev().collect()
                        } else {
                            z.drain(..take).collect()
                        };
                        let kind = if max {
                            ChangeKind::ZPopMax
                        } else {
                            ChangeKind::ZPopMin
                        };
                        let mut evs = vec![ev(key, kind)];
                        self.put(key, z, big, &mut evs);
                        (args, flat(&popped, true), evs)
                    }
                }
            }
            8 => {
                let (start, stop) = (i64::from(op[2] as i8 % 4), i64::from(op[3] as i8 % 4));
                let args = vec![
                    b"ZREMRANGEBYRANK".to_vec(),
                    key.to_vec(),
                    start.to_string().into_bytes(),
                    stop.to_string().into_bytes(),
                ];
                match self.z(key) {
                    Err(e) => (args, e, vec![]),
                    Ok(None) => (args, vec![Item::Integer(0)], vec![]),
                    Ok(Some((mut z, big))) => {
                        let len = z.len() as i64;
                        let s = if start < 0 { len + start } else { start }.max(0);
                        let e = if stop < 0 { len + stop } else { stop };
                        if s > e || s >= len {
                            (args, vec![Item::Integer(0)], vec![])
                        } else {
                            let e = e.min(len - 1);
                            z.drain(s as usize..=e as usize);
                            let mut evs = vec![ev(key, ChangeKind::ZRemRangeByRank)];
                            self.put(key, z, big, &mut evs);
                            (args, vec![Item::Integer(e - s + 1)], evs)
                        }
                    }
                }
            }
            9 => {
                // ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE key other third.
                let other = KEYS[usize::from(op[2]) % KEYS.len()];
                let third = KEYS[usize::from(op[3]) % KEYS.len()];
                let (name, kind): (&[u8], _) = match op[1] / 4 % 3 {
                    0 => (b"ZUNIONSTORE", ChangeKind::ZUnionStore),
                    1 => (b"ZINTERSTORE", ChangeKind::ZInterStore),
                    _ => (b"ZDIFFSTORE", ChangeKind::ZDiffStore),
                };
                let args = vec![
                    name.to_vec(),
                    key.to_vec(),
                    b"2".to_vec(),
                    other.to_vec(),
                    third.to_vec(),
                ];
                match (self.z(other), self.z(third)) {
                    (Err(e), _) | (_, Err(e)) => (args, e, vec![]),
                    (Ok(a), Ok(b)) => {
                        let a = a.map(|x| x.0);
                        let b = b.map(|x| x.0);
                        let find = |z: &Option<Vec<(f64, Vec<u8>)>>, m: &[u8]| {
                            z.as_ref()
                                .and_then(|z| z.iter().find(|(_, x)| x == m).map(|(s, _)| *s))
                        };
                        let mut r: Vec<(f64, Vec<u8>)> = Vec::new();
                        match op[1] / 4 % 3 {
                            0 => {
                                for (s, m) in a.iter().flatten().chain(b.iter().flatten()) {
                                    match r.iter_mut().find(|(_, x)| x == m) {
                                        Some(e) => e.0 += *s,
                                        None => r.push((*s, m.clone())),
                                    }
                                }
                            }
                            1 => {
                                for (s, m) in a.iter().flatten() {
                                    if let Some(t) = find(&b, m) {
                                        r.push((*s + t, m.clone()));
                                    }
                                }
                            }
                            _ => {
                                if other != third {
                                    for (s, m) in a.iter().flatten() {
                                        if find(&b, m).is_none() {
                                            r.push((*s, m.clone()));
                                        }
                                    }
                                }
                            }
                        }
                        sort(&mut r);
                        let n = r.len() as i64;
                        let existed = self.model.remove(key).is_some();
                        let evs = if r.is_empty() {
                            if existed {
                                vec![ev(key, ChangeKind::Del)]
                            } else {
                                vec![]
                            }
                        } else {
                            let max_len = r.iter().map(|(_, m)| m.len()).max().unwrap_or(0);
                            let big = r.len() > self.entries || max_len > self.value;
                            self.model.insert(key.to_vec(), Val::Z(r, big));
                            vec![ev(key, kind)]
                        };
                        (args, vec![Item::Integer(n)], evs)
                    }
                }
            }
            _ if op[1] & 0x80 != 0 => {
                let args = vec![b"SET".to_vec(), key.to_vec(), b"v".to_vec()];
                self.model.insert(key.to_vec(), Val::Str);
                (
                    args,
                    vec![Item::Simple("OK".into())],
                    vec![ev(key, ChangeKind::Set)],
                )
            }
            _ => {
                let args = vec![b"DEL".to_vec(), key.to_vec()];
                let existed = self.model.remove(key).is_some();
                let evs = if existed {
                    vec![ev(key, ChangeKind::Del)]
                } else {
                    vec![]
                };
                (args, vec![Item::Integer(i64::from(existed))], evs)
            }
        };
        let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        self.compare(&args, expected, events);
    }

    fn compare(&mut self, args: &[&[u8]], expected: Vec<Item>, events: Vec<Change>) {
        let (got, got_events) = self.call(args);
        let shown: Vec<String> = args
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        assert_eq!(got, expected, "reply to {shown:?}");
        assert_eq!(got_events, events, "events of {shown:?}");
        for key in KEYS {
            let (ty, _) = self.call(&[b"TYPE", key]);
            let want = match self.model.get(key) {
                None => "none",
                Some(Val::Str) => "string",
                Some(Val::Z(..)) => "zset",
            };
            assert_eq!(
                ty,
                vec![Item::Simple(want.into())],
                "type of {key:?} after {shown:?}"
            );
            if let Some(Val::Z(z, big)) = self.model.get(key).cloned() {
                let (got, _) = self.call(&[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]);
                assert_eq!(got, flat(&z, true), "contents of {key:?} after {shown:?}");
                let (enc, _) = self.call(&[b"OBJECT", b"ENCODING", key]);
                let name: &[u8] = if big { b"skiplist" } else { b"listpack" };
                assert_eq!(
                    enc,
                    vec![Item::Bulk(name.to_vec())],
                    "encoding of {key:?} after {shown:?}"
                );
            }
        }
    }
}

/// Runs the operations `data` decodes to (4 bytes each; the first byte picks the limits).
pub(crate) fn run(data: &[u8]) {
    let mut h = Harness::new(data.first().is_some_and(|b| b % 2 == 0));
    for c in data.get(1..).unwrap_or_default().chunks_exact(4) {
        h.step([c[0], c[1], c[2], c[3]]);
    }
}
