//! `warden check`: the interface contract (JSON shape, exit codes) and the text people read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Sandbox;
use serde_json::Value;

fn check(s: &Sandbox, args: &[&str]) -> (i32, Value) {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    let out = s.warden(&full, None);
    let json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {} {}", out.stdout, out.stderr));
    (out.code, json)
}

#[test]
fn exit_codes_and_json_contract() {
    let s = Sandbox::new();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--", "ls -la"], 0, "allow"),
        (&["--", "rm -rf /"], 2, "deny"),
        (&["--", "git reset --hard"], 3, "ask"),
        (&["--", "rm", "-rf", "~"], 2, "deny"),
        // Several words are quoted as given: this is an echo, not an rm.
        (&["--", "echo", "rm -rf /"], 0, "allow"),
        (&["--read", ".env"], 2, "deny"),
        (&["--read", "README.md"], 0, "allow"),
        (&["--write", ".warden/policy.toml"], 2, "deny"),
        (
            &["--fetch", "http://169.254.169.254/latest/meta-data/iam/"],
            2,
            "deny",
        ),
        (
            &[
                "--fetch",
                "https://api.example.com/api/admin/delete-all-users",
                "--method",
                "POST",
            ],
            3,
            "ask",
        ),
        (
            &[
                "--",
                "curl --resolve example.com:443:169.254.169.254 https://example.com/",
            ],
            2,
            "deny",
        ),
        (&["--mode", "read-only", "--", "touch x"], 2, "deny"),
        (
            &["--mode", "dangerous", "--", "git reset --hard"],
            0,
            "allow",
        ),
        (&["--mode", "dangerous", "--", "rm -rf ~"], 2, "deny"),
    ];
    for (args, code, decision) in cases {
        let (got, json) = check(&s, args);
        assert_eq!(json["decision"], *decision, "{args:?}: {json}");
        assert_eq!(got, *code, "{args:?}");
        let reasons = json["reasons"].as_array().unwrap();
        for r in reasons {
            assert!(r["rule"].is_string() && r["message"].is_string(), "{r}");
        }
        if *decision != "allow" {
            assert!(!reasons.is_empty(), "{args:?}: a non-allow names its rules");
        }
    }
}

#[test]
fn usage_errors_exit_64() {
    let s = Sandbox::new();
    for args in [
        vec!["check"],
        vec!["check", "--read", "a", "--", "ls"],
        vec!["check", "--mcp", "noslash"],
        vec!["check", "--mode", "yolo", "--", "ls"],
        vec!["check", "--bogus"],
    ] {
        let out = s.warden(&args, None);
        assert_eq!(out.code, 64, "{args:?}: {}", out.stderr);
    }
}

#[test]
fn secrets_never_reach_the_output() {
    let s = Sandbox::new();
    let token = common::fake_github_token();
    let cmd = format!("curl -H 'Authorization: token {token}' https://api.github.com/user");
    for format in ["json", "text"] {
        let out = s.warden(&["check", "--format", format, "--", &cmd], None);
        assert!(!out.stdout.contains(&token), "{format}: {}", out.stdout);
        assert_eq!(
            out.code, 2,
            "a literal token sent over the network is denied"
        );
    }
}

#[test]
fn broken_policy_denies_with_location() {
    let s = Sandbox::new();
    s.write_user_policy("[git]\nprotect_branches = 5\n");
    let (code, json) = check(&s, &["--", "ls"]);
    assert_eq!(code, 2);
    let message = json["reasons"][0]["message"].as_str().unwrap();
    assert!(message.contains("policy.toml:2"), "{message}");
}

#[test]
fn text_output_snapshot() {
    let s = Sandbox::new();
    let out = s.warden(&["check", "--", "git push --force origin main"], None);
    let text = out
        .stdout
        .replace(&s.project.display().to_string(), "[PROJECT]");
    insta::assert_snapshot!("check_text_force_push", text);
    let out = s.warden(&["check", "--read", ".env"], None);
    let text = out
        .stdout
        .replace(&s.project.display().to_string(), "[PROJECT]");
    insta::assert_snapshot!("check_text_read_env", text);
}
