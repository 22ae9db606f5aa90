//! History scans of files much larger than their changes, where only the changed lines (with
//! context) of each version are scanned: what they report must be what a scan of every whole
//! version reports, less the secrets already in the version before.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{commit_all, git, write};

use warden_secrets::rules::{by_name, synth::synthesize};
use warden_secrets::{Report, ScanOptions, Scanner, scan_history};

fn commit_file(dir: &Path, path: &str, lines: &[String]) -> String {
    write(dir, path, &lines.concat());
    commit_all(dir, "change")
}

/// Ordinary code lines that hold no secret.
fn filler(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("    let value_{i} = compute(\"item-{i}\", {});\n", i * 7))
        .collect()
}

/// A fake secret of `rule`, as the lines it is written on (each ending in a newline).
fn secret_lines(rule: &str, seed: u64) -> Vec<String> {
    let text = synthesize(by_name(rule).unwrap().id, seed).unwrap();
    let found = Scanner::builtin().scan_text(&text);
    assert!(!found.is_empty(), "{rule}: {text:?}");
    text.trim_end_matches('\n')
        .split('\n')
        .map(|l| format!("{l}\n"))
        .collect()
}

/// (commit, path, line, rule, fingerprint) of every finding.
type Place = (String, String, usize, &'static str, String);

fn places(report: &Report) -> BTreeSet<Place> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.commit.as_ref().unwrap().id.clone(),
                f.path.clone(),
                f.finding.line,
                f.finding.rule_name,
                f.finding.fingerprint.clone(),
            )
        })
        .collect()
}

/// What scanning every whole version of one file reports: each version's findings whose
/// fingerprint the version before did not have.
fn expected(path: &str, versions: &[(String, Vec<String>)]) -> BTreeSet<Place> {
    let mut out = BTreeSet::new();
    let mut before: BTreeSet<String> = BTreeSet::new();
    for (commit, lines) in versions {
        let findings = Scanner::builtin().scan_text(&lines.concat());
        for f in &findings {
            if !before.contains(&f.fingerprint) {
                out.insert((
                    commit.clone(),
                    path.to_owned(),
                    f.line,
                    f.rule_name,
                    f.fingerprint.clone(),
                ));
            }
        }
        before = findings.into_iter().map(|f| f.fingerprint).collect();
    }
    out
}

fn scan(dir: &Path, range: Option<&str>) -> Report {
    scan_history(Scanner::builtin(), dir, range, &ScanOptions::default()).unwrap()
}

#[test]
fn a_secret_added_to_a_large_file_is_reported_once_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let mut lines = filler(300);
    let first = commit_file(dir.path(), "src/lib.rs", &lines);
    let token = secret_lines("github-classic-pat", 1);
    lines.splice(150..150, token.clone());
    let leak = commit_file(dir.path(), "src/lib.rs", &lines);
    // Later edits above and below it move it, and do not expose it again.
    lines.insert(10, "    // a comment\n".to_owned());
    lines.push("}\n".to_owned());
    commit_file(dir.path(), "src/lib.rs", &lines);
    // Moving the line elsewhere in the file does not either.
    let moved = lines.remove(151);
    lines.insert(280, moved);
    commit_file(dir.path(), "src/lib.rs", &lines);

    let report = scan(dir.path(), None);
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let found = &report.findings[0];
    assert_eq!(found.commit.as_ref().unwrap().id, leak);
    assert_eq!(found.finding.rule_name, "github-classic-pat");
    assert_eq!(found.finding.line, 151);
    let column = token[0].find("ghp_").unwrap() + 1;
    assert_eq!(found.finding.column, column);
    assert_eq!(report.stats.commits, 4);

    // A range that starts after the leak does not see it, though the file changed.
    let range = format!("{leak}..HEAD");
    assert!(scan(dir.path(), Some(&range)).findings.is_empty());
    let range = format!("{first}..HEAD");
    assert_eq!(scan(dir.path(), Some(&range)).findings.len(), 1);
}

