use std::process::ExitCode;

/// Arguments of `warden incident`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden incident` is not built yet")
}
