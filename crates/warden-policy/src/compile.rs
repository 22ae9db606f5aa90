//! Stage two: raw, spanned structures → compiled rules (glob groups, host patterns, resolved
//! ids). Rule examples (`match` / `not_match`) are checked here; a failing example is a load
//! error naming the rule.

use std::collections::HashSet;
use std::fmt;
use std::ops::{Not, Range};
use std::path::Path;

use warden_core::{Mode, RuleId};

use crate::builtin;
use crate::command::{self, CommandGlobs};
use crate::error::PolicyError;
use crate::mcp;
use crate::net::{self, Cidr, Host};
use crate::paths::{self, PathGlobs};
use crate::raw::{
    RawCommandRule, RawPolicy, RawSecrets, RawSensitive, RawTeamRule, Sp, TargetKind,
};
use crate::secrets::{self, AllowedPath, SecretsLayer};
use crate::wildcard;

/// Where a policy file sits in the layering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// `/etc/warden/policy.toml`, set by an administrator.
    Managed,
    /// `$XDG_CONFIG_HOME/warden/policy.toml`, the person's own.
    User,
    /// `<project>/.warden/policy.toml`: tighten-only until trusted.
    Project,
    /// The file named by `WARDEN_POLICY`.
    Extra,
    /// The built-in defaults.
    Builtin,
}

impl Layer {
    /// The lower-case name used in derived rule ids and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Managed => "managed",
            Layer::User => "user",
            Layer::Project => "project",
            Layer::Extra => "extra",
            Layer::Builtin => "builtin",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule from a policy file: its id, the pattern as written, and the person's reason.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: RuleId,
    pub pattern: String,
    pub reason: Option<String>,
}

/// A host pattern of `[network] allow/deny` or a team rule.
#[derive(Debug, Clone)]
pub enum HostPat {
    /// `*`/`?` wildcard over the lower-case host name (or canonical IP text).
    Glob(String),
    /// An address range.
    Cidr(Cidr),
}

impl HostPat {
    fn parse(s: &str) -> Result<HostPat, String> {
        let t = s.trim().to_ascii_lowercase();
        if t.is_empty() {
            return Err("empty host pattern".into());
        }
        if t.contains("://") {
            return Err("write the host only, without a scheme".into());
        }
        if let Some(c) = Cidr::parse(&t) {
            return c.map(HostPat::Cidr);
        }
        if t.contains('/') {
            return Err("write the host only, without a path".into());
        }
        if t.contains(':') {
            return Err("ports are not part of host patterns; write the host only".into());
        }
        Ok(HostPat::Glob(t.trim_end_matches('.').to_string()))
    }

    /// True when the pattern covers the host.
    pub fn matches(&self, host: &Host) -> bool {
        match (self, host) {
            (HostPat::Cidr(c), Host::Ip(ip)) => c.contains(*ip),
            (HostPat::Cidr(_), _) => false,
            (HostPat::Glob(g), h) => wildcard::matches(g, &h.text()),
        }
    }

    /// True for `*` and friends: a pattern that allows everything.
    pub fn is_catch_all(&self) -> bool {
        match self {
            HostPat::Glob(g) => g.chars().all(|c| c == '*'),
            HostPat::Cidr(_) => false,
        }
    }
}

/// A `[[network.sensitive]]` rule, compiled.
#[derive(Debug, Clone)]
pub struct SensitiveRule {
    pub info: RuleInfo,
    /// Upper-case method alternatives; empty means any method.
    pub methods: Vec<String>,
    /// Lower-case path wildcard.
    pub path: String,
    pub host: Option<HostPat>,
}

impl SensitiveRule {
    /// True when a request with this method (None: unknown, so any), host and path matches.
    pub fn matches(&self, method: Option<&str>, host: Option<&Host>, path: &str) -> bool {
        let method_ok = match method {
            None => true,
            Some(m) => {
                let m = m.to_ascii_uppercase();
                self.methods.is_empty() || self.methods.iter().any(|p| wildcard::matches(p, &m))
            }
        };
        let host_ok = match (&self.host, host) {
            (None, _) => true,
            (Some(p), Some(h)) => p.matches(h),
            (Some(_), None) => true,
        };
        method_ok && host_ok && wildcard::matches(&self.path, &path.to_ascii_lowercase())
    }
}

