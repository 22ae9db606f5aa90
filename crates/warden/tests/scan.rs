//! `warden scan`, `warden incident` and `warden git install`, driven through the real binary
//! against PRODUCT.md's interface contract.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use warden_secrets::rules::{by_name, synth::synthesize};

/// The binary with a throwaway home: `scan` loads the user's policy and writes the audit
/// log, so neither may come from the machine running the tests.
fn warden() -> Command {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| tempfile::tempdir().unwrap()).path();
    let mut command = Command::new(env!("CARGO_BIN_EXE_warden"));
    command
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env_remove("WARDEN_POLICY")
        .env_remove("WARDEN_MODE");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    warden().current_dir(dir).args(args).output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A synthesized example line for a rule and the secret in it.
fn fake(rule_name: &str, seed: u64) -> (String, String) {
    let rule = by_name(rule_name).unwrap();
    let text = synthesize(rule.id, seed).unwrap();
    let finding = warden_secrets::Scanner::builtin()
        .scan_text(&text)
        .into_iter()
        .find(|f| f.rule_id == rule.id)
        .unwrap();
    (text, finding.secret().to_owned())
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Bob", "-c", "user.email=bob@example.test"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out).trim().to_owned()
}

#[test]
fn clean_tree_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "print('hello')\npassword = os.environ['DB_PASSWORD']\n",
    );
    write(
        dir.path(),
        "b.md",
        "Use `sk-1234567890abcdef` as in the article, or AKIAIOSFODNN7EXAMPLE.\n",
    );
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(json(&out)["findings"], serde_json::json!([]));
    let out = run(dir.path(), &["scan"]);
    assert_eq!(code(&out), 0);
}

