//! RESP inputs, as ../shared/spec/performance-baseline.md §4 describes them.

/// A pipeline of 1000 `SET key:NNNN <100-byte value>` requests (135,000 bytes).
pub fn set_pipeline() -> Vec<u8> {
    let value: Vec<u8> = (0..100).map(|i| b'a' + (i % 26) as u8).collect();
    let mut out = Vec::with_capacity(135_000);
    for i in 0..1000 {
        out.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$8\r\n");
        out.extend_from_slice(format!("key:{i:04}").as_bytes());
        out.extend_from_slice(b"\r\n$100\r\n");
        out.extend_from_slice(&value);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Commands in [`set_pipeline`].
pub const SET_PIPELINE_COMMANDS: usize = 1000;

/// One round of the RESP3 reply mix: 19 top-level frames.
fn reply_round(out: &mut Vec<u8>, round: usize) {
    // A HELLO-like map.
    out.extend_from_slice(
        b"%7\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$7\r\nversion\r\n$5\r\n8.0.1\r\n\
$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:42\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n\
$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
    );
    // A set of 8 bulk strings.
    out.extend_from_slice(b"~8\r\n");
    for i in 0..8 {
        let member = format!("member:{i}");
        out.extend_from_slice(format!("${}\r\n{member}\r\n", member.len()).as_bytes());
    }
    // An invalidation push and a Pub/Sub message push.
    out.extend_from_slice(
        b">2\r\n$10\r\ninvalidate\r\n*3\r\n$5\r\nkey:1\r\n$5\r\nkey:2\r\n$5\r\nkey:3\r\n",
    );
    out.extend_from_slice(b">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$11\r\nhello world\r\n");
    // Three doubles.
    out.extend_from_slice(b",3.141592653589793\r\n");
    out.extend_from_slice(format!(",{round}.25\r\n").as_bytes());
    out.extend_from_slice(b",-inf\r\n");
    // A big number.
    out.extend_from_slice(b"(3492890328409238509324850943850943825024385\r\n");
    // [member, score] pairs.
    out.extend_from_slice(
        b"*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nd\r\n,4.75\r\n",
    );
    // A CLUSTER SLOTS-like 3-level array.
    out.extend_from_slice(
        b"*2\r\n*3\r\n:0\r\n:8191\r\n*2\r\n$9\r\n127.0.0.1\r\n:7000\r\n\
*3\r\n:8192\r\n:16383\r\n*2\r\n$9\r\n127.0.0.1\r\n:7001\r\n",
    );
    out.extend_from_slice(b"#t\r\n#f\r\n_\r\n+OK\r\n");
    out.extend_from_slice(b"-ERR unknown command 'FOO', with args beginning with: \r\n");
    out.extend_from_slice(b"!21\r\nSYNTAX invalid syntax\r\n");
    out.extend_from_slice(b"=15\r\ntxt:Some string\r\n");
    let value: Vec<u8> = (0..100).map(|i| b'a' + (i % 26) as u8).collect();
    out.extend_from_slice(b"$100\r\n");
    out.extend_from_slice(&value);
    out.extend_from_slice(b"\r\n:42\r\n");
}

/// 100 rounds of the RESP3 reply mix: 1,900 top-level frames.
pub fn reply_mix() -> Vec<u8> {
    let mut out = Vec::with_capacity(100_000);
    for round in 0..100 {
        reply_round(&mut out, round);
    }
    out
}

/// Top-level frames in [`reply_mix`].
pub const REPLY_MIX_FRAMES: usize = 1900;
