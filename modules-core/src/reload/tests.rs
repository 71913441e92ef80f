//! Unit tests of reloads: SET/RESET-ARGUMENT, outcome reports, hot reload.

use crate::test_support::*;
use crate::*;

// ---- SET-ARGUMENT / RESET-ARGUMENT -------------------------------------------

#[test]
fn set_arguments_of_unknown_module_is_refused() {
    let mut reg = Registry::new();
    let err = reg.set_arguments(b"nope", a(&["1"]), &FREE).unwrap_err();
    assert_eq!(
        err,
        ArgsError {
            op: ArgsOp::Set,
            kind: ArgsErrorKind::NoSuchModule
        }
    );
    let err = reg.reset_arguments(b"nope", &FREE).unwrap_err();
    assert_eq!(err.op, ArgsOp::Reset);
}

#[test]
fn set_arguments_plans_a_restart_of_the_same_code_with_a_proven_fallback() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    let plan = plan_of(reg.set_arguments(b"M", a(&["new", ""]), &FREE).unwrap());
    assert_eq!(plan.module, l.module);
    assert_eq!(plan.cause, ReloadCause::ArgumentsSet);
    assert_eq!(plan.unload, l.instance);
    assert_eq!(plan.attempt.image, Image::SameAs(l.instance));
    assert_eq!(plan.attempt.args, a(&["new", ""]));
    assert_eq!(plan.attempt.path, b"/m/m.so");
    assert_eq!(plan.fallback.image, Image::SameAs(l.instance));
    assert_eq!(plan.fallback.args, a(&["old"]));
    assert_ne!(plan.attempt.instance, plan.fallback.instance);
    let m = reg.get(l.module).unwrap();
    assert_eq!(
        m.state(),
        ModuleState::ReloadPending(ReloadCause::ArgumentsSet)
    );
    assert_eq!(m.args(), a(&["old"]), "nothing changes before the outcome");
}

#[test]
fn set_arguments_that_load_are_shown_at_once() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["new"]), &FREE).unwrap());
    let report = reg
        .finish_reload(
            plan.ticket,
            ReloadOutcome::Loaded {
                name: b"m".to_vec(),
                version: 2,
            },
        )
        .unwrap();
    assert_eq!(
        report,
        ReloadReport::Reloaded {
            module: l.module,
            cause: ReloadCause::ArgumentsSet,
            retired: l.instance,
            live: plan.attempt.instance
        }
    );
    assert_eq!(report.args_reply(), Some(Ok(ArgsApplied::Reloaded)));
    let m = reg.get(l.module).unwrap();
    assert_eq!(
        (m.args(), m.instance_args()),
        (&a(&["new"])[..], &a(&["new"])[..])
    );
    assert_eq!(m.load_args(), a(&["old"]));
    assert_eq!((m.version(), m.state()), (2, ModuleState::Loaded));
}

#[test]
fn rejected_arguments_restore_the_previous_instance_and_arguments() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    reg.update_runtime_args(l.module, &["c", "runtime"])
        .unwrap();
    let before = reg.get(l.module).unwrap().list_entry().args.to_vec();
    let plan = plan_of(reg.set_arguments(b"m", a(&["bad"]), &FREE).unwrap());
    assert_eq!(
        plan.fallback.args,
        a(&["old"]),
        "fallback uses the args OnLoad accepted"
    );
    let report = reg
        .finish_reload(
            plan.ticket,
            ReloadOutcome::RolledBack(LoadFailure::OnLoadFailed),
        )
        .unwrap();
    let Some(Err(err)) = report.args_reply() else {
        panic!("{report:?}")
    };
    assert_eq!(err.kind, ArgsErrorKind::Rejected(LoadFailure::OnLoadFailed));
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.args(), before);
    assert_eq!(m.instance_args(), a(&["old"]));
    assert_eq!(m.instance(), plan.fallback.instance);
    assert_eq!(
        m.state(),
        ModuleState::RolledBack {
            cause: ReloadCause::ArgumentsSet,
            failure: LoadFailure::OnLoadFailed
        }
    );
}

