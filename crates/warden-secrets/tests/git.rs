//! Real git repositories built with the `git` CLI: secrets added then deleted, on branches, in
//! stashes, staged, and left unreachable; scanned through history, staged and diff targets, and
//! investigated with `investigate`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{commit_all, git, write};

use warden_secrets::rules::{by_name, synth::synthesize};
use warden_secrets::{
    DiffTarget, Error, Needle, ScanOptions, Scanner, investigate, scan_diff, scan_history,
};

/// A fresh fake secret line for a rule, and the secret alone (as the scanner reports it).
fn fake(rule_name: &str, seed: u64) -> (String, String) {
    let rule = by_name(rule_name).unwrap();
    let text = synthesize(rule.id, seed).unwrap();
    let findings = Scanner::builtin().scan_text(&text);
    let finding = findings
        .iter()
        .find(|f| f.rule_id == rule.id)
        .unwrap_or_else(|| panic!("{rule_name}: synthesized text not found: {findings:?}"));
    (text, finding.secret().to_owned())
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

fn options() -> ScanOptions {
    ScanOptions::default()
}

#[test]
fn history_reports_secret_added_then_deleted_at_its_commit() {
    let dir = repo();
    let (stripe, secret) = fake("stripe-secret-key", 1);
    write(dir.path(), "README.md", "# demo\n");
    commit_all(dir.path(), "init");
    write(
        dir.path(),
        "app/config.py",
        &format!("import os\n\n{stripe}\n"),
    );
    let leak = commit_all(dir.path(), "add config");
    std::fs::remove_file(dir.path().join("app/config.py")).unwrap();
    commit_all(dir.path(), "remove config");

    let report = scan_history(Scanner::builtin(), dir.path(), None, &options()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let found = &report.findings[0];
    assert_eq!(found.path, "app/config.py");
    assert_eq!(found.finding.line, 3);
    assert_eq!(found.finding.secret(), secret);
    let commit = found.commit.as_ref().unwrap();
    assert_eq!(commit.id, leak);
    assert_eq!(commit.author, "Alice Example");
    assert_eq!(commit.email, "alice@example.test");
    assert_eq!(commit.date, "2024-03-01T12:00:00Z");
    assert_eq!(report.stats.commits, 3);
}

#[test]
fn history_does_not_repeat_a_secret_when_its_file_changes_later() {
    let dir = repo();
    let (token, _) = fake("github-classic-pat", 2);
    write(dir.path(), "deploy.sh", &format!("#!/bin/sh\n{token}\n"));
    let first = commit_all(dir.path(), "add deploy");
    write(
        dir.path(),
        "deploy.sh",
        &format!("#!/bin/sh\n{token}\necho done\n"),
    );
    commit_all(dir.path(), "more deploy");
    // The same content on a second path is a second exposure.
    write(dir.path(), "copy.sh", &format!("{token}\n"));
    let copy = commit_all(dir.path(), "copy");

    let report = scan_history(Scanner::builtin(), dir.path(), None, &options()).unwrap();
    let places: Vec<(&str, usize, &str)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.finding.line,
                f.commit.as_ref().unwrap().id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            ("copy.sh", 1, copy.as_str()),
            ("deploy.sh", 2, first.as_str())
        ]
    );
}

