//! Spec §2.1–2.4, 2.9, 2.13, 2.14: state, CLIENT TRACKING, what records, what invalidates,
//! BCAST, TRACKINGINFO/GETREDIR, INFO. Upstream test numbers (§5.1) are noted as "(tN)".

mod support;

use support::{Server, id, inv, null, redirected};
use tracking_core::{ChangedBy, Stats, TrackingError};

fn stats(s: &mut Server) -> Stats {
    s.t.stats()
}

fn prefixes(s: &Server, c: u64) -> Vec<String> {
    s.t.tracking_info(id(c))
        .prefixes
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

// ----- §2.1 server state ------------------------------------------------------------------

#[test]
fn keys_are_global_across_databases_so_the_same_name_invalidates() {
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["foo"]); // SELECT 1; GET foo
    s.set(2, &["foo"]); // SELECT 0; SET foo
    assert_eq!(s.drain(), [inv(1, &["foo"])]);
}

#[test]
fn ids_of_departed_clients_stay_in_the_table_and_are_skipped() {
    let mut s = Server::new();
    s.on(1, "on");
    s.on(2, "on");
    s.get(1, &["k"]);
    s.get(2, &["k"]);
    s.quit(1);
    assert!(s.t.is_recorded(b"k", id(1)), "cleaned lazily");
    s.set(3, &["k"]);
    assert_eq!(s.drain(), [inv(2, &["k"])]);
    assert_eq!(stats(&mut s).total_items, 0);
}

// ----- §2.2 CLIENT TRACKING -----------------------------------------------------------------

#[test]
fn on_twice_counts_the_client_once() {
    let mut s = Server::new();
    s.on(1, "on");
    s.on(1, "on noloop");
    assert_eq!(stats(&mut s).tracking_clients, 1);
    s.tracking(1, "off").unwrap();
    assert_eq!(stats(&mut s).tracking_clients, 0);
}

#[test]
fn on_again_replaces_the_redirect_or_clears_it() {
    let mut s = Server::new();
    s.on(1, "on redirect 5");
    s.on(1, "on redirect 6");
    assert_eq!(s.t.getredir(id(1)), 6);
    s.on(1, "on");
    assert_eq!(s.t.getredir(id(1)), 0);
}

#[test]
fn on_again_without_optin_silently_returns_to_default_mode() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.on(1, "on noloop");
    let flags: Vec<_> = s.t.tracking_info(id(1)).flags().collect();
    assert_eq!(flags, ["on", "noloop"]);
    s.get(1, &["k"]);
    assert!(
        s.t.is_recorded(b"k", id(1)),
        "default mode records without CACHING"
    );
}

#[test]
fn adding_prefixes_to_bcast_mode_works_and_never_removes_any() {
    // (t7)
    let mut s = Server::new();
    s.on(1, "on bcast prefix a: prefix b:");
    s.on(1, "on bcast prefix c:");
    assert_eq!(prefixes(&s, 1), ["a:", "b:", "c:"]);
    s.set(2, &["c:1234"]);
    assert_eq!(s.sleep(), [inv(1, &["c:1234"])]);
}

#[test]
fn bcast_without_prefix_registers_the_empty_prefix_that_matches_every_key() {
    // (t4, t5)
    let mut s = Server::new();
    s.on(1, "on bcast redirect 5");
    assert_eq!(prefixes(&s, 1), [""]);
    s.set(2, &["a", "b", "c"]); // MSET a 1 b 2 c 3
    assert_eq!(s.sleep(), [redirected(5, 1, &["a", "b", "c"])]);
    assert_eq!(stats(&mut s).total_prefixes, 1);
}

#[test]
fn bare_bcast_again_keeps_the_single_empty_prefix() {
    let mut s = Server::new();
    s.on(1, "on bcast");
    s.on(1, "on bcast noloop");
    assert_eq!(prefixes(&s, 1), [""]);
}

#[test]
fn off_leaves_every_prefix_and_deletes_prefixes_nobody_has() {
    let mut s = Server::new();
    s.on(1, "on bcast prefix a prefix b");
    s.on(2, "on bcast prefix a");
    assert_eq!(stats(&mut s).total_prefixes, 2);
    s.tracking(1, "off").unwrap();
    assert_eq!(stats(&mut s).total_prefixes, 1);
    s.set(3, &["a1", "b1"]);
    assert_eq!(s.sleep(), [inv(2, &["a1"])]);
}

