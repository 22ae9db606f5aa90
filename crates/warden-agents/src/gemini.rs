//! Gemini CLI: `BeforeTool` / `AfterTool` events with Gemini's own tool names.

use std::path::PathBuf;

use serde_json::Value;
use warden_core::{Action, FileEdit};

use crate::tools::{Object, claude_style, command_field, first_str, opt_str, path_in, req_str};
use crate::{Agent, AgentError, HookEvent, Phase};

pub(crate) fn parse(object: &Object) -> Result<HookEvent, AgentError> {
    let event_name = req_str(object, "hook_event_name")?;
    let phase = match event_name {
        "BeforeTool" | "PreToolUse" => Phase::PreToolUse,
        "AfterTool" | "PostToolUse" => Phase::PostToolUse,
        other => Phase::Other(other.to_string()),
    };
    let cwd = opt_str(object, "cwd").map(PathBuf::from);
    let tool = opt_str(object, "tool_name").unwrap_or_default().to_string();
    let actions = if matches!(phase, Phase::Other(_)) {
        Vec::new()
    } else {
        let input = object.get("tool_input").unwrap_or(&Value::Null);
        actions(&tool, input, cwd.as_deref())?
    };
    Ok(HookEvent {
        agent: Agent::Gemini,
        phase,
        tool,
        actions,
        cwd,
        session_id: opt_str(object, "session_id").map(str::to_string),
        tool_use_id: opt_str(object, "tool_call_id").map(str::to_string),
        prompt_id: None,
        permission_mode: None,
    })
}

fn actions(
    tool: &str,
    input: &Value,
    cwd: Option<&std::path::Path>,
) -> Result<Vec<Action>, AgentError> {
    let empty = Object::new();
    let object = input.as_object().unwrap_or(&empty);
    let path = |fields: &[&str]| -> Result<PathBuf, AgentError> {
        first_str(object, fields)
            .map(|p| path_in(cwd, p))
            .ok_or(AgentError::Field {
                field: "file_path",
                expected: "a string",
            })
    };
    let action = match tool {
        "run_shell_command" => Action::Shell {
            command: command_field(object, "command")?,
            cwd: opt_str(object, "dir_path")
                .or_else(|| opt_str(object, "directory"))
                .map(|d| path_in(cwd, d))
                .or_else(|| cwd.map(std::path::Path::to_path_buf))
                .unwrap_or_default(),
        },
        "read_file" => Action::Read {
            path: path(&["absolute_path", "file_path", "path"])?,
        },
        "write_file" => Action::Write {
            path: path(&["file_path", "absolute_path", "path"])?,
            content: opt_str(object, "content").unwrap_or_default().to_string(),
        },
        "replace" => Action::Edit {
            path: path(&["file_path", "absolute_path", "path"])?,
            edits: vec![FileEdit {
                old: opt_str(object, "old_string")
                    .unwrap_or_default()
                    .to_string(),
                new: opt_str(object, "new_string")
                    .unwrap_or_default()
                    .to_string(),
            }],
        },
        "web_fetch" => Action::Fetch {
            url: first_str(object, &["url", "prompt"])
                .unwrap_or_default()
                .to_string(),
            method: "GET".to_string(),
            body: None,
        },
        "google_web_search" => Action::WebSearch {
            query: opt_str(object, "query").unwrap_or_default().to_string(),
        },
        "glob" | "search_file_content" | "grep" | "list_directory" | "read_many_files" => {
            Action::Search {
                pattern: first_str(object, &["pattern", "paths"])
                    .unwrap_or_default()
                    .to_string(),
                path: first_str(object, &["path", "dir_path"]).map(|p| path_in(cwd, p)),
                glob: opt_str(object, "include").map(str::to_string),
                // Gemini's content search answers with the matching lines.
                content: matches!(tool, "search_file_content" | "grep"),
            }
        }
        _ => return claude_style(tool, input, cwd),
    };
    Ok(vec![action])
}
