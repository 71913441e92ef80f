//! INFO latencystats: a line per command that ran while `latency-tracking` was on, with the
//! percentiles of `latency-tracking-info-percentiles`; CONFIG RESETSTAT clears them.

use crate::reload::config_get;
use crate::support::{Raw, Server};

fn latencystats(c: &mut Raw) -> String {
    c.cmd(&["INFO", "latencystats"]);
    String::from_utf8(c.reply()).expect("utf8")
}

/// The `p<name>` keys of command `name`'s line, checking each value has three decimals.
fn percentile_names(text: &str, name: &str) -> Option<Vec<String>> {
    let line = text
        .split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("latency_percentiles_usec_{name}:")))?;
    Some(
        line.split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (key, value) = p.split_once('=').expect("p=value");
                let (_, decimals) = value.split_once('.').expect("a decimal point");
                assert_eq!(decimals.len(), 3, "{p}");
                assert!(value.parse::<f64>().expect("number") >= 0.001, "{p}");
                key.to_string()
            })
            .collect(),
    )
}

#[test]
fn each_command_gets_its_percentiles_while_tracking_is_on() {
    let server = Server::start(&[]);
    let mut c = server.raw();
    assert!(config_get(&mut c, "latency-tracking").ends_with("$3\r\nyes\r\n"));
    assert!(
        config_get(&mut c, "latency-tracking-info-percentiles").ends_with("$10\r\n50 99 99.9\r\n")
    );
    c.roundtrip(&["SET", "a", "b"], b"+OK\r\n");
    c.cmd(&["CLIENT", "ID"]);
    c.reply();
    let text = latencystats(&mut c);
    assert_eq!(
        percentile_names(&text, "set"),
        Some(vec!["p50".into(), "p99".into(), "p99.9".into()])
    );
    assert!(percentile_names(&text, "client|id").is_some(), "{text}");
    assert!(percentile_names(&text, "get").is_none(), "{text}");

    c.roundtrip(
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "0.0 50.0 100.0",
        ],
        b"+OK\r\n",
    );
    assert!(
        config_get(&mut c, "latency-tracking-info-percentiles").ends_with("$8\r\n0 50 100\r\n")
    );
    assert_eq!(
        percentile_names(&latencystats(&mut c), "set"),
        Some(vec!["p0".into(), "p50".into(), "p100".into()])
    );
    c.roundtrip(
        &["CONFIG", "SET", "latency-tracking-info-percentiles", "10.0 50.0 a"],
        b"-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') \
          - Invalid latency-tracking-info-percentiles parameters\r\n",
    );
    c.roundtrip(
        &["CONFIG", "SET", "latency-tracking-info-percentiles", "101"],
        b"-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') \
          - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]\r\n",
    );
    assert!(
        config_get(&mut c, "latency-tracking-info-percentiles").ends_with("$8\r\n0 50 100\r\n"),
        "a refused value changes nothing"
    );

    // Off: nothing more is tracked; RESETSTAT clears what was.
    c.roundtrip(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    c.roundtrip(&["CONFIG", "SET", "latency-tracking", "no"], b"+OK\r\n");
    c.roundtrip(&["SET", "a", "b"], b"+OK\r\n");
    assert_eq!(percentile_names(&latencystats(&mut c), "set"), None);
    c.roundtrip(&["CONFIG", "SET", "latency-tracking", "yes"], b"+OK\r\n");
    c.roundtrip(&["SET", "a", "b"], b"+OK\r\n");
    assert!(percentile_names(&latencystats(&mut c), "set").is_some());

    // Not a default section.
    c.cmd(&["INFO"]);
    let all = String::from_utf8(c.reply()).expect("utf8");
    assert!(!all.contains("# Latencystats"), "{all}");
    c.cmd(&["INFO", "everything"]);
    let all = String::from_utf8(c.reply()).expect("utf8");
    assert!(
        all.contains("# Latencystats\r\nlatency_percentiles_usec_"),
        "{all}"
    );
}
