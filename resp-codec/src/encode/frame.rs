//! Encoding whole [`Frame`]s: `encoded_len`, then `encode` into a slice, or `encode_to` any sink.

use super::{Counter, Encoder, Protocol, Sink, SliceSink, header};
use crate::error::EncodeError;
use crate::frame::{Aggregate, Frame};

impl Frame<'_> {
    /// How many bytes [`Frame::encode`] writes for `proto`.
    ///
    /// # Errors
    ///
    /// As [`Frame::encode_to`], except that it never runs out of room.
    pub fn encoded_len(&self, proto: Protocol) -> Result<usize, EncodeError> {
        let mut counter = Counter::default();
        self.encode_to(proto, &mut counter)?;
        Ok(counter.len)
    }

    /// Encodes into `buf` and returns the number of bytes written.
    ///
    /// Never panics. With `buf.len() >= self.encoded_len(proto)?` it cannot fail for lack of
    /// room; with less it answers [`EncodeError::BufferTooSmall`].
    ///
    /// ```
    /// use resp_codec::{Frame, Protocol, decode, Status};
    ///
    /// let input = b"%1\r\n+key\r\n,2.5\r\n";
    /// let Status::Complete((frame, _)) = decode(input)? else { unreachable!() };
    /// let mut buf = [0u8; 64];
    /// let n = frame.encode(Protocol::Resp2, &mut buf)?;
    /// assert_eq!(&buf[..n], b"*2\r\n+key\r\n$3\r\n2.5\r\n");
    /// assert_eq!(frame.encoded_len(Protocol::Resp3)?, input.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Frame::encode_to`].
    pub fn encode(&self, proto: Protocol, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let mut sink = SliceSink::new(buf);
        self.encode_to(proto, &mut sink)?;
        Ok(sink.len())
    }

    /// Encodes into `out`.
    ///
    /// In RESP3 the frame is written as it is (streamed forms stay streamed; `$-1` and `*-1`
    /// stay RESP2 nulls). In RESP2 the RESP3 types are downgraded as [`Encoder`] documents,
    /// streamed strings and aggregates are written with their counted lengths, and the
    /// [`Frame::Null`] becomes `$-1`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::NotInResp2`] for push, attribute and blob error frames (anywhere inside
    /// the frame) in RESP2, or the sink's error.
    pub fn encode_to<S: Sink + ?Sized>(
        &self,
        proto: Protocol,
        out: &mut S,
    ) -> Result<(), EncodeError> {
        let enc = Encoder::new(proto);
        let resp3 = proto == Protocol::Resp3;
        match *self {
            Frame::SimpleString(s) => enc.simple_string(out, s),
            Frame::SimpleError(s) => enc.simple_error(out, s),
            Frame::Integer(n) => enc.integer(out, n),
            Frame::BulkString(s) => enc.bulk_string(out, s),
            Frame::NullBulk => out.put(b"$-1\r\n"),
            Frame::NullArray => out.put(b"*-1\r\n"),
            Frame::Null => enc.null(out),
            Frame::Boolean(b) => enc.boolean(out, b),
            Frame::Double(d) => enc.double(out, d),
            Frame::BigNumber(n) => enc.big_number(out, n),
            Frame::BlobError(s) => enc.blob_error(out, s),
            Frame::Verbatim(v) => enc.verbatim(out, v.format, v.text),
            Frame::StreamedString(chunks) => {
                if resp3 {
                    out.put(b"$?\r\n")?;
                    for chunk in chunks.iter() {
                        header(out, b';', chunk.len() as u64)?;
                        out.put(chunk)?;
                        out.put(b"\r\n")?;
                    }
                    out.put(b";0\r\n")
                } else {
                    header(out, b'$', chunks.total_len() as u64)?;
                    for chunk in chunks.iter() {
                        out.put(chunk)?;
                    }
                    out.put(b"\r\n")
                }
            }
            Frame::Array(agg) => aggregate(enc, out, b'*', agg, Encoder::array_len),
            Frame::Set(agg) => aggregate(enc, out, b'~', agg, Encoder::set_len),
            Frame::Map(agg) => aggregate(enc, out, b'%', agg, Encoder::map_len),
            Frame::Push(agg) => aggregate(enc, out, b'>', agg, Encoder::push_len),
            Frame::Attribute(agg) => aggregate(enc, out, b'|', agg, Encoder::attribute_len),
        }
    }

    /// Encodes into a new `Vec`.
    ///
    /// # Errors
    ///
    /// As [`Frame::encode_to`].
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self, proto: Protocol) -> Result<alloc::vec::Vec<u8>, EncodeError> {
        let mut out = alloc::vec::Vec::with_capacity(self.encoded_len(proto)?);
        self.encode_to(proto, &mut out)?;
        Ok(out)
    }
}

fn aggregate<S: Sink + ?Sized>(
    enc: Encoder,
    out: &mut S,
    ty: u8,
    agg: Aggregate<'_>,
    counted_header: fn(Encoder, &mut S, usize) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let streamed = agg.is_streamed() && enc.protocol() == Protocol::Resp3;
    if streamed {
        out.put(&[ty, b'?', b'\r', b'\n'])?;
    } else {
        counted_header(enc, out, agg.len())?;
    }
    for item in agg.iter() {
        item.encode_to(enc.protocol(), out)?;
    }
    if streamed {
        out.put(b".\r\n")?;
    }
    Ok(())
}
