//! Properties: encode/decode round trips, split invariance, and refusal without panics.

use proptest::prelude::*;
use resp_codec::{OwnedFrame, Protocol, RequestParser, Span, Status, decode};

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..24)
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..16,
    )
}

fn scalar() -> impl Strategy<Value = OwnedFrame> {
    prop_oneof![
        line().prop_map(OwnedFrame::SimpleString),
        line().prop_map(OwnedFrame::SimpleError),
        any::<i64>().prop_map(OwnedFrame::Integer),
        bytes().prop_map(OwnedFrame::BulkString),
        Just(OwnedFrame::NullBulk),
        Just(OwnedFrame::NullArray),
        Just(OwnedFrame::Null),
        any::<bool>().prop_map(OwnedFrame::Boolean),
        any::<f64>().prop_map(OwnedFrame::Double),
        ("-?[1-9][0-9]{0,40}").prop_map(|s| OwnedFrame::BigNumber(s.into_bytes())),
        bytes().prop_map(OwnedFrame::BlobError),
        (any::<[u8; 3]>(), bytes())
            .prop_map(|(format, text)| OwnedFrame::Verbatim { format, text }),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 1..8), 0..4)
            .prop_map(OwnedFrame::StreamedString),
    ]
}

/// Any RESP3 value. Inside aggregates an attribute may stand before an item, never alone;
/// maps and attributes get an even number of items.
fn value() -> impl Strategy<Value = OwnedFrame> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        let attrs = prop::collection::vec((inner.clone(), inner.clone()), 0..2)
            .prop_map(|v| OwnedFrame::Attribute(v.into_iter().flat_map(|(k, v)| [k, v]).collect()));
        let item = (prop::option::weighted(0.2, attrs), inner)
            .prop_map(|(attr, value)| attr.into_iter().chain([value]).collect::<Vec<_>>());
        let items = prop::collection::vec(item.clone(), 0..6)
            .prop_map(|v| v.into_iter().flatten().collect::<Vec<_>>());
        let pairs = prop::collection::vec((item.clone(), item), 0..4).prop_map(|v| {
            v.into_iter()
                .flat_map(|(k, v)| k.into_iter().chain(v))
                .collect::<Vec<_>>()
        });
        prop_oneof![
            items.clone().prop_map(OwnedFrame::Array),
            items.clone().prop_map(OwnedFrame::Set),
            items.prop_map(OwnedFrame::Push),
            pairs.prop_map(OwnedFrame::Map),
        ]
    })
}

/// A top-level frame: a value, or an attribute (which is returned as a frame of its own).
fn frame() -> impl Strategy<Value = OwnedFrame> {
    prop_oneof![
        4 => value(),
        1 => prop::collection::vec((value(), value()), 0..3)
            .prop_map(|v| OwnedFrame::Attribute(v.into_iter().flat_map(|(k, v)| [k, v]).collect())),
    ]
}

fn has_resp3_only(f: &OwnedFrame) -> bool {
    match f {
        OwnedFrame::Push(_) | OwnedFrame::Attribute(_) | OwnedFrame::BlobError(_) => true,
        OwnedFrame::Array(v) | OwnedFrame::Set(v) | OwnedFrame::Map(v) => {
            v.iter().any(has_resp3_only)
        }
        _ => false,
    }
}

fn decode_whole(bytes: &[u8]) -> OwnedFrame {
    match decode(bytes).expect("valid") {
        Status::Complete((f, used)) => {
            assert_eq!(used, bytes.len());
            OwnedFrame::from(&f)
        }
        Status::Partial => panic!("partial"),
    }
}

