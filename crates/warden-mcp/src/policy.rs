//! Per-tool policy: the [`ToolPolicy`] trait the gateway asks, a rule-based implementation
//! ([`RulePolicy`]) over `[mcp.servers.NAME] allow / deny / ask` patterns, and the defaults
//! taken from the server's own annotations when no rule matches.
//!
//! # Patterns
//!
//! A pattern is either a tool-name glob (`read_*`, `delete_*`, `get-env`; `*` and `?` and
//! `[...]` as in globset, case-sensitive) or one of the article's *scope words* `VERB:OBJECT`
//! (`read:*`, `read:repo`, `delete:*`). MCP tool names cannot contain `:`, so a pattern with a
//! colon is always a scope word. A scope word is mapped onto the tool name and annotations:
//!
//! | verb | tool-name verbs it stands for (first or last word of the name) |
//! |---|---|
//! | `read` | read, get, list, search, find, query, fetch, view, show, describe, open, lookup, count, inspect, download |
//! | `write` | write, create, update, edit, set, add, put, insert, modify, move, rename, upload, push, patch, append, save, merge, commit — and every `delete` verb |
//! | `delete` | delete, remove, destroy, drop, purge, erase, clear, truncate, wipe, unlink, rm |
//! | `exec` | run, exec, execute, eval, shell, spawn, invoke, start |
//!
//! Words are split at `_`, `-`, `.` and lower-to-upper case changes, and compared in lower case.
//! `OBJECT` is `*` (any) or a word prefix that some other word of the name must start with
//! (`read:repo` matches `get_repo`, `list_repos`, `get_repository`).
//!
//! Annotations are the server's hints and can only make a scope word *stricter*:
//!
//! - in `allow`, a `read` scope never matches a tool whose annotations explicitly say
//!   `readOnlyHint: false` or `destructiveHint: true`;
//! - in `deny` and `ask`, `delete:*` also matches any tool whose annotations describe a
//!   destructive tool (present, `readOnlyHint` not true and `destructiveHint` not false — the
//!   spec's default for `destructiveHint` is true), and `write:*` also matches any tool whose
//!   annotations say `readOnlyHint: false`.
//!
//! # Decisions
//!
//! Every matching rule contributes; the strictest wins (`deny` > `ask` > `allow`), so
//! `allow = ["*"]` with `deny = ["delete_*"]` denies `delete_entities`. When no rule matches,
//! [`annotation_default`] decides from the server's hints:
//!
//! | annotations | decision | rule |
//! |---|---|---|
//! | `readOnlyHint: true` | allow | `MCP010` |
//! | present, not read-only, `destructiveHint` not false (spec default: true) | ask | `MCP011` |
//! | present, `readOnlyHint: false`, `destructiveHint: false` | allow | `MCP012` |
//! | absent, tool-name verb is a `delete` or `exec` verb | ask | `MCP014` |
//! | absent, any other name | allow | `MCP013` |
//!
//! These defaults are never `explicit` verdicts. Because pinning covers annotations, a server
//! that flips a tool to `readOnlyHint: true` later has changed its definition and the tool is
//! blocked until the person approves the change.

use std::collections::HashMap;

use globset::{Glob, GlobMatcher};
use serde_json::Value;
use warden_core::{Decision, Reason, RuleId, Verdict};

/// The gateway's question to the policy: what to do with one tool of one server.
pub trait ToolPolicy: Send + Sync {
    /// Decision for one tool of this server, with the rule that made it; annotations are the
    /// server's hints (explicit rules win).
    fn decide(&self, server: &str, tool: &str, annotations: Option<&Value>) -> Verdict;
}

/// A pattern that could not be compiled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The glob is malformed.
    #[error("invalid tool glob `{pattern}`: {source}")]
    Glob {
        pattern: String,
        #[source]
        source: globset::Error,
    },
    /// A scope word whose verb is not one of read, write, delete, exec.
    #[error("unknown scope verb in `{0}` (expected read:, write:, delete: or exec:)")]
    ScopeVerb(String),
    /// An empty pattern or scope object.
    #[error("empty tool pattern")]
    Empty,
}