#[test]
fn off_keeps_read_keys_in_the_table_and_off_twice_is_fine() {
    // (t3)
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a", "b", "c"]);
    s.tracking(1, "off").unwrap();
    s.tracking(1, "off").unwrap();
    assert_eq!(stats(&mut s).total_keys, 3);
    assert_eq!(stats(&mut s).total_items, 3);
    s.set(2, &["a"]);
    assert_eq!(s.drain(), [], "a client with tracking off is not told");
    assert_eq!(stats(&mut s).total_keys, 2);
}

#[test]
fn keys_read_before_off_invalidate_again_after_on() {
    // Valkey looks ids up when a key changes; a client that turned tracking back on is told.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a"]);
    s.tracking(1, "off").unwrap();
    s.on(1, "on");
    s.set(2, &["a"]);
    assert_eq!(s.drain(), [inv(1, &["a"])]);
}

#[test]
fn errors_come_in_valkeys_order() {
    let mut s = Server::new();
    let table: &[(&str, &str, TrackingError)] = &[
        ("", "on prefix a", TrackingError::PrefixWithoutBcast),
        ("on", "on bcast", TrackingError::BcastSwitch),
        ("on bcast", "on", TrackingError::BcastSwitch),
        ("", "on bcast optin", TrackingError::BcastWithOptInOut),
        (
            "",
            "on bcast optout prefix a prefix a",
            TrackingError::BcastWithOptInOut,
        ),
        ("", "on optin optout", TrackingError::OptInAndOptOut),
        ("on optin", "on optout", TrackingError::OptSwitch),
        ("on optout", "on optin", TrackingError::OptSwitch),
        ("on bcast", "on prefix a", TrackingError::PrefixWithoutBcast),
        ("", "on optin prefix a", TrackingError::PrefixWithoutBcast),
    ];
    for (n, (before, call, error)) in table.iter().enumerate() {
        let c = n as u64 % 9 + 1;
        s.tracking(c, "off").unwrap();
        if !before.is_empty() {
            s.on(c, before);
        }
        assert_eq!(
            s.tracking(c, call).as_ref(),
            Err(error),
            "{before} then {call}"
        );
    }
}

#[test]
fn a_refused_call_changes_nothing() {
    let mut s = Server::new();
    s.on(1, "on optin redirect 5");
    assert!(s.tracking(1, "on optout redirect 6 noloop").is_err());
    let info = s.t.tracking_info(id(1));
    assert_eq!(info.flags().collect::<Vec<_>>(), ["on", "optin"]);
    assert_eq!(info.redirect, 5);
    assert!(s.tracking(2, "on bcast optin").is_err());
    assert!(!s.t.is_tracking(id(2)));
}

#[test]
fn bcast_with_prefix_collisions_throw_errors() {
    // (t29)
    let mut s = Server::new();
    let e = s
        .tracking(1, "on bcast prefix FOOBAR prefix FOO")
        .unwrap_err();
    assert_eq!(
        e.text(),
        b"ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap."
    );
    let e = s
        .tracking(1, "on bcast prefix FOO prefix FOOBAR")
        .unwrap_err();
    assert_eq!(
        e.text(),
        b"ERR Prefix 'FOO' overlaps with another provided prefix 'FOOBAR'. Prefixes for a single client must not overlap."
    );
    s.on(1, "on bcast prefix FOO prefix BAR");
    let e = s.tracking(1, "on bcast prefix FO").unwrap_err();
    assert_eq!(
        e.text(),
        b"ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap."
    );
    let e = s.tracking(1, "on bcast prefix BARB").unwrap_err();
    assert_eq!(
        e.text(),
        b"ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single client must not overlap."
    );
    assert_eq!(prefixes(&s, 1), ["BAR", "FOO"]);
}

#[test]
fn an_equal_prefix_overlaps() {
    let mut s = Server::new();
    assert!(matches!(
        s.tracking(1, "on bcast prefix x prefix x"),
        Err(TrackingError::PrefixesOverlap { .. })
    ));
    s.on(1, "on bcast prefix x");
    assert!(matches!(
        s.tracking(1, "on bcast prefix x"),
        Err(TrackingError::PrefixOverlapsExisting { .. })
    ));
}