proptest! {
    #[test]
    fn decode_of_encode_is_identity(f in frame()) {
        let bytes = f.to_vec(Protocol::Resp3).unwrap();
        prop_assert_eq!(decode_whole(&bytes), f);
    }

    #[test]
    fn borrowed_frames_reencode_to_the_same_bytes(f in frame()) {
        let bytes = f.to_vec(Protocol::Resp3).unwrap();
        let Status::Complete((borrowed, _)) = decode(&bytes).unwrap() else { unreachable!() };
        prop_assert_eq!(borrowed.encoded_len(Protocol::Resp3).unwrap(), bytes.len());
        prop_assert_eq!(borrowed.to_vec(Protocol::Resp3).unwrap(), bytes);
    }

    #[test]
    fn resp2_encoding_decodes_to_resp2_types_only(f in frame()) {
        let Ok(bytes) = f.to_vec(Protocol::Resp2) else {
            prop_assert!(has_resp3_only(&f));
            return Ok(());
        };
        prop_assert!(!has_resp3_only(&f));
        for &b in bytes.iter().take(1) {
            prop_assert!(b"+-:$*".contains(&b));
        }
        // A RESP2 encoding is a fixed point of the RESP2 encoder.
        let again = decode_whole(&bytes).to_vec(Protocol::Resp2).unwrap();
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn every_split_point_gives_partial_then_the_same_frame(f in frame()) {
        let bytes = f.to_vec(Protocol::Resp3).unwrap();
        for cut in 0..bytes.len() {
            prop_assert_eq!(decode(&bytes[..cut]).unwrap(), Status::Partial);
        }
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        let Status::Complete((first, used)) = decode(&two).unwrap() else { unreachable!() };
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(OwnedFrame::from(&first), f);
    }

    #[test]
    fn arbitrary_input_never_panics_and_consumes_at_most_its_length(input in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(Status::Complete((f, used))) = decode(&input) {
            prop_assert!(used <= input.len());
            let again = f.to_vec(Protocol::Resp3).unwrap();
            let Status::Complete((g, _)) = decode(&again).unwrap() else { unreachable!() };
            prop_assert_eq!(f, g);
        }
        let mut buf = input.clone();
        let mut spans: Vec<Span> = Vec::new();
        if let Ok(Status::Complete(used)) = RequestParser::new().parse(&mut buf, &mut spans) {
            prop_assert!(used <= input.len());
            prop_assert!(spans.iter().all(|s| s.start <= s.end && s.end <= used));
        }
    }

    #[test]
    fn requests_split_anywhere_parse_the_same(args in prop::collection::vec(bytes(), 1..6)) {
        let mut wire = format!("*{}\r\n", args.len()).into_bytes();
        for a in &args {
            wire.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            wire.extend_from_slice(a);
            wire.extend_from_slice(b"\r\n");
        }
        let parser = RequestParser::new();
        let mut spans: Vec<Span> = Vec::new();
        for cut in 0..wire.len() {
            let mut part = wire[..cut].to_vec();
            prop_assert_eq!(parser.parse(&mut part, &mut spans).unwrap(), Status::Partial);
        }
        let mut whole = wire.clone();
        prop_assert_eq!(parser.parse(&mut whole, &mut spans).unwrap(), Status::Complete(wire.len()));
        let got: Vec<Vec<u8>> = spans.iter().map(|s| s.of(&whole).to_vec()).collect();
        prop_assert_eq!(got, args);
    }

    #[test]
    fn inline_quoting_round_trips(args in prop::collection::vec(bytes(), 1..6)) {
        // Quote every argument with \xHH escapes: the parser must give back the exact bytes.
        let mut line = Vec::new();
        for a in &args {
            line.push(b'"');
            for b in a {
                line.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
            line.extend_from_slice(b"\" ");
        }
        line.extend_from_slice(b"\r\n");
        let mut spans: Vec<Span> = Vec::new();
        let used = RequestParser::new().parse(&mut line, &mut spans).unwrap();
        prop_assert_eq!(used, Status::Complete(line.len()));
        let got: Vec<Vec<u8>> = spans.iter().map(|s| s.of(&line).to_vec()).collect();
        prop_assert_eq!(got, args);
    }
}
