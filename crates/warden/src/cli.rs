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
    // Keep this doc comment and `HookCommand::Hook`'s identical: it is `warden hook --help`.
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

/// `warden hook …` alone: the same program name, version and `hook` subcommand as [`Cli`],
/// without building the definitions of every other subcommand (the hook's process start-up is
/// on the path of every tool call). `main` uses it when the first argument is `hook`.
#[derive(Debug, Parser)]
#[command(name = "warden", version, propagate_version = true)]
pub struct HookCli {
    #[command(subcommand)]
    pub command: HookCommand,
}

/// The only subcommand of [`HookCli`].
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Answer one agent hook event (JSON on stdin) in the agent's own format.
    Hook(commands::hook::Args),
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    /// What a parse of `argv` gives: the hook's arguments, or clap's exact message.
    fn outcome<T>(parsed: Result<T, clap::Error>, args: impl Fn(T) -> (String, bool)) -> String {
        match parsed {
            Ok(t) => format!("{:?}", args(t)),
            Err(err) => format!("{:?}: {}", err.kind(), err.render()),
        }
    }

    #[test]
    fn the_hook_parser_answers_as_the_full_one() {
        let cases: &[&[&str]] = &[
            &["hook", "claude"],
            &["hook", "codex", "--no-audit"],
            &["hook", "--no-audit", "gemini"],
            &["hook", "not-an-agent"],
            &["hook", "--", "-dash"],
            &["hook"],
            &["hook", "claude", "extra"],
            &["hook", "--bogus", "claude"],
            &["hook", "claude", "--no-audit=1"],
            &["hook", "--help"],
            &["hook", "-h"],
            &["hook", "--version"],
            &["hook", "-V"],
        ];
        for case in cases {
            let argv = std::iter::once("warden").chain(case.iter().copied());
            let full = outcome(Cli::try_parse_from(argv.clone()), |cli| match cli.command {
                Command::Hook(a) => (a.agent, a.no_audit),
                other => panic!("{case:?} parsed as {other:?}"),
            });
            let hook = outcome(HookCli::try_parse_from(argv), |cli| match cli.command {
                HookCommand::Hook(a) => (a.agent, a.no_audit),
            });
            assert_eq!(hook, full, "{case:?}");
        }
    }

    #[test]
    fn the_hook_help_is_the_full_parser_s() {
        let mut full = Cli::command();
        let mut hook = HookCli::command();
        let full = full
            .find_subcommand_mut("hook")
            .map(|c| c.render_long_help().to_string());
        let hook = hook
            .find_subcommand_mut("hook")
            .map(|c| c.render_long_help().to_string());
        assert!(full.as_deref().is_some_and(|h| h.contains("<AGENT>")));
        assert_eq!(hook, full);
    }
}
