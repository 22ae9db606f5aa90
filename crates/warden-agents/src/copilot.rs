//! GitHub Copilot CLI: `toolName` plus `toolArgs`, a JSON object encoded as a string.

use std::path::PathBuf;

use serde_json::Value;
use warden_core::{Action, FileEdit};

use crate::tools::{Object, command_field, first_str, opt_str, path_in, req_str, split_mcp_name};
use crate::{Agent, AgentError, HookEvent, Phase};

pub(crate) fn parse(object: &Object) -> Result<HookEvent, AgentError> {
    let tool = req_str(object, "toolName")?.to_string();
    let phase = match opt_str(object, "hook_event_name").or_else(|| opt_str(object, "event")) {
        Some("postToolUse") | Some("PostToolUse") => Phase::PostToolUse,
        _ if object.contains_key("toolResult") => Phase::PostToolUse,
        _ => Phase::PreToolUse,
    };
    let args = match object.get("toolArgs") {
        Some(Value::String(text)) => serde_json::from_str(text).map_err(|_| AgentError::Field {
            field: "toolArgs",
            expected: "a JSON object encoded as a string",
        })?,
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let cwd = opt_str(object, "cwd").map(PathBuf::from);
    let actions = if phase == Phase::PreToolUse {
        actions(&tool, &args, cwd.as_deref())?
    } else {
        Vec::new()
    };
    Ok(HookEvent {
        agent: Agent::Copilot,
        phase,
        tool,
        actions,
        cwd,
        session_id: opt_str(object, "sessionId").map(str::to_string),
        tool_use_id: opt_str(object, "toolCallId").map(str::to_string),
        prompt_id: None,
        permission_mode: None,
    })
}

fn actions(
    tool: &str,
    args: &Value,
    cwd: Option<&std::path::Path>,
) -> Result<Vec<Action>, AgentError> {
    if let Some((server, name)) = split_mcp_name(tool) {
        return Ok(vec![Action::Mcp {
            server: server.to_string(),
            tool: name.to_string(),
            arguments: args.clone(),
        }]);
    }
    let empty = Object::new();
    let object = args.as_object().unwrap_or(&empty);
    let path = || {
        first_str(object, &["path", "file_path", "filePath"])
            .map(|p| path_in(cwd, p))
            .ok_or(AgentError::Field {
                field: "path",
                expected: "a string",
            })
    };
    let action = match tool {
        "bash" | "shell" | "powershell" => Action::Shell {
            command: command_field(object, "command")?,
            cwd: cwd.map(std::path::Path::to_path_buf).unwrap_or_default(),
        },
        "view" | "read" => Action::Read { path: path()? },
        "create" | "write" => Action::Write {
            path: path()?,
            content: first_str(object, &["file_text", "content"])
                .unwrap_or_default()
                .to_string(),
        },
        "edit" | "str_replace" => Action::Edit {
            path: path()?,
            edits: vec![FileEdit {
                old: first_str(object, &["old_str", "old_string"])
                    .unwrap_or_default()
                    .to_string(),
                new: first_str(object, &["new_str", "new_string"])
                    .unwrap_or_default()
                    .to_string(),
            }],
        },
        "web_fetch" | "fetch" => Action::Fetch {
            url: opt_str(object, "url").unwrap_or_default().to_string(),
            method: "GET".to_string(),
            body: None,
        },
        _ => Action::Unknown {
            tool: tool.to_string(),
            input: args.clone(),
        },
    };
    Ok(vec![action])
}
