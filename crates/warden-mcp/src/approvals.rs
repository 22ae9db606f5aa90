//! One-time approval codes for the `ask` path when the client cannot ask the person itself
//! (no elicitation capability).
//!
//! The gateway denies the call with a code such as `MCP-7KQ2-M9XD`, bound to the server, the
//! tool and a hash of the exact arguments. The person runs `warden approve CODE` in a terminal
//! (never through the agent); that calls [`grant`]. The agent then retries the same call, and
//! the gateway consumes the grant: one grant allows one call. Pending codes expire after
//! [`PENDING_TTL`], grants after [`GRANTED_TTL`].
//!
//! Each code is one file `STATE/approvals/CODE.json`; consuming a grant removes its file, so a
//! grant cannot be used twice even by two gateways at once.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::pin::{PinError, unix_now, write_json};

/// How long an issued code can be granted, in seconds.
pub const PENDING_TTL: u64 = 15 * 60;
/// How long a granted code stays usable, in seconds.
pub const GRANTED_TTL: u64 = 15 * 60;

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// An error of the approval store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// Not of the form `MCP-XXXX-XXXX`.
    #[error("`{0}` is not an MCP approval code (expected MCP-XXXX-XXXX)")]
    Malformed(String),
    /// No such code was issued (or it was already used).
    #[error("no pending MCP approval with code {0}")]
    Unknown(String),
    /// The code expired before it was granted.
    #[error("approval code {0} has expired; retry the call to get a new one")]
    Expired(String),
    /// Randomness was unavailable.
    #[error("cannot generate an approval code: {0}")]
    Random(String),
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] PinError),
}

/// One approval request, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub code: String,
    pub server: String,
    pub tool: String,
    /// Hash of the canonical arguments; the grant allows exactly this call.
    pub args_hash: String,
    /// The arguments, redacted and cut short, to show the person what they approve.
    pub args_preview: String,
    /// Why the call needed approval.
    pub reason: String,
    pub created_at: u64,
    /// Unix seconds of the grant, if granted.
    pub granted_at: Option<u64>,
}

/// Whether a string looks like an MCP approval code (so the top-level `warden approve` can
/// route it here).
pub fn is_mcp_code(code: &str) -> bool {
    normalise(code).is_some()
}

fn normalise(code: &str) -> Option<String> {
    let up = code.trim().to_ascii_uppercase();
    let rest = up.strip_prefix("MCP-")?;
    let (a, b) = rest.split_once('-')?;
    let ok = |s: &str| s.len() == 4 && s.bytes().all(|c| ALPHABET.contains(&c));
    (ok(a) && ok(b)).then_some(up)
}

fn path_of(state_dir: &Path, code: &str) -> PathBuf {
    state_dir.join("approvals").join(format!("{code}.json"))
}

fn read(path: &Path) -> Result<Option<Approval>, PinError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| PinError::Corrupt {
                path: path.to_path_buf(),
                source,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PinError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Issue a new code for one call and store it.
pub fn issue(
    state_dir: &Path,
    server: &str,
    tool: &str,
    args_hash: &str,
    args_preview: &str,
    reason: &str,
) -> Result<Approval, ApprovalError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| ApprovalError::Random(e.to_string()))?;
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let code = format!("MCP-{}-{}", &chars[..4], &chars[4..]);
    let approval = Approval {
        code: code.clone(),
        server: server.to_string(),
        tool: tool.to_string(),
        args_hash: args_hash.to_string(),
        args_preview: args_preview.chars().take(400).collect(),
        reason: reason.to_string(),
        created_at: unix_now(),
        granted_at: None,
    };
    write_json(&path_of(state_dir, &code), &approval)?;
    Ok(approval)
}

