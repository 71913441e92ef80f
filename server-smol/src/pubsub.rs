//! Pub/Sub state: who is subscribed to which channel and pattern, and message delivery.
//! The commands are in `commands/pubsub.rs`; a client's own subscriptions live on its
//! [`Client`] so CLIENT LIST and the RESP2 subscribed-mode check read them without a lookup.

use core::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use resp_codec::{Encoder, Protocol};

use crate::client::Client;

/// Subscribers by channel and by pattern (client ids in connection order).
#[derive(Debug, Default)]
pub(crate) struct PubSub {
    channels: HashMap<Vec<u8>, BTreeSet<u64>>,
    patterns: BTreeMap<Vec<u8>, BTreeSet<u64>>,
    /// Shard channels (SSUBSCRIBE): their own namespace; patterns never match them.
    shard_channels: HashMap<Vec<u8>, BTreeSet<u64>>,
}

impl PubSub {
    /// Distinct channels with a subscriber (INFO `pubsub_channels`).
    pub(crate) fn channel_count(&self) -> usize {
        self.channels.len()
    }

    /// Distinct patterns with a subscriber (INFO `pubsub_patterns`).
    pub(crate) fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Distinct shard channels with a subscriber (INFO `pubsubshard_channels`).
    pub(crate) fn shard_channel_count(&self) -> usize {
        self.shard_channels.len()
    }

    /// Adds `id` to `channel`.
    pub(crate) fn subscribe(&mut self, id: u64, channel: &[u8]) {
        add(&mut self.channels, id, channel);
    }

    /// Removes `id` from `channel`.
    pub(crate) fn unsubscribe(&mut self, id: u64, channel: &[u8]) {
        remove(&mut self.channels, id, channel);
    }

    /// Adds `id` to shard channel `channel`.
    pub(crate) fn ssubscribe(&mut self, id: u64, channel: &[u8]) {
        add(&mut self.shard_channels, id, channel);
    }

    /// Removes `id` from shard channel `channel`.
    pub(crate) fn sunsubscribe(&mut self, id: u64, channel: &[u8]) {
        remove(&mut self.shard_channels, id, channel);
    }