/// One MCP server's tool rules from one layer.
#[derive(Debug, Clone)]
pub struct McpRules {
    /// Server name, or `*` for every server.
    pub server: String,
    pub allow: Vec<(Vec<String>, RuleInfo)>,
    pub ask: Vec<(Vec<String>, RuleInfo)>,
    pub deny: Vec<(Vec<String>, RuleInfo)>,
}

/// Rules grouped by what they look at; used for `[[never]]`, `[[always_ask]]` and the
/// `[shell]` lists.
#[derive(Debug, Default)]
pub struct TeamRules {
    pub commands: CommandGlobs,
    pub command_info: Vec<RuleInfo>,
    pub paths: Option<PathGlobs>,
    pub path_info: Vec<RuleInfo>,
    pub hosts: Vec<(HostPat, RuleInfo)>,
    pub tools: Vec<(String, RuleInfo)>,
}

/// One policy file, compiled.
#[derive(Debug)]
pub struct CompiledLayer {
    pub layer: Layer,
    pub mode: Option<Mode>,
    pub fs_allow: PathGlobs,
    pub fs_allow_info: Vec<RuleInfo>,
    pub fs_deny: PathGlobs,
    pub fs_deny_info: Vec<RuleInfo>,
    pub fs_protect: PathGlobs,
    pub fs_protect_info: Vec<RuleInfo>,
    pub net_allow: Vec<(HostPat, RuleInfo)>,
    pub net_deny: Vec<(HostPat, RuleInfo)>,
    pub sensitive: Vec<SensitiveRule>,
    pub shell_allow: TeamRules,
    pub shell_ask: TeamRules,
    pub shell_deny: TeamRules,
    pub protect_branches: Option<Vec<String>>,
    pub warn_force_push: Option<bool>,
    pub require_pr: Option<bool>,
    pub mcp: Vec<McpRules>,
    /// `[secrets]` allowlists (loosening: trusted layers only).
    pub secrets: SecretsLayer,
    pub never: TeamRules,
    pub always_ask: TeamRules,
}

impl CompiledLayer {
    /// How many rules would loosen something (used to report what an untrusted layer lost).
    pub fn allow_rule_count(&self) -> usize {
        self.fs_allow_info.len()
            + self.net_allow.len()
            + self.shell_allow.command_info.len()
            + self.mcp.iter().map(|m| m.allow.len()).sum::<usize>()
    }
}

/// The synthetic locations used to check path examples.
const EXAMPLE_PROJECT: &str = "/project";
const EXAMPLE_HOME: &str = "/home/user";

struct Compiler<'a> {
    layer: Layer,
    path: &'a Path,
    src: &'a str,
    errors: &'a mut Vec<PolicyError>,
    ids: HashSet<String>,
}

