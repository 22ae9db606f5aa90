//! Tool-input → [`Action`] mapping shared by the hosts whose tools look alike.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use warden_core::{Action, FileEdit};

use crate::AgentError;

pub(crate) type Object = Map<String, Value>;

/// A string field, or None when absent or not a string.
pub(crate) fn opt_str<'a>(object: &'a Object, field: &str) -> Option<&'a str> {
    object.get(field).and_then(Value::as_str)
}

/// A string field the host always sends.
pub(crate) fn req_str<'a>(object: &'a Object, field: &'static str) -> Result<&'a str, AgentError> {
    opt_str(object, field).ok_or(AgentError::Field {
        field,
        expected: "a string",
    })
}

/// The first of several alternative string fields (hosts and versions disagree on names).
pub(crate) fn first_str<'a>(object: &'a Object, fields: &[&str]) -> Option<&'a str> {
    fields.iter().find_map(|f| opt_str(object, f))
}

/// A shell command given either as one string or as an argv array (Codex sends both forms).
/// An argv array is re-quoted so the shell analysis sees exactly those words.
pub(crate) fn command_field(object: &Object, field: &'static str) -> Result<String, AgentError> {
    match object.get(field) {
        Some(Value::String(command)) => Ok(command.clone()),
        Some(Value::Array(words)) => {
            let words: Option<Vec<&str>> = words.iter().map(Value::as_str).collect();
            let words = words.ok_or(AgentError::Field {
                field,
                expected: "a string or an array of strings",
            })?;
            Ok(join_argv(&words))
        }
        _ => Err(AgentError::Field {
            field,
            expected: "a string or an array of strings",
        }),
    }
}

/// Join an argv into one command line, single-quoting every word that a shell would split or
/// interpret, so `["echo", "rm -rf /"]` stays an echo.
pub fn join_argv<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&quote_word(word.as_ref()));
    }
    out
}

