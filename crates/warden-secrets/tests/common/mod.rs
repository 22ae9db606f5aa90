//! Shared helpers for the tests that build real git repositories with the `git` CLI: a fixed
//! author and date, no system or user configuration.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// Runs git in `dir` and returns its trimmed stdout; fails the test if git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Alice Example"])
        .args(["-c", "user.email=alice@example.test"])
        .args(["-c", "commit.gpgsign=false"])
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Writes `data` at `path` under `dir`, creating parent directories.
pub fn write(dir: &Path, path: &str, data: &(impl AsRef<[u8]> + ?Sized)) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, data.as_ref()).unwrap();
}

/// Stages everything and commits (even when nothing changed); returns the commit id.
pub fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}
