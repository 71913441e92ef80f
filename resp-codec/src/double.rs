//! Doubles as Valkey writes and reads them.
//!
//! Valkey formats with `d2string`: `nan`, `inf`, `-inf`, `0`, `-0`; integers in ±2^62 as
//! integers; everything else as the shortest round-trip digits laid out by `fpconv_dtoa`
//! (plain up to a point, then `1.5e-10` / `1e+20` style exponents).

use core::fmt::Write;

use crate::digits::Digits;

/// A double formatted as Valkey formats it, in a fixed buffer.
///
/// ```
/// use resp_codec::FormattedDouble;
/// assert_eq!(FormattedDouble::new(3.0).as_bytes(), b"3");
/// assert_eq!(FormattedDouble::new(1.5).as_bytes(), b"1.5");
/// assert_eq!(FormattedDouble::new(1e20).as_bytes(), b"1e+20");
/// assert_eq!(FormattedDouble::new(1.5e-10).as_bytes(), b"1.5e-10");
/// assert_eq!(FormattedDouble::new(123456789.123456789).as_bytes(), b"1.2345678912345679e+8");
/// assert_eq!(FormattedDouble::new(f64::NEG_INFINITY).as_bytes(), b"-inf");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FormattedDouble {
    buf: [u8; 32],
    len: usize,
}

impl FormattedDouble {
    /// Formats `value`.
    pub fn new(value: f64) -> Self {
        let mut out = Self {
            buf: [0; 32],
            len: 0,
        };
        if value.is_nan() {
            out.push(b"nan");
        } else if value.is_infinite() {
            out.push(if value < 0.0 { b"-inf" } else { b"inf" });
        } else if value == 0.0 {
            out.push(if value.is_sign_negative() {
                b"-0"
            } else {
                b"0"
            });
        } else if let Some(int) = as_small_integer(value) {
            out.push(Digits::i64(int).as_bytes());
        } else {
            out.shortest(value);
        }
        out
    }

    /// The formatted bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn push(&mut self, bytes: &[u8]) {
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// `fpconv_dtoa`'s layout of the shortest round-trip digits.
    fn shortest(&mut self, value: f64) {
        // `{:e}` gives the shortest round-trip digits as `d.ddde<exp>`.
        let mut sci = Scratch::default();
        // A finite f64 always fits in 32 bytes of `{:e}` output; on the impossible failure the
        // output is simply shorter.
        let _ = write!(sci, "{:e}", value.abs());
        let text = &sci.buf[..sci.len];
        let e_at = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
        let mut digits = [0u8; 20];
        let mut nd = 0;
        for &b in &text[..e_at] {
            if b.is_ascii_digit() && nd < digits.len() {
                digits[nd] = b;
                nd += 1;
            }
        }
        let exp10 = parse_exp(&text[(e_at + 1).min(text.len())..]);
        let digits = &digits[..nd];
        let nd = nd as i32;
        // fpconv: the value is digits × 10^k.
        let k = exp10 - (nd - 1);
        let neg = value < 0.0;
        if neg {
            self.push(b"-");
        }
        let exp = (k + nd - 1).abs();
        if k >= 0 && exp < nd + 7 {
            self.push(digits);
            for _ in 0..k {
                self.push(b"0");
            }
        } else if k < 0 && (k > -7 || exp < 4) {
            let offset = nd + k;
            if offset <= 0 {
                self.push(b"0.");
                for _ in 0..-offset {
                    self.push(b"0");
                }
                self.push(digits);
            } else {
                let (int, frac) = digits.split_at(offset as usize);
                self.push(int);
                self.push(b".");
                self.push(frac);
            }
        } else {
            let nd = nd.min(18 - i32::from(neg)) as usize;
            self.push(&digits[..1]);
            if nd > 1 {
                self.push(b".");
                self.push(&digits[1..nd]);
            }
            self.push(if exp10 < 0 { b"e-" } else { b"e+" });
            self.push(Digits::u64(exp.unsigned_abs().into()).as_bytes());
        }
    }
}

/// Valkey's `double2ll`: exact integers within ±2^62 print as integers.
fn as_small_integer(value: f64) -> Option<i64> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if !(-LIMIT..=LIMIT).contains(&value) {
        return None;
    }
    let int = value as i64;
    (int as f64 == value).then_some(int)
}

fn parse_exp(text: &[u8]) -> i32 {
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .fold(0i32, |acc, &d| acc * 10 + i32::from(d - b'0'));
    if neg { -magnitude } else { magnitude }
}

#[derive(Default)]
struct Scratch {
    buf: [u8; 32],
    len: usize,
}

