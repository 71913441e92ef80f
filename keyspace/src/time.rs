//! Time as the caller hands it in: milliseconds since the Unix epoch.

use core::fmt;

/// A point in time in milliseconds since the Unix epoch, as the caller's clock read it.
///
/// The keyspace never reads a clock: every operation that can see expiry takes `now: Millis`.
/// Expiry times are absolute `Millis` too, so `EXPIREAT`/`PXAT` and `TTL` are plain arithmetic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    /// The time as milliseconds since the epoch.
    #[must_use]
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// `self + ms`, saturating at `u64::MAX`.
    #[must_use]
    pub const fn saturating_add(self, ms: u64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Millis;

    #[test]
    fn saturating_add_stops_at_max() {
        assert_eq!(Millis(u64::MAX - 1).saturating_add(5), Millis(u64::MAX));
        assert_eq!(Millis(10).saturating_add(5), Millis(15));
    }
}
