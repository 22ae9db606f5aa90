//! Forward-secure HMAC keys.
//!
//! When `audit.key` exists in the log directory, every record from its `start_seq` on carries
//! an `epoch` and a `mac`: HMAC-SHA256 under the epoch's key. Epoch `e` covers sequence numbers
//! `start_seq + e * epoch_records ..`. When a writer reaches a new epoch it derives the next
//! key, `K(e+1) = SHA-256("warden-audit key evolution v1\0" || K(e))`, and overwrites the key
//! file in place, so the keys of past epochs no longer exist on the machine: someone who takes
//! the machine later cannot forge or silently rewrite records of earlier epochs.
//!
//! The verifier derives every epoch's key from the initial key `K(0)`, which
//! [`AuditLog::init_hmac`](crate::AuditLog::init_hmac) writes to a separate *verify key* file
//! meant to be copied off the machine and deleted.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::{AuditError, Result};
use crate::record::{hex, unhex};

const MAGIC: &str = "warden-audit-key v1";
const EVOLVE_LABEL: &[u8] = b"warden-audit key evolution v1\0";

/// A key state: the key of epoch `epoch`, and how epochs map to sequence numbers.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyState {
    /// The first sequence number that carries a MAC.
    pub start_seq: u64,
    /// Records per epoch.
    pub epoch_records: u64,
    /// The epoch whose key this is.
    pub epoch: u64,
    key: [u8; 32],
}

impl fmt::Debug for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyState")
            .field("start_seq", &self.start_seq)
            .field("epoch_records", &self.epoch_records)
            .field("epoch", &self.epoch)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl KeyState {
    /// A fresh random key for epoch 0.
    pub fn generate(start_seq: u64, epoch_records: u64) -> Result<KeyState> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| AuditError::Random(e.to_string()))?;
        Ok(KeyState {
            start_seq,
            epoch_records: epoch_records.max(1),
            epoch: 0,
            key,
        })
    }

    /// The epoch of a sequence number, `None` before `start_seq`.
    pub fn epoch_of(&self, seq: u64) -> Option<u64> {
        seq.checked_sub(self.start_seq)
            .map(|d| d / self.epoch_records)
    }

    /// Move this state forward to `epoch`, forgetting the earlier keys. Returns `false` (and
    /// changes nothing) when `epoch` is already past.
    pub fn advance_to(&mut self, epoch: u64) -> bool {
        if epoch < self.epoch {
            return false;
        }
        while self.epoch < epoch {
            let mut h = Sha256::new();
            h.update(EVOLVE_LABEL);
            h.update(self.key);
            self.key = h.finalize().into();
            self.epoch += 1;
        }
        true
    }

    /// HMAC-SHA256 of `data` under this state's key, lowercase hex.
    pub fn mac(&self, data: &[u8]) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut m) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            return String::new();
        };
        m.update(data);
        hex(&m.finalize().into_bytes())
    }

    /// The file form: fixed width, so that evolving overwrites the old key byte for byte.
    pub fn to_text(&self) -> String {
        format!(
            "{MAGIC}\nstart_seq {:020}\nepoch_records {:020}\nepoch {:020}\nkey {}\n",
            self.start_seq,
            self.epoch_records,
            self.epoch,
            hex(&self.key)
        )
    }

    /// Read the file form.
    pub fn parse(text: &str) -> std::result::Result<KeyState, String> {
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            return Err(format!("not a Warden audit key (expected `{MAGIC}`)"));
        }
        let mut field = |name: &str| -> std::result::Result<String, String> {
            let line = lines.next().ok_or_else(|| format!("missing `{name}`"))?;
            line.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(' '))
                .map(str::to_owned)
                .ok_or_else(|| format!("expected `{name}`, found `{line}`"))
        };
        let number = |s: String, name: &str| {
            s.parse::<u64>()
                .map_err(|_| format!("`{name}` is not a number"))
        };
        let start_seq = number(field("start_seq")?, "start_seq")?;
        let epoch_records = number(field("epoch_records")?, "epoch_records")?;
        let epoch = number(field("epoch")?, "epoch")?;
        let key = unhex::<32>(&field("key")?).ok_or("`key` is not 64 hex digits")?;
        if epoch_records == 0 {
            return Err("`epoch_records` must be positive".to_owned());
        }
        Ok(KeyState {
            start_seq,
            epoch_records,
            epoch,
            key,
        })
    }

    /// Read a key file.
    pub fn read(path: &Path) -> Result<KeyState> {
        let text = std::fs::read_to_string(path).map_err(|e| AuditError::io("read", path, e))?;
        KeyState::parse(&text).map_err(|why| AuditError::BadKeyFile {
            path: path.to_owned(),
            why,
        })
    }
}

