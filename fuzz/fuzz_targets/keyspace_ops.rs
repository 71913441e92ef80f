//! Operation sequences (SET/GET/DEL/INCRBY/APPEND/PEXPIRE/PERSIST/PTTL/RENAME/MOVE/SWAPDB/FLUSHDB,
//! clock advances and active expire cycles) applied to the keyspace and to a naive model: every
//! reply, every change event and the visible contents must agree after each step.
#![no_main]

#[path = "../../keyspace/tests/support/model.rs"]
mod model;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    model::run(data);
});
