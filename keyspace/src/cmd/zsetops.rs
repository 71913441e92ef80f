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
use crate::object::{ObjRef, Object};
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

/// One input's members with their scores (1 for a plain set).
fn members(o: ObjRef<'_>) -> Scored {
    match o {
        ObjRef::ZSet(z) => z.iter().map(|(m, s)| (Box::from(m), s)).collect(),
        ObjRef::Set(s) => s.iter().map(|e| (e.to_boxed(), 1.0)).collect(),
        _ => Vec::new(),
    }
}

/// What the command computes, from the options after the keys.
struct Plan {
    op: Op,
    weights: Vec<f64>,
    aggregate: Aggregate,
    withscores: bool,
    limit: Option<usize>,
}

/// Reads `numkeys key...` from `args[at..]` and every input key, in Valkey's order: the count,
/// then each key's type (WRONGTYPE before any option is looked at). The inputs (`None` for a
/// missing key) and where the options start.
fn read_inputs(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    at: usize,
    name: &'static str,
) -> Result<(Vec<Option<Scored>>, usize), Error<'static>> {
    let n = int_arg(args[at])?;
    if n < 1 {
        return Err(Error::AtLeastOneInputKey { command: name });
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n > args.len() - (at + 1) {
        return Err(Error::Syntax);
    }
    let mut inputs: Vec<Option<Scored>> = Vec::with_capacity(n);
    for k in &args[at + 1..at + 1 + n] {
        match cx.keyspace.lookup(cx.db, k, cx.now, cx.events, true) {
            None => inputs.push(None),
            Some((i, _)) => match cx.keyspace.object(cx.db, i) {
                Some(o @ (ObjRef::ZSet(_) | ObjRef::Set(_))) => inputs.push(Some(members(o))),
                _ => return Err(Error::WrongType),
            },
        }
    }
    Ok((inputs, at + 1 + n))
}

/// Parses `[WEIGHTS w...] [AGGREGATE a] [WITHSCORES] [LIMIT n]` from `args[j..]`, for `n` keys.
fn parse_options(
    args: &[&[u8]],
    mut j: usize,
    n: usize,
    op: Op,
    store: bool,
    card: bool,
) -> Result<Plan, Error<'static>> {
    let mut plan = Plan {
        op,
        weights: alloc::vec![1.0; n],
        aggregate: Aggregate::Sum,
        withscores: false,
        limit: None,
    };
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

/// Reads the inputs, then the options: the plan and the weighted inputs, smallest first for
/// a union or intersection (Valkey sorts them by cardinality, which fixes the order a SUM
/// adds scores in, and so where `inf + -inf` turns into 0).
fn prepare(
    cx: &mut Ctx<'_>,
    args: &[&[u8]],
    at: usize,
    op: Op,
    (store, card): (bool, bool),
    name: &'static str,
) -> Result<(Plan, Vec<Option<Scored>>), Error<'static>> {
    let (mut inputs, j) = read_inputs(cx, args, at, name)?;
    let plan = parse_options(args, j, inputs.len(), op, store, card)?;
    for (input, w) in inputs.iter_mut().zip(&plan.weights) {
        for (_, s) in input.iter_mut().flatten() {
            let v = w * *s;
            *s = if v.is_nan() { 0.0 } else { v };
        }
    }
    if op != Op::Diff {
        inputs.sort_by_key(|i| i.as_ref().map_or(0, Vec::len));
    }
    Ok((plan, inputs))
}

/// Computes the result as member -> score.
fn compute(plan: &Plan, inputs: &[Option<Scored>]) -> BTreeMap<Box<[u8]>, f64> {
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
                return out;
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
                return out;
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
    out
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
        let (plan, inputs) = prepare(cx, args, 1, op, (false, false), name)?;
        let result = compute(&plan, &inputs);
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
        let (plan, inputs) = prepare(cx, args, 2, op, (true, false), name)?;
        let result = compute(&plan, &inputs);
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
            let lim = limits(cx);
            let max_len = result.keys().map(|m| m.len()).max().unwrap_or(0);
            let mut z = ZSet::create(n, max_len, lim);
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
        let (plan, inputs) = prepare(cx, args, 1, Op::Inter, (false, true), "zintercard")?;
        let n = compute(&plan, &inputs).len();
        let n = match plan.limit {
            Some(l) if l > 0 => n.min(l),
            _ => n,
        };
        out.integer(n as i64);
        Ok(())
    })();
    finish(out, r);
}
