//! Reads recorded but not yet entered in the key table.
//!
//! A read of a key out of cache costs the table two dependent cache misses. Entered one at a
//! time, every read waits for both; entered [`GROUP`] at a time, the misses of different reads
//! overlap (see [`KeyTable::insert_pairs`](crate::keys::KeyTable::insert_pairs)). So reads
//! wait here, copied, until a group is full or something needs the table as it would be with
//! every read entered: a change, a flush, the key limit, the statistics. Entering a read later
//! changes nothing anyone can observe, since reads only add (key, client) pairs and the gate
//! (tracking on, OPTIN/OPTOUT) was passed when the read was recorded.

use alloc::vec::Vec;

use crate::id::ClientId;

/// Reads entered together: as many as the key table looks up at once.
pub(crate) const GROUP: usize = crate::keys::GROUP;

/// Longest key that waits: a longer one is entered at once (its copy would cost more than the
/// cache misses saved, and the table allocates it anyway).
pub(crate) const MAX_KEY: usize = 64;

/// Waiting reads: each client with the end of its key in `bytes`.
#[derive(Debug, Default)]
pub(crate) struct PendingReads {
    bytes: Vec<u8>,
    reads: Vec<(ClientId, usize)>,
}

impl PendingReads {
    /// Adds a read; whether a group is complete.
    pub(crate) fn push(&mut self, id: ClientId, key: &[u8]) -> bool {
        self.bytes.extend_from_slice(key);
        self.reads.push((id, self.bytes.len()));
        self.reads.len() >= GROUP
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.reads.is_empty()
    }

    /// Forgets every waiting read.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.reads.clear();
    }

    /// The waiting reads, in the order they were recorded.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ClientId, &[u8])> {
        let mut start = 0;
        self.reads.iter().map(move |&(id, end)| {
            let key = &self.bytes[start..end];
            start = end;
            (id, key)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn id(n: u64) -> ClientId {
        ClientId::new(n).unwrap()
    }

    #[test]
    fn reads_come_back_in_order_until_cleared() {
        let mut p = PendingReads::default();
        assert!(p.is_empty());
        assert!(!p.push(id(1), b"a"));
        assert!(!p.push(id(2), b""));
        assert!(!p.push(id(1), b"key"));
        let got: Vec<(ClientId, &[u8])> = p.iter().collect();
        assert_eq!(
            got,
            vec![(id(1), &b"a"[..]), (id(2), &b""[..]), (id(1), &b"key"[..])]
        );
        p.clear();
        assert!(p.is_empty());
        assert_eq!(p.iter().count(), 0);
    }

    #[test]
    fn a_full_group_is_reported() {
        let mut p = PendingReads::default();
        let full: Vec<bool> = (0..GROUP as u64).map(|n| p.push(id(n + 1), b"k")).collect();
        assert!(full[..GROUP - 1].iter().all(|f| !f));
        assert!(full[GROUP - 1]);
    }
}
