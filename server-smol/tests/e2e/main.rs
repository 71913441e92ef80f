//! End-to-end tests: the real binary on 127.0.0.1, spoken to with raw RESP bytes and with the
//! `redis` crate in RESP2 and RESP3.

mod admin;
mod blocking;
mod client_cmd;
mod collections;
mod commandstats;
mod compat_config;
mod connection;
mod debug;
mod eviction;
mod latencystats;
mod memory;
mod module_configs;
mod module_info;
mod modules;
mod monitor;
mod multi;
mod notify;
mod obuf;
mod pause;
mod protocol;
mod pubsub;
mod pubsub_shard;
mod redis_py;
mod reload;
mod shutdown;
mod slowlog;
mod startup;
mod support;
mod tracking;
mod unix;
mod upgrade;