/// Grant a code (the person ran `warden approve CODE`). Returns what was approved, so the
/// caller can show it. `state_dir` is the MCP state directory (`$XDG_STATE_HOME/warden/mcp`).
pub fn grant(code: &str, state_dir: &Path) -> Result<Approval, ApprovalError> {
    let code = normalise(code).ok_or_else(|| ApprovalError::Malformed(code.to_string()))?;
    let path = path_of(state_dir, &code);
    let mut approval = read(&path)?.ok_or_else(|| ApprovalError::Unknown(code.clone()))?;
    let now = unix_now();
    if approval.granted_at.is_none() && now.saturating_sub(approval.created_at) > PENDING_TTL {
        let _ = std::fs::remove_file(&path);
        return Err(ApprovalError::Expired(code));
    }
    approval.granted_at = Some(now);
    write_json(&path, &approval)?;
    Ok(approval)
}

/// Consume a grant for exactly this call, if one exists. Returns the used approval.
pub fn take_grant(
    state_dir: &Path,
    server: &str,
    tool: &str,
    args_hash: &str,
) -> Result<Option<Approval>, ApprovalError> {
    let dir = state_dir.join("approvals");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(PinError::Io { path: dir, source }.into()),
    };
    let now = unix_now();
    for entry in entries.flatten().take(4096) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(Some(a)) = read(&path) else { continue };
        let expired = match a.granted_at {
            Some(t) => now.saturating_sub(t) > GRANTED_TTL,
            None => now.saturating_sub(a.created_at) > PENDING_TTL,
        };
        if expired {
            let _ = std::fs::remove_file(&path);
            continue;
        }
        if a.granted_at.is_some()
            && a.server == server
            && a.tool == tool
            && a.args_hash == args_hash
        {
            // Whoever removes the file owns the grant.
            if std::fs::remove_file(&path).is_ok() {
                return Ok(Some(a));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_shape() {
        assert!(is_mcp_code("MCP-7KQ2-M9XD"));
        assert!(is_mcp_code("mcp-7kq2-m9xd"));
        for bad in [
            "MCP-7KQ2",
            "MCP-7KQ2-M9X",
            "MCP-../x-abcd",
            "ABC-7KQ2-M9XD",
            "MCP-0000-1111",
        ] {
            assert!(!is_mcp_code(bad), "{bad}");
        }
    }

    #[test]
    fn issue_grant_take_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = issue(dir.path(), "mem", "delete_entities", "h1", "{}", "ask").unwrap();
        assert!(is_mcp_code(&a.code));
        // Not granted yet: nothing to take.
        assert!(
            take_grant(dir.path(), "mem", "delete_entities", "h1")
                .unwrap()
                .is_none()
        );
        let g = grant(&a.code.to_lowercase(), dir.path()).unwrap();
        assert_eq!(g.tool, "delete_entities");
        // A different call does not use the grant.
        assert!(
            take_grant(dir.path(), "mem", "delete_entities", "h2")
                .unwrap()
                .is_none()
        );
        assert!(
            take_grant(dir.path(), "other", "delete_entities", "h1")
                .unwrap()
                .is_none()
        );
        assert!(
            take_grant(dir.path(), "mem", "delete_entities", "h1")
                .unwrap()
                .is_some()
        );
        // One grant, one call.
        assert!(
            take_grant(dir.path(), "mem", "delete_entities", "h1")
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            grant(&a.code, dir.path()),
            Err(ApprovalError::Unknown(_))
        ));
    }

    #[test]
    fn bad_and_unknown_codes() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            grant("nope", dir.path()),
            Err(ApprovalError::Malformed(_))
        ));
        assert!(matches!(
            grant("MCP-AAAA-BBBB", dir.path()),
            Err(ApprovalError::Unknown(_))
        ));
    }

    #[test]
    fn expired_codes_cannot_be_granted() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = issue(dir.path(), "mem", "t", "h", "{}", "ask").unwrap();
        a.created_at -= PENDING_TTL + 1;
        write_json(&path_of(dir.path(), &a.code), &a).unwrap();
        assert!(matches!(
            grant(&a.code, dir.path()),
            Err(ApprovalError::Expired(_))
        ));
    }
}
