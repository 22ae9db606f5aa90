//! Layering, trust and mode resolution through real files in a temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use warden_core::{Action, Decision, Effect, EffectKind, Mode, RuleId, Severity};
use warden_policy::trust::{self, TrustStatus};
use warden_policy::{EvalContext, Layer, LoadOptions, load};

struct Env {
    _dir: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    opts: LoadOptions,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let home = base.join("home");
    let root = home.join("proj");
    fs::create_dir_all(root.join(".warden")).unwrap();
    fs::create_dir_all(home.join(".config/warden")).unwrap();
    fs::create_dir_all(base.join("etc/warden")).unwrap();
    let opts = LoadOptions {
        project_root: Some(root.clone()),
        managed_path: base.join("etc/warden/policy.toml"),
        user_config_dir: Some(home.join(".config/warden")),
        extra_path: None,
        mode_override: None,
        trust_store: home.join(".config/warden/trust.toml"),
        home: Some(home.clone()),
        state_dir: Some(home.join(".local/state/warden")),
        env_error: None,
    };
    Env {
        _dir: dir,
        root,
        home,
        opts,
    }
}

impl Env {
    fn project(&self, text: &str) {
        fs::write(self.root.join(".warden/policy.toml"), text).unwrap();
    }
    fn user(&self, text: &str) {
        fs::write(self.home.join(".config/warden/policy.toml"), text).unwrap();
    }
    fn managed(&self, text: &str) {
        fs::write(&self.opts.managed_path, text).unwrap();
    }
    fn ctx(&self) -> EvalContext {
        EvalContext {
            cwd: self.root.clone(),
            project_root: self.root.clone(),
            home: Some(self.home.clone()),
        }
    }
    fn decide(&self, opts: &LoadOptions, action: &Action, effects: &[Effect]) -> Decision {
        load(opts)
            .unwrap()
            .evaluate(action, effects, &self.ctx())
            .decision
    }
}

fn unknown_cmd(cmd: &str) -> (Action, Vec<Effect>) {
    (
        Action::Shell {
            command: cmd.into(),
            cwd: PathBuf::from("/"),
        },
        vec![Effect {
            kind: EffectKind::Exec {
                argv: cmd.split_whitespace().map(String::from).collect(),
                dynamic: false,
            },
            severity: Severity::Unknown,
            rule: RuleId::builtin("SH999"),
            message: "unknown program".into(),
        }],
    )
}

const LOOSE_PROJECT: &str = r#"
mode = "dangerous"
[[shell.allow]]
command = "make *"
[network]
allow = ["localhost"]
[[never]]
command = "make deploy"
reason = "deploys go through CI"
"#;

#[test]
fn no_files_gives_builtin_defaults_in_tool_mode() {
    let e = env();
    fs::remove_file(e.root.join(".warden/policy.toml")).ok();
    let p = load(&e.opts).unwrap();
    assert_eq!(p.mode(), Mode::Tool);
    assert_eq!(p.layers().len(), 1);
    assert_eq!(p.layers()[0].layer, Layer::Builtin);
    assert_eq!(
        p.git().protect_branches,
        vec!["main", "master", "production"]
    );
    assert!(p.git().warn_force_push && !p.git().require_pr);
}

#[test]
fn untrusted_project_only_tightens_and_says_what_it_ignored() {
    let e = env();
    e.project(LOOSE_PROJECT);
    let p = load(&e.opts).unwrap();
    assert_eq!(
        p.mode(),
        Mode::Tool,
        "an untrusted project cannot loosen the mode"
    );
    let info = &p.layers()[0];
    assert_eq!(info.layer, Layer::Project);
    assert!(!info.trusted);
    assert_eq!(info.ignored.len(), 2, "{:?}", info.ignored);
    assert!(
        info.ignored
            .iter()
            .any(|s| s.contains("mode = \"dangerous\""))
    );
    assert!(info.ignored.iter().any(|s| s.contains("2 allow rules")));
    let (a, fx) = unknown_cmd("make build");
    assert_eq!(e.decide(&e.opts, &a, &fx), Decision::Ask);
    let (a, fx) = unknown_cmd("make deploy");
    assert_eq!(
        e.decide(&e.opts, &a, &fx),
        Decision::Deny,
        "never rules apply untrusted"
    );
    assert_eq!(
        trust::status(&e.root, &e.opts.trust_store),
        TrustStatus::Untrusted
    );
}

