//! The flag string of `CreateCommand` (Valkey's `commandFlagsFromString`).

use keyspace::command::Flags;

/// The flags named in `s` (space-separated), or `None` for an unknown name (CreateCommand then
/// fails, as in Valkey).
pub(crate) fn parse(s: &[u8]) -> Option<Flags> {
    let mut flags = Flags::NONE;
    for word in s.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let lower = word.to_ascii_lowercase();
        flags = flags
            | match lower.as_slice() {
                b"write" => Flags::WRITE,
                b"readonly" => Flags::READONLY,
                b"admin" => Flags::ADMIN,
                b"deny-oom" => Flags::DENYOOM,
                b"deny-script" => Flags::NOSCRIPT,
                b"allow-loading" => Flags::LOADING,
                b"pubsub" => Flags::PUBSUB,
                b"blocking" => Flags::BLOCKING,
                b"allow-stale" => Flags::STALE,
                b"no-monitor" => Flags::SKIP_MONITOR,
                b"no-slowlog" => Flags::SKIP_SLOWLOG,
                b"fast" => Flags::FAST,
                b"no-auth" => Flags::NO_AUTH,
                b"may-replicate" => Flags::MAY_REPLICATE,
                b"no-mandatory-keys" => Flags::NO_MANDATORY_KEYS,
                b"allow-busy" => Flags::ALLOW_BUSY,
                b"getkeys-api" => Flags::MOVABLE_KEYS,
                // Accepted by Valkey with no command-table flag of their own here.
                b"random" | b"no-cluster" | b"getchannels-api" => Flags::NONE,
                _ => return None,
            };
    }
    Some(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_strings_map_to_command_flags() {
        let cases: &[(&[u8], Option<Flags>)] = &[
            (b"", Some(Flags::NONE)),
            (b"write deny-oom", Some(Flags::WRITE | Flags::DENYOOM)),
            (b"readonly  fast", Some(Flags::READONLY | Flags::FAST)),
            (b"READONLY", Some(Flags::READONLY)),
            (b"getkeys-api", Some(Flags::MOVABLE_KEYS)),
            (b"write nonsense", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse(s), *want, "{}", String::from_utf8_lossy(s));
        }
    }
}
