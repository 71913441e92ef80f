//! Bytes per tracked (key, client) pair at 1,000,000 keys × 2 readers, counted by a global
//! allocator wrapper (`stats_alloc`). The goal is ≤ 32 bytes per pair, key bytes included.

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tracking_core::{ClientId, Tracker};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const KEYS: usize = 1_000_000;

/// `key:0000000`-style keys (11 bytes) written into a stack buffer, so only the engine allocates.
fn key(n: usize, buf: &mut [u8; 11]) -> &[u8] {
    buf[..4].copy_from_slice(b"key:");
    let mut n = n;
    for slot in buf[4..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    buf
}

#[test]
fn a_tracked_pair_costs_at_most_32_bytes_at_a_million_keys_and_two_readers() {
    let (a, b) = (ClientId::new(1).unwrap(), ClientId::new(2).unwrap());
    let region = Region::new(GLOBAL);
    let mut tracker = Tracker::new();
    tracker.client_tracking(a, &["on"], &|_| true).unwrap();
    tracker.client_tracking(b, &["on"], &|_| true).unwrap();
    let mut buf = [0; 11];
    for n in 0..KEYS {
        tracker.record_read(a, key(n, &mut buf));
        tracker.record_read(b, key(n, &mut buf));
    }
    let change = region.change();
    let live = change.bytes_allocated as isize - change.bytes_deallocated as isize;
    let pairs = tracker.stats().total_items;
    assert_eq!(pairs, 2 * KEYS);
    let per_pair = live as f64 / pairs as f64;
    println!("{live} bytes live for {pairs} pairs: {per_pair:.2} bytes per pair");
    assert!(per_pair <= 32.0, "{per_pair:.2} bytes per pair");
    drop(tracker);
}
