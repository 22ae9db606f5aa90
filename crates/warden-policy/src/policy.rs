//! The merged policy: every layer compiled, the mode resolved, and the questions other crates
//! ask of it (is this path secret? protected? what about this MCP tool?).

use std::path::{Path, PathBuf};

use warden_core::{Decision, Mode, Reason};

use crate::builtin;
use crate::compile::{CompiledLayer, Layer, RuleInfo, tool_matches};
use crate::mcp;
use crate::paths::{self, PathView};
use crate::secrets::SecretsAllow;
use crate::wildcard;

/// One MCP allow/ask/deny list: expanded tool patterns with the rule they came from.
type McpList = Vec<(Vec<String>, RuleInfo)>;

/// Where and for whom an action is evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalContext {
    /// The working directory relative paths resolve against.
    pub cwd: PathBuf,
    /// The project root: "inside the project" means below it.
    pub project_root: PathBuf,
    /// The person's home directory (`~`), when known.
    pub home: Option<PathBuf>,
}

/// The merged `[git]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitPolicy {
    /// Branches that pushes ask about and that may never be force-pushed or deleted.
    pub protect_branches: Vec<String>,
    /// Any force push asks.
    pub warn_force_push: bool,
    /// Pushes to protected branches are denied (a pull request is required).
    pub require_pr: bool,
}

/// What was loaded from one layer, for `warden doctor` and `warden explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    pub layer: Layer,
    /// The file (or `<built-in>`).
    pub path: PathBuf,
    /// Whether the layer's loosening parts (allow rules, a looser mode) apply.
    pub trusted: bool,
    /// The sha256 of the file, hex (not for the built-in layer).
    pub sha256: Option<String>,
    /// What was ignored because the layer is not trusted, one line each.
    pub ignored: Vec<String>,
}

/// One compiled layer and whether its loosening rules count.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub compiled: CompiledLayer,
    pub trusted: bool,
}

/// A loaded, layered, compiled policy. Cheap to query; glob sets are built on first use.
#[derive(Debug)]
pub struct Policy {
    pub(crate) mode: Mode,
    pub(crate) layers: Vec<Loaded>,
    pub(crate) infos: Vec<LayerInfo>,
    pub(crate) git: GitPolicy,
    /// The trusted layers' `[secrets]` allowlists, united.
    pub(crate) secrets: SecretsAllow,
    /// Directories Warden keeps for itself (user policy dir, audit log dir, trust store…).
    pub(crate) protected_dirs: Vec<PathBuf>,
}

/// A path-rule hit: which rule, and what kind of file it is.
#[derive(Debug, Clone)]
pub(crate) struct PathHit {
    pub rule: String,
    pub what: String,
    /// The person's reason (team rules) when there is one.
    pub reason: Option<String>,
}

impl Policy {
    /// The mode in force for this session.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The merged `[git]` settings.
    pub fn git(&self) -> &GitPolicy {
        &self.git
    }

    /// The `[secrets]` allowlists of the trusted layers, united: secret-scanner findings on
    /// these paths or of these rules are accepted (`warden scan` drops them; the hook lets
    /// such a file write through). An untrusted project's `[secrets]` is not in it.
    pub fn secrets_allowlist(&self) -> &SecretsAllow {
        &self.secrets
    }

    /// Which files were loaded, in layer order, trusted or not, and what was ignored.
    pub fn layers(&self) -> &[LayerInfo] {
        &self.infos
    }

    /// True when the path must never be read or written (built-in secret files and every
    /// layer's `[filesystem] deny`). `abs_path` may be relative; it is resolved against
    /// `ctx.cwd`.
    pub fn is_secret_path(&self, abs_path: &Path, ctx: &EvalContext) -> bool {
        let abs = paths::resolve(abs_path, &ctx.cwd, ctx.home.as_deref());
        let view = PathView::new(abs, ctx.home.as_deref());
        !self.secret_hits(&view, ctx).is_empty()
    }

    /// True when the agent may not write or delete the path (built-in protected paths,
    /// Warden's own directories, every layer's `[filesystem] protect`).
    pub fn is_protected_path(&self, abs_path: &Path, ctx: &EvalContext) -> bool {
        let abs = paths::resolve(abs_path, &ctx.cwd, ctx.home.as_deref());
        let view = PathView::new(abs, ctx.home.as_deref());
        !self.protected_hits(&view, ctx).is_empty()
    }

