//! The upgrade conversation's framing: every message is a RESP multibulk of bulk strings,
//! the request format, so both sides parse with `resp-codec`'s [`RequestParser`].

use std::io::{self, Read};

use resp_codec::{RequestParser, Span, Status};

/// Appends `args` as a RESP multibulk request.
pub(crate) fn put(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.push(b'*');
    out.extend_from_slice(args.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    for a in args {
        out.push(b'$');
        out.extend_from_slice(a.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// A parser with no size limits of its own: both sides are this server, and a value may be
/// as large as the old process's `proto-max-bulk-len` allowed.
fn parser() -> RequestParser {
    RequestParser::new().max_bulk_len(u64::MAX)
}

/// Buffered messages read from a stream.
#[derive(Debug, Default)]
pub(crate) struct Inbox {
    buf: Vec<u8>,
    start: usize,
    spans: Vec<Span>,
}

impl Inbox {
    /// Bytes already read past the last message (e.g. with the descriptors).
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole message already buffered, handed to `f`; `Ok(None)` if more bytes are
    /// needed.
    ///
    /// # Errors
    ///
    /// A message that does not parse.
    pub(crate) fn take<R>(&mut self, f: impl FnOnce(&[&[u8]]) -> R) -> Result<Option<R>, String> {
        loop {
            let rest = &mut self.buf[self.start..];
            match parser().parse(rest, &mut self.spans) {
                Ok(Status::Partial) => {
                    self.compact();
                    return Ok(None);
                }
                Ok(Status::Complete(used)) if self.spans.is_empty() => self.start += used,
                Ok(Status::Complete(used)) => {
                    let msg = &rest[..used];
                    let args: Vec<&[u8]> = self.spans.iter().map(|s| s.of(msg)).collect();
                    let r = f(&args);
                    self.start += used;
                    return Ok(Some(r));
                }
                Err(e) => {
                    return Err(format!(
                        "bad upgrade message: {}",
                        String::from_utf8_lossy(e.reply().as_bytes())
                    ));
                }
            }
        }
    }

    /// Drops the bytes already taken.
    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
    }

    /// Reads from a blocking stream until a whole message is there, and hands it to `f`.
    ///
    /// # Errors
    ///
    /// A read error, the end of the stream, or a message that does not parse.
    pub(crate) fn next_blocking<R>(
        &mut self,
        stream: &mut impl Read,
        f: impl FnOnce(&[&[u8]]) -> R,
    ) -> Result<R, String> {
        let mut f = Some(f);
        loop {
            if let Some(r) = self.take(|a| f.take().map(|f| f(a)))? {
                return r.ok_or_else(|| "upgrade message handled twice".to_string());
            }
            let mut chunk = [0u8; 64 * 1024];
            match stream.read(&mut chunk) {
                Ok(0) => return Err("the other process closed the upgrade connection".into()),
                Ok(n) => self.feed(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("reading the upgrade connection: {e}")),
            }
        }
    }
}

/// Owned arguments (for messages kept past their buffer).
pub(crate) fn owned(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_the_inbox_whatever_the_split() {
        let mut wire = Vec::new();
        put(&mut wire, &[b"UPGRADE", b"DUMP"]);
        put(&mut wire, &[b"SET", b"k", b"a\r\nb"]);
        for cut in 0..wire.len() {
            let mut inbox = Inbox::default();
            let mut got = Vec::new();
            for part in [&wire[..cut], &wire[cut..]] {
                inbox.feed(part);
                while let Some(m) = inbox.take(owned).expect("parses") {
                    got.push(m);
                }
            }
            assert_eq!(got.len(), 2, "cut at {cut}");
            assert_eq!(
                got[1],
                vec![b"SET".to_vec(), b"k".to_vec(), b"a\r\nb".to_vec()]
            );
        }
    }

    #[test]
    fn a_closed_stream_is_an_error_not_a_message() {
        let mut inbox = Inbox::default();
        let err = inbox
            .next_blocking(&mut &b"*1\r\n$4\r\nPI"[..], owned)
            .expect_err("incomplete");
        assert!(err.contains("closed"), "{err}");
    }
}