#[test]
fn set_arguments_on_a_module_that_cannot_unload_stores_them_for_restart() {
    for (facts, refusal) in [
        (
            UnloadFacts {
                exports_data_types: true,
                ..FREE
            },
            UnloadRefusal::ExportsDataTypes,
        ),
        (
            UnloadFacts {
                used_by_other_modules: true,
                ..FREE
            },
            UnloadRefusal::UsedByOtherModules,
        ),
        (
            UnloadFacts {
                has_blocked_clients: true,
                ..FREE
            },
            UnloadRefusal::HasBlockedClients,
        ),
        (
            UnloadFacts {
                holds_timers: true,
                ..FREE
            },
            UnloadRefusal::HoldsTimers,
        ),
    ] {
        let mut reg = Registry::new();
        let l = load(&mut reg, "m", &["old"]);
        let change = reg.set_arguments(b"m", a(&["new"]), &facts).unwrap();
        assert_eq!(
            change,
            ArgsChange::StoredForRestart {
                module: l.module,
                refusal
            }
        );
        let m = reg.get(l.module).unwrap();
        assert_eq!(m.args(), a(&["new"]));
        assert_eq!(m.instance_args(), a(&["old"]));
        assert_eq!(m.instance(), l.instance);
        assert!(m.args_apply_at_restart());
        assert_eq!(
            m.state(),
            ModuleState::ReloadBlocked {
                cause: ReloadCause::ArgumentsSet,
                refusal
            }
        );
        assert_eq!(reg.rewrite().main, [b"loadmodule /m/m.so new".to_vec()]);
    }
}

#[test]
fn onunload_refusal_stores_the_arguments_for_restart() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["new"]), &FREE).unwrap());
    let report = reg
        .finish_reload(plan.ticket, ReloadOutcome::UnloadRefused)
        .unwrap();
    assert_eq!(
        report.args_reply(),
        Some(Ok(ArgsApplied::StoredForRestart(
            UnloadRefusal::OnUnloadFailed
        )))
    );
    let m = reg.get(l.module).unwrap();
    assert_eq!((m.args(), m.instance()), (&a(&["new"])[..], l.instance));
}

#[test]
fn set_arguments_while_a_reload_is_pending_is_refused() {
    let mut reg = Registry::new();
    load(&mut reg, "m", &[]);
    let _plan = plan_of(reg.set_arguments(b"m", a(&["1"]), &FREE).unwrap());
    let err = reg.set_arguments(b"m", a(&["2"]), &FREE).unwrap_err();
    assert_eq!(err.kind, ArgsErrorKind::ReloadInProgress);
    assert_eq!(
        reg.reset_arguments(b"m", &FREE).unwrap_err().kind,
        ArgsErrorKind::ReloadInProgress
    );
}

#[test]
fn a_restart_that_never_started_changes_nothing_but_the_state() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["new"]), &FREE).unwrap());
    let report = reg
        .finish_reload(
            plan.ticket,
            ReloadOutcome::NotStarted(LoadFailure::ImageUnavailable),
        )
        .unwrap();
    let Some(Err(err)) = report.args_reply() else {
        panic!("{report:?}")
    };
    assert_eq!(
        err.kind,
        ArgsErrorKind::NotStarted(LoadFailure::ImageUnavailable)
    );
    let m = reg.get(l.module).unwrap();
    assert_eq!((m.args(), m.instance()), (&a(&["old"])[..], l.instance));
}

#[test]
fn a_module_lost_in_a_reload_leaves_the_registry() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    let l = load(&mut reg, "m", &["old"]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["new"]), &FREE).unwrap());
    let report = reg
        .finish_reload(
            plan.ticket,
            ReloadOutcome::Lost {
                failure: LoadFailure::OnLoadFailed,
                fallback_failure: LoadFailure::OpenFailed,
            },
        )
        .unwrap();
    let ReloadReport::Lost { module, .. } = &report else {
        panic!("{report:?}")
    };
    assert_eq!(module.id(), l.module);
    let Some(Err(err)) = report.args_reply() else {
        panic!()
    };
    assert_eq!(err.kind, ArgsErrorKind::Lost(LoadFailure::OnLoadFailed));
    assert_eq!(names(&reg), [&b"a"[..]]);
    assert!(!reg.is_name_busy(b"m"));
}

#[test]
fn reset_arguments_goes_back_to_the_load_time_arguments() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["orig"]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["x"]), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"m".to_vec(),
            version: 1,
        },
    )
    .unwrap();
    reg.update_runtime_args(l.module, &["c", "y"]).unwrap();
    let plan = plan_of(reg.reset_arguments(b"m", &FREE).unwrap());
    assert_eq!(plan.cause, ReloadCause::ArgumentsReset);
    assert_eq!(plan.attempt.args, a(&["orig"]));
    assert_eq!(plan.fallback.args, a(&["x"]));
    let report = reg
        .finish_reload(
            plan.ticket,
            ReloadOutcome::Loaded {
                name: b"m".to_vec(),
                version: 1,
            },
        )
        .unwrap();
    assert_eq!(report.args_reply(), Some(Ok(ArgsApplied::Reloaded)));
    assert_eq!(reg.get(l.module).unwrap().args(), a(&["orig"]));
}