/// The verb of a scope word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeVerb {
    Read,
    Write,
    Delete,
    Exec,
}

const READ_VERBS: &[&str] = &[
    "read", "get", "list", "search", "find", "query", "fetch", "view", "show", "describe", "open",
    "lookup", "count", "inspect", "download",
];
const WRITE_VERBS: &[&str] = &[
    "write", "create", "update", "edit", "set", "add", "put", "insert", "modify", "move", "rename",
    "upload", "push", "patch", "append", "save", "merge", "commit",
];
const DELETE_VERBS: &[&str] = &[
    "delete", "remove", "destroy", "drop", "purge", "erase", "clear", "truncate", "wipe", "unlink",
    "rm",
];
const EXEC_VERBS: &[&str] = &[
    "run", "exec", "execute", "eval", "shell", "spawn", "invoke", "start",
];

impl ScopeVerb {
    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "read" | "get" | "list" => Some(ScopeVerb::Read),
            "write" | "create" | "update" | "edit" => Some(ScopeVerb::Write),
            "delete" | "remove" => Some(ScopeVerb::Delete),
            "exec" | "execute" | "run" => Some(ScopeVerb::Exec),
            _ => None,
        }
    }

    fn name_verb_matches(self, verb: &str) -> bool {
        match self {
            ScopeVerb::Read => READ_VERBS.contains(&verb),
            ScopeVerb::Write => WRITE_VERBS.contains(&verb) || DELETE_VERBS.contains(&verb),
            ScopeVerb::Delete => DELETE_VERBS.contains(&verb),
            ScopeVerb::Exec => EXEC_VERBS.contains(&verb),
        }
    }
}

/// Which list a pattern sits in; annotations widen or narrow scope words by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Allow,
    Ask,
    Deny,
}

/// One compiled `allow` / `deny` / `ask` entry.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    kind: PatternKind,
}

#[derive(Debug, Clone)]
enum PatternKind {
    Glob(GlobMatcher),
    Scope {
        verb: ScopeVerb,
        object: Option<String>,
    },
}

impl Pattern {
    /// Compile a glob or a `VERB:OBJECT` scope word.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(PatternError::Empty);
        }
        let kind = if let Some((verb, object)) = trimmed.split_once(':') {
            let verb = ScopeVerb::parse(verb)
                .ok_or_else(|| PatternError::ScopeVerb(trimmed.to_string()))?;
            let object = object.trim().to_ascii_lowercase();
            if object.is_empty() {
                return Err(PatternError::Empty);
            }
            PatternKind::Scope {
                verb,
                object: (object != "*").then_some(object),
            }
        } else {
            let glob = Glob::new(trimmed).map_err(|source| PatternError::Glob {
                pattern: trimmed.to_string(),
                source,
            })?;
            PatternKind::Glob(glob.compile_matcher())
        };
        Ok(Pattern {
            text: trimmed.to_string(),
            kind,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern, sitting in the `role` list, matches this tool.
    pub fn matches(&self, tool: &str, annotations: Option<&Value>, role: Role) -> bool {
        match &self.kind {
            PatternKind::Glob(m) => m.is_match(tool),
            PatternKind::Scope { verb, object } => {
                let words = name_words(tool);
                let by_name = scope_name_match(*verb, object.as_deref(), &words);
                let hints = Hints::of(annotations);
                match role {
                    Role::Allow => {
                        by_name
                            && !(*verb == ScopeVerb::Read
                                && (hints.read_only == Some(false)
                                    || hints.destructive == Some(true)))
                    }
                    Role::Ask | Role::Deny => {
                        by_name
                            || (object.is_none()
                                && match verb {
                                    ScopeVerb::Delete => hints.describes_destructive(),
                                    ScopeVerb::Write => hints.read_only == Some(false),
                                    ScopeVerb::Read | ScopeVerb::Exec => false,
                                })
                    }
                }
            }
        }
    }
}

fn scope_name_match(verb: ScopeVerb, object: Option<&str>, words: &[String]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    let last = words.last().filter(|_| words.len() > 1);
    let verb_at_first = verb.name_verb_matches(first);
    let verb_at_last = last.is_some_and(|w| verb.name_verb_matches(w));
    if !(verb_at_first || verb_at_last) {
        return false;
    }
    match object {
        None => true,
        Some(object) => {
            let rest = if verb_at_first {
                &words[1..]
            } else {
                &words[..words.len() - 1]
            };
            rest.iter().any(|w| w.starts_with(object))
        }
    }
}

/// Split a tool name into lower-case words at `_`, `-`, `.`, spaces and camelCase humps.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | ' ' | '/') {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The tool annotations the policy reads, each `None` when the server did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// Whether an `annotations` object was present at all.
    pub present: bool,
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
}

