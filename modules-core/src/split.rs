//! The config-line tokenizer: Valkey's `sdssplitargs` rules on byte slices.
//!
//! `redis.conf` lines (and `valkey-cli` input) are split into arguments by
//! `sdssplitargs`. [`split_args`] follows it byte for byte so that a server
//! parsing its config file with it reads exactly what Valkey reads, and so that
//! [`quote_arg`](crate::quote_arg) can be proven to round-trip through it.

use alloc::vec::Vec;
use core::fmt;

/// Why a line could not be split, and where.
///
/// Valkey reports both kinds as `Unbalanced quotes in configuration line`
/// when they occur in `redis.conf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SplitError {
    /// What went wrong.
    pub kind: SplitErrorKind,
    /// Byte offset in the line where it was noticed.
    pub offset: usize,
}

/// The two ways `sdssplitargs` refuses a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SplitErrorKind {
    /// A quote was opened and the line ended before it was closed.
    UnterminatedQuote,
    /// A closing quote was followed by something other than a blank
    /// (`"foo"bar`).
    TextAfterClosingQuote,
}

impl SplitErrorKind {
    /// A short description of the problem.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnterminatedQuote => "unterminated quotes",
            Self::TextAfterClosingQuote => "closing quote must be followed by a space",
        }
    }
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.as_str(), self.offset)
    }
}

impl core::error::Error for SplitError {}

/// The text Valkey's config loader answers for any [`SplitError`].
pub const UNBALANCED_QUOTES: &str = "Unbalanced quotes in configuration line";

