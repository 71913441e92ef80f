//! Model-based test: random operation sequences applied to the registry and
//! to a naive model of what a user of MODULE LIST, CONFIG REWRITE and the
//! argument commands should see, compared after every step.

use modules_core::*;
use proptest::prelude::*;

type Args = Vec<Vec<u8>>;

const NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];

fn ident(n: u8) -> FileIdentity {
    FileIdentity {
        mtime_secs: i64::from(n),
        mtime_nanos: 0,
        size: 100,
        inode: 1,
    }
}

#[derive(Clone, Debug)]
enum Outcome {
    Open,
    NotStarted,
    UnloadRefused,
    Loaded { ver: i32, rename: Option<usize> },
    RolledBack,
    Lost,
}

#[derive(Clone, Debug)]
enum Op {
    Load {
        name: usize,
        upper: bool,
        args: Args,
        origin: u8,
    },
    Unload {
        name: usize,
        facts: UnloadFacts,
    },
    Set {
        name: usize,
        args: Args,
        facts: UnloadFacts,
        outcome: Outcome,
    },
    Reset {
        name: usize,
        facts: UnloadFacts,
        outcome: Outcome,
    },
    Update {
        which: usize,
        argv: Args,
    },
    File {
        which: usize,
        ident: u8,
        facts: UnloadFacts,
        outcome: Outcome,
    },
    Finish {
        outcome: Outcome,
    },
}

fn args() -> impl Strategy<Value = Args> {
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(b"ab \"'\\\0".to_vec()), 0..3),
        0..3,
    )
}

fn facts() -> impl Strategy<Value = UnloadFacts> {
    // Mostly free, so reloads happen.
    (0u8..8).prop_map(|n| UnloadFacts {
        exports_data_types: n == 1,
        used_by_other_modules: n == 2,
        has_blocked_clients: n == 3,
        holds_timers: n == 4,
    })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        1 => Just(Outcome::Open),
        1 => Just(Outcome::NotStarted),
        1 => Just(Outcome::UnloadRefused),
        3 => (1..4i32, prop::option::weighted(0.2, 0..NAMES.len()))
            .prop_map(|(ver, rename)| Outcome::Loaded { ver, rename }),
        2 => Just(Outcome::RolledBack),
        1 => Just(Outcome::Lost),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let name = 0..NAMES.len();
    prop_oneof![
        3 => (name.clone(), any::<bool>(), args(), 0u8..3)
            .prop_map(|(name, upper, args, origin)| Op::Load { name, upper, args, origin }),
        1 => (name.clone(), facts()).prop_map(|(name, facts)| Op::Unload { name, facts }),
        2 => (name.clone(), args(), facts(), outcome())
            .prop_map(|(name, args, facts, outcome)| Op::Set { name, args, facts, outcome }),
        1 => (name, facts(), outcome()).prop_map(|(name, facts, outcome)| Op::Reset { name, facts, outcome }),
        2 => (0..5usize, args()).prop_map(|(which, argv)| Op::Update { which, argv }),
        3 => (0..5usize, 0u8..4, facts(), outcome())
            .prop_map(|(which, ident, facts, outcome)| Op::File { which, ident, facts, outcome }),
        1 => outcome().prop_map(|outcome| Op::Finish { outcome }),
    ]
}

/// What the model expects of one module.
#[derive(Clone, Debug)]
struct Model {
    id: ModuleId,
    name: Vec<u8>,
    ver: i32,
    path: Vec<u8>,
    included: bool,
    load: Args,
    args: Args,
    inst: Args,
    good: FileIdentity,
    failed: Option<FileIdentity>,
    label: &'static str,
    file_cause: bool,
    pending: Option<Pend>,
}

#[derive(Clone, Debug)]
struct Pend {
    ticket: ReloadTicket,
    arguments: bool,
    file: Option<FileIdentity>,
    attempt: Args,
    deferred: Option<Args>,
}

#[derive(Default)]
struct World {
    reg: Registry,
    model: Vec<Model>,
}

fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl World {
    fn finish(&mut self, at: usize, outcome: &Outcome) {
        let Some(p) = self.model[at].pending.clone() else {
            return;
        };
        let reported = match outcome {
            Outcome::Open => return,
            Outcome::NotStarted => ReloadOutcome::NotStarted(LoadFailure::ImageUnavailable),
            Outcome::UnloadRefused => ReloadOutcome::UnloadRefused,
            Outcome::Loaded { ver, rename } => ReloadOutcome::Loaded {
                name: rename.map_or_else(
                    || self.model[at].name.clone(),
                    |n| NAMES[n].as_bytes().to_vec(),
                ),
                version: *ver,
            },
            Outcome::RolledBack => ReloadOutcome::RolledBack(LoadFailure::OnLoadFailed),
            Outcome::Lost => ReloadOutcome::Lost {
                failure: LoadFailure::OnLoadFailed,
                fallback_failure: LoadFailure::OpenFailed,
            },
        };
        let before = self.model[at].clone();
        let got = self.reg.finish_reload(p.ticket, reported.clone());
        let m = &mut self.model[at];
        match reported {
            ReloadOutcome::Loaded { name, version } => {
                let id = m.id;
                if self
                    .model
                    .iter()
                    .any(|o| o.id != id && same_name(&o.name, &name))
                {
                    assert_eq!(got, Err(PlanError::NameBusy));
                    return;
                }
                let m = &mut self.model[at];
                assert!(matches!(got, Ok(ReloadReport::Reloaded { .. })), "{got:?}");
                m.name = name;
                m.ver = version;
                m.args = p.deferred.clone().unwrap_or_else(|| p.attempt.clone());
                m.inst = p.attempt.clone();
                if let Some(f) = p.file {
                    m.good = f;
                    m.failed = None;
                }
                m.label = "loaded";
            }
            ReloadOutcome::NotStarted(_) => {
                assert!(
                    matches!(got, Ok(ReloadReport::NotStarted { .. })),
                    "{got:?}"
                );
                m.label = "reload-failed";
                m.failed = p.file.or(m.failed);
            }
            ReloadOutcome::UnloadRefused => {
                assert!(matches!(got, Ok(ReloadReport::Blocked { .. })), "{got:?}");
                if p.arguments {
                    m.args = p.attempt.clone();
                }
                m.label = "reload-blocked";
                m.failed = p.file.or(m.failed);
            }
            ReloadOutcome::RolledBack(_) => {
                assert!(
                    matches!(got, Ok(ReloadReport::RolledBack { .. })),
                    "{got:?}"
                );
                // Rollback restores exactly the previous name, version, args.
                let now = self.reg.get(m.id).unwrap();
                assert_eq!((now.name(), now.version()), (&before.name[..], before.ver));
                assert_eq!(
                    (now.args(), now.instance_args()),
                    (&before.args[..], &before.inst[..])
                );
                m.label = "rolled-back";
                m.failed = p.file.or(m.failed);
            }
            ReloadOutcome::Lost { .. } => {
                assert!(matches!(got, Ok(ReloadReport::Lost { .. })), "{got:?}");
                self.model.remove(at);
                return;
            }
        }
        let m = &mut self.model[at];
        m.file_cause = p.file.is_some();
        m.pending = None;
    }

    fn change_args(
        &mut self,
        name: &[u8],
        new: Option<Args>,
        facts: &UnloadFacts,
        outcome: &Outcome,
    ) {
        let got = match &new {
            Some(args) => self.reg.set_arguments(name, args.clone(), facts),
            None => self.reg.reset_arguments(name, facts),
        };
        let Some(at) = self.model.iter().position(|m| same_name(&m.name, name)) else {
            assert_eq!(got.unwrap_err().kind, ArgsErrorKind::NoSuchModule);
            return;
        };
        let m = &mut self.model[at];
        if m.pending.is_some() {
            assert_eq!(got.unwrap_err().kind, ArgsErrorKind::ReloadInProgress);
            return;
        }
        let target = new.unwrap_or_else(|| m.load.clone());
        if let Some(refusal) = facts.refusal() {
            assert_eq!(
                got,
                Ok(ArgsChange::StoredForRestart {
                    module: m.id,
                    refusal
                })
            );
            m.args = target;
            m.label = "reload-blocked";
            m.file_cause = false;
            return;
        }
        let Ok(ArgsChange::Reload(plan)) = got else {
            panic!("{got:?}")
        };
        assert_eq!(plan.attempt.args, target);
        assert_eq!(plan.fallback.args, m.inst);
        m.pending = Some(Pend {
            ticket: plan.ticket,
            arguments: true,
            file: None,
            attempt: target,
            deferred: None,
        });
        m.label = "reload-pending";
        self.finish(at, outcome);
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Load {
                name,
                upper,
                args,
                origin,
            } => {
                let mut n = NAMES[*name].as_bytes().to_vec();
                if *upper {
                    n.make_ascii_uppercase();
                }
                let origin = match origin {
                    0 => Origin::Command,
                    1 => Origin::ConfigFile {
                        file: ConfigFile::Main,
                        line: 1,
                    },
                    _ => Origin::ConfigFile {
                        file: ConfigFile::Included(b"inc.conf".to_vec()),
                        line: 2,
                    },
                };
                let included = origin.is_included();
                let path = [b"/m/".as_slice(), &n, b".so"].concat();
                let got = self.reg.load(LoadRequest {
                    path: path.clone(),
                    args: args.clone(),
                    origin,
                    name: n.clone(),
                    version: 1,
                    identity: Some(ident(0)),
                });
                if self.model.iter().any(|m| same_name(&m.name, &n)) {
                    assert_eq!(got, Err(LoadFailure::NameBusy));
                } else {
                    let id = got.unwrap().module;
                    self.model.push(Model {
                        id,
                        name: n,
                        ver: 1,
                        path,
                        included,
                        load: args.clone(),
                        args: args.clone(),
                        inst: args.clone(),
                        good: ident(0),
                        failed: None,
                        label: "loaded",
                        file_cause: false,
                        pending: None,
                    });
                }
            }
            Op::Unload { name, facts } => {
                let name = NAMES[*name].as_bytes();
                let got = self.reg.check_unload(name, facts);
                let want = match self.model.iter().position(|m| same_name(&m.name, name)) {
                    None => Err(UnloadRefusal::NoSuchModule),
                    Some(at) => match facts.refusal() {
                        Some(r) => Err(r),
                        None if self.model[at].pending.is_some() => {
                            Err(UnloadRefusal::ReloadInProgress)
                        }
                        None => Ok(at),
                    },
                };
                match want {
                    Err(r) => assert_eq!(got, Err(r)),
                    Ok(at) => {
                        let removed = self.reg.commit_unload(got.unwrap()).unwrap();
                        assert_eq!(removed.id(), self.model.remove(at).id);
                    }
                }
            }
            Op::Set {
                name,
                args,
                facts,
                outcome,
            } => {
                self.change_args(NAMES[*name].as_bytes(), Some(args.clone()), facts, outcome);
            }
            Op::Reset {
                name,
                facts,
                outcome,
            } => self.change_args(NAMES[*name].as_bytes(), None, facts, outcome),
            Op::Update { which, argv } => {
                let Some(m) = self.model.get_mut(*which) else {
                    return;
                };
                self.reg.update_runtime_args(m.id, argv).unwrap();
                let new: Args = argv.iter().skip(1).cloned().collect();
                match &mut m.pending {
                    Some(p) => p.deferred = Some(new),
                    None => m.args = new,
                }
            }
            Op::File {
                which,
                ident: n,
                facts,
                outcome,
            } => {
                let Some(m) = self.model.get_mut(*which) else {
                    return;
                };
                let seen = ident(*n);
                let got = self.reg.file_seen(m.id, seen, facts).unwrap();
                if m.pending.is_some() {
                    assert_eq!(got, FileCheck::Busy);
                } else if seen == m.good {
                    m.failed = None;
                    if m.file_cause && m.label != "loaded" {
                        assert_eq!(got, FileCheck::Recovered);
                        m.label = "loaded";
                    } else {
                        assert_eq!(got, FileCheck::Unchanged);
                    }
                } else if m.failed == Some(seen) {
                    assert_eq!(got, FileCheck::Unchanged);
                } else if let Some(r) = facts.refusal() {
                    assert_eq!(got, FileCheck::Blocked(r));
                    m.label = "reload-blocked";
                    m.file_cause = true;
                } else {
                    let FileCheck::Reload(plan) = got else {
                        panic!("{got:?}")
                    };
                    assert_eq!(plan.attempt.image, Image::Fresh);
                    assert_eq!(plan.attempt.args, m.args);
                    assert_eq!(plan.fallback.args, m.inst);
                    m.pending = Some(Pend {
                        ticket: plan.ticket,
                        arguments: false,
                        file: Some(seen),
                        attempt: m.args.clone(),
                        deferred: None,
                    });
                    m.label = "reload-pending";
                    let at = *which;
                    self.finish(at, outcome);
                }
            }
            Op::Finish { outcome } => {
                if let Some(at) = self.model.iter().position(|m| m.pending.is_some()) {
                    self.finish(at, outcome);
                }
            }
        }
    }

    fn check(&self) {
        let list: Vec<_> = self.reg.list().collect();
        assert_eq!(list.len(), self.model.len());
        for (entry, m) in list.iter().zip(&self.model) {
            assert_eq!(
                (entry.name, entry.ver, entry.path, entry.args),
                (&m.name[..], m.ver, &m.path[..], &m.args[..])
            );
            let got = self.reg.get(m.id).unwrap();
            assert_eq!(got.load_args(), m.load);
            assert_eq!(got.instance_args(), m.inst);
            assert_eq!(got.identity(), Some(m.good));
            assert_eq!(got.failed_identity(), m.failed);
            assert_eq!(got.state().label(), m.label);
        }
        let mut instances: Vec<_> = self.reg.iter().map(Module::instance).collect();
        instances.sort_unstable();
        instances.dedup();
        assert_eq!(
            instances.len(),
            self.model.len(),
            "live instances are distinct"
        );

        let rw = self.reg.rewrite();
        let main: Vec<_> = self
            .model
            .iter()
            .filter(|m| !m.included)
            .map(|m| render_loadmodule_line(&m.path, &m.args))
            .collect();
        assert_eq!(rw.main, main);
        let changed_included = self
            .model
            .iter()
            .filter(|m| m.included && m.args != m.load)
            .count();
        assert_eq!(rw.included.len(), changed_included);
        let main_models = self.model.iter().filter(|m| !m.included);
        let included = rw.included.iter().map(|l| {
            let m = self.model.iter().find(|m| m.id == l.module).unwrap();
            (&l.text, m)
        });
        for (line, m) in rw.main.iter().zip(main_models).chain(included) {
            let back = split_args(line).unwrap();
            assert_eq!((&back[0][..], &back[1]), (&b"loadmodule"[..], &m.path));
            assert_eq!(back[2..], m.args[..]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn registry_agrees_with_the_model(ops in prop::collection::vec(op(), 1..40)) {
        let mut world = World::default();
        for op in &ops {
            world.apply(op);
            world.check();
        }
    }
}
