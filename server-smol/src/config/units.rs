//! Numbers as Valkey's config reads them: strict integers (`string2ll`) and memory sizes with
//! units (`memtoull`: `1gb`, `100mb`, `1k`...).

/// A strict signed integer: optional `-`, digits, no `+`, no spaces, no leading zeros.
pub(crate) fn parse_int(s: &[u8]) -> Option<i64> {
    keyspace::num::canonical_i64(s)
}

/// A memory size: digits followed by nothing, `b`, `k` (1000), `kb` (1024), `m`, `mb`, `g` or
/// `gb`, case-insensitive. No sign, no spaces; overflow is an error.
pub(crate) fn parse_memory(s: &[u8]) -> Option<u64> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let (num, unit) = s.split_at(digits);
    let mul: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if num.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &d in num {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    v.checked_mul(mul)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_follow_memtoull() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"0", Some(0)),
            (b"100", Some(100)),
            (b"10b", Some(10)),
            (b"1k", Some(1000)),
            (b"1kb", Some(1024)),
            (b"1K", Some(1000)),
            (b"100mb", Some(100 * 1024 * 1024)),
            (b"2m", Some(2_000_000)),
            (b"1gb", Some(1 << 30)),
            (b"1GB", Some(1 << 30)),
            (b"3g", Some(3_000_000_000)),
            (b"", None),
            (b"mb", None),
            (b"-1", None),
            (b"1 mb", None),
            (b"1tb", None),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", None),
            (b"18446744073709551615kb", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_memory(input),
                *want,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn integers_are_strict() {
        assert_eq!(parse_int(b"6379"), Some(6379));
        assert_eq!(parse_int(b"-1"), Some(-1));
        assert_eq!(parse_int(b"+1"), None);
        assert_eq!(parse_int(b"01"), None);
        assert_eq!(parse_int(b" 1"), None);
    }
}
