//! Keyspace notifications (`notify-keyspace-events`, Valkey's `notify.c`): each change event of
//! an enabled class is published on `__keyspace@<db>__:<key>` (message: the event name) and/or
//! `__keyevent@<db>__:<event>` (message: the key). The keyspace's change events carry the event
//! name and class; the keys a command created come from the keyspace too (the `new` event,
//! published before the first other event of that key), and so do the keys a read command
//! missed (the `keymiss` event, published after the command's other events). The events of one command are
//! published when it returns, before its reply is sent: other clients' copies leave at the end
//! of the burst, the executing client's own copies right after its reply, as Valkey postpones
//! pushes to the running client.

use keyspace::ChangeKind;

use crate::client::Client;
use crate::server::Server;

/// `K`: publish on `__keyspace@<db>__:<key>`.
pub(crate) const KEYSPACE: u32 = 1 << 0;
/// `E`: publish on `__keyevent@<db>__:<event>`.
pub(crate) const KEYEVENT: u32 = 1 << 1;
const GENERIC: u32 = 1 << 2;
const STRING: u32 = 1 << 3;
const LIST: u32 = 1 << 4;
const SET: u32 = 1 << 5;
const HASH: u32 = 1 << 6;
const ZSET: u32 = 1 << 7;
const EXPIRED: u32 = 1 << 8;
const EVICTED: u32 = 1 << 9;
const STREAM: u32 = 1 << 10;
const KEY_MISS: u32 = 1 << 11;
const MODULE: u32 = 1 << 13;
const NEW: u32 = 1 << 14;
/// `A`: every class but `m` and `n`.
const ALL: u32 = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// The class letters in the order CONFIG GET shows them (after `A` or in its place).
const CLASSES: [(u32, char); 11] = [
    (GENERIC, 'g'),
    (STRING, '$'),
    (LIST, 'l'),
    (SET, 's'),
    (HASH, 'h'),
    (ZSET, 'z'),
    (EXPIRED, 'x'),
    (EVICTED, 'e'),
    (STREAM, 't'),
    (MODULE, 'd'),
    (NEW, 'n'),
];

/// Valkey's error for a letter that is no class.
pub(crate) const INVALID: &str = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/// Parses a class string (`KEA`, `Ex`, empty for none); `None` if a letter is no class.
pub(crate) fn parse(arg: &[u8]) -> Option<u32> {
    arg.iter().try_fold(0, |flags, &c| {
        let bit = match c {
            b'A' => ALL,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            b'm' => KEY_MISS,
            _ => CLASSES
                .iter()
                .find(|&&(_, l)| l as u8 == c)
                .map(|&(bit, _)| bit)?,
        };
        Some(flags | bit)
    })
}

/// The canonical form CONFIG GET shows: `A` or the single classes, then `K`, `E`, `m`.
pub(crate) fn show(flags: u32) -> String {
    let mut s = String::new();
    if flags & ALL == ALL {
        s.push('A');
        if flags & NEW != 0 {
            s.push('n');
        }
    } else {
        s.extend(
            CLASSES
                .iter()
                .filter(|&&(bit, _)| flags & bit != 0)
                .map(|&(_, l)| l),
        );
    }
    for (bit, l) in [(KEYSPACE, 'K'), (KEYEVENT, 'E'), (KEY_MISS, 'm')] {
        if flags & bit != 0 {
            s.push(l);
        }
    }
    s
}

/// The class and event name Valkey publishes for a change; `None` for the database-wide
/// changes (FLUSHDB, FLUSHALL, SWAPDB) and a module's ModuleTypeSetValue, which Valkey does not
/// notify.
fn event(kind: ChangeKind) -> Option<(u32, &'static str)> {
    if matches!(kind, ChangeKind::Flush | ChangeKind::SwapDb) || !kind.notifies() {
        return None;
    }
    let class = match kind.class() {
        '$' => STRING,
        'l' => LIST,
        's' => SET,
        'h' => HASH,
        'z' => ZSET,
        'x' => EXPIRED,
        'e' => EVICTED,
        _ => GENERIC,
    };
    Some((class, kind.event_name()))
}

/// The change events of the running command (or expire cycle), waiting to be published.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    /// `notify-keyspace-events` when the command began.
    flags: u32,
    queue: Vec<(usize, Vec<u8>, ChangeKind)>,
}

impl Pending {
    /// Whether anything can be published: a channel kind and a class are on.
    const fn on(&self) -> bool {
        self.flags & (KEYSPACE | KEYEVENT) != 0 && self.flags & !(KEYSPACE | KEYEVENT) != 0
    }

