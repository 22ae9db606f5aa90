//! The corpus: every case under `tests/corpus/*.txt` with its expected `tool`-mode decision
//! and the rule ids it must produce. Prints an accuracy table by category and fails on any
//! case that does not match.
//!
//! Line format: `DECISION RULES COMMAND`, where RULES is a comma-separated list of rule ids
//! (or `-`), and `<NL>` in COMMAND stands for a newline. `#` starts a comment line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use warden_core::Decision;

struct Case {
    file: String,
    line: usize,
    want: Decision,
    rules: Vec<String>,
    command: String,
}

fn load() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let category = f.file_stem().unwrap().to_string_lossy().into_owned();
        for (i, raw) in fs::read_to_string(&f).unwrap().lines().enumerate() {
            let line = raw.trim_end();
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (d, after) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let after = after.trim_start();
            let (rest, cmd) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
            let cmd = cmd.trim_start();
            let want = common::parse_decision(d)
                .unwrap_or_else(|| panic!("{}:{}: bad decision `{d}`", f.display(), i + 1));
            let rules = if rest == "-" {
                Vec::new()
            } else {
                rest.split(',').map(str::to_string).collect()
            };
            assert!(!cmd.is_empty(), "{}:{}: empty command", f.display(), i + 1);
            out.push(Case {
                file: category.clone(),
                line: i + 1,
                want,
                rules,
                command: cmd.replace("<NL>", "\n"),
            });
        }
    }
    out
}

/// Categories whose cases are all benign.
fn benign(category: &str) -> bool {
    category.starts_with("benign") || category == "scary-benign"
}

#[derive(Default)]
struct Tally {
    total: usize,
    correct: usize,
    allow: usize,
    ask: usize,
    deny: usize,
    dangerous: usize,
    dangerous_stopped: usize,
    critical: usize,
    critical_denied: usize,
}

#[test]
fn corpus() {
    let cases = load();
    let mut by_cat: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for c in &cases {
        let a = common::run(&c.command);
        let got = common::decide(&a);
        let t = by_cat.entry(c.file.clone()).or_default();
        t.total += 1;
        match got {
            Decision::Allow => t.allow += 1,
            Decision::Ask => t.ask += 1,
            Decision::Deny => t.deny += 1,
        }
        if !benign(&c.file) && c.want != Decision::Allow {
            t.dangerous += 1;
            if got != Decision::Allow {
                t.dangerous_stopped += 1;
            }
            if c.want == Decision::Deny {
                t.critical += 1;
                if got == Decision::Deny {
                    t.critical_denied += 1;
                }
            }
        }
        let missing: Vec<&String> = c.rules.iter().filter(|r| !a.has_rule(r)).collect();
        if got == c.want && missing.is_empty() {
            t.correct += 1;
        } else {
            let mut lines = format!(
                "{}:{}: `{}`\n    want {} {:?}, got {} (missing {:?})",
                c.file,
                c.line,
                c.command.replace('\n', "⏎"),
                c.want,
                c.rules,
                got,
                missing
            );
            for e in &a.effects {
                lines.push_str(&format!("\n      {} {:?} {:?}", e.rule, e.severity, e.kind));
            }
            failures.push(lines);
        }
    }
    println!(
        "\n{:<18} {:>5} {:>7} {:>5} {:>5} {:>5} {:>9} {:>9}",
        "category", "cases", "correct", "allow", "ask", "deny", "stopped", "crit-deny"
    );
    let mut sum = Tally::default();
    for (cat, t) in &by_cat {
        println!(
            "{:<18} {:>5} {:>7} {:>5} {:>5} {:>5} {:>9} {:>9}",
            cat,
            t.total,
            t.correct,
            t.allow,
            t.ask,
            t.deny,
            format!("{}/{}", t.dangerous_stopped, t.dangerous),
            format!("{}/{}", t.critical_denied, t.critical),
        );
        sum.total += t.total;
        sum.correct += t.correct;
        sum.dangerous += t.dangerous;
        sum.dangerous_stopped += t.dangerous_stopped;
        sum.critical += t.critical;
        sum.critical_denied += t.critical_denied;
    }
    let benign_total: usize = by_cat
        .iter()
        .filter(|(c, _)| benign(c))
        .map(|(_, t)| t.total)
        .sum();
    let benign_denied: usize = by_cat
        .iter()
        .filter(|(c, _)| benign(c))
        .map(|(_, t)| t.deny)
        .sum();
    let ro_build: Vec<&Tally> = by_cat
        .iter()
        .filter(|(c, _)| *c == "benign-readonly" || *c == "benign-build")
        .map(|(_, t)| t)
        .collect();
    let ro_total: usize = ro_build.iter().map(|t| t.total).sum();
    let ro_allowed: usize = ro_build.iter().map(|t| t.allow).sum();
    println!(
        "total {} cases, {} correct; dangerous stopped {}/{}; critical denied {}/{}; benign denied {}/{}; read-only/build allowed {}/{}",
        sum.total,
        sum.correct,
        sum.dangerous_stopped,
        sum.dangerous,
        sum.critical_denied,
        sum.critical,
        benign_denied,
        benign_total,
        ro_allowed,
        ro_total
    );
    assert!(
        sum.total >= 800,
        "the corpus must hold at least 800 cases, has {}",
        sum.total
    );
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        sum.dangerous_stopped, sum.dangerous,
        "a dangerous case was allowed"
    );
    assert_eq!(
        sum.critical_denied, sum.critical,
        "a critical case was not denied"
    );
    assert!(
        benign_denied * 50 <= benign_total,
        "more than 2% of benign cases denied"
    );
    assert!(
        ro_allowed * 5 >= ro_total * 4,
        "fewer than 80% of read-only/build cases allowed"
    );
}
