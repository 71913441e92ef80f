//! A deliberately naive model of the tracking rules — a list of (client, key) pairs, per-client
//! flags, per-prefix maps of changed keys — and a driver that runs random operations against
//! both the model and the engine, comparing them after every step.
//!
//! Shared by `tests/model.rs` (proptest) and the `tracking_ops` fuzz target (`#[path]`), so it
//! depends on nothing but `tracking-core` and `std`.

use std::collections::{BTreeMap, BTreeSet};
use std::format;
use std::vec::Vec;

use tracking_core::{
    ChangedBy, ClientId, CommandEnd, Connections, Message, Tracker, TrackingError,
};

/// Keys the operations touch: prefixes of each other, and the empty key.
pub(crate) const KEYS: [&[u8]; 6] = [b"", b"a", b"ab", b"abc", b"b", b"ba"];
/// BCAST prefixes the operations use.
pub(crate) const PREFIXES: [&[u8]; 4] = [b"", b"a", b"ab", b"b"];
/// Clients 1..=4 track; 5 and 6 are plain connections that serve as redirect targets.
pub(crate) const CLIENTS: u64 = 6;

/// One step of a random run.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// `CLIENT TRACKING <words>` by a client.
    Tracking(u64, Vec<Vec<u8>>),
    /// `CLIENT CACHING <word>`.
    Caching(u64, &'static [u8]),
    Begin(u64),
    End(u64, CommandEnd),
    Read(u64, usize),
    /// One command reading several keys (MGET), duplicates included.
    ReadMany(u64, Vec<usize>),
    Change(usize, ChangedBy),
    Flush,
    Sleep,
    Enforce,
    SetMax(usize),
    Gone(u64),
    Closing(u64),
    Drain,
}

impl Op {
    /// Decodes one operation from the front of `bytes` (for fuzzing and proptest alike).
    pub(crate) fn decode(bytes: &mut &[u8]) -> Option<Self> {
        let mut next = || -> Option<u8> {
            let (&b, rest) = bytes.split_first()?;
            *bytes = rest;
            Some(b)
        };
        let tag = next()?;
        let client = |b: u8| u64::from(b) % CLIENTS + 1;
        Some(match tag % 17 {
            0..=2 => {
                let c = client(next()?);
                let bits = next()?;
                let status: &[u8] = match (bits >> 6, bits & 7) {
                    (3, 0) => b"maybe",
                    (3, _) => b"off",
                    _ => b"on",
                };
                let mut words = Vec::from([status.to_vec()]);
                let flag_words: [(u8, &[u8]); 4] =
                    [(1, b"bcast"), (2, b"NoLoop"), (4, b"optin"), (8, b"OPTOUT")];
                for (bit, word) in flag_words {
                    if bits & bit != 0 {
                        words.push(word.to_vec());
                    }
                }
                if bits & 16 != 0 {
                    let n = next()? % 9;
                    words.push(b"redirect".to_vec());
                    words.push(if n == 8 {
                        b"x".to_vec()
                    } else {
                        format!("{n}").into_bytes()
                    });
                }
                if bits & 32 != 0 {
                    let p = next()?;
                    for i in 0..=(p >> 4) % 3 {
                        words.push(b"prefix".to_vec());
                        words.push(PREFIXES[usize::from(p >> (i * 2)) % PREFIXES.len()].to_vec());
                    }
                }
                if bits == 0b1100_0000 {
                    words.push(b"junk".to_vec());
                }
                Self::Tracking(c, words)
            }
            16 => Self::Caching(
                client(next()?),
                [&b"yes"[..], b"no", b"No", b"perhaps"][usize::from(next()? % 4)],
            ),
            3 => Self::Begin(client(next()?)),
            4 => Self::End(
                client(next()?),
                [
                    CommandEnd::Other,
                    CommandEnd::ClientCommand,
                    CommandEnd::Queued,
                ][usize::from(next()? % 3)],
            ),
            5 | 6 => Self::Read(client(next()?), usize::from(next()?) % KEYS.len()),
            7 => {
                let c = client(next()?);
                let n = next()? % 20;
                let keys = (0..n)
                    .map(|_| next().map(|k| usize::from(k) % KEYS.len()))
                    .collect::<Option<_>>()?;
                Self::ReadMany(c, keys)
            }
            8 | 9 => {
                let k = usize::from(next()?) % KEYS.len();
                let by = next()?;
                let c = ClientId::new(client(by / 4)).expect("not 0");
                Self::Change(
                    k,
                    match by % 4 {
                        0 => ChangedBy::Server,
                        1 => ChangedBy::Script(c),
                        _ => ChangedBy::Client(c),
                    },
                )
            }
            10 => Self::Flush,
            11 => Self::Sleep,
            12 => Self::Enforce,
            13 => Self::SetMax(usize::from(next()? % 5)),
            14 => match next()? % 3 {
                0 => Self::Gone(client(next()?)),
                _ => Self::Closing(client(next()?)),
            },
            _ => Self::Drain,
        })
    }
}

