//! Encoder vectors: every type in both protocols, byte for byte as Valkey writes them.

use resp_codec::{EncodeError, Encoder, Frame, OwnedFrame, Protocol, SliceSink, Status, decode};

const R2: Encoder = Encoder::new(Protocol::Resp2);
const R3: Encoder = Encoder::new(Protocol::Resp3);

/// `enc!(name, |enc, out| calls, resp2 bytes, resp3 bytes)`.
macro_rules! enc {
    ($name:ident, |$e:ident, $o:ident| $body:expr, $resp2:expr, $resp3:expr) => {
        #[test]
        fn $name() {
            for (enc, want) in [(R2, &$resp2[..]), (R3, &$resp3[..])] {
                let mut out: Vec<u8> = Vec::new();
                let f = |$e: Encoder, $o: &mut Vec<u8>| -> Result<(), EncodeError> { $body };
                f(enc, &mut out).unwrap();
                assert_eq!(out, want, "{:?}", enc.protocol());
            }
        }
    };
}

enc!(
    simple_string,
    |e, o| e.simple_string(o, b"OK"),
    *b"+OK\r\n",
    *b"+OK\r\n"
);
enc!(
    simple_error,
    |e, o| e.simple_error(o, b"ERR x"),
    *b"-ERR x\r\n",
    *b"-ERR x\r\n"
);
enc!(
    integer,
    |e, o| e.integer(o, -12),
    *b":-12\r\n",
    *b":-12\r\n"
);
enc!(
    integer_min,
    |e, o| e.integer(o, i64::MIN),
    *b":-9223372036854775808\r\n",
    *b":-9223372036854775808\r\n"
);
enc!(
    bulk,
    |e, o| e.bulk_string(o, b"hello"),
    *b"$5\r\nhello\r\n",
    *b"$5\r\nhello\r\n"
);
enc!(
    empty_bulk,
    |e, o| e.bulk_string(o, b""),
    *b"$0\r\n\r\n",
    *b"$0\r\n\r\n"
);
enc!(null, |e, o| e.null(o), *b"$-1\r\n", *b"_\r\n");
enc!(null_array, |e, o| e.null_array(o), *b"*-1\r\n", *b"_\r\n");
enc!(array, |e, o| e.array_len(o, 2), *b"*2\r\n", *b"*2\r\n");
enc!(map, |e, o| e.map_len(o, 3), *b"*6\r\n", *b"%3\r\n");
enc!(set, |e, o| e.set_len(o, 3), *b"*3\r\n", *b"~3\r\n");
enc!(
    double,
    |e, o| e.double(o, 1.5),
    *b"$3\r\n1.5\r\n",
    *b",1.5\r\n"
);
enc!(
    double_integral,
    |e, o| e.double(o, 3.0),
    *b"$1\r\n3\r\n",
    *b",3\r\n"
);
enc!(
    double_exponent,
    |e, o| e.double(o, 1e20),
    *b"$5\r\n1e+20\r\n",
    *b",1e+20\r\n"
);
enc!(
    double_inf,
    |e, o| e.double(o, f64::NEG_INFINITY),
    *b"$4\r\n-inf\r\n",
    *b",-inf\r\n"
);
enc!(
    boolean_true,
    |e, o| e.boolean(o, true),
    *b":1\r\n",
    *b"#t\r\n"
);
enc!(
    boolean_false,
    |e, o| e.boolean(o, false),
    *b":0\r\n",
    *b"#f\r\n"
);
enc!(
    big_number,
    |e, o| e.big_number(o, b"-123"),
    *b"$4\r\n-123\r\n",
    *b"(-123\r\n"
);
enc!(
    verbatim,
    |e, o| e.verbatim(o, *b"txt", b"This is a verbatim\nstring"),
    *b"$25\r\nThis is a verbatim\nstring\r\n",
    *b"=29\r\ntxt:This is a verbatim\nstring\r\n"
);

#[test]
fn resp3_only_types_are_refused_on_resp2() {
    let mut out = Vec::new();
    assert_eq!(R2.push_len(&mut out, 2), Err(EncodeError::NotInResp2));
    assert_eq!(R2.attribute_len(&mut out, 1), Err(EncodeError::NotInResp2));
    assert_eq!(
        R2.blob_error(&mut out, b"ERR x"),
        Err(EncodeError::NotInResp2)
    );
    assert!(out.is_empty());
    R3.push_len(&mut out, 2).unwrap();
    R3.blob_error(&mut out, b"SYNTAX x").unwrap();
    assert_eq!(out, b">2\r\n!8\r\nSYNTAX x\r\n");
}

#[test]
fn simple_strings_with_newlines_are_refused() {
    let mut out = Vec::new();
    assert_eq!(
        R3.simple_string(&mut out, b"a\r\nb"),
        Err(EncodeError::InvalidSimpleString)
    );
    assert_eq!(
        R3.simple_error(&mut out, b"ERR\n"),
        Err(EncodeError::InvalidSimpleString)
    );
    assert_eq!(
        R3.big_number(&mut out, b"1.5"),
        Err(EncodeError::InvalidValue)
    );
}

