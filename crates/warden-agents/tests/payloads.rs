//! Real hook payloads from each host, parsed and answered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Value, json};
use warden_agents::{Agent, AgentError, HookEvent, Phase, answer, fail_closed, parse_event};
use warden_core::{Action, Decision, Reason, RuleId, Verdict};

fn claude(tool: &str, input: Value) -> HookEvent {
    let payload = json!({
        "session_id": "abc123",
        "transcript_path": "/home/u/.claude/projects/p/abc123.jsonl",
        "cwd": "/home/u/proj",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
        "tool_use_id": "toolu_01ABC"
    });
    parse_event(Agent::Claude, payload.to_string().as_bytes()).unwrap()
}

fn verdict(decision: Decision, explicit: bool) -> Verdict {
    Verdict {
        decision,
        reasons: vec![Reason {
            rule: RuleId::builtin("SH001"),
            decision,
            message: "deleting your home directory is catastrophic; delete the specific build directory instead".into(),
        }],
        explicit,
    }
}

#[test]
fn claude_tools_map_to_actions() {
    let cases: Vec<(&str, Value, Action)> = vec![
        (
            "Bash",
            json!({"command": "npm test", "description": "run tests", "timeout": 120000}),
            Action::Shell {
                command: "npm test".into(),
                cwd: "/home/u/proj".into(),
            },
        ),
        (
            "Read",
            json!({"file_path": "/home/u/proj/.env"}),
            Action::Read {
                path: "/home/u/proj/.env".into(),
            },
        ),
        (
            "Write",
            json!({"file_path": "/home/u/proj/a.txt", "content": "hi"}),
            Action::Write {
                path: "/home/u/proj/a.txt".into(),
                content: "hi".into(),
            },
        ),
        (
            "WebFetch",
            json!({"url": "https://example.com/x", "prompt": "summarise"}),
            Action::Fetch {
                url: "https://example.com/x".into(),
                method: "GET".into(),
                body: None,
            },
        ),
        (
            "WebSearch",
            json!({"query": "rust"}),
            Action::WebSearch {
                query: "rust".into(),
            },
        ),
        (
            "Grep",
            json!({"pattern": "KEY", "path": "src", "glob": "*.rs", "output_mode": "content"}),
            Action::Search {
                pattern: "KEY".into(),
                path: Some(PathBuf::from("/home/u/proj/src")),
                glob: Some("*.rs".into()),
                content: true,
            },
        ),
        (
            "mcp__memory__delete_entities",
            json!({"entityNames": ["a"]}),
            Action::Mcp {
                server: "memory".into(),
                tool: "delete_entities".into(),
                arguments: json!({"entityNames": ["a"]}),
            },
        ),
        (
            "TodoWrite",
            json!({"todos": []}),
            Action::Unknown {
                tool: "TodoWrite".into(),
                input: json!({"todos": []}),
            },
        ),
    ];
    for (tool, input, expected) in cases {
        let event = claude(tool, input);
        assert_eq!(event.actions, vec![expected], "{tool}");
        assert_eq!(event.session_id.as_deref(), Some("abc123"));
        assert_eq!(event.tool_use_id.as_deref(), Some("toolu_01ABC"));
    }
}

#[test]
fn claude_edit_and_multiedit_carry_new_text() {
    let event = claude(
        "MultiEdit",
        json!({"file_path": "/p/a.rs", "edits": [{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}]}),
    );
    let Action::Edit { edits, .. } = &event.actions[0] else {
        panic!()
    };
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[1].new, "d");
}

