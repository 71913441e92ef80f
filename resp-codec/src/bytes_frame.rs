//! Frames whose strings share one `bytes::Bytes` buffer.

use bytes::Bytes;

use crate::decode::{Limits, Status, decode_with};
use crate::error::DecodeError;
use crate::owned::OwnedFrame;

/// An owned frame whose strings are slices of one shared [`Bytes`] buffer: no copies, and the
/// frame outlives the borrow of the input.
pub type BytesFrame = OwnedFrame<Bytes>;

/// Decodes one frame from the start of `buf`, as [`decode`](crate::decode) does, with every
/// string a [`Bytes::slice_ref`] of `buf`.
///
/// ```
/// use bytes::Bytes;
/// use resp_codec::{BytesFrame, Status, decode_bytes};
///
/// let buf = Bytes::from_static(b"$5\r\nhello\r\n");
/// let Status::Complete((frame, used)) = decode_bytes(&buf)? else { unreachable!() };
/// assert_eq!(used, 11);
/// let BytesFrame::BulkString(s) = frame else { unreachable!() };
/// assert_eq!(s, "hello");
/// # Ok::<(), resp_codec::DecodeError>(())
/// ```
///
/// # Errors
///
/// As [`decode`](crate::decode).
pub fn decode_bytes(buf: &Bytes) -> Result<Status<(BytesFrame, usize)>, DecodeError> {
    Ok(match decode_with(buf, &Limits::DEFAULT)? {
        Status::Complete((frame, used)) => {
            let frame = OwnedFrame::from_frame(&frame, |s| buf.slice_ref(s));
            Status::Complete((frame, used))
        }
        Status::Partial => Status::Partial,
    })
}