impl Hints {
    /// Read the hints from a tool's `annotations` value.
    pub fn of(annotations: Option<&Value>) -> Self {
        match annotations.and_then(Value::as_object) {
            None => Hints::default(),
            Some(obj) => Hints {
                present: true,
                read_only: obj.get("readOnlyHint").and_then(Value::as_bool),
                destructive: obj.get("destructiveHint").and_then(Value::as_bool),
            },
        }
    }

    /// Present, not read-only, and destructive (explicitly or by the spec's default).
    pub fn describes_destructive(&self) -> bool {
        self.present && self.read_only != Some(true) && self.destructive != Some(false)
    }
}

fn reason(rule: &'static str, decision: Decision, message: String) -> Reason {
    Reason {
        rule: RuleId::builtin(rule),
        decision,
        message,
    }
}

/// The decision when no rule matched, from the server's hints (see the module docs).
pub fn annotation_default(tool: &str, annotations: Option<&Value>) -> Verdict {
    let hints = Hints::of(annotations);
    let (rule, decision, message) = if hints.read_only == Some(true) {
        (
            "MCP010",
            Decision::Allow,
            format!("no rule for `{tool}`; the server marks it read-only"),
        )
    } else if hints.describes_destructive() {
        (
            "MCP011",
            Decision::Ask,
            format!("no rule for `{tool}`; the server marks it as possibly destructive"),
        )
    } else if hints.present {
        (
            "MCP012",
            Decision::Allow,
            format!("no rule for `{tool}`; the server marks it as not destructive"),
        )
    } else {
        let words = name_words(tool);
        let risky = words.first().is_some_and(|w| {
            ScopeVerb::Delete.name_verb_matches(w) || ScopeVerb::Exec.name_verb_matches(w)
        });
        if risky {
            (
                "MCP014",
                Decision::Ask,
                format!(
                    "no rule for `{tool}` and no annotations; its name says it deletes or executes"
                ),
            )
        } else {
            (
                "MCP013",
                Decision::Allow,
                format!("no rule for `{tool}` and no annotations"),
            )
        }
    };
    Verdict {
        decision,
        reasons: vec![reason(rule, decision, message)],
        explicit: false,
    }
}

/// The compiled `allow` / `deny` / `ask` patterns of one server.
#[derive(Debug, Clone, Default)]
pub struct ServerRules {
    pub allow: Vec<Pattern>,
    pub ask: Vec<Pattern>,
    pub deny: Vec<Pattern>,
}

