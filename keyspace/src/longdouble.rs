//! INCRBYFLOAT arithmetic as Valkey does it on x86-64: 80-bit `long double` (64-bit mantissa),
//! parsed like `strtold`, added with round-to-nearest-even, printed like `"%.17Lf"` with trailing
//! zeros trimmed (`ld2string(.., LD_STR_HUMAN)`). Emulated in software, so the visible results
//! (including the binary artefacts of large values) match on every target.

use alloc::string::String;
use alloc::vec::Vec;

/// Valkey's `MAX_LONG_DOUBLE_CHARS`: longer inputs are not valid floats.
const MAX_CHARS: usize = 5 * 1024;
/// Largest and smallest binary exponents of a normal 80-bit long double.
const MAX_EXP: i64 = 16383;
const MIN_EXP: i64 = -16382;

/// An 80-bit extended value: zero, infinity, or `mant * 2^(exp - 63)` with `mant`'s top bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ld {
    Zero { neg: bool },
    Inf { neg: bool },
    Finite { neg: bool, mant: u64, exp: i64 },
}

impl Ld {
    pub(crate) fn from_i64(i: i64) -> Self {
        if i == 0 {
            return Self::Zero { neg: false };
        }
        let m = i.unsigned_abs();
        let lz = m.leading_zeros();
        Self::Finite {
            neg: i < 0,
            mant: m << lz,
            exp: 63 - i64::from(lz),
        }
    }

    pub(crate) const fn is_finite(self) -> bool {
        !matches!(self, Self::Inf { .. })
    }
}

// ---------- a small unsigned bignum (little-endian u32 limbs) ----------

#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Self {
        let mut b = Self(alloc::vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for l in &mut self.0 {
            let v = u64::from(*l) * u64::from(m) + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }
    fn pow10(n: u32) -> Self {
        let mut b = Self::from_u64(1);
        for _ in 0..n / 9 {
            b.mul_add_small(1_000_000_000, 0);
        }
        for _ in 0..n % 9 {
            b.mul_add_small(10, 0);
        }
        b
    }
    fn mul(&self, o: &Self) -> Self {
        let mut r = alloc::vec![0u32; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in o.0.iter().enumerate() {
                let v = u64::from(r[i + j]) + u64::from(a) * u64::from(b) + carry;
                r[i + j] = v as u32;
                carry = v >> 32;
            }
            r[i + o.0.len()] = carry as u32;
        }
        let mut b = Self(r);
        b.trim();
        b
    }
    fn shl(&self, bits: u64) -> Self {
        let (limbs, rem) = ((bits / 32) as usize, (bits % 32) as u32);
        let mut r = alloc::vec![0u32; limbs];
        let mut carry = 0u32;
        for &l in &self.0 {
            if rem == 0 {
                r.push(l);
            } else {
                r.push((l << rem) | carry);
                carry = l >> (32 - rem);
            }
        }
        if carry != 0 {
            r.push(carry);
        }
        let mut b = Self(r);
        b.trim();
        b
    }
    fn bitlen(&self) -> u64 {
        self.0.last().map_or(0, |&t| {
            (self.0.len() as u64 - 1) * 32 + u64::from(32 - t.leading_zeros())
        })
    }
    fn bit(&self, i: u64) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }
    /// Whether any bit below `i` is set.
    fn any_below(&self, i: u64) -> bool {
        let full = (i / 32) as usize;
        self.0.iter().take(full).any(|&l| l != 0)
            || self
                .0
                .get(full)
                .is_some_and(|l| l & ((1u32 << (i % 32)) - 1) != 0)
    }
    fn cmp(&self, o: &Self) -> core::cmp::Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
    fn sub_assign(&mut self, o: &Self) {
        let mut borrow = 0i64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let v = i64::from(*l) - i64::from(o.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *l = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }
    fn divrem_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*l);
            *l = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        self.trim();
        rem as u32
    }
    /// The top bits of `self` rounded to 64 (half to even): (mantissa, binary exponent of its top bit).
    fn round_to_64(&self, sticky_extra: bool) -> (u64, i64) {
        let len = self.bitlen();
        if len <= 64 {
            let v = self
                .0
                .iter()
                .rev()
                .fold(0u64, |a, &l| (a << 32) | u64::from(l));
            return (v << (64 - len), len as i64 - 1);
        }
        let drop = len - 64;
        let mut m = 0u64;
        for i in 0..64 {
            m = (m << 1) | u64::from(self.bit(len - 1 - i));
        }
        let half = self.bit(drop - 1);
        let rest = sticky_extra || self.any_below(drop - 1);
        let mut exp = len as i64 - 1;
        if half && (rest || m & 1 == 1) {
            m = m.wrapping_add(1);
            if m == 0 {
                m = 1 << 63;
                exp += 1;
            }
        }
        (m, exp)
    }
    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return String::from("0");
        }
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.divrem_small(1_000_000_000));
        }
        let mut s = alloc::format!("{}", chunks.pop().unwrap_or(0));
        for c in chunks.iter().rev() {
            s.push_str(&alloc::format!("{c:09}"));
        }
        s
    }
}

