//! A simple in-memory [`Environment`] for tests and tools that have no file system at hand.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::{EntryKind, Environment};

/// An [`Environment`] backed by a map of script contents and symlinks, with the default
/// secret-path heuristic. Nothing exists unless added.
#[derive(Debug, Clone, Default)]
pub struct StaticEnv {
    scripts: HashMap<PathBuf, String>,
    links: HashMap<PathBuf, PathBuf>,
    /// Files that exist (their ancestors exist as directories).
    files: BTreeSet<PathBuf>,
    /// Paths ignore files exclude, with everything below them.
    ignored: BTreeSet<PathBuf>,
}

impl StaticEnv {
    /// An environment with no files.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a readable script at an absolute path.
    pub fn with_script(mut self, path: impl Into<PathBuf>, content: impl Into<String>) -> Self {
        self.scripts.insert(path.into(), content.into());
        self
    }

    /// Adds a file at an absolute path; its ancestors become directories.
    pub fn with_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.files.insert(path.into());
        self
    }

    /// Adds a symlink: `from` (absolute) resolves to `to` (absolute).
    pub fn with_link(mut self, from: impl Into<PathBuf>, to: impl Into<PathBuf>) -> Self {
        self.links.insert(from.into(), to.into());
        self
    }

    /// Marks a path (and everything below it) as excluded by an ignore file.
    pub fn with_ignored(mut self, path: impl Into<PathBuf>) -> Self {
        self.ignored.insert(path.into());
        self
    }
}

impl Environment for StaticEnv {
    fn read_script(&self, path: &Path) -> Option<String> {
        self.scripts.get(path).cloned()
    }

    fn canonicalize(&self, path: &Path) -> Option<PathBuf> {
        self.links.get(path).cloned()
    }

    fn is_secret_path(&self, path: &Path) -> bool {
        default_is_secret_path(path)
    }

    fn is_ignored(&self, path: &Path, _is_dir: bool) -> bool {
        path.ancestors().any(|p| self.ignored.contains(p))
    }

    fn list_dir(&self, dir: &Path, limit: usize) -> Option<Vec<(String, EntryKind)>> {
        let mut entries: Vec<(String, EntryKind)> = Vec::new();
        for file in self.files.iter().chain(self.scripts.keys()) {
            let Ok(rest) = file.strip_prefix(dir) else {
                continue;
            };
            let mut parts = rest.components();
            let Some(first) = parts.next() else {
                continue;
            };
            let name = first.as_os_str().to_string_lossy().into_owned();
            let kind = if parts.next().is_some() {
                EntryKind::Dir
            } else {
                EntryKind::File
            };
            if !entries.iter().any(|(n, _)| *n == name) {
                entries.push((name, kind));
            }
        }
        if entries.is_empty() {
            return None;
        }
        entries.truncate(limit);
        Some(entries)
    }
}

/// A default heuristic for secret files: dotenv files, SSH and cloud credentials, key and
/// certificate stores, token files. Used by [`StaticEnv`]; the real policy has its own list.
pub fn default_is_secret_path(path: &Path) -> bool {
    let s = path.to_string_lossy();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name == ".env" || (name.starts_with(".env.") && !is_env_template(&name)) {
        return true;
    }
    const NAMES: &[&str] = &[
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".netrc",
        ".pgpass",
        ".npmrc",
        ".pypirc",
        "credentials",
        "credentials.json",
        ".git-credentials",
        "secrets.yaml",
        "secrets.yml",
        "secrets.json",
        "shadow",
        "gshadow",
        "master.key",
        "kubeconfig",
        ".htpasswd",
        "known_hosts",
    ];
    if NAMES.contains(&name.as_str()) {
        return true;
    }
    const EXTS: &[&str] = &[
        ".pem",
        ".key",
        ".p12",
        ".pfx",
        ".jks",
        ".keystore",
        ".kdbx",
        ".gpg",
        ".asc",
    ];
    if EXTS.iter().any(|e| name.ends_with(e)) {
        return true;
    }
    const DIRS: &[&str] = &[
        "/.ssh/",
        "/.aws/",
        "/.gnupg/",
        "/.kube/",
        "/.docker/config.json",
        "/.config/gcloud/",
        "/.azure/",
        "/.config/gh/hosts.yml",
        "/.password-store/",
        "/etc/ssl/private/",
    ];
    let with_slash = format!("{s}/");
    DIRS.iter().any(|d| with_slash.contains(d))
}

fn is_env_template(name: &str) -> bool {
    name.ends_with(".example") || name.ends_with(".sample") || name.ends_with(".template")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_heuristic() {
        let yes = [
            "/p/.env",
            "/p/.env.local",
            "/home/u/.ssh/id_rsa",
            "/home/u/.ssh/config",
            "/home/u/.aws/credentials",
            "/p/server.pem",
            "/etc/shadow",
            "/home/u/.netrc",
        ];
        let no = [
            "/p/.env.example",
            "/p/README.md",
            "/p/src/env.rs",
            "/etc/hosts",
        ];
        for p in yes {
            assert!(default_is_secret_path(Path::new(p)), "{p}");
        }
        for p in no {
            assert!(!default_is_secret_path(Path::new(p)), "{p}");
        }
    }
}