/// The writer's key for sequence number `seq`, advancing and overwriting the key file when a
/// new epoch starts. `None` when the log is not keyed (no key file), when `seq` precedes the
/// key, or when the key has already moved past `seq`'s epoch (the log went backwards: the record
/// is written without a MAC and verification reports it). Call with the log lock held.
pub(crate) fn writer_key(path: &Path, seq: u64) -> Result<Option<KeyState>> {
    let mut file = match crate::files::open_existing_rw(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(AuditError::io("open", path, e)),
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| AuditError::io("read", path, e))?;
    let mut state = KeyState::parse(&text).map_err(|why| AuditError::BadKeyFile {
        path: path.to_owned(),
        why,
    })?;
    let Some(epoch) = state.epoch_of(seq) else {
        return Ok(None);
    };
    if epoch > state.epoch {
        state.advance_to(epoch);
        overwrite(&file, path, &state)?;
    } else if epoch < state.epoch {
        return Ok(None);
    }
    Ok(Some(state))
}

impl crate::AuditLog {
    /// Start keying the log: from the next record on, every record carries an HMAC under a
    /// key that evolves every `epoch_records` records. Writes the initial key to
    /// `verify_key_out` (mode 0600, must not exist): copy that file off the machine and delete
    /// it, since anyone who holds it can forge records. Returns the first keyed sequence
    /// number. Fails if the log is already keyed.
    pub fn init_hmac(&self, verify_key_out: &Path, epoch_records: u64) -> Result<u64> {
        let _guard = self.lock()?;
        let key_path = self.dir().join(crate::files::KEY_FILE);
        if key_path.exists() {
            return Err(AuditError::AlreadyExists { path: key_path });
        }
        let tail = self.read_tail_state()?;
        let state = KeyState::generate(tail.seq + 1, epoch_records)?;
        for path in [verify_key_out, key_path.as_path()] {
            let mut file = crate::files::create_new(path)?;
            std::io::Write::write_all(&mut file, state.to_text().as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| AuditError::io("write", path, e))?;
        }
        crate::files::sync_dir(self.dir())?;
        Ok(state.start_seq)
    }
}

fn overwrite(file: &File, path: &Path, state: &KeyState) -> Result<()> {
    let text = state.to_text();
    file.write_all_at(text.as_bytes(), 0)
        .and_then(|()| file.set_len(text.len() as u64))
        .and_then(|()| file.sync_data())
        .map_err(|e| AuditError::io("overwrite", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_round_trips_at_fixed_width() {
        let mut k = KeyState::generate(5, 100).unwrap();
        let text0 = k.to_text();
        assert_eq!(KeyState::parse(&text0).unwrap(), k);
        k.advance_to(123_456);
        let text1 = k.to_text();
        assert_eq!(text0.len(), text1.len());
        assert_eq!(KeyState::parse(&text1).unwrap(), k);
        assert!(!format!("{k:?}").contains(&text1[text1.len() - 65..text1.len() - 1]));
    }

    #[test]
    fn evolution_is_one_way_and_deterministic() {
        let k0 = KeyState::generate(1, 10).unwrap();
        let mut a = k0.clone();
        a.advance_to(3);
        let mut b = k0.clone();
        b.advance_to(1);
        b.advance_to(3);
        assert_eq!(a, b);
        assert!(!a.advance_to(2), "cannot go back");
        assert_ne!(a.mac(b"x"), k0.mac(b"x"));
        assert_eq!(k0.epoch_of(1), Some(0));
        assert_eq!(k0.epoch_of(11), Some(1));
        assert_eq!(k0.epoch_of(0), None);
    }

    #[test]
    fn malformed_key_files_are_rejected() {
        let good = KeyState::generate(1, 10).unwrap().to_text();
        for bad in [
            String::new(),
            good.replace("start_seq", "start"),
            good.replace("key ", "key x"),
            good.replace(
                "epoch_records 00000000000000000010",
                "epoch_records 00000000000000000000",
            ),
        ] {
            assert!(KeyState::parse(&bad).is_err(), "{bad}");
        }
    }
}