    /// The channels (`shard`: the shard channels) with a subscriber whose name matches
    /// `pattern` (all without one), in name order.
    pub(crate) fn active(&self, shard: bool, pattern: Option<&[u8]>) -> Vec<&[u8]> {
        let map = if shard {
            &self.shard_channels
        } else {
            &self.channels
        };
        let mut out: Vec<&[u8]> = map
            .keys()
            .map(Vec::as_slice)
            .filter(|c| pattern.is_none_or(|p| keyspace::glob::matches(p, c)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Subscribers of `channel` (`shard`: of the shard channel), patterns not counted.
    pub(crate) fn subscribers(&self, shard: bool, channel: &[u8]) -> usize {
        let map = if shard {
            &self.shard_channels
        } else {
            &self.channels
        };
        map.get(channel).map_or(0, BTreeSet::len)
    }

    /// The receivers of an SPUBLISH on `channel`, in connection order.
    pub(crate) fn shard_receivers(&self, channel: &[u8]) -> Vec<u64> {
        self.shard_channels
            .get(channel)
            .into_iter()
            .flatten()
            .copied()
            .collect()
    }

    /// Adds `id` to `pattern`.
    pub(crate) fn psubscribe(&mut self, id: u64, pattern: &[u8]) {
        self.patterns
            .entry(pattern.to_vec())
            .or_default()
            .insert(id);
    }

    /// Removes `id` from `pattern`.
    pub(crate) fn punsubscribe(&mut self, id: u64, pattern: &[u8]) {
        if let Some(set) = self.patterns.get_mut(pattern) {
            set.remove(&id);
            if set.is_empty() {
                self.patterns.remove(pattern);
            }
        }
    }

    /// Drops every subscription of a departing client.
    pub(crate) fn remove_client(&mut self, c: &Client) {
        for ch in &c.channels {
            self.unsubscribe(c.id, ch);
        }
        for p in &c.patterns {
            self.punsubscribe(c.id, p);
        }
        for ch in &c.shard_channels {
            self.sunsubscribe(c.id, ch);
        }
    }

    /// The receivers of a message on `channel`: channel subscribers, then each matching
    /// pattern's subscribers, as Valkey sends them (a client subscribed both ways gets both).
    pub(crate) fn receivers(&self, channel: &[u8]) -> Vec<(u64, Option<&[u8]>)> {
        let mut out: Vec<(u64, Option<&[u8]>)> = self
            .channels
            .get(channel)
            .into_iter()
            .flatten()
            .map(|&id| (id, None))
            .collect();
        for (pattern, ids) in &self.patterns {
            if keyspace::glob::matches(pattern, channel) {
                out.extend(ids.iter().map(|&id| (id, Some(pattern.as_slice()))));
            }
        }
        out
    }
}

fn add(map: &mut HashMap<Vec<u8>, BTreeSet<u64>>, id: u64, channel: &[u8]) {
    map.entry(channel.to_vec()).or_default().insert(id);
}

fn remove(map: &mut HashMap<Vec<u8>, BTreeSet<u64>>, id: u64, channel: &[u8]) {
    if let Some(set) = map.get_mut(channel) {
        set.remove(&id);
        if set.is_empty() {
            map.remove(channel);
        }
    }
}

/// Encodes `message ch payload` or `pmessage pattern ch payload` for a recipient speaking
/// `proto` (a push in RESP3, an array in RESP2).
pub(crate) fn encode_message(
    proto: Protocol,
    pattern: Option<&[u8]>,
    channel: &[u8],
    payload: &[u8],
    buf: &mut Vec<u8>,
) {
    let enc = Encoder::new(proto);
    let n = if pattern.is_some() { 4 } else { 3 };
    let _ = match proto {
        Protocol::Resp3 => enc.push_len(buf, n),
        Protocol::Resp2 => enc.array_len(buf, n),
    };
    match pattern {
        Some(p) => {
            let _ = enc.bulk_string(buf, b"pmessage");
            let _ = enc.bulk_string(buf, p);
        }
        None => {
            let _ = enc.bulk_string(buf, b"message");
        }
    }
    let _ = enc.bulk_string(buf, channel);
    let _ = enc.bulk_string(buf, payload);
}

/// Encodes `smessage ch payload` (SPUBLISH) for a recipient speaking `proto`.
pub(crate) fn encode_smessage(proto: Protocol, channel: &[u8], payload: &[u8], buf: &mut Vec<u8>) {
    let enc = Encoder::new(proto);
    let _ = match proto {
        Protocol::Resp3 => enc.push_len(buf, 3),
        Protocol::Resp2 => enc.array_len(buf, 3),
    };
    let _ = enc.bulk_string(buf, b"smessage");
    let _ = enc.bulk_string(buf, channel);
    let _ = enc.bulk_string(buf, payload);
}

/// Appends what `write` encodes (given the recipient's protocol and Pub/Sub mode) to client
/// `id`'s pushes; a recipient with nothing queued before joins `pending`, to be sent once per
/// burst by [`send_pending`]. `me` is the executing client (its cell is already borrowed),
/// whose pushes go out after its reply.
pub(crate) fn push_to(
    clients: &BTreeMap<u64, Rc<RefCell<Client>>>,
    pending: &mut Vec<u64>,
    me: &mut Client,
    id: u64,
    write: impl FnOnce(Protocol, bool, &mut Vec<u8>),
) {
    if id == me.id {
        let (proto, sub) = (me.resp, me.subscribed());
        write(proto, sub, &mut me.pushes);
        return;
    }
    push_other(clients, pending, id, write);
}

/// Writes to client `id`'s pushes (not the executing client's), queueing it for a flush when
/// they were empty.
fn push_other(
    clients: &BTreeMap<u64, Rc<RefCell<Client>>>,
    pending: &mut Vec<u64>,
    id: u64,
    write: impl FnOnce(Protocol, bool, &mut Vec<u8>),
) {
    if let Some(c) = clients.get(&id)
        && let Ok(mut c) = c.try_borrow_mut()
    {
        let was_empty = c.pushes.is_empty();
        let (proto, sub) = (c.resp, c.subscribed());
        write(proto, sub, &mut c.pushes);
        if was_empty && !c.pushes.is_empty() {
            pending.push(id);
        }
    }
}

/// [`push_to`] when a client is executing (`me`), else straight to the recipient's pushes
/// (the timer: nobody's cell is borrowed).
pub(crate) fn push_any(
    clients: &BTreeMap<u64, Rc<RefCell<Client>>>,
    pending: &mut Vec<u64>,
    me: Option<&mut Client>,
    id: u64,
    write: impl FnOnce(Protocol, bool, &mut Vec<u8>),
) {
    if let Some(me) = me {
        return push_to(clients, pending, me, id, write);
    }
    push_other(clients, pending, id, write);
}

/// Delivers `payload` on `channel` to every receiver ([`PubSub::receivers`]) and returns how
/// many there were. `me` is the executing client, if any: its own copy goes out after its reply.
pub(crate) fn publish(
    pubsub: &PubSub,
    clients: &BTreeMap<u64, Rc<RefCell<Client>>>,
    pending: &mut Vec<u64>,
    mut me: Option<&mut Client>,
    channel: &[u8],
    payload: &[u8],
) -> usize {
    let receivers = pubsub.receivers(channel);
    for &(id, pattern) in &receivers {
        push_any(clients, pending, me.as_deref_mut(), id, |proto, _, buf| {
            encode_message(proto, pattern, channel, payload, buf);
        });
    }
    receivers.len()
}

/// Sends the pushes queued for the clients in `pending` ([`Client::send_pushes`]): one write
/// per client however many pushes a burst queued for it, before the burst's own replies.
pub(crate) fn send_pending(clients: &BTreeMap<u64, Rc<RefCell<Client>>>, pending: &mut Vec<u64>) {
    for id in pending.drain(..) {
        if let Some(c) = clients.get(&id)
            && let Ok(mut c) = c.try_borrow_mut()
        {
            c.send_pushes();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_arrays_in_resp2_and_pushes_in_resp3() {
        let mut b = Vec::new();
        encode_message(Protocol::Resp2, None, b"ch", b"hi", &mut b);
        assert_eq!(b, b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        b.clear();
        encode_message(Protocol::Resp3, Some(b"c*"), b"ch", b"hi", &mut b);
        assert_eq!(
            b,
            b">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n"
        );
    }

    #[test]
    fn receivers_are_channel_then_pattern_subscribers() {
        let mut p = PubSub::default();
        p.subscribe(2, b"news");
        p.psubscribe(1, b"n*");
        p.psubscribe(3, b"x*");
        let r = p.receivers(b"news");
        assert_eq!(r, vec![(2, None), (1, Some(&b"n*"[..]))]);
        p.unsubscribe(2, b"news");
        p.punsubscribe(1, b"n*");
        assert_eq!((p.channel_count(), p.pattern_count()), (0, 1));
    }
}
