//! Typed command errors and the one place their Valkey texts live.

use core::fmt;

/// An error a command replies with. [`Error::static_text`] and [`Error::write_text`] give the exact
/// Valkey 8 text (with its `ERR `/`WRONGTYPE ` code), so the server never spells an error itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error<'a> {
    /// The key holds a value of another type.
    WrongType,
    /// An argument or the stored value is not a 64-bit integer.
    NotAnInteger,
    /// An argument or the stored value is not a valid float.
    NotAFloat,
    /// An integer argument is outside the range the command accepts (`getIntFromObject`).
    OutOfRange,
    /// The options do not parse.
    Syntax,
    /// The argument count does not match the command's arity.
    WrongArity {
        /// The command's full name (`get`, `object|encoding`).
        command: &'a str,
    },
    /// A relative or absolute expire time that is not positive or overflows.
    InvalidExpireTime {
        /// The command's full name.
        command: &'a str,
    },
    /// INCR/INCRBY/DECR/DECRBY would leave the `i64` range.
    IncrOverflow,
    /// DECRBY with `i64::MIN`.
    DecrOverflow,
    /// INCRBYFLOAT would produce NaN or an infinity.
    NanOrInfinity,
    /// The resulting string would exceed `proto-max-bulk-len`.
    StringTooLong,
    /// A negative SETRANGE offset.
    OffsetOutOfRange,
    /// RENAME of a missing key.
    NoSuchKey,
    /// MOVE to the same database, COPY onto itself.
    SameObject,
    /// A database number outside `0..databases`.
    DbIndexOutOfRange,
    /// SWAPDB's first index is not an integer.
    InvalidFirstDbIndex,
    /// SWAPDB's second index is not an integer.
    InvalidSecondDbIndex,
    /// A SCAN cursor that is not an unsigned 64-bit integer.
    InvalidCursor,
    /// EXPIRE with NX and another condition.
    ExpireNxWithOthers,
    /// EXPIRE with both GT and LT.
    ExpireGtAndLt,
    /// EXPIRE with an unknown option.
    UnsupportedOption {
        /// The option as given.
        option: &'a [u8],
    },
    /// LCS of a key that holds a non-string.
    LcsNotStrings,
    /// LCS with both LEN and IDX.
    LcsLenAndIdx,
    /// LCS whose table would exceed `proto-max-bulk-len`.
    LcsTooLarge,
    /// OBJECT FREQ while the maxmemory policy is not LFU.
    LfuNotSelected,
    /// OBJECT IDLETIME while the maxmemory policy is LFU.
    LruNotSelected,
    /// A count or length that must not be negative (`getPositiveLongFromObjectOrReply`).
    MustBePositive,
    /// An integer outside `-i64::MAX..=i64::MAX` where Valkey asks for that range (LREM count,
    /// LPOS RANK).
    OutOfLongRange,
    /// LSET with an index past either end.
    IndexOutOfRange,
    /// LPOS RANK 0.
    RankZero,
    /// LPOS COUNT below zero.
    CountNegative,
    /// LPOS MAXLEN below zero.
    MaxlenNegative,
    /// LMPOP/ZMPOP numkeys below one.
    NumkeysNotPositive,
    /// LMPOP/ZMPOP COUNT below one.
    CountNotPositive,
    /// ZADD with both XX and NX.
    ZaddXxAndNx,
    /// ZADD with GT, LT and NX combined.
    ZaddGtLtNx,
    /// ZADD INCR with more than one pair.
    ZaddIncrPairs,
    /// ZADD INCR / ZINCRBY whose result is NaN.
    ScoreNan,
    /// A score range bound that is not a float.
    MinMaxNotFloat,
    /// A lex range bound that is not `-`, `+`, `[x` or `(x`.
    MinMaxNotLex,
    /// ZRANGE LIMIT without BYSCORE or BYLEX.
    LimitNeedsByscoreOrBylex,
    /// ZRANGE BYLEX WITHSCORES.
    WithscoresWithBylex,
    /// ZUNION/ZINTER/ZDIFF (and their STORE forms, ZINTERCARD) with numkeys below one.
    AtLeastOneInputKey {
        /// The command's full name.
        command: &'a str,
    },
    /// A WEIGHTS value that is not a float.
    WeightNotFloat,
    /// SSCAN/ZSCAN with NOVALUES.
    NoValuesOnlyHscan,
    /// HINCRBYFLOAT with an infinite increment.
    NanOrInfinityValue,
    /// HINCRBY on a field whose value is not an integer.
    HashValueNotInteger,
    /// HINCRBYFLOAT on a field whose value is not a float.
    HashValueNotFloat,
    /// SINTERCARD/ZINTERCARD/ZMPOP numkeys larger than the arguments that follow.
    NumkeysTooMany,
    /// SINTERCARD/ZINTERCARD LIMIT below zero.
    LimitNegative,
    /// COPY of a module data type's value (the host does not duplicate them).
    ModuleCopy,
    /// A container command (OBJECT, MEMORY) with an unknown subcommand.
    UnknownSubcommand {
        /// The container's name as given (written uppercase: `OBJECT`).
        command: &'a [u8],
        /// The subcommand as given.
        subcommand: &'a [u8],
    },
    /// A command name the table does not know.
    UnknownCommand {
        /// The name as given.
        name: &'a [u8],
        /// The arguments after the name.
        args: &'a [&'a [u8]],
    },
}

