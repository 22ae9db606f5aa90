//! Cursor: one hook per kind of action, with the fields at the top level.

use std::path::PathBuf;

use serde_json::Value;
use warden_core::Action;

use crate::tools::{Object, command_field, first_str, opt_str, path_in, req_str};
use crate::{Agent, AgentError, HookEvent, Phase};

pub(crate) fn parse(object: &Object) -> Result<HookEvent, AgentError> {
    let event_name = req_str(object, "hook_event_name")?;
    let cwd = opt_str(object, "cwd").map(PathBuf::from).or_else(|| {
        object
            .get("workspace_roots")
            .and_then(Value::as_array)
            .and_then(|roots| roots.first())
            .and_then(Value::as_str)
            .map(PathBuf::from)
    });
    let (phase, tool, actions) = match event_name {
        "beforeShellExecution" => (
            Phase::PreToolUse,
            "shell".to_string(),
            vec![Action::Shell {
                command: command_field(object, "command")?,
                cwd: cwd.clone().unwrap_or_default(),
            }],
        ),
        "beforeReadFile" => (
            Phase::PreToolUse,
            "read".to_string(),
            vec![Action::Read {
                path: path_in(cwd.as_deref(), req_str(object, "file_path")?),
            }],
        ),
        "beforeMCPExecution" => {
            let tool = req_str(object, "tool_name")?;
            let server = first_str(object, &["server", "server_name"])
                .or_else(|| opt_str(object, "url"))
                .or_else(|| opt_str(object, "command"))
                .unwrap_or("unknown");
            let arguments = match object.get("tool_input") {
                Some(Value::String(s)) => {
                    serde_json::from_str(s).unwrap_or(Value::String(s.clone()))
                }
                Some(other) => other.clone(),
                None => Value::Null,
            };
            (
                Phase::PreToolUse,
                format!("mcp__{server}__{tool}"),
                vec![Action::Mcp {
                    server: server.to_string(),
                    tool: tool.to_string(),
                    arguments,
                }],
            )
        }
        other if other.starts_with("after") || other == "stop" => {
            (Phase::PostToolUse, other.to_string(), Vec::new())
        }
        other => (
            Phase::Other(other.to_string()),
            other.to_string(),
            Vec::new(),
        ),
    };
    Ok(HookEvent {
        agent: Agent::Cursor,
        phase,
        tool,
        actions,
        cwd,
        session_id: opt_str(object, "conversation_id").map(str::to_string),
        tool_use_id: opt_str(object, "generation_id").map(str::to_string),
        prompt_id: None,
        permission_mode: None,
    })
}
