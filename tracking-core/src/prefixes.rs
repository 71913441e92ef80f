//! The BCAST prefix table and the keys changed under each prefix during this event-loop
//! iteration.
//!
//! Matching a changed key costs one hash probe per distinct prefix *length* (not per prefix):
//! every registered prefix of length `n` is found by looking up the key's first `n` bytes.
//! Changed keys are interned once per iteration with the client that changed them last; each
//! prefix keeps the indices of its keys and sorts them into byte order when the batch is sent.

use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::{HashMap, HashTable};

use crate::id::ClientId;

#[derive(Debug)]
struct Slot {
    prefix: Box<[u8]>,
    clients: BTreeSet<ClientId>,
    /// Indices into the batch; may hold duplicates after the prefix set changed mid-iteration.
    pending: Vec<u32>,
}

#[derive(Debug)]
struct BatchKey {
    key: Box<[u8]>,
    /// The client that changed the key last in this iteration; None for expiry, eviction and
    /// scripts (whose modifier is not the client itself).
    last: Option<ClientId>,
    /// The prefix-set epoch when the key was last matched against the prefixes.
    epoch: u64,
}

/// One prefix's share of a batch, handed to the caller to turn into deliveries.
pub(crate) struct PrefixBatch<'a> {
    /// The subscribed clients, in id order.
    pub(crate) clients: &'a BTreeSet<ClientId>,
    /// The changed keys in byte order, each once, with the client that changed each last.
    pub(crate) keys: &'a [(&'a [u8], Option<ClientId>)],
}

/// Prefix → subscribed clients, plus the current iteration's changed keys.
#[derive(Debug)]
pub(crate) struct PrefixTable {
    hasher: FixedState,
    by_prefix: HashMap<Box<[u8]>, u32, FixedState>,
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// Distinct prefix lengths with how many prefixes have each, sorted by length.
    lengths: Vec<(usize, usize)>,
    epoch: u64,
    batch_index: HashTable<u32>,
    batch: Vec<BatchKey>,
}

impl PrefixTable {
    pub(crate) fn new(hasher: FixedState) -> Self {
        Self {
            by_prefix: HashMap::with_hasher(hasher.clone()),
            hasher,
            slots: Vec::new(),
            free: Vec::new(),
            lengths: Vec::new(),
            epoch: 0,
            batch_index: HashTable::new(),
            batch: Vec::new(),
        }
    }

    /// The number of distinct prefixes (`tracking_total_prefixes`).
    pub(crate) fn len(&self) -> usize {
        self.by_prefix.len()
    }

