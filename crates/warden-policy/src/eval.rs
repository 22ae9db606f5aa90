//! Evaluation: one action plus the effects analysis found → one verdict.
//!
//! Every effect and the action itself contribute decisions; the verdict is the strictest.
//! A contribution is *explicit* when a rule positively matched, and *default* when it is only
//! the mode's answer for something Warden has no rule about. The verdict is explicit when an
//! explicit contribution carries its decision (for `allow`: when every contribution is an
//! explicit allow). Adapters stay silent on non-explicit verdicts so the agent's own prompt
//! runs.
//!
//! # Decisions by mode
//!
//! | severity | read-only | tool | dangerous |
//! |---|---|---|---|
//! | read-only | allow | allow | allow |
//! | local-write | deny (MODE001) | allow | allow |
//! | unknown | deny (MODE001) | ask, default (MODE005) | allow |
//! | destructive | deny (MODE001) | ask (MODE002) | allow |
//! | catastrophic | deny (MODE003) | deny (MODE003) | deny (MODE003) |
//!
//! On top of severity, in every mode: secret files are never read or written (FS001–FS005),
//! protected paths are never written (FS010–FS014), internal addresses are never reached
//! (NET001–NET003), secrets in outgoing content are denied (LEAK001), protected branches are
//! never force-pushed or deleted (GIT002), `[[never]]` rules deny and `[[always_ask]]` rules
//! ask. Allow rules (`[shell] allow`, `[filesystem] allow`, `[network] allow`, MCP `allow`)
//! come only from trusted layers and never override a deny or an ask of another rule.

use std::path::Path;

use warden_core::{
    Action, Decision, Effect, EffectKind, GitOp, Mode, Reason, RuleId, Severity, Verdict,
};

use crate::builtin;
use crate::command;
use crate::compile::{HostPat, RuleInfo};
use crate::mcp;
use crate::net::{self, Host, Internal};
use crate::paths::{self, PathView};
use crate::policy::{EvalContext, Policy};

/// The most reasons a verdict carries (the strictest first).
const MAX_REASONS: usize = 64;

#[derive(Default)]
struct Acc {
    items: Vec<(Reason, bool)>,
}

impl Acc {
    fn push(
        &mut self,
        decision: Decision,
        rule: impl Into<RuleId>,
        message: String,
        explicit: bool,
    ) {
        let rule = rule.into();
        if self.items.iter().any(|(r, e)| {
            r.rule == rule && r.decision == decision && r.message == message && *e == explicit
        }) {
            return;
        }
        self.items.push((
            Reason {
                rule,
                decision,
                message,
            },
            explicit,
        ));
    }

    fn finish(mut self, empty_default: Decision) -> Verdict {
        let Some(decision) = self.items.iter().map(|(r, _)| r.decision).max() else {
            return Verdict {
                decision: empty_default,
                reasons: Vec::new(),
                explicit: false,
            };
        };
        let explicit = if decision == Decision::Allow {
            self.items.iter().all(|(_, e)| *e)
        } else {
            self.items.iter().any(|(r, e)| *e && r.decision == decision)
        };
        // A default at the deciding level adds nothing next to a rule that matched there.
        if explicit && decision != Decision::Allow {
            self.items.retain(|(r, e)| *e || r.decision != decision);
        }
        // Strictest first; explicit before default within a decision.
        self.items
            .sort_by_key(|(r, e)| (std::cmp::Reverse(r.decision), !*e));
        let reasons = self
            .items
            .into_iter()
            .take(MAX_REASONS)
            .map(|(r, _)| r)
            .collect();
        Verdict {
            decision,
            reasons,
            explicit,
        }
    }
}

/// How a path is shown in messages: relative to the project when inside it, `~/…` under
/// home, absolute otherwise.
fn show(abs: &Path, ctx: &EvalContext) -> String {
    if let Ok(rel) = abs.strip_prefix(&ctx.project_root) {
        if !rel.as_os_str().is_empty() {
            return rel.display().to_string();
        }
        return ".".into();
    }
    if let Some(h) = &ctx.home
        && let Ok(rel) = abs.strip_prefix(h)
    {
        return format!("~/{}", rel.display());
    }
    abs.display().to_string()
}

fn clip(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
    Delete { recursive: bool },
}

impl Access {
    fn verb(self) -> &'static str {
        match self {
            Access::Read => "reading",
            Access::Write => "writing",
            Access::Delete { .. } => "deleting",
        }
    }
}

