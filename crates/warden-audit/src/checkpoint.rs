//! Signed checkpoints: the sequence number and hash of the last record, signed with Ed25519.
//!
//! A checkpoint copied off the machine pins the log's history up to its sequence number: a log
//! that was truncated below it, or rewritten (even with a perfectly recomputed hash chain), no
//! longer matches it. The signature lets a checkpoint travel through untrusted storage; the
//! signing key (`checkpoint.key`, mode 0600) stays in the state directory, so a checkpoint only
//! proves something about history *before* someone took over the machine.

use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::canonical;
use crate::error::{AuditError, Result};
use crate::files::{self, CHECKPOINT_KEY_FILE};
use crate::log::AuditLog;
use crate::record::{NewRecord, hex, is_hash_hex, sha256_hex, unhex};
use crate::time;

/// The `type` of a checkpoint document.
pub const CHECKPOINT_TYPE: &str = "warden-audit-checkpoint";

/// A signed statement that the record `seq` of the log had hash `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Always [`CHECKPOINT_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// Format version (1).
    pub v: u64,
    /// The sequence number of the last record covered.
    pub seq: u64,
    /// That record's hash.
    pub hash: String,
    /// When the checkpoint was made (UTC, RFC 3339).
    pub time: String,
    /// The host that made it.
    pub host: String,
    /// The Ed25519 public key, hex.
    pub public_key: String,
    /// The Ed25519 signature over the canonical JSON of every other member, hex.
    pub signature: String,
}

impl Checkpoint {
    /// The checkpoint as one line of canonical JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = canonical::to_string(&serde_json::to_value(self).unwrap_or(Value::Null));
        s.push('\n');
        s
    }

    /// Read a checkpoint document and check its signature.
    pub fn parse(text: &str) -> std::result::Result<Checkpoint, String> {
        let cp: Checkpoint =
            serde_json::from_str(text.trim()).map_err(|e| format!("not a checkpoint: {e}"))?;
        if cp.kind != CHECKPOINT_TYPE || cp.v != 1 {
            return Err(format!("not a version-1 `{CHECKPOINT_TYPE}`"));
        }
        if !is_hash_hex(&cp.hash) {
            return Err("`hash` is not 64 lowercase hex digits".to_owned());
        }
        cp.check_signature()?;
        Ok(cp)
    }

    /// Read a checkpoint file and check its signature.
    pub fn read(path: &Path) -> Result<Checkpoint> {
        let text = std::fs::read_to_string(path).map_err(|e| AuditError::io("read", path, e))?;
        Checkpoint::parse(&text).map_err(|why| AuditError::BadKeyFile {
            path: path.to_owned(),
            why,
        })
    }

    /// A short fingerprint of the signing key, for people to compare.
    pub fn key_fingerprint(&self) -> String {
        sha256_hex(self.public_key.as_bytes())[..16].to_owned()
    }

    fn signed_bytes(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.remove("signature");
        }
        canonical::to_string(&v)
    }

    fn check_signature(&self) -> std::result::Result<(), String> {
        let pk = unhex::<32>(&self.public_key).ok_or("`public_key` is not 32 bytes of hex")?;
        let sig = unhex::<64>(&self.signature).ok_or("`signature` is not 64 bytes of hex")?;
        let key = VerifyingKey::from_bytes(&pk).map_err(|_| "`public_key` is not a valid key")?;
        key.verify_strict(self.signed_bytes().as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| "the signature does not verify".to_owned())
    }
}

/// Load the signing key, creating it (mode 0600) on first use.
fn signing_key(dir: &Path) -> Result<SigningKey> {
    let path = dir.join(CHECKPOINT_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let seed = unhex::<32>(text.trim()).ok_or_else(|| AuditError::BadKeyFile {
                path: path.clone(),
                why: "not 64 hex digits".to_owned(),
            })?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| AuditError::Random(e.to_string()))?;
            let mut file = files::create_new(&path)?;
            std::io::Write::write_all(&mut file, format!("{}\n", hex(&seed)).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| AuditError::io("write", &path, e))?;
            files::sync_dir(dir)?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) => Err(AuditError::io("read", &path, e)),
    }
}

impl AuditLog {
    /// Sign a checkpoint of the last record, then append a `checkpoint` record saying so (and
    /// fsync it). Copy the returned document off the machine; `verify` with it detects any later
    /// truncation or rewrite below its sequence number.
    pub fn checkpoint(&self) -> Result<Checkpoint> {
        let _guard = self.lock()?;
        let mut tail = self.read_tail_state()?;
        if tail.seq == 0 {
            return Err(AuditError::Empty);
        }
        let key = signing_key(self.dir())?;
        let mut cp = Checkpoint {
            kind: CHECKPOINT_TYPE.to_owned(),
            v: 1,
            seq: tail.seq,
            hash: tail.hash.clone(),
            time: time::format_rfc3339(time::now_micros()),
            host: rustix::system::uname()
                .nodename()
                .to_string_lossy()
                .into_owned(),
            public_key: hex(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        cp.signature = hex(&key.sign(cp.signed_bytes().as_bytes()).to_bytes());
        // Keep torn bytes out of the checkpoint record's way: only a clean tail is extended here;
        // a torn one is recovered by the next ordinary append.
        if tail.complete_len == tail.len {
            self.write_record(
                &mut tail,
                NewRecord {
                    event: "checkpoint".to_owned(),
                    point: "audit".to_owned(),
                    action: json!({
                        "seq": cp.seq,
                        "hash": cp.hash,
                        "public_key": cp.public_key,
                    }),
                    ..NewRecord::default()
                },
            )?;
            tail.file
                .sync_data()
                .map_err(|e| AuditError::io("fsync", &tail.path, e))?;
        }
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Checkpoint {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut cp = Checkpoint {
            kind: CHECKPOINT_TYPE.to_owned(),
            v: 1,
            seq: 42,
            hash: "ab".repeat(32),
            time: "2026-11-29T16:20:00.000000Z".to_owned(),
            host: "h".to_owned(),
            public_key: hex(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        cp.signature = hex(&key.sign(cp.signed_bytes().as_bytes()).to_bytes());
        cp
    }

    #[test]
    fn a_signed_checkpoint_parses_back() {
        let cp = sample();
        assert_eq!(Checkpoint::parse(&cp.to_json()).unwrap(), cp);
    }

    #[test]
    fn any_edit_breaks_the_signature() {
        let text = sample().to_json();
        for (from, to) in [
            ("\"seq\":42", "\"seq\":43"),
            ("abab", "abac"),
            ("\"h\"", "\"g\""),
        ] {
            let edited = text.replacen(from, to, 1);
            assert_ne!(edited, text);
            assert!(Checkpoint::parse(&edited).is_err(), "{edited}");
        }
    }
}
