//! `warden mcp`: the MCP gateway (`proxy`), the review of new or changed tools (`approve`), the
//! audit of MCP client configurations (`audit`) and the reversible rewrite that routes them
//! through the gateway (`wrap`).
//!
//! The gateway logic lives in `warden-mcp`; this module wires the real policy
//! (`warden_policy::Policy::mcp_tool`), the secret scanner (`warden_secrets::Scanner`) and the
//! audit log (`warden_audit::AuditLog`) into it, and renders for people.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};
use warden_core::{Decision, Reason, RuleId, Verdict};
use warden_mcp::ratelimit::{Rate, RateLimiter};
use warden_mcp::{
    AuditSink, GatewayConfig, GatewayEvent, Redactor, RelayEnd, RelayOptions, Router,
    ServerCommand, ToolPolicy,
};

use crate::exit;
use crate::exit::ExitCode;

/// Arguments of `warden mcp`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: McpCommand,
}

/// The `warden mcp` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum McpCommand {
    /// Run an MCP server (stdio) behind the gateway: per-tool policy, pinning, poisoning
    /// checks and secret redaction. Put this in the agent's MCP config instead of the server.
    Proxy(ProxyArgs),
    /// Review the new, changed or flagged tools of a server and pin them. Run by the person in
    /// a terminal, never by the agent.
    Approve(ApproveArgs),
    /// Find the MCP configurations of Claude Code, Claude Desktop, Cursor, Windsurf, Gemini
    /// CLI and VS Code and report risky servers. Exit: 0 no findings, 1 findings, 2 error.
    Audit(AuditArgs),
    /// Rewrite an MCP configuration so that its stdio servers run behind the gateway
    /// (reversible with --undo; the file is backed up first).
    Wrap(WrapArgs),
}

/// Output formats of `warden mcp audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// `{"configs": [{"client", "path", "servers": [{"name", "findings": [...]}]}], "findings": N}`.
    Json,
}

/// Arguments of `warden mcp audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Also start each stdio server, list its tools, run the poisoning checks and pin them.
    #[arg(long)]
    pub live: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The project whose `.mcp.json`, `.cursor/`, `.gemini/` and `.vscode/` configs to include
    /// (default: found from the current directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Seconds each live server gets to answer.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
}

/// Arguments of `warden mcp wrap`.
#[derive(Debug, clap::Args)]
pub struct WrapArgs {
    /// The configuration file to rewrite.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["client", "all"])]
    pub config: Option<PathBuf>,
    /// Rewrite the configurations of one client: claude-code, claude-desktop, cursor,
    /// windsurf, gemini, vscode.
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub client: Option<String>,
    /// Rewrite every configuration found.
    #[arg(long)]
    pub all: bool,
    /// Restore the entries to run without the gateway.
    #[arg(long)]
    pub undo: bool,
    /// Show what would change without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// The `warden` executable to put in the configs (default: this one).
    #[arg(long, value_name = "PATH")]
    pub warden: Option<PathBuf>,
    /// The project whose configs to include (default: found from the current directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

/// Arguments of `warden mcp proxy`.
#[derive(Debug, clap::Args)]
pub struct ProxyArgs {
    /// The server's name, as in the policy's `[mcp.servers.NAME]`.
    #[arg(long, value_name = "NAME")]
    pub server: String,
    /// The project whose `.warden/policy.toml` applies (default: found from the current
    /// directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Largest message (one line) accepted from either side, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = warden_mcp::frame::DEFAULT_MAX_LINE)]
    pub max_line: usize,
    /// Seconds a request may wait for the server before the gateway answers with an error
    /// (0: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub request_timeout: u64,
    /// Seconds to wait for the person's answer when asking through the client.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub approval_timeout: u64,
    /// Seconds each shutdown step waits (stdin closed, SIGTERM, SIGKILL).
    #[arg(long, value_name = "SECS", default_value_t = 2)]
    pub shutdown_grace: u64,
    /// Rate limit for all tool calls of this server, e.g. `10/s`, `100/m`, `5/s:10` (burst).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub rate: Option<Rate>,
    /// Rate limit for each tool of this server.
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub tool_rate: Option<Rate>,
    /// Rate limit for one tool: `TOOL=RATE` (repeatable).
    #[arg(long = "tool-rate-for", value_name = "TOOL=RATE", value_parser = parse_tool_rate)]
    pub tool_rate_for: Vec<(String, Rate)>,
    /// The server command and its arguments (after `--`; the `--` may be left out for
    /// clients that drop it, such as the inspector CLI).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true,
        value_name = "CMD"
    )]
    pub command: Vec<OsString>,
}

