//! INFO `cpu`: user and system CPU time of the process, of its waited-for children and of the
//! main thread (which serves every client), from `/proc` as `getrusage` would give them.

use core::fmt::Write;

/// (user, system, children user, children system) clock ticks from a `/proc/.../stat` file.
fn ticks(path: &str) -> Option<[u64; 4]> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name may hold spaces and parentheses: the fields follow the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `utime` is field 14 of the file, the 12th after the name; then stime, cutime, cstime.
    let mut out = [0; 4];
    for (slot, f) in out.iter_mut().zip(fields.get(11..15)?) {
        *slot = f.parse().ok()?;
    }
    Some(out)
}

/// Ticks as Valkey prints `ru_utime`: `seconds.micros`.
fn seconds(ticks: u64, hz: u64) -> String {
    let micros = ticks.saturating_mul(1_000_000) / hz.max(1);
    format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

/// Appends the section's fields.
pub(super) fn cpu(t: &mut String) {
    let hz = rustix::param::clock_ticks_per_second();
    let [user, sys, child_user, child_sys] = ticks("/proc/self/stat").unwrap_or_default();
    // INFO runs on the main thread, the one that serves the clients.
    let [main_user, main_sys, ..] = ticks("/proc/thread-self/stat").unwrap_or_default();
    let _ = write!(
        t,
        "# CPU\r\nused_cpu_sys:{}\r\nused_cpu_user:{}\r\nused_cpu_sys_children:{}\r\n\
         used_cpu_user_children:{}\r\nused_cpu_sys_main_thread:{}\r\n\
         used_cpu_user_main_thread:{}\r\n",
        seconds(sys, hz),
        seconds(user, hz),
        seconds(child_sys, hz),
        seconds(child_user, hz),
        seconds(main_sys, hz),
        seconds(main_user, hz),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_print_as_seconds_and_micros() {
        assert_eq!(seconds(0, 100), "0.000000");
        assert_eq!(seconds(123, 100), "1.230000");
        assert_eq!(seconds(7, 1000), "0.007000");
    }

    #[test]
    fn this_process_has_stat_fields() {
        let burn: u64 = (0..2_000_000u64).map(|i| i.wrapping_mul(i)).sum();
        assert!(burn > 0);
        assert!(ticks("/proc/self/stat").is_some());
        assert!(ticks("/proc/thread-self/stat").is_some());
        let mut t = String::new();
        cpu(&mut t);
        assert!(t.starts_with("# CPU\r\nused_cpu_sys:"), "{t}");
        assert_eq!(t.lines().count(), 7, "{t}");
    }
}