// ---------- parsing (strtold, C locale, as Valkey's string2ld accepts it) ----------

/// Parses a float the way Valkey's `string2ld` accepts it; `None` means "not a valid float".
/// (Hexadecimal floats, which `strtold` also reads, are not accepted here.)
pub(crate) fn parse(s: &[u8]) -> Option<Ld> {
    if s.is_empty() || s.len() >= MAX_CHARS {
        return None;
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(Ld::Inf { neg });
    }
    let mut digits = Big(Vec::new());
    let (mut ndig, mut exp10, mut seen, mut i) = (0u64, 0i64, false, 0usize);
    let mut dot = false;
    while i < body.len() {
        match body[i] {
            d @ b'0'..=b'9' => {
                seen = true;
                if ndig > 0 || d != b'0' {
                    digits.mul_add_small(10, u32::from(d - b'0'));
                    ndig += 1;
                }
                if dot {
                    exp10 -= 1;
                }
            }
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if i < body.len() {
        if !matches!(body[i], b'e' | b'E') {
            return None;
        }
        let mut j = i + 1;
        let eneg = match body.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let start = j;
        let mut e: i64 = 0;
        while j < body.len() && body[j].is_ascii_digit() {
            e = (e * 10 + i64::from(body[j] - b'0')).min(1 << 40);
            j += 1;
        }
        if j == start || j != body.len() {
            return None;
        }
        exp10 += if eneg { -e } else { e };
    }
    if digits.is_zero() {
        return Some(Ld::Zero { neg });
    }
    // Out of range either way: strtold reports ERANGE (inf or 0), which string2ld rejects.
    let magnitude = exp10 + ndig as i64;
    if !(-4960..=4940).contains(&magnitude) {
        return None;
    }
    let (mant, exp) = if exp10 >= 0 {
        digits.mul(&Big::pow10(exp10 as u32)).round_to_64(false)
    } else {
        let den = Big::pow10((-exp10) as u32);
        let k = (66 + den.bitlen()).saturating_sub(digits.bitlen()) + 1;
        let num = digits.shl(k);
        let (q, r_nonzero) = long_div(&num, &den);
        let (m, e) = q.round_to_64(r_nonzero);
        (m, e - k as i64)
    };
    if !(MIN_EXP..=MAX_EXP).contains(&exp) {
        return None;
    }
    Some(Ld::Finite { neg, mant, exp })
}

/// Quotient and whether the remainder is non-zero, by binary long division.
fn long_div(num: &Big, den: &Big) -> (Big, bool) {
    let mut q = Big(alloc::vec![0; num.0.len()]);
    let mut rem = Big(Vec::new());
    for i in (0..num.bitlen()).rev() {
        rem = rem.shl(1);
        if num.bit(i) {
            if rem.0.is_empty() {
                rem.0.push(1);
            } else {
                rem.0[0] |= 1;
            }
        }
        if rem.cmp(den) != core::cmp::Ordering::Less {
            rem.sub_assign(den);
            q.0[(i / 32) as usize] |= 1 << (i % 32);
        }
    }
    q.trim();
    (q, !rem.is_zero())
}

// ---------- addition ----------

/// `a + b` rounded to nearest even; `None` for NaN (inf - inf).
pub(crate) fn add(a: Ld, b: Ld) -> Option<Ld> {
    match (a, b) {
        (Ld::Inf { neg: x }, Ld::Inf { neg: y }) => (x == y).then_some(a),
        (Ld::Inf { .. }, _) => Some(a),
        (_, Ld::Inf { .. }) => Some(b),
        (Ld::Zero { neg: x }, Ld::Zero { neg: y }) => Some(Ld::Zero { neg: x && y }),
        (Ld::Zero { .. }, _) => Some(b),
        (_, Ld::Zero { .. }) => Some(a),
        (
            Ld::Finite {
                neg: na,
                mant: ma,
                exp: ea,
            },
            Ld::Finite {
                neg: nb,
                mant: mb,
                exp: eb,
            },
        ) => {
            let ((na, ma, ea), (nb, mb, eb)) = if (ea, ma) >= (eb, mb) {
                ((na, ma, ea), (nb, mb, eb))
            } else {
                ((nb, mb, eb), (na, ma, ea))
            };
            let x = u128::from(ma) << 62;
            let d = (ea - eb) as u64;
            let full = u128::from(mb) << 62;
            let y = if d >= 126 {
                1 // only a sticky bit survives
            } else {
                let shifted = full >> d;
                let lost = full & ((1u128 << d) - 1) != 0;
                shifted | u128::from(lost)
            };
            let (s, neg) = if na == nb { (x + y, na) } else { (x - y, na) };
            if s == 0 {
                return Some(Ld::Zero { neg: false });
            }
            let top = 127 - i64::from(s.leading_zeros());
            let mut exp = ea + (top - 125);
            let shift = top - 63;
            let mut m = (s >> shift) as u64;
            let half = (s >> (shift - 1)) & 1 == 1;
            let rest = s & ((1u128 << (shift - 1)) - 1) != 0;
            if half && (rest || m & 1 == 1) {
                m = m.wrapping_add(1);
                if m == 0 {
                    m = 1 << 63;
                    exp += 1;
                }
            }
            if exp > MAX_EXP {
                return Some(Ld::Inf { neg });
            }
            if exp < MIN_EXP {
                return Some(Ld::Zero { neg });
            }
            Some(Ld::Finite { neg, mant: m, exp })
        }
    }
}

// ---------- formatting ("%.17Lf", trailing zeros trimmed, "-0" -> "0") ----------

/// Formats like Valkey's `ld2string(.., LD_STR_HUMAN)`.
pub(crate) fn format_human(v: Ld) -> String {
    let (neg, digits) = match v {
        Ld::Inf { neg } => return String::from(if neg { "-inf" } else { "inf" }),
        Ld::Zero { neg } => (neg, Big(Vec::new())),
        Ld::Finite { neg, mant, exp } => {
            let s = exp - 63;
            let scaled = u128::from(mant) * 100_000_000_000_000_000u128;
            if s >= 0 {
                let lo = scaled as u64;
                let hi = (scaled >> 64) as u64;
                let b = Big::from_u64(hi).shl(64);
                let mut b = add_big_u64(&b, lo);
                b = b.shl(s as u64);
                (neg, b)
            } else {
                let sh = (-s) as u32;
                let (q, rem, half_bit) = if sh >= 128 {
                    (0u128, scaled, if sh == 128 { 1u128 << 127 } else { 0 })
                } else {
                    (
                        scaled >> sh,
                        scaled & ((1u128 << sh) - 1),
                        1u128 << (sh - 1),
                    )
                };
                let q = if sh > 128 {
                    0
                } else if rem > half_bit || (rem == half_bit && half_bit != 0 && q & 1 == 1) {
                    q + 1
                } else {
                    q
                };
                let b = add_big_u64(&Big::from_u64((q >> 64) as u64).shl(64), q as u64);
                (neg, b)
            }
        }
    };
    let mut s = digits.to_decimal();
    while s.len() < 18 {
        s.insert(0, '0');
    }
    s.insert(s.len() - 17, '.');
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if neg {
        s.insert(0, '-');
    }
    if s == "-0" {
        s = String::from("0");
    }
    s
}

fn add_big_u64(b: &Big, v: u64) -> Big {
    let mut r = b.clone();
    let mut carry = u128::from(v);
    let mut i = 0;
    while carry != 0 {
        if i == r.0.len() {
            r.0.push(0);
        }
        let s = u128::from(r.0[i]) + (carry & 0xFFFF_FFFF);
        r.0[i] = s as u32;
        carry = (carry >> 32) + (s >> 32);
        i += 1;
    }
    r.trim();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(a: &str, b: &str) -> Option<String> {
        let x = parse(a.as_bytes())?;
        let y = parse(b.as_bytes())?;
        let s = add(x, y)?;
        s.is_finite().then(|| format_human(s))
    }

    #[test]
    fn results_match_valkey_incrbyfloat() {
        // Expected values are what Valkey on x86-64 replies (its test suite and documentation).
        let cases: &[(&str, &str, &str)] = &[
            ("10.50", "0.1", "10.6"),
            ("10.6", "-5", "5.6"),
            ("5.0e3", "2.0e2", "5200"),
            ("0", "1", "1"),
            ("17179869184", "1.5", "17179869185.5"),
            ("17179869184", "17179869184", "34359738368"),
            ("1", "-1.1", "-0.1"),
            ("0", "-0", "0"),
            // Below: computed with exact rational arithmetic rounded to a 64-bit mantissa, the
            // binary artefacts x87 long doubles show at 17 decimals.
            ("1e30", "0", "1000000000000000000024696061952"),
            ("1000", "0.1", "1000.09999999999999998"),
            ("123456.789", "0.001", "123456.78999999999999915"),
            ("99999999999.9", "0.3", "100000000000.19999999552965164"),
            ("0.1", "0.2", "0.3"),
            ("3.0", "0", "3"),
        ];
        for (a, b, want) in cases {
            assert_eq!(incr(a, b).as_deref(), Some(*want), "{a} + {b}");
        }
    }

    #[test]
    fn accepts_and_rejects_what_string2ld_does() {
        for ok in [
            "1",
            "-1.5",
            "+2",
            ".5",
            "5.",
            "1e5",
            "1E-5",
            "inf",
            "-Infinity",
            "00012",
        ] {
            assert!(parse(ok.as_bytes()).is_some(), "{ok}");
        }
        for bad in [
            "", " 1", "1 ", "1e", "e5", ".", "nan", "1.2.3", "abc", "1e99999", "1e-99999", "--1",
        ] {
            assert!(parse(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn infinities_and_nan_are_reported_as_not_finite() {
        assert_eq!(incr("inf", "1"), None);
        assert_eq!(add(parse(b"inf").unwrap(), parse(b"-inf").unwrap()), None);
        assert_eq!(incr("1e4932", "1e4932"), None, "overflow to infinity");
        assert!(
            incr("1e4931", "1e4931").is_some(),
            "2e4931 is still finite in 80 bits"
        );
    }

    #[test]
    fn integers_round_trip_through_the_extended_format() {
        for i in [1i64, -1, 42, i64::MAX, i64::MIN, 1 << 40] {
            assert_eq!(format_human(Ld::from_i64(i)), alloc::format!("{i}"));
        }
    }
}