fn quote_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || "_@%+=:,./-~*?[]{}^!#".contains(c) || !c.is_ascii()
        });
    if plain {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Resolve a possibly relative path against the host's working directory.
pub(crate) fn path_in(cwd: Option<&Path>, path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    match cwd {
        Some(cwd) if p.is_relative() => cwd.join(p),
        _ => p,
    }
}

/// The MCP naming convention shared by Claude Code, Codex and Gemini CLI:
/// `mcp__<server>__<tool>`.
pub(crate) fn split_mcp_name(tool: &str) -> Option<(&str, &str)> {
    let rest = tool.strip_prefix("mcp__")?;
    let (server, name) = rest.split_once("__")?;
    (!server.is_empty() && !name.is_empty()).then_some((server, name))
}

/// Map a Claude-Code-style tool call (also Codex's) to actions.
pub(crate) fn claude_style(
    tool: &str,
    input: &Value,
    cwd: Option<&Path>,
) -> Result<Vec<Action>, AgentError> {
    if let Some((server, name)) = split_mcp_name(tool) {
        return Ok(vec![Action::Mcp {
            server: server.to_string(),
            tool: name.to_string(),
            arguments: input.clone(),
        }]);
    }
    let empty = Object::new();
    let object = input.as_object().unwrap_or(&empty);
    let action = match tool {
        "Bash" | "shell" | "local_shell" | "exec_command" => Action::Shell {
            command: command_field(object, "command")?,
            cwd: opt_str(object, "workdir")
                .map(|w| path_in(cwd, w))
                .or_else(|| cwd.map(Path::to_path_buf))
                .unwrap_or_default(),
        },
        "Read" => Action::Read {
            path: path_in(cwd, req_str(object, "file_path")?),
        },
        "Write" => Action::Write {
            path: path_in(cwd, req_str(object, "file_path")?),
            content: req_str(object, "content")?.to_string(),
        },
        "Edit" => Action::Edit {
            path: path_in(cwd, req_str(object, "file_path")?),
            edits: vec![FileEdit {
                old: opt_str(object, "old_string")
                    .unwrap_or_default()
                    .to_string(),
                new: req_str(object, "new_string")?.to_string(),
            }],
        },
        "MultiEdit" => Action::Edit {
            path: path_in(cwd, req_str(object, "file_path")?),
            edits: multi_edits(object)?,
        },
        "NotebookEdit" => Action::Edit {
            path: path_in(cwd, req_str(object, "notebook_path")?),
            edits: vec![FileEdit {
                old: String::new(),
                new: opt_str(object, "new_source")
                    .unwrap_or_default()
                    .to_string(),
            }],
        },
        "Glob" | "Grep" | "LS" => Action::Search {
            pattern: opt_str(object, "pattern").unwrap_or_default().to_string(),
            path: opt_str(object, "path").map(|p| path_in(cwd, p)),
            glob: opt_str(object, "glob").map(str::to_string),
            content: tool == "Grep" && opt_str(object, "output_mode") == Some("content"),
        },
        "WebFetch" => Action::Fetch {
            url: req_str(object, "url")?.to_string(),
            method: "GET".to_string(),
            body: None,
        },
        "WebSearch" => Action::WebSearch {
            query: opt_str(object, "query").unwrap_or_default().to_string(),
        },
        "apply_patch" => return apply_patch(object, cwd),
        // Claude Code's reader of MCP resources: a `file://` resource is that file, read.
        "ReadMcpResourceTool" => {
            match opt_str(object, "uri").and_then(|u| u.strip_prefix("file://")) {
                Some(path) if !path.is_empty() => Action::Read {
                    path: path_in(cwd, path),
                },
                _ => Action::Unknown {
                    tool: tool.to_string(),
                    input: input.clone(),
                },
            }
        }
        _ => Action::Unknown {
            tool: tool.to_string(),
            input: input.clone(),
        },
    };
    Ok(vec![action])
}

fn multi_edits(object: &Object) -> Result<Vec<FileEdit>, AgentError> {
    let field = AgentError::Field {
        field: "edits",
        expected: "an array of {old_string, new_string}",
    };
    let edits = object
        .get("edits")
        .and_then(Value::as_array)
        .ok_or(field.clone())?;
    edits
        .iter()
        .map(|edit| {
            let edit = edit.as_object().ok_or(field.clone())?;
            Ok(FileEdit {
                old: opt_str(edit, "old_string").unwrap_or_default().to_string(),
                new: opt_str(edit, "new_string")
                    .ok_or(field.clone())?
                    .to_string(),
            })
        })
        .collect()
}

/// Codex's `apply_patch`: the patch text names every file it adds, updates, deletes or moves.
/// Each becomes its own action, so the strictest file decides.
fn apply_patch(object: &Object, cwd: Option<&Path>) -> Result<Vec<Action>, AgentError> {
    let patch = first_str(object, &["input", "patch", "command"]).ok_or(AgentError::Field {
        field: "input",
        expected: "the patch text",
    })?;
    let mut actions = Vec::new();
    let mut current: Option<(PathBuf, String)> = None;
    let flush = |current: &mut Option<(PathBuf, String)>, actions: &mut Vec<Action>| {
        if let Some((path, added)) = current.take() {
            actions.push(Action::Write {
                path,
                content: added,
            });
        }
    };
    for line in patch.lines() {
        let header = |prefix: &str| line.strip_prefix(prefix).map(str::trim);
        if let Some(path) = header("*** Add File:").or_else(|| header("*** Update File:")) {
            flush(&mut current, &mut actions);
            current = Some((path_in(cwd, path), String::new()));
        } else if let Some(path) = header("*** Move to:") {
            flush(&mut current, &mut actions);
            current = Some((path_in(cwd, path), String::new()));
        } else if let Some(path) = header("*** Delete File:") {
            flush(&mut current, &mut actions);
            actions.push(Action::Write {
                path: path_in(cwd, path),
                content: String::new(),
            });
        } else if let (Some((_, added)), Some(text)) = (current.as_mut(), line.strip_prefix('+')) {
            added.push_str(text);
            added.push('\n');
        }
    }
    flush(&mut current, &mut actions);
    if actions.is_empty() {
        actions.push(Action::Unknown {
            tool: "apply_patch".to_string(),
            input: Value::Object(object.clone()),
        });
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_argv_keeps_words_whole() {
        assert_eq!(join_argv(&["echo", "rm -rf /"]), "echo 'rm -rf /'");
        assert_eq!(join_argv(&["rm", "-rf", "~"]), "rm -rf ~");
        assert_eq!(join_argv(&["echo", "it's"]), r"echo 'it'\''s'");
        assert_eq!(join_argv(&["a;b"]), "'a;b'");
        assert_eq!(join_argv(&[""]), "''");
        assert_eq!(join_argv(&["$(id)"]), "'$(id)'");
    }

    #[test]
    fn mcp_names() {
        assert_eq!(
            split_mcp_name("mcp__github__get_me"),
            Some(("github", "get_me"))
        );
        assert_eq!(
            split_mcp_name("mcp__memory__delete__all"),
            Some(("memory", "delete__all"))
        );
        assert_eq!(split_mcp_name("mcp____x"), None);
        assert_eq!(split_mcp_name("Bash"), None);
    }

    #[test]
    fn a_file_resource_is_read_like_the_file() {
        let cwd = Some(Path::new("/p"));
        let read = |uri: &str| {
            claude_style(
                "ReadMcpResourceTool",
                &serde_json::json!({ "server": "fs", "uri": uri }),
                cwd,
            )
            .unwrap()
        };
        assert_eq!(
            read("file:///p/.env"),
            vec![Action::Read {
                path: "/p/.env".into()
            }]
        );
        assert!(matches!(
            &read("memo://notes")[..],
            [Action::Unknown { .. }]
        ));
    }

    #[test]
    fn apply_patch_lists_every_file() {
        let patch = "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** Update File: src/b.rs\n@@\n-x\n+y\n*** Delete File: c\n*** End Patch";
        let object: Object =
            serde_json::from_str(&serde_json::json!({ "input": patch }).to_string()).unwrap();
        let actions = apply_patch(&object, Some(Path::new("/p"))).unwrap();
        assert_eq!(actions.len(), 3);
        assert_eq!(
            actions[0],
            Action::Write {
                path: "/p/a.txt".into(),
                content: "hello\n".into()
            }
        );
        assert!(
            matches!(&actions[1], Action::Write { path, content } if path == Path::new("/p/src/b.rs") && content == "y\n")
        );
    }
}
