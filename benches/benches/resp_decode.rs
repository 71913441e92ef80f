//! Decoding: the server's request path and a client's RESP3 reply path, beside redis-protocol
//! (the most used RESP crate) in the same run. Inputs: ../shared/spec/performance-baseline.md §4.

use core::hint::black_box;

use benches::resp::{REPLY_MIX_FRAMES, SET_PIPELINE_COMMANDS, reply_mix, set_pipeline};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use resp_codec::{Frame, RequestParser, Span, Status, decode};

/// Visits every item of a frame, as a consumer of the reply would, and sums what it finds
/// (string lengths, integers, wrapping) so that nothing can be skipped.
fn leaves(frame: &Frame<'_>) -> u64 {
    match frame {
        Frame::Array(a) | Frame::Map(a) | Frame::Set(a) | Frame::Push(a) | Frame::Attribute(a) => a
            .iter()
            .fold(0, |sum, item| sum.wrapping_add(leaves(&item))),
        Frame::SimpleString(s) | Frame::SimpleError(s) | Frame::BulkString(s) => s.len() as u64,
        Frame::BigNumber(s) | Frame::BlobError(s) => s.len() as u64,
        Frame::Verbatim(v) => v.text.len() as u64,
        Frame::Integer(n) => *n as u64,
        Frame::Double(d) => d.to_bits(),
        Frame::Boolean(b) => u64::from(*b),
        _ => 1,
    }
}

fn ours_requests(buf: &mut [u8], args: &mut Vec<Span>) -> usize {
    let parser = RequestParser::new();
    let (mut pos, mut commands) = (0, 0);
    while let Ok(Status::Complete(used)) = parser.parse(&mut buf[pos..], args) {
        black_box(&args[..]);
        commands += 1;
        pos += used;
    }
    commands
}

fn ours_frames(buf: &[u8]) -> usize {
    let (mut pos, mut frames) = (0, 0);
    while let Ok(Status::Complete((frame, used))) = decode(&buf[pos..]) {
        black_box(leaves(&frame));
        frames += 1;
        pos += used;
    }
    frames
}

fn peer_resp2(buf: &[u8]) -> usize {
    let (mut pos, mut frames) = (0, 0);
    while let Ok(Some((frame, used))) = redis_protocol::resp2::decode::decode_range(&buf[pos..]) {
        black_box(frame);
        frames += 1;
        pos += used;
    }
    frames
}

fn peer_resp3(buf: &[u8]) -> usize {
    let (mut pos, mut frames) = (0, 0);
    while let Ok(Some((frame, used))) =
        redis_protocol::resp3::decode::complete::decode_range(&buf[pos..])
    {
        black_box(frame);
        frames += 1;
        pos += used;
    }
    frames
}

fn set_pipeline_bench(c: &mut Criterion) {
    let input = set_pipeline();
    let mut buf = input.clone();
    let mut args = Vec::new();
    assert_eq!(ours_requests(&mut buf, &mut args), SET_PIPELINE_COMMANDS);
    assert_eq!(ours_frames(&input), SET_PIPELINE_COMMANDS);
    assert_eq!(peer_resp2(&input), SET_PIPELINE_COMMANDS);
    assert_eq!(peer_resp3(&input), SET_PIPELINE_COMMANDS);

    let mut group = c.benchmark_group("set_pipeline_1000");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("resp-codec RequestParser", |b| {
        b.iter(|| ours_requests(black_box(&mut buf), &mut args))
    });
    group.bench_function("resp-codec decode", |b| {
        b.iter(|| ours_frames(black_box(&input)))
    });
    group.bench_function("redis-protocol resp2 decode_range", |b| {
        b.iter(|| peer_resp2(black_box(&input)))
    });
    group.bench_function("redis-protocol resp3 decode_range", |b| {
        b.iter(|| peer_resp3(black_box(&input)))
    });
    group.finish();
}

fn reply_mix_bench(c: &mut Criterion) {
    let input = reply_mix();
    assert_eq!(ours_frames(&input), REPLY_MIX_FRAMES);
    assert_eq!(peer_resp3(&input), REPLY_MIX_FRAMES);

    let mut group = c.benchmark_group("resp3_reply_mix");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("resp-codec decode", |b| {
        b.iter(|| ours_frames(black_box(&input)))
    });
    group.bench_function("redis-protocol resp3 decode_range", |b| {
        b.iter(|| peer_resp3(black_box(&input)))
    });
    group.finish();
}

criterion_group!(benches, set_pipeline_bench, reply_mix_bench);
criterion_main!(benches);
