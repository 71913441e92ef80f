//! The server timer, `hz` times a second: the end of a CLIENT PAUSE, active expiry, eviction a
//! time limit cut short, the tracking-table limit and BCAST batches, idle-client timeouts, the
//! ops meter and the memory peak.

use core::cell::RefCell;
use core::time::Duration;
use std::rc::Rc;

use keyspace::KEYS_PER_LOOP;

use crate::clock;
use crate::server::Server;
use crate::tracking;

/// Keys the active expire cycle may sample per tick.
const EXPIRE_BUDGET: usize = KEYS_PER_LOOP * 200;

/// Runs the timer forever.
pub(crate) async fn run(shared: Rc<RefCell<Server>>) {
    loop {
        let hz = u64::from(shared.borrow().settings.hz.max(1));
        smol::Timer::after(Duration::from_millis(1000 / hz)).await;
        tick(&mut shared.borrow_mut());
    }
}

/// One tick.
fn tick(server: &mut Server) {
    if server.debug.cron_paused {
        return;
    }
    let now = clock::unix_millis();
    server.end_pause_if_due(now);
    crate::blocking::serve_ready(server, now);
    crate::notify::arm(server);
    // A pause (WRITE or ALL) suspends expiry: no key is deleted until it ends.
    if server.pause.active(now).is_none() && !server.debug.active_expire_off {
        let cycle = server
            .keyspace
            .active_expire(now, EXPIRE_BUDGET, &mut server.changes);
        server.stats.expire_cycle_sampled += cycle.sampled as u64;
    }
    crate::evict::tick(server, now);
    // The `expired` and `evicted` notifications of this tick.
    crate::notify::publish(server, None);
    server.take_changes();
    let tracker = &mut server.changes.tracker;
    if tracker.any_tracking() {
        tracker.set_max_keys(
            usize::try_from(server.settings.tracking_table_max_keys).unwrap_or(usize::MAX),
        );
        tracker.enforce_key_limit();
    }
    tracker.end_of_iteration();
    tracking::deliver_idle(server);

    let timeout = u64::from(server.settings.timeout);
    if timeout > 0 {
        let idle: Vec<u64> = server
            .clients
            .iter()
            .filter_map(|(id, c)| {
                let c = c.try_borrow().ok()?;
                // No idle timeout for a client blocked by BLPOP and the like.
                (c.idle(now) > timeout && c.blocked.is_none()).then_some(*id)
            })
            .collect();
        for id in idle {
            if let Some(c) = server.clients.get(&id).cloned() {
                server.log.verbose("Closing idle client");
                if let Ok(c) = c.try_borrow() {
                    c.disconnect();
                }
                server.forget_client(id);
            }
        }
    }

    crate::modules::auto_reload_tick(server, now.0);

    server.ops.sample(now, server.stats.commands_processed);
    let used = server.used_memory(None);
    server.used_memory_peak = server.used_memory_peak.max(used);
}
