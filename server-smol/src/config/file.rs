//! Reading redis.conf syntax: the file, its `include`s, then the command-line options, each line
//! split with `sdssplitargs` rules. The first bad line stops the server with Valkey's report.

use core::fmt;
use std::path::{Path, PathBuf};

use modules_core::{UNBALANCED_QUOTES, quote_arg, split_args};

use super::{Settings, lookup};
use crate::VERSION;

/// Why the configuration cannot be used. `Display` prints Valkey's report.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ConfigError {
    /// The file (or an included one) cannot be read.
    CantOpen {
        /// The path as given.
        path: String,
        /// The OS's reason.
        reason: String,
    },
    /// A line is wrong.
    Line {
        /// Where the line comes from: a file path or `command line`.
        source: String,
        /// Line number, from 1.
        line: usize,
        /// The line, trimmed.
        text: String,
        /// Valkey's reason.
        reason: String,
    },
    /// A problem with the whole configuration (an unusable log file).
    Other(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CantOpen { path, reason } => {
                write!(f, "Fatal error, can't open config file '{path}': {reason}")
            }
            Self::Line {
                source,
                line,
                text,
                reason,
            } => write!(
                f,
                "\n*** FATAL CONFIG FILE ERROR (Version {VERSION}) ***\n\
                 Reading the configuration file, at line {line} of {source}\n\
                 >>> '{text}'\n{reason}"
            ),
            Self::Other(reason) => write!(
                f,
                "\n*** FATAL CONFIG FILE ERROR (Version {VERSION}) ***\n{reason}"
            ),
        }
    }
}

/// Builds the settings from the defaults, the file at `path` (if any) and the command-line
/// `options` (`--port 7000 --bind 127.0.0.1 ::1`), in that order.
pub(crate) fn load(path: Option<&Path>, options: &[String]) -> Result<Settings, ConfigError> {
    let mut settings = Settings::default();
    if let Some(path) = path {
        load_file(&mut settings, path, 0)?;
    }
    apply_text(&mut settings, &options_text(options), "command line", 0)?;
    if !settings.logfile.is_empty() {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&settings.logfile)
            .map_err(|e| ConfigError::Other(format!("Can't open the log file: {e}")))?;
    }
    Ok(settings)
}

/// `--name a b --other c` as config lines, arguments quoted so they split back as given.
fn options_text(options: &[String]) -> Vec<u8> {
    let mut text = Vec::new();
    for (i, opt) in options.iter().enumerate() {
        if let Some(name) = opt.strip_prefix("--") {
            if i > 0 {
                text.push(b'\n');
            }
            text.extend_from_slice(name.as_bytes());
        } else {
            text.push(b' ');
            quote_arg(opt.as_bytes(), &mut text);
        }
    }
    text
}

fn load_file(settings: &mut Settings, path: &Path, depth: usize) -> Result<(), ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::CantOpen {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    apply_text(settings, &bytes, &path.display().to_string(), depth)
}

fn apply_text(
    settings: &mut Settings,
    text: &[u8],
    source: &str,
    depth: usize,
) -> Result<(), ConfigError> {
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line = trim(raw);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let fail = |reason: String| ConfigError::Line {
            source: source.into(),
            line: i + 1,
            text: String::from_utf8_lossy(line).into_owned(),
            reason,
        };
        let argv = split_args(line).map_err(|_| fail(UNBALANCED_QUOTES.into()))?;
        let Some((name, args)) = argv.split_first() else {
            continue;
        };
        if let Some(d) = lookup(name) {
            let split;
            let args: Vec<&[u8]> = match args {
                [one] if d.multi_arg && !one.is_empty() => {
                    split = split_args(one).map_err(|_| fail(UNBALANCED_QUOTES.into()))?;
                    split.iter().map(Vec::as_slice).collect()
                }
                _ if d.multi_arg => args.iter().map(Vec::as_slice).collect(),
                [one] => vec![one.as_slice()],
                _ => return Err(fail("wrong number of arguments".into())),
            };
            if d.multi_arg && args.is_empty() {
                return Err(fail("wrong number of arguments".into()));
            }
            settings.set(d, &args).map_err(fail)?;
        } else if name.eq_ignore_ascii_case(b"loadmodule") && !args.is_empty() {
            let file = if depth == 0 {
                modules_core::ConfigFile::Main
            } else {
                modules_core::ConfigFile::Included(source.as_bytes().to_vec())
            };
            settings.loadmodule.push(super::LoadModule {
                path: args[0].clone(),
                args: args[1..].to_vec(),
                origin: modules_core::Origin::ConfigFile {
                    file,
                    line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                },
            });
        } else if name.eq_ignore_ascii_case(b"include") && args.len() == 1 {
            if depth > 32 {
                return Err(fail("Too many nested includes".into()));
            }
            for file in include_targets(&String::from_utf8_lossy(&args[0]))? {
                load_file(settings, &file, depth + 1)?;
            }
        } else if name.contains(&b'.') {
            // A module configuration: kept for the module's LoadConfigs (Valkey's
            // module_configs_queue), its arguments joined by spaces.
            if args.is_empty() {
                return Err(fail("Module config specified without value".into()));
            }
            let value = args.join(&b' ');
            settings
                .module_configs
                .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            settings.module_configs.push((name.clone(), value));
        } else {
            return Err(fail("Bad directive or wrong number of arguments".into()));
        }
    }
    Ok(())
}

