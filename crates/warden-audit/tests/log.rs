#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Appending, reading back, rotation, torn tails, limits, keys and checkpoints.

use std::fs;
use std::path::Path;

use serde_json::json;
use warden_audit::{
    ACTIVE_SEGMENT, AuditError, AuditLog, Checkpoint, Filter, Follower, FsyncPolicy, KEY_FILE,
    KeyState, NewRecord, Options, Problem, VerifyOptions, VerifyStatus, query, verify,
};

fn rec(tool: &str, decision: Option<&str>, i: u64) -> NewRecord {
    NewRecord {
        event: "tool_decision".into(),
        point: "hook".into(),
        agent: Some("claude".into()),
        session_id: Some(format!("session-{}", i % 2)),
        prompt_id: Some("prompt-1".into()),
        tool_use_id: Some(format!("toolu_{i}")),
        tool: Some(tool.into()),
        action: json!({"type": "shell", "command": format!("echo {i}")}),
        decision: decision.map(str::to_owned),
        rules: vec![format!("SH{:03}", i % 3)],
        reason: Some("because".into()),
        mode: Some("tool".into()),
        cwd: Some("/project".into()),
    }
}

fn opts() -> Options {
    Options {
        fsync: FsyncPolicy::Never,
        ..Options::default()
    }
}

fn all(dir: &Path) -> Vec<warden_audit::Record> {
    query(dir, &Filter::default()).map(Result::unwrap).collect()
}

#[test]
fn appends_chain_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("state/warden");
    let log = AuditLog::open(&dir, opts()).unwrap();
    for i in 0..10 {
        let a = log.append(rec("Bash", Some("allow"), i)).unwrap();
        assert_eq!(a.seq, i + 1);
        assert!(!a.keyed && !a.truncated && a.recovered.is_none());
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let seg = dir.join(ACTIVE_SEGMENT);
    assert_eq!(
        fs::metadata(&seg).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let records = all(&dir);
    assert_eq!(records.len(), 10);
    assert_eq!(records[0].prev, warden_audit::GENESIS);
    for w in records.windows(2) {
        assert_eq!(w[1].prev, w[0].hash);
        assert_eq!(w[1].seq, w[0].seq + 1);
    }
    let r = &records[3];
    assert_eq!(r.v, 1);
    assert_eq!(r.pid, std::process::id());
    assert!(r.time.ends_with('Z') && r.time.len() == 27, "{}", r.time);
    assert!(!r.host.is_empty());

    let line = fs::read_to_string(&seg).unwrap();
    let first = line.lines().next().unwrap();
    for key in [
        r#""session.id":"session-0""#,
        r#""prompt.id":"prompt-1""#,
        r#""event":"tool_decision""#,
    ] {
        assert!(first.contains(key), "{first}");
    }

    let report = verify(&dir, VerifyOptions::default());
    assert_eq!(report.status, VerifyStatus::Ok);
    assert_eq!((report.records, report.last_seq), (10, 10));
    assert!(report.is_intact());
}

#[test]
fn an_empty_or_missing_log_verifies_as_zero_records() {
    let tmp = tempfile::tempdir().unwrap();
    let report = verify(&tmp.path().join("nope"), VerifyOptions::default());
    assert!(report.is_intact());
    assert_eq!(report.records, 0);
    assert!(!tmp.path().join("nope").exists(), "verify creates nothing");
}

#[test]
fn filters_select_records() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(tmp.path(), opts()).unwrap();
    let decisions = [Some("allow"), Some("deny"), Some("ask"), None];
    for i in 0..12 {
        let tool = if i % 4 == 0 {
            "mcp__github__get_me"
        } else {
            "Bash"
        };
        log.append(rec(tool, decisions[(i % 4) as usize], i))
            .unwrap();
    }
    let count = |f: Filter| query(tmp.path(), &f).map(Result::unwrap).count();
    let cases: Vec<(Filter, usize)> = vec![
        (Filter::default(), 12),
        (
            Filter {
                decision: Some("deny".into()),
                ..Filter::default()
            },
            3,
        ),
        (
            Filter {
                decision: Some("none".into()),
                ..Filter::default()
            },
            3,
        ),
        (
            Filter {
                tool: Some("Bash".into()),
                ..Filter::default()
            },
            9,
        ),
        (
            Filter {
                tool: Some("mcp__github__*".into()),
                ..Filter::default()
            },
            3,
        ),
        (
            Filter {
                tool: Some("mcp__".into()),
                ..Filter::default()
            },
            0,
        ),
        (
            Filter {
                rule: Some("sh001".into()),
                ..Filter::default()
            },
            4,
        ),
        (
            Filter {
                session: Some("session-1".into()),
                ..Filter::default()
            },
            6,
        ),
        (
            Filter {
                point: Some("hook".into()),
                ..Filter::default()
            },
            12,
        ),
        (
            Filter {
                point: Some("mcp".into()),
                ..Filter::default()
            },
            0,
        ),
        (
            Filter {
                since: Some(0),
                until: Some(i64::MAX),
                ..Filter::default()
            },
            12,
        ),
        (
            Filter {
                until: Some(0),
                ..Filter::default()
            },
            0,
        ),
        (
            Filter {
                after_seq: Some(10),
                ..Filter::default()
            },
            2,
        ),
        (
            Filter {
                decision: Some("ask".into()),
                session: Some("session-0".into()),
                ..Filter::default()
            },
            3,
        ),
    ];
    for (f, want) in cases {
        assert_eq!(count(f.clone()), want, "{f:?}");
    }
}

