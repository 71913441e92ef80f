//! This crate is being written; it has no public API yet.
#![no_std]
#![forbid(unsafe_code)]