impl Policy {
    /// The whole decision for one action, given the effects analysis found.
    ///
    /// Pure: no I/O; path arguments are resolved lexically against `ctx`.
    pub fn evaluate(&self, action: &Action, effects: &[Effect], ctx: &EvalContext) -> Verdict {
        let mut acc = Acc::default();
        let execs_allowed = self.all_execs_allowed(effects);
        match action {
            Action::Shell { command, .. } => {
                if effects.is_empty() {
                    let msg = format!(
                        "analysis found nothing to judge in `{}`",
                        clip(command.trim())
                    );
                    self.severity(&mut acc, Severity::Unknown, "MODE005".into(), &msg);
                }
            }
            Action::Read { path } => {
                let abs = paths::resolve(path, &ctx.cwd, ctx.home.as_deref());
                self.path_access(&mut acc, &abs, Access::Read, ctx, true);
            }
            Action::Write { path, .. } | Action::Edit { path, .. } => {
                let abs = paths::resolve(path, &ctx.cwd, ctx.home.as_deref());
                self.path_access(&mut acc, &abs, Access::Write, ctx, true);
            }
            Action::Search { path, glob, .. } => self.search(&mut acc, path.as_deref(), glob.as_deref(), ctx),
            Action::Fetch { url, method, body } => {
                self.fetch(&mut acc, url, method, body.is_some());
            }
            Action::WebSearch { .. } => match self.mode {
                Mode::ReadOnly => acc.push(
                    Decision::Deny,
                    "TOOL003",
                    "web search is blocked in read-only mode (TOOL003, MODE001): nothing leaves the machine in a review session. Work from the files in the project.".into(),
                    true,
                ),
                Mode::Tool => acc.push(
                    Decision::Ask,
                    "TOOL003",
                    "web search: Warden has no rule about it; the agent's own prompt decides (TOOL003).".into(),
                    false,
                ),
                Mode::Dangerous => acc.push(
                    Decision::Allow,
                    "MODE004",
                    "web search allowed in dangerous mode (MODE004).".into(),
                    true,
                ),
            },
            Action::Mcp { server, tool, .. } => self.mcp_action(&mut acc, server, tool),
            Action::Unknown { tool, .. } => self.unknown_tool(&mut acc, tool),
        }
        for e in effects {
            self.effect(&mut acc, e, ctx, execs_allowed.as_ref());
        }
        acc.finish(Decision::Ask)
    }

    /// When every `Exec` effect is matched by a trusted `[shell] allow` rule (and none is
    /// dynamic), the ids of those rules; such a command line's other effects are lifted from
    /// the severity default too (never above catastrophic, never past a path or network rule).
    fn all_execs_allowed(&self, effects: &[Effect]) -> Option<Vec<RuleInfo>> {
        let mut found = Vec::new();
        let mut any = false;
        for e in effects {
            if let EffectKind::Exec { argv, dynamic } = &e.kind {
                any = true;
                if *dynamic {
                    return None;
                }
                let hit = self.shell_allow_hit(argv)?;
                found.push(hit);
            }
        }
        any.then_some(found)
    }

    fn shell_allow_hit(&self, argv: &[String]) -> Option<RuleInfo> {
        let texts = command::command_texts(argv);
        for l in self.layers.iter().filter(|l| l.trusted) {
            let rules = &l.compiled.shell_allow;
            if let Some(&i) = rules.commands.matches(&texts).first() {
                return rules.command_info.get(i).cloned();
            }
        }
        None
    }

    /// The mode's answer for a severity.
    fn severity(&self, acc: &mut Acc, sev: Severity, rule: RuleId, what: &str) {
        let what = clip(what);
        if sev == Severity::Catastrophic {
            acc.push(
                Decision::Deny,
                rule,
                format!("{what}: catastrophic, denied in every mode (MODE003). Do it another way, or ask the person to run it themselves if it is really intended."),
                true,
            );
            return;
        }
        match (self.mode, sev) {
            (_, Severity::ReadOnly) => acc.push(Decision::Allow, rule, what, true),
            (Mode::ReadOnly, _) => acc.push(
                Decision::Deny,
                rule,
                format!("{what}: read-only mode allows only read-only actions (MODE001). Describe the change instead of making it, or ask the person to switch mode."),
                true,
            ),
            // Project-local builds, tests and formatters run without a prompt in tool mode
            // (the article's `--tool`: "safe" commands run). Their scripts are project code:
            // a script written in the same command line is analysed or asked about by shell
            // analysis, not allowed here.
            (Mode::Tool, Severity::LocalWrite) => acc.push(Decision::Allow, rule, what, true),
            (Mode::Tool, Severity::Unknown) => acc.push(
                Decision::Ask,
                rule,
                format!("{what}: Warden cannot prove it safe, so the person decides (MODE005)."),
                false,
            ),
            (Mode::Tool, _) => acc.push(
                Decision::Ask,
                rule,
                format!("{what}: destructive, a person must confirm (MODE002). Say what will be lost and why it is needed."),
                true,
            ),
            (Mode::Dangerous, _) => acc.push(
                Decision::Allow,
                rule,
                format!("{what}: allowed in dangerous mode (MODE004)."),
                true,
            ),
        }
    }

