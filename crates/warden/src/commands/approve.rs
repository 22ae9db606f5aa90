//! `warden approve CODE`: the person grants a one-time approval that Warden gave instead of
//! asking (hosts without an "ask", and the MCP gateway).

use anyhow::bail;
use warden_engine::approvals::{ApprovalError, Approvals};

use crate::env;
use crate::exit::ExitCode;

/// Arguments of `warden approve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The code from Warden's message, e.g. K7Q2-9XZP.
    pub code: String,
}

/// Claude Code marks the processes its Bash tool starts (`CLAUDECODE=1`); a trust or an
/// approval from there would be the agent approving itself. The hook denies these commands too
/// (rule SELF001); this is the second lock.
pub fn refuse_inside_agent(command: &str) -> anyhow::Result<()> {
    if std::env::var_os("CLAUDECODE").is_some() {
        bail!("`warden {command}` must be run by a person in their own terminal, not by an agent");
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    refuse_inside_agent("approve")?;
    if warden_mcp::approvals::is_mcp_code(&args.code) {
        let dir = warden_mcp::state_dir().ok_or_else(|| {
            anyhow::anyhow!("cannot find a state directory: set XDG_STATE_HOME or HOME")
        })?;
        let approval = warden_mcp::approvals::grant(&args.code, &dir)?;
        println!(
            "approved {}: MCP tool {}/{} with arguments {}",
            approval.code, approval.server, approval.tool, approval.args_preview
        );
        println!("The agent may now make that exact call once.");
        return Ok(ExitCode::SUCCESS);
    }
    let state = env::state_dir()?;
    match Approvals::new(&state).grant(&args.code) {
        Ok(summary) => {
            println!("approved {}: {summary}", args.code);
            println!("The agent may now retry that exact action once, within the hour.");
            Ok(ExitCode::SUCCESS)
        }
        Err(ApprovalError::UnknownCode(code)) => {
            bail!("no pending approval with code {code} (mistyped, expired, or already used)")
        }
        Err(err) => Err(err.into()),
    }
}