/// Compiles one raw policy file. Problems go to `errors`.
pub fn compile(
    layer: Layer,
    path: &Path,
    src: &str,
    raw: RawPolicy,
    errors: &mut Vec<PolicyError>,
) -> CompiledLayer {
    let mut c = Compiler {
        layer,
        path,
        src,
        errors,
        ids: HashSet::new(),
    };
    let mut out = CompiledLayer {
        layer,
        mode: raw.mode.map(|m| m.value),
        fs_allow: PathGlobs::new(),
        fs_allow_info: Vec::new(),
        fs_deny: PathGlobs::new(),
        fs_deny_info: Vec::new(),
        fs_protect: PathGlobs::new(),
        fs_protect_info: Vec::new(),
        net_allow: Vec::new(),
        net_deny: Vec::new(),
        sensitive: Vec::new(),
        shell_allow: TeamRules::default(),
        shell_ask: TeamRules::default(),
        shell_deny: TeamRules::default(),
        protect_branches: None,
        warn_force_push: raw.git.warn_force_push.map(|b| b.value),
        require_pr: raw.git.require_pr.map(|b| b.value),
        mcp: Vec::new(),
        secrets: SecretsLayer::default(),
        never: TeamRules::default(),
        always_ask: TeamRules::default(),
    };

    // Allow patterns are case-sensitive; tightening ones ignore case.
    for (list, globs, info, section, case_insensitive) in [
        (
            &raw.filesystem.allow,
            &mut out.fs_allow,
            &mut out.fs_allow_info,
            "filesystem.allow",
            false,
        ),
        (
            &raw.filesystem.deny,
            &mut out.fs_deny,
            &mut out.fs_deny_info,
            "filesystem.deny",
            true,
        ),
        (
            &raw.filesystem.protect,
            &mut out.fs_protect,
            &mut out.fs_protect_info,
            "filesystem.protect",
            true,
        ),
    ] {
        for (i, p) in list.iter().enumerate() {
            match paths::parse_path_pattern(&p.value, case_insensitive) {
                Ok(parsed) => {
                    globs.push(parsed, info.len());
                    info.push(RuleInfo {
                        id: c.derived_id(section, i),
                        pattern: p.value.clone(),
                        reason: None,
                    });
                }
                Err(e) => c.error(p.span.clone(), format!("`{}`: {e}", p.value), path_hint()),
            }
        }
    }

    for (list, out_list, section) in [
        (&raw.network.allow, &mut out.net_allow, "network.allow"),
        (&raw.network.deny, &mut out.net_deny, "network.deny"),
    ] {
        for (i, h) in list.iter().enumerate() {
            match HostPat::parse(&h.value) {
                Ok(pat) => out_list.push((
                    pat,
                    RuleInfo {
                        id: c.derived_id(section, i),
                        pattern: h.value.clone(),
                        reason: None,
                    },
                )),
                Err(e) => c.error(h.span.clone(), format!("`{}`: {e}", h.value), host_hint()),
            }
        }
    }
    for (i, s) in raw.network.sensitive.iter().enumerate() {
        if let Some(rule) = c.sensitive(s, i) {
            out.sensitive.push(rule);
        }
    }

    for (list, rules, section) in [
        (&raw.shell.allow, &mut out.shell_allow, "shell.allow"),
        (&raw.shell.ask, &mut out.shell_ask, "shell.ask"),
        (&raw.shell.deny, &mut out.shell_deny, "shell.deny"),
    ] {
        for (i, r) in list.iter().enumerate() {
            c.command_rule(r, section, i, rules);
        }
    }

    if let Some(branches) = &raw.git.protect_branches {
        let mut v = Vec::new();
        for b in branches {
            let name = b.value.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                c.error(
                    b.span.clone(),
                    format!("`{}` is not a branch name", b.value),
                    None,
                );
            } else {
                v.push(name.strip_prefix("refs/heads/").unwrap_or(name).to_string());
            }
        }
        out.protect_branches = Some(v);
    }

    for server in &raw.mcp {
        let mut rules = McpRules {
            server: server.name.value.clone(),
            allow: Vec::new(),
            ask: Vec::new(),
            deny: Vec::new(),
        };
        for (list, out_list, kind) in [
            (&server.allow, &mut rules.allow, "allow"),
            (&server.ask, &mut rules.ask, "ask"),
            (&server.deny, &mut rules.deny, "deny"),
        ] {
            for (i, e) in list.iter().enumerate() {
                match mcp::expand(&e.value) {
                    Ok(pats) => out_list.push((
                        pats,
                        RuleInfo {
                            id: c.derived_id(
                                &format!("mcp.servers.{}.{kind}", server.name.value),
                                i,
                            ),
                            pattern: e.value.clone(),
                            reason: None,
                        },
                    )),
                    Err(msg) => c.error(
                        e.span.clone(),
                        format!("`{}`: {msg}", e.value),
                        Some("write a tool-name glob (`get_*`) or a scope (`read:*`, `write:*`, `delete:*`)".into()),
                    ),
                }
            }
        }
        out.mcp.push(rules);
    }

    out.secrets = c.secrets(&raw.secrets);

    for (list, rules, section) in [
        (&raw.never, &mut out.never, "never"),
        (&raw.always_ask, &mut out.always_ask, "always_ask"),
    ] {
        for (i, r) in list.iter().enumerate() {
            c.team_rule(r, section, i, rules);
        }
    }
    out
}

fn path_hint() -> Option<String> {
    Some("path patterns are gitignore-style globs: `.env`, `*.pem`, `/secrets/**` (project root), `~/.aws/**` (home)".into())
}

fn host_hint() -> Option<String> {
    Some(
        "host patterns are names with `*` wildcards (`*.internal`), IP addresses or CIDR ranges (`10.0.0.0/8`)"
            .into(),
    )
}

