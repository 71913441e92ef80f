//! INFO `persistence`: this server keeps nothing on disk, so every field says what a Valkey
//! that never saved says: not loading, no save or rewrite ever ran or runs, AOF off. Tools
//! and client libraries read `loading` to know the server is ready.

use core::fmt::Write;

/// Appends the section's fields: `dirty` changes since start, started at `start_time` (unix
/// seconds, Valkey's initial `lastsave`).
pub(super) fn persistence(t: &mut String, dirty: u64, start_time: u64) {
    let _ = write!(
        t,
        "# Persistence\r\nloading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\n\
         current_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n\
         current_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n\
         rdb_changes_since_last_save:{dirty}\r\nrdb_bgsave_in_progress:0\r\n\
         rdb_last_save_time:{start_time}\r\nrdb_last_bgsave_status:ok\r\n\
         rdb_last_bgsave_time_sec:-1\r\nrdb_current_bgsave_time_sec:-1\r\nrdb_saves:0\r\n\
         rdb_last_cow_size:0\r\nrdb_last_load_keys_expired:0\r\nrdb_last_load_keys_loaded:0\r\n\
         aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n\
         aof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\n\
         aof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\naof_rewrites_consecutive_failures:0\r\n\
         aof_last_write_status:ok\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n\
         module_fork_last_cow_size:0\r\n"
    );
}
