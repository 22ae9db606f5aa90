//! The `warden` command line: clap definitions and glue. Logic worth testing on its own lives
//! in the library crates.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
#[cfg(unix)]
mod deadline;
mod env;
mod exit;
mod record;

fn main() -> ExitCode {
    // The hook runs as a fresh process before every tool call of the agent, so it parses with
    // a command tree of its own subcommand only: building clap's definitions of every
    // subcommand costs more than deciding. Same flags, same help, same errors.
    if std::env::args_os().nth(1).is_some_and(|arg| arg == "hook") {
        return match cli::HookCli::try_parse() {
            Ok(cli::HookCli {
                command: cli::HookCommand::Hook(args),
            }) => commands::finish(commands::hook::run(args)),
            Err(err) => usage_error(&err),
        };
    }
    match cli::Cli::try_parse() {
        Ok(cli) => commands::dispatch(cli),
        Err(err) => usage_error(&err),
    }
}

/// Print clap's message (help and version included) and map it to the exit code.
fn usage_error(err: &clap::Error) -> ExitCode {
    let code = match err.kind() {
        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
            exit::SUCCESS
        }
        _ => exit::USAGE,
    };
    // A failed write of the usage text (closed pipe) is not worth reporting.
    let _ = err.print();
    ExitCode::from(code)
}
