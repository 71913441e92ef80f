//! The one place the server reads the clock.
//!
//! Everything else gets time as a value: the cores take `now: Millis`, the server's own code takes
//! what these functions return. Wall-clock time is Unix time (expire times are absolute Unix
//! milliseconds, as Valkey stores them); the monotonic clock measures uptime and idle times.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use keyspace::Millis;

/// Microseconds since the Unix epoch (TIME, INFO `server_time_usec`).
#[expect(
    clippy::disallowed_methods,
    reason = "clock.rs is the one module allowed to read the wall clock"
)]
pub(crate) fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Milliseconds since the Unix epoch: the `now` handed to the keyspace.
pub(crate) fn unix_millis() -> Millis {
    Millis(unix_micros() / 1000)
}

/// A point on the monotonic clock.
#[expect(
    clippy::disallowed_methods,
    reason = "clock.rs is the one module allowed to read the monotonic clock"
)]
pub(crate) fn monotonic() -> Instant {
    Instant::now()
}