#[test]
fn a_reload_keeps_the_module_in_its_load_order_place() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    load(&mut reg, "b", &[]);
    load(&mut reg, "c", &[]);
    let plan = plan_of(reg.set_arguments(b"a", a(&["1"]), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"a".to_vec(),
            version: 1,
        },
    )
    .unwrap();
    assert_eq!(names(&reg), [&b"a"[..], b"b", b"c"]);
}

// ---- outcome reports -----------------------------------------------------------

#[test]
fn a_ticket_is_reported_once() {
    let mut reg = Registry::new();
    load(&mut reg, "m", &[]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["1"]), &FREE).unwrap());
    reg.finish_reload(plan.ticket, ReloadOutcome::UnloadRefused)
        .unwrap();
    assert_eq!(
        reg.finish_reload(plan.ticket, ReloadOutcome::UnloadRefused),
        Err(PlanError::StalePlan)
    );
    assert_eq!(
        reg.finish_reload(ReloadTicket(12345), ReloadOutcome::UnloadRefused),
        Err(PlanError::StalePlan)
    );
}

#[test]
fn a_reloaded_module_may_not_take_another_modules_name() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    load(&mut reg, "other", &[]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["1"]), &FREE).unwrap());
    let taken = ReloadOutcome::Loaded {
        name: b"OTHER".to_vec(),
        version: 1,
    };
    assert_eq!(
        reg.finish_reload(plan.ticket, taken),
        Err(PlanError::NameBusy)
    );
    assert!(reg.get(l.module).unwrap().state().is_pending());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::NameBusy),
    )
    .unwrap();
    assert_eq!(reg.get(l.module).unwrap().name(), b"m");
}

#[test]
fn a_reloaded_module_may_change_its_own_name_and_version() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"m2".to_vec(),
            version: 7,
        },
    )
    .unwrap();
    let e = reg.list().next().unwrap();
    assert_eq!((e.name, e.ver), (&b"m2"[..], 7));
}

// ---- hot reload ----------------------------------------------------------------

#[test]
fn the_first_identity_is_adopted_when_the_load_did_not_say() {
    let mut reg = Registry::new();
    let mut req = request("m", &[]);
    req.identity = None;
    let l = reg.load(req).unwrap();
    assert_eq!(
        reg.file_seen(l.module, ident(5), &FREE),
        Ok(FileCheck::Unchanged)
    );
    assert_eq!(reg.get(l.module).unwrap().identity(), Some(ident(5)));
    assert_eq!(
        reg.file_seen(l.module, ident(5), &FREE),
        Ok(FileCheck::Unchanged)
    );
}

#[test]
fn an_unchanged_file_needs_nothing() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    assert_eq!(
        reg.file_seen(l.module, ident(1), &FREE),
        Ok(FileCheck::Unchanged)
    );
    assert_eq!(
        reg.file_seen(ModuleId(77), ident(1), &FREE),
        Err(PlanError::UnknownModule)
    );
}

#[test]
fn any_identity_field_counts_as_a_change() {
    for changed in [
        FileIdentity {
            mtime_nanos: 1,
            ..ident(1)
        },
        FileIdentity {
            size: 1,
            ..ident(1)
        },
        FileIdentity {
            inode: 1,
            ..ident(1)
        },
    ] {
        let mut reg = Registry::new();
        let l = load(&mut reg, "m", &[]);
        assert!(matches!(
            reg.file_seen(l.module, changed, &FREE),
            Ok(FileCheck::Reload(_))
        ));
    }
}

#[test]
fn a_changed_file_is_loaded_fresh_with_the_runtime_args() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    reg.update_runtime_args(l.module, &["c", "rt"]).unwrap();
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    assert_eq!(plan.cause, ReloadCause::FileChanged(ident(2)));
    assert_eq!(plan.attempt.image, Image::Fresh);
    assert_eq!(plan.attempt.args, a(&["rt"]));
    assert_eq!(plan.fallback.image, Image::SameAs(l.instance));
    assert_eq!(plan.fallback.args, a(&["old"]));
    let report = reg
        .finish_reload(
            plan.ticket,
            ReloadOutcome::Loaded {
                name: b"m".to_vec(),
                version: 2,
            },
        )
        .unwrap();
    assert_eq!(report.args_reply(), None);
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.identity(), Some(ident(2)));
    assert_eq!(
        (m.args(), m.instance_args()),
        (&a(&["rt"])[..], &a(&["rt"])[..])
    );
    assert_eq!(
        reg.file_seen(l.module, ident(2), &FREE),
        Ok(FileCheck::Unchanged)
    );
}

