//! Client-side caching glue: `tracking-core`'s deliveries turned into RESP bytes on the right
//! connections, and the engine's view of which connections can still receive.

use core::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use resp_codec::{Encoder, Protocol};
use tracking_core::{ClientId, Connections, Delivery, Message};

use crate::client::Client;
use crate::pubsub::{push_to, send_pending};
use crate::server::Server;

/// The channel RESP2 redirect targets hear invalidations on.
pub(crate) const INVALIDATE_CHANNEL: &[u8] = b"__redis__:invalidate";

/// Connected clients as the engine sees them: a client is gone once it left the table (closed
/// or killed) and closing once it is flagged to close after its reply (QUIT, CLIENT KILL of
/// itself). The executing client's cell is borrowed, so its id and closing flag are passed on
/// their own.
pub(crate) struct Conns<'a> {
    pub(crate) clients: &'a BTreeMap<u64, Rc<RefCell<Client>>>,
    pub(crate) me: Option<(u64, bool)>,
}

impl Connections for Conns<'_> {
    fn is_connected(&self, id: ClientId) -> bool {
        self.clients.contains_key(&id.get())
    }

    fn is_closing(&self, id: ClientId) -> bool {
        match self.me {
            Some((me, closing)) if me == id.get() => closing,
            _ => self
                .clients
                .get(&id.get())
                .and_then(|c| c.try_borrow().ok())
                .is_some_and(|c| c.close_after_reply),
        }
    }
}

/// Encodes one delivery for a recipient speaking `proto`, in Pub/Sub mode or not (§2.5);
/// nothing when that recipient cannot receive it.
pub(crate) fn encode(d: &Delivery<'_>, proto: Protocol, subscribed: bool, buf: &mut Vec<u8>) {
    let enc = Encoder::new(proto);
    let resp3 = proto == Protocol::Resp3;
    match &d.message {
        Message::RedirectBroken(target) => {
            if resp3 {
                let _ = enc.push_len(buf, 2);
                let _ = enc.bulk_string(buf, b"tracking-redir-broken");
                let _ = enc.integer(buf, target.get() as i64);
            }
            return;
        }
        Message::Invalidate(_) | Message::InvalidateAll => {}
    }
    if resp3 {
        let _ = enc.push_len(buf, 2);
        let _ = enc.bulk_string(buf, b"invalidate");
    } else if d.redirected && subscribed {
        let _ = enc.array_len(buf, 3);
        let _ = enc.bulk_string(buf, b"message");
        let _ = enc.bulk_string(buf, INVALIDATE_CHANNEL);
    } else {
        return;
    }
    match &d.message {
        Message::Invalidate(keys) => {
            let _ = enc.array_len(buf, keys.len());
            for k in keys.clone() {
                let _ = enc.bulk_string(buf, k);
            }
        }
        _ => {
            let _ = enc.null(buf);
        }
    }
}

/// Hands every drainable delivery to its connection: the executing client's go to its
/// pushes (written after its reply), others' to theirs, sent at the end of the burst.
pub(crate) fn deliver(server: &mut Server, me: &mut Client) {
    let tracker = &mut server.changes.tracker;
    if !tracker.has_deliveries() {
        return;
    }
    let clients = &server.clients;
    let pending = &mut server.pending_pushes;
    let conns = Conns {
        clients,
        me: Some((me.id, me.close_after_reply)),
    };
    tracker.drain(&conns, |d| {
        push_to(
            clients,
            pending,
            me,
            d.to.get(),
            |proto, subscribed, buf| {
                encode(&d, proto, subscribed, buf);
            },
        );
    });
}

/// [`deliver`] with no executing client (the timer).
pub(crate) fn deliver_idle(server: &mut Server) {
    let tracker = &mut server.changes.tracker;
    if !tracker.has_deliveries() {
        return;
    }
    let clients = &server.clients;
    let pending = &mut server.pending_pushes;
    let conns = Conns { clients, me: None };
    tracker.drain(&conns, |d| {
        if let Some(c) = clients.get(&d.to.get())
            && let Ok(mut c) = c.try_borrow_mut()
        {
            let was_empty = c.pushes.is_empty();
            let (proto, sub) = (c.resp, c.subscribed());
            encode(&d, proto, sub, &mut c.pushes);
            if was_empty && !c.pushes.is_empty() {
                pending.push(d.to.get());
            }
        }
    });
    send_pending(clients, pending);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracking_core::{ChangedBy, Tracker};

    fn one(redirected_to: Option<u64>, msg: impl FnOnce(&mut Tracker)) -> Vec<(u64, Vec<u8>)> {
        let mut t = Tracker::new();
        let me = ClientId::new(1).expect("id");
        let args: Vec<String> = match redirected_to {
            Some(r) => vec!["ON".into(), "REDIRECT".into(), r.to_string()],
            None => vec!["ON".into()],
        };
        t.client_tracking(me, &args, &|_| true).expect("on");
        t.record_read(me, b"k");
        msg(&mut t);
        let mut out = Vec::new();
        t.drain(&|id: ClientId| id.get() != 9, |d| {
            let mut b = Vec::new();
            encode(&d, Protocol::Resp2, true, &mut b);
            let mut b3 = Vec::new();
            encode(&d, Protocol::Resp3, false, &mut b3);
            out.push((d.to.get(), [b, b3].concat()));
        });
        out
    }

    #[test]
    fn invalidations_are_encoded_byte_exact_for_each_protocol() {
        let sent = one(Some(2), |t| t.key_changed(b"k", ChangedBy::Server));
        let want: &[u8] =
            b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n\
              >2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";
        assert_eq!(sent, vec![(2, want.to_vec())]);
        let sent = one(None, |t| drop(t.flush()));
        assert_eq!(
            sent,
            vec![(1, b">2\r\n$10\r\ninvalidate\r\n_\r\n".to_vec())]
        );
    }

    #[test]
    fn a_broken_redirect_is_told_only_in_resp3() {
        let sent = one(Some(9), |t| t.key_changed(b"k", ChangedBy::Server));
        assert_eq!(
            sent,
            vec![(1, b">2\r\n$21\r\ntracking-redir-broken\r\n:9\r\n".to_vec())]
        );
    }
}
