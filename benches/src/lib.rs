//! Shared fixtures for the workspace benchmarks: realistic inputs, built the same way in every
//! bench so that figures compare across runs and against the peers measured beside us.

pub mod resp;