#[test]
fn history_covers_branches_stashes_and_ranges() {
    let dir = repo();
    let (slack, _) = fake("slack-bot-token", 3);
    let (aws, _) = fake("aws-secret-access-key", 4);
    let (pat, _) = fake("github-classic-pat", 5);
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    let base = commit_all(dir.path(), "init");

    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), "src/slack.env", &format!("{slack}\n"));
    let feature = commit_all(dir.path(), "slack");
    git(dir.path(), &["checkout", "-q", "main"]);

    // Two stashes: the older one survives only in the stash reflog.
    write(
        dir.path(),
        "src/main.rs",
        &format!("fn main() {{}}\n// {aws}\n"),
    );
    git(dir.path(), &["stash", "-q"]);
    write(
        dir.path(),
        "src/main.rs",
        &format!("fn main() {{}}\n\n// {pat}\n"),
    );
    git(dir.path(), &["add", "src/main.rs"]);
    git(dir.path(), &["stash", "-q"]);

    let report = scan_history(Scanner::builtin(), dir.path(), None, &options()).unwrap();
    let mut rules: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.finding.rule_name)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    assert_eq!(
        rules,
        vec![
            "aws-secret-access-key",
            "github-classic-pat",
            "slack-bot-token"
        ],
        "{:?}",
        report.findings
    );
    let slack_hit = report
        .findings
        .iter()
        .find(|f| f.finding.rule_name == "slack-bot-token")
        .unwrap();
    assert_eq!(slack_hit.commit.as_ref().unwrap().id, feature);
    let pat_hit = report
        .findings
        .iter()
        .find(|f| f.finding.rule_name == "github-classic-pat")
        .unwrap();
    assert_eq!(
        (pat_hit.path.as_str(), pat_hit.finding.line),
        ("src/main.rs", 3)
    );

    // A range sees only its own commits.
    let range = format!("{base}..feature");
    let report = scan_history(Scanner::builtin(), dir.path(), Some(&range), &options()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.stats.commits, 1);
    let report = scan_history(Scanner::builtin(), dir.path(), Some("main"), &options()).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert!(matches!(
        scan_history(
            Scanner::builtin(),
            dir.path(),
            Some("no-such-branch"),
            &options()
        ),
        Err(Error::Revision { .. })
    ));
    assert!(matches!(
        scan_history(Scanner::builtin(), dir.path(), Some("--all"), &options()),
        Err(Error::Revision { .. })
    ));
}

#[test]
fn history_honours_inline_allow_and_allowlists() {
    let dir = repo();
    let (pat, _) = fake("github-classic-pat", 6);
    let (stripe, _) = fake("stripe-secret-key", 7);
    write(dir.path(), "a.txt", &format!("{pat} # warden:allow\n"));
    write(dir.path(), "fixtures/b.txt", &format!("{stripe}\n"));
    write(dir.path(), "c.txt", &format!("{stripe}\n"));
    commit_all(dir.path(), "all");
    let options = ScanOptions {
        path_allowlist: vec!["fixtures/".into()],
        ..ScanOptions::default()
    };
    let report = scan_history(Scanner::builtin(), dir.path(), None, &options).unwrap();
    let paths: Vec<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["c.txt"]);
    assert_eq!(report.stats.suppressed_inline, 1);
    let options = ScanOptions {
        rule_allowlist: vec!["stripe-secret-key".into()],
        honor_inline_allow: false,
        ..ScanOptions::default()
    };
    let report = scan_history(Scanner::builtin(), dir.path(), None, &options).unwrap();
    let paths: Vec<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["a.txt"]);
}

#[test]
fn staged_scan_sees_only_added_lines_with_new_line_numbers() {
    let dir = repo();
    let (old, _) = fake("stripe-secret-key", 8);
    let (new, new_secret) = fake("github-classic-pat", 9);
    let (unstaged, _) = fake("slack-bot-token", 10);
    let body: String = (1..=10).map(|i| format!("line {i}\n")).collect();
    write(dir.path(), "notes.txt", &format!("{old}\n{body}"));
    commit_all(dir.path(), "init");
    // Insert the new secret as line 6, keeping the old one (line 1) unchanged.
    let mut lines: Vec<String> = std::fs::read_to_string(dir.path().join("notes.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines.insert(5, new.clone());
    write(dir.path(), "notes.txt", &(lines.join("\n") + "\n"));
    write(dir.path(), "new dir/spaced name.txt", "x\n");
    git(dir.path(), &["add", "-A"]);
    write(dir.path(), "later.txt", &format!("{unstaged}\n"));

    let report = scan_diff(
        Scanner::builtin(),
        dir.path(),
        &DiffTarget::Staged,
        &options(),
    )
    .unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let found = &report.findings[0];
    assert_eq!((found.path.as_str(), found.finding.line), ("notes.txt", 6));
    assert_eq!(found.finding.secret(), new_secret);

    // The same change as a committed range.
    let before = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["commit", "-q", "-m", "add"]);
    let range = format!("{before}..HEAD");
    let report = scan_diff(
        Scanner::builtin(),
        dir.path(),
        &DiffTarget::Range(range),
        &options(),
    )
    .unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].finding.line, 6);
    assert!(matches!(
        scan_diff(
            Scanner::builtin(),
            dir.path(),
            &DiffTarget::Range("--output=/tmp/x".into()),
            &options()
        ),
        Err(Error::Revision { .. })
    ));
}