impl Compiler<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        self.errors
            .push(PolicyError::at(self.path, self.src, span, message, hint));
    }

    fn derived_id(&self, section: &str, i: usize) -> RuleId {
        RuleId::from(format!("{}:{section}[{i}]", self.layer.as_str()))
    }

    /// The id a rule gets: the one written (checked for duplicates and clashes with built-in
    /// ids), or one derived from its position.
    fn rule_id(&mut self, given: &Option<Sp<String>>, section: &str, i: usize) -> RuleId {
        let Some(id) = given else {
            return self.derived_id(section, i);
        };
        let v = id.value.trim();
        if v.is_empty()
            || v.len() > 64
            || !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
        {
            self.error(
                id.span.clone(),
                format!("`{}` is not a usable rule id", id.value),
                Some("use letters, digits and `-_.:/`, at most 64 characters (e.g. `TEAM001` or `no-prod-db`)".into()),
            );
        } else if builtin::doc(v).is_some() {
            self.error(
                id.span.clone(),
                format!("`{v}` is the id of a built-in rule"),
                Some("choose another id, e.g. `TEAM001`".into()),
            );
        } else if !self.ids.insert(v.to_string()) {
            self.error(
                id.span.clone(),
                format!("rule id `{v}` is used twice in this file"),
                Some("every rule needs its own id".into()),
            );
        }
        RuleId::from(v.to_string())
    }

    /// `[secrets]`: path patterns parsed like `[filesystem] allow` (case-sensitive), rule ids
    /// and names resolved against the secret scanner's catalog.
    fn secrets(&mut self, raw: &RawSecrets) -> SecretsLayer {
        let mut out = SecretsLayer::default();
        for (i, p) in raw.allow_paths.iter().enumerate() {
            match paths::parse_path_pattern(&p.value, false) {
                Ok(parsed) => out.paths.push((
                    parsed,
                    AllowedPath {
                        pattern: p.value.clone(),
                        id: self.derived_id("secrets.allow_paths", i),
                    },
                )),
                Err(e) => self.error(p.span.clone(), format!("`{}`: {e}", p.value), path_hint()),
            }
        }
        for r in &raw.allow_rules {
            match secrets::lookup_rule(&r.value) {
                Some(rule) => out.rules.push(rule.id),
                None => {
                    let hint = match secrets::suggest_rule(&r.value) {
                        Some(s) => format!(
                            "did you mean `{s}`? `warden explain` lists every secret rule (SEC…) with its name"
                        ),
                        None => "write a secret rule id (`SEC012`) or name (`github-oauth-token`); `warden explain` lists them".into(),
                    };
                    self.error(
                        r.span.clone(),
                        format!("unknown secret rule `{}` in [secrets] allow_rules", r.value),
                        Some(hint),
                    );
                }
            }
        }
        out.rules.sort_unstable();
        out.rules.dedup();
        out
    }

    fn command_rule(&mut self, r: &RawCommandRule, section: &str, i: usize, out: &mut TeamRules) {
        let id = self.rule_id(&r.id, section, i);
        let (text, glob) = match command::parse_command_pattern(&r.command.value) {
            Ok(t) => t,
            Err(e) => {
                self.error(
                    r.command.span.clone(),
                    format!("rule `{id}`: `{}`: {e}", r.command.value),
                    None,
                );
                return;
            }
        };
        self.check_examples(&id, &r.matches, &r.not_matches, |ex| {
            command::pattern_matches(&glob, &command::split_words(ex))
        });
        out.commands.push(glob, out.command_info.len());
        out.command_info.push(RuleInfo {
            id,
            pattern: text,
            reason: r.reason.as_ref().map(|s| s.value.clone()),
        });
    }

    fn sensitive(&mut self, s: &RawSensitive, i: usize) -> Option<SensitiveRule> {
        let id = self.rule_id(&s.id, "network.sensitive", i);
        let mut methods = Vec::new();
        if let Some(m) = &s.method {
            for alt in m.value.split('|') {
                let alt = alt.trim().to_ascii_uppercase();
                if alt.is_empty()
                    || !alt
                        .chars()
                        .all(|c| c.is_ascii_alphabetic() || c == '*' || c == '?')
                {
                    self.error(
                        m.span.clone(),
                        format!("rule `{id}`: `{}` is not an HTTP method", m.value),
                        Some("write e.g. `POST`, `POST|PUT|PATCH` or `*`".into()),
                    );
                    return None;
                }
                if alt != "*" {
                    methods.push(alt);
                }
            }
        }
        let path = s.path.value.trim().to_ascii_lowercase();
        if path.is_empty() {
            self.error(
                s.path.span.clone(),
                format!("rule `{id}`: empty path"),
                None,
            );
            return None;
        }
        let host = match &s.host {
            Some(h) => match HostPat::parse(&h.value) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.error(h.span.clone(), format!("rule `{id}`: {e}"), host_hint());
                    return None;
                }
            },
            None => None,
        };
        let rule = SensitiveRule {
            info: RuleInfo {
                id: id.clone(),
                pattern: match &s.method {
                    Some(m) => format!("{} {}", m.value, s.path.value),
                    None => s.path.value.clone(),
                },
                reason: s.reason.as_ref().map(|r| r.value.clone()),
            },
            methods,
            path,
            host,
        };
        self.check_examples(&id, &s.matches, &s.not_matches, |ex| {
            let (method, target) = match ex.trim().split_once(char::is_whitespace) {
                Some((m, t)) => (Some(m.to_string()), t.trim().to_string()),
                None => (None, ex.trim().to_string()),
            };
            match net::parse_url(&target) {
                Some(u) => u
                    .hosts
                    .iter()
                    .any(|h| rule.matches(method.as_deref(), Some(&net::parse_host(h)), &u.path)),
                None => rule.matches(method.as_deref(), None, &target),
            }
        });
        Some(rule)
    }

    fn team_rule(&mut self, r: &RawTeamRule, section: &str, i: usize, out: &mut TeamRules) {
        let id = self.rule_id(&r.id, section, i);
        let info = RuleInfo {
            id: id.clone(),
            pattern: r.pattern.value.clone(),
            reason: Some(r.reason.value.clone()),
        };
        let span = r.pattern.span.clone();
        match r.target {
            TargetKind::Command => {
                let glob = match command::parse_command_pattern(&r.pattern.value) {
                    Ok((_, g)) => g,
                    Err(e) => {
                        self.error(span, format!("rule `{id}`: {e}"), None);
                        return;
                    }
                };
                self.check_examples(&id, &r.matches, &r.not_matches, |ex| {
                    command::pattern_matches(&glob, &command::split_words(ex))
                });
                out.commands.push(glob, out.command_info.len());
                out.command_info.push(info);
            }
            TargetKind::Path => {
                let parsed = match paths::parse_path_pattern(&r.pattern.value, true) {
                    Ok(p) => p,
                    Err(e) => {
                        self.error(span, format!("rule `{id}`: {e}"), path_hint());
                        return;
                    }
                };
                let mut one = PathGlobs::new();
                one.push(parsed.clone(), 0);
                self.check_examples(&id, &r.matches, &r.not_matches, |ex| {
                    let abs = paths::resolve(
                        Path::new(ex),
                        Path::new(EXAMPLE_PROJECT),
                        Some(Path::new(EXAMPLE_HOME)),
                    );
                    one.matches(
                        &abs,
                        Path::new(EXAMPLE_PROJECT),
                        Some(Path::new(EXAMPLE_HOME)),
                    )
                    .is_empty()
                    .not()
                });
                out.paths
                    .get_or_insert_with(PathGlobs::new)
                    .push(parsed, out.path_info.len());
                out.path_info.push(info);
            }
            TargetKind::Host => {
                let pat = match HostPat::parse(&r.pattern.value) {
                    Ok(p) => p,
                    Err(e) => {
                        self.error(span, format!("rule `{id}`: {e}"), host_hint());
                        return;
                    }
                };
                self.check_examples(&id, &r.matches, &r.not_matches, |ex| {
                    let hosts = match net::parse_url(ex) {
                        Some(u) => u.hosts,
                        None => vec![ex.to_string()],
                    };
                    hosts.iter().any(|h| pat.matches(&net::parse_host(h)))
                });
                out.hosts.push((pat, info));
            }
            TargetKind::Tool => {
                let pat = r.pattern.value.trim().to_string();
                if pat.is_empty() {
                    self.error(span, format!("rule `{id}`: empty tool pattern"), None);
                    return;
                }
                self.check_examples(&id, &r.matches, &r.not_matches, |ex| tool_matches(&pat, ex));
                out.tools.push((pat, info));
            }
        }
    }

    fn check_examples(
        &mut self,
        id: &RuleId,
        matches: &[Sp<String>],
        not_matches: &[Sp<String>],
        test: impl Fn(&str) -> bool,
    ) {
        for ex in matches {
            if !test(&ex.value) {
                self.error(
                    ex.span.clone(),
                    format!("rule `{id}` does not match its example `{}`", ex.value),
                    Some("fix the pattern or the example: every `match` example must match".into()),
                );
            }
        }
        for ex in not_matches {
            if test(&ex.value) {
                self.error(
                    ex.span.clone(),
                    format!("rule `{id}` matches its counter-example `{}`", ex.value),
                    Some("fix the pattern or the example: no `not_match` example may match".into()),
                );
            }
        }
    }
}

