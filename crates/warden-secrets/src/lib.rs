//! Secret detection: rules, a prefiltered engine, file/staged/history walkers, baselines and
//! report formats.
//!
//! The entry point for short texts (a hook's payload, an audit record) is
//! [`Scanner::builtin`] with [`Scanner::scan_text`], [`Scanner::redact`] and
//! [`Scanner::redact_json`]. Whole trees, staged changes and git history go through
//! [`scan_paths`], [`scan_diff`] and [`scan_history`], which return a [`Report`].

mod archive;
mod baseline;
mod catalog;
mod decode;
mod diff;
mod engine;
pub mod entropy;
mod error;
mod files;
mod finding;
mod git;
mod history;
mod incident;
mod options;
pub mod placeholder;
mod report;
mod routing;
pub mod rule;
pub mod rules;
pub mod validate;

pub use baseline::Baseline;
pub use diff::{DiffTarget, scan_diff};
pub use engine::Scanner;
pub use error::Error;
pub use files::scan_paths;
pub use finding::{Encoding, Finding, fingerprint, looks_like_fingerprint, redact_secret};
pub use history::scan_history;
pub use incident::{
    CommitHit, Incident, Needle, investigate, rewrite_plan, rotation_steps, shell_quote,
};
pub use options::{Progress, ScanOptions};
pub use report::{CommitInfo, Located, Note, Report, Stats, path_to_uri, short_id};
pub use rule::Rule;