    fn effect(&self, acc: &mut Acc, e: &Effect, ctx: &EvalContext, lifted: Option<&Vec<RuleInfo>>) {
        let lift = |sev: Severity| {
            lifted.is_some()
                && self.mode == Mode::Tool
                && sev != Severity::Catastrophic
                && sev != Severity::ReadOnly
        };
        match &e.kind {
            EffectKind::Exec { argv, dynamic } => {
                self.exec(acc, e, argv, *dynamic);
            }
            EffectKind::Read { path } => {
                let abs = paths::resolve(path, &ctx.cwd, ctx.home.as_deref());
                self.path_access(acc, &abs, Access::Read, ctx, false);
                self.effect_severity(acc, e, lift(e.severity), lifted);
            }
            EffectKind::Write { path } => {
                let abs = paths::resolve(path, &ctx.cwd, ctx.home.as_deref());
                self.path_access(acc, &abs, Access::Write, ctx, false);
                self.effect_severity(acc, e, lift(e.severity), lifted);
            }
            EffectKind::Delete { path, recursive } => {
                let abs = paths::resolve(path, &ctx.cwd, ctx.home.as_deref());
                self.path_access(acc, &abs, Access::Delete { recursive: *recursive }, ctx, false);
                self.effect_severity(acc, e, lift(e.severity), lifted);
            }
            EffectKind::Network {
                target,
                method,
                upload,
            } => {
                if e.severity == Severity::Catastrophic {
                    self.severity(acc, e.severity, e.rule.clone(), &e.message);
                }
                if self.mode == Mode::ReadOnly {
                    acc.push(
                        Decision::Deny,
                        "NET006",
                        format!("{}: read-only mode has no network access (NET006, MODE001). Work from the files in the project.", clip(&e.message)),
                        true,
                    );
                    return;
                }
                let path = target
                    .path
                    .as_deref()
                    .map(net::percent_decode)
                    .unwrap_or_else(|| "/".into());
                let mut hosts = vec![target.host.clone()];
                if let Some(u) = target.url.as_deref().and_then(net::parse_url) {
                    for h in u.hosts {
                        if !hosts.contains(&h) {
                            hosts.push(h);
                        }
                    }
                }
                for h in &hosts {
                    self.host(acc, h, method.as_deref(), &path, *upload);
                }
            }
            EffectKind::Git(op) => {
                self.git_op(acc, op, e);
                self.effect_severity(acc, e, lift(e.severity), lifted);
            }
            EffectKind::Secret {
                secret_rule, line, ..
            } => {
                let at = line.map(|l| format!(" on line {l}")).unwrap_or_default();
                acc.push(
                    Decision::Deny,
                    "LEAK001",
                    format!(
                        "the content contains a secret ({secret_rule}{at}): a secret must never be written or sent (LEAK001). Reference it from the environment instead (e.g. `process.env.NAME`, `os.environ[\"NAME\"]`) and ask the person to set it."
                    ),
                    true,
                );
            }
            EffectKind::Opaque => match self.mode {
                Mode::ReadOnly => acc.push(
                    Decision::Deny,
                    e.rule.clone(),
                    format!("{}: Warden cannot see what this does, and read-only mode allows only what is proven read-only (MODE006, MODE001).", clip(&e.message)),
                    true,
                ),
                Mode::Tool => acc.push(
                    Decision::Ask,
                    e.rule.clone(),
                    format!("{}: Warden cannot see what this does, so a person must confirm (MODE006). Run the steps directly so they can be checked.", clip(&e.message)),
                    true,
                ),
                Mode::Dangerous => self.severity(acc, e.severity, e.rule.clone(), &e.message),
            },
            EffectKind::Hazard { .. } => {
                self.effect_severity(acc, e, lift(e.severity), lifted);
            }
        }
    }

    fn effect_severity(
        &self,
        acc: &mut Acc,
        e: &Effect,
        lift: bool,
        lifted: Option<&Vec<RuleInfo>>,
    ) {
        match (lift, lifted.and_then(|l| l.first())) {
            (true, Some(info)) => acc.push(
                Decision::Allow,
                info.id.clone(),
                format!(
                    "{}: allowed with its command by policy rule {} (`{}`).",
                    clip(&e.message),
                    info.id,
                    info.pattern
                ),
                true,
            ),
            _ => self.severity(acc, e.severity, e.rule.clone(), &e.message),
        }
    }

