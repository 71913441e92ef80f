//! Where the request parser puts arguments.

/// An argument's place in the buffer that was parsed: `buf[start..end]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The argument's bytes in `buf`, the buffer that was parsed (empty if `buf` is shorter).
    #[inline]
    pub fn of<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.start..self.end).unwrap_or_default()
    }

    /// The argument's length.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the argument is empty.
    pub const fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// Storage for the argument spans of one request: a `Vec<Span>` with `alloc`, a
/// `heapless::Vec<Span, N>` with `heapless`, or your own.
pub trait ArgSink {
    /// Forgets every span.
    fn clear(&mut self);

    /// Appends a span; a full store hands it back.
    ///
    /// # Errors
    ///
    /// The span, when there is no room for it.
    fn push(&mut self, span: Span) -> Result<(), Span>;

    /// A hint that `additional` spans are coming.
    fn reserve(&mut self, additional: usize) {
        let _ = additional;
    }
}

#[cfg(feature = "alloc")]
impl ArgSink for alloc::vec::Vec<Span> {
    #[inline]
    fn clear(&mut self) {
        Self::clear(self);
    }

    #[inline]
    fn push(&mut self, span: Span) -> Result<(), Span> {
        Self::push(self, span);
        Ok(())
    }

    #[inline]
    fn reserve(&mut self, additional: usize) {
        Self::reserve(self, additional);
    }
}

#[cfg(feature = "heapless")]
impl<const N: usize> ArgSink for heapless::Vec<Span, N> {
    fn clear(&mut self) {
        Self::clear(self);
    }

    fn push(&mut self, span: Span) -> Result<(), Span> {
        Self::push(self, span)
    }
}
