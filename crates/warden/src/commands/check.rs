//! `warden check`: evaluate one action against the policy, for people and scripts.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;
use warden_core::{Action, Decision, Mode, Verdict};

use crate::exit::ExitCode;
use crate::{env, exit, record};

/// Arguments of `warden check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 allow, 2 deny, 3 ask, 64 usage error, 70 internal error.\n\
                  Examples:\n  warden check -- 'git push --force origin main'\n  \
                  warden check --read .env\n  warden check --fetch https://169.254.169.254/latest/meta-data/\n  \
                  warden check --mcp memory/delete_entities"
)]
pub struct Args {
    /// The mode to evaluate in (read-only, tool, dangerous); default: `WARDEN_MODE`, else the policy's.
    #[arg(long, value_parser = env::parse_mode)]
    pub mode: Option<Mode>,
    /// The working directory the action runs in (default: the current directory).
    #[arg(long)]
    pub cwd: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Evaluate reading this file.
    #[arg(long, value_name = "PATH")]
    pub read: Option<PathBuf>,
    /// Evaluate writing this file.
    #[arg(long, value_name = "PATH")]
    pub write: Option<PathBuf>,
    /// With --write: the new content (checked for secrets).
    #[arg(long, requires = "write")]
    pub content: Option<String>,
    /// Evaluate an HTTP request to this URL.
    #[arg(long, value_name = "URL")]
    pub fetch: Option<String>,
    /// With --fetch: the HTTP method.
    #[arg(long, default_value = "GET", requires = "fetch")]
    pub method: String,
    /// With --fetch: the request body (checked for secrets).
    #[arg(long, requires = "fetch")]
    pub body: Option<String>,
    /// Evaluate a call of an MCP tool, as SERVER/TOOL.
    #[arg(long, value_name = "SERVER/TOOL")]
    pub mcp: Option<String>,
    /// With --mcp: the tool's arguments as JSON.
    #[arg(long, requires = "mcp", value_name = "JSON")]
    pub arguments: Option<String>,
    /// The shell command to evaluate (after `--`). Several words are quoted as given.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[allow(clippy::print_stderr)]
fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("warden check: {message}\n\nSee `warden check --help`.");
    Ok(ExitCode::from(exit::USAGE))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cwd = match &args.cwd {
        Some(dir) if dir.is_relative() => env::current_dir().join(dir),
        Some(dir) => dir.clone(),
        None => env::current_dir(),
    };
    let action = match build_action(&args, &cwd) {
        Ok(action) => action,
        Err(message) => return usage(&message),
    };
    let ctx = env::context(&cwd);
    let (verdict, action, effects, mode) = match env::load_policy(&ctx, args.mode) {
        Ok(policy) => {
            let decided = warden_engine::decide(&policy, &action, &ctx);
            // The audit log is best effort here: `check` is a question, not an action.
            let _ = record::check(&decided, &policy, &cwd);
            let mode = policy.mode();
            (decided.verdict, decided.action, decided.effects, Some(mode))
        }
        Err(errors) => (
            Verdict::fail_closed(
                "WARDEN-POLICY",
                format!(
                    "the policy cannot be loaded, so everything is denied until it is fixed:\n{errors}"
                ),
            ),
            action,
            Vec::new(),
            args.mode,
        ),
    };
    render(args.format, &verdict, &action, &effects, mode)?;
    Ok(ExitCode::from(match verdict.decision {
        Decision::Allow => exit::SUCCESS,
        Decision::Deny => exit::DENY,
        Decision::Ask => exit::ASK,
    }))
}

