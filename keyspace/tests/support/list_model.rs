//! A naive model of list keys (a `VecDeque` per key, beside plain strings) and a harness that
//! applies the same list commands to it and to the keyspace, asserting they agree on every reply,
//! every change event and every key's type and contents after every step.
//!
//! Shared by `tests/list_model.rs` (proptest) and the `keyspace_ops` fuzz target.

#![allow(dead_code, reason = "each includer uses a different part")]

extern crate alloc;

use alloc::collections::{BTreeMap, VecDeque};

use keyspace::{Change, ChangeKind, CommandTable, Config, Ctx, Handler, Item, Keyspace, Millis};

const KEYS: [&[u8]; 3] = [b"a", b"b", b"c"];
const ELEMS: [&[u8]; 5] = [b"x", b"y", b"1", b"", b"long-element-000000000000000"];
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Str,
    List(VecDeque<Vec<u8>>),
}

/// The keyspace under test and the model.
pub(crate) struct Harness {
    ks: Keyspace,
    table: CommandTable<Handler>,
    model: BTreeMap<Vec<u8>, Val>,
    /// Lists the model says Valkey holds as a quicklist (count limits only: the elements here
    /// never come near a byte limit).
    quick: BTreeMap<Vec<u8>, bool>,
    fill: i64,
}

fn bulk(b: &[u8]) -> Item {
    Item::Bulk(b.to_vec())
}

fn array(items: impl IntoIterator<Item = Vec<u8>>) -> Vec<Item> {
    let items: Vec<Item> = items.into_iter().map(Item::Bulk).collect();
    let mut v = vec![Item::Array(items.len())];
    v.extend(items);
    v
}

fn ev(key: &[u8], kind: ChangeKind) -> Change {
    Change {
        db: 0,
        key: key.to_vec(),
        kind,
    }
}

/// `start..=end` of a list of `len` as LRANGE normalises it.
fn range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let s = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let e = if end < 0 { len + end } else { end };
    (s <= e && s < len).then(|| (s as usize, e.min(len - 1) as usize))
}

