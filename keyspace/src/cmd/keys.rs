//! Generic key commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, COPY, MOVE, KEYS,
//! SCAN, RANDOMKEY, OBJECT, MEMORY USAGE (Valkey's `db.c`, `object.c`).

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{db_arg, finish, int_arg, is};
use crate::command::Ctx;
use crate::entry::Value;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::glob;
use crate::num;
use crate::object::{ObjRef, Object};
use crate::reply::ReplySink;

/// DEL key [key ...] and UNLINK key [key ...]
pub(super) fn del(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let mut n = 0;
    for key in &args[1..] {
        if let Some((i, h)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, false) {
            cx.keyspace.delete(cx.db, i, h);
            cx.events.change(cx.db, key, ChangeKind::Del);
            n += 1;
        }
    }
    out.integer(n);
}

/// EXISTS key [key ...] (a key given twice counts twice)
pub(super) fn exists(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let n = args[1..]
        .iter()
        .filter(|k| {
            cx.keyspace
                .lookup(cx.db, k, cx.now, cx.events, false)
                .is_some()
        })
        .count();
    out.integer(n as i64);
}

/// TOUCH key [key ...]
pub(super) fn touch(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let n = args[1..]
        .iter()
        .filter(|k| {
            cx.keyspace
                .lookup(cx.db, k, cx.now, cx.events, true)
                .is_some()
        })
        .count();
    out.integer(n as i64);
}

/// TYPE key
pub(super) fn type_(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    match cx.keyspace.lookup(cx.db, args[1], cx.now, cx.events, false) {
        Some((i, _)) => out.simple(cx.keyspace.type_name(cx.db, i)),
        None => out.simple("none"),
    }
}

/// RENAME key newkey
pub(super) fn rename(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = rename_generic(cx, args, false, out);
    finish(out, r);
}

/// RENAMENX key newkey
pub(super) fn renamenx(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = rename_generic(cx, args, true, out);
    finish(out, r);
}

fn rename_generic(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    nx: bool,
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let (from, to) = (args[1], args[2]);
    let Some((i, h)) = cx.keyspace.lookup(cx.db, from, cx.now, cx.events, true) else {
        return Err(Error::NoSuchKey);
    };
    if from == to {
        if nx {
            out.integer(0)
        } else {
            out.ok()
        }
        return Ok(());
    }
    let moved = cx
        .keyspace
        .entry(cx.db, i)
        .renamed(cx.keyspace.tracked(), to);
    let (existing, h2) = cx
        .keyspace
        .lookup_or_hash(cx.db, to, cx.now, cx.events, true);
    if let Some(j) = existing {
        if nx {
            out.integer(0);
            return Ok(());
        }
        cx.keyspace.delete(cx.db, j, h2);
    }
    // Slot numbers may have moved with the delete: find the source again.
    let i = if existing.is_some() {
        cx.keyspace
            .lookup(cx.db, from, cx.now, cx.events, false)
            .map_or(i, |x| x.0)
    } else {
        i
    };
    let (_, object) = cx.keyspace.detach(cx.db, i, h);
    cx.keyspace.attach(cx.db, h2, moved, object);
    cx.events.change(cx.db, from, ChangeKind::RenameFrom);
    cx.events.change(cx.db, to, ChangeKind::RenameTo);
    if nx {
        out.integer(1)
    } else {
        out.ok()
    }
    Ok(())
}

/// MOVE key db
pub(super) fn move_(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = move_inner(cx, args, out);
    finish(out, r);
}

fn move_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let key = args[1];
    let dst = db_arg(cx, args[2])?;
    if dst == cx.db {
        return Err(Error::SameObject);
    }
    let Some((_, h)) = cx.keyspace.lookup(cx.db, key, cx.now, cx.events, true) else {
        out.integer(0);
        return Ok(());
    };
    if cx
        .keyspace
        .lookup(dst, key, cx.now, cx.events, true)
        .is_some()
    {
        out.integer(0);
        return Ok(());
    }
    let (i, _) = cx
        .keyspace
        .lookup(cx.db, key, cx.now, cx.events, false)
        .expect("still present");
    let (e, object) = cx.keyspace.detach(cx.db, i, h);
    cx.keyspace.attach(dst, h, e, object);
    cx.events.change(cx.db, key, ChangeKind::MoveFrom);
    cx.events.change(dst, key, ChangeKind::MoveTo);
    out.integer(1);
    Ok(())
}

