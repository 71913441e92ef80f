//! ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Valkey's
//! `zunionInterDiffGenericCommand`): sorted sets and plain sets (score 1) as inputs, WEIGHTS and
//! AGGREGATE SUM|MIN|MAX.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::zranges::parse_score;
use super::zsets::{limits, reply_members};
use super::{finish, int_arg, is};
use crate::command::Ctx;
use crate::error::Error;
use crate::events::ChangeKind;
use crate::object::Object;
use crate::reply::ReplySink;
use crate::zset::ZSet;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    fn apply(self, acc: f64, v: f64) -> f64 {
        match self {
            Self::Sum => {
                let s = acc + v;
                if s.is_nan() { 0.0 } else { s }
            }
            Self::Min => acc.min(v),
            Self::Max => acc.max(v),
        }
    }
}

/// Members with scores, owned.
type Scored = Vec<(Box<[u8]>, f64)>;

/// One input's members with their (weighted) scores.
fn members(o: &Object, weight: f64) -> Scored {
    let w = |s: f64| {
        let v = weight * s;
        if v.is_nan() { 0.0 } else { v }
    };
    match o {
        Object::ZSet(z) => z.iter().map(|(m, s)| (Box::from(m), w(s))).collect(),
        Object::Set(s) => s.iter().map(|e| (e.to_boxed(), w(1.0))).collect(),
        _ => Vec::new(),
    }
}

/// What the command computes and where it goes.
struct Plan<'a> {
    op: Op,
    keys: &'a [&'a [u8]],
    weights: Vec<f64>,
    aggregate: Aggregate,
    withscores: bool,
    limit: Option<usize>,
}

/// Parses `numkeys key... [WEIGHTS w...] [AGGREGATE a] [WITHSCORES] [LIMIT n]` from
/// `args[at..]`.
fn parse<'a>(
    args: &'a [&'a [u8]],
    at: usize,
    op: Op,
    store: bool,
    card: bool,
    name: &'static str,
) -> Result<Plan<'a>, Error<'static>> {
    let n = int_arg(args[at])?;
    if n < 1 {
        return Err(Error::AtLeastOneInputKey { command: name });
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n > args.len() - (at + 1) {
        return Err(Error::Syntax);
    }
    let keys = &args[at + 1..at + 1 + n];
    let mut plan = Plan {
        op,
        keys,
        weights: alloc::vec![1.0; n],
        aggregate: Aggregate::Sum,
        withscores: false,
        limit: None,
    };
    let mut j = at + 1 + n;
    while j < args.len() {
        let remaining = args.len() - j;
        if op != Op::Diff && !card && remaining > n && is(args[j], "weights") {
            for (i, w) in args[j + 1..=j + n].iter().enumerate() {
                plan.weights[i] = parse_score(w).ok_or(Error::WeightNotFloat)?;
            }
            j += n + 1;
        } else if op != Op::Diff && !card && remaining >= 2 && is(args[j], "aggregate") {
            plan.aggregate = if is(args[j + 1], "sum") {
                Aggregate::Sum
            } else if is(args[j + 1], "min") {
                Aggregate::Min
            } else if is(args[j + 1], "max") {
                Aggregate::Max
            } else {
                return Err(Error::Syntax);
            };
            j += 2;
        } else if !store && !card && is(args[j], "withscores") {
            plan.withscores = true;
            j += 1;
        } else if card && remaining >= 2 && is(args[j], "limit") {
            let l = super::lists::at_least(args[j + 1], 0, Error::LimitNegative)?;
            plan.limit = Some(usize::try_from(l).unwrap_or(usize::MAX));
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    Ok(plan)
}

/// Computes the result as member -> score.
fn compute(cx: &mut Ctx<'_>, plan: &Plan<'_>) -> Result<BTreeMap<Box<[u8]>, f64>, Error<'static>> {
    let mut inputs: Vec<Option<Scored>> = Vec::with_capacity(plan.keys.len());
    for (k, w) in plan.keys.iter().zip(&plan.weights) {
        match cx.keyspace.lookup(cx.db, k, cx.now, cx.events, true) {
            None => inputs.push(None),
            Some((i, _)) => match cx.keyspace.object(cx.db, i) {
                Some(o @ (Object::ZSet(_) | Object::Set(_))) => inputs.push(Some(members(o, *w))),
                _ => return Err(Error::WrongType),
            },
        }
    }
    let mut out: BTreeMap<Box<[u8]>, f64> = BTreeMap::new();
    match plan.op {
        Op::Union => {
            for input in inputs.iter().flatten() {
                for (m, s) in input {
                    out.entry(m.clone())
                        .and_modify(|acc| *acc = plan.aggregate.apply(*acc, *s))
                        .or_insert(*s);
                }
            }
        }
        Op::Inter => {
            if inputs.iter().any(Option::is_none) {
                return Ok(out);
            }
            let maps: Vec<BTreeMap<&[u8], f64>> = inputs
                .iter()
                .flatten()
                .map(|v| v.iter().map(|(m, s)| (&**m, *s)).collect())
                .collect();
            'member: for (m, s) in inputs[0].iter().flatten() {
                let mut acc = *s;
                for other in &maps[1..] {
                    match other.get(&**m) {
                        Some(v) => acc = plan.aggregate.apply(acc, *v),
                        None => continue 'member,
                    }
                }
                out.insert(m.clone(), acc);
            }
        }
        Op::Diff => {
            let Some(Some(first)) = inputs.first() else {
                return Ok(out);
            };
            let others: Vec<BTreeMap<&[u8], f64>> = inputs[1..]
                .iter()
                .flatten()
                .map(|v| v.iter().map(|(m, s)| (&**m, *s)).collect())
                .collect();
            for (m, s) in first {
                if !others.iter().any(|o| o.contains_key(&**m)) {
                    out.insert(m.clone(), *s);
                }
            }
        }
    }
    Ok(out)
}

/// The result in (score, member) order.
fn ordered(r: &BTreeMap<Box<[u8]>, f64>) -> Vec<(&[u8], f64)> {
    let mut v: Vec<(&[u8], f64)> = r.iter().map(|(m, s)| (&**m, *s)).collect();
    v.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(core::cmp::Ordering::Equal)
            .then(a.0.cmp(b.0))
    });
    v
}

