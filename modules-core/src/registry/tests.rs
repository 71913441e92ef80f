//! Unit tests of the registry: load, unload, UpdateRuntimeArgs, MODULE LIST
//! and CONFIG REWRITE.

use alloc::vec;
use alloc::vec::Vec;

use crate::test_support::*;
use crate::*;

// ---- load ------------------------------------------------------------------

#[test]
fn load_appends_in_load_order() {
    let mut reg = Registry::new();
    load(&mut reg, "json", &[]);
    load(&mut reg, "search", &[]);
    load(&mut reg, "bloom", &[]);
    assert_eq!(names(&reg), [&b"json"[..], b"search", b"bloom"]);
}

#[test]
fn load_refuses_a_taken_name_case_insensitively() {
    let mut reg = Registry::new();
    load(&mut reg, "hello", &[]);
    let mut dup = request("HeLLo", &[]);
    dup.path = b"/other/path.so".to_vec();
    assert_eq!(reg.load(dup), Err(LoadFailure::NameBusy));
    assert_eq!(reg.len(), 1);
    assert!(reg.is_name_busy(b"HELLO"));
}

#[test]
fn load_args_start_as_runtime_and_instance_args() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["x", ""]);
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.load_args(), a(&["x", ""]));
    assert_eq!(m.args(), m.load_args());
    assert_eq!(m.instance_args(), m.load_args());
    assert_eq!(m.state(), ModuleState::Loaded);
    assert_eq!(m.instance(), l.instance);
    assert!(!m.args_apply_at_restart());
}

#[test]
fn every_load_gets_fresh_ids() {
    let mut reg = Registry::new();
    let x = load(&mut reg, "x", &[]);
    let y = load(&mut reg, "y", &[]);
    assert_ne!(x.module, y.module);
    assert_ne!(x.instance, y.instance);
}

#[test]
fn name_busy_except_ignores_only_the_module_being_reloaded() {
    let mut reg = Registry::new();
    let x = load(&mut reg, "x", &[]);
    load(&mut reg, "y", &[]);
    assert!(!reg.is_name_busy_except(b"X", x.module));
    assert!(reg.is_name_busy_except(b"y", x.module));
}

// ---- unload ----------------------------------------------------------------

#[test]
fn unload_of_unknown_name_is_refused_with_valkeys_text() {
    let reg = Registry::new();
    let err = reg.check_unload(b"nope", &FREE).unwrap_err();
    assert_eq!(err, UnloadRefusal::NoSuchModule);
    assert_eq!(
        alloc::format!("{err}"),
        "Error unloading module: no such module with that name"
    );
}

#[test]
fn unload_refusals_come_from_the_facts_in_valkeys_order() {
    let mut reg = Registry::new();
    load(&mut reg, "m", &[]);
    let cases = [
        (
            UnloadFacts {
                exports_data_types: true,
                holds_timers: true,
                ..FREE
            },
            UnloadRefusal::ExportsDataTypes,
        ),
        (
            UnloadFacts {
                used_by_other_modules: true,
                has_blocked_clients: true,
                ..FREE
            },
            UnloadRefusal::UsedByOtherModules,
        ),
        (
            UnloadFacts {
                has_blocked_clients: true,
                holds_timers: true,
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
    ];
    for (facts, want) in cases {
        assert_eq!(reg.check_unload(b"m", &facts), Err(want));
    }
    assert_eq!(reg.len(), 1);
}

#[test]
fn no_such_module_wins_over_facts() {
    let reg = Registry::new();
    let facts = UnloadFacts {
        exports_data_types: true,
        ..FREE
    };
    assert_eq!(
        reg.check_unload(b"m", &facts),
        Err(UnloadRefusal::NoSuchModule)
    );
}

#[test]
fn unload_finds_the_name_case_insensitively_and_keeps_the_others_in_order() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    let b = load(&mut reg, "b", &[]);
    load(&mut reg, "c", &[]);
    let plan = reg.check_unload(b"B", &FREE).unwrap();
    assert_eq!(
        plan,
        UnloadPlan {
            module: b.module,
            instance: b.instance
        }
    );
    let removed = reg.commit_unload(plan).unwrap();
    assert_eq!(removed.name(), b"b");
    assert_eq!(names(&reg), [&b"a"[..], b"c"]);
}

#[test]
fn a_module_loaded_again_moves_to_the_end() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    load(&mut reg, "b", &[]);
    let plan = reg.check_unload(b"a", &FREE).unwrap();
    reg.commit_unload(plan).unwrap();
    load(&mut reg, "a", &[]);
    assert_eq!(names(&reg), [&b"b"[..], b"a"]);
}