/// COPY source destination [DB destination-db] [REPLACE]
pub(super) fn copy(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = copy_inner(cx, args, out);
    finish(out, r);
}

fn copy_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let (from, to) = (args[1], args[2]);
    let (mut dst, mut replace) = (cx.db, false);
    let mut j = 3;
    while j < args.len() {
        if is(args[j], "replace") {
            replace = true;
        } else if is(args[j], "db") && j + 1 < args.len() {
            // Valkey answers "DB index is out of range" for anything but a valid index here.
            dst = num::canonical_i64(args[j + 1])
                .and_then(|v| usize::try_from(v).ok())
                .filter(|&d| d < cx.keyspace.databases())
                .ok_or(Error::DbIndexOutOfRange)?;
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if dst == cx.db && from == to {
        return Err(Error::SameObject);
    }
    let Some((i, _)) = cx.keyspace.lookup(cx.db, from, cx.now, cx.events, true) else {
        out.integer(0);
        return Ok(());
    };
    let object = cx.keyspace.object(cx.db, i).map(ObjRef::to_object);
    if matches!(object, Some(Object::Module(_))) {
        return Err(Error::ModuleCopy);
    }
    let copied = cx
        .keyspace
        .entry(cx.db, i)
        .renamed(cx.keyspace.tracked(), to);
    let (existing, h2) = cx.keyspace.lookup_or_hash(dst, to, cx.now, cx.events, true);
    if let Some(k) = existing {
        if !replace {
            out.integer(0);
            return Ok(());
        }
        cx.keyspace.delete(dst, k, h2);
    }
    cx.keyspace.attach(dst, h2, copied, object);
    cx.events.change(dst, to, ChangeKind::CopyTo);
    out.integer(1);
    Ok(())
}

/// KEYS pattern (expired keys are skipped, not removed, as in Valkey)
pub(super) fn keys(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let pattern = args[1];
    let all = pattern == b"*";
    let mut found: Vec<Box<[u8]>> = Vec::new();
    let now = cx.now;
    cx.keyspace.for_each_entry(cx.db, |e| {
        if !e.is_expired(now) && (all || glob::matches(pattern, e.key())) {
            found.push(e.key().into());
        }
    });
    out.array(found.len());
    for k in &found {
        out.bulk(k);
    }
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
pub(super) fn scan(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = scan_inner(cx, args, out);
    finish(out, r);
}

fn scan_inner(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    out: &mut dyn ReplySink,
) -> Result<(), Error<'static>> {
    let cursor = num::parse_cursor(args[1]).ok_or(Error::InvalidCursor)?;
    let (mut count, mut pattern, mut type_name) = (10usize, None, None);
    let mut j = 2;
    while j < args.len() {
        let more = j + 1 < args.len();
        if is(args[j], "count") && more {
            let c = int_arg(args[j + 1])?;
            if c < 1 {
                return Err(Error::Syntax);
            }
            count = usize::try_from(c).unwrap_or(usize::MAX);
        } else if is(args[j], "match") && more {
            pattern = Some(args[j + 1]).filter(|p| *p != b"*");
        } else if is(args[j], "type") && more {
            type_name = Some(args[j + 1]);
        } else {
            return Err(Error::Syntax);
        }
        j += 2;
    }
    let mut keys: Vec<Box<[u8]>> = Vec::new();
    let next = cx
        .keyspace
        .scan_step(cx.db, cursor, count, |e| keys.push(e.key().into()));
    // Filter after the walk, expiring keys whose time has come (they are removed, as in Valkey).
    keys.retain(|k| {
        let Some((i, _)) = cx.keyspace.lookup(cx.db, k, cx.now, cx.events, false) else {
            return false;
        };
        pattern.is_none_or(|p| glob::matches(p, k))
            && type_name
                .is_none_or(|t| t.eq_ignore_ascii_case(cx.keyspace.type_name(cx.db, i).as_bytes()))
    });
    out.array(2);
    out.bulk(num::format_u64(next).as_bytes());
    out.array(keys.len());
    for k in &keys {
        out.bulk(k);
    }
    Ok(())
}

/// RANDOMKEY
pub(super) fn randomkey(cx: &mut Ctx<'_>, _args: &[&[u8]], out: &mut dyn ReplySink) {
    loop {
        let Some(i) = cx.keyspace.random_slot(cx.db) else {
            out.null();
            return;
        };
        let key: Box<[u8]> = cx.keyspace.entry(cx.db, i).key().into();
        let counting = cx.keyspace.counting_lookups();
        cx.keyspace.count_lookups(false);
        let live = cx
            .keyspace
            .lookup(cx.db, &key, cx.now, cx.events, false)
            .is_some();
        cx.keyspace.count_lookups(counting);
        // While expiry is paused an expired key stays: answer it rather than loop forever
        // on a database of expired keys (newer Valkey does the same).
        if live || cx.keyspace.expiry_paused() {
            out.bulk(&key);
            return;
        }
    }
}

/// OBJECT ENCODING key
pub(super) fn object_encoding(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    match cx.keyspace.lookup(cx.db, args[2], cx.now, cx.events, false) {
        Some((i, _)) => {
            let name = match cx.keyspace.object(cx.db, i) {
                Some(o) => o.encoding(),
                None => cx.keyspace.entry(cx.db, i).encoding().name(),
            };
            out.bulk(name.as_bytes());
        }
        None => out.null(),
    }
}

/// OBJECT REFCOUNT key: 1 (values are never shared: keys are embedded in their entries),
/// except integers 0..9999, which Valkey answers from its shared objects (`OBJ_SHARED_REFCOUNT`,
/// 2147483647) unless `maxmemory` is set with an LRU or LFU policy.
pub(super) fn object_refcount(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    match cx.keyspace.lookup(cx.db, args[2], cx.now, cx.events, false) {
        Some((i, _)) => {
            let shared = cx.keyspace.config().shared_integers
                && matches!(cx.keyspace.value_at(cx.db, i), Value::Int(0..=9999));
            out.integer(if shared { i64::from(i32::MAX) } else { 1 });
        }
        None => out.null(),
    }
}

/// OBJECT IDLETIME key
pub(super) fn object_idletime(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    match cx.keyspace.lookup(cx.db, args[2], cx.now, cx.events, false) {
        Some((i, _)) => match cx.keyspace.idle_seconds(cx.db, i, cx.now) {
            Some(s) => out.integer(s as i64),
            None => out.error(&Error::LruNotSelected),
        },
        None => out.null(),
    }
}

/// OBJECT FREQ key
pub(super) fn object_freq(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    match cx.keyspace.lookup(cx.db, args[2], cx.now, cx.events, false) {
        Some((i, _)) => match cx.keyspace.frequency(cx.db, i, cx.now) {
            Some(f) => out.integer(i64::from(f)),
            None => out.error(&Error::LfuNotSelected),
        },
        None => out.null(),
    }
}

/// OBJECT HELP
pub(super) fn object_help(_cx: &mut Ctx<'_>, _args: &[&[u8]], out: &mut dyn ReplySink) {
    const LINES: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    ];
    out.array(LINES.len());
    for l in LINES {
        out.simple(l);
    }
}

/// MEMORY USAGE key [SAMPLES count]
pub(super) fn memory_usage(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let mut j = 3;
    while j < args.len() {
        if is(args[j], "samples") && j + 1 < args.len() {
            match int_arg(args[j + 1]) {
                Ok(n) if n >= 0 => {}
                Ok(_) => return out.error(&Error::Syntax),
                Err(e) => return out.error(&e),
            }
            j += 2;
        } else {
            return out.error(&Error::Syntax);
        }
    }
    match cx.keyspace.lookup(cx.db, args[2], cx.now, cx.events, false) {
        Some((i, _)) => out.integer(cx.keyspace.key_memory(cx.db, i) as i64),
        None => out.null(),
    }
}