#[test]
fn findings_exit_one_with_the_json_contract_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, secret) = fake("github-classic-pat", 1);
    write(dir.path(), "src/a/b.txt", &format!("first\n  {pat}\n"));

    let out = run(dir.path(), &["scan", "src", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(!text.contains(&secret), "secret leaked: {text}");
    let value = json(&out);
    let findings = value["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["rule"], by_name("github-classic-pat").unwrap().id);
    assert_eq!(f["path"], "src/a/b.txt");
    assert_eq!(f["line"], 2);
    let column = usize::try_from(f["column"].as_u64().unwrap()).unwrap();
    let expected_column = pat.find(&secret).unwrap() + 3;
    assert_eq!(column, expected_column);
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
    assert!(f["redacted"].as_str().unwrap().ends_with('…'));
    assert!(f.get("secret").is_none());

    // No PATH: the current directory, paths without "./".
    let value = json(&run(dir.path(), &["scan", "--format", "json"]));
    assert_eq!(value["findings"][0]["path"], "src/a/b.txt");
    // An absolute path stays absolute.
    let abs = dir.path().join("src");
    let value = json(&run(
        dir.path(),
        &["scan", abs.to_str().unwrap(), "--format", "json"],
    ));
    assert_eq!(
        value["findings"][0]["path"],
        format!("{}/a/b.txt", abs.display())
    );

    let out = run(dir.path(), &["scan", "--format", "json", "--show-secrets"]);
    assert_eq!(json(&out)["findings"][0]["secret"], secret.as_str());
}

#[test]
fn text_output_names_file_line_rule_and_redacts() {
    let dir = tempfile::tempdir().unwrap();
    let (stripe, secret) = fake("stripe-secret-key", 2);
    write(dir.path(), "config.env", &format!("A=1\n{stripe}\n"));
    let out = run(dir.path(), &["scan"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains("config.env:2:"), "{text}");
    assert!(text.contains("stripe-secret-key"), "{text}");
    assert!(
        text.contains(&secret[..4]) && !text.contains(&secret),
        "{text}"
    );
    assert!(text.contains("1 secret(s) found"), "{text}");
    let out = run(dir.path(), &["scan", "--show-secrets"]);
    assert!(stdout(&out).contains(&secret));
}

#[test]
fn sarif_is_structurally_valid_2_1_0() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, secret) = fake("github-classic-pat", 3);
    let (slack, _) = fake("slack-bot-token", 4);
    write(
        dir.path(),
        "dir with space/a.txt",
        &format!("{pat}\n{slack}\n"),
    );
    write(dir.path(), "b.txt", &format!("x\n{pat}\n"));
    let out = run(dir.path(), &["scan", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    assert!(!stdout(&out).contains(&secret));
    let sarif = json(&out);
    // Required by the SARIF 2.1.0 schema: version, runs[].tool.driver.name, results[].message.
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "warden");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    for rule in rules {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for result in results {
        let rule_id = result["ruleId"].as_str().unwrap();
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(ids[index], rule_id);
        assert!(["none", "note", "warning", "error"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains(' '), "{uri}");
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endLine"].as_u64().unwrap() >= region["startLine"].as_u64().unwrap());
        assert_eq!(
            result["partialFingerprints"]["wardenFingerprint/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
    }
    let uris = result_uris(results);
    assert!(uris.contains(&"dir%20with%20space/a.txt"), "{uris:?}");
}

#[test]
fn baseline_update_then_apply() {
    let dir = tempfile::tempdir().unwrap();
    let (pat, _) = fake("github-classic-pat", 5);
    write(dir.path(), "a.txt", &format!("{pat}\n"));
    let out = run(
        dir.path(),
        &[
            "scan",
            "--baseline",
            "base.json",
            "--update-baseline",
            "src-missing-is-fine",
        ],
    );
    assert_eq!(code(&out), 2, "a missing path is an error");
    let out = run(
        dir.path(),
        &[
            "scan",
            "a.txt",
            "--baseline",
            "base.json",
            "--update-baseline",
        ],
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 1);
    let out = run(dir.path(), &["scan", "a.txt", "--baseline", "base.json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // Moved down: still accepted.
    write(dir.path(), "a.txt", &format!("\n\n{pat}\n"));
    assert_eq!(
        code(&run(
            dir.path(),
            &["scan", "a.txt", "--baseline", "base.json"]
        )),
        0
    );
    let (stripe, _) = fake("stripe-secret-key", 6);
    write(dir.path(), "a.txt", &format!("{pat}\n{stripe}\n"));
    assert_eq!(
        code(&run(
            dir.path(),
            &["scan", "a.txt", "--baseline", "base.json"]
        )),
        1
    );
    // Broken baseline: error, not a silent pass.
    write(dir.path(), "bad.json", "{not json");
    let out = run(dir.path(), &["scan", "a.txt", "--baseline", "bad.json"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}

#[test]
fn errors_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(code(&run(dir.path(), &["scan", "does-not-exist"])), 2);
    assert_eq!(
        code(&run(dir.path(), &["scan", "--history"])),
        2,
        "not a repository"
    );
    assert_eq!(
        code(&run(dir.path(), &["scan", "--staged"])),
        2,
        "not a repository"
    );
}

#[test]
fn staged_history_and_the_pre_commit_hook() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_ok(repo, &["init", "-q"]);
    write(repo, "README.md", "# demo\n");
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "init"]);

    // An existing hook is kept and chained.
    write(
        repo,
        ".git/hooks/pre-commit",
        "#!/bin/sh\necho chained-hook-ran >&2\n",
    );
    std::fs::set_permissions(
        repo.join(".git/hooks/pre-commit"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = run(repo, &["git", "install"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(repo, &["git", "install"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("already installed"));
    let hook = std::fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("scan --staged"), "{hook}");
    assert!(repo.join(".git/hooks/pre-commit.warden-chained").exists());

    // A clean commit passes, and the chained hook ran.
    write(repo, "ok.txt", "fine\n");
    git_ok(repo, &["add", "ok.txt"]);
    let out = git(repo, &["commit", "-q", "-m", "ok"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("chained-hook-ran"));

    // A commit adding a secret is blocked.
    let (stripe, secret) = fake("stripe-secret-key", 7);
    write(repo, "ok.txt", &format!("fine\n{stripe}\n"));
    git_ok(repo, &["add", "ok.txt"]);
    let scan = run(repo, &["scan", "--staged", "--format", "json"]);
    assert_eq!(code(&scan), 1);
    assert_eq!(json(&scan)["findings"][0]["line"], 2);
    let out = git(repo, &["commit", "-q", "-m", "leak"]);
    assert!(!out.status.success(), "the hook let a secret through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(&secret));

    // Committed anyway (bypassing hooks), then deleted: history still finds it.
    git_ok(repo, &["commit", "-q", "--no-verify", "-m", "leak"]);
    let leak = git_ok(repo, &["rev-parse", "HEAD"]);
    write(repo, "ok.txt", "fine\n");
    git_ok(repo, &["commit", "-q", "--no-verify", "-am", "remove"]);
    assert_eq!(code(&run(repo, &["scan", "--staged"])), 0);
    let out = run(repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let value = json(&out);
    let f = &value["findings"][0];
    assert_eq!(f["commit"], leak.as_str());
    assert_eq!(f["path"], "ok.txt");
    assert_eq!(f["line"], 2);
    assert_eq!(f["author"], "Bob");
    let out = run(
        repo,
        &["scan", "--history", "HEAD~1..HEAD", "--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = run(
        repo,
        &["scan", "--diff", "HEAD~2..HEAD~1", "--format", "json"],
    );
    assert_eq!(code(&out), 1);

    // Incident: finds the commit and branch, prints rotation and rewrite steps, never the secret.
    let out = run(repo, &["incident", &secret]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(!text.contains(&secret), "{text}");
    assert!(text.contains(&leak[..12]), "{text}");
    assert!(text.contains("refs/heads/main"), "{text}");
    assert!(text.contains("Rotate it now"), "{text}");
    let backup = text.find("git bundle create").unwrap();
    let rewrite = text.find("git filter-repo").unwrap();
    assert!(backup < rewrite);
    let fp = f["fingerprint"].as_str().unwrap();
    let out = run(repo, &["incident", fp, "--format", "json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["commits"][0]["commit"], leak.as_str());
    assert_eq!(code(&run(repo, &["incident", "0000000000000000"])), 0);

    // Uninstall restores the chained hook.
    assert_eq!(code(&run(repo, &["git", "uninstall"])), 0);
    let hook = std::fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("chained-hook-ran"));
}

/// The artifact URI of each SARIF result's first location.
fn result_uris(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect()
}

/// The official SARIF 2.1.0 schema (OASIS, `sarif-schema-2.1.0.json`), with format checks on:
/// GitHub code scanning rejects uploads that do not validate against it.
fn sarif_validator() -> jsonschema::Validator {
    // The published schema's `run.language` pattern ends in a stray `]`, which a regex in
    // ECMA-262 unicode mode rejects while meta-validating the schema; escaping it keeps the
    // pattern's meaning (a literal `]`). Warden does not emit `language`.
    let text = include_str!("data/sarif-schema-2.1.0.json").replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_sarif(validator: &jsonschema::Validator, sarif: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}\n{sarif:#}");
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (pat, secret) = fake("github-classic-pat", 11);
    let (stripe, _) = fake("stripe-secret-key", 12);
    // Paths that need care in a URI: a space, a colon (not a scheme), `#`, non-ASCII.
    write(root, "dir with space/a.txt", &format!("{pat}\n"));
    write(root, "a:b.txt", &format!("{stripe}\n"));
    write(root, "c#d/é.env.txt", &format!("x = 1\n{pat}\n"));
    // A secret inside an archive, and an input that gives a note (a binary file is skipped
    // silently; a broken archive is not).
    write(root, "pack/inner/key.txt", &format!("{stripe}\n"));
    let tar = Command::new("tar")
        .current_dir(root)
        .args(["czf", "bundle.tar.gz", "-C", "pack", "inner"])
        .status()
        .unwrap();
    assert!(tar.success());
    std::fs::remove_dir_all(root.join("pack")).unwrap();
    std::fs::write(root.join("broken.zip"), b"PK\x03\x04 not really a zip").unwrap();

    let out = run(root, &["scan", "--format", "sarif"]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!stdout(&out).contains(&secret));
    let sarif = json(&out);
    assert_valid_sarif(&validator, &sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let uris = result_uris(results);
    for expected in [
        "dir%20with%20space/a.txt",
        "a%3Ab.txt",
        "c%23d/%C3%A9.env.txt",
        "bundle.tar.gz!inner/key.txt",
    ] {
        assert!(uris.contains(&expected), "{expected} not in {uris:?}");
    }
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notes.as_array().unwrap().iter().any(
            |n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.zip"
        ),
        "{notes:#}"
    );

    // With the secrets shown, and with nothing found: still valid.
    let out = run(root, &["scan", "--format", "sarif", "--show-secrets"]);
    assert!(stdout(&out).contains(&secret));
    assert_valid_sarif(&validator, &json(&out));
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "ok.txt", "nothing to see\n");
    let out = run(clean.path(), &["scan", "--format", "sarif"]);
    assert_eq!(code(&out), 0);
    assert_valid_sarif(&validator, &json(&out));

    // History findings carry their commit, author and date.
    let repo = tempfile::tempdir().unwrap();
    let repo = repo.path();
    git_ok(repo, &["init", "-q"]);
    write(repo, "config.txt", &format!("{stripe}\n"));
    git_ok(repo, &["add", "-A"]);
    git_ok(repo, &["commit", "-q", "-m", "leak"]);
    git_ok(repo, &["rm", "-q", "config.txt"]);
    git_ok(repo, &["commit", "-q", "-m", "remove"]);
    let out = run(repo, &["scan", "--history", "--format", "sarif"]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let sarif = json(&out);
    assert_valid_sarif(&validator, &sarif);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["author"], "Bob");
    assert_eq!(result["properties"]["commit"].as_str().unwrap().len(), 40);
}

/// The validator used above is not a rubber stamp: documents that break the schema in the
/// ways a writer could are rejected.
#[test]
fn the_sarif_validator_rejects_broken_documents() {
    let validator = sarif_validator();
    let dir = tempfile::tempdir().unwrap();
    let (pat, _) = fake("github-classic-pat", 13);
    write(dir.path(), "a.txt", &format!("{pat}\n"));
    let good = json(&run(dir.path(), &["scan", "--format", "sarif"]));
    assert_valid_sarif(&validator, &good);
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 6] = [
        ("wrong version", |v| v["version"] = "2.0.0".into()),
        ("no driver name", |v| {
            v["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
        ("unknown level", |v| {
            v["runs"][0]["results"][0]["level"] = "fatal".into();
        }),
        ("line zero", |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into();
        }),
        ("unknown top-level property", |v| v["extra"] = true.into()),
        ("message without text", |v| {
            v["runs"][0]["results"][0]["message"] = serde_json::json!({});
        }),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert!(!validator.is_valid(&bad), "{what} was accepted");
    }
}
