use std::process::ExitCode;

/// Arguments of `warden approve`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden approve` is not built yet")
}