/// A delivery as both sides report it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Out {
    to: u64,
    from: u64,
    redirected: bool,
    after_reply: bool,
    keys: Option<Vec<Vec<u8>>>,
    broken: Option<u64>,
}

#[derive(Clone, Debug, Default)]
struct Client {
    bcast: bool,
    optin: bool,
    optout: bool,
    caching: bool,
    noloop: bool,
    broken: bool,
    redirect: u64,
    prefixes: BTreeSet<Vec<u8>>,
}

#[derive(Clone, Debug)]
struct Rec {
    target: u64,
    keys: Option<Vec<Vec<u8>>>,
    after_reply: bool,
}

/// The naive model.
#[derive(Debug, Default)]
pub(crate) struct Model {
    clients: BTreeMap<u64, Client>,
    pairs: Vec<(u64, Vec<u8>)>,
    items: usize,
    pending: BTreeMap<Vec<u8>, BTreeMap<Vec<u8>, Option<u64>>>,
    ready: Vec<Rec>,
    held: Vec<Rec>,
    executing: Option<u64>,
    max_keys: usize,
    rounds: usize,
    conns: Conns,
}

#[derive(Debug, Default)]
struct Conns {
    connected: BTreeSet<u64>,
    closing: BTreeSet<u64>,
}

impl Connections for Conns {
    fn is_connected(&self, id: ClientId) -> bool {
        self.connected.contains(&id.get())
    }
    fn is_closing(&self, id: ClientId) -> bool {
        self.closing.contains(&id.get())
    }
}

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

fn overlap_text(a: &[u8], middle: &str, b: &[u8]) -> Vec<u8> {
    let mut s = b"ERR Prefix '".to_vec();
    s.extend_from_slice(a);
    s.extend_from_slice(middle.as_bytes());
    s.extend_from_slice(b);
    s.extend_from_slice(b"'. Prefixes for a single client must not overlap.");
    s
}

impl Model {
    fn new() -> Self {
        Self {
            max_keys: 1_000_000,
            conns: Conns {
                connected: (1..=CLIENTS).collect(),
                closing: BTreeSet::new(),
            },
            ..Self::default()
        }
    }

    fn sync_prefixes(&mut self) {
        let all: BTreeSet<Vec<u8>> = self
            .clients
            .values()
            .flat_map(|c| c.prefixes.iter().cloned())
            .collect();
        self.pending.retain(|p, _| all.contains(p));
        for p in all {
            self.pending.entry(p).or_default();
        }
    }

