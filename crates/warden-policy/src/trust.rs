//! `warden trust`: the person's record that a project's `.warden/policy.toml` may loosen.
//!
//! The trust store is a small TOML file (by default `$XDG_CONFIG_HOME/warden/trust.toml`)
//! mapping each project root (canonicalised) to the sha256 of its policy file at the time
//! it was trusted. Editing the file changes its hash, and the project policy falls back to
//! tighten-only until the person trusts it again. The store is a protected path (FS010): the
//! agent cannot write it, and `warden trust` run by the agent is denied (SELF001).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::TrustError;

/// The project policy file of a project root.
pub fn project_policy_path(project_root: &Path) -> PathBuf {
    project_root.join(".warden").join("policy.toml")
}

/// Whether a project's policy is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustStatus {
    /// The project has no `.warden/policy.toml`.
    NoPolicy,
    /// The policy was never trusted (or the trust store is unreadable).
    Untrusted,
    /// Trusted, and unchanged since.
    Trusted {
        /// The recorded sha256, hex.
        sha256: String,
    },
    /// Trusted once, but the file changed since: it is tighten-only again.
    Modified {
        /// The sha256 that was trusted.
        trusted: String,
        /// The sha256 of the file now.
        current: String,
    },
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Store {
    #[serde(default)]
    projects: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    sha256: String,
}

/// The hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    s
}

/// The key a project is stored under: its canonical path when it exists.
pub fn project_key(project_root: &Path) -> String {
    std::fs::canonicalize(project_root)
        .unwrap_or_else(|_| project_root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn read_store(store: &Path) -> Result<Store, TrustError> {
    match std::fs::read_to_string(store) {
        Ok(text) => toml::from_str(&text).map_err(|e| TrustError::Corrupt {
            path: store.to_path_buf(),
            message: e.message().to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store::default()),
        Err(source) => Err(TrustError::Io {
            action: "reading",
            path: store.to_path_buf(),
            source,
        }),
    }
}

/// The sha256 recorded for a project, if any. Unreadable stores count as "none" (fail
/// closed: the project stays tighten-only).
pub fn recorded_hash(project_root: &Path, store: &Path) -> Option<String> {
    let s = read_store(store).ok()?;
    s.projects
        .get(&project_key(project_root))
        .map(|e| e.sha256.clone())
}

/// The trust status of a project.
pub fn status(project_root: &Path, store: &Path) -> TrustStatus {
    let Ok(bytes) = std::fs::read(project_policy_path(project_root)) else {
        return TrustStatus::NoPolicy;
    };
    let current = sha256_hex(&bytes);
    match recorded_hash(project_root, store) {
        None => TrustStatus::Untrusted,
        Some(t) if t == current => TrustStatus::Trusted { sha256: t },
        Some(t) => TrustStatus::Modified {
            trusted: t,
            current,
        },
    }
}

/// Records the current project policy as trusted and returns its sha256. The policy must
/// load on its own; a broken file is not trusted.
pub fn trust(project_root: &Path, store: &Path) -> Result<String, TrustError> {
    let policy_path = project_policy_path(project_root);
    let bytes = match std::fs::read(&policy_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(TrustError::NoPolicy(policy_path));
        }
        Err(source) => {
            return Err(TrustError::Io {
                action: "reading",
                path: policy_path,
                source,
            });
        }
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    crate::load_from_strings(
        &[(crate::Layer::Project, policy_path.clone(), text)],
        &crate::SourceOptions {
            project_trusted: true,
            ..crate::SourceOptions::default()
        },
    )
    .map_err(TrustError::Invalid)?;
    let sha = sha256_hex(&bytes);
    let mut s = read_store(store)?;
    s.projects.insert(
        project_key(project_root),
        Entry {
            sha256: sha.clone(),
        },
    );
    write_store(store, &s)?;
    Ok(sha)
}

/// Forgets a project's trust. Returns whether there was an entry.
pub fn untrust(project_root: &Path, store: &Path) -> Result<bool, TrustError> {
    let mut s = read_store(store)?;
    let had = s.projects.remove(&project_key(project_root)).is_some();
    if had {
        write_store(store, &s)?;
    }
    Ok(had)
}

fn write_store(store: &Path, s: &Store) -> Result<(), TrustError> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| TrustError::Io {
            action,
            path,
            source,
        }
    };
    let body = toml::to_string(s).map_err(|e| TrustError::Corrupt {
        path: store.to_path_buf(),
        message: e.to_string(),
    })?;
    let text = format!(
        "# Written by `warden trust`: project roots whose .warden/policy.toml may loosen the policy,\n# with the sha256 of the file that was trusted. Editing a policy file revokes its trust.\n{body}"
    );
    let dir = store.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io("creating", dir))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        store
            .file_name()
            .map_or_else(|| "trust".into(), |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    {
        let mut f = std::fs::File::create(&tmp).map_err(io("creating", &tmp))?;
        f.write_all(text.as_bytes()).map_err(io("writing", &tmp))?;
        f.sync_all().map_err(io("syncing", &tmp))?;
    }
    std::fs::rename(&tmp, store).map_err(io("replacing", store))?;
    Ok(())
}
