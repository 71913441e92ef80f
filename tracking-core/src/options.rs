//! `CLIENT TRACKING` arguments: parsing and the checks that do not depend on the client's state.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::error::TrackingError;
use crate::id::{ClientId, Connections};

/// The options of `CLIENT TRACKING ON`.
///
/// Build one directly when tracking is driven by something other than the command (a library
/// cache), or get one from [`TrackingCommand::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackingOptions {
    /// `REDIRECT id`: invalidations go to this client instead.
    pub redirect: Option<ClientId>,
    /// `BCAST`: announce every change under the prefixes, whether or not the client read it.
    pub bcast: bool,
    /// `OPTIN`: record reads only after `CLIENT CACHING yes`.
    pub optin: bool,
    /// `OPTOUT`: record reads except after `CLIENT CACHING no`.
    pub optout: bool,
    /// `NOLOOP`: do not tell the client about its own changes.
    pub noloop: bool,
    /// `PREFIX p`, in the order given. BCAST with none means the empty prefix.
    pub prefixes: Vec<Box<[u8]>>,
}

/// A parsed `CLIENT TRACKING ON|OFF …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackingCommand {
    /// `ON` with its options.
    On(TrackingOptions),
    /// `OFF`. Valid options are accepted and ignored, as Valkey does.
    Off,
}

impl TrackingCommand {
    /// Parses the arguments after `CLIENT TRACKING` (the status first, then the options), with
    /// Valkey's checks in Valkey's order: every option is parsed before the status is looked at,
    /// and a `REDIRECT` target must be connected when it is parsed.
    ///
    /// ```
    /// use tracking_core::{ClientId, TrackingCommand, TrackingError};
    /// let connected = |id: ClientId| id.get() == 5;
    /// let on = TrackingCommand::parse(&["on", "redirect", "5", "noloop"], &connected).unwrap();
    /// let TrackingCommand::On(options) = on else { unreachable!() };
    /// assert_eq!(options.redirect, ClientId::new(5));
    /// assert!(options.noloop);
    /// assert_eq!(
    ///     TrackingCommand::parse(&["maybe", "redirect", "6"], &connected),
    ///     Err(TrackingError::NoSuchRedirect),
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// The first of [`TrackingError::WrongArity`], [`Syntax`](TrackingError::Syntax),
    /// [`NotAnInteger`](TrackingError::NotAnInteger),
    /// [`RedirectTwice`](TrackingError::RedirectTwice) and
    /// [`NoSuchRedirect`](TrackingError::NoSuchRedirect) that applies. Checks that depend on
    /// the client's current state are made by [`Tracker::enable`](crate::Tracker::enable).
    pub fn parse<A: AsRef<[u8]>>(
        args: &[A],
        connections: &impl Connections,
    ) -> Result<Self, TrackingError> {
        let Some((status, options)) = args.split_first() else {
            return Err(TrackingError::WrongArity);
        };
        let mut parsed = TrackingOptions::default();
        let mut rest = options.iter().map(AsRef::as_ref);
        while let Some(option) = rest.next() {
            let has_value = rest.len() > 0;
            if option.eq_ignore_ascii_case(b"redirect") && has_value {
                let value = rest.next().unwrap_or_default();
                if parsed.redirect.is_some() {
                    return Err(TrackingError::RedirectTwice);
                }
                let id = parse_i64(value).ok_or(TrackingError::NotAnInteger)?;
                parsed.redirect = u64::try_from(id)
                    .ok()
                    .and_then(ClientId::new)
                    .filter(|&id| connections.is_connected(id));
                if parsed.redirect.is_none() {
                    return Err(TrackingError::NoSuchRedirect);
                }
            } else if option.eq_ignore_ascii_case(b"bcast") {
                parsed.bcast = true;
            } else if option.eq_ignore_ascii_case(b"optin") {
                parsed.optin = true;
            } else if option.eq_ignore_ascii_case(b"optout") {
                parsed.optout = true;
            } else if option.eq_ignore_ascii_case(b"noloop") {
                parsed.noloop = true;
            } else if option.eq_ignore_ascii_case(b"prefix") && has_value {
                parsed.prefixes.push(rest.next().unwrap_or_default().into());
            } else {
                return Err(TrackingError::Syntax);
            }
        }
        let status = status.as_ref();
        if status.eq_ignore_ascii_case(b"on") {
            Ok(Self::On(parsed))
        } else if status.eq_ignore_ascii_case(b"off") {
            Ok(Self::Off)
        } else {
            Err(TrackingError::Syntax)
        }
    }
}