#[test]
fn changed_lines_and_a_whole_file_scan_agree_over_many_edits() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let kinds = [
        "github-classic-pat",
        "stripe-secret-key",
        "slack-bot-token",
        "aws-secret-access-key",
        "pem-rsa-private-key",
        "netrc-password",
        "gcp-service-account-key",
        "openssh-private-key",
    ];
    let path = "config/settings.txt";
    let mut lines = filler(400);
    let mut versions = vec![(commit_file(dir.path(), path, &lines), lines.clone())];
    // A deterministic walk of edits: add a secret, change one, move one, delete one, edit
    // ordinary lines, replace a key block's body, append at the end, prepend at the start.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap() % n.max(1)
    };
    let mut planted: Vec<(usize, usize)> = Vec::new(); // (start line, line count)
    for step in 0..24u64 {
        match step % 6 {
            0 | 3 => {
                let block = secret_lines(kinds[next(kinds.len())], step);
                let at = next(lines.len());
                // Keep earlier blocks whole: insert before or after each, not inside.
                let at = planted
                    .iter()
                    .find(|(s, n)| at > *s && at < s + n)
                    .map_or(at, |(s, _)| *s);
                for p in &mut planted {
                    if p.0 >= at {
                        p.0 += block.len();
                    }
                }
                planted.push((at, block.len()));
                lines.splice(at..at, block);
            }
            1 => {
                // Edit ordinary lines near and far from the secrets.
                for _ in 0..3 {
                    let at = next(lines.len());
                    if planted.iter().all(|(s, n)| at < *s || at >= s + n) {
                        lines[at] = format!("    let changed_{step}_{at} = 1;\n");
                    }
                }
            }
            2 if !planted.is_empty() => {
                // Replace one secret by another of the same kind, in place.
                let (start, count) = planted[next(planted.len())];
                let kind = kinds
                    .iter()
                    .find(|k| {
                        let text: String = lines[start..start + count].concat();
                        Scanner::builtin()
                            .scan_text(&text)
                            .iter()
                            .any(|f| f.rule_name == **k)
                    })
                    .copied()
                    .unwrap_or("github-classic-pat");
                let block = secret_lines(kind, 1000 + step);
                let delta = block.len() as isize - count as isize;
                lines.splice(start..start + count, block.clone());
                for p in &mut planted {
                    if p.0 > start {
                        p.0 = p.0.checked_add_signed(delta).unwrap();
                    }
                }
                if let Some(p) = planted.iter_mut().find(|p| p.0 == start) {
                    p.1 = block.len();
                }
            }
            4 if !planted.is_empty() => {
                // Delete one.
                let (start, count) = planted.remove(next(planted.len()));
                lines.drain(start..start + count);
                for p in &mut planted {
                    if p.0 > start {
                        p.0 -= count;
                    }
                }
            }
            _ => {
                lines.insert(0, format!("// header {step}\n"));
                for p in &mut planted {
                    p.0 += 1;
                }
                lines.push(format!("// footer {step}\n"));
            }
        }
        versions.push((commit_file(dir.path(), path, &lines), lines.clone()));
    }

    let want = expected(path, &versions);
    assert!(want.len() >= 8, "too few secrets planted: {want:?}");
    assert_eq!(places(&scan(dir.path(), None)), want);
    // The same from packs: short delta chains, long ones, and a pack with loose objects on top.
    for depth in ["--depth=3", "--depth=50"] {
        git(dir.path(), &["repack", "-q", "-a", "-d", "-f", depth]);
        assert_eq!(places(&scan(dir.path(), None)), want, "repack {depth}");
    }
    lines.insert(7, secret_lines("stripe-secret-key", 99).concat());
    versions.push((commit_file(dir.path(), path, &lines), lines.clone()));
    assert_eq!(places(&scan(dir.path(), None)), expected(path, &versions));
}

#[test]
fn a_key_block_with_a_new_body_is_a_new_finding() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let mut lines = filler(200);
    let first_key = secret_lines("pem-rsa-private-key", 1);
    let second_key = secret_lines("pem-rsa-private-key", 2);
    let count = first_key.len();
    lines.splice(100..100, first_key.clone());
    let first = commit_file(dir.path(), "deploy/key.txt", &lines);
    // Only the body changes: the BEGIN and END lines are the same in both versions.
    assert_eq!(first_key[0], second_key[0]);
    lines.splice(100..100 + count, second_key);
    let second = commit_file(dir.path(), "deploy/key.txt", &lines);

    let report = scan(dir.path(), None);
    let commits: Vec<(&str, usize)> = report
        .findings
        .iter()
        .map(|f| (f.commit.as_ref().unwrap().id.as_str(), f.finding.line))
        .collect();
    assert_eq!(
        commits.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([(first.as_str(), 101), (second.as_str(), 101)]),
        "{:?}",
        report.findings
    );
}
