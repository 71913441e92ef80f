//! The 3-byte access field of an entry, as Valkey's `robj.lru` holds it (src/evict.c):
//!
//! * LRU: the last access time in seconds, 24 bits (`LRU_CLOCK`, wrapping about every 194 days);
//! * LFU: a logarithmic access counter (8 bits) and the last decrement time in minutes (16 bits).
//!
//! Pure functions of the field and `now`; the random draw of [`lfu_log_incr`] comes in as an
//! argument so the keyspace's generator stays the only source.

use crate::time::Millis;

/// Largest LRU clock value (`LRU_CLOCK_MAX`).
pub(crate) const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;
/// Milliseconds per LRU clock tick (`LRU_CLOCK_RESOLUTION`).
pub(crate) const LRU_CLOCK_RESOLUTION: u64 = 1000;
/// The counter a new key starts with, so it survives a few samplings (`LFU_INIT_VAL`).
pub(crate) const LFU_INIT_VAL: u8 = 5;

/// The LRU clock at `now`.
pub(crate) const fn lru_clock(now: Millis) -> u32 {
    ((now.0 / LRU_CLOCK_RESOLUTION) & LRU_CLOCK_MAX as u64) as u32
}

/// An LRU field recording an access at `clock`.
pub(crate) const fn lru_field(clock: u32) -> [u8; 3] {
    let b = clock.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// Whole clock ticks since the access `a` records, the clock wrapping once at most
/// (Valkey's `estimateObjectIdleTime`, in ticks rather than milliseconds).
pub(crate) const fn lru_idle_ticks(a: [u8; 3], now: Millis) -> u32 {
    let then = u32::from_le_bytes([a[0], a[1], a[2], 0]);
    let clock = lru_clock(now);
    if clock >= then {
        clock - then
    } else {
        clock + (LRU_CLOCK_MAX - then)
    }
}

/// The LFU clock at `now`: minutes, 16 bits (`LFUGetTimeInMinutes`).
pub(crate) const fn lfu_minutes(now: Millis) -> u16 {
    ((now.0 / 1000 / 60) & 0xFFFF) as u16
}

/// An LFU field: counter, then the minute it was last decremented or incremented.
pub(crate) const fn lfu_field(minutes: u16, counter: u8) -> [u8; 3] {
    let m = minutes.to_le_bytes();
    [counter, m[0], m[1]]
}

/// Minutes since `ldt`, the 16-bit clock wrapping once at most (`LFUTimeElapsed`).
const fn lfu_elapsed(ldt: u16, now: Millis) -> u32 {
    let now_m = lfu_minutes(now);
    if now_m >= ldt {
        (now_m - ldt) as u32
    } else {
        65535 - ldt as u32 + now_m as u32
    }
}

/// The counter of field `a` at `now`, one less per `decay_minutes` elapsed, never below 0
/// (`LFUDecrAndReturn`; a decay time of 0 never decays).
pub(crate) const fn lfu_decayed(a: [u8; 3], now: Millis, decay_minutes: u32) -> u8 {
    let counter = a[0];
    let ldt = u16::from_le_bytes([a[1], a[2]]);
    let periods = match lfu_elapsed(ldt, now).checked_div(decay_minutes) {
        Some(p) => p,
        None => 0,
    };
    if periods > counter as u32 {
        0
    } else {
        counter - periods as u8
    }
}

/// The counter after one access (`LFULogIncr`): incremented with probability
/// `1 / ((counter - LFU_INIT_VAL) * log_factor + 1)` (counters at or below the initial value
/// always step up), saturating at 255. `r` is a uniform draw in `[0, 1)`.
pub(crate) fn lfu_log_incr(counter: u8, log_factor: u32, r: f64) -> u8 {
    if counter == 255 {
        return 255;
    }
    let base = f64::from(counter.saturating_sub(LFU_INIT_VAL));
    let p = 1.0 / (base * f64::from(log_factor) + 1.0);
    if r < p { counter + 1 } else { counter }
}

/// The probability [`lfu_log_incr`] increments `counter`.
#[cfg(test)]
fn incr_probability(counter: u8, log_factor: u32) -> f64 {
    let base = f64::from(counter.saturating_sub(LFU_INIT_VAL));
    1.0 / (base * f64::from(log_factor) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    #[test]
    fn lru_idle_counts_seconds_and_survives_one_wrap() {
        let a = lru_field(lru_clock(Millis(10_000)));
        assert_eq!(lru_idle_ticks(a, Millis(10_999)), 0);
        assert_eq!(lru_idle_ticks(a, Millis(25_000)), 15);
        // Accessed just before the 24-bit clock wraps, read just after.
        let late = lru_field(LRU_CLOCK_MAX - 2);
        let wrapped = Millis((u64::from(LRU_CLOCK_MAX) + 1 + 3) * 1000);
        assert_eq!(lru_idle_ticks(late, wrapped), 5);
    }

    #[test]
    fn lfu_decay_takes_one_per_period_and_stops_at_zero() {
        let a = lfu_field(lfu_minutes(Millis(0)), 10);
        let cases = [
            // (minutes elapsed, decay time, counter read)
            (0, 1, 10),
            (3, 1, 7),
            (3, 2, 9),
            (9, 3, 7),
            (10, 1, 0),
            (500, 1, 0),
            (500, 0, 10),
        ];
        for (elapsed, decay, want) in cases {
            assert_eq!(
                lfu_decayed(a, Millis(elapsed * MIN), decay),
                want,
                "{elapsed} minutes, decay {decay}"
            );
        }
    }

    #[test]
    fn lfu_elapsed_wraps_the_sixteen_bit_minute_clock_once() {
        let a = lfu_field(65_534, 200);
        // Two minutes later the clock reads 0: 65535 - 65534 + 0 = 1 elapsed, as Valkey counts.
        assert_eq!(lfu_decayed(a, Millis(65_536 * MIN), 1), 199);
        assert_eq!(lfu_decayed(a, Millis((65_536 + 10) * MIN), 1), 189);
    }

    #[test]
    fn lfu_log_incr_follows_valkeys_probabilities() {
        // At or below LFU_INIT_VAL a key always steps up.
        for c in 0..=LFU_INIT_VAL {
            assert_eq!(lfu_log_incr(c, 10, 0.999_999), c + 1);
        }
        // Above it, with probability 1 / ((c - 5) * factor + 1).
        assert!((incr_probability(6, 10) - 1.0 / 11.0).abs() < 1e-12);
        assert!((incr_probability(105, 10) - 1.0 / 1001.0).abs() < 1e-12);
        assert_eq!(lfu_log_incr(6, 10, 1.0 / 11.0 - 1e-9), 7);
        assert_eq!(lfu_log_incr(6, 10, 1.0 / 11.0), 6);
        // Factor 0: every access counts.
        assert_eq!(lfu_log_incr(200, 0, 0.999), 201);
        // Saturation.
        assert_eq!(lfu_log_incr(255, 0, 0.0), 255);
    }

    #[test]
    fn lfu_counter_grows_logarithmically_as_valkeys_table_says() {
        // Valkey's valkey.conf table (factor 10): 10 at 100 hits, 18 at 1K, 142 at 100K. The
        // expected number of hits to take a new key from LFU_INIT_VAL to `target` is the sum of
        // 1/p over the counters passed.
        let hits_to_reach = |target: u8, factor: u32| -> f64 {
            (LFU_INIT_VAL..target)
                .map(|c| 1.0 / incr_probability(c, factor))
                .sum()
        };
        assert!(hits_to_reach(10, 10) < 110.0 && hits_to_reach(11, 10) > 150.0);
        assert!(hits_to_reach(18, 10) < 1_000.0 && hits_to_reach(19, 10) > 900.0);
        assert!(hits_to_reach(142, 10) < 100_000.0 && hits_to_reach(143, 10) > 94_000.0);
        // Factor 1 climbs faster (table: 49 at 1K hits), factor 100 slower (11 at 1K hits).
        assert!(hits_to_reach(49, 1) < 1_000.0 && hits_to_reach(50, 1) > 1_000.0);
        assert!(hits_to_reach(12, 100) > 1_000.0);
    }
}
