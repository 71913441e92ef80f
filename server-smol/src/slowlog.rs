//! The slow log (Valkey's `slowlog.c`): the latest `slowlog-max-len` commands that ran for at
//! least `slowlog-log-slower-than` microseconds, newest first, each with at most 32 arguments
//! (the last one then says how many more there were), arguments over 128 bytes cut, and
//! credentials redacted as Valkey redacts them.

use std::collections::VecDeque;

/// Arguments kept per entry (Valkey's `SLOWLOG_ENTRY_MAX_ARGC`).
const MAX_ARGC: usize = 32;
/// Bytes kept per argument (Valkey's `SLOWLOG_ENTRY_MAX_STRING`).
const MAX_STRING: usize = 128;

/// One logged command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Grows by one per entry; RESET does not rewind it.
    pub(crate) id: u64,
    /// Unix seconds when it was logged.
    pub(crate) time: u64,
    /// How long it ran, in microseconds.
    pub(crate) micros: u64,
    /// The arguments, shortened and redacted.
    pub(crate) args: Vec<Vec<u8>>,
    /// The client's address (`ip:port`, `path:0`).
    pub(crate) addr: String,
    /// The client's name (empty if none).
    pub(crate) name: Vec<u8>,
}

/// The log, newest entry first.
#[derive(Debug, Default)]
pub(crate) struct SlowLog {
    entries: VecDeque<Entry>,
    next_id: u64,
}

impl SlowLog {
    /// Logs a command that ran `micros` if it qualifies under `slower_than` (negative: never)
    /// and `max_len` (0: never); `entry` builds it (its id is set here). Trims the log to
    /// `max_len` either way, as Valkey does on each push.
    pub(crate) fn push_if_needed(
        &mut self,
        slower_than: i64,
        max_len: u64,
        micros: u64,
        entry: impl FnOnce() -> Entry,
    ) {
        let Ok(threshold) = u64::try_from(slower_than) else {
            return;
        };
        if max_len == 0 {
            return;
        }
        if micros >= threshold {
            let mut e = entry();
            e.id = self.next_id;
            self.next_id += 1;
            self.entries.push_front(e);
        }
        let max = usize::try_from(max_len).unwrap_or(usize::MAX);
        self.entries.truncate(max);
    }

    /// Entries, newest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// How many entries there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Drops every entry (ids keep growing).
    pub(crate) fn reset(&mut self) {
        self.entries.clear();
    }
}

/// The arguments as an entry keeps them: at most [`MAX_ARGC`] (the last then
/// `... (N more arguments)`), each cut to [`MAX_STRING`] bytes plus `... (N more bytes)`, and
/// `(redacted)` where `redact(i)` says so.
pub(crate) fn entry_args(args: &[&[u8]], redact: impl Fn(usize) -> bool) -> Vec<Vec<u8>> {
    let kept = args.len().min(MAX_ARGC);
    (0..kept)
        .map(|i| {
            if kept != args.len() && i == kept - 1 {
                return format!("... ({} more arguments)", args.len() - kept + 1).into_bytes();
            }
            if redact(i) {
                return b"(redacted)".to_vec();
            }
            let a = args[i];
            if a.len() > MAX_STRING {
                let mut s = a[..MAX_STRING].to_vec();
                s.extend_from_slice(
                    format!("... ({} more bytes)", a.len() - MAX_STRING).as_bytes(),
                );
                s
            } else {
                a.to_vec()
            }
        })
        .collect()
}

/// Configs whose CONFIG SET value Valkey redacts (`SENSITIVE_CONFIG`).
const SENSITIVE: &[&str] = &[
    "requirepass",
    "masterauth",
    "masteruser",
    "tls-key-file-pass",
    "tls-client-key-file-pass",
];

/// Whether Valkey hides argument `i` of command `full_name` (`redactClientCommandArgument`):
/// AUTH's credentials, HELLO's `AUTH user pass`, the value of a sensitive CONFIG SET.
pub(crate) fn redacted(full_name: &str, args: &[&[u8]], i: usize) -> bool {
    match full_name {
        "auth" => i >= 1,
        "hello" => args
            .iter()
            .take(i)
            .rposition(|a| a.eq_ignore_ascii_case(b"auth"))
            .is_some_and(|at| at >= 1 && (1..=2).contains(&(i - at))),
        "config|set" => {
            i >= 3
                && i % 2 == 1
                && SENSITIVE
                    .iter()
                    .any(|s| s.as_bytes().eq_ignore_ascii_case(args[i - 1]))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            id: 0,
            time: 1,
            micros: 0,
            args: vec![b"PING".to_vec()],
            addr: "a:1".into(),
            name: Vec::new(),
        }
    }

    #[test]
    fn entries_qualify_by_threshold_and_are_trimmed_newest_first() {
        let mut log = SlowLog::default();
        log.push_if_needed(-1, 10, 1_000_000, entry);
        log.push_if_needed(0, 0, 5, entry);
        assert_eq!(log.len(), 0);
        log.push_if_needed(10, 10, 9, entry);
        assert_eq!(log.len(), 0);
        for micros in [10, 11, 12] {
            log.push_if_needed(10, 2, micros, || Entry { micros, ..entry() });
        }
        let kept: Vec<(u64, u64)> = log.iter().map(|e| (e.id, e.micros)).collect();
        assert_eq!(kept, [(2, 12), (1, 11)]);
        log.reset();
        log.push_if_needed(0, 2, 0, entry);
        assert_eq!(log.iter().next().map(|e| e.id), Some(3));
    }

    #[test]
    fn long_commands_and_arguments_are_shortened() {
        let many: Vec<Vec<u8>> = (0..40).map(|i| i.to_string().into_bytes()).collect();
        let refs: Vec<&[u8]> = many.iter().map(Vec::as_slice).collect();
        let kept = entry_args(&refs, |_| false);
        assert_eq!(kept.len(), 32);
        assert_eq!(kept[30], b"30");
        assert_eq!(kept[31], b"... (9 more arguments)");
        let long = vec![b'x'; 130];
        let kept = entry_args(&[b"SET", b"k", &long], |_| false);
        let want = [vec![b'x'; 128], b"... (2 more bytes)".to_vec()].concat();
        assert_eq!(kept[2], want);
        let exact = vec![b'y'; 128];
        assert_eq!(entry_args(&[&exact], |_| false)[0], exact);
    }

    #[test]
    fn credentials_are_redacted() {
        let args: [&[u8]; 3] = [b"AUTH", b"u", b"pw"];
        assert_eq!(
            entry_args(&args, |i| redacted("auth", &args, i)),
            [
                b"AUTH".to_vec(),
                b"(redacted)".to_vec(),
                b"(redacted)".to_vec()
            ]
        );
        let args: [&[u8]; 6] = [b"HELLO", b"3", b"AUTH", b"u", b"pw", b"SETNAME"];
        let hidden: Vec<usize> = (0..6).filter(|&i| redacted("hello", &args, i)).collect();
        assert_eq!(hidden, [3, 4]);
        let args: [&[u8]; 6] = [b"CONFIG", b"SET", b"hz", b"5", b"REQUIREPASS", b"pw"];
        let hidden: Vec<usize> = (0..6)
            .filter(|&i| redacted("config|set", &args, i))
            .collect();
        assert_eq!(hidden, [5]);
    }
}