    /// Secret-file rules hitting a path: built-in ones, then `[filesystem] deny` of every
    /// layer (trusted or not: denying only tightens).
    pub(crate) fn secret_hits(&self, view: &PathView, ctx: &EvalContext) -> Vec<PathHit> {
        let mut out: Vec<PathHit> = builtin::SECRET_RULES
            .iter()
            .filter(|r| r.is_match(view))
            .map(|r| PathHit {
                rule: r.id.to_string(),
                what: r.what.to_string(),
                reason: None,
            })
            .collect();
        for l in &self.layers {
            let c = &l.compiled;
            self.glob_hits(
                &c.fs_deny,
                &c.fs_deny_info,
                view,
                ctx,
                "denied by the policy",
                &mut out,
            );
        }
        out
    }

    /// Protected-path rules hitting a path.
    pub(crate) fn protected_hits(&self, view: &PathView, ctx: &EvalContext) -> Vec<PathHit> {
        let mut out: Vec<PathHit> = builtin::PROTECTED_RULES
            .iter()
            .filter(|r| r.is_match(view))
            .map(|r| PathHit {
                rule: r.id.to_string(),
                what: r.what.to_string(),
                reason: None,
            })
            .collect();
        if self.protected_dirs.iter().any(|d| view.is_under(d))
            && out.iter().all(|h| h.rule != "FS010")
        {
            out.push(PathHit {
                rule: "FS010".into(),
                what: "Warden's own policy or state".into(),
                reason: None,
            });
        }
        for l in &self.layers {
            let c = &l.compiled;
            self.glob_hits(
                &c.fs_protect,
                &c.fs_protect_info,
                view,
                ctx,
                "protected by the policy",
                &mut out,
            );
        }
        out
    }

    pub(crate) fn glob_hits(
        &self,
        globs: &paths::PathGlobs,
        info: &[RuleInfo],
        view: &PathView,
        ctx: &EvalContext,
        what: &str,
        out: &mut Vec<PathHit>,
    ) {
        if globs.is_empty() {
            return;
        }
        for i in globs.matches(&view.abs, &ctx.project_root, ctx.home.as_deref()) {
            if let Some(r) = info.get(i) {
                out.push(PathHit {
                    rule: r.id.to_string(),
                    what: format!("{what} (`{}`)", r.pattern),
                    reason: r.reason.clone(),
                });
            }
        }
    }

    /// The strictest `[mcp.servers.NAME]` rule for a tool, from every layer (allow rules only
    /// from trusted layers). `None` when no rule names the tool.
    pub fn mcp_tool(&self, server: &str, tool: &str) -> Option<Reason> {
        let forms = mcp::tool_forms(tool);
        let hit = |pats: &[String]| {
            pats.iter()
                .any(|p| forms.iter().any(|f| wildcard::matches(p, f)))
        };
        let mut best: Option<(Decision, &RuleInfo, &str)> = None;
        for l in &self.layers {
            for m in &l.compiled.mcp {
                if m.server != server && m.server != "*" {
                    continue;
                }
                let lists: [(Decision, &McpList); 3] = [
                    (Decision::Deny, &m.deny),
                    (Decision::Ask, &m.ask),
                    (Decision::Allow, &m.allow),
                ];
                for (d, list) in lists {
                    if d == Decision::Allow && !l.trusted {
                        continue;
                    }
                    if best.as_ref().is_some_and(|(bd, _, _)| *bd >= d) {
                        continue;
                    }
                    if let Some((_, info)) = list.iter().find(|(pats, _)| hit(pats)) {
                        best = Some((d, info, m.server.as_str()));
                    }
                }
            }
        }
        let (decision, info, srv) = best?;
        let name = format!("{server}/{tool}");
        let rule_text = format!(
            "`[mcp.servers.{srv}] {} = [\"{}\"]`",
            decision.as_str(),
            info.pattern
        );
        let message = match decision {
            Decision::Deny => format!(
                "MCP tool `{name}` is denied by {rule_text} ({}). Do not call it; use a read-only tool or ask the person to do this.",
                info.id
            ),
            Decision::Ask => format!(
                "MCP tool `{name}` needs the person's confirmation by {rule_text} ({}).",
                info.id
            ),
            Decision::Allow => {
                format!("MCP tool `{name}` is allowed by {rule_text} ({}).", info.id)
            }
        };
        Some(Reason {
            rule: info.id.clone(),
            decision,
            message,
        })
    }

    /// Team-rule hits (`[[never]]` → deny, `[[always_ask]]` → ask) for a tool name.
    pub(crate) fn team_tool_hits(&self, name: &str) -> Vec<(Decision, RuleInfo)> {
        let mut out = Vec::new();
        for l in &self.layers {
            for (d, rules) in [
                (Decision::Deny, &l.compiled.never),
                (Decision::Ask, &l.compiled.always_ask),
            ] {
                for (pat, info) in &rules.tools {
                    if tool_matches(pat, name) {
                        out.push((d, info.clone()));
                    }
                }
            }
        }
        out
    }
}
