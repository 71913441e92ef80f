//! Helpers shared by the unit tests of the registry and of reloads.

use alloc::vec::Vec;

use crate::*;

pub(crate) fn a(items: &[&str]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.as_bytes().to_vec()).collect()
}

pub(crate) const fn ident(mtime_secs: i64) -> FileIdentity {
    FileIdentity {
        mtime_secs,
        mtime_nanos: 0,
        size: 4096,
        inode: 11,
    }
}

pub(crate) fn request(name: &str, args: &[&str]) -> LoadRequest {
    LoadRequest {
        path: alloc::format!("/m/{name}.so").into_bytes(),
        args: a(args),
        origin: Origin::Command,
        name: name.as_bytes().to_vec(),
        version: 1,
        identity: Some(ident(1)),
    }
}

pub(crate) fn load(reg: &mut Registry, name: &str, args: &[&str]) -> Loaded {
    reg.load(request(name, args)).unwrap()
}

pub(crate) fn names(reg: &Registry) -> Vec<&[u8]> {
    reg.list().map(|e| e.name).collect()
}

pub(crate) fn plan_of(change: ArgsChange) -> ReloadPlan {
    match change {
        ArgsChange::Reload(plan) => plan,
        other => panic!("expected a reload plan, got {other:?}"),
    }
}

pub(crate) fn file_plan(check: FileCheck) -> ReloadPlan {
    match check {
        FileCheck::Reload(plan) => plan,
        other => panic!("expected a reload plan, got {other:?}"),
    }
}

pub(crate) const FREE: UnloadFacts = UnloadFacts::FREE;