/// Arguments of `warden mcp approve`.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The server whose pending tools to review.
    #[arg(value_name = "NAME")]
    pub server: String,
    /// Accept without a prompt (for scripts run by the person; never by the agent).
    #[arg(long)]
    pub yes: bool,
}

fn parse_rate(s: &str) -> Result<Rate, String> {
    Rate::parse(s).ok_or_else(|| format!("invalid rate `{s}` (examples: 10/s, 100/m, 5/s:10)"))
}

fn parse_tool_rate(s: &str) -> Result<(String, Rate), String> {
    let (tool, rate) = s
        .split_once('=')
        .ok_or_else(|| format!("expected TOOL=RATE, got `{s}`"))?;
    Ok((tool.trim().to_string(), parse_rate(rate)?))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        McpCommand::Proxy(a) => proxy(a),
        McpCommand::Approve(a) => approve(a),
        McpCommand::Audit(a) => audit(a),
        McpCommand::Wrap(a) => wrap(a),
    }
}

// ----- proxy ---------------------------------------------------------------------------------

fn proxy(args: ProxyArgs) -> anyhow::Result<ExitCode> {
    warden_mcp::pin::validate_server_name(&args.server)?;
    let project = args.project.clone().or_else(find_project_root);
    let policy = adapters::policy(project.clone(), &args.server);
    let state_dir = warden_mcp::state_dir();
    if state_dir.is_none() {
        log(
            &args.server,
            "no HOME or XDG_STATE_HOME: tool pinning and approval codes are off",
        );
    }
    let overrides: HashMap<String, Rate> = args.tool_rate_for.iter().cloned().collect();
    let mut cfg = GatewayConfig::new(args.server.clone());
    cfg.max_line = args.max_line.max(1024);
    cfg.request_timeout =
        (args.request_timeout > 0).then(|| Duration::from_secs(args.request_timeout));
    cfg.approval_timeout = Duration::from_secs(args.approval_timeout.max(1));
    cfg.state_dir = state_dir;
    cfg.rates = RateLimiter::new(args.rate, args.tool_rate, overrides);
    let (audit, audit_writer) = adapters::background_audit(adapters::audit(&args.server));
    let router = Router::new(cfg, policy, adapters::redactor(), audit)?;
    let (program, rest) = args
        .command
        .split_first()
        .context("missing server command after `--`")?;
    let cmd = ServerCommand::new(program.clone()).args(rest.iter().cloned());
    let server = args.server.clone();
    let opts = RelayOptions {
        max_line: args.max_line.max(1024),
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
        log: Arc::new(move |msg: &str| log(&server, msg)),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let end = rt.block_on(async {
        let (input, output) = warden_mcp::relay::stdio();
        warden_mcp::relay::run_child(router, input, output, &cmd, opts).await
    })?;
    // The stdin reader may be blocked in a read the runtime cannot cancel.
    rt.shutdown_timeout(Duration::from_millis(100));
    // The router (and with it the audit sender) is gone: let the writer finish the queue.
    let _ = audit_writer.join();
    match end {
        RelayEnd::ClientClosed { .. } => Ok(ExitCode::from(exit::SUCCESS)),
        // The server failing is not Warden failing, but the client must see a failure.
        RelayEnd::ServerExited { .. } => Ok(ExitCode::from(1)),
    }
}

#[allow(clippy::print_stderr)]
fn log(server: &str, msg: &str) {
    eprintln!(
        "warden mcp proxy [{server}]: {}",
        msg.strip_prefix("warden: ").unwrap_or(msg)
    );
}

/// The nearest ancestor of the current directory with a `.warden` directory or a `.git`,
/// else the current directory.
fn find_project_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|d| d.join(".warden").is_dir() || d.join(".git").exists())
        .map(Path::to_path_buf)
        .or(Some(cwd))
}

