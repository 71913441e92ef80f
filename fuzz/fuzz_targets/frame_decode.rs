//! Any bytes: decoding never panics, uses at most the input, every proper prefix of a decoded
//! frame is partial, and a decoded frame re-encodes to bytes that decode to an equal frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resp_codec::{Protocol, Status, decode};

fuzz_target!(|data: &[u8]| {
    let Ok(Status::Complete((frame, used))) = decode(data) else {
        return;
    };
    assert!(used <= data.len());
    assert_eq!(decode(&data[..used - 1]), Ok(Status::Partial));
    let bytes = frame
        .to_vec(Protocol::Resp3)
        .expect("a decoded frame encodes");
    assert_eq!(frame.encoded_len(Protocol::Resp3), Ok(bytes.len()));
    let Ok(Status::Complete((again, n))) = decode(&bytes) else {
        panic!("re-encoded frame does not decode");
    };
    assert_eq!((again, n), (frame, bytes.len()));
});
