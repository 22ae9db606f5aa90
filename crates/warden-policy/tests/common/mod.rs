//! Builders shared by the integration tests: a fixed project and home, effects by kind.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use warden_core::{Action, Effect, EffectKind, GitOp, Mode, NetworkTarget, RuleId, Severity};
use warden_policy::{EvalContext, Layer, Policy, SourceOptions, load_from_strings};

pub const ROOT: &str = "/home/u/proj";
pub const HOME: &str = "/home/u";

pub fn ctx() -> EvalContext {
    EvalContext {
        cwd: PathBuf::from(ROOT),
        project_root: PathBuf::from(ROOT),
        home: Some(PathBuf::from(HOME)),
    }
}

/// A policy from a project file (trusted or not) in a mode.
pub fn policy(project: &str, trusted: bool, mode: Option<Mode>) -> Policy {
    let layers = if project.is_empty() {
        Vec::new()
    } else {
        vec![(
            Layer::Project,
            PathBuf::from(format!("{ROOT}/.warden/policy.toml")),
            project.to_string(),
        )]
    };
    load_from_strings(
        &layers,
        &SourceOptions {
            project_trusted: trusted,
            mode_override: mode,
            ..SourceOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("policy does not load:\n{e}"))
}

pub fn defaults(mode: Mode) -> Policy {
    policy("", false, Some(mode))
}

fn effect(kind: EffectKind, severity: Severity) -> Effect {
    Effect {
        kind,
        severity,
        rule: RuleId::builtin("SH999"),
        message: "test effect".into(),
    }
}

pub fn exec(cmd: &str, severity: Severity) -> Effect {
    effect(
        EffectKind::Exec {
            argv: cmd.split_whitespace().map(String::from).collect(),
            dynamic: false,
        },
        severity,
    )
}

pub fn exec_dynamic(cmd: &str, severity: Severity) -> Effect {
    effect(
        EffectKind::Exec {
            argv: cmd.split_whitespace().map(String::from).collect(),
            dynamic: true,
        },
        severity,
    )
}

pub fn read(path: &str) -> Effect {
    effect(EffectKind::Read { path: path.into() }, Severity::ReadOnly)
}

pub fn write(path: &str) -> Effect {
    effect(
        EffectKind::Write { path: path.into() },
        Severity::LocalWrite,
    )
}

pub fn delete(path: &str, recursive: bool) -> Effect {
    effect(
        EffectKind::Delete {
            path: path.into(),
            recursive,
        },
        Severity::Destructive,
    )
}

pub fn net(host: &str, method: &str, path: &str, upload: bool) -> Effect {
    effect(
        EffectKind::Network {
            target: NetworkTarget {
                url: None,
                host: host.into(),
                port: None,
                path: Some(path.into()),
            },
            method: (!method.is_empty()).then(|| method.to_string()),
            upload,
        },
        Severity::Unknown,
    )
}

pub fn push(branches: &[&str], force: bool, delete: bool, severity: Severity) -> Effect {
    effect(
        EffectKind::Git(GitOp {
            subcommand: "push".into(),
            remote: Some("origin".into()),
            branches: branches.iter().map(|s| s.to_string()).collect(),
            force,
            lease: false,
            delete,
        }),
        severity,
    )
}

pub fn secret() -> Effect {
    effect(
        EffectKind::Secret {
            secret_rule: "SEC001".into(),
            line: Some(3),
            fingerprint: "abcd".into(),
        },
        Severity::Catastrophic,
    )
}

pub fn opaque() -> Effect {
    effect(EffectKind::Opaque, Severity::Unknown)
}

pub fn shell(cmd: &str) -> Action {
    Action::Shell {
        command: cmd.into(),
        cwd: PathBuf::from(ROOT),
    }
}

pub fn read_file(path: &str) -> Action {
    Action::Read { path: path.into() }
}

pub fn write_file(path: &str) -> Action {
    Action::Write {
        path: path.into(),
        content: "x".into(),
    }
}

pub fn fetch(url: &str, method: &str) -> Action {
    Action::Fetch {
        url: url.into(),
        method: method.into(),
        body: None,
    }
}

pub fn mcp(server: &str, tool: &str) -> Action {
    Action::Mcp {
        server: server.into(),
        tool: tool.into(),
        arguments: serde_json::Value::Null,
    }
}