// ----- audit and wrap ------------------------------------------------------------------------

fn home_dir() -> anyhow::Result<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .context("HOME is not set to an absolute path")
}

/// Exit codes of `warden mcp audit` (as `warden scan`).
const AUDIT_CLEAN: u8 = 0;
const AUDIT_FOUND: u8 = 1;
const AUDIT_ERROR: u8 = 2;

fn audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let home = match home_dir() {
        Ok(h) => h,
        Err(e) => {
            eprintln_plain(&format!("warden: error: {e}"));
            return Ok(ExitCode::from(AUDIT_ERROR));
        }
    };
    let project = args.project.clone().or_else(find_project_root);
    let redactor = adapters::redactor();
    let mut report = warden_mcp::config_audit::audit(&home, project.as_deref(), redactor.as_ref());
    if args.live {
        let state = warden_mcp::state_dir();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        for cfg in &mut report.configs {
            let Ok(json) = warden_mcp::config_audit::read_config(&cfg.path) else {
                continue;
            };
            let entries = warden_mcp::config_audit::parse_servers(&json);
            for server in &mut cfg.servers {
                let Some(entry) = entries.iter().find(|e| e.pointer == server.pointer) else {
                    continue;
                };
                if entry.command.is_none() {
                    continue;
                }
                let live = rt.block_on(warden_mcp::config_audit::live(
                    entry,
                    state.as_deref(),
                    project.as_deref(),
                    Duration::from_secs(args.timeout.max(1)),
                ));
                for (tool, findings) in &live.poisoning {
                    for f in findings {
                        server
                            .findings
                            .push(warden_mcp::config_audit::AuditFinding {
                                rule: "MCP031",
                                severity: "high",
                                message: format!(
                                    "tool `{tool}`: {} at {}: {}",
                                    f.rule, f.field, f.message
                                ),
                            });
                    }
                }
                server.live = Some(live);
            }
        }
        rt.shutdown_timeout(Duration::from_millis(100));
    }
    match args.format {
        Format::Json => render_audit_json(&report)?,
        Format::Text => render_audit_text(&report, &home),
    }
    let broken = report.configs.iter().any(|c| c.error.is_some());
    Ok(ExitCode::from(if report.finding_count() > 0 {
        AUDIT_FOUND
    } else if broken {
        AUDIT_ERROR
    } else {
        AUDIT_CLEAN
    }))
}

#[allow(clippy::print_stdout)]
fn render_audit_json(report: &warden_mcp::config_audit::Report) -> anyhow::Result<()> {
    let mut v = serde_json::to_value(report)?;
    v["findings"] = json!(report.finding_count());
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}

