use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::RuleId;

/// How much harm an effect can do, as judged by analysis alone (before the policy's path,
/// network and team rules). Ordered from harmless to worst.
///
/// The policy maps severity to a decision per mode: `read-only` allows only [`ReadOnly`],
/// `tool` allows [`ReadOnly`] and [`LocalWrite`], asks for [`Unknown`] and [`Destructive`],
/// and every mode denies [`Catastrophic`].
///
/// [`ReadOnly`]: Severity::ReadOnly
/// [`LocalWrite`]: Severity::LocalWrite
/// [`Unknown`]: Severity::Unknown
/// [`Destructive`]: Severity::Destructive
/// [`Catastrophic`]: Severity::Catastrophic
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Proven to change nothing (a read-only command with no dangerous flag).
    ReadOnly,
    /// Changes files inside the project in a routine, recoverable way (build, test, format,
    /// a redirect into a project file).
    LocalWrite,
    /// Analysis cannot prove it safe: an unknown program, a dynamic command name, a script
    /// written now and run later, input Warden cannot see.
    Unknown,
    /// Destroys work or state that can be recovered with effort (`git reset --hard`,
    /// `rm -rf build`, `terraform apply -auto-approve`).
    Destructive,
    /// Loses a system, a home directory or a disk, exfiltrates secrets, or runs remote code.
    Catastrophic,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::ReadOnly => "read-only",
            Severity::LocalWrite => "local-write",
            Severity::Unknown => "unknown",
            Severity::Destructive => "destructive",
            Severity::Catastrophic => "catastrophic",
        }
    }
}

/// One consequence of an action, found by analysis, with the rule that found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub kind: EffectKind,
    pub severity: Severity,
    /// The rule that produced this effect (`SH…` for shell analysis, `SEC…` for secrets).
    pub rule: RuleId,
    /// One line saying what was found, for people and models. Never holds a secret.
    pub message: String,
}

/// What an effect touches. File paths are absolute and normalised (`.`/`..` folded, `~` and
/// `$HOME` expanded, symlinks resolved where they exist).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EffectKind {
    /// A program runs, with its argv normalised (quotes removed, escapes decoded). One per
    /// simple command reached anywhere in a command line, wrappers unwrapped. `dynamic` is
    /// true when any word could not be known statically (variables, globs, substitutions).
    Exec { argv: Vec<String>, dynamic: bool },
    /// A file is read.
    Read { path: PathBuf },
    /// A file is created, overwritten, truncated or appended to.
    Write { path: PathBuf },
    /// A file or directory is deleted.
    Delete { path: PathBuf, recursive: bool },
    /// A network request.
    Network {
        target: NetworkTarget,
        /// Upper-case HTTP method when known (`GET` for plain fetches).
        method: Option<String>,
        /// True when local data (a file, stdin, a secret) is sent.
        upload: bool,
    },
    /// A git operation that matters to the `[git]` policy or may lose work.
    Git(GitOp),
    /// A literal secret found in content being written or sent.
    Secret {
        /// The secret rule id (`SEC…`).
        secret_rule: String,
        /// 1-based line in the content, where known.
        line: Option<usize>,
        /// A short, non-reversible fingerprint of the secret.
        fingerprint: String,
    },
    /// Something analysis could not see into (unparseable input, a file written now and run
    /// later, a dynamic program name).
    Opaque,
    /// A classified hazard with no further structure (disks, databases, infrastructure,
    /// system state, privilege escalation, remote code).
    Hazard { category: String },
}

/// Where a network request goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkTarget {
    /// The full URL when one was given.
    pub url: Option<String>,
    /// Lower-case host name or IP literal (without brackets).
    pub host: String,
    pub port: Option<u16>,
    /// The request path, for `[[network.sensitive]]` rules.
    pub path: Option<String>,
}

/// A git operation, with global options already skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GitOp {
    /// `push`, `reset`, `checkout`, `clean`, `branch`, …
    pub subcommand: String,
    /// For pushes: the remote, when given.
    pub remote: Option<String>,
    /// Branches written or deleted (push destinations, `branch -D` names).
    pub branches: Vec<String>,
    /// A forced push in any spelling (`-f`, `--force`, `+ref`, `--mirror`); not
    /// `--force-with-lease`, which is reported with `lease`.
    pub force: bool,
    /// `--force-with-lease` / `--force-if-includes`.
    pub lease: bool,
    /// Deletes a remote branch (`--delete`, `:branch`).
    pub delete: bool,
}