impl ServerRules {
    /// Compile the three lists; every error is returned, not only the first.
    pub fn new<S: AsRef<str>>(
        allow: &[S],
        ask: &[S],
        deny: &[S],
    ) -> Result<Self, Vec<PatternError>> {
        let mut errors = Vec::new();
        let mut compile = |list: &[S]| {
            list.iter()
                .filter_map(|p| Pattern::parse(p.as_ref()).map_err(|e| errors.push(e)).ok())
                .collect::<Vec<_>>()
        };
        let rules = ServerRules {
            allow: compile(allow),
            ask: compile(ask),
            deny: compile(deny),
        };
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    /// Every rule that matches, as reasons (unsorted); empty when none does.
    pub fn matching(&self, server: &str, tool: &str, annotations: Option<&Value>) -> Vec<Reason> {
        let mut out = Vec::new();
        for (list, role, rule, decision, word) in [
            (&self.deny, Role::Deny, "MCP001", Decision::Deny, "deny"),
            (&self.ask, Role::Ask, "MCP002", Decision::Ask, "ask"),
            (&self.allow, Role::Allow, "MCP003", Decision::Allow, "allow"),
        ] {
            for p in list.iter().filter(|p| p.matches(tool, annotations, role)) {
                out.push(reason(
                    rule,
                    decision,
                    format!(
                        "`{tool}` matches `{}` in [mcp.servers.{server}] {word}",
                        p.as_str()
                    ),
                ));
            }
        }
        out
    }
}

/// A [`ToolPolicy`] over per-server rules, falling back to [`annotation_default`].
#[derive(Debug, Clone, Default)]
pub struct RulePolicy {
    servers: HashMap<String, ServerRules>,
}

impl RulePolicy {
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the rules of one server (replacing earlier ones).
    pub fn with_server(mut self, server: impl Into<String>, rules: ServerRules) -> Self {
        self.servers.insert(server.into(), rules);
        self
    }
}

impl ToolPolicy for RulePolicy {
    fn decide(&self, server: &str, tool: &str, annotations: Option<&Value>) -> Verdict {
        let reasons = self
            .servers
            .get(server)
            .map(|r| r.matching(server, tool, annotations))
            .unwrap_or_default();
        if reasons.is_empty() {
            annotation_default(tool, annotations)
        } else {
            Verdict::from_reasons(reasons, Decision::Ask)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(allow: &[&str], ask: &[&str], deny: &[&str]) -> RulePolicy {
        RulePolicy::new().with_server("mem", ServerRules::new(allow, ask, deny).unwrap())
    }

    #[test]
    fn words() {
        assert_eq!(name_words("read_graph"), ["read", "graph"]);
        assert_eq!(name_words("getUserRepos"), ["get", "user", "repos"]);
        assert_eq!(name_words("get-env"), ["get", "env"]);
        assert_eq!(name_words("HTTPFetch"), ["httpfetch"]);
        assert_eq!(name_words(""), Vec::<String>::new());
    }

    #[test]
    fn glob_and_scope_table() {
        let ro = json!({"readOnlyHint": true});
        let destructive = json!({"readOnlyHint": false, "destructiveHint": true});
        let additive = json!({"readOnlyHint": false, "destructiveHint": false});
        let unspecified = json!({"title": "x"});
        // (pattern, role, tool, annotations, expected)
        let cases: Vec<(&str, Role, &str, Option<&Value>, bool)> = vec![
            ("read_*", Role::Allow, "read_graph", None, true),
            ("read_*", Role::Allow, "search_nodes", None, false),
            ("delete_*", Role::Deny, "delete_entities", None, true),
            ("read:*", Role::Allow, "read_graph", Some(&ro), true),
            ("read:*", Role::Allow, "search_nodes", None, true),
            ("read:*", Role::Allow, "list_repos", None, true),
            ("read:*", Role::Allow, "file_read", None, true),
            // A read scope never allows what the server itself calls destructive.
            (
                "read:*",
                Role::Allow,
                "get_and_wipe",
                Some(&destructive),
                false,
            ),
            ("read:*", Role::Allow, "delete_entities", None, false),
            ("read:repo", Role::Allow, "get_repository", None, true),
            ("read:repo", Role::Allow, "list_repos", None, true),
            ("read:repo", Role::Allow, "get_user", None, false),
            ("read:user", Role::Allow, "getUser", None, true),
            ("delete:*", Role::Deny, "delete_entities", None, true),
            ("delete:*", Role::Deny, "removeBranch", None, true),
            // Annotations widen deny scopes.
            ("delete:*", Role::Deny, "reset_db", Some(&destructive), true),
            ("delete:*", Role::Deny, "reset_db", Some(&unspecified), true),
            ("delete:*", Role::Deny, "reset_db", Some(&additive), false),
            ("delete:*", Role::Deny, "reset_db", Some(&ro), false),
            ("delete:*", Role::Deny, "reset_db", None, false),
            (
                "delete:*",
                Role::Allow,
                "reset_db",
                Some(&destructive),
                false,
            ),
            ("write:*", Role::Deny, "create_entities", None, true),
            ("write:*", Role::Deny, "delete_entities", None, true),
            ("write:*", Role::Deny, "frobnicate", Some(&additive), true),
            ("write:*", Role::Deny, "read_graph", Some(&ro), false),
            ("exec:*", Role::Ask, "run_command", None, true),
            ("exec:*", Role::Ask, "read_file", None, false),
        ];
        for (pattern, role, tool, ann, want) in cases {
            let p = Pattern::parse(pattern).unwrap();
            assert_eq!(
                p.matches(tool, ann, role),
                want,
                "{pattern} {role:?} {tool} {ann:?}"
            );
        }
    }

    #[test]
    fn bad_patterns_are_all_reported() {
        let errs = ServerRules::new(&["["], &["fly:*"], &["", "ok_*"]).unwrap_err();
        assert_eq!(errs.len(), 3);
    }

    #[test]
    fn strictest_rule_wins() {
        let p = rules(&["*"], &[], &["delete_*"]);
        let v = p.decide("mem", "delete_entities", None);
        assert_eq!(v.decision, Decision::Deny);
        assert_eq!(v.reasons[0].rule.as_str(), "MCP001");
        assert!(v.explicit);
        let v = p.decide("mem", "read_graph", None);
        assert_eq!(v.decision, Decision::Allow);
        assert!(v.explicit);
    }

    #[test]
    fn explicit_rules_beat_annotations() {
        let p = rules(&["delete_entities"], &[], &["read_graph"]);
        let destructive = json!({"destructiveHint": true});
        let ro = json!({"readOnlyHint": true});
        assert_eq!(
            p.decide("mem", "delete_entities", Some(&destructive))
                .decision,
            Decision::Allow
        );
        assert_eq!(
            p.decide("mem", "read_graph", Some(&ro)).decision,
            Decision::Deny
        );
    }

    #[test]
    fn annotation_defaults_table() {
        let cases: Vec<(&str, Option<Value>, Decision, &str)> = vec![
            (
                "x",
                Some(json!({"readOnlyHint": true})),
                Decision::Allow,
                "MCP010",
            ),
            (
                "x",
                Some(json!({"readOnlyHint": false})),
                Decision::Ask,
                "MCP011",
            ),
            ("x", Some(json!({})), Decision::Ask, "MCP011"),
            (
                "x",
                Some(json!({"readOnlyHint": false, "destructiveHint": false})),
                Decision::Allow,
                "MCP012",
            ),
            ("echo", None, Decision::Allow, "MCP013"),
            ("delete_all", None, Decision::Ask, "MCP014"),
            ("runScript", None, Decision::Ask, "MCP014"),
            ("x", Some(json!("not an object")), Decision::Allow, "MCP013"),
        ];
        let p = RulePolicy::new();
        for (tool, ann, want, rule) in cases {
            let v = p.decide("other", tool, ann.as_ref());
            assert_eq!(v.decision, want, "{tool} {ann:?}");
            assert_eq!(v.reasons[0].rule.as_str(), rule);
            assert!(!v.explicit);
        }
    }
}
