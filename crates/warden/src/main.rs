//! The `warden` command line: clap definitions and glue. Logic worth testing on its own lives
//! in the library crates.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod env;
mod exit;
mod record;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    exit::SUCCESS
                }
                _ => exit::USAGE,
            };
            // A failed write of the usage text (closed pipe) is not worth reporting.
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    commands::dispatch(cli)
}
