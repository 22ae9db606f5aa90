//! What one hook process pays the policy: load the built-in defaults plus a small project
//! policy, then evaluate one action.
//!
//! Run: `cargo bench -p warden-policy --bench evaluate`

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use warden_core::{Action, Effect, EffectKind, RuleId, Severity};
use warden_policy::{EvalContext, Layer, SourceOptions, load_from_strings};

const PROJECT_POLICY: &str = include_str!("project_policy.toml");

fn ctx() -> EvalContext {
    EvalContext {
        cwd: PathBuf::from("/home/dev/project"),
        project_root: PathBuf::from("/home/dev/project"),
        home: Some(PathBuf::from("/home/dev")),
    }
}

fn layers() -> Vec<(Layer, PathBuf, String)> {
    vec![(
        Layer::Project,
        PathBuf::from("/home/dev/project/.warden/policy.toml"),
        PROJECT_POLICY.to_string(),
    )]
}

fn exec(argv: &[&str], severity: Severity) -> Effect {
    Effect {
        kind: EffectKind::Exec {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            dynamic: false,
        },
        severity,
        rule: RuleId::builtin("SH000"),
        message: "bench".into(),
    }
}

fn bench(c: &mut Criterion) {
    let layers = layers();
    let opts = SourceOptions::default();
    let ctx = ctx();

    let ls = Action::Shell {
        command: "ls -la".into(),
        cwd: ctx.cwd.clone(),
    };
    let ls_effects = [exec(&["ls", "-la"], Severity::ReadOnly)];
    let cat_env = Action::Shell {
        command: "cat .env".into(),
        cwd: ctx.cwd.clone(),
    };
    let cat_env_effects = [
        exec(&["cat", ".env"], Severity::ReadOnly),
        Effect {
            kind: EffectKind::Read {
                path: PathBuf::from("/home/dev/project/.env"),
            },
            severity: Severity::ReadOnly,
            rule: RuleId::builtin("SH000"),
            message: "reads .env".into(),
        },
    ];
    let write = Action::Write {
        path: PathBuf::from("/home/dev/project/src/main.rs"),
        content: "fn main() {}".into(),
    };
    let fetch = Action::Fetch {
        url: "http://2130706433/api/admin/delete-all-users".into(),
        method: "POST".into(),
        body: None,
    };

    c.bench_function("load defaults + project policy", |b| {
        b.iter(|| load_from_strings(black_box(&layers), &opts))
    });
    for (name, action, effects) in [
        ("load + evaluate `ls -la`", &ls, &ls_effects[..]),
        ("load + evaluate `cat .env`", &cat_env, &cat_env_effects[..]),
        ("load + evaluate Write src/main.rs", &write, &[][..]),
        ("load + evaluate Fetch odd-IP admin", &fetch, &[][..]),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let p = load_from_strings(black_box(&layers), &opts);
                match p {
                    Ok(p) => black_box(p.evaluate(action, effects, &ctx)),
                    Err(e) => panic!("{e}"),
                }
            })
        });
    }
    let loaded = load_from_strings(&layers, &opts);
    if let Ok(p) = loaded {
        c.bench_function("evaluate only `cat .env` (warm)", |b| {
            b.iter(|| p.evaluate(black_box(&cat_env), &cat_env_effects, &ctx))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
