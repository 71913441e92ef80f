//! Op sequences against modules-core's registry. Invariants: load order is kept
//! (new modules only at the end), MODULE LIST shows the last committed args, and a
//! rollback restores the previous module exactly.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modules_core::{ArgsChange as A, FileCheck as F, ReloadOutcome as O, ReloadReport as R, *};

fn outcome(bits: u8, name: &[u8]) -> O {
    match bits >> 4 & 3 {
        0 => O::Loaded {
            name: name.to_vec(),
            version: 2,
        },
        1 => O::RolledBack(LoadFailure::OnLoadFailed),
        2 => O::UnloadRefused,
        _ => O::NotStarted(LoadFailure::ImageUnavailable),
    }
}

type View = (
    Vec<u8>,
    i32,
    Vec<Vec<u8>>,
    Vec<Vec<u8>>,
    Option<FileIdentity>,
);

fn view(m: &Module) -> View {
    (
        m.name().to_vec(),
        m.version(),
        m.args().to_vec(),
        m.instance_args().to_vec(),
        m.identity(),
    )
}

fuzz_target!(|ops: Vec<(u8, u8, Vec<Vec<u8>>)>| {
    let mut reg = Registry::new();
    for (kind, bits, args) in ops {
        let (name, before) = ([b'a' + bits % 4], reg.clone());
        let facts = UnloadFacts {
            holds_timers: bits & 4 != 0,
            ..UnloadFacts::FREE
        };
        let identity = FileIdentity {
            size: u64::from(bits >> 6),
            ..Default::default()
        };
        let id = reg.find(&name).map(Module::id);
        let mut plan = None;
        match (kind % 5, id) {
            (0, _) => {
                let (path, origin, identity) = (name.to_vec(), Origin::Command, Some(identity));
                let _ = reg.load(LoadRequest {
                    path,
                    args,
                    origin,
                    name: name.to_vec(),
                    version: 1,
                    identity,
                });
            }
            (1, _) => {
                if let Ok(p) = reg.check_unload(&name, &facts) {
                    reg.commit_unload(p).unwrap();
                }
            }
            (2, _) => {
                if let Ok(A::Reload(p)) = reg.set_arguments(&name, args, &facts) {
                    plan = Some(p);
                }
            }
            (3, Some(id)) => {
                reg.update_runtime_args(id, &args).unwrap();
                assert_eq!(reg.get(id).unwrap().args(), args.get(1..).unwrap_or(&[]));
            }
            (4, Some(id)) => {
                if let Ok(F::Reload(p)) = reg.file_seen(id, identity, &facts) {
                    plan = Some(p);
                }
            }
            _ => {}
        }
        if let Some(p) = plan {
            let report = reg.finish_reload(p.ticket, outcome(bits, &name)).unwrap();
            let (old, now) = (before.get(p.module).unwrap(), reg.get(p.module).unwrap());
            match report {
                R::Reloaded { .. } => assert_eq!(now.args(), p.attempt.args),
                R::RolledBack { live, .. } => {
                    assert_eq!((view(now), live), (view(old), p.fallback.instance))
                }
                _ => assert_eq!(now.instance(), old.instance()),
            }
        }
        let kept: Vec<ModuleId> = before
            .iter()
            .map(Module::id)
            .filter(|id| reg.get(*id).is_some())
            .collect();
        assert!(
            reg.iter().map(Module::id).take(kept.len()).eq(kept),
            "load order kept"
        );
    }
});
