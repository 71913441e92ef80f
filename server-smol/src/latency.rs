//! INFO latencystats: a latency histogram per command, laid out as the HdrHistogram Valkey
//! keeps (`hdr_init(1, 1_000_000_000, 2)`: nanoseconds from 1 ns to 1 s, two significant
//! digits), so a percentile reads back as the same bucket bound Valkey prints
//! (`p50=1.003` for a 1 µs command), and the `latency-tracking-info-percentiles` setting.

use core::fmt::Write;

/// Lowest value told apart (Valkey's `LATENCY_HISTOGRAM_MIN_VALUE`), in ns.
const MIN_VALUE: u64 = 1;
/// Highest value kept (`LATENCY_HISTOGRAM_MAX_VALUE`); longer durations count as this.
const MAX_VALUE: u64 = 1_000_000_000;
/// `log2` of the sub-buckets per bucket: 256 for two significant digits (2 * 10^2 rounded up
/// to a power of two).
const SUB_BUCKET_COUNT_MAGNITUDE: u32 = 8;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = SUB_BUCKET_COUNT_MAGNITUDE - 1;
const SUB_BUCKET_HALF_COUNT: usize = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
const SUB_BUCKET_MASK: u64 = (1 << SUB_BUCKET_COUNT_MAGNITUDE) - 1;
/// Buckets needed to reach [`MAX_VALUE`]: 256 << 22 is the first power past 10^9.
const BUCKET_COUNT: usize = 23;
const COUNTS_LEN: usize = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

/// One command's durations.
#[derive(Clone, Debug)]
pub(crate) struct Histogram {
    counts: Box<[u64; COUNTS_LEN]>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: Box::new([0; COUNTS_LEN]),
            total: 0,
        }
    }
}

/// The bucket holding `value` (HdrHistogram's `get_bucket_index`).
fn bucket_index(value: u64) -> u32 {
    let pow2ceiling = 64 - (value | SUB_BUCKET_MASK).leading_zeros();
    pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1)
}

/// The lowest value of `value`'s bucket slot and the slot's width.
fn equivalent_range(value: u64) -> (u64, u64) {
    let bucket = bucket_index(value);
    let sub = value >> bucket;
    let lowest = sub << bucket;
    let adjusted = if sub >= 1 << SUB_BUCKET_COUNT_MAGNITUDE {
        bucket + 1
    } else {
        bucket
    };
    (lowest, 1 << adjusted)
}

/// The lowest value counted at `index` (HdrHistogram's `hdr_value_at_index`).
fn value_at_index(index: usize) -> u64 {
    let mut bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) as i64 - 1;
    let mut sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
    if bucket < 0 {
        sub -= SUB_BUCKET_HALF_COUNT;
        bucket = 0;
    }
    (sub as u64) << bucket
}

impl Histogram {
    /// Counts one duration of `nanos` (clamped to 1 ns ..= 1 s, as Valkey clamps it).
    pub(crate) fn record(&mut self, nanos: u64) {
        let v = nanos.clamp(MIN_VALUE, MAX_VALUE);
        let bucket = bucket_index(v);
        let sub = (v >> bucket) as usize;
        let index = ((bucket as usize + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub
            - SUB_BUCKET_HALF_COUNT;
        self.counts[index] += 1;
        self.total += 1;
    }

    /// The value at `percentile` (HdrHistogram's `hdr_value_at_percentile`): the highest value
    /// of the slot the percentile falls in (the lowest, for 0).
    pub(crate) fn value_at_percentile(&self, percentile: f64) -> u64 {
        let requested = percentile.min(100.0);
        let wanted = ((requested / 100.0 * self.total as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        let mut value = 0;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= wanted {
                value = value_at_index(i);
                break;
            }
        }
        let (lowest, width) = equivalent_range(value);
        if percentile == 0.0 {
            lowest
        } else {
            lowest + width - 1
        }
    }
}

/// A percentile as Valkey writes it: `%f` without trailing zeros (`50`, `99.9`).
pub(crate) fn show_percentile(p: f64) -> String {
    let text = format!("{p:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Parses `latency-tracking-info-percentiles` (a lone empty argument: none), with Valkey's
/// error texts; each value comes back in its shown form.
pub(crate) fn parse_percentiles(args: &[&[u8]]) -> Result<Vec<String>, String> {
    if matches!(args, [a] if a.is_empty()) {
        return Ok(Vec::new());
    }
    args.iter()
        .map(|a| {
            let p = core::str::from_utf8(a)
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|p| !p.is_nan())
                .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
            if (0.0..=100.0).contains(&p) {
                Ok(show_percentile(p))
            } else {
                Err(
                    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                        .to_string(),
                )
            }
        })
        .collect()
}

/// Appends `latency_percentiles_usec_<name>:p50=...,p99=...` for `percentiles` (shown forms).
pub(crate) fn info_line(t: &mut String, name: &str, h: &Histogram, percentiles: &[String]) {
    let _ = write!(t, "latency_percentiles_usec_{name}:");
    for (i, p) in percentiles.iter().enumerate() {
        if i > 0 {
            t.push(',');
        }
        let value = p.parse::<f64>().map_or(0, |p| h.value_at_percentile(p));
        let _ = write!(t, "p{p}={:.3}", value as f64 / 1000.0);
    }
    t.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_read_back_as_valkeys_bucket_bounds() {
        let mut h = Histogram::default();
        h.record(1000); // 1 µs: slot [1000, 1003]
        assert_eq!(h.value_at_percentile(50.0), 1003);
        assert_eq!(h.value_at_percentile(0.0), 1000);
        h.record(0); // clamped to 1 ns
        h.record(5_000_000_000); // clamped to 1 s
        assert_eq!(h.value_at_percentile(0.0), 1);
        assert_eq!(h.value_at_percentile(50.0), 1003);
        let top = h.value_at_percentile(100.0);
        assert!((1_000_000_000..1_004_000_000).contains(&top), "{top}");
        // Exact below 256 ns.
        let mut small = Histogram::default();
        small.record(200);
        assert_eq!(small.value_at_percentile(99.9), 200);
    }

    #[test]
    fn percentiles_split_the_counts_as_hdr_does() {
        let mut h = Histogram::default();
        for us in 1..=100u64 {
            h.record(us * 1000);
        }
        // The 50th of 100 values is 50 µs: slot [49920, 50175].
        assert_eq!(h.value_at_percentile(50.0), 50_175);
        assert_eq!(h.value_at_percentile(99.0), 99_327);
        let mut t = String::new();
        info_line(&mut t, "get", &h, &["50".into(), "99.9".into()]);
        assert_eq!(
            t,
            "latency_percentiles_usec_get:p50=50.175,p99.9=100.351\r\n"
        );
    }

    #[test]
    fn the_setting_parses_with_valkeys_errors_and_forms() {
        let parse = |args: &[&str]| {
            let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
            parse_percentiles(&raw)
        };
        assert_eq!(
            parse(&["50", "99", "99.9"]),
            Ok(vec!["50".into(), "99".into(), "99.9".into()])
        );
        assert_eq!(parse(&["0.0", "100.0"]), Ok(vec!["0".into(), "100".into()]));
        assert_eq!(parse(&[""]), Ok(Vec::new()));
        assert_eq!(
            parse(&["10", "a"]),
            Err("Invalid latency-tracking-info-percentiles parameters".into())
        );
        assert_eq!(
            parse(&["101"]),
            Err(
                "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
                    .into()
            )
        );
    }
}