#[test]
fn an_overlap_after_the_first_prefix_is_refused_without_enabling_anything() {
    // Valkey quirk 1: replies the error *and* +OK, and enables the overlapping prefixes.
    let mut s = Server::new();
    let e = s
        .tracking(1, "on bcast prefix a prefix b prefix bc")
        .unwrap_err();
    assert_eq!(
        e,
        TrackingError::PrefixesOverlap {
            first: (*b"b").into(),
            second: (*b"bc").into()
        }
    );
    assert!(!s.t.is_tracking(id(1)));
    assert_eq!(stats(&mut s).total_prefixes, 0);
}

#[test]
fn a_bare_bcast_beside_existing_prefixes_is_refused_so_no_key_is_announced_twice() {
    // Valkey quirk 2: adds "" beside "a", and every a-key is announced twice.
    let mut s = Server::new();
    s.on(1, "on bcast prefix a");
    assert_eq!(
        s.tracking(1, "on bcast"),
        Err(TrackingError::PrefixOverlapsExisting {
            new: (*b"").into(),
            existing: (*b"a").into()
        })
    );
    s.set(2, &["a:5"]);
    assert_eq!(s.sleep(), [inv(1, &["a:5"])]);
}

#[test]
fn the_caching_bit_survives_on_as_in_valkey() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.on(1, "on");
    s.on(1, "on optout");
    // OPTOUT with the bit still set: the next command does not record.
    assert_eq!(
        s.t.tracking_info(id(1)).flags().collect::<Vec<_>>(),
        ["on", "optout", "caching-no"]
    );
    s.get(1, &["k"]);
    assert!(!s.t.is_recorded(b"k", id(1)));
    s.get(1, &["k"]);
    assert!(s.t.is_recorded(b"k", id(1)));
}

// ----- §2.3 which reads record ------------------------------------------------------------

#[test]
fn each_pair_is_recorded_once_even_for_missing_keys() {
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["missing", "missing"]);
    s.get(1, &["missing"]);
    assert_eq!(stats(&mut s).total_items, 1);
    assert_eq!(s.t.readers_of(b"missing"), 1);
}

#[test]
fn every_key_of_a_multi_key_read_is_recorded() {
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a", "b", "c"]); // MGET a b c
    assert_eq!(stats(&mut s).total_keys, 3);
}

#[test]
fn bcast_clients_and_clients_without_tracking_record_nothing() {
    let mut s = Server::new();
    s.on(1, "on bcast");
    s.get(1, &["k"]);
    s.get(2, &["k"]);
    assert_eq!(stats(&mut s).total_keys, 0);
}

// ----- §2.4 what invalidates ----------------------------------------------------------------

#[test]
fn a_change_tells_every_reader_once_then_forgets_the_key() {
    // (t2, t22)
    let mut s = Server::new();
    s.on(1, "on");
    s.on(2, "on redirect 5");
    s.get(1, &["k"]);
    s.get(2, &["k"]);
    s.set(3, &["k"]);
    let mut sent = s.drain();
    sent.sort();
    assert_eq!(sent, [inv(1, &["k"]), redirected(5, 2, &["k"])]);
    s.set(3, &["k"]);
    assert_eq!(s.drain(), [], "the entry is gone until read again");
    assert_eq!(stats(&mut s).total_items, 0);
}

#[test]
fn a_change_to_a_key_nobody_read_sends_nothing() {
    // (t2: INCR of a key never read)
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["read"]);
    s.set(2, &["unread"]);
    assert_eq!(s.drain(), []);
}

#[test]
fn the_entry_is_deleted_even_when_nobody_is_told() {
    let mut s = Server::new();
    s.on(1, "on noloop");
    s.get(1, &["k"]);
    s.set(1, &["k"]);
    assert_eq!(s.drain(), []);
    assert_eq!(stats(&mut s).total_keys, 0);
}

#[test]
fn rename_invalidates_both_names() {
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["src", "dst"]);
    s.set(2, &["src", "dst"]); // RENAME src dst
    assert_eq!(s.drain(), [inv(1, &["src"]), inv(1, &["dst"])]);
}

