//! Decimal digits of integers without `core::fmt` (it is slow on the reply path).

/// The decimal form of an integer, right-aligned in a fixed buffer.
#[derive(Clone, Copy)]
pub(crate) struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    pub(crate) fn u64(mut v: u64) -> Self {
        let mut d = Self {
            buf: [0; 20],
            start: 20,
        };
        loop {
            d.start -= 1;
            d.buf[d.start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                return d;
            }
        }
    }

    pub(crate) fn i64(v: i64) -> Self {
        // |i64::MIN| has 19 digits, so the sign always fits.
        let mut d = Self::u64(v.unsigned_abs());
        if v < 0 {
            d.start -= 1;
            d.buf[d.start] = b'-';
        }
        d
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_match_display_at_the_edges() {
        for v in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            1234567890,
        ] {
            let text = std::format!("{v}");
            assert_eq!(Digits::i64(v).as_bytes(), text.as_bytes());
        }
        assert_eq!(Digits::u64(u64::MAX).as_bytes(), b"18446744073709551615");
    }
}
