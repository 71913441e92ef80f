use std::vec::Vec;

use super::*;
use crate::error::DecodeErrorKind as K;
use crate::frame::Verbatim;

/// `ok!(name, input, expected_frame)`: the input decodes whole to the frame.
macro_rules! ok {
    ($name:ident, $input:expr, $frame:expr) => {
        #[test]
        fn $name() {
            let input: &[u8] = $input;
            assert_eq!(decode(input), Ok(Status::Complete(($frame, input.len()))));
        }
    };
}

/// `bad!(name, input, kind, offset)`: the input is refused with that error.
macro_rules! bad {
    ($name:ident, $input:expr, $kind:expr, $offset:expr) => {
        #[test]
        fn $name() {
            let err = DecodeError {
                kind: $kind,
                offset: $offset,
            };
            assert_eq!(decode($input), Err(err));
        }
    };
}

fn items(input: &[u8]) -> Vec<Frame<'_>> {
    match decode(input).unwrap().complete().unwrap().0 {
        Frame::Array(a) | Frame::Map(a) | Frame::Set(a) | Frame::Push(a) | Frame::Attribute(a) => {
            a.iter().collect()
        }
        other => panic!("not an aggregate: {other:?}"),
    }
}

ok!(simple_string, b"+OK\r\n", Frame::SimpleString(b"OK"));
ok!(empty_simple_string, b"+\r\n", Frame::SimpleString(b""));
ok!(
    simple_error,
    b"-ERR bad\r\n",
    Frame::SimpleError(b"ERR bad")
);
ok!(integer, b":1234\r\n", Frame::Integer(1234));
ok!(negative_integer, b":-42\r\n", Frame::Integer(-42));
ok!(plus_signed_integer, b":+7\r\n", Frame::Integer(7));
ok!(
    integer_min,
    b":-9223372036854775808\r\n",
    Frame::Integer(i64::MIN)
);
ok!(
    integer_max,
    b":9223372036854775807\r\n",
    Frame::Integer(i64::MAX)
);
ok!(bulk_string, b"$5\r\nhello\r\n", Frame::BulkString(b"hello"));
ok!(empty_bulk_string, b"$0\r\n\r\n", Frame::BulkString(b""));
ok!(
    binary_bulk_string,
    b"$4\r\n\r\n\0\xff\r\n",
    Frame::BulkString(b"\r\n\0\xff")
);
ok!(null_bulk, b"$-1\r\n", Frame::NullBulk);
ok!(null_array, b"*-1\r\n", Frame::NullArray);
ok!(null, b"_\r\n", Frame::Null);
ok!(boolean_true, b"#t\r\n", Frame::Boolean(true));
ok!(boolean_false, b"#f\r\n", Frame::Boolean(false));
ok!(double, b",1.5\r\n", Frame::Double(1.5));
ok!(double_integral, b",10\r\n", Frame::Double(10.0));
ok!(double_exponent, b",1.5e-10\r\n", Frame::Double(1.5e-10));
ok!(double_upper_exponent, b",1E+20\r\n", Frame::Double(1e20));
ok!(double_inf, b",inf\r\n", Frame::Double(f64::INFINITY));
ok!(
    double_minus_inf,
    b",-inf\r\n",
    Frame::Double(f64::NEG_INFINITY)
);
ok!(double_nan, b",nan\r\n", Frame::Double(f64::NAN));
ok!(
    big_number,
    b"(3492890328409238509324850943850943825024385\r\n",
    Frame::BigNumber(b"3492890328409238509324850943850943825024385")
);
ok!(negative_big_number, b"(-12\r\n", Frame::BigNumber(b"-12"));
ok!(
    blob_error,
    b"!21\r\nSYNTAX invalid syntax\r\n",
    Frame::BlobError(b"SYNTAX invalid syntax")
);
ok!(
    verbatim,
    b"=15\r\ntxt:Some string\r\n",
    Frame::Verbatim(Verbatim {
        format: *b"txt",
        text: b"Some string"
    })
);
ok!(
    empty_verbatim,
    b"=4\r\nmkd:\r\n",
    Frame::Verbatim(Verbatim {
        format: *b"mkd",
        text: b""
    })
);

#[test]
fn empty_array_has_no_items() {
    let (frame, used) = decode(b"*0\r\n").unwrap().complete().unwrap();
    assert_eq!(used, 4);
    let Frame::Array(a) = frame else { panic!() };
    assert!(a.is_empty());
    assert_eq!(a.iter().count(), 0);
}

#[test]
fn array_items_decode_lazily_in_order() {
    assert_eq!(
        items(b"*3\r\n:1\r\n$2\r\nhi\r\n_\r\n"),
        [Frame::Integer(1), Frame::BulkString(b"hi"), Frame::Null]
    );
}

