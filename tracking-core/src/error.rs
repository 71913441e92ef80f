//! The errors of `CLIENT TRACKING` and `CLIENT CACHING`, with Valkey's exact reply texts.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// Why `CLIENT TRACKING` was refused. Variants are listed in the order Valkey checks them.
///
/// [`text`](Self::text) gives the exact error line the server replies with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrackingError {
    /// `CLIENT TRACKING` with no status argument.
    WrongArity,
    /// An unknown option, `REDIRECT` or `PREFIX` with no value, or a status other than ON/OFF.
    Syntax,
    /// The `REDIRECT` value is not a 64-bit integer in Valkey's strict form.
    NotAnInteger,
    /// A second `REDIRECT` after a first one that was accepted.
    RedirectTwice,
    /// The `REDIRECT` target is not a connected client (0 and negative ids included).
    NoSuchRedirect,
    /// `ON … PREFIX p` without `BCAST`.
    PrefixWithoutBcast,
    /// `ON` while already on, with a different BCAST setting.
    BcastSwitch,
    /// `ON BCAST` together with `OPTIN` or `OPTOUT`.
    BcastWithOptInOut,
    /// `OPTIN` and `OPTOUT` in one call.
    OptInAndOptOut,
    /// `OPTIN` while on in OPTOUT mode, or the other way round.
    OptSwitch,
    /// A new prefix overlaps a prefix the client already has (one is a prefix of the other).
    PrefixOverlapsExisting {
        /// The prefix given in this call.
        new: Box<[u8]>,
        /// The client's prefix it collides with.
        existing: Box<[u8]>,
    },
    /// Two prefixes given in the same call overlap.
    PrefixesOverlap {
        /// The earlier of the two.
        first: Box<[u8]>,
        /// The later of the two.
        second: Box<[u8]>,
    },
}

impl TrackingError {
    /// The exact error Valkey replies with, without the leading `-` and the trailing CRLF.
    ///
    /// Prefixes are quoted as Valkey's `%s` prints them: up to their first NUL byte.
    ///
    /// ```
    /// use tracking_core::TrackingError;
    /// assert_eq!(TrackingError::Syntax.text(), b"ERR syntax error");
    /// let e = TrackingError::PrefixesOverlap { first: (*b"a").into(), second: (*b"ab").into() };
    /// assert_eq!(
    ///     e.text(),
    ///     b"ERR Prefix 'a' overlaps with another provided prefix 'ab'. \
    ///       Prefixes for a single client must not overlap."
    /// );
    /// ```
    #[must_use]
    pub fn text(&self) -> Vec<u8> {
        match self {
            Self::PrefixOverlapsExisting { new, existing } => {
                overlap_text(new, b"' overlaps with an existing prefix '", existing)
            }
            Self::PrefixesOverlap { first, second } => {
                overlap_text(first, b"' overlaps with another provided prefix '", second)
            }
            other => other.fixed_text().as_bytes().to_vec(),
        }
    }

    fn fixed_text(&self) -> &'static str {
        match self {
            Self::WrongArity => "ERR wrong number of arguments for 'client|tracking' command",
            Self::Syntax => SYNTAX,
            Self::NotAnInteger => "ERR value is not an integer or out of range",
            Self::RedirectTwice => "ERR A client can only redirect to a single other client",
            Self::NoSuchRedirect => "ERR The client ID you want redirect to does not exist",
            Self::PrefixWithoutBcast => "ERR PREFIX option requires BCAST mode to be enabled",
            Self::BcastSwitch => {
                "ERR You can't switch BCAST mode on/off before disabling tracking for this \
                 client, and then re-enabling it with a different mode."
            }
            Self::BcastWithOptInOut => "ERR OPTIN and OPTOUT are not compatible with BCAST",
            Self::OptInAndOptOut => "ERR You can't specify both OPTIN mode and OPTOUT mode",
            Self::OptSwitch => {
                "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this \
                 client, and then re-enabling it with a different mode."
            }
            Self::PrefixOverlapsExisting { .. } | Self::PrefixesOverlap { .. } => {
                "ERR Prefix overlap"
            }
        }
    }
}

const SYNTAX: &str = "ERR syntax error";
const OVERLAP_TAIL: &[u8] = b"'. Prefixes for a single client must not overlap.";

/// `%s` stops at the first NUL byte.
fn c_str(bytes: &[u8]) -> &[u8] {
    bytes.split(|&b| b == 0).next().unwrap_or_default()
}

