//! Properties of the config-line quoting: whatever the arguments, a rendered
//! `loadmodule` line reads back through `split_args` as the same path and
//! arguments, and survives the config reader's line handling.

use modules_core::{is_bare_safe, quote_arg, render_loadmodule_line, split_args};
use proptest::prelude::*;

/// Bytes biased towards the ones that matter to the tokenizer.
fn tricky_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(b" \t\r\n\x0b\x0c\"'\\x0aAfF#\0\x07\x08\x7f\xff".to_vec()),
        2 => any::<u8>(),
        2 => b'a'..=b'z',
    ]
}

fn arg() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(tricky_byte(), 0..12)
}

proptest! {
    #[test]
    fn rendered_lines_parse_back_to_the_same_args(
        path in prop::collection::vec(tricky_byte(), 1..16),
        args in prop::collection::vec(arg(), 0..6),
    ) {
        let line = render_loadmodule_line(&path, &args);
        let back = split_args(&line).unwrap();
        prop_assert_eq!(&back[0], b"loadmodule");
        prop_assert_eq!(&back[1], &path);
        prop_assert_eq!(&back[2..], &args[..]);
    }

    #[test]
    fn rendered_lines_survive_the_config_readers_line_handling(
        args in prop::collection::vec(arg(), 0..6),
    ) {
        // Valkey's config reader splits the file on '\n', trims " \t\r\n" at
        // both ends and only then tokenizes: a rendered line must hold no
        // raw line break and nothing the trim would eat.
        let line = render_loadmodule_line(b"/m.so", &args);
        prop_assert!(!line.contains(&b'\n') && !line.contains(&b'\r') && !line.contains(&0));
        let trimmed = line.trim_ascii_end();
        prop_assert_eq!(trimmed.len(), line.len());
    }

    #[test]
    fn one_quoted_arg_is_one_token(a in arg()) {
        let mut out = Vec::new();
        quote_arg(&a, &mut out);
        prop_assert_eq!(split_args(&out).unwrap(), vec![a.clone()]);
        prop_assert_eq!(out == a, is_bare_safe(&a));
    }

    #[test]
    fn split_never_panics_and_tokens_hold_no_unquoted_blank(line in prop::collection::vec(tricky_byte(), 0..40)) {
        if let Ok(tokens) = split_args(&line) {
            // Re-rendering the tokens and splitting again is a fixed point.
            let mut again = Vec::new();
            for (i, t) in tokens.iter().enumerate() {
                if i > 0 { again.push(b' '); }
                quote_arg(t, &mut again);
            }
            prop_assert_eq!(split_args(&again).unwrap(), tokens);
        }
    }
}
