//! Any bytes as a pipeline: the parser never panics, always progresses, keeps every argument
//! inside its request, and a multibulk re-encoded from the arguments parses back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resp_codec::{Encoder, Protocol, RequestParser, Span, Status};

fuzz_target!(|data: &[u8]| {
    let parser = RequestParser::new().max_bulk_len(1 << 20);
    let (mut buf, mut args, mut again) = (data.to_vec(), Vec::<Span>::new(), Vec::<Span>::new());
    let mut pos = 0;
    while let Ok(Status::Complete(used)) = parser.parse(&mut buf[pos..], &mut args) {
        assert!(used > 0 && pos + used <= buf.len());
        let req = &buf[pos..pos + used];
        assert!(args.iter().all(|a| a.start <= a.end && a.end <= used));
        let (enc, mut wire) = (Encoder::new(Protocol::Resp2), Vec::new());
        enc.array_len(&mut wire, args.len()).unwrap();
        args.iter()
            .for_each(|a| enc.bulk_string(&mut wire, a.of(req)).unwrap());
        if !args.is_empty() {
            assert_eq!(
                parser.parse(&mut wire.clone(), &mut again),
                Ok(Status::Complete(wire.len()))
            );
            assert!(
                args.iter()
                    .zip(&again)
                    .all(|(a, b)| a.of(req) == b.of(&wire))
            );
        }
        pos += used;
    }
});