#[test]
fn segments_rotate_and_the_chain_continues() {
    let tmp = tempfile::tempdir().unwrap();
    let options = Options {
        max_segment_bytes: 2000,
        ..opts()
    };
    let log = AuditLog::open(tmp.path(), options).unwrap();
    let mut rotations = 0;
    for i in 0..40 {
        rotations += usize::from(log.append(rec("Bash", Some("allow"), i)).unwrap().rotated);
    }
    assert!(rotations >= 5, "{rotations}");
    let names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    assert!(
        names.contains(&"audit.000000000001.jsonl".to_owned()),
        "{names:?}"
    );
    let records = all(tmp.path());
    assert_eq!(
        records.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<_>>()
    );
    let report = verify(tmp.path(), VerifyOptions::default());
    assert_eq!(report.status, VerifyStatus::Ok);
    assert_eq!(report.records, 40);
    assert_eq!(report.segments, names.len());

    // Removing a whole middle segment breaks the chain.
    let mut rotated: Vec<_> = names
        .iter()
        .filter(|n| *n != ACTIVE_SEGMENT)
        .cloned()
        .collect();
    rotated.sort();
    fs::remove_file(tmp.path().join(&rotated[1])).unwrap();
    let report = verify(tmp.path(), VerifyOptions::default());
    assert!(
        matches!(
            report.status,
            VerifyStatus::Corrupt {
                problem: Problem::SeqGap { .. },
                ..
            }
        ),
        "{:?}",
        report.status
    );
    // Removing the oldest one: the log no longer starts at 1.
    fs::remove_file(tmp.path().join(&rotated[0])).unwrap();
    let report = verify(tmp.path(), VerifyOptions::default());
    assert!(
        matches!(
            report.status,
            VerifyStatus::Corrupt {
                problem: Problem::MissingStart { .. },
                ..
            }
        ),
        "{:?}",
        report.status
    );
}

#[test]
fn a_renamed_segment_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(
        tmp.path(),
        Options {
            max_segment_bytes: 1500,
            ..opts()
        },
    )
    .unwrap();
    for i in 0..12 {
        log.append(rec("Bash", Some("allow"), i)).unwrap();
    }
    let first = tmp.path().join("audit.000000000001.jsonl");
    assert!(first.exists());
    fs::rename(&first, tmp.path().join("audit.000000000000.jsonl")).unwrap();
    let report = verify(tmp.path(), VerifyOptions::default());
    assert!(
        matches!(
            report.status,
            VerifyStatus::Corrupt {
                problem: Problem::SegmentName { named: 0, first: 1 },
                ..
            }
        ),
        "{:?}",
        report.status
    );
}