#[test]
fn no_invalidation_for_pre_bcast_keys_after_switching_to_bcast() {
    // (t28) quirk 3 is deliberate: only the BCAST message arrives.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["k"]);
    s.tracking(1, "off").unwrap();
    s.on(1, "on bcast");
    s.set(2, &["k"]);
    assert_eq!(s.drain(), []);
    assert_eq!(s.sleep(), [inv(1, &["k"])]);
}

#[test]
fn a_flush_sends_a_null_to_every_tracking_client_and_empties_the_table() {
    // (t36, t37, t38)
    let mut s = Server::new();
    s.on(1, "on");
    s.on(2, "on bcast noloop");
    s.on(3, "on redirect 5");
    s.get(1, &["a"]);
    s.get(3, &["b"]);
    assert_eq!(stats(&mut s).total_keys, 2);
    s.t.begin_command(id(4));
    drop(s.t.flush());
    s.t.end_command(id(4), tracking_core::CommandEnd::Other);
    assert_eq!(stats(&mut s).total_keys, 0);
    assert_eq!(stats(&mut s).total_items, 0);
    let mut null3 = null(5);
    null3.from = 3;
    null3.redirected = true;
    assert_eq!(s.drain(), [null(1), null(2), null3]);
    s.set(4, &["a"]);
    assert_eq!(s.drain(), []);
}

#[test]
fn a_flush_reaches_the_flushing_noloop_client_too() {
    let mut s = Server::new();
    s.on(1, "on noloop");
    s.t.begin_command(id(1));
    drop(s.t.flush());
    s.t.end_command(id(1), tracking_core::CommandEnd::Other);
    assert_eq!(s.drain(), [support::after_reply(null(1))]);
}

#[test]
fn swapdb_is_not_a_change_so_the_caller_sends_nothing() {
    // The engine only hears about modifications; a key changed through a script of another
    // client still invalidates.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["k"]);
    s.t.key_changed(b"k", ChangedBy::Script(id(2)));
    assert_eq!(s.drain(), [inv(1, &["k"])]);
}

// ----- §2.9 BCAST ---------------------------------------------------------------------------

#[test]
fn bcast_sends_one_message_per_prefix_and_skips_unmatched_keys() {
    // (t6) MULTI; INCR a:1; INCR a:2; INCR b:1; INCR c:1; EXEC
    let mut s = Server::new();
    s.on(1, "on bcast prefix a: prefix b: redirect 5");
    s.set(2, &["a:2", "b:1", "c:1", "a:1"]);
    assert_eq!(
        s.sleep(),
        [
            redirected(5, 1, &["a:1", "a:2"]),
            redirected(5, 1, &["b:1"])
        ]
    );
}

#[test]
fn bcast_batches_per_iteration_with_each_key_once_in_byte_order() {
    let mut s = Server::new();
    s.on(1, "on bcast");
    s.set(2, &["b", "a", "b", "B"]);
    s.set(3, &["a"]);
    assert_eq!(s.drain(), [], "nothing before the iteration ends");
    assert_eq!(s.sleep(), [inv(1, &["B", "a", "b"])]);
    s.set(2, &["c"]);
    assert_eq!(
        s.sleep(),
        [inv(1, &["c"])],
        "a new iteration, a new message"
    );
    assert_eq!(s.sleep(), []);
}

#[test]
fn bcast_keeps_no_per_key_state_and_counts_distinct_prefixes() {
    let mut s = Server::new();
    s.on(1, "on bcast prefix a prefix b");
    s.on(2, "on bcast prefix a");
    s.on(3, "on bcast");
    s.set(4, &["a1", "b1", "z"]);
    assert_eq!(stats(&mut s).total_keys, 0);
    assert_eq!(stats(&mut s).total_prefixes, 3, "a, b and the empty prefix");
    let mut sent = s.sleep();
    sent.sort();
    assert_eq!(
        sent,
        [
            inv(1, &["a1"]),
            inv(1, &["b1"]),
            inv(2, &["a1"]),
            inv(3, &["a1", "b1", "z"])
        ]
    );
}

#[test]
fn keys_changed_before_any_prefix_existed_are_not_announced() {
    let mut s = Server::new();
    s.set(2, &["a"]);
    s.on(1, "on bcast");
    s.set(2, &["b"]);
    assert_eq!(s.sleep(), [inv(1, &["b"])]);
}

