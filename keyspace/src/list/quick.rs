//! The `quicklist` encoding's storage: one boxed slice per element in a ring buffer, with the
//! size the whole list would take as one listpack (Valkey converts back to a listpack by it).

use alloc::boxed::Box;
use alloc::collections::VecDeque;

use super::{LP_OVERHEAD, listpack_entry_len};

/// A large list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Quick {
    pub(super) items: VecDeque<Box<[u8]>>,
    /// What the whole list would take as one listpack.
    pub(super) lp_bytes: usize,
    /// Sum of the element lengths.
    data_bytes: usize,
}

impl Quick {
    pub(super) fn new() -> Self {
        Self {
            items: VecDeque::new(),
            lp_bytes: LP_OVERHEAD,
            data_bytes: 0,
        }
    }

    pub(super) fn memory(&self) -> usize {
        self.data_bytes + self.items.capacity() * size_of::<Box<[u8]>>()
    }

    fn added(&mut self, e: &[u8]) {
        self.lp_bytes += listpack_entry_len(e);
        self.data_bytes += e.len();
    }

    fn removed(&mut self, e: &[u8]) {
        self.lp_bytes -= listpack_entry_len(e);
        self.data_bytes -= e.len();
    }

    pub(super) fn push_front(&mut self, e: Box<[u8]>) {
        self.added(&e);
        self.items.push_front(e);
    }

    pub(super) fn push_back(&mut self, e: Box<[u8]>) {
        self.added(&e);
        self.items.push_back(e);
    }

    pub(super) fn pop_front(&mut self) -> Option<Box<[u8]>> {
        let e = self.items.pop_front()?;
        self.removed(&e);
        Some(e)
    }

    pub(super) fn pop_back(&mut self) -> Option<Box<[u8]>> {
        let e = self.items.pop_back()?;
        self.removed(&e);
        Some(e)
    }

    pub(super) fn set(&mut self, i: usize, e: &[u8]) {
        let old = core::mem::replace(&mut self.items[i], e.into());
        self.removed(&old);
        self.added(e);
    }

    pub(super) fn insert(&mut self, i: usize, e: &[u8]) {
        self.added(e);
        self.items.insert(i, e.into());
    }

    pub(super) fn remove(&mut self, i: usize) {
        if let Some(old) = self.items.remove(i) {
            self.removed(&old);
        }
    }
}