impl Write for Scratch {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(core::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Parses a RESP3 double: `[-+]digits[.digits][e[-+]digits]`, `.5`-style fractions,
/// `inf`, `-inf`, `+inf` and `nan` (case-insensitive). `None` for anything else, `-nan`
/// included (RESP3 v1.4 removed it).
pub(crate) fn parse(text: &[u8]) -> Option<f64> {
    let unsigned = match text.first()? {
        b'-' | b'+' => &text[1..],
        _ => text,
    };
    if unsigned.eq_ignore_ascii_case(b"inf") {
        return Some(if text[0] == b'-' {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if text.eq_ignore_ascii_case(b"nan") {
        return Some(f64::NAN);
    }
    if !valid_number(unsigned) {
        return None;
    }
    core::str::from_utf8(text).ok()?.parse().ok()
}

/// Whether [`parse`] accepts `text`, without converting it.
pub(crate) fn is_valid(text: &[u8]) -> bool {
    let unsigned = match text.first() {
        Some(b'-' | b'+') => &text[1..],
        Some(_) => text,
        None => return false,
    };
    unsigned.eq_ignore_ascii_case(b"inf")
        || text.eq_ignore_ascii_case(b"nan")
        || valid_number(unsigned)
}

/// `digits[.digits][e[-+]digits]` with at least one mantissa digit.
fn valid_number(s: &[u8]) -> bool {
    let int_len = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut rest = &s[int_len..];
    let mut frac_len = 0;
    if let Some(after_dot) = rest.strip_prefix(b".") {
        frac_len = after_dot.iter().take_while(|b| b.is_ascii_digit()).count();
        rest = &after_dot[frac_len..];
    }
    if int_len + frac_len == 0 {
        return false;
    }
    match rest.split_first() {
        None => true,
        Some((b'e' | b'E', exp)) => {
            let exp = exp
                .strip_prefix(b"-")
                .or_else(|| exp.strip_prefix(b"+"))
                .unwrap_or(exp);
            !exp.is_empty() && exp.iter().all(u8::is_ascii_digit)
        }
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: f64) -> &'static str {
        let f = FormattedDouble::new(v);
        std::string::String::from_utf8(f.as_bytes().to_vec())
            .unwrap()
            .leak()
    }

    #[test]
    fn special_values_print_as_valkey_prints_them() {
        assert_eq!(fmt(f64::NAN), "nan");
        assert_eq!(fmt(-f64::NAN), "nan");
        assert_eq!(fmt(f64::INFINITY), "inf");
        assert_eq!(fmt(f64::NEG_INFINITY), "-inf");
        assert_eq!(fmt(0.0), "0");
        assert_eq!(fmt(-0.0), "-0");
    }

    #[test]
    fn integral_values_within_2_pow_62_print_without_fraction() {
        assert_eq!(fmt(3.0), "3");
        assert_eq!(fmt(-42.0), "-42");
        assert_eq!(fmt(4611686018427387904.0), "4611686018427387904");
        // Beyond 2^62 fpconv takes over.
        assert_eq!(fmt(9223372036854775808.0), "9223372036854776000");
        assert_eq!(fmt(1e20), "1e+20");
    }

    #[test]
    fn fractions_follow_fpconv_layout() {
        assert_eq!(fmt(1.5), "1.5");
        assert_eq!(fmt(-1.5), "-1.5");
        assert_eq!(fmt(0.1), "0.1");
        assert_eq!(fmt(0.001), "0.001");
        assert_eq!(fmt(0.000001), "0.000001");
        assert_eq!(fmt(0.0000001), "1e-7");
        assert_eq!(fmt(1.5e-10), "1.5e-10");
        assert_eq!(fmt(core::f64::consts::PI), "3.141592653589793");
        assert_eq!(fmt(123_456_789.123_456_79), "1.2345678912345679e+8");
        assert_eq!(fmt(1234567.5), "1234567.5");
        assert_eq!(fmt(12345678.5), "12345678.5");
        assert_eq!(fmt(1e300), "1e+300");
        assert_eq!(fmt(-2.5e-300), "-2.5e-300");
        assert_eq!(fmt(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(fmt(5e-324), "5e-324");
    }

    #[test]
    fn parse_accepts_resp3_forms_and_rejects_others() {
        assert_eq!(parse(b"1.5"), Some(1.5));
        assert_eq!(parse(b"-1.5e-3"), Some(-0.0015));
        assert_eq!(parse(b"1E10"), Some(1e10));
        assert_eq!(parse(b"10"), Some(10.0));
        assert_eq!(parse(b"inf"), Some(f64::INFINITY));
        assert_eq!(parse(b"-inf"), Some(f64::NEG_INFINITY));
        assert!(parse(b"nan").unwrap().is_nan());
        for bad in [
            &b""[..],
            b"-nan",
            b"1.5x",
            b"e5",
            b".",
            b"1e",
            b"infinity",
            b" 1",
            b"1,5",
        ] {
            assert_eq!(parse(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn formatting_round_trips() {
        for v in [
            1.1,
            2.0 / 3.0,
            1e-5,
            7e22,
            123.456,
            -9.87654321e-12,
            1e16,
            1.7e17,
        ] {
            let f = FormattedDouble::new(v);
            assert_eq!(parse(f.as_bytes()), Some(v));
        }
    }
}
