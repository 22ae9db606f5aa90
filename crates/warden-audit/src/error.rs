//! The errors of writing and reading the audit log.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while opening, appending to or reading the audit log.
///
/// Tampering found by [`verify`](crate::verify) is not an error: it is a typed result in the
/// [`VerifyReport`](crate::VerifyReport). These are the failures that stop an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A file or directory operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("open", "append to", "lock", …).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// Another writer held the log's lock for longer than the configured timeout.
    #[error("timed out after {waited_ms} ms waiting for the audit log lock {}", path.display())]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// How long this process waited.
        waited_ms: u128,
    },
    /// The state directory is on a network file system, where locking and durability cannot be
    /// trusted, and the options say to refuse.
    #[error(
        "refusing to keep the audit log on a network file system ({fs}) at {}; \
         set XDG_STATE_HOME to a local directory",
        path.display()
    )]
    NetworkFilesystem {
        /// The state directory.
        path: PathBuf,
        /// The file system's name (`nfs`, `cifs`, …).
        fs: &'static str,
    },
    /// The last complete record of the log could not be read, so nothing can be chained to it.
    /// The log has been damaged or edited; `warden log verify` says how. Never repaired
    /// automatically.
    #[error("the last record of {} is unreadable ({why}); run `warden log verify`", path.display())]
    CorruptTail {
        /// The segment holding the damaged record.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A record could not be made small enough to store.
    #[error(
        "record of {bytes} bytes exceeds the {limit}-byte limit even after truncating its action"
    )]
    RecordTooLarge {
        /// Its size after truncation.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A line of the log is not a valid record (reading, not verifying).
    #[error("{}:{line}: not a valid audit record: {why}", path.display())]
    BadRecord {
        /// The segment.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        why: String,
    },
    /// A key or checkpoint file is malformed or does not verify.
    #[error("{}: {why}", path.display())]
    BadKeyFile {
        /// The key or checkpoint file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// The file to create already exists (keys and checkpoints are never overwritten).
    #[error("{} already exists; refusing to overwrite it", path.display())]
    AlreadyExists {
        /// The file.
        path: PathBuf,
    },
    /// The log holds no record yet, so there is nothing to checkpoint.
    #[error("the audit log is empty")]
    Empty,
    /// The operating system's random number generator failed.
    #[error("no randomness available for key generation: {0}")]
    Random(String),
}

impl AuditError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        AuditError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// `Result` with [`AuditError`].
pub type Result<T, E = AuditError> = std::result::Result<T, E>;