#[test]
fn a_client_leaving_mid_iteration_gets_nothing_and_others_still_do() {
    let mut s = Server::new();
    s.on(1, "on bcast");
    s.on(2, "on bcast");
    s.set(3, &["k"]);
    s.quit(1);
    assert_eq!(s.sleep(), [inv(2, &["k"])]);
}

// ----- §2.13 GETREDIR and TRACKINGINFO -------------------------------------------------------

#[test]
fn getredir_provides_the_redirect_then_minus_one_then_zero() {
    // (t42, t58)
    let mut s = Server::new();
    assert_eq!(s.t.getredir(id(1)), -1);
    s.on(1, "on redirect 5");
    assert_eq!(s.t.getredir(id(1)), 5);
    s.tracking(1, "off").unwrap();
    assert_eq!(s.t.getredir(id(1)), -1);
    s.on(1, "on");
    assert_eq!(s.t.getredir(id(1)), 0);
}

#[test]
fn trackinginfo_when_off_on_and_with_options() {
    // (t43, t44, t45, t57)
    let mut s = Server::new();
    let info = s.t.tracking_info(id(1));
    assert_eq!(info.flags().collect::<Vec<_>>(), ["off"]);
    assert_eq!((info.redirect, info.prefixes.len()), (-1, 0));
    s.on(1, "on");
    let info = s.t.tracking_info(id(1));
    assert_eq!(info.flags().collect::<Vec<_>>(), ["on"]);
    assert_eq!(info.redirect, 0);
    s.on(1, "on redirect 6 noloop");
    let info = s.t.tracking_info(id(1));
    assert_eq!(info.flags().collect::<Vec<_>>(), ["on", "noloop"]);
    assert_eq!(info.redirect, 6);
    assert_eq!(info.client_list_flags().collect::<String>(), "t");
}

#[test]
fn trackinginfo_in_optin_and_optout_shows_the_caching_bit() {
    // (t46, t47)
    let mut s = Server::new();
    s.on(1, "on optin");
    assert_eq!(
        s.t.tracking_info(id(1)).flags().collect::<Vec<_>>(),
        ["on", "optin"]
    );
    s.caching(1, "yes").unwrap();
    assert_eq!(
        s.t.tracking_info(id(1)).flags().collect::<Vec<_>>(),
        ["on", "optin", "caching-yes"]
    );
    s.on(2, "on optout");
    s.caching(2, "no").unwrap();
    assert_eq!(
        s.t.tracking_info(id(2)).flags().collect::<Vec<_>>(),
        ["on", "optout", "caching-no"]
    );
}

#[test]
fn trackinginfo_in_bcast_mode_lists_prefixes_in_byte_order() {
    // (t48)
    let mut s = Server::new();
    s.on(1, "on bcast prefix foo prefix bar");
    let info = s.t.tracking_info(id(1));
    assert_eq!(info.flags().collect::<Vec<_>>(), ["on", "bcast"]);
    assert_eq!(prefixes(&s, 1), ["bar", "foo"]);
    assert_eq!(info.client_list_flags().collect::<String>(), "tB");
    s.on(2, "on bcast");
    assert_eq!(prefixes(&s, 2), [""]);
}

// ----- §2.14 INFO ---------------------------------------------------------------------------

#[test]
fn tracking_info_is_correct() {
    // (t41): items=2 keys=2 prefixes=1 clients=2
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a", "b"]);
    s.on(2, "on bcast prefix p");
    assert_eq!(
        stats(&mut s),
        Stats {
            tracking_clients: 2,
            total_keys: 2,
            total_items: 2,
            total_prefixes: 1
        }
    );
}

#[test]
fn items_drop_only_when_a_key_entry_goes() {
    // Observed: 6 after one of 3 clients quit, 3 after one key changed.
    let mut s = Server::new();
    for c in 1..=3 {
        s.on(c, "on");
        s.get(c, &["x", "y"]);
    }
    s.quit(3);
    assert_eq!(stats(&mut s).total_items, 6);
    assert_eq!(stats(&mut s).tracking_clients, 2);
    s.set(4, &["x"]);
    assert_eq!(stats(&mut s).total_items, 3);
}