impl Error<'_> {
    /// The full error text when it does not depend on arguments (the hot path: write it as is).
    #[must_use]
    pub const fn static_text(&self) -> Option<&'static str> {
        Some(match self {
            Self::WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value",
            Self::NotAnInteger => "ERR value is not an integer or out of range",
            Self::NotAFloat => "ERR value is not a valid float",
            Self::OutOfRange => "ERR value is out of range",
            Self::Syntax => "ERR syntax error",
            Self::IncrOverflow => "ERR increment or decrement would overflow",
            Self::DecrOverflow => "ERR decrement would overflow",
            Self::NanOrInfinity => "ERR increment would produce NaN or Infinity",
            Self::StringTooLong => "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
            Self::OffsetOutOfRange => "ERR offset is out of range",
            Self::NoSuchKey => "ERR no such key",
            Self::SameObject => "ERR source and destination objects are the same",
            Self::ModuleCopy => "ERR not supported for this module key",
            Self::DbIndexOutOfRange => "ERR DB index is out of range",
            Self::InvalidFirstDbIndex => "ERR invalid first DB index",
            Self::InvalidSecondDbIndex => "ERR invalid second DB index",
            Self::InvalidCursor => "ERR invalid cursor",
            Self::ExpireNxWithOthers => {
                "ERR NX and XX, GT or LT options at the same time are not compatible"
            }
            Self::ExpireGtAndLt => "ERR GT and LT options at the same time are not compatible",
            Self::LcsNotStrings => "ERR The specified keys must contain string values",
            Self::LcsLenAndIdx => {
                "ERR If you want both the length and indexes, please just use IDX."
            }
            Self::LcsTooLarge => {
                "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
            }
            Self::LfuNotSelected => {
                "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
            }
            Self::LruNotSelected => {
                "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
            }
            Self::MustBePositive => "ERR value is out of range, must be positive",
            Self::OutOfLongRange => {
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
            }
            Self::IndexOutOfRange => "ERR index out of range",
            Self::RankZero => {
                "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
            }
            Self::CountNegative => "ERR COUNT can't be negative",
            Self::MaxlenNegative => "ERR MAXLEN can't be negative",
            Self::NumkeysNotPositive => "ERR numkeys should be greater than 0",
            Self::CountNotPositive => "ERR count should be greater than 0",
            Self::ZaddXxAndNx => "ERR XX and NX options at the same time are not compatible",
            Self::ZaddGtLtNx => "ERR GT, LT, and/or NX options at the same time are not compatible",
            Self::ZaddIncrPairs => "ERR INCR option supports a single increment-element pair",
            Self::ScoreNan => "ERR resulting score is not a number (NaN)",
            Self::MinMaxNotFloat => "ERR min or max is not a float",
            Self::MinMaxNotLex => "ERR min or max not valid string range item",
            Self::LimitNeedsByscoreOrBylex => {
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
            }
            Self::WithscoresWithBylex => {
                "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
            }
            Self::WeightNotFloat => "ERR weight value is not a float",
            Self::NoValuesOnlyHscan => "ERR NOVALUES option can only be used in HSCAN",
            Self::NanOrInfinityValue => "ERR value is NaN or Infinity",
            Self::HashValueNotInteger => "ERR hash value is not an integer",
            Self::HashValueNotFloat => "ERR hash value is not a float",
            Self::NumkeysTooMany => "ERR Number of keys can't be greater than number of args",
            Self::LimitNegative => "ERR LIMIT can't be negative",
            Self::WrongArity { .. }
            | Self::InvalidExpireTime { .. }
            | Self::AtLeastOneInputKey { .. }
            | Self::UnsupportedOption { .. }
            | Self::UnknownSubcommand { .. }
            | Self::UnknownCommand { .. } => return None,
        })
    }

    /// Writes the full error text (without the leading `-` or trailing CRLF) as bytes. User bytes
    /// are copied as Valkey copies them, with CR and LF turned into spaces so the line stays one line.
    pub fn write_text(&self, out: &mut dyn FnMut(&[u8])) {
        if let Some(t) = self.static_text() {
            out(t.as_bytes());
            return;
        }
        let mut user = |b: &[u8], max: usize| {
            let b = &b[..b.len().min(max)];
            for chunk in b.split_inclusive(|&c| c == b'\r' || c == b'\n') {
                match chunk.split_last() {
                    Some((&(b'\r' | b'\n'), head)) => {
                        out(head);
                        out(b" ");
                    }
                    _ => out(chunk),
                }
            }
        };
        match *self {
            Self::WrongArity { command } => {
                user(b"ERR wrong number of arguments for '", usize::MAX);
                user(command.as_bytes(), usize::MAX);
                user(b"' command", usize::MAX);
            }
            Self::InvalidExpireTime { command } => {
                user(b"ERR invalid expire time in '", usize::MAX);
                user(command.as_bytes(), usize::MAX);
                user(b"' command", usize::MAX);
            }
            Self::AtLeastOneInputKey { command } => {
                user(b"ERR at least 1 input key is needed for '", usize::MAX);
                user(command.as_bytes(), usize::MAX);
                user(b"' command", usize::MAX);
            }
            Self::UnsupportedOption { option } => {
                user(b"ERR Unsupported option ", usize::MAX);
                user(option, usize::MAX);
            }
            Self::UnknownSubcommand {
                command,
                subcommand,
            } => {
                user(b"ERR unknown subcommand '", usize::MAX);
                user(subcommand, 128);
                user(b"'. Try ", usize::MAX);
                for &c in command {
                    user(&[c.to_ascii_uppercase()], usize::MAX);
                }
                user(b" HELP.", usize::MAX);
            }
            Self::UnknownCommand { name, args } => {
                user(b"ERR unknown command '", usize::MAX);
                user(name, 128);
                user(b"', with args beginning with: ", usize::MAX);
                // Valkey lists arguments while the text so far stays under 128 bytes of them.
                let mut budget = 128usize;
                for a in args {
                    if budget == 0 {
                        break;
                    }
                    let take = a.len().min(budget);
                    user(b"'", usize::MAX);
                    user(&a[..take], usize::MAX);
                    user(b"' ", usize::MAX);
                    budget = budget.saturating_sub(take + 3);
                }
            }
            _ => {}
        }
    }
}

