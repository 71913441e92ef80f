//! Model-based test: random operation sequences with an advancing clock, applied to the keyspace
//! and to a naive `BTreeMap` model, compared after every step (replies, change events, contents).

#[path = "support/model.rs"]
mod model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn keyspace_agrees_with_the_model(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        model::run(&data);
    }
}

#[test]
fn a_hand_written_sequence_with_expiry_rename_and_move_agrees() {
    // set a px 11; advance 39; get a (expired); set b; rename b->c; move c to db 1; active expire
    let seq = [
        0u8, 0, 0x40, 13, 0, 39, 1, 0, 0, 0, 1, 2, 8, 9, 0, 9, 2, 1, 14, 0, 40,
    ];
    model::run(&seq);
}
