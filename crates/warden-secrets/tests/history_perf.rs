//! Timing harness for `scan_history` on a large repository (ignored by default):
//!
//! ```text
//! WARDEN_HISTORY_REPO=/tmp/bench/repo cargo test --release -p warden-secrets \
//!     --test history_perf -- --ignored --nocapture
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use warden_secrets::{ScanOptions, Scanner, scan_history};

#[test]
#[ignore = "a benchmark: needs WARDEN_HISTORY_REPO"]
fn time_history_scan() {
    let Ok(repo) = std::env::var("WARDEN_HISTORY_REPO") else {
        return;
    };
    let runs: usize = std::env::var("WARDEN_HISTORY_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for _ in 0..runs {
        let started = Instant::now();
        let report = scan_history(
            Scanner::builtin(),
            std::path::Path::new(&repo),
            None,
            &ScanOptions::default(),
        )
        .unwrap();
        println!(
            "{:.3} s: {} commits, {} blobs, {} bytes, {} findings",
            started.elapsed().as_secs_f64(),
            report.stats.commits,
            report.stats.blobs,
            report.stats.bytes,
            report.findings.len()
        );
    }
}