/// The files an `include` names: the path itself, or, when its file name has glob characters,
/// the matching files of that directory in name order (none is fine, as in Valkey).
fn include_targets(pattern: &str) -> Result<Vec<PathBuf>, ConfigError> {
    let path = Path::new(pattern);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name.filter(|n| n.contains(['*', '?', '['])) else {
        return Ok(vec![path.to_path_buf()]);
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| keyspace::glob::matches(name.as_bytes(), e.file_name().as_encoded_bytes()))
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

/// `sdstrim(line, " \t\r\n")`.
fn trim(line: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = line.iter().position(|b| !blank(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |e| e + 1);
    &line[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_text(text: &str) -> Result<Settings, ConfigError> {
        let mut s = Settings::default();
        apply_text(&mut s, text.as_bytes(), "test.conf", 0).map(|()| s)
    }

    fn reason(text: &str) -> (usize, String) {
        match from_text(text) {
            Err(ConfigError::Line { line, reason, .. }) => (line, reason),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn reads_quoted_values_comments_and_units() {
        let s = from_text(
            "# a comment\n\n  port 7001  \r\nrequirepass \"p w\\x21\"\nproto-max-bulk-len 2mb\n\
             bind 127.0.0.1 ::1\nLOGLEVEL warning\n",
        )
        .expect("valid");
        assert_eq!(s.port, 7001);
        assert_eq!(s.requirepass.as_deref(), Some(&b"p w!"[..]));
        assert_eq!(s.proto_max_bulk_len, 2 * 1024 * 1024);
        assert_eq!(s.bind, ["127.0.0.1", "::1"]);
        assert_eq!(s.loglevel, crate::log::Level::Warning);
    }

    #[test]
    fn bad_lines_name_the_line_and_reason() {
        assert_eq!(
            reason("port 1\nfoo bar\n"),
            (2, "Bad directive or wrong number of arguments".into())
        );
        assert_eq!(
            reason("\n\nport 1 2"),
            (3, "wrong number of arguments".into())
        );
        assert_eq!(
            reason("port \"7000"),
            (1, "Unbalanced quotes in configuration line".into())
        );
        assert_eq!(
            reason("maxclients 0"),
            (
                1,
                "argument must be between 1 and 4294967295 inclusive".into()
            )
        );
    }

    #[test]
    fn report_uses_valkeys_layout() {
        let err = from_text("port abc").expect_err("invalid");
        assert_eq!(
            err.to_string(),
            format!(
                "\n*** FATAL CONFIG FILE ERROR (Version {VERSION}) ***\n\
                 Reading the configuration file, at line 1 of test.conf\n\
                 >>> 'port abc'\nargument couldn't be parsed into an integer"
            )
        );
    }

    #[test]
    fn command_line_options_become_quoted_lines() {
        let opts: Vec<String> = [
            "--port",
            "7002",
            "--requirepass",
            "a b",
            "--bind",
            "::1",
            "127.0.0.1",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        assert_eq!(
            options_text(&opts),
            b"port 7002\nrequirepass \"a b\"\nbind ::1 127.0.0.1".to_vec()
        );
        let s = load(None, &opts).expect("valid");
        assert_eq!((s.port, s.bind.len()), (7002, 2));
        assert_eq!(s.requirepass.as_deref(), Some(&b"a b"[..]));
    }

    #[test]
    fn loadmodule_lines_are_queued_in_order_with_their_line() {
        let s = from_text("port 7000\nloadmodule /m/a.so x \"y z\" \"\"\nloadmodule /m/b.so\n")
            .expect("valid");
        let got: Vec<_> = s
            .loadmodule
            .iter()
            .map(|l| (l.path.clone(), l.args.clone(), l.origin.clone()))
            .collect();
        let at = |line| modules_core::Origin::ConfigFile {
            file: modules_core::ConfigFile::Main,
            line,
        };
        assert_eq!(
            got,
            [
                (
                    b"/m/a.so".to_vec(),
                    vec![b"x".to_vec(), b"y z".to_vec(), Vec::new()],
                    at(2)
                ),
                (b"/m/b.so".to_vec(), Vec::new(), at(3)),
            ]
        );
        assert_eq!(
            reason("loadmodule"),
            (1, "Bad directive or wrong number of arguments".into())
        );
    }

    #[test]
    fn includes_are_read_in_place_with_globs() {
        let dir = std::env::temp_dir().join(format!("server-smol-conf-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("conf.d")).expect("mkdir");
        std::fs::write(dir.join("conf.d/a.conf"), "port 7100\n").expect("write");
        std::fs::write(dir.join("conf.d/b.conf"), "timeout 5\n").expect("write");
        let main = dir.join("main.conf");
        std::fs::write(
            &main,
            format!("port 1\ninclude {}/conf.d/*.conf\nhz 20\n", dir.display()),
        )
        .expect("write");
        let s = load(Some(&main), &[]).expect("valid");
        assert_eq!((s.port, s.timeout, s.hz), (7100, 5, 20));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn a_missing_file_is_reported() {
        let err = load(Some(Path::new("/nonexistent/x.conf")), &[]).expect_err("missing");
        assert!(
            err.to_string()
                .starts_with("Fatal error, can't open config file '/nonexistent/x.conf': "),
            "{err}"
        );
    }
}
