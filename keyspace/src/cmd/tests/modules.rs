//! Module data type values: stored, typed, moved and handed back to the host once their key
//! is gone, whichever way it goes.

use alloc::vec;
use alloc::vec::Vec;

use super::{T, bulk, err, int, ok};
use crate::events::ChangeKind as K;
use crate::object::ModuleValue;
use crate::reply::Item;
use crate::time::Millis;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn value(handle: u64) -> ModuleValue {
    ModuleValue {
        type_name: *b"mytype-01",
        handle,
        bytes: 100,
    }
}

fn put(t: &mut T, key: &str, handle: u64) {
    let now = t.now;
    t.ks.set_module_value(t.db, key.as_bytes(), value(handle), now, &mut t.events);
}

fn dropped(t: &mut T) -> Vec<u64> {
    t.ks.take_dropped_module_values()
        .into_iter()
        .map(|m| m.handle)
        .collect()
}

#[test]
fn a_module_value_has_its_type_name_and_refuses_other_commands() {
    let mut t = T::new();
    put(&mut t, "m", 1);
    assert_eq!(t.events.last().map(|c| c.kind), Some(K::ModuleWrite));
    assert!(!K::ModuleWrite.notifies());
    check!(t, ["TYPE", "m"] => [Item::Simple("mytype-01".into())]);
    check!(t, ["OBJECT", "ENCODING", "m"] => [bulk("raw")]);
    check!(t, ["GET", "m"] => [err(WRONGTYPE)]);
    check!(t, ["LPUSH", "m", "x"] => [err(WRONGTYPE)]);
    check!(t, ["EXISTS", "m"] => [int(1)]);
    check!(t, ["SCAN", "0", "TYPE", "mytype-01"] => [Item::Array(2), bulk("0"), Item::Array(1), bulk("m")]);
    check!(t, ["SCAN", "0", "TYPE", "string"] => [Item::Array(2), bulk("0"), Item::Array(0)]);
    check!(t, ["COPY", "m", "n"] => [err("ERR not supported for this module key")]);
    let now = t.now;
    let m =
        t.ks.module_value(0, b"m", now, &mut t.events)
            .expect("stored");
    assert_eq!(m.handle, 1);
    assert!(t.ks.module_value(0, b"n", now, &mut t.events).is_none());
    assert!(dropped(&mut t).is_empty());
}

#[test]
fn every_way_a_key_goes_hands_its_module_value_back_once() {
    let mut t = T::new();
    put(&mut t, "del", 1);
    put(&mut t, "over", 2);
    put(&mut t, "replaced", 3);
    put(&mut t, "renamed", 4);
    put(&mut t, "ttl", 5);
    check!(t, ["DEL", "del"] => [int(1)]);
    check!(t, ["SET", "over", "string now"] => [ok()]);
    put(&mut t, "replaced", 6);
    assert_eq!(dropped(&mut t), [1, 2, 3]);

    // RENAME and MOVE carry the value; the key it lands on gives its own back.
    check!(t, ["SET", "target", "x"] => [ok()]);
    put(&mut t, "victim", 7);
    check!(t, ["RENAME", "renamed", "victim"] => [ok()]);
    check!(t, ["MOVE", "victim", "3"] => [int(1)]);
    assert_eq!(dropped(&mut t), [7]);
    t.db = 3;
    let now = t.now;
    assert_eq!(
        t.ks.module_value(3, b"victim", now, &mut t.events)
            .map(|m| m.handle),
        Some(4)
    );

    // Expiry, lazy here.
    t.db = 0;
    check!(t, ["PEXPIRE", "ttl", "10"] => [int(1)]);
    t.now = Millis(t.now.0 + 11);
    check!(t, ["EXISTS", "ttl"] => [int(0)]);
    assert_eq!(dropped(&mut t), [5]);

    // A flush hands back every value of the databases it empties.
    check!(t, ["FLUSHALL"] => [ok()]);
    let mut left = dropped(&mut t);
    left.sort_unstable();
    assert_eq!(left, [4, 6]);
    assert_eq!(dropped(&mut t), Vec::<u64>::new());
}