#[test]
fn a_failed_version_keeps_the_last_good_one_and_is_not_retried() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["a"]);
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::OpenFailed),
    )
    .unwrap();
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.identity(), Some(ident(1)), "last good identity kept");
    assert_eq!(m.failed_identity(), Some(ident(2)));
    assert_eq!(m.state().label(), "rolled-back");
    assert_eq!(
        reg.file_seen(l.module, ident(2), &FREE),
        Ok(FileCheck::Unchanged)
    );
}

#[test]
fn a_file_changed_twice_ends_on_the_newest_good_version() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    // v2 is broken, v3 is good.
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::OnLoadFailed),
    )
    .unwrap();
    let plan = file_plan(reg.file_seen(l.module, ident(3), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"m".to_vec(),
            version: 3,
        },
    )
    .unwrap();
    // v4 is broken: roll back to v3, not to v1.
    let plan = file_plan(reg.file_seen(l.module, ident(4), &FREE).unwrap());
    let v3_instance = reg.get(l.module).unwrap().instance();
    assert_eq!(plan.fallback.image, Image::SameAs(v3_instance));
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::OnLoadFailed),
    )
    .unwrap();
    let m = reg.get(l.module).unwrap();
    assert_eq!((m.identity(), m.version()), (Some(ident(3)), 3));
}

#[test]
fn a_change_seen_during_a_reload_is_picked_up_at_the_next_tick() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    assert_eq!(
        reg.file_seen(l.module, ident(3), &FREE),
        Ok(FileCheck::Busy)
    );
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"m".to_vec(),
            version: 2,
        },
    )
    .unwrap();
    let plan = file_plan(reg.file_seen(l.module, ident(3), &FREE).unwrap());
    assert_eq!(plan.cause, ReloadCause::FileChanged(ident(3)));
}

#[test]
fn a_file_put_back_to_the_running_version_recovers() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::OpenFailed),
    )
    .unwrap();
    assert_eq!(
        reg.file_seen(l.module, ident(1), &FREE),
        Ok(FileCheck::Recovered)
    );
    let m = reg.get(l.module).unwrap();
    assert_eq!(
        (m.state(), m.failed_identity()),
        (ModuleState::Loaded, None)
    );
    assert_eq!(
        reg.file_seen(l.module, ident(1), &FREE),
        Ok(FileCheck::Unchanged)
    );
}

#[test]
fn a_blocked_hot_reload_is_checked_again_each_tick() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let busy = UnloadFacts {
        has_blocked_clients: true,
        ..FREE
    };
    for _ in 0..2 {
        assert_eq!(
            reg.file_seen(l.module, ident(2), &busy),
            Ok(FileCheck::Blocked(UnloadRefusal::HasBlockedClients))
        );
    }
    assert_eq!(reg.get(l.module).unwrap().instance(), l.instance);
    assert!(matches!(
        reg.file_seen(l.module, ident(2), &FREE),
        Ok(FileCheck::Reload(_))
    ));
}

#[test]
fn a_hot_reload_refused_by_onunload_waits_for_the_next_change() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    let report = reg
        .finish_reload(plan.ticket, ReloadOutcome::UnloadRefused)
        .unwrap();
    assert_eq!(
        report,
        ReloadReport::Blocked {
            module: l.module,
            cause: plan.cause
        }
    );
    assert_eq!(
        reg.file_seen(l.module, ident(2), &FREE),
        Ok(FileCheck::Unchanged)
    );
    assert!(matches!(
        reg.file_seen(l.module, ident(3), &FREE),
        Ok(FileCheck::Reload(_))
    ));
}

#[test]
fn a_hot_reload_that_never_started_is_not_retried_for_that_version() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = file_plan(reg.file_seen(l.module, ident(2), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::NotStarted(LoadFailure::ImageUnavailable),
    )
    .unwrap();
    assert_eq!(reg.get(l.module).unwrap().state().label(), "reload-failed");
    assert_eq!(
        reg.file_seen(l.module, ident(2), &FREE),
        Ok(FileCheck::Unchanged)
    );
}

#[test]
fn an_argument_rollback_is_not_cleared_by_an_unchanged_file() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["bad"]), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::OnLoadFailed),
    )
    .unwrap();
    assert_eq!(
        reg.file_seen(l.module, ident(1), &FREE),
        Ok(FileCheck::Unchanged)
    );
    assert_eq!(reg.get(l.module).unwrap().state().label(), "rolled-back");
}
