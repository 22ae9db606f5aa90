//! `[secrets] allow_paths / allow_rules`: trust, union across layers, matching, and load
//! errors with their positions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use warden_policy::trust;
use warden_policy::{EvalContext, Layer, LoadOptions, Policy, SourceOptions, load_from_strings};

const PROJECT: &str = "/p";

fn ctx() -> EvalContext {
    EvalContext {
        cwd: PathBuf::from("/p/src"),
        project_root: PathBuf::from(PROJECT),
        home: Some(PathBuf::from("/home/u")),
    }
}

fn policy(layers: &[(Layer, &str)], project_trusted: bool) -> Policy {
    let layers: Vec<(Layer, PathBuf, String)> = layers
        .iter()
        .map(|(l, t)| (*l, PathBuf::from(format!("/{l}.toml")), (*t).to_string()))
        .collect();
    load_from_strings(
        &layers,
        &SourceOptions {
            project_trusted,
            ..SourceOptions::default()
        },
    )
    .unwrap()
}

const PROJECT_POLICY: &str = r#"
[secrets]
allow_paths = ["tests/fixtures/**", "*.snap"]
allow_rules = ["json-web-token"]
"#;

#[test]
fn no_section_allows_nothing() {
    let p = policy(&[(Layer::User, "mode = \"tool\"\n")], false);
    let s = p.secrets_allowlist();
    assert!(s.is_empty());
    assert!(!s.allows("SEC010", Some(Path::new("/p/tests/fixtures/a.txt")), &ctx()));
}

#[test]
fn trusted_project_applies() {
    let p = policy(&[(Layer::Project, PROJECT_POLICY)], true);
    let s = p.secrets_allowlist();
    assert_eq!(s.rules(), ["SEC010"]);
    assert_eq!(
        s.paths().iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        [
            "project:secrets.allow_paths[0]",
            "project:secrets.allow_paths[1]"
        ]
    );
    assert!(s.ignored().is_empty());
    assert!(
        p.layers()[0].ignored.is_empty(),
        "{:?}",
        p.layers()[0].ignored
    );
    let c = ctx();
    // Relative paths resolve against the cwd (`/p/src`); project patterns anchor at `/p`.
    let cases: &[(&str, bool)] = &[
        ("/p/tests/fixtures/keys.txt", true),
        ("/p/tests/fixtures/deep/er/keys.txt", true),
        ("../tests/fixtures/keys.txt", true),
        ("/p/src/tests/fixtures/keys.txt", false),
        ("/p/tests/fixture/keys.txt", false),
        ("/p/src/ui/__snapshots__/view.snap", true),
        ("view.snap", true),
        ("/p/src/view.snap.rs", false),
        ("/p/src/main.rs", false),
        ("/other/tests/fixtures/keys.txt", false),
    ];
    for (path, want) in cases {
        assert_eq!(s.allows_path(Path::new(path), &c), *want, "{path}");
    }
    assert_eq!(
        s.path_entry(Path::new("/p/a/b.snap"), &c)
            .map(|e| e.pattern.as_str()),
        Some("*.snap")
    );
    assert!(s.allows_rule("SEC010"));
    assert!(s.allows_rule("sec010"));
    assert!(s.allows_rule("json-web-token"));
    assert!(!s.allows_rule("SEC011"));
    assert!(!s.allows_rule("no-such-rule"));
    assert!(s.allows("SEC010", None, &c));
    assert!(s.allows("SEC011", Some(Path::new("/p/x.snap")), &c));
    assert!(!s.allows("SEC011", None, &c));
}

#[test]
fn untrusted_project_is_ignored_and_reported() {
    let p = policy(&[(Layer::Project, PROJECT_POLICY)], false);
    let s = p.secrets_allowlist();
    assert!(s.is_empty());
    assert!(!s.allows("SEC010", Some(Path::new("/p/tests/fixtures/k.txt")), &ctx()));
    assert_eq!(s.ignored(), [PathBuf::from("/project.toml")]);
    let info = &p.layers()[0];
    assert!(!info.trusted);
    assert_eq!(info.ignored.len(), 1, "{:?}", info.ignored);
    assert!(
        info.ignored[0].contains("[secrets] allow_paths (2) and allow_rules (1)"),
        "{}",
        info.ignored[0]
    );
    assert!(info.ignored[0].contains("warden trust"));
}

#[test]
fn an_untrusted_extra_file_is_ignored_too() {
    let layers = vec![(
        Layer::Extra,
        PathBuf::from("/p/extra.toml"),
        PROJECT_POLICY.to_string(),
    )];
    let p = load_from_strings(
        &layers,
        &SourceOptions {
            extra_untrusted: true,
            ..SourceOptions::default()
        },
    )
    .unwrap();
    assert!(p.secrets_allowlist().is_empty());
    assert_eq!(p.secrets_allowlist().ignored().len(), 1);
}

#[test]
fn trusted_layers_unite_and_untrusted_adds_nothing() {
    let managed = "[secrets]\nallow_rules = [\"SEC011\"]\n";
    let user = "[secrets]\nallow_paths = [\"/docs/**\"]\nallow_rules = [\"SEC011\", \"SEC010\"]\n";
    let extra = "[secrets]\nallow_paths = \"*.snap\"\n";
    let project = "[secrets]\nallow_paths = [\"src/**\"]\nallow_rules = [\"SEC001\"]\n";
    let p = policy(
        &[
            (Layer::Project, project),
            (Layer::Extra, extra),
            (Layer::User, user),
            (Layer::Managed, managed),
        ],
        false,
    );
    let s = p.secrets_allowlist();
    assert_eq!(s.rules(), ["SEC010", "SEC011"]);
    assert_eq!(
        s.paths()
            .iter()
            .map(|e| (e.id.as_str(), e.pattern.as_str()))
            .collect::<Vec<_>>(),
        [
            ("user:secrets.allow_paths[0]", "/docs/**"),
            ("extra:secrets.allow_paths[0]", "*.snap"),
        ]
    );
    let c = ctx();
    assert!(s.allows_path(Path::new("/p/docs/guide.md"), &c));
    assert!(s.allows_path(Path::new("/p/a.snap"), &c));
    assert!(!s.allows_path(Path::new("/p/src/main.rs"), &c), "untrusted");
    assert!(!s.allows_rule("SEC001"), "untrusted");
    assert_eq!(s.ignored(), [PathBuf::from("/project.toml")]);
}

