use std::process::ExitCode;

/// Arguments of `warden scan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden scan` is not built yet")
}
