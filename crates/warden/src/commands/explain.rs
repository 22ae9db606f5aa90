use std::process::ExitCode;

/// Arguments of `warden explain`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden explain` is not built yet")
}
