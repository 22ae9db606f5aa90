use std::process::ExitCode;

/// Arguments of `warden check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden check` is not built yet")
}