#[test]
fn trusted_project_loosens_until_edited() {
    let e = env();
    e.project(LOOSE_PROJECT);
    let sha = trust::trust(&e.root, &e.opts.trust_store).unwrap();
    assert_eq!(
        trust::status(&e.root, &e.opts.trust_store),
        TrustStatus::Trusted {
            sha256: sha.clone()
        }
    );
    let p = load(&e.opts).unwrap();
    assert_eq!(p.mode(), Mode::Dangerous);
    assert!(p.layers()[0].trusted);
    assert_eq!(p.layers()[0].sha256.as_deref(), Some(sha.as_str()));
    let (a, fx) = unknown_cmd("make deploy");
    assert_eq!(e.decide(&e.opts, &a, &fx), Decision::Deny);

    // Editing the file revokes trust.
    e.project(&format!("{LOOSE_PROJECT}\n# harmless-looking edit\n"));
    assert!(matches!(
        trust::status(&e.root, &e.opts.trust_store),
        TrustStatus::Modified { .. }
    ));
    let p = load(&e.opts).unwrap();
    assert_eq!(p.mode(), Mode::Tool);
    assert!(!p.layers()[0].trusted);

    // Untrust forgets it.
    assert!(trust::untrust(&e.root, &e.opts.trust_store).unwrap());
    assert_eq!(
        trust::status(&e.root, &e.opts.trust_store),
        TrustStatus::Untrusted
    );
}

#[test]
fn trust_refuses_missing_and_broken_policies() {
    let e = env();
    assert!(matches!(
        trust::trust(&e.root, &e.opts.trust_store),
        Err(warden_policy::TrustError::NoPolicy(_))
    ));
    e.project("mode = \"fast\"\n");
    assert!(matches!(
        trust::trust(&e.root, &e.opts.trust_store),
        Err(warden_policy::TrustError::Invalid(_))
    ));
    assert_eq!(
        trust::status(&e.root, &e.opts.trust_store),
        TrustStatus::Untrusted
    );
}

#[test]
fn corrupt_trust_store_means_untrusted() {
    let e = env();
    e.project(LOOSE_PROJECT);
    fs::write(&e.opts.trust_store, "this is [ not toml").unwrap();
    let p = load(&e.opts).unwrap();
    assert!(!p.layers()[0].trusted);
    assert!(trust::trust(&e.root, &e.opts.trust_store).is_err());
}

#[test]
fn strictest_mode_wins_across_trusted_layers() {
    let e = env();
    e.user("mode = \"dangerous\"\n");
    assert_eq!(load(&e.opts).unwrap().mode(), Mode::Dangerous);
    e.managed("mode = \"tool\"\n");
    assert_eq!(load(&e.opts).unwrap().mode(), Mode::Tool);
    e.project("mode = \"read-only\"\n");
    assert_eq!(
        load(&e.opts).unwrap().mode(),
        Mode::ReadOnly,
        "untrusted may tighten"
    );
}

#[test]
fn mode_override_cannot_loosen_managed_mode() {
    let e = env();
    e.project("mode = \"read-only\"\n");
    let mut o = e.opts.clone();
    o.mode_override = Some(Mode::Dangerous);
    assert_eq!(
        load(&o).unwrap().mode(),
        Mode::Dangerous,
        "the person's session choice"
    );
    e.managed("mode = \"tool\"\n");
    assert_eq!(load(&o).unwrap().mode(), Mode::Tool, "clamped to managed");
    o.mode_override = Some(Mode::ReadOnly);
    assert_eq!(
        load(&o).unwrap().mode(),
        Mode::ReadOnly,
        "tightening is fine"
    );
}

#[test]
fn deny_rules_from_every_layer_apply() {
    let e = env();
    e.managed("[[never]]\ncommand = \"curl *\"\nreason = \"managed\"\n");
    e.user("[[shell.allow]]\ncommand = \"curl *\"\n");
    let (a, fx) = unknown_cmd("curl https://example.com");
    assert_eq!(e.decide(&e.opts, &a, &fx), Decision::Deny);
}

