//! Typed errors of the scanning targets. No message ever holds a secret.

use std::path::PathBuf;

/// What can stop a scan (as opposed to a note about one unreadable file, which does not).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path given to scan, a baseline or a git file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A path allowlist entry is not a valid glob.
    #[error("invalid path allowlist glob `{glob}`: {message}")]
    Glob {
        /// The glob as written.
        glob: String,
        /// Why it is invalid.
        message: String,
    },
    /// A baseline file is malformed.
    #[error("baseline {}: {message}", path.display())]
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The directory is not inside a git repository.
    #[error("not a git repository: {}", path.display())]
    NotARepository {
        /// Where the repository was looked for.
        path: PathBuf,
    },
    /// A revision or range could not be resolved.
    #[error("cannot resolve revision `{rev}`: {message}")]
    Revision {
        /// The revision as given.
        rev: String,
        /// Why it did not resolve.
        message: String,
    },
    /// Reading the repository failed, or the `git` command failed.
    #[error("git: {0}")]
    Git(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn git(err: impl std::fmt::Display) -> Error {
        Error::Git(err.to_string())
    }
}
