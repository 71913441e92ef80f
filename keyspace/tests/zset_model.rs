//! Model-based test for sorted sets: random ZADD (NX/XX/GT/LT/CH)/ZREM/ZINCRBY/ZRANK/ZREVRANK/
//! ZRANGE BYSCORE [REV] WITHSCORES/ZPOPMIN/ZPOPMAX/ZREMRANGEBYRANK/ZUNIONSTORE/ZINTERSTORE/
//! ZDIFFSTORE sequences, with SET and DEL
//! over them, against a sorted `Vec` model, compared after every step (replies, change events,
//! every key's type, contents and encoding).

#[path = "support/zset_model.rs"]
mod zset_model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn sorted_sets_agree_with_the_model(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        zset_model::run(&data);
    }
}

#[test]
fn a_hand_written_sequence_agrees() {
    // small limits; zadd a x y; zincrby; zrank; zrange byscore; zpopmin 2; set a; zadd a (wrongtype)
    let seq = [
        0u8, 0, 0, 0, 9, 4, 0, 8, 0, 5, 0, 0, 1, 6, 0, 0, 9, 7, 0, 2, 0, 9, 0x80, 0, 0, 0, 0, 0, 0,
    ];
    zset_model::run(&seq);
}