#[test]
fn debug_protocol_map_matches_valkey_in_both_protocols() {
    // DEBUG PROTOCOL map: {0: false, 1: true, 2: false}.
    let write = |enc: Encoder| {
        let mut out = Vec::new();
        enc.map_len(&mut out, 3).unwrap();
        for i in 0..3 {
            enc.integer(&mut out, i).unwrap();
            enc.boolean(&mut out, i == 1).unwrap();
        }
        out
    };
    assert_eq!(write(R3), b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
    assert_eq!(write(R2), b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
}

fn frame(input: &[u8]) -> Frame<'_> {
    match decode(input).unwrap() {
        Status::Complete((f, used)) => {
            assert_eq!(used, input.len());
            f
        }
        Status::Partial => panic!("partial"),
    }
}

#[test]
fn frames_reencode_byte_exact_in_resp3() {
    let inputs: [&[u8]; 8] = [
        b"*3\r\n$3\r\nSET\r\n:1\r\n_\r\n",
        b"%1\r\n+k\r\n~2\r\n#t\r\n,1.5\r\n",
        b">2\r\n$10\r\ninvalidate\r\n_\r\n",
        b"$?\r\n;2\r\nab\r\n;1\r\nc\r\n;0\r\n",
        b"*?\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n.\r\n",
        b"=8\r\nmkd:# hi\r\n",
        b"!5\r\nERR x\r\n",
        b"(123\r\n",
    ];
    for input in inputs {
        let f = frame(input);
        assert_eq!(f.to_vec(Protocol::Resp3).unwrap(), input);
        assert_eq!(f.encoded_len(Protocol::Resp3), Ok(input.len()));
    }
}

#[test]
fn frames_downgrade_to_resp2() {
    let cases: [(&[u8], &[u8]); 7] = [
        (b"%1\r\n+k\r\n,1.5\r\n", b"*2\r\n+k\r\n$3\r\n1.5\r\n"),
        (b"~2\r\n#t\r\n#f\r\n", b"*2\r\n:1\r\n:0\r\n"),
        (b"_\r\n", b"$-1\r\n"),
        (b"(123\r\n", b"$3\r\n123\r\n"),
        (b"=9\r\ntxt:hello\r\n", b"$5\r\nhello\r\n"),
        (b"$?\r\n;2\r\nab\r\n;1\r\nc\r\n;0\r\n", b"$3\r\nabc\r\n"),
        (b"%?\r\n+a\r\n:1\r\n.\r\n", b"*2\r\n+a\r\n:1\r\n"),
    ];
    for (input, resp2) in cases {
        let f = frame(input);
        assert_eq!(f.to_vec(Protocol::Resp2).unwrap(), resp2);
        assert_eq!(OwnedFrame::from(&f).to_vec(Protocol::Resp2).unwrap(), resp2);
    }
    for resp3_only in [
        &b">1\r\n:1\r\n"[..],
        b"|1\r\n+a\r\n+b\r\n",
        b"*1\r\n!1\r\nx\r\n",
    ] {
        assert_eq!(
            frame(resp3_only).to_vec(Protocol::Resp2),
            Err(EncodeError::NotInResp2)
        );
    }
}

#[test]
fn slice_encoding_reports_short_buffers_and_never_panics() {
    let f = frame(b"*2\r\n$5\r\nhello\r\n,3.25\r\n");
    let need = f.encoded_len(Protocol::Resp3).unwrap();
    let mut buf = vec![0u8; need];
    for short in 0..need {
        assert_eq!(
            f.encode(Protocol::Resp3, &mut buf[..short]),
            Err(EncodeError::BufferTooSmall)
        );
    }
    assert_eq!(f.encode(Protocol::Resp3, &mut buf), Ok(need));
    let mut mem = [0u8; 3];
    let mut sink = SliceSink::new(&mut mem);
    assert_eq!(
        R3.integer(&mut sink, 12345),
        Err(EncodeError::BufferTooSmall)
    );
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_frames_share_the_input_buffer() {
    use bytes::Bytes;
    use resp_codec::{BytesFrame, decode_bytes};
    let buf = Bytes::from_static(b"*2\r\n$3\r\nabc\r\n+ok\r\n");
    let Status::Complete((BytesFrame::Array(items), _)) = decode_bytes(&buf).unwrap() else {
        panic!()
    };
    let BytesFrame::BulkString(s) = &items[0] else {
        panic!()
    };
    assert_eq!(s.as_ptr(), buf[8..].as_ptr());
    let mut out = bytes::BytesMut::new();
    BytesFrame::Array(items.clone())
        .encode_to(Protocol::Resp3, &mut out)
        .unwrap();
    assert_eq!(&out[..], &buf[..]);
}

#[cfg(feature = "serde")]
#[test]
fn owned_frames_serialize_and_come_back() {
    let f = OwnedFrame::from(&frame(b"%1\r\n+k\r\n*2\r\n,1.5\r\n_\r\n"));
    let json = serde_json::to_string(&f).unwrap();
    let back: OwnedFrame = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
}
