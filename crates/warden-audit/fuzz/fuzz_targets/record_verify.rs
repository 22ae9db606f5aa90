//! Fuzz the record parser, the canonicaliser and `verify` on untrusted log bytes.
//!
//! The first byte picks a mode:
//! - even: the rest is one line: `parse_line` must not panic, an accepted line must re-encode to
//!   itself, and canonical JSON must be a fixed point;
//! - odd: the rest is a list of (offset, xor mask) flips applied to a valid 4-record log:
//!   `verify` must not panic, and must call the log intact only when no byte changed. A raw
//!   copy of the input is also verified as a log of its own.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use warden_audit::{
    ACTIVE_SEGMENT, AuditLog, FsyncPolicy, NewRecord, Options, VerifyOptions, canonical,
    parse_line, verify,
};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warden-audit-fuzz-{}-{name}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn valid_log() -> &'static Vec<u8> {
    static LOG: OnceLock<Vec<u8>> = OnceLock::new();
    LOG.get_or_init(|| {
        let dir = scratch("base");
        let _ = std::fs::remove_dir_all(&dir);
        let log = AuditLog::open(&dir, Options { fsync: FsyncPolicy::Never, ..Options::default() })
            .expect("open");
        for i in 0..4u64 {
            log.append(NewRecord {
                event: "tool_decision".into(),
                point: "hook".into(),
                tool: Some("Bash".into()),
                action: serde_json::json!({"command": format!("echo {i}"), "f": 0.1, "u": "é\u{1F600}"}),
                decision: Some("deny".into()),
                rules: vec!["SH001".into()],
                ..NewRecord::default()
            })
            .expect("append");
        }
        std::fs::read(dir.join(ACTIVE_SEGMENT)).expect("read")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        if let Ok(parsed) = parse_line(rest) {
            let line = parsed.record.to_line();
            assert_eq!(line.as_bytes().strip_suffix(b"\n"), Some(rest), "accepted a non-canonical line");
        }
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(rest) {
            let once = canonical::to_string(&value);
            let again: serde_json::Value = serde_json::from_str(&once).expect("canonical output parses");
            assert_eq!(canonical::to_string(&again), once, "canonical form is not a fixed point");
        }
        return;
    }
    let base = valid_log();
    let mut log = base.clone();
    for flip in rest.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([flip[0], flip[1]])) % log.len();
        log[at] ^= flip[2];
    }
    let dir = scratch("flip");
    std::fs::write(dir.join(ACTIVE_SEGMENT), &log).expect("write");
    let report = verify(&dir, VerifyOptions::default());
    assert_eq!(report.is_intact(), log == *base, "{:?}", report.status);

    let raw = scratch("raw");
    std::fs::write(raw.join(ACTIVE_SEGMENT), rest).expect("write");
    let _ = verify(&raw, VerifyOptions::default());
    let _ = warden_audit::query(&raw, &Default::default()).count();
});
