//! Deliveries: what the engine asks the server to send, and to whom.
//!
//! Key bytes are copied once into an arena per drain cycle; a key invalidated for 10,000
//! readers is one copy and 10,000 small records.

use alloc::vec::Vec;
use core::iter::FusedIterator;
use core::ops::Range;

use crate::id::ClientId;

/// One message for one connection.
///
/// The server encodes it in the recipient's protocol:
///
/// | `message` | RESP3 recipient | RESP2 recipient |
/// |---|---|---|
/// | [`Invalidate`](Message::Invalidate) | `>2 invalidate [keys…]` | if `redirected` and the recipient is in Pub/Sub mode: `*3 message __redis__:invalidate [keys…]`; otherwise nothing |
/// | [`InvalidateAll`](Message::InvalidateAll) | `>2 invalidate _` | same rule, with a null bulk as the payload |
/// | [`RedirectBroken`](Message::RedirectBroken) | `>2 tracking-redir-broken :id` | nothing |
///
/// The recipient may have disconnected since; the server drops such deliveries.
#[derive(Clone, Debug)]
pub struct Delivery<'a> {
    /// The connection to write to: the tracking client's redirect target, or the tracking
    /// client itself.
    pub to: ClientId,
    /// The client whose tracking produced this message.
    pub tracking_client: ClientId,
    /// True when `to` was chosen through `REDIRECT` (even a redirect to oneself): the RESP2
    /// Pub/Sub form is allowed only then.
    pub redirected: bool,
    /// True when this message is for the client that was executing a command when it arose
    /// (its own change, a flush it ran, a lazy expiry during its read): it goes out after that
    /// command's reply, after the whole EXEC array for a transaction. The engine releases such
    /// messages only at [`Tracker::end_command`](crate::Tracker::end_command), so writing
    /// deliveries in drain order is always correct.
    pub after_reply: bool,
    /// What to send.
    pub message: Message<'a>,
}

/// The content of a [`Delivery`].
#[derive(Clone, Debug)]
pub enum Message<'a> {
    /// These keys changed (one key in default mode; a prefix's batch in byte order in BCAST).
    Invalidate(Keys<'a>),
    /// Everything changed (FLUSHALL, FLUSHDB): a null invalidation.
    InvalidateAll,
    /// The tracking client's redirect target is gone or closing; carries the redirect id.
    /// Sent to the tracking client itself, once per message that could not be delivered.
    RedirectBroken(ClientId),
}

/// The keys of an [`Message::Invalidate`], in order.
#[derive(Clone, Debug)]
pub struct Keys<'a> {
    bytes: &'a [u8],
    spans: core::slice::Iter<'a, Range<usize>>,
}

impl<'a> Iterator for Keys<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let span = self.spans.next()?;
        self.bytes.get(span.clone())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Keys<'_> {}
impl FusedIterator for Keys<'_> {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What {
    /// Spans `first..first + count` of the arena.
    Keys {
        first: u32,
        count: u32,
    },
    Flush,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub(crate) target: ClientId,
    pub(crate) what: What,
    pub(crate) after_reply: bool,
}

/// Records waiting to be drained, and those held until the executing command ends.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    bytes: Vec<u8>,
    spans: Vec<Range<usize>>,
    ready: Vec<Record>,
    held: Vec<Record>,
}

impl Outbox {
    /// Copies `key` into the arena; returns its span number.
    pub(crate) fn push_key(&mut self, key: &[u8]) -> u32 {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(key);
        self.spans.push(start..self.bytes.len());
        (self.spans.len() - 1) as u32
    }

    /// The number of spans so far (the `first` of the next key list).
    pub(crate) fn next_span(&self) -> u32 {
        self.spans.len() as u32
    }

    /// Repeats an earlier span (a key shared by several lists).
    pub(crate) fn push_span_copy(&mut self, span: u32) {
        let span = self.spans[span as usize].clone();
        self.spans.push(span);
    }

    /// Queues a record; `held` ones wait for [`release_held`](Self::release_held).
    pub(crate) fn push(&mut self, target: ClientId, what: What, held: bool) {
        if held {
            self.held.push(Record {
                target,
                what,
                after_reply: true,
            });
        } else {
            self.ready.push(Record {
                target,
                what,
                after_reply: false,
            });
        }
    }

    /// Makes held records ready, after the ones already ready.
    pub(crate) fn release_held(&mut self) {
        self.ready.append(&mut self.held);
    }

    /// Drops held records for `target` (it left mid-command).
    pub(crate) fn forget_held(&mut self, target: ClientId) {
        self.held.retain(|r| r.target != target);
    }

    pub(crate) fn ready_len(&self) -> usize {
        self.ready.len()
    }

    pub(crate) fn held_len(&self) -> usize {
        self.held.len()
    }

    /// Hands every ready record to `f` with its message, then forgets them.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(&Record, Message<'_>)) {
        let ready = core::mem::take(&mut self.ready);
        for record in &ready {
            let message = match record.what {
                What::Keys { first, count } => {
                    let (first, count) = (first as usize, count as usize);
                    Message::Invalidate(Keys {
                        bytes: &self.bytes,
                        spans: self.spans[first..first + count].iter(),
                    })
                }
                What::Flush => Message::InvalidateAll,
            };
            f(record, message);
        }
        self.ready = ready;
        self.ready.clear();
        if self.held.is_empty() {
            self.bytes.clear();
            self.spans.clear();
        }
    }
}
