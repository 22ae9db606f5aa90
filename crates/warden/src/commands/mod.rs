//! One module per subcommand. Each exposes `Args` (its clap definition) and `run`.

use crate::cli::{Cli, Command};
use crate::exit;
use crate::exit::ExitCode;

pub mod approve;
pub mod check;
pub mod explain;
pub mod git;
pub mod hook;
pub mod incident;
pub mod init;
pub mod log;
pub mod mcp;
pub mod scan;
pub mod trust;

/// Run the chosen subcommand and map its outcome to an exit code.
pub fn dispatch(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Hook(args) => hook::run(args),
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Init(args) => init::run(args),
        Command::Trust(args) => trust::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Log(args) => log::run(args),
        Command::Mcp(args) => mcp::run(args),
        Command::Incident(args) => incident::run(args),
        Command::Git(args) => git::run(args),
        Command::Approve(args) => approve::run(args),
    };
    finish(result)
}

/// Map a subcommand's outcome to an exit code, reporting an error on stderr.
pub fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            report_error(&err);
            ExitCode::from(exit::INTERNAL)
        }
    }
}

/// Print an error chain for people, on stderr.
#[allow(clippy::print_stderr)]
pub fn report_error(err: &anyhow::Error) {
    eprintln!("warden: error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
