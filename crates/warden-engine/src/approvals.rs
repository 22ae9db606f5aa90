//! One-time approval codes, for hosts that cannot ask the person themselves (Codex CLI, Gemini
//! CLI, Copilot CLI).
//!
//! When such a host sends an action that needs a person's confirmation, Warden denies it with
//! a code and records a pending approval keyed by the action's fingerprint. The person runs
//! `warden approve CODE` in their own terminal; the next identical action (same fingerprint)
//! within [`GRANT_TTL_SECS`] is let through once, and the grant is consumed.
//!
//! The store lives in the per-user state directory, which the policy protects from the agent.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

/// How long a pending code stays grantable.
pub const PENDING_TTL_SECS: u64 = 24 * 3600;
/// How long a granted approval waits for the retried action.
pub const GRANT_TTL_SECS: u64 = 3600;

/// Errors of the approval store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// Reading or writing the store failed.
    #[error("approval store {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// No pending approval has this code (mistyped, expired or already used).
    #[error("no pending approval with code {0} (mistyped, expired, or already used)")]
    UnknownCode(String),
}

/// The approval store under a state directory.
#[derive(Debug, Clone)]
pub struct Approvals {
    dir: PathBuf,
}

/// What the store says about an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A person granted it; the grant is now consumed.
    Granted,
    /// Not granted; the person can grant it with this code.
    Pending(String),
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Approvals {
    pub fn new(state_dir: &Path) -> Self {
        Approvals {
            dir: state_dir.join("approvals"),
        }
    }

    fn io(&self, path: &Path) -> impl FnOnce(std::io::Error) -> ApprovalError {
        let path = path.to_path_buf();
        move |source| ApprovalError::Io { path, source }
    }

    /// Consume a grant for this action fingerprint, or return the pending code for it
    /// (creating one if needed).
    pub fn check(&self, fingerprint: &str) -> Result<Status, ApprovalError> {
        fs::create_dir_all(&self.dir).map_err(self.io(&self.dir))?;
        let now = now();
        let mut pending = None;
        let entries = fs::read_dir(&self.dir).map_err(self.io(&self.dir))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(record) = read_record(&path) else {
                continue;
            };
            let created = record["created"].as_u64().unwrap_or(0);
            let granted_at = record["granted"].as_u64();
            let expired = match granted_at {
                Some(t) => now.saturating_sub(t) > GRANT_TTL_SECS,
                None => now.saturating_sub(created) > PENDING_TTL_SECS,
            };
            if expired {
                let _ = fs::remove_file(&path);
                continue;
            }
            if record["fingerprint"].as_str() != Some(fingerprint) {
                continue;
            }
            if granted_at.is_some() {
                // One use only: removing the file is the consumption. If two processes race,
                // only the one whose remove succeeds may proceed.
                return match fs::remove_file(&path) {
                    Ok(()) => Ok(Status::Granted),
                    Err(_) => Ok(Status::Pending(new_code_for(self, fingerprint)?)),
                };
            }
            pending = record["code"].as_str().map(str::to_string);
        }
        match pending {
            Some(code) => Ok(Status::Pending(code)),
            None => Ok(Status::Pending(new_code_for(self, fingerprint)?)),
        }
    }

    /// Grant a pending code (the person's `warden approve CODE`). Returns what was approved.
    pub fn grant(&self, code: &str) -> Result<String, ApprovalError> {
        let code = normalize_code(code);
        let path = self.dir.join(format!("{code}.json"));
        let mut record =
            read_record(&path).ok_or_else(|| ApprovalError::UnknownCode(code.clone()))?;
        if now().saturating_sub(record["created"].as_u64().unwrap_or(0)) > PENDING_TTL_SECS {
            let _ = fs::remove_file(&path);
            return Err(ApprovalError::UnknownCode(code));
        }
        record["granted"] = json!(now());
        write_atomic(&path, &record.to_string()).map_err(self.io(&path))?;
        Ok(record["summary"].as_str().unwrap_or_default().to_string())
    }

    /// Attach a human summary (redacted) to a pending code, shown by `warden approve`.
    pub fn describe(&self, code: &str, summary: &str) -> Result<(), ApprovalError> {
        let path = self.dir.join(format!("{}.json", normalize_code(code)));
        if let Some(mut record) = read_record(&path) {
            record["summary"] = json!(summary);
            write_atomic(&path, &record.to_string()).map_err(self.io(&path))?;
        }
        Ok(())
    }
}

fn read_record(path: &Path) -> Option<serde_json::Value> {
    if path.extension().and_then(|e| e.to_str()) != Some("json") {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = fs::File::create(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    fs::rename(&tmp, path)
}

fn new_code_for(store: &Approvals, fingerprint: &str) -> Result<String, ApprovalError> {
    let code = random_code().map_err(store.io(Path::new("/dev/urandom")))?;
    let path = store.dir.join(format!("{code}.json"));
    let record = json!({ "code": code, "fingerprint": fingerprint, "created": now() });
    write_atomic(&path, &record.to_string()).map_err(store.io(&path))?;
    Ok(code)
}

/// Codes use an alphabet without look-alikes (no 0/O, 1/I/L), in two groups of four.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn random_code() -> std::io::Result<String> {
    let mut bytes = [0u8; 8];
    std::io::Read::read_exact(&mut fs::File::open("/dev/urandom")?, &mut bytes)?;
    let mut code = String::with_capacity(9);
    for (i, b) in bytes.iter().enumerate() {
        if i == 4 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
    }
    Ok(code)
}

fn normalize_code(code: &str) -> String {
    code.trim()
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_then_granted_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Approvals::new(dir.path());
        let Status::Pending(code) = store.check("fp1").unwrap() else {
            panic!("expected pending")
        };
        // Asking again gives the same code.
        assert_eq!(store.check("fp1").unwrap(), Status::Pending(code.clone()));
        store.describe(&code, "git push --force").unwrap();
        assert_eq!(
            store.grant(&code.to_lowercase()).unwrap(),
            "git push --force"
        );
        // Another action is not covered by this grant.
        assert!(matches!(store.check("fp2").unwrap(), Status::Pending(_)));
        assert_eq!(store.check("fp1").unwrap(), Status::Granted);
        // Consumed: the next identical action needs a new approval.
        assert!(matches!(store.check("fp1").unwrap(), Status::Pending(c) if c != code));
    }

    #[test]
    fn unknown_code_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = Approvals::new(dir.path());
        assert!(matches!(
            store.grant("ZZZZ-ZZZZ"),
            Err(ApprovalError::UnknownCode(_))
        ));
        assert!(matches!(
            store.grant("../../etc/passwd"),
            Err(ApprovalError::UnknownCode(_))
        ));
    }
}
