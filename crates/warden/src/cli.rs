use clap::{Parser, Subcommand};

use crate::commands;

/// One security policy and one audit log over everything an AI coding agent can do.
#[derive(Debug, Parser)]
#[command(name = "warden", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer one agent hook event (JSON on stdin) in the agent's own format.
    Hook(commands::hook::Args),
    /// Evaluate a shell command, file access, fetch or MCP call against the policy.
    Check(commands::check::Args),
    /// Print what a rule does, why, and examples.
    Explain(commands::explain::Args),
    /// Write a commented `.warden/policy.toml` and register the hook with the agent.
    Init(commands::init::Args),
    /// Trust the project policy as it is now (records its hash).
    Trust(commands::trust::Args),
    /// Scan files, staged changes or git history for secrets.
    Scan(commands::scan::Args),
    /// Query and verify the audit log.
    Log(commands::log::Args),
    /// The MCP gateway and MCP configuration audit.
    Mcp(commands::mcp::Args),
    /// Find every place a leaked secret appears and print how to rotate it and rewrite history.
    Incident(commands::incident::Args),
    /// Install Warden's git hooks (pre-commit secret scan, pre-push branch protection).
    Git(commands::git::Args),
    /// Grant a one-time approval code that Warden gave instead of asking (never from the agent).
    Approve(commands::approve::Args),
}
