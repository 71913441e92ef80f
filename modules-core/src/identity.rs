//! The file identity the server reads with `stat` and hands in.

/// What `stat` says about a module file, enough to notice that it was
/// replaced or rewritten: modification time, size and inode.
///
/// The registry only compares identities for equality; it never reads a file
/// or a clock. A `cp -p` that keeps the mtime still changes the inode or the
/// size in practice, which is why all three are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct FileIdentity {
    /// Modification time, whole seconds since the Unix epoch.
    pub mtime_secs: i64,
    /// Nanoseconds part of the modification time (0 where the file system
    /// has no finer resolution).
    pub mtime_nanos: u32,
    /// File size in bytes.
    pub size: u64,
    /// Inode number (with the device implied: module paths do not move
    /// between file systems while the server runs).
    pub inode: u64,
}
