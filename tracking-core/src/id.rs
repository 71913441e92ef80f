//! Client identifiers and the question the engine asks about them.

use core::fmt;
use core::num::NonZeroU64;

/// A client's id, as `CLIENT ID` reports it.
///
/// The server assigns ids and never reuses one for the life of a [`Tracker`](crate::Tracker):
/// the engine relies on this to forget departed clients lazily (a stale id can never name a
/// new client). Zero is not an id: Valkey uses it for "no redirect".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(NonZeroU64);

impl ClientId {
    /// The id `id`, or `None` for 0.
    ///
    /// ```
    /// use tracking_core::ClientId;
    /// assert_eq!(ClientId::new(7).map(ClientId::get), Some(7));
    /// assert_eq!(ClientId::new(0), None);
    /// ```
    #[must_use]
    pub const fn new(id: u64) -> Option<Self> {
        match NonZeroU64::new(id) {
            Some(id) => Some(Self(id)),
            None => None,
        }
    }

    /// The id from an already non-zero number.
    #[must_use]
    pub const fn from_nonzero(id: NonZeroU64) -> Self {
        Self(id)
    }

    /// The number, as `CLIENT ID` prints it.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0.get()
    }
}

impl From<NonZeroU64> for ClientId {
    fn from(id: NonZeroU64) -> Self {
        Self(id)
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// What the engine asks the server about other connections.
///
/// The engine never holds connection state: when it needs to know whether a redirect target
/// can receive, it asks. A closure `Fn(ClientId) -> bool` answering "connected and not closing"
/// implements it.
pub trait Connections {
    /// Whether a client with this id is connected. `CLIENT TRACKING … REDIRECT id` is refused
    /// when this says no.
    fn is_connected(&self, id: ClientId) -> bool;

    /// Whether the client is connected but on its way out: flagged to close after its reply
    /// (QUIT) or as soon as possible. Such a redirect target counts as broken (Valkey PR #1823).
    /// The default says no.
    fn is_closing(&self, id: ClientId) -> bool {
        let _ = id;
        false
    }

    /// Whether invalidations can still be delivered to `id`: connected and not closing.
    fn can_receive(&self, id: ClientId) -> bool {
        self.is_connected(id) && !self.is_closing(id)
    }
}

impl<F: Fn(ClientId) -> bool> Connections for F {
    fn is_connected(&self, id: ClientId) -> bool {
        self(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_not_a_client_id() {
        assert_eq!(ClientId::new(0), None);
        assert_eq!(ClientId::new(u64::MAX).map(ClientId::get), Some(u64::MAX));
    }

    #[test]
    fn a_closing_target_cannot_receive() {
        struct Quitting;
        impl Connections for Quitting {
            fn is_connected(&self, _: ClientId) -> bool {
                true
            }
            fn is_closing(&self, _: ClientId) -> bool {
                true
            }
        }
        let id = ClientId::new(3).unwrap();
        assert!(Quitting.is_connected(id));
        assert!(!Quitting.can_receive(id));
        assert!((|_| true).can_receive(id));
    }
}
