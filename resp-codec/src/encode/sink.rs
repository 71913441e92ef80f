//! Where encoded bytes go.

use crate::error::EncodeError;

/// A destination for encoded bytes.
///
/// Writes are all or nothing per call: a sink that cannot take the whole slice takes none of
/// it and answers [`EncodeError::BufferTooSmall`].
pub trait Sink {
    /// Appends `bytes`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] when the sink is full.
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError>;
}

#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

#[cfg(feature = "bytes")]
impl Sink for bytes::BytesMut {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// A [`Sink`] over caller-provided memory. It never panics: a write that does not fit is
/// refused whole with [`EncodeError::BufferTooSmall`].
///
/// ```
/// use resp_codec::{Encoder, Protocol, SliceSink};
///
/// let mut mem = [0u8; 16];
/// let mut sink = SliceSink::new(&mut mem);
/// Encoder::new(Protocol::Resp3).integer(&mut sink, 42)?;
/// assert_eq!(sink.written(), b":42\r\n");
/// # Ok::<(), resp_codec::EncodeError>(())
/// ```
#[derive(Debug)]
pub struct SliceSink<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SliceSink<'a> {
    /// A sink that writes from the start of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// How many bytes have been written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let end = self.len + bytes.len();
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(EncodeError::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// A [`Sink`] that only counts: the `encoded_len` of anything is what it counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    /// Bytes counted so far.
    pub len: usize,
}

impl Sink for Counter {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.len += bytes.len();
        Ok(())
    }
}
