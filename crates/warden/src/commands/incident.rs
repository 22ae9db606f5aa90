//! `warden incident SECRET-OR-FINGERPRINT`: the article's "If a Secret is Exposed" steps.
//! Finds every commit, branch, tag, stash entry, path and unreachable object holding the
//! secret, prints the provider's rotation steps and the history-rewrite commands (backup first).
//!
//! Exit codes: 0 not found, 1 found, 2 error. The secret itself is never printed.

use std::io::{Read, Write};
use std::path::PathBuf;

use serde_json::json;
use warden_secrets::{Incident, Needle, Scanner, investigate, rewrite_plan, short_id};

use crate::exit::ExitCode;

/// Arguments of `warden incident`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The leaked secret, or a finding's fingerprint from `warden scan`. `-` reads it from
    /// stdin (keeps it out of shell history and the process list).
    #[arg(value_name = "SECRET-OR-FINGERPRINT")]
    pub needle: String,
    /// The repository to search (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = super::scan::Format::Text)]
    pub format: super::scan::Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match incident(&args) {
        Ok(code) => Ok(ExitCode::from(code)),
        Err(err) => {
            super::report_error(&err);
            Ok(ExitCode::from(2))
        }
    }
}

fn incident(args: &Args) -> anyhow::Result<u8> {
    let raw = if args.needle == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(1024 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| anyhow::anyhow!("cannot read the secret from stdin: {e}"))?;
        text
    } else {
        args.needle.clone()
    };
    let needle = Needle::parse(&raw);
    if matches!(&needle, Needle::Secret(s) if s.len() < 6) {
        anyhow::bail!("the secret is too short to search for safely (at least 6 characters)");
    }
    let secret_known = matches!(needle, Needle::Secret(_));
    let found = investigate(Scanner::builtin(), &args.repo, &needle)?;
    let plan = rewrite_plan(&found, secret_known);
    let text = match args.format {
        super::scan::Format::Text => render_text(&found, &needle, &plan),
        _ => {
            let value = to_json(&found, &plan);
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    write_stdout(&text);
    Ok(if found.is_empty() { 0 } else { 1 })
}

fn to_json(found: &Incident, plan: &[String]) -> serde_json::Value {
    json!({
        "found": !found.is_empty(),
        "rules": found.rules.iter().map(|r| json!({
            "rule": r.id, "rule_name": r.name, "provider": r.provider, "rotation": r.rotation,
        })).collect::<Vec<_>>(),
        "fingerprints": found.fingerprints,
        "commits": found.commits.iter().map(|c| json!({
            "commit": c.commit.id, "author": c.commit.author, "email": c.commit.email,
            "date": c.commit.date, "paths": c.paths, "introduced": c.introduced,
            "unreachable": c.unreachable,
        })).collect::<Vec<_>>(),
        "refs": found.refs,
        "paths": found.paths,
        "blobs": found.blobs,
        "dangling_blobs": found.dangling_blobs,
        "rewrite": plan,
    })
}

fn render_text(found: &Incident, needle: &Needle, plan: &[String]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let what = match needle {
        Needle::Fingerprint(fp) => format!("fingerprint {fp}"),
        Needle::Secret(s) => format!("secret {}", warden_secrets::redact_secret(s)),
    };
    if found.is_empty() {
        let _ = writeln!(
            out,
            "{what}: not found in any object of {} (reachable or not).",
            found.repo_dir
        );
        let _ = writeln!(
            out,
            "If it leaked elsewhere (a log, a chat, a pushed fork), still revoke and rotate it."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{what}: found in {} blob(s), {} commit(s), {} ref(s).",
        found.blobs.len(),
        found.commits.len(),
        found.refs.len()
    );
    for rule in &found.rules {
        let _ = writeln!(
            out,
            "Recognised as {} {} ({}).",
            rule.id, rule.name, rule.provider
        );
    }
    if !found.fingerprints.is_empty() {
        let _ = writeln!(out, "Fingerprints: {}", found.fingerprints.join(", "));
    }
    if !found.paths.is_empty() {
        let _ = writeln!(out, "\nPaths:");
        for path in &found.paths {
            let _ = writeln!(out, "  {path}");
        }
    }
    if !found.commits.is_empty() {
        let _ = writeln!(out, "\nCommits holding it (oldest first):");
        for c in &found.commits {
            let mut flags = Vec::new();
            if c.introduced {
                flags.push("introduced here");
            }
            if c.unreachable {
                flags.push("unreachable: kept until git gc");
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join("; "))
            };
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}{flags}",
                short_id(&c.commit.id),
                c.commit.date,
                c.commit.author,
                c.paths.join(", ")
            );
        }
    }
    if !found.refs.is_empty() {
        let _ = writeln!(out, "\nBranches, tags and stashes whose history holds it:");
        for r in &found.refs {
            let _ = writeln!(out, "  {r}");
        }
    }
    if !found.dangling_blobs.is_empty() {
        let _ = writeln!(
            out,
            "\nIn the object database only (staged once, or a dropped stash), until git gc:"
        );
        for b in &found.dangling_blobs {
            let _ = writeln!(out, "  blob {b}");
        }
    }
    let _ = writeln!(out, "\nRotate it now:");
    if found.rules.is_empty() {
        let _ = writeln!(
            out,
            "  Revoke the credential with whoever issued it, issue a new one, update every \
             place that uses it, and check the provider's access logs for use since the leak."
        );
    }
    for rule in &found.rules {
        let _ = writeln!(out, "  {} ({}):", rule.name, rule.provider);
        for line in rule.rotation.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    let _ = writeln!(
        out,
        "\nRemove it from history (after rotating; backup first):"
    );
    for line in plan {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// Write to stdout; a closed pipe is not an error.
fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