fn overlap_text(a: &[u8], middle: &[u8], b: &[u8]) -> Vec<u8> {
    let (a, b) = (c_str(a), c_str(b));
    let mut out = Vec::with_capacity(12 + a.len() + middle.len() + b.len() + OVERLAP_TAIL.len());
    out.extend_from_slice(b"ERR Prefix '");
    out.extend_from_slice(a);
    out.extend_from_slice(middle);
    out.extend_from_slice(b);
    out.extend_from_slice(OVERLAP_TAIL);
    out
}

impl fmt::Display for TrackingError {
    /// The reply text; bytes that are not UTF-8 print as U+FFFD.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.text().utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

impl core::error::Error for TrackingError {}

/// Why `CLIENT CACHING` was refused, in the order Valkey checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CachingError {
    /// Not exactly one argument after `CACHING`.
    WrongArity,
    /// The client does not have tracking on.
    NotTracking,
    /// `YES` while not in OPTIN mode.
    YesOutsideOptIn,
    /// `NO` while not in OPTOUT mode.
    NoOutsideOptOut,
    /// Neither `YES` nor `NO`.
    Syntax,
}

impl CachingError {
    /// The exact error Valkey replies with, without the leading `-` and the trailing CRLF.
    #[must_use]
    pub const fn text(self) -> &'static str {
        match self {
            Self::WrongArity => "ERR wrong number of arguments for 'client|caching' command",
            Self::NotTracking => {
                "ERR CLIENT CACHING can be called only when the client is in tracking mode with \
                 OPTIN or OPTOUT mode enabled"
            }
            Self::YesOutsideOptIn => {
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
            }
            Self::NoOutsideOptOut => {
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
            }
            Self::Syntax => SYNTAX,
        }
    }
}

impl fmt::Display for CachingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl core::error::Error for CachingError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    /// Every fixed text, byte for byte as the spec quotes it (§2.2, §2.8).
    #[test]
    fn fixed_texts_match_valkey() {
        let table: &[(TrackingError, &str)] = &[
            (TrackingError::Syntax, "ERR syntax error"),
            (
                TrackingError::NotAnInteger,
                "ERR value is not an integer or out of range",
            ),
            (
                TrackingError::RedirectTwice,
                "ERR A client can only redirect to a single other client",
            ),
            (
                TrackingError::NoSuchRedirect,
                "ERR The client ID you want redirect to does not exist",
            ),
            (
                TrackingError::PrefixWithoutBcast,
                "ERR PREFIX option requires BCAST mode to be enabled",
            ),
            (
                TrackingError::BcastSwitch,
                "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
            ),
            (
                TrackingError::BcastWithOptInOut,
                "ERR OPTIN and OPTOUT are not compatible with BCAST",
            ),
            (
                TrackingError::OptInAndOptOut,
                "ERR You can't specify both OPTIN mode and OPTOUT mode",
            ),
            (
                TrackingError::OptSwitch,
                "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
            ),
            (
                TrackingError::WrongArity,
                "ERR wrong number of arguments for 'client|tracking' command",
            ),
        ];
        for (error, text) in table {
            assert_eq!(error.text(), text.as_bytes(), "{error:?}");
            assert_eq!(error.to_string(), *text);
        }
    }

    #[test]
    fn caching_texts_match_valkey() {
        assert_eq!(
            CachingError::NotTracking.text(),
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
        );
        assert_eq!(
            CachingError::YesOutsideOptIn.text(),
            "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
        );
        assert_eq!(
            CachingError::NoOutsideOptOut.text(),
            "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
        );
        assert_eq!(CachingError::Syntax.text(), "ERR syntax error");
        assert_eq!(
            CachingError::WrongArity.to_string(),
            "ERR wrong number of arguments for 'client|caching' command"
        );
    }

    #[test]
    fn overlap_with_existing_names_both_prefixes() {
        let e = TrackingError::PrefixOverlapsExisting {
            new: (*b"FO").into(),
            existing: (*b"FOO").into(),
        };
        assert_eq!(
            e.text(),
            b"ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap."
        );
    }

    #[test]
    fn prefixes_print_up_to_their_first_nul_like_percent_s() {
        let e = TrackingError::PrefixesOverlap {
            first: (*b"a\0z").into(),
            second: (*b"a\0zz").into(),
        };
        assert_eq!(
            e.text(),
            b"ERR Prefix 'a' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap."
        );
    }

    #[test]
    fn display_replaces_non_utf8_bytes() {
        let e = TrackingError::PrefixesOverlap {
            first: (*b"\xff").into(),
            second: (*b"\xffx").into(),
        };
        assert!(e.to_string().starts_with("ERR Prefix '\u{FFFD}' overlaps"));
    }
}
