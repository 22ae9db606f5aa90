#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Many writer processes at once, and writers killed with SIGKILL mid-stream.
//!
//! The writers are this test binary itself, re-run with `--ignored --exact writer_process`
//! and the job in environment variables, so no extra binary has to be built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use warden_audit::{
    AuditLog, Filter, FsyncPolicy, NewRecord, Options, VerifyOptions, VerifyStatus, query, verify,
};

const DIR_VAR: &str = "WARDEN_AUDIT_TEST_WRITER_DIR";
const ID_VAR: &str = "WARDEN_AUDIT_TEST_WRITER_ID";
const COUNT_VAR: &str = "WARDEN_AUDIT_TEST_WRITER_COUNT";

/// The body of one writer process: append COUNT records tagged with the writer id and index.
#[test]
#[ignore = "helper: run as a child process by the tests below"]
fn writer_process() {
    let (Some(dir), Some(id), Some(count)) = (
        std::env::var_os(DIR_VAR),
        std::env::var(ID_VAR).ok(),
        std::env::var(COUNT_VAR).ok(),
    ) else {
        return;
    };
    let count: u64 = count.parse().unwrap();
    let options = Options {
        fsync: FsyncPolicy::Never,
        max_segment_bytes: 256 * 1024,
        lock_timeout: Duration::from_secs(60),
        ..Options::default()
    };
    for i in 0..count {
        // A fresh open per record, as the hook does.
        let log = AuditLog::open(Path::new(&dir), options.clone()).unwrap();
        log.append(NewRecord {
            event: "tool_decision".into(),
            point: "hook".into(),
            session_id: Some(id.clone()),
            tool: Some("Bash".into()),
            action: json!({"writer": id, "i": i}),
            decision: Some("allow".into()),
            ..NewRecord::default()
        })
        .unwrap();
    }
}

fn spawn_writer(dir: &Path, id: &str, count: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "writer_process",
            "--test-threads=1",
            "-q",
        ])
        .env(DIR_VAR, dir)
        .env(ID_VAR, id)
        .env(COUNT_VAR, count.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Per writer id, the indices it logged, in log order.
fn by_writer(dir: &Path) -> BTreeMap<String, Vec<u64>> {
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in query(dir, &Filter::default()) {
        let r = r.unwrap();
        if let (Some(w), Some(i)) = (r.action["writer"].as_str(), r.action["i"].as_u64()) {
            out.entry(w.to_owned()).or_default().push(i);
        }
    }
    out
}

#[test]
fn sixteen_writers_lose_and_duplicate_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let children: Vec<Child> = (0..16)
        .map(|w| spawn_writer(tmp.path(), &format!("w{w}"), 1000))
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let report = verify(tmp.path(), VerifyOptions::default());
    assert_eq!(report.status, VerifyStatus::Ok);
    assert_eq!(report.records, 16_000);
    assert!(report.segments > 1, "rotation happened under contention");
    let writers = by_writer(tmp.path());
    assert_eq!(writers.len(), 16);
    for (w, indices) in writers {
        assert_eq!(indices, (0..1000).collect::<Vec<u64>>(), "writer {w}");
    }
    eprintln!("16 x 1000 appends + verify: {:?}", start.elapsed());
}

/// A small deterministic generator (xorshift64*), so the kill timings repeat run to run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn writers_killed_mid_stream_leave_a_clean_log() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x5EED_A0D1_7000_0005);
    let mut last_records = 0;
    for round in 0..4 {
        let children: Vec<Child> = (0..16)
            .map(|w| spawn_writer(tmp.path(), &format!("r{round}w{w}"), 100_000))
            .collect();
        std::thread::sleep(Duration::from_millis(150 + rng.next() % 250));
        for mut c in children {
            c.kill().unwrap(); // SIGKILL
            c.wait().unwrap();
        }
        let report = verify(tmp.path(), VerifyOptions::default());
        assert_eq!(report.status, VerifyStatus::Ok, "round {round}");
        assert!(report.records > last_records, "round {round} wrote nothing");
        last_records = report.records;
    }
    // Then more appends, run to completion.
    let children: Vec<Child> = (0..16)
        .map(|w| spawn_writer(tmp.path(), &format!("final{w}"), 20))
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let report = verify(tmp.path(), VerifyOptions::default());
    assert_eq!(report.status, VerifyStatus::Ok);
    // Each writer's records are exactly its first k appends, in order: a killed writer loses
    // nothing it had finished and leaves no duplicate or half record.
    let writers = by_writer(tmp.path());
    let mut total = 0;
    for (w, indices) in &writers {
        let k = indices.len() as u64;
        assert_eq!(*indices, (0..k).collect::<Vec<u64>>(), "writer {w}");
        total += k;
    }
    assert_eq!(total, report.records);
    let finals: BTreeSet<_> = writers.keys().filter(|w| w.starts_with("final")).collect();
    assert_eq!(finals.len(), 16);
    assert!(
        writers
            .iter()
            .filter(|(w, _)| w.starts_with("final"))
            .all(|(_, i)| i.len() == 20)
    );
}
