use std::process::ExitCode;

/// Arguments of `warden hook`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden hook` is not built yet")
}
