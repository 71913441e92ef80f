//! Doubles as text, the way Valkey's `d2string` writes them (ZSCAN's scores): `inf`, `-inf`,
//! `0`, `-0`, integers within ±2^62 as integers, else the shortest round-trip digits laid out as
//! `fpconv_dtoa` does (plain up to a point, then `1.5e-10` / `1e+20` exponents).

use alloc::string::String;
use core::fmt::Write;

/// `v` formatted as Valkey's `d2string`.
pub(crate) fn d2string(v: f64) -> String {
    let mut out = String::new();
    if v.is_nan() {
        out.push_str("nan");
    } else if v.is_infinite() {
        out.push_str(if v < 0.0 { "-inf" } else { "inf" });
    } else if v == 0.0 {
        out.push_str(if v.is_sign_negative() { "-0" } else { "0" });
    } else if let Some(i) = small_integer(v) {
        let _ = write!(out, "{i}");
    } else {
        shortest(v, &mut out);
    }
    out
}

/// Exact integers within ±2^62 (Valkey's `double2ll`).
fn small_integer(v: f64) -> Option<i64> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if !(-LIMIT..=LIMIT).contains(&v) {
        return None;
    }
    let i = v as i64;
    (i as f64 == v).then_some(i)
}

fn shortest(v: f64, out: &mut String) {
    let sci = alloc::format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp10: i32 = exp.parse().unwrap_or(0);
    let nd = digits.len() as i32;
    let k = exp10 - (nd - 1);
    let neg = v < 0.0;
    if neg {
        out.push('-');
    }
    let exp = (k + nd - 1).abs();
    if k >= 0 && exp < nd + 7 {
        out.push_str(&digits);
        (0..k).for_each(|_| out.push('0'));
    } else if k < 0 && (k > -7 || exp < 4) {
        let offset = nd + k;
        if offset <= 0 {
            out.push_str("0.");
            (0..-offset).for_each(|_| out.push('0'));
            out.push_str(&digits);
        } else {
            let (int, frac) = digits.split_at(offset as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    } else {
        let nd = nd.min(18 - i32::from(neg)) as usize;
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..nd]);
        }
        out.push_str(if exp10 < 0 { "e-" } else { "e+" });
        let _ = write!(out, "{}", exp.unsigned_abs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_valkey() {
        for (v, s) in [
            (3.0, "3"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (1.5e-10, "1.5e-10"),
            (123_456_789.123_456_79, "1.2345678912345679e+8"),
            (f64::NEG_INFINITY, "-inf"),
            (-0.0, "-0"),
            (-2.5, "-2.5"),
        ] {
            assert_eq!(d2string(v), s, "{v}");
        }
    }
}