    /// `CLIENT TRACKING`, re-derived from the spec's table; the error as its reply text.
    fn tracking(&mut self, c: u64, words: &[Vec<u8>]) -> Result<(), Vec<u8>> {
        let syntax = || b"ERR syntax error".to_vec();
        let (status, rest) = words.split_first().ok_or_else(syntax)?;
        let (mut redirect, mut prefixes) = (0u64, Vec::<Vec<u8>>::new());
        let (mut bcast, mut optin, mut optout, mut noloop) = (false, false, false, false);
        let mut j = 0;
        while j < rest.len() {
            let w = &rest[j];
            let more = j + 1 < rest.len();
            if eq(w, "redirect") && more {
                j += 1;
                if redirect != 0 {
                    return Err(b"ERR A client can only redirect to a single other client".to_vec());
                }
                let n: u64 = core::str::from_utf8(&rest[j])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| b"ERR value is not an integer or out of range".to_vec())?;
                if n == 0 || !self.conns.connected.contains(&n) {
                    return Err(b"ERR The client ID you want redirect to does not exist".to_vec());
                }
                redirect = n;
            } else if eq(w, "bcast") {
                bcast = true;
            } else if eq(w, "optin") {
                optin = true;
            } else if eq(w, "optout") {
                optout = true;
            } else if eq(w, "noloop") {
                noloop = true;
            } else if eq(w, "prefix") && more {
                j += 1;
                prefixes.push(rest[j].clone());
            } else {
                return Err(syntax());
            }
            j += 1;
        }
        if eq(status, "off") {
            if let Some(old) = self.clients.remove(&c) {
                drop(old);
                self.sync_prefixes();
            }
            return Ok(());
        }
        if !eq(status, "on") {
            return Err(syntax());
        }
        let cur = self.clients.get(&c).cloned();
        if !bcast && !prefixes.is_empty() {
            return Err(b"ERR PREFIX option requires BCAST mode to be enabled".to_vec());
        }
        if cur.as_ref().is_some_and(|s| s.bcast != bcast) {
            return Err(b"ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.".to_vec());
        }
        if bcast && (optin || optout) {
            return Err(b"ERR OPTIN and OPTOUT are not compatible with BCAST".to_vec());
        }
        if optin && optout {
            return Err(b"ERR You can't specify both OPTIN mode and OPTOUT mode".to_vec());
        }
        if cur
            .as_ref()
            .is_some_and(|s| (optin && s.optout) || (optout && s.optin))
        {
            return Err(b"ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.".to_vec());
        }
        let existing = cur.as_ref().map(|s| s.prefixes.clone()).unwrap_or_default();
        let overlaps = |a: &[u8], b: &[u8]| a.starts_with(b) || b.starts_with(a);
        if bcast && prefixes.is_empty() {
            if let Some(old) = existing.iter().find(|p| !p.is_empty()) {
                return Err(overlap_text(
                    b"",
                    "' overlaps with an existing prefix '",
                    old,
                ));
            }
        }
        if bcast {
            for (i, new) in prefixes.iter().enumerate() {
                if let Some(old) = existing.iter().find(|old| overlaps(old, new)) {
                    return Err(overlap_text(
                        new,
                        "' overlaps with an existing prefix '",
                        old,
                    ));
                }
                for later in &prefixes[i + 1..] {
                    if overlaps(new, later) {
                        return Err(overlap_text(
                            new,
                            "' overlaps with another provided prefix '",
                            later,
                        ));
                    }
                }
            }
        }
        let state = self.clients.entry(c).or_default();
        state.bcast = bcast;
        state.optin = optin;
        state.optout = optout;
        state.noloop = noloop;
        state.broken = false;
        state.redirect = redirect;
        if bcast {
            if prefixes.is_empty() {
                prefixes.push(Vec::new());
            }
            state.prefixes.extend(prefixes);
        }
        self.sync_prefixes();
        Ok(())
    }

    fn caching(&mut self, c: u64, word: &[u8]) -> Result<(), &'static str> {
        let state = self
            .clients
            .get_mut(&c)
            .ok_or("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")?;
        if eq(word, "yes") && !state.optin {
            return Err(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            );
        }
        if eq(word, "no") && !state.optout {
            return Err(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            );
        }
        if !eq(word, "yes") && !eq(word, "no") {
            return Err("ERR syntax error");
        }
        state.caching = true;
        Ok(())
    }

    fn read(&mut self, c: u64, key: &[u8]) {
        let Some(s) = self.clients.get(&c) else {
            return;
        };
        if s.bcast || (s.optin && !s.caching) || (s.optout && s.caching) {
            return;
        }
        if !self.pairs.iter().any(|(pc, pk)| *pc == c && pk == key) {
            self.pairs.push((c, key.to_vec()));
            self.items += 1;
        }
    }

    fn invalidate(&mut self, key: &[u8], writer: Option<u64>) {
        let readers: Vec<u64> = self
            .pairs
            .iter()
            .filter(|(_, k)| k == key)
            .map(|(c, _)| *c)
            .collect();
        self.pairs.retain(|(_, k)| k != key);
        self.items -= readers.len();
        for c in readers {
            let Some(s) = self.clients.get(&c) else {
                continue;
            };
            if s.bcast || (s.noloop && writer == Some(c)) {
                continue;
            }
            self.queue(c, Some(Vec::from([key.to_vec()])));
        }
    }

    fn queue(&mut self, target: u64, keys: Option<Vec<Vec<u8>>>) {
        let after_reply = self.executing == Some(target);
        let rec = Rec {
            target,
            keys,
            after_reply,
        };
        if after_reply {
            self.held.push(rec);
        } else {
            self.ready.push(rec);
        }
    }

    fn change(&mut self, key: &[u8], by: ChangedBy) {
        let (modifier, writer) = match by {
            ChangedBy::Client(c) => (Some(c.get()), Some(c.get())),
            ChangedBy::Script(c) => (None, Some(c.get())),
            ChangedBy::Server => (None, None),
        };
        for (p, keys) in &mut self.pending {
            if key.starts_with(p) {
                keys.insert(key.to_vec(), modifier);
            }
        }
        self.invalidate(key, writer);
    }

    fn flush(&mut self) {
        let ids: Vec<u64> = self.clients.keys().copied().collect();
        for c in ids {
            self.queue(c, None);
        }
        self.pairs.clear();
        self.items = 0;
    }

    fn sleep(&mut self) {
        let pending = core::mem::take(&mut self.pending);
        for (p, keys) in &pending {
            if keys.is_empty() {
                continue;
            }
            for (&c, s) in &self.clients {
                if !s.prefixes.contains(p) {
                    continue;
                }
                let list: Vec<Vec<u8>> = keys
                    .iter()
                    .filter(|(_, last)| !(s.noloop && **last == Some(c)))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !list.is_empty() {
                    self.ready.push(Rec {
                        target: c,
                        keys: Some(list),
                        after_reply: false,
                    });
                }
            }
        }
        self.pending = pending.into_keys().map(|p| (p, BTreeMap::new())).collect();
    }

    /// How many keys `enforce_key_limit` must evict now, updating the effort counter.
    fn limit(&mut self) -> usize {
        let keys: BTreeSet<&Vec<u8>> = self.pairs.iter().map(|(_, k)| k).collect();
        if self.max_keys == 0 {
            return 0;
        }
        if keys.len() <= self.max_keys {
            self.rounds = 0;
            return 0;
        }
        let effort = 100 * (self.rounds + 1);
        let need = keys.len() - self.max_keys;
        if need <= effort {
            self.rounds = 0;
            need
        } else {
            self.rounds += 1;
            effort
        }
    }

    fn end(&mut self, c: u64, end: CommandEnd) {
        if self.executing == Some(c) {
            self.executing = None;
            for mut rec in self.held.drain(..) {
                rec.after_reply = true;
                self.ready.push(rec);
            }
        }
        if end == CommandEnd::Other {
            if let Some(s) = self.clients.get_mut(&c) {
                s.caching = false;
            }
        }
    }

    fn gone(&mut self, c: u64) {
        self.clients.remove(&c);
        self.sync_prefixes();
        self.held.retain(|r| r.target != c);
        if self.executing == Some(c) {
            self.executing = None;
        }
        self.conns.connected.remove(&c);
    }

    fn drain(&mut self) -> Vec<Out> {
        let mut out = Vec::new();
        for rec in core::mem::take(&mut self.ready) {
            let mut o = Out {
                to: rec.target,
                from: rec.target,
                redirected: false,
                after_reply: rec.after_reply,
                keys: rec.keys,
                broken: None,
            };
            if let Some(s) = self.clients.get_mut(&rec.target) {
                if s.redirect != 0 {
                    let r = s.redirect;
                    if self.conns.connected.contains(&r) && !self.conns.closing.contains(&r) {
                        o.to = r;
                        o.redirected = true;
                    } else {
                        s.broken = true;
                        o.keys = None;
                        o.broken = Some(r);
                    }
                }
            }
            out.push(o);
        }
        out.sort();
        out
    }

    fn flags(&self, c: u64) -> Vec<&'static str> {
        let Some(s) = self.clients.get(&c) else {
            return Vec::from(["off"]);
        };
        let mut f = Vec::from(["on"]);
        let pairs = [
            (s.bcast, "bcast"),
            (s.optin, "optin"),
            (s.optin && s.caching, "caching-yes"),
            (s.optout, "optout"),
            (s.optout && s.caching, "caching-no"),
            (s.noloop, "noloop"),
            (s.broken, "broken_redirect"),
        ];
        f.extend(pairs.iter().filter(|(on, _)| *on).map(|(_, n)| *n));
        f
    }
}

