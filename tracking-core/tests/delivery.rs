//! Spec §2.5–2.7, 2.10–2.12: who receives, when, NOLOOP, redirects and
//! `tracking-redir-broken`, tracking-table-max-keys, transactions and scripts.
//! Upstream test numbers (§5.1) are noted as "(tN)".

mod support;

use support::{Msg, Sent, Server, after_reply, id, inv, null, redirected};
use tracking_core::{ChangedBy, CommandEnd};

fn broken(to: u64, redirect: u64) -> Sent {
    Sent {
        msg: Msg::Broken(redirect),
        ..inv(to, &[])
    }
}

// ----- §2.5 who receives --------------------------------------------------------------------

#[test]
fn clients_are_able_to_enable_tracking_and_redirect_it() {
    // (t1, t2)
    let mut s = Server::new();
    s.on(1, "on redirect 5");
    s.get(1, &["k"]);
    s.set(2, &["k"]);
    assert_eq!(s.drain(), [redirected(5, 1, &["k"])]);
}

#[test]
fn different_clients_can_redirect_to_the_same_connection() {
    // (t21)
    let mut s = Server::new();
    s.on(1, "on redirect 5");
    s.on(2, "on redirect 5");
    s.get(1, &["k"]);
    s.get(2, &["k"]);
    s.set(3, &["k"]);
    let mut sent = s.drain();
    sent.sort();
    assert_eq!(sent, [redirected(5, 1, &["k"]), redirected(5, 2, &["k"])]);
}

#[test]
fn a_redirect_to_oneself_counts_as_a_redirect() {
    let mut s = Server::new();
    s.on(1, "on redirect 1");
    s.get(1, &["k"]);
    s.set(2, &["k"]);
    assert_eq!(s.drain(), [redirected(1, 1, &["k"])]);
}

#[test]
fn without_redirect_the_client_itself_receives_unredirected() {
    // (t14) A RESP2 client's server drops it; the key is still forgotten.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["key1"]);
    s.set(2, &["key1"]);
    let sent = s.drain();
    assert_eq!(sent, [inv(1, &["key1"])]);
    assert!(!sent[0].redirected);
}

// ----- §2.6 timing --------------------------------------------------------------------------

#[test]
fn own_invalidation_is_held_until_the_command_ends() {
    // (t30) HDEL: the reply (1) comes before the push.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["myhash"]);
    s.t.begin_command(id(1));
    s.t.key_changed(b"myhash", ChangedBy::Client(id(1)));
    assert_eq!(s.drain(), [], "held while the command runs");
    assert_eq!(s.t.held_deliveries(), 1);
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain(), [after_reply(inv(1, &["myhash"]))]);
}

#[test]
fn others_are_told_at_once_while_the_writer_is_held() {
    let mut s = Server::new();
    s.on(1, "on");
    s.on(2, "on");
    s.get(1, &["k"]);
    s.get(2, &["k"]);
    s.t.begin_command(id(2));
    s.t.key_changed(b"k", ChangedBy::Client(id(2)));
    assert_eq!(s.drain(), [inv(1, &["k"])]);
    s.t.end_command(id(2), CommandEnd::Other);
    assert_eq!(s.drain(), [after_reply(inv(2, &["k"]))]);
}

#[test]
fn own_invalidations_in_a_transaction_come_after_exec() {
    // (t32) MULTI; INCR a; INCR b; EXEC
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a", "b"]);
    s.t.end_command(id(1), CommandEnd::Queued); // MULTI
    s.t.end_command(id(1), CommandEnd::Queued); // INCR a: QUEUED
    s.t.end_command(id(1), CommandEnd::Queued); // INCR b: QUEUED
    s.t.begin_command(id(1)); // EXEC
    s.t.key_changed(b"a", ChangedBy::Client(id(1)));
    assert_eq!(s.drain(), []);
    s.t.key_changed(b"b", ChangedBy::Client(id(1)));
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(
        s.drain(),
        [after_reply(inv(1, &["a"])), after_reply(inv(1, &["b"]))]
    );
}

#[test]
fn a_flush_in_a_transaction_comes_after_exec() {
    // (t39)
    let mut s = Server::new();
    s.on(1, "on");
    s.on(2, "on");
    s.t.begin_command(id(1));
    drop(s.t.flush());
    assert_eq!(s.drain(), [null(2)]);
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain(), [after_reply(null(1))]);
}

