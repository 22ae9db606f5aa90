//! `warden trust`: the person trusts the project policy as it is now.

use std::path::PathBuf;

use anyhow::Context as _;
use warden_policy::{LoadOptions, TrustStatus};

use crate::env;
use crate::exit::ExitCode;

/// Arguments of `warden trust`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory (default: the project containing the current directory).
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// Only show whether the project policy is trusted; change nothing.
    #[arg(long)]
    pub status: bool,
}

#[allow(clippy::print_stdout)]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = match args.project {
        Some(dir) => dir,
        None => warden_engine::find_project_root(&env::current_dir()),
    };
    let options = LoadOptions::from_env(Some(root.clone()));
    if args.status {
        let status = warden_policy::trust::status(&root, &options.trust_store);
        let text = match &status {
            TrustStatus::NoPolicy => "no project policy".to_string(),
            TrustStatus::Untrusted => "not trusted: it can only tighten the policy".to_string(),
            TrustStatus::Trusted { sha256 } => {
                format!("trusted (sha256 {})", &sha256[..sha256.len().min(16)])
            }
            TrustStatus::Modified { .. } => {
                "changed since it was trusted: tighten-only until `warden trust` runs again"
                    .to_string()
            }
        };
        println!("{}: {text}", root.join(".warden/policy.toml").display());
        return Ok(ExitCode::from(u8::from(!matches!(
            status,
            TrustStatus::Trusted { .. }
        ))));
    }
    crate::commands::approve::refuse_inside_agent("trust")?;
    // A policy that does not load is not worth trusting: say what is wrong instead.
    warden_policy::load(&LoadOptions {
        mode_override: None,
        ..options.clone()
    })
    .map_err(|errors| anyhow::anyhow!("the policy has errors; fix them first:\n{errors}"))?;
    let hash = warden_policy::trust::trust(&root, &options.trust_store)
        .with_context(|| format!("cannot trust {}", root.display()))?;
    println!(
        "trusted {} (sha256 {}); editing it withdraws trust until you run `warden trust` again",
        root.join(".warden/policy.toml").display(),
        &hash[..hash.len().min(16)]
    );
    Ok(ExitCode::SUCCESS)
}