#[test]
fn claude_answers_follow_the_contract() {
    let event = claude("Bash", json!({"command": "rm -rf ~"}));
    let deny = answer(&event, &verdict(Decision::Deny, true), None);
    assert_eq!(deny.exit_code, 0);
    let out: Value = serde_json::from_str(&deny.stdout).unwrap();
    assert_eq!(out["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    assert_eq!(out["hookSpecificOutput"]["permissionDecision"], "deny");
    let reason = out["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("SH001") && reason.contains("instead"),
        "{reason}"
    );

    let ask = answer(&event, &verdict(Decision::Ask, true), None);
    let out: Value = serde_json::from_str(&ask.stdout).unwrap();
    assert_eq!(out["hookSpecificOutput"]["permissionDecision"], "ask");

    let allow = answer(&event, &verdict(Decision::Allow, true), None);
    let out: Value = serde_json::from_str(&allow.stdout).unwrap();
    assert_eq!(out["hookSpecificOutput"]["permissionDecision"], "allow");

    // Defaults stay silent: the agent's own prompt runs.
    for d in [Decision::Allow, Decision::Ask] {
        let quiet = answer(&event, &verdict(d, false), None);
        assert_eq!(quiet.stdout, "");
        assert_eq!(quiet.exit_code, 0);
    }
    // A deny is never silent, explicit or not.
    assert!(
        !answer(&event, &verdict(Decision::Deny, false), None)
            .stdout
            .is_empty()
    );
}

#[test]
fn post_tool_use_is_recorded_not_judged() {
    let payload = json!({
        "session_id": "s", "cwd": "/p", "hook_event_name": "PostToolUse",
        "tool_name": "Bash", "tool_input": {"command": "ls"}, "tool_response": {"stdout": ""}
    });
    let event = parse_event(Agent::Claude, payload.to_string().as_bytes()).unwrap();
    assert_eq!(event.phase, Phase::PostToolUse);
    assert_eq!(
        answer(&event, &verdict(Decision::Deny, true), None).stdout,
        ""
    );
}

#[test]
fn codex_turns_ask_into_deny_with_code() {
    let payload = json!({
        "session_id": "s", "turn_id": "t1", "model": "gpt", "cwd": "/p",
        "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": ["bash", "-lc", "git push --force"]}
    });
    let event = parse_event(Agent::Codex, payload.to_string().as_bytes()).unwrap();
    assert_eq!(
        event.actions,
        vec![Action::Shell {
            command: "bash -lc 'git push --force'".into(),
            cwd: "/p".into()
        }]
    );
    let a = answer(&event, &verdict(Decision::Ask, true), Some("K7Q2-9XZP"));
    let out: Value = serde_json::from_str(&a.stdout).unwrap();
    assert_eq!(out["hookSpecificOutput"]["permissionDecision"], "deny");
    assert!(
        out["hookSpecificOutput"]["permissionDecisionReason"]
            .as_str()
            .unwrap()
            .contains("warden approve K7Q2-9XZP")
    );
    // Codex rejects a bare allow: proven-safe stays silent.
    assert_eq!(
        answer(&event, &verdict(Decision::Allow, true), None).stdout,
        ""
    );
}

#[test]
fn gemini_cursor_copilot_shapes() {
    let gemini = json!({"hook_event_name": "BeforeTool", "session_id": "g", "cwd": "/p",
        "tool_name": "run_shell_command", "tool_input": {"command": "cat .env"}});
    let event = parse_event(Agent::Gemini, gemini.to_string().as_bytes()).unwrap();
    assert_eq!(
        event.actions,
        vec![Action::Shell {
            command: "cat .env".into(),
            cwd: "/p".into()
        }]
    );
    let out: Value =
        serde_json::from_str(&answer(&event, &verdict(Decision::Deny, true), None).stdout).unwrap();
    assert_eq!(out["decision"], "deny");

    let cursor = json!({"hook_event_name": "beforeShellExecution", "conversation_id": "c",
        "command": "rm -rf /", "cwd": "/p", "workspace_roots": ["/p"]});
    let event = parse_event(Agent::Cursor, cursor.to_string().as_bytes()).unwrap();
    assert_eq!(
        event.actions,
        vec![Action::Shell {
            command: "rm -rf /".into(),
            cwd: "/p".into()
        }]
    );
    let out: Value =
        serde_json::from_str(&answer(&event, &verdict(Decision::Deny, true), None).stdout).unwrap();
    assert_eq!(out["permission"], "deny");
    assert!(out["agent_message"].as_str().unwrap().contains("SH001"));

    let copilot = json!({"timestamp": 1, "cwd": "/p", "toolName": "bash",
        "toolArgs": "{\"command\":\"git reset --hard\"}"});
    let event = parse_event(Agent::Copilot, copilot.to_string().as_bytes()).unwrap();
    assert_eq!(
        event.actions,
        vec![Action::Shell {
            command: "git reset --hard".into(),
            cwd: "/p".into()
        }]
    );
    let out: Value =
        serde_json::from_str(&answer(&event, &verdict(Decision::Deny, true), None).stdout).unwrap();
    assert_eq!(out["permissionDecision"], "deny");
}

#[test]
fn broken_payloads_are_errors_not_panics() {
    let cases: &[&[u8]] = &[
        b"",
        b"not json",
        b"[]",
        b"{}",
        b"{\"hook_event_name\":\"PreToolUse\"}",
        b"{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{}}",
        b"{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":5}}",
        b"{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/a\"}}",
        b"\xff\xfe",
    ];
    for case in cases {
        assert!(
            parse_event(Agent::Claude, case).is_err(),
            "{:?}",
            String::from_utf8_lossy(case)
        );
    }
    let huge = vec![b' '; warden_agents::MAX_PAYLOAD_BYTES + 1];
    assert!(matches!(
        parse_event(Agent::Claude, &huge),
        Err(AgentError::TooLarge { .. })
    ));
}

#[test]
fn fail_closed_denies_on_every_channel() {
    for agent in Agent::ALL {
        let a = fail_closed(agent, "policy file is broken");
        assert_eq!(a.exit_code, 2);
        assert!(a.stderr.contains("policy file is broken"));
        assert!(a.stdout.contains("deny"));
    }
}
