use std::process::ExitCode;

/// Arguments of `warden git`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden git` is not built yet")
}
