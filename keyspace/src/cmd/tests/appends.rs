//! APPEND and SETRANGE grow a string's room as `sdsMakeRoomFor` does, and MEMORY USAGE counts it.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{T, bulk, int, ok};
use crate::reply::Item;

fn usage(t: &mut T, key: &str) -> i64 {
    let Item::Integer(bytes) = t.run(&["MEMORY", "USAGE", key])[0] else {
        panic!("MEMORY USAGE answers an integer")
    };
    bytes
}

#[test]
fn appends_reallocate_only_when_the_doubled_room_runs_out() {
    let mut t = T::new();
    check!(t, ["SET", "k", "ab"] => [ok()]);
    let mut want = String::from("ab");
    let (mut sizes, mut lens) = (Vec::new(), Vec::new());
    for i in 0..200 {
        let piece = if i % 2 == 0 { "xyz" } else { "0" };
        want.push_str(piece);
        check!(t, ["APPEND", "k", piece] => [int(want.len() as i64)]);
        sizes.push(usage(&mut t, "k"));
        lens.push(want.len() as i64);
    }
    check!(t, ["GET", "k"] => [bulk(&want)]);
    check!(t, ["STRLEN", "k"] => [int(want.len() as i64)]);
    check!(t, ["OBJECT", "ENCODING", "k"] => [bulk("raw")]);
    // The size steps only when the room is used up, and each step adds about twice the last
    // (the room doubles with the string): a handful of steps for 200 appends.
    let mut steps: Vec<i64> = sizes.clone();
    steps.dedup();
    assert!(steps.len() <= 8, "{steps:?}");
    let growth: Vec<i64> = steps.windows(2).map(|w| w[1] - w[0]).collect();
    for g in growth.windows(2) {
        assert!(g[1] * 2 >= g[0] * 3, "{steps:?}");
    }
    // The room is counted: the allocation made at the last step holds twice the string's
    // length then.
    let last = *sizes.last().expect("sizes");
    let at = sizes.iter().position(|&s| s == last).expect("present");
    let len_then = lens[at];
    assert!(
        last >= 2 * len_then,
        "{last} bytes for a string grown to {len_then}"
    );
}

#[test]
fn setrange_fills_the_room_in_place_with_zeros_between() {
    let mut t = T::new();
    check!(t, ["SET", "k", "hello"] => [ok()]);
    check!(t, ["APPEND", "k", "!"] => [int(6)]);
    let size = usage(&mut t, "k");
    // Room for 12 bytes: writing past the end within it keeps the allocation.
    check!(t, ["SETRANGE", "k", "8", "ab"] => [int(10)]);
    check!(t, ["GET", "k"] => [Item::Bulk(b"hello!\0\0ab".to_vec())]);
    check!(t, ["SETRANGE", "k", "0", "J"] => [int(10)]);
    check!(t, ["GETRANGE", "k", "0", "5"] => [bulk("Jello!")]);
    assert_eq!(usage(&mut t, "k"), size);
    check!(t, ["SETRANGE", "k", "20", "z"] => [int(21)]);
    check!(t, ["GETRANGE", "k", "9", "-1"] => [Item::Bulk(b"b\0\0\0\0\0\0\0\0\0\0z".to_vec())]);
    assert!(usage(&mut t, "k") > size);
    // A plain SET drops the room again.
    check!(t, ["SET", "k", "hello!"] => [ok()]);
    assert!(usage(&mut t, "k") < size);
    check!(t, ["OBJECT", "ENCODING", "k"] => [bulk("embstr")]);
    // RENAME, COPY, EXPIRE keep the value.
    check!(t, ["APPEND", "k", "??"] => [int(8)]);
    check!(t, ["EXPIRE", "k", "100"] => [int(1)]);
    check!(t, ["RENAME", "k", "m"] => [ok()]);
    check!(t, ["COPY", "m", "c"] => [int(1)]);
    check!(t, ["GET", "m"] => [bulk("hello!??")]);
    check!(t, ["GET", "c"] => [bulk("hello!??")]);
    check!(t, ["APPEND", "m", "."] => [int(9)]);
    check!(t, ["TYPE", "m"] => [Item::Simple("string".into())]);
}