    fn exec(&self, acc: &mut Acc, e: &Effect, argv: &[String], dynamic: bool) {
        let texts = command::command_texts(argv);
        let shown = command_head(argv);
        if let Some(sub) = self_approval(argv) {
            acc.push(
                Decision::Deny,
                "SELF001",
                format!("`{shown}` records the person's consent (`warden {sub}`); the agent may not run it (SELF001). Ask the person to run it in their own terminal."),
                true,
            );
        }
        for l in &self.layers {
            let c = &l.compiled;
            for (decision, rules, kind) in [
                (Decision::Deny, &c.never, "team rule"),
                (Decision::Ask, &c.always_ask, "team rule"),
                (Decision::Deny, &c.shell_deny, "shell deny rule"),
                (Decision::Ask, &c.shell_ask, "shell ask rule"),
            ] {
                if rules.commands.is_empty() {
                    continue;
                }
                for i in rules.commands.matches(&texts) {
                    if let Some(info) = rules.command_info.get(i) {
                        acc.push(
                            decision,
                            info.id.clone(),
                            rule_message(decision, &shown, kind, info),
                            true,
                        );
                    }
                }
            }
        }
        let allow = if dynamic || self.mode == Mode::ReadOnly {
            None
        } else {
            self.shell_allow_hit(argv)
        };
        match allow {
            Some(info)
                if e.severity != Severity::Catastrophic && e.severity != Severity::ReadOnly =>
            {
                let why = info
                    .reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                acc.push(
                    Decision::Allow,
                    info.id.clone(),
                    format!(
                        "`{shown}` is allowed by policy rule {} (`{}`){why}.",
                        info.id, info.pattern
                    ),
                    true,
                );
            }
            _ => self.severity(acc, e.severity, e.rule.clone(), &e.message),
        }
    }

    /// Secret, protected and policy path rules for one access, plus (for tool actions,
    /// `own_decision`) the mode's answer for the access itself.
    fn path_access(
        &self,
        acc: &mut Acc,
        abs: &Path,
        access: Access,
        ctx: &EvalContext,
        own_decision: bool,
    ) {
        let view = PathView::new(abs.to_path_buf(), ctx.home.as_deref());
        let shown = show(abs, ctx);
        let verb = access.verb();

        for hit in self.secret_hits(&view, ctx) {
            let advice = match access {
                Access::Read if hit.rule == "FS001" => {
                    " Ask the person for the value you need, or read `.env.example`.".to_string()
                }
                Access::Read => " Ask the person for what you need from it.".to_string(),
                _ => " Secrets stay out of what the agent writes; tell the person what should go there.".to_string(),
            };
            let why = hit.reason.map(|r| format!(" ({r})")).unwrap_or_default();
            acc.push(
                Decision::Deny,
                hit.rule.clone(),
                format!(
                    "{verb} `{shown}` is blocked: it is {}{why} ({}).{advice}",
                    hit.what, hit.rule
                ),
                true,
            );
        }
        if access != Access::Read {
            for hit in self.protected_hits(&view, ctx) {
                acc.push(
                    Decision::Deny,
                    hit.rule.clone(),
                    format!(
                        "{verb} `{shown}` is blocked: it is {} ({}). The agent may not change it; tell the person what change you need and why.",
                        hit.what, hit.rule
                    ),
                    true,
                );
            }
            if let Access::Delete { recursive: true } = access {
                self.recursive_delete(acc, abs, &shown, ctx);
            }
        }
        // Team path rules from every layer.
        for l in &self.layers {
            let c = &l.compiled;
            for (decision, rules) in [(Decision::Deny, &c.never), (Decision::Ask, &c.always_ask)] {
                let Some(globs) = &rules.paths else { continue };
                let mut hits = Vec::new();
                self.glob_hits(globs, &rules.path_info, &view, ctx, "team rule", &mut hits);
                for h in hits {
                    let reason = h.reason.unwrap_or_default();
                    let msg = if decision == Decision::Deny {
                        format!(
                            "{verb} `{shown}` is forbidden by team rule {}: {reason}",
                            h.rule
                        )
                    } else {
                        format!(
                            "{verb} `{shown}` needs the person's approval (team rule {}): {reason}",
                            h.rule
                        )
                    };
                    acc.push(decision, h.rule, msg, true);
                }
            }
        }

        let inside = abs.starts_with(&ctx.project_root);
        if !own_decision {
            // An effect: its severity decides, except that a write or delete is never
            // allowed in read-only mode (whatever severity analysis gave it), and in tool
            // mode one outside the project asks (unless a trusted allow pattern covers it).
            if access != Access::Read && self.mode == Mode::ReadOnly {
                acc.push(
                    Decision::Deny,
                    "MODE001",
                    format!("{verb} `{shown}` is blocked: read-only mode allows no changes (MODE001). Describe the change instead of making it."),
                    true,
                );
            }
            if access != Access::Read
                && self.mode == Mode::Tool
                && !inside
                && self.fs_allow_hit(&view, ctx).is_none()
            {
                acc.push(
                    Decision::Ask,
                    "FS020",
                    format!("{verb} `{shown}`: it is outside the project, so a person must confirm (FS020). Keep changes inside the project, or explain why this path must change."),
                    true,
                );
            }
            return;
        }
        let allowed_by = self.fs_allow_hit(&view, ctx);
        match (access, self.mode) {
            (Access::Read, _) if inside => acc.push(
                Decision::Allow,
                "FS021",
                format!("reading `{shown}`, a project file (FS021)."),
                true,
            ),
            (Access::Read, _) => match allowed_by {
                Some(info) => acc.push(
                    Decision::Allow,
                    info.id.clone(),
                    format!("reading `{shown}` is allowed by `[filesystem] allow = [\"{}\"]` ({}).", info.pattern, info.id),
                    true,
                ),
                None => acc.push(
                    Decision::Allow,
                    "FS021",
                    format!("reading `{shown}`, outside the project: no rule, the agent's own prompt decides (FS021)."),
                    self.mode == Mode::Dangerous,
                ),
            },
            (_, Mode::ReadOnly) => acc.push(
                Decision::Deny,
                "MODE001",
                format!("{verb} `{shown}` is blocked: read-only mode allows no changes (MODE001). Describe the change instead of making it."),
                true,
            ),
            (_, Mode::Dangerous) => acc.push(
                Decision::Allow,
                "MODE004",
                format!("{verb} `{shown}` allowed in dangerous mode (MODE004)."),
                true,
            ),
            (_, Mode::Tool) => match (inside, allowed_by) {
                (_, Some(info)) => acc.push(
                    Decision::Allow,
                    info.id.clone(),
                    format!("{verb} `{shown}` is allowed by `[filesystem] allow = [\"{}\"]` ({}).", info.pattern, info.id),
                    true,
                ),
                (true, None) => acc.push(
                    Decision::Allow,
                    "FS022",
                    format!("{verb} `{shown}` inside the project; the agent's own edit prompt decides (FS022)."),
                    false,
                ),
                (false, None) => acc.push(
                    Decision::Ask,
                    "FS020",
                    format!("{verb} `{shown}`: it is outside the project, so a person must confirm (FS020). Keep changes inside the project, or explain why this path must change."),
                    true,
                ),
            },
        }
    }