/// Valkey's `string2ll`: optional `-`, no `+`, no leading zeros (except "0"), no spaces, at most
/// 20 bytes, within `i64`.
pub(crate) fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', digits)) => (true, digits),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut magnitude: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connected(id: ClientId) -> bool {
        matches!(id.get(), 5 | 6)
    }

    fn parse(args: &[&str]) -> Result<TrackingCommand, TrackingError> {
        TrackingCommand::parse(args, &connected)
    }

    fn id(n: u64) -> ClientId {
        ClientId::new(n).unwrap()
    }

    macro_rules! vectors {
        ($($name:ident: $args:expr => $expect:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(parse(&$args), $expect);
            }
        )*};
    }

    vectors! {
        status_and_options_are_case_insensitive: ["On", "BcAsT", "nOlOoP"] => Ok(TrackingCommand::On(
            TrackingOptions { bcast: true, noloop: true, ..TrackingOptions::default() }));
        off_accepts_and_ignores_valid_options: ["off", "bcast", "prefix", "a"] => Ok(TrackingCommand::Off);
        no_status_is_an_arity_error: [] => Err(TrackingError::WrongArity);
        unknown_option_is_a_syntax_error: ["on", "bogus"] => Err(TrackingError::Syntax);
        redirect_without_value_is_a_syntax_error: ["on", "redirect"] => Err(TrackingError::Syntax);
        prefix_without_value_is_a_syntax_error: ["on", "bcast", "prefix"] => Err(TrackingError::Syntax);
        unknown_status_is_a_syntax_error: ["maybe", "noloop"] => Err(TrackingError::Syntax);
        options_are_checked_before_the_status: ["maybe", "redirect", "99"] => Err(TrackingError::NoSuchRedirect);
        redirect_must_be_an_integer: ["on", "redirect", "x"] => Err(TrackingError::NotAnInteger);
        redirect_rejects_a_plus_sign: ["on", "redirect", "+5"] => Err(TrackingError::NotAnInteger);
        redirect_rejects_leading_zeros: ["on", "redirect", "05"] => Err(TrackingError::NotAnInteger);
        redirect_rejects_overflow: ["on", "redirect", "9223372036854775808"] => Err(TrackingError::NotAnInteger);
        redirect_zero_does_not_exist: ["on", "redirect", "0"] => Err(TrackingError::NoSuchRedirect);
        redirect_negative_does_not_exist: ["on", "redirect", "-5"] => Err(TrackingError::NoSuchRedirect);
        redirect_unknown_does_not_exist: ["on", "redirect", "7"] => Err(TrackingError::NoSuchRedirect);
        second_redirect_is_refused_before_its_value_is_read: ["on", "redirect", "5", "redirect", "x"] => Err(TrackingError::RedirectTwice);
        second_redirect_after_a_failed_first_is_never_reached: ["on", "redirect", "0", "redirect", "5"] => Err(TrackingError::NoSuchRedirect);
        redirect_and_prefixes_are_kept: ["ON", "REDIRECT", "6", "BCAST", "PREFIX", "a", "PREFIX", "b"] =>
            Ok(TrackingCommand::On(TrackingOptions {
                redirect: Some(id(6)),
                bcast: true,
                prefixes: alloc::vec![(*b"a").into(), (*b"b").into()],
                ..TrackingOptions::default()
            }));
        prefix_value_may_look_like_an_option: ["on", "bcast", "prefix", "noloop"] =>
            Ok(TrackingCommand::On(TrackingOptions {
                bcast: true,
                prefixes: alloc::vec![(*b"noloop").into()],
                ..TrackingOptions::default()
            }));
        optin_and_optout_parse_and_are_judged_later: ["on", "optin", "optout"] =>
            Ok(TrackingCommand::On(TrackingOptions { optin: true, optout: true, ..TrackingOptions::default() }));
    }

    #[test]
    fn integers_follow_string2ll() {
        let table: &[(&[u8], Option<i64>)] = &[
            (b"0", Some(0)),
            (b"-0", None),
            (b"", None),
            (b"-", None),
            (b" 1", None),
            (b"1 ", None),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"-9223372036854775808", Some(i64::MIN)),
            (b"-9223372036854775809", None),
            (b"000000000000000000001", None),
            (b"12a", None),
        ];
        for (input, expect) in table {
            assert_eq!(
                parse_i64(input),
                *expect,
                "{:?}",
                core::str::from_utf8(input)
            );
        }
    }
}
