//! Valkey's log lines: `pid:M 25 Oct 2024 10:00:00.123 * message`, to a file or to stdout.
//!
//! Times are printed in UTC (the server has no time-zone database).

use std::fs::OpenOptions;
use std::io::Write;

use crate::clock;

/// `loglevel`, from most to least verbose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// `debug`
    Debug,
    /// `verbose`
    Verbose,
    /// `notice` (the default)
    Notice,
    /// `warning`
    Warning,
    /// `nothing`
    Nothing,
}

impl Level {
    /// The names in Valkey's order, as its enum error lists them.
    pub(crate) const NAMES: [&'static str; 5] =
        ["debug", "verbose", "notice", "warning", "nothing"];

    /// The level named `name` (case-insensitive).
    pub(crate) fn parse(name: &[u8]) -> Option<Self> {
        let all = [
            Self::Debug,
            Self::Verbose,
            Self::Notice,
            Self::Warning,
            Self::Nothing,
        ];
        Self::NAMES
            .iter()
            .position(|n| n.as_bytes().eq_ignore_ascii_case(name))
            .map(|i| all[i])
    }

    /// The configured name.
    pub(crate) const fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The mark Valkey prints for a message of this level.
    const fn mark(self) -> char {
        match self {
            Self::Debug => '.',
            Self::Verbose => '-',
            Self::Notice => '*',
            Self::Warning | Self::Nothing => '#',
        }
    }
}

/// Where log lines go and which are kept.
#[derive(Clone, Debug)]
pub(crate) struct Logger {
    /// Messages below this level are dropped.
    pub(crate) level: Level,
    /// `logfile`: empty means stdout.
    pub(crate) file: String,
}

impl Logger {
    /// Writes one line if `level` passes the threshold. A log file that cannot be opened loses
    /// the line (as Valkey does); the server keeps running.
    pub(crate) fn log(&self, level: Level, msg: &str) {
        if level < self.level || self.level == Level::Nothing {
            return;
        }
        let line = format_line(std::process::id(), clock::unix_micros() / 1000, level, msg);
        if self.file.is_empty() {
            let mut out = std::io::stdout().lock();
            // Nothing useful can be done when stdout is gone.
            let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
        } else if let Ok(mut f) = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
        {
            let _ = f.write_all(line.as_bytes());
        }
    }

    /// `log(Notice, ..)`.
    pub(crate) fn notice(&self, msg: &str) {
        self.log(Level::Notice, msg);
    }

    /// `log(Warning, ..)`.
    pub(crate) fn warning(&self, msg: &str) {
        self.log(Level::Warning, msg);
    }

    /// `log(Verbose, ..)`.
    pub(crate) fn verbose(&self, msg: &str) {
        self.log(Level::Verbose, msg);
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One log line, newline included, for Unix time `ms`.
fn format_line(pid: u32, ms: u64, level: Level, msg: &str) -> String {
    let secs = ms / 1000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!(
        "{pid}:M {d:02} {} {y} {:02}:{:02}:{:02}.{:03} {} {msg}\n",
        MONTHS[(m - 1) as usize],
        t / 3600,
        t / 60 % 60,
        t % 60,
        ms % 1000,
        level.mark()
    )
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_has_valkeys_layout() {
        // 2024-10-25 10:00:00.123 UTC
        let ms = 1_729_850_400_123;
        assert_eq!(
            format_line(42, ms, Level::Notice, "Ready to accept connections tcp"),
            "42:M 25 Oct 2024 10:00:00.123 * Ready to accept connections tcp\n"
        );
        assert!(
            format_line(1, 0, Level::Warning, "x").starts_with("1:M 01 Jan 1970 00:00:00.000 # x")
        );
    }

    #[test]
    fn civil_dates_across_leap_years() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn levels_parse_case_insensitively_and_order() {
        assert_eq!(Level::parse(b"WARNING"), Some(Level::Warning));
        assert_eq!(Level::parse(b"loud"), None);
        assert!(Level::Debug < Level::Notice);
        assert_eq!(Level::Verbose.name(), "verbose");
    }
}
