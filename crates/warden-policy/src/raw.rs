//! Stage one: a policy file's text → raw, spanned, type-checked structures.
//!
//! The TOML is parsed with recovery into a spanned tree, then walked by hand so that every
//! problem (syntax, unknown key, wrong type, missing field) is collected with its position,
//! not only the first. Nothing here interprets patterns; that is stage two
//! ([`crate::compile`]).

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use warden_core::Mode;

use crate::error::PolicyError;

/// The largest policy file Warden reads. Policies are hand-written; anything bigger is a
/// mistake or an attack on the parser.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// The most rules of one kind a file may hold (bounds compile time and memory).
pub const MAX_RULES: usize = 2_000;

/// The longest single pattern or string accepted.
pub const MAX_STRING: usize = 4_096;

/// A value with the byte span it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// One policy file, type-checked but not compiled.
#[derive(Debug, Default, Clone)]
pub struct RawPolicy {
    pub mode: Option<Sp<Mode>>,
    pub filesystem: RawFilesystem,
    pub network: RawNetwork,
    pub shell: RawShell,
    pub git: RawGit,
    pub mcp: Vec<RawMcpServer>,
    pub secrets: RawSecrets,
    pub never: Vec<RawTeamRule>,
    pub always_ask: Vec<RawTeamRule>,
}

#[derive(Debug, Default, Clone)]
pub struct RawFilesystem {
    pub allow: Vec<Sp<String>>,
    pub deny: Vec<Sp<String>>,
    pub protect: Vec<Sp<String>>,
}

#[derive(Debug, Default, Clone)]
pub struct RawNetwork {
    pub allow: Vec<Sp<String>>,
    pub deny: Vec<Sp<String>>,
    pub sensitive: Vec<RawSensitive>,
}

/// `[[network.sensitive]]`: a method + path pattern that asks.
#[derive(Debug, Clone)]
pub struct RawSensitive {
    pub id: Option<Sp<String>>,
    /// `POST`, `DELETE`, `*`, `POST|PUT` …; `None` means any method.
    pub method: Option<Sp<String>>,
    pub path: Sp<String>,
    pub host: Option<Sp<String>>,
    pub reason: Option<Sp<String>>,
    pub matches: Vec<Sp<String>>,
    pub not_matches: Vec<Sp<String>>,
}

#[derive(Debug, Default, Clone)]
pub struct RawShell {
    pub allow: Vec<RawCommandRule>,
    pub ask: Vec<RawCommandRule>,
    pub deny: Vec<RawCommandRule>,
}

/// One `[shell]` rule.
#[derive(Debug, Clone)]
pub struct RawCommandRule {
    pub id: Option<Sp<String>>,
    pub command: Sp<String>,
    pub reason: Option<Sp<String>>,
    pub matches: Vec<Sp<String>>,
    pub not_matches: Vec<Sp<String>>,
}

#[derive(Debug, Default, Clone)]
pub struct RawGit {
    pub protect_branches: Option<Vec<Sp<String>>>,
    pub warn_force_push: Option<Sp<bool>>,
    pub require_pr: Option<Sp<bool>>,
}

/// `[secrets]`: where the secret scanner's findings are accepted (both lists loosen).
#[derive(Debug, Default, Clone)]
pub struct RawSecrets {
    /// Gitignore-style path globs whose findings are dropped.
    pub allow_paths: Vec<Sp<String>>,
    /// Secret rule ids (`SEC012`) or names (`generic-password`) whose findings are dropped.
    pub allow_rules: Vec<Sp<String>>,
}

/// `[mcp.servers.NAME]`.
#[derive(Debug, Clone)]
pub struct RawMcpServer {
    pub name: Sp<String>,
    pub allow: Vec<Sp<String>>,
    pub ask: Vec<Sp<String>>,
    pub deny: Vec<Sp<String>>,
}

/// What a team rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Command,
    Path,
    Host,
    Tool,
}

impl TargetKind {
    pub fn key(self) -> &'static str {
        match self {
            TargetKind::Command => "command",
            TargetKind::Path => "path",
            TargetKind::Host => "host",
            TargetKind::Tool => "tool",
        }
    }
}

/// `[[never]]` / `[[always_ask]]`.
#[derive(Debug, Clone)]
pub struct RawTeamRule {
    pub id: Option<Sp<String>>,
    pub reason: Sp<String>,
    pub target: TargetKind,
    pub pattern: Sp<String>,
    pub matches: Vec<Sp<String>>,
    pub not_matches: Vec<Sp<String>>,
}