#[test]
fn path_patterns_are_case_sensitive_loosening() {
    let p = policy(
        &[(Layer::User, "[secrets]\nallow_paths = [\"Fixtures/\"]\n")],
        false,
    );
    let s = p.secrets_allowlist();
    let c = ctx();
    assert!(s.allows_path(Path::new("/p/a/Fixtures/k.txt"), &c));
    assert!(!s.allows_path(Path::new("/p/a/fixtures/k.txt"), &c));
}

fn load_errors(text: &str) -> Vec<(usize, usize, String, Option<String>)> {
    let layers = vec![(
        Layer::User,
        PathBuf::from("/u/policy.toml"),
        text.to_string(),
    )];
    let err = load_from_strings(&layers, &SourceOptions::default()).unwrap_err();
    err.errors
        .into_iter()
        .map(|e| {
            assert_eq!(e.path, PathBuf::from("/u/policy.toml"));
            let loc = e.location.expect("a position");
            (loc.line, loc.column, e.message, e.hint)
        })
        .collect()
}

#[test]
fn unknown_rules_are_errors_with_line_and_column() {
    let text = "mode = \"tool\"\n[secrets]\nallow_rules = [\"SEC010\", \"SEC99999\",\n  \"generic-pasword-assignment\"]\n";
    let errors = load_errors(text);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].0, errors[0].1), (3, 26));
    assert_eq!(
        errors[0].2,
        "unknown secret rule `SEC99999` in [secrets] allow_rules"
    );
    assert_eq!((errors[1].0, errors[1].1), (4, 3));
    assert!(
        errors[1]
            .3
            .as_deref()
            .unwrap()
            .contains("did you mean `generic-password-assignment`?"),
        "{:?}",
        errors[1].3
    );
}

#[test]
fn an_untrusted_layer_with_an_unknown_rule_still_fails_the_load() {
    // Broken files fail closed whatever their trust: the caller denies.
    let layers = vec![(
        Layer::Project,
        PathBuf::from("/p/.warden/policy.toml"),
        "[secrets]\nallow_rules = [\"nope\"]\n".to_string(),
    )];
    assert!(load_from_strings(&layers, &SourceOptions::default()).is_err());
}

#[test]
fn bad_shapes_and_patterns_are_errors() {
    let cases: &[(&str, (usize, usize), &str)] = &[
        (
            "[secrets]\nallow_paths = [\"!tests/**\"]\n",
            (2, 16),
            "`!tests/**`: negated patterns (`!…`) are not supported",
        ),
        (
            "[secrets]\nallow_paths = [\"a[\"]\n",
            (2, 16),
            "`a[`: invalid glob",
        ),
        (
            "[secrets]\nallow = [\"x\"]\n",
            (2, 1),
            "unknown key `allow` in [secrets]",
        ),
        (
            "[secrets]\nallow_rules = \"SEC010\"\nallow_paths = 3\n",
            (3, 15),
            "expected a list of strings for secrets.allow_paths",
        ),
    ];
    for (text, (line, col), want) in cases {
        let errors = load_errors(text);
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        assert_eq!((errors[0].0, errors[0].1), (*line, *col), "{text}");
        assert!(errors[0].2.starts_with(want), "{text}: {}", errors[0].2);
    }
}

/// The same through real files: a project policy counts once `warden trust` recorded it, and
/// stops counting when it is edited.
#[test]
fn project_trust_through_files() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let home = base.join("home");
    let root = base.join("proj");
    fs::create_dir_all(root.join(".warden")).unwrap();
    fs::create_dir_all(home.join(".config/warden")).unwrap();
    let opts = LoadOptions {
        project_root: Some(root.clone()),
        managed_path: base.join("etc/warden/policy.toml"),
        user_config_dir: Some(home.join(".config/warden")),
        extra_path: None,
        mode_override: None,
        trust_store: home.join(".config/warden/trust.toml"),
        home: Some(home.clone()),
        state_dir: None,
        env_error: None,
    };
    let ctx = EvalContext {
        cwd: root.clone(),
        project_root: root.clone(),
        home: Some(home),
    };
    let fixture = root.join("tests/fixtures/k.txt");
    fs::write(root.join(".warden/policy.toml"), PROJECT_POLICY).unwrap();

    let p = warden_policy::load(&opts).unwrap();
    assert!(!p.secrets_allowlist().allows_path(&fixture, &ctx));

    trust::trust(&root, &opts.trust_store).unwrap();
    let p = warden_policy::load(&opts).unwrap();
    assert!(p.secrets_allowlist().allows_path(&fixture, &ctx));
    assert!(p.secrets_allowlist().allows_rule("SEC010"));

    fs::write(
        root.join(".warden/policy.toml"),
        format!("{PROJECT_POLICY}# edited\n"),
    )
    .unwrap();
    let p = warden_policy::load(&opts).unwrap();
    assert!(!p.secrets_allowlist().allows_path(&fixture, &ctx));
    assert!(!p.secrets_allowlist().allows_rule("SEC010"));
}
