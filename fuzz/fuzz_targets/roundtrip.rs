//! Arbitrary frames: encoding then decoding gives the same frame back, in RESP3, and RESP2
//! encoding either succeeds with RESP2 bytes or refuses a RESP3-only type.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use resp_codec::{OwnedFrame as F, Protocol, Status, decode};

#[derive(Arbitrary, Debug)]
enum Node {
    Int(i64),
    Bulk(Vec<u8>),
    Double(f64),
    Bool(bool),
    Null,
    Verbatim([u8; 3], Vec<u8>),
    Array(Vec<Self>),
    Map(Vec<(Self, Self)>),
    Set(Vec<Self>),
    Push(Vec<Self>),
}

fn build(n: Node, depth: usize) -> F {
    let list = |v: Vec<Node>| v.into_iter().map(|n| build(n, depth + 1)).collect();
    match n {
        _ if depth > 32 => F::Null,
        Node::Int(i) => F::Integer(i),
        Node::Bulk(b) => F::BulkString(b),
        Node::Double(d) => F::Double(d),
        Node::Bool(b) => F::Boolean(b),
        Node::Null => F::Null,
        Node::Verbatim(format, text) => F::Verbatim { format, text },
        Node::Array(v) => F::Array(list(v)),
        Node::Set(v) => F::Set(list(v)),
        Node::Push(v) => F::Push(list(v)),
        Node::Map(v) => F::Map(
            v.into_iter()
                .flat_map(|(k, v)| [k, v])
                .map(|n| build(n, depth + 1))
                .collect(),
        ),
    }
}

fuzz_target!(|node: Node| {
    let frame = build(node, 1);
    let bytes = frame.to_vec(Protocol::Resp3).unwrap();
    let Ok(Status::Complete((decoded, used))) = decode(&bytes) else {
        panic!("does not decode")
    };
    assert_eq!((F::from(&decoded), used), (frame.clone(), bytes.len()));
    if let Ok(resp2) = frame.to_vec(Protocol::Resp2) {
        assert!(matches!(decode(&resp2), Ok(Status::Complete((_, n))) if n == resp2.len()));
    }
});