    /// Adds `id` to `prefix`'s clients, creating the prefix if needed.
    pub(crate) fn subscribe(&mut self, prefix: &[u8], id: ClientId) {
        if let Some(&slot) = self.by_prefix.get(prefix) {
            if let Some(slot) = self.slots[slot as usize].as_mut() {
                slot.clients.insert(id);
            }
            return;
        }
        let mut clients = BTreeSet::new();
        clients.insert(id);
        let entry = Slot {
            prefix: prefix.into(),
            clients,
            pending: Vec::new(),
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(entry);
                slot
            }
            None => {
                self.slots.push(Some(entry));
                (self.slots.len() - 1) as u32
            }
        };
        self.by_prefix.insert(prefix.into(), slot);
        match self
            .lengths
            .binary_search_by_key(&prefix.len(), |&(len, _)| len)
        {
            Ok(at) => self.lengths[at].1 += 1,
            Err(at) => self.lengths.insert(at, (prefix.len(), 1)),
        }
        self.epoch += 1;
    }

    /// Removes `id` from `prefix`'s clients; a prefix left with no client is deleted together
    /// with its pending keys.
    pub(crate) fn unsubscribe(&mut self, prefix: &[u8], id: ClientId) {
        let Some(&index) = self.by_prefix.get(prefix) else {
            return;
        };
        let Some(slot) = self.slots[index as usize].as_mut() else {
            return;
        };
        slot.clients.remove(&id);
        if !slot.clients.is_empty() {
            return;
        }
        self.slots[index as usize] = None;
        self.free.push(index);
        self.by_prefix.remove(prefix);
        if let Ok(at) = self
            .lengths
            .binary_search_by_key(&prefix.len(), |&(len, _)| len)
        {
            self.lengths[at].1 -= 1;
            if self.lengths[at].1 == 0 {
                self.lengths.remove(at);
            }
        }
        self.epoch += 1;
    }

    /// Queues `key` for every prefix it starts with, remembering `modifier` as its last changer.
    pub(crate) fn key_changed(&mut self, key: &[u8], modifier: Option<ClientId>) {
        if self.by_prefix.is_empty() {
            return;
        }
        let hash = self.hasher.hash_one(key);
        let Self {
            hasher,
            by_prefix,
            slots,
            lengths,
            epoch,
            batch_index,
            batch,
            ..
        } = self;
        let index = match batch_index.find(hash, |&i| &*batch[i as usize].key == key) {
            Some(&i) => {
                let entry = &mut batch[i as usize];
                entry.last = modifier;
                if entry.epoch == *epoch {
                    return; // already queued under every prefix that matches now
                }
                entry.epoch = *epoch;
                i
            }
            None => {
                let Ok(i) = u32::try_from(batch.len()) else {
                    return;
                };
                batch.push(BatchKey {
                    key: key.into(),
                    last: modifier,
                    epoch: *epoch,
                });
                batch_index.insert_unique(hash, i, |&j| hasher.hash_one(&*batch[j as usize].key));
                i
            }
        };
        for &(len, _) in lengths.iter() {
            let Some(head) = key.get(..len) else {
                break;
            };
            if let Some(&slot) = by_prefix.get(head) {
                if let Some(slot) = slots[slot as usize].as_mut() {
                    slot.pending.push(index);
                }
            }
        }
    }

    /// Hands each prefix that has changed keys to `emit`, prefixes in byte order, then starts
    /// a new batch.
    pub(crate) fn drain_batch(&mut self, mut emit: impl FnMut(PrefixBatch<'_>)) {
        if self.batch.is_empty() {
            return;
        }
        let mut order: Vec<u32> = (0..self.slots.len() as u32)
            .filter(|&i| {
                self.slots[i as usize]
                    .as_ref()
                    .is_some_and(|s| !s.pending.is_empty())
            })
            .collect();
        let slots = &mut self.slots;
        order.sort_unstable_by(|&x, &y| {
            let prefix = |i: u32| slots[i as usize].as_ref().map(|s| &s.prefix);
            prefix(x).cmp(&prefix(y))
        });
        let batch = &self.batch;
        let mut keys = Vec::new();
        for i in order {
            let Some(slot) = slots[i as usize].as_mut() else {
                continue;
            };
            let mut pending = core::mem::take(&mut slot.pending);
            pending.sort_unstable_by(|&x, &y| batch[x as usize].key.cmp(&batch[y as usize].key));
            pending.dedup();
            keys.clear();
            keys.extend(pending.iter().map(|&k| {
                let entry = &batch[k as usize];
                (&*entry.key, entry.last)
            }));
            emit(PrefixBatch {
                clients: &slot.clients,
                keys: &keys,
            });
            pending.clear();
            slot.pending = pending;
        }
        drop(keys);
        self.batch.clear();
        self.batch_index.clear();
    }

    /// The number of distinct keys changed under some prefix in this iteration.
    pub(crate) fn batch_len(&self) -> usize {
        self.batch.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn id(n: u64) -> ClientId {
        ClientId::new(n).unwrap()
    }

    /// One prefix's batch: its clients, and its keys with their last modifiers.
    type Drained = (Vec<u64>, Vec<(Vec<u8>, Option<u64>)>);

    fn drained(table: &mut PrefixTable) -> Vec<Drained> {
        let mut out = Vec::new();
        table.drain_batch(|b| {
            out.push((
                b.clients.iter().map(|c| c.get()).collect(),
                b.keys
                    .iter()
                    .map(|(k, m)| (k.to_vec(), m.map(ClientId::get)))
                    .collect(),
            ));
        });
        out
    }

    #[test]
    fn keys_match_prefixes_of_every_length_and_sort_in_byte_order() {
        let mut t = PrefixTable::new(FixedState::default());
        t.subscribe(b"", id(1));
        t.subscribe(b"a:", id(2));
        t.subscribe(b"abc", id(3));
        for key in [&b"a:2"[..], b"abcd", b"a:1", b"zz", b"a:1"] {
            t.key_changed(key, Some(id(9)));
        }
        let got = drained(&mut t);
        let k = |s: &str| (s.as_bytes().to_vec(), Some(9));
        assert_eq!(
            got,
            vec![
                (vec![1], vec![k("a:1"), k("a:2"), k("abcd"), k("zz")]),
                (vec![2], vec![k("a:1"), k("a:2")]),
                (vec![3], vec![k("abcd")]),
            ]
        );
        assert!(drained(&mut t).is_empty(), "the batch starts over");
    }

    #[test]
    fn the_last_modifier_wins() {
        let mut t = PrefixTable::new(FixedState::default());
        t.subscribe(b"k", id(1));
        t.key_changed(b"k1", Some(id(1)));
        t.key_changed(b"k1", None);
        t.key_changed(b"k2", None);
        t.key_changed(b"k2", Some(id(1)));
        let got = drained(&mut t);
        assert_eq!(
            got[0].1,
            vec![(b"k1".to_vec(), None), (b"k2".to_vec(), Some(1))]
        );
    }

    #[test]
    fn a_prefix_added_mid_iteration_sees_only_later_changes() {
        let mut t = PrefixTable::new(FixedState::default());
        t.subscribe(b"x", id(1));
        t.key_changed(b"ab", None);
        t.subscribe(b"a", id(2));
        t.key_changed(b"ac", None);
        t.key_changed(b"ab", None);
        t.key_changed(b"ab", None);
        let got = drained(&mut t);
        assert_eq!(
            got,
            vec![(
                vec![2],
                vec![(b"ab".to_vec(), None), (b"ac".to_vec(), None)]
            )]
        );
    }

    #[test]
    fn the_last_client_leaving_deletes_the_prefix_and_its_pending_keys() {
        let mut t = PrefixTable::new(FixedState::default());
        t.subscribe(b"p", id(1));
        t.subscribe(b"p", id(2));
        t.key_changed(b"p1", None);
        t.unsubscribe(b"p", id(1));
        assert_eq!(t.len(), 1);
        t.unsubscribe(b"p", id(2));
        assert_eq!(t.len(), 0);
        t.subscribe(b"p", id(3));
        t.key_changed(b"p2", None);
        assert_eq!(
            drained(&mut t),
            vec![(vec![3], vec![(b"p2".to_vec(), None)])]
        );
    }
}
