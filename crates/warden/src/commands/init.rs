use std::process::ExitCode;

/// Arguments of `warden init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`warden init` is not built yet")
}