impl Harness {
    pub(crate) fn new(fill: i64) -> Self {
        Self {
            ks: Keyspace::new(Config::default().list_max_listpack_size(fill)),
            table: keyspace::data_table(),
            model: BTreeMap::new(),
            quick: BTreeMap::new(),
            fill,
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

    /// The model's list at `key`: `Err` for a string, `Ok(None)` when absent.
    fn list(&mut self, key: &[u8]) -> Result<Option<&mut VecDeque<Vec<u8>>>, Vec<Item>> {
        match self.model.get_mut(key) {
            None => Ok(None),
            Some(Val::Str) => Err(vec![Item::Error(WRONGTYPE.into())]),
            Some(Val::List(l)) => Ok(Some(l)),
        }
    }

    /// After a pop-like removal: the key goes when empty, else the encoding may shrink back.
    fn emptied(&mut self, key: &[u8], ev: &mut Vec<Change>) {
        match self.model.get(key) {
            Some(Val::List(l)) if l.is_empty() => {
                self.model.remove(key);
                self.quick.remove(key);
                ev.push(ev_del(key));
            }
            Some(Val::List(l)) => {
                let len = l.len() as i64;
                if self.fill > 0 && len <= self.fill / 2 {
                    self.quick.remove(key);
                }
            }
            _ => {}
        }
    }

    /// Before `added` elements go into the list at `key` (if it is one): Valkey's growing check.
    fn grows(&mut self, key: &[u8], added: usize) {
        if let Some(Val::List(l)) = self.model.get(key) {
            if self.fill > 0 && (l.len() + added) as i64 > self.fill {
                self.quick.insert(key.to_vec(), true);
            }
        }
    }

    /// Applies one operation (decoded from 4 bytes) to both and compares.
    pub(crate) fn step(&mut self, op: [u8; 4]) {
        let key = KEYS[usize::from(op[1]) % KEYS.len()];
        let other = KEYS[usize::from(op[1] / 4) % KEYS.len()];
        let e = ELEMS[usize::from(op[2]) % ELEMS.len()];
        let e2 = ELEMS[usize::from(op[2] / 8) % ELEMS.len()];
        let n = i64::from(op[3] as i8 % 6);
        let n_s = n.to_string();
        let m_s = i64::from((op[3] as i8) / 16).to_string();
        let head = op[2] & 0x80 != 0;
        let (args, expected, events): (Vec<&[u8]>, Vec<Item>, Vec<Change>) = match op[0] % 16 {
            0 | 1 => {
                let (name, kind): (&[u8], _) = if head {
                    (b"LPUSH", ChangeKind::LPush)
                } else {
                    (b"RPUSH", ChangeKind::RPush)
                };
                let args = vec![name, key, e, e2];
                if !self.model.contains_key(key) {
                    self.model.insert(key.to_vec(), Val::List(VecDeque::new()));
                }
                self.grows(key, 2);
                match self.list(key) {
                    Err(r) => (args, r, vec![]),
                    Ok(l) => {
                        let l = match l {
                            Some(l) => l,
                            None => {
                                self.model.insert(key.to_vec(), Val::List(VecDeque::new()));
                                self.list(key).ok().flatten().expect("just made")
                            }
                        };
                        for x in [e, e2] {
                            if head {
                                l.push_front(x.to_vec());
                            } else {
                                l.push_back(x.to_vec());
                            }
                        }
                        let r = vec![Item::Integer(l.len() as i64)];
                        (args, r, vec![ev(key, kind)])
                    }
                }
            }
            2 => {
                let args: Vec<&[u8]> = vec![if head { b"LPUSHX" } else { b"RPUSHX" }, key, e];
                self.grows(key, 1);
                match self.list(key) {
                    Err(r) => (args, r, vec![]),
                    Ok(None) => (args, vec![Item::Integer(0)], vec![]),
                    Ok(Some(l)) => {
                        if head {
                            l.push_front(e.to_vec());
                        } else {
                            l.push_back(e.to_vec());
                        }
                        let kind = if head {
                            ChangeKind::LPush
                        } else {
                            ChangeKind::RPush
                        };
                        (
                            args,
                            vec![Item::Integer(l.len() as i64)],
                            vec![ev(key, kind)],
                        )
                    }
                }
            }
            3 | 4 => {
                let with_count = op[0] % 16 == 4;
                let count = n.abs();
                let count_s = count.to_string();
                let name: &[u8] = if head { b"LPOP" } else { b"RPOP" };
                let mut args = vec![name, key];
                if with_count {
                    args.push(count_s.as_bytes());
                }
                let args: Vec<&[u8]> = args.iter().map(|a| &a[..]).collect();
                let args = args.into_iter().map(|a| a.to_vec()).collect::<Vec<_>>();
                let kind = if head {
                    ChangeKind::LPop
                } else {
                    ChangeKind::RPop
                };
                let (r, mut evs) = match self.list(key) {
                    Err(r) => (r, vec![]),
                    Ok(None) if with_count => (vec![Item::NullArray], vec![]),
                    Ok(None) => (vec![Item::Null], vec![]),
                    Ok(Some(_)) if with_count && count == 0 => (vec![Item::Array(0)], vec![]),
                    Ok(Some(l)) => {
                        let k = if with_count {
                            (count as usize).min(l.len())
                        } else {
                            1
                        };
                        let taken: Vec<Vec<u8>> = (0..k)
                            .filter_map(|_| if head { l.pop_front() } else { l.pop_back() })
                            .collect();
                        let r = if with_count {
                            array(taken)
                        } else {
                            vec![bulk(&taken[0])]
                        };
                        (r, vec![ev(key, kind)])
                    }
                };
                self.emptied(key, &mut evs);
                let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
                return self.compare(&refs, r, evs);
            }
            5 => {
                let args: Vec<&[u8]> = vec![b"LRANGE", key, n_s.as_bytes(), m_s.as_bytes()];
                let r = match self.list(key) {
                    Err(r) => r,
                    Ok(None) => vec![Item::Array(0)],
                    Ok(Some(l)) => match range(n, (op[3] as i8 / 16).into(), l.len()) {
                        None => vec![Item::Array(0)],
                        Some((s, t)) => array(l.range(s..=t).cloned()),
                    },
                };
                let refs = args.clone();
                return self.compare(&refs, r, vec![]);
            }
            6 => {
                let args: Vec<&[u8]> = vec![b"LINDEX", key, n_s.as_bytes()];
                let r = match self.list(key) {
                    Err(r) => r,
                    Ok(None) => vec![Item::Null],
                    Ok(Some(l)) => {
                        let i = if n < 0 { l.len() as i64 + n } else { n };
                        match usize::try_from(i).ok().and_then(|i| l.get(i)) {
                            Some(x) => vec![bulk(x)],
                            None => vec![Item::Null],
                        }
                    }
                };
                return self.compare(&args.clone(), r, vec![]);
            }
            7 => {
                let args: Vec<&[u8]> = vec![b"LSET", key, n_s.as_bytes(), e];
                self.grows(key, 1);
                let (r, mut evs) = match self.list(key) {
                    Err(r) => (r, vec![]),
                    Ok(None) => (vec![Item::Error("ERR no such key".into())], vec![]),
                    Ok(Some(l)) => {
                        let i = if n < 0 { l.len() as i64 + n } else { n };
                        match usize::try_from(i).ok().and_then(|i| l.get_mut(i)) {
                            Some(x) => {
                                *x = e.to_vec();
                                (
                                    vec![Item::Simple("OK".into())],
                                    vec![ev(key, ChangeKind::LSet)],
                                )
                            }
                            None => (vec![Item::Error("ERR index out of range".into())], vec![]),
                        }
                    }
                };
                if evs.len() == 1 {
                    self.emptied(key, &mut evs);
                }
                return self.compare(&args.clone(), r, evs);
            }
            8 => {
                let args: Vec<&[u8]> = vec![b"LREM", key, n_s.as_bytes(), e];
                let (r, mut evs) = match self.list(key) {
                    Err(r) => (r, vec![]),
                    Ok(None) => (vec![Item::Integer(0)], vec![]),
                    Ok(Some(l)) => {
                        let limit = if n == 0 {
                            usize::MAX
                        } else {
                            n.unsigned_abs() as usize
                        };
                        let mut removed = 0;
                        let mut kept: Vec<Vec<u8>> = Vec::new();
                        let items: Vec<Vec<u8>> = l.drain(..).collect();
                        let order: Vec<usize> = if n < 0 {
                            (0..items.len()).rev().collect()
                        } else {
                            (0..items.len()).collect()
                        };
                        let mut drop = vec![false; items.len()];
                        for i in order {
                            if removed < limit && items[i] == e {
                                drop[i] = true;
                                removed += 1;
                            }
                        }
                        for (i, x) in items.into_iter().enumerate() {
                            if !drop[i] {
                                kept.push(x);
                            }
                        }
                        l.extend(kept);
                        let evs = if removed > 0 {
                            vec![ev(key, ChangeKind::LRem)]
                        } else {
                            vec![]
                        };
                        (vec![Item::Integer(removed as i64)], evs)
                    }
                };
                self.emptied(key, &mut evs);
                return self.compare(&args.clone(), r, evs);
            }
            9 => {
                let args: Vec<&[u8]> = vec![b"LTRIM", key, n_s.as_bytes(), m_s.as_bytes()];
                let (r, mut evs) = match self.list(key) {
                    Err(r) => (r, vec![]),
                    Ok(None) => (vec![Item::Simple("OK".into())], vec![]),
                    Ok(Some(l)) => {
                        let before = l.len();
                        let kept: VecDeque<Vec<u8>> =
                            match range(n, (op[3] as i8 / 16).into(), l.len()) {
                                None => VecDeque::new(),
                                Some((s, t)) => l.range(s..=t).cloned().collect(),
                            };
                        *l = kept;
                        let evs = if l.len() < before {
                            vec![ev(key, ChangeKind::LTrim)]
                        } else {
                            vec![]
                        };
                        (vec![Item::Simple("OK".into())], evs)
                    }
                };
                self.emptied(key, &mut evs);
                return self.compare(&args.clone(), r, evs);
            }
            10 => {
                let args: Vec<&[u8]> = vec![
                    b"LINSERT",
                    key,
                    if head { b"BEFORE" } else { b"AFTER" },
                    e,
                    e2,
                ];
                self.grows(key, 1);
                let (r, evs) = match self.list(key) {
                    Err(r) => (r, vec![]),
                    Ok(None) => (vec![Item::Integer(0)], vec![]),
                    Ok(Some(l)) => match l.iter().position(|x| x == e) {
                        None => (vec![Item::Integer(-1)], vec![]),
                        Some(p) => {
                            l.insert(if head { p } else { p + 1 }, e2.to_vec());
                            (
                                vec![Item::Integer(l.len() as i64)],
                                vec![ev(key, ChangeKind::LInsert)],
                            )
                        }
                    },
                };
                return self.compare(&args.clone(), r, evs);
            }
            11 => {
                let rank = if n == 0 { 1 } else { n };
                let rank_s = rank.to_string();
                let count = i64::from(op[3] % 3);
                let count_s = count.to_string();
                let args: Vec<&[u8]> = vec![
                    b"LPOS",
                    key,
                    e,
                    b"RANK",
                    rank_s.as_bytes(),
                    b"COUNT",
                    count_s.as_bytes(),
                ];
                let r = match self.list(key) {
                    Err(r) => r,
                    Ok(None) => vec![Item::Array(0)],
                    Ok(Some(l)) => {
                        let idx: Vec<usize> = l
                            .iter()
                            .enumerate()
                            .filter(|(_, x)| *x == e)
                            .map(|(i, _)| i)
                            .collect();
                        let ordered: Vec<usize> = if rank > 0 {
                            idx
                        } else {
                            idx.into_iter().rev().collect()
                        };
                        let want = if count == 0 {
                            usize::MAX
                        } else {
                            count as usize
                        };
                        let hits: Vec<usize> = ordered
                            .into_iter()
                            .skip(rank.unsigned_abs() as usize - 1)
                            .take(want)
                            .collect();
                        let mut v = vec![Item::Array(hits.len())];
                        v.extend(hits.into_iter().map(|i| Item::Integer(i as i64)));
                        v
                    }
                };
                return self.compare(&args.clone(), r, vec![]);
            }
            12 => {
                let (from, to) = (head, op[3] & 1 == 1);
                let args: Vec<&[u8]> = vec![
                    b"LMOVE",
                    key,
                    other,
                    if from { b"LEFT" } else { b"RIGHT" },
                    if to { b"LEFT" } else { b"RIGHT" },
                ];
                let src_ok = self.list(key);
                let (r, evs) = match src_ok {
                    Err(r) => (r, vec![]),
                    Ok(None) => (vec![Item::Null], vec![]),
                    Ok(Some(_)) => match self.list(other) {
                        Err(r) => (r, vec![]),
                        Ok(_) => {
                            let Some(Val::List(l)) = self.model.get_mut(key) else {
                                unreachable!()
                            };
                            let v =
                                if from { l.pop_front() } else { l.pop_back() }.expect("non-empty");
                            // Valkey pops first, then checks the destination's encoding.
                            if !self.model.contains_key(other) {
                                self.model
                                    .insert(other.to_vec(), Val::List(VecDeque::new()));
                            }
                            self.grows(other, 1);
                            let dst = self
                                .model
                                .entry(other.to_vec())
                                .or_insert_with(|| Val::List(VecDeque::new()));
                            let Val::List(d) = dst else { unreachable!() };
                            if to {
                                d.push_front(v.clone());
                            } else {
                                d.push_back(v.clone());
                            }
                            let mut evs = vec![
                                ev(
                                    other,
                                    if to {
                                        ChangeKind::LPush
                                    } else {
                                        ChangeKind::RPush
                                    },
                                ),
                                ev(
                                    key,
                                    if from {
                                        ChangeKind::LPop
                                    } else {
                                        ChangeKind::RPop
                                    },
                                ),
                            ];
                            self.emptied(key, &mut evs);
                            (vec![bulk(&v)], evs)
                        }
                    },
                };
                return self.compare(&args.clone(), r, evs);
            }
            13 => {
                let count = (op[3] % 3 + 1).to_string();
                let args: Vec<&[u8]> = vec![
                    b"LMPOP",
                    b"2",
                    key,
                    other,
                    if head { b"LEFT" } else { b"RIGHT" },
                    b"COUNT",
                    count.as_bytes(),
                ];
                let mut r = None;
                let mut evs = vec![];
                for k in [key, other] {
                    match self.list(k) {
                        Err(e) => {
                            r = Some(e);
                            break;
                        }
                        Ok(None) => {}
                        Ok(Some(l)) => {
                            let c = (usize::from(op[3] % 3) + 1).min(l.len());
                            let taken: Vec<Vec<u8>> = (0..c)
                                .filter_map(|_| if head { l.pop_front() } else { l.pop_back() })
                                .collect();
                            let mut v = vec![Item::Array(2), bulk(k)];
                            v.extend(array(taken));
                            evs.push(ev(
                                k,
                                if head {
                                    ChangeKind::LPop
                                } else {
                                    ChangeKind::RPop
                                },
                            ));
                            self.emptied(k, &mut evs);
                            r = Some(v);
                            break;
                        }
                    }
                }
                return self.compare(
                    &args.clone(),
                    r.unwrap_or_else(|| vec![Item::NullArray]),
                    evs,
                );
            }
            14 => {
                let args: Vec<&[u8]> = vec![b"SET", key, e];
                self.model.insert(key.to_vec(), Val::Str);
                self.quick.remove(key);
                (
                    args,
                    vec![Item::Simple("OK".into())],
                    vec![ev(key, ChangeKind::Set)],
                )
            }
            _ => {
                let args: Vec<&[u8]> = vec![b"DEL", key];
                let existed = self.model.remove(key).is_some();
                self.quick.remove(key);
                let evs = if existed {
                    vec![ev(key, ChangeKind::Del)]
                } else {
                    vec![]
                };
                (args, vec![Item::Integer(i64::from(existed))], evs)
            }
        };
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
                Some(Val::List(_)) => "list",
            };
            assert_eq!(
                ty,
                vec![Item::Simple(want.into())],
                "type of {key:?} after {shown:?}"
            );
            if let Some(Val::List(l)) = self.model.get(key) {
                let want = array(l.iter().cloned());
                let (got, _) = self.call(&[b"LRANGE", key, b"0", b"-1"]);
                assert_eq!(got, want, "contents of {key:?} after {shown:?}");
                let enc = if self.quick.contains_key(key) {
                    "quicklist"
                } else {
                    "listpack"
                };
                let (got, _) = self.call(&[b"OBJECT", b"ENCODING", key]);
                assert_eq!(
                    got,
                    vec![bulk(enc.as_bytes())],
                    "encoding of {key:?} after {shown:?}"
                );
            }
        }
    }
}

fn ev_del(key: &[u8]) -> Change {
    ev(key, ChangeKind::Del)
}

/// Runs the operations `data` decodes to (4 bytes each; the first byte picks the encoding limit).
pub(crate) fn run(data: &[u8]) {
    let fill = match data.first() {
        Some(b) if b % 2 == 0 => 2,
        _ => -2,
    };
    let mut h = Harness::new(fill);
    for c in data.get(1..).unwrap_or_default().chunks_exact(4) {
        h.step([c[0], c[1], c[2], c[3]]);
    }
}
