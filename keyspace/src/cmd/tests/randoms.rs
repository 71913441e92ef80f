//! Random picks are uniform over the members: a chi-square test over 20 members, for every
//! random-pick command and count form, on small (listpack/intset) and large (hashtable,
//! skiplist) encodings. The keyspace's generator has a fixed seed, so each test is
//! deterministic; a pick biased towards some members (such as "the first member at or after a
//! random hash", where a member's chance is the gap before it) gives a statistic in the
//! thousands, far above the bound.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::T;
use crate::keyspace::Config;
use crate::reply::Item;

const MEMBERS: usize = 20;
/// Members picked per form: 1,000 per member expected.
const PICKS: usize = 20_000;
/// The chi-square distribution's 0.1% critical value at 19 degrees of freedom.
const CRITICAL: f64 = 43.82;

fn names() -> Vec<String> {
    (0..MEMBERS).map(|i| format!("member-{i:02}")).collect()
}

/// Small encodings (the defaults) or large ones (hashtable, skiplist) for 20 members.
fn keyspace(large: bool) -> T {
    let config = if large {
        Config::default()
            .set_max(512, 4, 64)
            .hash_max_listpack(4, 64)
            .zset_max_listpack(4, 64)
    } else {
        Config::default()
    };
    let mut t = T::with(config);
    for (i, m) in names().iter().enumerate() {
        let score = format!("{i}");
        t.run(&["SADD", "s", m]);
        t.run(&["HSET", "h", m, "v"]);
        t.run(&["ZADD", "z", &score, m]);
    }
    let want = if large {
        ["hashtable", "hashtable", "skiplist"]
    } else {
        ["listpack", "listpack", "listpack"]
    };
    for (key, enc) in ["s", "h", "z"].into_iter().zip(want) {
        assert_eq!(
            t.run(&["OBJECT", "ENCODING", key]),
            [Item::Bulk(enc.into())]
        );
    }
    t
}

/// The members named in a reply (a bulk, or an array or set of bulks).
fn picked(reply: &[Item]) -> Vec<String> {
    reply
        .iter()
        .filter_map(|i| match i {
            Item::Bulk(b) => Some(String::from_utf8(b.clone()).expect("utf8 member")),
            _ => None,
        })
        .collect()
}

/// Runs `args` until `PICKS` members are picked (each reply checked by `check`); the
/// chi-square statistic of the counts against a uniform pick.
fn chi_square(t: &mut T, args: &[&str], mut check: impl FnMut(&mut T, &[String])) -> f64 {
    let mut counts: BTreeMap<String, usize> = names().into_iter().map(|m| (m, 0)).collect();
    let mut total = 0;
    while total < PICKS {
        let got = picked(&t.run(args));
        assert!(!got.is_empty(), "{args:?} picked nothing");
        check(t, &got);
        for m in &got {
            *counts.get_mut(m).expect("a member") += 1;
        }
        total += got.len();
    }
    let expected = total as f64 / MEMBERS as f64;
    counts
        .values()
        .map(|&c| (c as f64 - expected) * (c as f64 - expected) / expected)
        .sum()
}

fn assert_uniform(t: &mut T, args: &[&str], want: usize, distinct: bool) {
    let stat = chi_square(t, args, |_, got| {
        assert_eq!(got.len(), want, "{args:?}");
        if distinct {
            let mut d = got.to_vec();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), want, "{args:?} repeated a member: {got:?}");
        }
    });
    assert!(stat < CRITICAL, "{args:?}: chi-square {stat:.1}");
}

#[test]
fn single_picks_and_counts_are_uniform_on_small_and_large_encodings() {
    for large in [false, true] {
        let mut t = keyspace(large);
        for (cmd, key) in [
            ("SRANDMEMBER", "s"),
            ("HRANDFIELD", "h"),
            ("ZRANDMEMBER", "z"),
        ] {
            assert_uniform(&mut t, &[cmd, key], 1, true);
            // Negative: with repetitions. Small positive: random picks until distinct
            // (CASE 4). Past a third of the size: all but random removals (CASE 3).
            assert_uniform(&mut t, &[cmd, key, "-7"], 7, false);
            assert_uniform(&mut t, &[cmd, key, "1"], 1, true);
            assert_uniform(&mut t, &[cmd, key, "5"], 5, true);
            assert_uniform(&mut t, &[cmd, key, "13"], 13, true);
        }
    }
}

#[test]
fn spop_picks_are_uniform_one_by_one_and_by_keeping_the_rest() {
    for large in [false, true] {
        let mut t = keyspace(large);
        let put_back = |t: &mut T, got: &[String]| {
            let mut args = alloc::vec!["SADD", "s"];
            args.extend(got.iter().map(String::as_str));
            t.run(&args);
        };
        // One pop; a few popped one by one; most popped by picking the 2 that stay.
        for (args, want) in [
            (&["SPOP", "s"][..], 1),
            (&["SPOP", "s", "3"][..], 3),
            (&["SPOP", "s", "18"][..], 18),
        ] {
            let stat = chi_square(&mut t, args, |t, got| {
                assert_eq!(got.len(), want);
                put_back(t, got);
                assert_eq!(t.run(&["SCARD", "s"]), [Item::Integer(MEMBERS as i64)]);
            });
            assert!(
                stat < CRITICAL,
                "{args:?} large={large}: chi-square {stat:.1}"
            );
        }
    }
}
