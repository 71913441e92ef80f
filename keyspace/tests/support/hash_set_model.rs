//! A naive model of hash and set keys (a `BTreeMap` / `BTreeSet` per key, beside plain strings)
//! and a harness that applies the same commands to it and to the keyspace, asserting they agree
//! on every reply, every change event, every key's type and contents, and the encoding where the
//! model can tell it, after every step.
//!
//! Shared by `tests/hash_set_model.rs` (proptest) and the `keyspace_ops` fuzz target.

#![allow(dead_code, reason = "each includer uses a different part")]

extern crate alloc;

use alloc::collections::{BTreeMap, BTreeSet};

use keyspace::{Change, ChangeKind, CommandTable, Config, Ctx, Handler, Item, Keyspace, Millis};

const KEYS: [&[u8]; 3] = [b"a", b"b", b"c"];
const ELEMS: [&[u8]; 7] = [b"x", b"y", b"1", b"22", b"-3", b"", b"long-element"];
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

/// The encodings a set can have; `None` in the model where it does not track it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Enc {
    Int,
    Pack,
    Table,
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Str,
    Hash(BTreeMap<Vec<u8>, Vec<u8>>, bool),
    Set(BTreeSet<Vec<u8>>, Option<Enc>),
}

/// A set as the model stores it, with its encoding where tracked.
type StoredSet = (BTreeSet<Vec<u8>>, Option<Enc>);

/// The keyspace under test and the model.
pub(crate) struct Harness {
    ks: Keyspace,
    table: CommandTable<Handler>,
    model: BTreeMap<Vec<u8>, Val>,
    /// (entries, value) limits for both hashes and listpack sets; the intset limit.
    entries: usize,
    value: usize,
    intset: usize,
}

fn ev(key: &[u8], kind: ChangeKind) -> Change {
    Change {
        db: 0,
        key: key.to_vec(),
        kind,
    }
}

fn is_int(b: &[u8]) -> bool {
    core::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .is_some_and(|i| i.to_string().as_bytes() == b)
}

fn wrong() -> Vec<Item> {
    vec![Item::Error(WRONGTYPE.into())]
}

/// Sorted bulk items of a flat reply after its header.
fn sorted(items: &[Item]) -> Vec<Item> {
    let mut v = items.to_vec();
    v.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    v
}

