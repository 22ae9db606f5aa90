//! `warden git install`: a pre-commit hook that runs `warden scan --staged`.
//!
//! Idempotent, and it never clobbers a hook that is already there: an existing pre-commit
//! hook is kept as `pre-commit.warden-chained` and run first by Warden's hook.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::exit::ExitCode;

/// The line that marks a hook as Warden's.
const MARKER: &str = "# warden: pre-commit secret scan";
/// Name of a pre-existing hook once Warden's hook chains it.
const CHAINED: &str = "pre-commit.warden-chained";

/// Arguments of `warden git`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: GitCommand,
}

/// `warden git` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GitCommand {
    /// Install the pre-commit hook that blocks commits adding secrets.
    Install {
        /// The repository (default: the current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        repo: PathBuf,
    },
    /// Remove Warden's pre-commit hook, restoring a chained one.
    Uninstall {
        /// The repository (default: the current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        repo: PathBuf,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let message = match args.command {
        GitCommand::Install { repo } => install(&repo)?,
        GitCommand::Uninstall { repo } => uninstall(&repo)?,
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{message}");
    Ok(ExitCode::SUCCESS)
}

/// The hooks directory git uses for this repository (honours `core.hooksPath` and worktrees).
fn hooks_dir(repo: &Path) -> anyhow::Result<PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "--path-format=absolute", "--git-path", "hooks"])
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git: {e}"))?;
    if !output.status.success() {
        anyhow::bail!(
            "{} is not a git repository: {}",
            repo.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The hook script. The absolute path of this binary is used when it still exists, so a
/// `warden` earlier on PATH cannot stand in for it.
fn hook_script() -> String {
    let exe = std::env::current_exe()
        .ok()
        .map(|p| shell_quote(&p.to_string_lossy()))
        .unwrap_or_else(|| "warden".to_owned());
    format!(
        "#!/bin/sh\n\
         {MARKER} (installed by `warden git install`; remove with `warden git uninstall`)\n\
         hook_dir=$(dirname \"$0\")\n\
         if [ -x \"$hook_dir/{CHAINED}\" ]; then\n\
         \x20   \"$hook_dir/{CHAINED}\" \"$@\" || exit $?\n\
         fi\n\
         warden_bin={exe}\n\
         [ -x \"$warden_bin\" ] || warden_bin=warden\n\
         exec \"$warden_bin\" scan --staged\n"
    )
}

fn install(repo: &Path) -> anyhow::Result<String> {
    let dir = hooks_dir(repo)?;
    let hook = dir.join("pre-commit");
    let chained = dir.join(CHAINED);
    let mut message = String::new();
    match std::fs::read(&hook) {
        Ok(existing) => {
            let text = String::from_utf8_lossy(&existing);
            if text.contains(MARKER) {
                message.push_str("pre-commit hook already installed; refreshed it");
            } else if chained.exists() {
                anyhow::bail!(
                    "{} exists and is not Warden's, and {} is taken: move one of them aside first",
                    hook.display(),
                    chained.display()
                );
            } else {
                std::fs::rename(&hook, &chained).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot move the existing hook to {}: {e}",
                        chained.display()
                    )
                })?;
                message = format!(
                    "kept the existing pre-commit hook as {} (it runs first)",
                    chained.display()
                );
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => anyhow::bail!("cannot read {}: {err}", hook.display()),
    }
    write_executable(&hook, &hook_script())?;
    if message.is_empty() {
        message = format!("installed {}", hook.display());
    } else {
        message = format!("installed {}; {message}", hook.display());
    }
    Ok(message)
}

fn uninstall(repo: &Path) -> anyhow::Result<String> {
    let dir = hooks_dir(repo)?;
    let hook = dir.join("pre-commit");
    let chained = dir.join(CHAINED);
    let ours = std::fs::read(&hook)
        .map(|b| String::from_utf8_lossy(&b).contains(MARKER))
        .unwrap_or(false);
    if !ours {
        return Ok("no Warden pre-commit hook installed".to_owned());
    }
    std::fs::remove_file(&hook)
        .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", hook.display()))?;
    if chained.exists() {
        std::fs::rename(&chained, &hook)
            .map_err(|e| anyhow::anyhow!("cannot restore {}: {e}", hook.display()))?;
        return Ok(format!(
            "removed Warden's hook; restored the previous {}",
            hook.display()
        ));
    }
    Ok(format!("removed {}", hook.display()))
}

fn write_executable(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("warden-tmp");
    std::fs::write(&tmp, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| anyhow::anyhow!("cannot make {} executable: {e}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path)
        .map_err(|e| anyhow::anyhow!("cannot install {}: {e}", path.display()))
}

fn shell_quote(text: &str) -> String {
    warden_secrets::shell_quote(text)
}
