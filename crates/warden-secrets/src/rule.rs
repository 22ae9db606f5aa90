//! The shape of one built-in secret rule.
//!
//! Rules are plain data, compiled lazily by the engine: a rule's regex is built only when one
//! of its keywords appears in the text being scanned, so a scan of text with no keyword hit
//! compiles nothing.

/// A checksum or structure check applied to a candidate secret after the pattern matched.
/// Returns true when the candidate is well-formed for the provider.
pub type Validator = fn(&str) -> bool;

/// One secret rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, `SEC001`…; never reused for another format.
    pub id: &'static str,
    /// Short kebab-case name, e.g. `github-classic-pat`.
    pub name: &'static str,
    /// One sentence: what this secret is and what it grants.
    pub description: &'static str,
    /// The provider that issues it, e.g. `GitHub`.
    pub provider: &'static str,
    /// Lower-case literals, one of which must occur (case-insensitively) for the rule to run.
    pub keywords: &'static [&'static str],
    /// The regex (Rust `regex` syntax). If it has a capture group named `secret`, that group
    /// is the secret; otherwise the whole match is.
    pub pattern: &'static str,
    /// Minimum Shannon entropy (bits per character) of the secret, when the format alone is
    /// not distinctive enough.
    pub min_entropy: Option<f32>,
    /// The longest secret the format allows. Checked after matching, so that the pattern can
    /// say `{16,}` where the format says `{16,200}`: a bounded repetition compiles into one
    /// regex state per repeat, and the hook, a fresh process per tool call, compiles each rule
    /// whose keyword appears (`{16,200}` costs about ten times as much to build as `{16,}`).
    pub max_len: Option<usize>,
    /// Literals of which at least one must also occur (ASCII case-insensitively) for the rule
    /// to run, when its keyword alone is common but its pattern needs more: a URL carries
    /// credentials only with an `@`. Empty: no such condition. Each must be a necessary
    /// condition of the pattern, or secrets are missed (the catalog's examples check it).
    pub requires: &'static [&'static str],
    /// Checksum or structure validation, where the format has one.
    pub validate: Option<Validator>,
    /// Texts in which the rule must find a secret (fake but format-valid).
    pub examples: &'static [&'static str],
    /// Texts in which the rule must find nothing.
    pub negatives: &'static [&'static str],
    /// How to revoke and rotate this secret (the provider's steps), for `warden incident`.
    pub rotation: &'static str,
}
