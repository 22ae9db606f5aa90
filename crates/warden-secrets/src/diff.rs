//! Scanning a change rather than a tree: the staged change (for the pre-commit hook) or a
//! diff range (for CI). Only added lines are scanned, and findings are mapped back to their
//! line numbers in the new file.
//!
//! The diff comes from `git diff` itself (git is the reference for what "staged" means,
//! including renames and `.gitattributes`); its unified output is parsed here.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::engine::Scanner;
use crate::error::Error;
use crate::options::{ScanOptions, Suppressor};
use crate::report::{Located, Note, Report};

/// Added text scanned at once per file; a larger addition is scanned in pieces.
const PIECE: usize = 8 * 1024 * 1024;
/// Longest diff line kept (longer lines are cut).
const MAX_LINE: usize = 1024 * 1024;

/// Which change to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffTarget {
    /// The index against HEAD (`git diff --cached`).
    Staged,
    /// A revision range, `BASE..HEAD` (`git diff BASE..HEAD`).
    Range(String),
}

/// Scan the lines a change adds, in the repository containing `repo_dir`. Paths are relative
/// to the repository root; line numbers are those of the new file.
pub fn scan_diff(
    scanner: &Scanner,
    repo_dir: &Path,
    target: &DiffTarget,
    options: &ScanOptions,
) -> Result<Report, Error> {
    let suppressor = Suppressor::new(options)?;
    // Outside a repository `git diff` silently switches to `--no-index`: refuse first.
    crate::git::open(repo_dir)?;
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(repo_dir)
        .args(["-c", "core.quotePath=false", "-c", "diff.noprefix=false"])
        .args(["diff", "--no-color", "--no-ext-diff", "--no-textconv"])
        .args([
            "-U0",
            "--diff-filter=ACMR",
            "--src-prefix=a/",
            "--dst-prefix=b/",
        ]);
    match target {
        DiffTarget::Staged => {
            command.arg("--cached");
        }
        DiffTarget::Range(range) => {
            if range.starts_with('-') || range.is_empty() {
                return Err(Error::Revision {
                    rev: range.clone(),
                    message: "a revision range may not be empty or start with '-'".to_owned(),
                });
            }
            command.arg(range);
        }
    }
    command.arg("--");
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| Error::Git(format!("cannot run git: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::Git("no output from git diff".to_owned()))?;
    let mut stderr = child.stderr.take();
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.take(64 * 1024).read_to_string(&mut text);
        }
        text
    });
    let mut report = parse_and_scan(scanner, BufReader::new(stdout));
    let status = child.wait().map_err(|e| Error::Git(e.to_string()))?;
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() {
        if stderr.contains("not a git repository") {
            return Err(Error::NotARepository {
                path: repo_dir.to_owned(),
            });
        }
        let message = stderr
            .lines()
            .next()
            .unwrap_or("git diff failed")
            .to_owned();
        return Err(match target {
            DiffTarget::Range(range) => Error::Revision {
                rev: range.clone(),
                message,
            },
            DiffTarget::Staged => Error::Git(message),
        });
    }
    suppressor.apply(&mut report);
    report.sort();
    Ok(report)
}

/// The added lines of one file, joined, with each line's number in the new file.
#[derive(Default)]
struct Added {
    path: String,
    text: Vec<u8>,
    lines: Vec<usize>,
}

/// Parse `git diff -U0` output and scan each file's added lines.
pub(crate) fn parse_and_scan(scanner: &Scanner, mut reader: impl BufRead) -> Report {
    let mut report = Report::default();
    let mut current: Option<Added> = None;
    let mut next_line = 0usize;
    let mut in_hunk = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => break,
            Ok(_) => {}
            Err(err) => {
                report.notes.push(Note {
                    path: None,
                    message: format!("reading git diff: {err}"),
                });
                break;
            }
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.starts_with(b"diff --git ") {
            if let Some(added) = current.take() {
                flush(scanner, added, &mut report);
            }
            in_hunk = false;
            current = Some(Added::default());
            continue;
        }
        if line.starts_with(b"@@ ") {
            next_line = parse_hunk_start(&line).unwrap_or(0);
            in_hunk = true;
            continue;
        }
        let Some(added) = current.as_mut() else {
            continue;
        };
        if !in_hunk {
            if let Some(rest) = line.strip_prefix(b"+++ ") {
                let path = unquote(rest);
                added.path = path.strip_prefix("b/").unwrap_or(&path).to_owned();
            } else if line.starts_with(b"Binary files ") {
                report.stats.skipped_binary += 1;
            }
            continue;
        }
        match line.first() {
            Some(b'+') => {
                if added.text.len() >= PIECE {
                    let path = added.path.clone();
                    let full = std::mem::take(added);
                    flush(scanner, full, &mut report);
                    added.path = path;
                }
                added.text.extend_from_slice(&line[1..]);
                added.text.push(b'\n');
                added.lines.push(next_line);
                next_line += 1;
            }
            Some(b' ') => next_line += 1,
            _ => {}
        }
    }
    if let Some(added) = current.take() {
        flush(scanner, added, &mut report);
    }
    report
}

fn flush(scanner: &Scanner, added: Added, report: &mut Report) {
    if added.text.is_empty() || added.path.is_empty() {
        return;
    }
    report.stats.files += 1;
    report.stats.bytes += added.text.len() as u64;
    let map = |line: usize| {
        added
            .lines
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(line)
    };
    for mut finding in scanner.scan_bytes(&added.text) {
        finding.line = map(finding.line);
        finding.end_line = map(finding.end_line);
        report.findings.push(Located {
            path: added.path.clone(),
            commit: None,
            finding,
        });
    }
}

/// The new-file start line of a hunk header `@@ -a,b +c,d @@`.
fn parse_hunk_start(line: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(line).ok()?;
    let plus = text.split(' ').find(|part| part.starts_with('+'))?;
    let number = plus[1..].split(',').next()?;
    number.parse().ok()
}

/// A path from a `+++` line: plain, or C-quoted by git when it holds special bytes.
fn unquote(raw: &[u8]) -> String {
    let raw = raw.strip_suffix(b"\t").unwrap_or(raw);
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return String::from_utf8_lossy(raw).into_owned();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'\\' && i + 1 < inner.len() {
            let c = inner[i + 1];
            let octal = inner
                .get(i + 1..i + 4)
                .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
            if let Some(digits) = octal {
                let value = digits
                    .iter()
                    .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 4;
                continue;
            }
            out.push(match c {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                other => other,
            });
            i += 2;
            continue;
        }
        out.push(inner[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunk_headers() {
        for (line, start) in [
            ("@@ -1,2 +3,4 @@ fn x()", Some(3)),
            ("@@ -0,0 +1 @@", Some(1)),
            ("@@ -5 +0,0 @@", Some(0)),
            ("@@ garbage @@", None),
        ] {
            assert_eq!(parse_hunk_start(line.as_bytes()), start, "{line}");
        }
    }

    #[test]
    fn quoted_paths() {
        for (raw, path) in [
            ("b/plain.txt", "b/plain.txt"),
            ("\"b/with\\ttab\"", "b/with\ttab"),
            ("\"b/caf\\303\\251.txt\"", "b/café.txt"),
            ("\"b/q\\\"uote\"", "b/q\"uote"),
            ("b/space name.txt\t", "b/space name.txt"),
        ] {
            assert_eq!(unquote(raw.as_bytes()), path, "{raw}");
        }
    }
}
