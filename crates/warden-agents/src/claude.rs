//! Claude Code (and Codex CLI, which uses Claude's field names).

use std::path::PathBuf;

use serde_json::Value;

use crate::tools::{Object, claude_style, opt_str, req_str};
use crate::{Agent, AgentError, HookEvent, Phase};

pub(crate) fn parse(agent: Agent, object: &Object) -> Result<HookEvent, AgentError> {
    let event_name = req_str(object, "hook_event_name")?;
    let phase = match event_name {
        "PreToolUse" => Phase::PreToolUse,
        "PostToolUse" | "PostToolUseFailure" => Phase::PostToolUse,
        other => Phase::Other(other.to_string()),
    };
    let cwd = opt_str(object, "cwd").map(PathBuf::from);
    let (tool, actions) = match phase {
        Phase::Other(_) => (
            opt_str(object, "tool_name").unwrap_or_default().to_string(),
            Vec::new(),
        ),
        _ => {
            let tool = req_str(object, "tool_name")?;
            let input = object.get("tool_input").unwrap_or(&Value::Null);
            (tool.to_string(), claude_style(tool, input, cwd.as_deref())?)
        }
    };
    Ok(HookEvent {
        agent,
        phase,
        tool,
        actions,
        cwd,
        session_id: opt_str(object, "session_id").map(str::to_string),
        tool_use_id: opt_str(object, "tool_use_id").map(str::to_string),
        prompt_id: opt_str(object, "prompt_id")
            .or_else(|| opt_str(object, "turn_id"))
            .map(str::to_string),
        permission_mode: opt_str(object, "permission_mode").map(str::to_string),
    })
}
