use std::process::ExitCode;

/// Arguments of `warden mcp`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden mcp` is not built yet")
}
