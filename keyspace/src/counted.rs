//! A vector that keeps the heap bytes of its items up to date, so a small (listpack-encoded)
//! collection reports its memory without a walk on every write.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::Deref;

use crate::hashed::HeapSize;

impl HeapSize for (Box<[u8]>, Box<[u8]>) {
    fn heap_size(&self) -> usize {
        self.0.len() + self.1.len()
    }
}

/// Items in order, with the sum of their heap sizes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counted<T> {
    items: Vec<T>,
    bytes: usize,
}

impl<T> Deref for Counted<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T: HeapSize> From<Vec<T>> for Counted<T> {
    fn from(items: Vec<T>) -> Self {
        let bytes = items.iter().map(HeapSize::heap_size).sum();
        Self { items, bytes }
    }
}

impl<T: HeapSize> Counted<T> {
    pub(crate) const fn new() -> Self {
        Self {
            items: Vec::new(),
            bytes: 0,
        }
    }

    /// Heap bytes: the vector and what its items own.
    pub(crate) fn memory(&self) -> usize {
        self.items.capacity() * size_of::<T>() + self.bytes
    }

    pub(crate) fn push(&mut self, t: T) {
        self.bytes += t.heap_size();
        self.items.push(t);
    }

    pub(crate) fn remove(&mut self, i: usize) -> T {
        let t = self.items.remove(i);
        self.bytes -= t.heap_size();
        t
    }

    /// Changes item `i` through `f`, keeping the count right.
    pub(crate) fn update<R>(&mut self, i: usize, f: impl FnOnce(&mut T) -> R) -> R {
        let before = self.items[i].heap_size();
        let r = f(&mut self.items[i]);
        self.bytes = self.bytes + self.items[i].heap_size() - before;
        r
    }

    /// Takes every item out.
    pub(crate) fn take(&mut self) -> Vec<T> {
        self.bytes = 0;
        core::mem::take(&mut self.items)
    }
}
