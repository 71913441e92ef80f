//! Integer parsing and formatting exactly as Valkey's `string2ll` / `ll2string` do it.

/// Parses a canonical decimal `i64` the way Valkey's `string2ll` does: an optional `-`, then `0`
/// alone or a digit 1-9 followed by digits; no `+`, no spaces, no leading zeros, no `-0`, and no
/// overflow. Used both for integer arguments and to decide whether a string is stored as `int`.
#[must_use]
pub fn canonical_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// Parses a SCAN cursor the way Valkey's `string2ull` does: `string2ll` first (negative values
/// rejected), then C `strtoull` rules: leading whitespace, an optional sign (a `-` negates modulo
/// 2^64), at least one digit, nothing after, no overflow; the string ends at its first NUL.
#[must_use]
pub fn parse_cursor(s: &[u8]) -> Option<u64> {
    let s = s.iter().position(|&b| b == 0).map_or(s, |n| &s[..n]);
    if let Some(v) = canonical_i64(s) {
        return u64::try_from(v).ok();
    }
    let mut rest = s;
    while let Some((&c, tail)) = rest.split_first() {
        if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            rest = tail;
        } else {
            break;
        }
    }
    let neg = match rest.first() {
        Some(b'-') => {
            rest = &rest[1..];
            true
        }
        Some(b'+') => {
            rest = &rest[1..];
            false
        }
        _ => false,
    };
    if rest.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &d in rest {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// A formatted integer on the stack.
#[derive(Clone, Copy)]
pub struct Digits {
    buf: [u8; 20],
    start: u8,
}

impl Digits {
    /// The decimal bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[usize::from(self.start)..]
    }
}

/// Formats `i` in decimal without allocating.
#[must_use]
pub fn format_i64(i: i64) -> Digits {
    format_u64_signed(i.unsigned_abs(), i < 0)
}

/// Formats `u` in decimal without allocating.
#[must_use]
pub fn format_u64(u: u64) -> Digits {
    format_u64_signed(u, false)
}

fn format_u64_signed(mut u: u64, neg: bool) -> Digits {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    Digits {
        buf,
        start: i as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_i64_accepts_exactly_what_string2ll_accepts() {
        let ok: &[(&[u8], i64)] = &[
            (b"0", 0),
            (b"7", 7),
            (b"-7", -7),
            (b"9223372036854775807", i64::MAX),
            (b"-9223372036854775808", i64::MIN),
        ];
        for (s, v) in ok {
            assert_eq!(canonical_i64(s), Some(*v), "{s:?}");
        }
        let bad: &[&[u8]] = &[
            b"",
            b"-",
            b"-0",
            b"00",
            b"01",
            b"+1",
            b" 1",
            b"1 ",
            b"1a",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"1.0",
            b"123456789012345678901",
        ];
        for s in bad {
            assert_eq!(canonical_i64(s), None, "{s:?}");
        }
    }

    #[test]
    fn format_round_trips_through_parse() {
        for v in [0, 1, -1, 42, i64::MAX, i64::MIN, 1_000_000, -99] {
            assert_eq!(canonical_i64(format_i64(v).as_bytes()), Some(v));
        }
        assert_eq!(format_u64(u64::MAX).as_bytes(), b"18446744073709551615");
    }

    #[test]
    fn parse_cursor_follows_string2ull() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"0", Some(0)),
            (b"007", Some(7)),
            (b" 5", Some(5)),
            (b"+5", Some(5)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", None),
            (b"-1", None),
            (b"-05", Some(5u64.wrapping_neg())),
            (b"", None),
            (b"5x", None),
            (b"5\x001", Some(5)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_cursor(s), *want, "{s:?}");
        }
    }
}
