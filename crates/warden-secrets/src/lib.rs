//! Secret detection: rules, a prefiltered engine, file/staged/history walkers, baselines and
//! report formats.
//!
//! The entry point for short texts (a hook's payload, an audit record) is
//! [`Scanner::builtin`] with [`Scanner::scan_text`], [`Scanner::redact`] and
//! [`Scanner::redact_json`]. Whole trees, staged changes and git history go through
//! [`scan_paths`], [`scan_diff`] and [`scan_history`], which return a [`Report`].

mod catalog;
mod decode;
mod engine;
pub mod entropy;
mod finding;
pub mod rule;

pub use engine::Scanner;
pub use finding::{Encoding, Finding, fingerprint, looks_like_fingerprint, redact_secret};
pub use rule::Rule;
