//! Glob matching exactly as Valkey's `stringmatchlen` does it (KEYS, SCAN MATCH).
//!
//! `*`, `?`, `[abc]`, `[^a-z]`, `\x`; bytes compare as C `char` (signed) in ranges, reads past the
//! end of the pattern see the NUL terminator, and recursion deeper than 1000 `*`s fails the match,
//! all as in Valkey's `util.c`.

/// Whether `string` matches the glob `pattern` (case-sensitive).
#[must_use]
pub fn matches(pattern: &[u8], string: &[u8]) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, false, &mut skip_longer, 0)
}

/// Whether `string` matches the glob `pattern`, ignoring ASCII case.
#[must_use]
pub fn matches_nocase(pattern: &[u8], string: &[u8]) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, true, &mut skip_longer, 0)
}

/// The byte at `i`, or the C string terminator past the end.
#[inline]
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// C `tolower` on a `char` (the C locale: ASCII only).
#[inline]
fn lower(c: i32) -> i32 {
    if (i32::from(b'A')..=i32::from(b'Z')).contains(&c) {
        c + 32
    } else {
        c
    }
}

/// A byte read as C `char` on x86 (signed).
#[inline]
fn schar(b: u8) -> i32 {
    i32::from(b as i8)
}

fn match_impl(
    mut p: &[u8],
    mut s: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    nesting: u32,
) -> bool {
    if nesting > 1000 {
        return false;
    }
    while !p.is_empty() && !s.is_empty() {
        match p[0] {
            b'*' => {
                while !p.is_empty() && at(p, 1) == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                while !s.is_empty() {
                    if match_impl(&p[1..], s, nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s = &s[1..];
                }
                *skip_longer = true;
                return false;
            }
            b'?' => s = &s[1..],
            b'[' => {
                // `idx` walks `base` (which starts at the `[`) the way Valkey's pointer walks the
                // pattern, including its step back onto the last byte when the class is unterminated.
                let base = p;
                let mut idx = 1;
                let not = at(base, 1) == b'^';
                if not {
                    idx += 1;
                }
                let mut hit = false;
                loop {
                    let rest = &base[idx.min(base.len())..];
                    if at(rest, 0) == b'\\' && rest.len() >= 2 {
                        idx += 1;
                        if base[idx] == s[0] {
                            hit = true;
                        }
                    } else if at(rest, 0) == b']' {
                        break;
                    } else if rest.is_empty() {
                        idx -= 1;
                        break;
                    } else if rest.len() >= 3 && rest[1] == b'-' {
                        let (mut start, mut end) = (schar(rest[0]), schar(rest[2]));
                        let mut c = schar(s[0]);
                        if start > end {
                            core::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = lower(start);
                            end = lower(end);
                            c = lower(c);
                        }
                        idx += 2;
                        if c >= start && c <= end {
                            hit = true;
                        }
                    } else if nocase {
                        if lower(schar(rest[0])) == lower(schar(s[0])) {
                            hit = true;
                        }
                    } else if rest[0] == s[0] {
                        hit = true;
                    }
                    idx += 1;
                }
                if not {
                    hit = !hit;
                }
                if !hit {
                    return false;
                }
                s = &s[1..];
                p = &base[idx..];
            }
            c => {
                let mut c = c;
                if c == b'\\' && p.len() >= 2 {
                    p = &p[1..];
                    c = p[0];
                }
                let same = if nocase {
                    lower(schar(c)) == lower(schar(s[0]))
                } else {
                    c == s[0]
                };
                if !same {
                    return false;
                }
                s = &s[1..];
            }
        }
        p = &p[1..];
        if s.is_empty() {
            while at(p, 0) == b'*' {
                p = &p[1..];
            }
            break;
        }
    }
    p.is_empty() && s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_from_valkey_semantics() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            // The C loop never runs for an empty string; KEYS and SCAN special-case a lone `*`.
            (b"*", b"", false),
            (b"a*", b"a", true),
            (b"*", b"anything", true),
            (b"", b"", true),
            (b"", b"a", false),
            (b"a", b"", false),
            (b"h?llo", b"hello", true),
            (b"h?llo", b"hllo", false),
            (b"h*llo", b"heeeello", true),
            (b"h[ae]llo", b"hallo", true),
            (b"h[ae]llo", b"hillo", false),
            (b"h[^e]llo", b"hallo", true),
            (b"h[^e]llo", b"hello", false),
            (b"h[a-b]llo", b"hbllo", true),
            (b"h[b-a]llo", b"hbllo", true),
            (b"h[a-b]llo", b"hcllo", false),
            (b"h\\*llo", b"h*llo", true),
            (b"h\\*llo", b"hallo", false),
            (b"a*b*c", b"aXbYc", true),
            (b"a*b*c", b"aXbY", false),
            (b"a**", b"a", true),
            (b"*a", b"bbba", true),
            (b"[abc", b"c", true),
            (b"[abc", b"d", false),
            (b"[", b"[", false),
            (b"[\\]]", b"]", true),
            (b"\\", b"\\", true),
            (b"ab\\", b"ab\\", true),
            (b"a[]b", b"ab", false),
        ];
        for (p, s, want) in cases {
            assert_eq!(matches(p, s), *want, "pattern {:?} string {:?}", p, s);
        }
    }

    #[test]
    fn nocase_folds_ascii_only() {
        assert!(matches_nocase(b"HeLLo", b"hello"));
        assert!(matches_nocase(b"[A-C]x", b"bX"));
        assert!(!matches(b"HeLLo", b"hello"));
    }

    #[test]
    fn abusive_patterns_fail_fast_instead_of_recursing_without_bound() {
        let mut p = alloc::vec::Vec::new();
        for _ in 0..2000 {
            p.extend_from_slice(b"a*");
        }
        p.push(b'b');
        let s = [b'a'; 3000];
        assert!(!matches(&p, &s));
    }

    #[test]
    fn range_bounds_compare_as_signed_chars() {
        // 0xE9 is negative as a C char, so [a-\xE9] is the range [-23, 97] and holds '0'.
        assert!(matches(b"[a-\xE9]", b"0"));
        assert!(!matches(b"[a-\xE9]", b"b"));
    }
}
