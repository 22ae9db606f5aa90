//! What every command reads from the environment: the working directory, the project, the
//! policy, the state directory.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use warden_core::Mode;
use warden_engine::Context;
use warden_policy::{LoadOptions, Policy, PolicyErrors};

/// `HOME`, when set.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The per-user state directory (`$XDG_STATE_HOME/warden`, else `~/.local/state/warden`).
pub fn state_dir() -> anyhow::Result<PathBuf> {
    warden_audit::default_state_dir()
        .context("cannot find a state directory: set XDG_STATE_HOME or HOME")
}

/// How the audit log is written: the defaults, with `WARDEN_AUDIT_FSYNC` choosing when
/// records reach the disk (`always`, `deny-ask`, `write-behind`, `never`, or an interval such
/// as `250ms`). An unreadable value picks `always`: a typo never weakens durability.
pub fn audit_options() -> warden_audit::Options {
    let mut options = warden_audit::Options::default();
    if let Some(value) = std::env::var_os("WARDEN_AUDIT_FSYNC") {
        options.fsync = value
            .to_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or(warden_audit::FsyncPolicy::Always);
    }
    options
}

/// The decision context for a working directory.
pub fn context(cwd: &Path) -> Context {
    let project_dir = std::env::var_os("CLAUDE_PROJECT_DIR").map(PathBuf::from);
    Context::discover(cwd, project_dir.as_deref(), home())
}

/// Load every policy layer for this project, with an optional mode chosen for this run.
pub fn load_policy(ctx: &Context, mode: Option<Mode>) -> Result<Policy, PolicyErrors> {
    let mut options = LoadOptions::from_env(Some(ctx.project_root.clone()));
    if mode.is_some() {
        options.mode_override = mode;
    }
    warden_policy::load(&options)
}

/// Load the policy for the hook. Here `WARDEN_MODE` may only tighten the mode: the hook's
/// environment can be set by a repository's own `.claude/settings.json` (`env`), and a cloned
/// repository must not be able to loosen Warden. A person chooses a looser mode in their
/// user policy, or for `warden check` with `--mode`.
pub fn load_policy_for_hook(ctx: &Context) -> Result<Policy, PolicyErrors> {
    let options = LoadOptions::from_env(Some(ctx.project_root.clone()));
    let Some(wanted) = options.mode_override else {
        return warden_policy::load(&options);
    };
    let base = warden_policy::load(&LoadOptions {
        mode_override: None,
        ..options.clone()
    })?;
    if wanted.strictness() > base.mode().strictness() {
        warden_policy::load(&options)
    } else {
        Ok(base)
    }
}

/// clap's parser for `--mode` (shared by `check` and `init`).
pub fn parse_mode(s: &str) -> Result<Mode, String> {
    s.parse()
        .map_err(|e: warden_core::ParseModeError| e.to_string())
}

/// The current directory, or `/` when it cannot be read (a deleted directory).
pub fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
}