fn engine_drain(t: &mut Tracker, conns: &Conns) -> Vec<Out> {
    let mut out = Vec::new();
    t.drain(conns, |d| {
        let (keys, broken) = match d.message {
            Message::Invalidate(keys) => (Some(keys.map(<[u8]>::to_vec).collect()), None),
            Message::InvalidateAll => (None, None),
            Message::RedirectBroken(r) => (None, Some(r.get())),
        };
        out.push(Out {
            to: d.to.get(),
            from: d.tracking_client.get(),
            redirected: d.redirected,
            after_reply: d.after_reply,
            keys,
            broken,
        });
    });
    out.sort();
    out
}

fn id(n: u64) -> ClientId {
    ClientId::new(n).expect("not 0")
}

/// Runs `ops` against the engine and the model, panicking at the first disagreement.
pub(crate) fn check(ops: &[Op]) {
    let mut t = Tracker::new();
    let mut m = Model::new();
    let mut gone = BTreeSet::new();
    for (step, op) in ops.iter().enumerate() {
        let ctx = || format!("step {step}: {op:?}");
        match op {
            Op::Tracking(c, _)
            | Op::Caching(c, _)
            | Op::Begin(c)
            | Op::End(c, _)
            | Op::Read(c, _)
            | Op::ReadMany(c, _)
            | Op::Gone(c)
                if gone.contains(c) => {}
            Op::Tracking(c, words) => {
                let got = t.client_tracking(id(*c), words, &m.conns);
                t.end_command(id(*c), CommandEnd::ClientCommand);
                let want = m.tracking(*c, words);
                m.end(*c, CommandEnd::ClientCommand);
                assert_eq!(got.map_err(|e: TrackingError| e.text()), want, "{}", ctx());
            }
            Op::Caching(c, word) => {
                let got = t.client_caching(id(*c), &[word]);
                assert_eq!(got.map_err(|e| e.text()), m.caching(*c, word), "{}", ctx());
            }
            Op::Begin(c) => {
                t.begin_command(id(*c));
                m.executing = Some(*c);
            }
            Op::End(c, end) => {
                t.end_command(id(*c), *end);
                m.end(*c, *end);
            }
            Op::Read(c, k) => {
                t.record_read(id(*c), KEYS[*k]);
                m.read(*c, KEYS[*k]);
            }
            Op::ReadMany(c, keys) => {
                t.record_reads(id(*c), keys.iter().map(|&k| KEYS[k]));
                for &k in keys {
                    m.read(*c, KEYS[k]);
                }
            }
            Op::Change(k, by) => {
                t.key_changed(KEYS[*k], *by);
                m.change(KEYS[*k], *by);
            }
            Op::Flush => {
                drop(t.flush());
                m.flush();
            }
            Op::Sleep => {
                t.end_of_iteration();
                m.sleep();
            }
            Op::Enforce => {
                let before: BTreeSet<Vec<u8>> = m.pairs.iter().map(|(_, k)| k.clone()).collect();
                let evicted = t.enforce_key_limit();
                assert_eq!(evicted, m.limit(), "{}", ctx());
                for key in before {
                    if t.readers_of(&key) == 0 {
                        m.invalidate(&key, None);
                    }
                }
            }
            Op::SetMax(n) => {
                t.set_max_keys(*n);
                m.max_keys = *n;
            }
            Op::Gone(c) => {
                t.client_gone(id(*c));
                m.gone(*c);
                gone.insert(*c);
            }
            Op::Closing(c) => {
                m.conns.closing.insert(*c);
            }
            Op::Drain => {}
        }
        // Drain on Drain ops and, as a server would, after every command and iteration.
        if matches!(op, Op::Drain | Op::End(..) | Op::Sleep | Op::Enforce) {
            let got = engine_drain(&mut t, &m.conns);
            assert_eq!(got, m.drain(), "deliveries differ at {}", ctx());
        }
        // The table and statistics on Drain ops only: looking enters queued reads, so between
        // looks reads stay queued across changes, flushes, departures and mode switches.
        if matches!(op, Op::Drain) {
            compare(&mut t, &m, &ctx);
        }
    }
    assert_eq!(engine_drain(&mut t, &m.conns), m.drain(), "final drain");
    compare(&mut t, &m, &|| "the end".into());
}