#[test]
fn a_lazy_expiry_during_a_multi_key_read_comes_after_the_reply() {
    // (t31)
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["x", "y"]);
    s.t.begin_command(id(1)); // MGET x y, and y has expired
    s.t.key_changed(b"y", ChangedBy::Server);
    s.t.record_reads(id(1), [&b"x"[..], b"y"]);
    assert_eq!(s.drain(), []);
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain(), [after_reply(inv(1, &["y"]))]);
    assert!(s.t.is_recorded(b"y", id(1)), "the read records y again");
}

#[test]
fn eviction_invalidations_before_a_command_go_out_before_its_reply() {
    // (t33, t50 / redis #11715): the limit is enforced before the command starts, so nothing is
    // held, even for a client that is about to run (or only queue) a command.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a", "b"]);
    s.t.set_max_keys(1);
    assert_eq!(s.t.enforce_key_limit(), 1);
    let sent = s.drain();
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].after_reply);
    s.t.end_command(id(1), CommandEnd::Queued); // GET c → QUEUED
    assert_eq!(s.t.held_deliveries(), 0);
}

#[test]
fn unblocked_command_gets_its_notification_after_its_response() {
    // (t34) BLMOVE blocks, is unblocked and re-run: its write to the destination is its own.
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["dst"]);
    s.t.begin_command(id(1));
    s.t.end_command(id(1), CommandEnd::Other); // blocked: no reply yet, nothing changed
    s.set(2, &["src"]); // LPUSH src: unblocks 1
    s.t.begin_command(id(1));
    s.t.key_changed(b"dst", ChangedBy::Client(id(1)));
    assert_eq!(s.drain(), []);
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain(), [after_reply(inv(1, &["dst"]))]);
}

#[test]
fn a_client_leaving_mid_command_loses_its_held_messages() {
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["k"]);
    s.t.begin_command(id(1));
    s.t.key_changed(b"k", ChangedBy::Client(id(1)));
    s.quit(1);
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain(), []);
}

// ----- §2.7 NOLOOP --------------------------------------------------------------------------

#[test]
fn noloop_in_standard_mode_skips_own_writes_and_forgets_the_key() {
    // (t8)
    let mut s = Server::new();
    s.on(1, "on noloop");
    s.get(1, &["own", "other"]);
    s.set(1, &["own"]);
    s.set(2, &["other"]);
    assert_eq!(s.drain(), [inv(1, &["other"])]);
    s.set(2, &["own"]);
    assert_eq!(
        s.drain(),
        [],
        "after an own write the key is no longer tracked"
    );
}

#[test]
fn noloop_in_standard_mode_covers_own_scripts() {
    // (t18)
    let mut s = Server::new();
    s.on(1, "on noloop");
    s.get(1, &["k"]);
    s.t.key_changed(b"k", ChangedBy::Script(id(1)));
    assert_eq!(s.drain(), []);
}

#[test]
fn noloop_in_bcast_mode_leaves_out_own_keys_and_sends_nothing_if_none_remain() {
    // (t9)
    let mut s = Server::new();
    s.on(1, "on bcast noloop");
    s.set(1, &["mine"]);
    assert_eq!(s.sleep(), []);
    s.set(1, &["mine"]);
    s.set(2, &["theirs"]);
    assert_eq!(s.sleep(), [inv(1, &["theirs"])]);
}

#[test]
fn noloop_in_bcast_mode_is_judged_by_the_last_modifier() {
    let mut s = Server::new();
    s.on(1, "on bcast noloop");
    s.on(3, "on bcast");
    s.set(2, &["a", "b"]);
    s.set(1, &["a"]); // 1 changed a last
    s.set(1, &["b"]);
    s.set(2, &["b"]); // 2 changed b last
    assert_eq!(s.sleep(), [inv(1, &["b"]), inv(3, &["a", "b"])]);
}

#[test]
fn bcast_noloop_hears_its_own_scripts_writes() {
    let mut s = Server::new();
    s.on(1, "on bcast noloop");
    s.t.key_changed(b"k", ChangedBy::Script(id(1)));
    assert_eq!(s.sleep(), [inv(1, &["k"])]);
}

