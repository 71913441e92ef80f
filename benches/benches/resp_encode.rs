//! Encoding the replies a server writes most, in RESP2 and RESP3, into a reused `Vec`.

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use resp_codec::{EncodeError, Encoder, Protocol};

const VALUE: &[u8; 100] = &[b'v'; 100];

/// One round of common replies: +OK, a GET hit, a miss, an INCR, an LRANGE of 10, an HGETALL
/// of 5 pairs, a ZSCORE double and a boolean.
fn replies(enc: Encoder, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    enc.simple_string(out, b"OK")?;
    enc.bulk_string(out, VALUE)?;
    enc.null(out)?;
    enc.integer(out, 1_234_567)?;
    enc.array_len(out, 10)?;
    for _ in 0..10 {
        enc.bulk_string(out, &VALUE[..16])?;
    }
    enc.map_len(out, 5)?;
    for i in 0..5 {
        enc.bulk_string(out, b"field")?;
        enc.integer(out, i)?;
    }
    enc.double(out, 3.25)?;
    enc.boolean(out, true)
}

fn encode_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode_common_replies_x100");
    for proto in [Protocol::Resp2, Protocol::Resp3] {
        let enc = Encoder::new(proto);
        let mut out = Vec::with_capacity(64 * 1024);
        for _ in 0..100 {
            replies(enc, &mut out).unwrap();
        }
        group.throughput(Throughput::Bytes(out.len() as u64));
        group.bench_function(format!("{proto:?}"), |b| {
            b.iter(|| {
                out.clear();
                for _ in 0..100 {
                    replies(enc, black_box(&mut out)).unwrap();
                }
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, encode_bench);
criterion_main!(benches);