impl Harness {
    pub(crate) fn new(small: bool) -> Self {
        let (entries, value, intset) = if small { (3, 4, 4) } else { (128, 64, 512) };
        Self {
            ks: Keyspace::new(
                Config::default()
                    .hash_max_listpack(entries, value)
                    .set_max(intset, entries, value),
            ),
            table: keyspace::data_table(),
            model: BTreeMap::new(),
            entries,
            value,
            intset,
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

    /// Valkey's `setTypeAddAux` encoding change for adding `m` to a set of `len` in `enc`
    /// (`max` is the longest member so far, for the intset case).
    fn set_add_enc(&self, enc: Enc, s: &BTreeSet<Vec<u8>>, m: &[u8]) -> Enc {
        match enc {
            Enc::Table => Enc::Table,
            Enc::Pack if s.len() < self.entries && m.len() <= self.value => Enc::Pack,
            Enc::Pack => Enc::Table,
            Enc::Int if is_int(m) && s.len() < self.intset => Enc::Int,
            Enc::Int if is_int(m) => Enc::Table,
            Enc::Int => {
                let maxlen = s.iter().map(Vec::len).max().unwrap_or(0);
                if s.len() < self.entries && m.len() <= self.value && maxlen <= self.value {
                    Enc::Pack
                } else {
                    Enc::Table
                }
            }
        }
    }

    fn hash_step(&mut self, op: [u8; 4], key: &[u8]) -> (Vec<Vec<u8>>, Vec<Item>, Vec<Change>) {
        let f = ELEMS[usize::from(op[2]) % ELEMS.len()].to_vec();
        let v = ELEMS[usize::from(op[3]) % ELEMS.len()].to_vec();
        let f2 = ELEMS[usize::from(op[2] / 8) % ELEMS.len()].to_vec();
        let (entries, value) = (self.entries, self.value);
        let cur = match self.model.get(key) {
            Some(Val::Str) => Err(()),
            Some(Val::Hash(h, big)) => Ok(Some((h.clone(), *big))),
            None => Ok(None),
            Some(Val::Set(..)) => unreachable!("keys are typed by operation family"),
        };
        match op[0] % 8 {
            0 | 1 => {
                let args = vec![
                    b"HSET".to_vec(),
                    key.to_vec(),
                    f.clone(),
                    v.clone(),
                    f2.clone(),
                    v.clone(),
                ];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let (mut h, mut big) = cur.unwrap_or_default();
                if [&f, &v, &f2].iter().any(|a| a.len() > value) || 2 > entries {
                    big = true;
                }
                let mut new = 0;
                for fld in [&f, &f2] {
                    new += i64::from(h.insert(fld.clone(), v.clone()).is_none());
                }
                big |= h.len() > entries;
                self.model.insert(key.to_vec(), Val::Hash(h, big));
                (
                    args,
                    vec![Item::Integer(new)],
                    vec![ev(key, ChangeKind::HSet)],
                )
            }
            2 => {
                let args = vec![b"HDEL".to_vec(), key.to_vec(), f.clone()];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let Some((mut h, big)) = cur else {
                    return (args, vec![Item::Integer(0)], vec![]);
                };
                let gone = h.remove(&f).is_some();
                let mut evs = vec![];
                if gone {
                    evs.push(ev(key, ChangeKind::HDel));
                }
                if h.is_empty() {
                    self.model.remove(key);
                    evs.push(ev(key, ChangeKind::Del));
                } else {
                    self.model.insert(key.to_vec(), Val::Hash(h, big));
                }
                (args, vec![Item::Integer(i64::from(gone))], evs)
            }
            3 => {
                let by = i64::from(op[3] as i8);
                let args = vec![
                    b"HINCRBY".to_vec(),
                    key.to_vec(),
                    f.clone(),
                    by.to_string().into_bytes(),
                ];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let (mut h, mut big) = cur.unwrap_or_default();
                let old = match h.get(&f) {
                    None => 0,
                    Some(x) if is_int(x) => {
                        core::str::from_utf8(x).unwrap().parse::<i64>().unwrap()
                    }
                    Some(_) => {
                        return (
                            args,
                            vec![Item::Error("ERR hash value is not an integer".into())],
                            vec![],
                        );
                    }
                };
                let new = (old + by).to_string().into_bytes();
                big |= f.len() > value || new.len() > value;
                h.insert(f.clone(), new);
                big |= h.len() > entries;
                self.model.insert(key.to_vec(), Val::Hash(h, big));
                (
                    args,
                    vec![Item::Integer(old + by)],
                    vec![ev(key, ChangeKind::HIncrBy)],
                )
            }
            4 => {
                let args = vec![b"HGET".to_vec(), key.to_vec(), f.clone()];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let r = match cur.and_then(|(h, _)| h.get(&f).cloned()) {
                    Some(x) => Item::Bulk(x),
                    None => Item::Null,
                };
                (args, vec![r], vec![])
            }
            5 => {
                let args = vec![b"HMGET".to_vec(), key.to_vec(), f.clone(), f2.clone()];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let h = cur.map(|c| c.0).unwrap_or_default();
                let mut r = vec![Item::Array(2)];
                for fld in [&f, &f2] {
                    r.push(h.get(fld).map_or(Item::Null, |x| Item::Bulk(x.clone())));
                }
                (args, r, vec![])
            }
            6 => {
                let args = vec![b"HSETNX".to_vec(), key.to_vec(), f.clone(), v.clone()];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let (mut h, mut big) = cur.unwrap_or_default();
                if h.contains_key(&f) {
                    return (args, vec![Item::Integer(0)], vec![]);
                }
                big |= f.len() > value || v.len() > value;
                h.insert(f.clone(), v);
                big |= h.len() > entries;
                self.model.insert(key.to_vec(), Val::Hash(h, big));
                (
                    args,
                    vec![Item::Integer(1)],
                    vec![ev(key, ChangeKind::HSet)],
                )
            }
            _ => {
                let args = vec![b"HSTRLEN".to_vec(), key.to_vec(), f.clone()];
                let Ok(cur) = cur else {
                    return (args, wrong(), vec![]);
                };
                let n = cur.and_then(|(h, _)| h.get(&f).map(Vec::len)).unwrap_or(0);
                (args, vec![Item::Integer(n as i64)], vec![])
            }
        }
    }

    fn set_of(&self, key: &[u8]) -> Result<Option<StoredSet>, ()> {
        match self.model.get(key) {
            Some(Val::Str) => Err(()),
            Some(Val::Set(s, e)) => Ok(Some((s.clone(), *e))),
            None => Ok(None),
            Some(Val::Hash(..)) => unreachable!("keys are typed by operation family"),
        }
    }

    fn put_set(&mut self, key: &[u8], s: BTreeSet<Vec<u8>>, e: Option<Enc>) {
        self.model.insert(key.to_vec(), Val::Set(s, e));
    }

    fn set_step(
        &mut self,
        op: [u8; 4],
        key: &[u8],
        other: &[u8],
    ) -> (Vec<Vec<u8>>, Vec<Item>, Vec<Change>) {
        let m = ELEMS[usize::from(op[2]) % ELEMS.len()].to_vec();
        let m2 = ELEMS[usize::from(op[3]) % ELEMS.len()].to_vec();
        match op[0] % 8 {
            0 | 1 => {
                let args = vec![b"SADD".to_vec(), key.to_vec(), m.clone(), m2.clone()];
                let Ok(cur) = self.set_of(key) else {
                    return (args, wrong(), vec![]);
                };
                let (mut s, mut enc) = match cur {
                    Some((s, e)) => {
                        let e = e.map(|e| match e {
                            Enc::Int if 2 > self.intset => Enc::Table,
                            Enc::Pack if 2 > self.entries => Enc::Table,
                            e => e,
                        });
                        (s, e)
                    }
                    None => {
                        let e = if is_int(&m) && 2 <= self.intset {
                            Enc::Int
                        } else if 2 <= self.entries {
                            Enc::Pack
                        } else {
                            Enc::Table
                        };
                        (BTreeSet::new(), Some(e))
                    }
                };
                let mut added = 0;
                for x in [&m, &m2] {
                    if !s.contains(x) {
                        enc = enc.map(|e| self.set_add_enc(e, &s, x));
                        s.insert(x.clone());
                        added += 1;
                    }
                }
                self.put_set(key, s, enc);
                let evs = if added > 0 {
                    vec![ev(key, ChangeKind::SAdd)]
                } else {
                    vec![]
                };
                (args, vec![Item::Integer(added)], evs)
            }
            2 => {
                let args = vec![b"SREM".to_vec(), key.to_vec(), m.clone()];
                let Ok(cur) = self.set_of(key) else {
                    return (args, wrong(), vec![]);
                };
                let Some((mut s, e)) = cur else {
                    return (args, vec![Item::Integer(0)], vec![]);
                };
                if !s.remove(&m) {
                    return (args, vec![Item::Integer(0)], vec![]);
                }
                let mut evs = vec![ev(key, ChangeKind::SRem)];
                if s.is_empty() {
                    self.model.remove(key);
                    evs.push(ev(key, ChangeKind::Del));
                } else {
                    self.put_set(key, s, e);
                }
                (args, vec![Item::Integer(1)], evs)
            }
            3 => {
                let args = vec![b"SISMEMBER".to_vec(), key.to_vec(), m.clone()];
                let Ok(cur) = self.set_of(key) else {
                    return (args, wrong(), vec![]);
                };
                let r = cur.is_some_and(|(s, _)| s.contains(&m));
                (args, vec![Item::Integer(i64::from(r))], vec![])
            }
            4 => {
                let args = vec![b"SMOVE".to_vec(), key.to_vec(), other.to_vec(), m.clone()];
                let (src, dst) = (self.set_of(key), self.set_of(other));
                let Ok(src) = src else {
                    return (args, wrong(), vec![]);
                };
                let Some((mut s, e)) = src else {
                    return (args, vec![Item::Integer(0)], vec![]);
                };
                let Ok(dst) = dst else {
                    return (args, wrong(), vec![]);
                };
                if key == other {
                    return (args, vec![Item::Integer(i64::from(s.contains(&m)))], vec![]);
                }
                if !s.remove(&m) {
                    return (args, vec![Item::Integer(0)], vec![]);
                }
                let mut evs = vec![ev(key, ChangeKind::SRem)];
                if s.is_empty() {
                    self.model.remove(key);
                    evs.push(ev(key, ChangeKind::Del));
                } else {
                    self.put_set(key, s, e);
                }
                let (mut d, de) = dst.unwrap_or_else(|| {
                    let e = if is_int(&m) && 1 <= self.intset {
                        Enc::Int
                    } else if 1 <= self.entries {
                        Enc::Pack
                    } else {
                        Enc::Table
                    };
                    (BTreeSet::new(), Some(e))
                });
                if !d.contains(&m) {
                    let de = de.map(|x| self.set_add_enc(x, &d, &m));
                    d.insert(m.clone());
                    self.put_set(other, d, de);
                    evs.push(ev(other, ChangeKind::SAdd));
                }
                (args, vec![Item::Integer(1)], evs)
            }
            6 => self.algebra(op, other),
            5 => {
                let (name, kind): (&[u8], _) = match op[3] % 3 {
                    0 => (b"SINTERSTORE", ChangeKind::SInterStore),
                    1 => (b"SUNIONSTORE", ChangeKind::SUnionStore),
                    _ => (b"SDIFFSTORE", ChangeKind::SDiffStore),
                };
                let third = KEYS[1 + usize::from(op[2]) % 2];
                let args = vec![name.to_vec(), key.to_vec(), other.to_vec(), third.to_vec()];
                let (Ok(a), Ok(b)) = (self.set_of(other), self.set_of(third)) else {
                    return (args, wrong(), vec![]);
                };
                let a = a.map(|x| x.0).unwrap_or_default();
                let b = b.map(|x| x.0).unwrap_or_default();
                let r: BTreeSet<Vec<u8>> = match op[3] % 3 {
                    0 => a.intersection(&b).cloned().collect(),
                    1 => a.union(&b).cloned().collect(),
                    _ if other == third => BTreeSet::new(),
                    _ => a.difference(&b).cloned().collect(),
                };
                let n = r.len() as i64;
                let existed = self.model.remove(key).is_some();
                let evs = if r.is_empty() {
                    if existed {
                        vec![ev(key, ChangeKind::Del)]
                    } else {
                        vec![]
                    }
                } else {
                    self.put_set(key, r, None);
                    vec![ev(key, kind)]
                };
                (args, vec![Item::Integer(n)], evs)
            }
            _ => {
                let args = vec![b"SCARD".to_vec(), key.to_vec()];
                let Ok(cur) = self.set_of(key) else {
                    return (args, wrong(), vec![]);
                };
                let n = cur.map_or(0, |(s, _)| s.len());
                (args, vec![Item::Integer(n as i64)], vec![])
            }
        }
    }

    /// Applies one operation (decoded from 4 bytes) to both and compares.
    pub(crate) fn step(&mut self, op: [u8; 4]) {
        // Each key has a family: "a" holds hashes, "b" and "c" sets; any key may become a
        // string (then the family's commands answer WRONGTYPE) or be deleted.
        let key = KEYS[usize::from(op[1]) % KEYS.len()];
        let other = KEYS[1 + usize::from(op[1] / 4) % 2];
        let (args, expected, events) = if op[1] >= 0xF0 {
            let args = vec![b"SET".to_vec(), key.to_vec(), b"str".to_vec()];
            self.model.insert(key.to_vec(), Val::Str);
            (
                args,
                vec![Item::Simple("OK".into())],
                vec![ev(key, ChangeKind::Set)],
            )
        } else if op[1] >= 0xE0 {
            let args = vec![b"DEL".to_vec(), key.to_vec()];
            let existed = self.model.remove(key).is_some();
            let evs = if existed {
                vec![ev(key, ChangeKind::Del)]
            } else {
                vec![]
            };
            (args, vec![Item::Integer(i64::from(existed))], evs)
        } else if key == b"a" {
            self.hash_step(op, key)
        } else if op[0] % 8 == 7 {
            self.spop(key)
        } else {
            self.set_step(op, key, other)
        };
        let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        self.compare(&args, expected, events);
    }

    /// SINTER/SUNION/SDIFF: the order of a set reply is the keyspace's, so it is compared
    /// sorted here; nothing changes.
    fn algebra(&mut self, op: [u8; 4], other: &[u8]) -> (Vec<Vec<u8>>, Vec<Item>, Vec<Change>) {
        let third = KEYS[1 + usize::from(op[2]) % 2];
        let name: &[u8] = match op[3] % 3 {
            0 => b"SINTER",
            1 => b"SUNION",
            _ => b"SDIFF",
        };
        let (a, b) = (self.set_of(other), self.set_of(third));
        let (got, events) = self.call(&[name, other, third]);
        assert!(events.is_empty(), "{events:?}");
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let a = a.map(|x| x.0).unwrap_or_default();
                let b = b.map(|x| x.0).unwrap_or_default();
                let r: BTreeSet<Vec<u8>> = match op[3] % 3 {
                    0 => a.intersection(&b).cloned().collect(),
                    1 => a.union(&b).cloned().collect(),
                    _ if other == third => BTreeSet::new(),
                    _ => a.difference(&b).cloned().collect(),
                };
                assert_eq!(got[0], Item::Set(r.len()), "{name:?} size");
                let want: Vec<Item> = r.into_iter().map(Item::Bulk).collect();
                assert_eq!(sorted(&got[1..]), sorted(&want), "{name:?} members");
            }
            _ => assert_eq!(got, wrong(), "{name:?} over a string"),
        }
        (
            vec![b"EXISTS".to_vec(), other.to_vec()],
            vec![Item::Integer(i64::from(self.model.contains_key(other)))],
            vec![],
        )
    }