#[test]
fn a_torn_tail_is_reported_then_moved_aside_and_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(tmp.path(), opts()).unwrap();
    for i in 0..3 {
        log.append(rec("Bash", Some("allow"), i)).unwrap();
    }
    let seg = tmp.path().join(ACTIVE_SEGMENT);
    let torn = br#"{"action":{"command":"echo hal"#;
    let mut bytes = fs::read(&seg).unwrap();
    bytes.extend_from_slice(torn);
    fs::write(&seg, &bytes).unwrap();

    // verify reports it and repairs nothing.
    let report = verify(tmp.path(), VerifyOptions::default());
    assert_eq!(
        report.status,
        VerifyStatus::TornTail {
            after_seq: 3,
            bytes: torn.len() as u64,
            path: seg.clone()
        }
    );
    assert!(!report.is_intact());
    assert_eq!(fs::read(&seg).unwrap(), bytes);
    // A query skips the incomplete line.
    assert_eq!(all(tmp.path()).len(), 3);

    // The next append moves it aside and records that it did (and, under the default
    // policy, fsyncs even an `allow` record that follows a recovery).
    let log = AuditLog::open(tmp.path(), Options::default()).unwrap();
    let a = log.append(rec("Bash", Some("allow"), 3)).unwrap();
    let t = a.recovered.clone().unwrap();
    assert_eq!(
        (t.after_seq, t.bytes, t.record_seq, a.seq),
        (3, torn.len() as u64, 4, 5)
    );
    assert_eq!(fs::read(tmp.path().join(&t.saved_to)).unwrap(), torn);
    assert!(a.synced);
    let records = all(tmp.path());
    assert_eq!(records[3].event, "torn_tail");
    assert_eq!(records[3].action["saved_to"], json!(t.saved_to));
    assert_eq!(
        records[3].action["sha256"],
        json!(warden_audit::sha256_hex(torn))
    );
    let report = verify(tmp.path(), VerifyOptions::default());
    assert_eq!(report.status, VerifyStatus::Ok);
    assert_eq!(report.recovered_torn_tails.len(), 1);
    assert_eq!(report.recovered_torn_tails[0].seq, 4);
}

#[test]
fn zeroes_left_by_a_crash_count_as_torn() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(tmp.path(), opts()).unwrap();
    log.append(rec("Bash", Some("allow"), 0)).unwrap();
    let seg = tmp.path().join(ACTIVE_SEGMENT);
    let mut bytes = fs::read(&seg).unwrap();
    bytes.extend_from_slice(&[0u8; 300]);
    bytes.push(b'\n');
    fs::write(&seg, &bytes).unwrap();
    assert!(matches!(
        verify(tmp.path(), VerifyOptions::default()).status,
        VerifyStatus::TornTail {
            after_seq: 1,
            bytes: 301,
            ..
        }
    ));
    let a = log.append(rec("Bash", Some("allow"), 1)).unwrap();
    assert_eq!(a.recovered.unwrap().bytes, 301);
    assert!(verify(tmp.path(), VerifyOptions::default()).is_intact());
}

#[test]
fn a_damaged_last_record_stops_appends_and_is_never_repaired() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(tmp.path(), opts()).unwrap();
    log.append(rec("Bash", Some("allow"), 0)).unwrap();
    let seg = tmp.path().join(ACTIVE_SEGMENT);
    let mut bytes = fs::read(&seg).unwrap();
    bytes.extend_from_slice(b"this is not a record\n");
    fs::write(&seg, &bytes).unwrap();
    let err = log.append(rec("Bash", Some("allow"), 1)).unwrap_err();
    assert!(matches!(err, AuditError::CorruptTail { .. }), "{err}");
    assert_eq!(fs::read(&seg).unwrap(), bytes);
}

#[test]
fn huge_actions_are_truncated_not_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(tmp.path(), opts()).unwrap();
    let mut big = rec("Write", Some("allow"), 0);
    big.action = json!({"type": "write", "path": "a.txt", "content": "x".repeat(200_000)});
    let a = log.append(big).unwrap();
    assert!(a.truncated);
    let mut many = rec("Write", Some("allow"), 1);
    many.action = json!((0..20_000).collect::<Vec<u32>>());
    assert!(log.append(many).unwrap().truncated);
    let records = all(tmp.path());
    assert!(
        records[0].action["content"]
            .as_str()
            .unwrap()
            .contains("truncated: 200000 bytes")
    );
    assert_eq!(records[1].action["truncated"], json!(true));
    assert!(verify(tmp.path(), VerifyOptions::default()).is_intact());
}