#[test]
fn tracking_gets_notification_of_expired_keys_despite_noloop() {
    // (t10, t11): active expiry, and a lazy expiry inside the client's own MULTI.
    let mut s = Server::new();
    s.on(1, "on bcast noloop");
    s.set(1, &["mykey", "otherkey"]);
    assert_eq!(s.sleep(), []);
    s.expire("mykey");
    assert_eq!(s.sleep(), [inv(1, &["mykey"])]);
    s.t.begin_command(id(1));
    s.t.key_changed(b"lazy", ChangedBy::Client(id(1))); // SET lazy PX 1
    s.t.key_changed(b"lazy", ChangedBy::Server); // GET lazy after it expired
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.sleep(), [inv(1, &["lazy"])]);
}

#[test]
fn expiry_and_eviction_reach_a_default_mode_noloop_client() {
    let mut s = Server::new();
    s.on(1, "on noloop");
    s.get(1, &["k"]);
    s.t.begin_command(id(1));
    s.t.key_changed(b"k", ChangedBy::Server); // evicted while 1's own command runs
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain(), [after_reply(inv(1, &["k"]))]);
}

// ----- §2.10 redirect and tracking-redir-broken ----------------------------------------------

#[test]
fn a_gone_redirect_target_yields_redir_broken_on_every_attempt() {
    // (t20, t49, t54)
    let mut s = Server::new();
    s.on(1, "on redirect 5");
    s.get(1, &["a", "b"]);
    s.quit(5);
    assert!(
        !s.t.tracking_info(id(1)).broken_redirect,
        "detection is lazy"
    );
    s.set(2, &["a"]);
    assert_eq!(s.drain(), [broken(1, 5)]);
    let info = s.t.tracking_info(id(1));
    assert_eq!(info.flags().collect::<Vec<_>>(), ["on", "broken_redirect"]);
    assert_eq!(info.redirect, 5, "the old id is still shown");
    assert_eq!(info.client_list_flags().collect::<String>(), "tR");
    s.set(2, &["a"]);
    assert_eq!(
        s.drain(),
        [],
        "the entry was removed: one tracked key, one notice"
    );
    s.set(2, &["b"]);
    drop(s.t.flush());
    assert_eq!(s.drain(), [broken(1, 5), broken(1, 5)]);
    assert_eq!(s.t.getredir(id(1)), 5);
}

#[test]
fn a_gone_redirect_target_of_a_bcast_client_yields_one_notice_per_batch() {
    let mut s = Server::new();
    s.on(1, "on bcast prefix a prefix b redirect 5");
    s.quit(5);
    s.set(2, &["a1", "a2", "b1"]);
    assert_eq!(s.sleep(), [broken(1, 5), broken(1, 5)]);
}

#[test]
fn a_closing_redirect_target_counts_as_broken() {
    // Valkey PR #1823: QUIT is close-after-reply; the target still exists.
    let mut s = Server::new();
    s.on(1, "on redirect 5");
    s.get(1, &["k"]);
    s.conns.closing.insert(5);
    s.set(2, &["k"]);
    assert_eq!(s.drain(), [broken(1, 5)]);
}

#[test]
fn re_enabling_tracking_clears_the_broken_flag() {
    let mut s = Server::new();
    s.on(1, "on redirect 5");
    s.get(1, &["k"]);
    s.quit(5);
    s.set(2, &["k"]);
    s.drain();
    assert!(s.t.tracking_info(id(1)).broken_redirect);
    s.on(1, "on redirect 6");
    assert!(!s.t.tracking_info(id(1)).broken_redirect);
    s.get(1, &["k"]);
    s.set(2, &["k"]);
    assert_eq!(s.drain(), [redirected(6, 1, &["k"])]);
}

#[test]
fn a_redirect_target_must_exist_when_tracking_is_enabled() {
    let mut s = Server::new();
    assert_eq!(
        s.tracking(1, "on redirect 42").map_err(|e| e.text()),
        Err(b"ERR The client ID you want redirect to does not exist".to_vec())
    );
}

// ----- §2.11 tracking-table-max-keys ---------------------------------------------------------

#[test]
fn the_default_limit_is_one_million_and_zero_means_unlimited() {
    let mut s = Server::new();
    assert_eq!(s.t.max_keys(), 1_000_000);
    s.on(1, "on");
    s.get(1, &["a", "b", "c"]);
    s.t.set_max_keys(0);
    assert_eq!(s.t.enforce_key_limit(), 0);
    assert_eq!(s.t.stats().total_keys, 3);
}

