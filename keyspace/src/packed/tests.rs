use super::*;
use crate::list::listpack_entry_len;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

fn bytes(p: &Packed) -> Vec<Vec<u8>> {
    p.iter().map(|e| e.to_boxed().into_vec()).collect()
}

#[test]
fn integers_round_trip_through_every_width() {
    let cases: &[(&[u8], usize)] = &[
        (b"0", 2),
        (b"-128", 2),
        (b"127", 2),
        (b"128", 3),
        (b"-32768", 3),
        (b"32768", 4),
        (b"-8388608", 4),
        (b"8388608", 5),
        (b"2147483647", 5),
        (b"-2147483649", 9),
        (b"9223372036854775807", 9),
        (b"-9223372036854775808", 9),
    ];
    for (b, n) in cases {
        let mut p = Packed::new(tag::HASH);
        p.push(&[Put::Bytes(b)]);
        let want = num::canonical_i64(b).unwrap();
        assert_eq!(p.iter().collect::<Vec<_>>(), [Elem::Int(want)]);
        assert_eq!(p.memory(), 2 + n, "{:?}", core::str::from_utf8(b));
    }
}

#[test]
fn non_canonical_digits_stay_bytes() {
    let mut p = Packed::new(tag::HASH);
    p.push(&[
        Put::Bytes(b"007"),
        Put::Bytes(b"-0"),
        Put::Bytes(b"+1"),
        Put::Bytes(b""),
    ]);
    assert_eq!(
        p.iter().collect::<Vec<_>>(),
        [
            Elem::Bytes(b"007"),
            Elem::Bytes(b"-0"),
            Elem::Bytes(b"+1"),
            Elem::Bytes(b"")
        ]
    );
    assert_eq!(p.view().find(Needle::new(b"-0"), 1), Some((1, 1)));
    assert_eq!(p.view().find(Needle::new(b"0"), 1), None);
}

#[test]
fn no_entry_is_longer_than_its_listpack_entry() {
    let long = vec![b'x'; 5000];
    let mid = vec![b'y'; 300];
    let cases: [&[u8]; 9] = [
        b"",
        b"a",
        b"12",
        b"-5000",
        b"70000",
        b"123456789012",
        &mid,
        &long,
        b"abc",
    ];
    for b in cases {
        assert!(
            entry_len(Put::Bytes(b)) <= listpack_entry_len(b),
            "{}",
            b.len()
        );
    }
}

#[test]
fn floats_and_long_strings_keep_their_values_and_the_count_grows_past_127() {
    let mut p = Packed::new(tag::HASH);
    let long = vec![b'z'; 1000];
    for i in 0..200 {
        p.push(&[Put::Float(f64::from(i) + 0.25), Put::Bytes(&long)]);
    }
    assert_eq!(p.len(), 400);
    let got: Vec<Raw<'_>> = p.view().raw().map(|(_, r)| r).collect();
    assert_eq!(got[398], Raw::Float(199.25));
    assert_eq!(got[399], Raw::Bytes(&long));
    p.splice(p.view().offset(2), 396, &[]);
    assert_eq!(p.len(), 4);
    assert_eq!(p.view().get(2).map(Raw::float), Some(199.25));
    p.splice(0, 4, &[]);
    assert!(p.len() == 0 && p.memory() == 1);
}

#[derive(Clone, Debug)]
enum Op {
    Insert(usize, Vec<Vec<u8>>),
    Remove(usize, usize),
    Replace(usize, Vec<u8>),
}

fn entry() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string().into_bytes()),
        (-300i64..300).prop_map(|i| i.to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..8),
        proptest::collection::vec(b'a'..b'c', 180..210),
        Just(b"007".to_vec()),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), proptest::collection::vec(entry(), 0..4))
            .prop_map(|(i, e)| Op::Insert(i, e)),
        (any::<usize>(), 0usize..4).prop_map(|(i, n)| Op::Remove(i, n)),
        (any::<usize>(), entry()).prop_map(|(i, e)| Op::Replace(i, e)),
    ]
}

proptest! {
    /// Random splices against a `Vec<Vec<u8>>`: the same entries in the same order, found
    /// where the model has them, and every entry at most as long as in a listpack.
    #[test]
    fn agrees_with_a_vec_of_byte_strings(ops in proptest::collection::vec(op(), 1..60)) {
        let mut p = Packed::new(tag::HASH);
        let mut model: Vec<Vec<u8>> = Vec::new();
        for op in ops {
            match op {
                Op::Insert(i, es) => {
                    let i = i % (model.len() + 1);
                    let puts: Vec<Put<'_>> = es.iter().map(|e| Put::Bytes(e)).collect();
                    p.splice(p.view().offset(i), 0, &puts);
                    model.splice(i..i, es.iter().cloned());
                }
                Op::Remove(i, n) => {
                    let i = i % (model.len() + 1);
                    let n = n.min(model.len() - i);
                    p.splice(p.view().offset(i), n, &[]);
                    model.drain(i..i + n);
                }
                Op::Replace(i, e) => {
                    if !model.is_empty() {
                        let i = i % model.len();
                        p.splice(p.view().offset(i), 1, &[Put::Bytes(&e)]);
                        model[i] = e;
                    }
                }
            }
            prop_assert_eq!(p.len(), model.len());
            prop_assert_eq!(bytes(&p), model.clone());
            for (i, m) in model.iter().enumerate() {
                let first = model.iter().position(|x| x == m).unwrap();
                prop_assert_eq!(p.view().find(Needle::new(m), 1).map(|(k, _)| k), Some(first));
                prop_assert_eq!(p.view().get(i).map(|r| r.elem().to_boxed().into_vec()), Some(m.clone()));
            }
            let lp: usize = model.iter().map(|m| listpack_entry_len(m)).sum();
            prop_assert!(p.memory() <= lp + 7);
        }
    }
}