/// C `isspace` in the "C" locale.
const fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Bytes that end an unquoted argument (a subset of [`is_blank`]).
const fn ends_bare(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits one config line into its arguments, exactly as Valkey's
/// `sdssplitargs` does.
///
/// The rules:
/// - Blanks between arguments are the C `isspace` set: space, `\t`, `\n`,
///   `\v`, `\f`, `\r`. Inside an unquoted argument only space, `\t`, `\n` and
///   `\r` end it (so `a\x0bb` is one argument).
/// - A `"` or `'` anywhere in an argument opens a quoted part; the text before
///   it stays part of the argument (`ab"c d"` is `abc d`).
/// - In double quotes: `\xHH` (two hex digits, either case) is that byte;
///   `\n`, `\r`, `\t`, `\b`, `\a` are the control bytes; a backslash before any
///   other byte is that byte (`\"` is `"`, `\\` is `\`).
/// - In single quotes only `\'` is an escape; every other byte is literal.
/// - A closing quote must be followed by a blank or the end of the line.
/// - The line ends at its first NUL byte, as a C string does.
///
/// An empty or all-blank line gives no arguments. Comment handling (`#` at the
/// start of a line) belongs to the config reader, not to this function.
///
/// # Errors
///
/// [`SplitError`] for an unterminated quote or text glued to a closing quote.
///
/// # Examples
///
/// ```
/// use modules_core::split_args;
///
/// let args = split_args(br#"loadmodule /m/x.so "a b" '' "\x00\n" 'it\'s'"#)?;
/// assert_eq!(args, [&b"loadmodule"[..], b"/m/x.so", b"a b", b"", b"\0\n", b"it's"]);
///
/// // A quote inside a bare word opens a quoted part, so this never closes:
/// assert!(split_args(br"it's").is_err());
/// # Ok::<(), modules_core::SplitError>(())
/// ```
pub fn split_args(line: &[u8]) -> Result<Vec<Vec<u8>>, SplitError> {
    let end = line.iter().position(|&b| b == 0).unwrap_or(line.len());
    let line = &line[..end];
    let at = |i: usize| line.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while at(i).is_some_and(is_blank) {
            i += 1;
        }
        if i >= line.len() {
            return Ok(out);
        }
        let mut current = Vec::new();
        let mut quote: Option<u8> = None;
        let mut opened_at = i;
        loop {
            let c = at(i);
            match (quote, c) {
                (Some(_), None) => {
                    return Err(SplitError {
                        kind: SplitErrorKind::UnterminatedQuote,
                        offset: opened_at,
                    });
                }
                (None, None) => break,
                (None, Some(b)) if ends_bare(b) => {
                    i += 1;
                    break;
                }
                (None, Some(q @ (b'"' | b'\''))) => {
                    quote = Some(q);
                    opened_at = i;
                }
                (None, Some(b)) => current.push(b),
                (Some(b'"'), Some(b'\\')) => {
                    let escaped = at(i + 1);
                    let hex = (at(i + 2).and_then(hex_value), at(i + 3).and_then(hex_value));
                    match (escaped, hex) {
                        (Some(b'x'), (Some(hi), Some(lo))) => {
                            current.push(hi * 16 + lo);
                            i += 3;
                        }
                        (Some(e), _) => {
                            current.push(match e {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => 0x08,
                                b'a' => 0x07,
                                other => other,
                            });
                            i += 1;
                        }
                        (None, _) => current.push(b'\\'),
                    }
                }
                (Some(b'\''), Some(b'\\')) if at(i + 1) == Some(b'\'') => {
                    current.push(b'\'');
                    i += 1;
                }
                (Some(q), Some(b)) if b == q => {
                    if at(i + 1).is_some_and(|next| !is_blank(next)) {
                        return Err(SplitError {
                            kind: SplitErrorKind::TextAfterClosingQuote,
                            offset: i + 1,
                        });
                    }
                    i += 1;
                    break;
                }
                (Some(_), Some(b)) => current.push(b),
            }
            i += 1;
        }
        out.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    macro_rules! split_ok {
        ($($name:ident: $line:expr => [$($arg:expr),* $(,)?];)*) => {$(
            #[test]
            fn $name() {
                let want: Vec<Vec<u8>> = vec![$($arg.to_vec()),*];
                assert_eq!(split_args($line).unwrap(), want);
            }
        )*};
    }

    macro_rules! split_err {
        ($($name:ident: $line:expr => $kind:ident @ $offset:expr;)*) => {$(
            #[test]
            fn $name() {
                let err = split_args($line).unwrap_err();
                assert_eq!(err, SplitError { kind: SplitErrorKind::$kind, offset: $offset });
            }
        )*};
    }

    split_ok! {
        empty_line_has_no_args: b"" => [];
        blank_line_has_no_args: b" \t\x0b\x0c\r\n " => [];
        bare_words_split_on_blanks: b"  a  bb\tccc\r\nd " => [b"a", b"bb", b"ccc", b"d"];
        vertical_tab_and_form_feed_skip_between_args_but_stay_inside: b"a\x0bb \x0cc d\x0ce" => [b"a\x0bb", b"c", b"d\x0ce"];
        double_quotes_keep_spaces: br#""a b"  c"# => [b"a b", b"c"];
        empty_double_quotes_are_an_empty_arg: br#""" x"# => [b"", b"x"];
        empty_single_quotes_are_an_empty_arg: b"'' x" => [b"", b"x"];
        quote_opens_mid_word: br#"ab"c d" e"# => [b"abc d", b"e"];
        hex_escape_in_double_quotes: br#""\x00\xfF\x41""# => [b"\x00\xffA"];
        short_hex_escape_is_a_plain_escape: br#""\x4" "\xg1""# => [b"x4", b"xg1"];
        control_escapes: br#""\n\r\t\b\a""# => [b"\n\r\t\x08\x07"];
        backslash_escapes_quote_and_itself: br#""\"\\\q""# => [b"\"\\q"];
        single_quotes_are_literal_except_quote: br"'a\nb\'c\\d'" => [b"a\\nb'c\\\\d"];
        backslash_before_closing_single_quote_escapes_it: br"'a\\' b'" => [b"a\\' b"];
        double_quote_inside_single_quotes: br#"'say "hi"'"# => [b"say \"hi\""];
        backslash_is_literal_outside_quotes: br"a\b c\" => [b"a\\b", b"c\\"];
        line_ends_at_nul: b"a b\0c d" => [b"a", b"b"];
        closing_quote_then_tab: b"\"a\"\tb" => [b"a", b"b"];
        closing_quote_then_vertical_tab: b"\"a\"\x0bb" => [b"a", b"b"];
        high_bytes_are_literal: b"\xc3\xa9 \xff" => [b"\xc3\xa9", b"\xff"];
    }

    split_err! {
        unterminated_double_quote: br#"a "bc"# => UnterminatedQuote @ 2;
        unterminated_single_quote: b"'abc" => UnterminatedQuote @ 0;
        trailing_backslash_in_quotes_is_unterminated: b"\"ab\\" => UnterminatedQuote @ 0;
        text_glued_to_closing_double_quote: br#""foo"bar"# => TextAfterClosingQuote @ 5;
        text_glued_to_closing_single_quote: b"'foo'x" => TextAfterClosingQuote @ 5;
        nul_cuts_a_quote_open: b"\"ab\0\"" => UnterminatedQuote @ 0;
    }

    #[test]
    fn error_display_names_kind_and_offset() {
        let err = split_args(b"'x").unwrap_err();
        assert_eq!(alloc::format!("{err}"), "unterminated quotes at byte 0");
    }
}
