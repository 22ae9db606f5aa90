use std::process::ExitCode;

/// Arguments of `warden trust`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden trust` is not built yet")
}