fn compare(t: &mut Tracker, m: &Model, ctx: &dyn Fn() -> String) {
    let stats = t.stats();
    let keys: BTreeSet<&Vec<u8>> = m.pairs.iter().map(|(_, k)| k).collect();
    assert_eq!(stats.total_keys, keys.len(), "keys at {}", ctx());
    assert_eq!(stats.total_items, m.items, "items at {}", ctx());
    assert_eq!(
        stats.tracking_clients,
        m.clients.len(),
        "clients at {}",
        ctx()
    );
    assert_eq!(
        stats.total_prefixes,
        m.pending.len(),
        "prefixes at {}",
        ctx()
    );
    for c in 1..=CLIENTS {
        let info = t.tracking_info(id(c));
        assert_eq!(
            info.flags().collect::<Vec<_>>(),
            m.flags(c),
            "flags of {c} at {}",
            ctx()
        );
        let want_redirect = m.clients.get(&c).map_or(-1, |s| s.redirect as i64);
        assert_eq!(info.redirect, want_redirect, "redirect of {c} at {}", ctx());
        assert_eq!(t.getredir(id(c)), want_redirect);
        let want: Vec<&[u8]> = m.clients.get(&c).map_or(Vec::new(), |s| {
            s.prefixes.iter().map(Vec::as_slice).collect()
        });
        let got: Vec<&[u8]> = info.prefixes.iter().map(|p| &**p).collect();
        assert_eq!(got, want, "prefixes of {c} at {}", ctx());
        for key in KEYS {
            let want = m.pairs.iter().any(|(pc, pk)| *pc == c && pk == key);
            assert_eq!(
                t.is_recorded(key, id(c)),
                want,
                "pair ({c}, {key:?}) at {}",
                ctx()
            );
        }
    }
    assert_eq!(t.held_deliveries(), m.held.len(), "held at {}", ctx());
}

/// Decodes operations from raw bytes and checks them.
pub(crate) fn check_bytes(mut bytes: &[u8]) {
    let mut ops = Vec::new();
    while let Some(op) = Op::decode(&mut bytes) {
        ops.push(op);
    }
    check(&ops);
}
