//! A throwaway world for driving the real `warden` binary: a project with `.git`, a home, and
//! Warden's config and state directories, all in temp dirs; nothing from the caller's
//! environment leaks in.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub project: PathBuf,
    pub home: PathBuf,
    pub config: PathBuf,
    pub state: PathBuf,
}

/// What a hook answered, in Claude Code's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Allow,
    Ask,
    Deny,
    /// No output: the agent's own permission flow runs.
    Silent,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub answer: Answer,
}

impl Output {
    /// The reason the hook gave, in whichever format the host uses.
    pub fn reason(&self) -> String {
        let Ok(v) = serde_json::from_str::<Value>(&self.stdout) else {
            return self.stderr.clone();
        };
        [
            &v["hookSpecificOutput"]["permissionDecisionReason"],
            &v["reason"],
            &v["agent_message"],
            &v["permissionDecisionReason"],
        ]
        .iter()
        .find_map(|r| r.as_str())
        .unwrap_or_default()
        .to_string()
    }
}

fn classify(stdout: &str) -> Answer {
    if stdout.trim().is_empty() {
        return Answer::Silent;
    }
    let v: Value = serde_json::from_str(stdout).expect("hook stdout is JSON");
    let d = v["hookSpecificOutput"]["permissionDecision"]
        .as_str()
        .or_else(|| v["decision"].as_str())
        .or_else(|| v["permission"].as_str())
        .or_else(|| v["permissionDecision"].as_str())
        .expect("a decision field");
    match d {
        "allow" => Answer::Allow,
        "ask" => Answer::Ask,
        "deny" => Answer::Deny,
        other => panic!("unexpected decision {other}"),
    }
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let project = root.join("proj");
        let home = root.join("home");
        let config = root.join("config");
        let state = root.join("state");
        for d in [&project, &home, &config, &state] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::create_dir_all(project.join(".git")).unwrap();
        std::fs::create_dir_all(project.join("src")).unwrap();
        std::fs::write(project.join("README.md"), "# demo\n").unwrap();
        std::fs::write(project.join(".env"), "API_KEY=not-a-real-key\n").unwrap();
        Sandbox {
            _dir: dir,
            project,
            home,
            config,
            state,
        }
    }

    pub fn command(&self) -> Command {
        self.command_of(env!("CARGO_BIN_EXE_warden"))
    }

    /// `program` in the sandbox: its project as the working directory, its HOME and XDG
    /// directories, nothing else from the test's environment but PATH.
    pub fn command_of(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.project)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.config)
            .env("XDG_STATE_HOME", &self.state)
            .env("NO_COLOR", "1");
        cmd
    }

    pub fn run(&self, mut cmd: Command, stdin: Option<&[u8]>) -> Output {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let input = stdin.map(<[u8]>::to_vec).unwrap_or_default();
        let mut pipe = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            // The hook may stop reading early (oversized input); that is not a test failure.
            let _ = pipe.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        Output {
            code: out.status.code().unwrap_or(-1),
            answer: if out.status.code() == Some(2) && stdout.trim().is_empty() {
                Answer::Deny
            } else {
                classify(&stdout)
            },
            stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn warden(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut cmd = self.command();
        cmd.args(args);
        self.run_plain(cmd, stdin)
    }

    /// Run a non-hook command (its stdout is not a hook answer).
    pub fn run_plain(&self, mut cmd: Command, stdin: Option<&[u8]>) -> Output {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        } else {
            drop(child.stdin.take());
        }
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            answer: Answer::Silent,
        }
    }

    /// Run `script` with `sh -c` in the sandbox, `$0` being the warden binary, with `stdin` as
    /// its input (for hooks started under particular limits or descriptors).
    pub fn run_script(&self, script: &str, stdin: &[u8]) -> Output {
        let mut sh = self.command_of("sh");
        sh.args(["-c", script, env!("CARGO_BIN_EXE_warden")]);
        self.run(sh, Some(stdin))
    }

    pub fn hook_raw(&self, agent: &str, payload: &[u8]) -> Output {
        let mut cmd = self.command();
        cmd.args(["hook", agent]);
        self.run(cmd, Some(payload))
    }

    pub fn hook_claude(&self, tool: &str, input: &Value) -> Output {
        self.hook_raw("claude", &self.claude_payload(tool, input))
    }

    /// A Claude Code PreToolUse event for `tool` in this sandbox.
    pub fn claude_payload(&self, tool: &str, input: &Value) -> Vec<u8> {
        let payload = serde_json::json!({
            "session_id": "test-session",
            "transcript_path": self.home.join(".claude/t.jsonl").display().to_string(),
            "cwd": self.project.display().to_string(),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": input,
            "tool_use_id": "toolu_test",
        });
        payload.to_string().into_bytes()
    }

    pub fn write_project(&self, rel: &str, text: &str) {
        let path = self.project.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn write_user_policy(&self, text: &str) {
        let dir = self.config.join("warden");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("policy.toml"), text).unwrap();
    }

    /// Everything in the audit log directory, as text.
    pub fn audit_text(&self) -> String {
        fn walk(dir: &Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push_str(&text);
                }
            }
        }
        let mut out = String::new();
        walk(&self.state, &mut out);
        out
    }
}

/// A format-valid GitHub classic token (correct CRC32 checksum) made of obviously fake,
/// seeded characters: never a real credential.
pub fn fake_github_token() -> String {
    let body = "FAKEfake0123456789TESTtestWARD";
    assert_eq!(body.len(), 30);
    let check =
        warden_secrets::validate::base62_crc(warden_secrets::validate::crc32(body.as_bytes()));
    format!("ghp_{body}{check}")
}

/// An AWS access key id and secret in the documented shape (not the documentation pair, which
/// Warden rightly ignores).
pub fn fake_aws_pair() -> (String, String) {
    (
        "AKIAZ7FAKEWARDEN4TST".to_string(),
        "q8Fk2vN7tWm3xR9pL4cZ1bH6yJ0sD5gE8uKaTqWe".to_string(),
    )
}
