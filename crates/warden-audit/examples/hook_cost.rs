//! What logging adds to a hook-like process: spawn a fresh process that exits at once, and one
//! that opens the log and appends one `allow` record (default fsync policy) before exiting, N
//! times each, interleaved; print the medians of the whole-process wall time.
//!
//! ```text
//! cargo run --release -p warden-audit --example hook_cost -- 1000
//! ```
//!
//! The log goes to a fresh directory under `$WARDEN_BENCH_DIR` (default: `./target`), which
//! should be on the same kind of disk as the real state directory.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use warden_audit::{AuditLog, NewRecord, Options};

const CHILD_DIR: &str = "WARDEN_HOOK_COST_DIR";

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some(dir) = std::env::var_os(CHILD_DIR) {
        if args.next().as_deref() == Some("log") {
            let log = AuditLog::open(&PathBuf::from(dir), Options::default()).unwrap();
            log.append(NewRecord {
                event: "tool_decision".into(),
                point: "hook".into(),
                agent: Some("claude".into()),
                session_id: Some("cost".into()),
                tool: Some("Bash".into()),
                action: json!({"type": "shell", "command": "ls -la"}),
                decision: Some("allow".into()),
                rules: vec!["SH000".into()],
                ..NewRecord::default()
            })
            .unwrap();
        }
        return;
    }
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(500);
    let base = std::env::var_os("WARDEN_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = base.join(format!("hook-cost-{}", std::process::id()));
    let exe = std::env::current_exe().unwrap();
    let run = |mode: &str| -> Duration {
        let t = Instant::now();
        let status = Command::new(&exe)
            .arg(mode)
            .env(CHILD_DIR, &dir)
            .status()
            .unwrap();
        assert!(status.success());
        t.elapsed()
    };
    let (mut off, mut on) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        off.push(run("none"));
        on.push(run("log"));
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (m_off, m_on) = (median(&mut off), median(&mut on));
    println!("process without logging: median {m_off:?}");
    println!(
        "process with one append:  median {m_on:?} (+{:?})",
        m_on.saturating_sub(m_off)
    );
    let report = warden_audit::verify(&dir, Default::default());
    println!(
        "log: {} records, intact: {}",
        report.records,
        report.is_intact()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
