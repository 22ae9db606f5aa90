//! `[secrets]`: where the secret scanner's findings are accepted.
//!
//! ```toml
//! [secrets]
//! allow_paths = ["tests/fixtures/**", "*.snap"]   # gitignore-style, like [filesystem]
//! allow_rules = ["SEC010", "generic-password-assignment"]  # secret rule ids or names
//! ```
//!
//! Both lists loosen, so they count only from trusted layers (managed, user, a `WARDEN_POLICY`
//! file outside the project, a project file recorded by `warden trust`); the trusted layers'
//! lists are united. An untrusted project's `[secrets]` is ignored and reported in
//! [`crate::LayerInfo::ignored`]. Rule names are checked against the secret scanner's
//! catalog when the policy loads: an unknown one is a load error naming file, line and column.
//!
//! The allowlist suppresses *findings*: `warden scan` drops them, and the hook lets a file
//! write (Write, Edit, MultiEdit, NotebookEdit) through when every secret in it is on an
//! allowlisted path or rule. Secret *files* (`.env`, `*.pem`, …) stay denied by their own
//! rules, and secrets sent over the network are judged without the allowlist.

use std::path::{Path, PathBuf};

use warden_core::RuleId;

use crate::paths::{self, ParsedPathPattern, PathGlobs};
use crate::policy::EvalContext;

/// One `allow_paths` entry of a trusted layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedPath {
    /// The pattern as written.
    pub pattern: String,
    /// Its stable id, derived from its place: `user:secrets.allow_paths[0]`.
    pub id: RuleId,
}

/// The merged `[secrets]` allowlists of the trusted layers. Empty when no trusted layer has a
/// `[secrets]` section.
#[derive(Debug, Default)]
pub struct SecretsAllow {
    paths: Vec<AllowedPath>,
    globs: PathGlobs,
    rules: Vec<&'static str>,
    ignored: Vec<PathBuf>,
}

impl SecretsAllow {
    /// True when nothing is allowlisted.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.rules.is_empty()
    }

    /// The allowlisted path patterns, in layer order.
    pub fn paths(&self) -> &[AllowedPath] {
        &self.paths
    }

    /// The allowlisted secret rules as canonical ids (`SEC012`), names resolved, sorted,
    /// without duplicates.
    pub fn rules(&self) -> &[&'static str] {
        &self.rules
    }

    /// Policy files whose `[secrets]` section was ignored because they are not trusted.
    pub fn ignored(&self) -> &[PathBuf] {
        &self.ignored
    }

    /// True when findings of this secret rule (id, case-insensitive, or name) are accepted.
    pub fn allows_rule(&self, id_or_name: &str) -> bool {
        lookup_rule(id_or_name).is_some_and(|rule| self.rules.contains(&rule.id))
    }

    /// The first `allow_paths` entry covering `path` (resolved against `ctx.cwd`; project
    /// patterns are relative to `ctx.project_root`). Patterns match case-sensitively, and a
    /// pattern naming a directory covers everything below it.
    pub fn path_entry(&self, path: &Path, ctx: &EvalContext) -> Option<&AllowedPath> {
        if self.globs.is_empty() {
            return None;
        }
        let abs = paths::resolve(path, &ctx.cwd, ctx.home.as_deref());
        let hits = self
            .globs
            .matches(&abs, &ctx.project_root, ctx.home.as_deref());
        hits.first().and_then(|&i| self.paths.get(i))
    }

    /// True when findings in `path` are accepted.
    pub fn allows_path(&self, path: &Path, ctx: &EvalContext) -> bool {
        self.path_entry(path, ctx).is_some()
    }

    /// True when a finding of rule `rule` (id or name) in `path` (when it is in a file) is
    /// accepted, by its rule or its path.
    pub fn allows(&self, rule: &str, path: Option<&Path>, ctx: &EvalContext) -> bool {
        self.allows_rule(rule) || path.is_some_and(|p| self.allows_path(p, ctx))
    }

    /// Adds one trusted layer's compiled lists.
    pub(crate) fn extend(&mut self, layer: &SecretsLayer) {
        for (parsed, entry) in &layer.paths {
            self.globs.push(parsed.clone(), self.paths.len());
            self.paths.push(entry.clone());
        }
        self.rules.extend(layer.rules.iter().copied());
        self.rules.sort_unstable();
        self.rules.dedup();
    }

    /// Records an untrusted layer whose `[secrets]` section does not count.
    pub(crate) fn ignore(&mut self, path: &Path) {
        self.ignored.push(path.to_path_buf());
    }
}

/// One layer's `[secrets]`, compiled (patterns parsed, rule names resolved to ids).
#[derive(Debug, Default)]
pub struct SecretsLayer {
    pub paths: Vec<(ParsedPathPattern, AllowedPath)>,
    pub rules: Vec<&'static str>,
}

impl SecretsLayer {
    /// True when the layer has no `[secrets]` entry.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.rules.is_empty()
    }
}

/// The built-in secret rule with this id (case-insensitive) or name. Reads the static rule
/// table only: nothing is compiled, so loading a policy stays cheap.
pub fn lookup_rule(id_or_name: &str) -> Option<&'static warden_secrets::Rule> {
    let wanted = id_or_name.trim();
    warden_secrets::rules::RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted))
}

/// The rule id or name nearest to a misspelt one, for the error hint.
pub(crate) fn suggest_rule(wanted: &str) -> Option<&'static str> {
    let wanted = wanted.trim().to_ascii_lowercase();
    warden_secrets::rules::RULES
        .iter()
        .flat_map(|r| [r.id, r.name])
        .map(|cand| {
            (
                crate::raw::edit_distance(&wanted, &cand.to_ascii_lowercase()),
                cand,
            )
        })
        .filter(|(d, cand)| *d <= 2.max(cand.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, cand)| cand)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_resolve_by_id_and_name() {
        let by_id = lookup_rule("sec001").expect("SEC001 exists");
        assert_eq!(lookup_rule(by_id.name).map(|r| r.id), Some(by_id.id));
        assert_eq!(
            lookup_rule(" Generic-Password-Assignment ").map(|r| r.name),
            Some("generic-password-assignment")
        );
        assert!(lookup_rule("SEC9999").is_none());
        assert!(lookup_rule("").is_none());
    }

    #[test]
    fn suggestions_for_typos() {
        assert_eq!(
            suggest_rule("generic-pasword-assignment"),
            Some("generic-password-assignment")
        );
        assert_eq!(suggest_rule("SEC01"), Some("SEC001"));
        assert_eq!(suggest_rule("completely-unrelated-words"), None);
    }
}
