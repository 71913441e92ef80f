//! Random `tracking-core` operation sequences (CLIENT TRACKING/CACHING, reads, changes, flushes,
//! command boundaries, BCAST iterations, the table limit, departures, closing redirect targets)
//! run against the engine and a naive model, which must agree on every delivery, and on INFO
//! fields, TRACKINGINFO, GETREDIR and recorded pairs at each Drain op and at the end (looking
//! enters queued reads, so between looks reads stay queued). The model is the one the crate's
//! own proptest uses.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tracking-core/tests/naive/mod.rs"]
mod naive;

fuzz_target!(|data: &[u8]| naive::check_bytes(data));
