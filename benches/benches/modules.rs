//! modules-core: the config-line tokenizer on a realistic config file, CONFIG
//! REWRITE's module lines, and the hot-reload timer tick (one `file_seen` per
//! module with nothing changed: what runs every second).

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modules_core::{FileIdentity, LoadRequest, Origin, Registry, UnloadFacts, split_args};

const MODULES: usize = 64;

fn config_file() -> Vec<u8> {
    let mut conf = Vec::new();
    for i in 0..100 {
        conf.extend_from_slice(
            format!("# section {i}\nport {}\nsave 3600 1 300 100\n", 6000 + i).as_bytes(),
        );
        conf.extend_from_slice(br#"requirepass "a long \"quoted\" pass\x21word""#);
        conf.extend_from_slice(
            format!("\nloadmodule /opt/m{i}.so maxsize 10 'two words' \"\"\n").as_bytes(),
        );
    }
    conf
}

fn registry() -> Registry {
    let mut reg = Registry::new();
    for i in 0..MODULES {
        let args = vec![
            b"maxsize".to_vec(),
            b"1024".to_vec(),
            b"two words".to_vec(),
            Vec::new(),
        ];
        let name = format!("mod{i}").into_bytes();
        let path = format!("/opt/valkey/modules/{}.so", i).into_bytes();
        let identity = Some(FileIdentity {
            inode: i as u64,
            ..FileIdentity::default()
        });
        reg.load(LoadRequest {
            path,
            args,
            origin: Origin::Command,
            name,
            version: 1,
            identity,
        })
        .unwrap();
    }
    reg
}

fn benches(c: &mut Criterion) {
    let conf = config_file();
    let mut g = c.benchmark_group("modules");
    g.throughput(Throughput::Bytes(conf.len() as u64));
    g.bench_function("split_args/config_file_500_lines", |b| {
        b.iter(|| {
            let mut n = 0;
            for line in black_box(&conf).split(|&b| b == b'\n') {
                n += split_args(line).unwrap().len();
            }
            n
        })
    });
    g.throughput(Throughput::Elements(MODULES as u64));
    let mut reg = registry();
    g.bench_function("rewrite/64_modules", |b| {
        b.iter(|| black_box(&reg).rewrite())
    });
    let ids: Vec<_> = reg
        .iter()
        .map(|m| (m.id(), m.identity().unwrap()))
        .collect();
    g.bench_function("file_seen/64_modules_unchanged", |b| {
        b.iter(|| {
            for &(id, identity) in &ids {
                black_box(reg.file_seen(id, identity, &UnloadFacts::FREE).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(modules, benches);
criterion_main!(modules);
