//! The `warden` command line: clap definitions and glue. Logic worth testing on its own lives
//! in the library crates.

// On Linux with glibc, libc calls `main` below directly, without `std`'s runtime start: see
// `startup.rs`. (Only there: `std` reads the arguments through glibc's `.init_array` calls,
// which pass them; elsewhere it needs its own start-up to see them.)
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use clap::Parser;

use crate::exit::ExitCode;

mod cli;
mod commands;
#[cfg(unix)]
mod deadline;
mod env;
mod exit;
mod record;
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
mod startup;

/// The C entry point: libc passes `argc` and `argv`, which `std::env::args_os` reads for itself.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
// SAFETY: `no_main` (above) means rustc emits no `main` symbol of its own, so this is the only
// one; its signature is the one libc calls, and neither pointer is dereferenced here.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    startup::init();
    // A panic must not unwind out of an `extern "C"` function (that aborts); its message is
    // already on stderr from the panic hook, so it only becomes the internal-error code.
    let code = std::panic::catch_unwind(run).map_or(exit::INTERNAL, ExitCode::code);
    // Runs `std`'s clean-up, which flushes stdout, then exits with the code.
    std::process::exit(i32::from(code))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run().code())
}

fn run() -> ExitCode {
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
