//! CPU time (not wall time) of loading the defaults plus a project policy and evaluating one
//! action, read from `/proc/thread-self/schedstat` so that a busy machine does not inflate
//! it. Run: `cargo run --release -p warden-policy --example load_cost`
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use warden_core::{Action, Effect, EffectKind, RuleId, Severity};
use warden_policy::{EvalContext, Layer, SourceOptions, load_from_strings};

const PROJECT_POLICY: &str = include_str!("../benches/project_policy.toml");

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let layers = vec![(
        Layer::Project,
        PathBuf::from("/home/dev/project/.warden/policy.toml"),
        PROJECT_POLICY.to_string(),
    )];
    let opts = SourceOptions::default();
    let ctx = EvalContext {
        cwd: PathBuf::from("/home/dev/project"),
        project_root: PathBuf::from("/home/dev/project"),
        home: Some(PathBuf::from("/home/dev")),
    };
    let action = Action::Shell {
        command: "cat .env".into(),
        cwd: ctx.cwd.clone(),
    };
    let effects = [
        Effect {
            kind: EffectKind::Exec {
                argv: vec!["cat".into(), ".env".into()],
                dynamic: false,
            },
            severity: Severity::ReadOnly,
            rule: RuleId::builtin("SH000"),
            message: "cat".into(),
        },
        Effect {
            kind: EffectKind::Read {
                path: PathBuf::from("/home/dev/project/.env"),
            },
            severity: Severity::ReadOnly,
            rule: RuleId::builtin("SH000"),
            message: "reads .env".into(),
        },
    ];
    let n = 3000u64;
    let mut sink = 0usize;
    let t0 = cpu_ns();
    for _ in 0..n {
        let p = load_from_strings(&layers, &opts).unwrap();
        sink += p.evaluate(&action, &effects, &ctx).reasons.len();
    }
    let t1 = cpu_ns();
    let p = load_from_strings(&layers, &opts).unwrap();
    for _ in 0..n {
        sink += p.evaluate(&action, &effects, &ctx).reasons.len();
    }
    let t2 = cpu_ns();
    for _ in 0..n {
        sink += load_from_strings(&[], &opts).unwrap().layers().len();
    }
    let t3 = cpu_ns();
    println!(
        "load defaults + project policy + evaluate `cat .env`: {:.1} µs CPU",
        (t1 - t0) as f64 / n as f64 / 1000.0
    );
    println!(
        "evaluate only: {:.1} µs CPU",
        (t2 - t1) as f64 / n as f64 / 1000.0
    );
    println!(
        "load built-in defaults only: {:.1} µs CPU",
        (t3 - t2) as f64 / n as f64 / 1000.0
    );
    println!("({sink})");
}