#[test]
fn commit_unload_twice_is_refused() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    let plan = reg.check_unload(b"a", &FREE).unwrap();
    reg.commit_unload(plan).unwrap();
    assert_eq!(reg.commit_unload(plan), Err(PlanError::UnknownModule));
}

#[test]
fn commit_unload_after_a_reload_changed_the_instance_is_stale() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    let unload = reg.check_unload(b"a", &FREE).unwrap();
    let plan = plan_of(reg.set_arguments(b"a", a(&["1"]), &FREE).unwrap());
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"a".to_vec(),
            version: 1,
        },
    )
    .unwrap();
    assert_eq!(reg.commit_unload(unload), Err(PlanError::StalePlan));
    assert_eq!(reg.len(), 1);
}

#[test]
fn unload_during_a_pending_reload_is_refused() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &[]);
    let plan = plan_of(reg.set_arguments(b"a", a(&["1"]), &FREE).unwrap());
    assert_eq!(
        reg.check_unload(b"a", &FREE),
        Err(UnloadRefusal::ReloadInProgress)
    );
    let stale = UnloadPlan {
        module: plan.module,
        instance: plan.unload,
    };
    assert_eq!(reg.commit_unload(stale), Err(PlanError::StalePlan));
}

// ---- UpdateRuntimeArgs -------------------------------------------------------

#[test]
fn update_runtime_args_skips_argv0_like_valkey() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["orig"]);
    reg.update_runtime_args(l.module, &["mod.update", "1", "2"])
        .unwrap();
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.args(), a(&["1", "2"]));
    assert_eq!(reg.list().next().unwrap().args, a(&["1", "2"]));
}

#[test]
fn update_runtime_args_with_only_argv0_or_nothing_clears_the_args() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["orig"]);
    reg.update_runtime_args(l.module, &["cmd"]).unwrap();
    assert!(reg.get(l.module).unwrap().args().is_empty());
    reg.update_runtime_args(l.module, &["cmd", "x"]).unwrap();
    let none: [&[u8]; 0] = [];
    reg.update_runtime_args(l.module, &none).unwrap();
    assert!(reg.get(l.module).unwrap().args().is_empty());
}

#[test]
fn update_runtime_args_does_not_restart_or_forget_load_args() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["orig"]);
    reg.update_runtime_args(l.module, &["cmd", "new"]).unwrap();
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.load_args(), a(&["orig"]));
    assert_eq!(m.instance_args(), a(&["orig"]));
    assert_eq!(m.instance(), l.instance);
    assert!(m.args_apply_at_restart());
}

#[test]
fn update_runtime_args_of_unknown_module_is_an_error() {
    let mut reg = Registry::new();
    assert_eq!(
        reg.update_runtime_args(ModuleId(99), &["c", "x"]),
        Err(PlanError::UnknownModule)
    );
}

#[test]
fn update_during_a_reload_is_kept_when_the_reload_commits() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["n"]), &FREE).unwrap());
    reg.update_runtime_args(l.module, &["x", "from-onload"])
        .unwrap();
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::Loaded {
            name: b"m".to_vec(),
            version: 1,
        },
    )
    .unwrap();
    let m = reg.get(l.module).unwrap();
    assert_eq!(m.args(), a(&["from-onload"]));
    assert_eq!(m.instance_args(), a(&["n"]));
}

