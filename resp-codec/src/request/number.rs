//! The `<digits>\r\n` lines of a multibulk, read with Valkey's `string2ll`.

/// What a `*`/`$` line holds.
pub(super) enum Line {
    /// A strict decimal; the offset after the line.
    Number(i64, usize),
    /// A complete line that is not a strict decimal.
    Invalid,
    /// No `\r` yet.
    NoCr,
    /// A `\r` but not the byte after it yet.
    NoLf,
}

/// Reads the line that starts at `start` (just after the type byte). Like Valkey, the byte
/// after `\r` is required but not checked.
#[inline]
pub(super) fn line(buf: &[u8], start: usize) -> Line {
    let Some(rest) = buf.get(start..) else {
        return Line::NoCr;
    };
    // The common case, read in one pass: 1 to 18 digits without a leading zero, then `\r`.
    let mut value: u64 = 0;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        let digit = b.wrapping_sub(b'0');
        if digit >= 10 || i == 18 {
            break;
        }
        value = value * 10 + u64::from(digit);
        i += 1;
    }
    if i > 0 && rest.get(i) == Some(&b'\r') && (rest[0] != b'0' || i == 1) {
        return if i + 1 < rest.len() {
            Line::Number(value as i64, start + i + 2)
        } else {
            Line::NoLf
        };
    }
    line_slow(rest, start)
}

/// Everything else: signs, long numbers, garbage, and lines not yet complete.
#[cold]
fn line_slow(rest: &[u8], start: usize) -> Line {
    // Lines are short: look at a few bytes by hand before asking memchr.
    let cr = match rest.iter().take(24).position(|&b| b == b'\r') {
        Some(i) => i,
        None if rest.len() <= 24 => return Line::NoCr,
        None => match memchr::memchr(b'\r', rest) {
            Some(i) => i,
            None => return Line::NoCr,
        },
    };
    if cr + 1 >= rest.len() {
        return Line::NoLf;
    }
    let next = start + cr + 2;
    match string2ll(&rest[..cr]) {
        Some(n) => Line::Number(n, next),
        None => Line::Invalid,
    }
}

/// Valkey's `string2ll`: an optional `-`, then `0` alone or digits without a leading zero;
/// no `+`, no spaces, at most 20 bytes, within `i64`.
pub(super) fn string2ll(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
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
    if negative {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::string2ll;

    #[test]
    fn string2ll_is_strict_like_valkey() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"10"), Some(10));
        assert_eq!(string2ll(b"-1"), Some(-1));
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b" 1",
            b"1 ",
            b"1a",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"000000000000000000001",
        ] {
            assert_eq!(string2ll(bad), None, "{bad:?}");
        }
    }
}
