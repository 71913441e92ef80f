//! Spec §2.8: OPTIN, OPTOUT and the one-shot `CLIENT CACHING` bit, with its "next command"
//! rules. Upstream test numbers (§5.1) are noted as "(tN)".

mod support;

use support::{Server, id};
use tracking_core::{CachingError, CommandEnd};

fn recorded(s: &mut Server, c: u64, key: &str) -> bool {
    s.t.is_recorded(key.as_bytes(), id(c))
}

#[test]
fn optin_without_caching_yes_records_nothing() {
    // (t23)
    let mut s = Server::new();
    s.on(1, "on optin");
    s.get(1, &["k"]);
    assert!(!recorded(&mut s, 1, "k"));
}

#[test]
fn optin_with_caching_yes_records_the_next_command() {
    // (t24, t55)
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.get(1, &["k"]);
    assert!(recorded(&mut s, 1, "k"));
    s.get(1, &["j"]);
    assert!(!recorded(&mut s, 1, "j"), "the bit is spent");
}

#[test]
fn caching_yes_is_spent_by_any_next_command() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.ping(1);
    s.get(1, &["a"]);
    s.caching(1, "yes").unwrap();
    s.set(1, &["x"]);
    s.get(1, &["b"]);
    assert!(!recorded(&mut s, 1, "a") && !recorded(&mut s, 1, "b"));
}

#[test]
fn any_client_subcommand_in_between_keeps_the_bit() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.t.end_command(id(1), CommandEnd::ClientCommand); // CLIENT ID
    s.get(1, &["k"]);
    assert!(recorded(&mut s, 1, "k"));
}

#[test]
fn caching_yes_covers_the_whole_transaction() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.t.end_command(id(1), CommandEnd::Queued); // MULTI
    s.t.end_command(id(1), CommandEnd::Queued); // GET a
    s.t.end_command(id(1), CommandEnd::Queued); // GET b
    s.t.begin_command(id(1)); // EXEC
    s.t.record_read(id(1), b"a");
    s.t.record_read(id(1), b"b");
    s.t.end_command(id(1), CommandEnd::Other);
    assert!(recorded(&mut s, 1, "a") && recorded(&mut s, 1, "b"));
    s.get(1, &["c"]);
    assert!(!recorded(&mut s, 1, "c"), "cleared after EXEC");
}

#[test]
fn caching_queued_in_multi_affects_only_the_rest_of_that_exec() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.t.begin_command(id(1)); // EXEC [GET a, CLIENT CACHING yes, GET b]
    s.t.record_read(id(1), b"a");
    s.t.client_caching(id(1), &["yes"]).unwrap();
    s.t.record_read(id(1), b"b");
    s.t.end_command(id(1), CommandEnd::Other);
    assert!(!recorded(&mut s, 1, "a") && recorded(&mut s, 1, "b"));
    s.get(1, &["c"]);
    assert!(!recorded(&mut s, 1, "c"));
}

#[test]
fn caching_yes_applies_to_every_read_of_a_script() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.t.begin_command(id(1)); // EVAL: two inner GETs
    s.t.record_read(id(1), b"a");
    s.t.record_read(id(1), b"b");
    s.t.end_command(id(1), CommandEnd::Other);
    assert!(recorded(&mut s, 1, "a") && recorded(&mut s, 1, "b"));
}

#[test]
fn a_rejected_command_spends_the_bit() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.t.end_command(id(1), CommandEnd::Other); // unknown command: never begun
    s.get(1, &["k"]);
    assert!(!recorded(&mut s, 1, "k"));
}

#[test]
fn optout_records_by_default() {
    // (t25)
    let mut s = Server::new();
    s.on(1, "on optout");
    s.get(1, &["k"]);
    assert!(recorded(&mut s, 1, "k"));
}

#[test]
fn optout_with_caching_no_skips_only_the_next_command() {
    // (t26)
    let mut s = Server::new();
    s.on(1, "on optout");
    s.caching(1, "no").unwrap();
    s.get(1, &["a"]);
    s.get(1, &["b"]);
    assert!(!recorded(&mut s, 1, "a"));
    assert!(recorded(&mut s, 1, "b"));
}

#[test]
fn caching_errors_come_in_valkeys_order() {
    let mut s = Server::new();
    assert_eq!(s.caching(1, "bogus"), Err(CachingError::NotTracking));
    s.on(1, "on");
    assert_eq!(s.caching(1, "yes"), Err(CachingError::YesOutsideOptIn));
    assert_eq!(s.caching(1, "no"), Err(CachingError::NoOutsideOptOut));
    assert_eq!(s.caching(1, "maybe"), Err(CachingError::Syntax));
    s.on(2, "on optin");
    assert_eq!(s.caching(2, "no"), Err(CachingError::NoOutsideOptOut));
    assert_eq!(s.caching(2, "YES"), Ok(()));
    assert_eq!(
        s.t.client_caching(id(2), &["yes", "extra"]),
        Err(CachingError::WrongArity)
    );
    s.on(3, "on optout");
    assert_eq!(s.caching(3, "yes"), Err(CachingError::YesOutsideOptIn));
    assert_eq!(s.caching(3, "No"), Ok(()));
}

#[test]
fn off_clears_the_caching_bit() {
    let mut s = Server::new();
    s.on(1, "on optin");
    s.caching(1, "yes").unwrap();
    s.tracking(1, "off").unwrap();
    s.on(1, "on optin");
    s.get(1, &["k"]);
    assert!(!recorded(&mut s, 1, "k"));
}