fn reply_form(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    op: Op,
    name: &'static str,
    out: &mut dyn ReplySink,
) {
    let r = (|| {
        let plan = parse(args, 1, op, false, false, name)?;
        let result = compute(cx, &plan)?;
        reply_members(out, &ordered(&result), plan.withscores);
        Ok(())
    })();
    finish(out, r);
}

fn store_form(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    op: Op,
    name: &'static str,
    out: &mut dyn ReplySink,
) {
    let r = (|| {
        let plan = parse(args, 2, op, true, false, name)?;
        let result = compute(cx, &plan)?;
        let dst = args[1];
        let (found, h) = cx
            .keyspace
            .lookup_or_hash(cx.db, dst, cx.now, cx.events, false);
        if let Some(i) = found {
            cx.keyspace.delete(cx.db, i, h);
        }
        let n = result.len();
        if n == 0 {
            if found.is_some() {
                cx.events.change(cx.db, dst, ChangeKind::Del);
            }
        } else {
            let (lim, seed) = limits(cx);
            let max_len = result.keys().map(|m| m.len()).max().unwrap_or(0);
            let mut z = ZSet::create(n, max_len, lim, seed);
            for (m, s) in &result {
                z.insert(m, *s, lim);
            }
            cx.keyspace
                .insert_object(cx.db, h, dst, Object::ZSet(z), cx.now);
            let kind = match op {
                Op::Union => ChangeKind::ZUnionStore,
                Op::Inter => ChangeKind::ZInterStore,
                Op::Diff => ChangeKind::ZDiffStore,
            };
            cx.events.change(cx.db, dst, kind);
        }
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}

/// ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub(super) fn zunion(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    reply_form(cx, args, Op::Union, "zunion", out);
}

/// ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
pub(super) fn zinter(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    reply_form(cx, args, Op::Inter, "zinter", out);
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
pub(super) fn zdiff(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    reply_form(cx, args, Op::Diff, "zdiff", out);
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
pub(super) fn zunionstore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    store_form(cx, args, Op::Union, "zunionstore", out);
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
pub(super) fn zinterstore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    store_form(cx, args, Op::Inter, "zinterstore", out);
}

/// ZDIFFSTORE destination numkeys key [key ...]
pub(super) fn zdiffstore(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    store_form(cx, args, Op::Diff, "zdiffstore", out);
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
pub(super) fn zintercard(cx: &mut Ctx<'_>, args: &[&[u8]], out: &mut dyn ReplySink) {
    let r = (|| {
        let plan = parse(args, 1, Op::Inter, false, true, "zintercard")?;
        let n = compute(cx, &plan)?.len();
        let n = match plan.limit {
            Some(l) if l > 0 => n.min(l),
            _ => n,
        };
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}
