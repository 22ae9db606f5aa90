#![allow(clippy::unwrap_used, clippy::expect_used)]
//! One append to the audit log: without fsync (the hook's path for `allow`) and with fsync.
//!
//! Each iteration opens the log as a fresh hook process would (mkdir, open the lock file,
//! statfs) and appends one record, so the figure is what the hook pays.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use warden_audit::{AuditLog, FsyncPolicy, NewRecord, Options};

fn record() -> NewRecord {
    NewRecord {
        event: "tool_decision".into(),
        point: "hook".into(),
        agent: Some("claude".into()),
        session_id: Some("bench-session".into()),
        tool_use_id: Some("toolu_bench".into()),
        tool: Some("Bash".into()),
        action: json!({"type": "shell", "command": "cargo test -p warden-audit", "cwd": "/work"}),
        decision: Some("allow".into()),
        rules: vec!["SH000".into()],
        reason: Some("known-safe command".into()),
        mode: Some("tool".into()),
        cwd: Some("/work".into()),
        ..NewRecord::default()
    }
}

fn bench(c: &mut Criterion) {
    for (name, fsync) in [
        ("open+append (no fsync)", FsyncPolicy::Never),
        (
            "open+append (write-behind, the default)",
            FsyncPolicy::WriteBehind,
        ),
        ("open+append (fsync)", FsyncPolicy::Always),
    ] {
        // Benchmarks live next to the build, on the same file system as a real state dir
        // (not tmpfs, where fsync is free).
        let base = std::env::var_os("WARDEN_BENCH_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_default().join("target"));
        let dir = tempfile::tempdir_in(base).unwrap_or_else(|_| tempfile::tempdir().unwrap());
        let options = Options {
            fsync,
            ..Options::default()
        };
        c.bench_function(name, |b| {
            b.iter(|| {
                let log = AuditLog::open(dir.path(), options.clone()).unwrap();
                log.append(record()).unwrap()
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
