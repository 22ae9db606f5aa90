//! A generated corpus: a fresh, format-valid fake secret for every rule (from the rule's own
//! grammar, `synthesize`), planted in realistic files between decoys that must not be
//! reported, scanned as a tree. Recall must be total, and decoys must stay silent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use warden_secrets::rules::{RULES, synth::synthesize};
use warden_secrets::{ScanOptions, Scanner, scan_paths};

/// Realistic surroundings, one per file kind: (file name, header lines, line template).
const KINDS: &[(&str, &str)] = &[
    (
        "settings.py",
        "import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent\nDEBUG = os.environ.get(\"DEBUG\") == \"1\"\n",
    ),
    (
        "config.yaml",
        "server:\n  port: 8080\n  host: 0.0.0.0\nlogging:\n  level: info\n",
    ),
    (".env", "NODE_ENV=production\nPORT=3000\nLOG_LEVEL=warn\n"),
    (
        "deploy.sh",
        "#!/usr/bin/env bash\nset -euo pipefail\ncd \"$(dirname \"$0\")\"\n",
    ),
    (
        "main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n",
    ),
    (
        "App.java",
        "package com.example;\n\npublic final class App {\n    private App() {}\n}\n",
    ),
];

/// Lines that look like secrets to a careless scanner and are not secrets.
const DECOYS: &[&str] = &[
    "const apiKey = process.env.OPENAI_API_KEY;",
    "api_key = os.environ[\"STRIPE_SECRET_KEY\"]",
    "password: ${DB_PASSWORD}",
    "token: \"{{ .Values.token }}\"",
    "OPENAI_API_KEY=sk-1234567890abcdef",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "password = \"changeme\"",
    "secret: <your-secret-here>",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "commit = \"4850fc1541d7a072871c779a05a6f34dbf16bd24\"",
    "id: 123e4567-e89b-12d3-a456-426614174000",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "url = \"https://api.example.com/v1/items?page=2&limit=50\"",
    "let passwordField = document.getElementById('password');",
    "def check_password(password: str) -> bool:",
    "image: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "SECRET_KEY_NAME=django-insecure-key-name",
    "token_type = \"bearer\"",
    "// TODO: rotate the api key before release",
];

#[test]
fn every_rule_planted_in_realistic_files_is_found_and_decoys_are_not() {
    let dir = tempfile::tempdir().unwrap();
    // (relative path, line) -> (rule id, secret text)
    let mut planted: BTreeMap<(String, usize), (&str, String)> = BTreeMap::new();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut unsynthesizable = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        let Some(text) = synthesize(rule.id, 7_000 + i as u64) else {
            unsynthesizable.push(rule.id);
            continue;
        };
        let (kind, header) = KINDS[i % KINDS.len()];
        let path = format!("svc{}/{}", i % 9, kind);
        let body = files
            .entry(path.clone())
            .or_insert_with(|| header.to_owned());
        // Decoys around every planted secret.
        let _ = writeln!(body, "{}", DECOYS[i % DECOYS.len()]);
        let line = body.lines().count() + 1;
        let _ = writeln!(body, "{text}");
        let _ = writeln!(body, "{}", DECOYS[(i * 7 + 3) % DECOYS.len()]);
        planted.insert((path, line), (rule.id, text));
    }
    assert!(
        unsynthesizable.is_empty(),
        "rules without a synthesized secret: {unsynthesizable:?}"
    );
    // A file of decoys only.
    files.insert("docs/decoys.md".to_owned(), DECOYS.join("\n") + "\n");
    for (path, body) in &files {
        write(dir.path(), path, body);
    }

    let report = scan_paths(
        Scanner::builtin(),
        &[dir.path().to_path_buf()],
        &ScanOptions::default(),
    )
    .unwrap();
    let prefix = format!("{}/", dir.path().display());
    let mut missed = Vec::new();
    let mut wrong_rule = Vec::new();
    for ((path, line), (rule_id, text)) in &planted {
        let full = format!("{prefix}{path}");
        let lines = text.lines().count().max(1);
        let hits: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.path == full && f.finding.line >= *line && f.finding.line < line + lines)
            .collect();
        if hits.is_empty() {
            missed.push(format!("{rule_id} at {path}:{line}: {text:?}"));
        } else if !hits.iter().any(|f| {
            // Attributed to this rule, or to another format of the same provider (whose
            // rotation steps are the same).
            f.finding.rule_id == *rule_id || f.finding.provider == provider_of(rule_id)
        }) {
            wrong_rule.push(format!(
                "{rule_id} at {path}:{line} reported as {:?}",
                hits.iter().map(|f| f.finding.rule_id).collect::<Vec<_>>()
            ));
        }
    }
    let mut false_positives = Vec::new();
    for f in &report.findings {
        let path = f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_owned();
        let planted_here = planted.iter().any(|((p, l), (_, text))| {
            *p == path && f.finding.line >= *l && f.finding.line < l + text.lines().count().max(1)
        });
        if !planted_here {
            false_positives.push(format!(
                "{path}:{} {} {}",
                f.finding.line, f.finding.rule_id, f.finding.rule_name
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} planted secrets missed:\n{}",
        missed.len(),
        planted.len(),
        missed.join("\n")
    );
    assert!(
        false_positives.is_empty(),
        "decoys reported:\n{}",
        false_positives.join("\n")
    );
    assert!(
        wrong_rule.is_empty(),
        "attributed to another rule:\n{}",
        wrong_rule.join("\n")
    );
}

fn provider_of(rule_id: &str) -> &'static str {
    RULES
        .iter()
        .find(|r| r.id == rule_id)
        .map_or("", |r| r.provider)
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
