//! Quoting arguments so that a written config line reads back the same.
//!
//! Valkey writes `loadmodule` arguments raw, so an argument with a space, a
//! quote or nothing in it comes back different on the next start. Here every
//! argument that [`split_args`](crate::split_args) would not read back as-is is
//! written in double quotes with `sdscatrepr`'s escapes.

use alloc::vec::Vec;

/// True when `arg` can be written bare: non-empty, printable ASCII only, no
/// quote characters (which would open a quoted part when read back).
#[must_use]
pub fn is_bare_safe(arg: &[u8]) -> bool {
    !arg.is_empty()
        && arg
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\'')
}

/// Appends `arg` to `out` so that [`split_args`](crate::split_args) reads it
/// back as exactly `arg`: bare when [`is_bare_safe`], otherwise double-quoted
/// with `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b` and `\xHH` for any other byte
/// outside printable ASCII (Valkey's `sdscatrepr` format).
///
/// # Examples
///
/// ```
/// let mut line = Vec::new();
/// modules_core::quote_arg(b"a \"b\"", &mut line);
/// assert_eq!(line, br#""a \"b\"""#);
/// ```
pub fn quote_arg(arg: &[u8], out: &mut Vec<u8>) {
    if is_bare_safe(arg) {
        out.extend_from_slice(arg);
        return;
    }
    out.push(b'"');
    for &b in arg {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            b' '..=b'~' => out.push(b),
            other => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'x',
                    HEX[usize::from(other >> 4)],
                    HEX[usize::from(other & 0xf)],
                ]);
            }
        }
    }
    out.push(b'"');
}

/// Renders one `loadmodule <path> [arg ...]` line (without a line break),
/// quoting the path and each argument with [`quote_arg`].
///
/// # Examples
///
/// ```
/// use modules_core::{render_loadmodule_line, split_args};
///
/// let args = [b"".to_vec(), b"two words".to_vec(), b"x".to_vec()];
/// let line = render_loadmodule_line(b"/opt/m.so", &args);
/// assert_eq!(line, br#"loadmodule /opt/m.so "" "two words" x"#);
/// assert_eq!(split_args(&line)?[2..], args);
/// # Ok::<(), modules_core::SplitError>(())
/// ```
#[must_use]
pub fn render_loadmodule_line<A: AsRef<[u8]>>(path: &[u8], args: &[A]) -> Vec<u8> {
    let mut line = Vec::with_capacity(
        11 + path.len() + args.iter().map(|a| a.as_ref().len() + 3).sum::<usize>(),
    );
    line.extend_from_slice(b"loadmodule ");
    quote_arg(path, &mut line);
    for arg in args {
        line.push(b' ');
        quote_arg(arg.as_ref(), &mut line);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split_args;
    use alloc::vec;

    macro_rules! quoted {
        ($($name:ident: $arg:expr => $want:expr;)*) => {$(
            #[test]
            fn $name() {
                let mut out = Vec::new();
                quote_arg($arg, &mut out);
                assert_eq!(out, $want.to_vec());
                assert_eq!(split_args(&out).unwrap(), vec![$arg.to_vec()]);
            }
        )*};
    }

    quoted! {
        plain_word_stays_bare: b"maxsize" => b"maxsize";
        backslash_alone_stays_bare: br"C:\m" => br"C:\m";
        empty_arg_is_two_quotes: b"" => br#""""#;
        space_is_quoted: b"a b" => br#""a b""#;
        single_quote_is_quoted: b"it's" => br#""it's""#;
        double_quote_is_escaped: b"say \"x\"" => br#""say \"x\"""#;
        backslash_is_escaped_when_quoted: b"a\\ b" => br#""a\\ b""#;
        controls_use_named_escapes: b"\n\r\t\x07\x08" => br#""\n\r\t\a\b""#;
        nul_and_high_bytes_use_hex: b"\0\xff\x0b" => br#""\x00\xff\x0b""#;
        hash_stays_bare: b"#x" => b"#x";
    }

    #[test]
    fn line_with_no_args_is_path_only() {
        let args: [&[u8]; 0] = [];
        assert_eq!(render_loadmodule_line(b"/m.so", &args), b"loadmodule /m.so");
    }

    #[test]
    fn path_with_space_is_quoted() {
        let line = render_loadmodule_line(b"/my mods/m.so", &[b"a"]);
        assert_eq!(line, br#"loadmodule "/my mods/m.so" a"#);
    }
}
