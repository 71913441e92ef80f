//! Model-based tests: random operation sequences against the naive model in `naive/mod.rs`,
//! compared after every step; and the "no invalidation is ever lost" property against a ledger.

mod naive;

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tracking_core::{ChangedBy, ClientId, CommandEnd, Message, Tracker};

fn id(n: u64) -> ClientId {
    ClientId::new(n).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The engine and the naive model agree on deliveries, INFO fields, TRACKINGINFO, GETREDIR,
    /// recorded pairs and held messages after every operation.
    #[test]
    fn engine_agrees_with_the_naive_model(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        naive::check_bytes(&bytes);
    }
}

#[derive(Clone, Debug)]
enum Step {
    Read(u64, u8),
    Write(u64, u8),
    Expire(u8),
    Limit(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1..=4u64, 0..12u8).prop_map(|(c, k)| Step::Read(c, k)),
        3 => (1..=4u64, 0..12u8).prop_map(|(c, k)| Step::Write(c, k)),
        1 => (0..12u8).prop_map(Step::Expire),
        1 => (0..8usize).prop_map(Step::Limit),
    ]
}

proptest! {
    /// A key a client recorded and that then changed (or was evicted from the table) yields
    /// exactly one delivery to that client's redirect target — unless NOLOOP and the client
    /// changed it itself. Clients 1 and 2 are plain, 3 is NOLOOP, 4 redirects to 9.
    #[test]
    fn no_invalidation_is_lost(steps in proptest::collection::vec(step(), 0..300)) {
        let mut t = Tracker::new();
        let connected = |c: ClientId| c.get() <= 9;
        t.client_tracking(id(1), &["on"], &connected).unwrap();
        t.client_tracking(id(2), &["on"], &connected).unwrap();
        t.client_tracking(id(3), &["on", "noloop"], &connected).unwrap();
        t.client_tracking(id(4), &["on", "redirect", "9"], &connected).unwrap();
        let target = |c: u64| if c == 4 { 9 } else { c };
        let mut ledger: BTreeSet<(u64, Vec<u8>)> = BTreeSet::new();
        for step in steps {
            let mut owed: BTreeMap<(u64, Vec<u8>), usize> = BTreeMap::new();
            let mut owe = |ledger: &mut BTreeSet<(u64, Vec<u8>)>, key: &[u8], writer: Option<u64>| {
                for c in 1..=4 {
                    if ledger.remove(&(c, key.to_vec())) && !(c == 3 && writer == Some(3)) {
                        *owed.entry((target(c), key.to_vec())).or_default() += 1;
                    }
                }
            };
            match step {
                Step::Read(c, k) => {
                    let key = [b'k', k];
                    t.begin_command(id(c));
                    t.record_read(id(c), &key);
                    t.end_command(id(c), CommandEnd::Other);
                    ledger.insert((c, key.to_vec()));
                }
                Step::Write(c, k) => {
                    let key = [b'k', k];
                    t.begin_command(id(c));
                    t.key_changed(&key, ChangedBy::Client(id(c)));
                    t.end_command(id(c), CommandEnd::Other);
                    owe(&mut ledger, &key, Some(c));
                }
                Step::Expire(k) => {
                    let key = [b'k', k];
                    t.key_changed(&key, ChangedBy::Server);
                    owe(&mut ledger, &key, None);
                }
                Step::Limit(max) => {
                    t.set_max_keys(max);
                    t.enforce_key_limit();
                    let gone: Vec<Vec<u8>> = ledger
                        .iter()
                        .filter(|(c, k)| !t.is_recorded(k, id(*c)))
                        .map(|(_, k)| k.clone())
                        .collect();
                    for key in gone {
                        owe(&mut ledger, &key, None);
                    }
                }
            }
            let mut got: BTreeMap<(u64, Vec<u8>), usize> = BTreeMap::new();
            t.drain(&connected, |d| {
                let Message::Invalidate(keys) = d.message else {
                    panic!("only invalidations here: {d:?}");
                };
                for key in keys {
                    *got.entry((d.to.get(), key.to_vec())).or_default() += 1;
                }
            });
            prop_assert_eq!(got, owed);
            for (c, key) in &ledger {
                prop_assert!(t.is_recorded(key, id(*c)), "({}, {:?}) still owed later", c, key);
            }
        }
    }
}

/// Hand-picked sequences that once went wrong or cover corners the random ones reach rarely.
#[test]
fn model_vectors() {
    use naive::Op;
    let k = |s: &[u8]| naive::KEYS.iter().position(|k| *k == s).unwrap();
    let words = |s: &str| {
        s.split(' ')
            .map(|w| w.as_bytes().to_vec())
            .collect::<Vec<_>>()
    };
    let cases: Vec<Vec<Op>> = vec![
        // BCAST prefix removed and re-added within one iteration.
        vec![
            Op::Tracking(1, words("on bcast prefix a")),
            Op::Change(k(b"ab"), ChangedBy::Server),
            Op::Tracking(1, words("off")),
            Op::Tracking(1, words("on bcast prefix a")),
            Op::Change(k(b"abc"), ChangedBy::Server),
            Op::Sleep,
        ],
        // Redirect broken by QUIT-style closing, then re-enabled.
        vec![
            Op::Tracking(1, words("on redirect 5")),
            Op::Read(1, k(b"a")),
            Op::Closing(5),
            Op::Change(k(b"a"), ChangedBy::Client(id(2))),
            Op::Drain,
            Op::Tracking(1, words("on redirect 6")),
            Op::Read(1, k(b"a")),
            Op::Flush,
            Op::Drain,
        ],
        // One command reading more keys than a lookup group, repeats included, then changes.
        vec![
            Op::Tracking(1, words("on")),
            Op::Tracking(2, words("on optin")),
            Op::ReadMany(
                1,
                vec![1, 2, 3, 1, 4, 5, 0, 2, 3, 4, 1, 5, 0, 0, 2, 2, 1, 3, 5, 4],
            ),
            Op::Caching(2, b"yes"),
            Op::ReadMany(2, vec![5, 5, 2]),
            Op::End(2, CommandEnd::Other),
            Op::ReadMany(2, vec![1]),
            Op::Change(k(b"ba"), ChangedBy::Client(id(3))),
            Op::Change(k(b"a"), ChangedBy::Server),
            Op::Drain,
        ],
        // Held messages of a transaction, a flush inside it, and the limit.
        vec![
            Op::Tracking(1, words("on")),
            Op::Read(1, k(b"a")),
            Op::Read(1, k(b"b")),
            Op::Begin(1),
            Op::Change(k(b"a"), ChangedBy::Client(id(1))),
            Op::SetMax(0),
            Op::Flush,
            Op::End(1, CommandEnd::Other),
        ],
    ];
    for ops in cases {
        naive::check(&ops);
    }
}
