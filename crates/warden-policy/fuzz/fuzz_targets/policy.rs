//! Fuzzes the policy parser and compiler with arbitrary text, then evaluates a fixed set of
//! actions (and the input itself as a URL, a path and a command) under whatever loaded.
//! Nothing may panic; a policy that loads must produce a verdict for every action.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use warden_core::{Action, Effect, EffectKind, GitOp, Mode, NetworkTarget, RuleId, Severity};
use warden_policy::{EvalContext, Layer, SourceOptions, load_from_strings};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mode = match data.first().map(|b| b % 4) {
        Some(0) => Some(Mode::ReadOnly),
        Some(1) => Some(Mode::Dangerous),
        Some(2) => Some(Mode::Tool),
        _ => None,
    };
    let opts = SourceOptions {
        project_trusted: data.len() % 2 == 0,
        mode_override: mode,
        ..SourceOptions::default()
    };
    let layers = [(
        Layer::Project,
        PathBuf::from("/p/.warden/policy.toml"),
        text.to_string(),
    )];
    let policy = match load_from_strings(&layers, &opts) {
        Ok(p) => p,
        Err(e) => {
            // Rendering must not panic either, and every error has a location or a file.
            let _ = e.to_string();
            assert!(!e.is_empty());
            return;
        }
    };
    let ctx = EvalContext {
        cwd: PathBuf::from("/p/src"),
        project_root: PathBuf::from("/p"),
        home: Some(PathBuf::from("/home/u")),
    };
    let line = text.lines().next().unwrap_or("");
    let effect = |kind, severity| Effect {
        kind,
        severity,
        rule: RuleId::builtin("SH000"),
        message: "fuzz".into(),
    };
    let actions: Vec<(Action, Vec<Effect>)> = vec![
        (Action::Read { path: line.into() }, vec![]),
        (
            Action::Write {
                path: line.into(),
                content: String::new(),
            },
            vec![],
        ),
        (
            Action::Fetch {
                url: line.to_string(),
                method: "POST".into(),
                body: None,
            },
            vec![],
        ),
        (
            Action::Shell {
                command: line.to_string(),
                cwd: "/p".into(),
            },
            vec![
                effect(
                    EffectKind::Exec {
                        argv: line.split_whitespace().map(String::from).collect(),
                        dynamic: false,
                    },
                    Severity::Unknown,
                ),
                effect(
                    EffectKind::Network {
                        target: NetworkTarget {
                            url: Some(line.to_string()),
                            host: line.to_string(),
                            port: None,
                            path: Some(line.to_string()),
                        },
                        method: None,
                        upload: true,
                    },
                    Severity::Unknown,
                ),
                effect(
                    EffectKind::Git(GitOp {
                        subcommand: "push".into(),
                        remote: None,
                        branches: vec![line.to_string()],
                        force: true,
                        lease: false,
                        delete: false,
                    }),
                    Severity::Destructive,
                ),
                effect(
                    EffectKind::Delete {
                        path: line.into(),
                        recursive: true,
                    },
                    Severity::Destructive,
                ),
            ],
        ),
        (
            Action::Search {
                pattern: String::new(),
                path: Some(line.into()),
                glob: Some(line.to_string()),
                content: true,
            },
            vec![],
        ),
        (
            Action::Mcp {
                server: "github".into(),
                tool: line.to_string(),
                arguments: serde_json::Value::Null,
            },
            vec![],
        ),
    ];
    for (action, effects) in &actions {
        let v = policy.evaluate(action, effects, &ctx);
        // The verdict's decision is the strictest of its reasons.
        if let Some(max) = v.reasons.iter().map(|r| r.decision).max() {
            assert_eq!(max, v.decision);
        }
    }
    let _ = policy.mcp_tool("github", line);
    let _ = policy.is_secret_path(std::path::Path::new(line), &ctx);
    // `[secrets]`: only a trusted layer's allowlist may count.
    let allow = policy.secrets_allowlist();
    if !opts.project_trusted {
        assert!(allow.is_empty());
    }
    let _ = allow.allows(line, Some(std::path::Path::new(line)), &ctx);
});
