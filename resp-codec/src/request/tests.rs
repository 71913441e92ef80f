use std::vec;
use std::vec::Vec;

use super::*;
use crate::error::RequestErrorKind as K;

/// What one parse gave: `Some((used, args))`, or `None` for partial.
type Parsed = Result<Option<(usize, Vec<Vec<u8>>)>, RequestError>;

/// Parses one request.
fn parse_with(parser: RequestParser, input: &[u8]) -> Parsed {
    let mut buf = input.to_vec();
    let mut spans = Vec::new();
    Ok(match parser.parse(&mut buf, &mut spans)? {
        Status::Complete(used) => Some((used, spans.iter().map(|s| s.of(&buf).to_vec()).collect())),
        Status::Partial => None,
    })
}

fn parse(input: &[u8]) -> Parsed {
    parse_with(RequestParser::new(), input)
}

fn args(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// `req!(name, input => used, [args])`: a complete request.
macro_rules! req {
    ($name:ident, $input:expr => $used:expr, [$($arg:expr),*]) => {
        #[test]
        fn $name() {
            assert_eq!(parse($input), Ok(Some(($used, args(&[$($arg),*])))));
        }
    };
}

/// `refused!(name, input => kind)`: Valkey's protocol error.
macro_rules! refused {
    ($name:ident, $input:expr => $kind:expr) => {
        #[test]
        fn $name() {
            assert_eq!(parse($input).map_err(|e| e.kind), Err($kind));
        }
    };
}

req!(multibulk_command, b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n" => 22, ["GET", "key"]);
req!(multibulk_binary_argument, b"*1\r\n$4\r\n\r\n\0x\r\n" => 14, ["\r\n\0x"]);
req!(multibulk_empty_argument, b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n" => 20, ["ECHO", ""]);
req!(multibulk_leaves_the_pipeline_rest, b"*1\r\n$4\r\nPING\r\n*1\r\n" => 14, ["PING"]);
req!(zero_count_is_skipped_silently, b"*0\r\n" => 4, []);
req!(negative_count_is_skipped_silently, b"*-10\r\nPING\r\n" => 6, []);
req!(bytes_after_payload_are_not_checked, b"*1\r\n$4\r\nPINGxx" => 14, ["PING"]);
req!(byte_after_cr_is_not_checked, b"*1\rx$4\rxPING\r\n" => 14, ["PING"]);

refused!(count_with_plus, b"*+1\r\n" => K::InvalidMultibulkLength);
refused!(count_with_leading_zero, b"*01\r\n" => K::InvalidMultibulkLength);
refused!(count_empty, b"*\r\n" => K::InvalidMultibulkLength);
refused!(count_letters, b"*abc\r\n" => K::InvalidMultibulkLength);
refused!(count_over_int_max, b"*2147483648\r\n" => K::InvalidMultibulkLength);
refused!(element_not_a_bulk, b"*1\r\nfoo\r\n" => K::ExpectedDollar(b'f'));
refused!(element_empty_line, b"*1\r\n\r\n" => K::ExpectedDollar(b'\r'));
refused!(bulk_negative, b"*1\r\n$-10\r\n" => K::InvalidBulkLength);
refused!(bulk_letters, b"*1\r\n$blabla\r\n" => K::InvalidBulkLength);
refused!(bulk_empty, b"*1\r\n$\r\n" => K::InvalidBulkLength);
refused!(bulk_with_plus, b"*1\r\n$+4\r\n" => K::InvalidBulkLength);
refused!(inline_unbalanced_double_quote, b"SET k \"abc\r\n" => K::UnbalancedQuotes);
refused!(inline_unbalanced_single_quote, b"SET k 'abc\r\n" => K::UnbalancedQuotes);
refused!(inline_text_after_closing_quote, b"SET \"a\"b\r\n" => K::UnbalancedQuotes);

#[test]
fn count_of_int_max_is_accepted_and_waits() {
    assert_eq!(parse(b"*2147483647\r\n"), Ok(None));
}

#[test]
fn every_prefix_of_a_request_is_partial() {
    let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
    for cut in 0..input.len() {
        assert_eq!(parse(&input[..cut]), Ok(None), "cut at {cut}");
    }
    assert_eq!(
        parse(input),
        Ok(Some((input.len(), args(&["SET", "key", "value"]))))
    );
}

#[test]
fn type_byte_is_judged_only_once_its_line_is_complete() {
    assert_eq!(parse(b"*1\r\nfoo"), Ok(None));
    assert_eq!(parse(b"*1\r\nfoo\r"), Ok(None));
}

#[test]
fn long_count_line_without_cr_is_refused_past_64_kib() {
    let mut input = vec![b'*'];
    input.resize(INLINE_MAX_SIZE, b'1');
    assert_eq!(parse(&input), Ok(None));
    input.push(b'1');
    assert_eq!(parse(&input).map_err(|e| e.kind), Err(K::TooBigMbulkCount));
}

#[test]
fn long_bulk_line_without_cr_is_refused_past_64_kib() {
    let mut input = b"*1\r\n$".to_vec();
    input.resize(4 + INLINE_MAX_SIZE, b'1');
    assert_eq!(parse(&input), Ok(None));
    input.push(b'1');
    assert_eq!(parse(&input).map_err(|e| e.kind), Err(K::TooBigBulkCount));
}

#[test]
fn long_inline_line_is_refused_past_64_kib() {
    let mut input = vec![b'a'; INLINE_MAX_SIZE];
    assert_eq!(parse(&input), Ok(None));
    input.push(b'a');
    assert_eq!(
        parse(&input).map_err(|e| e.kind),
        Err(K::TooBigInlineRequest)
    );
}

#[test]
fn proto_max_bulk_len_is_enforced_from_the_length_line() {
    let parser = RequestParser::new().max_bulk_len(1024 * 1024);
    let ok = std::format!("*1\r\n${}\r\n", 1024 * 1024);
    assert_eq!(parse_with(parser, ok.as_bytes()), Ok(None));
    let over = std::format!("*1\r\n${}\r\n", 1024 * 1024 + 1);
    let err = parse_with(parser, over.as_bytes()).unwrap_err();
    assert_eq!(err.kind, K::InvalidBulkLength);
    assert_eq!(
        err.reply().as_bytes(),
        b"ERR Protocol error: invalid bulk length"
    );
}

#[test]
fn unauthenticated_clients_get_small_limits() {
    let parser = RequestParser::new().authenticated(false);
    assert_eq!(parse_with(parser, b"*10\r\n"), Ok(None));
    let err = parse_with(parser, b"*11\r\n").unwrap_err();
    assert_eq!(
        err.reply().as_bytes(),
        b"ERR Protocol error: unauthenticated multibulk length"
    );
    assert_eq!(parse_with(parser, b"*1\r\n$16384\r\n"), Ok(None));
    let err = parse_with(parser, b"*1\r\n$16385\r\n").unwrap_err();
    assert_eq!(
        err.reply().as_bytes(),
        b"ERR Protocol error: unauthenticated bulk length"
    );
    // Invalid still wins over unauthenticated, as in Valkey.
    let err = parse_with(parser, b"*1\r\n$-5\r\n").unwrap_err();
    assert_eq!(err.kind, K::InvalidBulkLength);
}

#[test]
fn error_replies_are_valkeys_texts() {
    let cases: [(&[u8], &[u8]); 6] = [
        (b"*x\r\n", b"ERR Protocol error: invalid multibulk length"),
        (
            b"*1\r\nfoo\r\n",
            b"ERR Protocol error: expected '$', got 'f'",
        ),
        (b"*1\r\n\r\n", b"ERR Protocol error: expected '$', got ' '"),
        (b"*1\r\n$x\r\n", b"ERR Protocol error: invalid bulk length"),
        (
            b"a \"b\r\n",
            b"ERR Protocol error: unbalanced quotes in request",
        ),
        (
            b"*1\r\n:1\r\n",
            b"ERR Protocol error: expected '$', got ':'",
        ),
    ];
    for (input, text) in cases {
        assert_eq!(parse(input).unwrap_err().reply().as_bytes(), text);
    }
}

req!(inline_simple, b"PING\r\n" => 6, ["PING"]);
req!(inline_bare_lf, b"PING\n" => 5, ["PING"]);
req!(inline_cr_inside_is_a_separator, b"PING\rPING\r\n" => 11, ["PING", "PING"]);
req!(inline_blank_line_runs_nothing, b"   \r\n" => 5, []);
req!(inline_empty_line_runs_nothing, b"\r\n" => 2, []);
req!(inline_tabs_and_spaces, b"  SET\tk   v  \r\n" => 15, ["SET", "k", "v"]);
req!(inline_double_quotes, b"SET k \"a b\"\r\n" => 13, ["SET", "k", "a b"]);
req!(inline_empty_quoted_argument, b"ECHO \"\"\r\n" => 9, ["ECHO", ""]);
req!(inline_double_quote_escapes, b"ECHO \"a\\x41\\n\\t\\q\"\r\n" => 20, ["ECHO", "aA\n\tq"]);
req!(inline_escaped_quote_and_backslash, b"ECHO \"\\\"\\\\\"\r\n" => 13, ["ECHO", "\"\\"]);
req!(inline_bad_hex_is_a_plain_x, b"ECHO \"\\xZZ\"\r\n" => 13, ["ECHO", "xZZ"]);
req!(inline_single_quotes_are_literal, b"ECHO 'b\\'c\\n'\r\n" => 15, ["ECHO", "b'c\\n"]);
req!(inline_quote_inside_token_opens, b"ECHO a\"b c\"\r\n" => 13, ["ECHO", "ab c"]);
req!(inline_vertical_tab_is_blank_between_tokens, b"\x0bPING\r\n" => 7, ["PING"]);

#[test]
fn inline_hex_escapes_decode_every_byte() {
    let (_, got) = parse(b"ECHO \"\\x00\\xff\\x7F\"\n").unwrap().unwrap();
    assert_eq!(got[1], [0x00, 0xff, 0x7f]);
}

#[test]
fn inline_waits_for_its_newline() {
    assert_eq!(parse(b"PING"), Ok(None));
    assert_eq!(parse(b"PING\r"), Ok(None));
}

#[test]
fn resp3_type_bytes_are_inline_text() {
    assert_eq!(parse(b"%1\r\n"), Ok(Some((4, args(&["%1"])))));
}

#[test]
fn pipeline_of_mixed_requests_parses_in_order() {
    let mut buf =
        b"*1\r\n$4\r\nPING\r\nECHO 'x y'\r\n*0\r\n*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n".to_vec();
    let parser = RequestParser::new();
    let mut spans = Vec::new();
    let mut seen = Vec::new();
    let mut pos = 0;
    while let Status::Complete(used) = parser.parse(&mut buf[pos..], &mut spans).unwrap() {
        let req = &buf[pos..pos + used];
        seen.push(spans.iter().map(|s| s.of(req).to_vec()).collect::<Vec<_>>());
        pos += used;
    }
    assert_eq!(pos, buf.len());
    assert_eq!(
        seen,
        [
            args(&["PING"]),
            args(&["ECHO", "x y"]),
            args(&[]),
            args(&["ECHO", "z"])
        ]
    );
}

#[cfg(feature = "heapless")]
#[test]
fn fixed_capacity_store_refuses_extra_arguments() {
    let mut buf = *b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n";
    let mut spans: heapless::Vec<Span, 2> = heapless::Vec::new();
    let err = RequestParser::new()
        .parse(&mut buf, &mut spans)
        .unwrap_err();
    assert_eq!(err.kind, K::TooManyArguments);
}