#[allow(clippy::print_stdout)]
fn render_audit_text(report: &warden_mcp::config_audit::Report, home: &Path) {
    let show = |p: &Path| match p.strip_prefix(home) {
        Ok(rest) => format!("~/{}", rest.display()),
        Err(_) => p.display().to_string(),
    };
    if report.configs.is_empty() {
        println!(
            "No MCP configuration found (Claude Code, Claude Desktop, Cursor, Windsurf, Gemini CLI, VS Code)."
        );
        return;
    }
    let mut servers = 0;
    for cfg in &report.configs {
        println!("{} ({}) {}", cfg.client, cfg.scope, show(&cfg.path));
        if let Some(e) = &cfg.error {
            println!("  cannot read: {e}");
        }
        for s in &cfg.servers {
            servers += 1;
            let gate = if s.behind_gateway {
                "behind the gateway"
            } else {
                "direct"
            };
            println!("  {}  [{}, {gate}]  {}", s.name, s.transport, s.launch);
            for f in &s.findings {
                println!("    {} {:<6} {}", f.rule, f.severity, f.message);
            }
            if let Some(live) = &s.live {
                match &live.error {
                    Some(e) => println!("    live: could not list tools: {e}"),
                    None => {
                        println!(
                            "    live: {} tool(s); pinned now: {}; waiting for `warden mcp approve {}`: {}",
                            live.tools,
                            live.pinned_now.len(),
                            s.name,
                            if live.pending.is_empty() {
                                "none".to_string()
                            } else {
                                live.pending
                                    .iter()
                                    .map(|(n, w)| format!("{n} ({w})"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        );
                    }
                }
            }
        }
    }
    let n = report.finding_count();
    println!(
        "\n{} config(s), {servers} server(s), {n} finding(s).",
        report.configs.len()
    );
    if report
        .configs
        .iter()
        .flat_map(|c| &c.servers)
        .any(|s| !s.behind_gateway && s.transport == "stdio")
    {
        println!(
            "Route servers through the gateway with `warden mcp wrap --all` (undo: `warden mcp wrap --all --undo`)."
        );
    }
}

#[allow(clippy::print_stdout)]
fn wrap(args: WrapArgs) -> anyhow::Result<ExitCode> {
    let paths: Vec<PathBuf> = if let Some(p) = &args.config {
        vec![p.clone()]
    } else {
        let home = home_dir()?;
        let project = args.project.clone().or_else(find_project_root);
        let found = warden_mcp::config_audit::discover(&home, project.as_deref());
        match (&args.client, args.all) {
            (Some(c), _) => {
                let known = [
                    "claude-code",
                    "claude-desktop",
                    "cursor",
                    "windsurf",
                    "gemini",
                    "vscode",
                ];
                if !known.contains(&c.as_str()) {
                    eprintln_plain(&format!(
                        "warden: unknown client `{c}` (expected one of: {})",
                        known.join(", ")
                    ));
                    return Ok(ExitCode::from(exit::USAGE));
                }
                found
                    .into_iter()
                    .filter(|f| f.client == c)
                    .map(|f| f.path)
                    .collect()
            }
            (None, true) => found.into_iter().map(|f| f.path).collect(),
            (None, false) => {
                eprintln_plain(
                    "warden: say which configuration to rewrite: --config PATH, --client NAME or --all",
                );
                return Ok(ExitCode::from(exit::USAGE));
            }
        }
    };
    if paths.is_empty() {
        println!("No MCP configuration found to rewrite.");
        return Ok(ExitCode::from(exit::SUCCESS));
    }
    let warden = match &args.warden {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .context("cannot find the warden executable; pass --warden PATH")?,
    };
    let warden = warden.to_string_lossy().into_owned();
    let mut failed = false;
    for path in &paths {
        match warden_mcp::wrap::wrap_file(path, &warden, args.undo, args.dry_run) {
            Ok(summary) => {
                let verb = match (args.undo, args.dry_run) {
                    (false, false) => "wrapped",
                    (true, false) => "restored",
                    (false, true) => "would wrap",
                    (true, true) => "would restore",
                };
                println!(
                    "{}: {verb} {}",
                    path.display(),
                    if summary.changed.is_empty() {
                        "nothing".to_string()
                    } else {
                        summary.changed.join(", ")
                    }
                );
                for (name, why) in &summary.skipped {
                    println!("  skipped {name}: {why}");
                }
                if let Some(b) = &summary.backup {
                    println!("  backup: {}", b.display());
                }
            }
            Err(e) => {
                failed = true;
                eprintln_plain(&format!("warden: {e}"));
            }
        }
    }
    Ok(ExitCode::from(if failed {
        exit::INTERNAL
    } else {
        exit::SUCCESS
    }))
}

// ----- approve -------------------------------------------------------------------------------

#[allow(clippy::print_stdout)]
fn approve(args: ApproveArgs) -> anyhow::Result<ExitCode> {
    warden_mcp::pin::validate_server_name(&args.server)?;
    let dir = warden_mcp::state_dir().context("neither XDG_STATE_HOME nor HOME is set")?;
    let store = warden_mcp::pin::PinStore::new(&dir);
    let Some(pending) = store.load_pending(&args.server)? else {
        println!("Nothing to review for MCP server `{}`.", args.server);
        return Ok(ExitCode::from(exit::SUCCESS));
    };
    let pins = store.load(&args.server)?;
    println!(
        "Review of MCP server `{}`: {} tool definition(s) are blocked until you accept them.",
        args.server,
        pending.tools.len()
    );
    println!("This must be run by you, in your own terminal. An AI agent must never run it.\n");
    for (name, tool) in &pending.tools {
        let what = match tool.change {
            warden_mcp::pin::Change::New => "NEW tool",
            warden_mcp::pin::Change::Changed => "CHANGED since pinned",
            warden_mcp::pin::Change::Poisoned => "FLAGGED by the poisoning checks",
        };
        println!("== {name}: {what}");
        for f in &tool.findings {
            let field = if f.field.is_empty() {
                "/"
            } else {
                f.field.as_str()
            };
            println!("   ! {} at {field}: {}", f.rule, f.message);
        }
        let old = pins
            .as_ref()
            .and_then(|p| p.tools.get(name))
            .map(|p| &p.definition);
        for line in warden_mcp::pin::diff(old, &tool.definition).lines() {
            println!("   {line}");
        }
        println!();
    }
    if !args.yes {
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            eprintln_plain(
                "warden: refusing to approve without a terminal: a person must run `warden mcp approve` \
                 interactively (or pass --yes in a script they run themselves; never from an agent)",
            );
            return Ok(ExitCode::from(exit::USAGE));
        }
        print!(
            "Pin these {} definition(s) and allow the tools? [y/N] ",
            pending.tools.len()
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
            println!("Nothing changed.");
            return Ok(ExitCode::from(exit::SUCCESS));
        }
    }
    let approved = store.approve(&args.server, warden_mcp::pin::unix_now())?;
    let audit = adapters::audit(&args.server);
    let mut ev = GatewayEvent {
        server: args.server.clone(),
        kind: warden_mcp::EventKind::ToolsPinned,
        tool: None,
        decision: Decision::Allow,
        reasons: vec![Reason {
            rule: RuleId::builtin("MCP035"),
            decision: Decision::Allow,
            message: "approved by the person with `warden mcp approve`".into(),
        }],
        redactions: 0,
        direction: None,
        detail: String::new(),
    };
    ev.detail = format!("approved: {}", approved.tools.join(", "));
    audit.record(ev);
    println!(
        "Pinned {} tool definition(s) of `{}`: {}",
        approved.tools.len(),
        args.server,
        approved.tools.join(", ")
    );
    Ok(ExitCode::from(exit::SUCCESS))
}

#[allow(clippy::print_stderr)]
fn eprintln_plain(msg: &str) {
    eprintln!("{msg}");
}

// ----- adapters to the real policy, scanner and audit log ---------------------------------------

mod adapters {
    use super::*;

    /// The real policy: explicit `[mcp.servers.NAME]` rules from every layer, else the
    /// server's annotations as hints. A policy that fails to load denies every tool.
    pub fn policy(project: Option<PathBuf>, server: &str) -> Arc<dyn ToolPolicy> {
        match warden_policy::load(&warden_policy::LoadOptions::from_env(project)) {
            Ok(policy) => Arc::new(LayeredPolicy { policy }),
            Err(errors) => {
                let message = format!("the Warden policy failed to load: {errors}");
                super::log(
                    server,
                    &format!("{message}; every tool of this server is denied"),
                );
                Arc::new(FailClosed { message })
            }
        }
    }

    struct LayeredPolicy {
        policy: warden_policy::Policy,
    }

    impl ToolPolicy for LayeredPolicy {
        fn decide(&self, server: &str, tool: &str, annotations: Option<&Value>) -> Verdict {
            match self.policy.mcp_tool(server, tool) {
                Some(reason) => Verdict {
                    decision: reason.decision,
                    reasons: vec![reason],
                    explicit: true,
                },
                None => warden_mcp::policy::annotation_default(tool, annotations),
            }
        }
    }

    struct FailClosed {
        message: String,
    }

    impl ToolPolicy for FailClosed {
        fn decide(&self, _server: &str, _tool: &str, _annotations: Option<&Value>) -> Verdict {
            Verdict::fail_closed("MCP099", self.message.clone())
        }
    }

    /// The secret scanner's built-in rules.
    pub fn redactor() -> Arc<dyn Redactor> {
        Arc::new(SecretRedactor)
    }

    struct SecretRedactor;

    impl Redactor for SecretRedactor {
        fn redact(&self, text: &mut String) -> usize {
            let scanner = warden_secrets::Scanner::builtin();
            let n = scanner.scan_text(text).len();
            if n > 0
                && let std::borrow::Cow::Owned(s) = scanner.redact(text)
            {
                *text = s;
            }
            n
        }
    }

    /// The audit log under `$XDG_STATE_HOME/warden`; when it cannot be opened the gateway
    /// still runs and says so once.
    pub fn audit(server: &str) -> Arc<dyn AuditSink> {
        let dir = warden_audit::default_state_dir();
        let log = dir
            .as_ref()
            .map(|d| warden_audit::AuditLog::open(d, crate::env::audit_options()));
        match log {
            Some(Ok(log)) => Arc::new(LogSink {
                log,
                warned: Mutex::new(false),
            }),
            Some(Err(e)) => {
                super::log(
                    server,
                    &format!("the audit log cannot be opened ({e}); decisions are not recorded"),
                );
                Arc::new(warden_mcp::NoAudit)
            }
            None => {
                super::log(
                    server,
                    "no HOME or XDG_STATE_HOME: decisions are not recorded",
                );
                Arc::new(warden_mcp::NoAudit)
            }
        }
    }

    /// Move audit writes off the relay's path: events go through a channel to a thread that
    /// appends them in order. The thread ends when the returned sink is dropped and the
    /// queue is written; join the handle before exiting.
    pub fn background_audit(
        sink: Arc<dyn AuditSink>,
    ) -> (Arc<dyn AuditSink>, std::thread::JoinHandle<()>) {
        let (tx, rx) = std::sync::mpsc::channel::<GatewayEvent>();
        let handle = std::thread::spawn(move || {
            for event in rx {
                sink.record(event);
            }
        });
        (Arc::new(QueuedSink { tx: Mutex::new(tx) }), handle)
    }

    struct QueuedSink {
        tx: Mutex<std::sync::mpsc::Sender<GatewayEvent>>,
    }

    impl AuditSink for QueuedSink {
        fn record(&self, event: GatewayEvent) {
            if let Ok(tx) = self.tx.lock() {
                let _ = tx.send(event);
            }
        }
    }

    struct LogSink {
        log: warden_audit::AuditLog,
        warned: Mutex<bool>,
    }

    impl AuditSink for LogSink {
        fn record(&self, event: GatewayEvent) {
            let kind = serde_json::to_value(event.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let record = warden_audit::NewRecord {
                event: format!("mcp_{kind}"),
                point: "mcp".into(),
                tool: Some(match &event.tool {
                    Some(t) => format!("mcp__{}__{t}", event.server),
                    None => format!("mcp__{}", event.server),
                }),
                action: json!({
                    "server": event.server,
                    "tool": event.tool,
                    "kind": kind,
                    "direction": event.direction,
                    "redactions": event.redactions,
                    "detail": event.detail,
                }),
                decision: Some(event.decision.as_str().to_string()),
                rules: event.reasons.iter().map(|r| r.rule.to_string()).collect(),
                reason: event.reasons.first().map(|r| r.message.clone()),
                cwd: std::env::current_dir()
                    .ok()
                    .map(|d| d.display().to_string()),
                ..Default::default()
            };
            if let Err(e) = self.log.append(record)
                && let Ok(mut warned) = self.warned.lock()
                && !*warned
            {
                *warned = true;
                super::log(&event.server, &format!("cannot write the audit log: {e}"));
            }
        }
    }
}