#[test]
fn nested_aggregates_keep_their_shape() {
    let input = b"*2\r\n*2\r\n:1\r\n:2\r\n%1\r\n+k\r\n~1\r\n#t\r\n";
    let outer = items(input);
    let Frame::Array(inner) = outer[0] else {
        panic!()
    };
    assert_eq!(
        inner.iter().collect::<Vec<_>>(),
        [Frame::Integer(1), Frame::Integer(2)]
    );
    let Frame::Map(map) = outer[1] else { panic!() };
    assert_eq!(map.len(), 1);
    let (k, v) = map.pairs().next().unwrap();
    assert_eq!(k, Frame::SimpleString(b"k"));
    let Frame::Set(set) = v else { panic!() };
    assert_eq!(set.iter().collect::<Vec<_>>(), [Frame::Boolean(true)]);
}

#[test]
fn map_len_counts_pairs() {
    let (frame, _) = decode(b"%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n")
        .unwrap()
        .complete()
        .unwrap();
    let Frame::Map(map) = frame else { panic!() };
    assert_eq!(map.len(), 2);
    assert_eq!(map.iter().count(), 4);
    assert_eq!(map.pairs().count(), 2);
}

#[test]
fn push_is_an_aggregate() {
    let input = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n";
    let parts = items(input);
    assert_eq!(parts[0], Frame::BulkString(b"invalidate"));
    assert!(matches!(parts[1], Frame::Array(a) if a.len() == 1));
}

#[test]
fn top_level_attribute_is_its_own_frame_before_the_value() {
    let input = b"|1\r\n+key-popularity\r\n*2\r\n$1\r\na\r\n:90\r\n$2\r\nhi\r\n";
    let (attr, used) = decode(input).unwrap().complete().unwrap();
    let Frame::Attribute(a) = attr else { panic!() };
    assert_eq!(a.len(), 1);
    assert_eq!(
        decode(&input[used..]),
        Ok(Status::Complete((Frame::BulkString(b"hi"), 8)))
    );
}

#[test]
fn attribute_inside_an_aggregate_takes_no_slot() {
    let input = b"*2\r\n:1\r\n|1\r\n+ttl\r\n:5\r\n:2\r\n";
    let (frame, used) = decode(input).unwrap().complete().unwrap();
    assert_eq!(used, input.len());
    let Frame::Array(a) = frame else { panic!() };
    assert_eq!(a.len(), 2);
    assert_eq!(a.iter().count(), 3);
    assert_eq!(
        a.elements().collect::<Vec<_>>(),
        [Frame::Integer(1), Frame::Integer(2)]
    );
}

#[test]
fn empty_attribute_inside_an_aggregate_takes_no_slot() {
    let input = b"*1\r\n|0\r\n:7\r\n";
    let (frame, used) = decode(input).unwrap().complete().unwrap();
    assert_eq!(used, input.len());
    let Frame::Array(a) = frame else { panic!() };
    assert_eq!(a.elements().collect::<Vec<_>>(), [Frame::Integer(7)]);
}

#[test]
fn streamed_string_joins_its_chunks() {
    let input = b"$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;2\r\nld\r\n;0\r\n";
    let (frame, used) = decode(input).unwrap().complete().unwrap();
    assert_eq!(used, input.len());
    let Frame::StreamedString(chunks) = frame else {
        panic!()
    };
    assert_eq!(chunks.total_len(), 11);
    assert_eq!(chunks.iter().collect::<Vec<_>>().concat(), b"Hello world");
}

#[test]
fn streamed_aggregates_end_at_the_end_marker() {
    let input = b"*?\r\n:1\r\n:2\r\n.\r\n";
    let (frame, used) = decode(input).unwrap().complete().unwrap();
    assert_eq!(used, input.len());
    let Frame::Array(a) = frame else { panic!() };
    assert!(a.is_streamed());
    assert_eq!(a.len(), 2);
    assert_eq!(
        a.iter().collect::<Vec<_>>(),
        [Frame::Integer(1), Frame::Integer(2)]
    );

    let (frame, _) = decode(b"%?\r\n+a\r\n:1\r\n.\r\n")
        .unwrap()
        .complete()
        .unwrap();
    assert!(matches!(frame, Frame::Map(m) if m.len() == 1 && m.is_streamed()));
    let (frame, _) = decode(b"~?\r\n.\r\n").unwrap().complete().unwrap();
    assert!(matches!(frame, Frame::Set(s) if s.is_empty()));
}

#[test]
fn streamed_aggregates_nest_in_counted_ones_and_back() {
    let input = b"*2\r\n*?\r\n*1\r\n:1\r\n~?\r\n.\r\n.\r\n:9\r\n+next\r\n";
    let (frame, used) = decode(input).unwrap().complete().unwrap();
    assert_eq!(&input[used..], b"+next\r\n");
    let outer = match frame {
        Frame::Array(a) => a.iter().collect::<Vec<_>>(),
        _ => panic!(),
    };
    assert_eq!(outer[1], Frame::Integer(9));
    let Frame::Array(streamed) = outer[0] else {
        panic!()
    };
    assert_eq!(streamed.len(), 2);
}

#[test]
fn every_prefix_of_a_valid_frame_is_partial() {
    let input =
        b"*3\r\n$?\r\n;2\r\nab\r\n;0\r\n%?\r\n+k\r\n,1.5\r\n.\r\n|1\r\n+a\r\n+b\r\n=5\r\ntxt:x\r\n";
    for cut in 0..input.len() {
        assert_eq!(decode(&input[..cut]), Ok(Status::Partial), "cut at {cut}");
    }
    assert!(decode(input).unwrap().complete().is_some());
}

