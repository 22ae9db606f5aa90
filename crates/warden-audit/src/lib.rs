//! The tamper-evident audit log: append, verify, query, checkpoints.
//!
//! Every decision from every enforcement point lands here as one line of canonical JSON
//! ([`Record`]), hash-chained to the one before it. Many processes append at once under an
//! exclusive `flock`; each record is one `write(2)`; readers take consistent snapshots.
//!
//! ```no_run
//! use warden_audit::{AuditLog, NewRecord, Options, default_state_dir};
//! # fn main() -> Result<(), warden_audit::AuditError> {
//! let dir = default_state_dir().unwrap_or_else(|| "/tmp/warden".into());
//! let log = AuditLog::open(&dir, Options::default())?;
//! let appended = log.append(NewRecord {
//!     event: "tool_decision".into(),
//!     point: "hook".into(),
//!     tool: Some("Bash".into()),
//!     action: serde_json::json!({"type": "shell", "command": "ls"}),
//!     decision: Some("allow".into()),
//!     ..NewRecord::default()
//! })?;
//! assert!(appended.seq >= 1);
//! let report = warden_audit::verify(&dir, Default::default());
//! assert!(report.is_intact());
//! # Ok(()) }
//! ```
//!
//! What is and is not detectable, and what a power cut can lose, is in the crate's
//! `README.md` (included below).
#![doc = include_str!("../README.md")]

pub mod canonical;
mod checkpoint;
mod error;
mod files;
mod keys;
mod log;
mod query;
mod record;
pub mod time;
mod verify;

pub use checkpoint::{CHECKPOINT_TYPE, Checkpoint};
pub use error::{AuditError, Result};
pub use files::{
    ACTIVE_SEGMENT, CHECKPOINT_KEY_FILE, FsKind, KEY_FILE, LOCK_FILE, classify_fs_magic,
    parse_rotated_name, rotated_name,
};
pub use keys::KeyState;
pub use log::{
    Appended, AuditLog, FsyncPolicy, NetworkFsPolicy, OpenWarning, Options, TornTail,
    default_state_dir,
};
pub use query::{Filter, Follower, query};
pub use record::{
    GENESIS, LineProblem, MAX_LINE_BYTES, NewRecord, ParsedLine, Record, SCHEMA_VERSION,
    parse_line, sha256_hex,
};
pub use verify::{Problem, RecoveredTornTail, VerifyOptions, VerifyReport, VerifyStatus, verify};
