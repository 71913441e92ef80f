//! `client-output-buffer-limit`: per client class, a hard limit on output waiting to be written
//! and a soft limit that may be exceeded for at most a number of seconds (Valkey's
//! `checkClientOutputBufferLimits`). A client over a limit is closed, its output dropped.

/// One class's limits, in bytes (0: none) and seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limit {
    pub(crate) hard: u64,
    pub(crate) soft: u64,
    pub(crate) soft_seconds: u64,
}

/// The limits of the three classes Valkey configures: normal, replica, pubsub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits(pub(crate) [Limit; 3]);

const NORMAL: usize = 0;
const PUBSUB: usize = 2;

/// The class names in CONFIG GET order (Valkey still shows `slave`).
const NAMES: [&str; 3] = ["normal", "slave", "pubsub"];

impl Default for Limits {
    /// Valkey's defaults: `normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60`.
    fn default() -> Self {
        let mib = 1024 * 1024;
        Self([
            Limit {
                hard: 0,
                soft: 0,
                soft_seconds: 0,
            },
            Limit {
                hard: 256 * mib,
                soft: 64 * mib,
                soft_seconds: 60,
            },
            Limit {
                hard: 32 * mib,
                soft: 8 * mib,
                soft_seconds: 60,
            },
        ])
    }
}

impl Limits {
    /// Applies `<class> <hard> <soft> <soft-seconds>` groups: all of them or, on an error (Valkey's
    /// text), none. Classes not named keep their limits.
    pub(crate) fn set(&mut self, args: &[&[u8]]) -> Result<(), String> {
        if args.is_empty() || !args.len().is_multiple_of(4) {
            return Err("Wrong number of arguments in buffer limit configuration.".into());
        }
        let mut next = *self;
        for group in args.chunks_exact(4) {
            let class = match group[0].to_ascii_lowercase().as_slice() {
                b"normal" => 0,
                b"slave" | b"replica" => 1,
                b"pubsub" => 2,
                _ => {
                    return Err(
                        "Invalid client class specified in buffer limit configuration.".into(),
                    );
                }
            };
            let bad = || {
                "Error in hard, soft or soft_seconds setting in buffer limit configuration."
                    .to_string()
            };
            let hard = crate::config::parse_memory(group[1]).ok_or_else(bad)?;
            let soft = crate::config::parse_memory(group[2]).ok_or_else(bad)?;
            let soft_seconds = core::str::from_utf8(group[3])
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .filter(|&s| s <= i32::MAX as u64 && !group[3].starts_with(b"+"))
                .ok_or_else(bad)?;
            next.0[class] = Limit {
                hard,
                soft,
                soft_seconds,
            };
        }
        *self = next;
        Ok(())
    }

    /// CONFIG GET's form: every class, in bytes.
    pub(crate) fn show(&self) -> String {
        NAMES
            .iter()
            .zip(&self.0)
            .map(|(name, l)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_seconds))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a client of this kind (`pubsub`: subscribed to a channel or pattern) with `used`
    /// bytes of output waiting must be closed at `now` (Unix seconds). `soft_since` is when it
    /// went over the soft limit, kept by the caller: set, cleared and read here.
    pub(crate) fn exceeded(
        &self,
        pubsub: bool,
        used: u64,
        now: u64,
        soft_since: &mut Option<u64>,
    ) -> bool {
        let l = self.0[if pubsub { PUBSUB } else { NORMAL }];
        let hard = l.hard > 0 && used >= l.hard;
        let mut soft = l.soft > 0 && used >= l.soft;
        if soft {
            match *soft_since {
                None => {
                    *soft_since = Some(now);
                    soft = false;
                }
                Some(since) => soft = now.saturating_sub(since) > l.soft_seconds,
            }
        } else {
            *soft_since = None;
        }
        hard || soft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(l: &mut Limits, line: &str) -> Result<(), String> {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        l.set(&args)
    }

    #[test]
    fn defaults_show_as_valkey_does() {
        assert_eq!(
            Limits::default().show(),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        );
    }

    #[test]
    fn groups_merge_and_take_units_and_aliases() {
        let mut l = Limits::default();
        set(&mut l, "pubsub 1mb 512kb 10 replica 1gb 0 0").expect("valid");
        assert_eq!(
            l.show(),
            "normal 0 0 0 slave 1073741824 0 0 pubsub 1048576 524288 10"
        );
    }

    #[test]
    fn bad_lines_change_nothing_and_say_why_as_valkey() {
        let mut l = Limits::default();
        for (line, why) in [
            ("wrong number", "Wrong number of arguments"),
            ("invalid_class 10mb 10mb 60", "Invalid client class"),
            ("master 10mb 10mb 60", "Invalid client class"),
            (
                "normal 10mbs 10mb 60",
                "Error in hard, soft or soft_seconds",
            ),
            ("normal 10mb 10mb -1", "Error in hard, soft or soft_seconds"),
            (
                "pubsub 1 1 1 normal 10mb 10mb x",
                "Error in hard, soft or soft_seconds",
            ),
        ] {
            let e = set(&mut l, line).expect_err(line);
            assert!(e.starts_with(why), "{line}: {e}");
        }
        assert_eq!(l, Limits::default());
    }

    #[test]
    fn hard_limit_closes_at_once_soft_only_after_its_seconds() {
        let mut l = Limits::default();
        set(&mut l, "normal 1000 100 2").expect("valid");
        let mut since = None;
        assert!(!l.exceeded(false, 99, 10, &mut since));
        assert!(l.exceeded(false, 1000, 10, &mut since));
        // Over the soft limit: noted at 10, tolerated through 12, closed at 13.
        assert!(!l.exceeded(false, 500, 10, &mut since));
        assert!(!l.exceeded(false, 500, 12, &mut since));
        assert!(l.exceeded(false, 500, 13, &mut since));
        // Dropping under it resets the clock.
        since = Some(10);
        assert!(!l.exceeded(false, 50, 13, &mut since));
        assert_eq!(since, None);
        // Subscribed clients use the pubsub class (32mb hard by default).
        assert!(!l.exceeded(true, 1000, 10, &mut None));
        assert!(l.exceeded(true, 32 * 1024 * 1024, 10, &mut None));
    }
}