    /// SPOP: the member is random, so the keyspace's answer is checked against the model.
    fn spop(&mut self, key: &[u8]) -> (Vec<Vec<u8>>, Vec<Item>, Vec<Change>) {
        let args = vec![b"SPOP".to_vec(), key.to_vec()];
        let Ok(cur) = self.set_of(key) else {
            return (args, wrong(), vec![]);
        };
        let Some((mut s, e)) = cur else {
            return (args, vec![Item::Null], vec![]);
        };
        let (got, events) = self.call(&[b"SPOP", key]);
        let [Item::Bulk(m)] = got.as_slice() else {
            panic!("SPOP answered {got:?}")
        };
        assert!(s.remove(m), "SPOP gave {m:?}, not a member of {s:?}");
        let mut evs = vec![ev(key, ChangeKind::SPop)];
        if s.is_empty() {
            self.model.remove(key);
            evs.push(ev(key, ChangeKind::Del));
        } else {
            self.put_set(key, s, e);
        }
        assert_eq!(events, evs, "events of SPOP");
        // Already applied: compare with a read that changes nothing.
        (
            vec![b"EXISTS".to_vec(), key.to_vec()],
            vec![Item::Integer(i64::from(self.model.contains_key(key)))],
            vec![],
        )
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
                Some(Val::Hash(..)) => "hash",
                Some(Val::Set(..)) => "set",
            };
            assert_eq!(
                ty,
                vec![Item::Simple(want.into())],
                "type of {key:?} after {shown:?}"
            );
            let (enc, _) = self.call(&[b"OBJECT", b"ENCODING", key]);
            match self.model.get(key).cloned() {
                Some(Val::Hash(h, big)) => {
                    let (got, _) = self.call(&[b"HGETALL", key]);
                    let mut want = vec![];
                    for (f, v) in &h {
                        want.push(Item::Bulk(f.clone()));
                        want.push(Item::Bulk(v.clone()));
                    }
                    assert_eq!(
                        got[0],
                        Item::Map(h.len()),
                        "size of {key:?} after {shown:?}"
                    );
                    let pairs = |items: &[Item]| {
                        let mut p: Vec<(Item, Item)> = items
                            .chunks(2)
                            .map(|c| (c[0].clone(), c[1].clone()))
                            .collect();
                        p.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
                        p
                    };
                    assert_eq!(
                        pairs(&got[1..]),
                        pairs(&want),
                        "contents of {key:?} after {shown:?}"
                    );
                    let name: &[u8] = if big { b"hashtable" } else { b"listpack" };
                    assert_eq!(
                        enc,
                        vec![Item::Bulk(name.to_vec())],
                        "encoding of {key:?} after {shown:?}"
                    );
                }
                Some(Val::Set(s, e)) => {
                    let (got, _) = self.call(&[b"SMEMBERS", key]);
                    assert_eq!(
                        got[0],
                        Item::Set(s.len()),
                        "size of {key:?} after {shown:?}"
                    );
                    let want: Vec<Item> = s.iter().cloned().map(Item::Bulk).collect();
                    assert_eq!(
                        sorted(&got[1..]),
                        sorted(&want),
                        "contents of {key:?} after {shown:?}"
                    );
                    if let Some(e) = e {
                        let name: &[u8] = match e {
                            Enc::Int => b"intset",
                            Enc::Pack => b"listpack",
                            Enc::Table => b"hashtable",
                        };
                        assert_eq!(
                            enc,
                            vec![Item::Bulk(name.to_vec())],
                            "encoding of {key:?} after {shown:?}"
                        );
                    }
                }
                _ => {}
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
