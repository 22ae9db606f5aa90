use std::process::ExitCode;

/// Arguments of `warden log`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden log` is not built yet")
}