#[test]
fn update_during_a_reload_is_dropped_when_it_rolls_back() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &["old"]);
    let plan = plan_of(reg.set_arguments(b"m", a(&["n"]), &FREE).unwrap());
    reg.update_runtime_args(l.module, &["x", "from-onload"])
        .unwrap();
    reg.finish_reload(
        plan.ticket,
        ReloadOutcome::RolledBack(LoadFailure::OnLoadFailed),
    )
    .unwrap();
    assert_eq!(reg.get(l.module).unwrap().args(), a(&["old"]));
}

// ---- MODULE LIST and CONFIG REWRITE -----------------------------------------------

#[test]
fn list_entries_carry_valkeys_four_fields_in_load_order() {
    let mut reg = Registry::new();
    load(&mut reg, "a", &["1"]);
    load(&mut reg, "b", &[]);
    let list: Vec<_> = reg.list().collect();
    assert_eq!(ModuleListEntry::FIELDS, ["name", "ver", "path", "args"]);
    assert_eq!(
        list,
        [
            ModuleListEntry {
                name: b"a",
                ver: 1,
                path: b"/m/a.so",
                args: &a(&["1"])
            },
            ModuleListEntry {
                name: b"b",
                ver: 1,
                path: b"/m/b.so",
                args: &[]
            },
        ]
    );
}

#[test]
fn rewrite_of_an_empty_registry_has_no_module_lines() {
    assert_eq!(Registry::new().rewrite(), Rewrite::default());
}

#[test]
fn rewrite_writes_runtime_args_quoted_in_load_order() {
    let mut reg = Registry::new();
    let x = load(&mut reg, "x", &["a b"]);
    load(&mut reg, "y", &[""]);
    reg.update_runtime_args(x.module, &["c", "it's", "plain"])
        .unwrap();
    assert_eq!(
        reg.rewrite().main,
        [
            br#"loadmodule /m/x.so "it's" plain"#.to_vec(),
            br#"loadmodule /m/y.so """#.to_vec()
        ]
    );
}

#[test]
fn rewrite_never_copies_an_included_modules_line_into_the_main_file() {
    let mut reg = Registry::new();
    let mut inc = request("inc", &["1"]);
    inc.origin = Origin::ConfigFile {
        file: ConfigFile::Included(b"/etc/m.d/inc.conf".to_vec()),
        line: 3,
    };
    let inc = reg.load(inc).unwrap();
    let mut main = request("main", &[]);
    main.origin = Origin::ConfigFile {
        file: ConfigFile::Main,
        line: 9,
    };
    reg.load(main).unwrap();
    load(&mut reg, "cmd", &[]);
    let rw = reg.rewrite();
    assert_eq!(
        rw.main,
        [
            b"loadmodule /m/main.so".to_vec(),
            b"loadmodule /m/cmd.so".to_vec()
        ]
    );
    assert!(rw.included.is_empty());

    reg.update_runtime_args(inc.module, &["c", "2"]).unwrap();
    let rw = reg.rewrite();
    assert_eq!(rw.main.len(), 2);
    assert_eq!(
        rw.included,
        [IncludedLine {
            module: inc.module,
            file: b"/etc/m.d/inc.conf".to_vec(),
            line: 3,
            text: b"loadmodule /m/inc.so 2".to_vec(),
        }]
    );
}

#[test]
fn rewritten_lines_read_back_to_path_and_runtime_args() {
    let mut reg = Registry::new();
    let l = load(&mut reg, "m", &[]);
    let tricky = vec![
        b"".to_vec(),
        b"sp ace".to_vec(),
        b"q\"'\\".to_vec(),
        b"\0\n\xff".to_vec(),
    ];
    let mut argv = vec![b"cmd".to_vec()];
    argv.extend(tricky.iter().cloned());
    reg.update_runtime_args(l.module, &argv).unwrap();
    let line = reg.rewrite().main.remove(0);
    let back = split_args(&line).unwrap();
    assert_eq!(back[0], b"loadmodule");
    assert_eq!(back[1], b"/m/m.so");
    assert_eq!(back[2..], tricky);
}