/// Parses and type-checks one policy file. Problems are pushed onto `errors`; the returned
/// policy holds everything that was well-formed.
pub fn parse(path: &Path, src: &str, errors: &mut Vec<PolicyError>) -> RawPolicy {
    let mut w = Walker { path, src, errors };
    if src.len() > MAX_POLICY_BYTES {
        w.errors.push(PolicyError::file(
            path,
            format!(
                "the policy file is {} bytes; the limit is {MAX_POLICY_BYTES}",
                src.len()
            ),
            Some(
                "policy files are hand-written rules; split out or remove generated content".into(),
            ),
        ));
        return RawPolicy::default();
    }
    let (doc, syntax) = DeTable::parse_recoverable(src);
    if !syntax.is_empty() {
        // Report every syntax error, but do not judge the structure of a document the parser
        // had to guess at: that only adds misleading follow-on errors.
        for e in syntax {
            let span = e.span().unwrap_or(0..0);
            w.error(span, format!("invalid TOML: {}", e.message().trim()), None);
        }
        return RawPolicy::default();
    }
    w.policy(doc.get_ref())
}

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

struct Walker<'a> {
    path: &'a Path,
    src: &'a str,
    errors: &'a mut Vec<PolicyError>,
}

const TOP_KEYS: &[&str] = &[
    "mode",
    "filesystem",
    "network",
    "shell",
    "git",
    "mcp",
    "secrets",
    "never",
    "always_ask",
];

