//! Model-based test for hashes and sets: random HSET/HSETNX/HDEL/HINCRBY/HGET/HMGET/HSTRLEN and
//! SADD/SREM/SISMEMBER/SCARD/SMOVE/SPOP/SINTER/SUNION/SDIFF and their STORE forms, with SET and
//! DEL over them, against `BTreeMap`/`BTreeSet` models, compared after every step (replies, change
//! events, every key's type, contents and encoding).

#[path = "support/hash_set_model.rs"]
mod hash_set_model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn hashes_and_sets_agree_with_the_model(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        hash_set_model::run(&data);
    }
}

#[test]
fn a_hand_written_sequence_agrees() {
    // small limits; hset a; sadd b (ints then a string); smove b->c; sinterstore; spop; set a.
    let seq = [
        0u8, 0, 0, 2, 3, 0, 1, 0, 1, 1, 0, 2, 4, 0, 1, 0, 0, 4, 1, 0, 0, 5, 1, 2, 0, 7, 2, 0, 0, 1,
        0xF0, 0, 0,
    ];
    hash_set_model::run(&seq);
}