#[test]
fn tracking_gets_notification_on_tracking_table_key_eviction() {
    // (t35)
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["a", "b"]);
    s.t.set_max_keys(1);
    assert_eq!(s.t.enforce_key_limit(), 1);
    let sent = s.drain();
    assert_eq!(sent.len(), 1);
    let Msg::Keys(keys) = &sent[0].msg else {
        panic!("{sent:?}")
    };
    assert!(keys == &["a"] || keys == &["b"]);
    assert_eq!(s.t.stats().total_keys, 1);
}

#[test]
fn the_table_may_exceed_the_limit_between_checks() {
    let mut s = Server::new();
    s.t.set_max_keys(2);
    s.on(1, "on");
    s.get(1, &["a", "b", "c"]);
    assert_eq!(s.t.stats().total_keys, 3);
    assert_eq!(s.t.enforce_key_limit(), 1);
    assert_eq!(s.t.enforce_key_limit(), 0);
}

#[test]
fn effort_escalates_until_enough_keys_are_evacuated() {
    // (t40): 250 keys, limit 1 → exactly 249 invalidations: 100, then 149 under effort 200.
    let mut s = Server::new();
    s.on(1, "on");
    let keys: Vec<String> = (0..250).map(|n| format!("key:{n}")).collect();
    s.get(1, &keys.iter().map(String::as_str).collect::<Vec<_>>());
    s.t.set_max_keys(1);
    assert_eq!(s.t.enforce_key_limit(), 100);
    assert_eq!(s.t.enforce_key_limit(), 149);
    assert_eq!(s.t.enforce_key_limit(), 0);
    let sent = s.drain();
    assert_eq!(sent.len(), 249);
    let mut told: Vec<String> = sent
        .into_iter()
        .flat_map(|d| match d.msg {
            Msg::Keys(k) => k,
            other => panic!("{other:?}"),
        })
        .collect();
    told.sort();
    told.dedup();
    assert_eq!(told.len(), 249, "each evicted key once");
    assert_eq!(s.t.stats().total_keys, 1);
}

#[test]
fn effort_resets_once_under_the_limit() {
    let mut s = Server::new();
    s.on(1, "on");
    let many: Vec<String> = (0..150).map(|n| n.to_string()).collect();
    s.get(1, &many.iter().map(String::as_str).collect::<Vec<_>>());
    s.t.set_max_keys(1);
    assert_eq!(s.t.enforce_key_limit(), 100);
    assert_eq!(s.t.enforce_key_limit(), 49);
    let more: Vec<String> = (0..300).map(|n| format!("m{n}")).collect();
    s.get(1, &more.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(s.t.enforce_key_limit(), 100, "back to the initial effort");
}

#[test]
fn eviction_tells_readers_but_not_bcast_and_ignores_noloop() {
    let mut s = Server::new();
    s.on(1, "on noloop");
    s.on(2, "on bcast");
    s.get(1, &["a", "b"]);
    s.t.set_max_keys(1);
    s.t.begin_command(id(1)); // even while 1 is the executing client
    assert_eq!(s.t.enforce_key_limit(), 1);
    s.t.end_command(id(1), CommandEnd::Other);
    assert_eq!(s.drain().len(), 1);
    assert_eq!(s.sleep(), []);
}

// ----- §2.12 MULTI/EXEC and scripts ----------------------------------------------------------

#[test]
fn reads_inside_exec_are_recorded_command_by_command() {
    let mut s = Server::new();
    s.on(1, "on");
    s.t.end_command(id(1), CommandEnd::Queued); // MULTI
    s.t.begin_command(id(1)); // EXEC [GET a, GET b]
    s.t.record_read(id(1), b"a");
    s.t.record_read(id(1), b"b");
    s.t.end_command(id(1), CommandEnd::Other);
    assert!(s.t.is_recorded(b"a", id(1)) && s.t.is_recorded(b"b", id(1)));
}

#[test]
fn script_writes_invalidate_other_readers() {
    // (t19: what a script reads is the server's business; what it writes invalidates.)
    let mut s = Server::new();
    s.on(1, "on");
    s.get(1, &["k"]);
    s.t.begin_command(id(2));
    s.t.key_changed(b"k", ChangedBy::Script(id(2)));
    s.t.end_command(id(2), CommandEnd::Other);
    assert_eq!(s.drain(), [inv(1, &["k"])]);
}