    /// A recursive delete of a directory that contains the project, the home directory or
    /// Warden's own directories takes protected files with it.
    fn recursive_delete(&self, acc: &mut Acc, abs: &Path, shown: &str, ctx: &EvalContext) {
        let hits_project = ctx.project_root.starts_with(abs);
        let hits_home = ctx.home.as_ref().is_some_and(|h| h.starts_with(abs));
        let hits_own = self.protected_dirs.iter().any(|d| d.starts_with(abs));
        if hits_project || hits_home || hits_own {
            let what = if hits_project {
                "the project with its `.git` and `.warden`"
            } else if hits_home {
                "the home directory"
            } else {
                "Warden's own policy and audit log"
            };
            let rule = if hits_project { "FS012" } else { "FS010" };
            acc.push(
                Decision::Deny,
                rule,
                format!("deleting `{shown}` recursively would remove {what} ({rule}). Delete the specific files or build directories instead."),
                true,
            );
        }
    }

    fn fs_allow_hit(&self, view: &PathView, ctx: &EvalContext) -> Option<RuleInfo> {
        for l in self.layers.iter().filter(|l| l.trusted) {
            let c = &l.compiled;
            if c.fs_allow.is_empty() {
                continue;
            }
            let hits = c
                .fs_allow
                .matches(&view.abs, &ctx.project_root, ctx.home.as_deref());
            if let Some(&i) = hits.first() {
                return c.fs_allow_info.get(i).cloned();
            }
        }
        None
    }

    fn search(&self, acc: &mut Acc, path: Option<&Path>, glob: Option<&str>, ctx: &EvalContext) {
        let root = match path {
            Some(p) => paths::resolve(p, &ctx.cwd, ctx.home.as_deref()),
            None => ctx.cwd.clone(),
        };
        self.path_access(acc, &root, Access::Read, ctx, true);
        let Some(g) = glob.map(str::trim).filter(|g| !g.is_empty()) else {
            return;
        };
        // Would the glob pick out secret files? Try it with its wildcards filled in.
        let mut seen = false;
        for fill in ["", "x"] {
            let literal: String = g
                .replace("**", fill)
                .chars()
                .map(|c| match c {
                    '*' => fill.to_string(),
                    '?' => "x".to_string(),
                    '{' | '}' | '[' | ']' => String::new(),
                    c => c.to_string(),
                })
                .collect();
            let candidate = paths::resolve(Path::new(&literal), &root, ctx.home.as_deref());
            let view = PathView::new(candidate, ctx.home.as_deref());
            for hit in self.secret_hits(&view, ctx) {
                if seen {
                    break;
                }
                seen = true;
                acc.push(
                    Decision::Deny,
                    hit.rule.clone(),
                    format!("searching files matching `{}` is blocked: they are {} ({}). Search the rest of the project, or ask the person for what you need.", clip(g), hit.what, hit.rule),
                    true,
                );
            }
        }
    }