/// Team-rule tool patterns match `SERVER/TOOL` for MCP tools (also written
/// `mcp__SERVER__TOOL`) and the bare name of other tools.
pub fn tool_matches(pattern: &str, name: &str) -> bool {
    let candidates: Vec<String> = match name.strip_prefix("mcp__") {
        Some(rest) => match rest.split_once("__") {
            Some((s, t)) => vec![format!("{s}/{t}"), name.to_string()],
            None => vec![name.to_string()],
        },
        None => vec![name.to_string()],
    };
    candidates.iter().any(|c| {
        wildcard::matches(pattern, c)
            || c.split_once('/').is_some_and(|(s, t)| {
                mcp::tool_forms(t)
                    .iter()
                    .any(|f| wildcard::matches(pattern, &format!("{s}/{f}")))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw;

    fn compile_src(src: &str) -> (CompiledLayer, Vec<String>) {
        let mut errors = Vec::new();
        let path = Path::new("policy.toml");
        let r = raw::parse(path, src, &mut errors);
        let layer = compile(Layer::User, path, src, r, &mut errors);
        (layer, errors.into_iter().map(|e| e.message).collect())
    }

    #[test]
    fn examples_are_checked() {
        let (_, e) = compile_src(
            r#"
[[shell.deny]]
id = "no-destroy"
command = "terraform destroy*"
match = ["terraform destroy -auto-approve", "terraform apply"]
not_match = ["terraform plan", "terraform destroy"]
"#,
        );
        assert_eq!(
            e,
            vec![
                "rule `no-destroy` does not match its example `terraform apply`",
                "rule `no-destroy` matches its counter-example `terraform destroy`",
            ]
        );
    }

    #[test]
    fn ids_derived_duplicate_and_builtin() {
        let (l, e) = compile_src(
            r#"
[[never]]
reason = "r"
command = "a"
[[never]]
id = "X1"
reason = "r"
command = "b"
[[always_ask]]
id = "X1"
reason = "r"
host = "example.com"
[[always_ask]]
id = "FS001"
reason = "r"
tool = "github/*"
"#,
        );
        assert_eq!(l.never.command_info[0].id.as_str(), "user:never[0]");
        assert_eq!(l.never.command_info[1].id.as_str(), "X1");
        assert_eq!(e.len(), 2, "{e:?}");
    }

    #[test]
    fn host_patterns() {
        let h = |s: &str| net::parse_host(s);
        let p = HostPat::parse("*.internal").unwrap();
        assert!(p.matches(&h("db.internal")));
        let p = HostPat::parse("10.0.0.0/8").unwrap();
        assert!(p.matches(&h("012.1.1.1")));
        assert!(!p.matches(&h("11.1.1.1")));
        assert!(HostPat::parse("https://x").is_err());
        assert!(HostPat::parse("x:80").is_err());
        assert!(HostPat::parse("*").unwrap().is_catch_all());
    }

    #[test]
    fn tool_patterns() {
        assert!(tool_matches("github/*", "mcp__github__create_issue"));
        assert!(tool_matches("github/delete_*", "mcp__github__deleteRepo"));
        assert!(!tool_matches("github/*", "mcp__gitlab__x"));
        assert!(tool_matches("NotebookEdit", "NotebookEdit"));
    }
}
