#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `warden log` and `warden log verify` driven as a process, with the log under
//! `$XDG_STATE_HOME/warden/` as PRODUCT.md says.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use warden_audit::{AuditLog, FsyncPolicy, NewRecord, Options};

struct Env {
    _tmp: tempfile::TempDir,
    state: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        Env { _tmp: tmp, state }
    }

    fn dir(&self) -> PathBuf {
        self.state.join("warden")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_warden"));
        c.args(args)
            .env("XDG_STATE_HOME", &self.state)
            .env("HOME", self.state.join("home"))
            .env("NO_COLOR", "1")
            .env_remove("XDG_CONFIG_HOME");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn append(&self, tool: &str, decision: Option<&str>, command: &str) {
        let log = AuditLog::open(
            &self.dir(),
            Options {
                fsync: FsyncPolicy::Never,
                ..Options::default()
            },
        )
        .unwrap();
        log.append(NewRecord {
            event: "tool_decision".into(),
            point: "hook".into(),
            agent: Some("claude".into()),
            session_id: Some("sess-1".into()),
            tool: Some(tool.into()),
            action: json!({"type": "shell", "command": command}),
            decision: decision.map(str::to_owned),
            rules: if decision == Some("deny") {
                vec!["SH001".into()]
            } else {
                vec![]
            },
            reason: decision.map(|d| format!("because {d}")),
            ..NewRecord::default()
        })
        .unwrap();
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn populate(env: &Env) {
    env.append("Bash", Some("allow"), "ls");
    env.append("Bash", Some("deny"), "rm -rf ~");
    env.append("mcp__github__get_me", Some("ask"), "x");
    env.append("Bash", None, "echo \x1b[2J hidden");
}

#[test]
fn log_lists_and_filters() {
    let env = Env::new();
    populate(&env);
    let all = env.run(&["log", "--json"]);
    assert!(all.status.success());
    let records = json_lines(&all);
    assert_eq!(records.len(), 4);
    assert_eq!(records[1]["decision"], "deny");
    assert_eq!(records[1]["session.id"], "sess-1");
    assert_eq!(records[1]["event"], "tool_decision");

    let cases: &[(&[&str], &[u64])] = &[
        (&["--decision", "deny"], &[2]),
        (&["--decision", "none"], &[4]),
        (&["--tool", "mcp__github__*"], &[3]),
        (&["--rule", "SH001"], &[2]),
        (&["--session", "sess-1", "--tool", "Bash"], &[1, 2, 4]),
        (&["--point", "mcp"], &[]),
        (&["--since", "1h"], &[1, 2, 3, 4]),
        (&["--until", "2000-01-01"], &[]),
    ];
    for (args, want) in cases {
        let mut a = vec!["log", "--json"];
        a.extend_from_slice(args);
        let o = env.run(&a);
        assert!(o.status.success(), "{args:?}");
        let seqs: Vec<u64> = json_lines(&o)
            .iter()
            .map(|r| r["seq"].as_u64().unwrap())
            .collect();
        assert_eq!(seqs, *want, "{args:?}");
    }

    let text = stdout(&env.run(&["log"]));
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.contains("deny") && text.contains("rm -rf ~") && text.contains("SH001"),
        "{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "control characters from a record reach the terminal: {text:?}"
    );

    let bad = env.run(&["log", "--since", "yesterday-ish"]);
    assert_eq!(bad.status.code(), Some(64));
    let bad = env.run(&["log", "--decision", "maybe"]);
    assert_eq!(bad.status.code(), Some(64));
}

#[test]
fn verify_reports_ok_and_exits_zero() {
    let env = Env::new();
    let empty = env.run(&["log", "verify"]);
    assert_eq!(empty.status.code(), Some(0), "{}", stdout(&empty));
    populate(&env);
    let o = env.run(&["log", "verify"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("ok: 4 records"), "{}", stdout(&o));
    let o = env.run(&["log", "verify", "--json"]);
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        (
            v["status"].as_str(),
            v["intact"].as_bool(),
            v["records"].as_u64()
        ),
        (Some("ok"), Some(true), Some(4))
    );
}

fn segment(env: &Env) -> PathBuf {
    env.dir().join("audit.jsonl")
}

fn edit(path: &Path, f: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(path).unwrap();
    f(&mut bytes);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn verify_reports_corruption_with_the_seq_and_exits_one() {
    let env = Env::new();
    populate(&env);
    let seg = segment(&env);
    let original = std::fs::read(&seg).unwrap();
    let second = original.iter().position(|&b| b == b'\n').unwrap() + 1;
    type Edit = Box<dyn Fn(&mut Vec<u8>)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "flip",
            Box::new(move |b: &mut Vec<u8>| b[second + 40] ^= 1),
            "corrupt at seq 2",
        ),
        (
            "delete",
            Box::new(move |b: &mut Vec<u8>| {
                let third = second + b[second..].iter().position(|&c| c == b'\n').unwrap() + 1;
                b.drain(second..third);
            }),
            "corrupt at seq 2",
        ),
        (
            "torn",
            Box::new(|b: &mut Vec<u8>| b.extend_from_slice(b"{\"v\":1,")),
            "torn tail",
        ),
    ];
    for (name, f, want) in cases {
        std::fs::write(&seg, &original).unwrap();
        edit(&seg, f);
        let o = env.run(&["log", "verify"]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        assert!(stdout(&o).contains(want), "{name}: {}", stdout(&o));
        let j = env.run(&["log", "verify", "--json"]);
        let v: Value = serde_json::from_str(stdout(&j).trim()).unwrap();
        assert_eq!(v["intact"], json!(false), "{name}");
    }
}

#[test]
fn checkpoints_catch_truncation_and_rewrites() {
    let env = Env::new();
    populate(&env);
    let cp = env.dir().parent().unwrap().join("cp.json");
    let o = env.run(&["log", "checkpoint", "--out", cp.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ok = env.run(&["log", "verify", "--checkpoint", cp.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).contains("checkpoint: seq 4 matches"),
        "{}",
        stdout(&ok)
    );

    // Drop the last two records: a valid chain, but behind the checkpoint.
    let seg = segment(&env);
    let text = std::fs::read_to_string(&seg).unwrap();
    let kept: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&seg, kept).unwrap();
    assert_eq!(env.run(&["log", "verify"]).status.code(), Some(0));
    let o = env.run(&["log", "verify", "--checkpoint", cp.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("behind checkpoint"), "{}", stdout(&o));

    // An edited checkpoint does not verify.
    edit(&cp, |b| {
        let s = String::from_utf8(b.clone())
            .unwrap()
            .replace("\"seq\":4", "\"seq\":2");
        *b = s.into_bytes();
    });
    assert_eq!(
        env.run(&["log", "verify", "--checkpoint", cp.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn init_key_then_verify_with_the_key() {
    let env = Env::new();
    populate(&env);
    let key = env.dir().parent().unwrap().join("verify.key");
    let o = env.run(&[
        "log",
        "init-key",
        "--verify-key-out",
        key.to_str().unwrap(),
        "--epoch-records",
        "2",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    env.append("Bash", Some("allow"), "pwd");
    env.append("Bash", Some("allow"), "id");
    env.append("Bash", Some("allow"), "whoami");
    let o = env.run(&["log", "verify", "--key", key.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("MACs: 3 checked"), "{}", stdout(&o));
    let again = env.run(&["log", "init-key", "--verify-key-out", key.to_str().unwrap()]);
    assert_ne!(again.status.code(), Some(0));
}

#[test]
fn follow_prints_new_records() {
    let env = Env::new();
    env.append("Bash", Some("allow"), "first");
    let mut child = env
        .cmd(&["log", "--json", "--follow", "--decision", "deny"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            lines.push(line);
            if lines.len() == 2 {
                break;
            }
        }
        lines
    });
    std::thread::sleep(Duration::from_millis(300));
    env.append("Bash", Some("deny"), "rm -rf ~");
    env.append("Bash", Some("allow"), "ls");
    env.append("Bash", Some("deny"), "git push --force");
    let start = Instant::now();
    while !reader.is_finished() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let lines = reader.join().unwrap();
    let seqs: Vec<u64> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, vec![2, 4]);
}