impl fmt::Display for Error<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        self.write_text(&mut |b: &[u8]| {
            if result.is_ok() {
                for chunk in b.utf8_chunks() {
                    result = f.write_str(chunk.valid());
                    if result.is_ok() && !chunk.invalid().is_empty() {
                        result = f.write_str("\u{FFFD}");
                    }
                }
            }
        });
        result
    }
}

impl core::error::Error for Error<'_> {}

#[cfg(test)]
mod tests {
    use super::Error;
    use alloc::string::ToString;

    #[test]
    fn texts_match_valkey() {
        let cases: &[(Error<'_>, &str)] = &[
            (
                Error::WrongType,
                "WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                Error::NotAnInteger,
                "ERR value is not an integer or out of range",
            ),
            (Error::Syntax, "ERR syntax error"),
            (
                Error::InvalidExpireTime { command: "set" },
                "ERR invalid expire time in 'set' command",
            ),
            (
                Error::WrongArity {
                    command: "object|encoding",
                },
                "ERR wrong number of arguments for 'object|encoding' command",
            ),
            (
                Error::UnsupportedOption { option: b"FOO" },
                "ERR Unsupported option FOO",
            ),
            (
                Error::UnknownSubcommand {
                    command: b"object",
                    subcommand: b"a\r\nb",
                },
                "ERR unknown subcommand 'a  b'. Try OBJECT HELP.",
            ),
            (
                Error::UnknownCommand {
                    name: b"foo",
                    args: &[b"a", b"bc"],
                },
                "ERR unknown command 'foo', with args beginning with: 'a' 'bc' ",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), *text);
        }
    }
}
