//! `warden init`, `trust`, `explain`: what a person runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Sandbox;
use serde_json::{Value, json};

#[test]
fn init_writes_policy_and_merges_hook_idempotently() {
    let s = Sandbox::new();
    let settings = s.project.join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let before = json!({
        "permissions": {"allow": ["Bash(npm test)"]},
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "other-guard"}]}]}
    });
    std::fs::write(&settings, before.to_string()).unwrap();

    let out = s.warden(&["init", "--agent", "claude", "--mode", "tool"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let policy = std::fs::read_to_string(s.project.join(".warden/policy.toml")).unwrap();
    assert!(policy.contains("mode = \"tool\"") && policy.contains("protect_branches"));

    let after: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(
        after["permissions"], before["permissions"],
        "other settings survive"
    );
    let pre = after["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2, "the existing hook is kept: {pre:?}");
    assert_eq!(pre[0]["hooks"][0]["command"], "other-guard");
    assert!(
        pre[1]["hooks"][0]["command"]
            .as_str()
            .unwrap()
            .ends_with("warden hook claude")
    );

    // Twice is the same as once.
    let out = s.warden(&["init", "--agent", "claude"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let again: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(again, after);

    // The template loads, and init trusted it.
    let out = s.warden(&["trust", "--status"], None);
    assert!(out.stdout.contains("trusted"), "{}", out.stdout);
    let out = s.warden(&["check", "--", "git push origin main"], None);
    assert_eq!(
        out.code, 2,
        "the template's never rule applies: {}",
        out.stdout
    );
}

#[test]
fn init_refuses_to_clobber_broken_settings() {
    let s = Sandbox::new();
    s.write_project(".claude/settings.json", "{ not json");
    let out = s.warden(&["init"], None);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("settings.json:1"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(s.project.join(".claude/settings.json")).unwrap(),
        "{ not json"
    );
}

#[test]
fn trust_then_edit_loses_trust() {
    let s = Sandbox::new();
    s.write_project(".warden/policy.toml", "mode = \"dangerous\"\n");
    assert_eq!(s.warden(&["check", "--", "git reset --hard"], None).code, 3);
    let out = s.warden(&["trust"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(s.warden(&["check", "--", "git reset --hard"], None).code, 0);
    s.write_project(".warden/policy.toml", "mode = \"dangerous\"\n# edited\n");
    assert_eq!(s.warden(&["check", "--", "git reset --hard"], None).code, 3);
}

#[test]
fn explain_prints_rule_docs() {
    let s = Sandbox::new();
    let out = s.warden(&["explain", "FS001"], None);
    assert_eq!(out.code, 0);
    insta::assert_snapshot!("explain_fs001", out.stdout);
    let out = s.warden(&["explain"], None);
    for id in ["FS001", "SH001", "SEC001", "SELF001"] {
        assert!(out.stdout.contains(id), "{id} missing from the list");
    }
    assert_eq!(s.warden(&["explain", "NOPE999"], None).code, 64);
}