    /// Keeps a change event for publishing if its class is on (any event while `n` is on: a
    /// `new` goes before the key's first event, whatever its class).
    pub(crate) fn record(&mut self, db: usize, key: &[u8], kind: ChangeKind) {
        if !self.on() {
            return;
        }
        let wanted =
            self.flags & NEW != 0 || event(kind).is_some_and(|(class, _)| self.flags & class != 0);
        if wanted {
            self.queue.push((db, key.to_vec(), kind));
        }
    }
}

/// Before a command or an expire cycle: takes the current `notify-keyspace-events`, and has
/// the keyspace record the keys it creates while `n` is on, the keys it misses while `m` is.
pub(crate) fn arm(server: &mut Server) {
    let pending = &mut server.changes.notices;
    pending.flags = server.settings.notify_keyspace_events;
    let on = pending.on();
    server
        .keyspace
        .record_created(on && pending.flags & NEW != 0);
    server
        .keyspace
        .record_missed(on && pending.flags & KEY_MISS != 0);
}

/// Publishes what [`arm`] let through since; `me` is the executing client, if any.
pub(crate) fn publish(server: &mut Server, mut me: Option<&mut Client>) {
    let flags = server.changes.notices.flags;
    if server.changes.notices.queue.is_empty() && flags & (NEW | KEY_MISS) == 0 {
        return;
    }
    let queue = core::mem::take(&mut server.changes.notices.queue);
    let mut created = server.keyspace.take_created();
    let missed = server.keyspace.take_missed();
    let mut send = |server: &mut Server, db: usize, key: &[u8], class: u32, name: &str| {
        if flags & class == 0 {
            return;
        }
        let mut deliver = |channel: Vec<u8>, payload: &[u8]| {
            crate::pubsub::publish(
                &server.pubsub,
                &server.clients,
                &mut server.pending_pushes,
                me.as_deref_mut(),
                &channel,
                payload,
            );
        };
        if flags & KEYSPACE != 0 {
            let mut ch = format!("__keyspace@{db}__:").into_bytes();
            ch.extend_from_slice(key);
            deliver(ch, name.as_bytes());
        }
        if flags & KEYEVENT != 0 {
            deliver(format!("__keyevent@{db}__:{name}").into_bytes(), key);
        }
    };
    for (db, key, kind) in &queue {
        if let Some(at) = created.iter().position(|(d, k)| d == db && k == key) {
            let (db, key) = created.remove(at);
            send(server, db, &key, NEW, "new");
        }
        if let Some((class, name)) = event(*kind) {
            send(server, *db, key, class, name);
        }
    }
    for (db, key) in created {
        send(server, db, &key, NEW, "new");
    }
    for (db, key) in missed {
        send(server, db, &key, KEY_MISS, "keymiss");
    }
    if me.is_none() {
        crate::pubsub::send_pending(&server.clients, &mut server.pending_pushes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_strings_parse_and_show_as_valkey_does() {
        let shown = |s: &str| parse(s.as_bytes()).map(show);
        assert_eq!(shown("KEA").as_deref(), Some("AKE"));
        assert_eq!(shown("KEg$").as_deref(), Some("g$KE"));
        assert_eq!(shown("Ex").as_deref(), Some("xE"));
        assert_eq!(shown("g$lshzxetd").as_deref(), Some("A"));
        assert_eq!(shown("nAmK").as_deref(), Some("AnKm"));
        assert_eq!(shown("").as_deref(), Some(""));
        assert_eq!(parse(b"KEq"), None);
        assert_eq!(parse(b"K E"), None);
    }

    #[test]
    fn database_wide_changes_are_not_notified() {
        assert_eq!(event(ChangeKind::Flush), None);
        assert_eq!(event(ChangeKind::SwapDb), None);
        assert_eq!(event(ChangeKind::Expired), Some((EXPIRED, "expired")));
        assert_eq!(event(ChangeKind::RenameTo), Some((GENERIC, "rename_to")));
        assert_eq!(event(ChangeKind::ZIncr), Some((ZSET, "zincr")));
        assert_eq!(
            event(ChangeKind::IncrByFloat),
            Some((STRING, "incrbyfloat"))
        );
    }

    #[test]
    fn events_are_kept_only_when_a_channel_kind_and_a_class_are_on() {
        for (flags, kept) in [("", 0), ("K", 0), ("g", 0), ("Kg", 1), ("En", 1), ("Ex", 0)] {
            let mut p = Pending {
                flags: parse(flags.as_bytes()).expect("valid"),
                queue: Vec::new(),
            };
            p.record(0, b"k", ChangeKind::Del);
            assert_eq!(p.queue.len(), kept, "{flags}");
        }
    }
}