bad!(unknown_type_byte, b"@foo\r\n", K::InvalidTypeByte, 0);
bad!(integer_with_letters, b":12a\r\n", K::InvalidInteger, 3);
bad!(integer_without_digits, b":\r\n", K::InvalidInteger, 1);
bad!(
    integer_overflow,
    b":9223372036854775808\r\n",
    K::InvalidInteger,
    1
);
bad!(bulk_length_not_a_number, b"$x\r\n", K::InvalidLength, 1);
bad!(bulk_negative_length, b"$-2\r\n", K::InvalidLength, 1);
bad!(bulk_without_crlf, b"$3\r\nabcd\r\n", K::ExpectedCrlf, 7);
bad!(array_negative_count, b"*-2\r\n", K::InvalidLength, 1);
bad!(map_null_count, b"%-1\r\n", K::InvalidLength, 1);
bad!(boolean_other, b"#x\r\n", K::InvalidBoolean, 1);
bad!(boolean_long, b"#tt\r\n", K::InvalidBoolean, 2);
bad!(null_with_data, b"_x\r\n", K::InvalidNull, 1);
bad!(double_minus_nan, b",-nan\r\n", K::InvalidDouble, 1);
bad!(double_garbage, b",1.2.3\r\n", K::InvalidDouble, 1);
bad!(big_number_with_dot, b"(1.5\r\n", K::InvalidBigNumber, 1);
bad!(verbatim_too_short, b"=3\r\ntxt\r\n", K::InvalidVerbatim, 1);
bad!(
    verbatim_without_colon,
    b"=5\r\ntxtxy\r\n",
    K::InvalidVerbatim,
    7
);
bad!(line_with_lone_cr, b"+a\rb\r\n", K::ExpectedCrlf, 2);
bad!(line_with_lone_lf, b"+a\nb\r\n", K::ExpectedCrlf, 2);
bad!(error_with_lone_lf, b"-ERR\n\r\n", K::ExpectedCrlf, 4);
bad!(end_marker_at_top, b".\r\n", K::UnexpectedEnd, 0);
bad!(
    end_marker_in_counted_array,
    b"*1\r\n.\r\n",
    K::UnexpectedEnd,
    4
);
bad!(odd_streamed_map, b"%?\r\n+a\r\n.\r\n", K::OddStreamedMap, 8);
bad!(chunk_without_semicolon, b"$?\r\n:4\r\n", K::InvalidChunk, 4);
bad!(streamed_push_is_not_a_thing, b">?\r\n", K::InvalidLength, 1);
bad!(
    length_with_too_many_digits,
    b"$000000000000000000001",
    K::InvalidLength,
    21
);

#[test]
fn bulk_over_the_limit_is_refused_before_its_bytes_arrive() {
    let limits = Limits {
        max_bulk_len: 10,
        ..Limits::DEFAULT
    };
    let err = decode_with(b"$11\r\n", &limits).unwrap_err();
    assert_eq!(
        err,
        DecodeError {
            kind: K::LengthTooLarge,
            offset: 1
        }
    );
    assert_eq!(decode_with(b"$10\r\n", &limits), Ok(Status::Partial));
}

#[test]
fn count_over_the_limit_is_refused() {
    let limits = Limits {
        max_count: 2,
        ..Limits::DEFAULT
    };
    assert_eq!(
        decode_with(b"*3\r\n", &limits).unwrap_err().kind,
        K::LengthTooLarge
    );
    assert_eq!(decode_with(b"%2\r\n", &limits), Ok(Status::Partial));
}

#[test]
fn long_line_is_refused_without_waiting_for_its_end() {
    let limits = Limits {
        max_line_len: 8,
        ..Limits::DEFAULT
    };
    assert_eq!(
        decode_with(b"+123456789", &limits).unwrap_err().kind,
        K::LineTooLong
    );
    assert_eq!(decode_with(b"+12345678", &limits), Ok(Status::Partial));
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_not_overflowed() {
    let mut input = Vec::new();
    for _ in 0..100_000 {
        input.extend_from_slice(b"*1\r\n");
    }
    input.extend_from_slice(b":1\r\n");
    assert_eq!(
        decode(&input),
        Err(DecodeError {
            kind: K::NestingTooDeep,
            offset: 4 * MAX_DEPTH
        })
    );
    // Exactly MAX_DEPTH levels are fine.
    let ok = [&input[input.len() - 4 * MAX_DEPTH - 4..]].concat();
    assert_eq!(decode(&ok).unwrap().complete().unwrap().1, ok.len());
}

#[test]
fn huge_counts_wait_for_data_without_allocating() {
    assert_eq!(decode(b"*2147483647\r\n:1\r\n"), Ok(Status::Partial));
}

#[test]
fn trailing_bytes_are_left_for_the_next_frame() {
    let input = b":1\r\n:2\r\n";
    assert_eq!(decode(input), Ok(Status::Complete((Frame::Integer(1), 4))));
}