#[test]
fn fsync_policies() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (FsyncPolicy::Always, Some("allow"), true),
        (FsyncPolicy::Never, Some("deny"), false),
        (FsyncPolicy::DenyAndAsk, Some("allow"), false),
        (FsyncPolicy::DenyAndAsk, None, false),
        (FsyncPolicy::DenyAndAsk, Some("ask"), true),
        (FsyncPolicy::DenyAndAsk, Some("deny"), true),
        (FsyncPolicy::WriteBehind, Some("deny"), false),
    ];
    for (i, (fsync, decision, synced)) in cases.into_iter().enumerate() {
        let log = AuditLog::open(tmp.path(), Options { fsync, ..opts() }).unwrap();
        assert_eq!(
            log.append(rec("Bash", decision, i as u64)).unwrap().synced,
            synced,
            "{fsync:?} {decision:?}"
        );
    }
    let every = Options {
        fsync: FsyncPolicy::Every(std::time::Duration::from_secs(3600)),
        ..opts()
    };
    let log = AuditLog::open(tmp.path(), every.clone()).unwrap();
    assert!(
        log.append(rec("Bash", Some("allow"), 10)).unwrap().synced,
        "first: no fsync yet"
    );
    let log = AuditLog::open(tmp.path(), every.clone()).unwrap();
    assert!(
        !log.append(rec("Bash", Some("allow"), 11)).unwrap().synced,
        "within the interval"
    );
    assert!(verify(tmp.path(), VerifyOptions::default()).is_intact());
}

#[test]
fn fsync_policy_names() {
    use std::time::Duration;
    assert_eq!(Options::default().fsync, FsyncPolicy::WriteBehind);
    for (text, policy) in [
        ("always", FsyncPolicy::Always),
        ("deny-ask", FsyncPolicy::DenyAndAsk),
        ("write-behind", FsyncPolicy::WriteBehind),
        ("never", FsyncPolicy::Never),
        ("250ms", FsyncPolicy::Every(Duration::from_millis(250))),
        ("5s", FsyncPolicy::Every(Duration::from_secs(5))),
    ] {
        assert_eq!(text.parse::<FsyncPolicy>(), Ok(policy));
    }
    for bad in ["", "sometimes", "ms", "-5s", "5 m"] {
        assert!(bad.parse::<FsyncPolicy>().is_err(), "{bad}");
    }
}

#[test]
fn hmac_keys_evolve_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("state");
    let log = AuditLog::open(&dir, opts()).unwrap();
    log.append(rec("Bash", Some("allow"), 0)).unwrap();
    let verify_key = tmp.path().join("verify.key");
    assert_eq!(log.init_hmac(&verify_key, 4).unwrap(), 2);
    assert!(matches!(
        log.init_hmac(&tmp.path().join("again"), 4),
        Err(AuditError::AlreadyExists { .. })
    ));
    let key0 = fs::read_to_string(dir.join(KEY_FILE)).unwrap();
    for i in 1..20 {
        assert!(log.append(rec("Bash", Some("allow"), i)).unwrap().keyed);
    }
    // The writer's key has moved on and the old one is gone from the file.
    let now = KeyState::read(&dir.join(KEY_FILE)).unwrap();
    assert_eq!(now.epoch, (20 - 2) / 4);
    assert_ne!(fs::read_to_string(dir.join(KEY_FILE)).unwrap(), key0);
    assert_eq!(fs::read_to_string(&verify_key).unwrap(), key0);

    let key = KeyState::read(&verify_key).unwrap();
    let report = verify(
        &dir,
        VerifyOptions {
            key: Some(key.clone()),
            ..VerifyOptions::default()
        },
    );
    assert_eq!(report.status, VerifyStatus::Ok);
    assert_eq!((report.macs_checked, report.keyed_records), (19, 19));
    // Without the key the chain still verifies; MACs are counted, not checked.
    let report = verify(&dir, VerifyOptions::default());
    assert_eq!(
        (
            report.is_intact(),
            report.macs_checked,
            report.keyed_records
        ),
        (true, 0, 19)
    );

    // A wrong key fails at the first keyed record.
    let other = KeyState::generate(2, 4).unwrap();
    let report = verify(
        &dir,
        VerifyOptions {
            key: Some(other),
            ..VerifyOptions::default()
        },
    );
    assert!(
        matches!(
            report.status,
            VerifyStatus::Corrupt {
                seq: 2,
                problem: Problem::MacMismatch,
                ..
            }
        ),
        "{:?}",
        report.status
    );

    // Deleting the key file makes later records unkeyed, which the verify key exposes.
    fs::remove_file(dir.join(KEY_FILE)).unwrap();
    assert!(!log.append(rec("Bash", Some("allow"), 99)).unwrap().keyed);
    let report = verify(
        &dir,
        VerifyOptions {
            key: Some(key),
            ..VerifyOptions::default()
        },
    );
    assert!(
        matches!(
            report.status,
            VerifyStatus::Corrupt {
                seq: 21,
                problem: Problem::MacMissing,
                ..
            }
        ),
        "{:?}",
        report.status
    );
}