fn build_action(args: &Args, cwd: &std::path::Path) -> Result<Action, String> {
    let mut actions = Vec::new();
    if !args.command.is_empty() {
        let command = if args.command.len() == 1 {
            args.command[0].clone()
        } else {
            warden_agents::join_argv(&args.command)
        };
        actions.push(Action::Shell {
            command,
            cwd: cwd.to_path_buf(),
        });
    }
    if let Some(path) = &args.read {
        actions.push(Action::Read { path: path.clone() });
    }
    if let Some(path) = &args.write {
        actions.push(Action::Write {
            path: path.clone(),
            content: args.content.clone().unwrap_or_default(),
        });
    }
    if let Some(url) = &args.fetch {
        actions.push(Action::Fetch {
            url: url.clone(),
            method: args.method.to_ascii_uppercase(),
            body: args.body.clone(),
        });
    }
    if let Some(target) = &args.mcp {
        let (server, tool) = target
            .split_once('/')
            .filter(|(s, t)| !s.is_empty() && !t.is_empty())
            .ok_or_else(|| format!("--mcp takes SERVER/TOOL, got `{target}`"))?;
        let arguments = match &args.arguments {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| format!("--arguments is not valid JSON: {e}"))?,
            None => serde_json::Value::Object(Default::default()),
        };
        actions.push(Action::Mcp {
            server: server.to_string(),
            tool: tool.to_string(),
            arguments,
        });
    }
    match actions.len() {
        1 => Ok(actions.remove(0)),
        0 => Err("nothing to check: give `-- COMMAND`, --read, --write, --fetch or --mcp".into()),
        _ => Err("give exactly one of `-- COMMAND`, --read, --write, --fetch, --mcp".into()),
    }
}

fn summary(action: &Action) -> String {
    match action {
        Action::Shell { command, .. } => command.clone(),
        Action::Read { path } => format!("read {}", path.display()),
        Action::Write { path, .. } => format!("write {}", path.display()),
        Action::Edit { path, .. } => format!("edit {}", path.display()),
        Action::Search { pattern, .. } => format!("search {pattern}"),
        Action::Fetch { url, method, .. } => format!("{method} {url}"),
        Action::WebSearch { query } => format!("web search {query}"),
        Action::Mcp { server, tool, .. } => format!("mcp {server}/{tool}"),
        Action::Unknown { tool, .. } => format!("tool {tool}"),
    }
}

#[allow(clippy::print_stdout)]
fn render(
    format: Format,
    verdict: &Verdict,
    action: &Action,
    effects: &[warden_core::Effect],
    mode: Option<Mode>,
) -> anyhow::Result<()> {
    let scanner = warden_secrets::Scanner::builtin();
    let mut out = std::io::stdout().lock();
    let result = match format {
        Format::Json => {
            let mut effects = serde_json::to_value(effects)?;
            scanner.redact_json(&mut effects);
            let value = json!({
                "decision": verdict.decision,
                "reasons": verdict.reasons.iter().map(|r| json!({
                    "rule": r.rule,
                    "decision": r.decision,
                    "message": r.message,
                })).collect::<Vec<_>>(),
                "explicit": verdict.explicit,
                "mode": mode.map(Mode::as_str),
                "action": warden_engine::redacted_action(action),
                "effects": effects,
            });
            writeln!(out, "{value}")
        }
        Format::Text => {
            let summary = summary(action);
            let mut text = format!("{}: {}\n", verdict.decision, scanner.redact(&summary));
            if verdict.reasons.is_empty() {
                text.push_str(&format!(
                    "  no rule matched; this is the {} mode's default\n",
                    mode.map_or("current", Mode::as_str)
                ));
            }
            // Rules that would have allowed are noise next to a deny or an ask.
            let shown = verdict
                .reasons
                .iter()
                .filter(|r| verdict.decision == Decision::Allow || r.decision != Decision::Allow);
            for reason in shown {
                text.push_str(&format!(
                    "  {:<5} {:<8} {}\n",
                    reason.decision.as_str(),
                    reason.rule,
                    reason.message
                ));
            }
            if let Some(mode) = mode {
                text.push_str(&format!("  (mode: {mode})\n"));
            }
            out.write_all(text.as_bytes())
        }
    };
    match result {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
