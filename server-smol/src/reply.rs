//! The connection's reply sink: every [`ReplySink`] call is encoded straight into the output
//! buffer in the connection's protocol by resp-codec's [`Encoder`]. No reply tree is built.

use keyspace::{Error, ReplySink};
use resp_codec::{EncodeError, Encoder, Protocol};

/// A connection's output buffer and the protocol it is written in.
#[derive(Debug, Default)]
pub(crate) struct Reply {
    /// Bytes waiting to be written to the socket.
    pub(crate) buf: Vec<u8>,
    enc: Encoder,
    /// Error replies written so far (INFO `total_error_replies`); the caller takes them.
    pub(crate) errors: u64,
    /// The code (first word) of each error written since the caller last took them (INFO
    /// errorstats).
    pub(crate) error_codes: Vec<Box<str>>,
}

/// The code INFO errorstats counts an error under (Valkey's `afterErrorReply`): its first word
/// if a space comes within its first 31 bytes, else `ERR`.
fn error_code(text: &[u8]) -> Box<str> {
    text.iter().take(31).position(|&b| b == b' ').map_or_else(
        || "ERR".into(),
        |at| String::from_utf8_lossy(&text[..at]).into(),
    )
}

/// Encoding into a `Vec` fails only on input a handler must never give (a CR or LF in a
/// simple string); the reply would be corrupt, so that is a bug.
fn check(r: Result<(), EncodeError>) {
    debug_assert!(r.is_ok(), "reply encoding failed: {r:?}");
}

impl Reply {
    /// An empty buffer that writes RESP2.
    pub(crate) fn new() -> Self {
        Self {
            buf: Vec::with_capacity(16 * 1024),
            enc: Encoder::new(Protocol::Resp2),
            errors: 0,
            error_codes: Vec::new(),
        }
    }

    /// Switches the protocol for the replies that follow (HELLO, RESET).
    pub(crate) fn set_protocol(&mut self, proto: Protocol) {
        self.enc = Encoder::new(proto);
    }

    /// An error reply with its full text (`ERR ...`, `NOAUTH ...`); CR and LF become spaces.
    pub(crate) fn error_text(&mut self, text: &str) {
        self.error_bytes(text.as_bytes());
    }

    /// [`Self::error_text`] for text that may not be UTF-8 (a protocol error quotes a raw byte).
    pub(crate) fn error_bytes(&mut self, text: &[u8]) {
        self.errors += 1;
        self.error_codes.push(error_code(text));
        self.buf.push(b'-');
        self.buf.extend(
            text.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string of UTF-8 text.
    pub(crate) fn bulk_str(&mut self, s: &str) {
        self.bulk(s.as_bytes());
    }
}

impl ReplySink for Reply {
    fn resp3(&self) -> bool {
        self.enc.protocol() == Protocol::Resp3
    }

    fn simple(&mut self, s: &str) {
        check(self.enc.simple_string(&mut self.buf, s.as_bytes()));
    }

    fn error(&mut self, e: &Error<'_>) {
        self.errors += 1;
        self.buf.push(b'-');
        let start = self.buf.len();
        let buf = &mut self.buf;
        e.write_text(&mut |b: &[u8]| buf.extend_from_slice(b));
        self.error_codes.push(error_code(&self.buf[start..]));
        self.buf.extend_from_slice(b"\r\n");
    }

    fn integer(&mut self, v: i64) {
        check(self.enc.integer(&mut self.buf, v));
    }

    fn bulk(&mut self, b: &[u8]) {
        check(self.enc.bulk_string(&mut self.buf, b));
    }

    fn null(&mut self) {
        check(self.enc.null(&mut self.buf));
    }

    fn null_array(&mut self) {
        check(self.enc.null_array(&mut self.buf));
    }

    fn array(&mut self, len: usize) {
        check(self.enc.array_len(&mut self.buf, len));
    }

    fn map(&mut self, len: usize) {
        check(self.enc.map_len(&mut self.buf, len));
    }

    fn set(&mut self, len: usize) {
        check(self.enc.set_len(&mut self.buf, len));
    }

    fn push(&mut self, len: usize) {
        // RESP2 has no push type: Valkey sends RESP2 pub/sub messages as plain arrays.
        let r = match self.enc.protocol() {
            Protocol::Resp3 => self.enc.push_len(&mut self.buf, len),
            Protocol::Resp2 => self.enc.array_len(&mut self.buf, len),
        };
        check(r);
    }

    fn double(&mut self, v: f64) {
        check(self.enc.double(&mut self.buf, v));
    }

    fn boolean(&mut self, v: bool) {
        check(self.enc.boolean(&mut self.buf, v));
    }

    fn big_number(&mut self, digits: &[u8]) {
        check(self.enc.big_number(&mut self.buf, digits));
    }

    fn verbatim(&mut self, format: &[u8; 3], text: &[u8]) {
        check(self.enc.verbatim(&mut self.buf, *format, text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_in_the_connection_protocol() {
        let mut r = Reply::new();
        r.map(1);
        r.bulk(b"k");
        r.null();
        r.push(1);
        r.integer(1);
        assert_eq!(r.buf, b"*2\r\n$1\r\nk\r\n$-1\r\n*1\r\n:1\r\n");
        r.buf.clear();
        r.set_protocol(Protocol::Resp3);
        r.map(1);
        r.bulk(b"k");
        r.null();
        r.push(1);
        r.double(1.5);
        assert_eq!(r.buf, b"%1\r\n$1\r\nk\r\n_\r\n>1\r\n,1.5\r\n");
    }

    #[test]
    fn errors_are_one_line_and_counted() {
        let mut r = Reply::new();
        r.error_text("ERR a\r\nb");
        r.error(&Error::WrongArity { command: "get" });
        assert_eq!(
            r.buf,
            b"-ERR a  b\r\n-ERR wrong number of arguments for 'get' command\r\n".to_vec()
        );
        assert_eq!(r.errors, 2);
        assert_eq!(r.error_codes, ["ERR".into(), "ERR".into()]);
        r.error_text("WRONGTYPE Operation against a key");
        r.error_text("NOSPACEINTHEFIRSTTHIRTYONEBYTES_AT_ALL x");
        assert_eq!(r.error_codes[2..], ["WRONGTYPE".into(), "ERR".into()]);
    }
}