#[test]
fn checkpoints_sign_the_tail_and_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(tmp.path(), opts()).unwrap();
    assert!(matches!(log.checkpoint(), Err(AuditError::Empty)));
    for i in 0..5 {
        log.append(rec("Bash", Some("allow"), i)).unwrap();
    }
    let cp = log.checkpoint().unwrap();
    assert_eq!(cp.seq, 5);
    let parsed = Checkpoint::parse(&cp.to_json()).unwrap();
    assert_eq!(parsed, cp);
    let records = all(tmp.path());
    assert_eq!(records[4].hash, cp.hash);
    assert_eq!(records[5].event, "checkpoint");
    assert_eq!(records[5].action["seq"], json!(5));
    // The same key signs the next one.
    let cp2 = log.checkpoint().unwrap();
    assert_eq!((cp2.seq, &cp2.public_key), (6, &cp.public_key));
    let report = verify(
        tmp.path(),
        VerifyOptions {
            checkpoint: Some(cp),
            ..VerifyOptions::default()
        },
    );
    assert_eq!(report.status, VerifyStatus::Ok);
}

#[test]
fn follow_returns_new_records_once_across_rotations() {
    let tmp = tempfile::tempdir().unwrap();
    let log = AuditLog::open(
        tmp.path(),
        Options {
            max_segment_bytes: 1500,
            ..opts()
        },
    )
    .unwrap();
    log.append(rec("Bash", Some("allow"), 0)).unwrap();
    let mut follower = Follower::new(
        tmp.path(),
        Filter {
            decision: Some("deny".into()),
            ..Filter::default()
        },
        1,
    );
    assert!(follower.poll().unwrap().is_empty());
    let mut seen = Vec::new();
    for i in 1..30 {
        log.append(rec(
            "Bash",
            Some(if i % 2 == 0 { "deny" } else { "allow" }),
            i,
        ))
        .unwrap();
        if i % 7 == 0 {
            seen.extend(follower.poll().unwrap().into_iter().map(|r| r.seq));
        }
    }
    seen.extend(follower.poll().unwrap().into_iter().map(|r| r.seq));
    let want: Vec<u64> = (2..=30).filter(|s| (s - 1) % 2 == 0).collect();
    assert_eq!(seen, want);
    assert_eq!(follower.last_seq(), 30);
}

#[test]
fn threads_sharing_one_log_do_not_fork_the_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let log = std::sync::Arc::new(AuditLog::open(tmp.path(), opts()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let log = log.clone();
            std::thread::spawn(move || {
                for i in 0..100 {
                    log.append(rec("Bash", Some("allow"), t * 1000 + i))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let report = verify(tmp.path(), VerifyOptions::default());
    assert_eq!((report.status, report.records), (VerifyStatus::Ok, 800));
}