#[test]
fn not_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("plain");
    std::fs::create_dir(&outside).unwrap();
    let result = scan_history(Scanner::builtin(), &outside, None, &options());
    assert!(
        matches!(result, Err(Error::NotARepository { .. })),
        "{result:?}"
    );
    let result = scan_diff(
        Scanner::builtin(),
        &outside,
        &DiffTarget::Staged,
        &options(),
    );
    assert!(
        matches!(result, Err(Error::NotARepository { .. })),
        "{result:?}"
    );
}

#[test]
fn incident_finds_every_commit_ref_stash_and_unreachable_object() {
    let dir = repo();
    let (stripe, secret) = fake("stripe-secret-key", 11);
    write(dir.path(), "README.md", "# demo\n");
    commit_all(dir.path(), "init");
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), ".env", &format!("{stripe}\n"));
    let leak = commit_all(dir.path(), "env");
    std::fs::remove_file(dir.path().join(".env")).unwrap();
    commit_all(dir.path(), "rm env");
    git(dir.path(), &["tag", "v1"]);
    git(dir.path(), &["checkout", "-q", "main"]);
    // In a stash on main.
    write(dir.path(), "README.md", &format!("# demo\n{stripe}\n"));
    git(dir.path(), &["stash", "-q"]);
    // In a commit that is then thrown away (reachable from no ref).
    write(dir.path(), "tmp.txt", &format!("{stripe} \n"));
    let dropped = commit_all(dir.path(), "oops");
    git(dir.path(), &["reset", "-q", "--hard", "HEAD~1"]);
    // In a blob no commit holds.
    write(dir.path(), "loose.txt", &format!("loose {stripe}\n"));
    let loose = git(dir.path(), &["hash-object", "-w", "loose.txt"]);
    std::fs::remove_file(dir.path().join("loose.txt")).unwrap();

    let incident = investigate(
        Scanner::builtin(),
        dir.path(),
        &Needle::Secret(secret.clone()),
    )
    .unwrap();
    assert!(!incident.is_empty());
    assert_eq!(
        incident.rules.iter().map(|r| r.name).collect::<Vec<_>>(),
        vec!["stripe-secret-key"]
    );
    assert!(
        incident.refs.contains(&"refs/heads/feature".to_owned()),
        "{:?}",
        incident.refs
    );
    assert!(
        incident.refs.contains(&"refs/tags/v1".to_owned()),
        "{:?}",
        incident.refs
    );
    assert!(
        incident
            .refs
            .iter()
            .any(|r| r == "refs/stash" || r.starts_with("stash@")),
        "{:?}",
        incident.refs
    );
    assert!(
        !incident.refs.contains(&"refs/heads/main".to_owned()),
        "{:?}",
        incident.refs
    );
    let leak_hit = incident
        .commits
        .iter()
        .find(|c| c.commit.id == leak)
        .unwrap();
    assert!(leak_hit.introduced && !leak_hit.unreachable);
    assert_eq!(leak_hit.paths, vec![".env"]);
    let dropped_hit = incident
        .commits
        .iter()
        .find(|c| c.commit.id == dropped)
        .unwrap();
    assert!(dropped_hit.unreachable);
    assert!(
        incident.dangling_blobs.contains(&loose),
        "{:?}",
        incident.dangling_blobs
    );
    for path in [".env", "README.md", "tmp.txt"] {
        assert!(
            incident.paths.contains(&path.to_owned()),
            "{path}: {:?}",
            incident.paths
        );
    }

    // The same by fingerprint.
    let fingerprint = incident.fingerprints[0].clone();
    let by_fp = investigate(
        Scanner::builtin(),
        dir.path(),
        &Needle::Fingerprint(fingerprint),
    )
    .unwrap();
    assert_eq!(by_fp.commits.len(), incident.commits.len());
    assert_eq!(by_fp.refs, incident.refs);

    let none = investigate(
        Scanner::builtin(),
        dir.path(),
        &Needle::Secret("not-in-this-repo-at-all".into()),
    )
    .unwrap();
    assert!(none.is_empty());
}
