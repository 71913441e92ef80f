//! Model-based test for lists: random LPUSH/RPUSH/LPOP/RPOP/LRANGE/LINDEX/LSET/LREM/LTRIM/
//! LINSERT/LPOS/LMOVE/LMPOP/SET/DEL sequences against a `VecDeque` model, compared after every
//! step (replies, change events, every key's type and contents).

#[path = "support/list_model.rs"]
mod list_model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn lists_agree_with_the_model(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        list_model::run(&data);
    }
}

#[test]
fn a_hand_written_sequence_with_moves_and_pops_agrees() {
    // fill -2; rpush a x y; lpush b ...; lmove a->b; lmpop; set c; lpush c (wrongtype); del
    let seq = [
        1u8, 0, 0, 0, 0, 1, 1, 0x81, 0, 12, 4, 0, 1, 13, 0, 0x80, 2, 14, 2, 1, 0, 0, 2, 0, 0, 15,
        0, 0, 0,
    ];
    list_model::run(&seq);
}