    fn fetch(&self, acc: &mut Acc, url: &str, method: &str, upload: bool) {
        // Messages name the host, never the whole URL: queries and user-info carry tokens.
        let parsed = net::parse_url(url);
        if self.mode == Mode::ReadOnly {
            let host = parsed
                .as_ref()
                .and_then(|u| u.hosts.first())
                .map_or_else(|| "the URL".to_string(), |h| format!("`{}`", clip(h)));
            acc.push(
                Decision::Deny,
                "NET006",
                format!("fetching from {host} is blocked: read-only mode has no network access (NET006). Work from the files in the project."),
                true,
            );
            return;
        }
        let Some(u) = parsed else {
            acc.push(
                Decision::Deny,
                "NET005",
                "the URL is not one Warden can judge (NET005). Write a plain `https://host/path` URL.".to_string(),
                true,
            );
            return;
        };
        if u.scheme != "http" && u.scheme != "https" {
            acc.push(
                Decision::Deny,
                "NET005",
                format!("fetching a `{}:` URL is blocked (NET005): only http and https are fetched. Use the Read tool for files.", u.scheme),
                true,
            );
            return;
        }
        let method = method.trim();
        let method = (!method.is_empty()).then_some(method);
        for h in &u.hosts {
            self.host(acc, h, method, &u.path, upload);
        }
    }

    /// Network rules for one request.
    fn host(&self, acc: &mut Acc, raw_host: &str, method: Option<&str>, path: &str, upload: bool) {
        let host = net::parse_host(raw_host);
        let shown = clip(&host.text());
        if let Host::Malformed(_) = host {
            acc.push(
                Decision::Deny,
                "NET004",
                format!("host `{shown}` looks like an IP address but is not a valid one (NET004). Write the address plainly."),
                true,
            );
            return;
        }
        let allow_hit = self.net_allow_hit(&host);
        match net::classify(&host) {
            Some(Internal::Metadata) => {
                acc.push(
                    Decision::Deny,
                    "NET003",
                    format!("requests to `{shown}` are blocked: it is a cloud metadata address that hands out credentials (NET003). There is no safe reason to call it."),
                    true,
                );
            }
            Some(kind @ (Internal::Loopback | Internal::Private)) => {
                let specific = allow_hit.as_ref().filter(|(pat, _)| !pat.is_catch_all());
                if specific.is_none() {
                    let (rule, what) = if kind == Internal::Loopback {
                        ("NET001", "this machine (loopback)")
                    } else {
                        ("NET002", "a private or internal address")
                    };
                    acc.push(
                        Decision::Deny,
                        rule,
                        format!("requests to `{shown}` are blocked: it is {what} ({rule}). Use a public endpoint, or ask the person to add this exact host to `[network] allow` in their own policy."),
                        true,
                    );
                }
            }
            None => {}
        }
        for l in &self.layers {
            let c = &l.compiled;
            for (pat, info) in &c.net_deny {
                if pat.matches(&host) {
                    acc.push(
                        Decision::Deny,
                        info.id.clone(),
                        format!("requests to `{shown}` are blocked by `[network] deny = [\"{}\"]` ({}). Use another source, or ask the person.", info.pattern, info.id),
                        true,
                    );
                }
            }
            for (decision, rules) in [(Decision::Deny, &c.never), (Decision::Ask, &c.always_ask)] {
                for (pat, info) in &rules.hosts {
                    if pat.matches(&host) {
                        let reason = info.reason.as_deref().unwrap_or_default();
                        let msg = if decision == Decision::Deny {
                            format!(
                                "requests to `{shown}` are forbidden by team rule {}: {reason}",
                                info.id
                            )
                        } else {
                            format!(
                                "requests to `{shown}` need the person's approval (team rule {}): {reason}",
                                info.id
                            )
                        };
                        acc.push(decision, info.id.clone(), msg, true);
                    }
                }
            }
            for s in &c.sensitive {
                if s.matches(method, Some(&host), path) {
                    let why = s
                        .info
                        .reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default();
                    acc.push(
                        Decision::Ask,
                        s.info.id.clone(),
                        format!(
                            "{} `{}` on `{shown}` is a sensitive endpoint (`{}`, {}){why}. A person must confirm; say what the request will change and in which environment.",
                            method.unwrap_or("a request to"),
                            clip(path),
                            s.info.pattern,
                            s.info.id
                        ),
                        true,
                    );
                }
            }
        }
        match self.mode {
            Mode::ReadOnly => {}
            Mode::Tool => {
                if builtin::is_sensitive_endpoint(method, path) {
                    acc.push(
                        Decision::Ask,
                        "NET010",
                        format!(
                            "{} `{}` on `{shown}` looks administrative or destructive (NET010). A person must confirm; say what the request will change and in which environment.",
                            method.unwrap_or("a request to"),
                            clip(path)
                        ),
                        true,
                    );
                }
                match (allow_hit, upload) {
                    (Some((_, info)), _) => acc.push(
                        Decision::Allow,
                        info.id.clone(),
                        format!("`{shown}` is allow-listed by `[network] allow = [\"{}\"]` ({}, NET013).", info.pattern, info.id),
                        true,
                    ),
                    (None, true) => acc.push(
                        Decision::Ask,
                        "NET011",
                        format!("sending local data to `{shown}`, which is not allow-listed (NET011). A person must confirm; say what is sent and why."),
                        true,
                    ),
                    (None, false) => acc.push(
                        Decision::Ask,
                        "NET012",
                        format!("`{shown}` is not in `[network] allow`; the agent's own prompt decides (NET012)."),
                        false,
                    ),
                }
            }
            Mode::Dangerous => acc.push(
                Decision::Allow,
                "MODE004",
                format!("request to `{shown}` allowed in dangerous mode (MODE004)."),
                true,
            ),
        }
    }

