//! The options and reply shared by HSCAN, SSCAN and ZSCAN (Valkey's `scanGenericCommand`).

use alloc::boxed::Box;

use super::{int_arg, is};
use crate::error::Error;
use crate::glob;
use crate::num;
use crate::packed::Elem;
use crate::reply::ReplySink;

/// `[MATCH pattern] [COUNT count] [NOVALUES]`.
pub(super) struct ScanArgs<'a> {
    pub(super) count: usize,
    pattern: Option<&'a [u8]>,
    pub(super) no_values: bool,
}

impl<'a> ScanArgs<'a> {
    /// Parses the options after the cursor; `hash` allows NOVALUES.
    pub(super) fn parse(opts: &[&'a [u8]], hash: bool) -> Result<Self, Error<'static>> {
        let mut s = Self {
            count: 10,
            pattern: None,
            no_values: false,
        };
        let mut j = 0;
        while j < opts.len() {
            let more = j + 1 < opts.len();
            if is(opts[j], "count") && more {
                let c = int_arg(opts[j + 1])?;
                if c < 1 {
                    return Err(Error::Syntax);
                }
                s.count = usize::try_from(c).unwrap_or(usize::MAX);
                j += 2;
            } else if is(opts[j], "match") && more {
                s.pattern = Some(opts[j + 1]).filter(|p| *p != b"*");
                j += 2;
            } else if is(opts[j], "novalues") {
                if !hash {
                    return Err(Error::NoValuesOnlyHscan);
                }
                s.no_values = true;
                j += 1;
            } else {
                return Err(Error::Syntax);
            }
        }
        Ok(s)
    }

    /// Whether a member or field passes MATCH.
    pub(super) fn matches(&self, b: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob::matches(p, b))
    }
}

/// An item of a SCAN reply.
pub(super) trait ScanItem {
    fn reply(&self, out: &mut dyn ReplySink);
}

impl ScanItem for &[u8] {
    fn reply(&self, out: &mut dyn ReplySink) {
        out.bulk(self);
    }
}

impl ScanItem for Box<[u8]> {
    fn reply(&self, out: &mut dyn ReplySink) {
        out.bulk(self);
    }
}

impl ScanItem for Elem<'_> {
    fn reply(&self, out: &mut dyn ReplySink) {
        self.with(|b| out.bulk(b));
    }
}

/// `[cursor, [items...]]`.
pub(super) fn reply_scan<B: ScanItem>(out: &mut dyn ReplySink, next: u64, items: &[B]) {
    out.array(2);
    out.bulk(num::format_u64(next).as_bytes());
    out.array(items.len());
    for b in items {
        b.reply(out);
    }
}