#[test]
fn git_settings_merge() {
    let e = env();
    e.user("[git]\nprotect_branches = [\"trunk\"]\nwarn_force_push = false\n");
    e.project(
        "[git]\nprotect_branches = [\"release\"]\nrequire_pr = true\nwarn_force_push = false\n",
    );
    let p = load(&e.opts).unwrap();
    assert_eq!(p.git().protect_branches, vec!["release", "trunk"]);
    assert!(
        !p.git().warn_force_push,
        "a trusted user layer may turn the warning off"
    );
    assert!(p.git().require_pr, "an untrusted project may tighten");
    assert!(
        p.layers()[1]
            .ignored
            .iter()
            .any(|s| s.contains("warn_force_push"))
    );
}

#[test]
fn broken_file_fails_the_load_with_every_error() {
    let e = env();
    e.user("mode = \"fast\"\n[filesystem]\ndeny = [\"a[\"]\n");
    e.project("[network]\nalow = []\n");
    let err = load(&e.opts).unwrap_err();
    assert_eq!(err.len(), 3, "{err}");
    let paths: Vec<&Path> = err.errors.iter().map(|e| e.path.as_path()).collect();
    assert!(paths[0].ends_with(".config/warden/policy.toml"));
    assert!(paths[2].ends_with(".warden/policy.toml"));
}

#[test]
fn warden_policy_file_must_exist_and_is_untrusted_inside_the_project() {
    let e = env();
    let mut o = e.opts.clone();
    o.extra_path = Some(e.root.join("nope.toml"));
    assert!(
        load(&o).is_err(),
        "a named WARDEN_POLICY that is missing fails closed"
    );

    fs::write(e.root.join("loose.toml"), "mode = \"dangerous\"\n").unwrap();
    o.extra_path = Some(e.root.join("loose.toml"));
    let p = load(&o).unwrap();
    assert_eq!(
        p.mode(),
        Mode::Tool,
        "a policy file inside the repository cannot loosen"
    );

    let outside = e.home.join("my-policy.toml");
    fs::write(&outside, "mode = \"dangerous\"\n").unwrap();
    o.extra_path = Some(outside);
    assert_eq!(load(&o).unwrap().mode(), Mode::Dangerous);
}

#[test]
fn invalid_warden_mode_fails_closed() {
    let e = env();
    let mut o = e.opts.clone();
    o.env_error = Some("WARDEN_MODE: unknown mode `fast`".into());
    let err = load(&o).unwrap_err();
    assert!(err.to_string().contains("WARDEN_MODE"));
}

#[test]
fn oversized_and_non_utf8_files_fail() {
    let e = env();
    fs::write(
        e.home.join(".config/warden/policy.toml"),
        vec![b'#'; 300 * 1024],
    )
    .unwrap();
    assert!(load(&e.opts).is_err());
    fs::write(
        e.home.join(".config/warden/policy.toml"),
        [0xff, 0xfe, 0x00],
    )
    .unwrap();
    assert!(load(&e.opts).is_err());
}

#[test]
fn warden_state_and_config_are_protected() {
    let e = env();
    let p = load(&e.opts).unwrap();
    let ctx = e.ctx();
    for path in [
        e.opts.trust_store.clone(),
        e.home.join(".config/warden/policy.toml"),
        e.home.join(".local/state/warden/audit.log"),
        e.opts.managed_path.clone(),
    ] {
        assert!(p.is_protected_path(&path, &ctx), "{}", path.display());
    }
    // Deleting a directory that holds them is refused too.
    let v = p.evaluate(
        &Action::Shell {
            command: "rm -rf ~/.config".into(),
            cwd: e.root.clone(),
        },
        &[Effect {
            kind: EffectKind::Delete {
                path: e.home.join(".config"),
                recursive: true,
            },
            severity: Severity::Destructive,
            rule: RuleId::builtin("SH999"),
            message: "deletes".into(),
        }],
        &ctx,
    );
    assert_eq!(v.decision, Decision::Deny);
}

#[test]
fn from_env_reads_only_the_environment() {
    // Cannot mutate the process environment safely in parallel tests; check the shape.
    let o = LoadOptions::from_env(Some(PathBuf::from("/p")));
    assert_eq!(o.managed_path, PathBuf::from("/etc/warden/policy.toml"));
    assert_eq!(o.project_root, Some(PathBuf::from("/p")));
    if let Some(dir) = &o.user_config_dir {
        assert!(dir.ends_with("warden"));
        assert_eq!(o.trust_store, dir.join("trust.toml"));
    }
}