impl Walker<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        self.errors
            .push(PolicyError::at(self.path, self.src, span, message, hint));
    }

    /// Reports every key of `table` not in `allowed`, with a suggestion.
    fn check_keys(&mut self, table: &Table<'_>, section: &str, allowed: &[&str]) {
        for (key, _) in table.iter() {
            let k: &str = key.get_ref();
            if !allowed.contains(&k) {
                let hint = match closest(k, allowed) {
                    Some(s) => format!(
                        "did you mean `{s}`? Expected one of: {}",
                        allowed.join(", ")
                    ),
                    None => format!("expected one of: {}", allowed.join(", ")),
                };
                let msg = format!("unknown key `{k}` in {section}");
                self.error(key.span(), msg, Some(hint));
            }
        }
    }

    fn policy(&mut self, top: &Table<'_>) -> RawPolicy {
        self.check_keys(top, "the policy", TOP_KEYS);
        let mut p = RawPolicy::default();
        if let Some(v) = get(top, "mode") {
            p.mode = self.mode(v);
        }
        if let Some(t) = self.section(top, "filesystem") {
            self.check_keys(t, "[filesystem]", &["allow", "deny", "protect"]);
            p.filesystem.allow = self.opt_strings(t, "allow", "filesystem.allow");
            p.filesystem.deny = self.opt_strings(t, "deny", "filesystem.deny");
            p.filesystem.protect = self.opt_strings(t, "protect", "filesystem.protect");
        }
        if let Some(t) = self.section(top, "network") {
            self.check_keys(t, "[network]", &["allow", "deny", "sensitive"]);
            p.network.allow = self.opt_strings(t, "allow", "network.allow");
            p.network.deny = self.opt_strings(t, "deny", "network.deny");
            if let Some(v) = get(t, "sensitive") {
                p.network.sensitive = self.rule_list(v, "network.sensitive", Self::sensitive);
            }
        }
        if let Some(t) = self.section(top, "shell") {
            self.check_keys(t, "[shell]", &["allow", "ask", "deny"]);
            for (key, out) in [
                ("allow", &mut p.shell.allow),
                ("ask", &mut p.shell.ask),
                ("deny", &mut p.shell.deny),
            ] {
                if let Some(v) = get(t, key) {
                    let section = format!("shell.{key}");
                    *out = self.rule_list(v, &section, Self::command_rule);
                }
            }
        }
        if let Some(t) = self.section(top, "git") {
            self.check_keys(
                t,
                "[git]",
                &["protect_branches", "warn_force_push", "require_pr"],
            );
            if get(t, "protect_branches").is_some() {
                p.git.protect_branches =
                    Some(self.opt_strings(t, "protect_branches", "git.protect_branches"));
            }
            p.git.warn_force_push = get(t, "warn_force_push").and_then(|v| self.boolean(v));
            p.git.require_pr = get(t, "require_pr").and_then(|v| self.boolean(v));
        }
        if let Some(t) = self.section(top, "mcp") {
            self.check_keys(t, "[mcp]", &["servers"]);
            if let Some(servers) = self.section(t, "servers") {
                for (name, v) in servers.iter() {
                    let Some(st) = self.table(v, "an [mcp.servers.NAME] table") else {
                        continue;
                    };
                    let section = format!("[mcp.servers.{}]", name.get_ref());
                    self.check_keys(st, &section, &["allow", "ask", "deny"]);
                    let server = RawMcpServer {
                        name: Sp {
                            value: name.get_ref().to_string(),
                            span: name.span(),
                        },
                        allow: self.opt_strings(st, "allow", "mcp allow"),
                        ask: self.opt_strings(st, "ask", "mcp ask"),
                        deny: self.opt_strings(st, "deny", "mcp deny"),
                    };
                    p.mcp.push(server);
                }
            }
        }
        if let Some(t) = self.section(top, "secrets") {
            self.check_keys(t, "[secrets]", &["allow_paths", "allow_rules"]);
            p.secrets.allow_paths = self.opt_strings(t, "allow_paths", "secrets.allow_paths");
            p.secrets.allow_rules = self.opt_strings(t, "allow_rules", "secrets.allow_rules");
        }
        if let Some(v) = get(top, "never") {
            p.never = self.rule_list(v, "never", Self::team_rule);
        }
        if let Some(v) = get(top, "always_ask") {
            p.always_ask = self.rule_list(v, "always_ask", Self::team_rule);
        }
        p
    }

    fn mode(&mut self, v: &Value<'_>) -> Option<Sp<Mode>> {
        let s = self.string(v)?;
        match s.value.parse::<Mode>() {
            Ok(m) => Some(Sp {
                value: m,
                span: s.span,
            }),
            Err(e) => {
                self.error(
                    s.span,
                    e.to_string(),
                    Some("use `mode = \"read-only\"`, `\"tool\"` or `\"dangerous\"`".into()),
                );
                None
            }
        }
    }

    fn section<'t, 'i>(&mut self, t: &'t Table<'i>, key: &str) -> Option<&'t Table<'i>> {
        let v = get(t, key)?;
        self.table(v, &format!("a [{key}] table"))
    }

    fn table<'t, 'i>(&mut self, v: &'t Value<'i>, what: &str) -> Option<&'t Table<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                let msg = format!("expected {what}, found {}", type_name(other));
                self.error(v.span(), msg, None);
                None
            }
        }
    }

    fn string(&mut self, v: &Value<'_>) -> Option<Sp<String>> {
        match v.get_ref() {
            DeValue::String(s) => {
                if s.len() > MAX_STRING {
                    self.error(
                        v.span(),
                        format!("string is longer than {MAX_STRING} bytes"),
                        None,
                    );
                    return None;
                }
                Some(Sp {
                    value: s.to_string(),
                    span: v.span(),
                })
            }
            other => {
                let msg = format!("expected a string, found {}", type_name(other));
                self.error(v.span(), msg, None);
                None
            }
        }
    }

    fn boolean(&mut self, v: &Value<'_>) -> Option<Sp<bool>> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Sp {
                value: *b,
                span: v.span(),
            }),
            other => {
                let msg = format!("expected true or false, found {}", type_name(other));
                self.error(v.span(), msg, None);
                None
            }
        }
    }

    /// An optional list of strings; a single string is accepted as a list of one.
    fn opt_strings(&mut self, t: &Table<'_>, key: &str, what: &str) -> Vec<Sp<String>> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        self.strings(v, what)
    }

    fn strings(&mut self, v: &Value<'_>, what: &str) -> Vec<Sp<String>> {
        match v.get_ref() {
            DeValue::String(_) => self.string(v).into_iter().collect(),
            DeValue::Array(items) => {
                if items.len() > MAX_RULES {
                    self.error(
                        v.span(),
                        format!(
                            "{what} has {} entries; the limit is {MAX_RULES}",
                            items.len()
                        ),
                        None,
                    );
                    return Vec::new();
                }
                items.iter().filter_map(|i| self.string(i)).collect()
            }
            other => {
                let msg = format!(
                    "expected a list of strings for {what}, found {}",
                    type_name(other)
                );
                self.error(v.span(), msg, None);
                Vec::new()
            }
        }
    }

    /// A list of rules: each entry a table (or, where `one` allows, a string shorthand).
    fn rule_list<T>(
        &mut self,
        v: &Value<'_>,
        section: &str,
        one: fn(&mut Self, &Value<'_>, &str) -> Option<T>,
    ) -> Vec<T> {
        match v.get_ref() {
            DeValue::Array(items) => {
                if items.len() > MAX_RULES {
                    self.error(
                        v.span(),
                        format!(
                            "{section} has {} rules; the limit is {MAX_RULES}",
                            items.len()
                        ),
                        None,
                    );
                    return Vec::new();
                }
                items.iter().filter_map(|i| one(self, i, section)).collect()
            }
            DeValue::Table(_) => one(self, v, section).into_iter().collect(),
            other => {
                let msg = format!(
                    "expected a list of rules for {section}, found {}",
                    type_name(other)
                );
                self.error(
                    v.span(),
                    msg,
                    Some(format!("write each rule as a [[{section}]] table")),
                );
                Vec::new()
            }
        }
    }

    fn examples(&mut self, t: &Table<'_>) -> (Vec<Sp<String>>, Vec<Sp<String>>) {
        (
            self.opt_strings(t, "match", "match"),
            self.opt_strings(t, "not_match", "not_match"),
        )
    }

    fn opt_string(&mut self, t: &Table<'_>, key: &str) -> Option<Sp<String>> {
        get(t, key).and_then(|v| self.string(v))
    }

    fn command_rule(&mut self, v: &Value<'_>, section: &str) -> Option<RawCommandRule> {
        if let DeValue::String(_) = v.get_ref() {
            let command = self.string(v)?;
            return Some(RawCommandRule {
                id: None,
                command,
                reason: None,
                matches: Vec::new(),
                not_matches: Vec::new(),
            });
        }
        let t = self.table(
            v,
            &format!("a [[{section}]] rule (a table or a command string)"),
        )?;
        self.check_keys(
            t,
            &format!("[[{section}]]"),
            &["id", "command", "reason", "match", "not_match"],
        );
        let id = self.opt_string(t, "id");
        let reason = self.opt_string(t, "reason");
        let (matches, not_matches) = self.examples(t);
        let Some(command) = self.opt_string(t, "command") else {
            if get(t, "command").is_none() {
                self.error(
                    v.span(),
                    format!("[[{section}]] rule has no `command`"),
                    Some("add `command = \"program args*\"`".into()),
                );
            }
            return None;
        };
        Some(RawCommandRule {
            id,
            command,
            reason,
            matches,
            not_matches,
        })
    }

    fn sensitive(&mut self, v: &Value<'_>, section: &str) -> Option<RawSensitive> {
        if let DeValue::String(_) = v.get_ref() {
            // Shorthand: "POST /api/admin/*" or "/api/admin/*".
            let s = self.string(v)?;
            let text = s.value.trim();
            let (method, path) = match text.split_once(char::is_whitespace) {
                Some((m, p)) => (
                    Some(Sp {
                        value: m.to_string(),
                        span: s.span.clone(),
                    }),
                    p.trim().to_string(),
                ),
                None => (None, text.to_string()),
            };
            return Some(RawSensitive {
                id: None,
                method,
                path: Sp {
                    value: path,
                    span: s.span,
                },
                host: None,
                reason: None,
                matches: Vec::new(),
                not_matches: Vec::new(),
            });
        }
        let t = self.table(v, &format!("a [[{section}]] rule"))?;
        self.check_keys(
            t,
            &format!("[[{section}]]"),
            &[
                "id",
                "method",
                "path",
                "host",
                "reason",
                "match",
                "not_match",
            ],
        );
        let id = self.opt_string(t, "id");
        let method = self.opt_string(t, "method");
        let host = self.opt_string(t, "host");
        let reason = self.opt_string(t, "reason");
        let (matches, not_matches) = self.examples(t);
        let path = match self.opt_string(t, "path") {
            Some(p) => p,
            None => {
                if get(t, "path").is_none() {
                    self.error(
                        v.span(),
                        format!("[[{section}]] rule has no `path`"),
                        Some("add `path = \"/api/admin/*\"` (use \"*\" for any path)".into()),
                    );
                }
                return None;
            }
        };
        Some(RawSensitive {
            id,
            method,
            path,
            host,
            reason,
            matches,
            not_matches,
        })
    }

    fn team_rule(&mut self, v: &Value<'_>, section: &str) -> Option<RawTeamRule> {
        let t = self.table(v, &format!("a [[{section}]] rule"))?;
        self.check_keys(
            t,
            &format!("[[{section}]]"),
            &[
                "id",
                "reason",
                "command",
                "path",
                "host",
                "tool",
                "match",
                "not_match",
            ],
        );
        let id = self.opt_string(t, "id");
        let reason = self.opt_string(t, "reason");
        let (matches, not_matches) = self.examples(t);
        let mut targets = Vec::new();
        for kind in [
            TargetKind::Command,
            TargetKind::Path,
            TargetKind::Host,
            TargetKind::Tool,
        ] {
            if let Some(val) = get(t, kind.key()) {
                if let Some(s) = self.string(val) {
                    targets.push((kind, s));
                } else {
                    return None;
                }
            }
        }
        if targets.len() != 1 {
            let msg = if targets.is_empty() {
                format!("[[{section}]] rule needs one of `command`, `path`, `host` or `tool`")
            } else {
                format!(
                    "[[{section}]] rule has {} targets; give exactly one of `command`, `path`, `host` or `tool`",
                    targets.len()
                )
            };
            self.error(
                v.span(),
                msg,
                Some("split it into one rule per target".into()),
            );
            return None;
        }
        let Some(reason) = reason else {
            if get(t, "reason").is_none() {
                self.error(
                    v.span(),
                    format!("[[{section}]] rule has no `reason`"),
                    Some("say why, e.g. `reason = \"pushes to main go through a PR\"`; the agent reads it".into()),
                );
            }
            return None;
        };
        let (target, pattern) = targets.remove(0);
        Some(RawTeamRule {
            id,
            reason,
            target,
            pattern,
            matches,
            not_matches,
        })
    }
}

