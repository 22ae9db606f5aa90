//! Shell command analysis: parse a command line, unwrap wrappers, and report its effects.
//!
//! The crate is pure: it knows nothing about policy and does no I/O of its own. What it needs
//! from the outside world (script contents, symlinks, which paths are secrets) it asks through
//! [`Environment`].
//!
//! ```
//! use warden_shell::{analyze, Context, StaticEnv};
//! use warden_core::Severity;
//!
//! let env = StaticEnv::default();
//! let ctx = Context::new("/work/proj", "/work/proj", Some("/home/me".into()), &env);
//! let a = analyze("FOO=1 command rm -r -f ~", &ctx);
//! assert_eq!(a.max_severity(), Severity::Catastrophic);
//! let b = analyze("git status && ls -la", &ctx);
//! assert_eq!(b.max_severity(), Severity::ReadOnly);
//! ```
//!
//! How it works: the command is parsed strictly with `brush-parser`; the walker visits every
//! simple command reached anywhere (lists, pipelines, subshells, functions as called, loop
//! bodies, substitutions, process substitutions, heredocs fed to shells), expands each word
//! as far as it can be known, unwraps wrappers (`sudo`, `env`, `sh -c`, `xargs`, `find -exec`,
//! interpreters …) and classifies the final argv into [`Effect`]s. Input that does not parse
//! is scanned by a tolerant tokenizer whose findings can only raise severity.

use std::path::{Path, PathBuf};

use warden_core::{Effect, RuleDoc, Severity};

mod classify;
mod env;
mod fallback;
mod paths;
mod rules;
mod tree;
mod walk;
mod word;

pub use env::{StaticEnv, default_is_secret_path};
pub use tree::{
    MAX_GLOB_MATCHES, MAX_LISTED_ENTRIES, TreeSecrets, component_matches, search_reaches_secret,
};

/// The most destructive statement in a SQL (or Mongo shell) text, with its severity and a
/// short description: `DROP DATABASE` is catastrophic, `DROP TABLE`, `TRUNCATE` and a
/// `DELETE` or `UPDATE` without `WHERE` are destructive. The same judgement as `psql -c`.
pub fn destructive_sql(sql: &str) -> Option<(Severity, String)> {
    classify::sql_risk(sql)
}

/// `git`'s subcommand in an `Exec` effect's argv: the first word after git's global options
/// (`-C DIR`, `-c K=V`, `--git-dir DIR`, …), as the shell analysis itself finds it.
pub fn git_subcommand(argv: &[String]) -> Option<&str> {
    classify::git_subcommand(argv)
}

/// Inputs longer than this are not parsed (they are reported as opaque).
pub const MAX_INPUT: usize = 64 * 1024;
/// Deepest nesting of shells, substitutions, scripts and function calls analysed.
pub const MAX_DEPTH: usize = 8;

/// What analysis may ask of the outside world. The crate itself does no I/O.
pub trait Environment {
    /// Contents of a script file that the command runs (`bash x.sh`, `source x`, `. x`),
    /// if it exists and is small; None otherwise. The caller bounds the size.
    fn read_script(&self, path: &Path) -> Option<String>;
    /// The path with symlinks resolved, if it exists; None otherwise.
    fn canonicalize(&self, path: &Path) -> Option<PathBuf>;
    /// True when the policy considers this (absolute, normalised) path a secret file
    /// (.env, ~/.ssh/…, *.pem…). Used to classify exfiltration (secret read + network send).
    fn is_secret_path(&self, path: &Path) -> bool;
    /// At most `limit` entries of a directory (names and kinds, symlinks not followed), in
    /// any order; None when `dir` is not a directory that can be listed. Used to expand globs
    /// and to look for secret files in the trees that recursive reads walk. The default
    /// knows no directories.
    fn list_dir(&self, dir: &Path, limit: usize) -> Option<Vec<(String, EntryKind)>> {
        let _ = (dir, limit);
        None
    }
    /// True when the ignore files a searcher like `rg` honours (`.gitignore` inside a git
    /// work tree, `.git/info/exclude`, `.ignore`, `.rgignore`) exclude this path. The default
    /// ignores nothing, which can only make a search look like it reads more.
    fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let _ = (path, is_dir);
        false
    }
}

/// What a directory entry is, without following symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
}

/// Where a command runs.
pub struct Context<'a> {
    /// The working directory the command starts in (absolute).
    pub cwd: PathBuf,
    /// The project root (absolute).
    pub project_root: PathBuf,
    /// The user's home directory, when known.
    pub home: Option<PathBuf>,
    /// Access to files, symlinks and the secret-path test.
    pub env: &'a dyn Environment,
}

impl<'a> Context<'a> {
    /// A context from its parts.
    pub fn new(
        cwd: impl Into<PathBuf>,
        project_root: impl Into<PathBuf>,
        home: Option<PathBuf>,
        env: &'a dyn Environment,
    ) -> Self {
        Context {
            cwd: cwd.into(),
            project_root: project_root.into(),
            home,
            env,
        }
    }
}

/// How much of the command analysis could see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parse {
    /// A strict, complete parse: the effects may prove the command safe.
    Complete,
    /// Part of the input could not be parsed strictly (a tolerant scan found what it could);
    /// the effects include an `Opaque` one and never prove safety.
    Partial,
    /// Nothing could be parsed (too large, unparseable); only an `Opaque` effect and what a
    /// tolerant scan raised.
    Failed,
}

/// The effects of one command line.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every effect found, in the order found.
    pub effects: Vec<Effect>,
    /// How much of the input was parsed.
    pub parse: Parse,
}

impl Analysis {
    /// The highest severity over every effect (`Unknown` when there are none, or when the parse
    /// was not complete and nothing was higher).
    pub fn max_severity(&self) -> Severity {
        let max = self.effects.iter().map(|e| e.severity).max();
        match (max, self.parse) {
            (Some(s), Parse::Complete) => s,
            (Some(s), _) => s.max(Severity::Unknown),
            (None, Parse::Complete) => Severity::ReadOnly,
            (None, _) => Severity::Unknown,
        }
    }

    /// True when some effect carries this rule id.
    pub fn has_rule(&self, id: &str) -> bool {
        self.effects.iter().any(|e| e.rule.as_str() == id)
    }
}

/// Analyses one shell command line.
pub fn analyze(command: &str, ctx: &Context<'_>) -> Analysis {
    walk::analyze(command, ctx)
}

/// Docs of every SH rule, for `warden explain`.
pub fn rule_docs() -> &'static [RuleDoc] {
    rules::DOCS
}