    fn net_allow_hit(&self, host: &Host) -> Option<(HostPat, RuleInfo)> {
        self.layers
            .iter()
            .filter(|l| l.trusted)
            .flat_map(|l| l.compiled.net_allow.iter())
            .find(|(p, _)| p.matches(host))
            .cloned()
    }

    fn git_op(&self, acc: &mut Acc, op: &GitOp, e: &Effect) {
        let protected: Vec<&String> = op
            .branches
            .iter()
            .filter(|b| {
                let b = b.strip_prefix("refs/heads/").unwrap_or(b);
                self.git.protect_branches.iter().any(|p| p == b)
            })
            .collect();
        let list = protected
            .iter()
            .map(|b| format!("`{b}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match op.subcommand.as_str() {
            "push" => {
                if op.branches.is_empty() {
                    if op.force {
                        acc.push(
                            Decision::Ask,
                            "GIT005",
                            "a force push without a named branch pushes the current branch, which may be protected (GIT005). Name the branch: `git push --force-with-lease origin my-branch`.".into(),
                            true,
                        );
                    } else if self.mode == Mode::Tool {
                        acc.push(
                            Decision::Ask,
                            "GIT005",
                            "`git push` without a named branch: the current branch may be protected; the agent's own prompt decides (GIT005).".into(),
                            false,
                        );
                    }
                }
                if !protected.is_empty() {
                    if op.force || op.delete {
                        let what = if op.delete { "deleting" } else { "force-pushing" };
                        acc.push(
                            Decision::Deny,
                            "GIT002",
                            format!("{what} protected branch {list} is blocked in every mode (GIT002). Revert with a new commit on a feature branch and open a pull request."),
                            true,
                        );
                    } else if op.lease {
                        acc.push(
                            Decision::Ask,
                            "GIT003",
                            format!("`--force-with-lease` to protected branch {list} rewrites shared history (GIT003). A person must confirm."),
                            true,
                        );
                    } else if self.git.require_pr {
                        acc.push(
                            Decision::Deny,
                            "GIT001",
                            format!("pushing to protected branch {list} is blocked: this policy requires pull requests (GIT001, `require_pr = true`). Push a feature branch and open a pull request."),
                            true,
                        );
                    } else {
                        acc.push(
                            Decision::Ask,
                            "GIT001",
                            format!("pushing to protected branch {list} needs the person's confirmation (GIT001). Prefer a feature branch and a pull request."),
                            true,
                        );
                    }
                } else {
                    if op.delete && !op.branches.is_empty() {
                        acc.push(
                            Decision::Ask,
                            "GIT004",
                            format!("deleting remote branch {} needs the person's confirmation (GIT004).", op.branches.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")),
                            true,
                        );
                    }
                    if op.force && self.git.warn_force_push && !op.branches.is_empty() {
                        acc.push(
                            Decision::Ask,
                            "GIT003",
                            "a force push can drop commits others pushed (GIT003, `warn_force_push`). A person must confirm; prefer `--force-with-lease`.".into(),
                            true,
                        );
                    }
                }
            }
            "branch" if !protected.is_empty() && (op.delete || op.force) => acc.push(
                Decision::Ask,
                "GIT004",
                format!("deleting or overwriting protected branch {list} needs the person's confirmation (GIT004)."),
                true,
            ),
            _ => {}
        }
        let _ = e;
    }

    fn mcp_action(&self, acc: &mut Acc, server: &str, tool: &str) {
        let name = format!("mcp__{server}__{tool}");
        self.team_tools(acc, &name, &format!("{server}/{tool}"));
        let rule = self.mcp_tool(server, tool);
        let read_only_ok = self.mode != Mode::ReadOnly
            || rule
                .as_ref()
                .is_some_and(|r| r.decision == Decision::Allow && mcp::looks_read_only(tool));
        if !read_only_ok {
            acc.push(
                Decision::Deny,
                "TOOL002",
                format!("MCP tool `{server}/{tool}` is blocked: read-only mode runs only MCP tools that are allowed and named like reads (`get_*`, `list_*`, …) (TOOL002, MODE001)."),
                true,
            );
        }
        match (self.mode, rule) {
            (_, Some(r)) => acc.push(r.decision, r.rule, r.message, true),
            (Mode::ReadOnly, None) => {}
            (Mode::Tool, None) => acc.push(
                Decision::Ask,
                "TOOL002",
                format!("MCP tool `{server}/{tool}` is not named in `[mcp.servers.{server}]`; the agent's own prompt decides (TOOL002)."),
                false,
            ),
            (Mode::Dangerous, None) => acc.push(
                Decision::Allow,
                "MODE004",
                format!("MCP tool `{server}/{tool}` allowed in dangerous mode (MODE004)."),
                true,
            ),
        }
    }

    fn unknown_tool(&self, acc: &mut Acc, tool: &str) {
        self.team_tools(acc, tool, tool);
        match self.mode {
            Mode::ReadOnly => acc.push(
                Decision::Deny,
                "TOOL001",
                format!("tool `{}` is unknown to Warden and read-only mode runs only what is proven read-only (TOOL001, MODE001).", clip(tool)),
                true,
            ),
            Mode::Tool => acc.push(
                Decision::Ask,
                "TOOL001",
                format!("tool `{}` is unknown to Warden; the agent's own prompt decides (TOOL001).", clip(tool)),
                false,
            ),
            Mode::Dangerous => acc.push(
                Decision::Allow,
                "MODE004",
                format!("tool `{}` allowed in dangerous mode (MODE004).", clip(tool)),
                true,
            ),
        }
    }

    fn team_tools(&self, acc: &mut Acc, name: &str, shown: &str) {
        for (decision, info) in self.team_tool_hits(name) {
            let reason = info.reason.as_deref().unwrap_or_default();
            let msg = if decision == Decision::Deny {
                format!(
                    "tool `{shown}` is forbidden by team rule {}: {reason}",
                    info.id
                )
            } else {
                format!(
                    "tool `{shown}` needs the person's approval (team rule {}): {reason}",
                    info.id
                )
            };
            acc.push(decision, info.id, msg, true);
        }
    }
}

/// The program and its first argument, for messages: the rest of a command line may hold a
/// token or a password and is never echoed.
fn command_head(argv: &[String]) -> String {
    let mut words = argv
        .iter()
        .take(2)
        .map(|w| clip(w))
        .collect::<Vec<_>>()
        .join(" ");
    if argv.len() > 2 {
        words.push_str(" …");
    }
    words
}

fn rule_message(decision: Decision, shown: &str, kind: &str, info: &RuleInfo) -> String {
    let reason = info
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    match decision {
        Decision::Deny => format!(
            "`{shown}` is forbidden by {kind} {} (`{}`){reason}. Do not retry it in another form; ask the person if it is really needed.",
            info.id, info.pattern
        ),
        _ => format!(
            "`{shown}` needs the person's approval ({kind} {}, `{}`){reason}.",
            info.id, info.pattern
        ),
    }
}

/// `warden trust`, `warden approve`, `warden mcp approve` (global flags skipped).
fn self_approval(argv: &[String]) -> Option<&'static str> {
    let prog = argv.first()?;
    let base = prog.rsplit('/').next().unwrap_or(prog);
    if base != "warden" {
        return None;
    }
    let words: Vec<&str> = argv[1..]
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with('-'))
        .collect();
    match words.as_slice() {
        ["trust", ..] => Some("trust"),
        ["approve", ..] => Some("approve"),
        ["init", ..] => Some("init"),
        ["mcp", "approve", ..] => Some("mcp approve"),
        ["mcp", "wrap", ..] => Some("mcp wrap"),
        ["git", "install", ..] => Some("git install"),
        _ => None,
    }
}