fn get<'t, 'i>(t: &'t Table<'i>, key: &str) -> Option<&'t Value<'i>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The allowed key nearest to a misspelt one, when it is close enough to be a typo.
pub(crate) fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Levenshtein distance over characters (keys are short).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(src: &str) -> Vec<String> {
        let mut e = Vec::new();
        parse(Path::new("p.toml"), src, &mut e);
        e.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("alow", &["allow", "deny"]), Some("allow"));
        assert_eq!(closest("xyzzy", &["allow", "deny"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn well_formed_file_has_no_errors() {
        let src = r#"
mode = "tool"
[filesystem]
deny = ["/secrets/**"]
[network]
allow = ["api.github.com"]
[[network.sensitive]]
method = "POST"
path = "/api/admin/*"
[shell]
deny = [{ command = "terraform destroy*", reason = "no" }]
[[shell.ask]]
command = "git push * main"
[git]
protect_branches = ["main"]
require_pr = true
[mcp.servers.github]
allow = ["read:*"]
[secrets]
allow_paths = ["tests/fixtures/**", "*.snap"]
allow_rules = ["SEC012", "generic-password-assignment"]
[[never]]
command = "psql *prod*"
reason = "no prod"
"#;
        assert_eq!(errs(src), Vec::<String>::new());
    }

    #[test]
    fn collects_every_error() {
        let src = "mode = 3\nbogus = 1\n[filesystem]\nalow = []\n[[never]]\nreason = \"r\"\n";
        let e = errs(src);
        assert_eq!(e.len(), 4, "{e:?}");
    }

    #[test]
    fn secrets_section_shape() {
        let cases: &[(&str, &[&str])] = &[
            ("[secrets]\nallow_paths = \"*.snap\"\n", &[]),
            (
                "[secrets]\nallow_path = []\n",
                &["unknown key `allow_path` in [secrets]"],
            ),
            (
                "[secrets]\nallow_rules = 12\n",
                &["expected a list of strings for secrets.allow_rules, found an integer"],
            ),
            (
                "secrets = 1\n",
                &["expected a [secrets] table, found an integer"],
            ),
        ];
        for (src, want) in cases {
            assert_eq!(errs(src), *want, "{src}");
        }
        let mut e = Vec::new();
        let p = parse(
            Path::new("p.toml"),
            "[secrets]\nallow_paths = [\"a/**\", \"*.snap\"]\nallow_rules = [\"SEC001\"]\n",
            &mut e,
        );
        assert!(e.is_empty());
        assert_eq!(p.secrets.allow_paths.len(), 2);
        assert_eq!(p.secrets.allow_rules[0].value, "SEC001");
    }
}
