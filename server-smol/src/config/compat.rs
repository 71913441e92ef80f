//! Directives of Valkey features this server does not have (persistence, replication,
//! daemonizing), accepted so that Valkey's configuration files — its own test suite's
//! `default.conf` among them — start this server unchanged. A value that would turn such a
//! feature on is refused with a clear reason; the other values are kept and shown by CONFIG
//! GET and CONFIG REWRITE, and have nothing to act on here. `dir` is real: it changes the
//! working directory, as in Valkey.

use super::units::parse_int;

/// A `compat` directive: `$check` turns the argument into the value kept (or refuses it).
macro_rules! compat {
    ($name:literal, $default:literal, $check:expr) => {
        compat!($name, $default, $check, true)
    };
    ($name:literal, $default:literal, $check:expr, $mutable:expr) => {
        super::Directive {
            name: $name,
            mutable: $mutable,
            multi_arg: false,
            set: |s, a| {
                let v: String = ($check)(a[0])?;
                s.set_compat($name, v, $default);
                Ok(())
            },
            get: |s| s.compat_value($name, $default),
        }
    };
}
pub(super) use compat;

/// Valkey's PROTECTED configs: CONFIG SET refuses them unless `enable-protected-configs`
/// allows it.
pub(crate) const PROTECTED: &[&str] = &["dir", "dbfilename"];

/// Any text.
pub(super) fn any(arg: &[u8]) -> Result<String, String> {
    Ok(String::from_utf8_lossy(arg).into_owned())
}

/// `yes` or `no`, shown in lower case.
pub(super) fn yes_no(arg: &[u8]) -> Result<String, String> {
    match arg.to_ascii_lowercase().as_slice() {
        b"yes" => Ok("yes".into()),
        b"no" => Ok("no".into()),
        _ => Err("argument must be 'yes' or 'no'".into()),
    }
}

/// An integer from 0 to `i32::MAX` (Valkey's `INT_MAX` configs).
pub(super) fn non_negative(arg: &[u8]) -> Result<String, String> {
    let v = parse_int(arg).ok_or("argument couldn't be parsed into an integer")?;
    if (0..=i64::from(i32::MAX)).contains(&v) {
        Ok(v.to_string())
    } else {
        Err(format!(
            "argument must be between 0 and {} inclusive",
            i32::MAX
        ))
    }
}

/// One of `names` (any case), shown in lower case.
fn one_of(arg: &[u8], names: &[&str]) -> Result<String, String> {
    let lower = String::from_utf8_lossy(arg).to_ascii_lowercase();
    if names.contains(&lower.as_str()) {
        Ok(lower)
    } else {
        Err(format!(
            "argument(s) must be one of the following: {}",
            names.join(", ")
        ))
    }
}

/// `appendfsync`.
pub(super) fn fsync_policy(arg: &[u8]) -> Result<String, String> {
    one_of(arg, &["always", "everysec", "no"])
}

/// `enable-protected-configs` (and the other protected-config gates).
pub(super) fn gate(arg: &[u8]) -> Result<String, String> {
    one_of(arg, &["no", "yes", "local"])
}

/// `propagation-error-behavior`.
pub(super) fn propagation(arg: &[u8]) -> Result<String, String> {
    one_of(arg, &["ignore", "panic", "panic-on-replicas"])
}

/// `shutdown-on-sigterm` / `shutdown-on-sigint`: flags from `default save nosave now force`.
pub(super) fn shutdown_flags(arg: &[u8]) -> Result<String, String> {
    let text = String::from_utf8_lossy(arg).to_ascii_lowercase();
    let names = ["default", "save", "nosave", "now", "force"];
    if text
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| names.contains(&w))
        && !text.is_empty()
    {
        Ok(text
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "))
    } else {
        Err(format!(
            "argument(s) must be one of the following: {}",
            names.join(", ")
        ))
    }
}

/// A feature switch that may only stay off: `off` is the accepted value.
fn only(arg: &[u8], off: &str, why: &str) -> Result<String, String> {
    if arg.eq_ignore_ascii_case(off.as_bytes()) {
        Ok(off.into())
    } else {
        Err(why.into())
    }
}

/// `save`: only `""` (no save points).
pub(super) fn save(arg: &[u8]) -> Result<String, String> {
    only(
        arg.trim_ascii(),
        "",
        "persistence is not supported by this server (only save \"\" is accepted)",
    )
}

/// `appendonly`: only `no`.
pub(super) fn appendonly(arg: &[u8]) -> Result<String, String> {
    only(
        arg,
        "no",
        "persistence is not supported by this server (only appendonly no is accepted)",
    )
}

/// `daemonize`: only `no`.
pub(super) fn daemonize(arg: &[u8]) -> Result<String, String> {
    only(
        arg,
        "no",
        "this server does not daemonize itself (run it under a supervisor)",
    )
}

/// `supervised`: only `no`.
pub(super) fn supervised(arg: &[u8]) -> Result<String, String> {
    only(
        arg,
        "no",
        "this server does not talk to upstart or systemd (only supervised no is accepted)",
    )
}

/// `dir`: an existing directory, kept as an absolute path (the server moves there).
pub(super) fn dir(arg: &[u8]) -> Result<String, String> {
    let path = std::path::Path::new(std::ffi::OsStr::new(
        core::str::from_utf8(arg).map_err(|_| "Invalid argument".to_string())?,
    ));
    let abs = std::fs::canonicalize(path).map_err(|e| super::strerror(&e))?;
    if !abs.is_dir() {
        return Err("Not a directory".into());
    }
    Ok(abs.display().to_string())
}

/// The working directory now (`dir` before any was set).
pub(super) fn cwd() -> String {
    std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_switches_stay_off_and_knobs_are_checked() {
        assert_eq!(save(b"").as_deref(), Ok(""));
        assert!(save(b"900 1").is_err());
        assert_eq!(appendonly(b"NO").as_deref(), Ok("no"));
        assert!(appendonly(b"yes").is_err());
        assert!(daemonize(b"yes").is_err());
        assert_eq!(fsync_policy(b"EverySec").as_deref(), Ok("everysec"));
        assert!(fsync_policy(b"sometimes").is_err());
        assert_eq!(shutdown_flags(b"save  now").as_deref(), Ok("save now"));
        assert!(shutdown_flags(b"later").is_err());
        assert_eq!(non_negative(b"5").as_deref(), Ok("5"));
        assert!(non_negative(b"-1").is_err());
        assert!(dir(b"/definitely/not/here").is_err());
        assert_eq!(dir(b"/").as_deref(), Ok("/"));
    }
}
